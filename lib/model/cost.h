/* cost.h — the rate of a hop (docs/model.md §4), calendar months for internet-out tiers, and
 * per-month internet-out totals. */
#ifndef VF_COST_H
#define VF_COST_H

#include "model/network.h"

/* Pico-dollars per GB for the hop's class, exemptions applied; 0 for internet-out, whose
 * cost is tiered per month at the end. */
uint64_t vf_hop_rate(const vf_network *n, const vf_flow *f);

typedef struct vf_month_cache {
    int64_t lo, hi;
    uint16_t month;
} vf_month_cache;
/* Months since January 1970 (UTC) of a Unix time. */
uint16_t vf_month_of(vf_month_cache *c, int64_t t);
/* "2026-11" */
void vf_month_name(uint16_t month, char *buf, size_t cap);

/* Internet-out bytes per month, to apply tiers once everything is counted. */
#define VF_MAX_MONTHS 64
typedef struct vf_months {
    size_t n;
    uint16_t month[VF_MAX_MONTHS];
    uint64_t bytes[VF_MAX_MONTHS];
    uint64_t other; /* bytes of months past VF_MAX_MONTHS, charged at the first tier */
} vf_months;
void vf_months_add(vf_months *m, uint16_t month, uint64_t bytes);
void vf_months_merge(vf_months *into, const vf_months *from);
/* Exact numerator of the tiered internet-out cost of all months. */
unsigned __int128 vf_months_cost(const vf_months *m, const vf_prices *p, int free_tier);
uint64_t vf_months_total(const vf_months *m);
/* A row's share of the tiered internet-out charge: floor(cost x bytes / total bytes), exact for
 * any cost below 2^128 (docs/model.md §4). */
unsigned __int128 vf_inet_share(unsigned __int128 inet_cost, uint64_t inet_total, uint64_t bytes);

#endif
