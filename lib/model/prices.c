/* prices.c — the data-transfer price table: built-in list prices, price files, exact arithmetic. */
#include "model/prices.h"
#include "base/jsonin.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PRICE_FILE (1u << 20)
#define MAX_WHOLE_USD 999999u          /* a rate of a million dollars per GB is a typo */
#define MAX_GB UINT64_C(1000000000000) /* tier bounds and allowances: a zettabyte is plenty */
#define PICO(usd_thousandths) ((uint64_t)(usd_thousandths)*1000000000ull)

typedef unsigned __int128 u128;

static void sync_class_rates(vf_prices *p)
{
    p->class_rate[VPCFLOW_CLASS_CROSS_AZ] = p->cross_az_out + p->cross_az_in;
    p->class_rate[VPCFLOW_CLASS_INTER_REGION] = p->inter_region;
    /* internet-out is billed by tiers; the flat slot mirrors the first one for display */
    p->class_rate[VPCFLOW_CLASS_INTERNET_OUT] = p->ntiers ? p->tiers[0].rate : 0;
}

void vf_prices_default(vf_prices *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->region, sizeof p->region, "us-east-1");
    p->cross_az_out = PICO(10); /* $0.010 */
    p->cross_az_in = PICO(10);
    p->inter_region = PICO(20);
    snprintf(p->inter_region_to[0].region, sizeof p->inter_region_to[0].region, "us-east-2");
    p->inter_region_to[0].rate = PICO(10);
    p->n_inter_region_to = 1;
    static const vf_tier tiers[] = {
        {10240, PICO(90)},      /* first 10 TB */
        {51200, PICO(85)},      /* next 40 TB */
        {153600, PICO(70)},     /* next 100 TB */
        {UINT64_MAX, PICO(50)}, /* over 150 TB */
    };
    memcpy(p->tiers, tiers, sizeof tiers);
    p->ntiers = VF_ARRAY_LEN(tiers);
    p->free_gb_month = 100;
    p->nat_per_gb = PICO(45);
    p->nat_per_hour = PICO(45);
    p->vpce_if_per_hour = PICO(10); /* $0.01 per AZ-hour */
    p->vpce_if_per_gb = PICO(10);
    p->cdn_per_gb = PICO(85); /* CloudFront, North America, first 10 TB */
    snprintf(p->source, sizeof p->source, "%s",
             "us-east-1 list prices as compiled 2026-11 from the Data Transfer section of the Amazon EC2 "
             "On-Demand pricing page and the Amazon VPC pricing page (NAT gateway); verify and override with "
             "--prices");
    sync_class_rates(p);
}

int vf_price_parse(const char *s, size_t len, uint64_t *pico)
{
    size_t i = 0;
    uint64_t whole = 0, frac = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        whole = whole * 10 + (uint64_t)(s[i++] - '0');
        if (whole > MAX_WHOLE_USD)
            return -1;
    }
    if (i == 0)
        return -1;
    int decimals = 0;
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, decimals++) {
            if (decimals == 12)
                return -1;
            frac = frac * 10 + (uint64_t)(s[i] - '0');
        }
        if (!decimals)
            return -1;
    }
    if (i != len)
        return -1;
    for (; decimals < 12; decimals++)
        frac *= 10;
    *pico = whole * VF_PICO_PER_USD + frac;
    return 0;
}

uint64_t vf_prices_inter_region(const vf_prices *p, const char *to)
{
    for (size_t i = 0; to && to[0] && i < p->n_inter_region_to; i++)
        if (strcmp(p->inter_region_to[i].region, to) == 0)
            return p->inter_region_to[i].rate;
    return p->inter_region;
}

/* Numerator of `bytes` of one month priced through the tiers, from the first byte. */
static u128 tiered(const vf_prices *p, uint64_t bytes)
{
    u128 total = 0, done = 0;
    for (size_t i = 0; i < p->ntiers && done < bytes; i++) {
        int last = i + 1 == p->ntiers || p->tiers[i].up_to_gb == UINT64_MAX;
        u128 bound = last ? (u128)bytes : (u128)p->tiers[i].up_to_gb << 30;
        u128 upto = bound < bytes ? bound : bytes;
        if (upto > done)
            total += (upto - done) * p->tiers[i].rate;
        if (upto > done)
            done = upto;
    }
    return total;
}

/* The free allowance takes the month's first bytes, those the first tier would have charged;
 * tier bounds still count from the month's first byte. */
