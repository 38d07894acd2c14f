/* summary.c — `vpcflow summary`: every record classified, de-duplicated and costed in one pass
 * per thread; records whose fate depends on the whole input wait in a pending table, keyed by
 * their condition, and are settled at the end. Then the talkers and the biggest cost driver. */
#include "summary.h"

#include "network_impl.h"
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Group keys (zero-filled so that padding compares equal). */
typedef struct pair_key {
    vpcflow_addr src, dst;
    uint8_t cls;
    uint8_t pad[15];
} pair_key;

typedef struct pending_key {
    vf_cond cond;
    vpcflow_addr src, dst;
    uint16_t month;
    uint8_t cls;
    uint8_t pad[5];
} pending_key;

typedef struct sm_state {
    vf_analysis *a;
    vf_flowctx *fc;
    vf_metrics cls[VPCFLOW_CLASS_COUNT];
    vf_months inet;
    uint64_t nat_bytes, unique;
    vf_agg *pairs, *pending;
    int failed;
} sm_state;

typedef struct sm_ctx {
    vf_analysis *a;
    sm_state *total;
    vf_outcome *outcome;
    size_t workers;
} sm_ctx;

static int costly(vpcflow_class c)
{
    return c == VPCFLOW_CLASS_CROSS_AZ || c == VPCFLOW_CLASS_INTERNET_OUT || c == VPCFLOW_CLASS_INTER_REGION;
}

static sm_state *state_new(vf_analysis *a, size_t mem)
{
    sm_state *s = vf_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->a = a;
    uint64_t inet_rate = vf_network_prices(a->net)->ntiers ? vf_network_prices(a->net)->tiers[0].rate : 0;
    s->pairs = vf_agg_new(sizeof(pair_key), mem, VF_RANK_COST, inet_rate);
    s->pending = vf_agg_new(sizeof(pending_key), 0, VF_RANK_BYTES, 0);
    if (!s->pairs || !s->pending) {
        vf_agg_free(s->pairs);
        vf_agg_free(s->pending);
        free(s);
        return NULL;
    }
    return s;
}

static void state_free(sm_state *s)
{
    if (!s)
        return;
    vf_flowctx_free(s->fc);
    vf_agg_free(s->pairs);
    vf_agg_free(s->pending);
    free(s);
}

/* A kept hop: into the class totals, and into the pair table for the costly classes. */
static int add_kept(sm_state *s, vpcflow_addr src, vpcflow_addr dst, vpcflow_class cls, uint16_t month,
                    const vf_metrics *m)
{
    vf_metrics_add(&s->cls[cls], m);
    s->unique += m->bytes;
    if (cls == VPCFLOW_CLASS_INTERNET_OUT)
        vf_months_add(&s->inet, month, m->bytes);
    if (!costly(cls))
        return 0;
    pair_key k;
    memset(&k, 0, sizeof k);
    k.src = src;
    k.dst = dst;
    k.cls = (uint8_t)cls;
    return vf_agg_add(s->pairs, &k, vf_hash_bytes(&k, sizeof k), m);
}

static void *sm_open(void *ctx, unsigned worker)
{
    sm_ctx *c = ctx;
    (void)worker;
    sm_state *s = state_new(c->a, c->a->memory_limit / (c->workers ? c->workers : 1));
    if (s && !(s->fc = vf_flowctx_new(c->a->net))) {
        state_free(s);
        s = NULL;
    }
    return s;
}

static int sm_record(void *state, const vpcflow_record *r)
{
    sm_state *s = state;
    vf_flow f;
    if (!vf_flow_eval(s->fc, r, &f) || !vf_analysis_wants(s->a, r))
        return 0;
    if (f.nat_in)
        s->nat_bytes += r->bytes;
    if (f.verdict == VF_KEEP) {
        if (add_kept(s, r->srcaddr, r->dstaddr, f.cls, f.month, &f.m) < 0)
            return s->failed = 1;
    } else if (f.verdict == VF_PENDING) {
        pending_key k;
        memset(&k, 0, sizeof k);
        k.cond = f.cond;
        k.src = r->srcaddr;
        k.dst = r->dstaddr;
        k.month = f.month;
        k.cls = (uint8_t)f.cls;
        if (vf_agg_add(s->pending, &k, vf_hash_bytes(&k, sizeof k), &f.m) < 0)
            return s->failed = 1;
    }
    return 0;
}

