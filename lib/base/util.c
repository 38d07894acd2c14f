/* util.c — error filling, allocation and hashing helpers shared by the library. */
#include "base/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

vpcflow_status vf_error(vpcflow_error *err, vpcflow_status st, const char *file, uint64_t line, uint32_t column,
                        const char *fmt, ...)
{
    if (!err)
        return st;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return st;
}

void vpcflow_error_format(const vpcflow_error *err, char *buf, size_t cap)
{
    if (!cap)
        return;
    size_t n = 0;
    buf[0] = 0;
    if (err->file[0]) {
        n += (size_t)snprintf(buf + n, cap - n, "%s:", err->file);
        if (n < cap && err->line)
            n += (size_t)snprintf(buf + n, cap - n, "%llu:", (unsigned long long)err->line);
        if (n < cap && err->line && err->column)
            n += (size_t)snprintf(buf + n, cap - n, "%u:", err->column);
        if (n < cap)
            n += (size_t)snprintf(buf + n, cap - n, " ");
    }
    if (n < cap)
        snprintf(buf + n, cap - n, "%s", err->message);
}

const char *vpcflow_version(void)
{
    return VPCFLOW_VERSION;
}

void *vf_calloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size ? size : 1);
}

char *vf_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

uint64_t vf_hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x243f6a8885a308d3ull ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = vf_mix64(h, w);
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    return vf_mix64(h, w ^ 0xa0761d6478bd642full);
}

unsigned vf_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

vpcflow_status vf_read_file(const char *path, size_t max, const char *what, char **data, size_t *len,
                            vpcflow_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    size_t cap = 0, n = 0;
    char *buf = NULL;
    vpcflow_status st = VPCFLOW_OK;
    while (st == VPCFLOW_OK) {
        if (n > max) {
            st = vf_error(err, VPCFLOW_ERR_INPUT, path, 0, 0, "larger than %zu MiB: not %s", max >> 20, what);
            break;
        }
        if (n + 1 >= cap && vf_grow(&buf, &cap, VF_MAX(n + 2, (size_t)1 << 16), 1) < 0) {
            st = vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "out of memory");
            break;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0 && ferror(f))
            st = vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "read error: %s", strerror(errno));
        else if (got == 0 && n <= max)
            break;
    }
    fclose(f);
    if (st) {
        free(buf);
        return st;
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
    return VPCFLOW_OK;
}
