/* test_report.c — the report's building blocks: SHA-256 (the page's Content-Security-Policy
 * names its script by it) on the FIPS 180-4 examples and at each padding boundary, and the
 * HTML escaping every string from the inputs goes through (lib/report/). */
#include "t.h"

#include "report/report.h"

#include <stdlib.h>
#include <string.h>

static void hex(const unsigned char *d, char *out)
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

TEST(sha256_known_digests)
{
    /* FIPS 180-4's examples, and messages of 55, 56, 64 and 119 bytes: one or two final blocks
     * (digests from an independent implementation) */
    static const struct {
        size_t n;
        char c; /* 0: the text below */
        const char *text, *digest;
    } cases[] = {
        {0, 0, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {3, 0, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {56, 0, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {55, 'a', NULL, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, 'a', NULL, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {64, 'a', NULL, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {119, 'a', NULL, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[128];
        if (cases[i].c)
            memset(msg, cases[i].c, cases[i].n);
        else
            memcpy(msg, cases[i].text, cases[i].n);
        unsigned char d[32];
        char got[65];
        vf_sha256(msg, cases[i].n, d);
        hex(d, got);
        t_label("%zu bytes", cases[i].n);
        CHECK_STR(got, cases[i].digest);
    }
}

TEST(html_escaping_leaves_no_markup)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain eni-0abc", "plain eni-0abc"},
        {"<script>document.title='x'</script>", "&lt;script&gt;document.title=&#39;x&#39;&lt;/script&gt;"},
        {"<img src=x onerror=\"alert(1)\">", "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"},
        {"a&b", "a&amp;b"},
        {"caf\xc3\xa9 \xe2\x86\x92", "caf\xc3\xa9 \xe2\x86\x92"},
        {"\xff<", "\xef\xbf\xbd&lt;"},                 /* a byte that is not UTF-8 cannot hide a '<' */
        {"\xe2\x82<", "\xef\xbf\xbd\xef\xbf\xbd&lt;"}, /* nor a truncated sequence */
        {"a\x01\x1b"
         "b",
         "a\xef\xbf\xbd\xef\xbf\xbd"
         "b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vf_text t = VF_TEXT_GROWING;
        vf_put_html(&t, cases[i].in);
        t_label("case %zu", i);
        CHECK(!t.oom);
        CHECK_STR(t.buf ? t.buf : "", cases[i].out);
        free(t.buf);
    }
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
