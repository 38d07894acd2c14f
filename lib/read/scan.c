/* scan.c — reads every input in parallel and hands records to a sink.
 *
 *   paths ──expand──► inputs ──plan──► units (seq 0..n-1, input order)
 *                                        │  plain file ≤ chunk: 1 unit, read whole
 *                                        │  plain file  > chunk: k units read with pread and
 *                                        │      cut at line boundaries (chunks.c); each learns
 *                                        │      its first line number and format from its
 *                                        │      predecessor's prescan
 *                                        │  gzip file, stdin, payload: 1 streamed unit
 *                                        │  Parquet file: units of whole row groups (at
 *                                        │      least chunk / 64 rows each), rendered as text;
 *                                        │      each knows its first row from the footer
 *                                        ▼
 *                         workers take units in seq order ──► vf_lines ──► sink.record()
 *
 * Each worker owns its sink state, line processor and gzip decoder: nothing is shared per
 * record. Errors and malformed-line reports carry the unit's seq so that the one reported is
 * the first in input order, whatever the thread timing.
 */
#include "base/internal.h"

#include "parquet/pqread.h"
#include "read/chunks.h"
#include "read/format.h"
#include "read/lines.h"
#include "read/payload.h"
#include "read/prescan.h"
#include "read/source.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_CHUNK ((size_t)4 << 20)
#define STREAM_BUF ((size_t)4 << 20)
#define MAX_LINE ((size_t)64 << 20)
#define MAX_SLURP ((size_t)1 << 30)

typedef struct in_file {
    const char *path;
    uint64_t size;
    int plain; /* a regular file of text: read in chunks with pread */
    struct timespec mtime;
    /* when it could not be read, or not wholly (set under the scan's lock) */
    vpcflow_status fail_st;
    uint64_t fail_seq;
    vpcflow_error *fail;
} in_file;

typedef struct unit {
    size_t input;
    uint64_t seq;
    int streamed;
    uint64_t off, end; /* nominal byte range of a plain file */
    int last_of_input;
    int chained;    /* one of several chunks of a file: learns its start from the previous */
    vf_chain chain; /* the file's state at this chunk's end, for the next chunk */
    int parquet;    /* row groups [rg_begin, rg_end) of a Parquet file, its rows from first_row */
    uint32_t rg_begin, rg_end;
    uint64_t first_row;
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
    atomic_size_t next_unit;
    atomic_uint_fast64_t stop_seq; /* units after this one are abandoned */
    atomic_uint_fast64_t bytes_done;
    atomic_uint_fast64_t stdin_bytes;
    uint64_t bytes_total;
    pthread_mutex_t lock; /* diag callback, error slot, chains */
    pthread_cond_t cond;
    pthread_cond_t chain_cond; /* a chunk published its end state */
    unsigned running;
    /* the first error in input order */
    vpcflow_status st;
    uint64_t err_seq;
    vpcflow_error err;
    worker *workers;
    unsigned nworkers;
    /* warnings met while reading (an unknown header field), printed in input order after the
     * scan whatever the thread timing; guarded by lock */
    struct scan_warn *warns;
    size_t nwarns, wcap;
} scan;

