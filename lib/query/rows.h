/* rows.h — the result of top and timeline: rows already rendered to text (so the result
 * outlives the network it was computed from), with their metrics and the total. */
#ifndef VF_ROWS_H
#define VF_ROWS_H

#include "query/keys.h"
#include "query/query.h"

typedef struct vf_row {
    char **text;    /* nkeys strings */
    char **owner;   /* nkeys * 2 owner labels of address keys (NULL where none) */
    int64_t bucket; /* timeline: bucket start */
    uint64_t bytes, packets, flows;
    unsigned __int128 cost;
    uint64_t err;
} vf_row;

struct vpcflow_rows {
    int timeline;
    int64_t every;
    size_t nkeys;
    char names[VF_MAX_KEYS][64];
    int number[VF_MAX_KEYS]; /* prints as a JSON number */
    int pair[VF_MAX_KEYS];   /* a pair key: two owner labels */
    char metric[16];
    size_t n;
    vf_row *rows;
    uint64_t total_bytes, total_packets, total_flows;
    unsigned __int128 total_cost;
    /* top --by class over every class: the NAT processing charge, which is no class (a byte
     * through a NAT gateway is in its class and is processed too), so that the table can say
     * why summary's TOTAL is higher; 0 otherwise */
    uint64_t nat_bytes;
    unsigned __int128 nat_cost;
    int approx;
    uint64_t error_bound;
    vpcflow_scan_stats stats;
    char *notes;
    vf_failed failed; /* inputs not read, or not wholly */
};

vpcflow_rows *vf_rows_new(void);
/* --metric and --class values. */
vpcflow_status vf_parse_metric(const char *m, vf_rank *rank, char *name, size_t cap, vpcflow_error *err);
vpcflow_status vf_parse_classes(const char *list, uint32_t *mask, vpcflow_error *err);

/* What top and timeline pass to vf_rows_run. */
typedef struct top_ctx {
    vf_keys keys;
    const vf_network *net;
    int64_t every; /* timeline: bucket length; 0 for top */
} top_ctx;
typedef void (*vf_group_fn)(void *ctx, const vpcflow_record *rec, const vf_flow *f, vf_emit_fn emit, void *sink);
vpcflow_status vf_rows_run(const char *const *paths, size_t npaths, const vpcflow_query_options *options, int timeline,
                           vf_group_fn group, vpcflow_rows **out, vpcflow_error *err);

/* The grouping functions of top and timeline (ctx: a top_ctx). */
void vf_top_group(void *ctx, const vpcflow_record *rec, const vf_flow *f, vf_emit_fn emit, void *sink);
void vf_timeline_group(void *ctx, const vpcflow_record *rec, const vf_flow *f, vf_emit_fn emit, void *sink);
/* The buckets of width `every` that a record's [start, end) overlaps, each with the record's
 * share in proportion to the overlap (integer parts that add up exactly to the whole; the
 * flow counts in its first bucket); a record spanning over 4096 buckets stays whole in its
 * first. vf_timeline_group emits these under its keys. */
typedef void (*vf_piece_fn)(void *ctx, int64_t bucket, const vf_metrics *m);
void vf_timeline_pieces(const vpcflow_record *rec, const vf_flow *f, int64_t every, vf_piece_fn fn, void *ctx);
/* Fills r (timeline and every set by the caller) from a query run whose groups are c's keys
 * (with the 8-byte bucket first when c->every): the first `limit` rows (0: all) in the order of
 * rank, totals over the classes of mask (0: all). Notes: call vf_analysis_notes once before. */
vpcflow_status vf_rows_fill(vpcflow_rows *r, const top_ctx *c, const vf_query_result *q, vf_rank rank, size_t limit,
                            uint32_t mask, vf_analysis *a);

/* Column headers: "dstaddr_owner", or for a pair "src_owner"/"dst_owner". */
void vf_rows_owner_name(const vpcflow_rows *r, size_t k, int second, char *buf, size_t cap);
/* "2026-11-01T10:00:00Z" */
void vf_rows_time(int64_t t, char *buf, size_t cap);

/* Metric of a row by name, for shares. */
uint64_t vf_row_metric(const vpcflow_rows *r, const vf_row *row);
uint64_t vf_rows_total_metric(const vpcflow_rows *r);

#endif
