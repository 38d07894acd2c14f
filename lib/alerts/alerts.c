/* alerts.c — the alert engine: which records each rule counts and under which key, per-key
 * counts in event-time panes, windows made of two panes, thresholds, merging worker states
 * (batch), and firing as thresholds are crossed with bounded state (streaming).
 *
 *   time ──►  | pane j-1 | pane j  | pane j+1 | pane j+2 |     pane = half a window (H = W/2)
 *                        [ window j          )                 window j = panes j, j+1
 *                                  [ window j+1         )
 *
 * A record counts once, in the pane of its start time, so it is in two windows. Windows
 * overlap by half: any burst shorter than H lies whole inside one window, which a tumbling
 * grid cannot promise. Overlapping windows of one key never both fire: in batch the one with
 * the larger count wins (the later on a tie), in a stream the first to cross its threshold. */
#include "alerts/alerts.h"

#include "base/map.h"

#include <stdlib.h>
#include <string.h>

#define MAX_EXAMPLE_LEN 2048
#define EGRESS_TTL ((int64_t)86400) /* how long an idle instance keeps its baseline (streaming) */
#define NO_FIRE INT64_MIN

/* ---- examples: the first records in input order, or the largest ------------------------- */

typedef struct example {
    uint64_t o1, o2, bytes;
    char *text;
    size_t len;
} example;

static int ex_before(int by_bytes, const example *a, const example *b)
{
    if (by_bytes && a->bytes != b->bytes)
        return a->bytes > b->bytes;
    if (a->o1 != b->o1)
        return a->o1 < b->o1;
    return a->o2 < b->o2;
}

/* Makes room for cand in the ranked list ex[0..*n) of at most cap; returns its index, or -1
 * when it does not rank. The text of an example pushed out is freed. */
static int ex_place(example *ex, uint8_t *n, unsigned cap, int by_bytes, const example *cand)
{
    size_t k = *n;
    if (!cap || (k == cap && !ex_before(by_bytes, cand, &ex[k - 1])))
        return -1;
    if (k == cap)
        free(ex[--k].text);
    size_t i = k;
    while (i > 0 && ex_before(by_bytes, cand, &ex[i - 1])) {
        ex[i] = ex[i - 1];
        i--;
    }
    ex[i] = *cand;
    ex[i].text = NULL;
    *n = (uint8_t)(k + 1);
    return (int)i;
}

/* ---- state ---------------------------------------------------------------------------- */

typedef struct pane {
    uint32_t group;
    uint8_t nex;
    int64_t p;
    uint64_t records, bytes;
    int64_t first, last;
    vf_vset ports, hosts;
    example *ex;
} pane;

typedef struct group {
    uint32_t rule;
    uint32_t live; /* panes held */
    size_t key_off;
    uint64_t total_bytes;
    int64_t last_t;
    int64_t fired[4]; /* streaming: the last windows that fired */
    uint8_t fired_next;
    uint64_t seen; /* the arrival that last touched it: the least recently seen go first (--memory) */
} group;

typedef struct pane_key {
    uint32_t group, zero;
    int64_t p;
} pane_key;

struct vf_alert_engine {
    vf_engine_options o;
    const vpcflow_alert_rules *R;
    vf_flowctx *fc;
    vf_map gmap[VF_ALERT_MAX_RULES]; /* key → group, one map per rule (keys differ in size) */
    group *groups;
    size_t ngroups, gcap;
    unsigned char *keys;
    size_t klen, kcap;
    vf_map pmap; /* (group, pane) → pane */
    pane *panes;
    size_t npanes, pcap;
    int64_t tmin, tmax;
    int have_t;
    uint64_t fired[VF_ALERT_MAX_RULES];
    uint64_t late, dropped, keys_peak, arrivals;
    uint64_t dropped_at, evict_at; /* the arrivals when a record was last dropped, state last evicted */
    uint64_t heap, evicted;        /* bytes of the panes' sets and examples; keys forgotten for --memory */
    int64_t next_evict, min_hop;
    int stop;
    /* what the state's size was last measured at (within_budget): it can change only when one
     * of these does, so most records skip measuring it */
    size_t seen_size[7];
};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t hop_of(const vf_rule *r)
{
    return r->window / 2;
}

vf_alert_engine *vf_alert_engine_new(const vf_engine_options *o)
{
    vf_alert_engine *e = vf_calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->o = *o;
    e->R = o->rules;
    if (!e->o.max_keys)
        e->o.max_keys = 100000;
    if (!e->o.lateness)
        e->o.lateness = 600;
    e->min_hop = INT64_MAX;
    int bad = vf_map_init(&e->pmap, sizeof(pane_key)) < 0;
    for (size_t i = 0; i < e->R->n; i++) {
        bad |= vf_map_init(&e->gmap[i], e->R->rule[i].key_size) < 0;
        if (e->R->rule[i].enabled)
            e->min_hop = VF_MIN(e->min_hop, hop_of(&e->R->rule[i]));
    }
    if (bad) {
        vf_alert_engine_free(e);
        return NULL;
    }
    return e;
}

static void pane_free(pane *p)
{
    vf_vset_free(&p->ports);
    vf_vset_free(&p->hosts);
    for (unsigned i = 0; p->ex && i < p->nex; i++)
        free(p->ex[i].text);
    free(p->ex);
    p->ex = NULL;
    p->nex = 0;
}

