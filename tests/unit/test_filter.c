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
        vpcflow_record rec;
        vpcflow_str cols[VPCFLOW_MAX_COLUMNS];
        const char *why = NULL;
        unsigned col;
        if (!fmt || vpcflow_parse_line(fmt, rows[i].line, strlen(rows[i].line), &rec, cols, &why, &col) != VPCFLOW_OK)
            t_fail(file, line, "fixture row %zu does not parse: %s", i, why ? why : "no format");
        else if (vpcflow_filter_match(f, &rec))
            m |= UINT64_C(1) << i;
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
#define EXPECT(rows, pattern, want) expect_set(pattern, ROWS(rows), want, __FILE__, __LINE__)

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

/* ---- term form -------------------------------------------------------------------------- */

TEST(terms_aws_current_examples)
{
    EXPECT(U, "ERROR", B(0, 1, 2, 3, 4, 7, 9)); /* substring: ERRORCODE too */
    EXPECT(U, "ERROR ARGUMENTS", B(2, 3));
    EXPECT(U, "?ERROR ?ARGUMENTS", B(0, 1, 2, 3, 4, 7, 9));
    /* AWS: "?" terms next to other terms are ignored */
    EXPECT(U, "?ERROR ?ARGUMENTS REQUEST", B(0, 1, 5, 6, 7, 8));
    EXPECT(U, "\"INTERNAL SERVER ERROR\"", B(4));
    EXPECT(U, "ERROR -ARGUMENTS", B(0, 1, 4, 7, 9));
    EXPECT(U, "\" \"", ALL(10));
    EXPECT(U, "%AUTHORIZED%", B(1, 6, 8));
}

TEST(terms_aws_earlier_examples)
{
    EXPECT(U, "\"\"", ALL(10));
    /* the exclusion written apart from its term, as the earlier guide does */
    EXPECT(U, "\"ERROR\" - \"Exiting\"", B(0, 1, 2, 3, 4, 7));
    EXPECT(U, "\"ERROR\" \"Exception\"", NONE);
    EXPECT(W, "ERROR", B(0, 1));
    EXPECT(W, "?ERROR ?WARN", B(0, 1, 2));
    EXPECT(W, "ERROR WARN", B(0));
    EXPECT(W, "ERROR -WARN", B(1));
}

TEST(terms_on_flow_logs)
{
    EXPECT(D, "REJECT", B(1, 5, 9, 10));
    EXPECT(D, "\"REJECT OK\"", B(1, 5, 9, 10));
    EXPECT(D, "reject", NONE); /* case matters */
    EXPECT(D, "?NODATA ?SKIPDATA", B(2, 3));
    EXPECT(D, "REJECT -3389", B(5, 9));
    EXPECT(D, "10.0.1.5", B(5, 6, 7, 8, 10, 11));
    EXPECT(D, "unknown", B(7));
    EXPECT(D, "-ACCEPT", B(1, 2, 3, 5, 9, 10));
    EXPECT(D, "-ACCEPT -REJECT", B(2, 3));
    EXPECT(D, "?REJECT ?NODATA ACCEPT", B(0, 4, 6, 7, 8, 11));
    EXPECT(D, "?REJECT ?NODATA -ACCEPT", B(1, 2, 3, 5, 9, 10));
    EXPECT(D, "", ALL(12));
    EXPECT(D, "   ", ALL(12));
    EXPECT(D, "\"\" REJECT", B(1, 5, 9, 10));
    EXPECT(D, "-\"\"", NONE);
    EXPECT(D, "?\"\" ?nothing", ALL(12));
    EXPECT(D, "\"eni-1235b8ca123456789 172.31\"", B(0, 1));
    EXPECT(D, "\"a \\\"quote\\\"\"", NONE);
    /* a term with '=' that does not start with a field name is text */
    EXPECT(D, "x=1", NONE);
    EXPECT(D, "\"action=REJECT\"", NONE);
    /* '*' has no meaning in terms */
    EXPECT(D, "REJ*", NONE);
}

