/* test_top.c — vpcflow_top_run and vpcflow_timeline_run on the crafted VPC: exact rows for
 * each key family, metrics, class/action/where filters, -n, owners, and bucket apportioning. */
#include "vpc.h"

#include <pthread.h>

typedef struct want {
    const char *key;
    uint64_t bytes, flows;
} want;

static vpcflow_rows *top(const char *logs, const char *by, const char *metric, size_t limit, const char *classes,
                         const char *where, inputs in)
{
    vpcflow_query_options q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    vpc_options(&q.analysis, in);
    q.by = by;
    q.metric = metric;
    q.limit = limit;
    q.classes = classes;
    q.where = where;
    vpcflow_rows *r = NULL;
    vpcflow_error err;
    if (vpcflow_top_run(&logs, 1, &q, &r, &err) != VPCFLOW_OK)
        t_fail(__FILE__, __LINE__, "top --by %s: %s", by, err.message);
    return r;
}

/* The rows must be exactly `w`, in order (keys joined with '|'). */
static void check_rows(const vpcflow_rows *r, const want *w, size_t n, int line)
{
    if (!r)
        return;
    if (vpcflow_rows_count(r) != n)
        t_fail(__FILE__, line, "%zu rows, want %zu", vpcflow_rows_count(r), n);
    for (size_t i = 0; i < n && i < vpcflow_rows_count(r); i++) {
        char key[256] = "";
        for (size_t k = 0; vpcflow_rows_key(r, i, k); k++) {
            if (k)
                strcat(key, "|");
            strcat(key, vpcflow_rows_key(r, i, k));
        }
        vpcflow_class_total m;
        vpcflow_rows_metrics(r, i, &m);
        if (strcmp(key, w[i].key) != 0 || m.bytes != w[i].bytes || m.flows != w[i].flows)
            t_fail(__FILE__, line, "row %zu: %s %llu bytes %llu flows, want %s %llu %llu", i, key,
                   (unsigned long long)m.bytes, (unsigned long long)m.flows, w[i].key, (unsigned long long)w[i].bytes,
                   (unsigned long long)w[i].flows);
    }
}
#define ROWS(r, ...)                                                                                                   \
    do {                                                                                                               \
        vpcflow_rows *r_ = (r); /* evaluated once: r is usually a whole query */                                       \
        const want w_[] = {__VA_ARGS__};                                                                               \
        check_rows(r_, w_, sizeof w_ / sizeof w_[0], __LINE__);                                                        \
        vpcflow_rows_free(r_);                                                                                         \
    } while (0)

static const inputs ALL = {1, 1, 1, NULL, 0, 0};

TEST(top_cross_az_receivers)
{
    const char *logs = write_logs(0, "t1.log");
    ROWS(top(logs, "dstaddr", NULL, 10, "cross-az", NULL, ALL), {"10.0.0.5", 7 * GIB, 2}, {"10.0.0.10", 5 * GIB, 1},
         {"10.0.0.31", 4 * GIB, 1}, {"10.0.1.30", 3 * GIB, 1}, {"10.0.1.20", 1 * GIB, 1});
}

TEST(top_by_cost_orders_by_dollars)
{
    /* cross-az costs: NAT inside legs $0.14, i-a->rds $0.06, i-a->i-b $0.02, ALB and RDS free */
    const char *logs = write_logs(0, "t2.log");
    vpcflow_rows *r = top(logs, "dstaddr", "cost", 3, "cross-az", NULL, ALL);
    vpcflow_class_total m;
    vpcflow_rows_metrics(r, 0, &m);
    CHECK_EQ_U64(m.cost_micro_usd, 140000);
    ROWS(r, {"10.0.0.5", 7 * GIB, 2}, {"10.0.1.30", 3 * GIB, 1}, {"10.0.1.20", 1 * GIB, 1});
}

TEST(top_senders_to_one_receiver_with_where)
{
    const char *logs = write_logs(0, "t3.log");
    ROWS(top(logs, "srcaddr", NULL, 0, NULL, "dstaddr=10.0.0.10", ALL), {"10.0.1.40", 5 * GIB, 1},
         {"10.0.0.50", 1 * GIB, 1}, {"198.51.100.7", 1 * GIB, 1}, {"203.0.113.9", 1000, 1});
    /* CloudWatch space-delimited form on the same data */
    ROWS(top(logs, "srcaddr", NULL, 0, NULL,
             "[version, account, eni, src, dst=10.0.0.10, sport, dport, proto, packets, bytes, start, end, "
             "action=REJECT, status]",
             ALL),
         {"203.0.113.9", 1000, 1});
}

TEST(top_ports_leaving_the_vpc)
{
    const char *logs = write_logs(0, "t4.log");
    ROWS(top(logs, "port,protocol", NULL, 10, "internet-out", NULL, ALL), {"443|tcp", 16 * GIB, 2});
    ROWS(top(logs, "srcport", NULL, 10, "internet-out", NULL, ALL), {"40000", 16 * GIB, 2});
}

