/* output_table.c — terminal output for people: aligned tables with human units (KiB…TiB,
 * $ with cents), for the summary (and the tables of top and timeline). */
#include "out/output.h"

#include "query/rows.h"
#include "query/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void vf_human_usd(unsigned __int128 num, char *buf, size_t cap)
{
    const unsigned __int128 half_cent = ((unsigned __int128)5000000000ull << 30); /* $0.005 */
    if (num > 0 && num < half_cent) {
        snprintf(buf, cap, "<$0.01");
        return;
    }
    char v[64];
    vf_usd_format(num, 2, v, sizeof v);
    /* thousands separators on the dollars */
    char *dot = strchr(v, '.');
    size_t ilen = dot ? (size_t)(dot - v) : strlen(v);
    char out[96];
    size_t o = 0;
    out[o++] = '$';
    for (size_t i = 0; i < ilen; i++) {
        if (i && (ilen - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = v[i];
    }
    snprintf(out + o, sizeof out - o, "%s", dot ? dot : "");
    snprintf(buf, cap, "%s", out);
}

static void utc(int64_t t, char *buf, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, cap, "%Y-%m-%d %H:%M", &tm);
}

static void class_row(FILE *out, const char *name, uint64_t bytes, uint64_t packets, uint64_t flows,
                      unsigned __int128 cost, uint64_t unique)
{
    char b[32], p[32], f[32], c[48];
    vf_human_bytes(bytes, b, sizeof b);
    vf_human_count(packets, p, sizeof p);
    vf_human_count(flows, f, sizeof f);
    vf_human_usd(cost, c, sizeof c);
    double share = unique ? 100.0 * (double)bytes / (double)unique : 0;
    fprintf(out, "  %-18s %11s %6.1f%% %16s %14s %14s\n", name, b, share, p, f, c);
}

static void talker_block(FILE *out, const char *title, const vf_talker_list *l)
{
    if (!l->n)
        return;
    fprintf(out, "\n%s\n", title);
    for (size_t i = 0; i < l->n; i++) {
        char addr[64], b[32], c[48], who[200];
        vpcflow_addr_format(l->v[i].addr, addr, sizeof addr);
        vf_human_bytes(l->v[i].bytes, b, sizeof b);
        vf_human_usd(l->v[i].cost, c, sizeof c);
        snprintf(who, sizeof who, "%s %s", l->v[i].label, addr);
        fprintf(out, "  %-56s %11s %14s\n", who, b, c);
    }
}

static void reconcile(FILE *out, const vpcflow_summary *s, const vpcflow_bill *bill)
{
    if (!bill || (bill->gb <= 0 && bill->usd <= 0))
        return;
    fprintf(out, "\nReconciliation with the bill\n");
    if (bill->usd > 0) {
        double ours = (double)s->total_cost / ((double)((unsigned __int128)1 << 30) * 1e12);
        fprintf(out, "  these logs explain $%.2f of the $%.2f billed for data transfer (%.1f%%)\n", ours, bill->usd,
                100 * ours / bill->usd);
    }
    if (bill->gb > 0) {
        double gb = (double)(s->cls[VPCFLOW_CLASS_INTERNET_OUT].bytes + s->cls[VPCFLOW_CLASS_INTER_REGION].bytes +
                             2 * s->cls[VPCFLOW_CLASS_CROSS_AZ].bytes) /
                    (double)(1u << 30);
        fprintf(out, "  and %.1f of the %.1f GB billed (%.1f%%; cross-AZ GB count on both sides)\n", gb, bill->gb,
                100 * gb / bill->gb);
    }
    fprintf(out, "  the rest is traffic these logs do not show (subnets or accounts without flow logs, other\n"
                 "  regions, other days) or charges that are not per byte (NAT and endpoint hours)\n");
}

int vf_summary_table(const vpcflow_summary *s, const vpcflow_bill *bill, FILE *out)
{
    const vpcflow_scan_stats *st = &s->stats;
    char n[32], a[32], b[32], logged[32], unique[32];
    vf_human_count(st->records, n, sizeof n);
    utc(st->first_start, a, sizeof a);
    utc(st->last_end, b, sizeof b);
    vf_human_bytes(st->bytes, logged, sizeof logged);
    vf_human_bytes(s->bytes_unique, unique, sizeof unique);
    fprintf(out, "%s records from %s to %s UTC", n, st->records ? a : "-", st->records ? b : "-");
    if (st->records_nodata || st->records_skipdata || st->records_malformed)
        fprintf(out, " (and %llu NODATA, %llu SKIPDATA, %llu malformed)", (unsigned long long)st->records_nodata,
                (unsigned long long)st->records_skipdata, (unsigned long long)st->records_malformed);
    fprintf(out, "\n%s logged, %s once each flow seen by two ENIs is counted once", logged, unique);
    fprintf(out, "\ninputs: %s\n\n", s->inputs[0] ? s->inputs : "the logs alone");
    fprintf(out, "  %-18s %11s %7s %16s %14s %14s\n", "CLASS", "BYTES", "SHARE", "PACKETS", "FLOWS", "COST");
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++)
        class_row(out, vpcflow_class_name((vpcflow_class)c), s->cls[c].bytes, s->cls[c].packets, s->cls[c].flows,
                  s->cls_cost[c], s->bytes_unique);
    char nb[32], nc[48], tc[48];
    vf_human_bytes(s->nat_bytes, nb, sizeof nb);
    vf_human_usd(s->nat_cost, nc, sizeof nc);
    vf_human_usd(s->total_cost, tc, sizeof tc);
    fprintf(out, "  %-18s %11s %56s\n", "NAT processing", nb, nc);
    fprintf(out, "  %-18s %11s %56s\n", "TOTAL", unique, tc);
    talker_block(out, "Top cross-AZ senders", &s->senders[VF_TALK_CROSS_AZ]);
    talker_block(out, "Top cross-AZ receivers", &s->receivers[VF_TALK_CROSS_AZ]);
    talker_block(out, "Top internet-out senders", &s->senders[VF_TALK_INTERNET_OUT]);
    talker_block(out, "Top internet-out receivers", &s->receivers[VF_TALK_INTERNET_OUT]);
    if (s->approx)
        fprintf(out, "\n(talker tables reached the memory limit: figures may be overestimated by up to %llu bytes)\n",
                (unsigned long long)s->approx_error);
    char driver[VF_DRIVER_TEXT];
    vf_driver_text(&s->driver, driver, sizeof driver);
    fprintf(out, "\nBiggest cost driver: %s\n", driver[0] ? driver : "none (nothing in these logs costs money)");
    reconcile(out, s, bill);
    if (s->notes && *s->notes) {
        fprintf(out, "\nTo sharpen this answer:\n");
        for (const char *p = s->notes; *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            fprintf(out, "  - %.*s\n", (int)len, p);
            p = nl ? nl + 1 : p + len;
        }
    }
    return ferror(out) ? -1 : 0;
}

