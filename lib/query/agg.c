/* agg.c — group-by hash tables with a memory budget.
 *
 * Exact mode: groups live in a dense array (insertion order), found through an
 * open-addressing index of 32-bit slots (linear probing, load <= 1/2):
 *
 *   index: [0][3][0][1][2][0]...   entries: | hdr key | hdr key | hdr key | ...
 *                                            hdr = hash, err, metrics
 *
 * When a new group would take the table past its budget, it switches to a batched form of
 * Space-Saving (Metwally et al., 2005): the groups at or below the median of the ranking metric
 * are evicted in one linear pass, and the median becomes the floor. A group that enters later
 * starts at the floor, as the most it can have had before (its err): estimates never fall
 * below the truth and exceed it by at most the floor, which is at most twice the total over
 * the table's size. Eviction costs O(m) every m/2 new groups, O(1) per group, where a heap
 * would cost a root-to-leaf walk through cold memory for every new group.
 */
#include "query/agg.h"

#include <stdlib.h>
#include <string.h>

typedef struct hdr {
    uint64_t hash;
    uint64_t err;
    vf_metrics m;
} hdr;

struct vf_agg {
    size_t key_size, entry_size;
    size_t mem_limit;
    vf_rank rank;
    uint64_t inet_rate;
    unsigned char *entries;
    size_t count, cap;
    uint32_t *index; /* entry number + 1; 0 = empty */
    size_t index_cap;
    /* heavy-hitter mode */
    int approx;
    uint64_t error_bound; /* the floor: what an evicted group may have had */
};

static hdr *entry(const vf_agg *a, size_t i)
{
    return (hdr *)(void *)(a->entries + i * a->entry_size);
}

static unsigned char *entry_key(const vf_agg *a, size_t i)
{
    return a->entries + i * a->entry_size + sizeof(hdr);
}

vf_agg *vf_agg_new(size_t key_size, size_t mem_limit, vf_rank rank, uint64_t cost_inet_rate)
{
    vf_agg *a = vf_calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->key_size = key_size;
    a->entry_size = (sizeof(hdr) + key_size + 15) & ~(size_t)15;
    a->mem_limit = mem_limit;
    a->rank = rank;
    a->inet_rate = cost_inet_rate;
    a->index_cap = 64;
    a->index = vf_calloc(a->index_cap, sizeof *a->index);
    if (!a->index) {
        free(a);
        return NULL;
    }
    return a;
}

void vf_agg_free(vf_agg *a)
{
    if (!a)
        return;
    free(a->entries);
    free(a->index);
    free(a);
}

void vf_agg_set_limit(vf_agg *a, size_t mem_limit)
{
    a->mem_limit = mem_limit;
}

uint64_t vf_agg_rank_value(const vf_agg *a, const vf_metrics *m)
{
    switch (a->rank) {
    case VF_RANK_PACKETS:
        return m->packets;
    case VF_RANK_FLOWS:
        return m->flows;
    case VF_RANK_COST:
        /* pico-dollars: the exact numerator divided by 2^30 */
        return (uint64_t)((m->cost + (unsigned __int128)m->inet_bytes * a->inet_rate) >> 30);
    default:
        return m->bytes;
    }
}

size_t vf_agg_memory(const vf_agg *a)
{
    return a->cap * a->entry_size + a->index_cap * sizeof *a->index;
}

/* Keys are compared after their 64-bit hashes matched, so this is nearly always a hit; small
 * keys (addresses, ports) avoid a call to memcmp. */
static inline int key_eq(const unsigned char *a, const unsigned char *b, size_t n)
{
    if (n == 16) {
        uint64_t x[2], y[2];
        memcpy(x, a, 16);
        memcpy(y, b, 16);
        return x[0] == y[0] && x[1] == y[1];
    }
    if (n == 4) {
        uint32_t x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        return x == y;
    }
    if (n % 8 == 0) {
        uint64_t diff = 0;
        for (size_t i = 0; i < n; i += 8) {
            uint64_t x, y;
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            diff |= x ^ y;
        }
        return diff == 0;
    }
    return memcmp(a, b, n) == 0;
}

/* Slot of key in the index: the slot holding it, or the empty slot where it would go. */
static size_t probe(const vf_agg *a, const void *key, uint64_t hash, int *found)
{
    size_t mask = a->index_cap - 1, s = (size_t)hash & mask;
    for (;;) {
        uint32_t e = a->index[s];
        if (!e) {
            *found = 0;
            return s;
        }
        if (entry(a, e - 1)->hash == hash && key_eq(entry_key(a, e - 1), key, a->key_size)) {
            *found = 1;
            return s;
        }
        s = (s + 1) & mask;
    }
}

