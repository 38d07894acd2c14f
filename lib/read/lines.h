/* lines.h — turns buffers of flow-log text into records: headers, CloudWatch export prefixes,
 * malformed-line accounting. Used by the batch scanner and by streaming readers alike. */
#ifndef VF_LINES_H
#define VF_LINES_H

#include "base/internal.h"

#include <pthread.h>

/* Formats met while reading (default, --format, and one per distinct header line). They live
 * until the registry is freed, so records may keep pointing at them. Thread-safe. */
typedef struct vf_formats vf_formats;
vf_formats *vf_formats_new(vpcflow_format *base); /* takes ownership of base */
void vf_formats_free(vf_formats *reg);
const vpcflow_format *vf_formats_base(const vf_formats *reg);
/* The format for a header line (cached); NULL with *why when the header is invalid.
 * *unknown_new is set to a newly seen unknown field name to warn about once, or NULL. */
const vpcflow_format *vf_formats_from_header(vf_formats *reg, const char *line, size_t len, const char **why,
                                             char *unknown_new, size_t unknown_cap);

/* One malformed line, kept for the report. */
/* The `why` of vf_formats_from_header when memory ran out (not the header's fault). */
#define VF_OUT_OF_MEMORY "out of memory"

typedef struct vf_bad_line {
    uint64_t seq; /* unit of work, for input order */
    uint64_t line;
    const char *input;
    char message[160];
    int out_of_memory; /* not the line's fault: memory ran out handling it, the run must fail */
} vf_bad_line;

typedef struct vf_lines vf_lines;

/* Callbacks of the line processor. */
typedef struct vf_lines_hooks {
    int (*record)(void *ctx, const vpcflow_record *rec); /* nonzero stops */
    /* a malformed line; return nonzero to stop (strict mode) */
    int (*bad)(void *ctx, const vf_bad_line *bad);
    void (*warn)(void *ctx, const char *input, uint64_t line, const char *message);
    void *ctx;
} vf_lines_hooks;

struct vf_lines {
    vf_formats *formats;
    vf_lines_hooks hooks;
    /* per input */
    const char *input;
    uint64_t seq;
    uint64_t line_no; /* number of the last line consumed */
    const vpcflow_format *fmt;
    int started;             /* first non-blank line seen */
    int cw_mode;             /* lines carry a CloudWatch export timestamp */
    int check_header_first;  /* fmt has only string columns: test for a header before parsing */
    const int64_t *event_ms; /* per-line event times (subscription payloads), or NULL */
    uint64_t event_base;     /* line number of event_ms[0] */
    /* results */
    vpcflow_scan_stats stats;
    int stopped;
    /* scratch */
    vpcflow_record rec;
    vpcflow_str cols[VPCFLOW_MAX_COLUMNS];
};

void vf_lines_init(vf_lines *L, vf_formats *formats, const vf_lines_hooks *hooks);
/* Starts a new input (or a chunk of one): first_line is the number of the first line the next
 * feed holds (0 for a Parquet file's synthesized header, so that line N is row N); fmt is the format in effect there
 * (NULL: detect from the first line). */
void vf_lines_begin(vf_lines *L, const char *input, uint64_t seq, uint64_t first_line, const vpcflow_format *fmt,
                    int cw_mode, int started);
/* Processes the complete lines in [p, end): the byte at end-1 is '\n' and at least
 * VF_PAD bytes after end are readable. Returns 0, or nonzero when a hook asked to stop. */
int vf_lines_feed(vf_lines *L, const char *p, const char *end);

/* Counts the next line as one malformed line that was too long to be read (longer than
 * max_line bytes), starting at byte `offset` of the input's text; the reader skips it to its
 * end. Returns nonzero when a hook asked to stop (strict). */
int vf_lines_skip_long(vf_lines *L, uint64_t offset, size_t max_line);

/* Readable (and initialised) bytes every buffer must have after its last line: parsers load 8
 * bytes at a time. */
#define VF_PAD 64

/* 1 when the line starts with an ISO-8601 timestamp such as 2017-07-28T10:00:01.000Z */
int vf_is_cw_timestamp(const char *p, size_t len, int64_t *ms);

/* Adds the counts of s to t (first start, last end: the earliest and latest). */
void vf_scan_stats_add(vpcflow_scan_stats *t, const vpcflow_scan_stats *s);

#endif
