/* query.c — the grouping engine shared by summary, top and timeline (see query.h). */
#include "query/query.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEY 512

/* A pending piece: its condition, class and month, then the group key. */
typedef struct pending_head {
    vf_cond cond;
    uint16_t month;
    uint8_t cls;
    uint8_t totals_only; /* the record's class totals; the other pieces are its groups only */
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
    struct q_ctx *ctx;
    uint64_t seq; /* the unit of work being read */
    void *also;   /* the companion consumer's state (spec->also) */
} q_state;

/* A unit's groups, finished before its turn to go into the total came. */
typedef struct parked {
    uint64_t seq;
    vf_agg *groups;
} parked;

typedef struct q_ctx {
    vf_analysis *a;
    const vf_query_spec *spec;
    q_state *total;
    vf_outcome *outcome;
    size_t per_thread_memory;
    /* the total table is fed in unit order (see to_total) */
    pthread_mutex_t lock;
    pthread_cond_t turn;
    uint64_t next_seq; /* units before it are in the total */
    parked *park;
    vf_agg **spare;
    size_t npark, nspare, park_max;
    int failed;
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
    s->unique = vf_sat_add(s->unique, m->bytes);
    if (cls == VPCFLOW_CLASS_INTERNET_OUT)
        vf_months_add(&s->inet, month, m->bytes);
}

/* ---- the total, in input order ---------------------------------------------------------
 * A worker groups one unit of work at a time into its own table, which never evicts: the table
 * goes into the total when the unit ends, or sooner when it is full, strictly in unit order
 * (a worker whose turn has not come waits). Only the total runs out of room and keeps heavy
 * hitters, and it sees the same updates in the same order whichever worker read which unit: the
 * result and its error bound depend on the input and the thread count alone, and the bound is
 * that of one table of the whole budget, not a sum over threads. A unit that ends before its
 * turn is parked (at most one per thread) so that its worker can go on with the next one. */

static void merge_locked(q_ctx *c, vf_agg *g)
{
    if (vf_agg_merge(c->total->groups, g) < 0)
        c->failed = 1;
    vf_agg_clear(g);
}

static void wait_turn(q_ctx *c, uint64_t seq)
{
    while (c->next_seq != seq)
        pthread_cond_wait(&c->turn, &c->lock);
}

/* Unit seq is complete in the total: the parked units that follow go in too. */
static void advance_locked(q_ctx *c)
{
    c->next_seq++;
    for (size_t i = 0; i < c->npark;) {
        if (c->park[i].seq != c->next_seq) {
            i++;
            continue;
        }
        vf_agg *g = c->park[i].groups;
        c->park[i] = c->park[--c->npark];
        merge_locked(c, g);
        c->spare[c->nspare++] = g;
        c->next_seq++;
        i = 0;
    }
    pthread_cond_broadcast(&c->turn);
}

/* Moves a worker's table into the total: when it is full (unit_end 0) or its unit ended. */
static int to_total(q_state *s, int unit_end)
{
    q_ctx *c = s->ctx;
    pthread_mutex_lock(&c->lock);
    if (unit_end && c->next_seq != s->seq && c->npark < c->park_max) {
        vf_agg *fresh =
            c->nspare ? c->spare[--c->nspare]
                      : vf_agg_new(s->spec->key_size, c->per_thread_memory, s->spec->rank, vf_agg_inet_rate(s->groups));
        if (fresh) {
            c->park[c->npark++] = (parked){s->seq, s->groups};
            s->groups = fresh;
            pthread_mutex_unlock(&c->lock);
            return 0;
        }
    }
    wait_turn(c, s->seq);
    merge_locked(c, s->groups);
    if (unit_end)
        advance_locked(c);
    int failed = c->failed;
    pthread_mutex_unlock(&c->lock);
    return failed;
}

static void flush_batch(q_state *s)
{
    if (s->nbatch && vf_agg_count(s->groups) + s->nbatch > vf_agg_capacity(s->groups) && to_total(s, 0))
        s->failed = 1;
    if (s->nbatch && vf_agg_add_batch(s->groups, s->bkeys, s->bhash, s->bm, s->nbatch) < 0)
        s->failed = 1;
    s->nbatch = 0;
}

static void q_begin(void *state, uint64_t seq)
{
    ((q_state *)state)->seq = seq;
}

static int q_end(void *state, uint64_t seq, int last_of_input)
{
    q_state *s = state;
    (void)last_of_input;
    flush_batch(s);
    s->seq = seq;
    if (to_total(s, 1))
        s->failed = 1;
    return s->failed;
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
    q_state *s = state_new(c->a, c->spec, c->per_thread_memory);
    if (s && !(s->fc = vf_flowctx_new(c->a->net))) {
        state_free(s);
        s = NULL;
    }
    if (s && c->spec->also && !(s->also = c->spec->also->open(c->spec->also->ctx, worker))) {
        state_free(s);
        s = NULL;
    }
    if (s)
        s->ctx = c;
    return s;
}

