/* scan.c — reads every input in parallel and hands records to a sink.
 *
 *   paths ──expand──► inputs ──plan──► units (seq 0..n-1, input order)
 *                                        │  plain file ≤ chunk: 1 unit (mmap)
 *                                        │  plain file  > chunk: k units split at '\n',
 *                                        │      after a parallel prescan (line counts, headers)
 *                                        │  gzip file, stdin, payload: 1 streamed unit
 *                                        ▼
 *                         workers take units in seq order ──► vf_lines ──► sink.record()
 *
 * Each worker owns its sink state, line processor and gzip decoder: nothing is shared per
 * record. Errors and malformed-line reports carry the unit's seq so that the one reported is
 * the first in input order, whatever the thread timing.
 */
#include "internal.h"

#include "format.h"
#include "lines.h"
#include "payload.h"
#include "prescan.h"
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_CHUNK ((size_t)16 << 20)
#define STREAM_BUF ((size_t)4 << 20)
#define MAX_LINE ((size_t)64 << 20)
#define MAX_SLURP ((size_t)1 << 30)

typedef struct in_file {
    const char *path;
    const char *map; /* plain regular file, mapped */
    size_t size;
    int cw_mode;          /* decided from the first non-blank line (mapped files) */
    size_t first_text;    /* offset of the first non-blank line */
} in_file;

typedef struct unit {
    size_t input;
    uint64_t seq;
    int streamed;
    size_t off, end; /* mapped range */
    int last_of_input;
    /* decided before parsing (chunks after the first of a file) */
    int known_start;
    uint64_t first_line;
    const vpcflow_format *fmt;
    int started;
    vf_prescan pre;
} unit;

typedef struct worker worker;

typedef struct scan {
    vpcflow_scan_options opt;
    const vpcflow_sink *sink;
    vf_formats *formats;
    in_file *inputs;
    size_t ninputs;
    unit *units;
    size_t nunits;
    /* prescan jobs: indexes of units that need it */
    size_t *pre_jobs;
    size_t npre;
    atomic_size_t next_pre;
    atomic_size_t next_unit;
    atomic_uint_fast64_t stop_seq; /* units after this one are abandoned */
    atomic_uint_fast64_t bytes_done;
    atomic_uint_fast64_t stdin_bytes;
    uint64_t bytes_total;
    pthread_mutex_t lock; /* diag callback, error slot */
    pthread_cond_t cond;
    unsigned running;
    /* the first error in input order */
    vpcflow_status st;
    uint64_t err_seq;
    vpcflow_error err;
    worker *workers;
    unsigned nworkers;
} scan;

struct worker {
    scan *S;
    unsigned index;
    pthread_t thread;
    void *state;
    vf_lines L;
    vf_gz *gz;
    unsigned char *inbuf; /* raw input of streamed files, reused */
    char *buf;
    size_t cap;
    vf_bad_line *bad;
    size_t nbad;
    uint64_t bytes_in, bytes_text;
};

/* ---- errors and reports -------------------------------------------------------------- */

static void set_error(scan *S, uint64_t seq, vpcflow_status st, const vpcflow_error *err)
{
    pthread_mutex_lock(&S->lock);
    if (S->st == VPCFLOW_OK || seq < S->err_seq) {
        S->st = st;
        S->err_seq = seq;
        S->err = *err;
    }
    pthread_mutex_unlock(&S->lock);
    uint64_t cur = atomic_load(&S->stop_seq);
    while (seq < cur && !atomic_compare_exchange_weak(&S->stop_seq, &cur, seq))
        ;
}

static int stopped(const scan *S, uint64_t seq)
{
    return seq > atomic_load(&S->stop_seq);
}

static int hook_record(void *ctx, const vpcflow_record *rec)
{
    worker *W = ctx;
    if (W->S->sink->record(W->state, rec)) {
        atomic_store(&W->S->stop_seq, 0);
        W->S->st = W->S->st ? W->S->st : VPCFLOW_ERR_STOPPED;
        return 1;
    }
    return 0;
}

