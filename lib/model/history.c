/* history.c — the ownership history: events from the loaders, replayed in time order into
 * spans per address, and the lookups the classifier makes (see history.h, docs/ownership.md). */
#include "model/history.h"

#include "base/jsonin.h"
#include "base/map.h"
#include "base/text.h"
#include "model/topology.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_EVENTS ((size_t)50 * 1000 * 1000) /* events in all: far above a year of one VPC */

typedef struct ev_rec {
    vf_hist_event ev;
    size_t seq;
} ev_rec;

typedef struct eni_state {
    char id[48];
    vf_hist_desc desc;
    vpcflow_addr *addrs;
    size_t naddrs, cap;
    int alive, known_life;
    int keep_on_terminate;
    char attachment[48];
    int64_t born, died;
    uint32_t owner;
} eni_state;

typedef struct addr_cur {
    vpcflow_addr a;
    int32_t eni; /* eni_state index holding it now, -1 when free */
    uint32_t owner;
    int64_t from;
} addr_cur;

typedef struct span_rec {
    vpcflow_addr a;
    vf_hist_span s;
} span_rec;

typedef struct addr_index {
    uint32_t first, count;
} addr_index;

struct vf_history {
    ev_rec *events;
    size_t nevents, evcap;
    vf_hist_desc *descs; /* one per STATE event, pointed to by events[i].ev.desc after finish */
    size_t ndescs, desccap;
    vpcflow_addr *addrpool;
    size_t naddrpool, addrcap;
    char **files; /* names of loaded files (events point into them) */
    size_t nfiles, filecap;
    char region[32];
    vf_map vpcs;      /* 48-byte zero-padded VPC ids allowed; empty: all */
    vf_map skipped;   /* 48-byte ENI ids left out (another VPC) */
    vf_map instances; /* 48-byte instance id -> first of its inodes */
    struct inode {
        int32_t eni, next; /* an ENI that was attached to the instance (check it still is) */
    } * inodes;
    size_t ninodes, inodecap;
    vf_map attachments; /* 48-byte attachment id -> ENI index (check it is still its) */
    /* built by finish */
    vf_hist_owner *owners;
    size_t nowners, ownercap;
    vf_map owner_ids; /* (eni, label, subnet, az) hash key -> owner index */
    eni_state *enis;
    size_t nenis, enicap;
    vf_map eni_ids; /* 48-byte zero-padded id -> eni index */
    addr_cur *cur;
    size_t ncur, curcap;
    vf_map cur_ids; /* address -> cur index */
    span_rec *spans;
    size_t nspans, spancap;
    vf_hist_span *flat; /* spans sorted by address, then time */
    addr_index *index;
    vf_map by_addr; /* address -> index entry */
    vf_text notes;
    size_t other_region, other_vpc, taken_over, unknown_eni, eip_unresolved;
    int finished;
};

vf_history *vf_history_new(void)
{
    vf_history *h = vf_calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->notes.grows = 1;
    if (vf_map_init(&h->owner_ids, sizeof(uint64_t) * 2) < 0 || vf_map_init(&h->eni_ids, 48) < 0 ||
        vf_map_init(&h->cur_ids, sizeof(vpcflow_addr)) < 0 || vf_map_init(&h->by_addr, sizeof(vpcflow_addr)) < 0 ||
        vf_map_init(&h->vpcs, 48) < 0 || vf_map_init(&h->skipped, 48) < 0 || vf_map_init(&h->instances, 48) < 0 ||
        vf_map_init(&h->attachments, 48) < 0) {
        vf_history_free(h);
        return NULL;
    }
    return h;
}

void vf_history_free(vf_history *h)
{
    if (!h)
        return;
    free(h->events);
    free(h->descs);
    free(h->addrpool);
    for (size_t i = 0; i < h->nfiles; i++)
        free(h->files[i]);
    free(h->files);
    free(h->owners);
    vf_map_free(&h->owner_ids);
    for (size_t i = 0; i < h->nenis; i++)
        free(h->enis[i].addrs);
    free(h->enis);
    vf_map_free(&h->eni_ids);
    free(h->cur);
    vf_map_free(&h->cur_ids);
    free(h->spans);
    free(h->flat);
    free(h->index);
    vf_map_free(&h->by_addr);
    vf_map_free(&h->vpcs);
    vf_map_free(&h->skipped);
    vf_map_free(&h->instances);
    vf_map_free(&h->attachments);
    free(h->inodes);
    free(h->notes.buf);
    free(h);
}

