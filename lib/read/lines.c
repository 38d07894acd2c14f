/* lines.c — the line processor: headers, CloudWatch export prefixes, blank lines, records,
 * malformed lines. Every reader (files, gzip, stdin, subscription payloads, followed files)
 * hands its text here, so all of them treat lines the same way. */
#include "read/lines.h"

#include "read/format.h"
#include "read/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- format registry ----------------------------------------------------------------- */

struct vf_formats {
    pthread_mutex_t lock;
    vpcflow_format *base;
    struct hdr {
        char *text;
        vpcflow_format *fmt;
    } * hdrs;
    size_t nhdrs, cap;
    char **warned;
    size_t nwarned, cwarned;
};

vf_formats *vf_formats_new(vpcflow_format *base)
{
    vf_formats *reg = vf_calloc(1, sizeof *reg);
    if (!reg)
        return NULL;
    pthread_mutex_init(&reg->lock, NULL);
    reg->base = base;
    return reg;
}

void vf_formats_free(vf_formats *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->nhdrs; i++) {
        free(reg->hdrs[i].text);
        vpcflow_format_free(reg->hdrs[i].fmt);
    }
    for (size_t i = 0; i < reg->nwarned; i++)
        free(reg->warned[i]);
    free(reg->warned);
    free(reg->hdrs);
    vpcflow_format_free(reg->base);
    pthread_mutex_destroy(&reg->lock);
    free(reg);
}

const vpcflow_format *vf_formats_base(const vf_formats *reg)
{
    return reg->base;
}

static int warned_before(vf_formats *reg, const char *name)
{
    for (size_t i = 0; i < reg->nwarned; i++)
        if (strcmp(reg->warned[i], name) == 0)
            return 1;
    if (vf_grow(&reg->warned, &reg->cwarned, reg->nwarned + 1, sizeof *reg->warned) < 0)
        return 1;
    reg->warned[reg->nwarned] = vf_strndup(name, strlen(name));
    if (reg->warned[reg->nwarned])
        reg->nwarned++;
    return 0;
}

const vpcflow_format *vf_formats_from_header(vf_formats *reg, const char *line, size_t len, const char **why,
                                             char *unknown_new, size_t unknown_cap)
{
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    if (unknown_cap)
        unknown_new[0] = 0;
    const vpcflow_format *found = NULL;
    pthread_mutex_lock(&reg->lock);
    for (size_t i = 0; i < reg->nhdrs && !found; i++)
        if (strlen(reg->hdrs[i].text) == len && memcmp(reg->hdrs[i].text, line, len) == 0)
            found = reg->hdrs[i].fmt;
    if (found) {
        pthread_mutex_unlock(&reg->lock);
        return found;
    }
    vpcflow_format *fmt = NULL;
    vpcflow_error err;
    vpcflow_status st = vpcflow_format_parse(line, len, &fmt, &err);
    if (st != VPCFLOW_OK) {
        pthread_mutex_unlock(&reg->lock);
        *why = st == VPCFLOW_ERR_INPUT ? "invalid header line (a field appears twice?)" : VF_OUT_OF_MEMORY;
        return NULL;
    }
    if (vf_grow(&reg->hdrs, &reg->cap, reg->nhdrs + 1, sizeof *reg->hdrs) < 0) {
        pthread_mutex_unlock(&reg->lock);
        vpcflow_format_free(fmt);
        *why = VF_OUT_OF_MEMORY;
        return NULL;
    }
    reg->hdrs[reg->nhdrs].text = vf_strndup(line, len);
    if (!reg->hdrs[reg->nhdrs].text) { /* a NULL text would crash the next lookup's strlen */
        pthread_mutex_unlock(&reg->lock);
        vpcflow_format_free(fmt);
        *why = VF_OUT_OF_MEMORY;
        return NULL;
    }
    reg->hdrs[reg->nhdrs].fmt = fmt;
    reg->nhdrs++;
    for (uint32_t i = 0; i < fmt->ncols; i++) {
        if (fmt->col_field[i] >= 0 || warned_before(reg, fmt->names[i]))
            continue;
        if (unknown_cap && !unknown_new[0])
            snprintf(unknown_new, unknown_cap, "%s", fmt->names[i]);
    }
    pthread_mutex_unlock(&reg->lock);
    return fmt;
}

/* ---- CloudWatch export timestamps ---------------------------------------------------- */

