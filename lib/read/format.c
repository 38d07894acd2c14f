/* format.c — record formats: AWS "${field}" strings, S3 header lines, the default format. */
#include "read/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

vpcflow_status vf_format_from_names(const vpcflow_str *names, size_t n, vpcflow_format **out, vpcflow_error *err)
{
    if (n == 0)
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "format has no fields");
    if (n > VPCFLOW_MAX_COLUMNS)
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "format has %zu fields; at most %d are supported", n,
                        VPCFLOW_MAX_COLUMNS);
    vpcflow_format *fmt = vf_calloc(1, sizeof *fmt);
    if (!fmt)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    for (int f = 0; f < VPCFLOW_F_COUNT; f++)
        fmt->field_col[f] = -1;
    fmt->all_string = 1;
    for (size_t i = 0; i < n; i++) {
        int f = vpcflow_field_lookup(names[i].ptr, names[i].len);
        fmt->names[i] = vf_strndup(names[i].ptr, names[i].len);
        fmt->ncols = (uint32_t)i + 1;
        if (!fmt->names[i]) {
            vpcflow_format_free(fmt);
            return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(fmt->names[j], fmt->names[i]) == 0 || (f >= 0 && fmt->col_field[j] == f)) {
                vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, (uint32_t)i + 1, "field '%s' appears twice in the format",
                         fmt->names[i]);
                vpcflow_format_free(fmt);
                return VPCFLOW_ERR_INPUT;
            }
        }
        fmt->col_field[i] = (int16_t)f;
        if (f < 0) {
            fmt->col_type[i] = VF_COL_OPAQUE;
            fmt->nunknown++;
            continue;
        }
        fmt->col_type[i] = (uint8_t)vpcflow_field_type_of((vpcflow_field)f);
        fmt->field_col[f] = (int16_t)i;
        fmt->mask |= VPCFLOW_BIT(f);
        if (fmt->col_type[i] != VPCFLOW_T_STRING)
            fmt->all_string = 0;
    }
    fmt->is_default = fmt->ncols == 14 && fmt->nunknown == 0;
    for (uint32_t i = 0; i < fmt->ncols && fmt->is_default; i++)
        fmt->is_default = fmt->col_field[i] == (int16_t)i; /* the enum starts with the v2 fields in order */
    /* VPCFLOW_GENERIC_PARSE=1 (any value but 0) turns the fast path off, so that a test can
     * compare its results with the generic parser's on the same input (tests/cli/parse_paths.sh) */
    const char *generic = getenv("VPCFLOW_GENERIC_PARSE");
    fmt->fast = fmt->is_default && !(generic && *generic && strcmp(generic, "0") != 0);
    *out = fmt;
    return VPCFLOW_OK;
}

/* Splits "${a} ${b}" or "a b" into names; checks the characters. */
vpcflow_status vpcflow_format_parse(const char *spec, size_t len, vpcflow_format **out, vpcflow_error *err)
{
    vpcflow_str names[VPCFLOW_MAX_COLUMNS + 1];
    size_t n = 0, i = 0;
    int aws = memmem(spec, len, "${", 2) != NULL;
    while (i < len) {
        while (i < len && (is_space(spec[i]) || spec[i] == '\r' || spec[i] == '\n'))
            i++;
        if (i == len)
            break;
        size_t col = i + 1;
        if (aws) {
            if (len - i < 3 || spec[i] != '$' || spec[i + 1] != '{')
                return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, (uint32_t)col,
                                "expected '${field}' in the format string at column %zu", col);
            i += 2;
        }
        size_t start = i;
        while (i < len && is_name_char(spec[i]))
            i++;
        if (i == start)
            return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, (uint32_t)(i + 1),
                            "expected a field name at column %zu of the format", i + 1);
        size_t end = i;
        if (aws) {
            if (i >= len || spec[i] != '}')
                return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, (uint32_t)(i + 1),
                                "expected '}' at column %zu of the format", i + 1);
            i++;
        }
        if (i < len && !is_space(spec[i]) && spec[i] != '\r' && spec[i] != '\n')
            return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, (uint32_t)(i + 1),
                            "unexpected character '%c' at column %zu of the format", spec[i], i + 1);
        if (n == VPCFLOW_MAX_COLUMNS)
            return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "format has more than %d fields", VPCFLOW_MAX_COLUMNS);
        names[n].ptr = spec + start;
        names[n].len = end - start;
        n++;
    }
    return vf_format_from_names(names, n, out, err);
}

