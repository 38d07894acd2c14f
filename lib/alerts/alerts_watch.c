/* alerts_watch.c — the streaming side of alerts: inputs followed like tail -F (follow.c),
 * split into lines, subscription payloads decoded (payload.c), records handed to one
 * streaming engine (alerts.c) that fires alerts as their thresholds are crossed.
 *
 *   file/stdin ──follow──► bytes ──lines──┬─ record lines ────────────► vf_lines ──┐
 *                                         └─ JSON / base64 payloads ──► decode ────┤
 *                                                                      engine ◄────┘
 * A line whose first character is '{' or '[' starts a payload document, which may span
 * lines (pretty-printed JSON) until its brackets close; "H4sI" starts a bare base64 payload.
 * Flow-log records and header lines never start that way. */
#include "alerts/alerts.h"

#include "query/analysis.h"
#include "read/follow.h"
#include "read/lines.h"
#include "read/payload.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK ((size_t)1 << 20)
#define MAX_LINE ((size_t)64 << 20)

typedef struct winput {
    const char *name;
    uint64_t seq;
    vf_follow f;
    int opened;
    int finished;
    vf_lines L; /* the text of the input */
    vf_lines P; /* decoded payloads */
    char *buf;  /* bytes not yet processed: at most one partial line */
    size_t len, cap;
    char *doc; /* a payload document spanning lines */
    size_t dlen, dcap;
    int in_doc, depth, in_str, esc;
    int skipping;      /* dropping the rest of a line longer than MAX_LINE */
    uint64_t text_off; /* bytes of text before buf[0] */
} winput;

struct vpcflow_watch {
    vpcflow_watch_options o;
    vpcflow_alert_rules *defaults; /* when the options give no rules */
    vf_analysis an;
    int an_open;
    vf_formats *formats;
    vf_alert_engine *E;
    winput *in;
    size_t nin;
    winput feed;
    int feed_open;
    vpcflow_watch_summary stats;
    unsigned reported;
    int stop;
    vpcflow_status st;
    vpcflow_error err;
    uint64_t order;
};

/* ---- hooks of the line processors -------------------------------------------------- */

static void diag(vpcflow_watch *w, int warning, const char *input, uint64_t line, const char *msg)
{
    if (!w->o.analysis.scan.diag)
        return;
    vpcflow_diag d = {warning, input, line, msg};
    w->o.analysis.scan.diag(w->o.analysis.scan.ctx, &d);
}

static void fail(vpcflow_watch *w, vpcflow_status st, const vpcflow_error *err)
{
    if (w->st == VPCFLOW_OK) {
        w->st = st;
        w->err = *err;
    }
    w->stop = 1;
}

static int report_bad(vpcflow_watch *w, const char *input, uint64_t line, const char *message)
{
    unsigned limit = w->o.analysis.scan.report_limit ? w->o.analysis.scan.report_limit : 10;
    if (w->o.analysis.scan.strict) {
        vpcflow_error e;
        vf_error(&e, VPCFLOW_ERR_INPUT, input, line, 0, "%s", message);
        fail(w, VPCFLOW_ERR_INPUT, &e);
        return 1;
    }
    if (w->reported++ < limit)
        diag(w, 0, input, line, message);
    return 0;
}

