/* flow.c — one record to a classified, costed hop with its de-duplication verdict
 * (docs/model.md §3): kept, dropped, or pending on a fact only known once every input is read
 * ("is that ENI logged?", "did a NAT gateway talk to that peer?"). Per-thread caches keep the
 * hot path free of allocation and of repeated lookups. */
#include "model/network_impl.h"

#include "model/cost.h"

#include <stdlib.h>
#include <string.h>

#define LOC_CACHE 4096

typedef struct loc_slot {
    vpcflow_addr a;
    vf_loc loc;
    int64_t from, to; /* the time the answer holds (all time without --history) */
    int valid;
} loc_slot;

#define ENI_CACHE 256

/* ENI ids met recently, by a hash of their text: logs interleave a few hundred ENIs. */
typedef struct eni_slot {
    char id[32];
    uint32_t len;
    int32_t idx;
} eni_slot;

struct vf_flowctx {
    const vf_network *n;
    eni_slot enis[ENI_CACHE];
    uint8_t *logged;    /* per facts index */
    vf_map unknown_ids; /* ENIs in the logs that the facts do not list */
    vf_map nat_peers;   /* external peers of NAT gateways (one-pass mode) */
    vf_month_cache months;
    int defer;
    uint64_t via_bytes[4]; /* bytes of VPC-internal ends, by where their owner came from */
    loc_slot cache[LOC_CACHE];
};

vf_flowctx *vf_flowctx_new(const vf_network *n)
{
    vf_flowctx *c = vf_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->n = n;
    c->logged = vf_calloc(n->nfacts + 1, 1);
    if (!c->logged || vf_map_init(&c->unknown_ids, 32) < 0 || vf_map_init(&c->nat_peers, sizeof(vpcflow_addr)) < 0) {
        vf_flowctx_free(c);
        return NULL;
    }
    return c;
}

void vf_flowctx_defer(vf_flowctx *c)
{
    c->defer = 1;
}

void vf_flowctx_free(vf_flowctx *c)
{
    if (!c)
        return;
    free(c->logged);
    vf_map_free(&c->unknown_ids);
    vf_map_free(&c->nat_peers);
    free(c);
}

static const vf_loc *locate_cached(vf_flowctx *c, vpcflow_addr a, int64_t t)
{
    loc_slot *s = &c->cache[vf_hash_addr(a) & (LOC_CACHE - 1)];
    if (!s->valid || !vpcflow_addr_eq(s->a, a) || t < s->from || t >= s->to) {
        vf_locate_at(c->n, a, t, &s->loc, &s->from, &s->to);
        s->a = a;
        s->valid = 1;
    }
    return &s->loc;
}

/* A cheap hash of an ENI id ("eni-" and 8 or 17 hex digits): its last 8 bytes. */
static inline uint32_t id_hash(const char *p, size_t len)
{
    uint64_t v = 0;
    memcpy(&v, p + (len >= 8 ? len - 8 : 0), len >= 8 ? 8 : len);
    return (uint32_t)((v * 0x9e3779b97f4a7c15ull) >> 56);
}

/* Facts index of the record's interface-id (-1 when unknown), marking it logged. */
static int32_t observer(vf_flowctx *c, const vpcflow_record *rec)
{
    vpcflow_str id = vpcflow_record_text(rec, VPCFLOW_F_INTERFACE_ID);
    if (!id.ptr || (id.len == 1 && id.ptr[0] == '-') || id.len >= 32)
        return -1;
    eni_slot *s = &c->enis[id_hash(id.ptr, id.len) & (ENI_CACHE - 1)];
    if (s->len != id.len || memcmp(s->id, id.ptr, id.len) != 0) {
        memset(s->id, 0, sizeof s->id);
        memcpy(s->id, id.ptr, id.len);
        s->len = (uint32_t)id.len;
        s->idx = vf_network_eni_index(c->n, id.ptr, id.len);
        if (s->idx < 0) {
            uint32_t one = 1;
            vf_map_add(&c->unknown_ids, s->id, &one);
        }
    }
    if (s->idx >= 0)
        c->logged[s->idx] = 1;
    return s->idx;
}

