/* pqwrite.h — a Parquet file writer for flat schemas: required or optional columns of BOOLEAN,
 * INT32 (with an INT(16) or INT(32) annotation or none), INT64, BYTE_ARRAY (STRING) and
 * FIXED_LEN_BYTE_ARRAY (DECIMAL); values buffered per row group (bounded by bytes and rows),
 * dictionary encoding where it pays with PLAIN as the fallback, data pages v1 with RLE/bit-packed
 * definition levels, one codec for every page (compress.h), and the footer with statistics
 * (null count, min and max of integers and of short strings). It knows nothing of flow logs.
 * Spec: apache/parquet-format (parquet.thrift, Encodings.md). One writer per thread. */
#ifndef VF_PQWRITE_H
#define VF_PQWRITE_H

#include "parquet/compress.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Parquet physical types (Type in parquet.thrift). */
typedef enum vf_pqw_type {
    VF_PQW_BOOLEAN = 0,
    VF_PQW_INT32 = 1,
    VF_PQW_INT64 = 2,
    VF_PQW_BYTE_ARRAY = 6,
    VF_PQW_FIXED = 7
} vf_pqw_type;

/* The logical annotation of a column. */
typedef enum vf_pqw_logical {
    VF_PQW_LOGICAL_NONE,
    VF_PQW_LOGICAL_STRING, /* BYTE_ARRAY: UTF-8 text */
    VF_PQW_LOGICAL_INT16,  /* INT32: INT(16, signed) */
    VF_PQW_LOGICAL_INT32,  /* INT32: INT(32, signed) */
    VF_PQW_LOGICAL_DECIMAL /* FIXED (or INT32/INT64): DECIMAL(precision, scale), big-endian */
} vf_pqw_logical;

typedef struct vf_pqw_column {
    const char *name;
    vf_pqw_type type;
    vf_pqw_logical logical;
    int type_length;      /* FIXED: bytes per value */
    int precision, scale; /* DECIMAL */
    int optional;         /* values may be NULL (definition levels are written) */
    int dictionary;       /* BYTE_ARRAY: try dictionary encoding (kept when it is smaller) */
} vf_pqw_column;

typedef struct vf_pqw_options {
    vf_pqw_codec codec;
    int level;               /* zstd level; 0: default */
    size_t row_group_bytes;  /* buffered values that end a row group; 0: 64 MiB */
    uint64_t row_group_rows; /* rows that end a row group; 0: 1 Mi */
    size_t page_bytes;       /* values per data page; 0: 1 MiB */
    size_t dictionary_bytes; /* a dictionary larger than this is dropped for PLAIN; 0: 1 MiB */
    const char *created_by;  /* the footer's created_by; NULL: "vpcflow" */
} vf_pqw_options;

typedef struct vf_pqw vf_pqw;

/* A writer of ncols columns (copied) onto out, which must be at offset 0 and stay open until
 * vf_pqw_finish. NULL when out of memory or a column is invalid (errno EINVAL). */
vf_pqw *vf_pqw_new(const vf_pqw_column *cols, size_t ncols, const vf_pqw_options *o, FILE *out);
void vf_pqw_free(vf_pqw *w);

/* One value of column c of the current row; every column gets exactly one per row. */
void vf_pqw_null(vf_pqw *w, size_t c);
void vf_pqw_int(vf_pqw *w, size_t c, int64_t v);                 /* BOOLEAN (0/1), INT32, INT64 */
void vf_pqw_bytes(vf_pqw *w, size_t c, const void *p, size_t n); /* BYTE_ARRAY; FIXED (n = type_length) */
/* Ends the row; writes a row group when the limits are reached. 0, or -1 with errno (ENOMEM,
 * a write error's, EINVAL when a column did not get one value). */
int vf_pqw_end_row(vf_pqw *w);
/* Writes the rows buffered as a row group now (none: nothing); release: frees the buffers too. */
int vf_pqw_flush(vf_pqw *w, int release);
/* Writes what is buffered and the footer; the file is complete (out is not closed). */
int vf_pqw_finish(vf_pqw *w);

uint64_t vf_pqw_rows(const vf_pqw *w);   /* rows written, buffered included */
size_t vf_pqw_buffered(const vf_pqw *w); /* bytes of values buffered */
size_t vf_pqw_memory(const vf_pqw *w);   /* bytes the writer holds */

/* The RLE/bit-packed hybrid encoding (Encodings.md) of n values of bit width bw (1 to 32),
 * values given as bytes (elem 1) or uint32 (elem 4); appended to *buf (grown, *len and *cap
 * updated). Returns 0, or -1 when out of memory. */
int vf_pqw_rle(unsigned char **buf, size_t *len, size_t *cap, const void *vals, int elem, size_t n, int bw);

#endif
