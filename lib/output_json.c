/* output_json.c — JSON output: records as one object per line (JSON Lines), keyed by AWS
 * field names, numbers as numbers, null for no value. */
#include "output.h"

#include "format.h"

#include <string.h>

size_t vf_json_record(const vpcflow_record *rec, const vpcflow_columns *cols, vf_out *o)
{
    size_t n = cols ? cols->n : rec->format->ncols;
    vf_putc(o, '{');
    for (size_t i = 0; i < n; i++) {
        vf_val v;
        vf_column_value(rec, cols, i, &v);
        const char *name = cols ? cols->name[i] : rec->format->names[i];
        if (i)
            vf_putc(o, ',');
        vf_put_json_str(o, name, strlen(name));
        vf_putc(o, ':');
        if (v.kind == VF_VAL_ABSENT)
            vf_puts(o, "null");
        else if (v.kind == VF_VAL_NUMBER)
            vf_put(o, v.ptr, v.len);
        else
            vf_put_json_str(o, v.ptr, v.len);
    }
    vf_puts(o, "}\n");
    return o->len;
}