static int external(const vf_loc *l)
{
    return l->kind == VF_LOC_AWS || l->kind == VF_LOC_INTERNET;
}

/* Rules 1-3: egress kept; ingress kept unless the sender's own logged ENI has it; transit
 * records kept only when neither end is a logged ENI. */
static void decide_duplicates(const vf_flowctx *c, const vpcflow_record *rec, int32_t e, vf_flow *f, int *own_s,
                              int *own_d)
{
    const vf_network *n = c->n;
    *own_s = e >= 0 && f->src.eni == e;
    *own_d = e >= 0 && f->dst.eni == e;
    if (rec->present & VPCFLOW_BIT(VPCFLOW_F_FLOW_DIRECTION)) {
        *own_s = rec->flow_direction == VPCFLOW_DIR_EGRESS;
        *own_d = !*own_s;
    }
    f->verdict = VF_KEEP;
    if (*own_s || n->no_dedup)
        return;
    int32_t x = -1, y = -1;
    if (*own_d) {
        if (e >= 0 && n->facts[e].nat) /* flow-direction says "ingress" of ENIs the facts lack too */
            return;                    /* the sender's record names the final destination, not the NAT */
        if (f->src.eni >= 0 && f->src.eni != e)
            x = f->src.eni;
    } else {
        x = f->src.eni;
        y = f->dst.eni;
        if (x < 0) {
            x = y;
            y = -1;
        }
    }
    if (x < 0)
        return;
    if (n->discovered || (!c->defer && (c->logged[x] || (y >= 0 && c->logged[y])))) {
        /* every discovered ENI had records; and "logged" never becomes false again, so what
         * this thread has already seen decides at once: only the undecided wait */
        f->verdict = VF_DROP;
        return;
    }
    f->verdict = VF_PENDING;
    f->cond.type = VF_COND_ENI_LOGGED;
    f->cond.eni = x;
    f->cond.eni2 = y;
}

/* Rule 4: a NAT client's own record of traffic that a NAT gateway carried. */
static void decide_nat(vf_flowctx *c, const vpcflow_record *rec, int32_t e, vf_flow *f, int own_s, int own_d)
{
    const vf_network *n = c->n;
    if (e < 0 || f->verdict == VF_DROP || !(own_s || own_d) || n->no_dedup)
        return;
    const vf_loc *peer = own_s ? &f->dst : &f->src;
    if (!external(peer))
        return;
    vpcflow_addr self = own_s ? rec->srcaddr : rec->dstaddr, p = own_s ? rec->dstaddr : rec->srcaddr;
    if (n->facts[e].nat) {
        if (!n->discovered) {
            vf_map_add(&c->nat_peers, &p, &(uint32_t){1});
            f->nat_witness = 1;
            f->nat_peer = p;
        }
        return;
    }
    if (n->discovered) {
        if (vf_network_nat_pair(n, self, p))
            f->verdict = VF_DROP;
        return;
    }
    if (n->facts[e].nat_client && f->verdict == VF_KEEP) {
        if (!c->defer && vf_map_get(&c->nat_peers, &p) >= 0) { /* this thread saw a NAT talk to p already */
            f->verdict = VF_DROP;
            return;
        }
        f->verdict = VF_PENDING;
        f->cond.type = VF_COND_NAT_PEER;
        f->cond.peer = p;
    }
}