TEST(terms_regex)
{
    EXPECT(D, "%^2 unknown%", B(7));
    EXPECT(D, "%REJECT OK$%", B(1, 5, 9, 10));
    EXPECT(D, "%eni-1{8}a%", B(3));
    EXPECT(D, "%\\s22\\s%", B(0, 4, 9));
    EXPECT(D, "%[0-9]{16}%", B(6));
    EXPECT(D, "%[0-9]{21}%", NONE);
    EXPECT(D, "%^2 123|unknown%", ALL(11));
    EXPECT(D, "%^2 999|NODATA$%", B(2, 11));
    EXPECT(D, "%10\\.0\\.[12]\\.%", B(5, 6, 7, 8, 10, 11));
    EXPECT(D, "%10.0.1.5%", B(5, 6, 7, 8, 10, 11));
    EXPECT(D, "%ACCEPT OK$% -unknown", B(0, 4, 6, 8, 11));
    EXPECT(D, "?%NODATA% ?%SKIP%", B(2, 3));
    EXPECT(D, "%\\x3A%", B(4, 9)); /* ':' by its code */
    EXPECT(D, "%[^a-z ]a{9} %", B(3));
    EXPECT(D, "%\\d\\d\\d\\d\\d\\d\\d\\d\\d\\d\\d\\d\\d%", B(6, 10));
    EXPECT(D, "%\\D{6} OK%", B(0, 1, 4, 5, 6, 7, 8, 9, 10, 11));
    EXPECT(D, "%eni-\\w+ \\S+ %", ALL(12));
    EXPECT(D, "%^\\W%", NONE);
    EXPECT(D, "%a{,3}SKIPDATA%", B(3));
    EXPECT(D, "%9{3,}%", B(11));
    EXPECT(D, "%6{2}%", B(4, 11));
    EXPECT(D, "%[[:]{2}%", B(9));
    EXPECT(D, "%colou?r%", NONE);
    /* patterns that match the empty string, anchors alone, skipping ahead between threads */
    EXPECT(D, "%x*%", ALL(12));
    EXPECT(D, "%^%", ALL(12));
    EXPECT(D, "%$%", ALL(12));
    EXPECT(D, "%^$%", NONE);
    EXPECT(D, "%K$%", ALL(12) & ~B(2, 3));
    EXPECT(D, "%A$|^2 9%", B(2, 3, 11));
    EXPECT(D, "%^2 1.*SKIP%", B(3));
    EXPECT(D, "%\\d{5} 3389%", B(1));
    EXPECT(U, "%^\\[ERROR%", B(0, 1, 2, 3, 4, 7));
    EXPECT(U, "%gra|ey%", NONE);
    EXPECT(S, "%^INFO|^WARN%", B(0, 1, 2));
}

/* ---- space-delimited form ------------------------------------------------------------ */

#define CONSOLE                                                                                                        \
    "[version, accountid, interfaceid, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, "     \
    "action=REJECT, logstatus]"

TEST(fields_console_example)
{
    EXPECT(D, CONSOLE, B(1, 5, 9, 10));
    EXPECT(D, "[..., action=REJECT, logstatus]", B(1, 5, 9, 10));
    EXPECT(D, "[..., action=\"REJECT\", logstatus]", B(1, 5, 9, 10));
    EXPECT(D, "[...,action=REJECT,logstatus]", B(1, 5, 9, 10));
    EXPECT(D, "[..., action = REJECT , logstatus ]", B(1, 5, 9, 10));
    EXPECT(D, "[..., action=REJECT, ]", B(1, 5, 9, 10)); /* AWS's trailing ",]" */
    EXPECT(C, "[version, vpcid, ..., flowdir=egress, path, srcsvc, dstsvc]", B(0, 2));
}