unsigned __int128 vf_prices_internet_month(const vf_prices *p, uint64_t bytes, int free_tier)
{
    u128 total = tiered(p, bytes);
    if (free_tier && p->free_gb_month) {
        u128 free_bytes = (u128)p->free_gb_month << 30;
        total -= tiered(p, free_bytes < bytes ? (uint64_t)free_bytes : bytes);
    }
    return total;
}

size_t vf_usd_format(unsigned __int128 numerator, int decimals, char *buf, size_t cap)
{
    static const u128 denom = (u128)VF_PICO_PER_USD << 30;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    u128 scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    u128 whole = numerator / denom, rem = numerator % denom;
    u128 scaled = rem * scale; /* rem < 2^70, scale <= 10^9 < 2^30: no overflow */
    u128 frac = scaled / denom;
    if (2 * (scaled % denom) >= denom) /* half up */
        frac++;
    if (frac == scale) {
        whole++;
        frac = 0;
    }
    char tmp[64];
    size_t n = sizeof tmp;
    tmp[--n] = 0;
    for (int i = 0; i < decimals; i++) {
        tmp[--n] = (char)('0' + (int)(frac % 10));
        frac /= 10;
    }
    if (decimals)
        tmp[--n] = '.';
    do {
        tmp[--n] = (char)('0' + (int)(whole % 10));
        whole /= 10;
    } while (whole);
    size_t len = sizeof tmp - 1 - n;
    if (cap) {
        size_t copy = len < cap ? len : cap - 1;
        memcpy(buf, tmp + n, copy);
        buf[copy] = 0;
    }
    return len;
}

/* ---- price files ----------------------------------------------------------------------------
 *
 * Read with exact numbers (jsonin.h): each price arrives as the characters the user wrote, and
 * numbers and strings are accepted alike. */

/* A value shown in a message: at most 40 characters, control characters replaced. */
static void shown(const char *s, char *buf, size_t cap)
{
    size_t o = 0;
    for (; s[o] && o < 40 && o + 1 < cap; o++)
        buf[o] = (unsigned char)s[o] < 0x20 ? '?' : s[o];
    buf[o] = 0;
}

/* v must be an object: else "name: expected an object such as example, found ...". */
static vpcflow_status want_object(const vf_jin *c, const json_t *v, const char *name, const char *example)
{
    if (json_is_object(v))
        return VPCFLOW_OK;
    return vf_jin_fail(c, "%s: expected an object such as %s, found %s", name, example, vf_json_type_name(v));
}

/* A member's handler: key as written, k as shown in messages, where its place "name.k". */
typedef vpcflow_status (*member_fn)(const vf_jin *c, vf_prices *p, const char *key, const char *k, const char *where,
                                    const json_t *v, void *ctx);

/* The members of the object `name` (else "name: expected an object such as example"), in order. */
static vpcflow_status each_member(const vf_jin *c, vf_prices *p, const json_t *obj, const char *name,
                                  const char *example, member_fn fn, void *ctx)
{
    vpcflow_status st = want_object(c, obj, name, example);
    const char *key;
    json_t *v;
    if (st)
        return st;
    json_object_foreach((json_t *)obj, key, v)
    {
        char where[96], k[48];
        shown(key, k, sizeof k);
        snprintf(where, sizeof where, "%s.%s", name, k);
        if ((st = fn(c, p, key, k, where, v, ctx)))
            return st;
    }
    return VPCFLOW_OK;
}

static vpcflow_status price_of(const vf_jin *c, const json_t *v, const char *where, uint64_t *out)
{
    size_t len;
    const char *s = vf_jin_text(v, &len);
    if (!s)
        return vf_jin_fail(c, "%s: expected a price such as 0.085, found %s", where, vf_json_type_name(v));
    if (vf_price_parse(s, len, out) < 0) {
        char text[48];
        shown(s, text, sizeof text);
        return vf_jin_fail(c,
                           "%s: \"%s\" is not a price: write a plain decimal number of dollars per GB such as 0.085 "
                           "(no sign or exponent, at most 12 decimals, below %u)",
                           where, text, MAX_WHOLE_USD + 1);
    }
    return VPCFLOW_OK;
}

