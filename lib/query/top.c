/* top.c — `vpcflow top`: traffic grouped by any keys, ranked by bytes, packets, flows or cost,
 * with owner labels for addresses and each row's share of the total; and the run both top
 * and timeline share (vf_rows_run). */
#include "query/rows.h"

#include "query/query.h"

#include <stdlib.h>
#include <string.h>

void vf_top_group(void *ctx, const vpcflow_record *r, const vf_flow *f, vf_emit_fn emit, void *sink)
{
    top_ctx *c = ctx;
    unsigned char buf[2 * VF_MAX_KEYS * 64];
    size_t n = vf_keys_build(&c->keys, c->net, r, f, buf);
    for (size_t i = 0; i < n; i++)
        emit(sink, buf + i * c->keys.size, &f->m);
}

static int where_match(const void *w, const vpcflow_record *r)
{
    return vpcflow_filter_match(w, r);
}

vpcflow_status vf_parse_metric(const char *m, vf_rank *rank, char *name, size_t cap, vpcflow_error *err)
{
    static const char *names[] = {"bytes", "packets", "flows", "cost"};
    const char *want = m && *m ? m : "bytes";
    for (int i = 0; i < 4; i++)
        if (strcmp(want, names[i]) == 0) {
            *rank = (vf_rank)i;
            snprintf(name, cap, "%s", names[i]);
            return VPCFLOW_OK;
        }
    return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "--metric takes bytes, packets, flows or cost, not '%s'", m);
}

vpcflow_status vf_parse_classes(const char *list, uint32_t *mask, vpcflow_error *err)
{
    *mask = 0;
    if (!list)
        return VPCFLOW_OK;
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        int c = vpcflow_class_lookup(p, len);
        if (c < 0)
            return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0,
                            "unknown class '%.*s': use same-az, cross-az, inter-region, aws-same-region, "
                            "internet-out, internet-in, internal-unknown or unknown",
                            (int)len, p);
        *mask |= 1u << c;
        p = e ? e + 1 : p + len;
    }
    return VPCFLOW_OK;
}

/* ---- ordering and rendering ------------------------------------------------------------ */

/* A group with its ranking value computed once (cost needs a division per group). */
typedef struct ranked {
    unsigned __int128 v;
    int64_t bucket;
    size_t i;
} ranked;

typedef struct order_ctx {
    const vf_agg *groups;
    size_t key_size;
} order_ctx;

static unsigned __int128 value(const vf_query_result *q, vf_rank rank, size_t i)
{
    const vf_metrics *m = vf_agg_metrics(q->groups, i);
    switch (rank) {
    case VF_RANK_PACKETS:
        return m->packets;
    case VF_RANK_FLOWS:
        return m->flows;
    case VF_RANK_COST:
        return vf_query_cost(q, m);
    default:
        return m->bytes;
    }
}

/* Order of output: time first (timeline), then the metric, largest first, then the key. */
static int cmp_ranked(const void *a, const void *b, void *ctx)
{
    const ranked *x = a, *y = b;
    const order_ctx *o = ctx;
    if (x->bucket != y->bucket)
        return x->bucket < y->bucket ? -1 : 1;
    if (x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return memcmp(vf_agg_key(o->groups, x->i), vf_agg_key(o->groups, y->i), o->key_size);
}

static char *dup_text(const char *s)
{
    return vf_strndup(s, strlen(s));
}

/* Renders group g into row: key texts, owner labels of address keys, metrics. */
static int render_row(vpcflow_rows *r, const top_ctx *c, const vf_query_result *q, size_t g, vf_row *row,
                      size_t key_offset)
{
    const unsigned char *key = (const unsigned char *)vf_agg_key(q->groups, g) + key_offset;
    const vf_metrics *m = vf_agg_metrics(q->groups, g);
    row->text = vf_calloc(r->nkeys ? r->nkeys : 1, sizeof *row->text);
    row->owner = vf_calloc(2 * (r->nkeys ? r->nkeys : 1), sizeof *row->owner);
    if (!row->text || !row->owner)
        return -1;
    for (size_t k = 0; k < r->nkeys; k++) {
        char buf[256];
        int num;
        vf_keys_text(&c->keys, c->net, k, key, buf, sizeof buf, &num);
        if (!(row->text[k] = dup_text(buf)))
            return -1;
        for (int second = 0; second < 2; second++) {
            vpcflow_addr a;
            if (!vf_keys_addr(&c->keys, k, key, &a, second))
                continue;
            int32_t owner;
            if (vf_keys_addr_owner(&c->keys, k, key, second, &owner)) { /* the owner of that time */
                vf_loc l;
                vf_locate_as(c->net, a, owner, &l);
                vf_loc_label(c->net, &l, buf, sizeof buf);
            } else
                vf_owner_label(c->net, a, buf, sizeof buf);
            if (!(row->owner[2 * k + (size_t)second] = dup_text(buf)))
                return -1;
        }
    }
    row->bytes = m->bytes;
    row->packets = m->packets;
    row->flows = m->flows;
    row->cost = vf_query_cost(q, m);
    row->err = vf_agg_error(q->groups, g);
    if (key_offset)
        memcpy(&row->bucket, vf_agg_key(q->groups, g), 8);
    return 0;
}

static void set_totals(vpcflow_rows *r, const vf_query_result *q, uint32_t mask)
{
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++) {
        if (mask && !(mask & (1u << c)))
            continue;
        r->total_bytes = vf_sat_add(r->total_bytes, q->cls[c].bytes);
        r->total_packets = vf_sat_add(r->total_packets, q->cls[c].packets);
        r->total_flows = vf_sat_add(r->total_flows, q->cls[c].flows);
        r->total_cost += q->cls_cost[c];
    }
}

