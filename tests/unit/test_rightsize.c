/* test_rightsize.c — lib/rightsize/: times, RI option names, the Price List CSV's quoting and
 * filters, and the decisions on series built here (percentile rank, credits, memory). */
#include "rightsize/rightsize.h"
#include "t.h"

#include <math.h>
#include <stdlib.h>

TEST(rightsize_times)
{
    int64_t t;
    CHECK(vf_rs_parse_time("2026-11-01T00:00:00Z", 20, &t) == 0);
    CHECK_EQ_I64(t, 1793491200);
    CHECK(vf_rs_parse_time("2026-11-01T02:00:00+02:00", 25, &t) == 0);
    CHECK_EQ_I64(t, 1793491200);
    CHECK(vf_rs_parse_time("2026-11-01T00:00:00.250Z", 24, &t) == 0);
    CHECK_EQ_I64(t, 1793491200);
    CHECK(vf_rs_parse_time("1793491200", 10, &t) == 0);
    CHECK_EQ_I64(t, 1793491200);
    CHECK(vf_rs_parse_time("2026-13-01T00:00:00Z", 20, &t) != 0);
    CHECK(vf_rs_parse_time("yesterday", 9, &t) != 0);
}

TEST(rightsize_options)
{
    CHECK_EQ_I64(vf_rs_option_parse("1y"), 0);
    CHECK_EQ_I64(vf_rs_option_parse("1y-standard-all-upfront"), 2);
    CHECK_EQ_I64(vf_rs_option_parse("3y-convertible"), 9);
    CHECK_EQ_I64(vf_rs_option_parse("3y-convertible-partial-upfront"), 10);
    CHECK_EQ_I64(vf_rs_option_parse("2y"), -1);
    CHECK_EQ_I64(vf_rs_option_parse("1y-standard-some-upfront"), -1);
    CHECK_STR(vf_rs_option_name(11), "3y convertible all-upfront");
}

TEST(rightsize_catalog)
{
    vf_rs_catalog c;
    vpcflow_error err;
    CHECK(vf_rs_catalog_builtin(&c, &err) == VPCFLOW_OK);
    const vf_rs_type *t = vf_rs_catalog_find(&c, "m5.large");
    CHECK(t && t->vcpu == 2 && t->mem_gib == 8 && t->od == 0.096);
    CHECK(t && t->hourly[0] == 0.06 && t->upfront[2] == 503 && t->hourly[2] == 0);
    CHECK(t && t->upfront[1] == 256 && t->hourly[1] == 0.0292);
    const vf_rs_type *b = vf_rs_catalog_find(&c, "t3.small");
    CHECK(b && b->baseline == 20 && b->perf == 1.10);
    vf_rs_catalog_free(&c);
}

static const char pricelist[] =
    "\"FormatVersion\",\"v1.0\"\n"
    "\"Disclaimer\",\"a disclaimer, with a comma\"\n"
    "\"SKU\",\"TermType\",\"PriceDescription\",\"Unit\",\"PricePerUnit\",\"LeaseContractLength\","
    "\"PurchaseOption\",\"OfferingClass\",\"Instance Type\",\"vCPU\",\"Memory\",\"Tenancy\",\"Operating System\","
    "\"Pre Installed S/W\",\"CapacityStatus\",\"Region Code\"\n"
    "\"A\",\"OnDemand\",\"a \"\"quoted\"\"\nline\",\"Hrs\",\"0.5\",\"\",\"\",\"\",\"x9.big\",\"4\",\"16 GiB\","
    "\"Shared\",\"Linux\",\"NA\",\"Used\",\"us-east-1\"\n"
    "\"B\",\"Reserved\",\"Upfront Fee\",\"Quantity\",\"1000\",\"1yr\",\"All Upfront\",\"standard\",\"x9.big\",\"4\","
    "\"16 GiB\",\"Shared\",\"Linux\",\"NA\",\"Used\",\"us-east-1\"\n"
    "\"C\",\"Reserved\",\"\",\"Hrs\",\"0.0000000000\",\"1yr\",\"All Upfront\",\"standard\",\"x9.big\",\"4\","
    "\"16 GiB\",\"Shared\",\"Linux\",\"NA\",\"Used\",\"us-east-1\"\n"
    "\"D\",\"OnDemand\",\"\",\"Hrs\",\"9\",\"\",\"\",\"\",\"x9.big\",\"4\",\"16 GiB\",\"Dedicated\",\"Linux\",\"NA\","
    "\"Used\",\"us-east-1\"\n"
    "\"E\",\"OnDemand\",\"\",\"Hrs\",\"9\",\"\",\"\",\"\",\"x9.big\",\"4\",\"16 GiB\",\"Shared\",\"Linux\",\"NA\","
    "\"Used\",\"eu-west-1\"\n";

