/* failmalloc.c — LD_PRELOAD shim for allocation-failure tests (tests/cli/alloc_failure.sh).
 *
 *   VF_FAIL_ALLOC=N       the N-th allocation (1-based, counted from the start of main) fails
 *                         with ENOMEM; 0 or unset: none fails
 *   VF_FAIL_ALLOC_ALL=1   every allocation from the N-th on fails, not only the N-th
 *   VF_FAIL_ALLOC_TRACE=1 print the call stack of each failing allocation on stderr
 *   VF_ALLOC_REPORT=PATH  at exit, append "calls=C live=L failed=F" to PATH: C allocations
 *                         were asked for, L of those that succeeded were never freed, and F
 *                         failed; then one line "live #K SIZE OBJECT" per allocation still
 *                         live, OBJECT being the file of the code that called malloc
 *                         (vpcflow, libjansson.so.4, libc.so.6 for stdio's buffers …)
 *
 * malloc, calloc, realloc, reallocarray, posix_memalign, aligned_alloc and memalign are
 * wrapped; glibc's strdup, strndup, fopen, asprintf … and jansson allocate through malloc, so
 * they fail too. Counting starts in this library's constructor, after the dynamic loader and
 * libc have set up and before main. Allocations still live at exit are tracked exactly (the
 * shim keeps a table of live pointers), so a test compares them with an uninjected run:
 * stdio's buffers live until exit in both. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t n);

#define SLOTS (1u << 17) /* live allocations tracked at most: 3/4 of this */

static struct slot {
    void *p;       /* NULL: empty; TOMB: deleted */
    uint64_t call; /* which allocation made it */
    size_t size;
    void *caller; /* the code that asked for it */
} table[SLOTS];
#define TOMB ((void *)1)

static int armed;
static uint64_t fail_at;
static int fail_all, trace;
static uint64_t calls, failed, live;
static char lock_flag;

static void lock(void)
{
    while (__atomic_test_and_set(&lock_flag, __ATOMIC_ACQUIRE))
        ;
}

static void unlock(void)
{
    __atomic_clear(&lock_flag, __ATOMIC_RELEASE);
}

static size_t hash(void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x & (SLOTS - 1);
}

static void track(void *p, uint64_t call, size_t size, void *caller)
{
    if (live >= SLOTS / 4 * 3)
        return; /* full: not tracked (a test of vpcflow never gets here) */
    size_t i = hash(p);
    while (table[i].p && table[i].p != TOMB)
        i = (i + 1) & (SLOTS - 1);
    table[i].p = p;
    table[i].call = call;
    table[i].size = size;
    table[i].caller = caller;
    live++;
}

static void untrack(void *p)
{
    for (size_t i = hash(p), k = 0; table[i].p && k < SLOTS; i = (i + 1) & (SLOTS - 1), k++)
        if (table[i].p == p) {
            table[i].p = TOMB;
            live--;
            return;
        }
    /* not ours: allocated before counting started */
}

/* counts one allocation; returns its number, or 0 when it must fail */
static uint64_t next_call(void)
{
    if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE))
        return UINT64_MAX;
    uint64_t c = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
    if (fail_at && (c == fail_at || (fail_all && c > fail_at))) {
        __atomic_add_fetch(&failed, 1, __ATOMIC_RELAXED);
        if (trace) {
            void *frames[32];
            backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
        }
        errno = ENOMEM;
        return 0;
    }
    return c;
}

static void *done(void *p, uint64_t call, size_t size, void *caller)
{
    if (p && call != UINT64_MAX) {
        lock();
        track(p, call, size, caller);
        unlock();
    }
    return p;
}

void *malloc(size_t n)
{
    uint64_t c = next_call();
    return c ? done(__libc_malloc(n), c, n, __builtin_return_address(0)) : NULL;
}

void *calloc(size_t n, size_t size)
{
    uint64_t c = next_call();
    return c ? done(__libc_calloc(n, size), c, n * size, __builtin_return_address(0)) : NULL;
}

void free(void *p)
{
    if (!p)
        return;
    if (__atomic_load_n(&armed, __ATOMIC_ACQUIRE)) {
        lock();
        untrack(p);
        unlock();
    }
    __libc_free(p);
}

void *realloc(void *p, size_t n)
{
    if (p && n == 0) {
        free(p);
        return NULL;
    }
    uint64_t c = next_call();
    if (!c)
        return NULL; /* p stays allocated, as after a real failure */
    void *q = __libc_realloc(p, n);
    if (q && c != UINT64_MAX) {
        lock();
        if (p)
            untrack(p);
        track(q, c, n, __builtin_return_address(0));
        unlock();
    }
    return q;
}

void *reallocarray(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, n * size);
}

void *memalign(size_t align, size_t n)
{
    uint64_t c = next_call();
    return c ? done(__libc_memalign(align, n), c, n, __builtin_return_address(0)) : NULL;
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1)))
        return EINVAL;
    uint64_t c = next_call();
    if (!c)
        return ENOMEM;
    void *p = done(__libc_memalign(align, n), c, n, __builtin_return_address(0));
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

__attribute__((constructor)) static void start(void)
{
    const char *s = getenv("VF_FAIL_ALLOC");
    fail_at = s ? strtoull(s, NULL, 10) : 0;
    s = getenv("VF_FAIL_ALLOC_ALL");
    fail_all = s && *s == '1';
    s = getenv("VF_FAIL_ALLOC_TRACE");
    if ((trace = s && *s == '1')) {
        void *frames[2];
        backtrace(frames, 2); /* loads the unwinder now, not inside a failing malloc */
    }
    __atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
}

static void put(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void put_u(int fd, uint64_t v)
{
    char b[24];
    int i = sizeof b;
    b[--i] = 0;
    do
        b[--i] = (char)('0' + v % 10);
    while ((v /= 10) && i > 0);
    put(fd, b + i);
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("VF_ALLOC_REPORT");
    if (!path)
        return;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0)
        return;
    lock();
    put(fd, "calls=");
    put_u(fd, calls);
    put(fd, " live=");
    put_u(fd, live);
    put(fd, " failed=");
    put_u(fd, failed);
    put(fd, "\n");
    for (size_t i = 0; i < SLOTS; i++)
        if (table[i].p && table[i].p != TOMB) {
            put(fd, "live #");
            put_u(fd, table[i].call);
            put(fd, " ");
            put_u(fd, table[i].size);
            Dl_info di;
            const char *obj = dladdr(table[i].caller, &di) && di.dli_fname ? di.dli_fname : "?";
            const char *slash = strrchr(obj, '/');
            put(fd, " ");
            put(fd, slash ? slash + 1 : obj);
            put(fd, "\n");
        }
    unlock();
    close(fd);
}
