/* cost.c — rates of hops and the tiered internet-out charge (docs/model.md §4). */
#include "model/cost.h"

#include "model/network_impl.h"

#include <stdio.h>
#include <string.h>

static int kind_of(const vf_network *n, const vf_loc *l)
{
    return l->owner >= 0 ? n->facts[l->owner].kind : VF_OWNER_UNKNOWN;
}

static int is_alb_or_clb(int kind)
{
    return kind == VF_OWNER_ELB_APP || kind == VF_OWNER_ELB_CLASSIC;
}

uint64_t vf_hop_rate(const vf_network *n, const vf_flow *f)
{
    const vf_prices *p = &n->prices;
    switch (f->cls) {
    case VPCFLOW_CLASS_CROSS_AZ: {
        int ks = kind_of(n, &f->src), kd = kind_of(n, &f->dst);
        if (is_alb_or_clb(ks) || is_alb_or_clb(kd) || (ks == VF_OWNER_RDS && kd == VF_OWNER_RDS))
            return 0;
        return p->class_rate[VPCFLOW_CLASS_CROSS_AZ];
    }
    case VPCFLOW_CLASS_INTER_REGION: {
        int leaving = f->src.kind == VF_LOC_VPC || f->src.kind == VF_LOC_PRIVATE;
        if (!leaving)
            return 0; /* billed in the region it comes from */
        const char *to = vf_topology_region_name(n->topo, f->dst.region_key);
        return vf_prices_inter_region(p, to ? to : "");
    }
    case VPCFLOW_CLASS_INTERNET_OUT:
        return 0;
    default:
        return p->class_rate[f->cls];
    }
}

/* Civil date of a day number (days since 1970-01-01), proleptic Gregorian. */
static void civil_from_days(int64_t z, int *y, int *m)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = mm;
}

static int64_t days_from_civil(int y, int m)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

uint16_t vf_month_of(vf_month_cache *c, int64_t t)
{
    if (c->hi && t >= c->lo && t < c->hi)
        return c->month;
    if (t < 0)
        t = 0;
    int y, m;
    civil_from_days(t / 86400, &y, &m);
    c->month = (uint16_t)((y - 1970) * 12 + (m - 1));
    c->lo = days_from_civil(y, m) * 86400;
    c->hi = days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1) * 86400;
    return c->month;
}

void vf_month_name(uint16_t month, char *buf, size_t cap)
{
    snprintf(buf, cap, "%04d-%02d", 1970 + month / 12, month % 12 + 1);
}

void vf_months_add(vf_months *m, uint16_t month, uint64_t bytes)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->month[i] == month) {
            m->bytes[i] = vf_sat_add(m->bytes[i], bytes);
            return;
        }
    if (m->n == VF_MAX_MONTHS) {
        m->other = vf_sat_add(m->other, bytes);
        return;
    }
    m->month[m->n] = month;
    m->bytes[m->n++] = bytes;
}

void vf_months_merge(vf_months *into, const vf_months *from)
{
    for (size_t i = 0; i < from->n; i++)
        vf_months_add(into, from->month[i], from->bytes[i]);
    into->other = vf_sat_add(into->other, from->other);
}

unsigned __int128 vf_months_cost(const vf_months *m, const vf_prices *p, int free_tier)
{
    unsigned __int128 sum = 0;
    for (size_t i = 0; i < m->n; i++)
        sum += vf_prices_internet_month(p, m->bytes[i], free_tier);
    if (m->other && p->ntiers)
        sum += (unsigned __int128)m->other * p->tiers[0].rate;
    return sum;
}

uint64_t vf_months_total(const vf_months *m)
{
    uint64_t t = m->other;
    for (size_t i = 0; i < m->n; i++)
        t = vf_sat_add(t, m->bytes[i]);
    return t;
}

/* floor(C x b / B) without the 192-bit product: C = q B + r, so C b / B = q b + r b / B, where
 * q b <= C and r b < B b <= 2^128. */
unsigned __int128 vf_inet_share(unsigned __int128 inet_cost, uint64_t inet_total, uint64_t bytes)
{
    if (!inet_total || !bytes)
        return 0;
    if (bytes >= inet_total)
        return inet_cost;
    unsigned __int128 q = inet_cost / inet_total, r = inet_cost % inet_total;
    return q * bytes + r * bytes / inet_total;
}
