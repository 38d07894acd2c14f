/* network.h — what vpcflow knows about the network while it classifies: the topology inputs,
 * the price table, and facts about every ENI (its own addresses, whether it is a NAT gateway,
 * its AZ and label), either from --enis or learned from the logs in a first pass
 * (discover.c). Read-only while records are classified, so worker threads share it freely.
 * docs/model.md is the specification of everything built on it. */
#ifndef VF_NETWORK_H
#define VF_NETWORK_H

#include "query/agg.h"
#include "model/prices.h"
#include "model/topology.h"

/* Facts about one ENI. */
typedef struct vf_eni_facts {
    char id[48];
    const vf_eni *topo; /* the --enis entry, or NULL */
    vpcflow_addr own4, own6;
    uint8_t has_own4, has_own6;
    uint8_t nat;        /* a NAT gateway */
    uint8_t nat_client; /* an ENI without a public address whose internet traffic goes via a NAT */
    uint8_t kind;       /* vf_owner_kind */
    uint16_t az_key, region_key;
    int32_t eni; /* facts index of the ENI itself: an ENI whose owner changed over time (--history)
                    has one entry per owner, all with the same eni */
    char label[128];
} vf_eni_facts;

typedef struct vf_network vf_network;

typedef struct vf_network_options {
    const char *const *subnets; /* --subnets files */
    size_t nsubnets;
    const char *const *enis; /* --enis files */
    size_t nenis;
    const char *const *ipranges;
    size_t nipranges;
    const char *const *topology;
    size_t ntopology;
    const char *prices; /* --prices file or NULL */
    const char *region; /* --region or NULL */
    int free_tier;
    int no_dedup;
    const char *const *history; /* --history: CloudTrail and AWS Config files or trees */
    size_t nhistory;
} vf_network_options;

vpcflow_status vf_network_new(const vf_network_options *o, vf_network **out, vpcflow_error *err);
void vf_network_free(vf_network *n);

/* Mode: with ENI facts from the inputs (--enis/--topology) records are classified in one pass
 * (conditions on "is that ENI logged" resolved at the end); without them, discover() must run
 * first over the same inputs to learn the facts. */
int vf_network_has_enis(const vf_network *n);
int vf_network_has_subnets(const vf_network *n);
int vf_network_has_ipranges(const vf_network *n);
vpcflow_status vf_network_discover(vf_network *n, const char *const *paths, size_t npaths,
                                   const vpcflow_scan_options *scan, vpcflow_error *err);

