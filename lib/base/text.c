/* text.c — the text builder, JSON and CSV escaping, and human units shared by every writer
 * (out/ and alerts/): one escaper, so that every JSON writer agrees on every byte. */
#include "base/text.h"

#include "base/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes and a NUL in a growing builder; 0 when memory ran out. */
static int reserve(vf_text *t, size_t n)
{
    if (t->oom)
        return 0;
    if (vf_grow(&t->buf, &t->cap, VF_MAX(t->len + n + 1, (size_t)256), 1) < 0) {
        t->oom = 1;
        return 0;
    }
    return 1;
}

void vf_put(vf_text *t, const char *s, size_t n)
{
    if (t->grows) {
        if (!reserve(t, n))
            return;
        memcpy(t->buf + t->len, s, n);
        t->len += n;
        t->buf[t->len] = 0;
        return;
    }
    if (t->len < t->cap)
        memcpy(t->buf + t->len, s, VF_MIN(n, t->cap - t->len));
    t->len += n;
}

void vf_putc(vf_text *t, char c)
{
    if (t->grows) {
        vf_put(t, &c, 1);
        return;
    }
    if (t->len < t->cap)
        t->buf[t->len] = c;
    t->len++;
}

void vf_puts(vf_text *t, const char *s)
{
    vf_put(t, s, strlen(s));
}

void vf_vprintf(vf_text *t, const char *fmt, va_list ap)
{
    char tmp[512];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    if (n >= 0 && (size_t)n < sizeof tmp)
        vf_put(t, tmp, (size_t)n);
    else if (n >= 0) {
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, again);
            vf_put(t, big, (size_t)n);
            free(big);
        } else
            t->oom = 1;
    }
    va_end(again);
}

void vf_printf(vf_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vf_vprintf(t, fmt, ap);
    va_end(ap);
}

void vf_put_u64(vf_text *t, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    vf_put(t, tmp + i, sizeof tmp - i);
}

void vf_put_csv(vf_text *t, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        vf_put(t, s, n);
        return;
    }
    vf_putc(t, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"') {
            vf_put(t, s + run, i + 1 - run); /* the quote, doubled by the next run */
            run = i;
        }
    vf_put(t, s + run, n - run);
    vf_putc(t, '"');
}

size_t vf_utf8_len(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80)
        return 1;
    size_t len = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;
    if (!len || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) || (p[0] == 0xf0 && p[1] < 0x90) ||
        (p[0] == 0xf4 && p[1] >= 0x90))
        return 0; /* overlong forms, surrogates, beyond U+10FFFF */
    return len;
}

static void put_json_escape(vf_text *t, unsigned char c)
{
    switch (c) {
    case '"':
        vf_puts(t, "\\\"");
        break;
    case '\\':
        vf_puts(t, "\\\\");
        break;
    case '\n':
        vf_puts(t, "\\n");
        break;
    case '\r':
        vf_puts(t, "\\r");
        break;
    case '\t':
        vf_puts(t, "\\t");
        break;
    default:
        vf_printf(t, "\\u%04x", c);
    }
}

void vf_put_json_str(vf_text *t, const char *str, size_t n)
{
    const unsigned char *p = (const unsigned char *)str;
    vf_putc(t, '"');
    size_t i = 0;
    while (i < n) {
        size_t run = i; /* plain ASCII goes out as it is, in one piece */
        while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
            run++;
        vf_put(t, str + i, run - i);
        if ((i = run) >= n)
            break;
        size_t len;
        if (p[i] < 0x80) {
            put_json_escape(t, p[i]);
            i++;
        } else if ((len = vf_utf8_len(p + i, n - i)) != 0) {
            vf_put(t, str + i, len);
            i += len;
        } else {
            vf_puts(t, "\xef\xbf\xbd"); /* U+FFFD for each byte that is not UTF-8 */
            i++;
        }
    }
    vf_putc(t, '"');
}

void vf_put_json_file(FILE *out, const char *s, size_t n)
{
    char buf[6 * 128 + 2]; /* 128 bytes, an escape at most 6 bytes each, and the quotes */
    fputc('"', out);
    for (size_t at = 0, end; at < n; at = end) {
        end = VF_MIN(n, at + 128);
        for (int back = 0; back < 3 && end < n && ((unsigned char)s[end] & 0xc0) == 0x80; back++)
            end--; /* a valid sequence is at most 4 bytes: its lead is within 3 bytes back */
        vf_text o = vf_text_fixed(buf, sizeof buf);
        vf_put_json_str(&o, s + at, end - at);
        fwrite(buf + 1, 1, o.len - 2, out); /* without the quotes */
    }
    fputc('"', out);
}

size_t vf_text_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += (*p & 0xc0) != 0x80;
    return w;
}

void vf_human_bytes(uint64_t b, char *buf, size_t cap)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = (double)b;
    int i = 0;
    while (v >= 1024 && i < 6) {
        v /= 1024;
        i++;
    }
    snprintf(buf, cap, i ? "%.1f %s" : "%.0f %s", v, unit[i]);
}

void vf_human_count(uint64_t n, char *buf, size_t cap)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < cap; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o < cap ? o : cap - 1] = 0;
}