TEST(fields_aws_examples)
{
    EXPECT(S, "[w1=ERROR, w2]", B(3));
    EXPECT(S, "[w1=ERROR || w1=WARNING, w2]", B(2, 3));
    EXPECT(S, "[w1=ERROR || W1=WARNING, w2]", B(2, 3)); /* as the guide writes it */
    EXPECT(S, "[w1!=ERROR && w1!=WARNING, w2]", B(0, 1));
    EXPECT(S, "[logLevel, date, time, method, url=%/service/resource/[0-9]+$%, response_time]", B(0));
    EXPECT(S, "[logLevel, date, time, method, url=%/service/resource/[0-9]+/part/[0-9]+$%, response_time]", B(1));
    /* the earlier guide's lines: the last name takes the rest of a longer record */
    EXPECT(W, "[w1=ERROR, w2]", B(0, 1));
    EXPECT(W, "[w1=ERROR || w1=WARN, w2]", B(0, 1, 2));
    EXPECT(W, "[w1!=ERROR&&w1!=WARN, w2]", NONE);
    EXPECT(W, "[w1=ERROR]", NONE);
    EXPECT(W, "[w1, w2=message]", B(1, 2));
    EXPECT(W, "[w1, w2=*message]", B(0, 1, 2));
}

TEST(fields_well_known_patterns)
{
    /* the default Lambda subscription pattern: wildcards inside quotes, the last name takes the rest */
    EXPECT(L, "[timestamp=*Z, request_id=\"*-*\", event]", B(0, 1));
    EXPECT(L, "[timestamp=*Z, request_id=\"*-*\", event=*id]", B(0));
    EXPECT(L, "[..., request=*.html*, status_code=4*,]", B(3));
    EXPECT(L, "[ip, user, username, timestamp, request=*html*, status_code=4*, bytes]", B(3));
    EXPECT(L, "[ip, user, username, timestamp, request, status_code=404 || status_code=410, bytes>1000]", B(3));
    EXPECT(L, "[ip, user, username, timestamp, request, status_code=4* && status_code!=403, bytes]", B(3));
}

TEST(fields_count_and_ellipsis)
{
    EXPECT(D, "[a, b, c, d, e, f, g, h, i, j, k, l, m, n]", ALL(12));
    EXPECT(D, "[a, b, c, d, e, f, g, h, i, j, k, l, m, n, o]", NONE);
    EXPECT(D, "[a, b, c]", ALL(12));
    EXPECT(D, "[a]", ALL(12));
    EXPECT(T, "[a, b, c, d]", NONE);
    EXPECT(T, "[a, b, c, ...]", B(0, 1));
    EXPECT(T, "[a, b, c, d, ...]", NONE);
    EXPECT(T, "[..., a, b, c]", B(0, 1));
    EXPECT(T, "[a, ..., b, c]", B(0, 1));
    EXPECT(T, "[a, b, ..., c, d]", NONE);
    EXPECT(T, "[...]", B(0, 1));
    EXPECT(T, "[a, b=-, c]", B(1));
    EXPECT(T, "[a, rest=\"10.0.0.2 ACCEPT\"]", B(0));
    EXPECT(T, "[a, rest=\"- *\"]", B(1));
    EXPECT(D, "[..., logstatus=OK]", B(0, 1, 4, 5, 6, 7, 8, 9, 10, 11));
    EXPECT(D, "[version=2, ...]", ALL(12));
    EXPECT(D, "[version, accountid=unknown, ...]", B(7));
    EXPECT(D, "[v, ..., end, action=ACCEPT, s]", B(0, 4, 6, 7, 8, 11));
    EXPECT(D, "[v, a, i, s, d, sp, dp, pr, pk, by, st, en, ac, ls, ...]", ALL(12));
    EXPECT(D, "[v, a, i, s, d, sp, dp, pr, pk, by, st, en, ac, ls, x, ...]", NONE);
    EXPECT(D, "[v, \xe2\x80\xa6, ls=NODATA]", B(2));
    /* the absorbed rest keeps its inner spaces; quotes allow spaces in the value */
    EXPECT(D, "[version, accountid, rest=\"eni-1235b8ca123456789 172.31.16.139*\"]", B(0));
    EXPECT(D, "[version, accountid, rest=*NODATA]", B(2));
}

