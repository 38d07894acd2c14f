/* escape.c — text from the inputs made inert in HTML: the five characters that could start or
 * end markup or an attribute become entities, control characters and bytes that are not UTF-8
 * become U+FFFD. Every string of the report that comes from logs, topology files or options
 * goes through it (html.c, svg.c). */
#include "report/report.h"

#include <string.h>

void vf_put_html(vf_text *t, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c < 0x80) {
            switch (c) {
            case '&':
                vf_puts(t, "&amp;");
                break;
            case '<':
                vf_puts(t, "&lt;");
                break;
            case '>':
                vf_puts(t, "&gt;");
                break;
            case '"':
                vf_puts(t, "&quot;");
                break;
            case '\'':
                vf_puts(t, "&#39;");
                break;
            default:
                if (c < 0x20 && c != '\t' && c != '\n')
                    vf_puts(t, "\xef\xbf\xbd");
                else
                    vf_putc(t, (char)c);
            }
            i++;
            continue;
        }
        size_t l = vf_utf8_len(p + i, n - i);
        if (l) {
            vf_put(t, s + i, l);
            i += l;
        } else {
            vf_puts(t, "\xef\xbf\xbd");
            i++;
        }
    }
}
