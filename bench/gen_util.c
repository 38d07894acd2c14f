/* gen_util.c — small helpers of vpcflow-gen: a seeded PRNG, checked allocation, buffers, text. */
#include "gen.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* xoshiro256** seeded through splitmix64: fast, and the same stream on every machine. */
uint64_t gen_mix64(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

void gen_rng_seed(gen_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        x += UINT64_C(0x9e3779b97f4a7c15);
        r->s[i] = gen_mix64(x);
    }
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t gen_rng_next(gen_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t gen_rng_below(gen_rng *r, uint64_t n)
{
    /* multiply-high: the bias is below 2^-40 for every n used here */
    return (uint64_t)(((unsigned __int128)gen_rng_next(r) * n) >> 64);
}

uint64_t gen_rng_range(gen_rng *r, uint64_t lo, uint64_t hi)
{
    return lo + gen_rng_below(r, hi - lo + 1);
}

static int bitlen(uint64_t v)
{
    return v ? 64 - __builtin_clzll(v) : 0;
}

uint64_t gen_rng_logu(gen_rng *r, uint64_t lo, uint64_t hi)
{
    if (lo < 1)
        lo = 1;
    if (hi <= lo)
        return lo;
    int e = (int)gen_rng_range(r, (uint64_t)bitlen(lo) - 1, (uint64_t)bitlen(hi) - 1);
    uint64_t base = UINT64_C(1) << e;
    uint64_t v = base + gen_rng_below(r, base);
    return v < lo ? lo : v > hi ? hi : v;
}

void gen_rng_hex(gen_rng *r, char *out, size_t ndigits)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < ndigits; i++)
        out[i] = hex[gen_rng_next(r) >> 60];
    out[ndigits] = 0;
}

void gen_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vpcflow-gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

void *gen_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        gen_die("out of memory (%zu bytes)", n);
    return p;
}

void *gen_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        gen_die("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *gen_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        gen_die("out of memory (%zu bytes)", n);
    return q;
}

int gen_mkdirs(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] != '/' && tmp[i] != 0)
            continue;
        char c = tmp[i];
        tmp[i] = 0;
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
            return -1;
        tmp[i] = c;
    }
    return 0;
}

void gen_buf_reserve(gen_buf *b, size_t more)
{
    if (b->cap - b->len >= more)
        return;
    size_t cap = b->cap ? b->cap : 65536;
    while (cap - b->len < more)
        cap *= 2;
    b->p = gen_xrealloc(b->p, cap);
    b->cap = cap;
}

void gen_buf_add(gen_buf *b, const void *data, size_t n)
{
    gen_buf_reserve(b, n);
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

void gen_buf_free(gen_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

size_t gen_v4_text(uint32_t v4, char *out)
{
    char *p = out;
    for (int k = 3; k >= 0; k--) {
        p = gen_put_u64(p, (v4 >> (8 * k)) & 255);
        if (k)
            *p++ = '.';
    }
    return (size_t)(p - out);
}

size_t gen_usd6(unsigned __int128 num, char *out, size_t cap)
{
    /* USD * 10^6 = num / (2^30 * 10^6); half up: floor((2 num + d) / 2d) */
    const unsigned __int128 d = (unsigned __int128)(UINT64_C(1) << 30) * 1000000u;
    unsigned __int128 q = (2 * num + d) / (2 * d);
    uint64_t whole = (uint64_t)(q / 1000000u), frac = (uint64_t)(q % 1000000u);
    int n = snprintf(out, cap, "%llu.%06llu", (unsigned long long)whole, (unsigned long long)frac);
    return n < 0 ? 0 : (size_t)n;
}
