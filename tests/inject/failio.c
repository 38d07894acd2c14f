/* failio.c — LD_PRELOAD shim for I/O-failure tests (tests/cli/io_failure.sh).
 *
 *   VF_FAIL_IO=read:eio:N       the N-th read or pread (1-based) fails with EIO
 *   VF_FAIL_IO=read:short       every read or pread returns 1 to 13 bytes at most
 *   VF_FAIL_IO=read:eintr       every other read or pread fails with EINTR first
 *   VF_FAIL_IO=write:enospc:N   the N-th write fails with ENOSPC, and every one after it
 *   VF_FAIL_IO=write:eio:N      the same with EIO
 *   VF_FAIL_IO=write:short      every write writes 1 to 13 bytes at most
 *   VF_IO_REPORT=PATH           at exit, append "reads=R writes=W" (calls seen) to PATH
 *
 * read, pread and pread64 are wrapped (the flow logs and stdin are read with them; JSON
 * files are read through stdio, whose own reads cannot be wrapped). Writes: write itself
 * (the stdin spool of summary and top) and standard output, which is replaced in the
 * constructor by a stdio stream whose writes come here, so that every flush of stdout counts
 * as one write. Counting starts in the constructor, before main. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum { NONE, EIO_AT, SHORT, EINTR_ALT, ENOSPC_AT };

static int read_mode, write_mode;
static uint64_t read_at, write_at, reads, writes;
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_pread)(int, void *, size_t, off_t);
static ssize_t (*real_pread64)(int, void *, size_t, off_t);
static ssize_t (*real_write)(int, const void *, size_t);

/* What call number c of a kind in `mode` must do: 0 go on (n may be cut), or -1 with errno set.
 * A failing read fails once (call `at`), a failing write from call `at` on (a full disk stays
 * full). */
static int fault(int mode, uint64_t at, int sticky, uint64_t c, size_t *n)
{
    switch (mode) {
    case EIO_AT:
    case ENOSPC_AT:
        if (sticky ? c >= at : c == at) {
            errno = mode == EIO_AT ? EIO : ENOSPC;
            return -1;
        }
        break;
    case SHORT:
        if (*n > 1 + c % 13)
            *n = 1 + c % 13;
        break;
    case EINTR_ALT:
        if (c % 2) {
            errno = EINTR;
            return -1;
        }
        break;
    }
    return 0;
}

static int read_fault(size_t *n)
{
    return fault(read_mode, read_at, 0, __atomic_add_fetch(&reads, 1, __ATOMIC_RELAXED), n);
}

static int write_fault(size_t *n)
{
    return fault(write_mode, write_at, 1, __atomic_add_fetch(&writes, 1, __ATOMIC_RELAXED), n);
}

ssize_t read(int fd, void *buf, size_t n)
{
    if (read_mode && read_fault(&n) < 0)
        return -1;
    return real_read(fd, buf, n);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    if (read_mode && read_fault(&n) < 0)
        return -1;
    return real_pread(fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
    if (read_mode && read_fault(&n) < 0)
        return -1;
    return real_pread64(fd, buf, n, off);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    if (write_mode && write_fault(&n) < 0)
        return -1;
    return real_write(fd, buf, n);
}

/* standard output as a cookie stream: its flushes go through write() above */
static ssize_t out_write(void *cookie, const char *buf, size_t n)
{
    (void)cookie;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(1, buf + done, n - done);
        if (w < 0 && errno == EINTR && write_mode == EINTR_ALT)
            continue; /* what stdio itself does not do: EINTR is tested on write() users */
        if (w <= 0)
            return done ? (ssize_t)done : -1;
        done += (size_t)w;
    }
    return (ssize_t)done;
}

static int mode_of(const char *kind)
{
    if (strcmp(kind, "eio") == 0)
        return EIO_AT;
    if (strcmp(kind, "short") == 0)
        return SHORT;
    if (strcmp(kind, "eintr") == 0)
        return EINTR_ALT;
    if (strcmp(kind, "enospc") == 0)
        return ENOSPC_AT;
    return NONE;
}

__attribute__((constructor)) static void start(void)
{
    real_read = (ssize_t(*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
    real_pread = (ssize_t(*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread");
    real_pread64 = (ssize_t(*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread64");
    real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    const char *spec = getenv("VF_FAIL_IO");
    if (!spec || !*spec)
        return;
    char op[16] = "", kind[16] = "";
    unsigned long long at = 1;
    if (sscanf(spec, "%15[a-z]:%15[a-z]:%llu", op, kind, &at) < 2) {
        fprintf(stderr, "failio: VF_FAIL_IO=%s: expected OP:KIND[:N]\n", spec);
        _exit(125);
    }
    int mode = mode_of(kind);
    if (strcmp(op, "read") == 0 && mode != NONE && mode != ENOSPC_AT) {
        read_mode = mode;
        read_at = at;
    } else if (strcmp(op, "write") == 0 && mode != NONE) {
        write_mode = mode;
        write_at = at;
        cookie_io_functions_t io = {NULL, out_write, NULL, NULL};
        FILE *f = fopencookie(NULL, "w", io);
        if (f)
            stdout = f;
    } else {
        fprintf(stderr, "failio: VF_FAIL_IO=%s: unknown operation or kind\n", spec);
        _exit(125);
    }
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("VF_IO_REPORT");
    if (!path)
        return;
    FILE *f = fopen(path, "a");
    if (!f)
        return;
    fprintf(f, "reads=%llu writes=%llu\n", (unsigned long long)reads, (unsigned long long)writes);
    fclose(f);
}
