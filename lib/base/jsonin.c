/* jsonin.c — reading JSON inputs: parsing, paths and type names in messages, exact numbers, and
 * the bounded streaming reader (jsonin.h). */
#include "base/jsonin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ------------------------------------------------------------------------------ */

vpcflow_status vf_jin_fail(const vf_jin *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->path[0])
        return vf_error(c->err, VPCFLOW_ERR_INPUT, c->file, 0, 0, "%s: %s", c->path, msg);
    return vf_error(c->err, VPCFLOW_ERR_INPUT, c->file, 0, 0, "%s", msg);
}

void vf_jin_at(vf_jin *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->path, sizeof c->path, fmt, ap);
    va_end(ap);
}

size_t vf_utf8_cut(const char *s, size_t n)
{
    size_t start = n;
    while (start && ((unsigned char)s[start - 1] & 0xc0) == 0x80) /* back to the last lead byte */
        start--;
    if (!start)
        return n;
    unsigned char lead = (unsigned char)s[start - 1];
    size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    return start - 1 + need > n ? start - 1 : n;
}

void vf_quote(const char *s, size_t len, char *buf, size_t cap)
{
    if (cap < 8) {
        if (cap)
            buf[0] = 0;
        return;
    }
    size_t o = 0, room = cap - 6; /* quotes, "..." and NUL */
    buf[o++] = '"';
    size_t i = 0;
    for (; i < len && o < room; i++)
        buf[o++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    if (i < len) {
        o = 1 + vf_utf8_cut(buf + 1, o - 1);
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o++] = '"';
    buf[o] = 0;
}

/* ---- types and exact numbers ---------------------------------------------------------------
 *
 * jansson reads numbers into doubles, and 0.085 is no double. vf_jin_parse_exact checks the text
 * as it is (syntax errors keep their true line and column), then wraps every number token in a
 * string that starts with a NUL byte and parses again: each number arrives as the characters
 * written, and no string of the file can pass for one (the first parse refuses NUL bytes). */

static int is_exact_number(const json_t *v)
{
    return json_is_string(v) && json_string_length(v) > 0 && json_string_value(v)[0] == 0;
}

int vf_jin_is_number(const json_t *v)
{
    return json_is_number(v) || is_exact_number(v);
}

int vf_jin_is_string(const json_t *v)
{
    return json_is_string(v) && !is_exact_number(v);
}

const char *vf_jin_text(const json_t *v, size_t *len)
{
    if (!json_is_string(v))
        return NULL;
    int exact = is_exact_number(v);
    *len = json_string_length(v) - (size_t)exact;
    return json_string_value(v) + exact;
}

const char *vf_json_type_name(const json_t *v)
{
    if (is_exact_number(v))
        return "a number";
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    default:
        return "null";
    }
}

/* Writes s with every number token as "\u0000<token>" into out (when not NULL); the length. */
static size_t mark_numbers(const char *s, size_t len, char *out)
{
    static const char mark[] = "\"\\u0000";
    size_t o = 0;
    int in_string = 0, escaped = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_string) {
            if (escaped)
                escaped = 0;
            else if (c == '\\')
                escaped = 1;
            else if (c == '"')
                in_string = 0;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            if (out)
                memcpy(out + o, mark, sizeof mark - 1);
            o += sizeof mark - 1;
            for (; i < len && s[i] && strchr("0123456789+-.eE", s[i]); i++, o++)
                if (out)
                    out[o] = s[i];
            c = '"';
            i--;
        } else
            in_string = c == '"';
        if (out)
            out[o] = c;
        o++;
    }
    return o;
}

vpcflow_status vf_jin_parse(const char *file, const char *data, size_t len, size_t flags, const char *what,
                            json_t **doc, vpcflow_error *err)
{
    size_t i = 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
        i++;
    if (i == len)
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "empty file: expected %s", what);
    json_error_t je;
    *doc = json_loadb(data, len, flags, &je);
    if (!*doc && json_error_code(&je) == json_error_out_of_memory)
        return vf_error(err, VPCFLOW_ERR_IO, file, 0, 0, "out of memory");
    if (!*doc)
        return vf_error(err, VPCFLOW_ERR_INPUT, file, je.line > 0 ? (uint64_t)je.line : 0,
                        je.column > 0 ? (uint32_t)je.column : 0, "JSON syntax error: %s", je.text);
    return VPCFLOW_OK;
}

