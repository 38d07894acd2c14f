/* gen_out.c — vpcflow-gen's writers: record formatting, the S3 delivery tree (gzip per 5-minute
 * window, compressed by worker threads) and the flat flows.log.
 *
 * S3 layout, as AWS delivers it:
 *
 *   OUTDIR/AWSLogs/123456789012/vpcflowlogs/us-east-1/YYYY/MM/DD/
 *       123456789012_vpcflowlogs_us-east-1_<fl-id>_<YYYYMMDDTHHmmZ>_<8 hex>.log.gz
 *
 *   one to a few files per 5-minute window (records split by ENI), the timestamp is the end of
 *   the window, every file starts with the header line; some files hold two gzip members.
 */
#include "gen.h"

#include <libdeflate.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXF 8
#define QCAP 4
#define NWORKERS 2
#define FLAT_FLUSH (4u << 20)

static const vpcflow_field cols_default[] = {
    VPCFLOW_F_VERSION, VPCFLOW_F_ACCOUNT_ID, VPCFLOW_F_INTERFACE_ID, VPCFLOW_F_SRCADDR,   VPCFLOW_F_DSTADDR,
    VPCFLOW_F_SRCPORT, VPCFLOW_F_DSTPORT,    VPCFLOW_F_PROTOCOL,     VPCFLOW_F_PACKETS,   VPCFLOW_F_BYTES,
    VPCFLOW_F_START,   VPCFLOW_F_END,        VPCFLOW_F_ACTION,       VPCFLOW_F_LOG_STATUS};

static const vpcflow_field cols_v3[] = {
    VPCFLOW_F_VERSION,    VPCFLOW_F_ACCOUNT_ID, VPCFLOW_F_INTERFACE_ID, VPCFLOW_F_INSTANCE_ID, VPCFLOW_F_VPC_ID,
    VPCFLOW_F_SUBNET_ID,  VPCFLOW_F_SRCADDR,    VPCFLOW_F_DSTADDR,      VPCFLOW_F_SRCPORT,     VPCFLOW_F_DSTPORT,
    VPCFLOW_F_PROTOCOL,   VPCFLOW_F_PACKETS,    VPCFLOW_F_BYTES,        VPCFLOW_F_START,       VPCFLOW_F_END,
    VPCFLOW_F_ACTION,     VPCFLOW_F_LOG_STATUS, VPCFLOW_F_TCP_FLAGS,    VPCFLOW_F_TYPE,        VPCFLOW_F_PKT_SRCADDR,
    VPCFLOW_F_PKT_DSTADDR};

/* every v2-v5 field, shuffled: version last, so readers must go by the header */
static const vpcflow_field cols_v5[] = {VPCFLOW_F_ACCOUNT_ID,
                                        VPCFLOW_F_INTERFACE_ID,
                                        VPCFLOW_F_AZ_ID,
                                        VPCFLOW_F_REGION,
                                        VPCFLOW_F_VPC_ID,
                                        VPCFLOW_F_SUBNET_ID,
                                        VPCFLOW_F_INSTANCE_ID,
                                        VPCFLOW_F_TYPE,
                                        VPCFLOW_F_SRCADDR,
                                        VPCFLOW_F_DSTADDR,
                                        VPCFLOW_F_PKT_SRCADDR,
                                        VPCFLOW_F_PKT_DSTADDR,
                                        VPCFLOW_F_SRCPORT,
                                        VPCFLOW_F_DSTPORT,
                                        VPCFLOW_F_PROTOCOL,
                                        VPCFLOW_F_FLOW_DIRECTION,
                                        VPCFLOW_F_TRAFFIC_PATH,
                                        VPCFLOW_F_PKT_SRC_AWS_SERVICE,
                                        VPCFLOW_F_PKT_DST_AWS_SERVICE,
                                        VPCFLOW_F_BYTES,
                                        VPCFLOW_F_PACKETS,
                                        VPCFLOW_F_START,
                                        VPCFLOW_F_END,
                                        VPCFLOW_F_ACTION,
                                        VPCFLOW_F_TCP_FLAGS,
                                        VPCFLOW_F_LOG_STATUS,
                                        VPCFLOW_F_SUBLOCATION_TYPE,
                                        VPCFLOW_F_SUBLOCATION_ID,
                                        VPCFLOW_F_VERSION};

