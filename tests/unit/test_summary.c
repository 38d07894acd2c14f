/* test_summary.c — vpcflow_summary_run on a crafted VPC whose answer is known by
 * construction: exact bytes, flows and micro-dollars per class, de-duplication, NAT rules,
 * exemptions, the no-topology fallback, tiers, and errors naming the bad file. */
#include "vpc.h"

#include "query/summary.h"

static void check_class(const vpcflow_summary *s, vpcflow_class c, uint64_t bytes, uint64_t flows, uint64_t micro,
                        int line)
{
    vpcflow_class_total t;
    vpcflow_summary_class(s, c, &t);
    if (t.bytes != bytes || t.flows != flows || t.cost_micro_usd != micro)
        t_fail(__FILE__, line, "%s: bytes %llu flows %llu micro-usd %llu, want %llu %llu %llu", vpcflow_class_name(c),
               (unsigned long long)t.bytes, (unsigned long long)t.flows, (unsigned long long)t.cost_micro_usd,
               (unsigned long long)bytes, (unsigned long long)flows, (unsigned long long)micro);
}
#define CLASS(s, c, b, f, m) check_class(s, VPCFLOW_CLASS_##c, b, f, m, __LINE__)

static char *json_of(const vpcflow_summary *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    vpcflow_summary_write(s, NULL, VPCFLOW_OUTPUT_JSON, f);
    fclose(f);
    return buf;
}

TEST(full_topology_exact_classes_and_cents)
{
    vpcflow_status st;
    vpcflow_error err;
    vpcflow_summary *s = run(write_logs(0, "full.log"), (inputs){1, 1, 1, NULL, 0, 0}, &st, &err);
    CHECK(st == VPCFLOW_OK);
    if (!s)
        return;
    const vpcflow_scan_stats *stats = vpcflow_summary_stats(s);
    CHECK_EQ_U64(stats->records, 24);
    CHECK_EQ_U64(stats->records_nodata, 1);
    CHECK_EQ_U64(stats->records_skipdata, 1);
    CHECK_EQ_U64(stats->bytes, 68 * GIB + 1000);
    /* same-az: 2 (i-b->rds) + 1 (i-d->i-a) */
    CLASS(s, SAME_AZ, 3 * GIB, 2, 0);
    /* cross-az: 1 + 3 charged, 4 (rds) and 5 (alb) free, 6 + 1 NAT inside legs charged */
    CLASS(s, CROSS_AZ, 20 * GIB, 6, 220000);
    CLASS(s, INTER_REGION, 1 * GIB, 1, 20000);
    CLASS(s, AWS_SAME_REGION, 4 * GIB, 3, 0);
    CLASS(s, INTERNET_OUT, 16 * GIB, 2, 1440000);
    CLASS(s, INTERNET_IN, 1 * GIB + 1000, 2, 0);
    CLASS(s, INTERNAL_UNKNOWN, 1 * GIB, 1, 0);
    CLASS(s, UNKNOWN, 0, 0, 0);
    CHECK_EQ_U64(vpcflow_summary_bytes_unique(s), 46 * GIB + 1000);
    /* 0.22 + 0.02 + 1.44 + NAT (7 GiB x 0.045 = 0.315) */
    CHECK_EQ_U64(vpcflow_summary_cost_micro_usd(s), 1995000);
    char *json = json_of(s);
    CHECK(strstr(json, "\"nat_processing\": {\"bytes\": 7516192768, \"cost_usd\": 0.315000}") != NULL);
    CHECK(strstr(json, "\"cost_usd_total\": 1.995000") != NULL);
    CHECK(strstr(json, "{\"addr\": \"10.0.1.20\", \"owner\": \"ec2 i-b\", \"bytes\": 7516192768") != NULL);
    CHECK(strstr(json, "\"owner\": \"nat-gateway nat-1\"") != NULL);
    CHECK(strstr(json, "\"notes\": []") != NULL);
    CHECK(strstr(json, "\"cost_driver\": \"ec2 i-a 10.0.0.10 \xe2\x86\x92 internet 8.8.8.8: 10.0 GiB "
                       "internet-out, $0.90\"") != NULL);
    /* the driver is facts in the result; the sentence is the writers' */
    CHECK(s->driver.kind == VF_DRIVER_PAIR && s->driver.cls == VPCFLOW_CLASS_INTERNET_OUT);
    CHECK_STR(s->driver.label, "ec2 i-a");
    CHECK_EQ_U64(s->driver.ndst, 1);
    CHECK_STR(s->driver.dst_label, "internet");
    CHECK_EQ_U64(s->driver.bytes, 10 * GIB);
    free(json);
    vpcflow_summary_free(s);
}

