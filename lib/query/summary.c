/* summary.c — `vpcflow summary`: class totals, NAT processing and cost from the query engine
 * (query.c), with the costly classes grouped by (src, dst) for the talkers and the biggest
 * single cost driver. */
#include "query/summary.h"

#include "query/query.h"

#include "model/network.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Group keys (zero-filled so that padding compares equal). */
typedef struct pair_key {
    vpcflow_addr src, dst;
    uint8_t cls;
    uint8_t pad[3];
    int32_t src_owner, dst_owner; /* facts index at the record's time (--history), or -1 */
    uint8_t pad2[4];
} pair_key;

/* An address with its owner of the time: who talkers and drivers are. */
typedef struct owned_addr {
    vpcflow_addr a;
    int32_t owner;
    uint8_t pad[12];
} owned_addr;

static void owned_label(const vf_network *n, vpcflow_addr a, int32_t owner, char *buf, size_t cap)
{
    vf_loc l;
    vf_locate_as(n, a, owner, &l);
    vf_loc_label(n, &l, buf, cap);
}

static int costly(vpcflow_class c)
{
    return c == VPCFLOW_CLASS_CROSS_AZ || c == VPCFLOW_CLASS_INTERNET_OUT || c == VPCFLOW_CLASS_INTER_REGION;
}

/* Pseudo-classes grouped with the pairs for the driver: bytes entering a NAT gateway (what it
 * charges for), and the NAT's outside legs (who its traffic is with, in every log format). */
#define NAT_PIECE 254
#define NAT_PEER 253

/* The summary groups the costly classes by (src, dst, class): talkers and drivers come from
 * it; the bytes entering a NAT gateway are grouped too, as NAT_PIECE, priced at the NAT rate. */
void vf_summary_group(void *ctx, const vpcflow_record *r, const vf_flow *f, vf_emit_fn emit, void *sink)
{
    const vf_network *n = ctx;
    pair_key k;
    memset(&k, 0, sizeof k);
    k.src = r->srcaddr;
    k.dst = r->dstaddr;
    k.src_owner = f->src.owner;
    k.dst_owner = f->dst.owner;
    if (costly(f->cls)) {
        k.cls = (uint8_t)f->cls;
        emit(sink, &k, &f->m);
    }
    if (f->nat_in) {
        vf_metrics m = {r->bytes, r->packets, 1, 0, (unsigned __int128)r->bytes * vf_network_prices(n)->nat_per_gb};
        k.cls = NAT_PIECE;
        emit(sink, &k, &m);
    }
    const vf_eni_facts *obs = f->observer >= 0 ? vf_network_eni(n, (size_t)f->observer) : NULL;
    int src_out = f->src.kind == VF_LOC_AWS || f->src.kind == VF_LOC_INTERNET;
    int dst_out = f->dst.kind == VF_LOC_AWS || f->dst.kind == VF_LOC_INTERNET;
    if (obs && obs->nat && src_out != dst_out) { /* an outside leg: (peer, NAT address) */
        k.src = src_out ? r->srcaddr : r->dstaddr;
        k.dst = src_out ? r->dstaddr : r->srcaddr;
        k.src_owner = src_out ? f->src.owner : f->dst.owner;
        k.dst_owner = src_out ? f->dst.owner : f->src.owner;
        k.cls = NAT_PEER;
        emit(sink, &k, &f->m);
    }
}

/* ---- talkers and the cost driver -------------------------------------------------------- */

static unsigned __int128 inet_share(const vpcflow_summary *s, uint64_t inet_bytes)
{
    return vf_inet_share(s->cls_cost[VPCFLOW_CLASS_INTERNET_OUT], s->cls[VPCFLOW_CLASS_INTERNET_OUT].bytes, inet_bytes);
}