typedef struct job {
    char path[4096];
    gen_buf text;
    size_t split; /* start of the second gzip member, 0 for one member */
} job;

struct gen_out {
    const gen_opts *o;
    const gen_net *net;
    const vpcflow_field *cols;
    size_t ncols;
    char header[1024];
    size_t header_len;
    int s3, flat_on;
    /* flat */
    FILE *flat;
    char flat_path[4096];
    gen_buf flatbuf;
    /* the open 5-minute window */
    int open;
    int64_t window;
    int nfiles;
    gen_buf files[MAXF];
    uint64_t est_window;
    uint64_t files_written;
    /* compression workers */
    pthread_t th[NWORKERS];
    int nth;
    pthread_mutex_t mu;
    pthread_cond_t cv_put, cv_get;
    job *q[QCAP];
    size_t qhead, qlen;
    int closing, failed;
};

/* ---- formatting ------------------------------------------------------------------------------ */

static char *put_cstr(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static char *put_dash(char *p)
{
    *p++ = '-';
    return p;
}

static char *put_addr(char *p, const gen_ep *e)
{
    return gen_put_str(p, e->txt, e->len);
}

static char *put_field(char *p, const gen_out *w, const gen_rec *r, vpcflow_field f)
{
    int ok = r->status == GEN_OK;
    const gen_eni *e = r->obs;
    switch (f) {
    case VPCFLOW_F_VERSION:
        *p++ = (char)('0' + w->o->format);
        return p;
    case VPCFLOW_F_ACCOUNT_ID:
        return gen_put_str(p, GEN_ACCOUNT, sizeof GEN_ACCOUNT - 1);
    case VPCFLOW_F_INTERFACE_ID:
        return put_cstr(p, e->id);
    case VPCFLOW_F_SRCADDR:
        return ok ? put_addr(p, r->src) : put_dash(p);
    case VPCFLOW_F_DSTADDR:
        return ok ? put_addr(p, r->dst) : put_dash(p);
    case VPCFLOW_F_SRCPORT:
        return ok ? gen_put_u64(p, r->sport) : put_dash(p);
    case VPCFLOW_F_DSTPORT:
        return ok ? gen_put_u64(p, r->dport) : put_dash(p);
    case VPCFLOW_F_PROTOCOL:
        return ok ? gen_put_u64(p, r->proto) : put_dash(p);
    case VPCFLOW_F_PACKETS:
        return ok ? gen_put_u64(p, r->packets) : put_dash(p);
    case VPCFLOW_F_BYTES:
        return ok ? gen_put_u64(p, r->bytes) : put_dash(p);
    case VPCFLOW_F_START:
        return gen_put_u64(p, (uint64_t)r->start);
    case VPCFLOW_F_END:
        return gen_put_u64(p, (uint64_t)r->start + 60);
    case VPCFLOW_F_ACTION:
        return ok ? put_cstr(p, r->reject ? "REJECT" : "ACCEPT") : put_dash(p);
    case VPCFLOW_F_LOG_STATUS:
        return put_cstr(p, ok ? "OK" : r->status == GEN_NODATA ? "NODATA" : "SKIPDATA");
    case VPCFLOW_F_VPC_ID:
        return put_cstr(p, w->net->vpc_id);
    case VPCFLOW_F_SUBNET_ID:
        return put_cstr(p, w->net->subnets[e->subnet].id);
    case VPCFLOW_F_INSTANCE_ID:
        return put_cstr(p, e->instance);
    case VPCFLOW_F_TCP_FLAGS:
        return ok ? gen_put_u64(p, r->proto == 6 ? r->tcp_flags : 0) : put_dash(p);
    case VPCFLOW_F_TYPE:
        return ok ? put_cstr(p, r->src->v6 ? "IPv6" : "IPv4") : put_dash(p);
    case VPCFLOW_F_PKT_SRCADDR:
        return ok ? put_addr(p, r->psrc) : put_dash(p);
    case VPCFLOW_F_PKT_DSTADDR:
        return ok ? put_addr(p, r->pdst) : put_dash(p);
    case VPCFLOW_F_REGION:
        return gen_put_str(p, GEN_REGION, sizeof GEN_REGION - 1);
    case VPCFLOW_F_AZ_ID:
        return put_cstr(p, gen_az_id[e->az]);
    case VPCFLOW_F_PKT_SRC_AWS_SERVICE:
        return ok && r->psrc->svc ? put_cstr(p, r->psrc->svc) : put_dash(p);
    case VPCFLOW_F_PKT_DST_AWS_SERVICE:
        return ok && r->pdst->svc ? put_cstr(p, r->pdst->svc) : put_dash(p);
    case VPCFLOW_F_FLOW_DIRECTION:
        return ok ? put_cstr(p, r->dir == GEN_DIR_OUT ? "egress" : "ingress") : put_dash(p);
    case VPCFLOW_F_TRAFFIC_PATH:
        return ok && r->dir == GEN_DIR_OUT && r->path ? gen_put_u64(p, r->path) : put_dash(p);
    default: /* sublocation-type, sublocation-id: not in a Wavelength/Outpost/Local Zone */
        return put_dash(p);
    }
}

static size_t format_record(const gen_out *w, const gen_rec *r, char *buf)
{
    char *p = buf;
    for (size_t i = 0; i < w->ncols; i++) {
        if (i)
            *p++ = ' ';
        p = put_field(p, w, r, w->cols[i]);
    }
    *p++ = '\n';
    return (size_t)(p - buf);
}

/* ---- compression workers --------------------------------------------------------------------- */

static int write_all(const char *path, const void *a, size_t na, const void *b, size_t nb)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int rc = fwrite(a, 1, na, f) != na || (nb && fwrite(b, 1, nb, f) != nb) ? -1 : 0;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

static int run_job(struct libdeflate_compressor *c, job *j, gen_buf *out)
{
    if (!c)
        return write_all(j->path, j->text.p, j->text.len, NULL, 0);
    size_t parts[3] = {0, j->split ? j->split : j->text.len, j->text.len};
    int nparts = j->split ? 2 : 1;
    out->len = 0;
    for (int i = 0; i < nparts; i++) {
        size_t n = parts[i + 1] - parts[i];
        size_t bound = libdeflate_gzip_compress_bound(c, n);
        gen_buf_reserve(out, bound);
        size_t z = libdeflate_gzip_compress(c, j->text.p + parts[i], n, out->p + out->len, bound);
        if (z == 0)
            return -1;
        out->len += z;
    }
    return write_all(j->path, out->p, out->len, NULL, 0);
}

static void *worker(void *arg)
{
    gen_out *w = arg;
    struct libdeflate_compressor *c = NULL;
    if (!w->o->plain && !(c = libdeflate_alloc_compressor(6)))
        gen_die("out of memory (compressor)");
    gen_buf out = {0};
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (!w->qlen && !w->closing)
            pthread_cond_wait(&w->cv_get, &w->mu);
        if (!w->qlen) {
            pthread_mutex_unlock(&w->mu);
            break;
        }
        job *j = w->q[w->qhead];
        w->qhead = (w->qhead + 1) % QCAP;
        w->qlen--;
        pthread_cond_signal(&w->cv_put);
        pthread_mutex_unlock(&w->mu);
        int rc = run_job(c, j, &out);
        if (rc) {
            fprintf(stderr, "vpcflow-gen: cannot write %s\n", j->path);
            pthread_mutex_lock(&w->mu);
            w->failed = 1;
            pthread_mutex_unlock(&w->mu);
        }
        gen_buf_free(&j->text);
        free(j);
    }
    gen_buf_free(&out);
    libdeflate_free_compressor(c);
    return NULL;
}