static int grow_index(vf_agg *a)
{
    size_t ncap = a->index_cap * 2;
    uint32_t *ni = vf_calloc(ncap, sizeof *ni);
    if (!ni)
        return -1;
    for (size_t i = 0; i < a->count; i++) {
        size_t s = (size_t)entry(a, i)->hash & (ncap - 1);
        while (ni[s])
            s = (s + 1) & (ncap - 1);
        ni[s] = (uint32_t)i + 1;
    }
    free(a->index);
    a->index = ni;
    a->index_cap = ncap;
    return 0;
}

/* Groups a budget allows: each costs its entry and at most 16 index bytes (the index is a
 * power of two at least twice the count). */
static size_t max_groups(const vf_agg *a)
{
    return a->mem_limit ? a->mem_limit / (a->entry_size + 16) : SIZE_MAX;
}

size_t vf_agg_capacity(const vf_agg *a)
{
    size_t m = max_groups(a);
    return m < 16 ? 16 : m;
}

uint64_t vf_agg_inet_rate(const vf_agg *a)
{
    return a->inet_rate;
}

void vf_agg_clear(vf_agg *a)
{
    a->count = 0;
    a->approx = 0;
    a->error_bound = 0;
    memset(a->index, 0, a->index_cap * sizeof *a->index);
}

/* Room for one more group, 64 at first, never past the groups the budget holds (at least 16,
 * the count at which the table starts evicting). */
static int grow_entries(vf_agg *a)
{
    size_t max = vf_agg_capacity(a);
    return vf_grow_max(&a->entries, &a->cap, VF_MIN(VF_MAX(a->count + 1, (size_t)64), max), a->entry_size, max);
}

/* ---- heavy-hitter mode ------------------------------------------------------------------ */

static void swap_u64(uint64_t *a, uint64_t *b)
{
    uint64_t t = *a;
    *a = *b;
    *b = t;
}

