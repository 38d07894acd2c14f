/* vpcflow.h — the public API of libvpcflow: read, classify and cost AWS VPC Flow Logs.
 *
 * Conventions (stated once, they hold for every function below):
 *  - Every exported symbol starts with `vpcflow_`; every type with `vpcflow_`.
 *  - The library never prints and never exits. Functions return a vpcflow_status; when they
 *    take a `vpcflow_error *`, it is filled with the file, line, column and a message that a
 *    person can read. Passing NULL for it is allowed.
 *  - Ownership: whoever calls `*_new`/`*_open`/`*_parse` owns the handle and releases it with
 *    the matching `*_free`. Strings passed in are copied unless a comment says otherwise.
 *    Views (`vpcflow_str`, the fields of a `vpcflow_record`) point into buffers owned by the
 *    library and are valid only during the callback that received them.
 *  - Options structs start with their own size, so that the struct can grow without breaking
 *    callers built against an older header: always set `.size = sizeof(struct)`.
 */
#ifndef VPCFLOW_H
#define VPCFLOW_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define VPCFLOW_API __attribute__((visibility("default")))
#else
#define VPCFLOW_API
#endif

#define VPCFLOW_VERSION "0.1.0"

/* ---- status and errors ---------------------------------------------------------------- */

typedef enum vpcflow_status {
    VPCFLOW_OK = 0,
    VPCFLOW_ERR_IO = 1,     /* a runtime failure: cannot open, read, write; out of memory */
    VPCFLOW_ERR_INPUT = 2,  /* bad input: a malformed file, pattern, option value */
    VPCFLOW_ERR_STOPPED = 3 /* a callback asked to stop */
} vpcflow_status;

typedef struct vpcflow_error {
    char file[1024]; /* the input that is wrong, or "" */
    uint64_t line;   /* 1-based line in that input, or 0 */
    uint32_t column; /* 1-based column, or 0 */
    char message[512];
} vpcflow_error;

/* Writes "file:line:column: message" (parts that are unknown are left out) into buf. */
VPCFLOW_API void vpcflow_error_format(const vpcflow_error *err, char *buf, size_t cap);

VPCFLOW_API const char *vpcflow_version(void);

/* ---- flow-log fields ------------------------------------------------------------------ */

/* Every field AWS documents for flow-log versions 2 to 8, in the order of the AWS table.
 * The enum values are stable: new fields are appended. */
typedef enum vpcflow_field {
    /* version 2 (the default format, in its order) */
    VPCFLOW_F_VERSION,
    VPCFLOW_F_ACCOUNT_ID,
    VPCFLOW_F_INTERFACE_ID,
    VPCFLOW_F_SRCADDR,
    VPCFLOW_F_DSTADDR,
    VPCFLOW_F_SRCPORT,
    VPCFLOW_F_DSTPORT,
    VPCFLOW_F_PROTOCOL,
    VPCFLOW_F_PACKETS,
    VPCFLOW_F_BYTES,
    VPCFLOW_F_START,
    VPCFLOW_F_END,
    VPCFLOW_F_ACTION,
    VPCFLOW_F_LOG_STATUS,
    /* version 3 */
    VPCFLOW_F_VPC_ID,
    VPCFLOW_F_SUBNET_ID,
    VPCFLOW_F_INSTANCE_ID,
    VPCFLOW_F_TCP_FLAGS,
    VPCFLOW_F_TYPE,
    VPCFLOW_F_PKT_SRCADDR,
    VPCFLOW_F_PKT_DSTADDR,
    /* version 4 */
    VPCFLOW_F_REGION,
    VPCFLOW_F_AZ_ID,
    VPCFLOW_F_SUBLOCATION_TYPE,
    VPCFLOW_F_SUBLOCATION_ID,
    /* version 5 */
    VPCFLOW_F_PKT_SRC_AWS_SERVICE,
    VPCFLOW_F_PKT_DST_AWS_SERVICE,
    VPCFLOW_F_FLOW_DIRECTION,
    VPCFLOW_F_TRAFFIC_PATH,
    /* version 6: Transit Gateway */
    VPCFLOW_F_RESOURCE_TYPE,
    VPCFLOW_F_TGW_ID,
    VPCFLOW_F_TGW_ATTACHMENT_ID,
    VPCFLOW_F_TGW_SRC_VPC_ACCOUNT_ID,
    VPCFLOW_F_TGW_DST_VPC_ACCOUNT_ID,
    VPCFLOW_F_TGW_SRC_VPC_ID,
    VPCFLOW_F_TGW_DST_VPC_ID,
    VPCFLOW_F_TGW_SRC_SUBNET_ID,
    VPCFLOW_F_TGW_DST_SUBNET_ID,
    VPCFLOW_F_TGW_SRC_ENI,
    VPCFLOW_F_TGW_DST_ENI,
    VPCFLOW_F_TGW_SRC_AZ_ID,
    VPCFLOW_F_TGW_DST_AZ_ID,
    VPCFLOW_F_TGW_PAIR_ATTACHMENT_ID,
    VPCFLOW_F_PACKETS_LOST_NO_ROUTE,
    VPCFLOW_F_PACKETS_LOST_BLACKHOLE,
    VPCFLOW_F_PACKETS_LOST_MTU_EXCEEDED,
    VPCFLOW_F_PACKETS_LOST_TTL_EXPIRED,
    /* version 7: ECS */
    VPCFLOW_F_ECS_CLUSTER_ARN,
    VPCFLOW_F_ECS_CLUSTER_NAME,
    VPCFLOW_F_ECS_CONTAINER_INSTANCE_ARN,
    VPCFLOW_F_ECS_CONTAINER_INSTANCE_ID,
    VPCFLOW_F_ECS_CONTAINER_ID,
    VPCFLOW_F_ECS_SECOND_CONTAINER_ID,
    VPCFLOW_F_ECS_SERVICE_NAME,
    VPCFLOW_F_ECS_TASK_DEFINITION_ARN,
    VPCFLOW_F_ECS_TASK_ARN,
    VPCFLOW_F_ECS_TASK_ID,
    /* version 8 */
    VPCFLOW_F_REJECT_REASON,
    VPCFLOW_F_COUNT
} vpcflow_field;

#define VPCFLOW_BIT(f) (UINT64_C(1) << (f))

/* How a field's value is stored in a vpcflow_record. */
typedef enum vpcflow_field_type {
    VPCFLOW_T_STRING, /* only the text view in cols[] */
    VPCFLOW_T_U32,    /* version, ports, protocol, tcp-flags, traffic-path */
    VPCFLOW_T_U64,    /* packets, bytes, packets-lost-* */
    VPCFLOW_T_TIME,   /* start, end: Unix seconds; milliseconds are normalised */
    VPCFLOW_T_ADDR,   /* srcaddr, dstaddr, pkt-srcaddr, pkt-dstaddr */
    VPCFLOW_T_ENUM    /* action, log-status, flow-direction */
} vpcflow_field_type;

VPCFLOW_API const char *vpcflow_field_name(vpcflow_field f); /* "srcaddr"; NULL if out of range */
VPCFLOW_API vpcflow_field_type vpcflow_field_type_of(vpcflow_field f);
VPCFLOW_API int vpcflow_field_version(vpcflow_field f); /* the flow-log version that added it */
/* Field id of an AWS field name ("pkt-srcaddr"), or -1. Underscores are accepted for hyphens
 * (Parquet and Athena spell them so). */
VPCFLOW_API int vpcflow_field_lookup(const char *name, size_t len);
/* The field a misspelt name most likely means ("dstprot", "src-addr", "Bytes"): the known
 * field at the smallest edit distance (a swap of neighbours counts one), at most 2 edits away
 * (1 for names of up to 3 bytes), the first in field order on a tie; -1 when none is. */
VPCFLOW_API int vpcflow_field_nearest(const char *name, size_t len);

