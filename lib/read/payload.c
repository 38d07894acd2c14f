/* payload.c — decodes JSON inputs into lines: CloudWatch Logs subscription payloads (base64 →
 * gzip → JSON DATA_MESSAGE → logEvents[].message; CONTROL_MESSAGE documents are skipped), the
 * AWS CLI's `aws logs` output (events[].message, Logs Insights rows' @message) and
 * {"message": ...} objects; and finds where documents end in a stream (vf_payload_cut_scan).
 *
 *   text ─► document ─┬─ {"awslogs"|"Records"|"records"} ─► base64 ─► gzip? ─► document
 *                     ├─ {"logEvents"} DATA_MESSAGE ─────► logEvents[].message ─┐
 *                     ├─ {"events"} filter/get-log-events ► events[].message ───┤
 *                     ├─ {"results"} get-query-results ───► row's @message ──────┼─► lines
 *                     ├─ {"message"} a JSON line ─────────► message ─────────────┘
 *                     └─ [ ... ] each element; bare base64 line; gzip data: the rest */
#include "read/payload.h"

#include "base/jsonin.h"
#include "read/gzip.h"
#include "read/lines.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* What one payload may decompress to: at most 256 MiB, and at most 1000 times its compressed
 * size (deflate cannot do better than about 1032:1, so only a zip bomb comes close). The JSON
 * tree of a decoded payload takes a few times its text again. */
#define MAX_PAYLOAD ((size_t)256 << 20)
#define MAX_PAYLOAD_RATIO 1000

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-') /* the URL-safe alphabet too */
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

static long base64_decode(const char *in, size_t n, unsigned char *out)
{
    uint32_t acc = 0;
    int bits = 0;
    long len = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '=' || c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        int v = b64_value(c);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[len++] = (unsigned char)(acc >> bits);
        }
    }
    return len;
}

int vf_payload_detect(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i == n)
        return 0;
    if (p[i] == '{' || p[i] == '[' || vf_is_gzip((const unsigned char *)p + i, n - i))
        return 1;
    return n - i >= 4 && memcmp(p + i, "H4sI", 4) == 0;
}

typedef struct builder {
    vf_payload_text *out;
    size_t cap, ecap;
    const char *input;
    uint64_t line; /* where the document being decoded starts in the input */
    vpcflow_error *err;
    vpcflow_status st;
    int gzip_depth; /* gzip streams met at the top level, one inside the other */
} builder;

static int add_line(builder *b, const char *msg, size_t len, int64_t ms)
{
    vf_payload_text *o = b->out;
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
        len--;
    if (memchr(msg, '\n', len)) {
        b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0, "a log event message spans several lines");
        return -1;
    }
    if (vf_grow(&o->text, &b->cap, o->len + len + 1 + VF_PAD, 1) < 0 ||
        vf_grow(&o->event_ms, &b->ecap, o->nevents + 1, sizeof *o->event_ms) < 0)
        goto oom;
    memcpy(o->text + o->len, msg, len);
    o->len += len;
    o->text[o->len++] = '\n';
    memset(o->text + o->len, 0, VF_PAD); /* the padding parsers may read is initialised */
    o->event_ms[o->nevents++] = ms;
    return 0;
oom:
    b->st = vf_error(b->err, VPCFLOW_ERR_IO, b->input, b->line, 0, "out of memory");
    return -1;
}

static int take_document(builder *b, json_t *doc);

