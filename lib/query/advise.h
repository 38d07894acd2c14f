/* advise.h — the result of `vpcflow advise` (advise.c computes it; out/advise_out.c and
 * report/advise_html.c write it): changes to the network ranked by the dollars they save. */
#ifndef VF_ADVISE_H
#define VF_ADVISE_H

#include "query/analysis.h"
#include "model/prices.h"

/* The kinds of action (docs/advise.md); their names are the JSON's "kind". */
typedef enum vf_action_kind {
    VF_ACT_GATEWAY_ENDPOINT,   /* NAT traffic to S3 or DynamoDB in the region */
    VF_ACT_INTERFACE_ENDPOINT, /* NAT traffic to another AWS service in the region */
    VF_ACT_NAT_PER_AZ,         /* instances reaching a NAT gateway in another AZ */
    VF_ACT_CROSS_AZ,           /* a chatty cross-AZ owner and its peers */
    VF_ACT_INTER_REGION,       /* inter-region egress to one region */
    VF_ACT_INTERNET,           /* internet egress: the top destinations */
    VF_ACT_INPUTS,             /* an input that would make the advice exact */
    VF_ACT_COUNT
} vf_action_kind;

const char *vf_action_kind_name(int kind);

#define VF_ACTION_OWNERS 8
#define VF_ACTIONS_MAX 64

/* Dollars are exact numerators, as everywhere (USD = numerator / (2^30 x 10^12)). */
typedef struct vf_action {
    int kind;
    char change[400];
    uint64_t bytes, flows;          /* the evidence: what the saving rests on */
    unsigned __int128 saving;       /* over the observed window */
    unsigned __int128 saving_month; /* per 30-day month: saving x 30 days / window */
    unsigned __int128 cost_month;   /* hourly resources x 720 h */
    unsigned __int128 net_month;    /* saving_month - cost_month (> 0 for a proposed action) */
    int cost_unknown;               /* a price the table does not have (net is before it) */
    int estimate;                   /* the saving depends on a share the logs cannot tell */
    size_t nowners;
    char owners[VF_ACTION_OWNERS][160];
    char caveats[600]; /* sentences, one per line */
} vf_action;

struct vpcflow_advice {
    vpcflow_scan_stats stats;
    int64_t window;  /* seconds observed: last_end - first_start */
    size_t nranked;  /* v[0..nranked): proposed, best net first; then kind INPUTS */
    size_t n;        /* all of v */
    size_t declined; /* actions left out: their net was not positive */
    vf_action v[VF_ACTIONS_MAX];
    uint64_t egress_gb_month;
    uint64_t min_net_micro_usd;
    vf_prices prices;
    char region[32]; /* the home region */
    char *notes;
    vf_failed failed;
    int oom;
};

/* ---- the pieces of an advise run, for a report that runs it with other groupings in one scan */
#include "query/query.h"
/* The grouping function (a vf_emit_fn caller, see query.h; ctx is the network) and the size of
 * its keys. */
void vf_advise_group(void *ctx, const vpcflow_record *r, const vf_flow *f, vf_emit_fn emit, void *sink);
size_t vf_advise_key_size(void);
/* Fills adv (zeroed, with egress_gb_month and min_net_micro_usd set) from a query run whose
 * groups are advise's keys (notes: call vf_analysis_notes once before). Takes the analysis's
 * list of failed inputs. */
vpcflow_status vf_advise_fill(vpcflow_advice *adv, vf_analysis *a, const vf_query_result *q);

/* Per 30-day month of a numerator observed over window seconds. */
unsigned __int128 vf_per_month(unsigned __int128 v, int64_t window);

#endif
