/* test_export.c — the enriched row of each record of the crafted VPC (tests/unit/vpc.h), whose
 * every verdict is known by construction: class, AZs, owners, the de-duplication condition kept
 * as data, the NAT witness, NAT processing, the cost numerator, and the NULLs of vf_row_values. */
#include "vpc.h"

#include "export/schema.h"

#include <string.h>

typedef struct row {
    int classified;
    vpcflow_class cls;
    char src_az[32], dst_az[32], src_owner[64], dst_owner[64];
    vpcflow_dedup dedup;
    char eni[32], eni2[32];
    char peer[48], nat_peer[48];
    int nat_processing;
    unsigned __int128 cost;
    int srcaddr_null, start_null, class_null, action_null;
} row;

#define NROWS 64
static row rows[NROWS];
static vpcflow_enrich *E;

static void copy(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

static void *w_open(void *ctx, unsigned worker)
{
    (void)ctx;
    (void)worker;
    return vpcflow_enricher_new(E);
}

static int w_record(void *state, const vpcflow_record *r)
{
    vpcflow_enriched e;
    vf_value v[VF_NCOLUMNS];
    vpcflow_enrich_record(state, r, &e);
    vf_row_values(r, &e, v);
    if (r->line_no >= NROWS)
        return 1;
    row *o = &rows[r->line_no];
    o->classified = e.classified;
    o->cls = e.cls;
    copy(o->src_az, sizeof o->src_az, e.src_az);
    copy(o->dst_az, sizeof o->dst_az, e.dst_az);
    copy(o->src_owner, sizeof o->src_owner, e.src_owner);
    copy(o->dst_owner, sizeof o->dst_owner, e.dst_owner);
    o->dedup = e.dedup;
    copy(o->eni, sizeof o->eni, e.dedup_eni);
    copy(o->eni2, sizeof o->eni2, e.dedup_eni2);
    if (e.dedup == VPCFLOW_DEDUP_UNLESS_NAT_PEER)
        vpcflow_addr_format(e.dedup_peer, o->peer, sizeof o->peer);
    if (e.has_nat_peer)
        vpcflow_addr_format(e.nat_peer, o->nat_peer, sizeof o->nat_peer);
    o->nat_processing = e.nat_processing;
    o->cost = (unsigned __int128)e.cost_hi << 64 | e.cost_lo;
    o->srcaddr_null = v[VPCFLOW_F_SRCADDR].null;
    o->start_null = v[VPCFLOW_F_START].null;
    o->action_null = v[VPCFLOW_F_ACTION].null;
    o->class_null = v[VPCFLOW_F_COUNT + VF_E_CLASS].null;
    return 0;
}

static int w_close(void *ctx, void *state)
{
    (void)ctx;
    vpcflow_enricher_free(state);
    return 0;
}

static void enrich_all(inputs in)
{
    memset(rows, 0, sizeof rows);
    const char *logs = write_logs(1, "flows.log");
    vpcflow_analysis_options o;
    vpc_options(&o, in);
    vpcflow_error err;
    CHECK(vpcflow_enrich_open(&logs, 1, &o, &E, &err) == VPCFLOW_OK);
    size_t n;
    const char *const *paths = vpcflow_enrich_paths(E, &n);
    vpcflow_sink sink = {w_open, w_record, NULL, w_close, NULL, NULL};
    vpcflow_scan_stats stats;
    CHECK(vpcflow_scan(paths, n, vpcflow_enrich_scan_options(E), &sink, &stats, &err) == VPCFLOW_OK);
}

/* line of RECS[i] in the file (the header is line 1) */
#define L(i) ((i) + 2)
#define PICO_PER_GB(usd_cents) ((unsigned __int128)(usd_cents)*10000000000ull)

TEST(rows_of_the_crafted_vpc_with_enis)
{
    enrich_all((inputs){1, 1, 1, NULL, 0, 0});
    CHECK(vpcflow_enrich_has_enis(E));
    /* 1. i-a -> i-b cross-AZ: the sender's record counts, the receiver's waits on eni-aaaa */
    row *r = &rows[L(0)];
    CHECK(r->classified && r->cls == VPCFLOW_CLASS_CROSS_AZ && r->dedup == VPCFLOW_DEDUP_KEEP);
    CHECK_STR(r->src_az, "use1-az1");
    CHECK_STR(r->dst_az, "use1-az2");
    CHECK_STR(r->src_owner, "ec2 i-a");
    CHECK_STR(r->dst_owner, "ec2 i-b");
    CHECK(r->cost == (unsigned __int128)GIB * PICO_PER_GB(2)); /* $0.01 out + $0.01 in per GB */
    r = &rows[L(1)];
    CHECK(r->dedup == VPCFLOW_DEDUP_UNLESS_LOGGED);
    CHECK_STR(r->eni, "eni-aaaa");
    CHECK_STR(r->eni2, "");
    /* 3. rds is labelled with its ENI id: two databases are two owners */
    CHECK_STR(rows[L(2)].dst_owner, "rds eni-cccc");
    /* 7. i-b -> internet via the NAT: the client's own record waits on the NAT's peer 1.1.1.1;
     *    the NAT's inside leg is NAT processing; its outside leg witnesses 1.1.1.1 */
    r = &rows[L(11)];
    CHECK(r->cls == VPCFLOW_CLASS_INTERNET_OUT && r->dedup == VPCFLOW_DEDUP_UNLESS_NAT_PEER);
    CHECK_STR(r->peer, "1.1.1.1");
    CHECK(r->cost == 0); /* internet-out is tiered per month by the SQL */
    r = &rows[L(12)];
    CHECK(r->nat_processing && r->dedup == VPCFLOW_DEDUP_KEEP && r->cls == VPCFLOW_CLASS_CROSS_AZ);
    r = &rows[L(13)];
    CHECK(r->dedup == VPCFLOW_DEDUP_KEEP && !r->nat_processing);
    CHECK_STR(r->nat_peer, "1.1.1.1");
    CHECK_STR(rows[L(12)].nat_peer, ""); /* an inside leg has no external peer */
    /* 9. i-b -> S3 through a gateway endpoint: waits on a NAT peer no NAT row has */
    CHECK(rows[L(17)].dedup == VPCFLOW_DEDUP_UNLESS_NAT_PEER);
    CHECK_STR(rows[L(17)].peer, "52.216.9.9");
    CHECK_STR(rows[L(17)].dst_owner, "aws S3 us-east-1");
    /* NODATA and SKIPDATA: rows with NULL addresses and NULL enrichment, their times kept */
    size_t nodata = L(sizeof RECS / sizeof RECS[0]);
    for (size_t l = nodata; l < nodata + 2; l++) {
        t_label("line %zu", l);
        CHECK(!rows[l].classified && rows[l].dedup == VPCFLOW_DEDUP_NONE);
        CHECK(rows[l].srcaddr_null && rows[l].class_null && rows[l].action_null && !rows[l].start_null);
    }
    t_label(NULL);
    vpcflow_enrich_close(E);
}

TEST(without_enis_the_facts_come_from_the_logs)
{
    enrich_all((inputs){1, 0, 1, NULL, 0, 0});
    CHECK(!vpcflow_enrich_has_enis(E));
    /* learned facts decide at once: the receiver's copy of hop 1 is dropped */
    CHECK(rows[L(0)].dedup == VPCFLOW_DEDUP_KEEP);
    CHECK(rows[L(1)].dedup == VPCFLOW_DEDUP_DROP);
    vpcflow_enrich_close(E);
}

TEST(dedup_names)
{
    CHECK_STR(vpcflow_dedup_name(VPCFLOW_DEDUP_KEEP), "keep");
    CHECK_STR(vpcflow_dedup_name(VPCFLOW_DEDUP_DROP), "drop");
    CHECK_STR(vpcflow_dedup_name(VPCFLOW_DEDUP_UNLESS_LOGGED), "unless-logged");
    CHECK_STR(vpcflow_dedup_name(VPCFLOW_DEDUP_UNLESS_NAT_PEER), "unless-nat-peer");
    CHECK(vpcflow_dedup_name(VPCFLOW_DEDUP_NONE) == NULL);
    CHECK(vf_column_at(VF_NCOLUMNS) == NULL);
    CHECK_STR(vf_column_at(VPCFLOW_F_PKT_SRCADDR)->name, "pkt_srcaddr");
    CHECK(vf_column_at(VPCFLOW_F_SRCPORT)->type == VF_COL_I32 && vf_column_at(VPCFLOW_F_PROTOCOL)->type == VF_COL_I16);
    CHECK_STR(vf_column_at(VPCFLOW_F_COUNT + VF_E_COST_NUM)->name, "cost_num");
}

/* vpcflow_ecs_render: the whole document of one line, its length whatever the room, no byte
 * past cap; an enrichment with a cost of exactly 2^30 bytes at 0.02 USD per GB. */
TEST(ecs_render)
{
    vpcflow_format *fmt = NULL;
    const char spec[] =
        "${version} ${account-id} ${srcaddr} ${dstaddr} ${protocol} ${bytes} ${end} ${action} ${tcp-flags}";
    CHECK(vpcflow_format_parse(spec, strlen(spec), &fmt, NULL) == VPCFLOW_OK);
    vpcflow_line_parser *lp = NULL;
    CHECK(vpcflow_line_parser_new(fmt, &lp, NULL) == VPCFLOW_OK);
    const char line[] = "3 123 10.0.0.1 fd00::2 132 7 1700000000123 REJECT 6";
    vpcflow_record r;
    CHECK(vpcflow_parse_line(lp, line, strlen(line), &r, NULL) == VPCFLOW_OK);
    const char want[] =
        "{\"@timestamp\":\"2023-11-14T22:13:20.123Z\",\"ecs\":{\"version\":\"8.11.0\"},\"event\":{\"kind\":\"event\","
        "\"category\":[\"network\"],\"type\":[\"connection\",\"denied\"],\"action\":\"reject\",\"outcome\":"
        "\"failure\",\"end\":\"2023-11-14T22:13:20.123Z\",\"module\":\"aws\",\"dataset\":\"aws.vpcflow\"},\"cloud\":"
        "{\"provider\":\"aws\",\"account\":{\"id\":\"123\"}},\"source\":{\"address\":\"10.0.0.1\",\"ip\":\"10.0.0.1\","
        "\"bytes\":7},\"destination\":{\"address\":\"fd00::2\",\"ip\":\"fd00::2\"},\"network\":{\"type\":\"ipv4\","
        "\"iana_number\":\"132\",\"transport\":\"sctp\",\"bytes\":7},\"related\":{\"ip\":[\"10.0.0.1\",\"fd00::2\"]},"
        "\"aws\":{\"vpcflow\":{\"version\":3,\"tcp_flags\":6,\"tcp_flags_array\":[\"syn\",\"rst\"]}},\"vpcflow\":{"
        "\"class\":\"cross-az\",\"src_az\":\"use1-az1\",\"nat_processing\":false,\"cost_num\":\"21474836480000000000\","
        "\"cost_usd\":0.02}}\n";
    vpcflow_enriched e;
    memset(&e, 0, sizeof e);
    e.classified = 1;
    e.cls = VPCFLOW_CLASS_CROSS_AZ;
    e.src_az = "use1-az1";
    unsigned __int128 cost = (unsigned __int128)(UINT64_C(1) << 30) * UINT64_C(20000000000);
    e.cost_hi = (uint64_t)(cost >> 64);
    e.cost_lo = (uint64_t)cost;
    char buf[2048];
    size_t n = vpcflow_ecs_render(&r, &e, NULL, buf, sizeof buf);
    CHECK_EQ_U64(n, strlen(want));
    CHECK(n < sizeof buf && memcmp(buf, want, n) == 0);
    if (n < sizeof buf && memcmp(buf, want, n) != 0)
        printf("got: %.*s", (int)n, buf);
    char small[32];
    memset(small, 'x', sizeof small);
    CHECK_EQ_U64(vpcflow_ecs_render(&r, &e, NULL, small, 16), n);
    CHECK(small[16] == 'x');
    size_t b = vpcflow_ecs_render(&r, NULL, "a\"b", buf, sizeof buf);
    const char action[] = "{\"index\":{\"_index\":\"a\\\"b\"}}\n";
    CHECK(b > sizeof action && memcmp(buf, action, sizeof action - 1) == 0);
    buf[b < sizeof buf ? b : sizeof buf - 1] = 0;
    CHECK(strstr(buf, "},\"vpcflow\":") == NULL);
    vpcflow_line_parser_free(lp);
    vpcflow_format_free(fmt);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