static vpcflow_status gb_of(const vf_jin *c, const json_t *v, const char *where, uint64_t *out)
{
    size_t len;
    const char *s = vf_jin_text(v, &len);
    uint64_t n = 0;
    size_t i = 0;
    for (; s && s[i] >= '0' && s[i] <= '9' && n <= MAX_GB; i++)
        n = n * 10 + (uint64_t)(s[i] - '0');
    if (!s || !i || s[i] || n > MAX_GB)
        return vf_jin_fail(c, "%s: expected a whole number of GB (at most %llu)", where, (unsigned long long)MAX_GB);
    *out = n;
    return VPCFLOW_OK;
}

static const char *const rate_names =
    "same-az, cross-az-out, cross-az-in, inter-region, aws-same-region, internet-out, internet-in, "
    "internal-unknown, unknown";

/* The slot a rate name sets, or NULL. */
static uint64_t *rate_slot(vf_prices *p, const char *key)
{
    if (!strcmp(key, "cross-az-out"))
        return &p->cross_az_out;
    if (!strcmp(key, "cross-az-in"))
        return &p->cross_az_in;
    if (!strcmp(key, "inter-region"))
        return &p->inter_region;
    if (!strcmp(key, "internet-out") || !strcmp(key, "cross-az"))
        return NULL; /* not flat slots: handled by the caller */
    int cls = vpcflow_class_lookup(key, strlen(key));
    return cls >= 0 ? &p->class_rate[cls] : NULL;
}

/* rates: member by member (one flat internet-out rate sets *(int *)ctx) */
static vpcflow_status rate_member(const vf_jin *c, vf_prices *p, const char *key, const char *k, const char *where,
                                  const json_t *v, void *ctx)
{
    if (!strcmp(key, "cross-az"))
        return vf_jin_fail(c, "rates.cross-az: set cross-az-out and cross-az-in instead (each side of a cross-AZ "
                              "transfer is charged)");
    uint64_t rate;
    vpcflow_status st = price_of(c, v, where, &rate);
    if (st)
        return st;
    if (!strcmp(key, "internet-out")) { /* one flat rate: a single tier */
        p->tiers[0] = (vf_tier){UINT64_MAX, rate};
        p->ntiers = 1;
        *(int *)ctx = 1;
        return VPCFLOW_OK;
    }
    uint64_t *slot = rate_slot(p, key);
    if (!slot)
        return vf_jin_fail(c, "rates: unknown rate \"%s\" (known: %s)", k, rate_names);
    *slot = rate;
    return VPCFLOW_OK;
}

static vpcflow_status region_member(const vf_jin *c, vf_prices *p, const char *region, const char *k, const char *where,
                                    const json_t *v, void *ctx)
{
    uint64_t rate;
    vpcflow_status st = price_of(c, v, where, &rate);
    if (st)
        return st;
    if (!region[0] || strlen(region) >= sizeof p->inter_region_to[0].region)
        return vf_jin_fail(c, "%s: not a region name", where);
    size_t i = 0;
    while (i < p->n_inter_region_to && strcmp(p->inter_region_to[i].region, region))
        i++;
    if (i == VF_MAX_REGION_RATES)
        return vf_jin_fail(c, "inter-region-to: more than %d regions", VF_MAX_REGION_RATES);
    memcpy(p->inter_region_to[i].region, region, strlen(region) + 1);
    p->inter_region_to[i].rate = rate;
    if (i == p->n_inter_region_to)
        p->n_inter_region_to++;
    return VPCFLOW_OK;
}

static vpcflow_status apply_tier(const vf_jin *c, vf_prices *p, const json_t *tier, size_t i, size_t n)
{
    char where[48];
    snprintf(where, sizeof where, "internet-out-tiers[%zu]", i);
    vpcflow_status st = want_object(c, tier, where, "{\"up_to_gb\": 10240, \"rate\": 0.09}");
    if (st)
        return st;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)tier, key, v)
    {
        if (strcmp(key, "up_to_gb") && strcmp(key, "rate")) {
            char k[48];
            shown(key, k, sizeof k);
            return vf_jin_fail(c, "%s: unknown key \"%s\" (known: up_to_gb, rate)", where, k);
        }
    }
    const json_t *rate = json_object_get(tier, "rate"), *up = json_object_get(tier, "up_to_gb");
    char w[64];
    snprintf(w, sizeof w, "%s.rate", where);
    st = rate ? price_of(c, rate, w, &p->tiers[i].rate) : vf_jin_fail(c, "%s: no rate", where);
    if (st)
        return st;
    if (i + 1 == n) {
        if (up)
            return vf_jin_fail(c, "%s: the last tier has no up_to_gb: it covers everything beyond the tier before",
                               where);
        p->tiers[i].up_to_gb = UINT64_MAX;
        return VPCFLOW_OK;
    }
    snprintf(w, sizeof w, "%s.up_to_gb", where);
    if (!up)
        return vf_jin_fail(c, "%s: no up_to_gb (only the last tier goes without)", where);
    if ((st = gb_of(c, up, w, &p->tiers[i].up_to_gb)))
        return st;
    if (p->tiers[i].up_to_gb == 0 || (i && p->tiers[i].up_to_gb <= p->tiers[i - 1].up_to_gb))
        return vf_jin_fail(c, "%s: tiers must have increasing up_to_gb, each above 0 (cumulative bounds)", w);
    return VPCFLOW_OK;
}

