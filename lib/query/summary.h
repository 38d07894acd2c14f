/* summary.h — the result of `vpcflow summary`, shared by summary.c (computing it) and the
 * output writers (output_json.c, output_table.c). */
#ifndef VF_SUMMARY_H
#define VF_SUMMARY_H

#include "query/analysis.h"
#include "model/cost.h"

#define VF_TALKERS 5

typedef struct vf_talker {
    vpcflow_addr addr;
    uint64_t bytes, flows;
    unsigned __int128 cost; /* exact numerator, internet-out share included */
    char label[128];
} vf_talker;

typedef struct vf_talker_list {
    size_t n;
    vf_talker v[VF_TALKERS];
} vf_talker_list;

/* Which classes get talker lists: cross-az and internet-out (the two largest bills). */
enum { VF_TALK_CROSS_AZ, VF_TALK_INTERNET_OUT, VF_TALK_COUNT };

struct vpcflow_summary {
    vpcflow_scan_stats stats;
    uint64_t bytes_unique;
    vf_metrics cls[VPCFLOW_CLASS_COUNT];
    unsigned __int128 cls_cost[VPCFLOW_CLASS_COUNT];
    vf_months inet;
    uint64_t nat_bytes;
    unsigned __int128 nat_cost, total_cost;
    vf_talker_list senders[VF_TALK_COUNT], receivers[VF_TALK_COUNT];
    char driver[1024]; /* the biggest single cost driver, in words; "" when nothing costs */
    char *notes;       /* lines for the user */
    int approx;        /* talker tables overflowed the memory limit */
    int oom;           /* a talker or driver table could not be allocated: the run fails */
    uint64_t approx_error;
    char inputs[256];            /* which topology inputs were given */
    const vf_prices *prices_src; /* for the reconcile lines */
    vf_prices prices;
};

#endif
