/* advise.c — `vpcflow advise`: from where the money goes to what to change. One scan of the
 * query engine groups the hops the actions rest on (NAT gateways' outside legs by peer, their
 * inside legs by client, charged cross-AZ hops by owner, egress by destination); each kind of
 * action is then priced from the same table as the bill (docs/advise.md). */
#include "query/advise.h"

#include "query/query.h"

#include "model/cost.h"
#include "model/network.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

#define MONTH_SECONDS 2592000 /* 30 days */
#define MONTH_HOURS 720
#define GIB_SHIFT 30

/* The pieces of a hop the actions need. */
enum { P_NAT_PEER = 1, P_NAT_CLIENT, P_XAZ, P_EGRESS };

typedef struct adv_key {
    vpcflow_addr a, b;
    int32_t a_owner, b_owner;
    uint8_t piece, cls;
    uint8_t pad[6];
} adv_key;

static const char *const kind_names[VF_ACT_COUNT] = {
    "gateway-endpoint", "interface-endpoint", "nat-per-az", "cross-az", "inter-region", "internet-egress", "inputs",
};

const char *vf_action_kind_name(int kind)
{
    return kind >= 0 && kind < VF_ACT_COUNT ? kind_names[kind] : "?";
}

u128 vf_per_month(u128 v, int64_t window)
{
    return window > 0 ? v * MONTH_SECONDS / (u128)window : v;
}

static int is_nat(const vf_network *n, const vf_loc *l)
{
    return l->owner >= 0 && vf_network_eni(n, (size_t)l->owner)->nat;
}

static int outside(const vf_loc *l)
{
    return l->kind == VF_LOC_AWS || l->kind == VF_LOC_INTERNET;
}

void vf_advise_group(void *ctx, const vpcflow_record *r, const vf_flow *f, vf_emit_fn emit, void *sink)
{
    const vf_network *n = ctx;
    adv_key k;
    memset(&k, 0, sizeof k);
    k.cls = (uint8_t)f->cls;
    int snat = is_nat(n, &f->src), dnat = is_nat(n, &f->dst);
    const vf_eni_facts *obs = f->observer >= 0 ? vf_network_eni(n, (size_t)f->observer) : NULL;
    if (obs && obs->nat && outside(&f->src) != outside(&f->dst)) { /* an outside leg: (NAT, peer) */
        int src_out = outside(&f->src);
        k.piece = P_NAT_PEER;
        k.a = src_out ? r->dstaddr : r->srcaddr;
        k.b = src_out ? r->srcaddr : r->dstaddr;
        k.a_owner = src_out ? f->dst.owner : f->src.owner;
        k.b_owner = src_out ? f->src.owner : f->dst.owner;
        emit(sink, &k, &f->m);
        k.cls = (uint8_t)f->cls;
    } else if ((snat || dnat) && !outside(&f->src) && !outside(&f->dst)) { /* an inside leg: (NAT, client) */
        k.piece = P_NAT_CLIENT;
        k.a = snat ? r->srcaddr : r->dstaddr;
        k.b = snat ? r->dstaddr : r->srcaddr;
        k.a_owner = snat ? f->src.owner : f->dst.owner;
        k.b_owner = snat ? f->dst.owner : f->src.owner;
        emit(sink, &k, &f->m);
        return;
    }
    k.a = r->srcaddr;
    k.b = r->dstaddr;
    k.a_owner = f->src.owner;
    k.b_owner = f->dst.owner;
    /* egress through a NAT gateway (its outside leg) counts here too */
    if (f->cls == VPCFLOW_CLASS_CROSS_AZ && f->m.cost > 0 && !snat && !dnat) {
        k.piece = P_XAZ;
        emit(sink, &k, &f->m);
    } else if (f->cls == VPCFLOW_CLASS_INTERNET_OUT || (f->cls == VPCFLOW_CLASS_INTER_REGION && f->m.cost > 0)) {
        k.piece = P_EGRESS;
        k.a = r->dstaddr;
        k.a_owner = f->dst.owner;
        k.b = (vpcflow_addr){0, 0};
        k.b_owner = 0;
        emit(sink, &k, &f->m);
    }
}

/* ---- building actions ------------------------------------------------------------------- */

typedef struct ctx {
    vpcflow_advice *adv;
    const vf_network *net;
    const vf_topology *topo;
    const vf_query_result *q;
    const vf_prices *p;
} ctx;

/* snprintf that may cut (labels and lists are bounded, the cut is harmless) */
static void setf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void setf(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
}

