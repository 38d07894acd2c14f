/* test_parse.c — the field table, addresses, formats and the line parser. */
#include "t.h"

#include "vpcflow.h"
#include "read/format.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static vpcflow_format *fmt_of(const char *spec)
{
    vpcflow_format *f = NULL;
    vpcflow_error err;
    if (vpcflow_format_parse(spec, strlen(spec), &f, &err) != VPCFLOW_OK)
        t_fail(__FILE__, __LINE__, "format '%s': %s", spec, err.message);
    return f;
}

/* The parser of the last parse(): the record's views point into it until the next parse(). */
static vpcflow_line_parser *last_parser;

static int parse(const vpcflow_format *f, const char *line, vpcflow_record *r)
{
    vpcflow_error err;
    vpcflow_line_parser_free(last_parser);
    last_parser = NULL;
    if (vpcflow_line_parser_new(f, &last_parser, &err) != VPCFLOW_OK)
        return 0;
    return vpcflow_parse_line(last_parser, line, strlen(line), r, &err) == VPCFLOW_OK;
}

/* parse(), with the error's message in why (static storage) when the line is malformed */
static int parse_why(const vpcflow_format *f, const char *line, vpcflow_record *r, const char **why)
{
    static vpcflow_error err;
    vpcflow_line_parser_free(last_parser);
    last_parser = NULL;
    if (vpcflow_line_parser_new(f, &last_parser, &err) != VPCFLOW_OK)
        return 0;
    int ok = vpcflow_parse_line(last_parser, line, strlen(line), r, &err) == VPCFLOW_OK;
    *why = ok ? NULL : err.message;
    return ok;
}

static const char *addr_text(vpcflow_addr a)
{
    static char buf[64];
    vpcflow_addr_format(a, buf, sizeof buf);
    return buf;
}

TEST(field_table)
{
    CHECK_EQ_U64(VPCFLOW_F_COUNT, 58);
    CHECK_STR(vpcflow_field_name(VPCFLOW_F_PKT_SRC_AWS_SERVICE), "pkt-src-aws-service");
    static const struct {
        const char *name;
        int field;
    } names[] = {
        {"log-status", VPCFLOW_F_LOG_STATUS},
        {"log_status", VPCFLOW_F_LOG_STATUS},
        {"logstatus", -1},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        t_label("name '%s'", names[i].name);
        CHECK_EQ_I64(vpcflow_field_lookup(names[i].name, strlen(names[i].name)), names[i].field);
    }
    static const struct {
        vpcflow_field field;
        int version;
    } versions[] = {
        {VPCFLOW_F_TGW_ID, 6},
        {VPCFLOW_F_ECS_TASK_ID, 7},
        {VPCFLOW_F_REJECT_REASON, 8},
    };
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        t_label("field %s", vpcflow_field_name(versions[i].field));
        CHECK_EQ_I64(vpcflow_field_version(versions[i].field), versions[i].version);
    }
    t_label(NULL);
    for (int f = 0; f < VPCFLOW_F_COUNT; f++) {
        const char *n = vpcflow_field_name((vpcflow_field)f);
        CHECK_EQ_I64(vpcflow_field_lookup(n, strlen(n)), f);
    }
    CHECK_STR(vpcflow_class_name(VPCFLOW_CLASS_AWS_SAME_REGION), "aws-same-region");
    CHECK_EQ_I64(vpcflow_class_lookup("internet-out", 12), VPCFLOW_CLASS_INTERNET_OUT);
}

/* The field a misspelt name means: each kind of edit, a swap of neighbours as one, case and
 * '_' ignored; too far (or too short to tell) is none. */
