/* internal.h — helpers shared by libvpcflow's sources; never installed. */
#ifndef VF_INTERNAL_H
#define VF_INTERNAL_H

#include "base/array.h"
#include "vpcflow.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VF_LIKELY(x) __builtin_expect(!!(x), 1)
#define VF_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define VF_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define VF_MIN(a, b) ((a) < (b) ? (a) : (b))
#define VF_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Byte and packet sums saturate at UINT64_MAX instead of wrapping (a record counts at most
 * 2^50, so it takes 2^14 maximal records to get there). */
static inline uint64_t vf_sat_add(uint64_t a, uint64_t b)
{
    uint64_t s;
    return __builtin_add_overflow(a, b, &s) ? UINT64_MAX : s;
}

/* Fills err (if not NULL) and returns VPCFLOW_ERR_INPUT or the given status. */
vpcflow_status vf_error(vpcflow_error *err, vpcflow_status st, const char *file, uint64_t line, uint32_t column,
                        const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Allocation that reports failure to the caller (the library never aborts). */
void *vf_calloc(size_t n, size_t size);
char *vf_strndup(const char *s, size_t n);

/* Reads a whole file of at most max bytes into a fresh NUL-terminated buffer (free it); a
 * larger one is "not <what>" (what: "a rules file"). */
vpcflow_status vf_read_file(const char *path, size_t max, const char *what, char **data, size_t *len,
                            vpcflow_error *err);

/* The value of a hexadecimal digit, or -1. */
static inline int vf_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* 64-bit mixing hash (wyhash-style multiply-fold). */
static inline uint64_t vf_mix64(uint64_t a, uint64_t b)
{
    unsigned __int128 r = (unsigned __int128)(a ^ 0x2d358dccaa6c78a5ull) * (b ^ 0x8bb84b93962eacc9ull);
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}
uint64_t vf_hash_bytes(const void *p, size_t n);

static inline uint64_t vf_hash_addr(vpcflow_addr a)
{
    return vf_mix64(a.hi ^ 0x9e3779b97f4a7c15ull, a.lo);
}

/* Number of online CPUs (at least 1). */
unsigned vf_cpu_count(void);

#endif
