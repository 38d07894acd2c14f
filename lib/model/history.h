/* history.h — who owned an address when: ownership history from CloudTrail events and AWS
 * Config configuration items (docs/ownership.md), kept as an interval map per address.
 *
 * The loaders (history_trail.c, history_config.c) turn each file into events: "ENI e has this
 * state" (created, or seen by Config), "address a joins / leaves e", "e is attached to /
 * detached from an instance", "e is deleted". vf_history_finish sorts every event by time and
 * replays them, which yields for each address the spans [from, to) in which one owner held it.
 * Then the history is read-only and safe to share between threads; lookups are lock-free and
 * allocation-free (the hot path calls them). */
#ifndef VF_HISTORY_H
#define VF_HISTORY_H

#include "base/internal.h"

#define VF_HIST_BEGIN INT64_MIN /* a span open to the past */
#define VF_HIST_END INT64_MAX   /* a span open to the future */

/* One owner of an address for a while: an ENI with the label it had then ("ec2 i-…" changes
 * when the ENI is attached to another instance). */
typedef struct vf_hist_owner {
    char eni[48];
    char label[128];
    char subnet[48];
    char az[32];           /* AZ name ("" when unknown) */
    char region[32];       /* the event's region */
    uint8_t kind;          /* vf_owner_kind */
    uint8_t nat_client_ok; /* may reach the internet through a NAT (not a gateway-like kind) */
    uint8_t has_public;
} vf_hist_owner;

typedef struct vf_hist_span {
    int64_t from, to; /* seconds since the epoch, [from, to) */
    uint32_t owner;   /* index into the owners */
    uint32_t pad;
} vf_hist_span;

typedef struct vf_history vf_history;

vf_history *vf_history_new(void);
void vf_history_free(vf_history *h);

/* Loads a file or a directory tree (walked in name order): CloudTrail log files as delivered
 * to S3 ({"Records": [...]}, gzip or not), `aws cloudtrail lookup-events` output
 * ({"Events": [{"CloudTrailEvent": "<JSON>"}]}), and AWS Config configuration items
 * (`aws configservice get-resource-config-history` output and the configuration history files
 * Config delivers to S3: {"configurationItems": [...]}). Errors name the file and, for JSON
 * syntax, line and column; for a bad event, the line where it starts and its index. */
vpcflow_status vf_history_load(vf_history *h, const char *path, vpcflow_error *err);
/* The same for one document in memory; `name` stands for the file in messages. */
vpcflow_status vf_history_load_buf(vf_history *h, const char *name, const char *data, size_t len, vpcflow_error *err);
/* Only events of this region count (others are counted in a note); NULL or "": every region. */
void vf_history_set_region(vf_history *h, const char *region);
/* Only ENIs of these VPCs count (the VPCs of --subnets / --enis): an ENI described in another
 * VPC (another account's, with the same addresses) is left out with all its events. Called
 * once per VPC; none: every VPC. */
int vf_history_allow_vpc(vf_history *h, const char *vpc);
/* Replays the events into spans. Nothing is usable before. */
vpcflow_status vf_history_finish(vf_history *h, vpcflow_error *err);

/* The owner (index) of a at time t, or -1 when no span covers t; *from and *to get the interval
 * around t in which the answer stays the same (a span, or the gap between two). */
int32_t vf_history_owner_at(const vf_history *h, vpcflow_addr a, int64_t t, int64_t *from, int64_t *to);
/* Every span of a, in time order: returns the count, *first the first. */
size_t vf_history_spans(const vf_history *h, vpcflow_addr a, const vf_hist_span **first);
/* Whether the history knows ENI id (any event), and when it existed: [*born, *died). */
int vf_history_eni_life(const vf_history *h, const char *id, int64_t *born, int64_t *died);

size_t vf_history_owner_count(const vf_history *h);
const vf_hist_owner *vf_history_owner(const vf_history *h, size_t i);
size_t vf_history_event_count(const vf_history *h);
size_t vf_history_address_count(const vf_history *h);
/* Facts worth telling: events of other regions ignored, an address taken over without a
 * release, events that name unknown ENIs. One per line; "" when none. */
const char *vf_history_notes(const vf_history *h);

/* ---- shared by the loaders ---------------------------------------------------------------- */

typedef enum vf_hist_op {
    VF_HEV_STATE,     /* the ENI is as described (create or snapshot): addrs replace its set */
    VF_HEV_ADD,       /* addr joins the ENI */
    VF_HEV_DEL,       /* addr leaves the ENI */
    VF_HEV_DELETE,    /* the ENI is gone */
    VF_HEV_ATTACH,    /* attached to instance `ref` (attachment id in `ref2`) */
    VF_HEV_DETACH,    /* the attachment `ref2` (or of ENI eni) ends */
    VF_HEV_TERMINATE, /* instance `ref` terminated: its ENIs that go with it are deleted */
    VF_HEV_DROP_DESC, /* every ENI whose description contains `ref` is deleted (a load balancer
                         or NAT gateway deleted without its ENI events) */
    VF_HEV_ALLOC,     /* Elastic IP `addr` has allocation id `alloc` (owns nothing by itself) */
    VF_HEV_EIP_ADD,   /* an Elastic IP (addr, or by `alloc`) joins ENI eni, or the ENI of
                         instance `ref`; `ref2` is the association id */
    VF_HEV_EIP_DEL    /* the Elastic IP of association `ref2`, allocation `alloc` or addr leaves */
} vf_hist_op;

/* What an ENI is, as CloudTrail or Config describes it. */
typedef struct vf_hist_desc {
    char type[48];      /* InterfaceType */
    char desc[256];     /* Description */
    char requester[64]; /* RequesterId */
    char instance[48];  /* attached instance, "" when none */
    char subnet[48];
    char vpc[48];
    char az[32];
    int has_public;
} vf_hist_desc;

typedef struct vf_hist_event {
    int64_t t;
    vf_hist_op op;
    char eni[48];
    char ref[128];
    char ref2[48];
    char alloc[48]; /* an Elastic IP's allocation id */
    int has_addr;   /* EIP_ADD / EIP_DEL: addr is set */
    char region[32];
    vpcflow_addr addr;
    const vf_hist_desc *desc;  /* STATE */
    const vpcflow_addr *addrs; /* STATE: its addresses */
    size_t naddrs;
    int keep_on_terminate; /* ATTACH: deleteOnTermination was false */
    const char *file;      /* for messages */
    size_t index;          /* the event's index in its file */
} vf_hist_event;

/* A blank event of op about ENI eni, at time t in region, from element index of file. */
void vf_hist_event_init(vf_hist_event *ev, vf_hist_op op, const char *eni, int64_t t, const char *region,
                        const char *file, size_t index);
/* Appends an event (desc and addrs are copied). */
vpcflow_status vf_history_add(vf_history *h, const vf_hist_event *ev, vpcflow_error *err);
/* Drops the events added after the first n (a file that failed to load). */
void vf_history_truncate(vf_history *h, size_t n);
/* Parses "2026-11-03T10:00:00Z", "…T10:00:00.123Z", "…+00:00" or a number of seconds (or
 * milliseconds above 10^11) into seconds since the epoch; -1 when it is none of these. */
int vf_history_time(const char *s, int64_t *out);

struct json_t;
/* The loaders: one parsed document each (kind already told by its top-level key). */
vpcflow_status vf_history_trail_record(vf_history *h, const char *file, size_t index, const struct json_t *rec,
                                       vpcflow_error *err);
vpcflow_status vf_history_config_item(vf_history *h, const char *file, size_t index, const struct json_t *item,
                                      vpcflow_error *err);

#endif
