/* output_csv.c — CSV output (RFC 4180): the header of AWS field names and the query tables; records
 * as CSV rows are written by output_text.c. */
#include "out/output.h"

#include "read/format.h"
#include "query/rows.h"

#include <stdio.h>
#include <string.h>

size_t vpcflow_columns_csv_header(const vpcflow_columns *cols, char *buf, size_t cap)
{
    vf_text o = vf_text_fixed(buf, cap);
    for (size_t i = 0; i < cols->n; i++) {
        if (i)
            vf_putc(&o, ',');
        vf_put_csv(&o, cols->name[i], strlen(cols->name[i]));
    }
    vf_putc(&o, '\n');
    return o.len;
}

/* ---- rows of top and timeline: raw integers, cost in dollars with 6 decimals ---------------- */

static int has_owner(const vpcflow_rows *r, size_t k, int second)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->rows[i].owner[2 * k + (size_t)second])
            return 1;
    return 0;
}

static void csv_cell(FILE *out, const char *s)
{
    char buf[600];
    vf_text o = vf_text_fixed(buf, sizeof buf);
    vf_put_csv(&o, s, strlen(s));
    fwrite(buf, 1, VF_MIN(o.len, sizeof buf), out);
}

int vf_rows_csv(const vpcflow_rows *r, FILE *out)
{
    int owner[VF_MAX_KEYS][2]; /* which owner columns exist: computed once, not per row */
    for (size_t k = 0; k < r->nkeys; k++)
        for (int second = 0; second < 2; second++)
            owner[k][second] = has_owner(r, k, second);
    if (r->timeline)
        fputs("time,start,", out);
    for (size_t k = 0; k < r->nkeys; k++) {
        csv_cell(out, r->names[k]);
        fputc(',', out);
        for (int second = 0; second < 2; second++)
            if (owner[k][second]) {
                char name[96];
                vf_rows_owner_name(r, k, second, name, sizeof name);
                fprintf(out, "%s,", name);
            }
    }
    fputs("bytes,packets,flows,cost_usd,share\n", out);
    uint64_t total = vf_rows_total_metric(r);
    for (size_t i = 0; i < r->n; i++) {
        const vf_row *row = &r->rows[i];
        vf_rows_put_time(r, i, 0, out);
        for (size_t k = 0; k < r->nkeys; k++) {
            csv_cell(out, row->text[k]);
            fputc(',', out);
            for (int second = 0; second < 2; second++)
                if (owner[k][second]) {
                    const char *o = row->owner[2 * k + (size_t)second];
                    csv_cell(out, o ? o : "");
                    fputc(',', out);
                }
        }
        char usd[64];
        vf_usd_format(row->cost, 6, usd, sizeof usd);
        fprintf(out, "%llu,%llu,%llu,%s,%.6f\n", (unsigned long long)row->bytes, (unsigned long long)row->packets,
                (unsigned long long)row->flows, usd, total ? (double)vf_row_metric(r, row) / (double)total : 0.0);
    }
    return ferror(out) ? -1 : 0;
}