TEST(fields_operators)
{
    EXPECT(D, "[v, a, i, s, d, sp, dp=22 || dp=3389, ...]", B(0, 1, 4, 10));
    /* && binds tighter than ||: 22 || (3389 && >1000) */
    EXPECT(D, "[v, a, i, s, d, sp, dp=22 || dp=3389 && dp>1000, ...]", B(0, 1, 4, 10));
    EXPECT(D, "[v, a, i, s, d, sp, dp>1000 && dp=3389 || dp=22, ...]", B(0, 1, 4, 10));
    EXPECT(D, "[v, a, i, s, d, sp, dp>1000 && dp<5000 && dp!=3389 || dp=0, ...]", B(8));
    EXPECT(D, "[..., bytes>1000, start, end, action, status]", B(0, 1, 4, 6, 11));
    EXPECT(D, "[..., bytes>=1000, start, end, action, status]", B(0, 1, 4, 6, 9, 11));
    EXPECT(D, "[..., bytes<=1000, start, end, action, status]", B(5, 7, 8, 9, 10));
    EXPECT(D, "[..., bytes<1000, start, end, action, status]", B(5, 7, 8, 10));
    EXPECT(D, "[..., bytes=4249, start, end, action, status]", B(0, 1));
    EXPECT(D, "[..., bytes=4.249e3, start, end, action, status]", B(0, 1));
    EXPECT(D, "[..., bytes=+4249.000, start, end, action, status]", B(0, 1));
    /* a numeric condition on "-" holds for no operator */
    EXPECT(D, "[..., bytes!=4249, start, end, action, status]", B(4, 5, 6, 7, 8, 9, 10, 11));
    EXPECT(D, "[..., bytes=1000000000000000, start, end, action, status]", B(6));
    EXPECT(D, "[..., bytes>999999999999999, start, end, action, status]", B(6));
    EXPECT(D, "[..., bytes>9e14, start, end, action, status]", B(6));
    EXPECT(D, "[..., bytes>-1, start, end, action, status]", B(0, 1, 4, 5, 6, 7, 8, 9, 10, 11));
    EXPECT(D, "[..., bytes<0.5e1, start, end, action, status]", NONE);
    EXPECT(D, "[..., bytes=-, start, end, action, status]", B(2, 3));
    EXPECT(D, "[..., bytes!=-, start, end, action, status]", B(0, 1, 4, 5, 6, 7, 8, 9, 10, 11));
    EXPECT(D, "[..., bytes=\"4249\", start, end, action, status]", B(0, 1));
    EXPECT(D, "[..., bytes=\"4249.0\", start, end, action, status]", NONE); /* quoted: text */
    EXPECT(D, "[v, acct>100, ...]", ALL(12) & ~B(7));
    EXPECT(D, "[v, acct!=123456789010, ...]", B(11));
    EXPECT(D, "[v, acct!=\"123456789010\", ...]", B(7, 11));
    EXPECT(D, "[v, a, i, srcaddr=%^10\\.0\\.%, ...]", B(6, 7, 8, 11));
    EXPECT(D, "[v, a, i, srcaddr!=%:%, ...]", B(0, 1, 2, 3, 5, 6, 7, 8, 10, 11));
    EXPECT(D, "[v, a, i, s=%^10% || s=-, ...]", B(2, 3, 6, 7, 8, 11));
}

TEST(fields_wildcards)
{
    EXPECT(D, "[v, a, interfaceid=eni-0a*, ...]", B(5, 6, 7, 8, 9, 10, 11));
    EXPECT(D, "[v, a, interfaceid=*789, ...]", B(0, 1, 2, 4));
    EXPECT(D, "[v, a, interfaceid=eni-*aaa, ...]", B(3));
    EXPECT(D, "[v, a, interfaceid=*b8ca*, ...]", B(0, 1, 2, 4));
    EXPECT(D, "[v, a, interfaceid=eni-1*5*9, ...]", B(0, 1, 2, 4));
    EXPECT(D, "[v, a, interfaceid=eni-1*1*a, ...]", B(3));
    EXPECT(D, "[v, a, interfaceid=*, ...]", ALL(12));
    EXPECT(D, "[v, a, interfaceid=**, ...]", ALL(12));
    EXPECT(D, "[v, a, interfaceid=eni-**718, ...]", B(5, 6, 7, 8, 9, 10, 11));
    EXPECT(D, "[v, a, interfaceid!=eni-0a*, ...]", B(0, 1, 2, 3, 4));
    EXPECT(D, "[v, a, interfaceid=\"eni-0a*\", ...]", B(5, 6, 7, 8, 9, 10, 11));
    EXPECT(D, "[v, a, i, s, d, sp, dp=4*, ...]", B(11));
    EXPECT(D, "[v, a, i, s, d, sp, dp=3*, ...]", B(1, 10));
    EXPECT(D, "[v, a, i, s, d=10.0.1.5*, ...]", B(5, 7, 10));
    /* overlapping prefix and suffix must not share bytes */
    EXPECT(T, "[a, b, act=REJ*JECT]", NONE);
    EXPECT(T, "[a, b, act=REJ*ECT]", B(1));
}