vpcflow_status vf_jin_parse_exact(const char *file, const char *data, size_t len, const char *what, json_t **doc,
                                  vpcflow_error *err)
{
    vpcflow_status st = vf_jin_parse(file, data, len, 0, what, doc, err);
    if (st)
        return st;
    json_decref(*doc);
    *doc = NULL;
    size_t n = mark_numbers(data, len, NULL);
    char *marked = malloc(n + 1);
    if (!marked)
        return vf_error(err, VPCFLOW_ERR_IO, file, 0, 0, "out of memory");
    mark_numbers(data, len, marked);
    json_error_t je;
    *doc = json_loadb(marked, n, JSON_ALLOW_NUL, &je);
    free(marked);
    if (!*doc && json_error_code(&je) == json_error_out_of_memory)
        return vf_error(err, VPCFLOW_ERR_IO, file, 0, 0, "out of memory");
    if (!*doc)
        return vf_error(err, VPCFLOW_ERR_IO, file, 0, 0, "cannot read the numbers: %s", je.text);
    return VPCFLOW_OK;
}

vpcflow_status vf_json_string(const json_t *obj, const char *key, const char *file, const char *where, char *out,
                              size_t cap, vpcflow_error *err)
{
    out[0] = 0;
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return VPCFLOW_OK;
    if (!vf_jin_is_string(v))
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s.%s: expected a string, found %s", where, key,
                        vf_json_type_name(v));
    size_t len = json_string_length(v);
    if (len >= cap) {
        char q[96];
        vf_quote(json_string_value(v), len, q, sizeof q);
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s.%s: %s is longer than %zu characters", where, key, q,
                        cap - 1);
    }
    memcpy(out, json_string_value(v), len + 1);
    return VPCFLOW_OK;
}

/* ---- streaming: the reader ----------------------------------------------------------------- */

#define WINDOW (64u << 10)
#define END (-1) /* end of input */

typedef struct reader {
    const vf_jin_stream *s;
    vpcflow_error *err;
    FILE *f;                      /* NULL: the whole input is in [p, end) */
    const unsigned char *p, *end; /* unread bytes */
    unsigned char *window;        /* file input */
    uint64_t total;               /* bytes read so far */
    uint64_t line, col;           /* of the last byte read, as jansson counts them */
    char *el;                     /* the element being captured */
    size_t nel, cap_el;
    int capturing;
    vpcflow_status st;
} reader;

static vpcflow_status rd_error(reader *r, vpcflow_status st, uint64_t line, uint64_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static vpcflow_status rd_error(reader *r, vpcflow_status st, uint64_t line, uint64_t col, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!r->st)
        r->st = vf_error(r->err, st, r->s->file, line, col > UINT32_MAX ? 0 : (uint32_t)col, "%s", msg);
    return r->st;
}

/* Refills the window; 0 at the end of input or on an error (r->st). */
static int rd_fill(reader *r)
{
    if (!r->f || r->st)
        return 0;
    size_t got = fread(r->window, 1, WINDOW, r->f);
    if (!got) {
        if (ferror(r->f))
            rd_error(r, VPCFLOW_ERR_IO, 0, 0, "read error: %s", strerror(errno));
        return 0;
    }
    r->total += got;
    if (r->total > VF_JIN_MAX_FILE) {
        rd_error(r, VPCFLOW_ERR_INPUT, 0, 0, "larger than %llu MiB: not %s",
                 (unsigned long long)(VF_JIN_MAX_FILE >> 20), r->s->what);
        return 0;
    }
    r->p = r->window;
    r->end = r->window + got;
    return 1;
}

static int rd_peek(reader *r)
{
    if (r->p == r->end && !rd_fill(r))
        return END;
    return *r->p;
}

