/* prescan.h — the fast first pass over a large plain file: line counts and header lines per
 * chunk, so that chunks can be parsed in parallel with the right format and line numbers. */
#ifndef VF_PRESCAN_H
#define VF_PRESCAN_H

#include "base/internal.h"

typedef struct vf_prescan {
    uint64_t lines;        /* '\n' in the chunk */
    size_t nheaders;       /* header lines that start inside the chunk */
    size_t *header_off;    /* their offsets from the chunk start (malloc'ed) */
    uint64_t *header_line; /* their line numbers counted from the chunk start (first line: 1) */
    size_t cap;
    int failed; /* out of memory */
} vf_prescan;

/* Scans [p, end). Lines start at p and after every '\n'; a line that begins with a lower-case
 * letter and whose first word is a field name is checked in full with vpcflow_line_is_header.
 * Reads at most up to end. */
void vf_prescan_run(const char *p, const char *end, vf_prescan *out);
void vf_prescan_free(vf_prescan *out);

#endif