static int sm_close(void *ctx, void *state)
{
    sm_ctx *c = ctx;
    sm_state *s = state, *t = c->total;
    int rc = s->failed;
    for (int k = 0; k < VPCFLOW_CLASS_COUNT; k++)
        vf_metrics_add(&t->cls[k], &s->cls[k]);
    vf_months_merge(&t->inet, &s->inet);
    t->nat_bytes += s->nat_bytes;
    t->unique += s->unique;
    if (!rc && (vf_agg_merge(t->pairs, s->pairs) < 0 || vf_agg_merge(t->pending, s->pending) < 0 ||
                vf_outcome_merge(c->outcome, s->fc) < 0))
        rc = 1;
    state_free(s);
    return rc;
}

/* Settles the pending records now that every input has been read. */
static int settle(sm_state *t, const vf_outcome *o)
{
    for (size_t i = 0; i < vf_agg_count(t->pending); i++) {
        const pending_key *k = vf_agg_key(t->pending, i);
        if (vf_cond_drops(o, &k->cond))
            continue;
        if (add_kept(t, k->src, k->dst, k->cls, k->month, vf_agg_metrics(t->pending, i)) < 0)
            return -1;
    }
    return 0;
}

/* ---- talkers and the cost driver -------------------------------------------------------- */

/* Internet-out share of a row: its bytes times the month-tiered total over all bytes. */
static unsigned __int128 inet_share(const vpcflow_summary *s, uint64_t inet_bytes)
{
    uint64_t total = s->cls[VPCFLOW_CLASS_INTERNET_OUT].bytes;
    if (!total || !inet_bytes)
        return 0;
    return s->cls_cost[VPCFLOW_CLASS_INTERNET_OUT] * inet_bytes / total;
}

static void talkers(vpcflow_summary *s, const vf_agg *pairs, const vf_network *n, int which)
{
    vpcflow_class cls = which == VF_TALK_CROSS_AZ ? VPCFLOW_CLASS_CROSS_AZ : VPCFLOW_CLASS_INTERNET_OUT;
    for (int side = 0; side < 2; side++) {
        vf_agg *by = vf_agg_new(sizeof(vpcflow_addr), 0, VF_RANK_BYTES, 0);
        if (!by)
            return;
        for (size_t i = 0; i < vf_agg_count(pairs); i++) {
            const pair_key *k = vf_agg_key(pairs, i);
            if (k->cls != cls)
                continue;
            vpcflow_addr a = side ? k->dst : k->src;
            vf_agg_add(by, &a, vf_hash_addr(a), vf_agg_metrics(pairs, i));
        }
        size_t nt;
        size_t *top = vf_agg_top(by, VF_TALKERS, &nt);
        vf_talker_list *l = side ? &s->receivers[which] : &s->senders[which];
        for (size_t i = 0; top && i < nt; i++) {
            const vf_metrics *m = vf_agg_metrics(by, top[i]);
            vf_talker *t = &l->v[l->n++];
            memcpy(&t->addr, vf_agg_key(by, top[i]), sizeof t->addr);
            t->bytes = m->bytes;
            t->flows = m->flows;
            t->cost = m->cost + inet_share(s, m->inet_bytes);
            vf_owner_label(n, t->addr, t->label, sizeof t->label);
        }
        free(top);
        vf_agg_free(by);
    }
}

typedef struct driver_key {
    vpcflow_addr src;
    uint16_t az;
    uint8_t cls;
    uint8_t pad[13];
} driver_key;