/* The next byte (END at the end of input, or once an error is set); captured when capturing. */
static int rd_get(reader *r)
{
    if (r->st || (r->p == r->end && !rd_fill(r)))
        return END;
    int c = *r->p++;
    if (c == '\n') {
        r->line++;
        r->col = 0;
    } else if ((c & 0xc0) != 0x80) /* a UTF-8 character counts once */
        r->col++;
    if (r->capturing) {
        if (r->nel + 1 >= VF_JIN_MAX_ELEMENT) {
            rd_error(r, VPCFLOW_ERR_INPUT, r->line, r->col, "a JSON value larger than %zu MiB: not %s",
                     VF_JIN_MAX_ELEMENT >> 20, r->s->what);
            return END;
        }
        if (vf_grow(&r->el, &r->cap_el, r->nel + 1, 1) < 0) {
            rd_error(r, VPCFLOW_ERR_IO, 0, 0, "out of memory");
            return END;
        }
        r->el[r->nel++] = (char)c;
    }
    return c;
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The next byte that is not white space, consumed. */
static int rd_token(reader *r)
{
    int c;
    do
        c = rd_get(r);
    while (is_space(c));
    return c;
}

/* jansson's "X near Y" for the byte c just read (an error already set wins). */
static vpcflow_status syntax(reader *r, const char *what, int c)
{
    if (r->st)
        return r->st;
    char near[48];
    if (c == END)
        snprintf(near, sizeof near, "end of file");
    else if (c == 0)
        snprintf(near, sizeof near, "a NUL byte: not JSON text");
    else if (c < 0x20 || c >= 0x7f)
        snprintf(near, sizeof near, "byte 0x%02x", (unsigned)c);
    else
        snprintf(near, sizeof near, "'%c'", c);
    return rd_error(r, VPCFLOW_ERR_INPUT, r->line, r->col, "JSON syntax error: %s near %s", what, near);
}

/* Captures one value whose first byte c was just read (and is captured): a string, an object or
 * array by depth counting, or a bare token up to the next delimiter. Stops early at the end of
 * input: jansson then says what is missing. */
static void capture_rest(reader *r, int c)
{
    if (c == '"' || c == '{' || c == '[') {
        size_t depth = c == '"' ? 0 : 1;
        int in_string = c == '"';
        while (in_string || depth) {
            c = rd_get(r);
            if (c == END)
                return;
            if (in_string) {
                if (c == '\\')
                    rd_get(r);
                else if (c == '"')
                    in_string = 0;
            } else if (c == '"')
                in_string = 1;
            else if (c == '{' || c == '[')
                depth++;
            else if (c == '}' || c == ']')
                depth--;
        }
        return;
    }
    for (;;) {
        c = rd_peek(r);
        if (c == END || is_space(c) || c == ',' || c == ']' || c == '}')
            return;
        rd_get(r);
    }
}

/* Reads the value starting with the byte c just read and parses it alone; its syntax errors are
 * placed where they are in the file. NULL on an error (r->st). */
static json_t *read_value(reader *r, int c)
{
    uint64_t line = r->line, col0 = r->col - 1; /* c is at col0 + 1 */
    r->nel = 0;
    r->capturing = 1;
    if (vf_grow(&r->el, &r->cap_el, 1, 1) < 0) {
        rd_error(r, VPCFLOW_ERR_IO, 0, 0, "out of memory");
        return NULL;
    }
    r->el[r->nel++] = (char)c;
    capture_rest(r, c);
    r->capturing = 0;
    if (r->st)
        return NULL;
    json_error_t je;
    json_t *v = json_loadb(r->el, r->nel, JSON_DECODE_ANY, &je);
    if (!v && json_error_code(&je) == json_error_out_of_memory)
        rd_error(r, VPCFLOW_ERR_IO, 0, 0, "out of memory");
    else if (!v) {
        uint64_t l = je.line > 0 ? (uint64_t)je.line : 1, k = je.column > 0 ? (uint64_t)je.column : 0;
        rd_error(r, VPCFLOW_ERR_INPUT, line + l - 1, l == 1 ? col0 + k : k, "JSON syntax error: %s", je.text);
    }
    return v;
}

/* ---- streaming: the document --------------------------------------------------------------- */

static int wanted(const vf_jin_stream *s, const char *key)
{
    for (size_t i = 0; key && s->keys && s->keys[i]; i++)
        if (!strcmp(s->keys[i], key))
            return 1;
    return 0;
}

/* The elements of an array whose '[' was just read: each parsed alone, handed to fn if wanted. */
static vpcflow_status stream_array(reader *r, const char *key)
{
    int give = wanted(r->s, key);
    int c = rd_token(r);
    if (c == ']')
        return VPCFLOW_OK;
    for (size_t i = 0;; i++) {
        if (c == END)
            return syntax(r, "']' expected", c);
        uint64_t el_line = r->line;
        json_t *el = read_value(r, c);
        if (!el)
            return r->st;
        vpcflow_status st = give ? r->s->fn(r->s->ctx, key, i, el, r->err) : VPCFLOW_OK;
        if (st && r->s->place_errors && r->err && !r->err->line && !strcmp(r->err->file, r->s->file))
            r->err->line = el_line;
        json_decref(el);
        if (st)
            return r->st = st;
        c = rd_token(r);
        if (c == ']')
            return VPCFLOW_OK;
        if (c != ',')
            return syntax(r, "']' expected", c);
        c = rd_token(r);
        if (c == ']')
            return syntax(r, "unexpected token", c);
    }
}

/* One "key": value member of the top-level object; c is the byte after '{' or ','. */
static vpcflow_status member(reader *r, int c, json_t *skeleton)
{
    if (c != '"')
        return syntax(r, "string or '}' expected", c);
    json_t *k = read_value(r, c);
    if (!k)
        return r->st;
    vpcflow_status st = VPCFLOW_OK;
    if ((c = rd_token(r)) != ':')
        st = syntax(r, "':' expected", c);
    else if ((c = rd_token(r)) == END)
        st = syntax(r, "unexpected token", c);
    else if (c == '[') {
        st = stream_array(r, json_string_value(k));
        if (!st && json_object_set_new(skeleton, json_string_value(k), json_array()))
            st = rd_error(r, VPCFLOW_ERR_IO, 0, 0, "out of memory");
    } else {
        json_t *v = read_value(r, c);
        if (!v)
            st = r->st;
        else if (json_object_set_new(skeleton, json_string_value(k), v))
            st = rd_error(r, VPCFLOW_ERR_IO, 0, 0, "out of memory");
    }
    json_decref(k);
    return st;
}

static vpcflow_status stream_object(reader *r, json_t *skeleton)
{
    int c = rd_token(r);
    if (c == '}')
        return VPCFLOW_OK;
    for (;;) {
        vpcflow_status st = member(r, c, skeleton);
        if (st)
            return st;
        c = rd_token(r);
        if (c == '}')
            return VPCFLOW_OK;
        if (c != ',')
            return syntax(r, "'}' expected", c);
        c = rd_token(r);
    }
}

static vpcflow_status stream(reader *r, json_t **skeleton)
{
    *skeleton = NULL;
    r->line = 1;
    int c = rd_token(r);
    if (c == END && !r->st)
        return rd_error(r, VPCFLOW_ERR_INPUT, 0, 0, "empty file: expected a JSON document");
    if (c != '{' && c != '[')
        return syntax(r, "'[' or '{' expected", c);
    json_t *doc = c == '{' ? json_object() : json_array();
    if (!doc)
        return rd_error(r, VPCFLOW_ERR_IO, 0, 0, "out of memory");
    vpcflow_status st = c == '{' ? stream_object(r, doc) : stream_array(r, NULL);
    if (!st && (c = rd_token(r)) != END)
        st = syntax(r, "end of file expected", c);
    if (!st && r->st)
        st = r->st;
    if (st) {
        json_decref(doc);
        return st;
    }
    *skeleton = doc;
    return VPCFLOW_OK;
}

vpcflow_status vf_jin_stream_buf(const vf_jin_stream *s, const char *data, size_t len, json_t **skeleton,
                                 vpcflow_error *err)
{
    reader r = {.s = s, .err = err, .p = (const unsigned char *)data, .end = (const unsigned char *)data + len};
    *skeleton = NULL;
    if (len > VF_JIN_MAX_FILE)
        return vf_error(err, VPCFLOW_ERR_INPUT, s->file, 0, 0, "larger than %llu MiB: not %s",
                        (unsigned long long)(VF_JIN_MAX_FILE >> 20), s->what);
    vpcflow_status st = stream(&r, skeleton);
    free(r.el);
    return st;
}

vpcflow_status vf_jin_stream_file(const vf_jin_stream *s, json_t **skeleton, vpcflow_error *err)
{
    *skeleton = NULL;
    reader r = {.s = s, .err = err};
    r.f = fopen(s->file, "rb");
    if (!r.f)
        return vf_error(err, VPCFLOW_ERR_IO, s->file, 0, 0, "cannot open: %s", strerror(errno));
    r.window = malloc(WINDOW);
    vpcflow_status st = r.window ? stream(&r, skeleton) : vf_error(err, VPCFLOW_ERR_IO, s->file, 0, 0, "out of memory");
    free(r.window);
    free(r.el);
    fclose(r.f);
    return st;
}

const char *vf_jin_str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : "";
}