/* base64 → gunzip → JSON document(s) */
static int take_b64(builder *b, const char *s, size_t n)
{
    unsigned char *raw = malloc(n / 4 * 3 + 4);
    if (!raw) {
        b->st = vf_error(b->err, VPCFLOW_ERR_IO, b->input, b->line, 0, "out of memory");
        return -1;
    }
    long rn = base64_decode(s, n, raw);
    if (rn < 0) {
        free(raw);
        b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0, "payload data is not valid base64");
        return -1;
    }
    char *json = NULL;
    size_t jlen = 0;
    char why[160];
    int rc;
    size_t limit = (size_t)rn > MAX_PAYLOAD / MAX_PAYLOAD_RATIO ? MAX_PAYLOAD : (size_t)rn * MAX_PAYLOAD_RATIO;
    if (vf_is_gzip(raw, (size_t)rn))
        rc = vf_gunzip_all(raw, (size_t)rn, &json, &jlen, limit, why, sizeof why);
    else { /* Firehose may deliver it already decompressed */
        json = (char *)raw;
        jlen = (size_t)rn;
        raw = NULL;
        rc = 0;
    }
    free(raw);
    if (rc == VF_GUNZIP_TOO_LARGE) {
        if (limit == MAX_PAYLOAD)
            b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0,
                             "payload data decompresses to more than 256 MiB (the limit per payload)");
        else
            b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0,
                             "payload data decompresses to more than %d times its %ld compressed bytes (the limit "
                             "per payload)",
                             MAX_PAYLOAD_RATIO, rn);
        return -1;
    }
    if (rc < 0) {
        b->st = vf_error(b->err, rc == VF_GUNZIP_NOMEM ? VPCFLOW_ERR_IO : VPCFLOW_ERR_INPUT, b->input, b->line, 0,
                         rc == VF_GUNZIP_NOMEM ? "%s" : "payload data: %s", why);
        return -1;
    }
    json_error_t je;
    json_t *doc = json_loadb(json, jlen, 0, &je);
    free(json);
    if (!doc && json_error_code(&je) == json_error_out_of_memory) {
        b->st = vf_error(b->err, VPCFLOW_ERR_IO, b->input, b->line, 0, "out of memory decoding a payload's JSON");
        return -1;
    }
    if (!doc) {
        b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0, "decoded payload is not JSON: %s", je.text);
        return -1;
    }
    rc = take_document(b, doc);
    json_decref(doc);
    return rc;
}

/* An event's time in ms: "timestamp" (ms since the epoch), else 0. */
static int64_t event_time(const json_t *ev)
{
    json_t *ts = json_object_get(ev, "timestamp");
    return json_is_integer(ts) ? (int64_t)json_integer_value(ts) : 0;
}

/* Element i of an array of log events (logEvents, events): its message is a line. */
static int take_event(builder *b, const char *array, size_t i, const json_t *ev)
{
    json_t *msg = json_object_get(ev, "message");
    if (!json_is_string(msg)) {
        b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0, "%s[%zu] has no message string", array, i);
        return -1;
    }
    return add_line(b, json_string_value(msg), json_string_length(msg), event_time(ev));
}

static int take_data_message(builder *b, json_t *doc)
{
    json_t *type = json_object_get(doc, "messageType");
    if (json_is_string(type) && strcmp(json_string_value(type), "CONTROL_MESSAGE") == 0) {
        b->out->control_messages++;
        return 0;
    }
    json_t *events = json_object_get(doc, "logEvents");
    if (!json_is_array(events)) {
        b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0, "payload has no logEvents array");
        return -1;
    }
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) if (take_event(b, "logEvents", i, ev) < 0) return -1;
    return 0;
}

/* `aws logs filter-log-events` / `get-log-events`: {"events":[{"timestamp","message",...}],
 * "nextToken"|"nextForwardToken"...}. */
static int take_events(builder *b, json_t *events)
{
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) if (take_event(b, "events", i, ev) < 0) return -1;
    return 0;
}

/* Logs Insights' "@timestamp", "YYYY-MM-DD HH:MM:SS[.mmm]" in UTC, as ms; 0 when it is not. */
static int64_t insights_time(const char *s, size_t n)
{
    if (n < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':')
        return 0;
    static const int at[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++)
        if (s[at[k]] < '0' || s[at[k]] > '9')
            return 0;
#define D2(i) ((s[i] - '0') * 10 + (s[(i) + 1] - '0'))
    int64_t y = D2(0) * 100 + D2(2), m = D2(5), d = D2(8), hh = D2(11), mm = D2(14), ss = D2(17);
#undef D2
    if (m < 1 || m > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60)
        return 0;
    int64_t ms = 0;
    if (n >= 23 && s[19] == '.' && s[20] >= '0' && s[20] <= '9' && s[21] >= '0' && s[21] <= '9' && s[22] >= '0' &&
        s[22] <= '9')
        ms = (s[20] - '0') * 100 + (s[21] - '0') * 10 + (s[22] - '0');
    /* days from 1970-01-01 of a proleptic Gregorian date */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    return ((days * 24 + hh) * 60 + mm) * 60000 + ss * 1000 + ms;
}