void vf_history_set_region(vf_history *h, const char *region)
{
    snprintf(h->region, sizeof h->region, "%s", region ? region : "");
}

static void id_key(char key[48], const char *id)
{
    memset(key, 0, 48);
    memcpy(key, id, VF_MIN(strlen(id), (size_t)47));
}

int vf_history_allow_vpc(vf_history *h, const char *vpc)
{
    char key[48];
    id_key(key, vpc);
    return vf_map_put(&h->vpcs, key, 1);
}

static vpcflow_status oom(vpcflow_error *err)
{
    return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
}

/* ---- time ------------------------------------------------------------------------------- */

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int vf_history_time(const char *s, int64_t *out)
{
    if (!s || !*s)
        return -1;
    if ((*s >= '0' && *s <= '9') && strlen(s) < 24 && !strchr(s, '-')) { /* seconds, or ms */
        char *end;
        double v = strtod(s, &end);
        if (*end || v < 0 || v > 1e15)
            return -1;
        *out = v > 1e11 ? (int64_t)(v / 1000) : (int64_t)v;
        return 0;
    }
    int y, mo, d, hh = 0, mi = 0, ss = 0;
    if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return -1;
    const char *p = s + 10;
    int offset = 0;
    if (*p == 'T' || *p == ' ') {
        if (strlen(p) < 9 || digits(p + 1, 2, &hh) || p[3] != ':' || digits(p + 4, 2, &mi) || p[6] != ':' ||
            digits(p + 7, 2, &ss))
            return -1;
        p += 9;
        if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++)
                ;
        if (*p == 'Z')
            p++;
        else if (*p == '+' || *p == '-') {
            int oh, om;
            if (strlen(p) < 6 || digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
                return -1;
            offset = (oh * 60 + om) * 60 * (*p == '+' ? 1 : -1);
            p += 6;
        }
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mi > 59 || ss > 60)
        return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = hh;
    tm.tm_min = mi;
    tm.tm_sec = ss;
    *out = (int64_t)timegm(&tm) - offset;
    return 0;
}

/* ---- events ----------------------------------------------------------------------------- */

static const char *file_name(vf_history *h, const char *file)
{
    if (h->nfiles && strcmp(h->files[h->nfiles - 1], file) == 0)
        return h->files[h->nfiles - 1];
    if (vf_grow(&h->files, &h->filecap, h->nfiles + 1, sizeof *h->files) < 0)
        return NULL;
    char *copy = vf_strndup(file, strlen(file));
    if (!copy)
        return NULL;
    h->files[h->nfiles++] = copy;
    return copy;
}

void vf_hist_event_init(vf_hist_event *ev, vf_hist_op op, const char *eni, int64_t t, const char *region,
                        const char *file, size_t index)
{
    memset(ev, 0, sizeof *ev);
    ev->t = t;
    ev->op = op;
    snprintf(ev->eni, sizeof ev->eni, "%s", eni);
    snprintf(ev->region, sizeof ev->region, "%s", region);
    ev->file = file;
    ev->index = index;
}

