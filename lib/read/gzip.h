/* gzip.h — gzip decompression with isa-l: a streaming decoder for files and stdin (bounded
 * memory, multi-member), and a whole-buffer helper for small nested payloads. */
#ifndef VF_GZIP_H
#define VF_GZIP_H

#include "base/internal.h"

static inline int vf_is_gzip(const unsigned char *p, size_t n)
{
    return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

typedef struct vf_gz vf_gz;
vf_gz *vf_gz_new(void);
void vf_gz_free(vf_gz *gz);
/* Starts a new stream. */
void vf_gz_reset(vf_gz *gz);
/* Decompresses from *in (advanced) into out; returns bytes written, and sets *done when the
 * last member ended and all input was consumed (call with in_len 0 and at_eof to finish).
 * Returns -1 with *why on corrupt data or, at_eof, on a truncated stream. */
long vf_gz_inflate(vf_gz *gz, const unsigned char **in, size_t *in_len, int at_eof, char *out, size_t out_cap,
                   int *done, const char **why);

/* Decompresses a whole gzip buffer (all members) into a malloc'ed buffer, at most max_out
 * bytes. Returns 0, or with what is wrong in why[0, why_cap) VF_GUNZIP_BAD (corrupt or
 * truncated data), VF_GUNZIP_TOO_LARGE (more than max_out bytes) or VF_GUNZIP_NOMEM (out of
 * memory). */
enum { VF_GUNZIP_BAD = -1, VF_GUNZIP_TOO_LARGE = -2, VF_GUNZIP_NOMEM = -3 };
int vf_gunzip_all(const void *in, size_t n, char **out, size_t *out_len, size_t max_out, char *why, size_t why_cap);

#endif