/* `aws logs get-query-results`: {"results":[[{"field":"@message","value":...},...],...],
 * "statistics":{...},"status":...}; each row must hold @message. */
static int take_query_row(builder *b, size_t i, const json_t *row)
{
    const char *msg = NULL, *ts = NULL;
    size_t mlen = 0, tlen = 0, k;
    json_t *cell;
    json_array_foreach(row, k, cell)
    {
        json_t *field = json_object_get(cell, "field"), *value = json_object_get(cell, "value");
        if (!json_is_string(field) || !json_is_string(value))
            continue;
        if (strcmp(json_string_value(field), "@message") == 0) {
            msg = json_string_value(value);
            mlen = json_string_length(value);
        } else if (strcmp(json_string_value(field), "@timestamp") == 0) {
            ts = json_string_value(value);
            tlen = json_string_length(value);
        }
    }
    if (!msg) {
        b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0,
                         "results[%zu] has no @message: the Logs Insights query must return @message (e.g. "
                         "'fields @timestamp, @message')",
                         i);
        return -1;
    }
    return add_line(b, msg, mlen, ts ? insights_time(ts, tlen) : 0);
}

static int take_query_rows(builder *b, json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) if (take_query_row(b, i, row) < 0) return -1;
    return 0;
}

/* Record i of a Kinesis (inner "kinesis") or Firehose (inner NULL) batch: base64 data. */
static int take_record(builder *b, size_t i, const json_t *r, const char *inner)
{
    json_t *holder = inner ? json_object_get(r, inner) : (json_t *)r;
    json_t *data = json_object_get(holder, "data");
    if (!json_is_string(data)) {
        b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0, "record %zu has no data string", i);
        return -1;
    }
    return take_b64(b, json_string_value(data), json_string_length(data));
}

static int take_records(builder *b, json_t *records, const char *inner)
{
    size_t i;
    json_t *r;
    json_array_foreach(records, i, r) if (take_record(b, i, r, inner) < 0) return -1;
    return 0;
}

static int take_document(builder *b, json_t *doc)
{
    if (json_is_array(doc)) {
        size_t i;
        json_t *d;
        json_array_foreach(doc, i, d) if (take_document(b, d) < 0) return -1;
        return 0;
    }
    if (json_is_string(doc))
        return take_b64(b, json_string_value(doc), json_string_length(doc));
    if (!json_is_object(doc)) {
        b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0, "unexpected JSON value in payload");
        return -1;
    }
    json_t *awslogs = json_object_get(doc, "awslogs");
    if (awslogs) {
        json_t *data = json_object_get(awslogs, "data");
        if (!json_is_string(data)) {
            b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0, "awslogs has no data string");
            return -1;
        }
        return take_b64(b, json_string_value(data), json_string_length(data));
    }
    json_t *records = json_object_get(doc, "Records");
    if (json_is_array(records))
        return take_records(b, records, "kinesis");
    records = json_object_get(doc, "records");
    if (json_is_array(records))
        return take_records(b, records, NULL);
    if (json_object_get(doc, "logEvents") || json_object_get(doc, "messageType"))
        return take_data_message(b, doc);
    json_t *events = json_object_get(doc, "events");
    if (json_is_array(events)) /* filter-log-events, get-log-events: tokens ignored */
        return take_events(b, events);
    json_t *results = json_object_get(doc, "results");
    if (json_is_array(results)) /* get-query-results */
        return take_query_rows(b, results);
    json_t *msg = json_object_get(doc, "message");
    if (!msg)
        msg = json_object_get(doc, "@message");
    if (json_is_string(msg)) /* one event: a JSON line, or an element of `--query events` */
        return add_line(b, json_string_value(msg), json_string_length(msg), event_time(doc));
    b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0,
                     "JSON input is not a CloudWatch Logs subscription payload nor AWS CLI logs output (no awslogs, "
                     "Records, logEvents, events, results or message)");
    return -1;
}

/* Lines of p[from, to) */
static uint64_t count_lines(const char *p, size_t from, size_t to)
{
    uint64_t n = 0;
    for (const char *q = p + from; (q = memchr(q, '\n', (size_t)(p + to - q))) != NULL; q++)
        n++;
    return n;
}