void vf_alert_engine_free(vf_alert_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->npanes; i++)
        pane_free(&e->panes[i]);
    free(e->panes);
    free(e->groups);
    free(e->keys);
    vf_map_free(&e->pmap);
    for (size_t i = 0; i < e->R->n; i++)
        vf_map_free(&e->gmap[i]);
    vf_flowctx_free(e->fc);
    free(e);
}

/* Group of (rule, key): -1 out of memory, -2 over max_keys (streaming). */
static int64_t group_of(vf_alert_engine *e, size_t rule, const unsigned char *key);
static int evict(vf_alert_engine *e);
static size_t pane_heap(const vf_alert_engine *e, const pane *P);
static int compact_groups(vf_alert_engine *e, const uint8_t *keep);

/* An eviction costs O(keys + panes): it is tried at most once per eighth of that many
 * arrivals, so that a full table costs O(1) per record amortised, not O(--max-keys). */
static int may_evict(const vf_alert_engine *e)
{
    return e->arrivals - e->evict_at >= (e->ngroups + e->npanes) / 8;
}

static int64_t new_group(vf_alert_engine *e, size_t rule, const unsigned char *key)
{
    size_t ks = e->R->rule[rule].key_size;
    if (vf_grow(&e->groups, &e->gcap, e->ngroups + 1, sizeof *e->groups) < 0 ||
        vf_grow(&e->keys, &e->kcap, VF_MAX(e->klen + ks, (size_t)16384), 1) < 0)
        return -1;
    uint32_t idx = (uint32_t)e->ngroups;
    if (vf_map_put(&e->gmap[rule], key, idx) < 0)
        return -1;
    group *g = &e->groups[e->ngroups++];
    memset(g, 0, sizeof *g);
    g->rule = (uint32_t)rule;
    g->key_off = e->klen;
    g->last_t = INT64_MIN;
    for (int i = 0; i < 4; i++)
        g->fired[i] = NO_FIRE;
    memcpy(e->keys + e->klen, key, ks);
    e->klen += ks;
    e->keys_peak = VF_MAX(e->keys_peak, (uint64_t)e->ngroups);
    return idx;
}

static int64_t group_of(vf_alert_engine *e, size_t rule, const unsigned char *key)
{
    int64_t g = vf_map_get(&e->gmap[rule], key);
    if (g >= 0)
        return g;
    if (e->o.streaming && e->ngroups >= e->o.max_keys) {
        if (may_evict(e) && evict(e) < 0)
            return -1;
        if (e->ngroups >= e->o.max_keys)
            return -2;
    }
    return new_group(e, rule, key);
}

static int64_t pane_of(vf_alert_engine *e, uint32_t g, int64_t p)
{
    pane_key k = {g, 0, p};
    uint32_t idx = (uint32_t)e->npanes;
    int added = vf_map_add(&e->pmap, &k, &idx);
    if (added < 0)
        return -1;
    if (!added)
        return idx;
    if (vf_grow(&e->panes, &e->pcap, e->npanes + 1, sizeof *e->panes) < 0)
        return -1;
    pane *P = &e->panes[e->npanes++];
    memset(P, 0, sizeof *P);
    P->group = g;
    P->p = p;
    P->first = INT64_MAX;
    P->last = INT64_MIN;
    e->groups[g].live++;
    return idx;
}

static const pane *pane_find(const vf_alert_engine *e, uint32_t g, int64_t p)
{
    pane_key k = {g, 0, p};
    int64_t i = vf_map_get(&e->pmap, &k);
    return i < 0 ? NULL : &e->panes[i];
}

/* ---- which records a rule counts, under which key ---------------------------------------- */

static int inside(const vf_loc *l)
{
    return l->kind == VF_LOC_VPC || l->kind == VF_LOC_PRIVATE;
}

static int has(const vpcflow_record *r, vpcflow_field f)
{
    return (r->present & VPCFLOW_BIT(f)) != 0;
}

/* 1 when rec goes to a service on its destination port rather than answering one: a reply
 * from a web server to a NAT gateway's ephemeral port 5432 is not a connection to PostgreSQL.
 * TCP flags tell when present (SYN-ACK: a reply; SYN alone: a new connection); otherwise the
 * service side is a port below 1024, else the one outside the ephemeral range (32768 and up),
 * else the lower one (what `top --by port` calls the port). */
static int to_service(const vpcflow_record *rec)
{
    if (has(rec, VPCFLOW_F_TCP_FLAGS) && rec->protocol == 6) {
        if ((rec->tcp_flags & 0x12) == 0x12)
            return 0;
        if (rec->tcp_flags & 0x02)
            return 1;
    }
    if (!has(rec, VPCFLOW_F_SRCPORT))
        return 1;
    uint32_t s = rec->srcport, d = rec->dstport;
    if ((s < 1024) != (d < 1024))
        return d < 1024;
    if ((s >= 32768) != (d >= 32768))
        return s >= 32768;
    return d <= s;
}

static int is_nat(const vf_alert_engine *e, const vf_loc *l)
{
    const vf_eni_facts *f = l->owner >= 0 ? vf_network_eni(e->o.net, (size_t)l->owner) : NULL;
    return f && f->nat;
}

