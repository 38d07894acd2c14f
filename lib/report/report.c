/* report.c — the report's numbers in one scan: the query engine (query.c) runs once with a
 * grouping function that emits the pieces of every view under a tag (summary pairs, timeline
 * by class, cross-AZ pairs of AZs, ports, rejected ports and sources), and the alerts engine
 * rides on the same scan as its companion consumer. After the scan the tagged groups are split
 * into one table per view and finished by the code `summary`, `top` and `timeline` use. */
#include "report/report.h"
#include "query/advise.h"

#include <stdlib.h>
#include <string.h>

enum { T_SUMMARY = 1, T_TIMELINE, T_AZ, T_PORTS, T_REJ_PORTS, T_REJ_SRCS, T_REJ_CLASS, T_ADVISE, T_COUNT };

#define TAG_BYTES 8
#define FINE_EVERY 300 /* the timeline is grouped in 5 minutes, merged into wider buckets after */

typedef struct rep_ctx {
    const vf_network *net;
    top_ctx tl, az, ports, rsrc; /* timeline by class; src-az,dst-az; dstport; srcaddr */
    size_t size[T_COUNT];        /* payload bytes of each tag */
    size_t key_size;             /* TAG_BYTES + the largest payload */
} rep_ctx;

typedef struct tagger {
    const rep_ctx *c;
    vf_emit_fn emit;
    void *sink;
    int tag;
} tagger;

static void tag_emit(void *sink, const void *key, const vf_metrics *m)
{
    tagger *t = sink;
    unsigned char buf[512];
    memset(buf, 0, t->c->key_size);
    buf[0] = (unsigned char)t->tag;
    memcpy(buf + TAG_BYTES, key, t->c->size[t->tag]);
    t->emit(t->sink, buf, m);
}

static void group_all(void *ctx, const vpcflow_record *r, const vf_flow *f, vf_emit_fn emit, void *sink)
{
    rep_ctx *c = ctx;
    tagger t = {c, emit, sink, T_SUMMARY};
    vf_summary_group((void *)c->net, r, f, tag_emit, &t);
    t.tag = T_ADVISE;
    vf_advise_group((void *)c->net, r, f, tag_emit, &t);
    t.tag = T_TIMELINE;
    vf_timeline_group(&c->tl, r, f, tag_emit, &t);
    if (f->cls == VPCFLOW_CLASS_CROSS_AZ) {
        t.tag = T_AZ;
        vf_top_group(&c->az, r, f, tag_emit, &t);
    }
    t.tag = T_PORTS;
    vf_top_group(&c->ports, r, f, tag_emit, &t);
    if ((r->present & VPCFLOW_BIT(VPCFLOW_F_ACTION)) && r->action == VPCFLOW_ACTION_REJECT) {
        t.tag = T_REJ_PORTS;
        vf_top_group(&c->ports, r, f, tag_emit, &t);
        t.tag = T_REJ_SRCS;
        vf_top_group(&c->rsrc, r, f, tag_emit, &t);
        uint8_t cls = (uint8_t)f->cls;
        t.tag = T_REJ_CLASS;
        tag_emit(&t, &cls, &f->m);
    }
}

/* ---- per worker: the alerts engine, and the views with small keys summed in place -------
 * A record whose fate is settled (VF_KEEP) is grouped by group_kept with its worker's state at
 * hand: the summary's pairs and the rejected sources are emitted as above, but the ports go into
 * two 65,536-entry arrays, the rejected traffic into one per class, and the timeline and the AZ
 * pairs into small tables of the worker's own (capped: beyond the cap a new key is emitted).
 * Those never touch the engine's table, whose groups are then few enough to stay cheap; the
 * workers' sums are added together when each closes and joined with the emitted groups (and the
 * pending records settled at the end) in split(), one pass for every view. */

#define NPORTS 65536
#define TL_SPAN 4096 /* timeline buckets a worker sums itself: 14 days of 5 minutes, around its first */
#define AZ_CAP 4096