static void add_owner(vf_action *a, const char *label)
{
    for (size_t i = 0; i < a->nowners; i++)
        if (!strcmp(a->owners[i], label))
            return;
    if (a->nowners < VF_ACTION_OWNERS)
        snprintf(a->owners[a->nowners++], sizeof a->owners[0], "%s", label);
}

static void caveat(vf_action *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void caveat(vf_action *a, const char *fmt, ...)
{
    size_t l = strlen(a->caveats);
    if (l && l + 1 < sizeof a->caveats)
        a->caveats[l++] = '\n';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->caveats + l, sizeof a->caveats - l, fmt, ap);
    va_end(ap);
}

/* Hourly resources for a month, as a numerator. */
static u128 hours_cost(uint64_t per_hour, unsigned count)
{
    return (u128)per_hour * MONTH_HOURS * count << GIB_SHIFT;
}

/* Prices the action and keeps it when its net is positive. */
static void propose(ctx *c, vf_action *a)
{
    vpcflow_advice *adv = c->adv;
    a->saving_month = vf_per_month(a->saving, adv->window);
    u128 min = (u128)adv->min_net_micro_usd * 1000000u << GIB_SHIFT;
    if (a->saving_month <= a->cost_month || a->saving_month - a->cost_month < min || !a->saving) {
        adv->declined++;
        return;
    }
    a->net_month = a->saving_month - a->cost_month;
    if (adv->n < VF_ACTIONS_MAX)
        adv->v[adv->n++] = *a;
    else
        adv->declined++;
}

static const char *az_name(const ctx *c, uint16_t az)
{
    const char *s = az ? vf_topology_az_name(c->topo, az) : NULL;
    return s ? s : "an unknown AZ";
}

static void label_of(const ctx *c, vpcflow_addr a, int32_t owner, char *buf, size_t cap)
{
    vf_loc l;
    char lab[128], addr[64];
    vf_locate_as(c->net, a, owner, &l);
    vf_loc_label(c->net, &l, lab, sizeof lab);
    vpcflow_addr_format(a, addr, sizeof addr);
    if (l.owner >= 0 || l.kind == VF_LOC_AWS)
        snprintf(buf, cap, "%s", lab);
    else
        setf(buf, cap, "%s %s", lab, addr);
}

/* A list of AZ names from a set of keys: "us-east-1a, us-east-1c". */
static void az_list(const ctx *c, const uint16_t *azs, size_t n, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && o < cap; i++) {
        int w = snprintf(buf + o, cap - o, "%s%s", i ? (i + 1 == n ? " and " : ", ") : "", az_name(c, azs[i]));
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

static int cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

static size_t add_az(uint16_t *set, size_t n, size_t cap, uint16_t az)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == az)
            return n;
    if (n < cap)
        set[n++] = az;
    return n;
}

/* ---- NAT gateways: endpoints, and a NAT gateway per AZ ---------------------------------- */

#define MAX_SVC 64
#define MAX_AZ 64

/* Adds the NAT gateway of piece k to a list of at most 4 labels, once. */
static void add_nat(const ctx *c, const adv_key *k, char nats[4][128], size_t *n)
{
    char lab[128];
    label_of(c, k->a, k->a_owner, lab, sizeof lab);
    size_t h = 0;
    while (h < *n && strcmp(nats[h], lab))
        h++;
    if (h == *n && h < 4)
        snprintf(nats[(*n)++], sizeof nats[0], "%s", lab);
}

typedef struct svc_use {
    const char *service, *region;
    uint64_t bytes, flows;
    char nats[4][128];
    size_t nnats;
} svc_use;

static int endpoint_service(const char *svc, int gateway)
{
    int gw = !strcmp(svc, "S3") || !strcmp(svc, "DYNAMODB");
    if (gateway)
        return gw;
    /* services an interface endpoint cannot stand for: customers' addresses, edge networks */
    static const char *const not_if[] = {"AMAZON",
                                         "EC2",
                                         "CLOUDFRONT",
                                         "CLOUDFRONT_ORIGIN_FACING",
                                         "ROUTE53",
                                         "ROUTE53_HEALTHCHECKS",
                                         "ROUTE53_RESOLVER",
                                         "GLOBALACCELERATOR",
                                         "EC2_INSTANCE_CONNECT",
                                         "WORKSPACES_GATEWAYS",
                                         "AMAZON_APPFLOW"};
    if (gw)
        return 0;
    for (size_t i = 0; i < VF_ARRAY_LEN(not_if); i++)
        if (!strcmp(svc, not_if[i]))
            return 0;
    return 1;
}