static void submit(gen_out *w, job *j)
{
    pthread_mutex_lock(&w->mu);
    while (w->qlen == QCAP)
        pthread_cond_wait(&w->cv_put, &w->mu);
    w->q[(w->qhead + w->qlen) % QCAP] = j;
    w->qlen++;
    pthread_cond_signal(&w->cv_get);
    pthread_mutex_unlock(&w->mu);
}

/* ---- the S3 tree ----------------------------------------------------------------------------- */

static void open_window(gen_out *w, int64_t window)
{
    w->open = 1;
    w->window = window;
    uint64_t h = gen_mix64(w->o->seed ^ (uint64_t)window * UINT64_C(0x9e3779b97f4a7c15));
    /* AWS writes one object per batch of ENIs: a second file every third window or so, more
     * when a window holds more than 64 MiB */
    int n = 1 + (h % 3 == 0) + (int)(w->est_window >> 26);
    w->nfiles = n > MAXF ? MAXF : n;
}

static void close_window(gen_out *w)
{
    int64_t stamp = GEN_T0 + (w->window + 1) * 300;
    time_t tt = (time_t)stamp;
    struct tm tm;
    gmtime_r(&tt, &tm);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/AWSLogs/" GEN_ACCOUNT "/vpcflowlogs/" GEN_REGION "/%04d/%02d/%02d", w->o->outdir,
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    if (gen_mkdirs(dir) != 0)
        gen_die("cannot create %s", dir);
    for (int i = 0; i < w->nfiles; i++) {
        gen_buf *b = &w->files[i];
        if (b->len == 0) /* no record for this batch of ENIs: AWS writes nothing */
            continue;
        job *j = gen_xcalloc(1, sizeof *j);
        uint32_t hash = (uint32_t)gen_mix64(w->o->seed * 1000003u + (uint64_t)w->window * MAXF + (uint64_t)i);
        int n = snprintf(j->path, sizeof j->path,
                         "%s/" GEN_ACCOUNT "_vpcflowlogs_" GEN_REGION "_%s_%04d%02d%02dT%02d%02dZ_%08x.log%s", dir,
                         w->net->fl_id, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                         (unsigned)hash, w->o->plain ? "" : ".gz");
        if (n < 0 || (size_t)n >= sizeof j->path)
            gen_die("path too long under %s", dir);
        j->text = *b;
        memset(b, 0, sizeof *b);
        if (!w->o->plain && w->window % 5 == 2) { /* two gzip members, split at a line end */
            const char *mid = memchr(j->text.p + j->text.len / 2, '\n', j->text.len - j->text.len / 2);
            if (mid && (size_t)(mid + 1 - j->text.p) < j->text.len)
                j->split = (size_t)(mid + 1 - j->text.p);
        }
        w->files_written++;
        submit(w, j);
    }
    w->open = 0;
}