typedef struct direct {
    vf_metrics *ports, *rej_ports; /* NPORTS each, by dstport */
    vf_metrics rej_cls[VPCFLOW_CLASS_COUNT];
    vf_metrics *tl_cells; /* a worker's: TL_SPAN x VPCFLOW_CLASS_COUNT, from bucket tl_base */
    int64_t tl_base;
    int tl_set;
    vf_agg *tl, *az; /* the timeline (the sum's, from the workers' cells) and the AZ pairs */
} direct;

typedef struct rep_side {
    const rep_ctx *c;
    vf_engine_options eo;
    vf_alert_engine *total;
    int use_direct; /* the budget holds the arrays (else every view is emitted) */
    direct sum;     /* the workers' direct views, added as each closes */
    int failed;
} rep_side;

typedef struct rep_worker {
    rep_side *side;
    vf_alert_engine *alerts;
    direct d;
    int failed;
} rep_worker;

/* Bytes of one set of direct views at most. */
static size_t direct_bytes(void)
{
    return (2 * NPORTS + TL_SPAN * VPCFLOW_CLASS_COUNT) * sizeof(vf_metrics) + AZ_CAP * 160;
}

static void direct_free(direct *d)
{
    free(d->ports);
    free(d->rej_ports);
    free(d->tl_cells);
    vf_agg_free(d->tl);
    vf_agg_free(d->az);
    memset(d, 0, sizeof *d);
}

static int direct_init(direct *d, const rep_ctx *c, int worker)
{
    memset(d, 0, sizeof *d);
    d->ports = vf_calloc(NPORTS, sizeof *d->ports);
    d->rej_ports = vf_calloc(NPORTS, sizeof *d->rej_ports);
    if (worker)
        d->tl_cells = vf_calloc((size_t)TL_SPAN * VPCFLOW_CLASS_COUNT, sizeof *d->tl_cells);
    d->tl = vf_agg_new(c->size[T_TIMELINE], 0, VF_RANK_BYTES, 0);
    d->az = vf_agg_new(c->size[T_AZ], 0, VF_RANK_BYTES, 0);
    if (!d->ports || !d->rej_ports || (worker && !d->tl_cells) || !d->tl || !d->az) {
        direct_free(d);
        return -1;
    }
    return 0;
}

static int nonzero(const vf_metrics *m)
{
    return m->flows || m->bytes || m->packets;
}

/* The timeline's key: the bucket, then the class as keys.c writes it (a big-endian u32). */
static void tl_key(unsigned char *key, int64_t bucket, int cls)
{
    memcpy(key, &bucket, 8);
    key[8] = key[9] = key[10] = 0;
    key[11] = (unsigned char)cls;
}

static int direct_add(direct *into, const direct *from, int64_t fine)
{
    for (size_t i = 0; from->tl_cells && i < (size_t)TL_SPAN * VPCFLOW_CLASS_COUNT; i++)
        if (nonzero(&from->tl_cells[i])) {
            unsigned char key[12];
            tl_key(key, from->tl_base + (int64_t)(i / VPCFLOW_CLASS_COUNT) * fine, (int)(i % VPCFLOW_CLASS_COUNT));
            if (vf_agg_add(into->tl, key, vf_hash_bytes(key, sizeof key), &from->tl_cells[i]) < 0)
                return -1;
        }
    for (size_t p = 0; p < NPORTS; p++) {
        if (from->ports[p].flows || from->ports[p].bytes || from->ports[p].packets)
            vf_metrics_add(&into->ports[p], &from->ports[p]);
        if (from->rej_ports[p].flows || from->rej_ports[p].bytes || from->rej_ports[p].packets)
            vf_metrics_add(&into->rej_ports[p], &from->rej_ports[p]);
    }
    for (int k = 0; k < VPCFLOW_CLASS_COUNT; k++)
        vf_metrics_add(&into->rej_cls[k], &from->rej_cls[k]);
    return vf_agg_merge(into->tl, from->tl) < 0 || vf_agg_merge(into->az, from->az) < 0 ? -1 : 0;
}

