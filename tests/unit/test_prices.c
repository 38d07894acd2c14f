/* test_prices.c — unit tests of the price table: defaults, price files, exact decimals, tiers, USD text. */
#include "model/cost.h"
#include "model/prices.h"
#include "t.h"

#include <stdlib.h>

#define DATA "tests/data/prices/"
#define GB (UINT64_C(1) << 30)
#define PICO_CENT UINT64_C(10000000000) /* $0.01 */

typedef unsigned __int128 u128;

static void check_u128(u128 got, u128 want, int line)
{
    if (got != want)
        t_fail(__FILE__, line, "got %llx:%016llx, want %llx:%016llx", (unsigned long long)(got >> 64),
               (unsigned long long)got, (unsigned long long)(want >> 64), (unsigned long long)want);
}

static const char *usd(u128 numerator, int decimals)
{
    static char buf[64];
    size_t n = vf_usd_format(numerator, decimals, buf, sizeof buf);
    if (n != strlen(buf))
        t_fail(__FILE__, __LINE__, "length %zu for \"%s\"", n, buf);
    return buf;
}

static int64_t parse(const char *s)
{
    uint64_t v = 12345;
    return vf_price_parse(s, strlen(s), &v) < 0 ? -1 : (int64_t)v;
}

/* The formatted error of applying `json` to the default table; the table must stay untouched. */
static const char *load_error(const char *json)
{
    static char msg[1200];
    vf_prices p, before;
    vf_prices_default(&p);
    before = p;
    vpcflow_error err = {0};
    vpcflow_status st = vf_prices_load_buf(&p, "x.json", json, strlen(json), &err);
    if (st == VPCFLOW_OK)
        return "(no error)";
    CHECK_EQ_U64(st, VPCFLOW_ERR_INPUT);
    CHECK(memcmp(&p, &before, sizeof p) == 0);
    vpcflow_error_format(&err, msg, sizeof msg);
    return msg;
}

TEST(default_table)
{
    vf_prices p;
    vf_prices_default(&p);
    CHECK_STR(p.region, "us-east-1");
    CHECK_EQ_U64(p.cross_az_out, PICO_CENT);
    CHECK_EQ_U64(p.cross_az_in, PICO_CENT);
    CHECK_EQ_U64(p.class_rate[VPCFLOW_CLASS_CROSS_AZ], 2 * PICO_CENT);
    CHECK_EQ_U64(p.inter_region, 2 * PICO_CENT);
    CHECK_EQ_U64(p.class_rate[VPCFLOW_CLASS_INTER_REGION], 2 * PICO_CENT);
    CHECK_EQ_U64(vf_prices_inter_region(&p, "us-east-2"), PICO_CENT);
    CHECK_EQ_U64(vf_prices_inter_region(&p, "us-west-2"), 2 * PICO_CENT);
    CHECK_EQ_U64(vf_prices_inter_region(&p, ""), 2 * PICO_CENT);
    CHECK_EQ_U64(vf_prices_inter_region(&p, NULL), 2 * PICO_CENT);
    CHECK_EQ_U64(p.ntiers, 4);
    CHECK_EQ_U64(p.tiers[0].up_to_gb, 10240);
    CHECK_EQ_U64(p.tiers[0].rate, 9 * PICO_CENT);
    CHECK_EQ_U64(p.tiers[1].up_to_gb, 51200);
    CHECK_EQ_U64(p.tiers[1].rate, 85000000000);
    CHECK_EQ_U64(p.tiers[2].up_to_gb, 153600);
    CHECK_EQ_U64(p.tiers[2].rate, 7 * PICO_CENT);
    CHECK_EQ_U64(p.tiers[3].up_to_gb, UINT64_MAX);
    CHECK_EQ_U64(p.tiers[3].rate, 5 * PICO_CENT);
    CHECK_EQ_U64(p.class_rate[VPCFLOW_CLASS_INTERNET_OUT], 9 * PICO_CENT);
    CHECK_EQ_U64(p.free_gb_month, 100);
    CHECK_EQ_U64(p.nat_per_gb, 45000000000);
    CHECK_EQ_U64(p.nat_per_hour, 45000000000);
    CHECK_EQ_U64(p.vpce_if_per_hour, PICO_CENT);
    CHECK_EQ_U64(p.vpce_if_per_gb, PICO_CENT);
    CHECK_EQ_U64(p.vpce_gw_per_hour, 0);
    CHECK_EQ_U64(p.vpce_gw_per_gb, 0);
    CHECK_EQ_U64(p.cdn_per_gb, 85000000000);
    CHECK_EQ_U64(p.replica_known, 0); /* no list price: advise marks a replica's cost unknown */
    static const vpcflow_class zero[] = {VPCFLOW_CLASS_SAME_AZ, VPCFLOW_CLASS_AWS_SAME_REGION,
                                         VPCFLOW_CLASS_INTERNET_IN, VPCFLOW_CLASS_INTERNAL_UNKNOWN,
                                         VPCFLOW_CLASS_UNKNOWN};
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
        CHECK_EQ_U64(p.class_rate[zero[i]], 0);
    CHECK(strstr(p.source, "us-east-1 list prices as compiled 2026-11") == p.source);
    CHECK(strstr(p.source, "Amazon EC2 On-Demand pricing page") != NULL);
    CHECK(strstr(p.source, "Amazon VPC pricing page") != NULL);
    CHECK(strstr(p.source, "verify and override with --prices") != NULL);
}