static int hook_record(void *ctx, const vpcflow_record *rec)
{
    vpcflow_watch *w = ctx;
    int rc = vf_alert_engine_record(w->E, rec, ++w->order, 0);
    if (rc < 0) {
        vpcflow_error e;
        vf_error(&e, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        fail(w, VPCFLOW_ERR_IO, &e);
    }
    if (rc)
        w->stop = 1;
    return rc != 0;
}

static int hook_bad(void *ctx, const vf_bad_line *bad)
{
    return report_bad(ctx, bad->input, bad->line, bad->message);
}

static void hook_warn(void *ctx, const char *input, uint64_t line, const char *message)
{
    diag(ctx, 1, input, line, message);
}

static int fire(void *ctx, const vpcflow_alert *a)
{
    vpcflow_watch *w = ctx;
    return w->o.alert ? w->o.alert(w->o.ctx, a) : 0;
}

/* ---- payloads ---------------------------------------------------------------------- */

static int payload_start(const char *p, size_t len)
{
    size_t i = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
        i++;
    return i < len && (p[i] == '{' || p[i] == '[' || (len - i >= 4 && memcmp(p + i, "H4sI", 4) == 0));
}

static int decode(vpcflow_watch *w, winput *in, const char *p, size_t n)
{
    vf_payload_text t;
    vpcflow_error e;
    vpcflow_status st = vf_payload_decode(p, n, in->name, &t, &e);
    if (st != VPCFLOW_OK) {
        if (st == VPCFLOW_ERR_IO) {
            fail(w, VPCFLOW_ERR_IO, &e);
            return 1;
        }
        in->L.stats.records_malformed++;
        return report_bad(w, in->name, in->L.line_no, e.message);
    }
    w->stats.payloads++;
    w->stats.control_messages += t.control_messages;
    vf_lines_begin(&in->P, in->name, in->seq, 1, NULL, 0, 1);
    in->P.event_ms = t.event_ms;
    in->P.event_base = 1;
    int rc = vf_lines_feed(&in->P, t.text, t.text + t.len);
    vf_payload_free(&t);
    return rc;
}

/* Brackets outside strings: the document ends where they balance. */
static void scan_brackets(winput *in, const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (in->in_str) {
            if (in->esc)
                in->esc = 0;
            else if (c == '\\')
                in->esc = 1;
            else if (c == '"')
                in->in_str = 0;
        } else if (c == '"')
            in->in_str = 1;
        else if (c == '{' || c == '[')
            in->depth++;
        else if (c == '}' || c == ']')
            in->depth--;
    }
}

