/* discover.c — the first pass when --enis is not given: learns from the logs themselves
 * which address each ENI owns (the one present in all of its records, per address family, or
 * the side flow-direction names), which ENIs are NAT gateways and which (client, peer) pairs
 * they carried (v3+ pkt-* fields), and what v3/v4 fields say of an ENI (instance, AZ, region).
 * The result becomes the ENI facts of the network (docs/model.md §3). */
#include "model/network_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_UNSEEN, C_ONE, C_TWO, C_EMPTY };

typedef struct cand {
    uint8_t state;
    vpcflow_addr a[2];
} cand;

typedef struct dv_eni {
    char id[32];
    cand c4, c6;
    uint8_t nat;
    char instance[32], az_id[32], region[32];
} dv_eni;

typedef struct dv_state {
    const vf_network *n;
    vf_map ids;
    dv_eni *v;
    size_t count, cap;
    vf_map pairs;
    int32_t last;
    char last_id[32];
    size_t last_len;
    int saw_pkt;
    int failed;
} dv_state;

typedef struct dv_ctx {
    vf_network *n;
    dv_state *all; /* merged */
} dv_ctx;

static int dv_init(dv_state *s, const vf_network *n)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->last = -1;
    return vf_map_init(&s->ids, 32) < 0 || vf_map_init(&s->pairs, 2 * sizeof(vpcflow_addr)) < 0 ? -1 : 0;
}

static void dv_free(dv_state *s)
{
    vf_map_free(&s->ids);
    vf_map_free(&s->pairs);
    free(s->v);
    free(s);
}

static int32_t dv_eni_of(dv_state *s, const char *id, size_t len)
{
    char key[32] = {0};
    memcpy(key, id, len < 31 ? len : 31);
    uint32_t idx = (uint32_t)s->count;
    int r = vf_map_add(&s->ids, key, &idx);
    if (r < 0)
        return -1;
    if (r == 1) {
        if (vf_grow(&s->v, &s->cap, s->count + 1, sizeof *s->v) < 0)
            return -1;
        memset(&s->v[s->count], 0, sizeof s->v[0]);
        memcpy(s->v[s->count].id, key, sizeof key);
        s->count++;
    }
    return (int32_t)idx;
}

