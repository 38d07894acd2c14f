/* gen.h — shared definitions of vpcflow-gen: PRNG, the simulated network, records, truth, output. */
#ifndef VF_GEN_H
#define VF_GEN_H

#include "vpcflow.h"

#include <stddef.h>
#include <stdint.h>

#define GEN_ACCOUNT "123456789012"
#define GEN_REGION "us-east-1"
#define GEN_T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z: every data set starts here */

/* Rates in pico-USD per GB (2^30 bytes), as docs/model.md §4 states them. */
#define GEN_RATE_CROSS_AZ UINT64_C(20000000000)
#define GEN_RATE_INTER_REGION UINT64_C(20000000000)
#define GEN_RATE_TO_USE2 UINT64_C(10000000000)
#define GEN_RATE_NAT UINT64_C(45000000000)

/* ---- options ---------------------------------------------------------------------------- */

enum { GEN_FMT_DEFAULT = 2, GEN_FMT_V3 = 3, GEN_FMT_V5 = 5 };
enum { GEN_LAYOUT_S3 = 1, GEN_LAYOUT_FLAT = 2, GEN_LAYOUT_BOTH = 3 };

typedef struct gen_opts {
    uint64_t seed;
    uint64_t size_bytes; /* target record text; 0 when records is used */
    uint64_t records;    /* target record lines; 0 when size_bytes is used */
    int format;          /* GEN_FMT_* */
    int layout;          /* GEN_LAYOUT_* */
    int plain;           /* s3 tree without gzip */
    unsigned days;
    int plant_reuse; /* the RDS standby's address goes to a new instance at mid-period */
    int plant_chatty_db; /* app instances in us-east-1a read heavily from the RDS primary (1b) */
    const char *outdir;
    /* --scenario distinct */
    int distinct;
    uint64_t distinct_sources, heavy;
    const char *truth_path;
    int to_stdout;
} gen_opts;

/* ---- helpers (gen_util.c) ---------------------------------------------------------------- */

typedef struct gen_rng {
    uint64_t s[4];
} gen_rng;

void gen_rng_seed(gen_rng *r, uint64_t seed);
uint64_t gen_rng_next(gen_rng *r);
uint64_t gen_rng_below(gen_rng *r, uint64_t n);               /* [0, n), n > 0 */
uint64_t gen_rng_range(gen_rng *r, uint64_t lo, uint64_t hi); /* [lo, hi] */
/* Roughly log-uniform in [lo, hi] with integers only, so results never depend on libm. */
uint64_t gen_rng_logu(gen_rng *r, uint64_t lo, uint64_t hi);
void gen_rng_hex(gen_rng *r, char *out, size_t ndigits); /* writes ndigits and a NUL */
uint64_t gen_mix64(uint64_t x);                          /* splitmix64 finaliser */

void *gen_xmalloc(size_t n);
void *gen_xcalloc(size_t n, size_t size);
void *gen_xrealloc(void *p, size_t n);
void gen_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
int gen_mkdirs(const char *path); /* mkdir -p; 0 or -1 */

typedef struct gen_buf {
    char *p;
    size_t len, cap;
} gen_buf;
void gen_buf_reserve(gen_buf *b, size_t more);
void gen_buf_add(gen_buf *b, const void *data, size_t n);
void gen_buf_free(gen_buf *b);