/* A line of a payload: a bare base64 line, or part of a JSON document. */
static int payload_line(vpcflow_watch *w, winput *in, const char *p, size_t len)
{
    if (!in->in_doc) {
        size_t i = 0;
        while (i < len && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (p[i] == 'H') {
            in->L.line_no++;
            in->L.stats.lines++;
            return decode(w, in, p, len);
        }
        in->in_doc = 1;
        in->depth = in->in_str = in->esc = 0;
        in->dlen = 0;
    }
    in->L.line_no++;
    in->L.stats.lines++;
    if (in->dlen + len + 1 > MAX_LINE) {
        in->in_doc = 0;
        in->L.stats.records_malformed++;
        return report_bad(w, in->name, in->L.line_no, "subscription payload larger than 64 MiB");
    }
    if (vf_grow(&in->doc, &in->dcap, VF_MAX(in->dlen + len + 1 + VF_PAD, (size_t)65536), 1) < 0) {
        vpcflow_error e;
        vf_error(&e, VPCFLOW_ERR_IO, in->name, 0, 0, "out of memory");
        fail(w, VPCFLOW_ERR_IO, &e);
        return 1;
    }
    memcpy(in->doc + in->dlen, p, len);
    in->dlen += len;
    in->doc[in->dlen++] = '\n';
    scan_brackets(in, p, len);
    if (in->depth > 0)
        return 0;
    in->in_doc = 0;
    return decode(w, in, in->doc, in->dlen);
}

/* A document that never closed: report it, and forget it. */
static int abandon_doc(vpcflow_watch *w, winput *in)
{
    in->in_doc = 0;
    in->L.stats.records_malformed++;
    return report_bad(w, in->name, in->L.line_no, "unterminated JSON payload");
}

/* ---- lines ------------------------------------------------------------------------- */

/* Handles the complete lines of in->buf (and, when final, a last line without '\n'). */
static int process(vpcflow_watch *w, winput *in, int final)
{
    if (final && in->len && in->buf[in->len - 1] != '\n')
        in->buf[in->len++] = '\n';        /* room: cap + VF_PAD */
    memset(in->buf + in->len, 0, VF_PAD); /* the padding parsers may read is initialised */
    char *p = in->buf, *end = in->buf + in->len, *run = NULL;
    int rc = 0;
    while (!rc && p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        size_t len = (size_t)(nl - p);
        /* a record line inside an unclosed document: the document was not JSON after all */
        if (in->in_doc && len && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')))
            rc = abandon_doc(w, in);
        if (!rc && (in->in_doc || payload_start(p, len))) {
            if (run)
                rc = vf_lines_feed(&in->L, run, p);
            run = NULL;
            if (!rc)
                rc = payload_line(w, in, p, len);
        } else if (!run)
            run = p;
        p = nl + 1;
    }
    if (!rc && run)
        rc = vf_lines_feed(&in->L, run, p);
    in->text_off += (uint64_t)(p - in->buf);
    memmove(in->buf, p, (size_t)(end - p));
    in->len = (size_t)(end - p);
    if (!rc && final && in->in_doc)
        rc = abandon_doc(w, in);
    return rc || w->stop;
}

static vpcflow_status input_init(vpcflow_watch *w, winput *in, const char *name, uint64_t seq)
{
    memset(in, 0, sizeof *in);
    in->name = name;
    in->seq = seq;
    vf_lines_hooks hooks = {hook_record, hook_bad, hook_warn, w};
    vf_lines_init(&in->L, w->formats, &hooks);
    vf_lines_init(&in->P, w->formats, &hooks);
    vf_lines_begin(&in->L, name, seq, 1, NULL, 0, 0);
    in->cap = READ_CHUNK;
    in->buf = malloc(in->cap + VF_PAD + 1);
    if (!in->buf)
        return vf_error(&w->err, VPCFLOW_ERR_IO, name, 0, 0, "out of memory");
    return VPCFLOW_OK;
}

static void input_stats(const winput *in, vpcflow_watch_summary *s)
{
    vf_scan_stats_add(&s->scan, &in->L.stats);
    vf_scan_stats_add(&s->scan, &in->P.stats);
    s->rotations += in->f.rotations;
    s->truncations += in->f.truncations;
    s->scan.bytes_in += in->f.pos;
}

static void refresh_stats(vpcflow_watch *w)
{
    vpcflow_watch_summary s = w->stats;
    memset(&s.scan, 0, sizeof s.scan);
    s.rotations = s.truncations = 0;
    for (size_t i = 0; i < w->nin; i++)
        input_stats(&w->in[i], &s);
    if (w->feed_open)
        input_stats(&w->feed, &s);
    s.scan.inputs = w->nin + (size_t)w->feed_open;
    vf_alert_engine_stats(w->E, &s);
    w->stats = s;
}

static void input_free(winput *in)
{
    if (in->opened)
        vf_follow_close(&in->f);
    free(in->buf);
    free(in->doc);
    memset(in, 0, sizeof *in);
}

/* ---- the handle -------------------------------------------------------------------- */

vpcflow_status vpcflow_watch_new(const vpcflow_watch_options *o, vpcflow_watch **out, vpcflow_error *err)
{
    *out = NULL;
    vpcflow_watch *w = vf_calloc(1, sizeof *w);
    if (!w)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    memcpy(&w->o, o, VF_MIN(o->size ? o->size : sizeof w->o, sizeof w->o));
    if (!w->o.poll_ms)
        w->o.poll_ms = 250;
    vpcflow_status st;
    if (!w->o.rules) {
        if ((st = vpcflow_alert_rules_load(NULL, &w->defaults, err)) != VPCFLOW_OK) {
            free(w);
            return st;
        }
        w->o.rules = w->defaults;
    }
    vpcflow_analysis_options ao = w->o.analysis;
    ao.no_dedup = 1; /* a stream cannot be read twice to learn the ENIs: topology only */
    st = vf_analysis_open(&w->an, NULL, 0, &ao, err);
    if (st != VPCFLOW_OK) {
        vpcflow_watch_free(w);
        return st;
    }
    w->an_open = 1;
    const char *spec = w->o.analysis.scan.format;
    vpcflow_format *base = NULL;
    if (spec && (st = vpcflow_format_parse(spec, strlen(spec), &base, err)) != VPCFLOW_OK) {
        if (err)
            snprintf(err->file, sizeof err->file, "--format");
        vpcflow_watch_free(w);
        return st;
    }
    if (!spec)
        base = vpcflow_format_default();
    w->formats = base ? vf_formats_new(base) : NULL;
    if (!w->formats)
        vpcflow_format_free(base);
    vf_engine_options eo = {
        w->o.rules,    w->an.net, 1, w->o.analysis.action, w->o.analysis.since, w->o.analysis.until, w->o.max_keys,
        w->o.lateness, fire,      w, w->an.memory_limit};
    w->E = w->formats ? vf_alert_engine_new(&eo) : NULL;
    if (!w->E) {
        vpcflow_watch_free(w);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    *out = w;
    return VPCFLOW_OK;
}

void vpcflow_watch_free(vpcflow_watch *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->nin; i++)
        input_free(&w->in[i]);
    free(w->in);
    input_free(&w->feed);
    vf_alert_engine_free(w->E);
    vf_formats_free(w->formats);
    if (w->an_open)
        vf_analysis_close(&w->an);
    vpcflow_alert_rules_free(w->defaults);
    free(w);
}

const vpcflow_watch_summary *vpcflow_watch_stats(const vpcflow_watch *w)
{
    return &w->stats;
}

uint64_t vpcflow_watch_fired(const vpcflow_watch *w, size_t rule)
{
    return vf_alert_engine_fired(w->E, rule);
}

static vpcflow_status result(vpcflow_watch *w, vpcflow_error *err)
{
    refresh_stats(w);
    if (w->st != VPCFLOW_OK && err)
        *err = w->err;
    return w->st;
}

static int make_room(vpcflow_watch *w, winput *in);

/* After n new bytes at the end of in->buf: while a long line is being skipped, they are
 * dropped up to and including its '\n'. */
static void skip_rest(winput *in, size_t n)
{
    if (!in->skipping)
        return;
    char *fresh = in->buf + in->len - n, *nl = memchr(fresh, '\n', n);
    size_t drop = nl ? (size_t)(nl + 1 - fresh) : n;
    memmove(fresh, fresh + drop, n - drop);
    in->len -= drop;
    in->text_off += drop;
    in->skipping = !nl;
}

vpcflow_status vpcflow_watch_feed(vpcflow_watch *w, const char *data, size_t len, vpcflow_error *err)
{
    int end = len == 0;
    if (!w->feed_open) {
        w->feed_open = 1;
        if (input_init(w, &w->feed, "-", 0) != VPCFLOW_OK) {
            w->st = VPCFLOW_ERR_IO;
            return result(w, err);
        }
    }
    winput *in = &w->feed;
    while (len && !w->stop && !make_room(w, in)) {
        size_t k = VF_MIN(len, in->cap - in->len);
        memcpy(in->buf + in->len, data, k);
        in->len += k;
        skip_rest(in, k);
        data += k;
        len -= k;
        process(w, in, 0);
    }
    if (end && !w->stop)
        process(w, in, 1);
    return result(w, err);
}

/* ---- following --------------------------------------------------------------------- */

/* Room for the next read; lines may grow the buffer up to MAX_LINE. */
static int make_room(vpcflow_watch *w, winput *in)
{
    if (in->cap - in->len >= READ_CHUNK / 4)
        return 0;
    if (in->cap >= MAX_LINE) { /* no line end in 64 MiB: one malformed line, dropped to its end */
        uint64_t start = in->text_off;
        in->text_off += in->len;
        in->len = 0;
        in->skipping = 1;
        return vf_lines_skip_long(&in->L, start, MAX_LINE);
    }
    if (vf_grow_padded(&in->buf, &in->cap, in->cap + 1, VF_PAD + 1) < 0) { /* doubles */
        vpcflow_error e;
        vf_error(&e, VPCFLOW_ERR_IO, in->name, 0, 0, "out of memory");
        fail(w, VPCFLOW_ERR_IO, &e);
        return 1;
    }
    return 0;
}

/* One read from one input; returns 1 when something happened. */
static int step(vpcflow_watch *w, winput *in)
{
    if (make_room(w, in))
        return 1;
    vf_follow_event ev;
    vpcflow_error e;
    long n = vf_follow_read(&in->f, in->buf + in->len, in->cap - in->len, &ev, &e);
    if (n < 0) {
        fail(w, in->f.corrupt ? VPCFLOW_ERR_INPUT : VPCFLOW_ERR_IO, &e);
        return 1;
    }
    if (n > 0) {
        in->len += (size_t)n;
        skip_rest(in, (size_t)n);
        process(w, in, 0);
        return 1;
    }
    switch (ev) {
    case VF_FOLLOW_RESTART:
        diag(w, 1, in->name, 0, in->f.why);
        process(w, in, 1); /* what is left belongs to the old file */
        vf_lines_begin(&in->L, in->name, in->seq, 1, NULL, 0, 0);
        in->skipping = 0;
        in->text_off = 0;
        return 1;
    case VF_FOLLOW_END:
        process(w, in, 1);
        in->finished = 1;
        return 1;
    default:
        if (w->o.exit_at_eof && !in->f.is_stdin) {
            process(w, in, 1);
            in->finished = 1;
            return 1;
        }
        return 0;
    }
}

static void wait_for_input(vpcflow_watch *w)
{
    struct pollfd fds[16];
    nfds_t n = 0;
    for (size_t i = 0; i < w->nin && n < 16; i++)
        if (!w->in[i].finished && vf_follow_poll_fd(&w->in[i].f) >= 0)
            fds[n++] = (struct pollfd){vf_follow_poll_fd(&w->in[i].f), POLLIN, 0};
    /* a signal interrupts the wait, and the loop sees the stop flag at once */
    if (poll(n ? fds : NULL, n, (int)w->o.poll_ms) < 0 && errno != EINTR)
        w->stop = 1;
}

static int stopping(const vpcflow_watch *w)
{
    return w->stop || (w->o.stop && *w->o.stop);
}

vpcflow_status vpcflow_watch_run(vpcflow_watch *w, const char *const *paths, size_t npaths, vpcflow_error *err)
{
    static const char *const stdin_path[] = {"-"};
    if (!npaths) {
        paths = stdin_path;
        npaths = 1;
    }
    w->in = vf_calloc(npaths, sizeof *w->in);
    if (!w->in)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < npaths; i++) {
        w->nin = i + 1;
        vpcflow_status st = input_init(w, &w->in[i], paths[i], i);
        if (st == VPCFLOW_OK)
            st = vf_follow_open(&w->in[i].f, paths[i], w->o.from_end, &w->err);
        if (st == VPCFLOW_OK && w->in[i].f.waiting && w->o.exit_at_eof) { /* nothing to wait for */
            vf_follow_close(&w->in[i].f);
            st = vf_error(&w->err, VPCFLOW_ERR_IO, paths[i], 0, 0, "cannot open: %s", strerror(ENOENT));
        }
        if (st != VPCFLOW_OK) {
            w->st = st;
            return result(w, err);
        }
        w->in[i].opened = 1;
        if (w->in[i].f.waiting)
            diag(w, 1, paths[i], 0, "does not exist yet: waiting for it to appear");
    }
    while (!stopping(w)) {
        int busy = 0, open_inputs = 0;
        for (size_t i = 0; i < w->nin && !stopping(w); i++) {
            if (w->in[i].finished)
                continue;
            busy |= step(w, &w->in[i]);
            open_inputs += !w->in[i].finished;
        }
        if (!open_inputs)
            break;
        if (!busy && !stopping(w))
            wait_for_input(w);
    }
    return result(w, err);
}
