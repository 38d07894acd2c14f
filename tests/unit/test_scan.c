/* test_scan.c — vpcflow_scan over every input shape: plain, gzip, directories, stdin,
 * CloudWatch exports and subscription payloads, chunked large files, errors and reports. */
#include "t.h"

#include "vpcflow.h"
#include "read/gzip.h"
#include "read/payload.h"

#include <libdeflate.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- a sink that keeps every record as "input:line text" in input order ------------------ */

typedef struct item {
    uint64_t seq, line;
    char *text;
} item;

typedef struct bag {
    item *v;
    size_t n, cap;
} bag;

typedef struct result {
    bag all;
    char diags[8192];
    vpcflow_scan_stats stats;
    vpcflow_status st;
    vpcflow_error err;
    char *joined;
} result;

static void bag_add(bag *b, item it)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->v = realloc(b->v, b->cap * sizeof *b->v);
    }
    b->v[b->n++] = it;
}

static void *s_open(void *ctx, unsigned w)
{
    (void)ctx;
    (void)w;
    return calloc(1, sizeof(bag));
}

static int s_record(void *state, const vpcflow_record *r)
{
    char buf[4096];
    size_t n = vpcflow_record_render(r, VPCFLOW_OUTPUT_TEXT, NULL, buf, sizeof buf - 1);
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    buf[n] = 0;
    char *text = malloc(strlen(r->input) + n + 32);
    const char *base = strrchr(r->input, '/');
    snprintf(text, strlen(r->input) + n + 32, "%s:%llu %s", base ? base + 1 : r->input, (unsigned long long)r->line_no,
             buf);
    bag_add(state, (item){r->seq, r->line_no, text});
    return 0;
}

static int s_close(void *ctx, void *state)
{
    result *res = ctx;
    bag *b = state;
    for (size_t i = 0; i < b->n; i++)
        bag_add(&res->all, b->v[i]);
    free(b->v);
    free(b);
    return 0;
}

static void s_diag(void *ctx, const vpcflow_diag *d)
{
    result *res = ctx;
    size_t used = strlen(res->diags);
    const char *base = strrchr(d->input, '/');
    snprintf(res->diags + used, sizeof res->diags - used, "%s %s:%llu %s\n", d->is_warning ? "W" : "E",
             base ? base + 1 : d->input, (unsigned long long)d->line, d->message);
}

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static void result_free(result *r)
{
    for (size_t i = 0; i < r->all.n; i++)
        free(r->all.v[i].text);
    free(r->all.v);
    free(r->joined);
    memset(r, 0, sizeof *r);
}

typedef struct scan_opts {
    unsigned threads;
    size_t chunk;
    int strict;
    const char *format;
} scan_opts;

static result *scan(const char **paths, size_t n, scan_opts o)
{
    static result res;
    result_free(&res);
    vpcflow_scan_options opt = {.size = sizeof opt,
                                .format = o.format,
                                .threads = o.threads ? o.threads : 3,
                                .strict = o.strict,
                                .chunk_bytes = o.chunk,
                                .diag = s_diag,
                                .ctx = &res};
    vpcflow_sink sink = {s_open, s_record, NULL, s_close, &res, NULL};
    res.st = vpcflow_scan(paths, n, &opt, &sink, &res.stats, &res.err);
    if (res.all.n)
        qsort(res.all.v, res.all.n, sizeof *res.all.v, cmp_item);
    size_t len = 1;
    for (size_t i = 0; i < res.all.n; i++)
        len += strlen(res.all.v[i].text);
    res.joined = malloc(len);
    res.joined[0] = 0;
    for (size_t i = 0; i < res.all.n; i++)
        strcat(res.joined, res.all.v[i].text);
    return &res;
}

static result *scan1(const char *path, scan_opts o)
{
    return scan(&path, 1, o);
}

static const char *V2_HEADER = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
                               "start end action log-status\n";

/* ---- cases ----------------------------------------------------------------------------- */