vpcflow_status vf_history_add(vf_history *h, const vf_hist_event *ev, vpcflow_error *err)
{
    if (h->nevents >= MAX_EVENTS)
        return vf_error(err, VPCFLOW_ERR_INPUT, ev->file, 0, 0, "more than %zu history events", MAX_EVENTS);
    if (vf_grow(&h->events, &h->evcap, h->nevents + 1, sizeof *h->events) < 0)
        return oom(err);
    ev_rec *r = &h->events[h->nevents];
    r->ev = *ev;
    r->seq = h->nevents;
    r->ev.file = ev->file ? file_name(h, ev->file) : NULL;
    if (ev->file && !r->ev.file)
        return oom(err);
    if (ev->op == VF_HEV_STATE) {
        /* desc and addrs are kept as indexes until finish: the arrays may still move */
        if (vf_grow(&h->descs, &h->desccap, h->ndescs + 1, sizeof *h->descs) < 0 ||
            vf_grow(&h->addrpool, &h->addrcap, h->naddrpool + ev->naddrs + 1, sizeof *h->addrpool) < 0)
            return oom(err);
        h->descs[h->ndescs] = *ev->desc;
        memcpy(h->addrpool + h->naddrpool, ev->addrs, ev->naddrs * sizeof *ev->addrs);
        r->ev.desc = (const vf_hist_desc *)(uintptr_t)(h->ndescs + 1);
        r->ev.addrs = (const vpcflow_addr *)(uintptr_t)(h->naddrpool + 1);
        h->ndescs++;
        h->naddrpool += ev->naddrs;
    }
    h->nevents++;
    return VPCFLOW_OK;
}

void vf_history_truncate(vf_history *h, size_t n)
{
    if (n < h->nevents)
        h->nevents = n; /* their descriptions stay in the pools, unreferenced */
}

/* ---- replay ----------------------------------------------------------------------------- */