/* The distinct AZs of a NAT gateway's clients (every inside leg). */
static size_t client_azs(const ctx *c, uint16_t *azs, size_t cap)
{
    size_t n = 0;
    const vf_agg *g = c->q->groups;
    for (size_t i = 0; i < vf_agg_count(g); i++) {
        const adv_key *k = vf_agg_key(g, i);
        vf_loc l;
        if (k->piece != P_NAT_CLIENT)
            continue;
        vf_locate_as(c->net, k->b, k->b_owner, &l);
        if (l.kind == VF_LOC_VPC && l.az_key)
            n = add_az(azs, n, cap, l.az_key);
    }
    qsort(azs, n, sizeof *azs, cmp_u16);
    return n;
}

static void nat_endpoints(ctx *c)
{
    svc_use use[MAX_SVC];
    size_t nuse = 0;
    const vf_agg *g = c->q->groups;
    for (size_t i = 0; i < vf_agg_count(g); i++) {
        const adv_key *k = vf_agg_key(g, i);
        vf_loc l;
        if (k->piece != P_NAT_PEER)
            continue;
        vf_locate_as(c->net, k->b, k->b_owner, &l);
        if (l.kind != VF_LOC_AWS || !l.aws || strcmp(l.aws->region, c->adv->region) != 0)
            continue;
        size_t j = 0;
        while (j < nuse && (strcmp(use[j].service, l.aws->service) || strcmp(use[j].region, l.aws->region)))
            j++;
        if (j == nuse) {
            if (nuse == MAX_SVC)
                continue;
            memset(&use[nuse], 0, sizeof use[0]);
            use[nuse].service = l.aws->service;
            use[nuse].region = l.aws->region;
            nuse++;
        }
        const vf_metrics *m = vf_agg_metrics(g, i);
        use[j].bytes += m->bytes;
        use[j].flows += m->flows;
        add_nat(c, k, use[j].nats, &use[j].nnats);
    }
    uint16_t azs[MAX_AZ];
    size_t naz = client_azs(c, azs, MAX_AZ);
    for (size_t j = 0; j < nuse; j++) {
        vf_action a;
        memset(&a, 0, sizeof a);
        int gw = endpoint_service(use[j].service, 1);
        if (!gw && !endpoint_service(use[j].service, 0))
            continue;
        a.bytes = use[j].bytes;
        a.flows = use[j].flows;
        for (size_t h = 0; h < use[j].nnats; h++)
            add_owner(&a, use[j].nats[h]);
        char svc[64];
        snprintf(svc, sizeof svc, "aws %s %s", use[j].service, use[j].region);
        add_owner(&a, svc);
        if (gw) {
            a.kind = VF_ACT_GATEWAY_ENDPOINT;
            setf(a.change, sizeof a.change, "add a gateway endpoint for %s in %s to the private subnets' route tables",
                 use[j].service, use[j].region);
            uint64_t per_gb = c->p->nat_per_gb > c->p->vpce_gw_per_gb ? c->p->nat_per_gb - c->p->vpce_gw_per_gb : 0;
            a.saving = (u128)a.bytes * per_gb;
            a.cost_month = hours_cost(c->p->vpce_gw_per_hour, 1);
            caveat(&a,
                   "Only traffic to %s in %s: a bucket or table in another region still goes through the NAT "
                   "gateway.",
                   use[j].service, use[j].region);
        } else {
            unsigned count = naz ? (unsigned)naz : 1;
            char list[256];
            az_list(c, azs, naz, list, sizeof list);
            a.kind = VF_ACT_INTERFACE_ENDPOINT;
            setf(a.change, sizeof a.change, "add an interface endpoint for %s in %s (%u AZ%s%s%s)", use[j].service,
                 use[j].region, count, count == 1 ? "" : "s", naz ? ": " : "", list);
            uint64_t per_gb = c->p->nat_per_gb > c->p->vpce_if_per_gb ? c->p->nat_per_gb - c->p->vpce_if_per_gb : 0;
            a.saving = (u128)a.bytes * per_gb;
            a.cost_month = hours_cost(c->p->vpce_if_per_hour, count);
            caveat(&a, "Saving: the NAT rate less the endpoint's per-GB rate; cost: the endpoint's hours in each AZ "
                       "the NAT gateway's clients are in.");
            caveat(&a, "The service must offer an interface endpoint (AWS PrivateLink) and its clients must use "
                       "its private DNS name.");
            if (!naz)
                caveat(&a, "The clients' AZs are unknown (give --subnets): one AZ assumed.");
        }
        caveat(&a,
               "The bytes are those of the NAT gateway's outside legs with %s, both directions: what it "
               "processed for them.",
               svc);
        propose(c, &a);
    }
}