/* ---- named form ----------------------------------------------------------------------- */

TEST(named_keywords_and_lists)
{
    EXPECT(D, "action=REJECT", B(1, 5, 9, 10));
    EXPECT(D, "action!=REJECT", B(0, 4, 6, 7, 8, 11));
    EXPECT(D, "action=-", B(2, 3));
    EXPECT(D, "action!=-", ALL(12) & ~B(2, 3));
    EXPECT(D, "action=R*", B(1, 5, 9, 10));
    EXPECT(D, "log-status=NODATA", B(2));
    EXPECT(D, "log_status=SKIPDATA", B(3));
    EXPECT(D, "log-status=NODATA,SKIPDATA", B(2, 3));
    EXPECT(D, "dstport=22,23,3389", B(0, 1, 4, 5, 10));
    EXPECT(D, "dstport!=22,23,3389", B(6, 7, 8, 9, 11));
    EXPECT(D, "dstport=-,22", B(0, 2, 3, 4));
    EXPECT(D, "dstport!=-,22", B(1, 5, 6, 7, 8, 9, 10, 11));
    EXPECT(D, "action=REJECT dstport=3389", B(1, 10));
    EXPECT(D, "  action=ACCEPT   srcaddr=10.0.0.0/8 protocol=6  ", B(6, 11));
    EXPECT(D, "protocol=17", B(7));
    EXPECT(D, "protocol=1", B(8));
    EXPECT(D, "version=2", ALL(12));
    EXPECT(D, "account-id=unknown", B(7));
    EXPECT(D, "account-id=1234*", ALL(11) & ~B(7));
    EXPECT(D, "account-id!=123456789010", B(7, 11));
    EXPECT(D, "account-id=\"unknown\"", B(7));
    EXPECT(D, "interface-id=*aaa", B(3));
    EXPECT(D, "interface-id=eni-1*9", B(0, 1, 2, 4));
}

TEST(named_addresses)
{
    EXPECT(D, "srcaddr=10.0.0.0/8", B(6, 7, 8, 11));
    EXPECT(D, "srcaddr!=10.0.0.0/8", B(0, 1, 4, 5, 9, 10));
    EXPECT(D, "srcaddr=10.0.0.0/8,192.0.2.0/24", B(6, 7, 8, 10, 11));
    EXPECT(D, "srcaddr=2001:db8::/32", B(4, 9));
    EXPECT(D, "srcaddr=2001:db8::1", B(9));
    EXPECT(D, "srcaddr=2001:DB8:0:0::1/128", B(9));
    EXPECT(D, "srcaddr=2001:db8:1234:a100::/64", B(4));
    EXPECT(D, "dstaddr=10.0.1.5", B(5, 7, 10));
    EXPECT(D, "dstaddr=10.0.1.5/32", B(5, 7, 10));
    EXPECT(D, "srcaddr=0.0.0.0/0", B(0, 1, 5, 6, 7, 8, 10, 11));
    EXPECT(D, "srcaddr=::/0", ALL(12) & ~B(2, 3));
    EXPECT(D, "srcaddr=-", B(2, 3));
    EXPECT(D, "srcaddr=-,2001:db8::/32", B(2, 3, 4, 9));
    EXPECT(D, "srcaddr=172.31.*", B(0, 1));
    EXPECT(D, "srcaddr=172.31.0.0/16 dstaddr=172.31.9.0/24", B(1));
    EXPECT(C, "pkt-srcaddr=2600:1f18::/32", B(3));
    EXPECT(C, "pkt-dstaddr=-", B(3));
    EXPECT(C, "pkt-dstaddr=52.216.0.0/15", B(2));
}

