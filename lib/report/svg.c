/* svg.c — the report's charts as inline SVG: horizontal bars, stacked columns, a heat map.
 * Sizes are in a viewBox, so a chart scales to the page's width (1280 px or a phone); colours
 * come from the page's CSS classes (light and dark). Every mark carries its exact value in
 * data-value and a <title> for hover; every label is escaped (vf_put_html). */
#include "report/report.h"

#include <string.h>

#define LABEL_CHARS 34

/* A label cut to LABEL_CHARS characters (the whole one is in the <title>). */
static void put_label(vf_text *t, const char *s)
{
    size_t chars = 0, i = 0;
    while (s[i] && chars < LABEL_CHARS) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    if (!s[i]) {
        vf_put_html(t, s);
        return;
    }
    char buf[LABEL_CHARS * 4 + 8];
    size_t n = i < sizeof buf - 4 ? i : sizeof buf - 4;
    memcpy(buf, s, n);
    memcpy(buf + n, "\xe2\x80\xa6", 4); /* … */
    vf_put_html(t, buf);
}

static void put_title(vf_text *t, const char *label, const char *hover)
{
    vf_puts(t, "<title>");
    if (label && *label) {
        vf_put_html(t, label);
        vf_puts(t, ": ");
    }
    vf_put_html(t, hover ? hover : "");
    vf_puts(t, "</title>");
}

void vf_svg_hbars(vf_text *t, const char *chart, const vf_bar *bars, size_t n)
{
    const int label_w = 250, bar_w = 330, row_h = 24, w = 660;
    uint64_t max = 1;
    for (size_t i = 0; i < n; i++)
        if (bars[i].value > max)
            max = bars[i].value;
    int h = (int)(n ? n : 1) * row_h + 4;
    vf_printf(t, "<svg class=\"chart hbars\" data-chart=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\">", chart, w, h);
    if (!n)
        vf_printf(t, "<text x=\"4\" y=\"16\" class=\"muted\">nothing</text>");
    for (size_t i = 0; i < n; i++) {
        int y = (int)i * row_h + 2;
        double frac = (double)bars[i].value / (double)max;
        int len = bars[i].value ? (int)(frac * bar_w) : 0;
        if (bars[i].value && len < 1)
            len = 1;
        vf_printf(t, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 6, y + 16);
        put_label(t, bars[i].label);
        vf_puts(t, "</text>");
        vf_printf(t,
                  "<rect data-bar=\"\" data-value=\"%llu\" class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\">",
                  (unsigned long long)bars[i].value, label_w, y + 3, len, row_h - 6);
        put_title(t, bars[i].label, bars[i].hover);
        vf_puts(t, "</rect>");
        char human[32];
        vf_human_bytes(bars[i].value, human, sizeof human);
        vf_printf(t, "<text x=\"%d\" y=\"%d\" class=\"muted\">%s</text>", label_w + len + 6, y + 16, human);
    }
    vf_puts(t, "</svg>");
}