enum { VPCFLOW_ACTION_ACCEPT = 1, VPCFLOW_ACTION_REJECT = 2 };
enum { VPCFLOW_STATUS_OK = 1, VPCFLOW_STATUS_NODATA = 2, VPCFLOW_STATUS_SKIPDATA = 3 };
enum { VPCFLOW_DIR_INGRESS = 1, VPCFLOW_DIR_EGRESS = 2 };

/* ---- addresses ------------------------------------------------------------------------ */

/* An IPv4 or IPv6 address as 128 bits, big-endian halves; IPv4 is stored IPv4-mapped
 * (::ffff:a.b.c.d), so equality and hashing need no family test. */
typedef struct vpcflow_addr {
    uint64_t hi, lo;
} vpcflow_addr;

static inline int vpcflow_addr_is_v4(vpcflow_addr a)
{
    return a.hi == 0 && (a.lo >> 32) == 0xffffu;
}
static inline uint32_t vpcflow_addr_v4(vpcflow_addr a)
{
    return (uint32_t)a.lo;
}
static inline vpcflow_addr vpcflow_addr_from_v4(uint32_t v4)
{
    vpcflow_addr a = {0, (UINT64_C(0xffff) << 32) | v4};
    return a;
}
static inline int vpcflow_addr_eq(vpcflow_addr a, vpcflow_addr b)
{
    return a.hi == b.hi && a.lo == b.lo;
}

/* Parses a dotted IPv4 or an RFC 4291 IPv6 text. Returns 0 on success, -1 otherwise. */
VPCFLOW_API int vpcflow_addr_parse(const char *s, size_t len, vpcflow_addr *out);
/* Formats into buf (at least 46 bytes); returns the length written. */
VPCFLOW_API size_t vpcflow_addr_format(vpcflow_addr a, char *buf, size_t cap);
/* Parses "a.b.c.d/n" or "v6::/n" (a bare address is a /32 or /128). Prefix length is
 * returned in IPv6 terms (an IPv4 /8 is 104). */
VPCFLOW_API int vpcflow_cidr_parse(const char *s, size_t len, vpcflow_addr *net, unsigned *plen);
VPCFLOW_API int vpcflow_cidr_contains(vpcflow_addr net, unsigned plen, vpcflow_addr a);

/* ---- formats -------------------------------------------------------------------------- */

/* A record format: the ordered list of columns. Columns with names vpcflow does not know are
 * kept as opaque string columns. */
typedef struct vpcflow_format vpcflow_format;

/* Parses AWS's own format syntax ("${version} ${srcaddr} ...") or a plain list of names
 * separated by spaces (the header line of S3 files). */
VPCFLOW_API vpcflow_status vpcflow_format_parse(const char *spec, size_t len, vpcflow_format **out, vpcflow_error *err);
/* The default (version 2) format. */
VPCFLOW_API vpcflow_format *vpcflow_format_default(void);
VPCFLOW_API void vpcflow_format_free(vpcflow_format *fmt);
VPCFLOW_API size_t vpcflow_format_columns(const vpcflow_format *fmt);
/* The field id of column i, or -1 for an opaque column. */
VPCFLOW_API int vpcflow_format_column_field(const vpcflow_format *fmt, size_t i);
VPCFLOW_API const char *vpcflow_format_column_name(const vpcflow_format *fmt, size_t i);
/* The column that holds field f, or -1 when the format lacks it. */
VPCFLOW_API int vpcflow_format_column_of(const vpcflow_format *fmt, vpcflow_field f);
/* Bitmask (VPCFLOW_BIT) of the known fields the format holds. */
VPCFLOW_API uint64_t vpcflow_format_fields(const vpcflow_format *fmt);
/* Writes the format in AWS syntax ("${a} ${b}") into buf; returns the length needed. */
VPCFLOW_API size_t vpcflow_format_to_string(const vpcflow_format *fmt, char *buf, size_t cap);

/* ---- records -------------------------------------------------------------------------- */

typedef struct vpcflow_str {
    const char *ptr;
    size_t len;
} vpcflow_str;

#define VPCFLOW_MAX_COLUMNS 128

/* One parsed flow-log record. Typed members hold a value only when the field's bit is set in
 * `present` (a field absent from the format, or written as "-", has its bit clear). The text
 * of every column, known or opaque, is in cols[] in format order ("-" included). */
typedef struct vpcflow_record {
    uint64_t present;
    vpcflow_addr srcaddr, dstaddr, pkt_srcaddr, pkt_dstaddr;
    uint64_t packets, bytes;
    int64_t start, end;
    uint64_t packets_lost[4]; /* no-route, blackhole, mtu-exceeded, ttl-expired */
    uint32_t version, srcport, dstport, protocol, tcp_flags, traffic_path;
    uint8_t action, log_status, flow_direction;
    const vpcflow_format *format;
    const vpcflow_str *cols; /* vpcflow_format_columns(format) entries */
    vpcflow_str line;        /* the whole input line, without its line end */
    vpcflow_str text;        /* the record's own text: line minus a CloudWatch timestamp */
    const char *input;       /* name of the input ("-" for stdin) */
    uint64_t line_no;        /* 1-based line (or event number in a subscription payload) */
    int64_t event_ms;        /* CloudWatch event timestamp in ms, or 0 */
    uint64_t seq;            /* unit of work it came from; units are numbered in input order */
} vpcflow_record;

/* The text of field f in rec, or {NULL, 0} when the format lacks it. */
VPCFLOW_API vpcflow_str vpcflow_record_text(const vpcflow_record *rec, vpcflow_field f);

/* A parser of single lines in one format, for callers that hold lines rather than inputs
 * (vpcflow_scan reads inputs). It owns the storage that a parsed record's views (cols, line,
 * text) point into: they stay valid until the parser's next vpcflow_parse_line or
 * vpcflow_line_parser_free. One thread at a time uses a parser: make one per thread. fmt must
 * outlive the parser. */
typedef struct vpcflow_line_parser vpcflow_line_parser;
VPCFLOW_API vpcflow_status vpcflow_line_parser_new(const vpcflow_format *fmt, vpcflow_line_parser **out,
                                                   vpcflow_error *err);
VPCFLOW_API void vpcflow_line_parser_free(vpcflow_line_parser *lp);

/* Parses one line (without its line end) into rec. A malformed line gives VPCFLOW_ERR_INPUT
 * with err->message saying what is wrong ("field 4 (srcaddr): not an IPv4 or IPv6 address",
 * "expected 14 fields, found 13") and err->column the 1-based column (field number) that is
 * wrong, or 0 when no one column is; err->file is "" and err->line 0 (the caller knows them).
 * Out of memory gives VPCFLOW_ERR_IO. */
VPCFLOW_API vpcflow_status vpcflow_parse_line(vpcflow_line_parser *lp, const char *line, size_t len,
                                              vpcflow_record *rec, vpcflow_error *err);

/* Returns 1 when the line is a header line: a list of field names, the first of them a known
 * field name that starts in the line's first column. */
VPCFLOW_API int vpcflow_line_is_header(const char *line, size_t len);

/* ---- filter patterns (docs/filter.md) ------------------------------------------------ */

/* A compiled CloudWatch Logs filter pattern. Three forms, told apart by how it starts:
 *   terms            REJECT "172.31.9.69" -ACCEPT ?A ?B %regex%   substrings of the record text
 *   space-delimited  [v, acct, eni, src, dst, sp, dp=22, ...]     positional, CloudWatch's []
 *   named            action=REJECT dstport=22,3389 srcaddr=10.0.0.0/8   vpcflow's typed form */
typedef struct vpcflow_filter vpcflow_filter;

typedef enum vpcflow_filter_form {
    VPCFLOW_FILTER_TERMS,
    VPCFLOW_FILTER_FIELDS,
    VPCFLOW_FILTER_NAMED
} vpcflow_filter_form;

#define VPCFLOW_FILTER_MAX_PATTERN 65536