/* Builds the key(s) of rec for rule r into key (room for two); returns how many. */
static size_t rule_keys(const vf_alert_engine *e, const vf_rule *r, const vpcflow_record *rec, const vf_flow *f,
                        unsigned char *key)
{
    int action = has(rec, VPCFLOW_F_ACTION) ? rec->action : 0;
    switch (r->kind) {
    case VF_RULE_INTERNAL_REJECT:
        if (action != VPCFLOW_ACTION_REJECT || !inside(&f->src))
            return 0;
        break;
    case VF_RULE_PORT_SCAN:
        if (action != VPCFLOW_ACTION_REJECT)
            return 0;
        break;
    case VF_RULE_SENSITIVE_PORT:
        /* a connection accepted from the internet to a listed port of one of ours */
        if (action != VPCFLOW_ACTION_ACCEPT || f->src.kind != VF_LOC_INTERNET || !inside(&f->dst) ||
            !has(rec, VPCFLOW_F_DSTPORT) || rec->dstport > 65535 ||
            !(r->port_bits[rec->dstport >> 3] & (1u << (rec->dstport & 7))) || !to_service(rec))
            return 0;
        memcpy(key, &rec->srcaddr, 16);
        memcpy(key + 16, &rec->dstaddr, 16);
        memcpy(key + 32, &rec->dstport, 4);
        return 1;
    case VF_RULE_EGRESS_SPIKE:
        /* a NAT gateway forwards its clients' bytes: the spike belongs to the client */
        if (action == VPCFLOW_ACTION_REJECT || !inside(&f->src) || f->dst.kind != VF_LOC_INTERNET || is_nat(e, &f->src))
            return 0;
        break;
    default:
        if (!vpcflow_filter_match(r->filter, rec))
            return 0;
        return vf_keys_build(&r->keys, e->o.net, rec, f, key);
    }
    memcpy(key, &rec->srcaddr, 16);
    return 1;
}

static int counts_ports(const vf_rule *r)
{
    return r->kind == VF_RULE_INTERNAL_REJECT || r->kind == VF_RULE_PORT_SCAN;
}

static uint64_t host_value(vpcflow_addr a)
{
    uint64_t h = vf_hash_addr(a);
    return h ? h : 1;
}

/* ---- windows ------------------------------------------------------------------------- */

typedef struct win {
    const pane *a, *b; /* panes j and j+1 */
    int64_t j;
    uint64_t records, bytes, ports, hosts, baseline;
    int64_t first, last;
} win;

static void window_sum(const vf_alert_engine *e, uint32_t g, int64_t j, win *w)
{
    memset(w, 0, sizeof *w);
    w->j = j;
    w->a = pane_find(e, g, j);
    w->b = pane_find(e, g, j + 1);
    w->first = INT64_MAX;
    w->last = INT64_MIN;
    const pane *both[2] = {w->a, w->b};
    for (int i = 0; i < 2; i++) {
        if (!both[i])
            continue;
        w->records += both[i]->records;
        w->bytes = vf_sat_add(w->bytes, both[i]->bytes);
        w->first = VF_MIN(w->first, both[i]->first);
        w->last = VF_MAX(w->last, both[i]->last);
    }
    static const vf_vset empty;
    w->ports = vf_vset_union_size(w->a ? &w->a->ports : &empty, w->b ? &w->b->ports : &empty);
    w->hosts = vf_vset_union_size(w->a ? &w->a->hosts : &empty, w->b ? &w->b->hosts : &empty);
}

/* Egress-spike: the key's average bytes per window over the rest of the data, or -1 while
 * there is too little data for an average. */
static int baseline_of(const vf_alert_engine *e, const vf_rule *r, const group *g, const win *w, uint64_t *out)
{
    int64_t span = e->tmax - e->tmin;
    if (!e->have_t || span < r->min_history || span <= r->window)
        return -1;
    uint64_t rest = g->total_bytes > w->bytes ? g->total_bytes - w->bytes : 0;
    unsigned __int128 b = (unsigned __int128)rest * (uint64_t)r->window / (uint64_t)(span - r->window);
    *out = b > UINT64_MAX ? UINT64_MAX : (uint64_t)b;
    return 0;
}

static int window_fires(const vf_alert_engine *e, const vf_rule *r, const group *g, win *w)
{
    if (!w->records)
        return 0;
    switch (r->kind) {
    case VF_RULE_PORT_SCAN:
        return (r->min_ports && w->ports >= r->min_ports) || (r->min_hosts && w->hosts >= r->min_hosts);
    case VF_RULE_EGRESS_SPIKE:
        if (w->bytes < r->min_bytes || baseline_of(e, r, g, w, &w->baseline) < 0)
            return 0;
        return (unsigned __int128)w->bytes * 1000 > (unsigned __int128)r->factor_milli * w->baseline;
    case VF_RULE_CUSTOM:
        return (!r->min_records || w->records >= r->min_records) && (!r->min_bytes || w->bytes >= r->min_bytes);
    default:
        return w->records >= r->min_records;
    }
}

