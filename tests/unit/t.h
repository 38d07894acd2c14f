/* t.h — the unit-test harness: one program per library module, each TEST a function.
 *
 *   TEST(addr_parses_v4) { CHECK(...); CHECK_EQ_U64(a, b); CHECK_STR(a, b); }
 *   int main(int argc, char **argv) { return t_main(argc, argv); }
 *
 * Tests register themselves (constructor attribute); t_main runs them all, or those whose
 * name contains argv[1], and prints one line per test and "N passed, N failed". */
#ifndef T_H
#define T_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*t_fn)(void);
void t_register(const char *name, t_fn fn);
int t_main(int argc, char **argv);
void t_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
extern int t_failed_now;
/* Names the case of a table that the checks after it test: a failing check prints the name
 * after its own line, until the next t_label; t_label(NULL) clears it (each TEST starts clear). */
void t_label(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define TEST(name)                                                                                                     \
    static void test_##name(void);                                                                                     \
    __attribute__((constructor)) static void reg_##name(void)                                                          \
    {                                                                                                                  \
        t_register(#name, test_##name);                                                                                \
    }                                                                                                                  \
    static void test_##name(void)

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            t_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                                                            \
    } while (0)

#define CHECK_EQ_U64(a, b)                                                                                             \
    do {                                                                                                               \
        unsigned long long t_a = (unsigned long long)(a), t_b = (unsigned long long)(b);                               \
        if (t_a != t_b)                                                                                                \
            t_fail(__FILE__, __LINE__, "%s == %s: %llu != %llu", #a, #b, t_a, t_b);                                    \
    } while (0)

#define CHECK_EQ_I64(a, b)                                                                                             \
    do {                                                                                                               \
        long long t_a = (long long)(a), t_b = (long long)(b);                                                          \
        if (t_a != t_b)                                                                                                \
            t_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, t_a, t_b);                                    \
    } while (0)

#define CHECK_STR(a, b)                                                                                                \
    do {                                                                                                               \
        const char *t_a = (a), *t_b = (b);                                                                             \
        if (!t_a || !t_b || strcmp(t_a, t_b) != 0)                                                                     \
            t_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, t_a ? t_a : "(null)",                     \
                   t_b ? t_b : "(null)");                                                                              \
    } while (0)

#define CHECK_MEM(p, n, s)                                                                                             \
    do {                                                                                                               \
        const char *t_s = (s);                                                                                         \
        size_t t_n = (size_t)(n);                                                                                      \
        if (t_n != strlen(t_s) || memcmp((p), t_s, t_n) != 0)                                                          \
            t_fail(__FILE__, __LINE__, "%s == \"%s\": got \"%.*s\"", #p, t_s, (int)t_n, (const char *)(p));            \
    } while (0)

/* Writes data to a fresh file in the test's temporary directory; returns its path
 * (static storage, valid until the next call with the same slot 0..7). */
const char *t_file(int slot, const char *name, const void *data, size_t len);
/* gzip-compresses data into a file (members: split into that many gzip members). */
const char *t_gzfile(int slot, const char *name, const void *data, size_t len, int members);
const char *t_tmpdir(void);

#endif