static int digits(const char *p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Accepts YYYY-MM-DDTHH:MM:SS[.fff...][Z|+hh:mm|-hh:mm] followed by a space. */
int vf_is_cw_timestamp(const char *p, size_t len, int64_t *ms)
{
    int y, mo, d, h, mi, s;
    if (len < 20 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != ' ') || p[13] != ':' || p[16] != ':')
        return 0;
    if (!digits(p, 4, &y) || !digits(p + 5, 2, &mo) || !digits(p + 8, 2, &d) || !digits(p + 11, 2, &h) ||
        !digits(p + 14, 2, &mi) || !digits(p + 17, 2, &s))
        return 0;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return 0;
    size_t i = 19;
    int frac_ms = 0, scale = 100;
    if (i < len && p[i] == '.') {
        i++;
        size_t start = i;
        while (i < len && p[i] >= '0' && p[i] <= '9') {
            frac_ms += (p[i] - '0') * scale;
            scale /= 10;
            i++;
        }
        if (i == start)
            return 0;
    }
    int64_t offset = 0;
    if (i < len && p[i] == 'Z')
        i++;
    else if (i + 6 <= len && (p[i] == '+' || p[i] == '-') && p[i + 3] == ':') {
        int oh, om;
        if (!digits(p + i + 1, 2, &oh) || !digits(p + i + 4, 2, &om))
            return 0;
        offset = (p[i] == '+' ? 1 : -1) * (int64_t)(oh * 3600 + om * 60);
        i += 6;
    }
    if (i >= len || (p[i] != ' ' && p[i] != '\t'))
        return 0;
    if (ms) {
        int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
        *ms = secs * 1000 + frac_ms;
    }
    return (int)i;
}

/* ---- the processor ------------------------------------------------------------------- */

void vf_lines_init(vf_lines *L, vf_formats *formats, const vf_lines_hooks *hooks)
{
    memset(L, 0, sizeof *L);
    L->formats = formats;
    L->hooks = *hooks;
}

static void set_format(vf_lines *L, const vpcflow_format *fmt)
{
    L->fmt = fmt;
    L->check_header_first = fmt->all_string;
}

void vf_lines_begin(vf_lines *L, const char *input, uint64_t seq, uint64_t first_line, const vpcflow_format *fmt,
                    int cw_mode, int started)
{
    L->input = input;
    L->seq = seq;
    L->line_no = first_line - 1; /* first_line 0 (a synthesized header first): wraps, then counts from 0 */
    L->started = started;
    L->cw_mode = cw_mode;
    L->event_ms = NULL;
    L->event_base = 0;
    set_format(L, fmt ? fmt : vf_formats_base(L->formats));
    memset(&L->rec, 0, sizeof L->rec);
}

