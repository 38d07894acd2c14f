/* test_threads.c — thread safety: entry points called from several threads at once give each
 * thread exactly what one thread alone gets. The suite also runs this program under
 * ThreadSanitizer (tests/run.sh, variant tsan), which fails it on any data race.
 *
 *   payload_decoder      vf_payload_decode on the Lambda subscription sample
 *   table_writers        vpcflow_summary_write_table and vpcflow_rows_write (table, CSV, JSON)
 *                        of top by different keys, into memory streams
 *   line_parser          vpcflow_parse_line on short, long and malformed lines
 *
 * Threads never call CHECK (the harness is single-threaded): each counts its own mismatches
 * and notes the first one; the main thread checks them after joining. */
#include "read/payload.h"
#include "t.h"
#include "vpcflow.h"

#include <pthread.h>
#include <stdlib.h>

#define THREADS 4
#define ROUNDS 8

typedef struct worker {
    unsigned id;
    const void *shared;
    unsigned mismatches;
    char first[160]; /* the first mismatch */
} worker;

static void mismatch(worker *w, const char *what)
{
    if (w->mismatches++ == 0)
        snprintf(w->first, sizeof w->first, "thread %u: %s", w->id, what);
}

/* Starts THREADS threads of fn on workers sharing `shared`, joins them and checks that none
 * saw a difference from the single-threaded reference. */
