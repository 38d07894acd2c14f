/* chunks.c — reading a chunk of a large plain file at line boundaries (see chunks.h). */
#include "read/chunks.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bytes read past a chunk's nominal end to finish its last line; more is read when a line is
 * longer. */
#define OVERREAD ((size_t)256 << 10)

static int reserve(vf_chunkbuf *b, size_t need)
{
    return vf_grow(&b->buf, &b->cap, VF_MAX(need + VF_PAD + 1, (size_t)4 << 20), 1); /* 4 MiB at first */
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

static vpcflow_status fail_read(vpcflow_error *err, const char *path)
{
    return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "read error: %s", strerror(errno));
}

static vpcflow_status fail_memory(vpcflow_error *err, const char *path)
{
    return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "out of memory");
}

/* The chunk's bytes so far: b->buf[0, len) holds the file from offset `from`. */
typedef struct window {
    int fd;
    const char *path;
    uint64_t size, from;
    size_t len, max_line;
    vf_chunkbuf *b;
} window;

/* Sets *pos just after the first '\n' at or after buffer offset `look`, reading on as needed;
 * the end of the file when there is none; SIZE_MAX when the line, which started at buffer
 * offset `line` (or before it), is longer than max_line. */
static vpcflow_status line_end(window *w, size_t look, size_t line, size_t *pos, vpcflow_error *err)
{
    for (;;) {
        const char *nl = look < w->len ? memchr(w->b->buf + look, '\n', w->len - look) : NULL;
        if (nl) {
            *pos = (size_t)(nl - w->b->buf) + 1;
            if (*pos - line > w->max_line + 1) /* more than max_line bytes before its '\n' */
                *pos = SIZE_MAX;
            return VPCFLOW_OK;
        }
        if (w->from + w->len >= w->size) { /* the file's last line */
            *pos = w->len;
            return VPCFLOW_OK;
        }
        if (w->len - line > w->max_line) {
            *pos = SIZE_MAX;
            return VPCFLOW_OK;
        }
        size_t more = w->len < OVERREAD ? OVERREAD : w->len;
        if (reserve(w->b, w->len + more) < 0)
            return fail_memory(err, w->path);
        long m = read_at(w->fd, w->b->buf + w->len, more, w->from + w->len);
        if (m < 0)
            return fail_read(err, w->path);
        look = w->len;
        w->len += (size_t)m;
        if (m == 0) {
            *pos = w->len;
            return VPCFLOW_OK;
        }
    }
}

vpcflow_status vf_chunk_read(int fd, const char *path, uint64_t size, uint64_t nominal_off, uint64_t nominal_end,
                             size_t max_line, vf_chunkbuf *b, size_t *start, size_t *end, uint64_t *long_line,
                             vpcflow_error *err)
{
    *long_line = UINT64_MAX;
    /* A chunk owns the lines that start in [nominal_off, nominal_end). Reading from the byte
     * before the chunk tells whether a line starts at nominal_off. */
    uint64_t from = nominal_off ? nominal_off - 1 : 0;
    size_t want = (size_t)(nominal_end - from) + (nominal_end < size ? OVERREAD : 0);
    if (want > size - from)
        want = (size_t)(size - from);
    if (reserve(b, want) < 0)
        return fail_memory(err, path);
    long n = read_at(fd, b->buf, want, from);
    if (n < 0)
        return fail_read(err, path);
    window w = {fd, path, size, from, (size_t)n, max_line, b};
    /* start: after the first '\n' at or after nominal_off - 1 */
    size_t s = 0;
    vpcflow_status st = nominal_off ? line_end(&w, 0, 0, &s, err) : VPCFLOW_OK;
    if (st != VPCFLOW_OK)
        return st;
    if (s == SIZE_MAX) { /* the whole chunk is inside a line longer than max_line */
        *start = *end = 0;
        memset(b->buf, 0, VF_PAD);
        return VPCFLOW_OK;
    }
    /* end: after the first '\n' at or after nominal_end - 1, the next chunk's start */
    size_t e = w.len;
    if (nominal_end < size && nominal_end - 1 - from < w.len) { /* (else the file shrank: all of it) */
        size_t look = (size_t)(nominal_end - 1 - from), line = s;
        const char *nl = look > s ? memrchr(b->buf + s, '\n', look - s) : NULL;
        if (nl)
            line = (size_t)(nl - b->buf) + 1; /* the start of the line that holds byte nominal_end - 1 */
        if ((st = line_end(&w, look, line, &e, err)) != VPCFLOW_OK)
            return st;
        if (e == SIZE_MAX) { /* that line is too long: the chunk ends before it */
            *long_line = from + line;
            e = line;
        }
    }
    if (e < s)
        e = s; /* a chunk inside one long line: nothing of its own */
    if (e > s && b->buf[e - 1] != '\n') {
        if (reserve(b, e + 1) < 0)
            return fail_memory(err, path);
        b->buf[e++] = '\n';
    }
    memset(b->buf + e, 0, VF_PAD);
    *start = s;
    *end = e;
    return VPCFLOW_OK;
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