/* Compiles a NUL-terminated pattern. A bad pattern gives VPCFLOW_ERR_INPUT with err->file
 * "pattern", err->line 1 and err->column the 1-based byte column of the mistake. */
VPCFLOW_API vpcflow_status vpcflow_filter_compile(const char *pattern, vpcflow_filter **out, vpcflow_error *err);
/* 1 when rec matches, 0 when not. Thread-safe; allocates nothing. */
VPCFLOW_API int vpcflow_filter_match(const vpcflow_filter *f, const vpcflow_record *rec);
VPCFLOW_API vpcflow_filter_form vpcflow_filter_form_of(const vpcflow_filter *f);
VPCFLOW_API void vpcflow_filter_free(vpcflow_filter *f);

/* ---- traffic classes (docs/model.md) ------------------------------------------------- */

typedef enum vpcflow_class {
    VPCFLOW_CLASS_SAME_AZ,
    VPCFLOW_CLASS_CROSS_AZ,
    VPCFLOW_CLASS_INTER_REGION,
    VPCFLOW_CLASS_AWS_SAME_REGION,
    VPCFLOW_CLASS_INTERNET_OUT,
    VPCFLOW_CLASS_INTERNET_IN,
    VPCFLOW_CLASS_INTERNAL_UNKNOWN,
    VPCFLOW_CLASS_UNKNOWN,
    VPCFLOW_CLASS_COUNT
} vpcflow_class;

/* "same-az", "cross-az", ... ; NULL out of range. */
VPCFLOW_API const char *vpcflow_class_name(vpcflow_class c);
/* The class of a name, or -1. */
VPCFLOW_API int vpcflow_class_lookup(const char *name, size_t len);

/* ---- scanning inputs ------------------------------------------------------------------ */

/* A diagnostic the scan reports through options.diag: malformed lines (the first
 * `report_limit` of them in input order), warnings such as an unknown field name or a file
 * named twice, and (without strict) each input that could not be read, or not wholly: its
 * message says what is wrong and how much of it was read and counted. */
enum { VPCFLOW_DIAG_MALFORMED = 0, VPCFLOW_DIAG_WARNING = 1, VPCFLOW_DIAG_INPUT_FAILED = 2 };
typedef struct vpcflow_diag {
    int is_warning; /* VPCFLOW_DIAG_MALFORMED (0), _WARNING (1) or _INPUT_FAILED (2) */
    const char *input;
    uint64_t line;
    const char *message;
} vpcflow_diag;

typedef struct vpcflow_scan_options {
    size_t size;           /* sizeof(vpcflow_scan_options) */
    const char *format;    /* format for inputs without a header line; NULL: the default format */
    unsigned threads;      /* worker threads; 0: one per online CPU */
    int strict;            /* the first malformed line, or the first input that cannot be read (wholly),
                              ends the scan with an error; without it the scan reads every input it
                              can and counts the others in stats.inputs_failed */
    unsigned report_limit; /* malformed lines passed to diag; 0 means 10 */
    size_t chunk_bytes;    /* work unit for large plain files; 0: 4 MiB */
    void (*diag)(void *ctx, const vpcflow_diag *d);
    /* Called from time to time with the bytes of input consumed and the total known. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *ctx;
    /* The known fields the sink needs (VPCFLOW_BIT mask; 0: all). Parquet inputs then read only
     * those columns (the others, opaque ones included, are absent from their records); text
     * inputs are read whole. Read only when `size` covers it. */
    uint64_t fields;
} vpcflow_scan_options;

/* Where the records go. Every record is delivered to exactly one worker; each worker has its
 * own state, so record() needs no locks. close() is called once per worker, one at a time, so
 * it can merge into shared results. chunk_end(), if set, is called after each unit of work
 * with its sequence number: units are numbered in input order (see vpcflow_ordered_*). */
typedef struct vpcflow_sink {
    void *(*open)(void *ctx, unsigned worker);
    int (*record)(void *state, const vpcflow_record *rec); /* nonzero stops the scan */
    int (*chunk_end)(void *state, uint64_t seq, int last_of_input);
    int (*close)(void *ctx, void *state);
    void *ctx;
    /* Called, if set, before the first record of each unit of work with its sequence number. */
    void (*chunk_begin)(void *state, uint64_t seq);
} vpcflow_sink;

typedef struct vpcflow_scan_stats {
    uint64_t inputs;           /* files and streams read */
    uint64_t bytes_in;         /* bytes read from disk or stdin (compressed size) */
    uint64_t bytes_text;       /* bytes of text parsed (uncompressed) */
    uint64_t lines;            /* lines seen, headers and blank lines included */
    uint64_t headers;          /* header lines */
    uint64_t records;          /* well-formed records with log-status OK (or no log-status) */
    uint64_t records_nodata;   /* NODATA records */
    uint64_t records_skipdata; /* SKIPDATA records */
    uint64_t records_malformed;
    uint64_t packets, bytes;       /* sums over `records` */
    int64_t first_start, last_end; /* over `records`; 0 when none */
    uint64_t inputs_failed;        /* inputs not read, or not wholly (a partial result; see diag) */
} vpcflow_scan_stats;

/* Reads every path (a file, a directory walked recursively in sorted order, or "-" for stdin),
 * plain or gzip, S3 header files, Parquet files (each row a line: line N is row N),
 * CloudWatch Logs exports and subscription payloads, and hands each well-formed record (NODATA
 * and SKIPDATA included) to the sink. Malformed lines are counted and reported through
 * options->diag; they stop the scan only in strict mode. An input that cannot be read
 * (missing, truncated or corrupt gzip or Parquet, a bad payload, changed while read)
 * does not stop the others without strict: what was read of it counts, it is reported through
 * diag and counted in stats->inputs_failed, and the scan returns VPCFLOW_OK (a partial result),
 * unless every input failed and no line was read (then the first failure is the error). */
VPCFLOW_API vpcflow_status vpcflow_scan(const char *const *paths, size_t npaths, const vpcflow_scan_options *options,
                                        const vpcflow_sink *sink, vpcflow_scan_stats *stats, vpcflow_error *err);

/* ---- analysis: topology, prices, classification (docs/model.md) ---------------------- */

/* Inputs and choices shared by summary, top and timeline. Arrays of paths may be empty. */
typedef struct vpcflow_analysis_options {
    size_t size;                /* sizeof(vpcflow_analysis_options) */
    vpcflow_scan_options scan;  /* how inputs are read (its own size must be set too) */
    const char *const *subnets; /* `aws ec2 describe-subnets` JSON files */
    size_t nsubnets;
    const char *const *enis; /* `aws ec2 describe-network-interfaces` JSON files */
    size_t nenis;
    const char *const *ip_ranges; /* AWS ip-ranges.json */
    size_t nip_ranges;
    const char *const *topology; /* vpcflow topology files (docs/topology.md) */
    size_t ntopology;
    const char *prices;   /* price file (docs/prices.md), NULL: built-in us-east-1 */
    const char *region;   /* home region, NULL: from the subnets or the prices */
    int free_tier;        /* subtract the monthly internet-out free allowance */
    int action;           /* 0: all; VPCFLOW_ACTION_ACCEPT or _REJECT: only those */
    int64_t since, until; /* keep records overlapping [since, until); 0: no bound */
    size_t memory_limit;  /* bytes for the run: thread buffers and group tables; 0: 512 MiB */
    int no_dedup;         /* count every record as logged (what SQL's GROUP BY gives) */
    /* Ownership history (docs/ownership.md): CloudTrail log files or trees, `aws cloudtrail
     * lookup-events` output, AWS Config configuration history. Each address then has the owner
     * it had at the record's time; --enis stands in where the history says nothing. */
    const char *const *history;
    size_t nhistory;
} vpcflow_analysis_options;

/* `summary`: where the bill comes from. */
typedef struct vpcflow_summary vpcflow_summary;
VPCFLOW_API vpcflow_status vpcflow_summary_run(const char *const *paths, size_t npaths,
                                               const vpcflow_analysis_options *options, vpcflow_summary **out,
                                               vpcflow_error *err);