TEST(field_nearest)
{
    static const struct {
        const char *name;
        int field;
    } cases[] = {
        {"dstport", VPCFLOW_F_DSTPORT},
        {"dstprot", VPCFLOW_F_DSTPORT},
        {"dst_port", VPCFLOW_F_DSTPORT},
        {"Bytes", VPCFLOW_F_BYTES},
        {"logstatus", VPCFLOW_F_LOG_STATUS},
        {"src-addr", VPCFLOW_F_SRCADDR},
        {"srcadr", VPCFLOW_F_SRCADDR},
        {"interfaceid", VPCFLOW_F_INTERFACE_ID},
        {"ecs-task-idd", VPCFLOW_F_ECS_TASK_ID},
        {"nosuch", -1},
        {"foo", -1},
        {"x", -1},
        {"", -1},
        {"a-name-far-longer-than-any-field-name-at-all", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_label("name '%s'", cases[i].name);
        CHECK_EQ_I64(vpcflow_field_nearest(cases[i].name, strlen(cases[i].name)), cases[i].field);
    }
    t_label(NULL);
}

TEST(addresses)
{
    vpcflow_addr a;
    static const struct {
        const char *text;
        uint32_t v4;
    } v4[] = {
        {"10.0.1.5", 0x0a000105},
        {"255.255.255.255", 0xffffffff},
    };
    for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++) {
        t_label("%s", v4[i].text);
        CHECK(vpcflow_addr_parse(v4[i].text, strlen(v4[i].text), &a) == 0 && vpcflow_addr_is_v4(a) &&
              vpcflow_addr_v4(a) == v4[i].v4);
    }
    const char *v6[][2] = {
        {"2001:db8:1234:a100:8d6e:3477:df66:f105", "2001:db8:1234:a100:8d6e:3477:df66:f105"},
        {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
        {"::", "::"},
        {"::1", "::1"},
        {"fe80::", "fe80::"},
        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
        {"::ffff:1.2.3.4", "1.2.3.4"},
        {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
    };
    for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++) {
        t_label("%s", v6[i][0]);
        CHECK(vpcflow_addr_parse(v6[i][0], strlen(v6[i][0]), &a) == 0);
        CHECK_STR(addr_text(a), v6[i][1]);
    }
    const char *bad[] = {"256.1.1.1", "01.1.1.1",          "1.1.1",       "1.1.1.1.",       ":::", "1::2::3",
                         "12345::",   "1:2:3:4:5:6:7:8:9", "2001:db8::g", "1:2:3:4:5:6:7:", ":1::"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t_label("%s", bad[i]);
        CHECK(vpcflow_addr_parse(bad[i], strlen(bad[i]), &a) < 0);
    }
    t_label(NULL);
}

TEST(cidrs)
{
    vpcflow_addr net, a;
    unsigned plen;
    /* plen as stored: an IPv4 prefix counts the 96 bits of the IPv4-mapped form */
    static const struct {
        const char *cidr;
        unsigned plen;
        const char *addr;
        int contains;
    } cases[] = {
        {"172.31.16.0/20", 116, "172.31.29.150", 1},
        {"172.31.16.0/20", 116, "172.31.32.1", 0},
        {"2001:db8:1234:a100::/64", 64, "2001:db8:1234:a100:8d6e:3477:df66:f105", 1},
        {"2001:db8::/32", 32, "2001:db8:1234:a100:8d6e:3477:df66:f105", 1},
        {"::/0", 0, "2001:db8:1234:a100:8d6e:3477:df66:f105", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_label("%s holds %s", cases[i].cidr, cases[i].addr);
        CHECK(vpcflow_cidr_parse(cases[i].cidr, strlen(cases[i].cidr), &net, &plen) == 0 && plen == cases[i].plen);
        CHECK(vpcflow_addr_parse(cases[i].addr, strlen(cases[i].addr), &a) == 0);
        CHECK_EQ_I64(vpcflow_cidr_contains(net, plen, a), cases[i].contains);
    }
    t_label(NULL);
    CHECK(vpcflow_cidr_parse("10.1.2.3/8", 10, &net, &plen) == 0); /* host bits are cleared */
    CHECK_STR(addr_text(net), "10.0.0.0");
    const char *bad[] = {"10.0.0.0/33", "10.0.0.0/", "2001:db8::/129"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t_label("%s", bad[i]);
        CHECK(vpcflow_cidr_parse(bad[i], strlen(bad[i]), &net, &plen) < 0);
    }
    t_label(NULL);
}

TEST(format_strings)
{
    vpcflow_format *f = fmt_of("${version} ${vpc-id}  ${srcaddr} ${bytes}");
    CHECK_EQ_U64(vpcflow_format_columns(f), 4);
    CHECK_EQ_I64(vpcflow_format_column_field(f, 1), VPCFLOW_F_VPC_ID);
    CHECK_EQ_I64(vpcflow_format_column_of(f, VPCFLOW_F_BYTES), 3);
    CHECK_EQ_I64(vpcflow_format_column_of(f, VPCFLOW_F_PACKETS), -1);
    CHECK(vpcflow_format_fields(f) == (VPCFLOW_BIT(VPCFLOW_F_VERSION) | VPCFLOW_BIT(VPCFLOW_F_VPC_ID) |
                                       VPCFLOW_BIT(VPCFLOW_F_SRCADDR) | VPCFLOW_BIT(VPCFLOW_F_BYTES)));
    char buf[256];
    vpcflow_format_to_string(f, buf, sizeof buf);
    CHECK_STR(buf, "${version} ${vpc-id} ${srcaddr} ${bytes}");
    vpcflow_format_free(f);

    f = fmt_of("version account-id resource-id bytes"); /* header style, unknown name kept */
    CHECK_EQ_I64(vpcflow_format_column_field(f, 2), -1);
    CHECK_STR(vpcflow_format_column_name(f, 2), "resource-id");
    vpcflow_format_free(f);

    struct {
        const char *spec, *msg;
        unsigned col;
    } bad[] = {
        {"${version} ${bytes", "expected '}' at column 19 of the format", 19},
        {"${version} bytes", "expected '${field}' in the format string at column 12", 12},
        {"${version} ${Bytes}", "expected a field name at column 14 of the format", 14},
        {"${version} ${bytes} ${version}", "field 'version' appears twice in the format", 3},
        {"   ", "format has no fields", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vpcflow_error err;
        vpcflow_format *g = NULL;
        CHECK(vpcflow_format_parse(bad[i].spec, strlen(bad[i].spec), &g, &err) == VPCFLOW_ERR_INPUT);
        CHECK_STR(err.message, bad[i].msg);
        CHECK_EQ_U64(err.column, bad[i].col);
    }
}

TEST(header_lines)
{
    static const struct {
        const char *line;
        int header;
    } cases[] = {
        {"version account-id interface-id srcaddr", 1},
        {"vpc-id  bytes\r", 1},
        {"vpc-0a1b2c3d bytes", 0},
        {"2 123 eni-1", 0},
        {"version Bytes", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_label("'%s'", cases[i].line);
        CHECK_EQ_I64(vpcflow_line_is_header(cases[i].line, strlen(cases[i].line)), cases[i].header);
    }
    t_label(NULL);
}

TEST(default_record)
{
    vpcflow_format *f = vpcflow_format_default();
    vpcflow_record r;
    CHECK(parse(f,
                "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 "
                "1418530070 ACCEPT OK",
                &r));
    CHECK_EQ_U64(r.version, 2);
    CHECK_STR(addr_text(r.srcaddr), "172.31.16.139");
    CHECK_STR(addr_text(r.dstaddr), "172.31.16.21");
    CHECK_EQ_U64(r.srcport, 20641);
    CHECK_EQ_U64(r.dstport, 22);
    CHECK_EQ_U64(r.protocol, 6);
    CHECK_EQ_U64(r.packets, 20);
    CHECK_EQ_U64(r.bytes, 4249);
    CHECK_EQ_I64(r.start, 1418530010);
    CHECK_EQ_I64(r.end, 1418530070);
    CHECK_EQ_U64(r.action, VPCFLOW_ACTION_ACCEPT);
    CHECK_EQ_U64(r.log_status, VPCFLOW_STATUS_OK);
    vpcflow_str eni = vpcflow_record_text(&r, VPCFLOW_F_INTERFACE_ID);
    CHECK_MEM(eni.ptr, eni.len, "eni-1235b8ca123456789");
    CHECK(vpcflow_record_text(&r, VPCFLOW_F_VPC_ID).ptr == NULL);
    CHECK(r.present & VPCFLOW_BIT(VPCFLOW_F_ACCOUNT_ID));
    vpcflow_format_free(f);
}

TEST(nodata_skipdata_and_dashes)
{
    vpcflow_format *f = vpcflow_format_default();
    vpcflow_record r;
    CHECK(parse(f, "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA", &r));
    CHECK_EQ_U64(r.log_status, VPCFLOW_STATUS_NODATA);
    CHECK(!(r.present & VPCFLOW_BIT(VPCFLOW_F_SRCADDR)));
    CHECK(!(r.present & VPCFLOW_BIT(VPCFLOW_F_BYTES)));
    CHECK(!(r.present & VPCFLOW_BIT(VPCFLOW_F_ACTION)));
    CHECK_EQ_U64(r.bytes, 0);
    CHECK_EQ_I64(r.start, 1431280876);
    CHECK(parse(f, "2 unknown eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA", &r));
    CHECK_EQ_U64(r.log_status, VPCFLOW_STATUS_SKIPDATA);
    vpcflow_str acct = vpcflow_record_text(&r, VPCFLOW_F_ACCOUNT_ID);
    CHECK_MEM(acct.ptr, acct.len, "unknown");
    vpcflow_format_free(f);
}

TEST(ipv6_crlf_spaces_and_milliseconds)
{
    vpcflow_format *f = vpcflow_format_default();
    vpcflow_record r;
    CHECK(parse(f,
                "2  123456789010 eni-1235b8ca123456789   2001:db8:1234:a100:8d6e:3477:df66:f105 "
                "2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708000 1477913820000 ACCEPT OK\r",
                &r));
    CHECK(!vpcflow_addr_is_v4(r.srcaddr));
    CHECK_STR(addr_text(r.dstaddr), "2001:db8:1234:a102:3304:8879:34cf:4071");
    CHECK_EQ_I64(r.start, 1477913708); /* milliseconds normalised */
    CHECK_EQ_I64(r.end, 1477913820);
    CHECK_EQ_U64(r.bytes, 8855);
    CHECK_EQ_U64(r.text.len, strlen(r.text.ptr) - 2); /* without the CR (and the copy's LF) */
    vpcflow_format_free(f);
}

/* Seconds run to 10^11 (the year 5138), milliseconds above: 2038 and later are seconds. Counts
 * above 2^50 are malformed. Each line is tried as is (the default-format fast path) and with a
 * doubled space (the general parser). */
TEST(time_units_and_count_bounds)
{
    vpcflow_format *f = vpcflow_format_default();
    const struct {
        const char *packets, *bytes, *start, *end;
        int64_t want_start, want_end;
        const char *why; /* NULL: well formed */
    } cases[] = {
        {"1", "1", "2147483647", "2147483648", 2147483647, 2147483648, NULL},
        {"1", "1", "32503680000", "32503680060", 32503680000, 32503680060, NULL}, /* year 3000 */
        {"1", "1", "99999999999", "100000000000", 99999999999, 100000000000, NULL},
        {"1", "1", "100000000001", "1477913820000", 100000000, 1477913820, NULL}, /* milliseconds */
        {"1", "1", "100000000000000", "100000000000000", 100000000000, 100000000000, NULL},
        {"1", "1", "100000000000001", "1", 0, 0, "Unix time past the year 5138 (in seconds or milliseconds)"},
        {"1", "1", "1", "18446744073709551615", 0, 0, "Unix time past the year 5138 (in seconds or milliseconds)"},
        {"1125899906842624", "1125899906842624", "1", "2", 1, 2, NULL}, /* 2^50 */
        {"1", "1125899906842625", "1", "2", 0, 0, "bytes above 2^50 (1 PiB): more than one record can carry"},
        {"1", "18446744073709551615", "1", "2", 0, 0, "bytes above 2^50 (1 PiB): more than one record can carry"},
        {"1125899906842625", "1", "1", "2", 0, 0, "packets above 2^50: more than one record can carry"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int spaced = 0; spaced < 2; spaced++) {
            char line[256];
            snprintf(line, sizeof line, "2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 %s%s %s %s %s REJECT OK", cases[i].packets,
                     spaced ? " " : "", cases[i].bytes, cases[i].start, cases[i].end);
            vpcflow_record r;
            const char *why = NULL;
            int ok = parse_why(f, line, &r, &why);
            if (!cases[i].why) {
                CHECK(ok);
                if (ok) {
                    CHECK_EQ_I64(r.start, cases[i].want_start);
                    CHECK_EQ_I64(r.end, cases[i].want_end);
                }
            } else {
                CHECK(!ok);
                CHECK(why && strstr(why, cases[i].why));
            }
        }
    vpcflow_format_free(f);
}

TEST(custom_v3_to_v8_shuffled)
{
    vpcflow_format *f = fmt_of("${reject-reason} ${ecs-task-id} ${tgw-src-eni} ${packets-lost-blackhole} "
                               "${flow-direction} ${traffic-path} ${az-id} ${sublocation-type} ${pkt-dstaddr} "
                               "${tcp-flags} ${type} ${dstaddr} ${srcaddr} ${bytes} ${action} ${version} "
                               "${pkt-src-aws-service} ${region} ${instance-id}");
    vpcflow_record r;
    CHECK(parse(f,
                "BPA 9b1e5b2c eni-0aa 7 egress 8 use1-az4 - 52.216.1.10 19 IPv4 52.216.1.10 10.0.1.5 120455 REJECT 8 "
                "S3 us-east-1 i-0fedcba9876543210",
                &r));
    CHECK_EQ_U64(r.version, 8);
    CHECK_EQ_U64(r.flow_direction, VPCFLOW_DIR_EGRESS);
    CHECK_EQ_U64(r.traffic_path, 8);
    CHECK_EQ_U64(r.tcp_flags, 19);
    CHECK_EQ_U64(r.packets_lost[1], 7);
    CHECK_STR(addr_text(r.pkt_dstaddr), "52.216.1.10");
    CHECK_STR(addr_text(r.srcaddr), "10.0.1.5");
    CHECK_EQ_U64(r.bytes, 120455);
    CHECK_EQ_U64(r.action, VPCFLOW_ACTION_REJECT);
    CHECK(!(r.present & VPCFLOW_BIT(VPCFLOW_F_SUBLOCATION_TYPE)));
    static const struct {
        vpcflow_field field;
        const char *text;
    } texts[] = {
        {VPCFLOW_F_REJECT_REASON, "BPA"},
        {VPCFLOW_F_AZ_ID, "use1-az4"},
        {VPCFLOW_F_PKT_SRC_AWS_SERVICE, "S3"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        t_label("%s", vpcflow_field_name(texts[i].field));
        vpcflow_str s = vpcflow_record_text(&r, texts[i].field);
        CHECK_MEM(s.ptr, s.len, texts[i].text);
    }
    t_label(NULL);
    vpcflow_format_free(f);
}

TEST(malformed_lines)
{
    vpcflow_format *f = vpcflow_format_default();
    vpcflow_line_parser *lp = NULL;
    CHECK(vpcflow_line_parser_new(f, &lp, NULL) == VPCFLOW_OK);
    struct {
        const char *line, *message;
        unsigned col;
    } bad[] = {
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT", "expected 14 fields, found 13", 0},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK extra", "expected 14 fields, found 15", 0},
        {"2 1 eni-1 10.0.0.300 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK", "field 4 (srcaddr): not an IPv4 or IPv6 address", 4},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 65536 2 6 1 1 1 1 ACCEPT OK", "field 6 (srcport): number out of range", 6},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 256 1 1 1 1 ACCEPT OK", "field 8 (protocol): protocol is above 255", 8},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1x 1 1 1 ACCEPT OK", "field 9 (packets): not a whole number", 9},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 18446744073709551616 1 1 ACCEPT OK",
         "field 10 (bytes): not a whole number", 10},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 accept OK", "field 13 (action): action is not ACCEPT or REJECT",
         13},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT FINE",
         "field 14 (log-status): log-status is not OK, NODATA or SKIPDATA", 14},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 -1 1 ACCEPT OK", "field 11 (start): not a Unix time", 11},
        {"2 1 eni-1 10.0.0.1\x01 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK", "field 4 (srcaddr): control character in line", 4},
        {"2 1 eni\x01-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK", "field 3 (interface-id): control character in line",
         3},
        {"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1\nACCEPT OK", "line contains a line break", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t_label("malformed line %zu: %s", i, bad[i].message);
        vpcflow_record r;
        vpcflow_error err = {.file = "stale", .line = 99, .column = 99};
        CHECK(vpcflow_parse_line(lp, bad[i].line, strlen(bad[i].line), &r, &err) == VPCFLOW_ERR_INPUT);
        CHECK_STR(err.message, bad[i].message);
        CHECK_EQ_U64(err.column, bad[i].col);
        CHECK_STR(err.file, "");
        CHECK_EQ_U64(err.line, 0);
        /* a caller that wants only the status passes no error */
        CHECK(vpcflow_parse_line(lp, bad[i].line, strlen(bad[i].line), &r, NULL) == VPCFLOW_ERR_INPUT);
    }
    t_label(NULL);
    vpcflow_line_parser_free(lp);
    vpcflow_format_free(f);
}

/* Several threads parse at once, each with its own parser, lines of growing length so that
 * every parser's buffer grows several times; everything a parser holds is freed with it (the
 * unit program runs under valgrind --leak-check=full). */
enum { PARSE_THREADS = 8, PARSE_LINES = 200 };

typedef struct parse_job {
    const vpcflow_format *fmt;
    unsigned id;
    unsigned ok;    /* lines parsed with the values written */
    unsigned wrong; /* lines that failed or gave other values */
} parse_job;

static void *parse_many(void *arg)
{
    parse_job *job = arg;
    vpcflow_line_parser *lp = NULL;
    if (vpcflow_line_parser_new(job->fmt, &lp, NULL) != VPCFLOW_OK) {
        job->wrong = PARSE_LINES;
        return NULL;
    }
    char line[4096];
    for (unsigned i = 0; i < PARSE_LINES; i++) {
        /* the account id is padded with spaces, up to ~3 KB, to grow the parser's buffer */
        int n = snprintf(
            line, sizeof line, "2 %u%*s eni-%u 10.0.%u.%u 10.1.0.1 %u 443 6 %u %u 1418530010 1418530070 %s OK", job->id,
            (int)(i * 15), "", i, job->id, i % 256, 1024 + i, i + 1, (i + 1) * 100u, i % 2 ? "REJECT" : "ACCEPT");
        vpcflow_record r;
        vpcflow_str acct;
        if (vpcflow_parse_line(lp, line, (size_t)n, &r, NULL) == VPCFLOW_OK && r.srcport == 1024 + i &&
            r.packets == i + 1 && r.bytes == (i + 1) * 100u &&
            r.action == (i % 2 ? VPCFLOW_ACTION_REJECT : VPCFLOW_ACTION_ACCEPT) &&
            vpcflow_addr_v4(r.srcaddr) == (0x0a000000u | job->id << 8 | (i % 256)) &&
            (acct = vpcflow_record_text(&r, VPCFLOW_F_ACCOUNT_ID),
             acct.len == (size_t)snprintf(NULL, 0, "%u", job->id)) &&
            r.line.len == (size_t)n && memcmp(r.line.ptr, line, (size_t)n) == 0)
            job->ok++;
        else
            job->wrong++;
    }
    vpcflow_line_parser_free(lp);
    return NULL;
}

TEST(parse_line_from_threads)
{
    vpcflow_format *f = vpcflow_format_default();
    pthread_t th[PARSE_THREADS];
    parse_job jobs[PARSE_THREADS];
    for (unsigned t = 0; t < PARSE_THREADS; t++) {
        jobs[t] = (parse_job){.fmt = f, .id = t + 1};
        CHECK(pthread_create(&th[t], NULL, parse_many, &jobs[t]) == 0);
    }
    for (unsigned t = 0; t < PARSE_THREADS; t++) {
        pthread_join(th[t], NULL);
        t_label("thread %u", t + 1);
        CHECK_EQ_U64(jobs[t].ok, PARSE_LINES);
        CHECK_EQ_U64(jobs[t].wrong, 0);
    }
    t_label(NULL);
    vpcflow_format_free(f);
}

TEST(all_string_format_and_opaque_columns)
{
    vpcflow_format *f = fmt_of("interface-id vpc-id encryption-status");
    vpcflow_record r;
    CHECK(parse(f, "eni-1 vpc-2 0", &r));
    CHECK_MEM(r.cols[2].ptr, r.cols[2].len, "0");
    CHECK(r.present == (VPCFLOW_BIT(VPCFLOW_F_INTERFACE_ID) | VPCFLOW_BIT(VPCFLOW_F_VPC_ID)));
    vpcflow_format_free(f);
}

/* A record rendered in one output form, and the text it gives. */
typedef struct render_case {
    vpcflow_output kind;
    const char *want;
} render_case;

static void check_renders(const vpcflow_record *r, const vpcflow_columns *c, const render_case *rc, size_t n)
{
    static const char *const kinds[] = {"text", "csv", "json"};
    for (size_t i = 0; i < n; i++) {
        t_label("%s%s", kinds[rc[i].kind], c ? " with columns" : "");
        char buf[512];
        size_t len = vpcflow_record_render(r, rc[i].kind, c, buf, sizeof buf);
        CHECK_MEM(buf, len, rc[i].want);
    }
    t_label(NULL);
}

TEST(render_text_csv_json)
{
    vpcflow_format *f = fmt_of("version srcaddr dstaddr bytes action log-status vpc-id");
    vpcflow_record r;
    CHECK(parse(f, "3 2001:0db8::0001 10.0.0.2 0042 ACCEPT OK -", &r));
    static const render_case all[] = {
        {VPCFLOW_OUTPUT_TEXT, "3 2001:db8::1 10.0.0.2 42 ACCEPT OK -\n"},
        {VPCFLOW_OUTPUT_CSV, "3,2001:db8::1,10.0.0.2,42,ACCEPT,OK,\n"},
        {VPCFLOW_OUTPUT_JSON,
         "{\"version\":3,\"srcaddr\":\"2001:db8::1\",\"dstaddr\":\"10.0.0.2\",\"bytes\":42,\"action\":\"ACCEPT\","
         "\"log-status\":\"OK\",\"vpc-id\":null}\n"},
    };
    check_renders(&r, NULL, all, sizeof all / sizeof all[0]);
    vpcflow_columns *c = NULL;
    vpcflow_error err;
    CHECK(vpcflow_columns_parse("bytes,packets,srcaddr", 0, &c, &err) == VPCFLOW_OK);
    static const render_case some[] = {
        {VPCFLOW_OUTPUT_JSON, "{\"bytes\":42,\"packets\":null,\"srcaddr\":\"2001:db8::1\"}\n"},
    };
    check_renders(&r, c, some, sizeof some / sizeof some[0]);
    char buf[512];
    size_t n = vpcflow_columns_csv_header(c, buf, sizeof buf);
    CHECK_MEM(buf, n, "bytes,packets,srcaddr\n");
    CHECK_EQ_U64(vpcflow_record_render(&r, VPCFLOW_OUTPUT_CSV, c, buf, 3), 16); /* size needed */
    vpcflow_columns_free(c);
    CHECK(vpcflow_columns_parse("bytes,nosuch", 0, &c, &err) == VPCFLOW_ERR_INPUT);
    CHECK_STR(err.message, "unknown field 'nosuch' (see 'vpcflow help fields')");
    vpcflow_format_free(f);
}

TEST(csv_and_json_escaping)
{
    vpcflow_format *f = fmt_of("interface-id ecs-cluster-name");
    vpcflow_record r;
    CHECK(parse(f, "eni-1 a,\"b\\", &r));
    static const render_case cases[] = {
        {VPCFLOW_OUTPUT_CSV, "eni-1,\"a,\"\"b\\\"\n"},
        {VPCFLOW_OUTPUT_JSON, "{\"interface-id\":\"eni-1\",\"ecs-cluster-name\":\"a,\\\"b\\\\\"}\n"},
    };
    check_renders(&r, NULL, cases, sizeof cases / sizeof cases[0]);
    vpcflow_format_free(f);
}

/* The default format takes the fast path; VPCFLOW_GENERIC_PARSE turns it off (tests/cli/
 * parse_paths.sh compares the two), "0" leaves it on; other formats never take it. */
TEST(fast_path_switch)
{
    static const char *v2 = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
                            "start end action log-status";
    const char *cases[] = {NULL, "1", "0", ""};
    const int want[] = {1, 0, 1, 1};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i])
            setenv("VPCFLOW_GENERIC_PARSE", cases[i], 1);
        else
            unsetenv("VPCFLOW_GENERIC_PARSE");
        vpcflow_format *f = NULL;
        CHECK(vpcflow_format_parse(v2, strlen(v2), &f, NULL) == VPCFLOW_OK);
        CHECK_EQ_U64(f->is_default, 1);
        CHECK_EQ_U64(f->fast, want[i]);
        vpcflow_format_free(f);
    }
    unsetenv("VPCFLOW_GENERIC_PARSE");
    vpcflow_format *f = NULL;
    CHECK(vpcflow_format_parse("srcaddr bytes", 13, &f, NULL) == VPCFLOW_OK);
    CHECK_EQ_U64(f->fast, 0);
    vpcflow_format_free(f);
}

int main(int argc, char **argv)
{
    int rc = t_main(argc, argv);
    vpcflow_line_parser_free(last_parser);
    return rc;
}