static int take_text(builder *b, const char *p, size_t n);

/* ---- large documents, element by element ------------------------------------------- */

/* A document larger than this (`aws logs filter-log-events` with every page in one output) is
 * read element by element: its text, never its whole JSON tree, is held. */
#define LARGE_DOC ((size_t)16 << 20)

/* The length of the JSON object or array at p[0], or 0 when it does not end within n. */
static size_t doc_length(const char *p, size_t n)
{
    size_t depth = 0;
    int in_str = 0, esc = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"')
            in_str = 1;
        else if (c == '{' || c == '[')
            depth++;
        else if ((c == '}' || c == ']') && --depth == 0)
            return i + 1;
    }
    return 0;
}

static vpcflow_status large_element(void *ctx, const char *key, size_t i, const json_t *el, vpcflow_error *err)
{
    builder *b = ctx;
    int rc = 0;
    (void)err; /* b->err is the same */
    if (!strcmp(key, "logEvents") || !strcmp(key, "events"))
        rc = take_event(b, key, i, el);
    else if (!strcmp(key, "results"))
        rc = take_query_row(b, i, el);
    else if (!strcmp(key, "Records"))
        rc = take_record(b, i, el, "kinesis");
    else if (!strcmp(key, "records"))
        rc = take_record(b, i, el, NULL);
    return rc < 0 ? b->st : VPCFLOW_OK;
}

/* The object p[0, n), one large document: the elements of its arrays of events, rows and
 * records as they come, then what is left of it (emptied arrays, tokens) as any document. */
static int take_large(builder *b, const char *p, size_t n)
{
    static const char *const keys[] = {"logEvents", "events", "results", "Records", "records", NULL};
    vf_jin_stream s = {b->input, "a JSON document of log events", keys, large_element, b};
    size_t len0 = b->out->len, n0 = b->out->nevents;
    json_t *skeleton;
    vpcflow_status st = vf_jin_stream_buf(&s, p, n, &skeleton, b->err);
    if (st != VPCFLOW_OK) {
        if (b->st == VPCFLOW_OK) { /* the reader's own error: its line counts from the document's */
            b->st = st;
            if (b->err->line)
                b->err->line += b->line - 1;
        }
        return -1;
    }
    json_t *type = json_object_get(skeleton, "messageType");
    if (json_is_string(type) && strcmp(json_string_value(type), "CONTROL_MESSAGE") == 0 && b->out->text) {
        b->out->len = len0; /* its events were taken before its type was seen */
        b->out->nevents = n0;
        memset(b->out->text + len0, 0, VF_PAD);
    }
    int rc = take_document(b, skeleton);
    json_decref(skeleton);
    return rc;
}

/* Gzip members at the top level (CloudWatch Logs payloads that Firehose wrote to S3 as they
 * came, inside a file S3 compression gzipped again): all of the rest, decompressed within the
 * payload limits, read as documents. */
static int take_gzip(builder *b, const char *p, size_t n)
{
    if (++b->gzip_depth > 4) {
        b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0, "gzip nested more than 4 deep in a payload");
        return -1;
    }
    char *text = NULL, why[160];
    size_t len = 0;
    size_t limit = n > MAX_PAYLOAD / MAX_PAYLOAD_RATIO ? MAX_PAYLOAD : n * MAX_PAYLOAD_RATIO;
    int rc = vf_gunzip_all(p, n, &text, &len, limit, why, sizeof why);
    if (rc == VF_GUNZIP_TOO_LARGE)
        b->st = vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line, 0,
                         "gzip data inside the input decompresses to more than %zu MiB (the limit per payload)",
                         limit >> 20);
    else if (rc < 0)
        b->st = vf_error(b->err, rc == VF_GUNZIP_NOMEM ? VPCFLOW_ERR_IO : VPCFLOW_ERR_INPUT, b->input, b->line, 0,
                         rc == VF_GUNZIP_NOMEM ? "%s" : "gzip data inside the input: %s", why);
    if (rc < 0) {
        free(text);
        return -1;
    }
    uint64_t line = b->line;
    rc = take_text(b, text, len);
    b->line = line;
    b->gzip_depth--;
    free(text);
    return rc;
}

