/* ipranges.c — AWS's ip-ranges.json and the interval maps behind every address-range lookup. */
#include "model/topology.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PREFIXES (1u << 21) /* real files hold about 10,000 */

typedef unsigned __int128 u128;

/* ---- interval maps ------------------------------------------------------------------------
 *
 * Blocks are sorted by (start, end descending), so a block comes right after the blocks that
 * hold it. A sweep keeps the chain of open blocks on a stack, each with the winner of its chain,
 * and emits a segment whenever the innermost open block changes:
 *
 *     blocks   [------------- A /15 -------------]
 *                     [--- B /19 ---]
 *     segments[- A --][----- B -----][---- A ----]
 */

typedef struct iv_block {
    u128 lo, hi;
    uint32_t id;
    int v4;
} iv_block;

typedef struct iv_seg {
    u128 lo, hi;
    uint32_t id;
} iv_seg;

typedef struct iv_sweep {
    iv_seg *out;
    size_t n;
    u128 cur;
    int cur_valid; /* 0 once the sweep has covered the top of the address space */
} iv_sweep;

static u128 addr_u128(vpcflow_addr a)
{
    return ((u128)a.hi << 64) | a.lo;
}

static int block_cmp(const void *pa, const void *pb)
{
    const iv_block *a = pa, *b = pb;
    if (a->v4 != b->v4)
        return a->v4 ? -1 : 1;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    if (a->hi != b->hi)
        return a->hi > b->hi ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static void emit(iv_sweep *s, u128 lo, u128 hi, uint32_t id)
{
    iv_seg *last = s->n ? &s->out[s->n - 1] : NULL;
    if (last && last->id == id && last->hi + 1 == lo) {
        last->hi = hi;
        return;
    }
    s->out[s->n++] = (iv_seg){lo, hi, id};
}

/* Closes the innermost open block: what is left of it up to its end goes to its chain's winner. */
static void close_block(iv_sweep *s, const iv_block *b, uint32_t winner)
{
    if (!s->cur_valid || s->cur > b->hi)
        return;
    emit(s, s->cur, b->hi, winner);
    if (b->hi == ~(u128)0)
        s->cur_valid = 0;
    else
        s->cur = b->hi + 1;
}

/* Sweeps the blocks of one family (sorted) into segments; stack and winners hold n entries. */
static void sweep(iv_sweep *s, const iv_block *b, size_t n, size_t *stack, uint32_t *winners, vf_iv_better better,
                  vf_iv_overlap overlap, void *ctx)
{
    size_t sp = 0;
    s->cur_valid = 1;
    for (size_t i = 0; i < n; i++) {
        while (sp && b[stack[sp - 1]].hi < b[i].lo) {
            close_block(s, &b[stack[sp - 1]], winners[sp - 1]);
            sp--;
        }
        uint32_t win = b[i].id;
        if (sp) {
            uint32_t outer = winners[sp - 1];
            if (overlap)
                overlap(ctx, b[stack[sp - 1]].id, b[i].id);
            if (s->cur_valid && s->cur < b[i].lo)
                emit(s, s->cur, b[i].lo - 1, outer);
            if (!better(ctx, win, outer))
                win = outer;
        }
        s->cur = b[i].lo;
        s->cur_valid = 1;
        stack[sp] = i;
        winners[sp++] = win;
    }
    while (sp) {
        close_block(s, &b[stack[sp - 1]], winners[sp - 1]);
        sp--;
    }
}

static int ivmap_alloc(vf_ivmap *m, size_t n4, size_t n6)
{
    m->lo4 = vf_calloc(n4, sizeof *m->lo4);
    m->hi4 = vf_calloc(n4, sizeof *m->hi4);
    m->val4 = vf_calloc(n4, sizeof *m->val4);
    m->lo6 = vf_calloc(n6, sizeof *m->lo6);
    m->hi6 = vf_calloc(n6, sizeof *m->hi6);
    m->val6 = vf_calloc(n6, sizeof *m->val6);
    return m->lo4 && m->hi4 && m->val4 && m->lo6 && m->hi6 && m->val6 ? 0 : -1;
}

static void ivmap_fill(vf_ivmap *m, const iv_seg *v4, size_t n4, const iv_seg *v6, size_t n6)
{
    for (size_t i = 0; i < n4; i++) {
        m->lo4[i] = (uint32_t)v4[i].lo;
        m->hi4[i] = (uint32_t)v4[i].hi;
        m->val4[i] = v4[i].id;
    }
    for (size_t i = 0; i < n6; i++) {
        m->lo6[i] = v6[i].lo;
        m->hi6[i] = v6[i].hi;
        m->val6[i] = v6[i].id;
    }
    m->n4 = n4;
    m->n6 = n6;
}

vpcflow_status vf_ivmap_build(vf_ivmap *m, const vf_ivblock *blocks, size_t n, vf_iv_better better,
                              vf_iv_overlap overlap, void *ctx)
{
    vf_ivmap_free(m);
    iv_block *b = vf_calloc(n, sizeof *b);
    size_t *stack = vf_calloc(n, sizeof *stack);
    uint32_t *winners = vf_calloc(n, sizeof *winners);
    iv_sweep s4 = {vf_calloc(2 * n + 1, sizeof(iv_seg)), 0, 0, 1};
    iv_sweep s6 = {vf_calloc(2 * n + 1, sizeof(iv_seg)), 0, 0, 1};
    vpcflow_status st = VPCFLOW_ERR_IO;
    if (!b || !stack || !winners || !s4.out || !s6.out)
        goto done;
    size_t n4 = 0;
    for (size_t i = 0; i < n; i++) {
        u128 net = addr_u128(blocks[i].net);
        unsigned plen = blocks[i].plen > 128 ? 128 : blocks[i].plen;
        u128 host = plen == 0 ? ~(u128)0 : plen == 128 ? 0 : (~(u128)0) >> plen;
        b[i] = (iv_block){net & ~host, (net & ~host) | host, blocks[i].id,
                          vpcflow_addr_is_v4(blocks[i].net) && plen >= 96};
        n4 += (size_t)b[i].v4;
    }
    qsort(b, n, sizeof *b, block_cmp);
    sweep(&s4, b, n4, stack, winners, better, overlap, ctx);
    sweep(&s6, b + n4, n - n4, stack, winners, better, overlap, ctx);
    if (ivmap_alloc(m, s4.n, s6.n) < 0) {
        vf_ivmap_free(m);
        goto done;
    }
    ivmap_fill(m, s4.out, s4.n, s6.out, s6.n);
    st = VPCFLOW_OK;
done:
    free(b);
    free(stack);
    free(winners);
    free(s4.out);
    free(s6.out);
    return st;
}

/* Index of the last start <= x, or (size_t)-1. */
static size_t search4(const uint32_t *lo, size_t n, uint32_t x)
{
    if (!n || x < lo[0])
        return (size_t)-1;
    size_t base = 0;
    while (n > 1) {
        size_t half = n / 2;
        if (lo[base + half] <= x)
            base += half;
        n -= half;
    }
    return base;
}

static size_t search6(const u128 *lo, size_t n, u128 x)
{
    if (!n || x < lo[0])
        return (size_t)-1;
    size_t base = 0;
    while (n > 1) {
        size_t half = n / 2;
        if (lo[base + half] <= x)
            base += half;
        n -= half;
    }
    return base;
}

uint32_t vf_ivmap_find(const vf_ivmap *m, vpcflow_addr a)
{
    if (vpcflow_addr_is_v4(a)) {
        uint32_t x = vpcflow_addr_v4(a);
        size_t i = search4(m->lo4, m->n4, x);
        return i != (size_t)-1 && x <= m->hi4[i] ? m->val4[i] + 1 : 0;
    }
    u128 x = addr_u128(a);
    size_t i = search6(m->lo6, m->n6, x);
    return i != (size_t)-1 && x <= m->hi6[i] ? m->val6[i] + 1 : 0;
}

void vf_ivmap_free(vf_ivmap *m)
{
    free(m->lo4);
    free(m->hi4);
    free(m->val4);
    free(m->lo6);
    free(m->hi6);
    free(m->val6);
    memset(m, 0, sizeof *m);
}

/* ---- ip-ranges.json ------------------------------------------------------------------------ */

struct vf_ipranges {
    vf_aws_range *ranges;
    size_t n, cap;
    vf_ivmap map;
};

vf_ipranges *vf_ipranges_new(void)
{
    return vf_calloc(1, sizeof(vf_ipranges));
}

void vf_ipranges_free(vf_ipranges *r)
{
    if (!r)
        return;
    vf_ivmap_free(&r->map);
    free(r->ranges);
    free(r);
}

size_t vf_ipranges_count(const vf_ipranges *r)
{
    return r ? r->n : 0;
}

/* At one address the longest prefix wins; at equal length a specific service beats AMAZON (the
 * superset every range is also listed under); among specific services the alphabetically first
 * wins, then the first region, then the first loaded, so the answer never depends on luck. */
static int range_better(const void *ctx, uint32_t ia, uint32_t ib)
{
    const vf_aws_range *a = (const vf_aws_range *)ctx + ia, *b = (const vf_aws_range *)ctx + ib;
    if (a->plen != b->plen)
        return a->plen > b->plen;
    int a_generic = strcmp(a->service, "AMAZON") == 0, b_generic = strcmp(b->service, "AMAZON") == 0;
    if (a_generic != b_generic)
        return b_generic;
    int c = strcmp(a->service, b->service);
    if (c)
        return c < 0;
    c = strcmp(a->region, b->region);
    if (c)
        return c < 0;
    return ia < ib;
}

vpcflow_status vf_ipranges_finish(vf_ipranges *r, vpcflow_error *err)
{
    vf_ivblock *blocks = vf_calloc(r->n, sizeof *blocks);
    if (!blocks)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory indexing AWS address ranges");
    for (size_t i = 0; i < r->n; i++)
        blocks[i] = (vf_ivblock){r->ranges[i].net, r->ranges[i].plen, (uint32_t)i};
    vpcflow_status st = vf_ivmap_build(&r->map, blocks, r->n, range_better, NULL, r->ranges);
    free(blocks);
    if (st != VPCFLOW_OK)
        return vf_error(err, st, NULL, 0, 0, "out of memory indexing AWS address ranges");
    return VPCFLOW_OK;
}

const vf_aws_range *vf_ipranges_lookup(const vf_ipranges *r, vpcflow_addr a)
{
    uint32_t id = vf_ivmap_find(&r->map, a);
    return id ? &r->ranges[id - 1] : NULL;
}

static vpcflow_status add_range(vf_ipranges *r, vf_topology *t, const char *file, const json_t *el, const char *where,
                                const char *key, vpcflow_error *err)
{
    if (!json_is_object(el))
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: expected an object, found %s", where,
                        vf_json_type_name(el));
    char prefix[64], region[64], service[64], q[96];
    vpcflow_status st;
    if ((st = vf_json_string(el, key, file, where, prefix, sizeof prefix, err)) ||
        (st = vf_json_string(el, "region", file, where, region, sizeof region, err)) ||
        (st = vf_json_string(el, "service", file, where, service, sizeof service, err)))
        return st;
    if (!prefix[0])
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: no %s", where, key);
    vf_aws_range a = {0};
    if (vpcflow_cidr_parse(prefix, strlen(prefix), &a.net, &a.plen) < 0) {
        vf_quote(prefix, strlen(prefix), q, sizeof q);
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s.%s: %s is not a CIDR block", where, key, q);
    }
    if (!service[0]) /* AMAZON is the catch-all: a prefix without a service is at most that */
        memcpy(service, "AMAZON", sizeof "AMAZON");
    uint16_t sk = vf_topology_service_key(t, service, strlen(service));
    a.region_key = vf_topology_region_key(t, region, strlen(region));
    if (!sk || (region[0] && !a.region_key))
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: too many distinct service or region names", where);
    a.service = vf_topology_service_name(t, sk);
    a.region = a.region_key ? vf_topology_region_name(t, a.region_key) : "";
    if (r->n == r->cap) {
        if (r->n >= MAX_PREFIXES)
            return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "more than %u prefixes", MAX_PREFIXES);
        size_t cap = r->cap ? 2 * r->cap : 1024;
        vf_aws_range *grown = realloc(r->ranges, cap * sizeof *grown);
        if (!grown)
            return vf_error(err, VPCFLOW_ERR_IO, file, 0, 0, "out of memory");
        r->ranges = grown;
        r->cap = cap;
    }
    r->ranges[r->n++] = a;
    return VPCFLOW_OK;
}

