/* rows_out.c — the rows of top and timeline in the format asked for: picks the writer
 * (output_table.c, output_csv.c, output_json.c), which read the rows through query/rows.h. */
#include "out/output.h"

#include "query/rows.h"

int vpcflow_rows_write(const vpcflow_rows *r, vpcflow_rows_format kind, FILE *out)
{
    switch (kind) {
    case VPCFLOW_ROWS_CSV:
        return vf_rows_csv(r, out);
    case VPCFLOW_ROWS_JSON:
        return vf_rows_json(r, out);
    default:
        return vf_rows_table(r, out);
    }
}