/* A small table as an emit sink. */
typedef struct agg_sink {
    vf_agg *g;
    size_t size;
    int *failed;
} agg_sink;

static void agg_emit(void *sink, const void *key, const vf_metrics *m)
{
    agg_sink *s = sink;
    if (vf_agg_add(s->g, key, vf_hash_bytes(key, s->size), m) < 0)
        *s->failed = 1;
}

typedef struct tl_sink {
    rep_worker *w;
    tagger *t;
    int cls;
} tl_sink;

/* A timeline piece into the worker's cells, or emitted when outside their span. */
static void tl_piece(void *ctx, int64_t bucket, const vf_metrics *m)
{
    tl_sink *s = ctx;
    direct *d = &s->w->d;
    int64_t every = s->t->c->tl.every;
    if (!d->tl_set) {
        d->tl_base = bucket - (int64_t)(TL_SPAN / 2) * every;
        d->tl_set = 1;
    }
    int64_t i = (bucket - d->tl_base) / every;
    if (bucket >= d->tl_base && i < TL_SPAN) {
        vf_metrics_add(&d->tl_cells[i * VPCFLOW_CLASS_COUNT + s->cls], m);
        return;
    }
    unsigned char key[12];
    tl_key(key, bucket, s->cls);
    s->t->tag = T_TIMELINE;
    tag_emit(s->t, key, m);
}

static void group_kept(void *state, const vpcflow_record *r, const vf_flow *f, vf_emit_fn emit, void *sink)
{
    rep_worker *w = state;
    const rep_ctx *c = w->side->c;
    if (!w->side->use_direct) {
        group_all((void *)c, r, f, emit, sink);
        return;
    }
    tagger t = {c, emit, sink, T_SUMMARY};
    vf_summary_group((void *)c->net, r, f, tag_emit, &t);
    t.tag = T_ADVISE;
    vf_advise_group((void *)c->net, r, f, tag_emit, &t);
    tl_sink ts = {w, &t, f->cls};
    vf_timeline_pieces(r, f, c->tl.every, tl_piece, &ts);
    if (f->cls == VPCFLOW_CLASS_CROSS_AZ) {
        if (vf_agg_count(w->d.az) < AZ_CAP) {
            agg_sink as = {w->d.az, c->size[T_AZ], &w->failed};
            vf_top_group((void *)&c->az, r, f, agg_emit, &as);
        } else {
            t.tag = T_AZ;
            vf_top_group((void *)&c->az, r, f, tag_emit, &t);
        }
    }
    int rejected = (r->present & VPCFLOW_BIT(VPCFLOW_F_ACTION)) && r->action == VPCFLOW_ACTION_REJECT;
    if (r->dstport < NPORTS) {
        vf_metrics_add(&w->d.ports[r->dstport], &f->m);
        if (rejected)
            vf_metrics_add(&w->d.rej_ports[r->dstport], &f->m);
    } else {
        t.tag = T_PORTS;
        vf_top_group((void *)&c->ports, r, f, tag_emit, &t);
        if (rejected) {
            t.tag = T_REJ_PORTS;
            vf_top_group((void *)&c->ports, r, f, tag_emit, &t);
        }
    }
    if (rejected) {
        t.tag = T_REJ_SRCS;
        vf_top_group((void *)&c->rsrc, r, f, tag_emit, &t);
        vf_metrics_add(&w->d.rej_cls[f->cls], &f->m);
    }
}

static void *worker_open(void *ctx, unsigned worker)
{
    (void)worker;
    rep_side *b = ctx;
    rep_worker *w = vf_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->side = b;
    if (!(w->alerts = vf_alert_engine_new(&b->eo)) || (b->use_direct && direct_init(&w->d, b->c, 1) < 0)) {
        vf_alert_engine_free(w->alerts);
        free(w);
        return NULL;
    }
    return w;
}