VPCFLOW_API void vpcflow_summary_free(vpcflow_summary *s);

typedef struct vpcflow_class_total {
    uint64_t bytes, packets, flows;
    uint64_t cost_micro_usd; /* rounded half up */
} vpcflow_class_total;
VPCFLOW_API void vpcflow_summary_class(const vpcflow_summary *s, vpcflow_class c, vpcflow_class_total *out);
VPCFLOW_API const vpcflow_scan_stats *vpcflow_summary_stats(const vpcflow_summary *s);
VPCFLOW_API uint64_t vpcflow_summary_bytes_unique(const vpcflow_summary *s);
VPCFLOW_API uint64_t vpcflow_summary_cost_micro_usd(const vpcflow_summary *s);

/* ---- ownership history: who held an address when (docs/ownership.md) ------------------ */

typedef struct vpcflow_owner_span {
    int64_t from, to;   /* seconds since the epoch, [from, to); INT64_MIN / INT64_MAX: open */
    const char *eni;    /* "eni-…" */
    const char *label;  /* the owner as reports name it: "ec2 i-…", "nat-gateway nat-…" */
    const char *az;     /* AZ name, "" when unknown */
    const char *subnet; /* "" when unknown */
    const char *source; /* "history" (--history) or "snapshot" (--enis / --topology) */
} vpcflow_owner_span;

typedef struct vpcflow_owners vpcflow_owners;
/* The ownership timeline of one address from the topology and history inputs of options
 * (its scan part is not used): the history's spans in time order, then the snapshot's owner
 * where the history does not cover it. An address nobody held gives zero spans. */
VPCFLOW_API vpcflow_status vpcflow_owners_run(const char *address, const vpcflow_analysis_options *options,
                                              vpcflow_owners **out, vpcflow_error *err);
VPCFLOW_API size_t vpcflow_owners_count(const vpcflow_owners *o);
VPCFLOW_API const vpcflow_owner_span *vpcflow_owners_span(const vpcflow_owners *o, size_t i);
/* What the history inputs said worth knowing (events ignored, releases assumed), one per line. */
VPCFLOW_API const char *vpcflow_owners_notes(const vpcflow_owners *o);
VPCFLOW_API void vpcflow_owners_free(vpcflow_owners *o);

/* ---- output kinds --------------------------------------------------------------------- */

/* The one list of output kinds, for every writer (records, summary, rows, alerts). A writer
 * given a kind it does not have writes its default: text for records, a table for the summary
 * and rows, JSON lines for alerts. JSON strings are always valid UTF-8 (bytes that are not
 * become U+FFFD); text, CSV and tables copy the bytes of the logs as they are. */
typedef enum vpcflow_output {
    VPCFLOW_OUTPUT_TEXT, /* records: space separated, "-" for no value: the AWS layout */
    VPCFLOW_OUTPUT_CSV,  /* RFC 4180, empty for no value */
    VPCFLOW_OUTPUT_JSON, /* records and alerts: one object per line; summary and rows: one object */
    VPCFLOW_OUTPUT_TABLE /* aligned columns with human units, for people */
} vpcflow_output;

/* Older names of the output kind of rows and of alerts (source compatible). */
typedef vpcflow_output vpcflow_rows_format;
#define VPCFLOW_ROWS_TABLE VPCFLOW_OUTPUT_TABLE
#define VPCFLOW_ROWS_CSV VPCFLOW_OUTPUT_CSV
#define VPCFLOW_ROWS_JSON VPCFLOW_OUTPUT_JSON
typedef vpcflow_output vpcflow_alerts_output;
#define VPCFLOW_ALERTS_JSON VPCFLOW_OUTPUT_JSON
#define VPCFLOW_ALERTS_TABLE VPCFLOW_OUTPUT_TABLE

#if defined(__GNUC__)
#define VPCFLOW_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#define VPCFLOW_DEPRECATED(msg)
#endif

/* What the user's bill says, to reconcile with (0: not given). */
typedef struct vpcflow_bill {
    double gb;  /* data-transfer GB on the bill */
    double usd; /* data-transfer dollars on the bill */
} vpcflow_bill;
/* The summary as the JSON object of docs/model.md §5 (plus more keys) (VPCFLOW_OUTPUT_JSON),
 * or as tables for people (VPCFLOW_OUTPUT_TABLE). bill may be NULL. Returns 0, or -1 on a
 * write error. */
VPCFLOW_API int vpcflow_summary_write(const vpcflow_summary *s, const vpcflow_bill *bill, vpcflow_output kind,
                                      FILE *out);
/* Older names: vpcflow_summary_write with VPCFLOW_OUTPUT_JSON, VPCFLOW_OUTPUT_TABLE. */
VPCFLOW_API int vpcflow_summary_write_json(const vpcflow_summary *s, const vpcflow_bill *bill, FILE *out)
    VPCFLOW_DEPRECATED("use vpcflow_summary_write(s, bill, VPCFLOW_OUTPUT_JSON, out)");
VPCFLOW_API int vpcflow_summary_write_table(const vpcflow_summary *s, const vpcflow_bill *bill, FILE *out)
    VPCFLOW_DEPRECATED("use vpcflow_summary_write(s, bill, VPCFLOW_OUTPUT_TABLE, out)");

/* `advise`: changes to the network ranked by the dollars they save (docs/advise.md). */
typedef struct vpcflow_advise_options {
    size_t size;                       /* sizeof(vpcflow_advise_options) */
    vpcflow_analysis_options analysis; /* inputs, topology, prices, filters: as for summary */
    uint64_t egress_gb_month;   /* inter-region and internet egress below this many GB a 30-day month get no action */
    uint64_t min_net_micro_usd; /* actions saving less than this net a month are not proposed */
} vpcflow_advise_options;
typedef struct vpcflow_advice vpcflow_advice;
VPCFLOW_API vpcflow_status vpcflow_advise_run(const char *const *paths, size_t npaths,
                                              const vpcflow_advise_options *options, vpcflow_advice **out,
                                              vpcflow_error *err);
VPCFLOW_API void vpcflow_advice_free(vpcflow_advice *a);
VPCFLOW_API const vpcflow_scan_stats *vpcflow_advice_stats(const vpcflow_advice *a);
/* The number of actions proposed (net monthly saving above zero). */
VPCFLOW_API size_t vpcflow_advice_count(const vpcflow_advice *a);
/* The actions as a table for people (VPCFLOW_OUTPUT_TABLE) or one JSON object
 * (VPCFLOW_OUTPUT_JSON). Returns 0, or -1 on a write error. */
VPCFLOW_API int vpcflow_advice_write(const vpcflow_advice *a, vpcflow_output kind, FILE *out);

/* `top` and `timeline`: traffic grouped by any key. */
typedef struct vpcflow_query_options {
    size_t size;                       /* sizeof(vpcflow_query_options) */
    vpcflow_analysis_options analysis; /* inputs, topology, prices, filters */
    const char *by;                    /* keys, comma separated: "dstaddr", "srcaddr,dstport", "class" … */
    const char *metric;                /* "bytes" (default), "packets", "flows", "cost" */
    size_t limit;                      /* top: rows to keep, 0 for all */
    const char *classes;               /* "cross-az,internet-out": only these classes; NULL: all */
    const char *where;                 /* a filter pattern (docs/filter.md); NULL: every record */
    int64_t every;                     /* timeline: bucket length in seconds (default 3600) */
} vpcflow_query_options;

typedef struct vpcflow_rows vpcflow_rows;
VPCFLOW_API vpcflow_status vpcflow_top_run(const char *const *paths, size_t npaths,
                                           const vpcflow_query_options *options, vpcflow_rows **out,
                                           vpcflow_error *err);
VPCFLOW_API vpcflow_status vpcflow_timeline_run(const char *const *paths, size_t npaths,
                                                const vpcflow_query_options *options, vpcflow_rows **out,
                                                vpcflow_error *err);
