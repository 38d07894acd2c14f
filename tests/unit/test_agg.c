/* test_agg.c — group tables: exact sums and merges, top-N order, and the Space-Saving mode
 * that keeps the heavy hitters within a memory budget. */
#include "t.h"

#include "query/agg.h"

#include <stdlib.h>

static vf_metrics bytes(uint64_t b)
{
    vf_metrics m = {b, 1, 1, 0, 0};
    return m;
}

static void add(vf_agg *a, uint64_t key, uint64_t b)
{
    vf_metrics m = bytes(b);
    CHECK(vf_agg_add(a, &key, vf_hash_bytes(&key, sizeof key), &m) == 0);
}

static uint64_t key_at(const vf_agg *a, size_t i)
{
    uint64_t k;
    memcpy(&k, vf_agg_key(a, i), sizeof k);
    return k;
}

TEST(exact_sums_merge_and_top)
{
    vf_agg *a = vf_agg_new(8, 0, VF_RANK_BYTES, 0), *b = vf_agg_new(8, 0, VF_RANK_BYTES, 0);
    for (uint64_t i = 0; i < 10000; i++) {
        add(a, i % 1000, i);
        add(b, i % 500, 1);
    }
    CHECK_EQ_U64(vf_agg_count(a), 1000);
    CHECK(vf_agg_merge(a, b) == 0);
    CHECK_EQ_U64(vf_agg_count(a), 1000);
    CHECK(!vf_agg_approx(a));
    size_t n;
    size_t *top = vf_agg_top(a, 3, &n);
    CHECK_EQ_U64(n, 3);
    /* key 999 got 999 + 1999 + ... + 9999 = 54990 */
    CHECK_EQ_U64(key_at(a, top[0]), 999);
    CHECK_EQ_U64(vf_agg_metrics(a, top[0])->bytes, 54990);
    CHECK_EQ_U64(vf_agg_metrics(a, top[0])->flows, 10);
    CHECK_EQ_U64(key_at(a, top[1]), 998);
    free(top);
    /* a key in both: 499 got (499 + ... + 9499) from a and 20 from b */
    for (size_t i = 0; i < vf_agg_count(a); i++)
        if (key_at(a, i) == 499)
            CHECK_EQ_U64(vf_agg_metrics(a, i)->bytes, 49990 + 20);
    vf_agg_free(a);
    vf_agg_free(b);
}

TEST(ties_break_on_key_bytes)
{
    vf_agg *a = vf_agg_new(8, 0, VF_RANK_BYTES, 0);
    uint64_t keys[] = {0x0300000000000000ull, 0x0100000000000000ull, 0x0200000000000000ull};
    for (int i = 0; i < 3; i++)
        add(a, keys[i], 7);
    size_t n;
    size_t *top = vf_agg_top(a, 0, &n);
    CHECK_EQ_U64(n, 3);
    CHECK_EQ_U64(key_at(a, top[0]), 0x0100000000000000ull);
    CHECK_EQ_U64(key_at(a, top[2]), 0x0300000000000000ull);
    free(top);
    vf_agg_free(a);
}

/* Budgets too small for 16 groups: the table still holds 16 (vf_agg_capacity) before it evicts,
 * and its entries grow to that many, not to the budget's count (a heap overflow before). */
TEST(tiny_budgets_hold_sixteen_groups)
{
    static const size_t budgets[] = {1, 64, 500, 1000};
    for (size_t b = 0; b < sizeof budgets / sizeof *budgets; b++) {
        vf_agg *a = vf_agg_new(8, budgets[b], VF_RANK_BYTES, 0);
        CHECK_EQ_U64(vf_agg_capacity(a), 16);
        for (uint64_t k = 0; k < 40; k++)
            add(a, k, 100 + k);
        CHECK(vf_agg_count(a) <= 16);
        CHECK(vf_agg_approx(a));
        vf_agg_free(a);
    }
}

/* Two threads' tables, a small budget, 300,000 distinct light keys and 10 heavy ones spread
 * through the stream: the heavy hitters come out on top, with an error bound. */
TEST(heavy_hitters_within_the_budget)
{
    size_t budget = 1 << 20;
    vf_agg *t[2] = {vf_agg_new(8, budget, VF_RANK_BYTES, 0), vf_agg_new(8, budget, VF_RANK_BYTES, 0)};
    uint64_t seed = 12345;
    for (uint64_t i = 0; i < 300000; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        add(t[i & 1], 1000000 + i, 1 + (seed >> 60));
        if (i % 1000 == 0)
            for (uint64_t h = 0; h < 10; h++)
                add(t[(i / 1000) & 1], h, 1000 + h * 10);
    }
    CHECK(vf_agg_approx(t[0]) && vf_agg_approx(t[1]));
    CHECK(vf_agg_memory(t[0]) <= budget);
    vf_agg *all = vf_agg_new(8, 0, VF_RANK_BYTES, 0);
    CHECK(vf_agg_merge(all, t[0]) == 0 && vf_agg_merge(all, t[1]) == 0);
    CHECK(vf_agg_approx(all));
    uint64_t bound = vf_agg_error_bound(all);
    CHECK(bound > 0 && bound < 3000); /* far below the smallest heavy hitter (300,000) */
    size_t n;
    size_t *top = vf_agg_top(all, 10, &n);
    CHECK_EQ_U64(n, 10);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = key_at(all, top[i]), truth = 300 * (1000 + k * 10);
        CHECK_EQ_U64(k, 9 - i);
        uint64_t est = vf_agg_metrics(all, top[i])->bytes;
        CHECK(est >= truth && est <= truth + bound);
    }
    free(top);
    vf_agg_free(all);
    vf_agg_free(t[0]);
    vf_agg_free(t[1]);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
