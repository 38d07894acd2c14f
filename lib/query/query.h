/* query.h — the engine under summary, top and timeline: every record is classified and
 * de-duplicated (flow.c), filtered (--action, --since, --class, --where), and handed to a
 * grouping function that emits (key, metrics) pieces into a per-thread table. Records whose
 * fate is pending are kept aside with their condition and settled once every input is read.
 * Class totals, internet-out per month and NAT processing are kept by the engine itself. */
#ifndef VF_QUERY_H
#define VF_QUERY_H

#include "query/analysis.h"
#include "model/cost.h"

typedef void (*vf_emit_fn)(void *sink, const void *key, const vf_metrics *m);

typedef struct vf_query_spec {
    size_t key_size;
    /* Emits the group pieces of a counted hop: usually one (key, f->m); several to spread a
     * record over time buckets; none to count it in the totals only. */
    void (*group)(void *ctx, const vpcflow_record *rec, const vf_flow *f, vf_emit_fn emit, void *sink);
    void *ctx;
    uint32_t class_mask; /* bit per vpcflow_class to keep; 0: all */
    vf_rank rank;
    int (*where)(const void *wctx, const vpcflow_record *rec); /* NULL: every record */
    const void *wctx;
    /* Another consumer of the same scan (NULL: none): it gets every record the scan delivers,
     * before any filter, with its classification, in its own per-worker state, so that one
     * reading of the inputs feeds the groups and it together. */
    const struct vf_query_also *also;
} vf_query_spec;

typedef struct vf_query_also {
    void *(*open)(void *ctx, unsigned worker);
    /* traffic and f: what vf_flow_eval gave (f is unset when traffic is 0); nonzero stops */
    int (*record)(void *state, const vpcflow_record *rec, int traffic, const vf_flow *f);
    int (*close)(void *ctx, void *state); /* once per worker, one at a time: merge here */
    void *ctx;
    /* Optional (NULL: spec->group for every record): groups, instead of spec->group, each
     * record that reaches the groups with its fate settled (VF_KEEP), with the worker's own
     * state at hand, so that views with small keys can be summed in the worker's arrays and
     * only the rest emitted. Records whose fate is pending still go through spec->group. */
    void (*group_kept)(void *state, const vpcflow_record *rec, const vf_flow *f, vf_emit_fn emit, void *sink);
} vf_query_also;

typedef struct vf_query_result {
    vpcflow_scan_stats stats;
    vf_agg *groups; /* merged */
    vf_metrics cls[VPCFLOW_CLASS_COUNT];
    unsigned __int128 cls_cost[VPCFLOW_CLASS_COUNT];
    vf_months inet;
    uint64_t nat_bytes, unique;
    unsigned __int128 nat_cost, total_cost;
    vf_outcome *outcome;
} vf_query_result;

vpcflow_status vf_query_run(vf_analysis *a, const vf_query_spec *spec, vf_query_result *out, vpcflow_error *err);
void vf_query_result_free(vf_query_result *r);
/* Cost of a group: its exact numerator plus its share of the tiered internet-out charge. */
unsigned __int128 vf_query_cost(const vf_query_result *r, const vf_metrics *m);
/* Micro-dollars (rounded half up) of an exact numerator. */
uint64_t vf_micro_usd(unsigned __int128 numerator);

#endif
