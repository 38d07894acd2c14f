/* report.h — `vpcflow report --html`: everything the page shows, computed in one scan
 * (report.c), drawn as inline SVG (svg.c) and written as one self-contained page (html.c). */
#ifndef VF_REPORT_H
#define VF_REPORT_H

#include "alerts/alerts.h"
#include "base/text.h"
#include "query/rows.h"
#include "query/summary.h"

#define VF_REPORT_NATS 8
#define VF_REPORT_TOP 10

/* What the page shows. Each part is the very object that `summary`, `top`, `timeline` and
 * `alerts` would compute on the same inputs, so the page writes their JSON as its data. */
typedef struct vf_report {
    vpcflow_summary *summary;
    vpcflow_advice *advice;     /* advise's actions (advise_html.c) */
    vpcflow_rows *timeline;     /* timeline --by class --every N */
    vpcflow_rows *az;           /* top --by src-az,dst-az --class cross-az */
    vpcflow_rows *ports;        /* top --by dstport --limit 10 */
    vpcflow_rows *reject_ports; /* top --action REJECT --by dstport --limit 10 */
    vpcflow_rows *reject_srcs;  /* top --action REJECT --by srcaddr --limit 10 */
    vf_nat_use nat[VF_REPORT_NATS];
    size_t nnat;
    vpcflow_alerts *alerts; /* with the default rules */
    const char *const *paths;
    size_t npaths;
    vpcflow_bill bill;
    int free_tier;
    char title[256];
} vf_report;

vpcflow_status vf_report_run(const char *const *paths, size_t npaths, const vpcflow_report_options *o, vf_report *r,
                             vpcflow_error *err);
void vf_report_free(vf_report *r);

/* The page (html.c). Returns 0, or -1 on a write error or when out of memory. */
int vf_report_html(const vf_report *r, FILE *out);

/* HTML text: & < > " ' escaped, bytes that are not UTF-8 replaced by U+FFFD (escape.c). */
void vf_put_html(vf_text *t, const char *s);

/* SHA-256 of a buffer (sha256.c). */
void vf_sha256(const void *data, size_t len, unsigned char out[32]);

/* ---- inline SVG charts (svg.c) ------------------------------------------------------------
 * Every bar carries data-bar and data-value (the exact number), every heat-map cell data-cell
 * and data-value, with a <title> giving the exact value on hover. Labels are escaped. */
typedef struct vf_bar {
    const char *label; /* shown at the left (escaped) */
    uint64_t value;
    const char *hover; /* the <title>, e.g. "1,234 bytes, $0.01" */
} vf_bar;
/* Horizontal bars, one per item, longest = the largest value. */
void vf_svg_hbars(vf_text *t, const char *chart, const vf_bar *bars, size_t n);

/* Stacked vertical bars: columns x series; values[c * nseries + s]; a series with all zeros
 * draws nothing; segment of value 0 is not drawn. */
void vf_svg_stacked(vf_text *t, const char *chart, size_t ncols, const char *const *col_labels, size_t nseries,
                    const char *const *series, const uint64_t *values);

/* A heat map: rows x cols cells, values[r * ncols + c]; each nonzero cell drawn. */
void vf_svg_heatmap(vf_text *t, const char *chart, size_t nrows, const char *const *row_labels, size_t ncols,
                    const char *const *col_labels, const uint64_t *values);

#endif
