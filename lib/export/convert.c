/* convert.c — `vpcflow convert`: every record of every input as a row of the exported columns
 * (schema.h) in files, Parquet (parquet/pqwrite.c), CSV or JSON lines. One file per input file
 * and partition, named from the input's path, so that the inputs can be converted anywhere, in
 * any number of processes (the map stage of any engine), and written atomically: a hidden
 * temporary beside the file, synced, then renamed. Threads take whole inputs: each scans its
 * input with one reading thread and writes that input's files alone; the Parquet buffers of a
 * thread are held within its share of --memory by writing the largest row group early. */
#include "base/internal.h"

#include "base/text.h"
#include "export/schema.h"
#include "parquet/pqwrite.h"
#include "query/analysis.h"
#include "read/source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WORKER_READ_MEMORY ((size_t)6 << 20) /* one reading thread's buffers (analysis.c) */
#define CHECK_EVERY 4096                     /* rows between checks of the Parquet buffers */

typedef struct convert convert;

typedef struct part {
    int64_t key; /* the partition: hours or days since the epoch; INT64_MIN: no start */
    char path[PATH_MAX], tmp[PATH_MAX];
    FILE *f;
    vf_pqw *pw;
    uint64_t rows;
} part;

typedef struct worker {
    convert *cv;
    pthread_t thread;
    vpcflow_enricher *en;
    vf_value vals[VF_NCOLUMNS];
    part *parts;
    size_t nparts, parts_cap;
    size_t last; /* the part of the previous row */
    char hex[17];
    vf_text line; /* a CSV or JSON line */
    uint64_t since_check;
    uint64_t cur_done, cur_size; /* progress of the current input */
    vpcflow_status st;
    vpcflow_error err;
    vpcflow_convert_stats stats;
} worker;

struct convert {
    vpcflow_convert_options o;
    vpcflow_enrich *e;
    vpcflow_scan_options scan; /* the enrichment's, diag and progress wrapped */
    vf_analysis sel;           /* only its options: --action, --since, --until */
    char **files;              /* the inputs, expanded */
    const char **names;        /* what each is called in its output's name */
    uint64_t *sizes;
    size_t nfiles;
    atomic_size_t next;
    atomic_int stop;
    size_t budget; /* bytes of Parquet buffers per worker */
    vf_pqw_column cols[VF_NCOLUMNS];
    vf_pqw_options pq;
    pthread_mutex_t lock; /* diag, progress, the totals */
    uint64_t done_bytes, total_bytes;
    worker *workers;
    unsigned nworkers;
    /* the first error, and the first input that failed wholly */
    vpcflow_status st;
    vpcflow_error err;
    vpcflow_status fail_st;
    vpcflow_error fail_err;
    uint64_t failed_wholly;
    vpcflow_convert_stats total;
};

/* ---- names ---- */

/* FNV-1a, 64 bits: a name that does not change with the build. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    return h;
}

static const char *extension(vpcflow_convert_to to)
{
    return to == VPCFLOW_CONVERT_CSV ? "csv" : to == VPCFLOW_CONVERT_JSONL ? "jsonl" : "parquet";
}

static int64_t partition_key(const convert *cv, const vpcflow_record *rec)
{
    if (cv->o.partition == VPCFLOW_PARTITION_NONE)
        return 0;
    if (!(rec->present & VPCFLOW_BIT(VPCFLOW_F_START)))
        return INT64_MIN;
    int64_t unit = cv->o.partition == VPCFLOW_PARTITION_HOUR ? 3600 : 86400;
    int64_t s = rec->start;
    return s >= 0 ? s / unit : -((-s + unit - 1) / unit);
}

static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        int rc = mkdir(path, 0777);
        *p = '/';
        if (rc < 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

/* The directory of a partition, into buf. */
static int partition_dir(const convert *cv, int64_t key, char *buf, size_t cap)
{
    if (cv->o.partition == VPCFLOW_PARTITION_NONE)
        return snprintf(buf, cap, "%s", cv->o.out_dir);
    int hour = cv->o.partition == VPCFLOW_PARTITION_HOUR;
    struct tm tm = {0};
    if (key != INT64_MIN) {
        time_t t = (time_t)(key * (hour ? 3600 : 86400));
        gmtime_r(&t, &tm);
        tm.tm_year += 1900;
        tm.tm_mon += 1;
    }
    int n = snprintf(buf, cap, "%s/year=%04d/month=%02d/day=%02d", cv->o.out_dir, tm.tm_year, tm.tm_mon, tm.tm_mday);
    if (hour && n >= 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, "/hour=%02d", tm.tm_hour);
    return n;
}