static void talkers(vpcflow_summary *s, const vf_agg *pairs, const vf_network *n, int which)
{
    vpcflow_class cls = which == VF_TALK_CROSS_AZ ? VPCFLOW_CLASS_CROSS_AZ : VPCFLOW_CLASS_INTERNET_OUT;
    for (int side = 0; side < 2; side++) {
        vf_agg *by = vf_agg_new(sizeof(owned_addr), 0, VF_RANK_BYTES, 0);
        if (!by) {
            s->oom = 1;
            return;
        }
        for (size_t i = 0; i < vf_agg_count(pairs); i++) {
            const pair_key *k = vf_agg_key(pairs, i);
            if (k->cls != cls)
                continue;
            owned_addr a;
            memset(&a, 0, sizeof a);
            a.a = side ? k->dst : k->src;
            a.owner = side ? k->dst_owner : k->src_owner;
            if (vf_agg_add(by, &a, vf_hash_bytes(&a, sizeof a), vf_agg_metrics(pairs, i)) < 0)
                s->oom = 1;
        }
        size_t nt;
        size_t *top = vf_agg_top(by, VF_TALKERS, &nt);
        if (!top)
            s->oom = 1;
        vf_talker_list *l = side ? &s->receivers[which] : &s->senders[which];
        for (size_t i = 0; top && i < nt; i++) {
            const vf_metrics *m = vf_agg_metrics(by, top[i]);
            vf_talker *t = &l->v[l->n++];
            const owned_addr *oa = vf_agg_key(by, top[i]);
            t->addr = oa->a;
            t->bytes = m->bytes;
            t->flows = m->flows;
            t->cost = m->cost + inet_share(s, m->inet_bytes);
            owned_label(n, oa->a, oa->owner, t->label, sizeof t->label);
        }
        free(top);
        vf_agg_free(by);
    }
}

typedef struct driver_key {
    vpcflow_addr src;
    uint16_t az;
    uint8_t cls;
    uint8_t pad[5];
    int32_t src_owner;
    uint8_t pad2[4];
} driver_key;

/* The destinations of a driver: how many, what they are, where (out/ puts it in words). */
static void describe_dsts(const vf_network *n, const vf_agg *pairs, const driver_key *d, vf_driver *out)
{
    size_t count = 0;
    vpcflow_addr one = {0, 0};
    int32_t one_owner = -1;
    int mixed = 0;
    for (size_t i = 0; i < vf_agg_count(pairs); i++) {
        const pair_key *k = vf_agg_key(pairs, i);
        vf_loc l;
        if (k->cls != d->cls || !vpcflow_addr_eq(k->src, d->src) || k->src_owner != d->src_owner)
            continue;
        vf_locate_as(n, k->dst, k->dst_owner, &l);
        if ((d->cls == VPCFLOW_CLASS_CROSS_AZ ? l.az_key : 0) != d->az)
            continue;
        char label[128];
        vf_loc_label(n, &l, label, sizeof label);
        label[strcspn(label, " ")] = 0;
        if (!count)
            snprintf(out->dst_kind, sizeof out->dst_kind, "%s", label);
        else if (strcmp(out->dst_kind, label) != 0)
            mixed = 1;
        one = k->dst;
        one_owner = k->dst_owner;
        count++;
    }
    out->ndst = count;
    out->dst_mixed = mixed;
    out->dst = one;
    owned_label(n, one, one_owner, out->dst_label, sizeof out->dst_label);
    const char *az = d->az ? vf_topology_az_name(vf_network_topology(n), d->az) : NULL;
    snprintf(out->dst_az, sizeof out->dst_az, "%s", az ? az : "");
}

/* Who a NAT gateway's traffic is with: an owner (all of S3 in a region together), not an IP. */
typedef struct peer_key {
    vpcflow_addr nat;
    const vf_aws_range *aws;
    int32_t eni;
    uint8_t kind;
    uint8_t pad[3];
} peer_key;

static void peer_of(const vf_network *n, vpcflow_addr nat, vpcflow_addr peer, peer_key *k)
{
    vf_loc l;
    vf_locate(n, peer, &l);
    memset(k, 0, sizeof *k);
    k->nat = nat;
    k->kind = l.kind;
    k->eni = l.kind == VF_LOC_VPC ? l.owner : -1;
    k->aws = l.kind == VF_LOC_AWS ? l.aws : NULL;
}

static void peer_label(const vf_network *n, const peer_key *k, vpcflow_addr example, char *buf, size_t cap)
{
    if (k->kind == VF_LOC_AWS)
        snprintf(buf, cap, "aws %s %s", k->aws->service, k->aws->region);
    else if (k->kind == VF_LOC_INTERNET)
        snprintf(buf, cap, "the internet");
    else
        vf_owner_label(n, example, buf, cap);
}