/* ---- rows of top and timeline -------------------------------------------------------------- */

#define ROW_COLS (2 + 3 * VF_MAX_KEYS + 6)

/* Cells of one line of the table, and the widest cell of each column. */
typedef struct grid {
    size_t ncols;
    const char *head[ROW_COLS];
    int right[ROW_COLS];
    size_t width[ROW_COLS];
} grid;

static void cell_width(grid *g, size_t c, const char *s)
{
    size_t w = vf_text_width(s);
    if (w > g->width[c])
        g->width[c] = w;
}

static void put_cell(FILE *out, const grid *g, size_t c, const char *s)
{
    size_t w = vf_text_width(s);
    size_t pad = g->width[c] > w ? g->width[c] - w : 0;
    if (g->right[c])
        fprintf(out, "%*s%s", (int)pad, "", s);
    else
        fprintf(out, "%s%*s", s, (int)pad, "");
    fputs(c + 1 < g->ncols ? "  " : "\n", out);
}

typedef struct line_cells {
    char buf[ROW_COLS][192];
    const char *cell[ROW_COLS];
} line_cells;

static size_t row_cells(const vpcflow_rows *r, const int *ocols, const vf_row *row, uint64_t total, line_cells *lc,
                        int is_total)
{
    size_t c = 0;
    if (r->timeline) {
        vf_rows_time(row->bucket, lc->buf[c], sizeof lc->buf[c]);
        lc->cell[c] = lc->buf[c];
        c++;
    }
    for (size_t k = 0; k < r->nkeys; k++) {
        lc->cell[c++] = is_total ? (k == 0 ? "total" : "") : row->text[k];
        for (int o = 0; o < ocols[k]; o++) {
            const char *label = row->owner[2 * k + (size_t)o];
            lc->cell[c++] = is_total || !label ? "" : label;
        }
    }
    uint64_t m = vf_row_metric(r, row);
    vf_human_bytes(row->bytes, lc->buf[c], sizeof lc->buf[c]);
    lc->cell[c] = lc->buf[c];
    c++;
    snprintf(lc->buf[c], sizeof lc->buf[c], "%.1f%%", total ? 100.0 * (double)m / (double)total : 0.0);
    lc->cell[c] = lc->buf[c];
    c++;
    vf_human_count(row->packets, lc->buf[c], sizeof lc->buf[c]);
    lc->cell[c] = lc->buf[c];
    c++;
    vf_human_count(row->flows, lc->buf[c], sizeof lc->buf[c]);
    lc->cell[c] = lc->buf[c];
    c++;
    vf_human_usd(row->cost, lc->buf[c], sizeof lc->buf[c]);
    lc->cell[c] = lc->buf[c];
    c++;
    return c;
}

