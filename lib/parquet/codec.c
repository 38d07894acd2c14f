/* codec.c — page decompression with the system's libsnappy, libzstd and isa-l (gzip). */
#include "parquet/codec.h"

#include "parquet/meta.h"

#include <isa-l/igzip_lib.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

const char *vf_pq_codec_name(int codec)
{
    static const char *const names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
    return codec >= 0 && codec < (int)(sizeof names / sizeof names[0]) ? names[codec] : NULL;
}

int vf_pq_check_size(int codec, const uint8_t *src, size_t n, size_t expect, const char **why)
{
    size_t len;
    if (codec == VF_PQ_SNAPPY &&
        (snappy_uncompressed_length((const char *)src, n, &len) != SNAPPY_OK || len != expect)) {
        *why = "corrupt SNAPPY page (its size differs from its header's)";
        return -1;
    }
    if (codec == VF_PQ_ZSTD) {
        unsigned long long size = ZSTD_getFrameContentSize(src, n);
        if (size == ZSTD_CONTENTSIZE_ERROR || (size != ZSTD_CONTENTSIZE_UNKNOWN && size != expect)) {
            *why = "corrupt ZSTD page (its size differs from its header's)";
            return -1;
        }
    }
    return 0;
}

static int gunzip(const uint8_t *src, size_t n, uint8_t *dst, size_t expect, const char **why)
{
    struct inflate_state *st = malloc(sizeof *st); /* large: not on the stack */
    if (!st) {
        *why = "out of memory";
        return -1;
    }
    isal_inflate_init(st);
    st->crc_flag = ISAL_GZIP;
    st->next_in = (uint8_t *)src;
    st->avail_in = (uint32_t)n;
    st->next_out = dst;
    st->avail_out = (uint32_t)expect;
    int rc = isal_inflate(st);
    int ok = rc == ISAL_DECOMP_OK && st->block_state == ISAL_BLOCK_FINISH && st->avail_out == 0;
    if (!ok)
        *why = rc == ISAL_DECOMP_OK && st->block_state != ISAL_BLOCK_FINISH
                   ? "corrupt GZIP page (truncated, or larger than its header says)"
               : rc == ISAL_DECOMP_OK ? "corrupt GZIP page (smaller than its header says)"
                                      : "corrupt GZIP page";
    free(st);
    return ok ? 0 : -1;
}

int vf_pq_decompress(int codec, const uint8_t *src, size_t n, uint8_t *dst, size_t expect, const char **why)
{
    switch (codec) {
    case VF_PQ_SNAPPY: {
        size_t len;
        if (snappy_uncompressed_length((const char *)src, n, &len) != SNAPPY_OK) {
            *why = "corrupt SNAPPY page";
            return -1;
        }
        if (len != expect) {
            *why = "corrupt SNAPPY page (its size differs from its header's)";
            return -1;
        }
        if (snappy_uncompress((const char *)src, n, (char *)dst, &len) != SNAPPY_OK || len != expect) {
            *why = "corrupt SNAPPY page";
            return -1;
        }
        return 0;
    }
    case VF_PQ_GZIP:
        if (n > UINT32_MAX || expect > UINT32_MAX) {
            *why = "GZIP page too large";
            return -1;
        }
        return gunzip(src, n, dst, expect, why);
    case VF_PQ_ZSTD: {
        size_t r = ZSTD_decompress(dst, expect, src, n);
        if (ZSTD_isError(r)) {
            *why = ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall
                       ? "corrupt ZSTD page (larger than its header says)"
                       : "corrupt ZSTD page";
            return -1;
        }
        if (r != expect) {
            *why = "corrupt ZSTD page (smaller than its header says)";
            return -1;
        }
        return 0;
    }
    default:
        *why = "unsupported compression codec";
        return -1;
    }
}