static int worker_record(void *state, const vpcflow_record *rec, int traffic, const vf_flow *f)
{
    rep_worker *w = state;
    return vf_alert_engine_record_flow(w->alerts, rec, traffic, f, rec->seq, rec->line_no) != 0 || w->failed;
}

static int worker_close(void *ctx, void *state)
{
    rep_side *b = ctx;
    rep_worker *w = state;
    if (w->failed || vf_alert_engine_merge(b->total, w->alerts) < 0 ||
        (b->use_direct && direct_add(&b->sum, &w->d, b->c->tl.every) < 0))
        b->failed = 1;
    vf_alert_engine_free(w->alerts);
    direct_free(&w->d);
    free(w);
    return b->failed;
}

/* ---- after the scan: one table per view ------------------------------------------------- */

static int64_t choose_every(const vpcflow_scan_stats *st)
{
    static const int64_t steps[] = {300, 900, 3600, 10800, 21600, 86400, 604800};
    int64_t span = st->last_end > st->first_start ? st->last_end - st->first_start : 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (span / steps[i] < 96)
            return steps[i];
    return 604800;
}

static int64_t floor_to(int64_t t, int64_t every)
{
    return t - ((t % every) + every) % every;
}

/* Adds one piece of a tag's view to g (a timeline bucket widened to every). */
static int add_piece(vf_agg *g, size_t size, int tag, int64_t fine, int64_t every, const unsigned char *key,
                     const vf_metrics *m)
{
    unsigned char buf[512];
    memcpy(buf, key, size);
    if (tag == T_TIMELINE && every != fine) {
        int64_t b;
        memcpy(&b, buf, 8);
        b = floor_to(b, every);
        memcpy(buf, &b, 8);
    }
    return vf_agg_add(g, buf, vf_hash_bytes(buf, size), m);
}

/* Adds ports[p] to g under keys.c's key of a port (a big-endian u32). */
static int add_ports(vf_agg *g, const vf_metrics *ports)
{
    for (uint32_t p = 0; p < NPORTS; p++)
        if (nonzero(&ports[p])) {
            unsigned char key[4] = {0, 0, (unsigned char)(p >> 8), (unsigned char)p};
            if (vf_agg_add(g, key, vf_hash_bytes(key, 4), &ports[p]) < 0)
                return -1;
        }
    return 0;
}

/* One table per tag, in one pass over the engine's groups: each keyed by the tag's payload (the
 * timeline's buckets widened to every), joined with the workers' own sums of that view (d). */
static int split(const vf_agg *all, const rep_ctx *c, const direct *d, int64_t every, vf_agg *g[T_COUNT])
{
    memset(g, 0, T_COUNT * sizeof *g);
    for (int t = 1; t < T_COUNT; t++)
        if (t != T_REJ_CLASS &&
            !(g[t] = vf_agg_new(c->size[t], 0, t == T_SUMMARY || t == T_ADVISE ? VF_RANK_COST : VF_RANK_BYTES,
                                vf_agg_inet_rate(all))))
            return -1;
    int64_t fine = c->tl.every;
    for (size_t i = 0; i < vf_agg_count(all); i++) {
        const unsigned char *k = vf_agg_key(all, i);
        int t = k[0];
        if (t > 0 && t < T_COUNT && g[t] &&
            add_piece(g[t], c->size[t], t, fine, every, k + TAG_BYTES, vf_agg_metrics(all, i)) < 0)
            return -1;
    }
    if (!d)
        return 0;
    const struct {
        int tag;
        const vf_agg *small;
    } smalls[] = {{T_TIMELINE, d->tl}, {T_AZ, d->az}};
    for (size_t s = 0; s < sizeof smalls / sizeof smalls[0]; s++)
        for (size_t i = 0; i < vf_agg_count(smalls[s].small); i++)
            if (add_piece(g[smalls[s].tag], c->size[smalls[s].tag], smalls[s].tag, fine, every,
                          vf_agg_key(smalls[s].small, i), vf_agg_metrics(smalls[s].small, i)) < 0)
                return -1;
    return add_ports(g[T_PORTS], d->ports) < 0 || add_ports(g[T_REJ_PORTS], d->rej_ports) < 0 ? -1 : 0;
}

