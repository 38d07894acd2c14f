/* test_text.c — the text builder (fixed and growing), the one JSON string escaper and its
 * UTF-8 policy, CSV cells, human units (lib/base/text.c). */
#include "t.h"

#include "base/text.h"
#include "model/network.h"

#include <stdlib.h>

/* JSON strings: what goes in, what comes out (quotes included). */
static const struct {
    const char *in;
    size_t n;
    const char *out;
} json_cases[] = {
    {"plain", 5, "\"plain\""},
    {"a\"b\\c", 5, "\"a\\\"b\\\\c\""},
    {"\n\r\t\x01\x1f\x7f", 6, "\"\\n\\r\\t\\u0001\\u001f\x7f\""},
    {"\0x", 2, "\"\\u0000x\""},
    {"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80", 14, "\"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80\""},
    {"\xff", 1, "\"\xef\xbf\xbd\""},                                                 /* never UTF-8 */
    {"\x80z", 2, "\"\xef\xbf\xbdz\""},                                               /* lone continuation */
    {"\xe2\x82", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\""},                                 /* truncated at the end */
    {"\xe2\x82z", 3, "\"\xef\xbf\xbd\xef\xbf\xbdz\""},                               /* truncated in the middle */
    {"\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\""},                                 /* overlong '/' */
    {"\xe0\x80\xaf", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},                 /* overlong, 3 bytes */
    {"\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},                 /* surrogate U+D800 */
    {"\xf4\x90\x80\x80", 4, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* > U+10FFFF */
    {"\xef\xbf\xbd", 3, "\"\xef\xbf\xbd\""},                                         /* U+FFFD itself */
};

TEST(json_strings_are_valid_utf8)
{
    for (size_t i = 0; i < sizeof json_cases / sizeof json_cases[0]; i++) {
        vf_text t = VF_TEXT_GROWING;
        vf_put_json_str(&t, json_cases[i].in, json_cases[i].n);
        CHECK(!t.oom);
        CHECK_STR(t.buf, json_cases[i].out);
        char fixed[64];
        vf_text f = vf_text_fixed(fixed, sizeof fixed);
        vf_put_json_str(&f, json_cases[i].in, json_cases[i].n);
        CHECK_EQ_U64(f.len, t.len); /* both builders write the same bytes */
        CHECK(memcmp(fixed, t.buf, t.len) == 0);
        free(t.buf);
    }
}

/* Written to a FILE in pieces, a long string comes out as the builder writes it: a UTF-8
 * sequence across a piece boundary (at 128 bytes) is not cut into two U+FFFD. */
TEST(json_to_a_file_keeps_sequences_across_pieces)
{
    for (size_t pad = 124; pad <= 130; pad++)
        for (size_t c = 0; c < sizeof json_cases / sizeof json_cases[0]; c++) {
            char in[600];
            memset(in, 'a', pad);
            memcpy(in + pad, json_cases[c].in, json_cases[c].n);
            memset(in + pad + json_cases[c].n, 'b', 300);
            size_t n = pad + json_cases[c].n + 300;
            vf_text want = VF_TEXT_GROWING;
            vf_put_json_str(&want, in, n);
            char *got = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&got, &len);
            vf_put_json_file(f, in, n);
            fclose(f);
            CHECK_EQ_U64(len, want.len);
            CHECK(len == want.len && memcmp(got, want.buf, len) == 0);
            free(got);
            free(want.buf);
        }
}

TEST(fixed_builder_counts_like_snprintf)
{
    char buf[4] = "....";
    vf_text t = vf_text_fixed(buf, 3);
    vf_puts(&t, "abcdef");
    vf_putc(&t, 'g');
    vf_put_u64(&t, 1234567890123ull);
    vf_printf(&t, "%s", "hi");
    CHECK_EQ_U64(t.len, 6 + 1 + 13 + 2); /* the size needed */
    CHECK(memcmp(buf, "abc.", 4) == 0);  /* nothing past cap */
}

TEST(growing_builder_is_a_c_string)
{
    vf_text t = VF_TEXT_GROWING;
    for (int i = 0; i < 200; i++)
        vf_printf(&t, "%03d,", i);
    char big[700];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    vf_printf(&t, "%s", big); /* longer than the printf scratch */
    CHECK(!t.oom);
    CHECK_EQ_U64(t.len, 200 * 4 + 699);
    CHECK_EQ_U64(strlen(t.buf), t.len);
    CHECK(memcmp(t.buf, "000,001,", 8) == 0);
    free(t.buf);
}

/* vf_vprintf (which vf_printf and the network's notes share): a note longer than the printf
 * scratch is kept whole, not cut at 511 bytes. */
TEST(network_notes_keep_long_lines_whole)
{
    vf_network_options o = {0};
    vf_network *n = NULL;
    vpcflow_error err;
    CHECK(vf_network_new(&o, &n, &err) == VPCFLOW_OK);
    char big[700];
    memset(big, 'n', sizeof big - 1);
    big[sizeof big - 1] = 0;
    vf_network_note(n, "%s", "short");
    vf_network_note(n, "%s!", big);
    const char *notes = vf_network_notes(n);
    CHECK_EQ_U64(strlen(notes), 6 + 699 + 2);
    CHECK(strncmp(notes, "short\n", 6) == 0 && strcmp(notes + 6 + 699, "!\n") == 0);
    vf_network_free(n);
}

TEST(csv_cells_quote_only_when_needed)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"}, {"a,b", "\"a,b\""},   {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"\"", "\"\"\"\""}, {"a\nb", "\"a\nb\""}, {"\xff\xc3", "\xff\xc3"}, /* bytes as they are */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vf_text t = VF_TEXT_GROWING;
        vf_put_csv(&t, cases[i].in, strlen(cases[i].in));
        CHECK_STR(t.buf, cases[i].out);
        free(t.buf);
    }
}

TEST(table_width_counts_characters)
{
    CHECK_EQ_U64(vf_text_width(""), 0);
    CHECK_EQ_U64(vf_text_width("abc"), 3);
    CHECK_EQ_U64(vf_text_width("caf\xc3\xa9 \xe2\x86\x92"), 6);
    CHECK_EQ_U64(vf_text_width("\xff\xfe"), 2); /* a byte that is not UTF-8 is one column */
}

TEST(human_units)
{
    static const struct {
        uint64_t v;
        const char *bytes, *count;
    } cases[] = {
        {0, "0 B", "0"},
        {1023, "1023 B", "1,023"},
        {1024, "1.0 KiB", "1,024"},
        {1536ull << 20, "1.5 GiB", "1,610,612,736"},
        {1ull << 60, "1.0 EiB", "1,152,921,504,606,846,976"},
        {UINT64_MAX, "16.0 EiB", "18,446,744,073,709,551,615"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char b[32], c[32];
        vf_human_bytes(cases[i].v, b, sizeof b);
        vf_human_count(cases[i].v, c, sizeof c);
        CHECK_STR(b, cases[i].bytes);
        CHECK_STR(c, cases[i].count);
    }
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
