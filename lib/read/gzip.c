/* gzip.c — isa-l's igzip inflate wrapped for streaming: multi-member files, truncation and
 * corruption reported, trailing zero padding tolerated. isa-l was measured faster than
 * libdeflate here (docs/performance.md) and, unlike libdeflate, it streams. */
#include "read/gzip.h"

#include <isa-l/igzip_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vf_gz {
    struct inflate_state st;
    int in_member;       /* inside a member (header seen, end not yet) */
    int any_member;      /* at least one member started */
    const char *pending; /* an error met after some output: returned by the next call */
    char msg[160];
    /* At a member's end isa-l gives back the bytes its bit buffer read past the trailer by
     * moving next_in back, and those may have come from an earlier call's input,
     * which the caller has since moved or freed. So the last bytes fed are kept (tail), and
     * bytes given back from before the current input are read from carry before it. isa-l holds
     * at most its tmp_in_buffer (ISAL_DEF_MAX_HDR_SIZE bytes) and its 8-byte bit buffer. */
    unsigned char tail[ISAL_DEF_MAX_HDR_SIZE + 184];
    size_t tail_len;
    unsigned char carry[2 * (ISAL_DEF_MAX_HDR_SIZE + 184)];
    size_t carry_len;
};

vf_gz *vf_gz_new(void)
{
    vf_gz *gz = malloc(sizeof *gz);
    if (gz)
        vf_gz_reset(gz);
    return gz;
}

void vf_gz_free(vf_gz *gz)
{
    free(gz);
}

void vf_gz_reset(vf_gz *gz)
{
    isal_inflate_init(&gz->st);
    gz->st.crc_flag = ISAL_GZIP;
    gz->in_member = 0;
    gz->any_member = 0;
    gz->pending = NULL;
    gz->tail_len = 0;
    gz->carry_len = 0;
}

static const char *isal_why(int rc)
{
    switch (rc) {
    case ISAL_INCORRECT_CHECKSUM:
        return "corrupt gzip data (CRC mismatch)";
    case ISAL_INVALID_WRAPPER:
        return "corrupt gzip data (bad header)";
    case ISAL_UNSUPPORTED_METHOD:
        return "unsupported gzip compression method";
    default:
        return "corrupt gzip data (invalid deflate block)";
    }
}

/* An error: the text decoded before it is returned first, the error on the next call. */
static long fail(vf_gz *gz, const char **why, const char *msg, size_t produced)
{
    if (produced) {
        gz->pending = msg;
        return (long)produced;
    }
    *why = msg;
    return -1;
}

/* A member's trailer did not match: which of its CRC and its size (ISIZE) is wrong. The trailer
 * is the last 8 bytes fed (tail). */
static const char *trailer_why(vf_gz *gz)
{
    if (gz->tail_len >= 8) {
        const unsigned char *t = gz->tail + gz->tail_len - 4;
        uint32_t isize = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
        if (isize != gz->st.total_out) {
            snprintf(gz->msg, sizeof gz->msg,
                     "corrupt gzip data (ISIZE mismatch: the trailer says %lu bytes, %lu were decoded)",
                     (unsigned long)isize, (unsigned long)gz->st.total_out);
            return gz->msg;
        }
    }
    return "corrupt gzip data (CRC mismatch)";
}

/* Keeps the last bytes of p[0, n) after those already in tail. */
static void remember(vf_gz *gz, const unsigned char *p, size_t n)
{
    const size_t cap = sizeof gz->tail;
    if (n >= cap) {
        memcpy(gz->tail, p + n - cap, cap);
        gz->tail_len = cap;
        return;
    }
    if (gz->tail_len + n > cap) {
        size_t drop = gz->tail_len + n - cap;
        memmove(gz->tail, gz->tail + drop, gz->tail_len - drop);
        gz->tail_len -= drop;
    }
    memcpy(gz->tail + gz->tail_len, p, n);
    gz->tail_len += n;
}

/* Consumes n bytes of the stream: from carry when it holds any, else from the caller's input. */
static void take(vf_gz *gz, const unsigned char **in, size_t *in_len, size_t n)
{
    if (gz->carry_len) {
        memmove(gz->carry, gz->carry + n, gz->carry_len - n);
        gz->carry_len -= n;
    } else {
        *in += n;
        *in_len -= n;
    }
}