/* What decides between overlapping windows that both fire. */
static uint64_t window_measure(const vf_rule *r, const win *w)
{
    if (r->kind == VF_RULE_EGRESS_SPIKE || (r->kind == VF_RULE_CUSTOM && r->min_bytes && !r->min_records))
        return w->bytes;
    return w->records;
}

/* ---- alerts from windows ------------------------------------------------------------- */

/* Builds the alert of window w of group g into *it. Returns 0 or -1 (out of memory). */
static int make_item(const vf_alert_engine *e, uint32_t g, const win *w, vf_alert_item *it)
{
    const group *G = &e->groups[g];
    const vf_rule *r = &e->R->rule[G->rule];
    memset(it, 0, sizeof *it);
    vf_text json = VF_TEXT_GROWING, text = VF_TEXT_GROWING;
    char owner[160];
    vf_alert_render_key(e->o.net, r, e->keys + G->key_off, &json, &text, owner, sizeof owner);
    /* examples of both panes, ranked again */
    example ex[2 * VF_ALERT_MAX_EXAMPLES];
    size_t nex = 0;
    int by_bytes = r->kind == VF_RULE_EGRESS_SPIKE;
    const pane *both[2] = {w->a, w->b};
    for (int i = 0; i < 2; i++)
        for (unsigned k = 0; both[i] && k < both[i]->nex; k++)
            if (both[i]->ex[k].text) {
                size_t at = nex++;
                while (at > 0 && ex_before(by_bytes, &both[i]->ex[k], &ex[at - 1])) {
                    ex[at] = ex[at - 1];
                    at--;
                }
                ex[at] = both[i]->ex[k];
            }
    nex = VF_MIN(nex, (size_t)e->R->examples);
    size_t total = json.len + text.len + strlen(owner) + strlen(r->name) + 4;
    for (size_t i = 0; i < nex; i++)
        total += ex[i].len + 1;
    it->strings = malloc(total);
    it->examples = vf_calloc(nex, sizeof *it->examples);
    if (json.oom || text.oom || !it->strings || !it->examples) {
        free(json.buf);
        free(text.buf);
        vf_alert_item_free(it);
        return -1;
    }
    char *s = it->strings;
    vpcflow_alert *a = &it->a;
    a->key_json = s;
    memcpy(s, json.buf, json.len);
    s += json.len;
    *s++ = 0;
    a->key_text = s;
    memcpy(s, text.buf, text.len);
    s += text.len;
    *s++ = 0;
    a->owner = s;
    memcpy(s, owner, strlen(owner) + 1);
    s += strlen(owner) + 1;
    a->rule = s; /* a copy: the list may outlive the rules */
    memcpy(s, r->name, strlen(r->name) + 1);
    s += strlen(r->name) + 1;
    for (size_t i = 0; i < nex; i++) {
        it->examples[i] = s;
        memcpy(s, ex[i].text, ex[i].len);
        s += ex[i].len;
        *s++ = 0;
    }
    free(json.buf);
    free(text.buf);
    a->severity = vf_severity_name(r->severity);
    a->first_seen = w->first;
    a->last_seen = w->last;
    a->window_start = w->j * hop_of(r);
    a->window_end = a->window_start + r->window;
    a->records = w->records;
    a->bytes = w->bytes;
    if (counts_ports(r)) {
        a->flags |= VPCFLOW_ALERT_HAS_PORTS;
        a->ports = w->ports;
        a->hosts = w->hosts;
    }
    if (r->kind == VF_RULE_EGRESS_SPIKE) {
        a->flags |= VPCFLOW_ALERT_HAS_BASELINE;
        a->baseline_bytes = w->baseline;
    }
    a->nexamples = nex;
    a->examples = it->examples;
    return 0;
}

/* ---- streaming: fire at the crossing --------------------------------------------------- */

static int suppressed(const group *g, int64_t j)
{
    for (int i = 0; i < 4; i++)
        if (g->fired[i] != NO_FIRE && g->fired[i] >= j - 1 && g->fired[i] <= j + 1)
            return 1;
    return 0;
}

/* A window that ended more than `lateness` ago takes no more records (streaming). */
static int closed(const vf_alert_engine *e, const vf_rule *r, int64_t j)
{
    return (j + 2) * hop_of(r) + e->o.lateness <= e->tmax;
}

/* After a record lands in pane p of group g: window p (the newer) first, then p - 1. */
static int check_fire(vf_alert_engine *e, uint32_t g, int64_t p)
{
    for (int64_t j = p; j >= p - 1; j--) {
        group *G = &e->groups[g];
        win w;
        if (suppressed(G, j) || closed(e, &e->R->rule[G->rule], j))
            continue;
        window_sum(e, g, j, &w);
        if (!window_fires(e, &e->R->rule[G->rule], G, &w))
            continue;
        G->fired[G->fired_next] = j;
        G->fired_next = (uint8_t)((G->fired_next + 1) % 4);
        e->fired[G->rule]++;
        vf_alert_item it;
        if (make_item(e, g, &w, &it) < 0)
            return -1;
        int rc = e->o.fire ? e->o.fire(e->o.ctx, &it.a) : 0;
        vf_alert_item_free(&it);
        if (rc)
            e->stop = 1;
        return rc ? 1 : 0;
    }
    return 0;
}

/* Drops panes whose last window closed more than `lateness` ago, then keys without panes
 * (egress-spike keys keep their baseline for EGRESS_TTL, or until room is needed). */
