/* agg.h — group-by tables: fixed-size binary keys to traffic metrics, exact while they fit
 * their memory budget, then Space-Saving heavy hitters with a known error bound. One table per
 * worker thread; tables are merged at the end. */
#ifndef VF_AGG_H
#define VF_AGG_H

#include "base/internal.h"

/* What is summed per group. cost is an exact numerator (see prices.h): pico-dollars x bytes
 * per GB; inet_bytes are the internet-out bytes, whose cost is applied at the end (tiers). */
typedef struct vf_metrics {
    uint64_t bytes, packets, flows, inet_bytes;
    unsigned __int128 cost;
} vf_metrics;

static inline void vf_metrics_add(vf_metrics *a, const vf_metrics *b)
{
    a->bytes = vf_sat_add(a->bytes, b->bytes);
    a->packets = vf_sat_add(a->packets, b->packets);
    a->flows = vf_sat_add(a->flows, b->flows);
    a->inet_bytes = vf_sat_add(a->inet_bytes, b->inet_bytes);
    a->cost += b->cost;
}

/* Which metric ranks groups (top-N, and eviction in heavy-hitter mode). */
typedef enum vf_rank { VF_RANK_BYTES, VF_RANK_PACKETS, VF_RANK_FLOWS, VF_RANK_COST } vf_rank;

typedef struct vf_agg vf_agg;

/* key_size bytes per key; mem_limit bytes for the table (0: no limit); cost_inet_rate is the
 * rate used to rank internet-out bytes by cost before tiers are known (pico-USD/GB). */
vf_agg *vf_agg_new(size_t key_size, size_t mem_limit, vf_rank rank, uint64_t cost_inet_rate);
void vf_agg_free(vf_agg *a);
/* Changes the budget (a table taken over as the total of all threads gets theirs). */
void vf_agg_set_limit(vf_agg *a, size_t mem_limit);

/* Adds m to the group of key (hash = vf_hash_bytes(key, key_size) or any good hash of it). */
int vf_agg_add(vf_agg *a, const void *key, uint64_t hash, const vf_metrics *m);
/* Adds n (key, hash, metrics) updates, keys packed key_size bytes apart. Same result as n calls
 * of vf_agg_add, faster on large tables: the cache misses of all n are overlapped by
 * prefetching their index slots, then their entries, before any is applied. */
int vf_agg_add_batch(vf_agg *a, const unsigned char *keys, const uint64_t *hashes, const vf_metrics *m, size_t n);

/* Groups the budget holds before heavy-hitter mode begins (SIZE_MAX without a budget). */
size_t vf_agg_capacity(const vf_agg *a);
/* Empties the table, keeping its memory, budget and ranking. */
void vf_agg_clear(vf_agg *a);
/* The rate given to vf_agg_new for ranking internet-out bytes by cost. */
uint64_t vf_agg_inet_rate(const vf_agg *a);

/* Adds every group of `from` into `into` (both of the same key size). */
int vf_agg_merge(vf_agg *into, const vf_agg *from);

size_t vf_agg_count(const vf_agg *a);
/* Group i (0 <= i < count), in insertion order; err is the Space-Saving overestimate bound
 * of the ranking metric for that group (0 while exact). */
const void *vf_agg_key(const vf_agg *a, size_t i);
const vf_metrics *vf_agg_metrics(const vf_agg *a, size_t i);
uint64_t vf_agg_error(const vf_agg *a, size_t i);
/* 1 once the table has left exact mode; the bound on any group's overestimate. */
int vf_agg_approx(const vf_agg *a);
uint64_t vf_agg_error_bound(const vf_agg *a);
/* Bytes the table uses now. */
size_t vf_agg_memory(const vf_agg *a);
/* Value of the ranking metric of m. */
uint64_t vf_agg_rank_value(const vf_agg *a, const vf_metrics *m);
/* Sorts the `limit` first elements of base (count elements of `size` bytes) in the order of
 * cmp, leaving the rest unspecified: a heap selection, O(count log limit). limit 0 or >= count
 * sorts everything. Returns how many are sorted. */
size_t vf_select_sorted(void *base, size_t count, size_t size, size_t limit,
                        int (*cmp)(const void *, const void *, void *), void *ctx);

/* Indexes of the n largest groups by the ranking metric (ties: smaller key bytes first);
 * n = 0 means all. Returns a malloc'ed array and its length in *out_n. */
size_t *vf_agg_top(const vf_agg *a, size_t n, size_t *out_n);

#endif