static int cmp_event(const void *a, const void *b)
{
    const ev_rec *x = a, *y = b;
    if (x->ev.t != y->ev.t)
        return x->ev.t < y->ev.t ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The ENIs ever attached to an instance, newest first, so that a termination or an association
 * by instance finds them without a scan of every ENI. */
static int note_instance(vf_history *h, const char *instance, int32_t ei)
{
    char key[48];
    id_key(key, instance);
    if (vf_grow(&h->inodes, &h->inodecap, h->ninodes + 1, sizeof *h->inodes) < 0)
        return -1;
    int64_t head = vf_map_get(&h->instances, key);
    h->inodes[h->ninodes].eni = ei;
    h->inodes[h->ninodes].next = (int32_t)head;
    if (vf_map_put(&h->instances, key, (uint32_t)h->ninodes) < 0)
        return -1;
    h->ninodes++;
    return 0;
}

static int32_t instance_first(const vf_history *h, const char *instance)
{
    char key[48];
    id_key(key, instance);
    return instance[0] ? (int32_t)vf_map_get(&h->instances, key) : -1;
}

static int note_attachment(vf_history *h, const char *attachment, int32_t ei)
{
    char key[48];
    id_key(key, attachment);
    return vf_map_put(&h->attachments, key, (uint32_t)ei);
}

static int32_t eni_find(const vf_history *h, const char *id)
{
    char key[48] = {0};
    if (strlen(id) >= sizeof key)
        return -1;
    memcpy(key, id, strlen(id));
    return (int32_t)vf_map_get(&h->eni_ids, key);
}

static int32_t eni_get(vf_history *h, const char *id, int64_t t)
{
    int32_t i = eni_find(h, id);
    if (i >= 0)
        return i;
    char key[48] = {0};
    if (strlen(id) >= sizeof key || vf_grow(&h->enis, &h->enicap, h->nenis + 1, sizeof *h->enis) < 0)
        return -2;
    memcpy(key, id, strlen(id));
    eni_state *e = &h->enis[h->nenis];
    memset(e, 0, sizeof *e);
    snprintf(e->id, sizeof e->id, "%s", id);
    e->born = t;
    e->died = VF_HIST_END;
    if (vf_map_put(&h->eni_ids, key, (uint32_t)h->nenis) < 0)
        return -2;
    return (int32_t)h->nenis++;
}

static uint64_t hash_text(uint64_t h, const char *s)
{
    return vf_hash_bytes(s, strlen(s)) ^ (h * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull);
}

/* The owner an ENI stands for with its description now (interned). */
static int64_t owner_of(vf_history *h, const eni_state *e, const char *region)
{
    vf_hist_owner o;
    memset(&o, 0, sizeof o);
    snprintf(o.eni, sizeof o.eni, "%s", e->id);
    o.kind = (uint8_t)vf_eni_owner(e->desc.type, e->desc.desc, e->desc.requester, e->desc.instance, e->id, o.label,
                                   sizeof o.label);
    snprintf(o.subnet, sizeof o.subnet, "%s", e->desc.subnet);
    snprintf(o.az, sizeof o.az, "%s", e->desc.az);
    snprintf(o.region, sizeof o.region, "%s", region);
    o.has_public = (uint8_t)e->desc.has_public;
    uint64_t key[2];
    key[0] = hash_text(hash_text(1, o.eni), o.label);
    key[1] = hash_text(hash_text(hash_text(2, o.subnet), o.az), o.region) ^ o.has_public;
    uint32_t v = (uint32_t)h->nowners;
    int r = vf_map_add(&h->owner_ids, key, &v);
    if (r < 0)
        return -1;
    if (r == 0)
        return v;
    if (vf_grow(&h->owners, &h->ownercap, h->nowners + 1, sizeof *h->owners) < 0)
        return -1;
    h->owners[h->nowners] = o;
    return (int64_t)h->nowners++;
}

static int push_span(vf_history *h, vpcflow_addr a, int64_t from, int64_t to, uint32_t owner)
{
    if (to <= from)
        return 0; /* held for no time at all: taken and given back at the same second */
    if (vf_grow(&h->spans, &h->spancap, h->nspans + 1, sizeof *h->spans) < 0)
        return -1;
    span_rec *s = &h->spans[h->nspans++];
    memset(s, 0, sizeof *s);
    s->a = a;
    s->s.from = from;
    s->s.to = to;
    s->s.owner = owner;
    return 0;
}

static addr_cur *cur_get(vf_history *h, vpcflow_addr a)
{
    uint32_t v = (uint32_t)h->ncur;
    int r = vf_map_add(&h->cur_ids, &a, &v);
    if (r < 0)
        return NULL;
    if (r == 1) {
        if (vf_grow(&h->cur, &h->curcap, h->ncur + 1, sizeof *h->cur) < 0)
            return NULL;
        addr_cur *c = &h->cur[h->ncur++];
        c->a = a;
        c->eni = -1;
        c->owner = 0;
        c->from = 0;
    }
    return &h->cur[v];
}

static void eni_drop_addr(eni_state *e, vpcflow_addr a)
{
    for (size_t i = 0; i < e->naddrs; i++)
        if (vpcflow_addr_eq(e->addrs[i], a)) {
            e->addrs[i] = e->addrs[--e->naddrs];
            return;
        }
}

/* Address a is no longer held (by whoever holds it) from t. */
static int release(vf_history *h, vpcflow_addr a, int64_t t)
{
    addr_cur *c = cur_get(h, a);
    if (!c)
        return -1;
    if (c->eni < 0)
        return 0;
    if (push_span(h, a, c->from, t, c->owner) < 0)
        return -1;
    eni_drop_addr(&h->enis[c->eni], a);
    c->eni = -1;
    return 0;
}

/* ENI ei takes address a from t (closing another holder's span: a missing release). */
static int take(vf_history *h, int32_t ei, vpcflow_addr a, int64_t t)
{
    addr_cur *c = cur_get(h, a);
    if (!c)
        return -1;
    eni_state *e = &h->enis[ei];
    if (c->eni == ei && c->owner == e->owner)
        return 0;
    if (c->eni >= 0) {
        if (c->eni != ei)
            h->taken_over++;
        if (push_span(h, a, c->from, t, c->owner) < 0)
            return -1;
        if (c->eni != ei)
            eni_drop_addr(&h->enis[c->eni], a);
    }
    int had = 0;
    for (size_t i = 0; i < e->naddrs; i++)
        had |= vpcflow_addr_eq(e->addrs[i], a);
    if (!had) {
        if (vf_grow(&e->addrs, &e->cap, e->naddrs + 1, sizeof *e->addrs) < 0)
            return -1;
        e->addrs[e->naddrs++] = a;
    }
    c->eni = ei;
    c->owner = e->owner;
    c->from = t;
    return 0;
}

/* The ENI's label may have changed: its addresses get the new owner from t. */
static int relabel(vf_history *h, int32_t ei, int64_t t, const char *region)
{
    eni_state *e = &h->enis[ei];
    int64_t o = owner_of(h, e, region);
    if (o < 0)
        return -1;
    if ((uint32_t)o == e->owner)
        return 0;
    e->owner = (uint32_t)o;
    for (size_t i = 0; i < e->naddrs; i++) {
        vpcflow_addr a = e->addrs[i];
        if (take(h, ei, a, t) < 0)
            return -1;
        e = &h->enis[ei];
    }
    return 0;
}

static int eni_delete(vf_history *h, int32_t ei, int64_t t)
{
    eni_state *e = &h->enis[ei];
    while (e->naddrs) {
        if (release(h, e->addrs[e->naddrs - 1], t) < 0)
            return -1;
        e = &h->enis[ei];
    }
    if (e->alive) {
        e->alive = 0;
        e->died = t;
    }
    return 0;
}

/* An event about an ENI the history has not seen created: it existed already. */
static int32_t eni_for(vf_history *h, const vf_hist_event *ev)
{
    int32_t ei = eni_find(h, ev->eni);
    if (ei >= 0)
        return ei;
    ei = eni_get(h, ev->eni, VF_HIST_BEGIN);
    if (ei < 0)
        return ei;
    h->unknown_eni++;
    eni_state *e = &h->enis[ei];
    e->alive = 1;
    int64_t o = owner_of(h, e, ev->region);
    if (o < 0)
        return -2;
    e->owner = (uint32_t)o;
    return ei;
}

static int apply(vf_history *h, const vf_hist_event *ev)
{
    int32_t ei;
    switch (ev->op) {
    case VF_HEV_STATE: {
        if ((ei = eni_get(h, ev->eni, ev->t)) < 0)
            return -1;
        eni_state *e = &h->enis[ei];
        e->alive = 1;
        e->died = VF_HIST_END; /* seen again after its delete: it exists */
        e->desc = *ev->desc;
        if (e->desc.instance[0] && note_instance(h, e->desc.instance, ei) < 0)
            return -1;
        /* addresses it no longer has */
        for (size_t i = 0; i < e->naddrs;) {
            int keep = 0;
            for (size_t k = 0; k < ev->naddrs; k++)
                keep |= vpcflow_addr_eq(ev->addrs[k], e->addrs[i]);
            if (keep) {
                i++;
                continue;
            }
            if (release(h, e->addrs[i], ev->t) < 0)
                return -1;
            e = &h->enis[ei];
        }
        int64_t o = owner_of(h, e, ev->region);
        if (o < 0)
            return -1;
        e = &h->enis[ei];
        e->owner = (uint32_t)o;
        for (size_t k = 0; k < ev->naddrs; k++)
            if (take(h, ei, ev->addrs[k], ev->t) < 0)
                return -1;
        return 0;
    }
    case VF_HEV_ADD:
        if ((ei = eni_for(h, ev)) < 0)
            return -1;
        if (!h->enis[ei].alive)
            return 0; /* an event for a deleted ENI: nothing to take */
        return take(h, ei, ev->addr, ev->t);
    case VF_HEV_DEL:
        if ((ei = eni_find(h, ev->eni)) < 0) {
            h->unknown_eni++;
            return release(h, ev->addr, ev->t);
        }
        {
            addr_cur *c = cur_get(h, ev->addr);
            if (!c)
                return -1;
            if (c->eni == ei)
                return release(h, ev->addr, ev->t);
        }
        return 0;
    case VF_HEV_DELETE:
        if ((ei = eni_for(h, ev)) < 0)
            return -1;
        return eni_delete(h, ei, ev->t);
    case VF_HEV_ATTACH:
        if ((ei = eni_for(h, ev)) < 0)
            return -1;
        snprintf(h->enis[ei].desc.instance, sizeof h->enis[ei].desc.instance, "%.47s", ev->ref);
        snprintf(h->enis[ei].attachment, sizeof h->enis[ei].attachment, "%s", ev->ref2);
        h->enis[ei].keep_on_terminate = ev->keep_on_terminate;
        if (note_instance(h, ev->ref, ei) < 0 || (ev->ref2[0] && note_attachment(h, ev->ref2, ei) < 0))
            return -1;
        return relabel(h, ei, ev->t, ev->region);
    case VF_HEV_DETACH:
        ei = -1;
        if (ev->eni[0])
            ei = eni_find(h, ev->eni);
        if (ei < 0 && ev->ref2[0]) {
            char key[48];
            id_key(key, ev->ref2);
            int64_t x = vf_map_get(&h->attachments, key);
            if (x >= 0 && !strcmp(h->enis[x].attachment, ev->ref2))
                ei = (int32_t)x;
        }
        if (ei < 0) {
            h->unknown_eni++;
            return 0;
        }
        h->enis[ei].desc.instance[0] = 0;
        h->enis[ei].attachment[0] = 0;
        return relabel(h, ei, ev->t, ev->region);
    case VF_HEV_TERMINATE:
        for (int32_t n = instance_first(h, ev->ref); n >= 0; n = h->inodes[n].next) {
            int32_t i = h->inodes[n].eni;
            eni_state *e = &h->enis[i];
            if (!e->alive || strcmp(e->desc.instance, ev->ref) != 0)
                continue;
            if (!e->keep_on_terminate) {
                if (eni_delete(h, (int32_t)i, ev->t) < 0)
                    return -1;
            } else {
                e->desc.instance[0] = 0;
                e->attachment[0] = 0;
                if (relabel(h, (int32_t)i, ev->t, ev->region) < 0)
                    return -1;
            }
        }
        return 0;
    case VF_HEV_ALLOC:
        return 0;
    case VF_HEV_EIP_ADD:
        if (!ev->has_addr) {
            h->eip_unresolved++;
            return 0;
        }
        ei = ev->eni[0] ? eni_find(h, ev->eni) : -1;
        for (int32_t n = ev->eni[0] ? -1 : instance_first(h, ev->ref); n >= 0; n = h->inodes[n].next) {
            int32_t i = h->inodes[n].eni; /* the instance's interface (its first) */
            if (h->enis[i].alive && !strcmp(h->enis[i].desc.instance, ev->ref) && (ei < 0 || i < ei))
                ei = i;
        }
        if (ei < 0 && ev->eni[0])
            ei = eni_for(h, ev);
        if (ei < 0) {
            if (ei == -2)
                return -1;
            h->eip_unresolved++;
            return 0;
        }
        if (!h->enis[ei].alive)
            return 0;
        if (!h->enis[ei].desc.has_public) { /* its owner now has a public address */
            h->enis[ei].desc.has_public = 1;
            if (relabel(h, ei, ev->t, ev->region) < 0)
                return -1;
        }
        return take(h, ei, ev->addr, ev->t);
    case VF_HEV_EIP_DEL:
        if (!ev->has_addr) {
            h->eip_unresolved++;
            return 0;
        }
        return release(h, ev->addr, ev->t);
    case VF_HEV_DROP_DESC:
        for (size_t i = 0; i < h->nenis; i++)
            if (h->enis[i].alive && ev->ref[0] && strstr(h->enis[i].desc.desc, ev->ref) &&
                eni_delete(h, (int32_t)i, ev->t) < 0)
                return -1;
        return 0;
    }
    return 0;
}

/* Elastic IPs named by allocation or association id get their address: ids are stable facts,
 * so every file's events count, whatever their times. */
static int resolve_eips(vf_history *h)
{
    vf_map alloc, assoc;
    vpcflow_addr *addrs = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    if (vf_map_init(&alloc, 48) < 0 || vf_map_init(&assoc, 48) < 0)
        goto done;
    for (int pass = 0; pass < 2; pass++) /* the second pass sees what the first learned */
        for (size_t i = 0; i < h->nevents; i++) {
            vf_hist_event *ev = &h->events[i].ev;
            char key[48];
            if (ev->op != VF_HEV_ALLOC && ev->op != VF_HEV_EIP_ADD && ev->op != VF_HEV_EIP_DEL)
                continue;
            if (!ev->has_addr && ev->alloc[0]) {
                id_key(key, ev->alloc);
                int64_t x = vf_map_get(&alloc, key);
                if (x >= 0) {
                    ev->addr = addrs[x];
                    ev->has_addr = 1;
                }
            }
            if (!ev->has_addr && ev->ref2[0]) {
                id_key(key, ev->ref2);
                int64_t x = vf_map_get(&assoc, key);
                if (x >= 0) {
                    ev->addr = addrs[x];
                    ev->has_addr = 1;
                }
            }
            if (!ev->has_addr || (pass && !(ev->op == VF_HEV_EIP_ADD && ev->ref2[0])))
                continue;
            if (vf_grow(&addrs, &cap, n + 1, sizeof *addrs) < 0)
                goto done;
            addrs[n] = ev->addr;
            if (ev->alloc[0]) {
                id_key(key, ev->alloc);
                if (vf_map_put(&alloc, key, (uint32_t)n) < 0)
                    goto done;
            }
            if (ev->op == VF_HEV_EIP_ADD && ev->ref2[0]) {
                id_key(key, ev->ref2);
                if (vf_map_put(&assoc, key, (uint32_t)n) < 0)
                    goto done;
            }
            n++;
        }
    rc = 0;
done:
    vf_map_free(&alloc);
    vf_map_free(&assoc);
    free(addrs);
    return rc;
}

static int cmp_span(const void *a, const void *b)
{
    const span_rec *x = a, *y = b;
    int c = memcmp(&x->a, &y->a, sizeof x->a);
    if (c)
        return c;
    return x->s.from < y->s.from ? -1 : x->s.from > y->s.from;
}

vpcflow_status vf_history_finish(vf_history *h, vpcflow_error *err)
{
    /* pointers into the pools, now that they no longer move */
    for (size_t i = 0; i < h->nevents; i++) {
        vf_hist_event *ev = &h->events[i].ev;
        if (ev->op == VF_HEV_STATE) {
            ev->desc = &h->descs[(uintptr_t)ev->desc - 1];
            ev->addrs = h->addrpool + ((uintptr_t)ev->addrs - 1);
        }
    }
    if (h->nevents)
        qsort(h->events, h->nevents, sizeof *h->events, cmp_event);
    if (resolve_eips(h) < 0)
        return oom(err);
    /* ENIs described in a VPC the topology does not have: left out, with all their events */
    for (size_t i = 0; h->vpcs.count && i < h->nevents; i++) {
        const vf_hist_event *ev = &h->events[i].ev;
        char key[48];
        id_key(key, ev->desc ? ev->desc->vpc : "");
        if (ev->op != VF_HEV_STATE || !ev->desc->vpc[0] || vf_map_get(&h->vpcs, key) >= 0)
            continue;
        id_key(key, ev->eni);
        if (vf_map_put(&h->skipped, key, 1) < 0)
            return oom(err);
    }
    for (size_t i = 0; i < h->nevents; i++) {
        const vf_hist_event *ev = &h->events[i].ev;
        if (h->region[0] && ev->region[0] && strcmp(ev->region, h->region) != 0) {
            h->other_region++;
            continue;
        }
        char key[48];
        id_key(key, ev->eni);
        if (ev->eni[0] && h->skipped.count && vf_map_get(&h->skipped, key) >= 0) {
            h->other_vpc++;
            continue;
        }
        if (apply(h, ev) < 0)
            return oom(err);
    }
    for (size_t i = 0; i < h->ncur; i++)
        if (h->cur[i].eni >= 0 && push_span(h, h->cur[i].a, h->cur[i].from, VF_HIST_END, h->cur[i].owner) < 0)
            return oom(err);
    if (h->nspans)
        qsort(h->spans, h->nspans, sizeof *h->spans, cmp_span);
    h->flat = vf_calloc(h->nspans + 1, sizeof *h->flat);
    h->index = vf_calloc(h->nspans + 1, sizeof *h->index);
    if (!h->flat || !h->index)
        return oom(err);
    size_t nidx = 0;
    for (size_t i = 0; i < h->nspans; i++) {
        h->flat[i] = h->spans[i].s;
        if (i == 0 || !vpcflow_addr_eq(h->spans[i].a, h->spans[i - 1].a)) {
            h->index[nidx].first = (uint32_t)i;
            h->index[nidx].count = 0;
            if (vf_map_put(&h->by_addr, &h->spans[i].a, (uint32_t)nidx) < 0)
                return oom(err);
            nidx++;
        }
        h->index[nidx - 1].count++;
    }
    for (size_t i = 0; i < h->nenis; i++)
        h->enis[i].known_life = 1;
    if (h->other_region)
        vf_printf(&h->notes, "history: %zu event%s of other regions than %s ignored\n", h->other_region,
                  h->other_region == 1 ? "" : "s", h->region);
    if (h->other_vpc)
        vf_printf(&h->notes, "history: %zu event%s of ENIs in other VPCs than the topology's ignored\n", h->other_vpc,
                  h->other_vpc == 1 ? "" : "s");
    if (h->eip_unresolved)
        vf_printf(&h->notes,
                  "history: %zu Elastic IP event%s whose address or interface the history does not tell "
                  "(no AllocateAddress or AssociateAddress for its id): skipped\n",
                  h->eip_unresolved, h->eip_unresolved == 1 ? "" : "s");
    if (h->taken_over)
        vf_printf(&h->notes,
                  "history: %zu address%s taken by another ENI without a recorded release (the release is "
                  "assumed at the take-over)\n",
                  h->taken_over, h->taken_over == 1 ? "" : "es");
    if (h->unknown_eni)
        vf_printf(&h->notes,
                  "history: %zu event%s name ENIs created before the history begins (taken as existing "
                  "from the start)\n",
                  h->unknown_eni, h->unknown_eni == 1 ? "" : "s");
    h->finished = 1;
    return VPCFLOW_OK;
}

/* ---- lookups ---------------------------------------------------------------------------- */

int32_t vf_history_owner_at(const vf_history *h, vpcflow_addr a, int64_t t, int64_t *from, int64_t *to)
{
    *from = VF_HIST_BEGIN;
    *to = VF_HIST_END;
    int64_t x = vf_map_get(&h->by_addr, &a);
    if (x < 0)
        return -1;
    const vf_hist_span *s = h->flat + h->index[x].first;
    size_t lo = 0, hi = h->index[x].count; /* first span with from > t */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s[mid].from <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < h->index[x].count)
        *to = s[lo].from;
    if (lo == 0)
        return -1;
    const vf_hist_span *p = &s[lo - 1];
    if (t < p->to) {
        *from = p->from;
        *to = p->to;
        return (int32_t)p->owner;
    }
    *from = p->to;
    return -1;
}

size_t vf_history_spans(const vf_history *h, vpcflow_addr a, const vf_hist_span **first)
{
    int64_t x = vf_map_get(&h->by_addr, &a);
    if (x < 0) {
        *first = NULL;
        return 0;
    }
    *first = h->flat + h->index[x].first;
    return h->index[x].count;
}

int vf_history_eni_life(const vf_history *h, const char *id, int64_t *born, int64_t *died)
{
    int32_t i = eni_find(h, id);
    if (i < 0)
        return 0;
    *born = h->enis[i].born;
    *died = h->enis[i].died;
    return 1;
}

size_t vf_history_owner_count(const vf_history *h)
{
    return h->nowners;
}

const vf_hist_owner *vf_history_owner(const vf_history *h, size_t i)
{
    return i < h->nowners ? &h->owners[i] : NULL;
}

size_t vf_history_event_count(const vf_history *h)
{
    return h->nevents;
}

size_t vf_history_address_count(const vf_history *h)
{
    return h->by_addr.count;
}

const char *vf_history_notes(const vf_history *h)
{
    return h->notes.buf ? h->notes.buf : "";
}
