/* output_text.c — records as text, in the AWS space-separated layout, or as CSV rows (one loop
 * for both; output_csv.c writes the CSV headers and the query tables). */
#include "out/output.h"

#include "read/format.h"

size_t vf_text_record(const vpcflow_record *rec, const vpcflow_columns *cols, int csv, vf_text *o)
{
    size_t n = cols ? cols->n : rec->format->ncols;
    for (size_t i = 0; i < n; i++) {
        vf_val v;
        vf_column_value(rec, cols, i, &v);
        if (i)
            vf_putc(o, csv ? ',' : ' ');
        if (v.kind == VF_VAL_ABSENT) {
            if (!csv)
                vf_putc(o, '-');
        } else if (csv)
            vf_put_csv(o, v.ptr, v.len);
        else
            vf_put(o, v.ptr, v.len);
    }
    vf_putc(o, '\n');
    return o->len;
}