const vf_prices *vf_network_prices(const vf_network *n);
vf_topology *vf_network_topology(const vf_network *n);
int vf_network_free_tier(const vf_network *n);
size_t vf_network_eni_count(const vf_network *n);
const vf_eni_facts *vf_network_eni(const vf_network *n, size_t i);
/* Facts index of an ENI id, or -1. */
int32_t vf_network_eni_index(const vf_network *n, const char *id, size_t len);
/* Facts index of the ENI owning an address, or -1. */
int32_t vf_network_owner(const vf_network *n, vpcflow_addr a);
/* 1 when (client, peer) was seen on the inside leg of a NAT gateway (learned from v3+ pkt-*). */
int vf_network_nat_pair(const vf_network *n, vpcflow_addr client, vpcflow_addr peer);
/* Things the user should know (e.g. "ENIs in the logs that --enis does not list"), one per line. */
const char *vf_network_notes(const vf_network *n);
void vf_network_note(vf_network *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Count of ENIs seen in logs but not in --enis, and one example. */
uint64_t vf_network_unlisted_enis(const vf_network *n);
void vf_network_set_unlisted_enis(vf_network *n, uint64_t count);
/* 1 when the logs could show NAT gateways (v3+ pkt-* fields). */
int vf_network_nat_visible(const vf_network *n);

/* ---- the location of an address ------------------------------------------------------- */

enum { VF_LOC_NONE, VF_LOC_VPC, VF_LOC_PRIVATE, VF_LOC_AWS, VF_LOC_INTERNET };
/* Where the owner of an address came from. */
enum { VF_VIA_NONE, VF_VIA_HISTORY, VF_VIA_SNAPSHOT, VF_VIA_LOGS };

typedef struct vf_loc {
    uint8_t kind;
    uint8_t home;        /* AWS: in the home region (or GLOBAL) */
    uint16_t az_key;     /* VPC: the AZ, 0 unknown */
    uint16_t region_key; /* VPC/AWS: the region, 0 unknown */
    uint8_t via;         /* VF_VIA_*: where owner came from */
    int32_t owner;       /* facts index of the owning ENI (with its label then), or -1 */
    int32_t eni;         /* facts index of that ENI itself (see vf_eni_facts.eni), or -1 */
    const vf_aws_range *aws;
} vf_loc;

void vf_locate(const vf_network *n, vpcflow_addr a, vf_loc *out);
/* The same at time t (seconds): with --history the owner is the one of that time. *from and
 * *to get the interval around t in which the answer is the same (for caches). */
void vf_locate_at(const vf_network *n, vpcflow_addr a, int64_t t, vf_loc *out, int64_t *from, int64_t *to);
/* The location of a with a known owner (facts index, -1 for none): what vf_locate_at gave a
 * record, rebuilt from a group key that kept the owner. */
void vf_locate_as(const vf_network *n, vpcflow_addr a, int32_t owner, vf_loc *out);
/* 1 when owners come from an ownership history (--history). */
int vf_network_has_history(const vf_network *n);
const struct vf_history *vf_network_history(const vf_network *n);
/* Facts index of history owner i (vf_history_owner). */
int32_t vf_network_history_facts(const vf_network *n, size_t i);
vpcflow_class vf_class_of(const vf_network *n, const vf_loc *src, const vf_loc *dst);
/* Owner label of an address ("ec2 i-…", "rds", "aws S3 us-east-1", "internet", …). */
void vf_owner_label(const vf_network *n, vpcflow_addr a, char *buf, size_t cap);
/* The same for an address already located. */
void vf_loc_label(const vf_network *n, const vf_loc *l, char *buf, size_t cap);

/* ---- one record, classified ----------------------------------------------------------- */

/* A condition under which a record is dropped, decided once every input has been read. */
enum { VF_COND_NONE, VF_COND_ENI_LOGGED, VF_COND_NAT_PEER };
typedef struct vf_cond {
    uint32_t type;
    int32_t eni, eni2; /* ENI_LOGGED: dropped when eni (or eni2, if >= 0) is logged */
    uint32_t pad;
    vpcflow_addr peer; /* NAT_PEER: dropped when a logged NAT gateway talked to peer */
} vf_cond;

enum { VF_KEEP, VF_DROP, VF_PENDING };

typedef struct vf_flow {
    vf_loc src, dst;
    int32_t observer; /* facts index of interface-id, or -1 */
    vpcflow_class cls;
    uint8_t verdict;
    uint8_t nat_in;      /* bytes entering a NAT gateway: NAT processing */
    uint16_t month;      /* months since 1970-01 of start (internet-out tiers) */
    uint8_t nat_witness; /* a NAT gateway's row with an external peer (one-pass mode): the
                            peer is in nat_peer; it decides VF_COND_NAT_PEER conditions */
    vpcflow_addr nat_peer;
    vf_cond cond;
    vf_metrics m; /* bytes, packets, flows=1, cost numerator or inet_bytes */
} vf_flow;

/* Per-thread state of the classifier: caches, and what this thread saw that decides the
 * conditions (logged ENIs, peers of NAT gateways). */
typedef struct vf_flowctx vf_flowctx;
vf_flowctx *vf_flowctx_new(const vf_network *n);
/* Defers every condition to the end, even one this thread could already decide (what it saw
 * is not everything that will be loaded together: export keeps the condition as data). */
void vf_flowctx_defer(vf_flowctx *c);
void vf_flowctx_free(vf_flowctx *c);
/* Classifies rec. Returns 0 for records that carry no traffic (NODATA, SKIPDATA, no
 * addresses), 1 otherwise with *f filled. */
int vf_flow_eval(vf_flowctx *c, const vpcflow_record *rec, vf_flow *f);

/* What decides the conditions, merged over threads. */
typedef struct vf_outcome vf_outcome;
vf_outcome *vf_outcome_new(const vf_network *n);
void vf_outcome_free(vf_outcome *o);
int vf_outcome_merge(vf_outcome *o, const vf_flowctx *c);
/* 1 when a pending record with this condition is dropped. */
int vf_cond_drops(const vf_outcome *o, const vf_cond *cond);
/* Bytes of records' VPC ends whose owner came from VF_VIA_* via (both ends of a record count). */
uint64_t vf_outcome_via_bytes(const vf_outcome *o, int via);
/* 1 when the ENI (facts index) had records. */
int vf_outcome_logged(const vf_outcome *o, int32_t eni);
/* ENIs in the logs that the facts do not list (only with --enis); example gets the smallest. */
size_t vf_outcome_unknown_enis(const vf_outcome *o, char *example, size_t cap);

#endif