/* The k-th smallest of v[0..n) (Hoare's selection; v is reordered). */
static uint64_t kth_smallest(uint64_t *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        uint64_t pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                swap_u64(&v[i], &v[j]);
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

static void rebuild_index(vf_agg *a)
{
    memset(a->index, 0, a->index_cap * sizeof *a->index);
    for (size_t i = 0; i < a->count; i++) {
        size_t s = (size_t)entry(a, i)->hash & (a->index_cap - 1);
        while (a->index[s])
            s = (s + 1) & (a->index_cap - 1);
        a->index[s] = (uint32_t)i + 1;
    }
}

/* Evicts the groups at or below the median and raises the floor. The median's scratch array
 * reuses the index's memory: the index is rebuilt afterwards anyway. */
static void evict_half(vf_agg *a)
{
    uint64_t *v = (uint64_t *)(void *)a->index; /* index_cap * 4 >= 2 * count * 4 = count * 8 */
    for (size_t i = 0; i < a->count; i++)
        v[i] = vf_agg_rank_value(a, &entry(a, i)->m);
    uint64_t median = kth_smallest(v, a->count, a->count / 2);
    size_t kept = 0;
    for (size_t i = 0; i < a->count; i++) {
        if (vf_agg_rank_value(a, &entry(a, i)->m) <= median)
            continue;
        if (kept != i)
            memcpy(entry(a, kept), entry(a, i), a->entry_size);
        kept++;
    }
    a->count = kept;
    if (median > a->error_bound)
        a->error_bound = median;
    a->approx = 1;
    rebuild_index(a);
}

/* Adds the floor to the ranking metric of a group entering after evictions. */
static void inherit_floor(vf_agg *a, hdr *h)
{
    uint64_t f = a->error_bound;
    h->err = f;
    switch (a->rank) {
    case VF_RANK_PACKETS:
        h->m.packets = vf_sat_add(h->m.packets, f);
        break;
    case VF_RANK_FLOWS:
        h->m.flows = vf_sat_add(h->m.flows, f);
        break;
    case VF_RANK_COST:
        h->m.cost += (unsigned __int128)f << 30; /* the floor is in pico-dollars */
        break;
    default:
        h->m.bytes = vf_sat_add(h->m.bytes, f);
    }
}

int vf_agg_add(vf_agg *a, const void *key, uint64_t hash, const vf_metrics *m)
{
    int found;
    size_t s = probe(a, key, hash, &found);
    if (found) {
        vf_metrics_add(&entry(a, a->index[s] - 1)->m, m);
        return 0;
    }
    if (a->count == a->cap) {
        if (a->count >= max_groups(a) && a->count >= 16) {
            evict_half(a);
            s = probe(a, key, hash, &found);
        } else if (grow_entries(a) < 0)
            return -1;
    }
    if ((a->count + 1) * 2 > a->index_cap) {
        if (grow_index(a) < 0)
            return -1;
        s = probe(a, key, hash, &found);
    }
    size_t e = a->count++;
    hdr *h = entry(a, e);
    h->hash = hash;
    h->err = 0;
    h->m = *m;
    memcpy(entry_key(a, e), key, a->key_size);
    if (a->approx)
        inherit_floor(a, h);
    a->index[s] = (uint32_t)e + 1;
    return 0;
}

int vf_agg_add_batch(vf_agg *a, const unsigned char *keys, const uint64_t *hashes, const vf_metrics *m, size_t n)
{
    size_t mask = a->index_cap - 1;
    for (size_t i = 0; i < n; i++)
        __builtin_prefetch(&a->index[(size_t)hashes[i] & mask]);
    for (size_t i = 0; i < n; i++) {
        uint32_t e = a->index[(size_t)hashes[i] & mask];
        if (e)
            __builtin_prefetch(entry(a, e - 1));
    }
    for (size_t i = 0; i < n; i++)
        if (vf_agg_add(a, keys + i * a->key_size, hashes[i], &m[i]) < 0)
            return -1;
    return 0;
}

int vf_agg_merge(vf_agg *into, const vf_agg *from)
{
    for (size_t i = 0; i < from->count; i++) {
        const hdr *h = entry(from, i);
        int found;
        if (vf_agg_add(into, entry_key(from, i), h->hash, &h->m) < 0)
            return -1;
        size_t s = probe(into, entry_key(from, i), h->hash, &found);
        if (found)
            entry(into, into->index[s] - 1)->err += h->err;
    }
    if (from->approx) {
        /* a group missing from `from` may have had up to its bound there */
        into->approx = 1;
        into->error_bound += from->error_bound;
    }
    return 0;
}

size_t vf_agg_count(const vf_agg *a)
{
    return a->count;
}

const void *vf_agg_key(const vf_agg *a, size_t i)
{
    return entry_key(a, i);
}

const vf_metrics *vf_agg_metrics(const vf_agg *a, size_t i)
{
    return &entry(a, i)->m;
}

uint64_t vf_agg_error(const vf_agg *a, size_t i)
{
    return entry(a, i)->err;
}

int vf_agg_approx(const vf_agg *a)
{
    return a->approx;
}

uint64_t vf_agg_error_bound(const vf_agg *a)
{
    return a->error_bound;
}

/* ---- top-N ------------------------------------------------------------------------------ */

static void swap_elems(unsigned char *a, unsigned char *b, size_t size)
{
    unsigned char t[64];
    while (size) {
        size_t n = size < sizeof t ? size : sizeof t;
        memcpy(t, a, n);
        memcpy(a, b, n);
        memcpy(b, t, n);
        a += n;
        b += n;
        size -= n;
    }
}

size_t vf_select_sorted(void *base, size_t count, size_t size, size_t limit,
                        int (*cmp)(const void *, const void *, void *), void *ctx)
{
    unsigned char *r = base;
#define AT(i) (r + (i)*size)
    if (!limit || limit >= count) {
        if (count)
            qsort_r(r, count, size, cmp, ctx);
        return count;
    }
    /* a max-heap of the kept ones in cmp order: its root is the worst kept */
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (n == limit && cmp(AT(i), AT(0), ctx) >= 0)
            continue;
        size_t at;
        if (n < limit) {
            at = n++;
            if (at != i)
                memcpy(AT(at), AT(i), size);
            while (at && cmp(AT((at - 1) / 2), AT(at), ctx) < 0) {
                swap_elems(AT((at - 1) / 2), AT(at), size);
                at = (at - 1) / 2;
            }
            continue;
        }
        memcpy(AT(0), AT(i), size);
        for (at = 0;;) {
            size_t l = 2 * at + 1, w = at;
            if (l < n && cmp(AT(l), AT(w), ctx) > 0)
                w = l;
            if (l + 1 < n && cmp(AT(l + 1), AT(w), ctx) > 0)
                w = l + 1;
            if (w == at)
                break;
            swap_elems(AT(at), AT(w), size);
            at = w;
        }
    }
#undef AT
    qsort_r(r, n, size, cmp, ctx);
    return n;
}

typedef struct ranked {
    uint64_t v;
    size_t i;
} ranked;

static int cmp_ranked(const void *x, const void *y, void *ctx)
{
    const ranked *a = x, *b = y;
    const vf_agg *agg = ctx;
    if (a->v != b->v)
        return a->v > b->v ? -1 : 1;
    return memcmp(entry_key(agg, a->i), entry_key(agg, b->i), agg->key_size);
}

size_t *vf_agg_top(const vf_agg *a, size_t n, size_t *out_n)
{
    size_t count = a->count;
    ranked *r = malloc((count ? count : 1) * sizeof *r);
    size_t *out = malloc((count ? count : 1) * sizeof *out);
    if (!r || !out) {
        free(r);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        r[i].v = vf_agg_rank_value(a, &entry(a, i)->m);
        r[i].i = i;
    }
    size_t k = vf_select_sorted(r, count, sizeof *r, n, cmp_ranked, (void *)(uintptr_t)a);
    for (size_t i = 0; i < k; i++)
        out[i] = r[i].i;
    free(r);
    *out_n = k;
    return out;
}