static vpcflow_status view(vf_analysis *a, const vf_query_result *q, const top_ctx *keys, vf_agg *groups, size_t limit,
                           uint32_t mask, int64_t every, vpcflow_rows **out)
{
    vf_query_result sub = *q;
    sub.groups = groups;
    vpcflow_rows *r = vf_rows_new();
    vpcflow_status st = r ? VPCFLOW_OK : VPCFLOW_ERR_IO;
    top_ctx k = *keys;
    k.every = every;
    if (st == VPCFLOW_OK) {
        snprintf(r->metric, sizeof r->metric, "bytes");
        r->timeline = every != 0;
        r->every = every;
        st = vf_rows_fill(r, &k, &sub, VF_RANK_BYTES, limit, mask, a);
    }
    if (st != VPCFLOW_OK) {
        vpcflow_rows_free(r);
        return st;
    }
    if (q->groups && vf_agg_approx(q->groups)) {
        r->approx = 1;
        r->error_bound = vf_agg_error_bound(q->groups);
    }
    *out = r;
    return VPCFLOW_OK;
}

/* Totals of the rejected records (what `top --action REJECT` puts under "total"). */
static void reject_total(const vf_query_result *q, vpcflow_rows *r, const vf_metrics *m)
{
    r->total_bytes = vf_sat_add(r->total_bytes, m->bytes);
    r->total_packets = vf_sat_add(r->total_packets, m->packets);
    r->total_flows = vf_sat_add(r->total_flows, m->flows);
    r->total_cost += vf_query_cost(q, m);
}

static void reject_totals(const vf_query_result *q, const direct *d, vpcflow_rows *r)
{
    r->total_bytes = r->total_packets = r->total_flows = 0;
    r->total_cost = 0;
    for (size_t i = 0; i < vf_agg_count(q->groups); i++) {
        const unsigned char *k = vf_agg_key(q->groups, i);
        if (k[0] == T_REJ_CLASS)
            reject_total(q, r, vf_agg_metrics(q->groups, i));
    }
    for (int k = 0; d && k < VPCFLOW_CLASS_COUNT; k++)
        if (nonzero(&d->rej_cls[k]))
            reject_total(q, r, &d->rej_cls[k]);
}