void vf_svg_stacked(vf_text *t, const char *chart, size_t ncols, const char *const *col_labels, size_t nseries,
                    const char *const *series, const uint64_t *values)
{
    const int w = 900, h = 300, left = 70, bottom = 40, top = 10, plot_h = h - bottom - top, plot_w = w - left - 10;
    uint64_t max = 1;
    for (size_t c = 0; c < ncols; c++) {
        uint64_t sum = 0;
        for (size_t s = 0; s < nseries; s++)
            sum += values[c * nseries + s];
        if (sum > max)
            max = sum;
    }
    vf_printf(t, "<svg class=\"chart stacked\" data-chart=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\">", chart, w, h);
    char human[32];
    vf_human_bytes(max, human, sizeof human);
    vf_printf(t, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", left, top + plot_h, w - 10,
              top + plot_h);
    vf_printf(t, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"muted\">%s</text>", left - 4, top + 10, human);
    vf_printf(t, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"muted\">0</text>", left - 4, top + plot_h);
    double col_w = ncols ? (double)plot_w / (double)ncols : plot_w;
    size_t label_every = ncols / 8 + 1;
    for (size_t c = 0; c < ncols; c++) {
        double x = left + col_w * (double)c;
        double y = top + plot_h;
        for (size_t s = 0; s < nseries; s++) {
            uint64_t v = values[c * nseries + s];
            if (!v)
                continue;
            double hh = (double)v / (double)max * plot_h;
            if (hh < 0.5)
                hh = 0.5;
            y -= hh;
            vf_printf(t,
                      "<rect data-bar=\"\" data-value=\"%llu\" data-series=\"%zu\" data-col=\"%zu\" class=\"s%zu\" "
                      "x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
                      (unsigned long long)v, s, c, s % 8, x + col_w * 0.1, y, col_w * 0.8, hh);
            char hover[96];
            vf_human_bytes(v, human, sizeof human);
            snprintf(hover, sizeof hover, "%s %s: %s (%llu bytes)", col_labels[c], series[s], human,
                     (unsigned long long)v);
            put_title(t, NULL, hover);
            vf_puts(t, "</rect>");
        }
        if (c % label_every == 0 && (c == 0 || c + label_every / 2 < ncols)) {
            vf_printf(t, "<text x=\"%.1f\" y=\"%d\" class=\"muted\" font-size=\"11\">", x, h - bottom + 16);
            vf_put_html(t, col_labels[c]);
            vf_puts(t, "</text>");
        }
    }
    vf_puts(t, "</svg><div class=\"legend\">");
    for (size_t s = 0; s < nseries; s++) {
        int any = 0;
        for (size_t c = 0; c < ncols; c++)
            any |= values[c * nseries + s] != 0;
        if (!any)
            continue;
        vf_printf(t, "<span><i class=\"k s%zu\"></i>", s % 8);
        vf_put_html(t, series[s]);
        vf_puts(t, "</span>");
    }
    vf_puts(t, "</div>");
}

void vf_svg_heatmap(vf_text *t, const char *chart, size_t nrows, const char *const *row_labels, size_t ncols,
                    const char *const *col_labels, const uint64_t *values)
{
    const int cell = 78, left = 130, top = 30;
    int w = left + (int)ncols * cell + 10, h = top + (int)nrows * cell + 10;
    uint64_t max = 1;
    for (size_t i = 0; i < nrows * ncols; i++)
        if (values[i] > max)
            max = values[i];
    vf_printf(
        t, "<svg class=\"chart heat\" data-chart=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" style=\"max-width:%dpx\">",
        chart, w, h, w);
    for (size_t c = 0; c < ncols; c++) {
        vf_printf(t, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">",
                  left + (int)c * cell + cell / 2, top - 8);
        vf_put_html(t, col_labels[c]);
        vf_puts(t, "</text>");
    }
    for (size_t r = 0; r < nrows; r++) {
        vf_printf(t, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\">", left - 6,
                  top + (int)r * cell + cell / 2 + 4);
        vf_put_html(t, row_labels[r]);
        vf_puts(t, "</text>");
        for (size_t c = 0; c < ncols; c++) {
            uint64_t v = values[r * ncols + c];
            int x = left + (int)c * cell, y = top + (int)r * cell;
            if (!v) {
                vf_printf(t, "<rect class=\"empty\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", x + 1, y + 1,
                          cell - 2, cell - 2);
                continue;
            }
            double op = 0.15 + 0.85 * (double)v / (double)max;
            char human[32], hover[320];
            vf_human_bytes(v, human, sizeof human);
            snprintf(hover, sizeof hover, "%s \xe2\x86\x92 %s: %s (%llu bytes)", row_labels[r], col_labels[c], human,
                     (unsigned long long)v);
            vf_printf(t,
                      "<rect data-cell=\"\" data-value=\"%llu\" class=\"cell\" fill-opacity=\"%.2f\" x=\"%d\" y=\"%d\" "
                      "width=\"%d\" height=\"%d\">",
                      (unsigned long long)v, op, x + 1, y + 1, cell - 2, cell - 2);
            put_title(t, NULL, hover);
            vf_printf(t, "</rect><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\"%s>%s</text>",
                      x + cell / 2, y + cell / 2 + 4, op >= 0.5 ? " class=\"on\"" : "", human);
        }
    }
    vf_puts(t, "</svg>");
}