static int fail_io(worker *w, const char *path, const char *what)
{
    w->st = vf_error(&w->err, VPCFLOW_ERR_IO, path, 0, 0, "%s: %s", what, strerror(errno ? errno : EIO));
    atomic_store(&w->cv->stop, 1);
    return -1;
}

/* ---- one output file ---- */

static void csv_header(worker *w)
{
    vf_text *t = &w->line;
    for (size_t i = 0; i < VF_NCOLUMNS; i++) {
        if (i)
            vf_putc(t, ',');
        vf_puts(t, vf_column_at(i)->name);
    }
    vf_putc(t, '\n');
}

static part *part_open(worker *w, int64_t key)
{
    convert *cv = w->cv;
    if (vf_grow(&w->parts, &w->parts_cap, w->nparts + 1, sizeof *w->parts) < 0) {
        errno = ENOMEM;
        fail_io(w, cv->o.out_dir, "cannot hold another output file");
        return NULL;
    }
    part *p = &w->parts[w->nparts];
    memset(p, 0, sizeof *p);
    p->key = key;
    char dir[PATH_MAX];
    int n = partition_dir(cv, key, dir, sizeof dir);
    const char *ext = extension(cv->o.to);
    if (n < 0 || (size_t)n >= sizeof dir ||
        snprintf(p->path, sizeof p->path, "%s/part-%s.%s", dir, w->hex, ext) >= (int)sizeof p->path ||
        snprintf(p->tmp, sizeof p->tmp, "%s/.part-%s.%s.tmp", dir, w->hex, ext) >= (int)sizeof p->tmp) {
        errno = ENAMETOOLONG;
        fail_io(w, dir, "cannot name the output file");
        return NULL;
    }
    if (mkdirs(dir) < 0) {
        fail_io(w, dir, "cannot create the directory");
        return NULL;
    }
    p->f = fopen(p->tmp, "wb");
    if (!p->f) {
        fail_io(w, p->tmp, "cannot create");
        return NULL;
    }
    if (cv->o.to == VPCFLOW_CONVERT_PARQUET) {
        p->pw = vf_pqw_new(cv->cols, VF_NCOLUMNS, &cv->pq, p->f);
        if (!p->pw) {
            fclose(p->f);
            unlink(p->tmp);
            fail_io(w, p->tmp, "cannot start the Parquet writer");
            return NULL;
        }
    } else if (cv->o.to == VPCFLOW_CONVERT_CSV) {
        w->line.len = 0;
        csv_header(w);
        if (w->line.oom || fwrite(w->line.buf, 1, w->line.len, p->f) != w->line.len) {
            fclose(p->f);
            unlink(p->tmp);
            fail_io(w, p->tmp, "cannot write");
            return NULL;
        }
    }
    w->nparts++;
    return p;
}

static void part_abort(part *p)
{
    vf_pqw_free(p->pw);
    p->pw = NULL;
    if (p->f) {
        fclose(p->f);
        p->f = NULL;
        unlink(p->tmp);
    }
}