TEST(rightsize_pricelist)
{
    vf_rs_catalog c = {0};
    vf_rs_pricelist_stats st;
    vpcflow_error err;
    CHECK(vf_rs_pricelist_buf(&c, "index.csv", pricelist, sizeof pricelist - 1, "us-east-1", "Linux", &st, &err) ==
          VPCFLOW_OK);
    CHECK_EQ_U64(c.n, 1);
    CHECK_EQ_U64(st.rows, 5);
    CHECK_EQ_U64(st.used, 3);
    const vf_rs_type *t = vf_rs_catalog_find(&c, "x9.big");
    CHECK(t && t->od == 0.5 && t->vcpu == 4 && t->mem_gib == 16 && t->upfront[2] == 1000 && t->hourly[2] == 0);
    CHECK(t && t->hourly[0] < 0 && t->perf == 1.0);
    vf_rs_catalog_free(&c);
    /* no header: the error names the file */
    CHECK(vf_rs_pricelist_buf(&c, "index.csv", "a,b\n", 4, "us-east-1", "Linux", &st, &err) == VPCFLOW_ERR_INPUT);
    CHECK_STR(err.file, "index.csv");
    vf_rs_catalog_free(&c);
}

TEST(rightsize_metric_shapes)
{
    vf_rs_metrics m = {0};
    vpcflow_error err;
    /* get-metric-statistics: Maximum first, then the highest ExtendedStatistics percentile, then
     * Average (noted); the instance from Dimensions when the file name has none */
    const char *stats = "{\"Label\": \"CPUUtilization\", \"Dimensions\": [{\"Name\": \"InstanceId\", "
                        "\"Value\": \"i-0123456789abcdef0\"}], \"Datapoints\": ["
                        "{\"Timestamp\": \"2026-11-01T01:00:00Z\", \"Maximum\": 30, \"Average\": 5},"
                        "{\"Timestamp\": \"2026-11-01T00:00:00Z\", \"ExtendedStatistics\": {\"p90\": 7, \"p99\": 9}},"
                        "{\"Timestamp\": \"2026-11-01T02:00:00Z\", \"Average\": 4}]}";
    CHECK(vf_rs_metrics_buf(&m, "cpu.json", stats, strlen(stats), &err) == VPCFLOW_OK);
    CHECK_EQ_U64(m.n, 1);
    CHECK_STR(m.s[0].instance, "i-0123456789abcdef0");
    CHECK_EQ_U64(m.s[0].ncpu, 3);
    CHECK(m.s[0].cpu[0].v == 30 && m.s[0].cpu[1].v == 9 && m.s[0].cpu[2].v == 4 && m.s[0].cpu_average_only);
    /* get-metric-data: instances from the labels, memory by its label, network counted */
    const char *data = "{\"MetricDataResults\": ["
                       "{\"Id\": \"a\", \"Label\": \"i-0000000000000000a CPUUtilization\", \"Timestamps\": "
                       "[\"2026-11-01T00:00:00Z\"], \"Values\": [12]},"
                       "{\"Id\": \"b\", \"Label\": \"i-0000000000000000a mem_used_percent\", \"Timestamps\": "
                       "[\"2026-11-01T00:00:00Z\"], \"Values\": [40]},"
                       "{\"Id\": \"c\", \"Label\": \"i-0000000000000000b NetworkIn\", \"Timestamps\": "
                       "[\"2026-11-01T00:00:00Z\"], \"Values\": [123456]}]}";
    CHECK(vf_rs_metrics_buf(&m, "fleet.json", data, strlen(data), &err) == VPCFLOW_OK);
    CHECK_EQ_U64(m.n, 3);
    CHECK_STR(m.s[1].instance, "i-0000000000000000a");
    CHECK(m.s[1].ncpu == 1 && m.s[1].nmem == 1 && m.s[1].mem[0].v == 40);
    CHECK(m.s[2].ncpu == 0 && m.s[2].net_points == 1);
    /* CSV: the header's value column names memory; the instance from the file name */
    const char *csv = "timestamp,mem_used_percent\n\"2026-11-01T00:00:00Z\",\"55.5\"\n1793494800,60\n";
    CHECK(vf_rs_metrics_buf(&m, "dir/i-0000000000000000a.csv", csv, strlen(csv), &err) == VPCFLOW_OK);
    CHECK_EQ_U64(m.n, 3);
    CHECK(m.s[1].nmem == 3 && m.s[1].mem[1].v == 55.5 && m.s[1].mem[2].t == 1793494800);
    /* errors name the file, the JSON path or the line and column */
    const char *bad = "{\"MetricDataResults\": [{\"Timestamps\": [\"2026-11-01T00:00:00Z\"], \"Values\": []}]}";
    CHECK(vf_rs_metrics_buf(&m, "x.json", bad, strlen(bad), &err) == VPCFLOW_ERR_INPUT);
    CHECK(strstr(err.message, "MetricDataResults[0]: 1 Timestamps but 0 Values") != NULL);
    CHECK(vf_rs_metrics_buf(&m, "y.csv", "2026-11-01T00:00:00Z,abc\n", 25, &err) == VPCFLOW_ERR_INPUT);
    CHECK(err.line == 1 && err.column == 22);
    vf_rs_metrics_free(&m);
}