/* Every document in p[0, n): JSON values one after the other (separated or not), bare base64
 * lines, or gzip data (the rest). */
static int take_text(builder *b, const char *p, size_t n)
{
    size_t i = 0, counted = 0;
    int rc = 0;
    while (rc == 0) {
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
            i++;
        if (i >= n)
            break;
        b->line += count_lines(p, counted, i);
        counted = i;
        if (vf_is_gzip((const unsigned char *)p + i, n - i))
            return take_gzip(b, p + i, n - i);
        size_t large = p[i] == '{' && n - i > LARGE_DOC ? doc_length(p + i, n - i) : 0;
        if (large > LARGE_DOC) {
            rc = take_large(b, p + i, large);
            i += large;
        } else if (p[i] == '{' || p[i] == '[') {
            json_error_t je;
            json_t *doc = json_loadb(p + i, n - i, JSON_DISABLE_EOF_CHECK, &je);
            if (!doc && json_error_code(&je) == json_error_out_of_memory) {
                b->st =
                    vf_error(b->err, VPCFLOW_ERR_IO, b->input, b->line, 0, "out of memory decoding a payload's JSON");
                return -1;
            }
            if (!doc) {
                b->st =
                    vf_error(b->err, VPCFLOW_ERR_INPUT, b->input, b->line - 1 + (uint64_t)(je.line > 0 ? je.line : 1),
                             (uint32_t)(je.column > 0 ? je.column : 0), "invalid JSON: %s", je.text);
                return -1;
            }
            i += je.position;
            rc = take_document(b, doc);
            json_decref(doc);
        } else { /* a bare base64 line */
            const char *eol = memchr(p + i, '\n', n - i);
            size_t len = eol ? (size_t)(eol - (p + i)) : n - i;
            rc = take_b64(b, p + i, len);
            i += len;
        }
    }
    return rc;
}

vpcflow_status vf_payload_decode_at(const char *p, size_t n, const char *input, uint64_t first_line,
                                    vf_payload_text *out, vpcflow_error *err)
{
    memset(out, 0, sizeof *out);
    builder b = {out, 0, 0, input, first_line, err, VPCFLOW_OK, 0};
    int rc = take_text(&b, p, n);
    if (rc == 0 && !out->text) { /* no events: an empty, valid buffer */
        out->text = calloc(1, VF_PAD + 1);
        if (!out->text)
            b.st = vf_error(err, VPCFLOW_ERR_IO, input, 0, 0, "out of memory");
    }
    if (b.st != VPCFLOW_OK)
        vf_payload_free(out);
    return b.st;
}

vpcflow_status vf_payload_decode(const char *p, size_t n, const char *input, vf_payload_text *out, vpcflow_error *err)
{
    return vf_payload_decode_at(p, n, input, 1, out, err);
}

/* ---- where documents end, as the text arrives -------------------------------------- */

size_t vf_payload_cut_scan(vf_payload_cut *c, const char *p, size_t n)
{
    for (size_t i = c->pos; i < n && !c->rest; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (c->bare) { /* a bare base64 line, or text that is no JSON: ends at its line's end */
            if (ch == '\n') {
                c->bare = 0;
                c->end = i + 1;
            }
        } else if (c->in_str) {
            if (c->esc)
                c->esc = 0;
            else if (ch == '\\')
                c->esc = 1;
            else if (ch == '"')
                c->in_str = 0;
        } else if (c->depth) {
            if (ch == '"')
                c->in_str = 1;
            else if (ch == '{' || ch == '[')
                c->depth++;
            else if ((ch == '}' || ch == ']') && --c->depth == 0)
                c->end = i + 1;
        } else if (ch == '{' || ch == '[')
            c->depth = 1;
        else if (ch == 0x1f) /* gzip data: decoded whole, with the rest */
            c->rest = 1;
        else if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
            c->bare = 1;
    }
    c->pos = c->rest ? c->pos : n;
    return c->end;
}

void vf_payload_cut_consumed(vf_payload_cut *c, size_t used)
{
    c->pos -= used;
    c->end -= used;
}

void vf_payload_free(vf_payload_text *t)
{
    free(t->text);
    free(t->event_ms);
    memset(t, 0, sizeof *t);
}
