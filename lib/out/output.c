/* output.c — column lists and the field values shared by every record format: addresses
 * canonical, times in seconds, numbers in plain decimal. */
#include "out/output.h"

#include "read/format.h"
#include "read/parse.h"
#include "query/rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- column lists -------------------------------------------------------------------- */

static vpcflow_columns *columns_alloc(size_t n)
{
    vpcflow_columns *c = vf_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->field = vf_calloc(n, sizeof *c->field);
    c->name = vf_calloc(n, sizeof *c->name);
    if (!c->field || !c->name) {
        vpcflow_columns_free(c);
        return NULL;
    }
    return c;
}

vpcflow_status vpcflow_columns_parse(const char *list, int allow_opaque, vpcflow_columns **out, vpcflow_error *err)
{
    size_t n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    vpcflow_columns *c = columns_alloc(n);
    if (!c)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    const char *p = list;
    for (size_t i = 0; i < n; i++) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && (*p == ' '))
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (!len) {
            vpcflow_columns_free(c);
            return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "empty field name in '%s'", list);
        }
        c->field[i] = vpcflow_field_lookup(p, len);
        if (c->field[i] < 0 && !allow_opaque) {
            vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "unknown field '%.*s' (see 'vpcflow help fields')", (int)len,
                     p);
            vpcflow_columns_free(c);
            return VPCFLOW_ERR_INPUT;
        }
        c->name[i] = c->field[i] >= 0 ? vf_strndup(vpcflow_field_name((vpcflow_field)c->field[i]),
                                                   strlen(vpcflow_field_name((vpcflow_field)c->field[i])))
                                      : vf_strndup(p, len);
        c->n = i + 1;
        if (!c->name[i]) {
            vpcflow_columns_free(c);
            return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
        }
        p = e ? e + 1 : p + len;
    }
    *out = c;
    return VPCFLOW_OK;
}

vpcflow_columns *vpcflow_columns_from_format(const vpcflow_format *fmt)
{
    vpcflow_columns *c = columns_alloc(fmt->ncols);
    if (!c)
        return NULL;
    for (uint32_t i = 0; i < fmt->ncols; i++) {
        c->field[i] = fmt->col_field[i];
        c->name[i] = vf_strndup(fmt->names[i], strlen(fmt->names[i]));
        c->n = i + 1;
        if (!c->name[i]) {
            vpcflow_columns_free(c);
            return NULL;
        }
    }
    return c;
}

void vpcflow_columns_free(vpcflow_columns *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->name[i]);
    free(c->name);
    free(c->field);
    free(c);
}

size_t vpcflow_columns_count(const vpcflow_columns *c)
{
    return c->n;
}

const char *vpcflow_columns_name(const vpcflow_columns *c, size_t i)
{
    return i < c->n ? c->name[i] : NULL;
}

/* ---- values -------------------------------------------------------------------------- */

static int record_column(const vpcflow_record *rec, const vpcflow_columns *cols, size_t i, int *field)
{
    const vpcflow_format *fmt = rec->format;
    if (!cols) {
        *field = fmt->col_field[i];
        return (int)i;
    }
    *field = cols->field[i];
    if (*field >= 0)
        return fmt->field_col[*field];
    for (uint32_t k = 0; k < fmt->ncols; k++)
        if (fmt->col_field[k] < 0 && strcmp(fmt->names[k], cols->name[i]) == 0)
            return (int)k;
    return -1;
}

void vf_column_value(const vpcflow_record *rec, const vpcflow_columns *cols, size_t i, vf_val *v)
{
    int f;
    int rc = record_column(rec, cols, i, &f);
    v->kind = VF_VAL_ABSENT;
    if (rc < 0)
        return;
    vpcflow_str tok = rec->cols[rc];
    if (tok.len == 1 && tok.ptr[0] == '-')
        return;
    if (f < 0 || !(rec->present & VPCFLOW_BIT(f))) {
        v->kind = VF_VAL_TEXT;
        v->ptr = tok.ptr;
        v->len = tok.len;
        return;
    }
    switch (vpcflow_field_type_of((vpcflow_field)f)) {
    case VPCFLOW_T_ADDR:
        v->kind = VF_VAL_TEXT;
        v->len = vpcflow_addr_format(vf_record_addr(rec, f), v->tmp, sizeof v->tmp);
        v->ptr = v->tmp;
        return;
    case VPCFLOW_T_U32:
    case VPCFLOW_T_U64:
    case VPCFLOW_T_TIME: {
        vf_text o = vf_text_fixed(v->tmp, sizeof v->tmp);
        vf_put_u64(&o, vf_record_number(rec, f));
        v->kind = VF_VAL_NUMBER;
        v->ptr = v->tmp;
        v->len = o.len;
        return;
    }
    default:
        v->kind = VF_VAL_TEXT;
        v->ptr = tok.ptr;
        v->len = tok.len;
    }
}

void vf_rows_put_time(const vpcflow_rows *r, size_t i, int json, FILE *out)
{
    if (!r->timeline)
        return;
    char t[32];
    vf_rows_time(r->rows[i].bucket, t, sizeof t);
    fprintf(out, json ? "\"time\": \"%s\", \"start\": %lld, " : "%s,%lld,", t, (long long)r->rows[i].bucket);
}