/* 14 days of hourly points from a function of the hour */
static void fill(vf_rs_series *s, double (*f)(size_t))
{
    memset(s, 0, sizeof *s);
    snprintf(s->instance, sizeof s->instance, "i-0123456789abcdef0");
    s->ncpu = s->capcpu = 336;
    s->cpu = calloc(336, sizeof *s->cpu);
    for (size_t h = 0; h < 336; h++)
        s->cpu[h] = (vf_rs_point){1793491200 + 3600 * (int64_t)h, f(h)};
}

static double ten(size_t h)
{
    return h == 5 || h == 6 || h == 7 ? 80 : 10; /* three hours above the p99: ignored */
}

static double steady50(size_t h)
{
    (void)h;
    return 50;
}

TEST(rightsize_decide)
{
    vf_rs_catalog c;
    vpcflow_error err;
    CHECK(vf_rs_catalog_builtin(&c, &err) == VPCFLOW_OK);
    vf_rs_options o;
    vf_rs_options_init(&o);
    vf_rs_series s;
    vf_rs_result r;
    fill(&s, ten);
    CHECK(vf_rs_decide(&c, &o, &s, vf_rs_catalog_find(&c, "m5.xlarge"), NULL, &r, &err) == VPCFLOW_OK);
    CHECK_STR(r.recommended, "m5.large");
    CHECK(r.cpu_p == 10 && r.cpu_max == 80 && r.hours_over_capacity == 3);
    CHECK(fabs(r.monthly_saving - 70.08) < 1e-9);
    /* with every family: 12% of 4 vCPUs x 1.1 = 0.528 units. The burstable types earn too few
     * credits (t3.medium 24 an hour against 0.48 vCPU x 60 = 28.8), or, like t3.large (36),
     * start empty and cannot pay for the three hours at 80% (3.84 vCPUs: 230 credits); the
     * cheapest other type that fits is c5.large ($0.085, 2 x 1.2 units) */
    o.any_family = 1;
    CHECK(vf_rs_decide(&c, &o, &s, vf_rs_catalog_find(&c, "m5.xlarge"), NULL, &r, &err) == VPCFLOW_OK);
    CHECK_STR(r.recommended, "c5.large");
    free(s.cpu);
    /* 50% of an m5.large, steady: nothing smaller; with a memory floor of 64 GiB, nothing fits
     * below r5.2xlarge, which is an upsize */
    fill(&s, steady50);
    o.any_family = 0;
    CHECK(vf_rs_decide(&c, &o, &s, vf_rs_catalog_find(&c, "m5.large"), NULL, &r, &err) == VPCFLOW_OK);
    CHECK_STR(r.verdict, "right-sized");
    CHECK_STR(r.ri_verdict, "reserve");
    CHECK_EQ_I64(r.ri_option, 2);
    CHECK(fabs(r.ri_saving - 337.96) < 1e-9);
    o.min_memory = 64;
    CHECK(vf_rs_decide(&c, &o, &s, vf_rs_catalog_find(&c, "m5.large"), NULL, &r, &err) == VPCFLOW_OK);
    CHECK_STR(r.recommended, "m5.4xlarge");
    CHECK_STR(r.verdict, "upsize");
    free(s.cpu);
    vf_rs_catalog_free(&c);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
