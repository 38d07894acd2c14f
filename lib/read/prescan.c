/* prescan.c — counts lines and finds header lines in a chunk, 16 bytes at a time with SSE2
 * where the compiler targets it (every x86-64 does), else byte by byte. */
#include "read/prescan.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static void add_header(vf_prescan *out, size_t off, uint64_t line)
{
    /* two arrays of one capacity: each grows from it the same way; the smaller counts */
    size_t cap_off = out->cap, cap_line = out->cap;
    if (vf_grow(&out->header_off, &cap_off, out->nheaders + 1, sizeof *out->header_off) < 0 ||
        vf_grow(&out->header_line, &cap_line, out->nheaders + 1, sizeof *out->header_line) < 0) {
        out->failed = 1;
        return;
    }
    out->cap = cap_line;
    out->header_off[out->nheaders] = off;
    out->header_line[out->nheaders++] = line;
}

void vf_prescan_free(vf_prescan *out)
{
    free(out->header_off);
    free(out->header_line);
    memset(out, 0, sizeof *out);
}

/* A line that starts at q: is it a header? Only lines whose first byte is a-z get here. */
static void check_line(const char *base, const char *q, const char *end, vf_prescan *out, uint64_t line)
{
    const char *t = q;
    while (t < end && ((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') || *t == '-' || *t == '_'))
        t++;
    if (vpcflow_field_lookup(q, (size_t)(t - q)) < 0)
        return;
    const char *eol = memchr(q, '\n', (size_t)(end - q));
    if (!eol)
        eol = end;
    if (vpcflow_line_is_header(q, (size_t)(eol - q)))
        add_header(out, (size_t)(q - base), line);
}

void vf_prescan_run(const char *p, const char *end, vf_prescan *out)
{
    memset(out, 0, sizeof *out);
    const char *base = p;
    if (p < end && *p >= 'a' && *p <= 'z')
        check_line(base, p, end, out, 1);
    uint64_t lines = 0;
#if defined(__SSE2__)
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i lo = _mm_set1_epi8('a' - 1), hi = _mm_set1_epi8('z' + 1);
    while (end - p >= 17) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, nl));
        if (m) {
            unsigned az = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(y, lo), _mm_cmplt_epi8(y, hi)));
            for (unsigned c = m & az; c; c &= c - 1) {
                unsigned bit = (unsigned)__builtin_ctz(c);
                uint64_t before = lines; /* newlines up to and including this one */
                for (unsigned b = m & ((2u << bit) - 1); b; b &= b - 1)
                    before++;
                check_line(base, p + bit + 1, end, out, before + 1);
            }
            for (unsigned b = m; b; b &= b - 1) /* a line is ~100 bytes: at most a bit or two */
                lines++;
        }
        p += 16;
    }
#endif
    for (; p < end; p++) {
        if (*p != '\n')
            continue;
        lines++;
        if (p + 1 < end && p[1] >= 'a' && p[1] <= 'z')
            check_line(base, p + 1, end, out, lines + 1);
    }
    out->lines = lines;
}
