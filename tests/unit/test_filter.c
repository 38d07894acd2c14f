/* test_filter.c — filter patterns: every form and operator, checked as the exact set of records
 * each pattern selects, and every compile error with its column. */
#include "t.h"

#include "filter/filter.h"
#include "vpcflow.h"

#include <stdlib.h>

/* A fixture row: a line and its format (NULL: the default version 2 format). */
typedef struct row {
    const char *fmt;
    const char *line;
} row;

#define ROWS(a) (a), sizeof(a) / sizeof((a)[0])

/* Default-format records, numbered as the bits of the expected sets. */
static const row D[] = {
    /* 0 */ {NULL, "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
                   "1418530010 1418530070 ACCEPT OK"},
    /* 1 */
    {NULL, "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 "
           "1418530070 REJECT OK"},
    /* 2 */ {NULL, "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA"},
    /* 3 */ {NULL, "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA"},
    /* 4 */
    {NULL, "2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 "
           "2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK"},
    /* 5 */
    {NULL, "2 123456789010 eni-0a1b2c3d4e5f60718 198.51.100.7 10.0.1.5 53411 23 6 1 40 1501236001 1501236061 "
           "REJECT OK"},
    /* 6 */
    {NULL, "2 123456789010 eni-0a1b2c3d4e5f60718 10.0.1.5 203.0.113.9 443 51000 6 12 1000000000000000 "
           "1501236001 1501236061 ACCEPT OK"},
    /* 7 */
    {NULL, "2 unknown eni-0a1b2c3d4e5f60718 10.0.2.77 10.0.1.5 123 123 17 2 152 1501236002 1501236062 "
           "ACCEPT OK"},
    /* 8 */ {NULL, "2 123456789010 eni-0a1b2c3d4e5f60718 10.0.1.5 8.8.8.8 0 0 1 4 336 1501236003 1501236063 ACCEPT OK"},
    /* 9 */
    {NULL, "2 123456789010 eni-0a1b2c3d4e5f60718 2001:db8::1 2001:db8::2 22 60000 6 10 1000 1501236004 "
           "1501236064 REJECT OK"},
    /* 10 */
    {NULL, "2 123456789010 eni-0a1b2c3d4e5f60718 192.0.2.10 10.0.1.5 3389 3389 6 3 180 1501236005000 "
           "1501236065000 REJECT OK"},
    /* 11 */
    {NULL, "2 999999999999 eni-0a1b2c3d4e5f60718 10.0.1.5 10.0.3.3 5432 40000 6 100 1000000 1501236006 "
           "1501236066 ACCEPT OK"},
};

static const char V5[] = "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport "
                         "dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags "
                         "log-status region az-id flow-direction traffic-path pkt-src-aws-service "
                         "pkt-dst-aws-service";

/* Custom version 5 records (the layout of tests/data/samples/custom-v5.log). */
static const row C[] = {
    /* 0 */ {V5, "5 vpc-0a1b2c3d subnet-0aaa1111 - eni-0f00000000000000a 123456789010 IPv4 172.31.2.59 "
                 "172.31.29.150 3306 51234 172.31.2.59 172.31.29.150 6 9870123 6800 1501234500 1501234560 ACCEPT 19 "
                 "OK us-east-1 use1-az1 egress 1 - -"},
    /* 1 */
    {V5, "5 vpc-0a1b2c3d subnet-0bbb2222 i-0fedcba9876543210 eni-0f00000000000000b 123456789010 IPv4 "
         "172.31.2.59 172.31.29.150 3306 51234 172.31.2.59 172.31.29.150 6 9870123 6800 1501234501 "
         "1501234560 ACCEPT 19 OK us-east-1 use1-az2 ingress - - -"},
    /* 2 */
    {V5, "5 vpc-0a1b2c3d subnet-0bbb2222 i-0fedcba9876543210 eni-0f00000000000000b 123456789010 IPv4 "
         "172.31.29.150 52.216.1.10 40112 443 172.31.29.150 52.216.1.10 6 120455 310 1501234500 1501234560 "
         "ACCEPT 3 OK us-east-1 use1-az2 egress 8 - S3"},
    /* 3 */
    {V5, "5 vpc-0a1b2c3d subnet-0ccc3333 - eni-0f00000000000000c 123456789010 IPv6 2600:1f18::10 "
         "2a05:d018::20 443 55000 2600:1f18::10 - 6 5000 4 1501234600 1501234660 REJECT 2 OK us-east-1 "
         "use1-az4 ingress - AMAZON -"},
};

/* AWS's unstructured examples (current User Guide), as records of opaque columns. */
static const row U[] = {
    /* 0 */ {"c1 c2 c3 c4", "[ERROR 400] BAD REQUEST"},
    /* 1 */ {"c1 c2 c3 c4", "[ERROR 401] UNAUTHORIZED REQUEST"},
    /* 2 */ {"c1 c2 c3 c4", "[ERROR 419] MISSING ARGUMENTS"},
    /* 3 */ {"c1 c2 c3 c4", "[ERROR 420] INVALID ARGUMENTS"},
    /* 4 */ {"c1 c2 c3 c4 c5", "[ERROR 500] INTERNAL SERVER ERROR"},
    /* 5 */ {"c1 c2 c3", "[INFO] REQUEST FAILED"},
    /* 6 */ {"c1 c2 c3", "[WARN] UNAUTHORIZED REQUEST"},
    /* 7 */ {"c1 c2 c3 c4", "[ERROR] 400 BAD REQUEST"},
    /* 8 */ {"c1 c2 c3 c4", "[SUCCESS 200] AUTHORIZED REQUEST"},
    /* 9 */ {"c1 c2 c3 c4", "Exiting with ERRORCODE: -1"},
};

/* The OR example of AWS's earlier guide. */
static const row W[] = {
    {"c1 c2 c3", "ERROR WARN message"},
    {"c1 c2", "ERROR message"},
    {"c1 c2", "WARN message"},
};