static inline char *gen_put_u64(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static inline char *gen_put_str(char *p, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = s[i];
    return p + n;
}

size_t gen_v4_text(uint32_t v4, char *out); /* dotted quad, no NUL; returns the length */
/* Writes `num / (2^30 * 10^12)` rounded half up to 6 decimals ("0.020000") into out. */
size_t gen_usd6(unsigned __int128 num, char *out, size_t cap);

/* ---- the simulated network (gen_net.c) --------------------------------------------------- */

enum { LOC_VPC, LOC_PRIVATE, LOC_AWS, LOC_INTERNET };
enum { REG_HOME, REG_GLOBAL, REG_USW2, REG_USE2 };
enum { ENI_WEB, ENI_APP, ENI_RDS, ENI_NAT, ENI_ALB, ENI_VPCE, ENI_LAMBDA, ENI_LEGACY };

struct gen_eni;

/* One address with everything the generator knows about where it is. */
typedef struct gen_ep {
    vpcflow_addr addr;
    uint8_t loc;    /* LOC_* */
    uint8_t az;     /* 0..2 for LOC_VPC */
    uint8_t region; /* REG_* for LOC_AWS */
    uint8_t v6;
    const char *svc;     /* AWS service (S3, EC2, ...) for LOC_AWS, else NULL */
    struct gen_eni *eni; /* the ENI that holds the address, or NULL */
    uint8_t len;
    char txt[47];
} gen_ep;

typedef struct gen_subnet {
    char id[32];
    int az;
    int is_public;
    int logged;
    uint32_t net4; /* /20 */
    int has_v6;
    uint64_t v6hi; /* the /64 */
} gen_subnet;

typedef struct gen_eni {
    int kind;  /* ENI_* */
    int index; /* position in gen_net.enis */
    int subnet;
    int az;
    int logged;
    char id[32];
    char instance[32]; /* "-" when requester-managed */
    char mac[20];
    uint32_t public_ip; /* 0 when none */
    int has_v6;
    gen_ep ep4, ep6;
} gen_eni;

#define GEN_NSUBNETS 7

typedef struct gen_pool {
    gen_ep *ep;
    size_t n;
} gen_pool;

typedef struct gen_net {
    char vpc_id[32], nat_id[32], alb_hex[20], vpce_id[32], fl_id[32], lambda_fn[48];
    uint64_t v6base; /* high 64 bits of the VPC's /56, low byte zero */
    gen_subnet subnets[GEN_NSUBNETS];
    gen_eni *enis;
    size_t neni;
    int *web, *app;
    size_t nweb, napp;
    int alb[3], rds_primary, rds_standby, nat, vpce, lambda, legacy;
    /* --plant-reuse: at reuse_at the RDS standby's ENI is deleted and instance ENI `reuse` takes
       its address (the snapshot, describe-network-interfaces, shows the end of the period) */
    int has_reuse, reuse;
    int64_t reuse_at;
    /* external peers */
    gen_pool clients4, clients6, api4, onprem, s3nat, s3gw, s3usw2, ec2usw2, use2, ddb, cf;
} gen_net;

extern const char *const gen_az_name[3];
extern const char *const gen_az_id[3];

/* Builds the network, scaled by the expected number of records. */
void gen_net_build(gen_net *net, gen_rng *rng, uint64_t expect_records);
void gen_net_free(gen_net *net);
/* An external IPv4 address outside private space and outside every prefix of ip-ranges.json. */
void gen_net_internet4(gen_rng *rng, gen_ep *ep, const uint8_t *first_octets, size_t n);
void gen_ep_v4(gen_ep *ep, uint32_t v4, int loc);
void gen_ep_v6(gen_ep *ep, uint64_t hi, uint64_t lo, int loc);
/* Plants the address reuse (--plant-reuse) at time `at`. */
void gen_net_plant_reuse(gen_net *net, gen_rng *rng, int64_t at);
/* With a planted reuse: OUTDIR/history/AWSLogs/.../CloudTrail/... with the events that tell it. */
int gen_net_write_history(const gen_net *net, const char *outdir);
/* Writes OUTDIR/topology/{describe-subnets,describe-network-interfaces,ip-ranges}.json. */
int gen_net_write_topology(const gen_net *net, const char *outdir);

/* ---- records ------------------------------------------------------------------------------ */

enum { GEN_OK = 0, GEN_NODATA, GEN_SKIPDATA };
enum { GEN_DIR_IN = 1, GEN_DIR_OUT = 2 };

/* One record line, plus what the generator knows about it by construction. */
typedef struct gen_rec {
    const gen_eni *obs; /* the ENI that logs it */
    const gen_ep *src, *dst, *psrc, *pdst;
    uint64_t packets, bytes;
    int64_t start;
    uint32_t sport, dport;
    uint8_t proto, reject, status, tcp_flags, dir, path;
    /* truth */
    uint8_t cls;        /* vpcflow_class of the hop src -> dst */
    uint8_t kept;       /* kept with the full topology (docs/model.md §3) */
    uint8_t kept_nonat; /* kept when ENIs are unknown (v2 without --enis) */
    uint8_t nat_proc;   /* enters a NAT gateway (rule 5) */
    uint8_t free_hop;   /* an ALB endpoint, or RDS to RDS: cross-az costs nothing (needs --enis) */
} gen_rec;

/* ---- truth (gen_truth.c) ------------------------------------------------------------------ */

typedef struct gen_truth gen_truth;

typedef struct gen_planted {
    /* internal scanner */
    const gen_eni *iscan;
    uint64_t iscan_ports, iscan_hosts, iscan_probes;
    int64_t iscan_first, iscan_last;
    /* internet scanners */
    struct {
        gen_ep src;
        uint64_t ports, hosts, rejected, accepted;
        int64_t first, last;
    } xscan[3];
    /* accepted SSH from the internet */
    gen_ep ssh_src;
    const gen_eni *ssh_dst;
    uint64_t ssh_bytes, ssh_records;
    int64_t ssh_first, ssh_last;
    /* egress spike */
    const gen_eni *spike;
    int64_t spike_window; /* start of the 10-minute window */
    uint64_t spike_bytes, spike_baseline;
} gen_planted;

gen_truth *gen_truth_new(const gen_net *net, unsigned days);
void gen_truth_free(gen_truth *t);
void gen_truth_add(gen_truth *t, const gen_rec *r);
/* Internet-out bytes of one ENI's own records, per 10-minute window (for the spike). */
void gen_truth_watch(gen_truth *t, const gen_eni *eni);
uint64_t gen_truth_window_bytes(const gen_truth *t, size_t window);
void gen_truth_summary_line(const gen_truth *t, char *buf, size_t cap);
int gen_truth_write(const gen_truth *t, const char *path, const gen_opts *o, const gen_net *net, const gen_planted *pl,
                    uint64_t files);

/* ---- output (gen_out.c) ------------------------------------------------------------------- */

typedef struct gen_out gen_out;

gen_out *gen_out_new(const gen_opts *o, const gen_net *net, uint64_t expect_bytes);
/* Formats r and routes it; returns the length of its line (newline included). */
size_t gen_out_record(gen_out *w, const gen_rec *r);
/* Called after every minute: at the end of a 5-minute window the window's files are written. */
void gen_out_minute_end(gen_out *w, int64_t minute_start);
/* Flushes and closes everything; returns 0 or -1 and the number of record files written. */
int gen_out_finish(gen_out *w, uint64_t *files);

/* ---- traffic (gen_traffic.c) and the distinct scenario (gen_distinct.c) ------------------- */

typedef struct gen_totals {
    uint64_t records, text_bytes;
} gen_totals;

int gen_traffic_run(const gen_opts *o, gen_net *net, gen_rng *rng, gen_truth *truth, gen_out *out, gen_planted *pl,
                    gen_totals *tot);
int gen_distinct_run(const gen_opts *o);

#endif