static vpcflow_status add_list(vf_ipranges *r, vf_topology *t, const char *file, const json_t *doc, const char *list,
                               const char *key, vpcflow_error *err)
{
    const json_t *arr = json_object_get(doc, list);
    if (!arr || json_is_null(arr))
        return VPCFLOW_OK;
    if (!json_is_array(arr))
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: expected an array, found %s", list,
                        vf_json_type_name(arr));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char where[48];
        snprintf(where, sizeof where, "%s[%zu]", list, i);
        vpcflow_status st = add_range(r, t, file, json_array_get(arr, i), where, key, err);
        if (st)
            return st;
    }
    return VPCFLOW_OK;
}

vpcflow_status vf_topology_load_ipranges_buf(vf_topology *t, const char *name, const char *data, size_t len,
                                             vpcflow_error *err)
{
    vf_ipranges *r = vf_topology_ipranges(t);
    if (!r)
        return vf_error(err, VPCFLOW_ERR_IO, name, 0, 0, "out of memory");
    json_t *doc;
    vpcflow_status st = vf_topology_parse_json(name, data, len, &doc, err);
    if (st)
        return st;
    if (!json_is_object(doc) ||
        (!json_is_array(json_object_get(doc, "prefixes")) && !json_is_array(json_object_get(doc, "ipv6_prefixes")))) {
        st = vf_topology_wrong_kind(name, doc, "prefixes array",
                                    "AWS's ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json)", err);
        json_decref(doc);
        return st;
    }
    size_t before = r->n;
    st = add_list(r, t, name, doc, "prefixes", "ip_prefix", err);
    if (!st)
        st = add_list(r, t, name, doc, "ipv6_prefixes", "ipv6_prefix", err);
    if (st)
        r->n = before; /* a file loads whole or not at all */
    json_decref(doc);
    return st;
}

vpcflow_status vf_topology_load_ipranges(vf_topology *t, const char *path, vpcflow_error *err)
{
    char *data;
    size_t len;
    vpcflow_status st = vf_read_file(path, VF_TOPO_MAX_FILE, "an ip-ranges.json file", &data, &len, err);
    if (st)
        return st;
    st = vf_topology_load_ipranges_buf(t, path, data, len, err);
    free(data);
    return st;
}