TEST(named_numbers)
{
    EXPECT(D, "bytes>=1000000", B(6, 11));
    EXPECT(D, "bytes>1000000", B(6));
    EXPECT(D, "bytes<100", B(5));
    EXPECT(D, "bytes<=152", B(5, 7));
    EXPECT(D, "bytes=1000000000000000", B(6));
    EXPECT(D, "bytes!=4249", B(4, 5, 6, 7, 8, 9, 10, 11));
    EXPECT(D, "packets>=20", B(0, 1, 4, 11));
    EXPECT(D, "srcport<1024", B(6, 7, 8, 9));
    EXPECT(D, "start>=1501236003", B(8, 9, 10, 11));
    EXPECT(D, "start=1501236005", B(10));
    EXPECT(D, "start=1501236005000", B(10)); /* milliseconds, as records normalise them */
    EXPECT(D, "end<1418530071", B(0, 1));
    EXPECT(D, "dstport=0", B(8));
    EXPECT(C, "tcp-flags=19", B(0, 1));
    EXPECT(C, "traffic-path=-", B(1, 3));
    EXPECT(C, "traffic-path>=1", B(0, 2));
}

TEST(named_custom_and_absent_fields)
{
    EXPECT(C, "flow-direction=egress", B(0, 2));
    EXPECT(C, "flow-direction=ingress action=REJECT", B(3));
    EXPECT(C, "pkt-dst-aws-service=S3", B(2));
    EXPECT(C, "pkt-dst-aws-service=-", B(0, 1, 3));
    EXPECT(C, "pkt-src-aws-service=AMAZON", B(3));
    EXPECT(C, "instance-id=-", B(0, 3));
    EXPECT(C, "instance-id=i-*", B(1, 2));
    EXPECT(C, "type=IPv6", B(3));
    EXPECT(C, "az-id=use1-az2", B(1, 2));
    EXPECT(C, "subnet-id=subnet-0b*", B(1, 2));
    EXPECT(C, "vpc_id=vpc-0a1b2c3d region=us-east-1", ALL(4));
    /* fields the default format lacks have no value: only =- matches them */
    EXPECT(D, "vpc-id=-", ALL(12));
    EXPECT(D, "vpc-id=*", NONE);
    EXPECT(D, "vpc-id!=-", NONE);
    EXPECT(D, "vpc-id!=vpc-1", NONE);
    EXPECT(D, "flow-direction=egress", NONE);
    EXPECT(D, "tcp-flags<100", NONE);
    EXPECT(D, "tcp-flags=-,2", ALL(12));
    EXPECT(T, "action=REJECT dstaddr=-", B(1));
}

TEST(forms)
{
    const char *pats[] = {"REJECT", "[a, ...]", "action=REJECT", "x=REJECT", " dstport>1", "\"dstport=1\"", ""};
    vpcflow_filter_form want[] = {VPCFLOW_FILTER_TERMS, VPCFLOW_FILTER_FIELDS, VPCFLOW_FILTER_NAMED,
                                  VPCFLOW_FILTER_TERMS, VPCFLOW_FILTER_NAMED,  VPCFLOW_FILTER_TERMS,
                                  VPCFLOW_FILTER_TERMS};
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
        vpcflow_filter *f = NULL;
        CHECK(vpcflow_filter_compile(pats[i], &f, NULL) == VPCFLOW_OK);
        if (f)
            CHECK_EQ_I64(vpcflow_filter_form_of(f), want[i]);
        vpcflow_filter_free(f);
    }
    vpcflow_filter_free(NULL);
}

/* ---- errors ------------------------------------------------------------------------ */