static int q_record(void *state, const vpcflow_record *r)
{
    q_state *s = state;
    const vf_query_spec *spec = s->spec;
    vf_flow f;
    int traffic = vf_flow_eval(s->fc, r, &f);
    if (spec->also && spec->also->record(s->also, r, traffic, &f))
        return 1;
    if (!traffic || !vf_analysis_wants(s->a, r))
        return 0;
    if (spec->class_mask && !(spec->class_mask & (1u << f.cls)))
        return 0;
    if (spec->where && !spec->where(spec->wctx, r))
        return 0;
    if (f.nat_in)
        s->nat_bytes = vf_sat_add(s->nat_bytes, r->bytes);
    if (f.verdict == VF_DROP)
        return 0;
    s->cur = &f;
    if (f.verdict == VF_KEEP) {
        count_class(s, f.cls, f.month, &f.m);
        if (spec->also && spec->also->group_kept)
            spec->also->group_kept(s->also, r, &f, emit_kept, s);
        else
            spec->group(spec->ctx, r, &f, emit_kept, s);
    } else {
        /* the record counts in the class totals once, whatever number of group pieces it
         * makes (a timeline's buckets, an owner key's two sides, a report's many views) */
        unsigned char zero[MAX_KEY] = {0};
        spec->group(spec->ctx, r, &f, emit_pending, s);
        add_pending(s, zero, &f.m, 1);
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
    t->nat_bytes = vf_sat_add(t->nat_bytes, s->nat_bytes);
    t->unique = vf_sat_add(t->unique, s->unique);
    if (vf_agg_count(s->groups) && !rc && vf_agg_merge(t->groups, s->groups) < 0) /* every unit ended: empty */
        rc = 1;
    if (!rc && (vf_agg_merge(t->pending, s->pending) < 0 || vf_outcome_merge(c->outcome, s->fc) < 0))
        rc = 1;
    if (c->spec->also && c->spec->also->close(c->spec->also->ctx, s->also))
        rc = 1;
    state_free(s);
    return rc;
}

/* Pending pieces go into the groups in the order of vf_agg_top (by bytes, then key), not in
 * the order the workers' tables were merged, so that the result does not depend on it. */
static int settle(q_state *t, const vf_outcome *o, size_t key_size)
{
    size_t n;
    size_t *order = vf_agg_top(t->pending, 0, &n);
    if (!order)
        return -1;
    for (size_t j = 0; j < n; j++) {
        size_t i = order[j];
        const unsigned char *k = vf_agg_key(t->pending, i);
        pending_head h;
        memcpy(&h, k, sizeof h);
        if (vf_cond_drops(o, &h.cond))
            continue;
        const vf_metrics *m = vf_agg_metrics(t->pending, i);
        const unsigned char *key = k + sizeof h;
        if (h.totals_only)
            count_class(t, h.cls, h.month, m);
        else if (vf_agg_add(t->groups, key, vf_hash_bytes(key, key_size), m) < 0) {
            free(order);
            return -1;
        }
    }
    free(order);
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
    /* the total gets 3/4 of the budget; each thread's table and each parked one 1/8 / threads */
    q_ctx ctx = {.a = a,
                 .spec = spec,
                 .total = state_new(a, spec, 0),
                 .outcome = vf_outcome_new(a->net),
                 .per_thread_memory = a->memory_limit / 8 / threads};
    const vf_prices *pr = vf_network_prices(a->net);
    size_t total_memory = a->memory_limit - a->memory_limit / 4;
    ctx.park_max = threads;
    ctx.park = vf_calloc(threads, sizeof *ctx.park);
    ctx.spare = vf_calloc(threads, sizeof *ctx.spare);
    pthread_mutex_init(&ctx.lock, NULL);
    pthread_cond_init(&ctx.turn, NULL);
    vpcflow_status st = VPCFLOW_OK;
    if (ctx.total)
        ctx.total->groups = vf_agg_new(spec->key_size, total_memory, spec->rank, pr->ntiers ? pr->tiers[0].rate : 0);
    if (!ctx.total || !ctx.outcome || !ctx.park || !ctx.spare || !ctx.total->groups) {
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        goto done;
    }
    vpcflow_sink sink = {q_open, q_record, q_end, q_close, &ctx, q_begin};
    st = vpcflow_scan(a->paths, a->npaths, &a->opt.scan, &sink, &out->stats, err);
    if (st != VPCFLOW_OK)
        vf_analysis_name_stdin(a, err);
    if (st == VPCFLOW_ERR_STOPPED)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
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
    for (size_t i = 0; i < ctx.npark; i++)
        vf_agg_free(ctx.park[i].groups);
    for (size_t i = 0; i < ctx.nspare; i++)
        vf_agg_free(ctx.spare[i]);
    free(ctx.park);
    free(ctx.spare);
    pthread_mutex_destroy(&ctx.lock);
    pthread_cond_destroy(&ctx.turn);
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