TEST(nat_gateway_can_be_the_biggest_driver)
{
    /* 100 GiB from i-b to S3 through the NAT: the inside leg costs $2 (cross-AZ), NAT
     * processing $4.50, the outside leg nothing (S3 in the region): the NAT is the driver */
    char buf[1024];
    int n = snprintf(buf, sizeof buf,
                     "2 1 eni-bbbb 10.0.1.20 52.216.1.10 1 443 6 1 %llu 1793491200 1793491260 ACCEPT OK\n"
                     "2 1 eni-nnnn 10.0.1.20 10.0.0.5 1 443 6 1 %llu 1793491200 1793491260 ACCEPT OK\n"
                     "2 1 eni-nnnn 10.0.0.5 52.216.1.10 1 443 6 1 %llu 1793491200 1793491260 ACCEPT OK\n",
                     (unsigned long long)(100 * GIB), (unsigned long long)(100 * GIB), (unsigned long long)(100 * GIB));
    vpcflow_status st;
    vpcflow_error err;
    vpcflow_summary *s = run(t_file(0, "natdrv.log", buf, (size_t)n), (inputs){1, 1, 1, NULL, 0, 0}, &st, &err);
    CHECK(st == VPCFLOW_OK);
    char *json = json_of(s);
    CHECK(strstr(json, "\"cost_driver\": \"nat-gateway nat-1 10.0.0.5 processed 100.0 GiB, $4.50 of NAT charges; "
                       "its largest peer is aws S3 us-east-1 (100.0 GiB) (a gateway endpoint would carry that free "
                       "of NAT charges)\"") != NULL);
    CHECK(s->driver.kind == VF_DRIVER_NAT && s->driver.has_peer);
    CHECK_STR(s->driver.label, "nat-gateway nat-1");
    CHECK_STR(s->driver.peer, "aws S3 us-east-1");
    CHECK_EQ_U64(s->driver.peer_bytes, 100 * GIB);
    CHECK_EQ_U64(s->driver.bytes, 100 * GIB);
    free(json);
    vpcflow_summary_free(s);
}

/* One output-kind enum for every writer; the older names are aliases of it. */
_Static_assert(VPCFLOW_ROWS_TABLE == VPCFLOW_OUTPUT_TABLE && VPCFLOW_ROWS_CSV == VPCFLOW_OUTPUT_CSV &&
                   VPCFLOW_ROWS_JSON == VPCFLOW_OUTPUT_JSON && VPCFLOW_ALERTS_JSON == VPCFLOW_OUTPUT_JSON &&
                   VPCFLOW_ALERTS_TABLE == VPCFLOW_OUTPUT_TABLE,
               "old output-kind names are aliases");

static char *written(const vpcflow_summary *s, int how)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    switch (how) {
    case 0:
        vpcflow_summary_write_json(s, NULL, f);
        break;
    case 1:
        vpcflow_summary_write_table(s, NULL, f);
        break;
    case 2:
        vpcflow_summary_write(s, NULL, VPCFLOW_OUTPUT_JSON, f);
        break;
    default:
        vpcflow_summary_write(s, NULL, VPCFLOW_OUTPUT_TABLE, f);
    }
#pragma GCC diagnostic pop
    fclose(f);
    return buf;
}

TEST(summary_write_kind_and_its_old_names)
{
    vpcflow_status st;
    vpcflow_error err;
    vpcflow_summary *s = run(write_logs(0, "kinds.log"), (inputs){1, 1, 1, NULL, 0, 0}, &st, &err);
    CHECK(st == VPCFLOW_OK);
    if (!s)
        return;
    char *old_json = written(s, 0), *old_table = written(s, 1), *json = written(s, 2), *table = written(s, 3);
    CHECK_STR(json, old_json);
    CHECK_STR(table, old_table);
    CHECK(json[0] == '{' && strstr(table, "Biggest cost driver: ec2 i-a 10.0.0.10") != NULL);
    free(old_json);
    free(old_table);
    free(json);
    free(table);
    vpcflow_summary_free(s);
}

TEST(action_filter)
{
    vpcflow_status st;
    vpcflow_error err;
    vpcflow_summary *s = run(write_logs(0, "act.log"), (inputs){1, 1, 1, NULL, 0, VPCFLOW_ACTION_REJECT}, &st, &err);
    CHECK(st == VPCFLOW_OK);
    CLASS(s, INTERNET_IN, 1000, 1, 0);
    CLASS(s, CROSS_AZ, 0, 0, 0);
    CHECK_EQ_U64(vpcflow_summary_bytes_unique(s), 1000);
    vpcflow_summary_free(s);
}