VPCFLOW_API void vpcflow_rows_free(vpcflow_rows *r);
VPCFLOW_API size_t vpcflow_rows_count(const vpcflow_rows *r);
/* Text of key k of row i (addresses, names, numbers as text). */
VPCFLOW_API const char *vpcflow_rows_key(const vpcflow_rows *r, size_t i, size_t k);
VPCFLOW_API void vpcflow_rows_metrics(const vpcflow_rows *r, size_t i, vpcflow_class_total *out);
/* 1 when group tables reached the memory limit: figures are heavy-hitter estimates that
 * exceed the truth by at most *error_bound (in the metric's unit). */
VPCFLOW_API int vpcflow_rows_approximate(const vpcflow_rows *r, uint64_t *error_bound);
VPCFLOW_API const vpcflow_scan_stats *vpcflow_rows_stats(const vpcflow_rows *r);
/* VPCFLOW_OUTPUT_TABLE, _CSV (raw integers) or _JSON (one object). */
VPCFLOW_API int vpcflow_rows_write(const vpcflow_rows *r, vpcflow_output kind, FILE *out);

/* ---- security alerts (docs/alerts.md) ---------------------------------------------- */

/* A set of alert rules: the four built-ins (internal-reject, port-scan,
 * sensitive-port-accepted, egress-spike) with their settings, and user rules. */
typedef struct vpcflow_alert_rules vpcflow_alert_rules;

/* The built-in rules with their default settings (path NULL), or those settings overridden by
 * a rules file (JSON, docs/alerts.md). A bad file gives VPCFLOW_ERR_INPUT with err->file the
 * path and a message naming the setting that is wrong. */
VPCFLOW_API vpcflow_status vpcflow_alert_rules_load(const char *path, vpcflow_alert_rules **out, vpcflow_error *err);
/* The same from text in memory; name is what errors call it. */
VPCFLOW_API vpcflow_status vpcflow_alert_rules_parse(const char *text, size_t len, const char *name,
                                                     vpcflow_alert_rules **out, vpcflow_error *err);
VPCFLOW_API void vpcflow_alert_rules_free(vpcflow_alert_rules *r);
/* Enables only the rules named in a comma-separated list; an unknown name is an error. */
VPCFLOW_API vpcflow_status vpcflow_alert_rules_select(vpcflow_alert_rules *r, const char *names, vpcflow_error *err);
VPCFLOW_API size_t vpcflow_alert_rules_count(const vpcflow_alert_rules *r);
VPCFLOW_API const char *vpcflow_alert_rules_name(const vpcflow_alert_rules *r, size_t i);
VPCFLOW_API int vpcflow_alert_rules_enabled(const vpcflow_alert_rules *r, size_t i);
/* The effective rules as a rules file (every setting, durations in seconds). */
VPCFLOW_API int vpcflow_alert_rules_write(const vpcflow_alert_rules *r, FILE *out);

/* alerts */

enum {
    VPCFLOW_ALERT_HAS_PORTS = 1,   /* ports and hosts are meaningful (port-scan, internal-reject) */
    VPCFLOW_ALERT_HAS_BASELINE = 2 /* baseline_bytes is meaningful (egress-spike) */
};

/* One alert. Strings belong to whoever handed the alert over (a callback's alert lives until
 * the callback returns; a batch result's until vpcflow_alerts_free). */
typedef struct vpcflow_alert {
    const char *rule;                 /* "port-scan", or a user rule's name */
    const char *severity;             /* "low", "medium", "high" */
    const char *key_json;             /* the key as a JSON object: {"srcaddr":"10.0.1.5","owner":"ec2 i-…"} */
    const char *key_text;             /* the key for people: "10.0.1.5", "91.2.3.4 → 10.0.1.5:22" */
    const char *owner;                /* owner label of the key's address, "" when the key has none */
    int64_t first_seen, last_seen;    /* Unix seconds: earliest start, latest end of the records */
    int64_t window_start, window_end; /* the event-time window the counts are over */
    uint64_t records, bytes;
    uint64_t ports, hosts;   /* distinct destination ports and addresses (HAS_PORTS) */
    uint64_t baseline_bytes; /* average bytes per window of the key elsewhere (HAS_BASELINE) */
    unsigned flags;
    size_t nexamples;
    const char *const *examples; /* original record lines */
} vpcflow_alert;

/* One alert as a JSON line (ending in '\n'). Returns 0, or -1 on a write error. */
VPCFLOW_API int vpcflow_alert_write_json(const vpcflow_alert *a, FILE *out);
/* One alert as a table row of fixed column widths, for streams; the header line first. */
VPCFLOW_API int vpcflow_alert_write_header(FILE *out);
VPCFLOW_API int vpcflow_alert_write_row(const vpcflow_alert *a, FILE *out);

/* batch */

/* The alerts of a batch, sorted by first_seen, rule, key: the same whatever the thread count. */
typedef struct vpcflow_alerts vpcflow_alerts;

/* Reads every path in parallel (as vpcflow_scan does), applies the enabled rules (NULL: the
 * built-in defaults) and returns the alerts. Uses the topology, --since/--until and --action
 * of options (prices unused). */
VPCFLOW_API vpcflow_status vpcflow_alerts_run(const char *const *paths, size_t npaths,
                                              const vpcflow_analysis_options *options, const vpcflow_alert_rules *rules,
                                              vpcflow_alerts **out, vpcflow_error *err);
VPCFLOW_API void vpcflow_alerts_free(vpcflow_alerts *list);
VPCFLOW_API size_t vpcflow_alerts_count(const vpcflow_alerts *list);
VPCFLOW_API const vpcflow_alert *vpcflow_alerts_get(const vpcflow_alerts *list, size_t i);
VPCFLOW_API const vpcflow_scan_stats *vpcflow_alerts_stats(const vpcflow_alerts *list);
/* Keys the run forgot (the least recently seen) to stay within options->memory_limit: their
 * alerts may be missing or undercounted. 0 when everything fitted. */
VPCFLOW_API uint64_t vpcflow_alerts_evicted(const vpcflow_alerts *list);
/* JSON lines (VPCFLOW_OUTPUT_JSON), or an aligned table for people (VPCFLOW_OUTPUT_TABLE).
 * Returns 0, or -1 on a write error, or -1 with errno ENOMEM when the text could not be built. */
VPCFLOW_API int vpcflow_alerts_write(const vpcflow_alerts *list, vpcflow_output kind, FILE *out);

/* streaming */

typedef struct vpcflow_watch_options {
    size_t size;                       /* sizeof(vpcflow_watch_options) */
    vpcflow_analysis_options analysis; /* format, topology, --since/--until/--action, diag */
    const vpcflow_alert_rules *rules;  /* borrowed, must outlive the watch; NULL: defaults */
    int exit_at_eof;                   /* stop once every input is read to its end, instead of following */
    int from_end;                      /* start files at their current end (new lines only) */
    unsigned poll_ms;                  /* how often files are checked for growth and rotation; 0: 250 */
    size_t max_keys;                   /* keys tracked at most (all rules together); 0: 100000 */
    int64_t lateness;                  /* seconds a window stays open after the newest record passes it; 0: 600 */
    const volatile sig_atomic_t *stop; /* when it becomes nonzero the run ends (signal handlers) */
    int (*alert)(void *ctx, const vpcflow_alert *a); /* each alert as it fires; nonzero stops */
    void *ctx;
} vpcflow_watch_options;

typedef struct vpcflow_watch_summary {
    vpcflow_scan_stats scan;   /* lines, records, malformed … over every input */
    uint64_t alerts;           /* alerts fired */
    uint64_t late;             /* records older than every open window: not counted */
    uint64_t dropped;          /* records not counted because max_keys was reached */
    uint64_t keys_peak;        /* most keys tracked at once */
    uint64_t payloads;         /* subscription payloads decoded */
    uint64_t control_messages; /* CONTROL_MESSAGE payloads skipped */
    uint64_t rotations, truncations;
    uint64_t evicted; /* keys forgotten (the least recently seen) to stay within --memory */
} vpcflow_watch_summary;