/* What the destinations of a driver are, in words: "3 instances in use1-az2". */
static void describe_dsts(const vf_network *n, const vf_agg *pairs, const driver_key *d, char *buf, size_t cap)
{
    size_t count = 0;
    vpcflow_addr one = {0, 0};
    char kind[128] = "";
    int mixed = 0;
    for (size_t i = 0; i < vf_agg_count(pairs); i++) {
        const pair_key *k = vf_agg_key(pairs, i);
        vf_loc l;
        if (k->cls != d->cls || !vpcflow_addr_eq(k->src, d->src))
            continue;
        vf_locate(n, k->dst, &l);
        if ((d->cls == VPCFLOW_CLASS_CROSS_AZ ? l.az_key : 0) != d->az)
            continue;
        char label[128];
        vf_owner_label(n, k->dst, label, sizeof label);
        label[strcspn(label, " ")] = 0;
        if (!count)
            snprintf(kind, sizeof kind, "%s", label);
        else if (strcmp(kind, label) != 0)
            mixed = 1;
        one = k->dst;
        count++;
    }
    char addr[64];
    vpcflow_addr_format(one, addr, sizeof addr);
    if (count == 1) {
        char label[128];
        vf_owner_label(n, one, label, sizeof label);
        snprintf(buf, cap, "%s %s", label, addr);
        return;
    }
    const char *noun = mixed                           ? "addresses"
                       : strcmp(kind, "ec2") == 0      ? "instances"
                       : strcmp(kind, "rds") == 0      ? "databases"
                       : strcmp(kind, "internet") == 0 ? "internet addresses"
                                                       : "addresses";
    const char *az = d->az ? vf_topology_az_name(vf_network_topology(n), d->az) : NULL;
    if (az)
        snprintf(buf, cap, "%zu %s in %s", count, noun, az);
    else
        snprintf(buf, cap, "%zu %s", count, noun);
}

static void find_driver(vpcflow_summary *s, const vf_agg *pairs, const vf_network *n)
{
    vf_agg *by = vf_agg_new(sizeof(driver_key), 0, VF_RANK_COST, 0);
    if (!by)
        return;
    for (size_t i = 0; i < vf_agg_count(pairs); i++) {
        const pair_key *k = vf_agg_key(pairs, i);
        driver_key d;
        memset(&d, 0, sizeof d);
        d.src = k->src;
        d.cls = k->cls;
        if (k->cls == VPCFLOW_CLASS_CROSS_AZ) {
            vf_loc l;
            vf_locate(n, k->dst, &l);
            d.az = l.az_key;
        }
        vf_metrics m = *vf_agg_metrics(pairs, i);
        m.cost += inet_share(s, m.inet_bytes);
        m.inet_bytes = 0;
        vf_agg_add(by, &d, vf_hash_bytes(&d, sizeof d), &m);
    }
    size_t nt;
    size_t *top = vf_agg_top(by, 1, &nt);
    if (top && nt && vf_agg_metrics(by, top[0])->cost > 0) {
        const driver_key *d = vf_agg_key(by, top[0]);
        const vf_metrics *m = vf_agg_metrics(by, top[0]);
        char label[128], addr[64], dsts[256], bytes[32], usd[32];
        vf_owner_label(n, d->src, label, sizeof label);
        vpcflow_addr_format(d->src, addr, sizeof addr);
        describe_dsts(n, pairs, d, dsts, sizeof dsts);
        vf_human_bytes(m->bytes, bytes, sizeof bytes);
        vf_usd_format(m->cost, 2, usd, sizeof usd);
        const char *what = d->cls == VPCFLOW_CLASS_CROSS_AZ       ? "cross-AZ"
                           : d->cls == VPCFLOW_CLASS_INTERNET_OUT ? "internet-out"
                                                                  : "inter-region";
        snprintf(s->driver, sizeof s->driver, "%s %s \xe2\x86\x92 %s: %s %s, $%s", label, addr, dsts, bytes, what,
                 usd);
    }
    free(top);
    vf_agg_free(by);
}

/* ---- the run ----------------------------------------------------------------------------- */

