/* ivmap.c — interval maps: CIDR blocks flattened into sorted disjoint ranges for binary search. */
#include "base/ivmap.h"

#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

/* Blocks are sorted by (start, end descending), so a block comes right after the blocks that
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

/* Index of the last start <= x, or (size_t)-1: one binary search, written once for the IPv4
 * (uint32_t) and IPv6 (u128) start arrays. */
#define DEFINE_SEARCH(name, T)                                                                                         \
    static size_t name(const T *lo, size_t n, T x)                                                                     \
    {                                                                                                                  \
        if (!n || x < lo[0])                                                                                           \
            return (size_t)-1;                                                                                         \
        size_t base = 0;                                                                                               \
        while (n > 1) {                                                                                                \
            size_t half = n / 2;                                                                                       \
            if (lo[base + half] <= x)                                                                                  \
                base += half;                                                                                          \
            n -= half;                                                                                                 \
        }                                                                                                              \
        return base;                                                                                                   \
    }
DEFINE_SEARCH(search4, uint32_t)
DEFINE_SEARCH(search6, u128)
#undef DEFINE_SEARCH

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