TEST(errors_space_delimited)
{
    EXPECT_ERR("[a, b, c d]", 10, "expected ',' or ']' after field 3");
    EXPECT_ERR("[a, ..., b, ...]", 13, "'...' appears twice (first at column 5); it may stand only once");
    EXPECT_ERR("[a, ...=5]", 8, "'...' stands for any number of fields and takes no condition");
    EXPECT_ERR("[a, ... != 5]", 9, "'...' stands for any number of fields and takes no condition");
    EXPECT_ERR("[a, b", 6, "unterminated '[' (column 1): expected ',' or ']' after field 2");
    EXPECT_ERR("  [a, b=\"x", 9, "unterminated quoted value: expected a closing '\"'");
    EXPECT_ERR("[a, , b]", 5, "empty field name (field 2)");
    EXPECT_ERR("[, a]", 2, "empty field name (field 1)");
    EXPECT_ERR("[]", 2, "empty '[]': name at least one field, or write [...]");
    EXPECT_ERR("[a=]", 4, "expected a value after '='");
    EXPECT_ERR("[a = ]", 6, "expected a value after '='");
    EXPECT_ERR("[a < x]", 6, "expected a number after '<', not 'x'");
    EXPECT_ERR("[a >= 4*]", 7, "expected a number after '>=', not '4*'");
    EXPECT_ERR("[a > \"5\"]", 6, "expected a number after '>' (a quoted value is text)");
    EXPECT_ERR("[a < %5%]", 4, "a %regex% takes = or !=, not '<'");
    EXPECT_ERR("[a = 4* && b = 5]", 12, "a condition in field 1 names 'b': it can only test its own field 'a'");
    EXPECT_ERR("[a = 4 &&]", 10, "expected the field name 'a' after '&&'");
    EXPECT_ERR("[a == 5]", 4, "'==' is not an operator: use =, !=, <, <=, > or >=");
    EXPECT_ERR("[=5]", 2, "expected a field name before '=' (field 1)");
    EXPECT_ERR("[a, #]", 5, "expected a field name (letters, digits, '_') in field 2, not '#'");
    EXPECT_ERR("[a] x", 5, "unexpected text after ']'");
    EXPECT_ERR("[a = 1 b]", 8, "expected ',' or ']' after field 1");
    EXPECT_ERR("[a = 1 && a]", 12, "expected an operator (=, !=, <, <=, >, >=) after 'a' in field 1");
    EXPECT_ERR("[a = %x(%]", 8,
               "'(' and ')' are not supported in a CloudWatch regex (write \\x28 or \\x29 to match "
               "them)");
    EXPECT_ERR("[a !5]", 4, "expected ',' or ']' after field 1");
    EXPECT_ERR("{ $.eventType = \"UpdateTrail\" }", 1,
               "JSON filter patterns ({ $.field = value }) do not apply: flow-log records are not JSON; use [...] "
               "or field=value");
}

TEST(errors_terms)
{
    EXPECT_ERR("\"abc", 1, "unterminated quoted term: expected a closing '\"'");
    EXPECT_ERR("x \"abc\\\"", 3, "unterminated quoted term: expected a closing '\"'");
    EXPECT_ERR("?", 1, "expected a term right after '?'");
    EXPECT_ERR("A ? B", 3, "expected a term right after '?'");
    EXPECT_ERR("ERROR -", 7, "expected a term after '-' (quote \"-\" to search for it)");
    EXPECT_ERR("\"a\"b", 4, "expected a space after the closing quote");
    EXPECT_ERR("a\"b", 2, "a quote inside a term: quote the whole term (\"...\")");
    EXPECT_ERR("action = REJECT", 8,
               "'=' alone is not a term; write a field condition without spaces (action=REJECT) or quote the text");
    EXPECT_ERR("%abc", 1, "unterminated regex: expected a closing '%'");
    EXPECT_ERR("%%", 1, "empty regex '%%': write a regex between the '%' signs");
    EXPECT_ERR("%a%b", 4, "expected a space after the closing '%' of the regex");
}