static void sync_dir(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return;
    *slash = 0;
    int fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int part_commit(worker *w, part *p)
{
    errno = 0;
    if (p->pw && vf_pqw_finish(p->pw) < 0)
        return fail_io(w, p->tmp, "cannot write");
    vf_pqw_free(p->pw);
    p->pw = NULL;
    long size = ftell(p->f);
    int failed = fflush(p->f) != 0 || fsync(fileno(p->f)) != 0;
    failed |= fclose(p->f) != 0;
    p->f = NULL;
    if (failed) {
        unlink(p->tmp);
        return fail_io(w, p->tmp, "cannot write");
    }
    if (rename(p->tmp, p->path) < 0) {
        unlink(p->tmp);
        return fail_io(w, p->path, "cannot rename the finished file into place");
    }
    sync_dir(p->path);
    w->stats.files++;
    w->stats.bytes_out += size > 0 ? (uint64_t)size : 0;
    return 0;
}

/* ---- rows ---- */

static void put_u128(vf_text *t, uint64_t hi, uint64_t lo)
{
    unsigned __int128 v = (unsigned __int128)hi << 64 | lo;
    char d[40];
    size_t n = sizeof d;
    do {
        d[--n] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    vf_put(t, d + n, sizeof d - n);
}

static void put_i64(vf_text *t, int64_t v)
{
    if (v < 0) {
        vf_putc(t, '-');
        vf_put_u64(t, (uint64_t)0 - (uint64_t)v);
    } else {
        vf_put_u64(t, (uint64_t)v);
    }
}

static void text_row(worker *w)
{
    int json = w->cv->o.to == VPCFLOW_CONVERT_JSONL;
    vf_text *t = &w->line;
    t->len = 0;
    if (json)
        vf_putc(t, '{');
    for (size_t i = 0; i < VF_NCOLUMNS; i++) {
        const vf_column *c = vf_column_at(i);
        const vf_value *v = &w->vals[i];
        if (i)
            vf_putc(t, ',');
        if (json) {
            vf_putc(t, '"');
            vf_puts(t, c->name);
            vf_put(t, "\":", 2);
        }
        if (v->null) {
            if (json)
                vf_put(t, "null", 4);
            continue;
        }
        char addr[64];
        switch (c->type) {
        case VF_COL_TEXT:
            (json ? vf_put_json_str : vf_put_csv)(t, v->s, v->len);
            break;
        case VF_COL_ADDR: {
            size_t n = vpcflow_addr_format(v->a, addr, sizeof addr);
            (json ? vf_put_json_str : vf_put_csv)(t, addr, n);
            break;
        }
        case VF_COL_BOOL:
            vf_puts(t, v->i ? "true" : "false");
            break;
        case VF_COL_NUM:
            if (json)
                vf_putc(t, '"');
            put_u128(t, v->hi, v->lo);
            if (json)
                vf_putc(t, '"');
            break;
        default:
            put_i64(t, v->i);
        }
    }
    vf_put(t, json ? "}\n" : "\n", json ? 2 : 1);
}

static void parquet_row(vf_pqw *pw, const vf_value *vals)
{
    for (size_t i = 0; i < VF_NCOLUMNS; i++) {
        const vf_value *v = &vals[i];
        if (v->null) {
            vf_pqw_null(pw, i);
            continue;
        }
        switch (vf_column_at(i)->type) {
        case VF_COL_TEXT:
            vf_pqw_bytes(pw, i, v->s, v->len);
            break;
        case VF_COL_ADDR: {
            char addr[64];
            vf_pqw_bytes(pw, i, addr, vpcflow_addr_format(v->a, addr, sizeof addr));
            break;
        }
        case VF_COL_NUM: {
            unsigned char b[16];
            for (int k = 0; k < 8; k++) {
                b[k] = (unsigned char)(v->hi >> (56 - 8 * k));
                b[8 + k] = (unsigned char)(v->lo >> (56 - 8 * k));
            }
            vf_pqw_bytes(pw, i, b, 16);
            break;
        }
        default:
            vf_pqw_int(pw, i, v->i);
        }
    }
}

/* Keeps the worker's Parquet buffers within its budget: writes the largest row group early
 * and frees its buffers until they fit. */
static int hold_budget(worker *w)
{
    for (;;) {
        size_t total = 0, most = 0;
        part *big = NULL;
        for (size_t i = 0; i < w->nparts; i++) {
            size_t m = vf_pqw_memory(w->parts[i].pw);
            total += m;
            if (m >= most) {
                most = m;
                big = &w->parts[i];
            }
        }
        if (total <= w->cv->budget || !big || vf_pqw_buffered(big->pw) == 0)
            return 0;
        errno = 0;
        if (vf_pqw_flush(big->pw, 1) < 0)
            return fail_io(w, big->tmp, "cannot write");
    }
}

static int on_record(void *state, const vpcflow_record *rec)
{
    worker *w = state;
    convert *cv = w->cv;
    if (atomic_load_explicit(&cv->stop, memory_order_relaxed))
        return 1;
    if (!vf_analysis_wants(&cv->sel, rec))
        return 0;
    vpcflow_enriched en;
    vpcflow_enrich_record(w->en, rec, &en);
    vf_row_values(rec, &en, w->vals);
    int64_t key = partition_key(cv, rec);
    part *p = w->last < w->nparts && w->parts[w->last].key == key ? &w->parts[w->last] : NULL;
    for (size_t i = 0; !p && i < w->nparts; i++)
        if (w->parts[i].key == key) {
            p = &w->parts[i];
            w->last = i;
        }
    if (!p) {
        if (!(p = part_open(w, key)))
            return 1;
        w->last = w->nparts - 1;
    }
    p->rows++;
    w->stats.rows++;
    if (p->pw) {
        parquet_row(p->pw, w->vals);
        errno = 0;
        if (vf_pqw_end_row(p->pw) < 0)
            return fail_io(w, p->tmp, "cannot write"), 1;
        if (++w->since_check >= CHECK_EVERY) {
            w->since_check = 0;
            if (hold_budget(w) < 0)
                return 1;
        }
        return 0;
    }
    text_row(w);
    if (w->line.oom) {
        errno = ENOMEM;
        return fail_io(w, p->tmp, "cannot build a row"), 1;
    }
    if (fwrite(w->line.buf, 1, w->line.len, p->f) != w->line.len)
        return fail_io(w, p->tmp, "cannot write"), 1;
    return 0;
}

static void *sink_open(void *ctx, unsigned worker_no)
{
    (void)worker_no;
    return ctx;
}

static int sink_close(void *ctx, void *state)
{
    (void)ctx;
    (void)state;
    return 0;
}

/* ---- diagnostics and progress of the parallel scans ---- */

static void locked_diag(void *ctx, const vpcflow_diag *d)
{
    worker *w = ctx;
    convert *cv = w->cv;
    pthread_mutex_lock(&cv->lock);
    if (cv->scan.diag)
        cv->scan.diag(cv->scan.ctx, d);
    pthread_mutex_unlock(&cv->lock);
}

static void expand_warn(void *ctx, const char *path, const char *message)
{
    convert *cv = ctx;
    vpcflow_diag d = {VPCFLOW_DIAG_WARNING, path, 0, message};
    if (cv->scan.diag)
        cv->scan.diag(cv->scan.ctx, &d);
}

static void locked_progress(void *ctx, uint64_t done, uint64_t total)
{
    worker *w = ctx;
    convert *cv = w->cv;
    (void)total;
    pthread_mutex_lock(&cv->lock);
    w->cur_done = done;
    uint64_t sum = cv->done_bytes;
    for (unsigned i = 0; i < cv->nworkers; i++)
        sum += cv->workers[i].cur_done;
    cv->o.analysis.scan.progress(cv->o.analysis.scan.ctx, sum, cv->total_bytes);
    pthread_mutex_unlock(&cv->lock);
}

/* ---- one input ---- */

static void add_stats(vpcflow_convert_stats *to, const vpcflow_convert_stats *s)
{
    vpcflow_scan_stats *a = &to->scan;
    const vpcflow_scan_stats *b = &s->scan;
    if (b->first_start && (!a->first_start || b->first_start < a->first_start))
        a->first_start = b->first_start;
    if (b->last_end > a->last_end)
        a->last_end = b->last_end;
    a->inputs += b->inputs;
    a->bytes_in += b->bytes_in;
    a->bytes_text += b->bytes_text;
    a->lines += b->lines;
    a->headers += b->headers;
    a->records += b->records;
    a->records_nodata += b->records_nodata;
    a->records_skipdata += b->records_skipdata;
    a->records_malformed += b->records_malformed;
    a->packets += b->packets;
    a->bytes += b->bytes;
    a->inputs_failed += b->inputs_failed;
    to->rows += s->rows;
    to->files += s->files;
    to->bytes_out += s->bytes_out;
}

static void convert_one(worker *w, size_t i)
{
    convert *cv = w->cv;
    snprintf(w->hex, sizeof w->hex, "%016llx", (unsigned long long)fnv1a(cv->names[i]));
    memset(&w->stats, 0, sizeof w->stats);
    w->nparts = 0;
    w->last = 0;
    vpcflow_scan_options so = cv->scan;
    so.threads = 1;
    so.diag = locked_diag;
    so.progress = cv->o.analysis.scan.progress ? locked_progress : NULL;
    so.ctx = w;
    vpcflow_sink sink = {sink_open, on_record, NULL, sink_close, w, NULL};
    vpcflow_error err;
    const char *path = cv->files[i];
    vpcflow_status st = vpcflow_scan(&path, 1, &so, &sink, &w->stats.scan, &err);
    int ours = w->st != VPCFLOW_OK;
    for (size_t k = 0; k < w->nparts; k++) {
        if (!ours && st == VPCFLOW_OK && !atomic_load(&cv->stop))
            ours = part_commit(w, &w->parts[k]) < 0;
        else
            part_abort(&w->parts[k]);
    }
    pthread_mutex_lock(&cv->lock);
    cv->done_bytes += cv->sizes[i];
    w->cur_done = 0;
    if (ours) {
        if (cv->st == VPCFLOW_OK) {
            cv->st = w->st;
            cv->err = w->err;
        }
    } else if (st != VPCFLOW_OK && st != VPCFLOW_ERR_STOPPED) {
        if (cv->o.analysis.scan.strict) {
            if (cv->st == VPCFLOW_OK) {
                cv->st = st;
                cv->err = err;
            }
            atomic_store(&cv->stop, 1);
        } else {
            /* the input failed wholly; the others go on (a partial result), as in one scan of
             * them all: named through diag (a lone input's failure is the run's error) */
            vpcflow_diag d = {VPCFLOW_DIAG_INPUT_FAILED, cv->names[i], err.line, err.message};
            if (cv->scan.diag && cv->nfiles > 1)
                cv->scan.diag(cv->scan.ctx, &d);
            if (!cv->failed_wholly++) {
                cv->fail_st = st;
                cv->fail_err = err;
            }
            w->stats.scan.inputs_failed++;
        }
    }
    add_stats(&cv->total, &w->stats);
    pthread_mutex_unlock(&cv->lock);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    convert *cv = w->cv;
    for (;;) {
        size_t i = atomic_fetch_add(&cv->next, 1);
        if (i >= cv->nfiles || atomic_load(&cv->stop))
            break;
        convert_one(w, i);
    }
    return NULL;
}

/* ---- the run ---- */

static void columns(convert *cv)
{
    for (size_t i = 0; i < VF_NCOLUMNS; i++) {
        const vf_column *c = vf_column_at(i);
        vf_pqw_column *p = &cv->cols[i];
        memset(p, 0, sizeof *p);
        p->name = c->name;
        p->optional = 1;
        switch (c->type) {
        case VF_COL_TEXT:
        case VF_COL_ADDR:
            p->type = VF_PQW_BYTE_ARRAY;
            p->logical = VF_PQW_LOGICAL_STRING;
            p->dictionary = 1;
            break;
        case VF_COL_I16:
        case VF_COL_I32:
            p->type = VF_PQW_INT32;
            p->logical = c->type == VF_COL_I16 ? VF_PQW_LOGICAL_INT16 : VF_PQW_LOGICAL_INT32;
            break;
        case VF_COL_I64:
        case VF_COL_TIME:
            p->type = VF_PQW_INT64;
            break;
        case VF_COL_BOOL:
            p->type = VF_PQW_BOOLEAN;
            break;
        case VF_COL_NUM:
            p->type = VF_PQW_FIXED;
            p->type_length = 16;
            p->logical = VF_PQW_LOGICAL_DECIMAL;
            p->precision = 38;
            p->scale = 0;
            break;
        }
    }
}

static vpcflow_status prepare(convert *cv, const char *const *paths, size_t npaths, vpcflow_error *err)
{
    size_t n;
    const char *const *inputs = vpcflow_enrich_paths(cv->e, &n);
    vpcflow_status st = vf_expand_paths(inputs, n, expand_warn, cv, &cv->files, &cv->nfiles, err);
    if (st != VPCFLOW_OK)
        return st;
    cv->names = vf_calloc(cv->nfiles ? cv->nfiles : 1, sizeof *cv->names);
    cv->sizes = vf_calloc(cv->nfiles ? cv->nfiles : 1, sizeof *cv->sizes);
    if (!cv->names || !cv->sizes)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < cv->nfiles; i++) {
        cv->names[i] = cv->files[i];
        for (size_t k = 0; k < n && k < npaths; k++)
            if (strcmp(paths[k], "-") == 0 && strcmp(inputs[k], cv->files[i]) == 0)
                cv->names[i] = "-"; /* the first pass's copy of stdin */
        struct stat sb;
        if (strcmp(cv->files[i], "-") != 0 && stat(cv->files[i], &sb) == 0 && S_ISREG(sb.st_mode))
            cv->sizes[i] = (uint64_t)sb.st_size;
        cv->total_bytes += cv->sizes[i];
    }
    return VPCFLOW_OK;
}

vpcflow_status vpcflow_convert_run(const char *const *paths, size_t npaths, const vpcflow_convert_options *options,
                                   vpcflow_convert_stats *stats, vpcflow_error *err)
{
    if (stats)
        memset(stats, 0, sizeof *stats);
    convert *cv = vf_calloc(1, sizeof *cv);
    if (!cv)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    memcpy(&cv->o, options, VF_MIN(options->size ? options->size : sizeof cv->o, sizeof cv->o));
    if (!cv->o.out_dir || !cv->o.out_dir[0]) {
        free(cv);
        return vf_error(err, VPCFLOW_ERR_INPUT, "--out", 0, 0, "an output directory is needed");
    }
    pthread_mutex_init(&cv->lock, NULL);
    cv->sel.opt = cv->o.analysis;
    columns(cv);
    static const vf_pqw_codec codecs[] = {VF_PQW_CODEC_ZSTD, VF_PQW_CODEC_SNAPPY, VF_PQW_CODEC_GZIP, VF_PQW_CODEC_NONE};
    cv->pq.codec = (unsigned)cv->o.compression < 4 ? codecs[cv->o.compression] : VF_PQW_CODEC_ZSTD;
    cv->pq.created_by = "vpcflow version " VPCFLOW_VERSION;
    vpcflow_status st = vpcflow_enrich_open(paths, npaths, &cv->o.analysis, &cv->e, err);
    if (st == VPCFLOW_OK) {
        cv->scan = *vpcflow_enrich_scan_options(cv->e);
        st = prepare(cv, paths, npaths, err);
    }
    char outdir[PATH_MAX];
    if (st == VPCFLOW_OK) {
        snprintf(outdir, sizeof outdir, "%s", cv->o.out_dir);
        if (mkdirs(outdir) < 0)
            st = vf_error(err, VPCFLOW_ERR_IO, cv->o.out_dir, 0, 0, "cannot create the directory: %s", strerror(errno));
    }
    if (st == VPCFLOW_OK) {
        /* --memory: the reading threads' buffers, and half of the rest for the row groups */
        size_t total = cv->o.analysis.memory_limit ? cv->o.analysis.memory_limit : (size_t)512 << 20;
        unsigned nw = cv->scan.threads ? cv->scan.threads : 1;
        if (nw > cv->nfiles)
            nw = cv->nfiles ? (unsigned)cv->nfiles : 1;
        size_t reading = (size_t)nw * WORKER_READ_MEMORY;
        cv->budget = total > reading ? (total - reading) / 2 / nw : (size_t)1 << 20;
        if (cv->budget < ((size_t)1 << 20))
            cv->budget = (size_t)1 << 20;
        cv->pq.row_group_bytes = VF_MIN((size_t)64 << 20, cv->budget / 3);
        cv->pq.row_group_rows = (uint64_t)1 << 20;
        cv->workers = vf_calloc(nw, sizeof *cv->workers);
        if (!cv->workers)
            st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        unsigned started = 0;
        for (unsigned i = 0; st == VPCFLOW_OK && i < nw; i++) {
            worker *w = &cv->workers[i];
            w->cv = cv;
            w->line = (vf_text)VF_TEXT_GROWING;
            w->en = vpcflow_enricher_new(cv->e);
            if (!w->en)
                st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        }
        cv->nworkers = nw;
        for (unsigned i = 0; st == VPCFLOW_OK && i < nw; i++) {
            if (pthread_create(&cv->workers[i].thread, NULL, worker_main, &cv->workers[i]) != 0) {
                atomic_store(&cv->stop, 1);
                st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "cannot start a thread");
                break;
            }
            started++;
        }
        for (unsigned i = 0; i < started; i++)
            pthread_join(cv->workers[i].thread, NULL);
        for (unsigned i = 0; cv->workers && i < nw; i++) {
            vpcflow_enricher_free(cv->workers[i].en);
            free(cv->workers[i].parts);
            free(cv->workers[i].line.buf);
        }
        if (st == VPCFLOW_OK && cv->st != VPCFLOW_OK) {
            st = cv->st;
            if (err)
                *err = cv->err;
        }
        if (st == VPCFLOW_OK && cv->nfiles && cv->failed_wholly == cv->nfiles) {
            st = cv->fail_st; /* every input failed: nothing was converted */
            if (err)
                *err = cv->fail_err;
        }
    }
    if (st != VPCFLOW_OK && cv->e && err) {
        /* the first pass's copy of stdin is "-" to the user */
        for (size_t i = 0; i < cv->nfiles; i++)
            if (strcmp(cv->names[i], "-") == 0 && strcmp(err->file, cv->files[i]) == 0)
                snprintf(err->file, sizeof err->file, "-");
    }
    if (stats) {
        *stats = cv->total;
        stats->has_enis = cv->e ? vpcflow_enrich_has_enis(cv->e) : 0;
    }
    free(cv->workers);
    if (cv->files)
        vf_free_paths(cv->files, cv->nfiles);
    free(cv->names);
    free(cv->sizes);
    vpcflow_enrich_close(cv->e);
    pthread_mutex_destroy(&cv->lock);
    free(cv);
    return st;
}
