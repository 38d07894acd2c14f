/* output_text.c — plain-text output: records in the AWS space-separated layout. */
#include "out/output.h"

#include "read/format.h"

size_t vf_text_record(const vpcflow_record *rec, const vpcflow_columns *cols, vf_text *o)
{
    size_t n = cols ? cols->n : rec->format->ncols;
    for (size_t i = 0; i < n; i++) {
        vf_val v;
        vf_column_value(rec, cols, i, &v);
        if (i)
            vf_putc(o, ' ');
        if (v.kind == VF_VAL_ABSENT)
            vf_putc(o, '-');
        else
            vf_put(o, v.ptr, v.len);
    }
    vf_putc(o, '\n');
    return o->len;
}