static void finish_costs(vpcflow_summary *s, const vf_network *n)
{
    const vf_prices *p = vf_network_prices(n);
    s->total_cost = 0;
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++) {
        s->cls_cost[c] = c == VPCFLOW_CLASS_INTERNET_OUT ? vf_months_cost(&s->inet, p, vf_network_free_tier(n))
                                                         : s->cls[c].cost;
        s->total_cost += s->cls_cost[c];
    }
    s->nat_cost = (unsigned __int128)s->nat_bytes * p->nat_per_gb;
    s->total_cost += s->nat_cost;
}

static void describe_inputs(vpcflow_summary *s, const vf_analysis *a)
{
    snprintf(s->inputs, sizeof s->inputs, "%s%s%s%s", vf_network_has_subnets(a->net) ? "subnets " : "",
             vf_network_has_enis(a->net) ? "enis " : "", vf_network_has_ipranges(a->net) ? "ip-ranges " : "",
             a->opt.prices ? "prices" : "");
    size_t l = strlen(s->inputs);
    if (l && s->inputs[l - 1] == ' ')
        s->inputs[l - 1] = 0;
}

static vpcflow_status fill(vpcflow_summary *s, vf_analysis *a, sm_state *t, vf_outcome *o, vpcflow_error *err)
{
    if (settle(t, o) < 0)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    memcpy(s->cls, t->cls, sizeof s->cls);
    s->inet = t->inet;
    s->nat_bytes = t->nat_bytes;
    s->bytes_unique = t->unique;
    finish_costs(s, a->net);
    for (int w = 0; w < VF_TALK_COUNT; w++)
        talkers(s, t->pairs, a->net, w);
    find_driver(s, t->pairs, a->net);
    s->approx = vf_agg_approx(t->pairs);
    s->approx_error = vf_agg_error_bound(t->pairs);
    vf_analysis_notes(a, o);
    const char *notes = vf_network_notes(a->net);
    s->notes = vf_strndup(notes, strlen(notes));
    s->prices = *vf_network_prices(a->net);
    describe_inputs(s, a);
    return s->notes ? VPCFLOW_OK : vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
}

vpcflow_status vpcflow_summary_run(const char *const *paths, size_t npaths, const vpcflow_analysis_options *options,
                                   vpcflow_summary **out, vpcflow_error *err)
{
    vf_analysis a;
    vpcflow_status st = vf_analysis_open(&a, paths, npaths, options, err);
    if (st != VPCFLOW_OK)
        return st;
    vpcflow_summary *s = vf_calloc(1, sizeof *s);
    sm_ctx ctx = {&a, state_new(&a, a.memory_limit), vf_outcome_new(a.net),
                  a.opt.scan.threads ? a.opt.scan.threads : vf_cpu_count()};
    if (!s || !ctx.total || !ctx.outcome) {
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        goto done;
    }
    vpcflow_sink sink = {sm_open, sm_record, NULL, sm_close, &ctx};
    st = vpcflow_scan(a.paths, a.npaths, &a.opt.scan, &sink, &s->stats, err);
    if (st == VPCFLOW_ERR_STOPPED)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    if (st == VPCFLOW_OK)
        st = fill(s, &a, ctx.total, ctx.outcome, err);
done:
    state_free(ctx.total);
    vf_outcome_free(ctx.outcome);
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
    free(s);
}

static uint64_t micro(unsigned __int128 num)
{
    const unsigned __int128 unit = (unsigned __int128)1000000 << 30; /* 2^30 * 10^12 / 10^6 */
    return (uint64_t)((num + unit / 2) / unit);
}

void vpcflow_summary_class(const vpcflow_summary *s, vpcflow_class c, vpcflow_class_total *out)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)c >= VPCFLOW_CLASS_COUNT)
        return;
    out->bytes = s->cls[c].bytes;
    out->packets = s->cls[c].packets;
    out->flows = s->cls[c].flows;
    out->cost_micro_usd = micro(s->cls_cost[c]);
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
    return micro(s->total_cost);
}