static int addr_lt(vpcflow_addr a, vpcflow_addr b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

/* Narrows the candidates to those in {a, b} (b absent when has_b is 0). */
static void constrain(cand *c, vpcflow_addr a, vpcflow_addr b, int has_b)
{
    if (c->state == C_EMPTY)
        return;
    if (c->state == C_UNSEEN) {
        c->a[0] = a;
        c->state = C_ONE;
        if (has_b && !vpcflow_addr_eq(a, b)) {
            c->a[1] = b;
            c->state = C_TWO;
        }
        return;
    }
    int n = c->state == C_ONE ? 1 : 2, k = 0;
    vpcflow_addr keep[2];
    for (int i = 0; i < n; i++)
        if (vpcflow_addr_eq(c->a[i], a) || (has_b && vpcflow_addr_eq(c->a[i], b)))
            keep[k++] = c->a[i];
    c->a[0] = keep[0];
    c->a[1] = keep[1];
    c->state = k == 0 ? C_EMPTY : k == 1 ? C_ONE : C_TWO;
}

static void intersect(cand *into, const cand *from)
{
    if (from->state == C_UNSEEN)
        return;
    if (from->state == C_EMPTY) {
        into->state = C_EMPTY;
        return;
    }
    if (into->state == C_UNSEEN) {
        *into = *from;
        return;
    }
    constrain(into, from->a[0], from->a[1], from->state == C_TWO);
}

static int internal(const vf_network *n, vpcflow_addr a)
{
    return vf_is_private(a) || vf_topology_subnet_of(n->topo, a) != NULL;
}

static void copy_field(char *dst, size_t cap, const vpcflow_record *r, vpcflow_field f)
{
    if (dst[0] || !(r->present & VPCFLOW_BIT(f)))
        return;
    vpcflow_str s = vpcflow_record_text(r, f);
    if (s.len < cap) {
        memcpy(dst, s.ptr, s.len);
        dst[s.len] = 0;
    }
}

static void note_nat(dv_state *s, dv_eni *e, vpcflow_addr client, vpcflow_addr peer)
{
    e->nat = 1;
    vpcflow_addr key[2] = {client, peer};
    uint32_t one = 1;
    if (vf_map_add(&s->pairs, key, &one) < 0)
        s->failed = 1;
}

static int dv_record(void *state, const vpcflow_record *r)
{
    dv_state *s = state;
    vpcflow_str id = vpcflow_record_text(r, VPCFLOW_F_INTERFACE_ID);
    if (!id.ptr || (id.len == 1 && id.ptr[0] == '-'))
        return 0;
    int32_t i = (id.len == s->last_len && s->last >= 0 && memcmp(id.ptr, s->last_id, id.len) == 0)
                    ? s->last
                    : dv_eni_of(s, id.ptr, id.len);
    if (i < 0) {
        s->failed = 1;
        return 1;
    }
    if (id.len < sizeof s->last_id) {
        memcpy(s->last_id, id.ptr, id.len);
        s->last_len = id.len;
        s->last = i;
    }
    dv_eni *e = &s->v[i];
    if (r->present & VPCFLOW_BIT(VPCFLOW_F_INSTANCE_ID))
        copy_field(e->instance, sizeof e->instance, r, VPCFLOW_F_INSTANCE_ID);
    copy_field(e->az_id, sizeof e->az_id, r, VPCFLOW_F_AZ_ID);
    copy_field(e->region, sizeof e->region, r, VPCFLOW_F_REGION);
    const uint64_t both = VPCFLOW_BIT(VPCFLOW_F_SRCADDR) | VPCFLOW_BIT(VPCFLOW_F_DSTADDR);
    if ((r->present & both) != both)
        return 0;
    cand *c = vpcflow_addr_is_v4(r->srcaddr) ? &e->c4 : &e->c6;
    if (r->present & VPCFLOW_BIT(VPCFLOW_F_FLOW_DIRECTION))
        constrain(c, r->flow_direction == VPCFLOW_DIR_EGRESS ? r->srcaddr : r->dstaddr, r->srcaddr, 0);
    else
        constrain(c, r->srcaddr, r->dstaddr, 1);
    if (r->present & VPCFLOW_BIT(VPCFLOW_F_PKT_DSTADDR)) {
        s->saw_pkt = 1;
        if (!vpcflow_addr_eq(r->pkt_dstaddr, r->dstaddr) && internal(s->n, r->dstaddr) &&
            !internal(s->n, r->pkt_dstaddr))
            note_nat(s, e, r->srcaddr, r->pkt_dstaddr);
    }
    if (r->present & VPCFLOW_BIT(VPCFLOW_F_PKT_SRCADDR)) {
        s->saw_pkt = 1;
        if (!vpcflow_addr_eq(r->pkt_srcaddr, r->srcaddr) && internal(s->n, r->srcaddr) &&
            !internal(s->n, r->pkt_srcaddr))
            note_nat(s, e, r->dstaddr, r->pkt_srcaddr);
    }
    return s->failed;
}

static void *dv_open(void *ctx, unsigned worker)
{
    (void)worker;
    dv_ctx *c = ctx;
    dv_state *s = malloc(sizeof *s);
    if (s && dv_init(s, c->n) < 0) {
        dv_free(s);
        s = NULL;
    }
    return s;
}

static int dv_close(void *ctx, void *state)
{
    dv_ctx *c = ctx;
    dv_state *s = state, *all = c->all;
    int rc = s->failed;
    for (size_t i = 0; i < s->count && !rc; i++) {
        const dv_eni *e = &s->v[i];
        int32_t k = dv_eni_of(all, e->id, strlen(e->id));
        if (k < 0) {
            rc = 1;
            break;
        }
        dv_eni *g = &all->v[k];
        intersect(&g->c4, &e->c4);
        intersect(&g->c6, &e->c6);
        g->nat |= e->nat;
        if (!g->instance[0])
            memcpy(g->instance, e->instance, sizeof g->instance);
        if (!g->az_id[0])
            memcpy(g->az_id, e->az_id, sizeof g->az_id);
        if (!g->region[0])
            memcpy(g->region, e->region, sizeof g->region);
    }
    for (size_t i = 0; i < s->pairs.cap && !rc; i++) {
        uint32_t one = 1;
        if (s->pairs.used[i] && vf_map_add(&all->pairs, s->pairs.keys + i * s->pairs.key_size, &one) < 0)
            rc = 1;
    }
    all->saw_pkt |= s->saw_pkt;
    dv_free(s);
    return rc;
}

/* ---- resolving ownership --------------------------------------------------------------- */

static int cmp_id(const void *a, const void *b, void *ctx)
{
    const dv_eni *v = ctx;
    return strcmp(v[*(const size_t *)a].id, v[*(const size_t *)b].id);
}

/* Gives every ENI of a family its own address: single candidates first, then elimination
 * (an address has one owner), then the lower address, in ENI id order. Returns -1 when out
 * of memory (the owners found would depend on where it ran out). */
static int resolve_family(dv_eni *v, const size_t *order, size_t n, int v6, vpcflow_addr *own, uint8_t *has)
{
    vf_map taken;
    if (vf_map_init(&taken, sizeof(vpcflow_addr)) < 0)
        return -1;
    int changed = 1, oom = 0;
    while (changed) {
        changed = 0;
        for (size_t k = 0; k < n; k++) {
            size_t i = order[k];
            cand *c = v6 ? &v[i].c6 : &v[i].c4;
            if (has[i] || (c->state != C_ONE && c->state != C_TWO))
                continue;
            int free0 = vf_map_get(&taken, &c->a[0]) < 0;
            int free1 = c->state == C_TWO && vf_map_get(&taken, &c->a[1]) < 0;
            if (c->state == C_ONE || (free0 != free1)) {
                own[i] = c->state == C_ONE || free0 ? c->a[0] : c->a[1];
                has[i] = 1;
                oom |= vf_map_put(&taken, &own[i], (uint32_t)i) < 0;
                changed = 1;
            }
        }
        if (changed)
            continue;
        for (size_t k = 0; k < n && !changed; k++) { /* still ambiguous: the lower free address */
            size_t i = order[k];
            cand *c = v6 ? &v[i].c6 : &v[i].c4;
            if (has[i] || c->state != C_TWO)
                continue;
            int free0 = vf_map_get(&taken, &c->a[0]) < 0, free1 = vf_map_get(&taken, &c->a[1]) < 0;
            if (!free0 && !free1)
                continue; /* both owned by others: this ENI's own address stays unknown */
            own[i] = free0 && (!free1 || addr_lt(c->a[0], c->a[1])) ? c->a[0] : c->a[1];
            has[i] = 1;
            oom |= vf_map_put(&taken, &own[i], (uint32_t)i) < 0;
            changed = 1;
        }
    }
    vf_map_free(&taken);
    return oom ? -1 : 0;
}

static vpcflow_status build_facts(vf_network *n, dv_state *all, vpcflow_error *err)
{
    size_t cnt = all->count;
    size_t *order = malloc((cnt + 1) * sizeof *order);
    vpcflow_addr *own4 = vf_calloc(cnt + 1, sizeof *own4), *own6 = vf_calloc(cnt + 1, sizeof *own6);
    uint8_t *has4 = vf_calloc(cnt + 1, 1), *has6 = vf_calloc(cnt + 1, 1);
    vpcflow_status st = VPCFLOW_OK;
    if (!order || !own4 || !own6 || !has4 || !has6) {
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < cnt; i++)
        order[i] = i;
    if (cnt)
        qsort_r(order, cnt, sizeof *order, cmp_id, all->v);
    if (resolve_family(all->v, order, cnt, 0, own4, has4) < 0 || resolve_family(all->v, order, cnt, 1, own6, has6) < 0)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < cnt && st == VPCFLOW_OK; k++) {
        size_t i = order[k];
        const dv_eni *e = &all->v[i];
        vf_eni_facts f;
        memset(&f, 0, sizeof f);
        memcpy(f.id, e->id, sizeof e->id);
        f.own4 = own4[i];
        f.has_own4 = has4[i];
        f.own6 = own6[i];
        f.has_own6 = has6[i];
        f.nat = e->nat;
        f.kind = e->nat ? VF_OWNER_NAT : e->instance[0] ? VF_OWNER_EC2 : VF_OWNER_UNKNOWN;
        if (e->nat)
            snprintf(f.label, sizeof f.label, "nat-gateway (%s)", e->id);
        else if (e->instance[0])
            snprintf(f.label, sizeof f.label, "ec2 %s", e->instance);
        else
            snprintf(f.label, sizeof f.label, "%s", e->id);
        if (e->az_id[0])
            f.az_key = vf_topology_az_key(n->topo, e->az_id, strlen(e->az_id));
        if (e->region[0])
            f.region_key = vf_topology_region_key(n->topo, e->region, strlen(e->region));
        int32_t idx = vf_network_add_facts(n, &f);
        if (idx < 0 || (f.has_own4 && vf_network_own(n, f.own4, idx) < 0) ||
            (f.has_own6 && vf_network_own(n, f.own6, idx) < 0))
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    if (st == VPCFLOW_OK && vf_topology_out_of_memory(n->topo))
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < all->pairs.cap && st == VPCFLOW_OK; i++)
        if (all->pairs.used[i] && vf_map_put(&n->nat_pairs, all->pairs.keys + i * all->pairs.key_size, 1) < 0)
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
done:
    free(order);
    free(own4);
    free(own6);
    free(has4);
    free(has6);
    return st;
}

vpcflow_status vf_network_discover(vf_network *n, const char *const *paths, size_t npaths,
                                   const vpcflow_scan_options *scan, vpcflow_error *err)
{
    dv_state *all = malloc(sizeof *all);
    if (!all || dv_init(all, n) < 0) {
        if (all)
            dv_free(all);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    dv_ctx ctx = {n, all};
    vpcflow_scan_options o = *scan;
    o.diag = NULL; /* the second pass reports malformed lines */
    o.strict = 0;
    vpcflow_sink sink = {dv_open, dv_record, NULL, dv_close, &ctx, NULL};
    vpcflow_status st = vpcflow_scan(paths, npaths, &o, &sink, NULL, err);
    if (st == VPCFLOW_ERR_STOPPED)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory while learning the network");
    if (st == VPCFLOW_OK)
        st = build_facts(n, all, err);
    if (st == VPCFLOW_OK) {
        n->discovered = 1;
        n->nat_visible = all->saw_pkt;
    }
    dv_free(all);
    return st;
}
