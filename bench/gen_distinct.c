/* gen_distinct.c — `vpcflow-gen --scenario distinct`: a stream of default-format records from very
 * many distinct sources with a few heavy hitters hidden in it, to test memory-bounded top-N. */
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NDST 8
#define NORMAL_MAX_BYTES 15000u /* 10 packets of at most 1500 bytes */
#define MAX_HEAVY 10000u
#define MAX_SOURCES (UINT64_C(4) << 24) /* 11.0.0.0 - 14.255.255.255 */

typedef struct heavy {
    uint32_t addr;
    uint64_t bytes, flows;
    char key[16];
} heavy;

static int heavy_cmp(const void *a, const void *b)
{
    const heavy *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return strcmp(x->key, y->key);
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static int write_truth(const char *path, uint64_t records, uint64_t sources, heavy *h, uint64_t k)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "vpcflow-gen: cannot write %s\n", path);
        return -1;
    }
    qsort(h, (size_t)k, sizeof *h, heavy_cmp);
    fprintf(f, "{\"records\":%llu,\"distinct_sources\":%llu,\"heavy\":%llu,\"top_srcaddr\":[",
            (unsigned long long)records, (unsigned long long)sources, (unsigned long long)k);
    for (uint64_t i = 0; i < k; i++)
        fprintf(f, "%s\n  {\"key\":\"%s\",\"bytes\":%llu,\"flows\":%llu}", i ? "," : "", h[i].key,
                (unsigned long long)h[i].bytes, (unsigned long long)h[i].flows);
    fputs("]}\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "vpcflow-gen: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

static char *put_line(char *p, const char *eni, uint32_t src, const gen_ep *dst, uint32_t sport, uint32_t dport,
                      uint64_t packets, uint64_t bytes, int64_t start)
{
    p = gen_put_str(p, "2 " GEN_ACCOUNT " ", sizeof GEN_ACCOUNT + 2);
    p = gen_put_str(p, eni, 21);
    *p++ = ' ';
    p += gen_v4_text(src, p);
    *p++ = ' ';
    p = gen_put_str(p, dst->txt, dst->len);
    *p++ = ' ';
    p = gen_put_u64(p, sport);
    *p++ = ' ';
    p = gen_put_u64(p, dport);
    p = gen_put_str(p, " 6 ", 3);
    p = gen_put_u64(p, packets);
    *p++ = ' ';
    p = gen_put_u64(p, bytes);
    *p++ = ' ';
    p = gen_put_u64(p, (uint64_t)start);
    *p++ = ' ';
    p = gen_put_u64(p, (uint64_t)start + 60);
    return gen_put_str(p, " ACCEPT OK\n", 11);
}

int gen_distinct_run(const gen_opts *o)
{
    uint64_t n = o->records, m = o->distinct_sources, k = o->heavy;
    if (!n || !m || !o->truth_path || !o->to_stdout) {
        fprintf(stderr, "vpcflow-gen: --scenario distinct needs --records, --distinct-sources, --truth and --stdout\n");
        return 2;
    }
    if (k > MAX_HEAVY || m > MAX_SOURCES || n < m + 2 * k) {
        fprintf(stderr,
                "vpcflow-gen: --scenario distinct needs --heavy <= %u, --distinct-sources <= %llu and "
                "--records >= distinct-sources + 2 x heavy\n",
                MAX_HEAVY, (unsigned long long)MAX_SOURCES);
        return 2;
    }
    gen_rng rng;
    gen_rng_seed(&rng, o->seed ^ UINT64_C(0xd15717c7));
    /* each heavy hitter sends h records, spread evenly through the stream */
    uint64_t h = k ? (n - m) / (2 * k) : 0;
    h = h > 1000 ? 1000 : h < 1 ? 1 : h;
    uint64_t hk = k * h, normal = n - hk;
    /* a normal source sends at most ceil(normal / m) records of at most NORMAL_MAX_BYTES: every
     * heavy record alone is larger than that, so the heavy hitters are the exact top K */
    uint64_t normal_max = (normal + m - 1) / m * NORMAL_MAX_BYTES;
    uint64_t unit = normal_max + 1 > 1000000 ? normal_max + 1 : 1000000;
    heavy *hv = gen_xcalloc(k ? k : 1, sizeof *hv);
    for (uint64_t i = 0; i < k; i++) {
        hv[i].addr = (UINT32_C(23) << 24) | (UINT32_C(32) << 16) | (uint32_t)(i / 250) << 8 | (uint32_t)(i % 250 + 1);
        hv[i].key[gen_v4_text(hv[i].addr, hv[i].key)] = 0;
    }
    gen_ep dst[NDST];
    char eni[NDST][32];
    for (int i = 0; i < NDST; i++) {
        gen_ep_v4(&dst[i], (UINT32_C(10) << 24) | (uint32_t)gen_rng_range(&rng, 1, 0xfffe), LOC_VPC);
        char hex[20];
        gen_rng_hex(&rng, hex, 16);
        snprintf(eni[i], sizeof eni[i], "eni-0%s", hex);
    }
    uint64_t step = (UINT64_C(0x9e3779b97f4a7c15) % m) | 1; /* a permutation of the sources */
    while (gcd(step, m) != 1)
        step += 2;
    uint64_t offset = gen_rng_below(&rng, m);

    enum { CAP = 8 << 20 };
    char *buf = gen_xmalloc(CAP);
    char *p = buf;
    static const char header[] = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
                                 "bytes start end action log-status\n";
    p = gen_put_str(p, header, sizeof header - 1);
    static const uint32_t ports[] = {443, 443, 443, 80, 8080, 53};
    uint64_t jn = 0, hcount = 0;
    for (uint64_t j = 0; j < n; j++) {
        if (p - buf > CAP - 512) {
            if (fwrite(buf, 1, (size_t)(p - buf), stdout) != (size_t)(p - buf))
                gen_die("write error on standard output");
            p = buf;
        }
        uint64_t r = gen_rng_next(&rng);
        int64_t start = GEN_T0 + (int64_t)(((unsigned __int128)j * 86400) / n);
        const int d = (int)(r & (NDST - 1));
        uint32_t dport = ports[(r >> 3) % 6], sport = 1024 + (uint32_t)((r >> 8) % 64000);
        int is_heavy = ((unsigned __int128)(j + 1) * hk) / n > ((unsigned __int128)j * hk) / n;
        if (is_heavy) {
            heavy *x = &hv[hcount++ % k];
            uint64_t bytes = unit + (r >> 24) % unit;
            x->bytes += bytes;
            x->flows++;
            p = put_line(p, eni[d], x->addr, &dst[d], sport, dport, bytes / 1400 + 1, bytes, start);
        } else {
            uint64_t s = ((jn++ % m) * step + offset) % m;
            uint64_t packets = 1 + (r >> 30) % 10;
            uint64_t bytes = packets * (40 + (r >> 40) % 1461);
            p = put_line(p, eni[d], (UINT32_C(11) << 24) + (uint32_t)s, &dst[d], sport, dport, packets, bytes, start);
        }
    }
    if (fwrite(buf, 1, (size_t)(p - buf), stdout) != (size_t)(p - buf) || fflush(stdout) != 0)
        gen_die("write error on standard output");
    free(buf);
    int rc = write_truth(o->truth_path, n, m + k, hv, k) ? 1 : 0;
    fprintf(stderr, "vpcflow-gen: %llu records from %llu distinct sources, %llu heavy hitters of %llu records each\n",
            (unsigned long long)n, (unsigned long long)(m + k), (unsigned long long)k, (unsigned long long)h);
    free(hv);
    return rc;
}