typedef struct vpcflow_watch vpcflow_watch;

VPCFLOW_API vpcflow_status vpcflow_watch_new(const vpcflow_watch_options *o, vpcflow_watch **out, vpcflow_error *err);
/* Follows the paths ("-" is stdin) like tail -F until stopped, or to their end with
 * exit_at_eof. A stopped run returns VPCFLOW_OK. */
VPCFLOW_API vpcflow_status vpcflow_watch_run(vpcflow_watch *w, const char *const *paths, size_t npaths,
                                             vpcflow_error *err);
/* Hands text of one stream in any pieces (len 0: the stream ended); for embedding and tests. */
VPCFLOW_API vpcflow_status vpcflow_watch_feed(vpcflow_watch *w, const char *data, size_t len, vpcflow_error *err);
VPCFLOW_API const vpcflow_watch_summary *vpcflow_watch_stats(const vpcflow_watch *w);
/* Alerts fired by rule i of the rules (vpcflow_alert_rules_name). */
VPCFLOW_API uint64_t vpcflow_watch_fired(const vpcflow_watch *w, size_t rule);
VPCFLOW_API void vpcflow_watch_free(vpcflow_watch *w);

/* notifications (docs/notify.md): each alert POSTed as JSON to a webhook, or written to a
 * command's standard input, from a thread of its own behind a bounded queue, so that a slow or
 * dead receiver never holds up the caller. */
typedef struct vpcflow_notify_options {
    size_t size;         /* sizeof(vpcflow_notify_options) */
    const char *target;  /* "http(s)://…" (a webhook), or "exec:COMMAND" (run by sh -c) */
    unsigned rate;       /* alerts per minute per rule at most; 0: 10 */
    unsigned timeout_ms; /* of one attempt; 0: 5000 */
    unsigned retries;    /* attempts after the first on connection errors, HTTP 5xx/429; 0: 3 */
    size_t queue;        /* alerts waiting at most (more are dropped and counted); 0: 1000 */
    /* failures, as they happen (from the delivering thread) */
    void (*diag)(void *ctx, const char *message);
    void *ctx;
} vpcflow_notify_options;

typedef struct vpcflow_notify_stats {
    uint64_t sent;       /* delivered */
    uint64_t failed;     /* given up after the retries, or refused (HTTP 4xx) */
    uint64_t limited;    /* not sent: over the rate of their rule */
    uint64_t duplicates; /* not sent: the same rule and key was sent within the hour */
    uint64_t dropped;    /* not sent: the queue was full, or still held them at the end */
} vpcflow_notify_stats;

typedef struct vpcflow_notifier vpcflow_notifier;

VPCFLOW_API vpcflow_status vpcflow_notifier_new(const vpcflow_notify_options *o, vpcflow_notifier **out,
                                                vpcflow_error *err);
/* Queues one alert (never blocks); 0, or -1 when it was not queued (limited, a duplicate,
 * the queue full, out of memory: each counted). */
VPCFLOW_API int vpcflow_notifier_send(vpcflow_notifier *n, const vpcflow_alert *a);
/* Waits at most wait_ms for every queued alert to be delivered or given up; 0 when none is left. */
VPCFLOW_API int vpcflow_notifier_flush(vpcflow_notifier *n, unsigned wait_ms);
VPCFLOW_API void vpcflow_notifier_stats(vpcflow_notifier *n, vpcflow_notify_stats *s);
/* Flushes for at most wait_ms, then abandons what is left (counted as dropped) and stops the
 * thread; the stats are final after it. */
VPCFLOW_API void vpcflow_notifier_stop(vpcflow_notifier *n, unsigned wait_ms);
/* vpcflow_notifier_stop(n, 0) when not stopped yet, and the memory freed. */
VPCFLOW_API void vpcflow_notifier_free(vpcflow_notifier *n);

/* the Lambda custom runtime (docs/lambda.md) */
typedef struct vpcflow_lambda_options {
    size_t size;                 /* sizeof(vpcflow_lambda_options) */
    vpcflow_watch_options watch; /* the rules, topology and state bounds; its alert callback is replaced */
    const char *runtime_api;     /* host:port of the Runtime API; NULL: $AWS_LAMBDA_RUNTIME_API */
    const char *fetch;           /* command printing an S3 object, {bucket} and {key} replaced; NULL: none */
    uint64_t max_invocations;    /* return after this many events; 0: never */
    vpcflow_notifier *notify;    /* each alert also sent here (flushed before each response); NULL: none */
    FILE *log;                   /* each alert also written here as a JSON line; NULL: none */
} vpcflow_lambda_options;

typedef struct vpcflow_lambda vpcflow_lambda;

VPCFLOW_API vpcflow_status vpcflow_lambda_new(const vpcflow_lambda_options *o, vpcflow_lambda **out,
                                              vpcflow_error *err);
/* One event (its JSON text) handled: *response gets the result document (malloc'd, JSON),
 * or, for an event that is not one (VPCFLOW_ERR_INPUT), the error document Lambda expects
 * ({"errorMessage", "errorType"}). */
VPCFLOW_API vpcflow_status vpcflow_lambda_handle(vpcflow_lambda *l, const char *event, size_t len, char **response,
                                                 vpcflow_error *err);
/* The runtime loop: next invocation, handle, /response or /error, until max_invocations. */
VPCFLOW_API vpcflow_status vpcflow_lambda_run(vpcflow_lambda *l, vpcflow_error *err);
VPCFLOW_API void vpcflow_lambda_free(vpcflow_lambda *l);
/* Reports a failure to start (bad rules, topology) to /runtime/init/error; 0 when it was taken. */
VPCFLOW_API int vpcflow_lambda_init_error(const char *runtime_api, const char *type, const char *message);

/* ---- record output ------------------------------------------------------------------ */

/* A list of output columns: field names (AWS spelling), known or opaque. */
typedef struct vpcflow_columns vpcflow_columns;
/* Parses "srcaddr,dstaddr,bytes"; unknown names are an error unless allow_opaque. */
VPCFLOW_API vpcflow_status vpcflow_columns_parse(const char *list, int allow_opaque, vpcflow_columns **out,
                                                 vpcflow_error *err);
VPCFLOW_API vpcflow_columns *vpcflow_columns_from_format(const vpcflow_format *fmt);
VPCFLOW_API void vpcflow_columns_free(vpcflow_columns *cols);
VPCFLOW_API size_t vpcflow_columns_count(const vpcflow_columns *cols);
VPCFLOW_API const char *vpcflow_columns_name(const vpcflow_columns *cols, size_t i);
/* Renders rec as one line ending in '\n' (cols NULL: the record's own columns). Returns the
 * length the line needs; writes at most cap bytes (no terminating NUL is added). */
VPCFLOW_API size_t vpcflow_record_render(const vpcflow_record *rec, vpcflow_output kind, const vpcflow_columns *cols,
                                         char *buf, size_t cap);
/* The CSV header line for cols, ending in '\n'. Same return convention. */
VPCFLOW_API size_t vpcflow_columns_csv_header(const vpcflow_columns *cols, char *buf, size_t cap);
/* The format of the first record line of the first input (its header, or the base format):
 * what `cat` uses for its CSV columns. Reads only the start of the first file; for stdin it
 * returns the base format. The caller frees the result. */
VPCFLOW_API vpcflow_status vpcflow_peek_format(const char *const *paths, size_t npaths, const char *base_format,
                                               vpcflow_format **out, vpcflow_error *err);

/* ---- enriched rows: every record with what vpcflow computes (docs/export.md) ---------- */

