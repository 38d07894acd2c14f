/* output_csv.c — CSV output (RFC 4180): a header of AWS field names, empty cells for no value. */
#include "output.h"

#include "format.h"

#include <string.h>

size_t vf_csv_record(const vpcflow_record *rec, const vpcflow_columns *cols, vf_out *o)
{
    size_t n = cols ? cols->n : rec->format->ncols;
    for (size_t i = 0; i < n; i++) {
        vf_val v;
        vf_column_value(rec, cols, i, &v);
        if (i)
            vf_putc(o, ',');
        if (v.kind != VF_VAL_ABSENT)
            vf_put_csv(o, v.ptr, v.len);
    }
    vf_putc(o, '\n');
    return o->len;
}

size_t vpcflow_columns_csv_header(const vpcflow_columns *cols, char *buf, size_t cap)
{
    vf_out o = {buf, cap, 0};
    for (size_t i = 0; i < cols->n; i++) {
        if (i)
            vf_putc(&o, ',');
        vf_put_csv(&o, cols->name[i], strlen(cols->name[i]));
    }
    vf_putc(&o, '\n');
    return o.len;
}
