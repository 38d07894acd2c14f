/* fuzz.c — libFuzzer target for filter patterns: any bytes are compiled as a pattern; a pattern
 * that compiles is matched against fixed records of three formats. An error must carry a
 * column inside the pattern (or just past its end) and a message. */
#include "filter/filter.h"
#include "vpcflow.h"

#include <stdlib.h>
#include <string.h>

static const char *const spec[] = {
    NULL,
    "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport "
    "pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status region az-id "
    "flow-direction traffic-path pkt-src-aws-service pkt-dst-aws-service",
    "c1 c2 c3 c4",
};

static const struct {
    int fmt;
    const char *line;
} rows[] = {
    {0, "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 "
        "REJECT OK"},
    {0, "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA"},
    {0, "2 unknown eni-0a1b2c3d4e5f60718 2001:db8::1 10.0.1.5 123 123 17 2 1125899906842624 1501236002000 "
        "1501236062000 ACCEPT OK"},
    {1, "5 vpc-0a1b2c3d subnet-0bbb2222 i-0fedcba9876543210 eni-0f00000000000000b 123456789010 IPv4 172.31.29.150 "
        "52.216.1.10 40112 443 172.31.29.150 52.216.1.10 6 120455 310 1501234500 1501234560 ACCEPT 3 OK us-east-1 "
        "use1-az2 egress 8 - S3"},
    {2, "[ERROR 419] MISSING ARGUMENTS"},
};

static vpcflow_format *formats[3];
static vpcflow_line_parser *parsers[3];

static void init(void)
{
    if (formats[0])
        return;
    formats[0] = vpcflow_format_default();
    for (int i = 1; i < 3; i++)
        if (vpcflow_format_parse(spec[i], strlen(spec[i]), &formats[i], NULL) != VPCFLOW_OK)
            abort();
    for (int i = 0; i < 3; i++)
        if (vpcflow_line_parser_new(formats[i], &parsers[i], NULL) != VPCFLOW_OK)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    char *pattern = malloc(size + 1);
    if (!pattern)
        return 0;
    memcpy(pattern, data, size);
    pattern[size] = 0;
    size_t len = strlen(pattern);
    vpcflow_filter *f = NULL;
    vpcflow_error err;
    vpcflow_status st = vpcflow_filter_compile(pattern, &f, &err);
    if (st != VPCFLOW_OK) {
        if (f || st != VPCFLOW_ERR_INPUT || err.column < 1 || err.column > len + 1 || !err.message[0])
            abort();
        free(pattern);
        return 0;
    }
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        vpcflow_record rec;
        if (vpcflow_parse_line(parsers[rows[i].fmt], rows[i].line, strlen(rows[i].line), &rec, NULL) != VPCFLOW_OK)
            abort();
        int m = vpcflow_filter_match(f, &rec);
        if ((m != 0 && m != 1) || vpcflow_filter_match(f, &rec) != m)
            abort();
    }
    vpcflow_filter_free(f);
    free(pattern);
    return 0;
}