TEST(top_external_recipients)
{
    const char *logs = write_logs(0, "t5.log");
    ROWS(top(logs, "dstaddr", "bytes", 10, "internet-out", NULL, ALL), {"8.8.8.8", 10 * GIB, 1},
         {"1.1.1.1", 6 * GIB, 1});
}

TEST(top_limit_and_all)
{
    const char *logs = write_logs(0, "t6.log");
    vpcflow_rows *r = top(logs, "srcaddr", NULL, 2, NULL, NULL, ALL);
    CHECK_EQ_U64(vpcflow_rows_count(r), 2);
    vpcflow_rows_free(r);
    r = top(logs, "srcaddr", NULL, 0, NULL, NULL, ALL);
    CHECK_EQ_U64(vpcflow_rows_count(r), 8);
    vpcflow_rows_free(r);
}

TEST(top_classes_actions_and_azs)
{
    const char *logs = write_logs(0, "t7.log");
    ROWS(top(logs, "class", NULL, 0, NULL, NULL, ALL), {"cross-az", 20 * GIB, 6}, {"internet-out", 16 * GIB, 2},
         {"aws-same-region", 4 * GIB, 3}, {"same-az", 3 * GIB, 2}, {"internet-in", 1 * GIB + 1000, 2},
         {"inter-region", 1 * GIB, 1}, {"internal-unknown", 1 * GIB, 1});
    ROWS(top(logs, "action", NULL, 0, NULL, NULL, ALL), {"ACCEPT", 46 * GIB, 16}, {"REJECT", 1000, 1});
    ROWS(top(logs, "az-pair", NULL, 0, "cross-az", NULL, ALL), {"use1-az2 \xe2\x86\x92 use1-az1", 16 * GIB, 4},
         {"use1-az1 \xe2\x86\x92 use1-az2", 4 * GIB, 2});
    ROWS(top(logs, "src-az,class", NULL, 2, NULL, NULL, ALL), {"use1-az1|internet-out", 16 * GIB, 2},
         {"use1-az2|cross-az", 16 * GIB, 4});
}

TEST(top_owners_count_both_ends)
{
    const char *logs = write_logs(0, "t8.log");
    /* i-a: records 1, 3, 5, 6, 10-15; "internet" is an owner too */
    ROWS(top(logs, "owner", NULL, 3, NULL, NULL, ALL), {"ec2 i-a", 24 * GIB + 1000, 10},
         {"internet", 17 * GIB + 1000, 4}, {"nat-gateway nat-1", 14 * GIB, 4});
    ROWS(top(logs, "src-owner,dst-owner", NULL, 1, "cross-az", NULL, ALL), {"ec2 i-b|nat-gateway nat-1", 7 * GIB, 2});
}

TEST(top_raw_fields_and_time_keys)
{
    const char *logs = write_logs(0, "t9.log");
    ROWS(top(logs, "account-id,log-status", NULL, 0, NULL, NULL, ALL), {"111111111111|OK", 46 * GIB + 1000, 17});
    ROWS(top(logs, "day", NULL, 0, NULL, NULL, ALL), {"2026-11-01", 46 * GIB + 1000, 17});
    ROWS(top(logs, "hour", NULL, 0, NULL, NULL, ALL), {"2026-11-01T00:00Z", 46 * GIB + 1000, 17});
    /* record 5 at eni-aaaa is the ALB's hop, kept at the ALB's ENI */
    ROWS(top(logs, "interface", NULL, 1, NULL, NULL, ALL), {"eni-aaaa", 19 * GIB + 1000, 9});
    /* NAT, RDS and ALB interfaces have no instance: 14 + 4 + 5 GiB */
    ROWS(top(logs, "instance", NULL, 2, NULL, NULL, ALL), {"-", 23 * GIB, 6}, {"i-a", 19 * GIB + 1000, 9});
}

TEST(top_errors)
{
    const char *logs = write_logs(0, "t10.log");
    vpcflow_query_options q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    vpc_options(&q.analysis, ALL);
    vpcflow_rows *r = NULL;
    vpcflow_error err;
    q.by = "dstaddr,nosuchkey";
    CHECK(vpcflow_top_run(&logs, 1, &q, &r, &err) == VPCFLOW_ERR_INPUT);
    CHECK(strncmp(err.message, "unknown key 'nosuchkey'", 23) == 0);
    q.by = "dstaddr";
    q.metric = "volume";
    CHECK(vpcflow_top_run(&logs, 1, &q, &r, &err) == VPCFLOW_ERR_INPUT);
    q.metric = NULL;
    q.classes = "cross-region";
    CHECK(vpcflow_top_run(&logs, 1, &q, &r, &err) == VPCFLOW_ERR_INPUT);
    q.classes = NULL;
    q.where = "[a, b";
    CHECK(vpcflow_top_run(&logs, 1, &q, &r, &err) == VPCFLOW_ERR_INPUT);
    CHECK_STR(err.file, "--where");
    CHECK(err.column > 0);
}