/* Owner columns of key k: two for a pair, one for an address key that has labels. */
static int owner_cols(const vpcflow_rows *r, size_t k)
{
    if (r->pair[k])
        return 2;
    for (size_t i = 0; i < r->n; i++)
        if (r->rows[i].owner[2 * k])
            return 1;
    return 0;
}

int vf_rows_table(const vpcflow_rows *r, FILE *out)
{
    grid g;
    memset(&g, 0, sizeof g);
    char upper[ROW_COLS][96]; /* the key names in capitals, the headers of their columns */
    int ocols[VF_MAX_KEYS];
    for (size_t k = 0; k < r->nkeys; k++)
        ocols[k] = owner_cols(r, k); /* once: it looks at every row */
    size_t c = 0;
    if (r->timeline)
        g.head[c++] = "TIME";
    for (size_t k = 0; k < r->nkeys; k++) {
        size_t i = 0;
        for (; r->names[k][i] && i + 1 < sizeof upper[c]; i++)
            upper[c][i] = (char)(r->names[k][i] >= 'a' && r->names[k][i] <= 'z' ? r->names[k][i] - 32 : r->names[k][i]);
        upper[c][i] = 0;
        g.head[c] = upper[c];
        g.right[c] = r->number[k];
        c++;
        if (ocols[k] == 2) {
            g.head[c++] = "SRC OWNER";
            g.head[c++] = "DST OWNER";
        } else if (ocols[k] == 1)
            g.head[c++] = "OWNER";
    }
    const char *metrics[] = {"BYTES", "SHARE", "PACKETS", "FLOWS", "COST"};
    for (int i = 0; i < 5; i++) {
        g.right[c] = 1;
        g.head[c++] = metrics[i];
    }
    g.ncols = c;
    for (size_t i = 0; i < g.ncols; i++)
        cell_width(&g, i, g.head[i]);
    uint64_t total = vf_rows_total_metric(r);
    line_cells *lc = malloc(sizeof *lc);
    if (!lc)
        return -1;
    /* owners are only printed where the column exists: blank the others */
    for (int pass = 0; pass < 2; pass++) {
        if (pass)
            for (size_t i = 0; i < g.ncols; i++)
                put_cell(out, &g, i, g.head[i]);
        for (size_t i = 0; i <= r->n; i++) {
            vf_row t;
            memset(&t, 0, sizeof t);
            const vf_row *row = &r->rows[i < r->n ? i : 0];
            if (i == r->n) {
                if (r->timeline || !r->n)
                    break; /* the total of a timeline is not a row */
                t.bytes = r->total_bytes;
                t.packets = r->total_packets;
                t.flows = r->total_flows;
                t.cost = r->total_cost;
                t.text = row->text;
                t.owner = row->owner;
                row = &t;
            }
            size_t n = row_cells(r, ocols, row, total, lc, i == r->n);
            for (size_t k = 0; k < n && k < g.ncols; k++) {
                if (pass)
                    put_cell(out, &g, k, lc->cell[k]);
                else
                    cell_width(&g, k, lc->cell[k]);
            }
        }
    }
    free(lc);
    if (r->approx)
        fprintf(out,
                "(heavy-hitter estimates: the memory limit was reached; each figure exceeds the truth by at "
                "most %llu %s)\n",
                (unsigned long long)r->error_bound, r->metric);
    if (!r->n)
        fprintf(out, "(no traffic matched)\n");
    if (r->nat_cost) {
        char nb[32], nc[48], tc[48];
        vf_human_bytes(r->nat_bytes, nb, sizeof nb);
        vf_human_usd(r->nat_cost, nc, sizeof nc);
        vf_human_usd(r->total_cost + r->nat_cost, tc, sizeof tc);
        fprintf(out,
                "(plus NAT processing, which is no class: %s through NAT gateways, %s on top of the transfer "
                "costs above; %s in all, the TOTAL of `vpcflow summary`)\n",
                nb, nc, tc);
    }
    return ferror(out) ? -1 : 0;
}