int vf_flow_eval(vf_flowctx *c, const vpcflow_record *rec, vf_flow *f)
{
    int32_t e = observer(c, rec);
    if ((rec->present & VPCFLOW_BIT(VPCFLOW_F_LOG_STATUS)) && rec->log_status != VPCFLOW_STATUS_OK)
        return 0;
    const uint64_t need = VPCFLOW_BIT(VPCFLOW_F_SRCADDR) | VPCFLOW_BIT(VPCFLOW_F_DSTADDR);
    if ((rec->present & need) != need)
        return 0;
    memset(&f->cond, 0, sizeof f->cond);
    f->cond.eni = f->cond.eni2 = -1;
    f->nat_witness = 0;
    f->src = *locate_cached(c, rec->srcaddr, rec->start);
    f->dst = *locate_cached(c, rec->dstaddr, rec->start);
    if (f->src.kind == VF_LOC_VPC)
        c->via_bytes[f->src.via] += rec->bytes;
    if (f->dst.kind == VF_LOC_VPC)
        c->via_bytes[f->dst.via] += rec->bytes;
    f->observer = e;
    f->cls = vf_class_of(c->n, &f->src, &f->dst);
    int own_s, own_d;
    decide_duplicates(c, rec, e, f, &own_s, &own_d);
    decide_nat(c, rec, e, f, own_s, own_d);
    f->nat_in = e >= 0 && c->n->facts[e].nat && own_d;
    f->month = vf_month_of(&c->months, rec->start);
    f->m.bytes = rec->bytes;
    f->m.packets = rec->packets;
    f->m.flows = 1;
    if (f->cls == VPCFLOW_CLASS_INTERNET_OUT) {
        f->m.inet_bytes = rec->bytes;
        f->m.cost = 0;
    } else {
        f->m.inet_bytes = 0;
        f->m.cost = (unsigned __int128)rec->bytes * vf_hop_rate(c->n, f);
    }
    return 1;
}

/* ---- what decides the pending conditions ------------------------------------------------ */

struct vf_outcome {
    const vf_network *n;
    uint64_t via_bytes[4];
    uint8_t *logged;
    vf_map nat_peers;
    vf_map unknown_ids;
};

vf_outcome *vf_outcome_new(const vf_network *n)
{
    vf_outcome *o = vf_calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->n = n;
    o->logged = vf_calloc(n->nfacts + 1, 1);
    if (!o->logged || vf_map_init(&o->nat_peers, sizeof(vpcflow_addr)) < 0 || vf_map_init(&o->unknown_ids, 32) < 0) {
        vf_outcome_free(o);
        return NULL;
    }
    return o;
}

void vf_outcome_free(vf_outcome *o)
{
    if (!o)
        return;
    free(o->logged);
    vf_map_free(&o->nat_peers);
    vf_map_free(&o->unknown_ids);
    free(o);
}

static int merge_set(vf_map *into, const vf_map *from)
{
    for (size_t i = 0; i < from->cap; i++) {
        uint32_t one = 1;
        if (from->used[i] && vf_map_add(into, from->keys + i * from->key_size, &one) < 0)
            return -1;
    }
    return 0;
}

int vf_outcome_merge(vf_outcome *o, const vf_flowctx *c)
{
    for (size_t i = 0; i < o->n->nfacts; i++)
        o->logged[i] |= c->logged[i];
    for (int i = 0; i < 4; i++)
        o->via_bytes[i] += c->via_bytes[i];
    if (merge_set(&o->nat_peers, &c->nat_peers) < 0 || merge_set(&o->unknown_ids, &c->unknown_ids) < 0)
        return -1;
    return 0;
}

int vf_cond_drops(const vf_outcome *o, const vf_cond *cond)
{
    switch (cond->type) {
    case VF_COND_ENI_LOGGED:
        return (cond->eni >= 0 && o->logged[cond->eni]) || (cond->eni2 >= 0 && o->logged[cond->eni2]);
    case VF_COND_NAT_PEER:
        return vf_map_get(&o->nat_peers, &cond->peer) >= 0;
    default:
        return 0;
    }
}

uint64_t vf_outcome_via_bytes(const vf_outcome *o, int via)
{
    return via >= 0 && via < 4 ? o->via_bytes[via] : 0;
}

int vf_outcome_logged(const vf_outcome *o, int32_t eni)
{
    return eni >= 0 && (size_t)eni < o->n->nfacts && o->logged[eni];
}

size_t vf_outcome_unknown_enis(const vf_outcome *o, char *example, size_t cap)
{
    if (cap)
        example[0] = 0;
    for (size_t i = 0; i < o->unknown_ids.cap && cap; i++)
        if (o->unknown_ids.used[i]) {
            /* the smallest id, for a stable message */
            const char *k = (const char *)o->unknown_ids.keys + i * 32;
            if (!example[0] || strcmp(k, example) < 0)
                snprintf(example, cap, "%s", k);
        }
    return o->unknown_ids.count;
}