static gen_buf *file_for(gen_out *w, const gen_rec *r)
{
    int64_t window = (r->start - GEN_T0) / 300;
    if (w->open && window != w->window)
        close_window(w);
    if (!w->open)
        open_window(w, window);
    gen_buf *b = &w->files[r->obs->index % w->nfiles];
    if (b->len == 0)
        gen_buf_add(b, w->header, w->header_len);
    return b;
}

/* ---- public ---------------------------------------------------------------------------------- */

gen_out *gen_out_new(const gen_opts *o, const gen_net *net, uint64_t expect_bytes)
{
    gen_out *w = gen_xcalloc(1, sizeof *w);
    w->o = o;
    w->net = net;
    if (o->format == GEN_FMT_DEFAULT) {
        w->cols = cols_default;
        w->ncols = sizeof cols_default / sizeof cols_default[0];
    } else if (o->format == GEN_FMT_V3) {
        w->cols = cols_v3;
        w->ncols = sizeof cols_v3 / sizeof cols_v3[0];
    } else {
        w->cols = cols_v5;
        w->ncols = sizeof cols_v5 / sizeof cols_v5[0];
    }
    for (size_t i = 0; i < w->ncols; i++) {
        const char *name = vpcflow_field_name(w->cols[i]);
        size_t n = strlen(name);
        if (i)
            w->header[w->header_len++] = ' ';
        memcpy(w->header + w->header_len, name, n);
        w->header_len += n;
    }
    w->header[w->header_len++] = '\n';
    w->s3 = o->layout & GEN_LAYOUT_S3;
    w->flat_on = (o->layout & GEN_LAYOUT_FLAT) != 0;
    w->est_window = expect_bytes / ((uint64_t)o->days * 288);
    if (w->flat_on) {
        snprintf(w->flat_path, sizeof w->flat_path, "%s/flows.log", o->outdir);
        if (!(w->flat = fopen(w->flat_path, "wb")))
            gen_die("cannot write %s", w->flat_path);
        gen_buf_add(&w->flatbuf, w->header, w->header_len);
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv_put, NULL);
    pthread_cond_init(&w->cv_get, NULL);
    if (w->s3)
        for (; w->nth < NWORKERS; w->nth++)
            if (pthread_create(&w->th[w->nth], NULL, worker, w) != 0)
                gen_die("cannot start a thread");
    return w;
}