TEST(price_parse_is_exact)
{
    CHECK_EQ_I64(parse("0.085"), 85000000000);
    CHECK_EQ_I64(parse("0"), 0);
    CHECK_EQ_I64(parse("0.0"), 0);
    CHECK_EQ_I64(parse("1"), 1000000000000);
    CHECK_EQ_I64(parse("00.5"), 500000000000);
    CHECK_EQ_I64(parse("0.000000000001"), 1);
    CHECK_EQ_I64(parse("0.100000000000"), 100000000000);
    CHECK_EQ_I64(parse("123456.789012345678"), 123456789012345678); /* beyond a double's digits */
    CHECK_EQ_I64(parse("999999.999999999999"), 999999999999999999);
    CHECK_EQ_I64(parse("0.0000000000001"), -1); /* 13 decimals */
    CHECK_EQ_I64(parse("0.0850000000000"), -1);
    CHECK_EQ_I64(parse("1000000"), -1);
    CHECK_EQ_I64(parse("-0.01"), -1);
    CHECK_EQ_I64(parse("+0.01"), -1);
    CHECK_EQ_I64(parse("1e-2"), -1);
    CHECK_EQ_I64(parse("1E2"), -1);
    CHECK_EQ_I64(parse("1."), -1);
    CHECK_EQ_I64(parse(".5"), -1);
    CHECK_EQ_I64(parse(""), -1);
    CHECK_EQ_I64(parse(" 1"), -1);
    CHECK_EQ_I64(parse("1 "), -1);
    CHECK_EQ_I64(parse("0x10"), -1);
    CHECK_EQ_I64(parse("1,5"), -1);
    CHECK_EQ_I64(parse("$0.09"), -1);
    CHECK_EQ_I64(parse("NaN"), -1);
    uint64_t v = 0;
    CHECK(vf_price_parse("0.0851", 5, &v) == 0); /* the length bounds the text */
    CHECK_EQ_U64(v, 85000000000);
}

