/* source.h — one input as a byte stream: a file or stdin, plain or gzip (by magic bytes), or a
 * Parquet file (magic PAR1) rendered as flow-log text (parquet_source.h). */
#ifndef VF_SOURCE_H
#define VF_SOURCE_H

#include "read/gzip.h"
#include "read/parquet_source.h"

typedef struct vf_source {
    const char *name;
    int fd;
    int is_stdin;
    int gzip;
    int eof;  /* no more raw input */
    int done; /* no more output */
    unsigned char *in;
    size_t in_pos, in_len, in_cap;
    vf_gz *gz; /* borrowed */
    uint64_t bytes_in;
    int owns_in;           /* `in` was allocated here (else it belongs to the caller) */
    vpcflow_status status; /* after vf_source_read returned -1: VPCFLOW_ERR_IO or _INPUT */
    vf_pq_source *pq;      /* a Parquet file, read through this */
    uint64_t first_line;   /* the number of the text's first line: 0 for Parquet (its header), else 1 */
} vf_source;

#define VF_SOURCE_BUF ((size_t)1 << 20)

/* Opens path ("-" is stdin) and reads its first bytes to tell gzip and Parquet from text.
 * inbuf, if not NULL, is a VF_SOURCE_BUF-byte buffer the caller reuses from file to file
 * (allocating a fresh megabyte per file costs page faults, and with threads, TLB shootdowns).
 * fields: the known fields wanted from a Parquet file (VPCFLOW_BIT mask; 0: every column). */
vpcflow_status vf_source_open(vf_source *s, const char *path, vf_gz *gz, unsigned char *inbuf, uint64_t fields,
                              vpcflow_error *err);
/* Opens the Parquet file at path to read the rows of its row groups [rg_begin, rg_end) as
 * text, after its header line if `header` (one unit of work of a file split by row groups). */
vpcflow_status vf_source_open_parquet(vf_source *s, const char *path, uint64_t fields, uint32_t rg_begin,
                                      uint32_t rg_end, int header, vpcflow_error *err);
/* Reads up to cap bytes of text; returns the count, 0 at the end, -1 on error (err and
 * s->status set: VPCFLOW_ERR_IO for a read error, VPCFLOW_ERR_INPUT for corrupt gzip or
 * Parquet). */
long vf_source_read(vf_source *s, char *out, size_t cap, vpcflow_error *err);
void vf_source_close(vf_source *s);

/* Expands paths: files as given, directories walked recursively in sorted order (entries
 * whose names start with '.' skipped), "-" kept. Each file (and directory) is taken once, by
 * device and inode: a path naming one already taken (given twice, or reached again through a
 * symbolic link, a link loop included) is skipped, and warn (if not NULL) is told so with the
 * path and a message naming the first path. Returns a malloc'ed array of malloc'ed strings. */
vpcflow_status vf_expand_paths(const char *const *paths, size_t n,
                               void (*warn)(void *ctx, const char *path, const char *message), void *ctx, char ***out,
                               size_t *nout, vpcflow_error *err);
void vf_free_paths(char **paths, size_t n);

#endif
