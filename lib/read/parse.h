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

/* A parsed record's value of an address field (srcaddr, dstaddr, pkt-srcaddr, pkt-dstaddr),
 * and of a number or time field (VPCFLOW_T_U32, _U64, _TIME). */
vpcflow_addr vf_record_addr(const vpcflow_record *rec, int f);
uint64_t vf_record_number(const vpcflow_record *rec, int f);

#endif
