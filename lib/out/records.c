/* records.c — one record in the output format asked for: picks the writer (output_text.c,
 * output_csv.c, output_json.c), which take their field values from output.c. */
#include "out/output.h"

size_t vpcflow_record_render(const vpcflow_record *rec, vpcflow_output kind, const vpcflow_columns *cols, char *buf,
                             size_t cap)
{
    vf_text o = vf_text_fixed(buf, cap);
    switch (kind) {
    case VPCFLOW_OUTPUT_CSV:
        return vf_text_record(rec, cols, 1, &o);
    case VPCFLOW_OUTPUT_JSON:
        return vf_json_record(rec, cols, &o);
    default:
        return vf_text_record(rec, cols, 0, &o);
    }
}
