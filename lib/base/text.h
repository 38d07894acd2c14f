/* text.h — the library's one text builder (a fixed buffer with snprintf semantics, or a growing
 * one), its one JSON string escaper and CSV cell quoting, and human units for tables.
 *
 * UTF-8 policy, the same for every writer: a JSON string is always valid UTF-8 (bytes that are
 * not, whether stray, truncated, overlong or surrogate, become U+FFFD); text, CSV and tables
 * copy the bytes of the input as they are, so that a record written as text or CSV is the
 * record that was read (docs/reliability.md). */
#ifndef VF_TEXT_H
#define VF_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

/* A fixed buffer (grows 0: writes while there is room and counts what was asked, like
 * snprintf; no terminating NUL) or a growing one (grows 1, buf NULL at first: reallocated as
 * needed, always NUL-terminated, the caller frees buf; oom set and later text dropped when
 * memory runs out). */
typedef struct vf_text {
    char *buf;
    size_t cap, len;
    int grows;
    int oom;
} vf_text;

#define VF_TEXT_GROWING                                                                                                \
    {                                                                                                                  \
        NULL, 0, 0, 1, 0                                                                                               \
    }

static inline vf_text vf_text_fixed(char *buf, size_t cap)
{
    vf_text t = {buf, cap, 0, 0, 0};
    return t;
}

void vf_put(vf_text *t, const char *s, size_t n);
void vf_putc(vf_text *t, char c);
void vf_puts(vf_text *t, const char *s);
void vf_printf(vf_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vf_vprintf(vf_text *t, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void vf_put_u64(vf_text *t, uint64_t v);
/* A CSV cell (RFC 4180: quoted when it holds a comma, quote, CR or LF), bytes as they are. */
void vf_put_csv(vf_text *t, const char *s, size_t n);
/* A JSON string with its quotes: '"', '\' and control characters escaped (\n, \r, \t short),
 * bytes that are not UTF-8 replaced by U+FFFD. */
void vf_put_json_str(vf_text *t, const char *s, size_t n);

/* The same JSON string written to out, escaped in bounded pieces (no allocation, any length);
 * a piece never ends inside a UTF-8 sequence, so each sequence is escaped whole. */
void vf_put_json_file(FILE *out, const char *s, size_t n);

/* Length of the UTF-8 sequence at p (1 to 4), or 0 when the bytes there are not one: a stray
 * or truncated sequence, an overlong form, a surrogate, beyond U+10FFFF. */
size_t vf_utf8_len(const unsigned char *p, size_t n);

/* Width of a NUL-terminated string in a table: its characters (bytes that are not UTF-8
 * continuation bytes), not its bytes. */
size_t vf_text_width(const char *s);

/* Human units for tables: "1.9 TiB" (binary units up to EiB), "1,234,567". */
void vf_human_bytes(uint64_t b, char *buf, size_t cap);
void vf_human_count(uint64_t n, char *buf, size_t cap);

#endif