TEST(without_enis_ownership_is_inferred)
{
    /* v2 without --enis: ENI own addresses are learned, so both-sides flows still count once;
     * NAT gateways cannot be told apart (no pkt-* fields): the instance's record of NAT traffic
     * counts too, as the model says; load-balancer and RDS exemptions cannot apply. */
    vpcflow_status st;
    vpcflow_error err;
    vpcflow_summary *s = run(write_logs(0, "noenis.log"), (inputs){1, 0, 1, NULL, 0, 0}, &st, &err);
    CHECK(st == VPCFLOW_OK);
    if (!s)
        return;
    CLASS(s, SAME_AZ, 3 * GIB, 2, 0);
    /* inside legs of the NAT: dropped as ordinary ingress (the sender i-b is logged) */
    CLASS(s, CROSS_AZ, 13 * GIB, 4, 260000);
    /* i-b -> 1.1.1.1 now counts at the instance and at the NAT */
    CLASS(s, INTERNET_OUT, 22 * GIB, 3, 1980000);
    CLASS(s, AWS_SAME_REGION, 5 * GIB, 4, 0);
    char *json = json_of(s);
    CHECK(strstr(json, "NAT gateways cannot be recognised") != NULL);
    CHECK(strstr(json, "without --enis") != NULL);
    CHECK(strstr(json, "\"nat_processing\": {\"bytes\": 0,") != NULL);
    free(json);
    vpcflow_summary_free(s);
}

TEST(no_topology_fallback)
{
    vpcflow_status st;
    vpcflow_error err;
    vpcflow_summary *s = run(write_logs(0, "bare.log"), (inputs){0, 0, 0, NULL, 0, 0}, &st, &err);
    CHECK(st == VPCFLOW_OK);
    if (!s)
        return;
    /* every private address is internal with an unknown AZ */
    CLASS(s, SAME_AZ, 0, 0, 0);
    CLASS(s, CROSS_AZ, 0, 0, 0);
    CLASS(s, INTERNAL_UNKNOWN, 17 * GIB, 7, 0);
    /* AWS addresses are internet without ip-ranges: 10 + 6 + 6 + 1 + 1 + 2 + 1 + 1 */
    CLASS(s, INTERNET_OUT, 28 * GIB, 8, 2520000);
    CLASS(s, INTERNET_IN, 1 * GIB + 1000, 2, 0);
    char *json = json_of(s);
    CHECK(strstr(json, "without --subnets") != NULL);
    CHECK(strstr(json, "without --ip-ranges") != NULL);
    free(json);
    vpcflow_summary_free(s);
}

TEST(v3_fields_recognise_the_nat_without_enis)
{
    /* The same traffic in a v3 format with pkt-*: discovery sees the NAT's inside legs, so
     * the totals of bytes and flows per class equal those with --enis. */
    static char buf[8192];
    size_t n = (size_t)snprintf(buf, sizeof buf,
                                "version account-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr bytes "
                                "start end action log-status\n");
    for (size_t i = 0; i < sizeof RECS / sizeof RECS[0]; i++) {
        const char *pd = RECS[i].dst, *ps = RECS[i].src;
        if (strcmp(RECS[i].eni, "eni-nnnn") == 0 && strcmp(RECS[i].dst, "10.0.0.5") == 0)
            pd = strcmp(RECS[i + 1].dst, "1.1.1.1") == 0 ? "1.1.1.1" : "52.216.1.10";
        n += (size_t)snprintf(buf + n, sizeof buf - n, "3 1 %s %s %s %s %s %llu 1793491200 1793491260 %s OK\n",
                              RECS[i].eni, RECS[i].src, RECS[i].dst, ps, pd, (unsigned long long)RECS[i].bytes,
                              RECS[i].action ? RECS[i].action : "ACCEPT");
    }
    const char *logs = t_file(0, "v3.log", buf, n);
    vpcflow_status st;
    vpcflow_error err;
    vpcflow_summary *with = run(logs, (inputs){1, 1, 1, NULL, 0, 0}, &st, &err);
    CHECK(st == VPCFLOW_OK);
    vpcflow_summary *without = run(logs, (inputs){1, 0, 1, NULL, 0, 0}, &st, &err);
    CHECK(st == VPCFLOW_OK);
    if (!with || !without)
        return;
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++) {
        vpcflow_class_total a, b;
        vpcflow_summary_class(with, (vpcflow_class)c, &a);
        vpcflow_summary_class(without, (vpcflow_class)c, &b);
        CHECK_EQ_U64(a.bytes, b.bytes);
        CHECK_EQ_U64(a.flows, b.flows);
    }
    CHECK_EQ_U64(vpcflow_summary_bytes_unique(with), vpcflow_summary_bytes_unique(without));
    char *json = json_of(without);
    CHECK(strstr(json, "\"nat_processing\": {\"bytes\": 7516192768, \"cost_usd\": 0.315000}") != NULL);
    CHECK(strstr(json, "NAT gateways cannot be recognised") == NULL);
    free(json);
    vpcflow_summary_free(with);
    vpcflow_summary_free(without);
}

