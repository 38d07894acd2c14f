/* fuzz.c — libFuzzer target for the record parser, driven through the line processor so that
 * header switches, CloudWatch timestamps and blank lines are exercised too. The first byte
 * picks the starting format; the rest is the text of an input. */
#include "read/lines.h"
#include "vpcflow.h"

#include <stdlib.h>
#include <string.h>

static const char *const formats[] = {
    NULL, /* the default format */
    "${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${account-id} ${type} ${srcaddr} "
    "${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${start} "
    "${end} ${action} ${tcp-flags} ${log-status} ${region} ${az-id} ${flow-direction} ${traffic-path}",
    "${interface-id} ${vpc-id} ${mystery}",
    "${bytes} ${srcaddr}",
    "${packets-lost-no-route} ${tgw-src-eni} ${ecs-task-id} ${reject-reason} ${start}",
};

static int on_record(void *ctx, const vpcflow_record *rec)
{
    size_t *n = ctx;
    char buf[512];
    /* render every record: it walks every column and typed value */
    *n += vpcflow_record_render(rec, VPCFLOW_OUTPUT_JSON, NULL, buf, sizeof buf);
    return 0;
}

static int on_bad(void *ctx, const vf_bad_line *bad)
{
    (void)ctx;
    (void)bad;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *spec = formats[data[0] % (sizeof formats / sizeof formats[0])];
    vpcflow_format *fmt = spec ? NULL : vpcflow_format_default();
    if (spec && vpcflow_format_parse(spec, strlen(spec), &fmt, NULL) != VPCFLOW_OK)
        abort();
    vf_formats *reg = vf_formats_new(fmt);
    size_t n = size - 1;
    char *buf = malloc(n + 1 + VF_PAD);
    memcpy(buf, data + 1, n);
    if (n == 0 || buf[n - 1] != '\n')
        buf[n++] = '\n';
    memset(buf + n, 0, VF_PAD);
    size_t rendered = 0;
    vf_lines_hooks hooks = {on_record, on_bad, NULL, &rendered};
    vf_lines *L = malloc(sizeof *L);
    vf_lines_init(L, reg, &hooks);
    vf_lines_begin(L, "fuzz", 0, 1, NULL, 0, 0);
    vf_lines_feed(L, buf, buf + n);
    if (L->stats.records + L->stats.records_nodata + L->stats.records_skipdata + L->stats.records_malformed +
            L->stats.headers >
        L->stats.lines)
        abort(); /* every line is counted once */
    free(L);
    free(buf);
    vf_formats_free(reg);
    return 0;
}
