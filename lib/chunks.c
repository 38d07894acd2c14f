/* chunks.c — reading a chunk of a large plain file at line boundaries (see chunks.h). */
#include "chunks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bytes read past a chunk's nominal end to finish its last line; more is read when a line is
 * longer. */
#define OVERREAD ((size_t)256 << 10)

static int reserve(vf_chunkbuf *b, size_t need)
{
    if (need + VF_PAD + 1 <= b->cap)
        return 0;
    size_t ncap = b->cap ? b->cap : ((size_t)4 << 20);
    while (ncap < need + VF_PAD + 1)
        ncap *= 2;
    char *nb = realloc(b->buf, ncap);
    if (!nb)
        return -1;
    b->buf = nb;
    b->cap = ncap;
    return 0;
}

void vf_chunkbuf_free(vf_chunkbuf *b)
{
    free(b->buf);
    b->buf = NULL;
    b->cap = 0;
}

/* Reads exactly n bytes at off (fewer only at the end of the file); returns the count. */
static long read_at(int fd, char *dst, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, dst + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (long)got;
}

int vf_chunk_read(int fd, const char *path, uint64_t size, uint64_t nominal_off, uint64_t nominal_end, size_t max_line,
                  vf_chunkbuf *b, size_t *start, size_t *end, vpcflow_error *err)
{
    /* from the byte before the chunk: it tells whether the chunk starts a line */
    uint64_t from = nominal_off ? nominal_off - 1 : 0;
    size_t want = (size_t)(nominal_end - from) + (nominal_end < size ? OVERREAD : 0);
    if (want > size - from)
        want = (size_t)(size - from);
    if (reserve(b, want) < 0) {
        vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "out of memory");
        return -1;
    }
    long n = read_at(fd, b->buf, want, from);
    if (n < 0) {
        vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "read error: %s", strerror(errno));
        return -1;
    }
    size_t len = (size_t)n;
    /* start: after the first '\n' at or after nominal_off - 1 */
    size_t s = 0;
    if (nominal_off) {
        const char *nl = memchr(b->buf, '\n', len);
        s = nl ? (size_t)(nl - b->buf) + 1 : len;
    }
    /* end: after the first '\n' at or after nominal_end - 1, reading on for long lines */
    size_t e = len;
    if (nominal_end < size) {
        size_t look = (size_t)(nominal_end - 1 - from);
        if (look < s)
            look = s;
        for (;;) {
            const char *nl = look < len ? memchr(b->buf + look, '\n', len - look) : NULL;
            if (nl) {
                e = (size_t)(nl - b->buf) + 1;
                break;
            }
            if (from + len >= size) { /* the file's last line */
                e = len;
                break;
            }
            if (len - s > max_line) {
                vf_error(err, VPCFLOW_ERR_INPUT, path, 0, 0, "line longer than %zu MiB", max_line >> 20);
                return -1;
            }
            size_t more = len < OVERREAD ? OVERREAD : len;
            if (reserve(b, len + more) < 0) {
                vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "out of memory");
                return -1;
            }
            long m = read_at(fd, b->buf + len, more, from + len);
            if (m < 0) {
                vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "read error: %s", strerror(errno));
                return -1;
            }
            look = len;
            len += (size_t)m;
            if (m == 0) {
                e = len;
                break;
            }
        }
    }
    if (e < s)
        e = s; /* a chunk inside one long line: nothing of its own */
    if (e > s && b->buf[e - 1] != '\n') {
        if (reserve(b, e + 1) < 0) {
            vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "out of memory");
            return -1;
        }
        b->buf[e++] = '\n';
    }
    memset(b->buf + e, 0, VF_PAD);
    *start = s;
    *end = e;
    return 0;
}

long vf_first_text(const char *p, const char *end)
{
    const char *line = p;
    while (line < end) {
        const char *q = line;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < end && *q != '\n')
            return (long)(line - p);
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        if (!nl)
            break;
        line = nl + 1;
    }
    return -1;
}