static void run_threads(void *(*fn)(void *), const void *shared, int line)
{
    worker w[THREADS];
    pthread_t th[THREADS];
    unsigned started = 0;
    memset(w, 0, sizeof w);
    for (unsigned i = 0; i < THREADS; i++) {
        w[i].id = i;
        w[i].shared = shared;
        if (pthread_create(&th[i], NULL, fn, &w[i]) != 0) {
            t_fail(__FILE__, line, "cannot start thread %u", i);
            break;
        }
        started++;
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    for (unsigned i = 0; i < started; i++)
        if (w[i].mismatches)
            t_fail(__FILE__, line, "%u mismatches, first: %s", w[i].mismatches, w[i].first);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* ---- (a) the subscription payload decoder ------------------------------------------- */

typedef struct payload_case {
    const char *data;
    size_t len;
    vf_payload_text want;
} payload_case;

static void *decode_payloads(void *arg)
{
    worker *w = arg;
    const payload_case *c = w->shared;
    for (int r = 0; r < ROUNDS; r++) {
        vf_payload_text got;
        vpcflow_error err;
        memset(&got, 0, sizeof got);
        if (vf_payload_decode(c->data, c->len, "event.json", &got, &err) != VPCFLOW_OK)
            mismatch(w, "decode failed");
        else if (got.len != c->want.len || memcmp(got.text, c->want.text, got.len) != 0)
            mismatch(w, "decoded text differs");
        else if (got.nevents != c->want.nevents ||
                 memcmp(got.event_ms, c->want.event_ms, got.nevents * sizeof *got.event_ms) != 0)
            mismatch(w, "event timestamps differ");
        vf_payload_free(&got);
    }
    return NULL;
}

TEST(payload_decoder)
{
    payload_case c;
    vpcflow_error err;
    memset(&c, 0, sizeof c);
    char *data = slurp("tests/data/samples/lambda-subscription-event.json", &c.len);
    CHECK(data != NULL);
    if (!data)
        return;
    c.data = data;
    CHECK(vf_payload_decode(c.data, c.len, "event.json", &c.want, &err) == VPCFLOW_OK);
    CHECK_EQ_U64(c.want.nevents, 2);
    if (c.want.nevents == 2)
        run_threads(decode_payloads, &c, __LINE__);
    vf_payload_free(&c.want);
    free(data);
}

/* ---- (b) the table writers (public API only) ---------------------------------------- */

#define TOPS 3 /* tops by keys of different names, so that their headers differ */
static const char *const top_keys[TOPS] = {"srcaddr", "dstport,protocol", "interface-id,action"};
static const vpcflow_output row_kinds[3] = {VPCFLOW_OUTPUT_TABLE, VPCFLOW_OUTPUT_CSV, VPCFLOW_OUTPUT_JSON};

typedef struct tables {
    const vpcflow_summary *summary;
    const vpcflow_rows *rows[TOPS];
    char *want_summary;
    char *want_rows[TOPS][3]; /* table, CSV, JSON */
} tables;

typedef struct memout {
    char *buf;
    size_t len;
    FILE *f;
} memout;

static void *write_tables(void *arg)
{
    worker *w = arg;
    const tables *t = w->shared;
    for (int r = 0; r < ROUNDS; r++) {
        /* each thread starts at another writer, so that different ones overlap */
        for (unsigned j = 0; j < 1 + TOPS * 3; j++) {
            unsigned k = (j + w->id + (unsigned)r) % (1 + TOPS * 3);
            memout m = {NULL, 0, NULL};
            m.f = open_memstream(&m.buf, &m.len);
            if (!m.f) {
                mismatch(w, "open_memstream failed");
                continue;
            }
            const char *want;
            if (k == 0) {
                vpcflow_summary_write(t->summary, NULL, VPCFLOW_OUTPUT_TABLE, m.f);
                want = t->want_summary;
            } else {
                unsigned top = (k - 1) / 3, kind = (k - 1) % 3;
                vpcflow_rows_write(t->rows[top], row_kinds[kind], m.f);
                want = t->want_rows[top][kind];
            }
            fclose(m.f);
            if (!m.buf || strcmp(m.buf, want) != 0) {
                char what[120];
                snprintf(what, sizeof what, "%s %s output differs", k ? top_keys[(k - 1) / 3] : "summary",
                         k ? ((const char *[]){"table", "csv", "json"})[(k - 1) % 3] : "table");
                mismatch(w, what);
            }
            free(m.buf);
        }
    }
    return NULL;
}

static void analysis_options(vpcflow_analysis_options *a)
{
    static const char *const subnets[] = {"tests/data/samples/describe-subnets.json"};
    static const char *const enis[] = {"tests/data/samples/describe-network-interfaces.json"};
    memset(a, 0, sizeof *a);
    a->size = sizeof *a;
    a->scan.size = sizeof a->scan;
    a->scan.threads = 2;
    a->subnets = subnets;
    a->nsubnets = 1;
    a->enis = enis;
    a->nenis = 1;
}

static char *render(const vpcflow_summary *s, const vpcflow_rows *r, int kind)
{
    memout m = {NULL, 0, NULL};
    m.f = open_memstream(&m.buf, &m.len);
    if (!m.f)
        return NULL;
    if (s)
        vpcflow_summary_write(s, NULL, VPCFLOW_OUTPUT_TABLE, m.f);
    else
        vpcflow_rows_write(r, row_kinds[kind], m.f);
    fclose(m.f);
    return m.buf;
}

TEST(table_writers)
{
    static const char *const logs[] = {"tests/data/samples/default-v2.log", "tests/data/samples/custom-v5.log"};
    tables t;
    vpcflow_error err;
    vpcflow_summary *s = NULL;
    vpcflow_rows *rows[TOPS] = {NULL};
    memset(&t, 0, sizeof t);
    vpcflow_analysis_options a;
    analysis_options(&a);
    CHECK(vpcflow_summary_run(logs, 2, &a, &s, &err) == VPCFLOW_OK);
    int ok = s != NULL;
    for (unsigned i = 0; i < TOPS; i++) {
        vpcflow_query_options q;
        memset(&q, 0, sizeof q);
        q.size = sizeof q;
        analysis_options(&q.analysis);
        q.by = top_keys[i];
        CHECK(vpcflow_top_run(logs, 2, &q, &rows[i], &err) == VPCFLOW_OK);
        ok = ok && rows[i] && vpcflow_rows_count(rows[i]) > 0;
        t.rows[i] = rows[i];
    }
    CHECK(ok);
    if (ok) {
        t.summary = s;
        t.want_summary = render(s, NULL, 0);
        ok = t.want_summary != NULL;
        for (unsigned i = 0; i < TOPS; i++)
            for (int kind = 0; kind < 3; kind++)
                ok = (t.want_rows[i][kind] = render(NULL, rows[i], kind)) != NULL && ok;
        CHECK(ok);
        /* the headers name the keys: a writer sharing a header buffer would mix them */
        CHECK(t.want_rows[0][0] && strstr(t.want_rows[0][0], "SRCADDR"));
        CHECK(t.want_rows[1][0] && strstr(t.want_rows[1][0], "DSTPORT"));
    }
    if (ok)
        run_threads(write_tables, &t, __LINE__);
    free(t.want_summary);
    for (unsigned i = 0; i < TOPS; i++) {
        for (int kind = 0; kind < 3; kind++)
            free(t.want_rows[i][kind]);
        vpcflow_rows_free(rows[i]);
    }
    vpcflow_summary_free(s);
}

/* ---- (c) the line parser ------------------------------------------------------------ */

#define LINES 8

typedef struct parsed {
    vpcflow_status st;
    uint64_t bytes, packets;
    uint32_t srcport, dstport;
    char srcaddr[64], action[16], why[sizeof((vpcflow_error *)0)->message];
} parsed;

typedef struct parse_case {
    const vpcflow_format *fmt;
    const char *line[LINES];
    size_t len[LINES];
    parsed want[LINES];
} parse_case;

static void copy_text(char *dst, size_t cap, vpcflow_str s)
{
    size_t n = s.ptr ? (s.len < cap - 1 ? s.len : cap - 1) : 0;
    if (n)
        memcpy(dst, s.ptr, n);
    dst[n] = 0;
}

static void parse1(const vpcflow_format *fmt, const char *line, size_t len, parsed *out)
{
    vpcflow_record rec;
    vpcflow_error err;
    vpcflow_line_parser *lp = NULL;
    const char *why = NULL;
    memset(out, 0, sizeof *out);
    out->st = vpcflow_line_parser_new(fmt, &lp, &err);
    if (out->st == VPCFLOW_OK)
        out->st = vpcflow_parse_line(lp, line, len, &rec, &err);
    if (out->st != VPCFLOW_OK)
        why = err.message;
    if (out->st == VPCFLOW_OK) {
        out->bytes = rec.bytes;
        out->packets = rec.packets;
        out->srcport = rec.srcport;
        out->dstport = rec.dstport;
        copy_text(out->srcaddr, sizeof out->srcaddr, vpcflow_record_text(&rec, VPCFLOW_F_SRCADDR));
        copy_text(out->action, sizeof out->action, vpcflow_record_text(&rec, VPCFLOW_F_ACTION));
    } else if (why)
        snprintf(out->why, sizeof out->why, "%s", why);
    vpcflow_line_parser_free(lp);
}

static void *parse_lines(void *arg)
{
    worker *w = arg;
    const parse_case *c = w->shared;
    for (int r = 0; r < ROUNDS * 4; r++)
        for (unsigned j = 0; j < LINES; j++) {
            unsigned k = (j + w->id) % LINES;
            parsed got;
            parse1(c->fmt, c->line[k], c->len[k], &got);
            if (memcmp(&got, &c->want[k], sizeof got) != 0) {
                char what[96];
                snprintf(what, sizeof what, "line %u parses differently", k);
                mismatch(w, what);
            }
        }
    return NULL;
}

TEST(line_parser)
{
    parse_case c;
    memset(&c, 0, sizeof c);
    vpcflow_format *fmt = vpcflow_format_default();
    CHECK(fmt != NULL);
    if (!fmt)
        return;
    c.fmt = fmt;
    /* a long account-id makes each thread's copy of the line grow; the last two are malformed */
    static char long_line[3 * 4096];
    static char long_bad[2 * 4096];
    memset(long_line, 0, sizeof long_line);
    strcpy(long_line, "2 ");
    memset(long_line + 2, '7', 8000);
    strcpy(long_line + 8002, " eni-1 10.1.2.3 10.1.2.4 443 51000 6 9 9000 1418530010 1418530070 ACCEPT OK");
    memset(long_bad, 'x', sizeof long_bad - 1);
    long_bad[sizeof long_bad - 1] = 0;
    const char *lines[LINES] = {
        "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 "
        "ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 "
        "REJECT OK",
        "2 123456789010 eni-1a2b3c4d 2001:db8::1 2001:db8::2 1 2 17 1 100 1 2 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
        long_line,
        "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 MAYBE OK",
        "2 123456789010 eni-1 10.0.0.x 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK",
        long_bad,
    };
    for (unsigned k = 0; k < LINES; k++) {
        c.line[k] = lines[k];
        c.len[k] = strlen(lines[k]);
        parse1(fmt, c.line[k], c.len[k], &c.want[k]);
    }
    CHECK(c.want[0].st == VPCFLOW_OK && c.want[0].bytes == 4249 && c.want[0].dstport == 22);
    CHECK_STR(c.want[1].action, "REJECT");
    CHECK_STR(c.want[2].srcaddr, "2001:db8::1");
    CHECK(c.want[4].st == VPCFLOW_OK && c.want[4].bytes == 9000);
    CHECK(c.want[5].st == VPCFLOW_ERR_INPUT);
    CHECK(c.want[6].st == VPCFLOW_ERR_INPUT);
    CHECK(c.want[7].st == VPCFLOW_ERR_INPUT);
    run_threads(parse_lines, &c, __LINE__);
    vpcflow_format_free(fmt);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