/* What the PostgreSQL table and the Parquet output hold beside the AWS fields. The network
 * (topology, prices, ENI facts) is prepared once, as for `summary` (with no --enis, own
 * addresses and NAT gateways are learned from `paths` in a first pass); each thread then
 * enriches its records with its own vpcflow_enricher. */
typedef struct vpcflow_enrich vpcflow_enrich;
VPCFLOW_API vpcflow_status vpcflow_enrich_open(const char *const *paths, size_t npaths,
                                               const vpcflow_analysis_options *options, vpcflow_enrich **out,
                                               vpcflow_error *err);
VPCFLOW_API void vpcflow_enrich_close(vpcflow_enrich *e);
/* 1 when ENI facts came from --enis/--topology: the de-duplication conditions then hold across
 * any later load; 0 when they were learned from the inputs of this run only. */
VPCFLOW_API int vpcflow_enrich_has_enis(const vpcflow_enrich *e);
/* Notes for the user (what would sharpen the answer), one per line; "" when none. */
VPCFLOW_API const char *vpcflow_enrich_notes(const vpcflow_enrich *e);
/* What to scan for the rows: the paths (stdin replaced by the first pass's copy of it) and the
 * scan options (threads capped by --memory; diagnostics go to the options' diag). */
VPCFLOW_API const char *const *vpcflow_enrich_paths(const vpcflow_enrich *e, size_t *npaths);
VPCFLOW_API const vpcflow_scan_options *vpcflow_enrich_scan_options(const vpcflow_enrich *e);

/* The de-duplication verdict of a row (docs/model.md §3), kept as data so that it can be
 * resolved over everything loaded (docs/export.md): */
typedef enum vpcflow_dedup {
    VPCFLOW_DEDUP_NONE,           /* not classified (NODATA, SKIPDATA, no addresses) */
    VPCFLOW_DEDUP_KEEP,           /* counted */
    VPCFLOW_DEDUP_DROP,           /* another row counts these bytes */
    VPCFLOW_DEDUP_UNLESS_LOGGED,  /* dropped when dedup_eni (or dedup_eni2) has any row */
    VPCFLOW_DEDUP_UNLESS_NAT_PEER /* dropped when some row has nat_peer = dedup_peer */
} vpcflow_dedup;
VPCFLOW_API const char *vpcflow_dedup_name(vpcflow_dedup d); /* "keep", "drop", "unless-logged", ... */

typedef struct vpcflow_enriched {
    int classified; /* 0: the record carries no traffic; the rest is empty */
    vpcflow_class cls;
    const char *src_az, *dst_az;       /* AZ ID (or name when only that is known), NULL: unknown */
    const char *src_owner, *dst_owner; /* owner labels as `top --by src-owner` prints them */
    vpcflow_dedup dedup;
    const char *dedup_eni, *dedup_eni2; /* UNLESS_LOGGED: the ENI ids (eni2 may be NULL) */
    vpcflow_addr dedup_peer;            /* UNLESS_NAT_PEER */
    int has_nat_peer;                   /* the row shows a NAT gateway talking to nat_peer */
    vpcflow_addr nat_peer;
    int nat_processing;        /* its bytes enter a NAT gateway: charged at the NAT rate */
    uint64_t cost_hi, cost_lo; /* cost numerator: bytes x pico-USD per GB (divide by 2^30 x
                                  10^12 for USD); 0 for internet-out, tiered per month */
} vpcflow_enriched;

typedef struct vpcflow_enricher vpcflow_enricher; /* one per thread */
VPCFLOW_API vpcflow_enricher *vpcflow_enricher_new(const vpcflow_enrich *e);
VPCFLOW_API void vpcflow_enricher_free(vpcflow_enricher *w);
/* Fills *out for rec; its strings live until the next call on w. Returns out->classified. */
VPCFLOW_API int vpcflow_enrich_record(vpcflow_enricher *w, const vpcflow_record *rec, vpcflow_enriched *out);

/* ---- convert: enriched rows as Parquet, CSV or JSON lines files (docs/export.md) -------- */

typedef enum vpcflow_convert_to {
    VPCFLOW_CONVERT_PARQUET,
    VPCFLOW_CONVERT_CSV,
    VPCFLOW_CONVERT_JSONL
} vpcflow_convert_to;

/* Hive partitions by the record's start (UTC): DIR/year=YYYY/month=MM/day=DD[/hour=HH]/;
 * records without a start go to year=0000/month=00/day=00[/hour=00]. */
typedef enum vpcflow_partition {
    VPCFLOW_PARTITION_NONE,
    VPCFLOW_PARTITION_DAY,
    VPCFLOW_PARTITION_HOUR
} vpcflow_partition;

typedef enum vpcflow_compression {
    VPCFLOW_COMPRESSION_ZSTD,
    VPCFLOW_COMPRESSION_SNAPPY,
    VPCFLOW_COMPRESSION_GZIP,
    VPCFLOW_COMPRESSION_NONE
} vpcflow_compression;

typedef struct vpcflow_convert_options {
    size_t size;                       /* sizeof(vpcflow_convert_options) */
    vpcflow_analysis_options analysis; /* inputs, topology, prices, --action/--since, --memory */
    vpcflow_convert_to to;
    const char *out_dir; /* created when missing */
    vpcflow_partition partition;
    vpcflow_compression compression; /* Parquet pages (default zstd) */
} vpcflow_convert_options;

typedef struct vpcflow_convert_stats {
    vpcflow_scan_stats scan; /* over every input */
    uint64_t rows;           /* rows written */
    uint64_t files;          /* files written (one per input and partition) */
    uint64_t bytes_out;      /* bytes of the files written */
    int has_enis;            /* vpcflow_enrich_has_enis: 0 when ENI facts came from these inputs */
} vpcflow_convert_stats;

/* Writes every record of the inputs as a row of the exported columns (docs/export.md) into
 * one file per input file and partition, DIR[/partition]/part-<16 hex>.parquet|csv|jsonl, the
 * hex a hash of the input's path as given (so that converting each input in its own process
 * writes distinct files and a re-run replaces them). Each file is written as a hidden
 * ".NAME.tmp" beside it, synced and renamed: a killed run leaves no partial NAME. Inputs are
 * converted in parallel (one thread per input at a time). Inputs that could not be read, or
 * not wholly, are counted in stats->scan.inputs_failed (their rows read are written) unless
 * strict. stats may be NULL. */
VPCFLOW_API vpcflow_status vpcflow_convert_run(const char *const *paths, size_t npaths,
                                               const vpcflow_convert_options *options, vpcflow_convert_stats *stats,
                                               vpcflow_error *err);

/* ---- Elastic Common Schema documents (docs/ecs.md) ------------------------------------ */

/* Renders rec as one JSON document on one line, ending in '\n': the fields and values of
 * Filebeat's AWS VPC flow-log parser in its ECS mode (source.ip, event.outcome, aws.vpcflow.*,
 * ...), then e's enrichment under vpcflow.* (e NULL or unclassified: none). With bulk_index
 * not NULL, the Elasticsearch _bulk action line {"index":{"_index":bulk_index}} comes first.
 * Returns the length needed; writes at most cap bytes (no NUL). Allocates nothing. */
VPCFLOW_API size_t vpcflow_ecs_render(const vpcflow_record *rec, const vpcflow_enriched *e, const char *bulk_index,
                                      char *buf, size_t cap);

/* ---- SQL for every report (docs/sql.md) ----------------------------------------------- */