static int cmp_i64_pair(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] > y[1]) - (x[1] < y[1]);
}

static int rebuild_maps(vf_alert_engine *e)
{
    vf_map_free(&e->pmap);
    if (vf_map_init(&e->pmap, sizeof(pane_key)) < 0)
        return -1;
    for (size_t i = 0; i < e->npanes; i++) {
        pane_key k = {e->panes[i].group, 0, e->panes[i].p};
        if (vf_map_put(&e->pmap, &k, (uint32_t)i) < 0)
            return -1;
    }
    for (size_t r = 0; r < e->R->n; r++) {
        vf_map_free(&e->gmap[r]);
        if (vf_map_init(&e->gmap[r], e->R->rule[r].key_size) < 0)
            return -1;
    }
    for (size_t g = 0; g < e->ngroups; g++)
        if (vf_map_put(&e->gmap[e->groups[g].rule], e->keys + e->groups[g].key_off, (uint32_t)g) < 0)
            return -1;
    return 0;
}

static int drop_idle_groups(vf_alert_engine *e)
{
    uint8_t *keep = vf_calloc(e->ngroups, 1);
    int64_t(*old)[2] = vf_calloc(e->ngroups, sizeof *old);
    if (!keep || !old) {
        free(keep);
        free(old);
        return -1;
    }
    size_t kept = 0, nold = 0;
    for (size_t g = 0; g < e->ngroups; g++) {
        const group *G = &e->groups[g];
        const vf_rule *r = &e->R->rule[G->rule];
        int egress = r->kind == VF_RULE_EGRESS_SPIKE;
        /* a key that fired is kept while a window overlapping the one that fired is open, so
         * that the same behaviour does not fire twice */
        int recent = 0;
        for (int i = 0; i < 4; i++)
            recent |= G->fired[i] != NO_FIRE && !closed(e, r, G->fired[i] + 1);
        keep[g] = G->live > 0 || recent || (egress && G->last_t > e->tmax - EGRESS_TTL);
        kept += keep[g];
        if (keep[g] && !G->live) {
            old[nold][0] = G->last_t;
            old[nold++][1] = (int64_t)g;
        }
    }
    /* over the cap: idle baselines go first, the oldest first, down to 90% */
    if (kept >= e->o.max_keys && nold) {
        qsort(old, nold, sizeof *old, cmp_i64_pair);
        for (size_t i = 0; i < nold && kept > e->o.max_keys / 10 * 9; i++, kept--)
            keep[old[i][1]] = 0;
    }
    free(old);
    int rc = compact_groups(e, keep);
    free(keep);
    return rc;
}

/* Removes the groups whose keep[] is 0 (they hold no panes), renumbering the panes' groups. */
static int compact_groups(vf_alert_engine *e, const uint8_t *keep)
{
    uint32_t *remap = vf_calloc(e->ngroups + 1, sizeof *remap);
    if (!remap)
        return -1;
    size_t ng = 0, klen = 0;
    for (size_t g = 0; g < e->ngroups; g++) {
        if (!keep[g])
            continue;
        group G = e->groups[g];
        size_t ks = e->R->rule[G.rule].key_size;
        memmove(e->keys + klen, e->keys + G.key_off, ks);
        G.key_off = klen;
        klen += ks;
        remap[g] = (uint32_t)ng;
        e->groups[ng++] = G;
    }
    e->ngroups = ng;
    e->klen = klen;
    for (size_t i = 0; i < e->npanes; i++)
        e->panes[i].group = remap[e->panes[i].group];
    free(remap);
    return 0;
}

/* Frees the panes of the groups whose keep[] is 0. */
static int drop_panes_of(vf_alert_engine *e, const uint8_t *keep)
{
    size_t w = 0;
    for (size_t i = 0; i < e->npanes; i++) {
        pane *P = &e->panes[i];
        if (!keep[P->group]) {
            e->heap -= pane_heap(e, P);
            pane_free(P);
            e->groups[P->group].live--;
        } else
            e->panes[w++] = *P;
    }
    e->npanes = w;
    return 0;
}

static int evict(vf_alert_engine *e)
{
    e->evict_at = e->arrivals;
    size_t w = 0;
    for (size_t i = 0; i < e->npanes; i++) {
        pane *P = &e->panes[i];
        group *G = &e->groups[P->group];
        if (closed(e, &e->R->rule[G->rule], P->p)) {
            e->heap -= pane_heap(e, P);
            pane_free(P);
            G->live--;
        } else
            e->panes[w++] = *P;
    }
    e->npanes = w;
    if (drop_idle_groups(e) < 0 || rebuild_maps(e) < 0)
        return -1;
    return 0;
}

/* ---- the memory budget ---------------------------------------------------------------- */

/* Bytes a pane holds outside the panes array: its sets and examples. */
static size_t pane_heap(const vf_alert_engine *e, const pane *P)
{
    size_t n = (P->ports.cap + P->hosts.cap) * sizeof(uint64_t) + (P->ex ? e->R->examples * sizeof(example) : 0);
    for (unsigned i = 0; P->ex && i < P->nex; i++)
        n += P->ex[i].len + 1;
    return n;
}