static int hook_bad(void *ctx, const vf_bad_line *bad)
{
    worker *W = ctx;
    scan *S = W->S;
    unsigned limit = S->opt.report_limit ? S->opt.report_limit : 10;
    if (W->nbad < limit)
        W->bad[W->nbad++] = *bad;
    if (S->opt.strict) {
        vpcflow_error e;
        vf_error(&e, VPCFLOW_ERR_INPUT, bad->input, bad->line, 0, "%s", bad->message);
        set_error(S, bad->seq, VPCFLOW_ERR_INPUT, &e);
        return 1;
    }
    return stopped(S, bad->seq);
}

static void hook_warn(void *ctx, const char *input, uint64_t line, const char *message)
{
    worker *W = ctx;
    scan *S = W->S;
    if (!S->opt.diag)
        return;
    vpcflow_diag d = {1, input, line, message};
    pthread_mutex_lock(&S->lock);
    S->opt.diag(S->opt.ctx, &d);
    pthread_mutex_unlock(&S->lock);
}

/* ---- processing one unit ------------------------------------------------------------- */

/* Drops the pages of a finished range from this process (the page cache keeps them), so that
 * the resident size does not grow with the input. Only whole pages inside the range. */
static void release(const char *map, size_t off, size_t end)
{
    static size_t page;
    if (!page)
        page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)map + off + page - 1) & ~(uintptr_t)(page - 1);
    uintptr_t b = ((uintptr_t)map + end) & ~(uintptr_t)(page - 1);
    if (b > a)
        madvise((void *)a, b - a, MADV_DONTNEED);
}

static int grow_buf(worker *W, size_t need)
{
    if (need <= W->cap)
        return 0;
    size_t ncap = W->cap ? W->cap : STREAM_BUF;
    while (ncap < need)
        ncap *= 2;
    char *nb = realloc(W->buf, ncap + VF_PAD + 1);
    if (!nb)
        return -1;
    W->buf = nb;
    W->cap = ncap;
    return 0;
}

static int feed_payload(worker *W, const unit *u, vf_source *src, size_t len)
{
    scan *S = W->S;
    vpcflow_error err;
    for (;;) { /* read it all */
        if (len == W->cap && (W->cap >= MAX_SLURP || grow_buf(W, W->cap * 2) < 0)) {
            vf_error(&err, VPCFLOW_ERR_INPUT, src->name, 0, 0, "subscription payload larger than 1 GiB");
            goto fail;
        }
        long n = vf_source_read(src, W->buf + len, W->cap - len, &err);
        if (n < 0)
            goto fail;
        if (n == 0)
            break;
        len += (size_t)n;
    }
    W->bytes_text += len;
    vf_payload_text t;
    if (vf_payload_decode(W->buf, len, src->name, &t, &err) < 0)
        goto fail;
    vf_lines_begin(&W->L, S->inputs[u->input].path, u->seq, 1, NULL, 0, 1);
    W->L.event_ms = t.event_ms;
    W->L.event_base = 1;
    vf_lines_feed(&W->L, t.text, t.text + t.len);
    vf_payload_free(&t);
    return 0;
fail:
    set_error(S, u->seq, err.message[0] ? VPCFLOW_ERR_INPUT : VPCFLOW_ERR_IO, &err);
    return -1;
}

