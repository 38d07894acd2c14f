/* analysis.h — what summary, top and timeline share: building the network from the topology
 * inputs, learning it from the logs when --enis is missing (reading stdin once into a
 * temporary file so that it can be read twice), and the record filters (--action, --since). */
#ifndef VF_ANALYSIS_H
#define VF_ANALYSIS_H

#include "model/network.h"

/* The inputs a scan could not read, or not wholly: entries "input\0message\0", in input order. */
typedef struct vf_failed {
    char *text;
    size_t len, n, cap;
} vf_failed;

typedef struct vf_analysis {
    vpcflow_analysis_options opt;
    /* the caller's diag (the scan's goes through the analysis, which keeps the failed inputs) */
    void (*diag)(void *ctx, const vpcflow_diag *d);
    void *diag_ctx;
    vf_failed failed;
    vf_network *net;
    const char **paths; /* inputs, with "-" replaced by the spool file when needed */
    size_t npaths;
    char *spool; /* temporary copy of stdin, removed by close */
    size_t memory_limit;
} vf_analysis;

/* The network (topology, prices, history) of the options alone, without reading any log. */
vpcflow_status vf_analysis_network(const vpcflow_analysis_options *o, vf_network **out, vpcflow_error *err);
vpcflow_status vf_analysis_open(vf_analysis *a, const char *const *paths, size_t n, const vpcflow_analysis_options *o,
                                vpcflow_error *err);
void vf_analysis_close(vf_analysis *a);
/* An error (err filled: call it only after a failure) about the temporary copy of stdin names
 * "-", the input the user gave. */
void vf_analysis_name_stdin(const vf_analysis *a, vpcflow_error *err);
/* Hands the list of failed inputs over (the analysis keeps none). */
static inline vf_failed vf_analysis_take_failed(vf_analysis *a)
{
    vf_failed f = a->failed;
    a->failed = (vf_failed){0};
    return f;
}
/* The --action and --since/--until filters. */
static inline int vf_analysis_wants(const vf_analysis *a, const vpcflow_record *r)
{
    if (a->opt.action && (!(r->present & VPCFLOW_BIT(VPCFLOW_F_ACTION)) || r->action != a->opt.action))
        return 0;
    if (a->opt.since && r->end && r->end <= a->opt.since)
        return 0;
    if (a->opt.until && r->start >= a->opt.until)
        return 0;
    return 1;
}
/* Notes for the user about the inputs (what would sharpen the answer), after the scan. */
void vf_analysis_notes(vf_analysis *a, const vf_outcome *o);

#endif