typedef struct az_use {
    uint16_t az;
    uint64_t bytes, flows;
    u128 cost;
    char nats[4][128];
    size_t nnats;
    uint16_t nat_azs[8];
    size_t nnat_azs;
} az_use;

static void nat_per_az(ctx *c)
{
    az_use use[MAX_AZ];
    size_t nuse = 0;
    const vf_agg *g = c->q->groups;
    for (size_t i = 0; i < vf_agg_count(g); i++) {
        const adv_key *k = vf_agg_key(g, i);
        vf_loc la, lb;
        if (k->piece != P_NAT_CLIENT || k->cls != VPCFLOW_CLASS_CROSS_AZ)
            continue;
        vf_locate_as(c->net, k->a, k->a_owner, &la);
        vf_locate_as(c->net, k->b, k->b_owner, &lb);
        size_t j = 0;
        while (j < nuse && use[j].az != lb.az_key)
            j++;
        if (j == nuse) {
            if (nuse == MAX_AZ)
                continue;
            memset(&use[nuse], 0, sizeof use[0]);
            use[nuse++].az = lb.az_key;
        }
        const vf_metrics *m = vf_agg_metrics(g, i);
        use[j].bytes += m->bytes;
        use[j].flows += m->flows;
        use[j].cost += m->cost;
        add_nat(c, k, use[j].nats, &use[j].nnats);
        use[j].nnat_azs = add_az(use[j].nat_azs, use[j].nnat_azs, 8, la.az_key);
    }
    for (size_t j = 0; j < nuse; j++) {
        /* is there a NAT gateway in the clients' AZ already? */
        int have = 0;
        for (size_t e = 0; e < vf_network_eni_count(c->net); e++) {
            const vf_eni_facts *f = vf_network_eni(c->net, e);
            if (f->nat && f->az_key && f->az_key == use[j].az)
                have = 1;
        }
        vf_action a;
        memset(&a, 0, sizeof a);
        a.kind = VF_ACT_NAT_PER_AZ;
        a.bytes = use[j].bytes;
        a.flows = use[j].flows;
        a.saving = use[j].cost;
        char from[256];
        az_list(c, use[j].nat_azs, use[j].nnat_azs, from, sizeof from);
        if (have)
            setf(a.change, sizeof a.change,
                 "route the private subnets of %s to the NAT gateway in their own AZ instead of the one in %s",
                 az_name(c, use[j].az), from);
        else
            setf(a.change, sizeof a.change,
                 "add a NAT gateway in %s and route its private subnets to it (now they reach the one in %s)",
                 az_name(c, use[j].az), from);
        a.cost_month = have ? 0 : hours_cost(c->p->nat_per_hour, 1);
        for (size_t h = 0; h < use[j].nnats; h++)
            add_owner(&a, use[j].nats[h]);
        caveat(&a,
               "Saving: the cross-AZ charge of the hops between instances in %s and the NAT gateway, both "
               "directions; the NAT's processing charge stays.",
               az_name(c, use[j].az));
        if (!have)
            caveat(&a, "Cost: one more NAT gateway's hours (its per-GB charge replaces the old one's).");
        propose(c, &a);
    }
}

/* ---- chatty cross-AZ owners -------------------------------------------------------------- */

/* An owner: its facts index, or its address when no ENI owns it. */
typedef struct who {
    int32_t owner;
    uint8_t pad[4];
    vpcflow_addr addr;
} who;

/* An owner pair, x < y (grouped in a hash table), and its metrics once grouped. */
typedef struct pair_key {
    who x, y;
    uint16_t azx, azy;
    uint8_t pad[4];
} pair_key;

typedef struct xpair {
    pair_key k;
    uint64_t bytes, flows;
    u128 cost;
    int used;
} xpair;

/* One side of a pair, to sum each owner's pairs by sorting. */
typedef struct side {
    who w;
    u128 cost;
} side;

static int cmp_side(const void *a, const void *b)
{
    return memcmp(&((const side *)a)->w, &((const side *)b)->w, sizeof(who));
}