static int report_bad(vf_lines *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int report_bad(vf_lines *L, const char *fmt, ...)
{
    L->stats.records_malformed++;
    vf_bad_line bad;
    bad.seq = L->seq;
    bad.line = L->line_no;
    bad.input = L->input;
    bad.out_of_memory = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(bad.message, sizeof bad.message, fmt, ap);
    va_end(ap);
    return L->hooks.bad ? L->hooks.bad(L->hooks.ctx, &bad) : 0;
}

int vf_lines_skip_long(vf_lines *L, uint64_t offset, size_t max_line)
{
    L->line_no++;
    L->stats.lines++;
    return report_bad(L, "line longer than %zu MiB (it starts at byte %llu)", max_line >> 20,
                      (unsigned long long)offset);
}

/* Memory ran out while handling the current line: not a malformed line, the end of the run. */
static int report_out_of_memory(vf_lines *L)
{
    vf_bad_line bad;
    memset(&bad, 0, sizeof bad);
    bad.seq = L->seq;
    bad.line = L->line_no;
    bad.input = L->input;
    bad.out_of_memory = 1;
    snprintf(bad.message, sizeof bad.message, "out of memory");
    return L->hooks.bad ? L->hooks.bad(L->hooks.ctx, &bad) : 0;
}

/* Handles a line that is a header; returns 1 when it was one. */
static int take_header(vf_lines *L, const char *p, size_t len)
{
    if (!vpcflow_line_is_header(p, len))
        return 0;
    const char *why = NULL;
    char unknown[64];
    const vpcflow_format *fmt = vf_formats_from_header(L->formats, p, len, &why, unknown, sizeof unknown);
    if (!fmt && strcmp(why, VF_OUT_OF_MEMORY) == 0) {
        report_out_of_memory(L);
        L->stopped = 1;
        return 1;
    }
    if (!fmt) { /* counted as malformed, not as a header */
        if (report_bad(L, "%s", why))
            L->stopped = 1;
        return 1;
    }
    if (unknown[0] && L->hooks.warn) {
        char msg[160];
        snprintf(msg, sizeof msg, "unknown field '%s' in header: kept as an opaque text column", unknown);
        L->hooks.warn(L->hooks.ctx, L->input, L->line_no, msg);
    }
    L->stats.headers++;
    set_format(L, fmt);
    return 1;
}

static void count_record(vf_lines *L, const vpcflow_record *r)
{
    vpcflow_scan_stats *s = &L->stats;
    if (r->present & VPCFLOW_BIT(VPCFLOW_F_LOG_STATUS)) {
        if (r->log_status == VPCFLOW_STATUS_NODATA) {
            s->records_nodata++;
            return;
        }
        if (r->log_status == VPCFLOW_STATUS_SKIPDATA) {
            s->records_skipdata++;
            return;
        }
    }
    s->records++;
    s->packets = vf_sat_add(s->packets, r->packets);
    s->bytes = vf_sat_add(s->bytes, r->bytes);
    if ((r->present & VPCFLOW_BIT(VPCFLOW_F_START)) && (!s->first_start || r->start < s->first_start))
        s->first_start = r->start;
    if ((r->present & VPCFLOW_BIT(VPCFLOW_F_END)) && r->end > s->last_end)
        s->last_end = r->end;
}

/* The first non-blank line decides whether this input is a CloudWatch export. */
static void detect_mode(vf_lines *L, const char *p, size_t len)
{
    L->started = 1;
    if (vf_is_cw_timestamp(p, len, NULL))
        L->cw_mode = 1;
}

int vf_lines_feed(vf_lines *L, const char *p, const char *end)
{
    vpcflow_record *rec = &L->rec;
    while (p < end) {
        const char *line = p;
        L->line_no++;
        L->stats.lines++;
        const char *body = p;
        int64_t ev = 0;
        if (VF_UNLIKELY(!L->started || L->cw_mode || L->check_header_first || *p == '\n' || *p == '\r')) {
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            size_t len = (size_t)(eol - p);
            size_t trimmed = len;
            while (trimmed && (p[trimmed - 1] == '\r' || p[trimmed - 1] == ' ' || p[trimmed - 1] == '\t'))
                trimmed--;
            size_t lead = 0;
            while (lead < trimmed && (p[lead] == ' ' || p[lead] == '\t'))
                lead++;
            if (lead == trimmed) { /* blank line: no data, nothing to report */
                p = eol + 1;
                continue;
            }
            if (!L->started)
                detect_mode(L, p, len);
            if (L->cw_mode) {
                int n = vf_is_cw_timestamp(p, len, &ev);
                if (!n) {
                    if (report_bad(L, "expected a CloudWatch export timestamp at the start of the line"))
                        return L->stopped = 1;
                    p = eol + 1;
                    continue;
                }
                body = p + n;
                while (*body == ' ' || *body == '\t')
                    body++;
            } else if (take_header(L, p, len)) {
                if (L->stopped)
                    return 1;
                p = eol + 1;
                continue;
            }
        }
        vf_parse_result res;
        p = vf_parse_record(L->fmt, body, end, rec, L->cols, &res);
        if (VF_UNLIKELY(res.why != NULL)) {
            size_t len = (size_t)(p - 1 - line);
            const char *q = line;
            while (q < p - 1 && (*q == ' ' || *q == '\t' || *q == '\r'))
                q++;
            if (q == p - 1) /* only white space */
                continue;
            if (!L->cw_mode && take_header(L, line, len)) {
                if (L->stopped)
                    return 1;
                continue;
            }
            char msg[sizeof((vf_bad_line *)0)->message];
            if (report_bad(L, "%s", vf_parse_describe(L->fmt, &res, msg, sizeof msg)))
                return L->stopped = 1;
            continue;
        }
        rec->line.ptr = line;
        rec->line.len = (size_t)(p - 1 - line) - (p - 1 > line && p[-2] == '\r');
        rec->input = L->input;
        rec->seq = L->seq;
        rec->line_no = L->line_no;
        rec->event_ms = L->event_ms ? L->event_ms[L->line_no - L->event_base] : ev;
        count_record(L, rec);
        if (L->hooks.record(L->hooks.ctx, rec))
            return L->stopped = 1;
    }
    return 0;
}

void vf_scan_stats_add(vpcflow_scan_stats *t, const vpcflow_scan_stats *s)
{
    t->lines += s->lines;
    t->headers += s->headers;
    t->records += s->records;
    t->records_nodata += s->records_nodata;
    t->records_skipdata += s->records_skipdata;
    t->records_malformed += s->records_malformed;
    t->inputs_failed += s->inputs_failed;
    t->packets = vf_sat_add(t->packets, s->packets);
    t->bytes = vf_sat_add(t->bytes, s->bytes);
    if (s->first_start && (!t->first_start || s->first_start < t->first_start))
        t->first_start = s->first_start;
    if (s->last_end > t->last_end)
        t->last_end = s->last_end;
}