static vpcflow_status apply_tiers(const vf_jin *c, vf_prices *p, const json_t *tiers)
{
    size_t n = json_is_array(tiers) ? json_array_size(tiers) : 0;
    if (!n || n > VF_MAX_TIERS)
        return vf_jin_fail(c,
                           "internet-out-tiers: expected an array of 1 to %d tiers such as [{\"up_to_gb\": 10240, "
                           "\"rate\": 0.09}, {\"rate\": 0.085}]",
                           VF_MAX_TIERS);
    for (size_t i = 0; i < n; i++) {
        vpcflow_status st = apply_tier(c, p, json_array_get(tiers, i), i, n);
        if (st)
            return st;
    }
    p->ntiers = n;
    return VPCFLOW_OK;
}

static vpcflow_status nat_member(const vf_jin *c, vf_prices *p, const char *key, const char *k, const char *where,
                                 const json_t *v, void *ctx)
{
    uint64_t *slot = !strcmp(key, "per-gb") ? &p->nat_per_gb : !strcmp(key, "per-hour") ? &p->nat_per_hour : NULL;
    if (!slot)
        return vf_jin_fail(c, "nat-gateway: unknown key \"%s\" (known: per-gb, per-hour)", k);
    return price_of(c, v, where, slot);
}

/* interface-endpoint, gateway-endpoint, replica, cdn: objects of per-hour and/or per-gb */
typedef struct hourly_slots {
    const char *name;
    uint64_t *per_hour, *per_gb;
    int *known;
} hourly_slots;

static vpcflow_status hourly_member(const vf_jin *c, vf_prices *p, const char *key, const char *k, const char *where,
                                    const json_t *v, void *ctx)
{
    const hourly_slots *h = ctx;
    uint64_t *slot = !strcmp(key, "per-gb") ? h->per_gb : !strcmp(key, "per-hour") ? h->per_hour : NULL;
    if (!slot)
        return vf_jin_fail(c, "%s: unknown key \"%s\" (known: %s)", h->name, k,
                           h->per_gb && h->per_hour ? "per-gb, per-hour"
                           : h->per_gb              ? "per-gb"
                                                    : "per-hour");
    if (h->known && slot == h->per_hour)
        *h->known = 1;
    return price_of(c, v, where, slot);
}

static vpcflow_status apply_string(const vf_jin *c, const json_t *v, const char *key, char *out, size_t cap)
{
    if (!vf_jin_is_string(v))
        return vf_jin_fail(c, "%s: expected a string of at most %zu characters, found %s", key, cap - 1,
                           vf_json_type_name(v));
    if (json_string_length(v) >= cap)
        return vf_jin_fail(c, "%s: expected a string of at most %zu characters", key, cap - 1);
    memcpy(out, json_string_value(v), json_string_length(v) + 1);
    return VPCFLOW_OK;
}