TEST(internet_out_tiers_per_month)
{
    /* 10 TiB + 1 GiB in November: 10,240 GB at $0.09 and 1 GB at $0.085 = $921.685;
     * 6 TiB in December: all in the first tier = $552.96 */
    char buf[1024];
    int n = snprintf(buf, sizeof buf,
                     "2 1 eni-aaaa 10.0.0.10 8.8.8.8 1 2 6 1 %llu 1793491200 1793491260 ACCEPT OK\n"
                     "2 1 eni-aaaa 10.0.0.10 8.8.4.4 1 2 6 1 %llu 1796083200 1796083260 ACCEPT OK\n",
                     (unsigned long long)(10240 * GIB + GIB), (unsigned long long)(6144 * GIB));
    const char *logs = t_file(0, "tiers.log", buf, (size_t)n);
    vpcflow_status st;
    vpcflow_error err;
    vpcflow_summary *s = run(logs, (inputs){1, 1, 1, NULL, 0, 0}, &st, &err);
    CHECK(st == VPCFLOW_OK);
    CLASS(s, INTERNET_OUT, 16385 * GIB, 2, 1474645000);
    vpcflow_summary_free(s);
    /* with the free allowance: 100 GB of each month are free */
    s = run(logs, (inputs){1, 1, 1, NULL, 1, 0}, &st, &err);
    CHECK(st == VPCFLOW_OK);
    CLASS(s, INTERNET_OUT, 16385 * GIB, 2, 1474645000 - 9000000 - 9000000);
    vpcflow_summary_free(s);
}

TEST(price_overrides)
{
    const char *prices = "{\"rates\": {\"cross-az-out\": \"0.02\", \"cross-az-in\": \"0.02\"}, "
                         "\"nat-gateway\": {\"per-gb\": \"0.05\"}}";
    const char *p = t_file(5, "prices.json", prices, strlen(prices));
    vpcflow_status st;
    vpcflow_error err;
    vpcflow_summary *s = run(write_logs(0, "p.log"), (inputs){1, 1, 1, p, 0, 0}, &st, &err);
    CHECK(st == VPCFLOW_OK);
    CLASS(s, CROSS_AZ, 20 * GIB, 6, 440000);
    CHECK_EQ_U64(vpcflow_summary_cost_micro_usd(s), 440000 + 20000 + 1440000 + 350000);
    vpcflow_summary_free(s);
}

TEST(bad_topology_and_price_files_name_the_file)
{
    const char *logs = write_logs(0, "e.log");
    const char *bad = t_file(6, "broken.json", "{\"Subnets\": [", 13);
    vpcflow_analysis_options o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    o.scan.size = sizeof o.scan;
    o.subnets = &bad;
    o.nsubnets = 1;
    vpcflow_summary *s = NULL;
    vpcflow_error err;
    CHECK(vpcflow_summary_run(&logs, 1, &o, &s, &err) == VPCFLOW_ERR_INPUT);
    CHECK(strstr(err.file, "broken.json") != NULL);
    CHECK(s == NULL);
    const char *enis = t_file(3, "enis.json", ENIS, strlen(ENIS));
    o.subnets = &enis; /* the wrong kind of file */
    CHECK(vpcflow_summary_run(&logs, 1, &o, &s, &err) == VPCFLOW_ERR_INPUT);
    CHECK(strstr(err.file, "enis.json") != NULL);
    o.nsubnets = 0;
    const char *pj = "{\"rates\": {\"cross-az\": 0.01}}";
    o.prices = t_file(5, "prices.json", pj, strlen(pj));
    CHECK(vpcflow_summary_run(&logs, 1, &o, &s, &err) == VPCFLOW_ERR_INPUT);
    CHECK(strstr(err.file, "prices.json") != NULL);
    CHECK(strstr(err.message, "cross-az") != NULL);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