vpcflow_status vf_rows_fill(vpcflow_rows *r, const top_ctx *c, const vf_query_result *q, vf_rank rank, size_t limit,
                            uint32_t mask, vf_analysis *a)
{
    size_t count = vf_agg_count(q->groups);
    ranked *idx = malloc((count ? count : 1) * sizeof *idx);
    if (!idx)
        return VPCFLOW_ERR_IO;
    for (size_t i = 0; i < count; i++) {
        idx[i].i = i;
        idx[i].v = value(q, rank, i);
        idx[i].bucket = 0;
        if (c->every)
            memcpy(&idx[i].bucket, vf_agg_key(q->groups, i), 8);
    }
    order_ctx o = {q->groups, c->keys.size + (c->every ? 8 : 0)};
    size_t n = vf_select_sorted(idx, count, sizeof *idx, limit, cmp_ranked, &o);
    r->rows = vf_calloc(n ? n : 1, sizeof *r->rows);
    if (!r->rows) {
        free(idx);
        return VPCFLOW_ERR_IO;
    }
    r->nkeys = c->keys.n;
    for (size_t k = 0; k < r->nkeys; k++) {
        snprintf(r->names[k], sizeof r->names[k], "%s", c->keys.part[k].name);
        vf_key_kind kind = c->keys.part[k].kind;
        r->number[k] = kind == VF_K_SRCPORT || kind == VF_K_DSTPORT || kind == VF_K_PORT || kind == VF_K_TCP_FLAGS;
        r->pair[k] = kind == VF_K_PAIR;
    }
    for (size_t i = 0; i < n; i++) {
        r->n = i + 1;
        if (render_row(r, c, q, idx[i].i, &r->rows[i], c->every ? 8 : 0) < 0) {
            free(idx);
            return VPCFLOW_ERR_IO;
        }
    }
    free(idx);
    r->stats = q->stats;
    r->approx = vf_agg_approx(q->groups);
    r->error_bound = vf_agg_error_bound(q->groups);
    set_totals(r, q, mask);
    if (!c->every && !mask && c->keys.n == 1 && c->keys.part[0].kind == VF_K_CLASS) {
        r->nat_bytes = q->nat_bytes;
        r->nat_cost = q->nat_cost;
    }
    const char *notes = vf_network_notes(a->net);
    r->notes = vf_strndup(notes, strlen(notes));
    r->failed = vf_analysis_take_failed(a);
    return r->notes ? VPCFLOW_OK : VPCFLOW_ERR_IO;
}

/* ---- the run ---------------------------------------------------------------------------- */

vpcflow_status vf_rows_run(const char *const *paths, size_t npaths, const vpcflow_query_options *options, int timeline,
                           vf_group_fn group, vpcflow_rows **out, vpcflow_error *err)
{
    vpcflow_query_options o;
    memset(&o, 0, sizeof o);
    memcpy(&o, options, VF_MIN(options->size ? options->size : sizeof o, sizeof o));
    top_ctx c;
    memset(&c, 0, sizeof c);
    c.every = timeline ? (o.every > 0 ? o.every : 3600) : 0;
    vf_rank rank;
    uint32_t mask;
    char metric[16];
    vpcflow_status st = VPCFLOW_OK;
    if (o.by && *o.by)
        st = vf_keys_parse(o.by, &c.keys, err);
    else if (!timeline)
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "top needs --by KEY: use %s", vf_key_names);
    if (st == VPCFLOW_OK)
        st = vf_parse_metric(o.metric, &rank, metric, sizeof metric, err);
    if (st == VPCFLOW_OK)
        st = vf_parse_classes(o.classes, &mask, err);
    if (st != VPCFLOW_OK)
        return st;
    vpcflow_filter *where = NULL;
    if (o.where && (st = vpcflow_filter_compile(o.where, &where, err)) != VPCFLOW_OK) {
        if (err)
            snprintf(err->file, sizeof err->file, "--where");
        return st;
    }
    vf_analysis a;
    st = vf_analysis_open(&a, paths, npaths, &o.analysis, err);
    if (st != VPCFLOW_OK) {
        vpcflow_filter_free(where);
        return st;
    }
    c.net = a.net;
    if (vf_network_has_history(a.net))
        vf_keys_with_owners(&c.keys);
    vf_query_spec spec = {c.keys.size + (timeline ? 8 : 0), group, &c,  mask, rank,
                          where ? where_match : NULL,       where, NULL};
    vf_query_result q;
    vpcflow_rows *r = vf_rows_new();
    if (!r)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    else
        st = vf_query_run(&a, &spec, &q, err);
    if (st == VPCFLOW_OK) {
        snprintf(r->metric, sizeof r->metric, "%s", metric);
        r->timeline = timeline;
        r->every = c.every;
        vf_analysis_notes(&a, q.outcome);
        if (vf_rows_fill(r, &c, &q, rank, timeline ? 0 : o.limit, mask, &a) != VPCFLOW_OK)
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        vf_query_result_free(&q);
    }
    vf_analysis_close(&a);
    vpcflow_filter_free(where);
    if (st != VPCFLOW_OK) {
        vpcflow_rows_free(r);
        return st;
    }
    *out = r;
    return VPCFLOW_OK;
}

vpcflow_status vpcflow_top_run(const char *const *paths, size_t npaths, const vpcflow_query_options *options,
                               vpcflow_rows **out, vpcflow_error *err)
{
    return vf_rows_run(paths, npaths, options, 0, vf_top_group, out, err);
}
