/* compress.c — page compression for the Parquet writer (compress.h). */
#include "parquet/compress.h"

#include "base/internal.h"

#include <isa-l/igzip_lib.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

struct vf_pqw_compressor {
    vf_pqw_codec codec;
    int level;
    ZSTD_CCtx *zstd;
    unsigned char *level_buf; /* isa-l's level-1 state */
    struct isal_zstream gz;
};

vf_pqw_compressor *vf_pqw_compressor_new(vf_pqw_codec codec, int level)
{
    vf_pqw_compressor *c = vf_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->codec = codec;
    c->level = level ? level : 3;
    if (codec == VF_PQW_CODEC_ZSTD && !(c->zstd = ZSTD_createCCtx())) {
        free(c);
        return NULL;
    }
    if (codec == VF_PQW_CODEC_GZIP && !(c->level_buf = malloc(ISAL_DEF_LVL1_DEFAULT))) {
        free(c);
        return NULL;
    }
    return c;
}

void vf_pqw_compressor_free(vf_pqw_compressor *c)
{
    if (!c)
        return;
    ZSTD_freeCCtx(c->zstd);
    free(c->level_buf);
    free(c);
}

size_t vf_pqw_compress_bound(const vf_pqw_compressor *c, size_t n)
{
    switch (c->codec) {
    case VF_PQW_CODEC_ZSTD:
        return ZSTD_compressBound(n);
    case VF_PQW_CODEC_SNAPPY:
        return snappy_max_compressed_length(n);
    case VF_PQW_CODEC_GZIP:
        /* stored blocks at worst: 5 bytes per 64 KiB, the header and trailer */
        return n + (n >> 10) + 5 * (n / 65535 + 1) + ISAL_DEF_MAX_HDR_SIZE + 64;
    default:
        return n;
    }
}

size_t vf_pqw_compress(vf_pqw_compressor *c, const void *src, size_t n, void *dst, size_t cap)
{
    switch (c->codec) {
    case VF_PQW_CODEC_ZSTD: {
        size_t r = ZSTD_compressCCtx(c->zstd, dst, cap, src, n, c->level);
        return ZSTD_isError(r) ? (size_t)-1 : r;
    }
    case VF_PQW_CODEC_SNAPPY: {
        size_t len = cap;
        return snappy_compress(src, n, dst, &len) == SNAPPY_OK ? len : (size_t)-1;
    }
    case VF_PQW_CODEC_GZIP: {
        if (n > UINT32_MAX || cap > UINT32_MAX)
            return (size_t)-1;
        struct isal_zstream *z = &c->gz;
        isal_deflate_stateless_init(z);
        z->gzip_flag = IGZIP_GZIP;
        z->level = 1;
        z->level_buf = c->level_buf;
        z->level_buf_size = ISAL_DEF_LVL1_DEFAULT;
        z->next_in = (uint8_t *)(uintptr_t)src;
        z->avail_in = (uint32_t)n;
        z->next_out = dst;
        z->avail_out = (uint32_t)cap;
        z->end_of_stream = 1;
        z->flush = NO_FLUSH;
        if (isal_deflate_stateless(z) != COMP_OK || z->avail_in != 0)
            return (size_t)-1;
        return z->total_out;
    }
    default:
        if (n > cap)
            return (size_t)-1;
        memcpy(dst, src, n);
        return n;
    }
}

int vf_pqw_codec_lookup(const char *name)
{
    static const struct {
        const char *name;
        vf_pqw_codec codec;
    } names[] = {{"zstd", VF_PQW_CODEC_ZSTD},
                 {"snappy", VF_PQW_CODEC_SNAPPY},
                 {"gzip", VF_PQW_CODEC_GZIP},
                 {"none", VF_PQW_CODEC_NONE},
                 {"uncompressed", VF_PQW_CODEC_NONE}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i].name) == 0)
            return (int)names[i].codec;
    return -1;
}