struct worker {
    scan *S;
    unsigned index;
    pthread_t thread;
    void *state;
    vf_lines L;
    vf_gz *gz;
    unsigned char *inbuf; /* raw input of streamed files, reused */
    vf_chunkbuf cb;       /* chunks of plain files, reused */
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

/* An input that cannot be read, or not wholly. With strict it ends the scan like any error;
 * otherwise the scan goes on with the other inputs, and the input is reported at the end
 * (the first failure of each input in input order). */
static void input_error(scan *S, size_t input, uint64_t seq, vpcflow_status st, const vpcflow_error *err)
{
    if (S->opt.strict || st == VPCFLOW_ERR_STOPPED) {
        set_error(S, seq, st, err);
        return;
    }
    in_file *in = &S->inputs[input];
    pthread_mutex_lock(&S->lock);
    if (!in->fail)
        in->fail = malloc(sizeof *in->fail);
    else if (seq >= in->fail_seq)
        goto done;
    if (in->fail) {
        *in->fail = *err;
        in->fail_st = st;
        in->fail_seq = seq;
    } else if (S->st == VPCFLOW_OK) /* out of memory for the report: end the scan */
        set_error(S, seq, VPCFLOW_ERR_IO, err);
done:
    pthread_mutex_unlock(&S->lock);
}

/* Appends " (what)" to an error's message: how much of the input was read. */
static void add_note(vpcflow_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(vpcflow_error *err, const char *fmt, ...)
{
    size_t l = strlen(err->message);
    va_list ap;
    va_start(ap, fmt);
    if (l < sizeof err->message)
        vsnprintf(err->message + l, sizeof err->message - l, fmt, ap);
    va_end(ap);
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
    if (bad->out_of_memory) {
        vpcflow_error e;
        vf_error(&e, VPCFLOW_ERR_IO, bad->input, bad->line, 0, "%s", bad->message);
        set_error(S, bad->seq, VPCFLOW_ERR_IO, &e);
        return 1;
    }
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

typedef struct scan_warn {
    uint64_t seq, line;
    const char *input; /* the input's path: lives as long as the scan */
    char message[200];
} scan_warn;

/* A warning of unit seq: kept, and printed in input order when the scan ends (report). */
static void warn_at(worker *W, uint64_t seq, const char *input, uint64_t line, const char *message)
{
    scan *S = W->S;
    if (!S->opt.diag)
        return;
    pthread_mutex_lock(&S->lock);
    if (vf_grow(&S->warns, &S->wcap, S->nwarns + 1, sizeof *S->warns) == 0) {
        scan_warn *w = &S->warns[S->nwarns++];
        w->seq = seq;
        w->line = line;
        w->input = input;
        snprintf(w->message, sizeof w->message, "%s", message);
    }
    pthread_mutex_unlock(&S->lock);
}

static void hook_warn(void *ctx, const char *input, uint64_t line, const char *message)
{
    worker *W = ctx;
    warn_at(W, W->L.seq, input, line, message);
}

/* A path expansion's warning (a file named twice): before the workers start. */
static void expand_warn(void *ctx, const char *path, const char *message)
{
    scan *S = ctx;
    if (S->opt.diag) {
        vpcflow_diag d = {1, path, 0, message};
        S->opt.diag(S->opt.ctx, &d);
    }
}

/* ---- processing one unit ------------------------------------------------------------- */

static int grow_buf(worker *W, size_t need)
{
    return vf_grow_padded(&W->buf, &W->cap, VF_MAX(need, STREAM_BUF), VF_PAD + 1);
}

/* Lines of p[0, n) */
static uint64_t newlines(const char *p, size_t n)
{
    uint64_t k = 0;
    for (const char *q = p, *e = p + n; (q = memchr(q, '\n', (size_t)(e - q))) != NULL; q++)
        k++;
    return k;
}

/* A JSON input (subscription payloads, AWS CLI output, JSON lines): decoded a part at a time,
 * each part the complete documents read so far, so that JSON lines and concatenated payloads
 * stream; one document may be at most MAX_SLURP bytes. Line N of the input's records is its
 * Nth log event. */
static int feed_payload(worker *W, const unit *u, vf_source *src, size_t len)
{
    scan *S = W->S;
    vpcflow_error err;
    vpcflow_status st;
    vf_payload_cut cut;
    memset(&cut, 0, sizeof cut);
    uint64_t line = 1; /* the input's line at W->buf[0] */
    int eof = 0;
    vf_lines_begin(&W->L, S->inputs[u->input].path, u->seq, 1, NULL, 0, 1);
    for (;;) {
        size_t end = eof ? len : vf_payload_cut_scan(&cut, W->buf, len);
        if (end) {
            vf_payload_text t;
            if ((st = vf_payload_decode_at(W->buf, end, src->name, line, &t, &err)) != VPCFLOW_OK)
                goto fail;
            W->L.event_ms = t.event_ms;
            W->L.event_base = W->L.line_no + 1;
            int stop = t.len && vf_lines_feed(&W->L, t.text, t.text + t.len);
            W->L.event_ms = NULL;
            vf_payload_free(&t);
            W->bytes_text += end;
            if (stop)
                return 0;
            line += newlines(W->buf, end);
            memmove(W->buf, W->buf + end, len - end);
            len -= end;
            vf_payload_cut_consumed(&cut, end);
        }
        if (eof || stopped(S, u->seq))
            return 0;
        if (len == W->cap && W->cap >= MAX_SLURP) {
            st = vf_error(&err, VPCFLOW_ERR_INPUT, src->name, line, 0,
                          "JSON document larger than 1 GiB (the limit per document)");
            goto fail;
        }
        if (len == W->cap && grow_buf(W, W->cap * 2) < 0) {
            st = vf_error(&err, VPCFLOW_ERR_IO, src->name, line, 0, "out of memory");
            goto fail;
        }
        long n = vf_source_read(src, W->buf + len, W->cap - len, &err);
        if (n < 0) {
            st = src->status;
            goto fail;
        }
        eof = n == 0;
        len += (size_t)n;
    }
fail:
    input_error(S, u->input, u->seq, st, &err);
    return -1;
}

/* After a regular file was read to its end: did it change meanwhile (its size or its time of
 * modification)? What was read counts; the input is reported as not wholly read. */
static void check_changed(scan *S, const unit *u, int fd, uint64_t read)
{
    in_file *in = &S->inputs[u->input];
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        return;
    if ((uint64_t)sb.st_size == read && sb.st_mtim.tv_sec == in->mtime.tv_sec &&
        sb.st_mtim.tv_nsec == in->mtime.tv_nsec)
        return;
    vpcflow_error e;
    vf_error(&e, VPCFLOW_ERR_INPUT, in->path, 0, 0,
             "file changed while reading (%llu bytes when reading began, %llu now): what was read is counted",
             (unsigned long long)read, (unsigned long long)sb.st_size);
    input_error(S, u->input, u->seq, VPCFLOW_ERR_INPUT, &e);
}

/* Says how much of a streamed input was read before it failed, and how much of it counts. */
static void stream_note(vpcflow_error *err, const vf_source *src, const vf_lines *L, uint64_t text_off)
{
    struct stat sb;
    if (!src->is_stdin && fstat(src->fd, &sb) == 0 && S_ISREG(sb.st_mode))
        add_note(err, " (after %llu of %llu bytes", (unsigned long long)src->bytes_in, (unsigned long long)sb.st_size);
    else
        add_note(err, " (after %llu bytes", (unsigned long long)src->bytes_in);
    add_note(err, "; %llu complete line%s before it, %llu bytes of text, counted)", (unsigned long long)L->line_no,
             L->line_no == 1 ? "" : "s", (unsigned long long)text_off);
}

/* The format of a Parquet file's header line, for a unit that starts after it (NULL if it is
 * not a valid header: its rows are then malformed, as they are in the first unit). */
static const vpcflow_format *parquet_format(worker *W, const unit *u, vf_source *src)
{
    scan *S = W->S;
    size_t len = 0;
    char *h = vf_pq_source_header(src->pq, &len);
    if (!h)
        return NULL;
    const char *why;
    char unknown[64];
    const vpcflow_format *f = vf_formats_from_header(S->formats, h, len, &why, unknown, sizeof unknown);
    if (unknown[0]) {
        char msg[160];
        snprintf(msg, sizeof msg, "unknown field '%s' in header: kept as an opaque text column", unknown);
        warn_at(W, u->seq, S->inputs[u->input].path, 0, msg);
    }
    free(h);
    return f;
}

static void run_stream(worker *W, const unit *u)
{
    scan *S = W->S;
    vf_source src;
    vpcflow_error err;
    const char *path = S->inputs[u->input].path;
    vpcflow_status st =
        u->parquet ? vf_source_open_parquet(&src, path, S->opt.fields, u->rg_begin, u->rg_end, u->rg_begin == 0, &err)
                   : vf_source_open(&src, path, W->gz, W->inbuf, S->opt.fields, &err);
    if (st != VPCFLOW_OK) {
        input_error(S, u->input, u->seq, st, &err);
        return;
    }
    if (grow_buf(W, STREAM_BUF) < 0) {
        vf_error(&err, VPCFLOW_ERR_IO, src.name, 0, 0, "out of memory");
        input_error(S, u->input, u->seq, VPCFLOW_ERR_IO, &err);
        vf_source_close(&src);
        return;
    }
    if (u->parquet && u->rg_begin > 0) /* a later part of a Parquet file: its rows, its header's format */
        vf_lines_begin(&W->L, path, u->seq, u->first_row + 1, parquet_format(W, u, &src), 0, 1);
    else
        vf_lines_begin(&W->L, path, u->seq, src.first_line, NULL, 0, 0);
    size_t len = 0;
    int detected = 0, skipping = 0; /* skipping: the rest of a line longer than MAX_LINE */
    uint64_t text_off = 0;          /* bytes of text before W->buf[0] */
    for (;;) {
        if (stopped(S, u->seq))
            break;
        long n = vf_source_read(&src, W->buf + len, W->cap - len, &err);
        if (n < 0) {
            stream_note(&err, &src, &W->L, text_off);
            input_error(S, u->input, u->seq, src.status, &err);
            break;
        }
        if (skipping && n > 0) {
            const char *nl = memchr(W->buf, '\n', (size_t)n);
            size_t drop = nl ? (size_t)(nl + 1 - W->buf) : (size_t)n;
            memmove(W->buf, W->buf + drop, (size_t)n - drop);
            text_off += drop;
            W->bytes_text += drop;
            n -= (long)drop;
            skipping = !nl;
            if (n == 0)
                continue;
        }
        len += (size_t)n;
        memset(W->buf + len, 0, VF_PAD); /* the padding parsers may read is initialised */
        if (!detected && (len >= 4 || n == 0)) {
            detected = 1;
            if (vf_payload_detect(W->buf, len)) {
                feed_payload(W, u, &src, len);
                break;
            }
        }
        if (n == 0) { /* end of input: the last line may lack its '\n' */
            W->bytes_text += len;
            if (len && W->buf[len - 1] != '\n') {
                W->buf[len++] = '\n';
                memset(W->buf + len, 0, VF_PAD);
            }
            if (len)
                vf_lines_feed(&W->L, W->buf, W->buf + len);
            break;
        }
        const char *nl = memrchr(W->buf, '\n', len);
        if (!nl && len == W->cap && W->cap < MAX_LINE && grow_buf(W, W->cap * 2) < 0) {
            vf_error(&err, VPCFLOW_ERR_IO, src.name, 0, 0, "out of memory");
            stream_note(&err, &src, &W->L, text_off);
            input_error(S, u->input, u->seq, VPCFLOW_ERR_IO, &err);
            break;
        }
        if (!nl) {
            if (len == W->cap) {
                /* no line end in MAX_LINE bytes: one malformed line, skipped to its end */
                if (vf_lines_skip_long(&W->L, text_off, MAX_LINE))
                    break;
                text_off += len;
                W->bytes_text += len;
                len = 0;
                skipping = 1;
            }
            continue;
        }
        size_t used = (size_t)(nl + 1 - W->buf);
        W->bytes_text += used;
        text_off += used;
        if (vf_lines_feed(&W->L, W->buf, W->buf + used))
            break;
        memmove(W->buf, W->buf + used, len - used);
        len -= used;
        if (!u->parquet) {
            atomic_fetch_add(&S->bytes_done, src.bytes_in - W->bytes_in);
            W->bytes_in = src.bytes_in;
        }
    }
    atomic_fetch_add(&S->bytes_done, u->parquet ? u->end - u->off : src.bytes_in - W->bytes_in);
    W->bytes_in = 0;
    if (u->parquet && !u->last_of_input) {
    } else if (src.is_stdin)
        atomic_fetch_add(&S->stdin_bytes, src.bytes_in);
    else if (src.done && !stopped(S, u->seq))
        check_changed(S, u, src.fd, src.bytes_in);
    vf_source_close(&src);
}

/* ---- plain files, in chunks -------------------------------------------------------------- */

static void publish(scan *S, unit *u, const vf_chain *c)
{
    pthread_mutex_lock(&S->lock);
    u->chain = *c;
    u->chain.ready = 1;
    pthread_cond_broadcast(&S->chain_cond);
    pthread_mutex_unlock(&S->lock);
}

/* The state of the file where chunk u starts: its predecessor's end state (waited for). */
static vf_chain start_state(scan *S, const unit *u)
{
    vf_chain c = {1, 0, 0, NULL, 0, 0};
    if (!u->chained || u->off == 0)
        return c;
    const unit *prev = &S->units[u->seq - 1];
    pthread_mutex_lock(&S->lock);
    while (!prev->chain.ready)
        pthread_cond_wait(&S->chain_cond, &S->lock);
    c = prev->chain;
    pthread_mutex_unlock(&S->lock);
    return c;
}

/* The state at the chunk's end: its line count and last header, from a prescan. Warnings about
 * unknown fields are given here, with their line, since the formats are registered here. */
static vf_chain end_state(worker *W, const unit *u, const vf_chain *start, const char *p, const char *end)
{
    scan *S = W->S;
    vf_chain c = *start;
    vf_prescan pre;
    vf_prescan_run(p, end, &pre);
    if (pre.failed)
        c.failed = 1;
    if (!c.started) {
        long t = vf_first_text(p, end);
        if (t >= 0) {
            c.started = 1;
            const char *eol = memchr(p + t, '\n', (size_t)(end - p - t));
            c.cw_mode = vf_is_cw_timestamp(p + t, (size_t)(eol - p - t), NULL) > 0;
        }
    }
    for (size_t i = 0; i < pre.nheaders && !c.cw_mode; i++) {
        const char *h = p + pre.header_off[i], *eol = memchr(h, '\n', (size_t)(end - h));
        const char *why;
        char unknown[64];
        const vpcflow_format *f =
            vf_formats_from_header(S->formats, h, (size_t)(eol - h), &why, unknown, sizeof unknown);
        if (f)
            c.fmt = f;
        else if (strcmp(why, VF_OUT_OF_MEMORY) == 0) {
            vpcflow_error e;
            vf_error(&e, VPCFLOW_ERR_IO, S->inputs[u->input].path, start->end_line + pre.header_line[i], 0,
                     VF_OUT_OF_MEMORY);
            set_error(S, u->seq, VPCFLOW_ERR_IO, &e);
        }
        if (unknown[0]) {
            char msg[160];
            snprintf(msg, sizeof msg, "unknown field '%s' in header: kept as an opaque text column", unknown);
            warn_at(W, u->seq, S->inputs[u->input].path, start->end_line + pre.header_line[i], msg);
        }
    }
    c.end_line = start->end_line + pre.lines;
    vf_prescan_free(&pre);
    return c;
}

static void run_plain(worker *W, unit *u)
{
    scan *S = W->S;
    const in_file *in = &S->inputs[u->input];
    vpcflow_error err;
    size_t s = 0, e = 0;
    uint64_t long_line = UINT64_MAX;
    int fd = open(in->path, O_RDONLY | O_CLOEXEC);
    vpcflow_status st;
    if (fd < 0)
        st = vf_error(&err, VPCFLOW_ERR_IO, in->path, 0, 0, "cannot open: %s", strerror(errno));
    else
        st = vf_chunk_read(fd, in->path, in->size, u->off, u->end, MAX_LINE, &W->cb, &s, &e, &long_line, &err);
    if (st == VPCFLOW_OK && u->last_of_input)
        check_changed(S, u, fd, in->size);
    if (fd >= 0)
        close(fd);
    if (st != VPCFLOW_OK) {
        if (u->off)
            add_note(&err, " (bytes %llu to %llu of %llu were not read)", (unsigned long long)u->off,
                     (unsigned long long)in->size, (unsigned long long)in->size);
        input_error(S, u->input, u->seq, st, &err);
        if (u->chained)
            publish(S, u, &(vf_chain){1, 1, 0, NULL, 0, 0});
        return;
    }
    const char *p = W->cb.buf + s, *end = W->cb.buf + e;
    if (!u->chained)
        vf_lines_begin(&W->L, in->path, u->seq, 1, NULL, 0, 0);
    else {
        vf_chain start = start_state(S, u);
        if (start.failed) {
            publish(S, u, &start);
            return;
        }
        if (!u->last_of_input) {
            vf_chain done = end_state(W, u, &start, p, end);
            done.end_line += long_line != UINT64_MAX;
            publish(S, u, &done);
        }
        vf_lines_begin(&W->L, in->path, u->seq, start.end_line + 1, start.fmt, start.cw_mode, start.started);
    }
    int stop = end > p && vf_lines_feed(&W->L, p, end);
    if (!stop && long_line != UINT64_MAX)
        vf_lines_skip_long(&W->L, long_line, MAX_LINE);
    W->bytes_text += e - s;
    atomic_fetch_add(&S->bytes_done, u->end - u->off);
}

static void *worker_parse(void *arg)
{
    worker *W = arg;
    scan *S = W->S;
    for (;;) {
        size_t i = atomic_fetch_add(&S->next_unit, 1);
        if (i >= S->nunits)
            break;
        unit *u = &S->units[i];
        if (S->sink->chunk_begin)
            S->sink->chunk_begin(W->state, u->seq);
        if (!stopped(S, u->seq)) {
            if (u->streamed)
                run_stream(W, u);
            else
                run_plain(W, u);
        } else if (u->chained)
            publish(S, u, &(vf_chain){1, 1, 0, NULL, 0, 0}); /* successors must not wait for it */
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
    if (vf_grow(&S->units, cap, S->nunits + 1, sizeof *S->units) < 0)
        return -1;
    S->units[S->nunits] = *u;
    S->units[S->nunits].seq = S->nunits;
    S->nunits++;
    return 0;
}

/* A Parquet file read by row groups: units of at least chunk / 64 rows each (a row of text is
 * about 64 to 300 bytes; row groups are taken whole), so that each unit knows its first line. A file whose footer
 * cannot be read is one unit, which fails as one input among others. Returns the units added,
 * 0 when it was not split, -1 when out of memory. */
static int plan_parquet(scan *S, in_file *in, size_t input, int fd, size_t *ucap)
{
    uint64_t unit_rows = (S->opt.chunk_bytes ? S->opt.chunk_bytes : DEFAULT_CHUNK) / 64;
    vf_pq_file *f;
    if (vf_pq_open_fd(fd, in->size, in->path, &f, NULL) != VPCFLOW_OK)
        return 0;
    uint32_t nrg = vf_pq_nrow_groups(f);
    uint64_t total = 0, row = 0;
    for (uint32_t g = 0; g < nrg; g++)
        total += (uint64_t)vf_pq_row_group_rows(f, g);
    unit u = {0};
    u.input = input;
    u.streamed = 1;
    u.parquet = 1;
    int added = 0;
    for (uint32_t g = 0; g < nrg || (nrg == 0 && added == 0);) {
        u.rg_begin = g;
        u.first_row = row;
        uint64_t rows = 0;
        while (g < nrg && (rows < unit_rows || g == u.rg_begin))
            rows += (uint64_t)vf_pq_row_group_rows(f, g++);
        if (nrg == 0)
            g = 1;
        u.rg_end = g == nrg || nrg == 0 ? UINT32_MAX : g; /* the last unit takes the rest */
        /* progress: each unit counts its share of the file's bytes, by rows */
        u.off = total ? (uint64_t)((unsigned __int128)in->size * row / total) : 0;
        row += rows;
        u.end = total ? (uint64_t)((unsigned __int128)in->size * row / total) : in->size;
        u.last_of_input = u.rg_end == UINT32_MAX;
        if (u.last_of_input)
            u.end = in->size;
        if (add_unit(S, ucap, &u) < 0) {
            vf_pq_close(f);
            return -1;
        }
        added++;
    }
    vf_pq_close(f);
    return added;
}

/* Is the input a regular file of plain text (not gzip, payload or Parquet)? Those are read in
 * chunks (1); a Parquet file is planned here, by row groups (2); everything else is streamed
 * (0; a file that cannot be opened too: it fails there, as one input among others); -1: out
 * of memory. */
static int is_plain(scan *S, in_file *in, size_t input, size_t *ucap)
{
    if (strcmp(in->path, "-") == 0)
        return 0;
    int fd = open(in->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat sb;
    unsigned char head[4096];
    ssize_t n = 0;
    int plain = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
                (n = pread(fd, head, sizeof head, 0)) >= 4 && !vf_is_gzip(head, (size_t)n) &&
                !vf_payload_detect((const char *)head, (size_t)n) && memcmp(head, "PAR1", 4) != 0;
    if (!plain && n >= 4 && memcmp(head, "PAR1", 4) == 0 && S_ISREG(sb.st_mode)) {
        in->size = (uint64_t)sb.st_size;
        in->mtime = sb.st_mtim;
        int units = plan_parquet(S, in, input, fd, ucap);
        close(fd);
        return units < 0 ? -1 : 2;
    }
    close(fd);
    in->size = plain ? (uint64_t)sb.st_size : 0;
    if (plain)
        in->mtime = sb.st_mtim;
    return plain;
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
        unit u = {0};
        u.input = i;
        int kind = is_plain(S, in, i, &ucap);
        if (kind < 0)
            return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        if (kind == 2 && S->nunits > 0 && S->units[S->nunits - 1].input == i) {
            S->bytes_total += in->size;
            continue;
        }
        in->plain = kind == 1;
        if (!in->plain) {
            u.streamed = 1;
            u.last_of_input = 1;
            struct stat sb;
            if (strcmp(in->path, "-") != 0 && stat(in->path, &sb) == 0) {
                S->bytes_total += (uint64_t)sb.st_size;
                in->mtime = sb.st_mtim;
            }
            if (add_unit(S, &ucap, &u) < 0)
                return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
            continue;
        }
        S->bytes_total += in->size;
        u.chained = in->size > chunk + chunk / 2;
        for (uint64_t off = 0; off < in->size;) {
            uint64_t end = u.chained && in->size - off > chunk + chunk / 2 ? off + chunk : in->size;
            u.off = off;
            u.end = end;
            u.last_of_input = end == in->size;
            if (add_unit(S, &ucap, &u) < 0)
                return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
            off = end;
        }
    }
    return VPCFLOW_OK;
}

/* ---- the entry point ----------------------------------------------------------------- */

static int cmp_bad(const void *a, const void *b)
{
    const vf_bad_line *x = a, *y = b;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int cmp_warn(const void *a, const void *b)
{
    const scan_warn *x = a, *y = b;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static void report(scan *S)
{
    if (S->nwarns && S->opt.diag) {
        qsort(S->warns, S->nwarns, sizeof *S->warns, cmp_warn);
        for (size_t i = 0; i < S->nwarns; i++) {
            vpcflow_diag d = {1, S->warns[i].input, S->warns[i].line, S->warns[i].message};
            S->opt.diag(S->opt.ctx, &d);
        }
    }
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

/* The inputs that could not be read, or not wholly, in input order (all but `skip`, which is
 * returned as the error). */
static void report_failed(scan *S, size_t skip)
{
    for (size_t i = 0; i < S->ninputs && S->opt.diag; i++) {
        if (!S->inputs[i].fail || i == skip)
            continue;
        vpcflow_diag d = {VPCFLOW_DIAG_INPUT_FAILED, S->inputs[i].path, S->inputs[i].fail->line,
                          S->inputs[i].fail->message};
        S->opt.diag(S->opt.ctx, &d);
    }
}

static void cleanup(scan *S)
{
    free(S->warns);
    for (size_t i = 0; i < S->ninputs; i++)
        free(S->inputs[i].fail);
    for (unsigned i = 0; i < S->nworkers; i++) {
        vf_gz_free(S->workers[i].gz);
        free(S->workers[i].inbuf);
        vf_chunkbuf_free(&S->workers[i].cb);
        free(S->workers[i].buf);
        free(S->workers[i].bad);
    }
    free(S->workers);
    free(S->units);
    free(S->inputs);
    vf_formats_free(S->formats);
    pthread_mutex_destroy(&S->lock);
    pthread_cond_destroy(&S->cond);
    pthread_cond_destroy(&S->chain_cond);
}

static vpcflow_status setup(scan *S, const vpcflow_scan_options *options, vpcflow_error *err)
{
    if (options)
        memcpy(&S->opt, options, VF_MIN(options->size ? options->size : sizeof S->opt, sizeof S->opt));
    pthread_mutex_init(&S->lock, NULL);
    pthread_cond_init(&S->cond, NULL);
    pthread_cond_init(&S->chain_cond, NULL);
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
        st = vf_expand_paths(paths, npaths, expand_warn, &S, &expanded, &nexp, err);
    if (st == VPCFLOW_OK)
        st = plan(&S, expanded, nexp, err);
    if (st == VPCFLOW_OK)
        st = make_workers(&S, err);
    for (unsigned i = 0; st == VPCFLOW_OK && i < S.nworkers; i++) {
        S.workers[i].state = sink->open ? sink->open(sink->ctx, i) : NULL;
        if (sink->open && !S.workers[i].state)
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    if (st == VPCFLOW_OK && S.nunits && run_workers(&S, worker_parse) < 0)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "cannot start threads");
    report(&S);
    size_t first_failed = SIZE_MAX;
    vpcflow_scan_stats total = {0};
    for (size_t i = 0; i < S.ninputs; i++)
        if (S.inputs[i].fail) {
            total.inputs_failed++;
            first_failed = VF_MIN(first_failed, i);
        }
    for (unsigned i = 0; i < S.nworkers; i++) {
        worker *W = &S.workers[i];
        if (sink->close && W->state && sink->close(sink->ctx, W->state) && st == VPCFLOW_OK && !S.st)
            S.st = VPCFLOW_ERR_STOPPED;
        vf_scan_stats_add(&total, &W->L.stats);
        total.bytes_text += W->bytes_text;
    }
    total.inputs = S.ninputs;
    total.bytes_in = S.bytes_total + atomic_load(&S.stdin_bytes);
    /* every input failed and nothing was read: that is an error, not a partial result */
    int nothing = total.inputs_failed == S.ninputs && total.lines == 0 && S.ninputs;
    report_failed(&S, nothing ? first_failed : SIZE_MAX);
    if (nothing && st == VPCFLOW_OK && S.st == VPCFLOW_OK) {
        S.st = S.inputs[first_failed].fail_st;
        S.err = *S.inputs[first_failed].fail;
        total.inputs_failed = 0; /* not a partial result: a failed one */
    }
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