/* Every top-level key is known: a misspelt one would silently leave a price at its default. */
static vpcflow_status apply(const vf_jin *c, vf_prices *p, const json_t *doc)
{
    int flat_internet = 0, has_source = 0;
    const char *key;
    json_t *v;
    vpcflow_status st = VPCFLOW_OK;
    json_object_foreach((json_t *)doc, key, v)
    {
        if (!strcmp(key, "region"))
            st = apply_string(c, v, key, p->region, sizeof p->region);
        else if (!strcmp(key, "source")) {
            has_source = 1;
            st = apply_string(c, v, key, p->source, sizeof p->source);
        } else if (!strcmp(key, "rates"))
            st = each_member(c, p, v, "rates", "{\"cross-az-out\": 0.01}", rate_member, &flat_internet);
        else if (!strcmp(key, "inter-region-to"))
            st = each_member(c, p, v, "inter-region-to", "{\"us-east-2\": 0.01}", region_member, NULL);
        else if (!strcmp(key, "internet-out-tiers"))
            st = apply_tiers(c, p, v);
        else if (!strcmp(key, "internet-out-free-gb"))
            st = gb_of(c, v, key, &p->free_gb_month);
        else if (!strcmp(key, "nat-gateway"))
            st = each_member(c, p, v, "nat-gateway", "{\"per-gb\": 0.045, \"per-hour\": 0.045}", nat_member, NULL);
        else if (!strcmp(key, "interface-endpoint")) {
            hourly_slots h = {"interface-endpoint", &p->vpce_if_per_hour, &p->vpce_if_per_gb, NULL};
            st = each_member(c, p, v, key, "{\"per-gb\": 0.01, \"per-hour\": 0.01}", hourly_member, &h);
        } else if (!strcmp(key, "gateway-endpoint")) {
            hourly_slots h = {"gateway-endpoint", &p->vpce_gw_per_hour, &p->vpce_gw_per_gb, NULL};
            st = each_member(c, p, v, key, "{\"per-gb\": 0, \"per-hour\": 0}", hourly_member, &h);
        } else if (!strcmp(key, "replica")) {
            hourly_slots h = {"replica", &p->replica_per_hour, NULL, &p->replica_known};
            st = each_member(c, p, v, key, "{\"per-hour\": 0.136}", hourly_member, &h);
        } else if (!strcmp(key, "cdn")) {
            hourly_slots h = {"cdn", NULL, &p->cdn_per_gb, NULL};
            st = each_member(c, p, v, key, "{\"per-gb\": 0.085}", hourly_member, &h);
        } else if (key[0] != '_' && strcmp(key, "comment")) {
            char k[48];
            shown(key, k, sizeof k);
            st = vf_jin_fail(c,
                             "unknown key \"%s\" (known: region, source, rates, inter-region-to, internet-out-tiers, "
                             "internet-out-free-gb, nat-gateway, interface-endpoint, gateway-endpoint, replica, cdn; "
                             "comment and keys "
                             "starting with _ are ignored)",
                             k);
        }
        if (st)
            return st;
    }
    if (flat_internet && json_object_get(doc, "internet-out-tiers"))
        return vf_jin_fail(c, "rates.internet-out and internet-out-tiers both set the internet-out price: keep one");
    if (!has_source) {
        char prev[sizeof p->source];
        memcpy(prev, p->source, sizeof prev);
        int n = snprintf(p->source, sizeof p->source, "%.160s over: ", c->file);
        if (n > 0 && (size_t)n < sizeof p->source) /* cut the older text, keep the file name */
            snprintf(p->source + n, sizeof p->source - (size_t)n, "%.*s", (int)(sizeof p->source - (size_t)n - 1),
                     prev);
    }
    return VPCFLOW_OK;
}

vpcflow_status vf_prices_load_buf(vf_prices *p, const char *name, const char *data, size_t len, vpcflow_error *err)
{
    vf_jin c = {name, err, ""};
    if (len > MAX_PRICE_FILE)
        return vf_jin_fail(&c, "larger than %u KiB: not a price file", MAX_PRICE_FILE >> 10);
    json_t *doc;
    vpcflow_status st = vf_jin_parse_exact(name, data, len, "a JSON price file (docs/prices.md)", &doc, err);
    if (st)
        return st;
    vf_prices next = *p; /* a file applies whole or not at all */
    st = json_is_object(doc) ? apply(&c, &next, doc)
                             : vf_jin_fail(&c, "expected an object such as {\"rates\": {\"cross-az-out\": 0.01}}");
    json_decref(doc);
    if (st)
        return st;
    sync_class_rates(&next);
    *p = next;
    return VPCFLOW_OK;
}

vpcflow_status vf_prices_load(vf_prices *p, const char *path, vpcflow_error *err)
{
    char *buf;
    size_t n;
    vpcflow_status st = vf_read_file(path, MAX_PRICE_FILE, "a price file", &buf, &n, err);
    if (st != VPCFLOW_OK)
        return st;
    st = vf_prices_load_buf(p, path, buf, n, err);
    free(buf);
    return st;
}
