/* parse.h — the in-place record parser used by the scanner (see parse.c for the contract). */
#ifndef VF_PARSE_H
#define VF_PARSE_H

#include "base/internal.h"

typedef struct vf_parse_result {
    const char *why; /* NULL when the record is well formed */
    unsigned column; /* 1-based field number that is wrong, or 0 */
    unsigned fields; /* with "wrong number of fields": how many the line has */
} vf_parse_result;

/* Parses the line at `line` (which ends with '\n' before `end`) into rec and cols; returns the
 * start of the next line. rec->text is set whether or not the line is well formed. */
const char *vf_parse_record(const vpcflow_format *fmt, const char *line, const char *end, vpcflow_record *rec,
                            vpcflow_str *cols, vf_parse_result *res);

/* Writes what is wrong with a line that res says is malformed into buf, as every report says
 * it ("expected 14 fields, found 13", "field 4 (srcaddr): not an IPv4 or IPv6 address");
 * returns buf. */
const char *vf_parse_describe(const vpcflow_format *fmt, const vf_parse_result *res, char *buf, size_t cap);
/* The most bytes or packets one record may count: 2^50 (1 PiB). A record covers a window of
 * about a minute; 2^50 bytes would take 100 Gbit/s more than 24 hours. Larger values are
 * malformed lines, so that no sum of real records can come near 2^64. */
#define VF_MAX_COUNT (UINT64_C(1) << 50)

/* Times as logs write them: seconds up to 10^11 (the year 5138), milliseconds above (10^11 ms is
 * only March 1973, so no time of this era is ambiguous), up to 10^14 ms. Returns 0 with the
 * seconds in *secs, or -1 for a value past the year 5138 in either unit. */
#define VF_TIME_MS_FROM UINT64_C(100000000000)
#define VF_TIME_MS_MAX UINT64_C(100000000000000)
static inline int vf_time_seconds(uint64_t v, int64_t *secs)
{
    if (v > VF_TIME_MS_FROM) {
        if (v > VF_TIME_MS_MAX)
            return -1;
        v /= 1000;
    }
    *secs = (int64_t)v;
    return 0;
}

/* A parsed record's value of an address field (srcaddr, dstaddr, pkt-srcaddr, pkt-dstaddr),
 * and of a number or time field (VPCFLOW_T_U32, _U64, _TIME). */
vpcflow_addr vf_record_addr(const vpcflow_record *rec, int f);
uint64_t vf_record_number(const vpcflow_record *rec, int f);

#endif
