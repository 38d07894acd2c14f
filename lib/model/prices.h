/* prices.h — the data-transfer price table: built-in us-east-1 list prices, overridable by a
 * JSON file (docs/prices.md). Rates are exact integers: pico-dollars per GB (2^30 bytes). */
#ifndef VF_PRICES_H
#define VF_PRICES_H

#include "base/internal.h"

#define VF_PICO_PER_USD 1000000000000ull
#define VF_MAX_TIERS 8
#define VF_MAX_REGION_RATES 64

typedef struct vf_tier {
    uint64_t up_to_gb; /* cumulative upper bound of the tier in GB; UINT64_MAX for the last */
    uint64_t rate;     /* pico-USD per GB */
} vf_tier;

typedef struct vf_prices {
    char region[32];                          /* the region the table is for */
    uint64_t class_rate[VPCFLOW_CLASS_COUNT]; /* flat rates; internet-out uses tiers instead */
    uint64_t cross_az_out, cross_az_in;       /* class_rate[cross-az] = out + in */
    uint64_t inter_region;                    /* default inter-region rate (source pays) */
    struct {
        char region[32];
        uint64_t rate;
    } inter_region_to[VF_MAX_REGION_RATES]; /* per destination region */
    size_t n_inter_region_to;
    vf_tier tiers[VF_MAX_TIERS]; /* internet-out, per calendar month */
    size_t ntiers;
    uint64_t free_gb_month; /* internet-out free allowance (used with --free-tier) */
    uint64_t nat_per_gb;
    uint64_t nat_per_hour;
    /* what `advise` prices a change with (docs/prices.md): hourly rates in pico-USD per hour */
    uint64_t vpce_if_per_hour, vpce_if_per_gb; /* an interface endpoint, per AZ */
    uint64_t vpce_gw_per_hour, vpce_gw_per_gb; /* a gateway endpoint (S3, DynamoDB): free */
    uint64_t replica_per_hour;                 /* a database replica instance */
    int replica_known;                         /* 0: no price for it (the default) */
    uint64_t cdn_per_gb;                       /* CDN (CloudFront) egress to the internet */
    char source[256];                          /* where the numbers come from */
} vf_prices;

void vf_prices_default(vf_prices *p);
/* Applies the overrides of a price file to p (keys missing from the file keep their value). */
vpcflow_status vf_prices_load(vf_prices *p, const char *path, vpcflow_error *err);
/* The same from a buffer (tests, fuzzing); `name` stands for the file in messages. */
vpcflow_status vf_prices_load_buf(vf_prices *p, const char *name, const char *data, size_t len, vpcflow_error *err);
/* Parses a non-negative decimal ("0.085", "1e-2" is refused) to pico-dollars exactly; more
 * than 12 decimals is an error. Returns 0 or -1. */
int vf_price_parse(const char *s, size_t len, uint64_t *pico);
/* Rate for inter-region traffic leaving the home region towards region `to` ("" = unknown). */
uint64_t vf_prices_inter_region(const vf_prices *p, const char *to);
/* Exact cost numerator of `bytes` of internet-out in one month, tiers applied, minus the free
 * allowance when free_tier: the cost in USD is the result / (2^30 * 10^12). */
unsigned __int128 vf_prices_internet_month(const vf_prices *p, uint64_t bytes, int free_tier);
/* Formats numerator / (2^30 * 10^12) USD rounded half up to `decimals` (0..9) into buf. */
size_t vf_usd_format(unsigned __int128 numerator, int decimals, char *buf, size_t cap);

#endif