/* The space-delimited examples of AWS's current guide. */
static const row S[] = {
    {"c1 c2 c3 c4 c5 c6", "INFO 09/25/2014 12:00:00 GET /service/resource/67 1200"},
    {"c1 c2 c3 c4 c5 c6", "INFO 09/25/2014 12:00:01 POST /service/resource/67/part/111 1310"},
    {"c1 c2 c3 c4 c5 c6", "WARNING 09/25/2014 12:00:02 Invalid user request"},
    {"c1 c2 c3 c4 c5 c6 c7", "ERROR 09/25/2014 12:00:02 Failed to process request"},
};

/* Lambda log lines and an Apache-like line, as records of opaque columns. */
static const row L[] = {
    {"c1 c2 c3 c4 c5", "2024-01-01T10:00:00.000Z 6f2c1e0a-7b9d-4c1e start request id"},
    {"c1 c2 c3", "2024-01-01T10:00:01.000Z 6f2c1e0a-7b9d-4c1e done"},
    {"c1 c2 c3", "INFO 2024-01-01T10:00:01.000Z done"},
    {"c1 c2 c3 c4 c5 c6 c7", "127.0.0.1 - frank 10/Oct/2000 /index.html 404 1534"},
};

/* A three-column custom format, for field-count rules. */
static const row T[] = {
    {"srcaddr dstaddr action", "10.0.0.1 10.0.0.2 ACCEPT"},
    {"srcaddr dstaddr action", "10.0.0.3 - REJECT"},
};

/* Every number and address field, with values that tell the fields and the rows apart. */
static const char NUMS[] =
    "version srcport dstport protocol tcp-flags traffic-path packets bytes packets-lost-no-route "
    "packets-lost-blackhole packets-lost-mtu-exceeded packets-lost-ttl-expired srcaddr "
    "dstaddr pkt-srcaddr pkt-dstaddr start end";
static const row N[] = {
    {NUMS, "3 1001 2002 6 18 5 30 4000 11 12 13 14 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 1600000000 1600000060"},
    {NUMS, "4 1002 2003 17 19 6 31 4001 21 22 23 24 10.1.0.1 10.1.0.2 10.1.0.3 10.1.0.4 1600000001 1600000061"},
};

static uint64_t bits_of(const int *idx)
{
    uint64_t m = 0;
    for (; *idx >= 0; idx++)
        m |= UINT64_C(1) << *idx;
    return m;
}
#define B(...) bits_of((const int[]){__VA_ARGS__, -1})
#define NONE UINT64_C(0)
#define ALL(n) ((UINT64_C(1) << (n)) - 1)

static void list_bits(uint64_t m, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < 64 && used < cap; i++)
        if (m >> i & 1)
            used += (size_t)snprintf(buf + used, cap - used, "%s%d", used ? "," : "", i);
}

/* The set of rows the pattern selects. Each row is parsed just before it is matched: parsed
 * records are views into a buffer the next parse reuses. */
static uint64_t match_set(const char *pattern, const row *rows, size_t n, const char *file, int line)
{
    vpcflow_filter *f = NULL;
    vpcflow_error err;
    if (vpcflow_filter_compile(pattern, &f, &err) != VPCFLOW_OK) {
        t_fail(file, line, "pattern '%s' does not compile: %u: %s", pattern, err.column, err.message);
        return ~UINT64_C(0);
    }
    uint64_t m = 0;
    for (size_t i = 0; i < n; i++) {
        vpcflow_format *fmt = NULL;
        if (rows[i].fmt)
            vpcflow_format_parse(rows[i].fmt, strlen(rows[i].fmt), &fmt, NULL);
        else
            fmt = vpcflow_format_default();
        vpcflow_line_parser *lp = NULL;
        vpcflow_record rec;
        vpcflow_error perr = {.message = "no format"};
        if (!fmt || vpcflow_line_parser_new(fmt, &lp, &perr) != VPCFLOW_OK ||
            vpcflow_parse_line(lp, rows[i].line, strlen(rows[i].line), &rec, &perr) != VPCFLOW_OK)
            t_fail(file, line, "fixture row %zu does not parse: %s", i, perr.message);
        else if (vpcflow_filter_match(f, &rec))
            m |= UINT64_C(1) << i;
        vpcflow_line_parser_free(lp);
        vpcflow_format_free(fmt);
    }
    vpcflow_filter_free(f);
    return m;
}

static void expect_set(const char *pattern, const row *rows, size_t n, uint64_t want, const char *file, int line)
{
    uint64_t got = match_set(pattern, rows, n, file, line);
    if (got != want && got != ~UINT64_C(0)) {
        char g[256], w[256];
        list_bits(got, g, sizeof g);
        list_bits(want, w, sizeof w);
        t_fail(file, line, "pattern '%s' selects {%s}, want {%s}", pattern, g, w);
    }
}

/* A pattern, the fixture rows it runs over and the set of them it selects. A failure names the
 * pattern (cases are not static: B() builds the set at run time). */
typedef struct set_case {
    const row *rows;
    size_t nrows;
    const char *pattern;
    uint64_t want;
} set_case;

static void expect_sets(const set_case *c, size_t n, const char *file, int line)
{
    for (size_t i = 0; i < n; i++)
        expect_set(c[i].pattern, c[i].rows, c[i].nrows, c[i].want, file, line);
}

static void expect_err(const char *pattern, unsigned column, const char *message, const char *file, int line)
{
    vpcflow_filter *f = NULL;
    vpcflow_error err;
    memset(&err, 0, sizeof err);
    vpcflow_status st = vpcflow_filter_compile(pattern, &f, &err);
    if (st != VPCFLOW_ERR_INPUT) {
        t_fail(file, line, "pattern '%s' compiles (status %d), want an error", pattern, (int)st);
        vpcflow_filter_free(f);
        return;
    }
    if (err.column != column || strcmp(err.message, message) != 0 || strcmp(err.file, "pattern") != 0 || err.line != 1)
        t_fail(file, line, "pattern '%s': got %s:%llu:%u: %s\n    want pattern:1:%u: %s", pattern, err.file,
               (unsigned long long)err.line, err.column, err.message, column, message);
}
#define EXPECT_ERR(pattern, column, message) expect_err(pattern, column, message, __FILE__, __LINE__)