typedef enum vpcflow_dialect { VPCFLOW_SQL_POSTGRES, VPCFLOW_SQL_DUCKDB, VPCFLOW_SQL_ATHENA } vpcflow_dialect;
typedef struct vpcflow_sql_options {
    size_t size; /* sizeof(vpcflow_sql_options) */
    vpcflow_dialect dialect;
    const char *table;   /* the loaded table (postgres), or the table or view over vpcflow's
                            Parquet output (duckdb, athena); NULL: "flows" */
    const char *parquet; /* duckdb: a directory or glob of vpcflow's Parquet output to read
                            directly instead of a table; athena: its S3 location for the DDL */
    const char *report;  /* "summary", "top", "timeline", "unique", "create" */
    const char *by;      /* top: the keys ("srcaddr", "class,dstport"...) */
    unsigned limit;      /* top: rows, 0: 10 */
    const char *prices;  /* price file, NULL: built-in (the rates are written into the SQL) */
    int free_tier;
} vpcflow_sql_options;
/* Writes the SQL of a report to out. */
VPCFLOW_API vpcflow_status vpcflow_sql_write(const vpcflow_sql_options *o, FILE *out, vpcflow_error *err);

/* ---- loading into PostgreSQL (docs/postgres.md) --------------------------------------- */

enum { VPCFLOW_LOAD_NOTE = 0, VPCFLOW_LOAD_SKIPPED = 1 };

/* Where the load stands: after each file and, while a file loads, about twice a second. */
typedef struct vpcflow_load_stats {
    uint64_t files_loaded, files_skipped, files_failed;
    uint64_t rows;           /* rows sent (raw records, before any rollup) */
    uint64_t bytes_text;     /* bytes of text read for them */
    double seconds;          /* since the load began */
    vpcflow_scan_stats scan; /* over the files loaded */
} vpcflow_load_stats;

typedef struct vpcflow_load_options {
    size_t size;                       /* sizeof(vpcflow_load_options) */
    vpcflow_analysis_options analysis; /* topology, prices, scan (its size must be set too) */
    const char *dsn;                   /* libpq connection string or URI; NULL or "": libpq's defaults
                                          (PGHOST, PGDATABASE, ~/.pgpass, service=) */
    const char *table;                 /* NULL: "flows" */
    const char *schema;                /* NULL: the first schema of the search_path */
    unsigned rollup;                   /* 0: raw rows; else seconds of the time bucket (60, 3600, 86400) */
    int reload;                        /* load files already loaded again, replacing their rows */
    /* Told of each file skipped (VPCFLOW_LOAD_SKIPPED) or replaced, and of other things worth
     * saying (one line each; path "" when about no file). */
    void (*note)(void *ctx, int kind, const char *path, const char *message);
    void (*progress)(void *ctx, const vpcflow_load_stats *s);
    void *ctx;
} vpcflow_load_options;

/* Loads every file of paths (directories expand to their files, sorted) into the table, one
 * transaction per file, each file once (vpcflow_loaded_files: path, size, content hash): a
 * file loaded before is skipped, a file interrupted is not there at all. Creates the table,
 * the view TABLE_unique and the indexes when missing. Without --strict a file that cannot be
 * read wholly is rolled back, named through options->analysis.scan.diag and counted in
 * stats->files_failed; the others load. Errors never show the DSN's password. */
VPCFLOW_API vpcflow_status vpcflow_load_run(const char *const *paths, size_t npaths, const vpcflow_load_options *o,
                                            vpcflow_load_stats *stats, vpcflow_error *err);

/* ---- the HTML report (docs/report.md) ---------------------------------------------------- */

typedef struct vpcflow_report_options {
    size_t size;                       /* sizeof(vpcflow_report_options) */
    vpcflow_analysis_options analysis; /* inputs, topology, prices, filters: as for summary */
    vpcflow_bill bill;                 /* the bill to reconcile with; {0, 0}: not given */
    int64_t every;                     /* seconds per time bucket; 0: chosen from the time range
                                          (5m, 15m, 1h, 3h, 6h, 1d or 7d: at most 96 buckets) */
    const char *title;                 /* the page's title; NULL: "vpcflow report" */
} vpcflow_report_options;

/* Reads the inputs once (after the first pass that learns ENIs when --enis is missing, as
 * summary does) and writes one self-contained HTML page to out: the summary's headline, the
 * classes over time, the cross-AZ matrix, top talkers and ports, NAT gateways, rejected traffic
 * and the alerts of the default rules, the inputs. No external requests; every string from
 * the inputs is escaped. The page embeds its numbers as the JSON that `summary`, `top`,
 * `timeline` and `alerts` write (a <script type="application/json" id="data">). stats, when
 * not NULL, gets the scan's statistics (inputs_failed: a partial result). */
VPCFLOW_API vpcflow_status vpcflow_report_html(const char *const *paths, size_t npaths,
                                               const vpcflow_report_options *options, FILE *out,
                                               vpcflow_scan_stats *stats, vpcflow_error *err);

/* ---- `rightsize`: EC2 right-sizing before reserving (docs/rightsize.md) ------------------ */

typedef struct vpcflow_rightsize_options {
    size_t size;           /* sizeof(vpcflow_rightsize_options) */
    const char *type;      /* the current type of instances that instances does not name; NULL: none */
    const char *instances; /* `aws ec2 describe-instances` JSON; NULL: none */
    const char *prices;    /* the AWS Price List bulk CSV for EC2; NULL: the built-in us-east-1 catalog */
    const char *region;    /* the region of prices; NULL: "us-east-1" (the only one without prices) */
    const char *os;        /* the operating system of prices; NULL: "Linux" */
    int any_family;        /* candidates of every family, burstable ones among them */
    double min_memory;     /* GiB never to go below; 0: no floor */
    double percentile;     /* of the hourly CPU maxima, 1 to 100; 0: 99 */
    double headroom;       /* percent added, 0 to 1000; negative: the default 20 */
    int term_years;        /* 1 or 3; 0: 1 */
    const char *reserved;  /* the RI bought for the current type, as --reserved takes it ("1y",
                              "3y-convertible-all-upfront"); NULL: "1y" */
} vpcflow_rightsize_options;
typedef struct vpcflow_rightsize vpcflow_rightsize;
/* Loads the catalog (or prices), the instances and every metric file or directory, and decides
 * for each instance. A bad option value gives VPCFLOW_ERR_INPUT with err->file ""; a bad input
 * gives VPCFLOW_ERR_INPUT with err->file the input. */
VPCFLOW_API vpcflow_status vpcflow_rightsize_run(const char *const *metrics, size_t n,
                                                 const vpcflow_rightsize_options *options, vpcflow_rightsize **out,
                                                 vpcflow_error *err);
/* The number of instances decided on. */
VPCFLOW_API size_t vpcflow_rightsize_count(const vpcflow_rightsize *r);
/* What the inputs said worth a warning (an instance not running, or not on the priced OS). */
VPCFLOW_API size_t vpcflow_rightsize_warning_count(const vpcflow_rightsize *r);
VPCFLOW_API const char *vpcflow_rightsize_warning(const vpcflow_rightsize *r, size_t i);
/* VPCFLOW_OUTPUT_TABLE (default), _JSON (an array) or _CSV: one row per instance. Returns 0,
 * or -1 on a write error. */
VPCFLOW_API int vpcflow_rightsize_write(const vpcflow_rightsize *r, vpcflow_output kind, FILE *out);
VPCFLOW_API void vpcflow_rightsize_free(vpcflow_rightsize *r);

/* ---- ordered output ------------------------------------------------------------------- */

/* Writes buffers produced by parallel workers in input order. A worker calls
 * vpcflow_ordered_write(w, seq, data, len) any number of times for the unit it is working on,
 * then vpcflow_ordered_done(w, seq, last_of_input); units are written in seq order. A worker
 * whose unit is not yet due waits, so memory stays bounded. */
typedef struct vpcflow_ordered vpcflow_ordered;
VPCFLOW_API vpcflow_ordered *vpcflow_ordered_new(FILE *out);
VPCFLOW_API int vpcflow_ordered_write(vpcflow_ordered *w, uint64_t seq, const void *data, size_t len);
VPCFLOW_API int vpcflow_ordered_done(vpcflow_ordered *w, uint64_t seq);
VPCFLOW_API int vpcflow_ordered_free(vpcflow_ordered *w); /* returns nonzero on a write error */

#ifdef __cplusplus
}
#endif
#endif /* VPCFLOW_H */