static size_t map_bytes(const vf_map *m)
{
    return m->cap * (m->key_size + sizeof(uint32_t) + 1);
}

/* Everything the engine holds, by capacity: what it takes from the allocator. */
static size_t engine_bytes(const vf_alert_engine *e)
{
    size_t n = sizeof *e + e->gcap * sizeof(group) + e->kcap + e->pcap * sizeof(pane) + map_bytes(&e->pmap) + e->heap;
    for (size_t i = 0; i < e->R->n; i++)
        n += map_bytes(&e->gmap[i]);
    return n;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Over o.memory: forgets the least recently seen half of the keys, with their panes, and
 * gives the arrays back to the allocator, so the state halves and then has room to grow. */
static int shrink(vf_alert_engine *e)
{
    size_t n = e->ngroups;
    uint64_t *seen = malloc(n * sizeof *seen + 1);
    uint8_t *keep = vf_calloc(n + 1, 1);
    if (!seen || !keep) {
        free(seen);
        free(keep);
        return -1;
    }
    for (size_t g = 0; g < n; g++)
        seen[g] = e->groups[g].seen;
    qsort(seen, n, sizeof *seen, cmp_u64);
    uint64_t cut = n ? seen[n / 2] : 0;
    for (size_t g = 0; g < n; g++) {
        keep[g] = e->groups[g].seen > cut;
        e->evicted += !keep[g];
    }
    free(seen);
    int rc = drop_panes_of(e, keep) < 0 || compact_groups(e, keep) < 0 ? -1 : 0;
    free(keep);
    if (rc < 0)
        return -1;
    /* smaller arrays after an eviction: a shrink, not a growth, so plain realloc (not vf_grow);
     * a failed realloc to less keeps the old block, which is fine */
    group *ng = realloc(e->groups, VF_MAX(e->ngroups, (size_t)1) * sizeof *ng);
    if (ng) {
        e->groups = ng;
        e->gcap = VF_MAX(e->ngroups, (size_t)1);
    }
    unsigned char *nk = realloc(e->keys, VF_MAX(e->klen, (size_t)1));
    if (nk) {
        e->keys = nk;
        e->kcap = VF_MAX(e->klen, (size_t)1);
    }
    pane *np = realloc(e->panes, VF_MAX(e->npanes, (size_t)1) * sizeof *np);
    if (np) {
        e->panes = np;
        e->pcap = VF_MAX(e->npanes, (size_t)1);
    }
    return rebuild_maps(e);
}

static int within_budget(vf_alert_engine *e)
{
    if (!e->o.memory)
        return 0;
    size_t now[7] = {e->ngroups, e->gcap, e->klen, e->kcap, e->npanes, e->pcap, (size_t)e->heap};
    if (memcmp(now, e->seen_size, sizeof now) == 0)
        return 0;
    memcpy(e->seen_size, now, sizeof now);
    if (engine_bytes(e) <= e->o.memory)
        return 0;
    return shrink(e);
}

/* ---- counting a record --------------------------------------------------------------- */

static int wants(const vf_alert_engine *e, const vpcflow_record *r)
{
    if (e->o.action && (!has(r, VPCFLOW_F_ACTION) || r->action != e->o.action))
        return 0;
    if (e->o.since && r->end && r->end <= e->o.since)
        return 0;
    if (e->o.until && r->start >= e->o.until)
        return 0;
    return 1;
}

static int record_time(const vpcflow_record *r, int64_t *t)
{
    if (has(r, VPCFLOW_F_START))
        *t = r->start;
    else if (has(r, VPCFLOW_F_END))
        *t = r->end;
    else if (r->event_ms)
        *t = floor_div(r->event_ms, 1000);
    else {
        *t = 0;
        return 0;
    }
    return 1;
}

static int add_example(vf_alert_engine *e, pane *P, int by_bytes, const vpcflow_record *rec, uint64_t o1, uint64_t o2)
{
    unsigned cap = e->R->examples;
    if (!cap)
        return 0;
    if (!P->ex && !(P->ex = vf_calloc(cap, sizeof *P->ex)))
        return -1;
    example cand = {o1, o2, rec->bytes, NULL, 0};
    int slot = ex_place(P->ex, &P->nex, cap, by_bytes, &cand);
    if (slot < 0)
        return 0;
    size_t len = VF_MIN(rec->line.len, (size_t)MAX_EXAMPLE_LEN);
    P->ex[slot].text = vf_strndup(rec->line.ptr, len);
    P->ex[slot].len = len;
    return P->ex[slot].text ? 0 : -1;
}

static int count(vf_alert_engine *e, size_t ri, const unsigned char *key, int64_t t, const vpcflow_record *rec,
                 uint64_t o1, uint64_t o2)
{
    const vf_rule *r = &e->R->rule[ri];
    int64_t p = floor_div(t, hop_of(r));
    if (e->o.streaming && closed(e, r, p)) { /* its last window, p, is closed */
        e->late++;
        return 0;
    }
    int64_t g = group_of(e, ri, key);
    if (g == -2) {
        if (e->dropped_at != e->arrivals) { /* a record counts once, whatever number of its keys missed */
            e->dropped_at = e->arrivals;
            e->dropped++;
        }
        return 0;
    }
    int64_t pi = g < 0 ? -1 : pane_of(e, (uint32_t)g, p);
    if (pi < 0)
        return -1;
    group *G = &e->groups[g];
    pane *P = &e->panes[pi];
    size_t heap0 = pane_heap(e, P);
    uint64_t bytes = has(rec, VPCFLOW_F_BYTES) ? rec->bytes : 0;
    G->seen = e->arrivals;
    G->total_bytes = vf_sat_add(G->total_bytes, bytes);
    G->last_t = VF_MAX(G->last_t, t);
    P->records++;
    P->bytes = vf_sat_add(P->bytes, bytes);
    P->first = VF_MIN(P->first, t);
    P->last = VF_MAX(P->last, has(rec, VPCFLOW_F_END) && rec->end > t ? rec->end : t);
    if (counts_ports(r)) {
        if (has(rec, VPCFLOW_F_DSTPORT) && vf_vset_add(&P->ports, (uint64_t)rec->dstport + 1) < 0)
            return -1;
        if (vf_vset_add(&P->hosts, host_value(rec->dstaddr)) < 0)
            return -1;
    }
    if (add_example(e, P, r->kind == VF_RULE_EGRESS_SPIKE, rec, o1, o2) < 0)
        return -1;
    e->heap += pane_heap(e, P) - heap0;
    return e->o.streaming ? check_fire(e, (uint32_t)g, p) : 0;
}

int vf_alert_engine_record(vf_alert_engine *e, const vpcflow_record *rec, uint64_t o1, uint64_t o2)
{
    if (e->stop)
        return 1;
    if (!e->fc && !(e->fc = vf_flowctx_new(e->o.net)))
        return -1;
    vf_flow f;
    int traffic = vf_flow_eval(e->fc, rec, &f);
    return vf_alert_engine_record_flow(e, rec, traffic, &f, o1, o2);
}

int vf_alert_engine_record_flow(vf_alert_engine *e, const vpcflow_record *rec, int traffic, const vf_flow *flow,
                                uint64_t o1, uint64_t o2)
{
    if (e->stop)
        return 1;
    if (!wants(e, rec))
        return 0;
    vf_flow f = *flow;
    if (!traffic) { /* NODATA, SKIPDATA: only user rules may want them (e.g. by interface) */
        memset(&f, 0, sizeof f);
        f.src.owner = f.dst.owner = f.observer = -1;
        f.cls = VPCFLOW_CLASS_UNKNOWN;
    }
    int64_t t;
    if (record_time(rec, &t)) {
        if (!e->have_t || t < e->tmin)
            e->tmin = t;
        if (!e->have_t || t > e->tmax)
            e->tmax = t;
        e->have_t = 1;
    }
    e->arrivals++;
    if (within_budget(e) < 0)
        return -1;
    if (e->o.streaming) {
        if (e->tmax >= e->next_evict && e->min_hop != INT64_MAX && may_evict(e)) {
            if (e->next_evict && evict(e) < 0)
                return -1;
            e->next_evict = e->tmax + e->min_hop;
        }
    }
    unsigned char key[2 * VF_ALERT_MAX_KEY];
    for (size_t i = 0; i < e->R->n; i++) {
        const vf_rule *r = &e->R->rule[i];
        if (!r->enabled || (!traffic && r->kind != VF_RULE_CUSTOM))
            continue;
        size_t nk = rule_keys(e, r, rec, &f, key);
        for (size_t k = 0; k < nk; k++) {
            int rc = count(e, i, key + k * r->key_size, t, rec, o1, o2);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---- batch: merge, then the alerts --------------------------------------------------- */

static int merge_pane(vf_alert_engine *into, pane *to, pane *from, int by_bytes)
{
    to->records += from->records;
    to->bytes = vf_sat_add(to->bytes, from->bytes);
    to->first = VF_MIN(to->first, from->first);
    to->last = VF_MAX(to->last, from->last);
    if (vf_vset_merge(&to->ports, &from->ports) < 0 || vf_vset_merge(&to->hosts, &from->hosts) < 0)
        return -1;
    unsigned cap = into->R->examples;
    if (from->nex && !to->ex && !(to->ex = vf_calloc(cap, sizeof *to->ex)))
        return -1;
    for (unsigned i = 0; i < from->nex; i++) {
        int slot = ex_place(to->ex, &to->nex, cap, by_bytes, &from->ex[i]);
        if (slot >= 0) { /* the text moves */
            to->ex[slot].text = from->ex[i].text;
            to->ex[slot].len = from->ex[i].len;
            from->ex[i].text = NULL;
        }
    }
    return 0;
}

int vf_alert_engine_merge(vf_alert_engine *into, vf_alert_engine *from)
{
    if (from->have_t) {
        into->tmin = into->have_t ? VF_MIN(into->tmin, from->tmin) : from->tmin;
        into->tmax = into->have_t ? VF_MAX(into->tmax, from->tmax) : from->tmax;
        into->have_t = 1;
    }
    uint32_t *map = vf_calloc(from->ngroups, sizeof *map);
    if (!map)
        return -1;
    for (size_t g = 0; g < from->ngroups; g++) {
        const group *F = &from->groups[g];
        int64_t ng = group_of(into, F->rule, from->keys + F->key_off);
        if (ng < 0) {
            free(map);
            return -1;
        }
        map[g] = (uint32_t)ng;
        into->groups[ng].seen = VF_MAX(into->groups[ng].seen, F->seen);
        into->groups[ng].total_bytes = vf_sat_add(into->groups[ng].total_bytes, F->total_bytes);
        into->groups[ng].last_t = VF_MAX(into->groups[ng].last_t, F->last_t);
    }
    for (size_t i = 0; i < from->npanes; i++) {
        pane *F = &from->panes[i];
        int64_t pi = pane_of(into, map[F->group], F->p);
        size_t heap0 = pi < 0 ? 0 : pane_heap(into, &into->panes[pi]);
        if (pi < 0 || merge_pane(into, &into->panes[pi], F,
                                 into->R->rule[into->groups[map[F->group]].rule].kind == VF_RULE_EGRESS_SPIKE) < 0) {
            free(map);
            return -1;
        }
        into->heap += pane_heap(into, &into->panes[pi]) - heap0;
    }
    free(map);
    into->evicted += from->evicted;
    return within_budget(into);
}

typedef struct cand {
    int64_t j;
    uint64_t measure;
    int chosen;
} cand;

static int cmp_measure(const void *a, const void *b, void *arg)
{
    const cand *c = arg, *x = &c[*(const size_t *)a], *y = &c[*(const size_t *)b];
    if (x->measure != y->measure)
        return x->measure > y->measure ? -1 : 1;
    return x->j > y->j ? -1 : x->j < y->j;
}

static int cmp_pane(const void *a, const void *b, void *arg)
{
    const pane *p = arg, *x = &p[*(const size_t *)a], *y = &p[*(const size_t *)b];
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return x->p < y->p ? -1 : x->p > y->p;
}

/* The firing windows of one group (panes idx[0..n), sorted by p), without overlaps. */
static int group_alerts(vf_alert_engine *e, uint32_t g, const size_t *idx, size_t n, cand *c, size_t *order,
                        vpcflow_alerts *list)
{
    const group *G = &e->groups[g];
    const vf_rule *r = &e->R->rule[G->rule];
    size_t nc = 0;
    int64_t last_j = INT64_MIN;
    for (size_t i = 0; i < n; i++)
        for (int64_t j = e->panes[idx[i]].p - 1; j <= e->panes[idx[i]].p; j++) {
            if (j <= last_j)
                continue;
            last_j = j;
            win w;
            window_sum(e, g, j, &w);
            if (window_fires(e, r, G, &w))
                c[nc++] = (cand){j, window_measure(r, &w), 0};
        }
    for (size_t i = 0; i < nc; i++)
        order[i] = i;
    qsort_r(order, nc, sizeof *order, cmp_measure, c);
    for (size_t k = 0; k < nc; k++) {
        size_t i = order[k];
        if ((i > 0 && c[i - 1].chosen && c[i - 1].j == c[i].j - 1) ||
            (i + 1 < nc && c[i + 1].chosen && c[i + 1].j == c[i].j + 1))
            continue;
        c[i].chosen = 1;
        win w;
        window_sum(e, g, c[i].j, &w);
        window_fires(e, r, G, &w); /* fills the baseline */
        vf_alert_item it;
        if (make_item(e, g, &w, &it) < 0 || vf_alerts_push(list, &it) < 0)
            return -1;
        e->fired[G->rule]++;
    }
    return 0;
}

vpcflow_status vf_alert_engine_finish(vf_alert_engine *e, vpcflow_alerts **out, vpcflow_error *err)
{
    *out = NULL;
    vpcflow_alerts *list = vf_calloc(1, sizeof *list);
    size_t *idx = vf_calloc(e->npanes, sizeof *idx);
    cand *c = vf_calloc(2 * e->npanes, sizeof *c);
    size_t *order = vf_calloc(2 * e->npanes, sizeof *order);
    int rc = !list || !idx || !c || !order ? -1 : 0;
    for (size_t i = 0; i < e->npanes; i++)
        if (idx)
            idx[i] = i;
    if (!rc)
        qsort_r(idx, e->npanes, sizeof *idx, cmp_pane, e->panes);
    for (size_t i = 0; !rc && i < e->npanes;) {
        size_t k = i;
        while (k < e->npanes && e->panes[idx[k]].group == e->panes[idx[i]].group)
            k++;
        rc = group_alerts(e, e->panes[idx[i]].group, idx + i, k - i, c, order, list);
        i = k;
    }
    free(idx);
    free(c);
    free(order);
    if (rc) {
        vpcflow_alerts_free(list);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    vf_alerts_sort(list);
    *out = list;
    return VPCFLOW_OK;
}

uint64_t vf_alert_engine_fired(const vf_alert_engine *e, size_t rule)
{
    return rule < e->R->n ? e->fired[rule] : 0;
}

void vf_alert_engine_stats(const vf_alert_engine *e, vpcflow_watch_summary *s)
{
    s->alerts = 0;
    for (size_t i = 0; i < e->R->n; i++)
        s->alerts += e->fired[i];
    s->late = e->late;
    s->dropped = e->dropped;
    s->keys_peak = e->keys_peak;
    s->evicted = e->evicted;
}

uint64_t vf_alert_engine_evicted(const vf_alert_engine *e)
{
    return e->evicted;
}
