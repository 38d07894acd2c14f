/* meta.h — Parquet's footer (FileMetaData with its SchemaElements, RowGroups, ColumnChunks)
 * and page headers, decoded from Thrift compact data into C structs. Only what a flat reader
 * needs is kept; strings point into the decoded buffer, which must outlive the structs.
 *
 *   file:  "PAR1" | column chunks (pages) ... | FileMetaData | footer length (u32 LE) | "PAR1"
 *   chunk: [dictionary page] data page ...   page: PageHeader | (compressed) page bytes
 */
#ifndef VF_PQ_META_H
#define VF_PQ_META_H

#include <stddef.h>
#include <stdint.h>

/* physical types */
enum {
    VF_PQ_BOOLEAN = 0,
    VF_PQ_INT32 = 1,
    VF_PQ_INT64 = 2,
    VF_PQ_INT96 = 3,
    VF_PQ_FLOAT = 4,
    VF_PQ_DOUBLE = 5,
    VF_PQ_BYTE_ARRAY = 6,
    VF_PQ_FIXED_LEN_BYTE_ARRAY = 7
};
/* repetition */
enum { VF_PQ_REQUIRED = 0, VF_PQ_OPTIONAL = 1, VF_PQ_REPEATED = 2 };
/* codecs */
enum { VF_PQ_UNCOMPRESSED = 0, VF_PQ_SNAPPY = 1, VF_PQ_GZIP = 2, VF_PQ_ZSTD = 6 };
/* encodings */
enum {
    VF_PQ_PLAIN = 0,
    VF_PQ_PLAIN_DICTIONARY = 2,
    VF_PQ_RLE = 3,
    VF_PQ_BIT_PACKED = 4,
    VF_PQ_DELTA_BINARY_PACKED = 5,
    VF_PQ_DELTA_LENGTH_BYTE_ARRAY = 6,
    VF_PQ_DELTA_BYTE_ARRAY = 7,
    VF_PQ_RLE_DICTIONARY = 8,
    VF_PQ_BYTE_STREAM_SPLIT = 9
};
/* page types */
enum { VF_PQ_DATA_PAGE = 0, VF_PQ_INDEX_PAGE = 1, VF_PQ_DICTIONARY_PAGE = 2, VF_PQ_DATA_PAGE_V2 = 3 };

/* limits on what a footer may declare (docs/reliability.md) */
#define VF_PQ_MAX_FOOTER ((uint32_t)64 << 20)
#define VF_PQ_MAX_COLUMNS 4096u
#define VF_PQ_MAX_CHUNKS ((uint32_t)1 << 20) /* row groups x columns */

typedef struct vf_pq_schema {
    const uint8_t *name;
    uint32_t name_len;
    int32_t type; /* physical type, -1 for a group */
    int32_t type_length;
    int32_t repetition;     /* -1 when absent */
    int32_t num_children;   /* 0 for a leaf */
    int32_t converted_type; /* -1 when absent */
    int unsigned_int;       /* logical INTEGER(unsigned) or converted UINT_* */
} vf_pq_schema;

typedef struct vf_pq_chunk {
    int has_meta;
    int external; /* file_path set: the data is in another file */
    int32_t type, codec;
    uint32_t path_len; /* elements in path_in_schema */
    const uint8_t *path0;
    uint32_t path0_len;
    int64_t num_values, total_compressed;
    int64_t data_page_offset, dictionary_page_offset; /* -1 when absent */
} vf_pq_chunk;

typedef struct vf_pq_row_group {
    vf_pq_chunk *columns;
    uint32_t ncolumns;
    int64_t num_rows;
} vf_pq_row_group;

typedef struct vf_pq_meta {
    int32_t version;
    vf_pq_schema *schema;
    uint32_t nschema;
    int64_t num_rows;
    vf_pq_row_group *row_groups;
    uint32_t nrow_groups;
} vf_pq_meta;

/* Decodes a FileMetaData. Returns 0, or -1 with a static message in *why (the structs are
 * freed then). */
int vf_pq_meta_decode(const uint8_t *p, size_t n, vf_pq_meta *m, const char **why);
void vf_pq_meta_free(vf_pq_meta *m);

typedef struct vf_pq_page_header {
    int32_t type;
    int32_t uncompressed_size, compressed_size;
    int32_t num_values; /* data and dictionary pages */
    int32_t encoding;
    int32_t def_encoding, rep_encoding; /* v1 */
    int32_t num_nulls, num_rows;        /* v2 */
    int32_t def_length, rep_length;     /* v2: level bytes, before the values, never compressed */
    int is_compressed;                  /* v2 (default true) */
    int has_body;                       /* VF_PQ_HAS_*: which of the type-specific headers came */
} vf_pq_page_header;
enum { VF_PQ_HAS_V1 = 1, VF_PQ_HAS_DICT = 2, VF_PQ_HAS_V2 = 4 };

/* Decodes a PageHeader at the start of [p, p+n): 0 with *used its size, -1 with *why and
 * *truncated (1 when more bytes might let it decode). */
int vf_pq_page_header_decode(const uint8_t *p, size_t n, vf_pq_page_header *h, size_t *used, const char **why,
                             int *truncated);

#endif