static vpcflow_rows *timeline(const char *logs, int64_t every, const char *by)
{
    vpcflow_query_options q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    vpc_options(&q.analysis, ALL);
    q.every = every;
    q.by = by;
    vpcflow_rows *r = NULL;
    vpcflow_error err;
    if (vpcflow_timeline_run(&logs, 1, &q, &r, &err) != VPCFLOW_OK)
        t_fail(__FILE__, __LINE__, "timeline: %s", err.message);
    return r;
}

TEST(timeline_apportions_by_duration)
{
    /* 101 bytes over [30, 90) with 60 s buckets: 30 s in each, so 50 and 51; 1000 bytes over
     * [0, 300) with 1-minute buckets: 200 each; the flow counts in its first bucket */
    const char *data = "2 1 eni-aaaa 10.0.0.10 8.8.8.8 1 443 6 3 101 1793491230 1793491290 ACCEPT OK\n"
                       "2 1 eni-aaaa 10.0.0.10 8.8.4.4 1 443 6 5 1000 1793491200 1793491500 ACCEPT OK\n"
                       "2 1 eni-aaaa 10.0.0.10 8.8.4.4 1 443 6 7 7 1793491400 1793491400 REJECT OK\n";
    const char *logs = t_file(0, "tl.log", data, strlen(data));
    vpcflow_rows *r = timeline(logs, 60, NULL);
    CHECK_EQ_U64(vpcflow_rows_count(r), 5);
    uint64_t want_bytes[5] = {200 + 50, 200 + 51, 200, 200 + 7, 200};
    uint64_t want_flows[5] = {2, 0, 0, 1, 0};
    uint64_t total = 0;
    for (size_t i = 0; i < 5 && i < vpcflow_rows_count(r); i++) {
        vpcflow_class_total m;
        vpcflow_rows_metrics(r, i, &m);
        CHECK_EQ_U64(m.bytes, want_bytes[i]);
        CHECK_EQ_U64(m.flows, want_flows[i]);
        total += m.bytes;
    }
    CHECK_EQ_U64(total, 1108);
    vpcflow_rows_free(r);
    r = timeline(logs, 3600, "action");
    ROWS(r, {"ACCEPT", 1101, 2}, {"REJECT", 7, 1});
}

TEST(timeline_json_has_times)
{
    const char *logs = write_logs(0, "tj.log");
    vpcflow_rows *r = timeline(logs, 86400, "class");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    vpcflow_rows_write(r, VPCFLOW_ROWS_JSON, f);
    fclose(f);
    CHECK(strstr(buf, "\"every\": 86400") != NULL);
    CHECK(strstr(buf, "{\"time\": \"2026-11-01T00:00:00Z\", \"start\": 1793491200, \"class\": \"cross-az\", "
                      "\"bytes\": 21474836480") != NULL);
    free(buf);
    vpcflow_rows_free(r);
}

/* Tables of different keys written at the same time by two threads come out as written alone:
 * the table writer keeps its header text on its own stack, not in a shared buffer. */
typedef struct table_job {
    const vpcflow_rows *r;
    const char *want;
    int bad;
} table_job;

static char *table_text(const vpcflow_rows *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    vpcflow_rows_write(r, VPCFLOW_ROWS_TABLE, f);
    fclose(f);
    return buf;
}

static void *write_tables(void *arg)
{
    table_job *j = arg;
    for (int i = 0; i < 5000; i++) {
        char *t = table_text(j->r);
        j->bad += strcmp(t, j->want) != 0;
        free(t);
    }
    return NULL;
}

TEST(tables_written_by_two_threads_at_once)
{
    const char *logs = write_logs(0, "tt.log");
    vpcflow_rows *a = top(logs, "action", NULL, 0, NULL, NULL, ALL);
    vpcflow_rows *b = top(logs, "srcaddr,dstport,protocol,class", NULL, 0, NULL, NULL, ALL);
    table_job ja = {a, table_text(a), 0}, jb = {b, table_text(b), 0};
    CHECK(strstr(ja.want, "ACTION") != NULL);
    CHECK(strstr(jb.want, "DSTPORT") != NULL);
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, NULL, write_tables, &ja) == 0);
    CHECK(pthread_create(&tb, NULL, write_tables, &jb) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK_EQ_U64(ja.bad, 0);
    CHECK_EQ_U64(jb.bad, 0);
    free((char *)ja.want);
    free((char *)jb.want);
    vpcflow_rows_free(a);
    vpcflow_rows_free(b);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
