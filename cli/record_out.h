/* record_out.h — printing records from many scan workers in input order: the worker buffers,
 * the ordered writer, the CSV header and its warnings. `vpcflow cat` and `vpcflow filter`
 * print through it. */
#ifndef VPCFLOW_RECORD_OUT_H
#define VPCFLOW_RECORD_OUT_H

#include "vpcflow.h"

#include <pthread.h>
#include <stdint.h>

/* Kinds beside the vpcflow_output ones: the input line as it is; Elastic Common Schema
 * documents (with the _bulk action lines for es-bulk), enriched when `enrich` is set. */
enum { RECORD_OUT_LINE = -1, RECORD_OUT_ECS = -2, RECORD_OUT_ES_BULK = -3 };

typedef struct record_out {
    int kind;                     /* RECORD_OUT_* or a vpcflow_output */
    const vpcflow_enrich *enrich; /* ECS: the enrichment under vpcflow.*, or NULL */
    const char *index;            /* ES_BULK: the index the action lines name */
    vpcflow_columns *cols;        /* NULL: each record's own columns */
    int fields_given;             /* --fields: the user chose the columns, nothing to warn about */
    int quiet;
    /* set by record_out_start */
    int started;
    vpcflow_ordered *out;
    int lazy_header; /* csv from stdin: the header comes from the first record */
    pthread_mutex_t lock;
    const vpcflow_format *warned[16];
    size_t nwarned;
} record_out;

/* One worker's buffer of rendered records of one unit of work. */
typedef struct record_out_worker {
    record_out *ro;
    vpcflow_enricher *en; /* ECS with enrich */
    char *buf;
    size_t len, cap;
    uint64_t seq;
    int failed;
} record_out_worker;

/* --output: "text", "csv", "jsonl" (or "json"), "line" when allow_line, "ecs" and
 * "es-bulk" when allow_ecs; -1 if none. */
int record_out_parse_kind(const char *s, int allow_line, int allow_ecs, int *kind);

/* --fields: the columns to print, in order (unknown names print as no value). Returns an exit
 * status, EXIT_OK on success (a message was printed otherwise). */
int record_out_set_fields(record_out *ro, const char *fields);

/* After --fields: a name that is no AWS field must be a column of the first input's format
 * (its header line, or --format): else it is a misspelling or the wrong name, and the column
 * would print no value on every line. Returns an exit status, EXIT_OK on success (a message
 * naming the field meant, when one is near, was printed otherwise). */
int record_out_check_fields(const record_out *ro, char **paths, int npaths, const char *format);

/* Writes the csv header (columns from --fields, else from the first input's format, else,
 * for stdin, from the first record) and opens the ordered writer. Returns an exit status,
 * EXIT_OK on success. */
int record_out_start(record_out *ro, char **paths, int npaths, const char *format);
/* Flushes the ordered writer and stdout; returns nonzero when writing failed. */
int record_out_finish(record_out *ro);
void record_out_free(record_out *ro);

record_out_worker *record_out_worker_new(record_out *ro);
/* Every record of the scan, printed or not, passes here first: a new unit flushes the last. */
int record_out_next(record_out_worker *w, const vpcflow_record *rec);
int record_out_emit(record_out_worker *w, const vpcflow_record *rec);
int record_out_chunk_end(record_out_worker *w, uint64_t seq);
/* Frees the worker; returns nonzero when one of its writes failed. */
int record_out_worker_free(record_out_worker *w);

#endif
