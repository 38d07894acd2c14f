/* rows_out.c — the rows of top and timeline, and the summary, in the format asked for: picks
 * the writer (output_table.c, output_csv.c, output_json.c), which read the results through
 * query/rows.h and query/summary.h. */
#include "out/output.h"

#include "query/rows.h"

int vpcflow_rows_write(const vpcflow_rows *r, vpcflow_output kind, FILE *out)
{
    switch (kind) {
    case VPCFLOW_OUTPUT_CSV:
        return vf_rows_csv(r, out);
    case VPCFLOW_OUTPUT_JSON:
        return vf_rows_json(r, out);
    default:
        return vf_rows_table(r, out);
    }
}

int vpcflow_summary_write(const vpcflow_summary *s, const vpcflow_bill *bill, vpcflow_output kind, FILE *out)
{
    return kind == VPCFLOW_OUTPUT_JSON ? vf_summary_json(s, bill, out) : vf_summary_table(s, bill, out);
}

int vpcflow_summary_write_json(const vpcflow_summary *s, const vpcflow_bill *bill, FILE *out)
{
    return vf_summary_json(s, bill, out);
}

int vpcflow_summary_write_table(const vpcflow_summary *s, const vpcflow_bill *bill, FILE *out)
{
    return vf_summary_table(s, bill, out);
}
