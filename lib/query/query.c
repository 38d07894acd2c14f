/* query.c — the grouping engine shared by summary, top and timeline (see query.h). */
#include "query/query.h"

#include <stdlib.h>
#include <string.h>

#define MAX_KEY 512

/* A pending piece: its condition, class and month, then the group key. */
typedef struct pending_head {
    vf_cond cond;
    uint16_t month;
    uint8_t cls;
    uint8_t totals_only; /* the record emitted no group: it counts in the class totals only */
    uint8_t pad[4];
} pending_head;

#define BATCH 16

typedef struct q_state {
    vf_analysis *a;
    const vf_query_spec *spec;
    vf_flowctx *fc;
    /* updates of the group table, applied BATCH at a time (vf_agg_add_batch) */
    size_t nbatch;
    unsigned char bkeys[BATCH * MAX_KEY];
    uint64_t bhash[BATCH];
    vf_metrics bm[BATCH];
    vf_metrics cls[VPCFLOW_CLASS_COUNT];
    vf_months inet;
    uint64_t nat_bytes, unique;
    vf_agg *groups, *pending;
    /* while a record is grouped */
    const vf_flow *cur;
    int failed;
} q_state;

typedef struct q_ctx {
    vf_analysis *a;
    const vf_query_spec *spec;
    q_state *total;
    vf_outcome *outcome;
    size_t per_thread_memory;
} q_ctx;

/* A thread's state; the total's (mem 0) takes its group table from the first thread. */
static q_state *state_new(vf_analysis *a, const vf_query_spec *spec, size_t mem)
{
    q_state *s = vf_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->a = a;
    s->spec = spec;
    const vf_prices *p = vf_network_prices(a->net);
    if (mem)
        s->groups = vf_agg_new(spec->key_size, mem, spec->rank, p->ntiers ? p->tiers[0].rate : 0);
    s->pending = vf_agg_new(sizeof(pending_head) + spec->key_size, 0, VF_RANK_BYTES, 0);
    if ((mem && !s->groups) || !s->pending) {
        vf_agg_free(s->groups);
        vf_agg_free(s->pending);
        free(s);
        return NULL;
    }
    return s;
}

static void state_free(q_state *s)
{
    if (!s)
        return;
    vf_flowctx_free(s->fc);
    vf_agg_free(s->groups);
    vf_agg_free(s->pending);
    free(s);
}

static void count_class(q_state *s, int cls, uint16_t month, const vf_metrics *m)
{
    vf_metrics_add(&s->cls[cls], m);
    s->unique += m->bytes;
    if (cls == VPCFLOW_CLASS_INTERNET_OUT)
        vf_months_add(&s->inet, month, m->bytes);
}

static void flush_batch(q_state *s)
{
    if (s->nbatch && vf_agg_add_batch(s->groups, s->bkeys, s->bhash, s->bm, s->nbatch) < 0)
        s->failed = 1;
    s->nbatch = 0;
}

static void emit_kept(void *sink, const void *key, const vf_metrics *m)
{
    q_state *s = sink;
    size_t ks = s->spec->key_size;
    memcpy(s->bkeys + s->nbatch * ks, key, ks);
    s->bhash[s->nbatch] = vf_hash_bytes(key, ks);
    s->bm[s->nbatch] = *m;
    if (++s->nbatch == BATCH)
        flush_batch(s);
}

static void add_pending(q_state *s, const void *key, const vf_metrics *m, int totals_only)
{
    unsigned char buf[sizeof(pending_head) + MAX_KEY];
    pending_head h;
    memset(&h, 0, sizeof h);
    h.cond = s->cur->cond;
    h.month = s->cur->month;
    h.cls = (uint8_t)s->cur->cls;
    h.totals_only = (uint8_t)totals_only;
    memcpy(buf, &h, sizeof h);
    memcpy(buf + sizeof h, key, s->spec->key_size);
    size_t n = sizeof h + s->spec->key_size;
    if (vf_agg_add(s->pending, buf, vf_hash_bytes(buf, n), m) < 0)
        s->failed = 1;
}

static void emit_pending(void *sink, const void *key, const vf_metrics *m)
{
    add_pending(sink, key, m, 0);
}

static void *q_open(void *ctx, unsigned worker)
{
    q_ctx *c = ctx;
    (void)worker;
    q_state *s = state_new(c->a, c->spec, c->per_thread_memory);
    if (s && !(s->fc = vf_flowctx_new(c->a->net))) {
        state_free(s);
        s = NULL;
    }
    return s;
}

typedef struct counter {
    q_state *s;
    size_t pieces;
    vf_emit_fn inner;
} counter;

static void emit_counted(void *sink, const void *key, const vf_metrics *m)
{
    counter *c = sink;
    c->pieces++;
    c->inner(c->s, key, m);
}

static int q_record(void *state, const vpcflow_record *r)
{
    q_state *s = state;
    const vf_query_spec *spec = s->spec;
    vf_flow f;
    if (!vf_flow_eval(s->fc, r, &f) || !vf_analysis_wants(s->a, r))
        return 0;
    if (spec->class_mask && !(spec->class_mask & (1u << f.cls)))
        return 0;
    if (spec->where && !spec->where(spec->wctx, r))
        return 0;
    if (f.nat_in)
        s->nat_bytes += r->bytes;
    if (f.verdict == VF_DROP)
        return 0;
    s->cur = &f;
    if (f.verdict == VF_KEEP) {
        count_class(s, f.cls, f.month, &f.m);
        spec->group(spec->ctx, r, &f, emit_kept, s);
    } else {
        counter c = {s, 0, emit_pending};
        spec->group(spec->ctx, r, &f, emit_counted, &c);
        if (!c.pieces) {
            unsigned char zero[MAX_KEY] = {0};
            add_pending(s, zero, &f.m, 1);
        }
    }
    return s->failed;
}