static vpcflow_status views(vf_report *r, vf_analysis *a, const vf_query_result *q, const rep_ctx *c, const direct *d,
                            int64_t every)
{
    vf_agg *g[T_COUNT];
    vpcflow_status st = split(q->groups, c, d, every, g) < 0 ? VPCFLOW_ERR_IO : VPCFLOW_OK;
    vf_query_result sub = *q;
    sub.groups = g[T_SUMMARY];
    if (st == VPCFLOW_OK && !(r->summary = vf_calloc(1, sizeof *r->summary)))
        st = VPCFLOW_ERR_IO;
    if (st == VPCFLOW_OK)
        st = vf_summary_fill(r->summary, a, &sub);
    if (st == VPCFLOW_OK && vf_agg_approx(q->groups)) {
        r->summary->approx = 1;
        r->summary->approx_error = vf_agg_error_bound(q->groups);
    }
    if (st == VPCFLOW_OK) { /* advise's actions, at the top of the page */
        vf_query_result adv = *q;
        adv.groups = g[T_ADVISE];
        if (!(r->advice = vf_calloc(1, sizeof *r->advice)))
            st = VPCFLOW_ERR_IO;
        else {
            r->advice->egress_gb_month = 100;
            r->advice->min_net_micro_usd = 10000;
            st = vf_advise_fill(r->advice, a, &adv);
        }
    }
    int oom = 0;
    if (st == VPCFLOW_OK)
        r->nnat = vf_summary_nats(g[T_SUMMARY], a->net, r->nat, VF_REPORT_NATS, &oom);
    if (oom)
        st = VPCFLOW_ERR_IO;
    if (st == VPCFLOW_OK)
        st = view(a, q, &c->tl, g[T_TIMELINE], 0, 0, every, &r->timeline);
    if (st == VPCFLOW_OK)
        st = view(a, q, &c->az, g[T_AZ], 0, 1u << VPCFLOW_CLASS_CROSS_AZ, 0, &r->az);
    if (st == VPCFLOW_OK)
        st = view(a, q, &c->ports, g[T_PORTS], VF_REPORT_TOP, 0, 0, &r->ports);
    if (st == VPCFLOW_OK)
        st = view(a, q, &c->ports, g[T_REJ_PORTS], VF_REPORT_TOP, 0, 0, &r->reject_ports);
    if (st == VPCFLOW_OK)
        st = view(a, q, &c->rsrc, g[T_REJ_SRCS], VF_REPORT_TOP, 0, 0, &r->reject_srcs);
    if (st == VPCFLOW_OK) {
        reject_totals(q, d, r->reject_ports);
        reject_totals(q, d, r->reject_srcs);
    }
    for (int t = 0; t < T_COUNT; t++)
        vf_agg_free(g[t]);
    return st;
}

static vpcflow_status keys(top_ctx *k, const char *list, const vf_network *n, size_t *size, vpcflow_error *err)
{
    memset(k, 0, sizeof *k);
    k->net = n;
    vpcflow_status st = vf_keys_parse(list, &k->keys, err);
    if (st == VPCFLOW_OK && vf_network_has_history(n)) /* as top does: an address per owner */
        vf_keys_with_owners(&k->keys);
    *size = k->keys.size;
    return st;
}

