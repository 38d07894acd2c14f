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

/* The biggest single cost driver, as facts: out/ words them (the table's "Biggest cost driver"
 * line, the JSON's "cost_driver"). */
enum { VF_DRIVER_NONE, VF_DRIVER_PAIR, VF_DRIVER_NAT };
typedef struct vf_driver {
    int kind;               /* VF_DRIVER_NONE: nothing in the logs costs money */
    vpcflow_addr addr;      /* the sender (PAIR) or the NAT gateway (NAT) */
    char label[128];        /* its owner label */
    uint64_t bytes;         /* what it sent in its class (PAIR), what it processed (NAT) */
    unsigned __int128 cost; /* exact numerator */
    /* PAIR: the sender's class and its destinations (those in one AZ for cross-AZ) */
    vpcflow_class cls;
    size_t ndst;
    vpcflow_addr dst; /* the last one, and its owner label: the destination when ndst is 1 */
    char dst_label[128];
    char dst_kind[128]; /* the first word of the destinations' labels ("ec2", "rds") */
    int dst_mixed;      /* the destinations are not all of one kind */
    char dst_az[64];    /* their AZ (cross-AZ), or "" */
    /* NAT: what its traffic was mostly with */
    int has_peer;
    char peer[160]; /* "aws S3 us-east-1", "the internet", an owner label */
    uint64_t peer_bytes;
} vf_driver;

struct vpcflow_summary {
    vpcflow_scan_stats stats;
    uint64_t bytes_unique;
    vf_metrics cls[VPCFLOW_CLASS_COUNT];
    unsigned __int128 cls_cost[VPCFLOW_CLASS_COUNT];
    vf_months inet;
    uint64_t nat_bytes;
    unsigned __int128 nat_cost, total_cost;
    vf_talker_list senders[VF_TALK_COUNT], receivers[VF_TALK_COUNT];
    vf_driver driver;
    char *notes;      /* lines for the user */
    vf_failed failed; /* inputs not read, or not wholly */
    int approx;       /* talker tables overflowed the memory limit */
    int oom;          /* a talker or driver table could not be allocated: the run fails */
    uint64_t approx_error;
    char inputs[256];            /* which topology inputs were given */
    const vf_prices *prices_src; /* for the reconcile lines */
    vf_prices prices;
};

/* ---- the pieces of a summary run, for a report that runs it with other groupings in one scan */

/* The summary's grouping function (a vf_emit_fn caller, see query.h; ctx is the network) and
 * the size of its keys. */
#include "query/query.h"
void vf_summary_group(void *ctx, const vpcflow_record *r, const vf_flow *f, vf_emit_fn emit, void *sink);
size_t vf_summary_key_size(void);
/* Fills s from a query run whose groups are the summary's keys (notes: call vf_analysis_notes
 * once before). Takes the analysis's list of failed inputs. */
vpcflow_status vf_summary_fill(vpcflow_summary *s, vf_analysis *a, const vf_query_result *q);

/* A NAT gateway: the bytes it processed (what it charges for) and who its traffic was with. */
#define VF_NAT_PEERS 3
typedef struct vf_nat_use {
    vpcflow_addr addr;
    char label[128];
    uint64_t bytes;
    unsigned __int128 cost; /* exact numerator at the NAT rate */
    size_t npeers;
    struct {
        char label[160]; /* "aws S3 us-east-1", "the internet", an owner label */
        uint64_t bytes;
    } peer[VF_NAT_PEERS];
} vf_nat_use;
/* The NAT gateways in a summary run's groups (pairs), most bytes first, at most max (out has
 * room for max). Returns how many; *oom set when out of memory. */
size_t vf_summary_nats(const vf_agg *pairs, const vf_network *n, vf_nat_use *out, size_t max, int *oom);

#endif
