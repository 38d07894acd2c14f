/* compress.h — the page codecs of the Parquet writer: zstd, snappy, gzip (isa-l, with a gzip
 * header as Parquet's GZIP codec wants) and none. One compressor per writer (not shared
 * between threads). */
#ifndef VF_PQW_COMPRESS_H
#define VF_PQW_COMPRESS_H

#include <stddef.h>

/* Parquet's CompressionCodec values. */
typedef enum vf_pqw_codec {
    VF_PQW_CODEC_NONE = 0,
    VF_PQW_CODEC_SNAPPY = 1,
    VF_PQW_CODEC_GZIP = 2,
    VF_PQW_CODEC_ZSTD = 6
} vf_pqw_codec;

typedef struct vf_pqw_compressor vf_pqw_compressor;

/* level: zstd's level (0: its default, 3); unused by the others. NULL when out of memory. */
vf_pqw_compressor *vf_pqw_compressor_new(vf_pqw_codec codec, int level);
void vf_pqw_compressor_free(vf_pqw_compressor *c);
/* The most bytes vf_pqw_compress may write for n bytes of input. */
size_t vf_pqw_compress_bound(const vf_pqw_compressor *c, size_t n);
/* Compresses src[0..n) into dst (cap at least vf_pqw_compress_bound); returns the length, or
 * (size_t)-1 on failure. */
size_t vf_pqw_compress(vf_pqw_compressor *c, const void *src, size_t n, void *dst, size_t cap);
/* "zstd", "snappy", "gzip", "none" to a codec; -1 when unknown. */
int vf_pqw_codec_lookup(const char *name);

#endif
