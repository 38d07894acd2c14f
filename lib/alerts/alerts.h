/* alerts.h — security alerts over flow logs: the rules (built-in and user-defined), the engine
 * that counts behaviour per key in event-time windows, and the batch and streaming runs.
 *
 * Shared by the library's alerts_*.c files only; the API is in vpcflow.h. docs/alerts.md is the
 * specification. */
#ifndef VF_ALERTS_H
#define VF_ALERTS_H

#include "vpcflow.h"

#include <signal.h>

/* The public API (vpcflow_alert_rules_*, vpcflow_alert*, vpcflow_alerts_*, vpcflow_watch_*) is in
 * vpcflow.h. */

/* ---- internal ------------------------------------------------------------------------ */

#include "query/keys.h"
#include "base/text.h"

enum { VF_RULE_INTERNAL_REJECT, VF_RULE_PORT_SCAN, VF_RULE_SENSITIVE_PORT, VF_RULE_EGRESS_SPIKE, VF_RULE_CUSTOM };
enum { VF_SEV_LOW = 1, VF_SEV_MEDIUM, VF_SEV_HIGH };

#define VF_ALERT_MAX_RULES 64
#define VF_ALERT_MAX_EXAMPLES 10
#define VF_ALERT_MAX_KEY (VF_MAX_KEYS * VF_KEY_TEXT)
/* Distinct ports and hosts are counted up to this many per window. */
#define VF_ALERT_SET_CAP 4096

typedef struct vf_rule {
    int kind;
    char name[64];
    int enabled;
    int severity;
    int64_t window;                /* seconds, even: windows start every window / 2 */
    uint64_t min_records;          /* internal-reject, sensitive-port-accepted, user rules (0: not used) */
    uint64_t min_bytes;            /* egress-spike floor; user rules (0: not used) */
    uint32_t min_ports, min_hosts; /* port-scan (0: not used) */
    uint64_t factor_milli;         /* egress-spike: the factor over the baseline, in thousandths */
    int64_t min_history;           /* egress-spike: seconds of data before a baseline counts */
    uint16_t *ports;               /* sensitive-port-accepted: the ports, sorted */
    size_t nports;
    uint8_t port_bits[65536 / 8];
    char *pattern; /* user rules */
    vpcflow_filter *filter;
    char group_by[256];
    vf_keys keys;
    size_t key_size; /* bytes of this rule's key */
} vf_rule;

struct vpcflow_alert_rules {
    vf_rule *rule;
    size_t n;
    unsigned examples; /* example lines per alert */
};

const char *vf_severity_name(int severity);

/* A set of distinct nonzero values (alerts_sets.c). */
typedef struct vf_vset {
    uint32_t n, cap; /* cap 0: up to two values inline */
    union {
        uint64_t inl[2];
        uint64_t *v;
    } u;
} vf_vset;
/* Adds x (nonzero); the set stops growing at VF_ALERT_SET_CAP. -1 when out of memory. */
int vf_vset_add(vf_vset *s, uint64_t x);
int vf_vset_merge(vf_vset *into, const vf_vset *from);
/* |a ∪ b|, at most VF_ALERT_SET_CAP */
uint64_t vf_vset_union_size(const vf_vset *a, const vf_vset *b);
void vf_vset_free(vf_vset *s);

/* The engine: per-key counts in panes of half a window; one per worker thread in batch
 * runs (merged at the end), one for a stream. */
typedef struct vf_alert_engine vf_alert_engine;
typedef int (*vf_alert_fn)(void *ctx, const vpcflow_alert *a);

typedef struct vf_engine_options {
    const vpcflow_alert_rules *rules;
    const vf_network *net;
    int streaming;        /* fire as thresholds are crossed, evict old state */
    int action;           /* 0, or only records with this action */
    int64_t since, until; /* 0: no bound */
    size_t max_keys;      /* streaming */
    int64_t lateness;     /* streaming */
    vf_alert_fn fire;     /* streaming */
    void *ctx;
    size_t memory; /* bytes of state at most (0: no bound); beyond, the least recently seen keys go */
} vf_engine_options;

vf_alert_engine *vf_alert_engine_new(const vf_engine_options *o);
void vf_alert_engine_free(vf_alert_engine *e);
/* Counts one record; order1/order2 rank it for the choice of examples (input order).
 * Returns 0, -1 when out of memory, 1 when the alert callback asked to stop. */
int vf_alert_engine_record(vf_alert_engine *e, const vpcflow_record *rec, uint64_t order1, uint64_t order2);
/* The same for a record already classified (traffic and f: what vf_flow_eval gave for it, on
 * the same network), so that a run that classifies records for other reasons does it once. */
int vf_alert_engine_record_flow(vf_alert_engine *e, const vpcflow_record *rec, int traffic, const vf_flow *f,
                                uint64_t order1, uint64_t order2);
/* Adds every count of from into into (batch); from is left empty. */
int vf_alert_engine_merge(vf_alert_engine *into, vf_alert_engine *from);
/* Batch: the alerts of the merged counts, sorted. */
vpcflow_status vf_alert_engine_finish(vf_alert_engine *e, vpcflow_alerts **out, vpcflow_error *err);
uint64_t vf_alert_engine_fired(const vf_alert_engine *e, size_t rule);
void vf_alert_engine_stats(const vf_alert_engine *e, vpcflow_watch_summary *s);
/* Keys forgotten to stay within o->memory. */
uint64_t vf_alert_engine_evicted(const vf_alert_engine *e);

/* An alert with the storage of its strings (alerts_out.c). */
typedef struct vf_alert_item {
    vpcflow_alert a;
    char *strings;
    const char **examples;
} vf_alert_item;

struct vpcflow_alerts {
    vf_alert_item *item;
    size_t n, cap;
    vpcflow_scan_stats stats;
    uint64_t evicted; /* keys forgotten to stay within --memory */
};

/* Sorts by first_seen, rule, key, window (the batch order). */
void vf_alerts_sort(vpcflow_alerts *list);
void vf_alert_item_free(vf_alert_item *it);
/* Appends an item (taking its storage); -1 when out of memory (the item is freed). */
int vf_alerts_push(vpcflow_alerts *list, vf_alert_item *it);

/* The key of rule r as a JSON object and as text, and the owner label of its address. */
void vf_alert_render_key(const vf_network *n, const vf_rule *r, const unsigned char *key, vf_text *json, vf_text *text,
                         char *owner, size_t ocap);

#endif