vpcflow_format *vpcflow_format_default(void)
{
    static const char spec[] = "version account-id interface-id srcaddr dstaddr srcport dstport protocol "
                               "packets bytes start end action log-status";
    vpcflow_format *fmt = NULL;
    vpcflow_format_parse(spec, sizeof spec - 1, &fmt, NULL);
    return fmt;
}

void vpcflow_format_free(vpcflow_format *fmt)
{
    if (!fmt)
        return;
    for (uint32_t i = 0; i < fmt->ncols; i++)
        free(fmt->names[i]);
    free(fmt);
}

vpcflow_format *vf_format_clone(const vpcflow_format *fmt)
{
    vpcflow_str names[VPCFLOW_MAX_COLUMNS];
    for (uint32_t i = 0; i < fmt->ncols; i++) {
        names[i].ptr = fmt->names[i];
        names[i].len = strlen(fmt->names[i]);
    }
    vpcflow_format *out = NULL;
    vf_format_from_names(names, fmt->ncols, &out, NULL);
    return out;
}

int vf_format_equal(const vpcflow_format *a, const vpcflow_format *b)
{
    if (a->ncols != b->ncols)
        return 0;
    for (uint32_t i = 0; i < a->ncols; i++)
        if (strcmp(a->names[i], b->names[i]) != 0)
            return 0;
    return 1;
}

size_t vpcflow_format_columns(const vpcflow_format *fmt)
{
    return fmt->ncols;
}

int vpcflow_format_column_field(const vpcflow_format *fmt, size_t i)
{
    return i < fmt->ncols ? fmt->col_field[i] : -1;
}

const char *vpcflow_format_column_name(const vpcflow_format *fmt, size_t i)
{
    return i < fmt->ncols ? fmt->names[i] : NULL;
}

int vpcflow_format_column_of(const vpcflow_format *fmt, vpcflow_field f)
{
    return (unsigned)f < VPCFLOW_F_COUNT ? fmt->field_col[f] : -1;
}

uint64_t vpcflow_format_fields(const vpcflow_format *fmt)
{
    return fmt->mask;
}

size_t vpcflow_format_to_string(const vpcflow_format *fmt, char *buf, size_t cap)
{
    size_t need = 0;
    if (cap)
        buf[0] = 0;
    for (uint32_t i = 0; i < fmt->ncols; i++) {
        int n = snprintf(need < cap ? buf + need : NULL, need < cap ? cap - need : 0, "%s${%s}", i ? " " : "",
                         fmt->names[i]);
        need += n > 0 ? (size_t)n : 0;
    }
    return need;
}

int vpcflow_line_is_header(const char *line, size_t len)
{
    /* a header starts with a field name in its first column: the chunk prescan looks for
     * headers only there */
    if (len == 0 || line[0] < 'a' || line[0] > 'z')
        return 0;
    size_t i = 0, tokens = 0;
    while (i < len) {
        while (i < len && (is_space(line[i]) || line[i] == '\r'))
            i++;
        if (i == len)
            break;
        size_t start = i;
        if (line[i] < 'a' || line[i] > 'z')
            return 0;
        while (i < len && is_name_char(line[i]))
            i++;
        if (i < len && !is_space(line[i]) && line[i] != '\r')
            return 0;
        if (tokens == 0 && vpcflow_field_lookup(line + start, i - start) < 0)
            return 0;
        tokens++;
    }
    return tokens > 0;
}