TEST(errors_regex)
{
    EXPECT_ERR("%a(b)%", 3, "'(' and ')' are not supported in a CloudWatch regex (write \\x28 or \\x29 to match them)");
    EXPECT_ERR("%a!%", 3, "'!' is not supported in a CloudWatch regex (write \\x21 to match it)");
    EXPECT_ERR("%a\xc3\xa9%", 3, "multi-byte characters are not supported in a regex");
    EXPECT_ERR("%*a%", 2, "nothing to repeat before this repetition");
    EXPECT_ERR("%a|+%", 4, "nothing to repeat before this repetition");
    EXPECT_ERR("%^*%", 3, "nothing to repeat: '^' and '$' are positions");
    EXPECT_ERR("%a**%", 4, "a repetition cannot follow a repetition");
    EXPECT_ERR("%a{5,2}%", 3, "bad repetition: {m,n} needs m <= n");
    EXPECT_ERR("%a{,}%", 3, "bad repetition: expected {m}, {m,}, {,n} or {m,n}");
    EXPECT_ERR("%a{2%", 3, "bad repetition: expected {m}, {m,}, {,n} or {m,n}");
    EXPECT_ERR("%a{2000}%", 3, "repetition count above 1000");
    EXPECT_ERR("%a{1000}b{1000}%", 9, "regex too large (repetitions expand past 1024 steps)");
    /* the first alternative fills every step: the second has no room (it used to write past
     * the start set) */
    EXPECT_ERR("%a{1000}b{23}|c%", 15, "regex too large (repetitions expand past 1024 steps)");
    EXPECT_ERR("%[a-%", 2, "unterminated '[' in the regex: expected ']'");
    EXPECT_ERR("%[z-a]%", 3, "bad range in '[...]': write it low-high, like a-z");
    EXPECT_ERR("%a||b%", 4, "empty alternative in the regex");
    EXPECT_ERR("%a|%", 4, "empty alternative in the regex");
    EXPECT_ERR("%a]%", 3, "unmatched ']' (write \\] to match it)");
    EXPECT_ERR("%\\q%", 2, "unknown escape '\\q' (known: \\d \\D \\s \\S \\w \\W \\xhh, or \\ before a symbol)");
    EXPECT_ERR("%\\x4%", 2, "\\x needs two hex digits (\\x3A)");
    EXPECT_ERR("%ab\\%", 4, "a '\\' at the end of the regex: escape what?");
}

TEST(errors_named)
{
    EXPECT_ERR("dstport=22 foo=1", 12,
               "unknown field 'foo' (names are AWS field names such as srcaddr, dstport, action; see 'vpcflow help "
               "fields')");
    EXPECT_ERR("dstport=2x", 9, "dstport is a number: expected a whole number or '-', not '2x'");
    EXPECT_ERR("dstport=\"22\"", 9, "dstport is a number: expected a whole number or '-', not '22'");
    EXPECT_ERR("bytes>=1.5", 8, "bytes is a number: expected a whole number or '-', not '1.5'");
    EXPECT_ERR("srcaddr=10.0.0.0/33", 9,
               "bad address or CIDR '10.0.0.0/33' for srcaddr: expected 10.0.0.1, 10.0.0.0/8, 2001:db8::/32 or '-'");
    EXPECT_ERR("dstaddr=10.0.0.0/8,2001:db8::/129", 20,
               "bad address or CIDR '2001:db8::/129' for dstaddr: expected 10.0.0.1, 10.0.0.0/8, 2001:db8::/32 or "
               "'-'");
    EXPECT_ERR("action=reject", 8, "action is ACCEPT or REJECT (case matters), not 'reject'");
    EXPECT_ERR("log-status=ok", 12, "log-status is OK, NODATA or SKIPDATA (case matters), not 'ok'");
    EXPECT_ERR("flow-direction=in", 16, "flow-direction is ingress or egress (case matters), not 'in'");
    EXPECT_ERR("action<REJECT", 7, "action takes = or != (text, with * wildcards), not '<'");
    EXPECT_ERR("srcaddr>=10.0.0.1", 8, "srcaddr takes = or != (an address or CIDR), not '>='");
    EXPECT_ERR("dstport<22,23", 9, "a list of values needs = or !=, not '<'");
    EXPECT_ERR("dstport>-", 9, "'-' (no value) needs = or !=, not '>'");
    EXPECT_ERR("dstport=22 REJECT", 12,
               "expected a condition such as dstport=22, not 'REJECT' (a pattern that starts with a field condition "
               "is in the named form: quote a term to search for text)");
    EXPECT_ERR("dstport=22,,23", 12, "empty value in the list");
    EXPECT_ERR("dstport=", 9, "expected a value after '='");
    EXPECT_ERR("dstport==22", 8, "'==' is not an operator: use =, !=, <, <=, > or >=");
    EXPECT_ERR("account-id=\"12", 12, "unterminated quoted value: expected a closing '\"'");
    EXPECT_ERR("account-id=\"12\"x", 16, "expected a space or ',' after the value");
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