/* The NAT gateway that processed the most, and what its traffic was mostly with, into *out
 * (left alone when no NAT processed anything). Returns its cost; *oom set when a table could
 * not be allocated. */
static unsigned __int128 nat_driver(const vf_agg *pairs, const vf_network *n, vf_driver *out, int *oom)
{
    vf_agg *by_nat = vf_agg_new(sizeof(vpcflow_addr), 0, VF_RANK_COST, 0);
    vf_agg *by_peer = vf_agg_new(sizeof(peer_key), 0, VF_RANK_BYTES, 0);
    unsigned __int128 best = 0;
    if (!by_nat || !by_peer) {
        *oom = 1;
        goto done;
    }
    for (size_t i = 0; i < vf_agg_count(pairs); i++) {
        const pair_key *k = vf_agg_key(pairs, i);
        if (k->cls == NAT_PIECE && vf_agg_add(by_nat, &k->dst, vf_hash_addr(k->dst), vf_agg_metrics(pairs, i)) < 0)
            *oom = 1;
    }
    size_t nt;
    size_t *top = vf_agg_top(by_nat, 1, &nt);
    if (!top)
        *oom = 1;
    if (top && nt) {
        vpcflow_addr nat;
        memcpy(&nat, vf_agg_key(by_nat, top[0]), sizeof nat);
        const vf_metrics *m = vf_agg_metrics(by_nat, top[0]);
        best = m->cost;
        vpcflow_addr example = {0, 0};
        for (size_t i = 0; i < vf_agg_count(pairs); i++) {
            const pair_key *k = vf_agg_key(pairs, i);
            if (k->cls != NAT_PEER || !vpcflow_addr_eq(k->dst, nat))
                continue;
            peer_key pk;
            peer_of(n, nat, k->src, &pk);
            if (vf_agg_add(by_peer, &pk, vf_hash_bytes(&pk, sizeof pk), vf_agg_metrics(pairs, i)) < 0)
                *oom = 1;
        }
        size_t np;
        size_t *tp = vf_agg_top(by_peer, 1, &np);
        if (!tp)
            *oom = 1;
        memset(out, 0, sizeof *out);
        out->kind = VF_DRIVER_NAT;
        if (tp && np) {
            const peer_key *pk = vf_agg_key(by_peer, tp[0]);
            for (size_t i = 0; i < vf_agg_count(pairs); i++) { /* an address of that peer, for its label */
                const pair_key *k = vf_agg_key(pairs, i);
                peer_key q;
                if (k->cls != NAT_PEER || !vpcflow_addr_eq(k->dst, nat))
                    continue;
                peer_of(n, nat, k->src, &q);
                if (memcmp(&q, pk, sizeof q) == 0) {
                    example = k->src;
                    break;
                }
            }
            out->has_peer = 1;
            peer_label(n, pk, example, out->peer, sizeof out->peer);
            out->peer_bytes = vf_agg_metrics(by_peer, tp[0])->bytes;
        }
        free(tp);
        vf_owner_label(n, nat, out->label, sizeof out->label);
        out->addr = nat;
        out->bytes = m->bytes;
        out->cost = m->cost;
    }
    free(top);
done:
    vf_agg_free(by_nat);
    vf_agg_free(by_peer);
    return best;
}

static int cmp_nat_use(const void *a, const void *b)
{
    const vf_nat_use *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return memcmp(&x->addr, &y->addr, sizeof x->addr);
}