static void run_stream(worker *W, const unit *u)
{
    scan *S = W->S;
    vf_source src;
    vpcflow_error err;
    vpcflow_status st = vf_source_open(&src, S->inputs[u->input].path, W->gz, W->inbuf, &err);
    if (st != VPCFLOW_OK) {
        set_error(S, u->seq, st, &err);
        return;
    }
    if (grow_buf(W, STREAM_BUF) < 0) {
        vf_error(&err, VPCFLOW_ERR_IO, src.name, 0, 0, "out of memory");
        set_error(S, u->seq, VPCFLOW_ERR_IO, &err);
        vf_source_close(&src);
        return;
    }
    vf_lines_begin(&W->L, S->inputs[u->input].path, u->seq, 1, NULL, 0, 0);
    size_t len = 0;
    int detected = 0;
    for (;;) {
        if (stopped(S, u->seq))
            break;
        long n = vf_source_read(&src, W->buf + len, W->cap - len, &err);
        if (n < 0) {
            set_error(S, u->seq, src.gzip && err.message[0] ? VPCFLOW_ERR_INPUT : VPCFLOW_ERR_IO, &err);
            break;
        }
        len += (size_t)n;
        if (!detected && (len >= 4 || n == 0)) {
            detected = 1;
            if (vf_payload_detect(W->buf, len)) {
                feed_payload(W, u, &src, len);
                break;
            }
        }
        if (n == 0) { /* end of input: the last line may lack its '\n' */
            W->bytes_text += len;
            if (len && W->buf[len - 1] != '\n')
                W->buf[len++] = '\n';
            if (len)
                vf_lines_feed(&W->L, W->buf, W->buf + len);
            break;
        }
        const char *nl = memrchr(W->buf, '\n', len);
        if (!nl) {
            if (len == W->cap) {
                if (W->cap >= MAX_LINE || grow_buf(W, W->cap * 2) < 0) {
                    vf_error(&err, VPCFLOW_ERR_INPUT, src.name, W->L.line_no + 1, 0,
                             "line longer than %zu MiB", MAX_LINE >> 20);
                    set_error(S, u->seq, VPCFLOW_ERR_INPUT, &err);
                    break;
                }
            }
            continue;
        }
        size_t used = (size_t)(nl + 1 - W->buf);
        W->bytes_text += used;
        if (vf_lines_feed(&W->L, W->buf, W->buf + used))
            break;
        memmove(W->buf, W->buf + used, len - used);
        len -= used;
        atomic_fetch_add(&S->bytes_done, src.bytes_in - W->bytes_in);
        W->bytes_in = src.bytes_in;
    }
    atomic_fetch_add(&S->bytes_done, src.bytes_in - W->bytes_in);
    W->bytes_in = 0;
    if (src.is_stdin)
        atomic_fetch_add(&S->stdin_bytes, src.bytes_in);
    vf_source_close(&src);
}

static void run_chunk(worker *W, const unit *u)
{
    scan *S = W->S;
    const in_file *in = &S->inputs[u->input];
    if (u->known_start)
        vf_lines_begin(&W->L, in->path, u->seq, u->first_line, u->fmt, in->cw_mode, u->started);
    else
        vf_lines_begin(&W->L, in->path, u->seq, 1, NULL, 0, 0);
    const char *p = in->map + u->off, *end = in->map + u->end;
    /* The tail of the file is parsed from a padded copy: the last line may lack its '\n',
     * and the parser may read a little past the last line. */
    const char *split = end;
    if (u->last_of_input) {
        split = end - VF_MIN((size_t)(end - p), (size_t)VF_PAD);
        while (split > p && split[-1] != '\n')
            split--;
    }
    if (split > p && vf_lines_feed(&W->L, p, split))
        goto out;
    if (split < end) {
        size_t n = (size_t)(end - split);
        char tail[4 * VF_PAD + 2];
        char *t = n + VF_PAD + 2 <= sizeof tail ? tail : malloc(n + VF_PAD + 2);
        if (!t) {
            vpcflow_error err;
            vf_error(&err, VPCFLOW_ERR_IO, in->path, 0, 0, "out of memory");
            set_error(S, u->seq, VPCFLOW_ERR_IO, &err);
            goto out;
        }
        memcpy(t, split, n);
        if (t[n - 1] != '\n')
            t[n++] = '\n';
        memset(t + n, 0, VF_PAD);
        vf_lines_feed(&W->L, t, t + n);
        if (t != tail)
            free(t);
    }
out:
    release(in->map, u->off, u->end);
    W->bytes_text += u->end - u->off;
    atomic_fetch_add(&S->bytes_done, u->end - u->off);
}