TEST(internet_tiers_at_the_boundaries)
{
    vf_prices p;
    vf_prices_default(&p);
    u128 first = (u128)10240 * GB * (9 * PICO_CENT);
    check_u128(vf_prices_internet_month(&p, 10240 * GB, 0), first, __LINE__);
    check_u128(vf_prices_internet_month(&p, 10240 * GB + 1, 0), first + 85000000000, __LINE__);
    check_u128(vf_prices_internet_month(&p, 10240 * GB - 1, 0), first - 9 * PICO_CENT, __LINE__);
    CHECK_STR(usd(vf_prices_internet_month(&p, 10240 * GB, 0), 2), "921.60");
    CHECK_STR(usd(vf_prices_internet_month(&p, 10240 * GB + 1, 0), 6), "921.600000");
    CHECK_STR(usd(vf_prices_internet_month(&p, 51200 * GB, 0), 2), "4403.20");
    CHECK_STR(usd(vf_prices_internet_month(&p, 153600 * GB, 0), 2), "11571.20");
    u128 at_150tb = vf_prices_internet_month(&p, 153600 * GB, 0);
    check_u128(vf_prices_internet_month(&p, 153600 * GB + 1, 0), at_150tb + 5 * PICO_CENT, __LINE__);
    CHECK_STR(usd(vf_prices_internet_month(&p, 200000 * GB, 0), 2), "13891.20");
    check_u128(vf_prices_internet_month(&p, 0, 0), 0, __LINE__);
    check_u128(vf_prices_internet_month(&p, 1, 0), 9 * PICO_CENT, __LINE__);
    /* the most a month can hold: no overflow */
    check_u128(vf_prices_internet_month(&p, UINT64_MAX, 0), ((u128)0xba43ee8c1ull << 64) | UINT64_C(0xa66ffff45bc48c00),
               __LINE__);
    CHECK_STR(usd(vf_prices_internet_month(&p, UINT64_MAX, 0), 6), "858997350.400000");
}

TEST(internet_free_allowance)
{
    vf_prices p;
    vf_prices_default(&p);
    check_u128(vf_prices_internet_month(&p, 50 * GB, 1), 0, __LINE__);
    check_u128(vf_prices_internet_month(&p, 100 * GB, 1), 0, __LINE__);
    check_u128(vf_prices_internet_month(&p, 100 * GB + 1, 1), 9 * PICO_CENT, __LINE__);
    CHECK_STR(usd(vf_prices_internet_month(&p, 10240 * GB, 1), 2), "912.60"); /* 10,140 GB at $0.09 */
    /* the allowance takes the first bytes; the tier bounds stay where they are */
    check_u128(vf_prices_internet_month(&p, 10240 * GB + 1, 1) - vf_prices_internet_month(&p, 10240 * GB, 1),
               85000000000, __LINE__);
    p.free_gb_month = 0;
    check_u128(vf_prices_internet_month(&p, 1, 1), 9 * PICO_CENT, __LINE__);
}

/* A row's share of the tiered internet-out charge is floor(C x b / B), exact even where C x b
 * needs more than 128 bits (two rows of 40 TiB in one month once showed $2,950.72 each). */