static void flat_flush(gen_out *w)
{
    if (w->flatbuf.len && fwrite(w->flatbuf.p, 1, w->flatbuf.len, w->flat) != w->flatbuf.len)
        gen_die("cannot write %s", w->flat_path);
    w->flatbuf.len = 0;
}

size_t gen_out_record(gen_out *w, const gen_rec *r)
{
    enum { MAXLINE = 1024 };
    size_t n;
    if (w->s3) {
        gen_buf *b = file_for(w, r);
        gen_buf_reserve(b, MAXLINE);
        n = format_record(w, r, b->p + b->len);
        if (w->flat_on)
            gen_buf_add(&w->flatbuf, b->p + b->len, n);
        b->len += n;
    } else {
        gen_buf_reserve(&w->flatbuf, MAXLINE);
        n = format_record(w, r, w->flatbuf.p + w->flatbuf.len);
        w->flatbuf.len += n;
    }
    if (w->flat_on && w->flatbuf.len >= FLAT_FLUSH)
        flat_flush(w);
    return n;
}

void gen_out_minute_end(gen_out *w, int64_t minute_start)
{
    if (w->s3 && w->open && (minute_start + 60 - GEN_T0) % 300 == 0)
        close_window(w);
}

int gen_out_finish(gen_out *w, uint64_t *files)
{
    if (w->s3 && w->open)
        close_window(w);
    pthread_mutex_lock(&w->mu);
    w->closing = 1;
    pthread_cond_broadcast(&w->cv_get);
    pthread_mutex_unlock(&w->mu);
    for (int i = 0; i < w->nth; i++)
        pthread_join(w->th[i], NULL);
    int rc = w->failed ? -1 : 0;
    if (w->flat_on) {
        flat_flush(w);
        if (fclose(w->flat) != 0) {
            fprintf(stderr, "vpcflow-gen: cannot write %s\n", w->flat_path);
            rc = -1;
        }
    }
    *files = w->files_written + (uint64_t)w->flat_on;
    for (int i = 0; i < MAXF; i++)
        gen_buf_free(&w->files[i]);
    gen_buf_free(&w->flatbuf);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv_put);
    pthread_cond_destroy(&w->cv_get);
    free(w);
    return rc;
}