long vf_gz_inflate(vf_gz *gz, const unsigned char **in, size_t *in_len, int at_eof, char *out, size_t out_cap,
                   int *done, const char **why)
{
    size_t produced = 0;
    *done = 0;
    if (gz->pending) {
        *why = gz->pending;
        return -1;
    }
    while (produced < out_cap) {
        /* the stream goes on in carry first, then in the caller's input */
        const unsigned char *src = gz->carry_len ? gz->carry : *in;
        size_t slen = gz->carry_len ? gz->carry_len : *in_len;
        if (!gz->in_member) {
            /* between members: skip zero padding, expect a new gzip header or the end */
            if (slen && *src == 0) {
                size_t z = 1;
                while (z < slen && src[z] == 0)
                    z++;
                take(gz, in, in_len, z);
                continue;
            }
            if (slen == 0) {
                if (at_eof) {
                    if (!gz->any_member)
                        return fail(gz, why, "empty gzip file", produced);
                    *done = 1;
                }
                return (long)produced;
            }
            unsigned char magic[2];
            size_t mn = 0;
            for (size_t i = 0; i < gz->carry_len && mn < 2; i++)
                magic[mn++] = gz->carry[i];
            for (size_t i = 0; i < *in_len && mn < 2; i++)
                magic[mn++] = (*in)[i];
            if (mn < 2) {
                if (!at_eof)
                    return (long)produced; /* wait for more input to see the magic */
                return fail(gz, why, "trailing data after the gzip stream", produced);
            }
            if (!vf_is_gzip(magic, mn))
                return fail(gz, why, gz->any_member ? "trailing data after the gzip stream" : "not gzip data",
                            produced);
            isal_inflate_reset(&gz->st);
            gz->st.crc_flag = ISAL_GZIP;
            gz->in_member = 1;
            gz->any_member = 1;
            gz->tail_len = 0;
        }
        size_t feed = slen > UINT32_MAX ? UINT32_MAX : slen;
        size_t room = out_cap - produced;
        if (room > UINT32_MAX)
            room = UINT32_MAX;
        gz->st.next_in = (uint8_t *)(uintptr_t)src;
        gz->st.avail_in = (uint32_t)feed;
        gz->st.next_out = (uint8_t *)out + produced;
        gz->st.avail_out = (uint32_t)room;
        int rc = isal_inflate(&gz->st);
        produced += room - gz->st.avail_out;
        if (gz->st.avail_in > feed) {
            /* bytes given back from before src: the last ones fed, kept in tail */
            size_t back = gz->st.avail_in - feed;
            if (back > gz->tail_len || back + gz->carry_len > sizeof gz->carry)
                return fail(gz, why, "corrupt gzip data (the decoder gave back more than it read)", produced);
            unsigned char joined[sizeof gz->carry];
            memcpy(joined, gz->tail + gz->tail_len - back, back);
            if (gz->carry_len)
                memcpy(joined + back, gz->carry, gz->carry_len);
            gz->carry_len += back;
            memcpy(gz->carry, joined, gz->carry_len);
            gz->tail_len -= back;
        } else {
            size_t used = feed - gz->st.avail_in;
            remember(gz, src, used);
            take(gz, in, in_len, used);
        }
        if (rc == ISAL_INCORRECT_CHECKSUM && gz->st.block_state == ISAL_BLOCK_FINISH)
            return fail(gz, why, trailer_why(gz), produced);
        if (rc < 0)
            return fail(gz, why, isal_why(rc), produced);
        if (gz->st.block_state == ISAL_BLOCK_FINISH) {
            gz->in_member = 0;
            continue;
        }
        if (gz->st.avail_out == 0)
            break;
        if (gz->carry_len == 0 && *in_len == 0) { /* all input consumed, member not finished */
            if (at_eof)
                return fail(gz, why, "truncated gzip data (unexpected end of file)", produced);
            break;
        }
    }
    return (long)produced;
}

int vf_gunzip_all(const void *in, size_t n, char **out, size_t *out_len, size_t max_out, char *why, size_t why_cap)
{
    /* the decoder's messages live in its state, which is freed here: they are copied out */
    const char *msg = NULL;
    vf_gz *gz = vf_gz_new();
    size_t cap = VF_MIN(n * 4 + 4096, max_out + 1), len = 0;
    char *buf = malloc(cap);
    int rc = VF_GUNZIP_NOMEM;
    if (!gz || !buf) {
        free(buf);
        vf_gz_free(gz);
        snprintf(why, why_cap, "out of memory");
        return rc;
    }
    const unsigned char *p = in;
    size_t left = n;
    for (;;) {
        /* one byte of room over the limit tells a stream that ends at it */
        if (len == cap && vf_grow_max(&buf, &cap, len + 1, 1, max_out + 1) < 0) {
            msg = "out of memory";
            goto fail;
        }
        int done;
        long got = vf_gz_inflate(gz, &p, &left, 1, buf + len, cap - len, &done, &msg);
        if (got < 0) {
            rc = VF_GUNZIP_BAD;
            goto fail;
        }
        len += (size_t)got;
        if (len > max_out) {
            msg = "decompressed data is too large";
            rc = VF_GUNZIP_TOO_LARGE;
            goto fail;
        }
        if (done)
            break;
    }
    vf_gz_free(gz);
    *out = buf;
    *out_len = len;
    return 0;
fail:
    snprintf(why, why_cap, "%s", msg ? msg : "corrupt gzip data");
    free(buf);
    vf_gz_free(gz);
    return rc;
}