static int cmp_pair_cost(const void *a, const void *b)
{
    const xpair *x = *(xpair *const *)a, *y = *(xpair *const *)b;
    if (x->cost != y->cost)
        return x->cost > y->cost ? -1 : 1;
    return memcmp(&x->k, &y->k, sizeof x->k);
}

static who who_of(const ctx *c, vpcflow_addr a, int32_t owner, uint16_t *az)
{
    vf_loc l;
    who w;
    memset(&w, 0, sizeof w);
    vf_locate_as(c->net, a, owner, &l);
    *az = l.az_key;
    w.owner = l.owner;
    w.addr = a;
    if (l.owner >= 0) /* one owner, whichever of its addresses */
        w.addr = (vpcflow_addr){0, 0};
    return w;
}

static int who_eq(const who *a, const who *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static void who_label(const ctx *c, const who *w, char *buf, size_t cap)
{
    if (w->owner >= 0) {
        snprintf(buf, cap, "%s", vf_network_eni(c->net, (size_t)w->owner)->label);
        return;
    }
    label_of(c, w->addr, -1, buf, cap);
}

/* The owner with the most charged cross-AZ dollars among the pairs left, or 0 when none is left. */
static int best_owner(xpair *p, size_t np, side *sides, who *best)
{
    size_t ns = 0;
    for (size_t i = 0; i < np; i++)
        if (!p[i].used) {
            sides[ns++] = (side){p[i].k.x, p[i].cost};
            sides[ns++] = (side){p[i].k.y, p[i].cost};
        }
    if (ns)
        qsort(sides, ns, sizeof *sides, cmp_side);
    u128 best_cost = 0;
    for (size_t i = 0; i < ns;) {
        size_t j = i;
        u128 sum = 0;
        while (j < ns && who_eq(&sides[j].w, &sides[i].w))
            sum += sides[j++].cost;
        if (sum > best_cost) { /* ties: the smaller owner, first in sorted order */
            best_cost = sum;
            *best = sides[i].w;
        }
        i = j;
    }
    return best_cost > 0;
}

static void cross_az(ctx *c)
{
    const vf_agg *g = c->q->groups;
    vf_agg *by = vf_agg_new(sizeof(pair_key), 0, VF_RANK_COST, 0);
    xpair *p = NULL, **mine = NULL;
    side *sides = NULL;
    if (!by) {
        c->adv->oom = 1;
        return;
    }
    for (size_t i = 0; i < vf_agg_count(g); i++) {
        const adv_key *k = vf_agg_key(g, i);
        if (k->piece != P_XAZ)
            continue;
        pair_key pk;
        memset(&pk, 0, sizeof pk);
        uint16_t aza, azb;
        who a = who_of(c, k->a, k->a_owner, &aza), b = who_of(c, k->b, k->b_owner, &azb);
        int swap = memcmp(&a, &b, sizeof a) > 0;
        pk.x = swap ? b : a;
        pk.y = swap ? a : b;
        pk.azx = swap ? azb : aza;
        pk.azy = swap ? aza : azb;
        if (vf_agg_add(by, &pk, vf_hash_bytes(&pk, sizeof pk), vf_agg_metrics(g, i)) < 0)
            c->adv->oom = 1;
    }
    size_t np = vf_agg_count(by);
    p = calloc(np ? np : 1, sizeof *p);
    mine = calloc(np ? np : 1, sizeof *mine);
    sides = calloc(2 * np + 1, sizeof *sides);
    if (!p || !mine || !sides) {
        c->adv->oom = 1;
        goto done;
    }
    for (size_t i = 0; i < np; i++) {
        const vf_metrics *m = vf_agg_metrics(by, i);
        memcpy(&p[i].k, vf_agg_key(by, i), sizeof p[i].k);
        p[i].bytes = m->bytes;
        p[i].flows = m->flows;
        p[i].cost = m->cost;
    }
    /* Greedy: the owner with the most charged cross-AZ traffic left, with all its peers, is one
     * action; its pairs are then used; again until none is left (at most 16 actions). */
    who best;
    for (int round = 0; round < 16 && best_owner(p, np, sides, &best); round++) {
        vf_action a;
        memset(&a, 0, sizeof a);
        a.kind = VF_ACT_CROSS_AZ;
        uint16_t hub_az = 0, peer_azs[MAX_AZ];
        size_t npeer_azs = 0, nmine = 0;
        char hub[128];
        who_label(c, &best, hub, sizeof hub);
        add_owner(&a, hub);
        for (size_t j = 0; j < np; j++)
            if (!p[j].used && (who_eq(&p[j].k.x, &best) || who_eq(&p[j].k.y, &best)))
                mine[nmine++] = &p[j];
        qsort(mine, nmine, sizeof *mine, cmp_pair_cost); /* peers, largest first, into the evidence */
        for (size_t j = 0; j < nmine; j++) {
            xpair *q = mine[j];
            q->used = 1;
            int hub_is_x = who_eq(&q->k.x, &best);
            hub_az = hub_is_x ? q->k.azx : q->k.azy;
            npeer_azs = add_az(peer_azs, npeer_azs, MAX_AZ, hub_is_x ? q->k.azy : q->k.azx);
            a.bytes += q->bytes;
            a.flows += q->flows;
            a.saving += q->cost;
            char lab[128];
            who_label(c, hub_is_x ? &q->k.y : &q->k.x, lab, sizeof lab);
            add_owner(&a, lab);
        }
        qsort(peer_azs, npeer_azs, sizeof *peer_azs, cmp_u16);
        char list[256];
        az_list(c, peer_azs, npeer_azs, list, sizeof list);
        int rds = best.owner >= 0 && vf_network_eni(c->net, (size_t)best.owner)->kind == VF_OWNER_RDS;
        if (rds) {
            setf(a.change, sizeof a.change,
                 "%s in %s talks with clients in %s: add a read replica in %s (or move the clients to %s)", hub,
                 az_name(c, hub_az), list, list, az_name(c, hub_az));
            if (c->p->replica_known)
                a.cost_month = hours_cost(c->p->replica_per_hour, (unsigned)(npeer_azs ? npeer_azs : 1));
            else {
                a.cost_unknown = 1;
                caveat(&a, "A replica's price is not in the price table (set replica.per-hour in --prices): the net "
                           "is before its cost.");
            }
            caveat(&a, "A read replica takes reads only: writes still cross the AZ.");
        } else {
            setf(a.change, sizeof a.change,
                 "%s in %s talks with peers in %s: co-locate them, or route its callers with AZ affinity", hub,
                 az_name(c, hub_az), list);
            caveat(&a, "Co-locating gives up the AZ redundancy the spread may be there for.");
        }
        caveat(&a, "Saving: the pair's charged cross-AZ bytes at the cross-AZ rate (both sides); hops to load "
                   "balancers and RDS replication, which cost nothing, are not counted.");
        propose(c, &a);
    }
done:
    free(p);
    free(mine);
    free(sides);
    vf_agg_free(by);
}

/* ---- egress ------------------------------------------------------------------------------- */

typedef struct dest {
    vpcflow_addr addr;
    int32_t owner;
    uint16_t region;
    uint64_t bytes, flows;
    u128 cost;
} dest;

static int cmp_dest(const void *a, const void *b)
{
    const dest *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return memcmp(&x->addr, &y->addr, sizeof x->addr);
}

#define EGRESS_TOP 5

static uint64_t gb_month(const ctx *c, uint64_t bytes)
{
    return (uint64_t)(vf_per_month((u128)bytes, c->adv->window) >> GIB_SHIFT);
}

static void egress(ctx *c)
{
    const vf_agg *g = c->q->groups;
    dest *d = NULL;
    size_t nd = 0, cap = 0;
    for (size_t i = 0; i < vf_agg_count(g); i++) {
        const adv_key *k = vf_agg_key(g, i);
        if (k->piece != P_EGRESS)
            continue;
        if (nd == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            dest *bigger = realloc(d, ncap * sizeof *d);
            if (!bigger) {
                c->adv->oom = 1;
                break;
            }
            d = bigger;
            cap = ncap;
        }
        vf_loc l;
        vf_locate_as(c->net, k->a, k->a_owner, &l);
        const vf_metrics *m = vf_agg_metrics(g, i);
        dest e = {k->a,     k->a_owner, k->cls == VPCFLOW_CLASS_INTERNET_OUT ? 0 : l.region_key,
                  m->bytes, m->flows,   k->cls == VPCFLOW_CLASS_INTERNET_OUT ? 0 : m->cost};
        if (k->cls == VPCFLOW_CLASS_INTERNET_OUT)
            e.region = UINT16_MAX;
        d[nd++] = e;
    }
    if (nd)
        qsort(d, nd, sizeof *d, cmp_dest);
    /* internet egress: the top destinations, a CDN's price instead of the tiered one */
    const vf_metrics *inet = &c->q->cls[VPCFLOW_CLASS_INTERNET_OUT];
    u128 inet_cost = c->q->cls_cost[VPCFLOW_CLASS_INTERNET_OUT];
    if (inet->bytes && gb_month(c, inet->bytes) >= c->adv->egress_gb_month) {
        vf_action a;
        memset(&a, 0, sizeof a);
        a.kind = VF_ACT_INTERNET;
        a.estimate = 1;
        size_t taken = 0;
        for (size_t i = 0; i < nd && taken < EGRESS_TOP; i++) {
            if (d[i].region != UINT16_MAX)
                continue;
            char lab[160];
            label_of(c, d[i].addr, d[i].owner, lab, sizeof lab);
            add_owner(&a, lab);
            a.bytes += d[i].bytes;
            a.flows += d[i].flows;
            taken++;
        }
        u128 now = vf_inet_share(inet_cost, inet->bytes, a.bytes), cdn = (u128)a.bytes * c->p->cdn_per_gb;
        a.saving = now > cdn ? now - cdn : 0;
        char pct[16];
        snprintf(pct, sizeof pct, "%.1f%%", 100.0 * (double)a.bytes / (double)inet->bytes);
        setf(a.change, sizeof a.change,
             "serve the top %zu internet destinations (%s of internet egress) through a CDN such as CloudFront", taken,
             pct);
        caveat(&a, "An estimate: it assumes all of their traffic can be served from the CDN at the table's cdn "
                   "rate instead of the average tiered internet rate; requests are charged apart.");
        propose(c, &a);
    }
    /* inter-region egress, by destination region: a copy in that region */
    uint16_t regions[MAX_AZ];
    size_t nreg = 0;
    for (size_t i = 0; i < nd; i++)
        if (d[i].region != UINT16_MAX)
            nreg = add_az(regions, nreg, MAX_AZ, d[i].region);
    if (nreg)
        qsort(regions, nreg, sizeof *regions, cmp_u16);
    for (size_t r = 0; r < nreg; r++) {
        vf_action a;
        memset(&a, 0, sizeof a);
        a.kind = VF_ACT_INTER_REGION;
        a.estimate = 1;
        size_t taken = 0;
        for (size_t i = 0; i < nd; i++) {
            if (d[i].region != regions[r])
                continue;
            a.bytes += d[i].bytes;
            a.flows += d[i].flows;
            a.saving += d[i].cost;
            if (taken++ < EGRESS_TOP) {
                char lab[160];
                label_of(c, d[i].addr, d[i].owner, lab, sizeof lab);
                add_owner(&a, lab);
            }
        }
        if (gb_month(c, a.bytes) < c->adv->egress_gb_month)
            continue;
        const char *reg = regions[r] ? vf_topology_region_name(c->topo, regions[r]) : NULL;
        setf(a.change, sizeof a.change,
             "keep a regional copy (replica, cache) in %s of what is sent there from %s, or read it in %s",
             reg ? reg : "the destination region", c->adv->region, c->adv->region);
        caveat(&a, "An estimate: it assumes the copy serves all of it; keeping the copy in step (replication) "
                   "crosses regions too and is not counted.");
        propose(c, &a);
    }
    free(d);
}

/* ---- what would make the advice exact ------------------------------------------------------ */

static void input(ctx *c, uint64_t bytes, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void input(ctx *c, uint64_t bytes, const char *fmt, ...)
{
    vpcflow_advice *adv = c->adv;
    if (!bytes || adv->n >= VF_ACTIONS_MAX)
        return;
    vf_action *a = &adv->v[adv->n++];
    memset(a, 0, sizeof *a);
    a->kind = VF_ACT_INPUTS;
    a->bytes = bytes;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->change, sizeof a->change, fmt, ap);
    va_end(ap);
}

static void inputs(ctx *c, const vf_analysis *an)
{
    const vf_query_result *q = c->q;
    int subnets = vf_network_has_subnets(c->net), enis = vf_topology_eni_count(c->topo) > 0;
    if (!subnets && !enis)
        input(c, q->cls[VPCFLOW_CLASS_INTERNAL_UNKNOWN].bytes,
              "give --subnets (aws ec2 describe-subnets): internal traffic has no AZ, so cross-AZ pairs and NAT "
              "gateways in another AZ cannot be found");
    if (!enis && !vf_network_nat_visible(c->net))
        input(c,
              q->cls[VPCFLOW_CLASS_INTERNET_OUT].bytes + q->cls[VPCFLOW_CLASS_AWS_SAME_REGION].bytes +
                  q->cls[VPCFLOW_CLASS_INTER_REGION].bytes,
              "give --enis (aws ec2 describe-network-interfaces): these logs cannot show NAT gateways, so traffic "
              "through one is counted at the instance and again at the NAT (double-logged) and NAT advice is missing");
    else if (!enis)
        input(c, q->cls[VPCFLOW_CLASS_CROSS_AZ].bytes,
              "give --enis (aws ec2 describe-network-interfaces): load balancers and RDS are not recognised, so free "
              "cross-AZ hops to them are charged and counted as savings");
    if (!vf_network_has_ipranges(c->net))
        input(c, q->nat_bytes,
              "give --ip-ranges (ip-ranges.json): the NAT gateways' traffic cannot be told apart by AWS service, so "
              "gateway and interface endpoints cannot be advised");
    (void)an;
}

/* ---- ranking and the run ------------------------------------------------------------------- */

static int cmp_action(const void *x, const void *y)
{
    const vf_action *a = x, *b = y;
    if (a->net_month != b->net_month)
        return a->net_month > b->net_month ? -1 : 1;
    if (a->saving_month != b->saving_month)
        return a->saving_month > b->saving_month ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind - b->kind;
    return strcmp(a->change, b->change);
}

size_t vf_advise_key_size(void)
{
    return sizeof(adv_key);
}

vpcflow_status vf_advise_fill(vpcflow_advice *adv, vf_analysis *an, const vf_query_result *q)
{
    ctx c = {adv, an->net, vf_network_topology(an->net), q, vf_network_prices(an->net)};
    adv->stats = q->stats;
    adv->window = q->stats.last_end > q->stats.first_start ? q->stats.last_end - q->stats.first_start : 0;
    adv->prices = *c.p;
    uint16_t home = vf_topology_home_region(c.topo);
    const char *h = home ? vf_topology_region_name(c.topo, home) : NULL;
    snprintf(adv->region, sizeof adv->region, "%s", h ? h : c.p->region);
    nat_endpoints(&c);
    nat_per_az(&c);
    cross_az(&c);
    egress(&c);
    adv->nranked = adv->n;
    if (adv->n)
        qsort(adv->v, adv->n, sizeof adv->v[0], cmp_action);
    inputs(&c, an);
    const char *notes = vf_network_notes(an->net);
    adv->notes = vf_strndup(notes, strlen(notes));
    if (!adv->notes)
        adv->oom = 1;
    adv->failed = vf_analysis_take_failed(an);
    return adv->oom ? VPCFLOW_ERR_IO : VPCFLOW_OK;
}

vpcflow_status vpcflow_advise_run(const char *const *paths, size_t npaths, const vpcflow_advise_options *options,
                                  vpcflow_advice **out, vpcflow_error *err)
{
    vf_analysis a;
    vpcflow_status st = vf_analysis_open(&a, paths, npaths, &options->analysis, err);
    if (st != VPCFLOW_OK)
        return st;
    vpcflow_advice *adv = vf_calloc(1, sizeof *adv);
    vf_query_spec spec = {sizeof(adv_key), vf_advise_group, a.net, 0, VF_RANK_COST, NULL, NULL, NULL};
    vf_query_result q;
    memset(&q, 0, sizeof q);
    if (!adv)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    else {
        adv->egress_gb_month = options->egress_gb_month;
        adv->min_net_micro_usd = options->min_net_micro_usd;
        st = vf_query_run(&a, &spec, &q, err);
    }
    if (st == VPCFLOW_OK) {
        vf_analysis_notes(&a, q.outcome);
        if (vf_advise_fill(adv, &a, &q) != VPCFLOW_OK)
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    vf_query_result_free(&q);
    vf_analysis_close(&a);
    if (st != VPCFLOW_OK) {
        vpcflow_advice_free(adv);
        return st;
    }
    *out = adv;
    return VPCFLOW_OK;
}

void vpcflow_advice_free(vpcflow_advice *a)
{
    if (!a)
        return;
    free(a->notes);
    free(a->failed.text);
    free(a);
}

const vpcflow_scan_stats *vpcflow_advice_stats(const vpcflow_advice *a)
{
    return &a->stats;
}

size_t vpcflow_advice_count(const vpcflow_advice *a)
{
    return a->nranked;
}
