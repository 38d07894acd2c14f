/* pqread.h — a reader of flat Parquet files: open one (from a buffer, or a file descriptor read
 * with pread, never whole), list its columns and row groups, and read one column chunk's values
 * in order, page by page (only the columns asked for are read). It knows nothing of flow logs.
 *
 * Supported: codecs UNCOMPRESSED, SNAPPY, GZIP, ZSTD; data pages v1 and v2; encodings PLAIN,
 * PLAIN_DICTIONARY / RLE_DICTIONARY, RLE (levels, booleans), DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT. Nested and repeated columns are
 * refused when the file is opened. Every error names the file (and row group and column).
 */
#ifndef VF_PQREAD_H
#define VF_PQREAD_H

#include "base/internal.h"
#include "parquet/meta.h"

#define VF_PQ_MAX_PAGE ((size_t)64 << 20)  /* a page's compressed or decompressed size */
#define VF_PQ_MAX_DICT ((uint32_t)1 << 22) /* values in a dictionary page */

typedef struct vf_pq_file vf_pq_file;

/* The file's bytes are p[0, n): borrowed, they must outlive the handle. name is copied. */
vpcflow_status vf_pq_open_buffer(const void *p, size_t n, const char *name, vf_pq_file **out, vpcflow_error *err);
/* The file is read with pread from fd (borrowed), size bytes long. */
vpcflow_status vf_pq_open_fd(int fd, uint64_t size, const char *name, vf_pq_file **out, vpcflow_error *err);
void vf_pq_close(vf_pq_file *f);

uint32_t vf_pq_ncolumns(const vf_pq_file *f);
const char *vf_pq_column_name(const vf_pq_file *f, uint32_t col); /* NUL-terminated */
const vf_pq_schema *vf_pq_column_schema(const vf_pq_file *f, uint32_t col);
uint32_t vf_pq_nrow_groups(const vf_pq_file *f);
int64_t vf_pq_row_group_rows(const vf_pq_file *f, uint32_t rg);

/* One value: null, or by the column's physical type i (BOOLEAN, INT32, INT64; an unsigned
 * INT32 is zero-extended), d (FLOAT, DOUBLE) or s[0, len) (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY,
 * INT96). s stays valid until the next call on the same column reader. */
typedef struct vf_pq_value {
    int null;
    int64_t i;
    double d;
    const uint8_t *s;
    uint32_t len;
    uint32_t id; /* from the chunk's dictionary: 1 + its index there; else 0 */
} vf_pq_value;

/* Reads one column chunk; its buffers are kept from chunk to chunk. */
typedef struct vf_pq_column vf_pq_column;
vf_pq_column *vf_pq_column_new(void);
void vf_pq_column_free(vf_pq_column *c);
/* Starts column col of row group rg of f (which must outlive the reading). */
vpcflow_status vf_pq_column_begin(vf_pq_column *c, vf_pq_file *f, uint32_t rg, uint32_t col, vpcflow_error *err);
/* The value of the next row (at most the row group's rows). */
vpcflow_status vf_pq_column_next(vf_pq_column *c, vf_pq_value *v, vpcflow_error *err);
/* The values of the next rows, at most n, all from one page: *got of them in v[0, *got) (at
 * least one unless n is 0 or an error comes first). Their strings stay valid until the next
 * call on the same column reader. On an error, the *got values before it are good. The same
 * values as vf_pq_column_next one by one, decoded in batches. */
vpcflow_status vf_pq_column_read(vf_pq_column *c, vf_pq_value *v, size_t n, size_t *got, vpcflow_error *err);
/* Changes whenever the reader loads another dictionary (value ids then index that one), and
 * that dictionary's size: a reader of many values of one dictionary can work per entry. */
uint64_t vf_pq_column_dict_serial(const vf_pq_column *c);
uint32_t vf_pq_column_dict_size(const vf_pq_column *c);

/* ---- the encodings' decoders, for the reader and its tests ------------------------------- */

/* RLE / bit-packed hybrid (levels, dictionary indices): runs of
 *   varint h; h even: h/2 copies of one value in ceil(width/8) bytes (little-endian)
 *             h odd: h/2 groups of 8 values packed in width bits each, least significant first */
typedef struct vf_pq_rle {
    const uint8_t *p, *end;
    unsigned width;
    uint64_t left; /* values left in the current run */
    int packed;
    uint64_t value;
    const uint8_t *bits;
    uint64_t bitpos, bitlen;
} vf_pq_rle;
void vf_pq_rle_init(vf_pq_rle *r, const uint8_t *p, size_t n, unsigned width);
int vf_pq_rle_next(vf_pq_rle *r, uint64_t *v); /* 0, or -1 when the data ends or is corrupt */
/* Up to n values (width at most 32) into out: how many before the data ends or is corrupt. */
size_t vf_pq_rle_read(vf_pq_rle *r, uint32_t *out, size_t n);

/* DELTA_BINARY_PACKED: <block size> <miniblocks per block> <count> <first value (zigzag)>, then
 * blocks of <min delta (zigzag)> <one bit width per miniblock> <miniblocks of packed deltas>. */
typedef struct vf_pq_delta {
    const uint8_t *p, *end;
    uint64_t block, minis, per_mini, total, left, mini, mini_left;
    uint64_t last, min_delta;
    int started;
    const uint8_t *widths, *bits;
    uint64_t bitpos, bitlen;
    unsigned width;
} vf_pq_delta;
int vf_pq_delta_init(vf_pq_delta *d, const uint8_t *p, size_t n); /* 0, or -1 on a bad header */
int vf_pq_delta_next(vf_pq_delta *d, int64_t *v);                 /* 0, or -1 at the end / corrupt */
/* Where the encoded values end (what follows them starts there), or NULL when truncated. */
const uint8_t *vf_pq_delta_end(const vf_pq_delta *d);

#endif