size_t vf_summary_nats(const vf_agg *pairs, const vf_network *n, vf_nat_use *out, size_t max, int *oom)
{
    vf_agg *by_nat = vf_agg_new(sizeof(vpcflow_addr), 0, VF_RANK_BYTES, 0);
    vf_agg *by_peer = vf_agg_new(sizeof(peer_key), 0, VF_RANK_BYTES, 0);
    size_t count = 0;
    if (!by_nat || !by_peer) {
        *oom = 1;
        goto done;
    }
    for (size_t i = 0; i < vf_agg_count(pairs); i++) {
        const pair_key *k = vf_agg_key(pairs, i);
        if (k->cls == NAT_PIECE && vf_agg_add(by_nat, &k->dst, vf_hash_addr(k->dst), vf_agg_metrics(pairs, i)) < 0)
            *oom = 1;
        if (k->cls == NAT_PEER) {
            peer_key pk;
            peer_of(n, k->dst, k->src, &pk);
            if (vf_agg_add(by_peer, &pk, vf_hash_bytes(&pk, sizeof pk), vf_agg_metrics(pairs, i)) < 0)
                *oom = 1;
        }
    }
    size_t nn;
    size_t *top = vf_agg_top(by_nat, max, &nn);
    size_t np;
    size_t *tp = vf_agg_top(by_peer, 0, &np);
    if (!top || !tp)
        *oom = 1;
    for (size_t i = 0; top && i < nn; i++) {
        vf_nat_use *u = &out[count++];
        const vf_metrics *m = vf_agg_metrics(by_nat, top[i]);
        memset(u, 0, sizeof *u);
        memcpy(&u->addr, vf_agg_key(by_nat, top[i]), sizeof u->addr);
        u->bytes = m->bytes;
        u->cost = m->cost;
        vf_owner_label(n, u->addr, u->label, sizeof u->label);
        for (size_t j = 0; tp && j < np && u->npeers < VF_NAT_PEERS; j++) {
            const peer_key *pk = vf_agg_key(by_peer, tp[j]);
            if (!vpcflow_addr_eq(pk->nat, u->addr))
                continue;
            vpcflow_addr example = {0, 0};
            for (size_t p = 0; p < vf_agg_count(pairs); p++) { /* an address of that peer, for its label */
                const pair_key *k = vf_agg_key(pairs, p);
                peer_key q;
                if (k->cls != NAT_PEER || !vpcflow_addr_eq(k->dst, u->addr))
                    continue;
                peer_of(n, u->addr, k->src, &q);
                if (memcmp(&q, pk, sizeof q) == 0) {
                    example = k->src;
                    break;
                }
            }
            peer_label(n, pk, example, u->peer[u->npeers].label, sizeof u->peer[u->npeers].label);
            u->peer[u->npeers++].bytes = vf_agg_metrics(by_peer, tp[j])->bytes;
        }
    }
    qsort(out, count, sizeof *out, cmp_nat_use);
    free(top);
    free(tp);
done:
    vf_agg_free(by_nat);
    vf_agg_free(by_peer);
    return count;
}

static void find_driver(vpcflow_summary *s, const vf_agg *pairs, const vf_network *n)
{
    vf_agg *by = vf_agg_new(sizeof(driver_key), 0, VF_RANK_COST, 0);
    if (!by) {
        s->oom = 1;
        return;
    }
    for (size_t i = 0; i < vf_agg_count(pairs); i++) {
        const pair_key *k = vf_agg_key(pairs, i);
        driver_key d;
        if (k->cls == NAT_PIECE || k->cls == NAT_PEER)
            continue;
        memset(&d, 0, sizeof d);
        d.src = k->src;
        d.src_owner = k->src_owner;
        d.cls = k->cls;
        if (k->cls == VPCFLOW_CLASS_CROSS_AZ) {
            vf_loc l;
            vf_locate_as(n, k->dst, k->dst_owner, &l);
            d.az = l.az_key;
        }
        vf_metrics m = *vf_agg_metrics(pairs, i);
        m.cost += inet_share(s, m.inet_bytes);
        m.inet_bytes = 0;
        if (vf_agg_add(by, &d, vf_hash_bytes(&d, sizeof d), &m) < 0)
            s->oom = 1;
    }
    size_t nt;
    size_t *top = vf_agg_top(by, 1, &nt);
    vf_driver *dr = &s->driver;
    if (!top)
        s->oom = 1;
    if (top && nt && vf_agg_metrics(by, top[0])->cost > 0) {
        const driver_key *d = vf_agg_key(by, top[0]);
        const vf_metrics *m = vf_agg_metrics(by, top[0]);
        dr->kind = VF_DRIVER_PAIR;
        dr->cls = (vpcflow_class)d->cls;
        dr->addr = d->src;
        owned_label(n, d->src, d->src_owner, dr->label, sizeof dr->label);
        describe_dsts(n, pairs, d, dr);
        dr->bytes = m->bytes;
        dr->cost = m->cost;
    }
    vf_driver nat;
    memset(&nat, 0, sizeof nat);
    unsigned __int128 pair_cost = top && nt ? vf_agg_metrics(by, top[0])->cost : 0;
    if (nat_driver(pairs, n, &nat, &s->oom) > pair_cost)
        *dr = nat;
    free(top);
    vf_agg_free(by);
}

