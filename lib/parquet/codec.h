/* codec.h — decompression of Parquet pages (snappy, gzip, zstd) into a buffer of the size the
 * page header declares: a page that decompresses to any other size is corrupt. */
#ifndef VF_PQ_CODEC_H
#define VF_PQ_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* Decompresses src[0, n) with codec (VF_PQ_SNAPPY, _GZIP, _ZSTD) into exactly `expect` bytes
 * at dst. Returns 0, or -1 with a static message in *why. */
int vf_pq_decompress(int codec, const uint8_t *src, size_t n, uint8_t *dst, size_t expect, const char **why);
/* Checks, where the compressed stream says it (snappy, zstd with a content size), that it
 * decompresses to `expect` bytes: 0, or -1 with *why. */
int vf_pq_check_size(int codec, const uint8_t *src, size_t n, size_t expect, const char **why);
/* The codec's name ("SNAPPY"), or NULL when Parquet defines none of that number. */
const char *vf_pq_codec_name(int codec);

#endif