/* A pattern that does not compile, the column and the message of its error. */
typedef struct err_case {
    const char *pattern;
    unsigned column;
    const char *message;
} err_case;

static void expect_errs(const err_case *c, size_t n, const char *file, int line)
{
    for (size_t i = 0; i < n; i++)
        expect_err(c[i].pattern, c[i].column, c[i].message, file, line);
}

/* ---- term form -------------------------------------------------------------------------- */

TEST(terms_aws_current_examples)
{
    const set_case cases[] = {
        {ROWS(U), "ERROR", B(0, 1, 2, 3, 4, 7, 9)}, /* substring: ERRORCODE too */
        {ROWS(U), "ERROR ARGUMENTS", B(2, 3)},
        {ROWS(U), "?ERROR ?ARGUMENTS", B(0, 1, 2, 3, 4, 7, 9)},
        /* AWS: "?" terms next to other terms are ignored */
        {ROWS(U), "?ERROR ?ARGUMENTS REQUEST", B(0, 1, 5, 6, 7, 8)},
        {ROWS(U), "\"INTERNAL SERVER ERROR\"", B(4)},
        {ROWS(U), "ERROR -ARGUMENTS", B(0, 1, 4, 7, 9)},
        {ROWS(U), "\" \"", ALL(10)},
        {ROWS(U), "%AUTHORIZED%", B(1, 6, 8)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

TEST(terms_aws_earlier_examples)
{
    const set_case cases[] = {
        {ROWS(U), "\"\"", ALL(10)},
        /* the exclusion written apart from its term, as the earlier guide does */
        {ROWS(U), "\"ERROR\" - \"Exiting\"", B(0, 1, 2, 3, 4, 7)},
        {ROWS(U), "\"ERROR\" \"Exception\"", NONE},
        {ROWS(W), "ERROR", B(0, 1)},
        {ROWS(W), "?ERROR ?WARN", B(0, 1, 2)},
        {ROWS(W), "ERROR WARN", B(0)},
        {ROWS(W), "ERROR -WARN", B(1)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

TEST(terms_on_flow_logs)
{
    const set_case cases[] = {
        {ROWS(D), "REJECT", B(1, 5, 9, 10)},
        {ROWS(D), "\"REJECT OK\"", B(1, 5, 9, 10)},
        {ROWS(D), "reject", NONE}, /* case matters */
        {ROWS(D), "?NODATA ?SKIPDATA", B(2, 3)},
        {ROWS(D), "REJECT -3389", B(5, 9)},
        {ROWS(D), "10.0.1.5", B(5, 6, 7, 8, 10, 11)},
        {ROWS(D), "unknown", B(7)},
        {ROWS(D), "-ACCEPT", B(1, 2, 3, 5, 9, 10)},
        {ROWS(D), "-ACCEPT -REJECT", B(2, 3)},
        {ROWS(D), "?REJECT ?NODATA ACCEPT", B(0, 4, 6, 7, 8, 11)},
        {ROWS(D), "?REJECT ?NODATA -ACCEPT", B(1, 2, 3, 5, 9, 10)},
        {ROWS(D), "", ALL(12)},
        {ROWS(D), "   ", ALL(12)},
        {ROWS(D), "\"\" REJECT", B(1, 5, 9, 10)},
        {ROWS(D), "-\"\"", NONE},
        {ROWS(D), "?\"\" ?nothing", ALL(12)},
        {ROWS(D), "\"eni-1235b8ca123456789 172.31\"", B(0, 1)},
        {ROWS(D), "\"a \\\"quote\\\"\"", NONE},
        /* a quoted term with '=' is text (unquoted and alone, it is an error: errors_terms) */
        {ROWS(D), "\"x=1\"", NONE},
        {ROWS(D), "REJECT x=1", NONE},
        {ROWS(D), "\"action=REJECT\"", NONE},
        /* '*' has no meaning in terms */
        {ROWS(D), "REJ*", NONE},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

TEST(terms_regex)
{
    const set_case cases[] = {
        {ROWS(D), "%^2 unknown%", B(7)},
        {ROWS(D), "%REJECT OK$%", B(1, 5, 9, 10)},
        {ROWS(D), "%eni-1{8}a%", B(3)},
        {ROWS(D), "%\\s22\\s%", B(0, 4, 9)},
        {ROWS(D), "%[0-9]{16}%", B(6)},
        {ROWS(D), "%[0-9]{21}%", NONE},
        {ROWS(D), "%^2 123|unknown%", ALL(11)},
        {ROWS(D), "%^2 999|NODATA$%", B(2, 11)},
        {ROWS(D), "%10\\.0\\.[12]\\.%", B(5, 6, 7, 8, 10, 11)},
        {ROWS(D), "%10.0.1.5%", B(5, 6, 7, 8, 10, 11)},
        {ROWS(D), "%ACCEPT OK$% -unknown", B(0, 4, 6, 8, 11)},
        {ROWS(D), "?%NODATA% ?%SKIP%", B(2, 3)},
        {ROWS(D), "%\\x3A%", B(4, 9)}, /* ':' by its code */
        {ROWS(D), "%[^a-z ]a{9} %", B(3)},
        {ROWS(D), "%\\d\\d\\d\\d\\d\\d\\d\\d\\d\\d\\d\\d\\d%", B(6, 10)},
        {ROWS(D), "%\\D{6} OK%", B(0, 1, 4, 5, 6, 7, 8, 9, 10, 11)},
        {ROWS(D), "%eni-\\w+ \\S+ %", ALL(12)},
        {ROWS(D), "%^\\W%", NONE},
        {ROWS(D), "%a{,3}SKIPDATA%", B(3)},
        {ROWS(D), "%9{3,}%", B(11)},
        {ROWS(D), "%6{2}%", B(4, 11)},
        {ROWS(D), "%[[:]{2}%", B(9)},
        {ROWS(D), "%colou?r%", NONE},
        /* patterns that match the empty string, anchors alone, skipping ahead between threads */
        {ROWS(D), "%x*%", ALL(12)},
        {ROWS(D), "%^%", ALL(12)},
        {ROWS(D), "%$%", ALL(12)},
        {ROWS(D), "%^$%", NONE},
        {ROWS(D), "%K$%", ALL(12) & ~B(2, 3)},
        {ROWS(D), "%A$|^2 9%", B(2, 3, 11)},
        {ROWS(D), "%^2 1.*SKIP%", B(3)},
        {ROWS(D), "%\\d{5} 3389%", B(1)},
        {ROWS(U), "%^\\[ERROR%", B(0, 1, 2, 3, 4, 7)},
        {ROWS(U), "%gra|ey%", NONE},
        {ROWS(S), "%^INFO|^WARN%", B(0, 1, 2)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

/* ---- space-delimited form ------------------------------------------------------------ */

#define CONSOLE                                                                                                        \
    "[version, accountid, interfaceid, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, "     \
    "action=REJECT, logstatus]"

TEST(fields_console_example)
{
    const set_case cases[] = {
        {ROWS(D), CONSOLE, B(1, 5, 9, 10)},
        {ROWS(D), "[..., action=REJECT, logstatus]", B(1, 5, 9, 10)},
        {ROWS(D), "[..., action=\"REJECT\", logstatus]", B(1, 5, 9, 10)},
        {ROWS(D), "[...,action=REJECT,logstatus]", B(1, 5, 9, 10)},
        {ROWS(D), "[..., action = REJECT , logstatus ]", B(1, 5, 9, 10)},
        {ROWS(D), "[..., action=REJECT, ]", B(1, 5, 9, 10)}, /* AWS's trailing ",]" */
        {ROWS(C), "[version, vpcid, ..., flowdir=egress, path, srcsvc, dstsvc]", B(0, 2)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

TEST(fields_aws_examples)
{
    const set_case cases[] = {
        {ROWS(S), "[w1=ERROR, w2]", B(3)},
        {ROWS(S), "[w1=ERROR || w1=WARNING, w2]", B(2, 3)},
        {ROWS(S), "[w1=ERROR || W1=WARNING, w2]", B(2, 3)}, /* as the guide writes it */
        {ROWS(S), "[w1!=ERROR && w1!=WARNING, w2]", B(0, 1)},
        {ROWS(S), "[logLevel, date, time, method, url=%/service/resource/[0-9]+$%, response_time]", B(0)},
        {ROWS(S), "[logLevel, date, time, method, url=%/service/resource/[0-9]+/part/[0-9]+$%, response_time]", B(1)},
        /* the earlier guide's lines: the last name takes the rest of a longer record */
        {ROWS(W), "[w1=ERROR, w2]", B(0, 1)},
        {ROWS(W), "[w1=ERROR || w1=WARN, w2]", B(0, 1, 2)},
        {ROWS(W), "[w1!=ERROR&&w1!=WARN, w2]", NONE},
        {ROWS(W), "[w1=ERROR]", NONE},
        {ROWS(W), "[w1, w2=message]", B(1, 2)},
        {ROWS(W), "[w1, w2=*message]", B(0, 1, 2)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

TEST(fields_well_known_patterns)
{
    /* the default Lambda subscription pattern: wildcards inside quotes, the last name takes the rest */
    const set_case cases[] = {
        {ROWS(L), "[timestamp=*Z, request_id=\"*-*\", event]", B(0, 1)},
        {ROWS(L), "[timestamp=*Z, request_id=\"*-*\", event=*id]", B(0)},
        {ROWS(L), "[..., request=*.html*, status_code=4*,]", B(3)},
        {ROWS(L), "[ip, user, username, timestamp, request=*html*, status_code=4*, bytes]", B(3)},
        {ROWS(L), "[ip, user, username, timestamp, request, status_code=404 || status_code=410, bytes>1000]", B(3)},
        {ROWS(L), "[ip, user, username, timestamp, request, status_code=4* && status_code!=403, bytes]", B(3)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

TEST(fields_count_and_ellipsis)
{
    const set_case cases[] = {
        {ROWS(D), "[a, b, c, d, e, f, g, h, i, j, k, l, m, n]", ALL(12)},
        {ROWS(D), "[a, b, c, d, e, f, g, h, i, j, k, l, m, n, o]", NONE},
        {ROWS(D), "[a, b, c]", ALL(12)},
        {ROWS(D), "[a]", ALL(12)},
        {ROWS(T), "[a, b, c, d]", NONE},
        {ROWS(T), "[a, b, c, ...]", B(0, 1)},
        {ROWS(T), "[a, b, c, d, ...]", NONE},
        {ROWS(T), "[..., a, b, c]", B(0, 1)},
        {ROWS(T), "[a, ..., b, c]", B(0, 1)},
        {ROWS(T), "[a, b, ..., c, d]", NONE},
        {ROWS(T), "[...]", B(0, 1)},
        {ROWS(T), "[a, b=-, c]", B(1)},
        {ROWS(T), "[a, rest=\"10.0.0.2 ACCEPT\"]", B(0)},
        {ROWS(T), "[a, rest=\"- *\"]", B(1)},
        {ROWS(D), "[..., logstatus=OK]", B(0, 1, 4, 5, 6, 7, 8, 9, 10, 11)},
        {ROWS(D), "[version=2, ...]", ALL(12)},
        {ROWS(D), "[version, accountid=unknown, ...]", B(7)},
        {ROWS(D), "[v, ..., end, action=ACCEPT, s]", B(0, 4, 6, 7, 8, 11)},
        {ROWS(D), "[v, a, i, s, d, sp, dp, pr, pk, by, st, en, ac, ls, ...]", ALL(12)},
        {ROWS(D), "[v, a, i, s, d, sp, dp, pr, pk, by, st, en, ac, ls, x, ...]", NONE},
        {ROWS(D), "[v, \xe2\x80\xa6, ls=NODATA]", B(2)},
        /* the absorbed rest keeps its inner spaces; quotes allow spaces in the value */
        {ROWS(D), "[version, accountid, rest=\"eni-1235b8ca123456789 172.31.16.139*\"]", B(0)},
        {ROWS(D), "[version, accountid, rest=*NODATA]", B(2)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

TEST(fields_operators)
{
    const set_case cases[] = {
        {ROWS(D), "[v, a, i, s, d, sp, dp=22 || dp=3389, ...]", B(0, 1, 4, 10)},
        /* && binds tighter than ||: 22 || (3389 && >1000) */
        {ROWS(D), "[v, a, i, s, d, sp, dp=22 || dp=3389 && dp>1000, ...]", B(0, 1, 4, 10)},
        {ROWS(D), "[v, a, i, s, d, sp, dp>1000 && dp=3389 || dp=22, ...]", B(0, 1, 4, 10)},
        {ROWS(D), "[v, a, i, s, d, sp, dp>1000 && dp<5000 && dp!=3389 || dp=0, ...]", B(8)},
        {ROWS(D), "[..., bytes>1000, start, end, action, status]", B(0, 1, 4, 6, 11)},
        {ROWS(D), "[..., bytes>=1000, start, end, action, status]", B(0, 1, 4, 6, 9, 11)},
        {ROWS(D), "[..., bytes<=1000, start, end, action, status]", B(5, 7, 8, 9, 10)},
        {ROWS(D), "[..., bytes<1000, start, end, action, status]", B(5, 7, 8, 10)},
        {ROWS(D), "[..., bytes=4249, start, end, action, status]", B(0, 1)},
        {ROWS(D), "[..., bytes=4.249e3, start, end, action, status]", B(0, 1)},
        {ROWS(D), "[..., bytes=+4249.000, start, end, action, status]", B(0, 1)},
        /* a numeric condition on "-" holds for no operator */
        {ROWS(D), "[..., bytes!=4249, start, end, action, status]", B(4, 5, 6, 7, 8, 9, 10, 11)},
        {ROWS(D), "[..., bytes=1000000000000000, start, end, action, status]", B(6)},
        {ROWS(D), "[..., bytes>999999999999999, start, end, action, status]", B(6)},
        {ROWS(D), "[..., bytes>9e14, start, end, action, status]", B(6)},
        {ROWS(D), "[..., bytes>-1, start, end, action, status]", B(0, 1, 4, 5, 6, 7, 8, 9, 10, 11)},
        {ROWS(D), "[..., bytes<0.5e1, start, end, action, status]", NONE},
        {ROWS(D), "[..., bytes=-, start, end, action, status]", B(2, 3)},
        {ROWS(D), "[..., bytes!=-, start, end, action, status]", B(0, 1, 4, 5, 6, 7, 8, 9, 10, 11)},
        {ROWS(D), "[..., bytes=\"4249\", start, end, action, status]", B(0, 1)},
        {ROWS(D), "[..., bytes=\"4249.0\", start, end, action, status]", NONE}, /* quoted: text */
        {ROWS(D), "[v, acct>100, ...]", ALL(12) & ~B(7)},
        {ROWS(D), "[v, acct!=123456789010, ...]", B(11)},
        {ROWS(D), "[v, acct!=\"123456789010\", ...]", B(7, 11)},
        {ROWS(D), "[v, a, i, srcaddr=%^10\\.0\\.%, ...]", B(6, 7, 8, 11)},
        {ROWS(D), "[v, a, i, srcaddr!=%:%, ...]", B(0, 1, 2, 3, 5, 6, 7, 8, 10, 11)},
        {ROWS(D), "[v, a, i, s=%^10% || s=-, ...]", B(2, 3, 6, 7, 8, 11)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

TEST(fields_wildcards)
{
    const set_case cases[] = {
        {ROWS(D), "[v, a, interfaceid=eni-0a*, ...]", B(5, 6, 7, 8, 9, 10, 11)},
        {ROWS(D), "[v, a, interfaceid=*789, ...]", B(0, 1, 2, 4)},
        {ROWS(D), "[v, a, interfaceid=eni-*aaa, ...]", B(3)},
        {ROWS(D), "[v, a, interfaceid=*b8ca*, ...]", B(0, 1, 2, 4)},
        {ROWS(D), "[v, a, interfaceid=eni-1*5*9, ...]", B(0, 1, 2, 4)},
        {ROWS(D), "[v, a, interfaceid=eni-1*1*a, ...]", B(3)},
        {ROWS(D), "[v, a, interfaceid=*, ...]", ALL(12)},
        {ROWS(D), "[v, a, interfaceid=**, ...]", ALL(12)},
        {ROWS(D), "[v, a, interfaceid=eni-**718, ...]", B(5, 6, 7, 8, 9, 10, 11)},
        {ROWS(D), "[v, a, interfaceid!=eni-0a*, ...]", B(0, 1, 2, 3, 4)},
        {ROWS(D), "[v, a, interfaceid=\"eni-0a*\", ...]", B(5, 6, 7, 8, 9, 10, 11)},
        {ROWS(D), "[v, a, i, s, d, sp, dp=4*, ...]", B(11)},
        {ROWS(D), "[v, a, i, s, d, sp, dp=3*, ...]", B(1, 10)},
        {ROWS(D), "[v, a, i, s, d=10.0.1.5*, ...]", B(5, 7, 10)},
        /* overlapping prefix and suffix must not share bytes */
        {ROWS(T), "[a, b, act=REJ*JECT]", NONE},
        {ROWS(T), "[a, b, act=REJ*ECT]", B(1)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

/* ---- named form ----------------------------------------------------------------------- */

TEST(named_keywords_and_lists)
{
    const set_case cases[] = {
        {ROWS(D), "action=REJECT", B(1, 5, 9, 10)},
        {ROWS(D), "action!=REJECT", B(0, 4, 6, 7, 8, 11)},
        {ROWS(D), "action=-", B(2, 3)},
        {ROWS(D), "action!=-", ALL(12) & ~B(2, 3)},
        {ROWS(D), "action=R*", B(1, 5, 9, 10)},
        {ROWS(D), "log-status=NODATA", B(2)},
        {ROWS(D), "log_status=SKIPDATA", B(3)},
        {ROWS(D), "log-status=NODATA,SKIPDATA", B(2, 3)},
        {ROWS(D), "dstport=22,23,3389", B(0, 1, 4, 5, 10)},
        {ROWS(D), "dstport!=22,23,3389", B(6, 7, 8, 9, 11)},
        {ROWS(D), "dstport=-,22", B(0, 2, 3, 4)},
        {ROWS(D), "dstport!=-,22", B(1, 5, 6, 7, 8, 9, 10, 11)},
        {ROWS(D), "action=REJECT dstport=3389", B(1, 10)},
        {ROWS(D), "  action=ACCEPT   srcaddr=10.0.0.0/8 protocol=6  ", B(6, 11)},
        {ROWS(D), "protocol=17", B(7)},
        {ROWS(D), "protocol=1", B(8)},
        {ROWS(D), "version=2", ALL(12)},
        {ROWS(D), "account-id=unknown", B(7)},
        {ROWS(D), "account-id=1234*", ALL(11) & ~B(7)},
        {ROWS(D), "account-id!=123456789010", B(7, 11)},
        {ROWS(D), "account-id=\"unknown\"", B(7)},
        {ROWS(D), "interface-id=*aaa", B(3)},
        {ROWS(D), "interface-id=eni-1*9", B(0, 1, 2, 4)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

TEST(named_addresses)
{
    const set_case cases[] = {
        {ROWS(D), "srcaddr=10.0.0.0/8", B(6, 7, 8, 11)},
        {ROWS(D), "srcaddr!=10.0.0.0/8", B(0, 1, 4, 5, 9, 10)},
        {ROWS(D), "srcaddr=10.0.0.0/8,192.0.2.0/24", B(6, 7, 8, 10, 11)},
        {ROWS(D), "srcaddr=2001:db8::/32", B(4, 9)},
        {ROWS(D), "srcaddr=2001:db8::1", B(9)},
        {ROWS(D), "srcaddr=2001:DB8:0:0::1/128", B(9)},
        {ROWS(D), "srcaddr=2001:db8:1234:a100::/64", B(4)},
        {ROWS(D), "dstaddr=10.0.1.5", B(5, 7, 10)},
        {ROWS(D), "dstaddr=10.0.1.5/32", B(5, 7, 10)},
        {ROWS(D), "srcaddr=0.0.0.0/0", B(0, 1, 5, 6, 7, 8, 10, 11)},
        {ROWS(D), "srcaddr=::/0", ALL(12) & ~B(2, 3)},
        {ROWS(D), "srcaddr=-", B(2, 3)},
        {ROWS(D), "srcaddr=-,2001:db8::/32", B(2, 3, 4, 9)},
        {ROWS(D), "srcaddr=172.31.*", B(0, 1)},
        {ROWS(D), "srcaddr=172.31.0.0/16 dstaddr=172.31.9.0/24", B(1)},
        {ROWS(C), "pkt-srcaddr=2600:1f18::/32", B(3)},
        {ROWS(C), "pkt-dstaddr=-", B(3)},
        {ROWS(C), "pkt-dstaddr=52.216.0.0/15", B(2)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

TEST(named_numbers)
{
    const set_case cases[] = {
        {ROWS(D), "bytes>=1000000", B(6, 11)},
        {ROWS(D), "bytes>1000000", B(6)},
        {ROWS(D), "bytes<100", B(5)},
        {ROWS(D), "bytes<=152", B(5, 7)},
        {ROWS(D), "bytes=1000000000000000", B(6)},
        {ROWS(D), "bytes!=4249", B(4, 5, 6, 7, 8, 9, 10, 11)},
        {ROWS(D), "packets>=20", B(0, 1, 4, 11)},
        {ROWS(D), "srcport<1024", B(6, 7, 8, 9)},
        {ROWS(D), "start>=1501236003", B(8, 9, 10, 11)},
        {ROWS(D), "start=1501236005", B(10)},
        {ROWS(D), "start=1501236005000", B(10)}, /* milliseconds, as records normalise them */
        {ROWS(D), "end<1418530071", B(0, 1)},
        {ROWS(D), "dstport=0", B(8)},
        {ROWS(C), "tcp-flags=19", B(0, 1)},
        {ROWS(C), "traffic-path=-", B(1, 3)},
        {ROWS(C), "traffic-path>=1", B(0, 2)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

TEST(named_every_number_and_address_field)
{
    static const struct {
        const char *field, *v0, *v1; /* the value in row 0, in row 1 */
    } fields[] = {
        {"version", "3", "4"},
        {"srcport", "1001", "1002"},
        {"dstport", "2002", "2003"},
        {"protocol", "6", "17"},
        {"tcp-flags", "18", "19"},
        {"traffic-path", "5", "6"},
        {"packets", "30", "31"},
        {"bytes", "4000", "4001"},
        {"packets-lost-no-route", "11", "21"},
        {"packets-lost-blackhole", "12", "22"},
        {"packets-lost-mtu-exceeded", "13", "23"},
        {"packets-lost-ttl-expired", "14", "24"},
        {"srcaddr", "10.0.0.1", "10.1.0.1"},
        {"dstaddr", "10.0.0.2", "10.1.0.2"},
        {"pkt-srcaddr", "10.0.0.3", "10.1.0.3"},
        {"pkt-dstaddr", "10.0.0.4", "10.1.0.4"},
        {"start", "1600000000", "1600000001"},
        {"end", "1600000060", "1600000061"},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        char p0[64], p1[64];
        snprintf(p0, sizeof p0, "%s=%s", fields[i].field, fields[i].v0);
        snprintf(p1, sizeof p1, "%s=%s", fields[i].field, fields[i].v1);
        expect_set(p0, ROWS(N), B(0), __FILE__, __LINE__);
        expect_set(p1, ROWS(N), B(1), __FILE__, __LINE__);
    }
}

TEST(named_custom_and_absent_fields)
{
    const set_case cases[] = {
        {ROWS(C), "flow-direction=egress", B(0, 2)},
        {ROWS(C), "flow-direction=ingress action=REJECT", B(3)},
        {ROWS(C), "pkt-dst-aws-service=S3", B(2)},
        {ROWS(C), "pkt-dst-aws-service=-", B(0, 1, 3)},
        {ROWS(C), "pkt-src-aws-service=AMAZON", B(3)},
        {ROWS(C), "instance-id=-", B(0, 3)},
        {ROWS(C), "instance-id=i-*", B(1, 2)},
        {ROWS(C), "type=IPv6", B(3)},
        {ROWS(C), "az-id=use1-az2", B(1, 2)},
        {ROWS(C), "subnet-id=subnet-0b*", B(1, 2)},
        {ROWS(C), "vpc_id=vpc-0a1b2c3d region=us-east-1", ALL(4)},
        /* fields the default format lacks have no value: only =- matches them */
        {ROWS(D), "vpc-id=-", ALL(12)},
        {ROWS(D), "vpc-id=*", NONE},
        {ROWS(D), "vpc-id!=-", NONE},
        {ROWS(D), "vpc-id!=vpc-1", NONE},
        {ROWS(D), "flow-direction=egress", NONE},
        {ROWS(D), "tcp-flags<100", NONE},
        {ROWS(D), "tcp-flags=-,2", ALL(12)},
        {ROWS(T), "action=REJECT dstaddr=-", B(1)},
    };
    expect_sets(ROWS(cases), __FILE__, __LINE__);
}

TEST(forms)
{
    static const struct {
        const char *pattern;
        vpcflow_filter_form want;
    } cases[] = {
        {"REJECT", VPCFLOW_FILTER_TERMS},
        {"[a, ...]", VPCFLOW_FILTER_FIELDS},
        {"action=REJECT", VPCFLOW_FILTER_NAMED},
        {"REJECT x=REJECT", VPCFLOW_FILTER_TERMS},
        {" dstport>1", VPCFLOW_FILTER_NAMED},
        {"\"dstport=1\"", VPCFLOW_FILTER_TERMS},
        {"", VPCFLOW_FILTER_TERMS},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_label("pattern '%s'", cases[i].pattern);
        vpcflow_filter *f = NULL;
        CHECK(vpcflow_filter_compile(cases[i].pattern, &f, NULL) == VPCFLOW_OK);
        if (f)
            CHECK_EQ_I64(vpcflow_filter_form_of(f), cases[i].want);
        vpcflow_filter_free(f);
    }
    t_label(NULL);
    vpcflow_filter_free(NULL);
}

/* ---- errors ------------------------------------------------------------------------ */

TEST(errors_space_delimited)
{
    static const err_case errors[] = {
        {"[a, b, c d]", 10, "expected ',' or ']' after field 3"},
        {"[a, ..., b, ...]", 13, "'...' appears twice (first at column 5); it may stand only once"},
        {"[a, ...=5]", 8, "'...' stands for any number of fields and takes no condition"},
        {"[a, ... != 5]", 9, "'...' stands for any number of fields and takes no condition"},
        {"[a, b", 6, "unterminated '[' (column 1): expected ',' or ']' after field 2"},
        {"  [a, b=\"x", 9, "unterminated quoted value: expected a closing '\"'"},
        {"[a, , b]", 5, "empty field name (field 2)"},
        {"[, a]", 2, "empty field name (field 1)"},
        {"[]", 2, "empty '[]': name at least one field, or write [...]"},
        {"[a=]", 4, "expected a value after '='"},
        {"[a = ]", 6, "expected a value after '='"},
        {"[a < x]", 6, "expected a number after '<', not 'x'"},
        {"[a >= 4*]", 7, "expected a number after '>=', not '4*'"},
        {"[a > \"5\"]", 6, "expected a number after '>' (a quoted value is text)"},
        {"[a < %5%]", 4, "a %regex% takes = or !=, not '<'"},
        {"[a = 4* && b = 5]", 12, "a condition in field 1 names 'b': it can only test its own field 'a'"},
        {"[a = 4 &&]", 10, "expected the field name 'a' after '&&'"},
        {"[a == 5]", 4, "'==' is not an operator: use =, !=, <, <=, > or >="},
        {"[=5]", 2, "expected a field name before '=' (field 1)"},
        {"[a, #]", 5, "expected a field name (letters, digits, '_') in field 2, not '#'"},
        {"[a] x", 5, "unexpected text after ']'"},
        {"[a = 1 b]", 8, "expected ',' or ']' after field 1"},
        {"[a = 1 && a]", 12, "expected an operator (=, !=, <, <=, >, >=) after 'a' in field 1"},
        {"[a = %x(%]", 8,
         "'(' and ')' are not supported in a CloudWatch regex (write \\x28 or \\x29 to match "
         "them)"},
        {"[a !5]", 4, "expected ',' or ']' after field 1"},
        {"{ $.eventType = \"UpdateTrail\" }", 1,
         "JSON filter patterns ({ $.field = value }) do not apply: flow-log records are not JSON; use [...] "
         "or field=value"},
    };
    expect_errs(ROWS(errors), __FILE__, __LINE__);
}

TEST(errors_terms)
{
    static const err_case errors[] = {
        {"\"abc", 1, "unterminated quoted term: expected a closing '\"'"},
        {"x \"abc\\\"", 3, "unterminated quoted term: expected a closing '\"'"},
        {"?", 1, "expected a term right after '?'"},
        {"A ? B", 3, "expected a term right after '?'"},
        {"ERROR -", 7, "expected a term after '-' (quote \"-\" to search for it)"},
        {"\"a\"b", 4, "expected a space after the closing quote"},
        {"a\"b", 2, "a quote inside a term: quote the whole term (\"...\")"},
        {"action = REJECT", 8,
         "'=' alone is not a term; write a field condition without spaces (action=REJECT) or quote the text"},
        /* one unquoted name<op>value whose name is no field: a misspelt condition, not a term */
        {"x=REJECT", 1,
         "unknown field 'x': a pattern such as dstport=22 names an AWS field (see 'vpcflow help fields'); to "
         "search the records' text for 'x=REJECT', quote it: '\"x=REJECT\"'"},
        {"  dstprot>=22", 3,
         "unknown field 'dstprot' (did you mean dstport?): a pattern such as dstport=22 names an AWS field (see "
         "'vpcflow help fields'); to search the records' text for 'dstprot>=22', quote it: '\"dstprot>=22\"'"},
        {"Log_Status!=OK ", 1,
         "unknown field 'Log_Status' (did you mean log-status?): a pattern such as dstport=22 names an AWS field "
         "(see 'vpcflow help fields'); to search the records' text for 'Log_Status!=OK', quote it: "
         "'\"Log_Status!=OK\"'"},
        {"%abc", 1, "unterminated regex: expected a closing '%'"},
        {"%%", 1, "empty regex '%%': write a regex between the '%' signs"},
        {"%a%b", 4, "expected a space after the closing '%' of the regex"},
    };
    expect_errs(ROWS(errors), __FILE__, __LINE__);
}

TEST(errors_regex)
{
    static const err_case errors[] = {
        {"%a(b)%", 3, "'(' and ')' are not supported in a CloudWatch regex (write \\x28 or \\x29 to match them)"},
        {"%a!%", 3, "'!' is not supported in a CloudWatch regex (write \\x21 to match it)"},
        {"%a\xc3\xa9%", 3, "multi-byte characters are not supported in a regex"},
        {"%*a%", 2, "nothing to repeat before this repetition"},
        {"%a|+%", 4, "nothing to repeat before this repetition"},
        {"%^*%", 3, "nothing to repeat: '^' and '$' are positions"},
        {"%a**%", 4, "a repetition cannot follow a repetition"},
        {"%a{5,2}%", 3, "bad repetition: {m,n} needs m <= n"},
        {"%a{,}%", 3, "bad repetition: expected {m}, {m,}, {,n} or {m,n}"},
        {"%a{2%", 3, "bad repetition: expected {m}, {m,}, {,n} or {m,n}"},
        {"%a{2000}%", 3, "repetition count above 1000"},
        {"%a{1000}b{1000}%", 9, "regex too large (repetitions expand past 1024 steps)"},
        /* the first alternative fills every step: the second has no room (it used to write past
         * the start set) */
        {"%a{1000}b{23}|c%", 15, "regex too large (repetitions expand past 1024 steps)"},
        {"%[a-%", 2, "unterminated '[' in the regex: expected ']'"},
        {"%[z-a]%", 3, "bad range in '[...]': write it low-high, like a-z"},
        {"%a||b%", 4, "empty alternative in the regex"},
        {"%a|%", 4, "empty alternative in the regex"},
        {"%a]%", 3, "unmatched ']' (write \\] to match it)"},
        {"%\\q%", 2, "unknown escape '\\q' (known: \\d \\D \\s \\S \\w \\W \\xhh, or \\ before a symbol)"},
        {"%\\x4%", 2, "\\x needs two hex digits (\\x3A)"},
        {"%ab\\%", 4, "a '\\' at the end of the regex: escape what?"},
    };
    expect_errs(ROWS(errors), __FILE__, __LINE__);
}

TEST(errors_named)
{
    static const err_case errors[] = {
        {"dstport=22 foo=1", 12,
         "unknown field 'foo' (names are AWS field names such as srcaddr, dstport, action; see 'vpcflow help "
         "fields')"},
        {"dstport=2x", 9, "dstport is a number: expected a whole number or '-', not '2x'"},
        {"dstport=\"22\"", 9, "dstport is a number: expected a whole number or '-', not '22'"},
        {"bytes>=1.5", 8, "bytes is a number: expected a whole number or '-', not '1.5'"},
        {"srcaddr=10.0.0.0/33", 9,
         "bad address or CIDR '10.0.0.0/33' for srcaddr: expected 10.0.0.1, 10.0.0.0/8, 2001:db8::/32 or '-'"},
        {"dstaddr=10.0.0.0/8,2001:db8::/129", 20,
         "bad address or CIDR '2001:db8::/129' for dstaddr: expected 10.0.0.1, 10.0.0.0/8, 2001:db8::/32 or "
         "'-'"},
        {"action=reject", 8, "action is ACCEPT or REJECT (case matters), not 'reject'"},
        {"log-status=ok", 12, "log-status is OK, NODATA or SKIPDATA (case matters), not 'ok'"},
        {"flow-direction=in", 16, "flow-direction is ingress or egress (case matters), not 'in'"},
        {"action<REJECT", 7, "action takes = or != (text, with * wildcards), not '<'"},
        {"srcaddr>=10.0.0.1", 8, "srcaddr takes = or != (an address or CIDR), not '>='"},
        {"dstport<22,23", 9, "a list of values needs = or !=, not '<'"},
        {"dstport>-", 9, "'-' (no value) needs = or !=, not '>'"},
        {"dstport=22 REJECT", 12,
         "expected a condition such as dstport=22, not 'REJECT' (a pattern that starts with a field condition "
         "is in the named form: quote a term to search for text)"},
        {"dstport=22,,23", 12, "empty value in the list"},
        {"dstport=", 9, "expected a value after '='"},
        {"dstport==22", 8, "'==' is not an operator: use =, !=, <, <=, > or >="},
        {"account-id=\"12", 12, "unterminated quoted value: expected a closing '\"'"},
        {"account-id=\"12\"x", 16, "expected a space or ',' after the value"},
    };
    expect_errs(ROWS(errors), __FILE__, __LINE__);
}

TEST(errors_limits)
{
    size_t n = VPCFLOW_FILTER_MAX_PATTERN + 1;
    char *big = malloc(n + 1);
    CHECK(big != NULL);
    if (!big)
        return;
    memset(big, 'a', n);
    big[n] = 0;
    EXPECT_ERR(big, 1, "the pattern is longer than 65536 bytes");
    /* exactly the limit compiles */
    big[n - 1] = 0;
    vpcflow_filter *f = NULL;
    CHECK(vpcflow_filter_compile(big, &f, NULL) == VPCFLOW_OK);
    vpcflow_filter_free(f);
    /* many fields */
    size_t used = 0;
    big[used++] = '[';
    for (int i = 0; i < 1100 && used + 8 < n; i++)
        used += (size_t)snprintf(big + used, n - used, "f%d,", i);
    big[used - 1] = ']';
    big[used] = 0;
    EXPECT_ERR(big, 5036, "too many fields (at most 1024)");
    free(big);
    /* the error pointer may be NULL */
    CHECK(vpcflow_filter_compile("[a", &f, NULL) == VPCFLOW_ERR_INPUT);
    CHECK(f == NULL);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