TEST(plain_with_header_nodata_skipdata)
{
    char data[2048];
    snprintf(data, sizeof data,
             "%s2 123456789010 eni-1 10.0.0.1 10.0.0.2 443 49152 6 10 1000 1700000000 1700000060 ACCEPT OK\n"
             "2 123456789010 eni-1 - - - - - - - 1700000000 1700000060 - NODATA\n"
             "2 123456789010 eni-1 - - - - - - - 1700000000 1700000060 - SKIPDATA\n"
             "2 123456789010 eni-1 10.0.0.2 10.0.0.1 49152 443 6 5 500 1699999990 1700000120 REJECT OK\n",
             V2_HEADER);
    result *r = scan1(t_file(0, "a.log", data, strlen(data)), (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK);
    CHECK_EQ_U64(r->stats.records, 2);
    CHECK_EQ_U64(r->stats.records_nodata, 1);
    CHECK_EQ_U64(r->stats.records_skipdata, 1);
    CHECK_EQ_U64(r->stats.records_malformed, 0);
    CHECK_EQ_U64(r->stats.headers, 1);
    CHECK_EQ_U64(r->stats.lines, 5);
    CHECK_EQ_U64(r->stats.bytes, 1500);
    CHECK_EQ_U64(r->stats.packets, 15);
    CHECK_EQ_I64(r->stats.first_start, 1699999990);
    CHECK_EQ_I64(r->stats.last_end, 1700000120);
    CHECK_EQ_U64(r->all.n, 4);
    CHECK_STR(r->all.v[1].text, "a.log:3 2 123456789010 eni-1 - - - - - - - 1700000000 1700000060 - NODATA\n");
    CHECK_STR(r->diags, "");
}

TEST(gzip_single_and_multi_member_equal_plain)
{
    char data[8192] = "";
    strcat(data, V2_HEADER);
    for (int i = 0; i < 40; i++) {
        char line[200];
        snprintf(line, sizeof line, "2 1 eni-%d 10.0.%d.1 10.1.0.%d %d 443 6 %d %d 1700000000 1700000060 ACCEPT OK\n",
                 i % 3, i, i, 1024 + i, i + 1, 100 * i);
        strcat(data, line);
    }
    result *r = scan1(t_file(0, "p.log", data, strlen(data)), (scan_opts){0});
    char *plain = strdup(r->joined);
    for (int members = 1; members <= 5; members += 4) {
        r = scan1(t_gzfile(1, "p.log", data, strlen(data), members), (scan_opts){0});
        CHECK(r->st == VPCFLOW_OK);
        CHECK_STR(r->joined, plain);
        CHECK_EQ_U64(r->stats.records, 40);
        CHECK_EQ_U64(r->stats.bytes, 100 * (39 * 40 / 2));
    }
    free(plain);
}

TEST(empty_and_header_only_files)
{
    result *r = scan1(t_file(0, "empty.log", "", 0), (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK && r->all.n == 0 && r->stats.records == 0 && r->stats.lines == 0);
    r = scan1(t_file(0, "head.log", V2_HEADER, strlen(V2_HEADER) - 1), (scan_opts){0}); /* no final LF */
    CHECK(r->st == VPCFLOW_OK && r->all.n == 0 && r->stats.headers == 1 && r->stats.records_malformed == 0);
    r = scan1(t_gzfile(0, "head.log.gz", V2_HEADER, strlen(V2_HEADER), 1), (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK && r->all.n == 0 && r->stats.headers == 1);
    r = scan1(t_file(0, "blank.log", "\n\n  \r\n", 5), (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK && r->all.n == 0 && r->stats.records_malformed == 0);
}

TEST(truncated_and_corrupt_gzip_name_the_file)
{
    char data[4096] = "";
    strcat(data, V2_HEADER);
    for (int i = 0; i < 30; i++)
        strcat(data, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 100 1700000000 1700000060 ACCEPT OK\n");
    const char *gz = t_gzfile(0, "whole.log.gz", data, strlen(data), 1);
    FILE *f = fopen(gz, "rb");
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    const char *good = t_file(2, "good.log", data, strlen(data));
    /* each damaged file: with --strict it is the error; without, the good file next to it and
     * the records decoded before the damage count, and the file is reported once */
    static const struct {
        const char *name;
        int cut, flip, junk, trailer_flip;
        const char *why;
        uint64_t records; /* counted of the damaged file without strict (UINT64_MAX: any) */
    } cases[] = {
        {"cut.log.gz", 9, 0, 0, 0, "truncated gzip data (unexpected end of file) (after ", 30},
        {"bad.log.gz", 0, 1, 0, 0, "corrupt gzip data", UINT64_MAX},
        {"trail.log.gz", 0, 0, 1, 0, "trailing data after the gzip stream (after ", 30},
        {"crc.log.gz", 0, 0, 0, 8, "corrupt gzip data (CRC mismatch)", 30},
        {"isize.log.gz", 0, 0, 0, 1, "corrupt gzip data (ISIZE mismatch: the trailer says ", 30},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char copy[8192];
        memcpy(copy, buf, n);
        size_t len = n - (size_t)cases[i].cut;
        if (cases[i].flip)
            copy[n / 2] ^= 0x55;
        if (cases[i].junk) {
            memcpy(copy + n, "junk", 4);
            len += 4;
        }
        if (cases[i].trailer_flip)
            copy[n - (size_t)cases[i].trailer_flip] ^= 0x10;
        const char *path = t_file(1, cases[i].name, copy, len);
        result *r = scan1(path, (scan_opts){.strict = 1});
        CHECK(r->st == VPCFLOW_ERR_INPUT);
        CHECK(strstr(r->err.file, cases[i].name) != NULL);
        if (cases[i].records != UINT64_MAX) /* (garbage decoded before a corrupt block may fail first) */
            CHECK(strncmp(r->err.message, cases[i].why, strlen(cases[i].why)) == 0);
        const char *both[] = {path, good};
        r = scan(both, 2, (scan_opts){0});
        CHECK(r->st == VPCFLOW_OK);
        CHECK_EQ_U64(r->stats.inputs_failed, 1);
        if (cases[i].records != UINT64_MAX)
            CHECK_EQ_U64(r->stats.records, 30 + cases[i].records);
        char want[256];
        snprintf(want, sizeof want, "%s:0 %s", cases[i].name, cases[i].why);
        CHECK(strstr(r->diags, want) != NULL);
    }
    memcpy(buf + n, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16); /* zero padding after the last member is tolerated */
    result *r = scan1(t_file(1, "pad.log.gz", buf, n + 16), (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK && r->stats.records == 30 && r->stats.inputs_failed == 0);
    /* nothing readable at all: an error, not a partial result */
    r = scan1(t_file(1, "empty.log.gz", buf, 12), (scan_opts){0});
    CHECK(r->st == VPCFLOW_ERR_INPUT && r->stats.inputs_failed == 0);
    const char *missing[] = {"/nonexistent/a.log", good};
    r = scan(missing, 2, (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK && r->stats.inputs_failed == 1 && r->stats.records == 30);
    CHECK(strstr(r->diags, "a.log:0 cannot open: No such file or directory") != NULL);
    r = scan(missing, 2, (scan_opts){.strict = 1});
    CHECK(r->st == VPCFLOW_ERR_IO);
}

TEST(malformed_lines_reported_in_order_first_ten)
{
    char data[8192] = "";
    strcat(data, V2_HEADER);
    for (int i = 0; i < 15; i++)
        strcat(data, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 100 1700000000 1700000060 ACCEPT\n");
    strcat(data, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 100 1700000000 1700000060 ACCEPT OK\n");
    const char *paths[2] = {t_file(0, "m1.log", data, strlen(data)),
                            t_file(1, "m2.log", "2 1 eni-1 x y 1 2 6 1 100 1 2 ACCEPT OK\n", 40)};
    result *r = scan(paths, 2, (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK);
    CHECK_EQ_U64(r->stats.records_malformed, 16);
    CHECK_EQ_U64(r->stats.records, 1);
    char want[4096] = "";
    for (int i = 0; i < 10; i++) {
        char line[128];
        snprintf(line, sizeof line, "E m1.log:%d expected 14 fields, found 13\n", i + 2);
        strcat(want, line);
    }
    CHECK_STR(r->diags, want);
}

TEST(strict_stops_at_first_bad_line_in_input_order)
{
    char good[16384] = "";
    for (int i = 0; i < 100; i++)
        strcat(good, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 100 1700000000 1700000060 ACCEPT OK\n");
    char bad[40000];
    snprintf(bad, sizeof bad, "%s2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 100 1700000000 1700000060 MAYBE OK\n%s", good,
             good);
    const char *paths[5] = {t_file(0, "s1.log", good, strlen(good)), t_file(1, "s2.log", bad, strlen(bad)),
                            t_file(2, "s3.log", good, strlen(good)), t_file(3, "s4.log", bad, strlen(bad)),
                            t_file(4, "s5.log", good, strlen(good))};
    for (int round = 0; round < 20; round++) {
        result *r = scan(paths, 5, (scan_opts){.threads = 4, .strict = 1});
        CHECK(r->st == VPCFLOW_ERR_INPUT);
        CHECK(strstr(r->err.file, "s2.log") != NULL);
        CHECK_EQ_U64(r->err.line, 101);
        CHECK_STR(r->err.message, "field 13 (action): action is not ACCEPT or REJECT");
    }
}

TEST(format_switches_at_header_and_unknown_field_warns_once)
{
    const char *data = "version srcaddr bytes\n"
                       "2 10.0.0.1 10\n"
                       "bytes srcaddr version flavour\n"
                       "20 10.0.0.2 3 vanilla\n";
    const char *paths[2] = {t_file(0, "h1.log", data, strlen(data)), t_file(1, "h2.log", data, strlen(data))};
    result *r = scan(paths, 2, (scan_opts){.threads = 1});
    CHECK(r->st == VPCFLOW_OK);
    CHECK_EQ_U64(r->stats.records, 4);
    CHECK_EQ_U64(r->stats.bytes, 60);
    CHECK_STR(r->joined, "h1.log:2 2 10.0.0.1 10\nh1.log:4 20 10.0.0.2 3 vanilla\n"
                         "h2.log:2 2 10.0.0.1 10\nh2.log:4 20 10.0.0.2 3 vanilla\n");
    CHECK_STR(r->diags, "W h1.log:3 unknown field 'flavour' in header: kept as an opaque text column\n");
}

TEST(invalid_header_counts_once_as_malformed)
{
    const char *data = "version bytes version\n2 5\n";
    result *r = scan1(t_file(0, "dup.log", data, strlen(data)), (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK);
    CHECK_EQ_U64(r->stats.headers, 0);
    CHECK_EQ_U64(r->stats.records_malformed, 2);
    CHECK_EQ_U64(r->stats.lines, 2);
    CHECK_STR(r->diags, "E dup.log:1 invalid header line (a field appears twice?)\n"
                        "E dup.log:2 expected 14 fields, found 2\n");
}

TEST(given_format_for_files_without_header)
{
    const char *data = "vpc-1 10.0.0.1 5\nvpc-2 10.0.0.3 7\n";
    result *r =
        scan1(t_file(0, "nohdr.log", data, strlen(data)), (scan_opts){.format = "${vpc-id} ${srcaddr} ${bytes}"});
    CHECK(r->st == VPCFLOW_OK && r->stats.records == 2 && r->stats.bytes == 12);
    r = scan1(t_file(0, "nohdr.log", data, strlen(data)), (scan_opts){.format = "${vpc-id} ${srcaddr"});
    CHECK(r->st == VPCFLOW_ERR_INPUT);
    CHECK_STR(r->err.file, "--format");
}

TEST(cloudwatch_export)
{
    const char *data = "2017-07-28T10:00:01.000Z 2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
                       "1501236000 1501236060 ACCEPT OK\n"
                       "2017-07-28T10:00:02.500+02:00 2 123456789010 eni-1 198.51.100.7 172.31.16.139 53411 23 6 1 40 "
                       "1501236001 1501236061 REJECT OK\n"
                       "2 123456789010 eni-1 198.51.100.7 172.31.16.139 53411 23 6 1 40 1501236001 1501236061 REJECT "
                       "OK\n";
    result *r = scan1(t_file(0, "000000", data, strlen(data)), (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK);
    CHECK_EQ_U64(r->stats.records, 2);
    CHECK_EQ_U64(r->stats.bytes, 4289);
    CHECK_EQ_U64(r->stats.records_malformed, 1);
    CHECK_STR(r->diags, "E 000000:3 expected a CloudWatch export timestamp at the start of the line\n");
    CHECK(strncmp(r->all.v[0].text, "000000:1 2 123456789010 eni-1 172.31.16.139", 40) == 0);
}

static int64_t event_ms_seen[8];
static int n_event_ms;
static int s_record_ms(void *state, const vpcflow_record *r)
{
    (void)state;
    if (n_event_ms < 8)
        event_ms_seen[n_event_ms++] = r->event_ms;
    return 0;
}

TEST(cloudwatch_event_times)
{
    const char *data =
        "2017-07-28T10:00:01.250Z 2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1501236000 1501236060 ACCEPT OK\n";
    const char *path = t_file(0, "ev.log", data, strlen(data));
    vpcflow_scan_options opt = {.size = sizeof opt, .threads = 1};
    vpcflow_sink sink = {NULL, s_record_ms, NULL, NULL, NULL, NULL};
    n_event_ms = 0;
    CHECK(vpcflow_scan(&path, 1, &opt, &sink, NULL, NULL) == VPCFLOW_OK);
    CHECK_EQ_I64(n_event_ms, 1);
    CHECK_EQ_I64(event_ms_seen[0], 1501236001250LL);
}

TEST(subscription_payloads)
{
    /* the Lambda event of the samples: base64 of gzip of a DATA_MESSAGE with two events */
    result *r = scan1("tests/data/samples/lambda-subscription-event.json", (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK);
    CHECK_EQ_U64(r->stats.records, 2);
    CHECK_EQ_U64(r->stats.bytes, 4309);
    CHECK(strncmp(r->all.v[1].text, "lambda-subscription-event.json:2 2 123456789010 eni-1235b8ca123456789 172.31.9.69",
                  80) == 0);
    /* a plain DATA_MESSAGE, a CONTROL_MESSAGE (skipped) and a Kinesis-shaped record set */
    const char *data =
        "{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":[{\"id\":\"1\",\"timestamp\":1,\"message\":\"CWL CONTROL "
        "MESSAGE\"}]}\n"
        "{\"owner\":\"123\",\"logGroup\":\"g\",\"logStream\":\"eni-1-all\",\"messageType\":\"DATA_MESSAGE\","
        "\"logEvents\":[{\"id\":\"2\",\"timestamp\":1501236000000,\"message\":\"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 "
        "1 7 1501236000 1501236060 ACCEPT OK\"}]}\n";
    r = scan1(t_file(0, "payload.json", data, strlen(data)), (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK);
    CHECK_EQ_U64(r->stats.records, 1);
    CHECK_EQ_U64(r->stats.bytes, 7);
    const char *bad = "{\"nothing\": true}";
    r = scan1(t_file(0, "other.json", bad, strlen(bad)), (scan_opts){0});
    CHECK(r->st == VPCFLOW_ERR_INPUT);
    CHECK_STR(r->err.message,
              "JSON input is not a CloudWatch Logs subscription payload nor AWS CLI logs output (no awslogs, "
              "Records, logEvents, events, results or message)");
}

/* The AWS CLI's `aws logs` JSON: each shape's messages as lines, with its event times (Logs
 * Insights' @timestamp text read as UTC), pagination tokens ignored. */
TEST(aws_cli_json_shapes_decode_to_their_messages)
{
    static const struct {
        const char *json, *text;
        int64_t ms[2];
    } cases[] = {
        {"{\"events\":[{\"logStreamName\":\"s\",\"timestamp\":1501236000000,\"message\":\"a b\",\"ingestionTime\":1,"
         "\"eventId\":\"1\"},{\"timestamp\":1501236000001,\"message\":\"c\"}],\"searchedLogStreams\":[],"
         "\"nextToken\":\"T\"}",
         "a b\nc\n",
         {1501236000000, 1501236000001}},
        {"{\"events\":[{\"timestamp\":7,\"message\":\"x\\n\",\"ingestionTime\":8}],\"nextForwardToken\":\"f/1\","
         "\"nextBackwardToken\":\"b/1\"}",
         "x\n",
         {7, 0}},
        {"{\"results\":[[{\"field\":\"@timestamp\",\"value\":\"2017-07-28 10:00:01.250\"},{\"field\":\"@message\","
         "\"value\":\"m1\"},{\"field\":\"@ptr\",\"value\":\"p\"}],[{\"field\":\"@message\",\"value\":\"m2\"},"
         "{\"field\":\"@timestamp\",\"value\":\"1600-02-29 "
         "00:00:00.000\"}]],\"statistics\":{},\"status\":\"Complete\"}",
         "m1\nm2\n",
         {1501236001250, -11670998400000}},
        {"{\"message\":\"j1\",\"timestamp\":5}\n{\"@message\":\"j2\"}", "j1\nj2\n", {5, 0}},
        {"[{\"message\":\"e1\"},{\"message\":\"e2\",\"timestamp\":9}]", "e1\ne2\n", {0, 9}},
        {"{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"timestamp\":3,\"message\":\"d1\"}]}{\"messageType\":"
         "\"CONTROL_MESSAGE\",\"logEvents\":[{\"message\":\"CWL\"}]}{\"logEvents\":[{\"message\":\"d2\"}]}",
         "d1\nd2\n",
         {3, 0}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vf_payload_text t;
        vpcflow_error err;
        CHECK(vf_payload_decode(cases[i].json, strlen(cases[i].json), "in.json", &t, &err) == VPCFLOW_OK);
        CHECK_MEM(t.text, t.len, cases[i].text);
        CHECK_EQ_U64(t.nevents, 2 - (i == 1));
        for (size_t k = 0; k < t.nevents; k++)
            CHECK_EQ_I64(t.event_ms[k], cases[i].ms[k]);
        vf_payload_free(&t);
    }
    /* a Logs Insights row without @message, and an event without a message */
    const char *q = "\n\n{\"results\":[[{\"field\":\"@message\",\"value\":\"m\"}],[{\"field\":\"@timestamp\","
                    "\"value\":\"2017-07-28 10:00:01.000\"}]]}";
    vf_payload_text t;
    vpcflow_error err;
    CHECK(vf_payload_decode(q, strlen(q), "q.json", &t, &err) == VPCFLOW_ERR_INPUT);
    CHECK_EQ_U64(err.line, 3);
    CHECK_STR(err.message, "results[1] has no @message: the Logs Insights query must return @message (e.g. 'fields "
                           "@timestamp, @message')");
    const char *e = "{\"events\":[{\"timestamp\":1}]}";
    CHECK(vf_payload_decode_at(e, strlen(e), "e.json", 40, &t, &err) == VPCFLOW_ERR_INPUT);
    CHECK_EQ_U64(err.line, 40);
    CHECK_STR(err.message, "events[0] has no message string");
}

/* A document over 16 MiB is read element by element: the same lines and event times as a
 * small one; a CONTROL_MESSAGE's events go, though they come before its type. */
TEST(a_large_document_decodes_element_by_element)
{
    size_t n = 170000, cap = 2 * n * 128 + 4096, len = 0;
    char *doc = malloc(cap);
    CHECK(doc != NULL);
    if (!doc)
        return;
    for (int control = 1; control >= 0; control--) {
        len += (size_t)snprintf(doc + len, cap - len, "{\"logEvents\":[");
        for (size_t i = 0; i < n; i++)
            len +=
                (size_t)snprintf(doc + len, cap - len,
                                 "%s{\"id\":\"%zu\",\"timestamp\":%zu,\"message\":\"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 "
                                 "1 %zu 1 2 ACCEPT OK\"}",
                                 i ? "," : "", i, 1501236000000 + i, i);
        len += (size_t)snprintf(doc + len, cap - len, "],\"messageType\":\"%s\"}\n",
                                control ? "CONTROL_MESSAGE" : "DATA_MESSAGE");
    }
    CHECK(len > (size_t)2 * (16 << 20));
    vf_payload_text t;
    vpcflow_error err;
    CHECK(vf_payload_decode(doc, len, "large.json", &t, &err) == VPCFLOW_OK);
    CHECK_EQ_U64(t.nevents, n);
    CHECK_EQ_U64(t.control_messages, 1);
    CHECK_EQ_I64(t.event_ms[0], 1501236000000);
    CHECK_EQ_I64(t.event_ms[n - 1], 1501236000000 + (int64_t)n - 1);
    const char *last = "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 169999 1 2 ACCEPT OK\n";
    CHECK(t.len > strlen(last) && memcmp(t.text + t.len - strlen(last), last, strlen(last)) == 0);
    CHECK(memcmp(t.text, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 0 1 2 ACCEPT OK\n", 52) == 0);
    vf_payload_free(&t);
    /* a syntax error in the second document (brackets still balanced): named by its line */
    char *comma = strstr(doc + len - 1000, "},{");
    CHECK(comma != NULL);
    if (comma)
        comma[1] = ';';
    CHECK(vf_payload_decode_at(doc, len, "large.json", 10, &t, &err) == VPCFLOW_ERR_INPUT);
    CHECK_EQ_U64(err.line, 11);
    free(doc);
}

/* Where documents end, found as the text arrives a byte at a time: brackets inside strings
 * (escaped quotes too) do not count, a bare line ends at its newline, gzip data takes the rest. */
TEST(payload_cut_finds_where_documents_end)
{
    const char *text = "{\"message\":\"a } ] \\\" {\"}\n[{\"m\":[1]}]H4sIAAAA\n{\"x\":\"\\\\\"}\x1f\x8b{}";
    size_t n = strlen(text), want[] = {24, 36, 45, 55};
    vf_payload_cut c;
    memset(&c, 0, sizeof c);
    size_t seen = 0, ends[8], nends = 0, last = 0;
    for (size_t i = 1; i <= n; i++) {
        size_t end = vf_payload_cut_scan(&c, text, i);
        if (end != last) {
            ends[nends++] = end;
            last = end;
        }
        seen = i;
    }
    CHECK_EQ_U64(seen, n);
    CHECK_EQ_U64(nends, 4);
    for (size_t k = 0; k < nends && k < 4; k++)
        CHECK_EQ_U64(ends[k], want[k]);
    CHECK(c.rest); /* after the gzip magic nothing more is cut */
    vf_payload_cut_consumed(&c, 45);
    CHECK_EQ_U64(c.end, 55 - 45);
}

TEST(directories_are_walked_in_sorted_order)
{
    const char *rec = "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1700000000 1700000060 ACCEPT OK\n";
    t_file(0, "tree/AWSLogs/1/vpcflowlogs/us-east-1/2026/11/02/b.log", rec, strlen(rec));
    t_file(1, "tree/AWSLogs/1/vpcflowlogs/us-east-1/2026/11/01/z.log", rec, strlen(rec));
    t_file(2, "tree/AWSLogs/1/vpcflowlogs/us-east-1/2026/11/01/a.log", rec, strlen(rec));
    t_file(3, "tree/AWSLogs/1/vpcflowlogs/us-east-1/2026/11/01/.hidden.log", rec, strlen(rec));
    char dir[512];
    snprintf(dir, sizeof dir, "%s/tree", t_tmpdir());
    result *r = scan1(dir, (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK && r->all.n == 3);
    CHECK(strncmp(r->all.v[0].text, "a.log:1", 7) == 0);
    CHECK(strncmp(r->all.v[1].text, "z.log:1", 7) == 0);
    CHECK(strncmp(r->all.v[2].text, "b.log:1", 7) == 0);
    const char *missing = "/nonexistent/vpcflow";
    r = scan1(missing, (scan_opts){0});
    CHECK(r->st == VPCFLOW_ERR_IO);
    CHECK_STR(r->err.message, "cannot open: No such file or directory");
}

TEST(large_files_split_in_chunks_give_the_same_records)
{
    /* headers switch formats in the middle; chunk size 4 KiB forces many chunks */
    size_t cap = 1 << 20, len = 0;
    char *data = malloc(cap);
    const char *hdr1 = "version srcaddr dstaddr bytes\n", *hdr2 = "bytes dstaddr srcaddr version action\n";
    for (int i = 0; i < 3000; i++) {
        if (i == 0)
            len += (size_t)snprintf(data + len, cap - len, "%s", hdr1);
        if (i == 1234)
            len += (size_t)snprintf(data + len, cap - len, "%s", hdr2);
        if (i == 2000)
            len += (size_t)snprintf(data + len, cap - len, "%s", hdr1);
        if (i % 500 == 7)
            len += (size_t)snprintf(data + len, cap - len, "this line is not a record\n");
        if (i >= 1234 && i < 2000)
            len += (size_t)snprintf(data + len, cap - len, "%d 10.1.%d.%d 10.0.%d.%d 5 ACCEPT\n", i, i / 256, i % 256,
                                    i / 256, i % 256);
        else
            len += (size_t)snprintf(data + len, cap - len, "2 10.0.%d.%d 10.1.%d.%d %d\n", i / 256, i % 256, i / 256,
                                    i % 256, i);
    }
    len += (size_t)snprintf(data + len, cap - len, "2 10.9.9.9 10.9.9.8 77"); /* no final newline */
    const char *path = t_file(0, "big.log", data, len);
    result *r = scan1(path, (scan_opts){.threads = 1, .chunk = 1 << 24});
    CHECK(r->st == VPCFLOW_OK);
    CHECK_EQ_U64(r->stats.records, 3001);
    CHECK_EQ_U64(r->stats.records_malformed, 6);
    CHECK_EQ_U64(r->stats.headers, 3);
    char *whole = strdup(r->joined), *diags = strdup(r->diags);
    for (unsigned threads = 1; threads <= 4; threads += 3) {
        r = scan1(path, (scan_opts){.threads = threads, .chunk = 4096});
        CHECK(r->st == VPCFLOW_OK);
        CHECK_STR(r->joined, whole);
        CHECK_STR(r->diags, diags);
        CHECK_EQ_U64(r->stats.headers, 3);
        CHECK_EQ_U64(r->stats.lines, 3000 + 3 + 6 + 1);
    }
    CHECK(strstr(whole, "big.log:1240 1234 10.1.4.210 10.0.4.210 5 ACCEPT\n") != NULL);
    CHECK(strstr(whole, "big.log:3010 2 10.9.9.9 10.9.9.8 77\n") != NULL);
    free(whole);
    free(diags);
    free(data);
}

TEST(chunks_smaller_than_lines_give_the_same_records)
{
    /* records between lines far longer than a chunk (one longer than the 256 KiB read past a
     * chunk's end): every line belongs to exactly one chunk, whatever the cut */
    size_t cap = 2 << 20, len = 0;
    char *data = malloc(cap);
    for (int i = 0; i < 40; i++) {
        len +=
            (size_t)snprintf(data + len, cap - len,
                             "2 1 eni-1 10.0.0.%d 10.0.0.2 1 2 6 1 %d 1700000000 1700000060 ACCEPT OK\n", i, 100 + i);
        size_t junk = i == 5 ? 300000 : i % 7 == 3 ? 1000 : 0; /* 7 lines of junk */
        if (junk) {
            memset(data + len, 'x', junk);
            len += junk;
            data[len++] = '\n';
        }
    }
    const char *path = t_file(0, "long-lines.log", data, len);
    result *r = scan1(path, (scan_opts){.threads = 1, .chunk = 1 << 24});
    CHECK(r->st == VPCFLOW_OK);
    CHECK_EQ_U64(r->stats.records, 40);
    CHECK_EQ_U64(r->stats.records_malformed, 7);
    CHECK_EQ_U64(r->stats.lines, 47);
    CHECK_EQ_U64(r->stats.bytes, 40 * 100 + 39 * 40 / 2);
    char *whole = strdup(r->joined), *diags = strdup(r->diags);
    static const size_t chunks[] = {64, 100, 1000, 4096, 100000};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++)
        for (unsigned threads = 1; threads <= 3; threads += 2) {
            r = scan1(path, (scan_opts){.threads = threads, .chunk = chunks[c]});
            CHECK(r->st == VPCFLOW_OK);
            CHECK_EQ_U64(r->stats.lines, 47);
            CHECK_EQ_U64(r->stats.records_malformed, 7);
            CHECK_STR(r->joined, whole);
            CHECK_STR(r->diags, diags);
        }
    free(whole);
    free(diags);
    free(data);
}

TEST(a_header_starts_in_the_first_column_however_the_file_is_cut)
{
    CHECK(vpcflow_line_is_header("version srcaddr bytes", 21) == 1);
    CHECK(vpcflow_line_is_header(" version srcaddr bytes", 22) == 0);
    /* an indented header is a malformed line, in one pass and in chunks alike */
    size_t cap = 1 << 16, len = 0;
    char *data = malloc(cap);
    for (int i = 0; i < 200; i++) {
        if (i == 100)
            len += (size_t)snprintf(data + len, cap - len, " version srcaddr bytes\n");
        len += (size_t)snprintf(data + len, cap - len,
                                "2 1 eni-1 10.0.0.%d 10.0.0.2 1 2 6 1 %d 1700000000 1700000060 ACCEPT OK\n", i, i);
    }
    const char *path = t_file(0, "indented.log", data, len);
    for (size_t chunk = 1 << 24; chunk >= 500; chunk = chunk == 1 << 24 ? 500 : 0) {
        result *r = scan1(path, (scan_opts){.threads = 2, .chunk = chunk});
        CHECK(r->st == VPCFLOW_OK);
        CHECK_EQ_U64(r->stats.records, 200);
        CHECK_EQ_U64(r->stats.headers, 0);
        CHECK_EQ_U64(r->stats.records_malformed, 1);
        CHECK(strstr(r->diags, "E indented.log:101 ") != NULL);
    }
    free(data);
}

TEST(long_lines_are_handled)
{
    size_t n = 9u << 20; /* longer than the 4 MiB stream buffer: it grows */
    char *data = malloc(n + 200);
    memset(data, 'x', n);
    data[n] = '\n';
    const char *rec = "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1700000000 1700000060 ACCEPT OK\n";
    memcpy(data + n + 1, rec, strlen(rec));
    result *r = scan1(t_gzfile(0, "long.log.gz", data, n + 1 + strlen(rec), 1), (scan_opts){0});
    CHECK(r->st == VPCFLOW_OK);
    CHECK_EQ_U64(r->stats.records, 1);
    CHECK_EQ_U64(r->stats.records_malformed, 1);
    free(data);
}

/* A line over 64 MiB is one malformed line, named by its line number and the byte where it
 * starts; the lines around it count. The same in a gzip stream and in a plain file read in
 * chunks (the line spans many of them), with any thread count. */
TEST(a_line_over_64_mib_is_one_malformed_line)
{
    const char *rec = "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1700000000 1700000060 ACCEPT OK\n";
    size_t rl = strlen(rec), big = 65u << 20, n = 2 * rl + big + 1 + 2 * rl;
    char *data = malloc(n);
    memcpy(data, rec, rl);
    memcpy(data + rl, rec, rl);
    memset(data + 2 * rl, 'y', big);
    data[2 * rl + big] = '\n';
    memcpy(data + 2 * rl + big + 1, rec, rl);
    memcpy(data + 3 * rl + big + 1, rec, rl);
    const char *paths[] = {t_gzfile(0, "huge.log.gz", data, n, 1), t_file(1, "huge.log", data, n)};
    char want[256];
    for (int i = 0; i < 2; i++)
        for (unsigned threads = 1; threads <= 4; threads += 3) {
            result *r = scan1(paths[i], (scan_opts){.threads = threads});
            CHECK(r->st == VPCFLOW_OK);
            CHECK_EQ_U64(r->stats.records, 4);
            CHECK_EQ_U64(r->stats.records_malformed, 1);
            CHECK_EQ_U64(r->stats.lines, 5);
            CHECK_EQ_U64(r->stats.inputs_failed, 0);
            snprintf(want, sizeof want, "E %s:3 line longer than 64 MiB (it starts at byte %zu)\n",
                     i ? "huge.log" : "huge.log.gz", 2 * rl);
            CHECK_STR(r->diags, want);
            r = scan1(paths[i], (scan_opts){.threads = threads, .strict = 1});
            CHECK(r->st == VPCFLOW_ERR_INPUT);
            CHECK_EQ_U64(r->err.line, 3);
        }
    free(data);
}

/* A sink that changes the file being read at its first record: appends to it, cuts it in
 * half, or rewrites its first bytes with the same bytes (same size, new time). */
typedef struct change_ctx {
    const char *path;
    int mode, done;
    uint64_t records;
} change_ctx;

static void *c_open(void *ctx, unsigned w)
{
    (void)w;
    return ctx;
}

static int c_record(void *state, const vpcflow_record *r)
{
    change_ctx *c = state;
    c->records++;
    if (c->done++)
        return 0;
    struct stat sb;
    stat(c->path, &sb);
    int fd = open(c->path, O_WRONLY | (c->mode == 0 ? O_APPEND : 0));
    struct timespec pause = {0, 20000000};
    nanosleep(&pause, NULL); /* a later modification time, whatever the clock's grain */
    if (c->mode == 0)
        CHECK(write(fd, r->line.ptr, r->line.len) == (ssize_t)r->line.len);
    else if (c->mode == 1)
        CHECK(ftruncate(fd, sb.st_size / 2) == 0);
    else
        CHECK(pwrite(fd, "2", 1, 0) == 1);
    close(fd);
    return 0;
}

static int c_close(void *ctx, void *state)
{
    (void)ctx;
    (void)state;
    return 0;
}

TEST(a_file_changed_while_read_is_reported)
{
    const char *rec = "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1700000000 1700000060 ACCEPT OK\n";
    size_t rl = strlen(rec);
    char *data = malloc(200 * rl);
    for (int i = 0; i < 200; i++)
        memcpy(data + i * rl, rec, rl);
    static const char *const what[] = {"grows", "shrinks", "is rewritten"};
    for (int mode = 0; mode < 3; mode++) {
        const char *path = t_file(0, "changing.log", data, 200 * rl);
        change_ctx c = {path, mode, 0, 0};
        result res;
        memset(&res, 0, sizeof res);
        vpcflow_scan_options opt = {.size = sizeof opt, .threads = 1, .chunk_bytes = 4096, .diag = s_diag, .ctx = &res};
        vpcflow_sink sink = {c_open, c_record, NULL, c_close, &c, NULL};
        vpcflow_scan_stats stats;
        vpcflow_error err;
        vpcflow_status st = vpcflow_scan(&path, 1, &opt, &sink, &stats, &err);
        if (!strstr(res.diags, "file changed while reading"))
            printf("  the file %s: %llu records; %s", what[mode], (unsigned long long)c.records, res.diags);
        CHECK(st == VPCFLOW_OK);
        CHECK_EQ_U64(stats.inputs_failed, 1);
        CHECK(strstr(res.diags, "changing.log:0 file changed while reading (") != NULL);
        CHECK(strstr(res.diags, "longer than") == NULL); /* a short read is not a long line */
        if (mode == 1)
            CHECK(c.records > 0 && c.records < 200);
        else
            CHECK_EQ_U64(c.records, 200);
        opt.strict = 1;
        path = t_file(0, "changing.log", data, 200 * rl);
        c = (change_ctx){path, mode, 0, 0};
        CHECK(vpcflow_scan(&path, 1, &opt, &sink, &stats, &err) == VPCFLOW_ERR_INPUT);
        if (mode != 1) /* (a cut line may be the first error) */
            CHECK(strstr(err.message, "file changed while reading") != NULL);
    }
    free(data);
}

TEST(stdin_is_read)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    char data[1024];
    snprintf(data, sizeof data, "%s2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 300 1700000000 1700000060 ACCEPT OK", V2_HEADER);
    CHECK(write(fds[1], data, strlen(data)) == (ssize_t)strlen(data));
    close(fds[1]);
    int saved = dup(0);
    dup2(fds[0], 0);
    close(fds[0]);
    result *r = scan1("-", (scan_opts){0});
    dup2(saved, 0);
    close(saved);
    CHECK(r->st == VPCFLOW_OK);
    CHECK_EQ_U64(r->stats.records, 1);
    CHECK_EQ_U64(r->stats.bytes, 300);
    CHECK_STR(r->joined, "-:2 2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 300 1700000000 1700000060 ACCEPT OK\n");
}

static int stop_after_two(void *state, const vpcflow_record *r)
{
    (void)r;
    int *n = state;
    return ++*n >= 2;
}
static void *open_counter(void *ctx, unsigned w)
{
    (void)ctx;
    (void)w;
    return calloc(1, sizeof(int));
}
static int close_counter(void *ctx, void *state)
{
    *(int *)ctx += *(int *)state;
    free(state);
    return 0;
}

TEST(a_sink_can_stop_the_scan)
{
    char data[8192] = "";
    for (int i = 0; i < 50; i++)
        strcat(data, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1700000000 1700000060 ACCEPT OK\n");
    const char *path = t_file(0, "stop.log", data, strlen(data));
    int total = 0;
    vpcflow_scan_options opt = {.size = sizeof opt, .threads = 1};
    vpcflow_sink sink = {open_counter, stop_after_two, NULL, close_counter, &total, NULL};
    CHECK(vpcflow_scan(&path, 1, &opt, &sink, NULL, NULL) == VPCFLOW_ERR_STOPPED);
    CHECK_EQ_I64(total, 2);
}

TEST(peek_format)
{
    const char *data = "bytes srcaddr\n5 10.0.0.1\n";
    const char *path = t_file(0, "peek.log", data, strlen(data));
    vpcflow_format *f = NULL;
    CHECK(vpcflow_peek_format(&path, 1, NULL, &f, NULL) == VPCFLOW_OK);
    CHECK_EQ_U64(vpcflow_format_columns(f), 2);
    vpcflow_format_free(f);
    path = t_file(0, "peek2.log", "2 1 eni-1\n", 10);
    CHECK(vpcflow_peek_format(&path, 1, NULL, &f, NULL) == VPCFLOW_OK);
    CHECK_EQ_U64(vpcflow_format_columns(f), 14);
    vpcflow_format_free(f);
}

/* vf_gunzip_all: a stream that ends exactly at the limit fits, one byte more is too large, and
 * corrupt data is told apart from both (the payload decoder's limits rest on these codes). */
TEST(gunzip_all_limits)
{
    static const struct {
        size_t plain, max_out;
        int rc;
    } cases[] = {
        {1000, 1000, 0},
        {1001, 1000, VF_GUNZIP_TOO_LARGE},
        {(size_t)1 << 20, 4096, VF_GUNZIP_TOO_LARGE},
        {(size_t)1 << 20, ((size_t)1 << 20) + 1, 0},
        {(size_t)1 << 20, (size_t)1 << 20, 0},
        {(size_t)1 << 20, ((size_t)1 << 20) - 1, VF_GUNZIP_TOO_LARGE},
    };
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *plain = malloc(cases[i].plain);
        memset(plain, 'a', cases[i].plain);
        size_t cap = cases[i].plain + 1024;
        unsigned char *z = malloc(cap);
        size_t zn = libdeflate_gzip_compress(c, plain, cases[i].plain, z, cap);
        char *out = NULL;
        size_t len = 0;
        char why[160] = "";
        int rc = vf_gunzip_all(z, zn, &out, &len, cases[i].max_out, why, sizeof why);
        CHECK_EQ_U64(rc, cases[i].rc);
        if (rc == 0) {
            CHECK_EQ_U64(len, cases[i].plain);
            CHECK(memcmp(out, plain, len) == 0);
        } else
            CHECK(why[0] != 0);
        free(out);
        free(z);
        free(plain);
    }
    libdeflate_free_compressor(c);
    static const unsigned char corrupt[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff};
    char *out = NULL;
    size_t len = 0;
    char why[160] = "";
    CHECK_EQ_U64(vf_gunzip_all(corrupt, sizeof corrupt, &out, &len, 1000, why, sizeof why), VF_GUNZIP_BAD);
    CHECK(why[0] != 0);
}

/* vf_gz_inflate on a multi-member stream fed in pieces of every small size, each piece in a new
 * buffer (the old one freed, as a file reader's refilled buffer would be), with output room of
 * every small size: isa-l gives back bytes read past a member's trailer, which may lie in an
 * earlier piece, and the stream must still decode exactly. */
TEST(gz_inflate_members_in_pieces)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(6), *c0 = libdeflate_alloc_compressor(0);
    char plain[6000];
    size_t pn = 0;
    unsigned char z[12000];
    size_t zn = 0;
    const size_t sizes[] = {1, 2900, 37, 0, 3000};
    for (size_t m = 0; m < sizeof sizes / sizeof sizes[0]; m++) {
        char *part = plain + pn;
        for (size_t i = 0; i < sizes[m]; i++)
            part[i] = (char)('a' + (i * 7 + m * 3 + i / 13) % 26);
        struct libdeflate_compressor *use = m == 2 ? c0 : c;
        zn += libdeflate_gzip_compress(use, part, sizes[m], z + zn, sizeof z - zn);
        pn += sizes[m];
        if (m == 1) { /* zero padding between members */
            memset(z + zn, 0, 5);
            zn += 5;
        }
    }
    libdeflate_free_compressor(c);
    libdeflate_free_compressor(c0);
    const size_t pieces[] = {1, 2, 3, 5, 7, 8, 9, 13, 17, 64, 4096};
    const size_t rooms[] = {1, 3, 7, 64, 8192};
    char *out = malloc(pn + 8192);
    for (size_t a = 0; a < sizeof pieces / sizeof pieces[0]; a++)
        for (size_t b = 0; b < sizeof rooms / sizeof rooms[0]; b++) {
            vf_gz *gz = vf_gz_new();
            size_t fed = 0, got = 0, keep = 0;
            unsigned char *buf = NULL;
            int done = 0, bad = 0;
            while (!done && !bad) {
                /* a new buffer: what the last call left, then the next piece */
                size_t add = VF_MIN(pieces[a], zn - fed);
                unsigned char *nb = malloc(keep + add + 1);
                if (keep)
                    memcpy(nb, buf, keep);
                memcpy(nb + keep, z + fed, add);
                free(buf);
                buf = nb;
                fed += add;
                const unsigned char *p = buf;
                size_t left = keep + add;
                const char *why = NULL;
                long n =
                    vf_gz_inflate(gz, &p, &left, fed == zn, out + got, VF_MIN(rooms[b], pn + 8192 - got), &done, &why);
                if (n < 0) {
                    bad = 1;
                    break;
                }
                got += (size_t)n;
                memmove(buf, p, left);
                keep = left;
            }
            free(buf);
            vf_gz_free(gz);
            CHECK(!bad);
            CHECK_EQ_U64(got, pn);
            CHECK(memcmp(out, plain, pn) == 0);
        }
    free(out);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
