/* t.c — the unit-test harness (see t.h). */
#include "t.h"

#include <libdeflate.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct t_case {
    const char *name;
    t_fn fn;
} t_case;

static t_case cases[1024];
static int ncases;
int t_failed_now;

void t_register(const char *name, t_fn fn)
{
    if (ncases < 1024)
        cases[ncases++] = (t_case){name, fn};
}

static char case_name[256];

void t_label(const char *fmt, ...)
{
    case_name[0] = 0;
    if (!fmt)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(case_name, sizeof case_name, fmt, ap);
    va_end(ap);
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "  %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    if (case_name[0])
        fprintf(stderr, "  [case: %s]", case_name);
    fputc('\n', stderr);
    va_end(ap);
    t_failed_now = 1;
}

static char tmpdir[256];

const char *t_tmpdir(void)
{
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/vpcflow-test-XXXXXX");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            exit(2);
        }
    }
    return tmpdir;
}

const char *t_file(int slot, const char *name, const void *data, size_t len)
{
    static char paths[8][512];
    snprintf(paths[slot & 7], sizeof paths[0], "%s/%s", t_tmpdir(), name);
    /* create intermediate directories */
    for (char *p = paths[slot & 7] + strlen(t_tmpdir()) + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(paths[slot & 7], 0755);
            *p = '/';
        }
    FILE *f = fopen(paths[slot & 7], "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(paths[slot & 7]);
        exit(2);
    }
    return paths[slot & 7];
}

const char *t_gzfile(int slot, const char *name, const void *data, size_t len, int members)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
    if (members < 1)
        members = 1;
    size_t cap = len + 1024 * (size_t)members + 1024, used = 0;
    char *out = malloc(cap);
    size_t per = len / (size_t)members + 1, off = 0;
    for (int m = 0; m < members; m++) {
        size_t n = off + per > len ? len - off : per;
        if (m == members - 1)
            n = len - off;
        used += libdeflate_gzip_compress(c, (const char *)data + off, n, out + used, cap - used);
        off += n;
    }
    libdeflate_free_compressor(c);
    const char *p = t_file(slot, name, out, used);
    free(out);
    return p;
}

static void cleanup(void)
{
    if (tmpdir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmpdir);
    }
}

int t_main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    atexit(cleanup);
    for (int i = 0; i < ncases; i++) {
        if (argc > 1 && !strstr(cases[i].name, argv[1]))
            continue;
        t_failed_now = 0;
        t_label(NULL);
        cases[i].fn();
        printf("%s %s\n", t_failed_now ? "FAIL" : "ok  ", cases[i].name);
        fflush(stdout);
        if (t_failed_now)
            failed++;
        else
            passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