vpcflow_status vf_report_run(const char *const *paths, size_t npaths, const vpcflow_report_options *o, vf_report *r,
                             vpcflow_error *err)
{
    memset(r, 0, sizeof *r);
    r->paths = paths;
    r->npaths = npaths;
    r->bill = o->bill;
    r->free_tier = o->analysis.free_tier;
    snprintf(r->title, sizeof r->title, "%s", o->title && *o->title ? o->title : "vpcflow report");
    vpcflow_alert_rules *rules = NULL;
    vpcflow_status st = vpcflow_alert_rules_load(NULL, &rules, err);
    if (st != VPCFLOW_OK)
        return st;
    vf_analysis a;
    if ((st = vf_analysis_open(&a, paths, npaths, &o->analysis, err)) != VPCFLOW_OK) {
        vpcflow_alert_rules_free(rules);
        return st;
    }
    rep_ctx c;
    memset(&c, 0, sizeof c);
    c.net = a.net;
    c.size[T_SUMMARY] = vf_summary_key_size();
    c.size[T_REJ_CLASS] = 1;
    c.size[T_ADVISE] = vf_advise_key_size();
    if ((st = keys(&c.tl, "class", a.net, &c.size[T_TIMELINE], err)) == VPCFLOW_OK &&
        (st = keys(&c.az, "src-az,dst-az", a.net, &c.size[T_AZ], err)) == VPCFLOW_OK &&
        (st = keys(&c.ports, "dstport", a.net, &c.size[T_PORTS], err)) == VPCFLOW_OK)
        st = keys(&c.rsrc, "srcaddr", a.net, &c.size[T_REJ_SRCS], err);
    int64_t fine = o->every > 0 ? o->every : FINE_EVERY;
    c.tl.every = fine;
    c.size[T_TIMELINE] += 8;
    c.size[T_REJ_PORTS] = c.size[T_PORTS];
    for (int t = 1; t < T_COUNT; t++)
        c.key_size = VF_MAX(c.key_size, TAG_BYTES + c.size[t]);
    /* --memory: half for the groups, half for the alerts (a quarter merged, a quarter shared
     * by the workers); the workers' direct views come out of the groups' half when it holds
     * them four times over, else every view is emitted into the groups */
    size_t workers = a.opt.scan.threads ? a.opt.scan.threads : vf_cpu_count();
    rep_side side;
    memset(&side, 0, sizeof side);
    side.c = &c;
    side.eo.rules = rules;
    side.eo.net = a.net;
    side.eo.action = a.opt.action;
    side.eo.since = a.opt.since;
    side.eo.until = a.opt.until;
    side.eo.memory = a.memory_limit / 4 / workers;
    vf_engine_options total = side.eo;
    total.memory = a.memory_limit / 4;
    a.memory_limit /= 2;
    size_t direct_all = (workers + 1) * direct_bytes();
    side.use_direct = direct_all <= a.memory_limit / 4 && c.size[T_TIMELINE] == 12 && c.size[T_PORTS] == 4;
    if (side.use_direct)
        a.memory_limit -= direct_all;
    vf_query_result q;
    memset(&q, 0, sizeof q);
    if (st == VPCFLOW_OK &&
        (!(side.total = vf_alert_engine_new(&total)) || (side.use_direct && direct_init(&side.sum, &c, 0) < 0)))
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    if (st == VPCFLOW_OK) {
        vf_query_also also = {worker_open, worker_record, worker_close, &side, group_kept};
        vf_query_spec spec = {c.key_size, group_all, &c, 0, VF_RANK_BYTES, NULL, NULL, &also};
        st = vf_query_run(&a, &spec, &q, err);
        if (st == VPCFLOW_OK && side.failed)
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    if (st == VPCFLOW_OK) {
        vf_analysis_notes(&a, q.outcome);
        int64_t every = o->every > 0 ? o->every : choose_every(&q.stats);
        if (views(r, &a, &q, &c, side.use_direct ? &side.sum : NULL, every) != VPCFLOW_OK)
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    if (st == VPCFLOW_OK && (st = vf_alert_engine_finish(side.total, &r->alerts, err)) == VPCFLOW_OK) {
        r->alerts->stats = q.stats;
        r->alerts->evicted = vf_alert_engine_evicted(side.total);
    }
    vf_query_result_free(&q);
    vf_alert_engine_free(side.total);
    direct_free(&side.sum);
    vf_analysis_close(&a);
    vpcflow_alert_rules_free(rules);
    if (st != VPCFLOW_OK)
        vf_report_free(r);
    return st;
}

void vf_report_free(vf_report *r)
{
    vpcflow_summary_free(r->summary);
    vpcflow_advice_free(r->advice);
    vpcflow_rows_free(r->timeline);
    vpcflow_rows_free(r->az);
    vpcflow_rows_free(r->ports);
    vpcflow_rows_free(r->reject_ports);
    vpcflow_rows_free(r->reject_srcs);
    vpcflow_alerts_free(r->alerts);
    memset(r, 0, sizeof *r);
}

vpcflow_status vpcflow_report_html(const char *const *paths, size_t npaths, const vpcflow_report_options *options,
                                   FILE *out, vpcflow_scan_stats *stats, vpcflow_error *err)
{
    vpcflow_report_options o;
    memset(&o, 0, sizeof o);
    memcpy(&o, options, VF_MIN(options->size ? options->size : sizeof o, sizeof o));
    vf_report r;
    vpcflow_status st = vf_report_run(paths, npaths, &o, &r, err);
    if (stats)
        *stats = st == VPCFLOW_OK ? r.summary->stats : (vpcflow_scan_stats){0};
    if (st != VPCFLOW_OK)
        return st;
    if (vf_report_html(&r, out) < 0)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "cannot write the report");
    vf_report_free(&r);
    return st;
}