static int q_close(void *ctx, void *state)
{
    q_ctx *c = ctx;
    q_state *s = state, *t = c->total;
    flush_batch(s);
    int rc = s->failed;
    for (int k = 0; k < VPCFLOW_CLASS_COUNT; k++)
        vf_metrics_add(&t->cls[k], &s->cls[k]);
    vf_months_merge(&t->inet, &s->inet);
    t->nat_bytes += s->nat_bytes;
    t->unique += s->unique;
    if (!t->groups) { /* the first table becomes the total: no copy, so memory stays in budget */
        t->groups = s->groups;
        s->groups = NULL;
        vf_agg_set_limit(t->groups, c->a->memory_limit);
    } else if (!rc && vf_agg_merge(t->groups, s->groups) < 0)
        rc = 1;
    if (!rc && (vf_agg_merge(t->pending, s->pending) < 0 || vf_outcome_merge(c->outcome, s->fc) < 0))
        rc = 1;
    state_free(s);
    return rc;
}

static int settle(q_state *t, const vf_outcome *o, size_t key_size)
{
    for (size_t i = 0; i < vf_agg_count(t->pending); i++) {
        const unsigned char *k = vf_agg_key(t->pending, i);
        pending_head h;
        memcpy(&h, k, sizeof h);
        if (vf_cond_drops(o, &h.cond))
            continue;
        const vf_metrics *m = vf_agg_metrics(t->pending, i);
        count_class(t, h.cls, h.month, m);
        const unsigned char *key = k + sizeof h;
        if (!h.totals_only && vf_agg_add(t->groups, key, vf_hash_bytes(key, key_size), m) < 0)
            return -1;
    }
    return 0;
}

static void finish_costs(vf_query_result *r, const vf_network *n)
{
    const vf_prices *p = vf_network_prices(n);
    r->total_cost = 0;
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++) {
        r->cls_cost[c] =
            c == VPCFLOW_CLASS_INTERNET_OUT ? vf_months_cost(&r->inet, p, vf_network_free_tier(n)) : r->cls[c].cost;
        r->total_cost += r->cls_cost[c];
    }
    r->nat_cost = (unsigned __int128)r->nat_bytes * p->nat_per_gb;
    r->total_cost += r->nat_cost;
}

vpcflow_status vf_query_run(vf_analysis *a, const vf_query_spec *spec, vf_query_result *out, vpcflow_error *err)
{
    memset(out, 0, sizeof *out);
    if (spec->key_size > MAX_KEY)
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "group key too large (%zu bytes)", spec->key_size);
    size_t threads = a->opt.scan.threads ? a->opt.scan.threads : vf_cpu_count();
    q_ctx ctx = {a, spec, state_new(a, spec, 0), vf_outcome_new(a->net), a->memory_limit / threads};
    vpcflow_status st = VPCFLOW_OK;
    if (!ctx.total || !ctx.outcome) {
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        goto done;
    }
    vpcflow_sink sink = {q_open, q_record, NULL, q_close, &ctx};
    st = vpcflow_scan(a->paths, a->npaths, &a->opt.scan, &sink, &out->stats, err);
    if (st != VPCFLOW_OK)
        vf_analysis_name_stdin(a, err);
    if (st == VPCFLOW_ERR_STOPPED)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    if (st == VPCFLOW_OK && !ctx.total->groups) { /* no worker ran (no input) */
        const vf_prices *p = vf_network_prices(a->net);
        ctx.total->groups = vf_agg_new(spec->key_size, a->memory_limit, spec->rank, p->ntiers ? p->tiers[0].rate : 0);
        if (!ctx.total->groups)
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    if (st == VPCFLOW_OK && settle(ctx.total, ctx.outcome, spec->key_size) < 0)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    if (st == VPCFLOW_OK) {
        memcpy(out->cls, ctx.total->cls, sizeof out->cls);
        out->inet = ctx.total->inet;
        out->nat_bytes = ctx.total->nat_bytes;
        out->unique = ctx.total->unique;
        out->groups = ctx.total->groups;
        ctx.total->groups = NULL;
        out->outcome = ctx.outcome;
        ctx.outcome = NULL;
        finish_costs(out, a->net);
    }
done:
    state_free(ctx.total);
    vf_outcome_free(ctx.outcome);
    return st;
}

void vf_query_result_free(vf_query_result *r)
{
    vf_agg_free(r->groups);
    vf_outcome_free(r->outcome);
    memset(r, 0, sizeof *r);
}

unsigned __int128 vf_query_cost(const vf_query_result *r, const vf_metrics *m)
{
    return m->cost + vf_inet_share(r->cls_cost[VPCFLOW_CLASS_INTERNET_OUT], r->cls[VPCFLOW_CLASS_INTERNET_OUT].bytes,
                                   m->inet_bytes);
}

uint64_t vf_micro_usd(unsigned __int128 num)
{
    const unsigned __int128 unit = (unsigned __int128)1000000 << 30;
    return (uint64_t)((num + unit / 2) / unit);
}