/* ---- the run ----------------------------------------------------------------------------- */

static void describe_inputs(vpcflow_summary *s, const vf_analysis *a)
{
    snprintf(s->inputs, sizeof s->inputs, "%s%s%s%s%s", vf_network_has_subnets(a->net) ? "subnets " : "",
             vf_topology_eni_count(vf_network_topology(a->net)) ? "enis " : "",
             vf_network_has_history(a->net) ? "history " : "", vf_network_has_ipranges(a->net) ? "ip-ranges " : "",
             a->opt.prices ? "prices" : "");
    size_t l = strlen(s->inputs);
    if (l && s->inputs[l - 1] == ' ')
        s->inputs[l - 1] = 0;
}

size_t vf_summary_key_size(void)
{
    return sizeof(pair_key);
}

vpcflow_status vf_summary_fill(vpcflow_summary *s, vf_analysis *a, const vf_query_result *q)
{
    s->stats = q->stats;
    memcpy(s->cls, q->cls, sizeof s->cls);
    memcpy(s->cls_cost, q->cls_cost, sizeof s->cls_cost);
    s->inet = q->inet;
    s->nat_bytes = q->nat_bytes;
    s->nat_cost = q->nat_cost;
    s->total_cost = q->total_cost;
    s->bytes_unique = q->unique;
    for (int w = 0; w < VF_TALK_COUNT; w++)
        talkers(s, q->groups, a->net, w);
    find_driver(s, q->groups, a->net);
    s->approx = vf_agg_approx(q->groups);
    s->approx_error = vf_agg_error_bound(q->groups);
    const char *notes = vf_network_notes(a->net);
    s->notes = vf_strndup(notes, strlen(notes));
    s->prices = *vf_network_prices(a->net);
    describe_inputs(s, a);
    s->failed = vf_analysis_take_failed(a);
    return s->notes && !s->oom ? VPCFLOW_OK : VPCFLOW_ERR_IO;
}

vpcflow_status vpcflow_summary_run(const char *const *paths, size_t npaths, const vpcflow_analysis_options *options,
                                   vpcflow_summary **out, vpcflow_error *err)
{
    vf_analysis a;
    vpcflow_status st = vf_analysis_open(&a, paths, npaths, options, err);
    if (st != VPCFLOW_OK)
        return st;
    vpcflow_summary *s = vf_calloc(1, sizeof *s);
    vf_query_spec spec = {sizeof(pair_key), vf_summary_group, a.net, 0, VF_RANK_COST, NULL, NULL, NULL};
    vf_query_result q;
    memset(&q, 0, sizeof q);
    if (!s)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    else
        st = vf_query_run(&a, &spec, &q, err);
    if (st == VPCFLOW_OK)
        vf_analysis_notes(&a, q.outcome);
    if (st == VPCFLOW_OK && vf_summary_fill(s, &a, &q) != VPCFLOW_OK)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    vf_query_result_free(&q);
    vf_analysis_close(&a);
    if (st != VPCFLOW_OK) {
        vpcflow_summary_free(s);
        return st;
    }
    *out = s;
    return VPCFLOW_OK;
}

void vpcflow_summary_free(vpcflow_summary *s)
{
    if (!s)
        return;
    free(s->notes);
    free(s->failed.text);
    free(s);
}

void vpcflow_summary_class(const vpcflow_summary *s, vpcflow_class c, vpcflow_class_total *out)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)c >= VPCFLOW_CLASS_COUNT)
        return;
    out->bytes = s->cls[c].bytes;
    out->packets = s->cls[c].packets;
    out->flows = s->cls[c].flows;
    out->cost_micro_usd = vf_micro_usd(s->cls_cost[c]);
}

const vpcflow_scan_stats *vpcflow_summary_stats(const vpcflow_summary *s)
{
    return &s->stats;
}

uint64_t vpcflow_summary_bytes_unique(const vpcflow_summary *s)
{
    return s->bytes_unique;
}

uint64_t vpcflow_summary_cost_micro_usd(const vpcflow_summary *s)
{
    return vf_micro_usd(s->total_cost);
}
