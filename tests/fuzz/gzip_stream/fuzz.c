/* fuzz.c — libFuzzer target for the streaming gzip decoder (lib/read/gzip.c), differential: a
 * stream fed in small pieces, each in a newly allocated buffer (what is left of the last one
 * moved into it and the old one freed, as a file reader refills its buffer), with little output
 * room per call, must decode exactly as the same stream fed whole: same bytes, same verdict.
 * isa-l gives back, at a member's end, bytes it read ahead, which may belong to an earlier
 * piece; ASan sees any read of a freed piece. The first bytes choose the shape:
 *   data[0]: piece size (1..64, or 4096), data[1]: output room per call (1..64, or 65536),
 *   data[2]: bit 0 set: the rest is the stream as it is; clear: the rest is split in up to
 *            four members compressed here (isa-l, levels 0..3 by data[3]) with zero padding
 *            between them when bit 1 is set.
 */
#include "read/gzip.h"

#include <isa-l/igzip_lib.h>
#include <stdlib.h>
#include <string.h>

static size_t compress_member(const uint8_t *p, size_t n, int level, uint8_t *out, size_t cap)
{
    struct isal_zstream z;
    isal_deflate_init(&z);
    z.gzip_flag = IGZIP_GZIP;
    z.level = (uint32_t)level;
    static uint8_t lvl_buf[ISAL_DEF_LVL3_LARGE];
    z.level_buf = level ? lvl_buf : NULL;
    z.level_buf_size = level ? sizeof lvl_buf : 0;
    z.end_of_stream = 1;
    z.flush = NO_FLUSH;
    z.next_in = (uint8_t *)(uintptr_t)p;
    z.avail_in = (uint32_t)n;
    z.next_out = out;
    z.avail_out = (uint32_t)cap;
    if (isal_deflate(&z) != COMP_OK || z.internal_state.state != ZSTATE_END)
        return 0;
    return z.total_out;
}

/* decodes s[0, n) fed `piece` bytes at a time with `room` bytes of output per call */
static int decode(const uint8_t *s, size_t n, size_t piece, size_t room, char *out, size_t cap, size_t *got)
{
    vf_gz *gz = vf_gz_new();
    size_t fed = 0, keep = 0;
    unsigned char *buf = NULL;
    int done = 0, rc = 0;
    *got = 0;
    for (int calls = 0; !done; calls++) {
        size_t add = n - fed < piece ? n - fed : piece;
        unsigned char *nb = malloc(keep + add + 1);
        if (keep)
            memcpy(nb, buf, keep);
        memcpy(nb + keep, s + fed, add);
        free(buf);
        buf = nb;
        fed += add;
        const unsigned char *p = buf;
        size_t left = keep + add;
        const char *why = NULL;
        size_t r = cap - *got < room ? cap - *got : room;
        long k = vf_gz_inflate(gz, &p, &left, fed == n, out + *got, r, &done, &why);
        if (k < 0) {
            if (!why || !*why)
                abort(); /* a failure carries a message */
            rc = -1;
            break;
        }
        *got += (size_t)k;
        if (*got == cap) { /* more than the cap: stop, both runs stop at the same place */
            rc = 1;
            break;
        }
        if (k == 0 && add == 0 && left == keep && fed == n && !done && calls > 1000000)
            abort(); /* no progress */
        memmove(buf, p, left);
        keep = left;
    }
    free(buf);
    vf_gz_free(gz);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size > 16384)
        return 0;
    size_t piece = data[0] % 65 ? data[0] % 65 : 4096;
    size_t room = data[1] % 65 ? data[1] % 65 : 65536;
    int raw = data[2] & 1, pad = data[2] & 2;
    const uint8_t *rest = data + 4;
    size_t n = size - 4;
    uint8_t *stream = malloc(2 * n + 4096);
    size_t sn = 0;
    if (raw) {
        memcpy(stream, rest, n);
        sn = n;
    } else {
        size_t parts = (size_t)(data[3] & 3) + 1;
        for (size_t i = 0; i < parts; i++) {
            size_t a = n * i / parts, b = n * (i + 1) / parts;
            size_t z =
                compress_member(rest + a, b - a, (data[3] >> (2 + i % 3)) & 3, stream + sn, 2 * n + 4096 - sn - 8);
            if (!z) {
                free(stream);
                return 0;
            }
            sn += z;
            if (pad && i + 1 < parts)
                for (int k = 0; k < 3; k++)
                    stream[sn++] = 0;
        }
    }
    size_t cap = 4 * 16384 + 64;
    char *whole = malloc(cap), *parts = malloc(cap);
    size_t wn, pn;
    int wr = decode(stream, sn, sn ? sn : 1, cap, whole, cap, &wn);
    int pr = decode(stream, sn, piece, room, parts, cap, &pn);
    if (wr != pr || (wr == 0 && (wn != pn || memcmp(whole, parts, wn) != 0)))
        abort();
    if (!raw && (wr != 0 || wn != n || memcmp(whole, rest, n) != 0))
        abort(); /* what was compressed here decodes to itself */
    free(whole);
    free(parts);
    free(stream);
    return 0;
}