static void *worker_main(void *arg)
{
    worker *W = arg;
    scan *S = W->S;
    /* phase 1: prescan of large plain files */
    for (;;) {
        size_t j = atomic_fetch_add(&S->next_pre, 1);
        if (j >= S->npre)
            break;
        unit *u = &S->units[S->pre_jobs[j]];
        const in_file *in = &S->inputs[u->input];
        vf_prescan_run(in->map + u->off, in->map + u->end, &u->pre);
        release(in->map, u->off, u->end);
    }
    pthread_mutex_lock(&S->lock);
    if (--S->running == 0)
        pthread_cond_broadcast(&S->cond);
    pthread_mutex_unlock(&S->lock);
    return NULL;
}

static void *worker_parse(void *arg)
{
    worker *W = arg;
    scan *S = W->S;
    for (;;) {
        size_t i = atomic_fetch_add(&S->next_unit, 1);
        if (i >= S->nunits)
            break;
        const unit *u = &S->units[i];
        if (!stopped(S, u->seq)) {
            if (u->streamed)
                run_stream(W, u);
            else
                run_chunk(W, u);
        }
        if (S->sink->chunk_end && S->sink->chunk_end(W->state, u->seq, u->last_of_input)) {
            atomic_store(&S->stop_seq, 0);
            if (!S->st)
                S->st = VPCFLOW_ERR_STOPPED;
        }
    }
    pthread_mutex_lock(&S->lock);
    if (--S->running == 0)
        pthread_cond_broadcast(&S->cond);
    pthread_mutex_unlock(&S->lock);
    return NULL;
}

/* Runs fn on every worker and waits, reporting progress from this thread. */
static int run_workers(scan *S, void *(*fn)(void *))
{
    S->running = S->nworkers;
    unsigned started = 0;
    for (; started < S->nworkers; started++)
        if (pthread_create(&S->workers[started].thread, NULL, fn, &S->workers[started]) != 0)
            break;
    if (started < S->nworkers) {
        pthread_mutex_lock(&S->lock);
        S->running -= S->nworkers - started;
        pthread_mutex_unlock(&S->lock);
        if (started == 0)
            return -1;
    }
    pthread_mutex_lock(&S->lock);
    while (S->running > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 250000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&S->cond, &S->lock, &ts);
        if (S->opt.progress && S->running > 0)
            S->opt.progress(S->opt.ctx, atomic_load(&S->bytes_done), S->bytes_total);
    }
    pthread_mutex_unlock(&S->lock);
    for (unsigned i = 0; i < started; i++)
        pthread_join(S->workers[i].thread, NULL);
    return 0;
}

/* ---- planning ------------------------------------------------------------------------ */

static int add_unit(scan *S, size_t *cap, const unit *u)
{
    if (S->nunits == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        unit *nu = realloc(S->units, ncap * sizeof *nu);
        if (!nu)
            return -1;
        S->units = nu;
        *cap = ncap;
    }
    S->units[S->nunits] = *u;
    S->units[S->nunits].seq = S->nunits;
    S->nunits++;
    return 0;
}