TEST(internet_share_is_exact_past_the_first_tier)
{
    vf_prices p;
    vf_prices_default(&p);
    uint64_t tib40 = UINT64_C(40) << 40;
    u128 month = vf_prices_internet_month(&p, 2 * tib40, 0);
    CHECK_STR(usd(month, 2), "6553.60");
    u128 big = (u128)1 << 120;
    const struct {
        u128 cost;
        uint64_t total, bytes;
        u128 want;
    } cases[] = {
        {0, 0, 0, 0},
        {1000, 0, 5, 0},
        {1000, 10, 0, 0},
        {1000, 10, 10, 1000},
        {1000, 3, 1, 333},
        {1000, 3, 2, 666},
        {3 * big, 3, 1, big},
        {3 * big, 3, 2, 2 * big},
        {(u128)UINT64_MAX * UINT64_MAX, UINT64_MAX, UINT64_MAX - 1, (u128)UINT64_MAX * (UINT64_MAX - 1)},
        {(u128)UINT64_MAX * UINT64_MAX + 5, UINT64_MAX, 1, UINT64_MAX},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_u128(vf_inet_share(cases[i].cost, cases[i].total, cases[i].bytes), cases[i].want, __LINE__);
    CHECK_STR(usd(vf_inet_share(month, 2 * tib40, tib40), 2), "3276.80");
    CHECK_STR(usd(vf_inet_share(month, 2 * tib40, 2 * tib40), 2), "6553.60");
    /* rows that partition the class add up to it, short by less than one unit per row */
    uint64_t parts[] = {tib40 / 3, tib40 / 7, 2 * tib40 - tib40 / 3 - tib40 / 7};
    u128 sum = 0;
    for (size_t i = 0; i < 3; i++)
        sum += vf_inet_share(month, 2 * tib40, parts[i]);
    CHECK(sum <= month && month - sum < 3);
}

TEST(usd_format_rounds_half_up)
{
    const u128 denom = (u128)GB * 1000000000000ull; /* numerator of $1 */
    CHECK_STR(usd(0, 6), "0.000000");
    CHECK_STR(usd(0, 0), "0");
    CHECK_STR(usd(denom, 2), "1.00");
    /* $0.0000005 is the half: up at 6 decimals, one less is down */
    CHECK_STR(usd((u128)5 * GB * 100000, 6), "0.000001");
    CHECK_STR(usd((u128)5 * GB * 100000 - 1, 6), "0.000000");
    CHECK_STR(usd((u128)5 * GB * 1000000000, 2), "0.01");
    CHECK_STR(usd((u128)5 * GB * 1000000000 - 1, 2), "0.00");
    CHECK_STR(usd((u128)995 * GB * 1000000000, 2), "1.00");        /* carries into the whole dollars */
    CHECK_STR(usd((u128)5 * (GB / 2) * 1000000000000ull, 0), "3"); /* 2.5 */
    CHECK_STR(usd((u128)GB * 2 * PICO_CENT, 6), "0.020000");       /* 1 GiB of cross-az (docs/model.md) */
    CHECK_STR(usd((u128)4249 * 2 * PICO_CENT, 6), "0.000000");
    CHECK_STR(usd((u128)4249 * 2 * PICO_CENT, 9), "0.000000079");
    CHECK_STR(usd((u128)UINT64_MAX * 5 * PICO_CENT, 6), "858993459.200000");
    CHECK_STR(usd((u128)UINT64_MAX * 5 * PICO_CENT, 2), "858993459.20");
    CHECK_STR(usd(~(u128)0, 6), "316912650057057350.374176");
    CHECK_STR(usd(~(u128)0, 9), "316912650057057350.374175801");
    CHECK_STR(usd(~(u128)0, 0), "316912650057057350");
    CHECK_STR(usd(denom, 12), "1.000000000"); /* at most 9 decimals */
    CHECK_STR(usd(denom, -1), "1");
    char small[4];
    CHECK_EQ_U64(vf_usd_format((u128)92160 * denom / 100, 2, small, sizeof small), 6);
    CHECK_STR(small, "921");
    CHECK_EQ_U64(vf_usd_format(denom, 2, NULL, 0), 4);
}

TEST(price_file_overrides)
{
    vf_prices p;
    vf_prices_default(&p);
    vpcflow_error err = {0};
    CHECK(vf_prices_load(&p, DATA "override.json", &err) == VPCFLOW_OK);
    CHECK_STR(p.region, "eu-west-1");
    CHECK_STR(p.source, "eu-west-1 list prices, checked 2026-11-20");
    CHECK_EQ_U64(p.cross_az_out, 11000000000);
    CHECK_EQ_U64(p.cross_az_in, 12000000000);
    CHECK_EQ_U64(p.class_rate[VPCFLOW_CLASS_CROSS_AZ], 23000000000);
    CHECK_EQ_U64(p.class_rate[VPCFLOW_CLASS_AWS_SAME_REGION], 100000000);
    CHECK_EQ_U64(p.class_rate[VPCFLOW_CLASS_INTERNET_IN], 0);
    CHECK_EQ_U64(p.n_inter_region_to, 2);
    CHECK_EQ_U64(vf_prices_inter_region(&p, "us-east-2"), 30000000000);
    CHECK_EQ_U64(vf_prices_inter_region(&p, "eu-west-2"), 15000000000);
    CHECK_EQ_U64(vf_prices_inter_region(&p, "ap-south-1"), 2 * PICO_CENT);
    CHECK_EQ_U64(p.ntiers, 3);
    CHECK_EQ_U64(p.tiers[1].up_to_gb, 51200);
    CHECK_EQ_U64(p.tiers[2].up_to_gb, UINT64_MAX);
    CHECK_EQ_U64(p.tiers[2].rate, 5 * PICO_CENT);
    CHECK_EQ_U64(p.free_gb_month, 0);
    CHECK_EQ_U64(p.vpce_if_per_gb, 11000000000);
    CHECK_EQ_U64(p.vpce_if_per_hour, 11000000000);
    CHECK_EQ_U64(p.replica_per_hour, 152000000000);
    CHECK_EQ_U64(p.replica_known, 1);
    CHECK_EQ_U64(p.nat_per_gb, 48000000000);
    CHECK_EQ_U64(p.nat_per_hour, 48000000000);
    CHECK_STR(usd(vf_prices_internet_month(&p, 60000 * GB, 1), 2), "4843.20");
}

TEST(price_file_of_the_defaults_changes_nothing)
{
    vf_prices p, d;
    vf_prices_default(&p);
    vf_prices_default(&d);
    vpcflow_error err = {0};
    CHECK(vf_prices_load(&p, DATA "us-east-1.json", &err) == VPCFLOW_OK);
    CHECK_STR(p.source, DATA "us-east-1.json over: us-east-1 list prices as compiled 2026-11 from the Data "
                             "Transfer section of the Amazon EC2 On-Demand pricing page and the Amazon VPC pricing "
                             "page (NAT gateway); verify and override with --prices");
    memcpy(p.source, d.source, sizeof p.source);
    CHECK(memcmp(&p, &d, sizeof p) == 0);
}

TEST(price_file_partial_and_exact)
{
    vf_prices p;
    vf_prices_default(&p);
    vpcflow_error err = {0};
    const char *json = "{\"rates\": {\"cross-az-out\": 123456.789012345678, \"internet-out\": 0.1},"
                       " \"internet-out-free-gb\": \"5\"}";
    CHECK(vf_prices_load_buf(&p, "x.json", json, strlen(json), &err) == VPCFLOW_OK);
    CHECK_EQ_U64(p.cross_az_out, 123456789012345678); /* the number's text, not a double */
    CHECK_EQ_U64(p.cross_az_in, PICO_CENT);
    CHECK_EQ_U64(p.ntiers, 1); /* one flat internet-out rate */
    CHECK_EQ_U64(p.tiers[0].up_to_gb, UINT64_MAX);
    CHECK_EQ_U64(p.tiers[0].rate, 10 * PICO_CENT);
    CHECK_EQ_U64(p.class_rate[VPCFLOW_CLASS_INTERNET_OUT], 10 * PICO_CENT);
    CHECK_EQ_U64(p.free_gb_month, 5);
    CHECK_EQ_U64(p.nat_per_gb, 45000000000);
    CHECK_STR(p.region, "us-east-1");
    CHECK(strncmp(p.source, "x.json over: us-east-1 list prices", 34) == 0);
}

TEST(price_file_change_prices)
{
    vf_prices p;
    vpcflow_error err;
    vf_prices_default(&p);
    const char *doc = "{\"interface-endpoint\": {\"per-hour\": 0.011, \"per-gb\": \"0.0105\"}, \"replica\": "
                      "{\"per-hour\": 0.136}, \"gateway-endpoint\": {\"per-gb\": 0}, \"cdn\": {\"per-gb\": 0.08}}";
    CHECK_EQ_I64(vf_prices_load_buf(&p, "x.json", doc, strlen(doc), &err), VPCFLOW_OK);
    CHECK_EQ_U64(p.vpce_if_per_hour, 11000000000);
    CHECK_EQ_U64(p.vpce_if_per_gb, 10500000000);
    CHECK_EQ_U64(p.replica_per_hour, 136000000000);
    CHECK_EQ_U64(p.replica_known, 1);
    CHECK_EQ_U64(p.cdn_per_gb, 8 * PICO_CENT);
    CHECK_STR(load_error("{\"replica\": {\"per-gb\": 0.1}}"),
              "x.json: replica: unknown key \"per-gb\" (known: per-hour)");
    CHECK_STR(load_error("{\"cdn\": {\"per-hour\": 0.1}}"), "x.json: cdn: unknown key \"per-hour\" (known: per-gb)");
}

TEST(price_file_errors)
{
    CHECK_STR(load_error("{\n  \"rates\": {\"cross-az-out\": 0.01,}\n}"),
              "x.json:2:34: JSON syntax error: string or '}' expected near '}'");
    CHECK_STR(load_error(""), "x.json: empty file: expected a JSON price file (docs/prices.md)");
    CHECK_STR(load_error("\n\t "), "x.json: empty file: expected a JSON price file (docs/prices.md)");
    CHECK_STR(load_error("{\"rates\": {\"cross-az-ot\": 0.01}}"),
              "x.json: rates: unknown rate \"cross-az-ot\" (known: same-az, cross-az-out, cross-az-in, inter-region, "
              "aws-same-region, internet-out, internet-in, internal-unknown, unknown)");
    CHECK_STR(load_error("{\"rates\": {\"cross-az\": 0.02}}"),
              "x.json: rates.cross-az: set cross-az-out and cross-az-in instead (each side of a cross-AZ transfer is "
              "charged)");
    CHECK_STR(load_error("{\"rates\": {\"same-az\": 0.0000000000001}}"),
              "x.json: rates.same-az: \"0.0000000000001\" is not a price: write a plain decimal number of dollars per "
              "GB such as 0.085 (no sign or exponent, at most 12 decimals, below 1000000)");
    CHECK_STR(load_error("{\"rates\": {\"inter-region\": -0.02}}"),
              "x.json: rates.inter-region: \"-0.02\" is not a price: write a plain decimal number of dollars per GB "
              "such as 0.085 (no sign or exponent, at most 12 decimals, below 1000000)");
    CHECK_STR(load_error("{\"nat-gateway\": {\"per-gb\": 4.5e-2}}"),
              "x.json: nat-gateway.per-gb: \"4.5e-2\" is not a price: write a plain decimal number of dollars per GB "
              "such as 0.085 (no sign or exponent, at most 12 decimals, below 1000000)");
    CHECK_STR(load_error("{\"rates\": {\"internet-in\": true}}"),
              "x.json: rates.internet-in: expected a price such as 0.085, found true");
    CHECK_STR(load_error("{\"rates\": [0.01]}"),
              "x.json: rates: expected an object such as {\"cross-az-out\": 0.01}, found an array");
    CHECK_STR(load_error("{\"rate\": {}}"),
              "x.json: unknown key \"rate\" (known: region, source, rates, inter-region-to, internet-out-tiers, "
              "internet-out-free-gb, nat-gateway, interface-endpoint, gateway-endpoint, replica, cdn; comment and keys "
              "starting with _ are ignored)");
    CHECK_STR(load_error("{\"nat-gateway\": {\"per-gib\": 0.045}}"),
              "x.json: nat-gateway: unknown key \"per-gib\" (known: per-gb, per-hour)");
    CHECK_STR(load_error("{\"inter-region-to\": {\"us-west-2\": \"free\"}}"),
              "x.json: inter-region-to.us-west-2: \"free\" is not a price: write a plain decimal number of dollars "
              "per GB such as 0.085 (no sign or exponent, at most 12 decimals, below 1000000)");
    CHECK_STR(load_error("[1]"), "x.json: expected an object such as {\"rates\": {\"cross-az-out\": 0.01}}");
}

TEST(price_file_tier_errors)
{
    CHECK_STR(load_error("{\"internet-out-tiers\": [{\"up_to_gb\": 10, \"rate\": 0.09}, {\"up_to_gb\": 20, "
                         "\"rate\": 0.08}]}"),
              "x.json: internet-out-tiers[1]: the last tier has no up_to_gb: it covers everything beyond the tier "
              "before");
    CHECK_STR(load_error("{\"internet-out-tiers\": [{\"rate\": 0.09}, {\"rate\": 0.08}]}"),
              "x.json: internet-out-tiers[0]: no up_to_gb (only the last tier goes without)");
    CHECK_STR(load_error("{\"internet-out-tiers\": [{\"up_to_gb\": 20, \"rate\": 0.09}, {\"up_to_gb\": 20, "
                         "\"rate\": 0.08}, {\"rate\": 0.07}]}"),
              "x.json: internet-out-tiers[1].up_to_gb: tiers must have increasing up_to_gb, each above 0 "
              "(cumulative bounds)");
    CHECK_STR(load_error("{\"internet-out-tiers\": [{\"up_to_gb\": 10240.5, \"rate\": 0.09}, {\"rate\": 0.08}]}"),
              "x.json: internet-out-tiers[0].up_to_gb: expected a whole number of GB (at most 1000000000000)");
    CHECK_STR(load_error("{\"internet-out-tiers\": [{\"up_to\": 10, \"rate\": 0.09}, {\"rate\": 0.08}]}"),
              "x.json: internet-out-tiers[0]: unknown key \"up_to\" (known: up_to_gb, rate)");
    CHECK_STR(load_error("{\"internet-out-tiers\": [{\"up_to_gb\": 10}, {\"rate\": 0.08}]}"),
              "x.json: internet-out-tiers[0]: no rate");
    CHECK_STR(load_error("{\"internet-out-tiers\": []}"),
              "x.json: internet-out-tiers: expected an array of 1 to 8 tiers such as [{\"up_to_gb\": 10240, "
              "\"rate\": 0.09}, {\"rate\": 0.085}]");
    CHECK_STR(load_error("{\"internet-out-tiers\": [{\"rate\": 0.09}], \"rates\": {\"internet-out\": 0.09}}"),
              "x.json: rates.internet-out and internet-out-tiers both set the internet-out price: keep one");
    CHECK_STR(load_error("{\"internet-out-free-gb\": -1}"),
              "x.json: internet-out-free-gb: expected a whole number of GB (at most 1000000000000)");
    CHECK_STR(load_error("{\"internet-out-free-gb\": 99999999999999999999999}"),
              "x.json:1:48: JSON syntax error: too big integer");
    CHECK_STR(load_error("{\"internet-out-tiers\": [{\"rate\": 0.09}]}"), "(no error)");
}

TEST(price_file_io_errors)
{
    vf_prices p;
    vf_prices_default(&p);
    vpcflow_error err = {0};
    CHECK(vf_prices_load(&p, DATA "missing.json", &err) == VPCFLOW_ERR_IO);
    CHECK_STR(err.file, DATA "missing.json");
    CHECK_STR(err.message, "cannot open: No such file or directory");
    const char *path = t_file(0, "bad-prices.json", "{\"rates\": {\"same-az\": \"x\"}}", 27);
    CHECK(vf_prices_load(&p, path, &err) == VPCFLOW_ERR_INPUT);
    CHECK_STR(err.file, path);
}

TEST(price_file_size_limit)
{
    /* exactly 1 MiB (a valid document padded with spaces) loads; one byte more does not */
    size_t max = 1u << 20;
    char *big = malloc(max + 1);
    CHECK(big != NULL);
    if (!big)
        return;
    memset(big, ' ', max + 1);
    memcpy(big, "{\"rates\": {\"same-az\": 0.5}}", 27);
    vf_prices p;
    vf_prices_default(&p);
    vpcflow_error err = {0};
    const char *path = t_file(0, "max-prices.json", big, max);
    CHECK(vf_prices_load(&p, path, &err) == VPCFLOW_OK);
    path = t_file(0, "over-prices.json", big, max + 1);
    CHECK(vf_prices_load(&p, path, &err) == VPCFLOW_ERR_INPUT);
    CHECK_STR(err.message, "larger than 1 MiB: not a price file");
    free(big);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