/* Maps a plain regular file; returns 1 when mapped, 0 when it must be streamed. */
static int try_map(in_file *in, vpcflow_error *err, vpcflow_status *st)
{
    *st = VPCFLOW_OK;
    if (strcmp(in->path, "-") == 0)
        return 0;
    int fd = open(in->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *st = vf_error(err, VPCFLOW_ERR_IO, in->path, 0, 0, "cannot open: %s", strerror(errno));
        return 0;
    }
    struct stat sb;
    unsigned char head[4096];
    ssize_t n = 0;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size == 0 ||
        (n = pread(fd, head, sizeof head, 0)) < 4 || vf_is_gzip(head, (size_t)n) ||
        vf_payload_detect((const char *)head, (size_t)n) || memcmp(head, "PAR1", 4) == 0) {
        close(fd);
        return 0;
    }
    void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return 0;
    madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
    in->map = m;
    in->size = (size_t)sb.st_size;
    /* first non-blank line: CloudWatch export or not */
    const char *p = in->map, *end = p + in->size;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
        size_t k = 0;
        while (k < len && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
            k++;
        if (k < len) {
            in->first_text = (size_t)(p - in->map);
            in->cw_mode = vf_is_cw_timestamp(p, len, NULL) > 0;
            break;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    return 1;
}

static vpcflow_status plan(scan *S, char **paths, size_t n, vpcflow_error *err)
{
    size_t ucap = 0, chunk = S->opt.chunk_bytes ? S->opt.chunk_bytes : DEFAULT_CHUNK;
    S->inputs = vf_calloc(n, sizeof *S->inputs);
    if (!S->inputs)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    S->ninputs = n;
    for (size_t i = 0; i < n; i++) {
        in_file *in = &S->inputs[i];
        in->path = paths[i];
        vpcflow_status st;
        unit u = {0};
        u.input = i;
        if (!try_map(in, err, &st)) {
            if (st != VPCFLOW_OK)
                return st;
            u.streamed = 1;
            u.last_of_input = 1;
            struct stat sb;
            if (strcmp(in->path, "-") != 0 && stat(in->path, &sb) == 0)
                S->bytes_total += (uint64_t)sb.st_size;
            if (add_unit(S, &ucap, &u) < 0)
                return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
            continue;
        }
        S->bytes_total += in->size;
        size_t off = 0;
        int first = 1;
        while (off < in->size) {
            size_t end = in->size;
            if (in->size - off > chunk + chunk / 2) {
                const char *nl = memchr(in->map + off + chunk, '\n', in->size - off - chunk);
                end = nl ? (size_t)(nl + 1 - in->map) : in->size;
            }
            u.off = off;
            u.end = end;
            u.last_of_input = end == in->size;
            u.known_start = !first;
            if (add_unit(S, &ucap, &u) < 0)
                return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
            off = end;
            first = 0;
        }
    }
    return VPCFLOW_OK;
}

/* After the prescan: line numbers and the format in effect at the start of each chunk. */
static void resolve_chunks(scan *S)
{
    for (size_t i = 0; i < S->nunits; i++) {
        unit *u = &S->units[i];
        if (u->streamed || u->known_start || u->last_of_input)
            continue; /* not the first chunk of a file split in several */
        const in_file *in = &S->inputs[u->input];
        uint64_t line = 1;
        const vpcflow_format *fmt = NULL;
        for (size_t k = i; k < S->nunits && S->units[k].input == u->input; k++) {
            unit *c = &S->units[k];
            if (k > i) {
                c->first_line = line;
                c->fmt = fmt;
                c->started = c->off > in->first_text;
            }
            line += c->pre.lines;
            if (!in->cw_mode && c->pre.nheaders) {
                size_t off = c->off + c->pre.header_off[c->pre.nheaders - 1];
                const char *h = in->map + off;
                const char *eol = memchr(h, '\n', in->size - off);
                size_t len = eol ? (size_t)(eol - h) : in->size - off;
                const char *why;
                char unknown[64];
                const vpcflow_format *f = vf_formats_from_header(S->formats, h, len, &why, unknown, sizeof unknown);
                if (f)
                    fmt = f;
                if (unknown[0] && S->opt.diag) {
                    char msg[160];
                    snprintf(msg, sizeof msg, "unknown field '%s' in header: kept as an opaque text column",
                             unknown);
                    vpcflow_diag d = {1, in->path, 0, msg};
                    S->opt.diag(S->opt.ctx, &d);
                }
            }
            free(c->pre.header_off);
            c->pre.header_off = NULL;
        }
    }
}

/* ---- the entry point ----------------------------------------------------------------- */

static int cmp_bad(const void *a, const void *b)
{
    const vf_bad_line *x = a, *y = b;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static void report(scan *S)
{
    unsigned limit = S->opt.report_limit ? S->opt.report_limit : 10;
    size_t total = 0;
    for (unsigned i = 0; i < S->nworkers; i++)
        total += S->workers[i].nbad;
    if (!total || !S->opt.diag || S->opt.strict) /* strict: the error itself names the line */
        return;
    vf_bad_line *all = malloc(total * sizeof *all);
    if (!all)
        return;
    size_t k = 0;
    for (unsigned i = 0; i < S->nworkers; i++)
        for (size_t j = 0; j < S->workers[i].nbad; j++)
            all[k++] = S->workers[i].bad[j];
    qsort(all, total, sizeof *all, cmp_bad);
    for (size_t i = 0; i < total && i < limit; i++) {
        vpcflow_diag d = {0, all[i].input, all[i].line, all[i].message};
        S->opt.diag(S->opt.ctx, &d);
    }
    free(all);
}

static void sum_stats(vpcflow_scan_stats *t, const vpcflow_scan_stats *s)
{
    t->lines += s->lines;
    t->headers += s->headers;
    t->records += s->records;
    t->records_nodata += s->records_nodata;
    t->records_skipdata += s->records_skipdata;
    t->records_malformed += s->records_malformed;
    t->packets += s->packets;
    t->bytes += s->bytes;
    if (s->first_start && (!t->first_start || s->first_start < t->first_start))
        t->first_start = s->first_start;
    if (s->last_end > t->last_end)
        t->last_end = s->last_end;
}

static void cleanup(scan *S)
{
    for (unsigned i = 0; i < S->nworkers; i++) {
        vf_gz_free(S->workers[i].gz);
        free(S->workers[i].inbuf);
        free(S->workers[i].buf);
        free(S->workers[i].bad);
    }
    free(S->workers);
    for (size_t i = 0; i < S->ninputs; i++)
        if (S->inputs[i].map)
            munmap((void *)(uintptr_t)S->inputs[i].map, S->inputs[i].size);
    for (size_t i = 0; i < S->nunits; i++)
        free(S->units[i].pre.header_off);
    free(S->units);
    free(S->inputs);
    free(S->pre_jobs);
    vf_formats_free(S->formats);
    pthread_mutex_destroy(&S->lock);
    pthread_cond_destroy(&S->cond);
}

static vpcflow_status setup(scan *S, const vpcflow_scan_options *options, vpcflow_error *err)
{
    if (options)
        memcpy(&S->opt, options, VF_MIN(options->size ? options->size : sizeof S->opt, sizeof S->opt));
    pthread_mutex_init(&S->lock, NULL);
    pthread_cond_init(&S->cond, NULL);
    atomic_init(&S->stop_seq, UINT64_MAX);
    vpcflow_format *base = NULL;
    if (S->opt.format) {
        vpcflow_status st = vpcflow_format_parse(S->opt.format, strlen(S->opt.format), &base, err);
        if (st != VPCFLOW_OK) {
            if (err)
                snprintf(err->file, sizeof err->file, "--format");
            return st;
        }
        if (base->nunknown && S->opt.diag) {
            for (uint32_t i = 0; i < base->ncols; i++) {
                if (base->col_field[i] >= 0)
                    continue;
                char msg[160];
                snprintf(msg, sizeof msg, "unknown field '%s' in --format: kept as an opaque text column",
                         base->names[i]);
                vpcflow_diag d = {1, "--format", 0, msg};
                S->opt.diag(S->opt.ctx, &d);
            }
        }
    } else
        base = vpcflow_format_default();
    S->formats = vf_formats_new(base);
    if (!base || !S->formats) {
        vpcflow_format_free(S->formats ? NULL : base);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    return VPCFLOW_OK;
}

static vpcflow_status make_workers(scan *S, vpcflow_error *err)
{
    unsigned n = S->opt.threads ? S->opt.threads : vf_cpu_count();
    if (n > 256)
        n = 256;
    if (n > S->nunits)
        n = S->nunits ? (unsigned)S->nunits : 1;
    S->workers = vf_calloc(n, sizeof *S->workers);
    if (!S->workers)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    S->nworkers = n;
    unsigned limit = S->opt.report_limit ? S->opt.report_limit : 10;
    vf_lines_hooks hooks = {hook_record, hook_bad, hook_warn, NULL};
    for (unsigned i = 0; i < n; i++) {
        worker *W = &S->workers[i];
        W->S = S;
        W->index = i;
        W->gz = vf_gz_new();
        W->inbuf = malloc(VF_SOURCE_BUF);
        W->bad = vf_calloc(limit, sizeof *W->bad);
        hooks.ctx = W;
        vf_lines_init(&W->L, S->formats, &hooks);
        if (!W->gz || !W->inbuf || !W->bad)
            return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    return VPCFLOW_OK;
}

static vpcflow_status prescan_all(scan *S, vpcflow_error *err)
{
    S->pre_jobs = vf_calloc(S->nunits, sizeof *S->pre_jobs);
    if (!S->pre_jobs)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < S->nunits; i++) {
        const unit *u = &S->units[i];
        if (!u->streamed && (u->known_start || !u->last_of_input))
            S->pre_jobs[S->npre++] = i;
    }
    if (!S->npre)
        return VPCFLOW_OK;
    if (run_workers(S, worker_main) < 0)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "cannot start threads");
    for (size_t j = 0; j < S->npre; j++)
        if (S->units[S->pre_jobs[j]].pre.failed)
            return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    resolve_chunks(S);
    return VPCFLOW_OK;
}

vpcflow_status vpcflow_scan(const char *const *paths, size_t npaths, const vpcflow_scan_options *options,
                            const vpcflow_sink *sink, vpcflow_scan_stats *stats, vpcflow_error *err)
{
    scan S;
    memset(&S, 0, sizeof S);
    S.sink = sink;
    if (stats)
        memset(stats, 0, sizeof *stats);
    char **expanded = NULL;
    size_t nexp = 0;
    vpcflow_status st = setup(&S, options, err);
    if (st == VPCFLOW_OK)
        st = vf_expand_paths(paths, npaths, &expanded, &nexp, err);
    if (st == VPCFLOW_OK)
        st = plan(&S, expanded, nexp, err);
    if (st == VPCFLOW_OK)
        st = make_workers(&S, err);
    for (unsigned i = 0; st == VPCFLOW_OK && i < S.nworkers; i++) {
        S.workers[i].state = sink->open ? sink->open(sink->ctx, i) : NULL;
        if (sink->open && !S.workers[i].state)
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    if (st == VPCFLOW_OK)
        st = prescan_all(&S, err);
    if (st == VPCFLOW_OK && S.nunits && run_workers(&S, worker_parse) < 0)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "cannot start threads");
    report(&S);
    vpcflow_scan_stats total = {0};
    for (unsigned i = 0; i < S.nworkers; i++) {
        worker *W = &S.workers[i];
        if (sink->close && W->state && sink->close(sink->ctx, W->state) && st == VPCFLOW_OK && !S.st)
            S.st = VPCFLOW_ERR_STOPPED;
        sum_stats(&total, &W->L.stats);
        total.bytes_text += W->bytes_text;
    }
    total.inputs = S.ninputs;
    total.bytes_in = S.bytes_total + atomic_load(&S.stdin_bytes);
    if (stats)
        *stats = total;
    if (st == VPCFLOW_OK && S.st != VPCFLOW_OK) {
        st = S.st;
        if (err && S.st != VPCFLOW_ERR_STOPPED)
            *err = S.err;
    }
    cleanup(&S);
    vf_free_paths(expanded, nexp);
    return st;
}
