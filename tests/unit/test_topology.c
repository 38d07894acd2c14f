/* test_topology.c — unit tests of subnets, ENIs, owner labels, ip-ranges and the topology file. */
#include "t.h"
#include "model/topology.h"

#include <stdlib.h>

#define SAMPLES "tests/data/samples/"
#define DATA "tests/data/topology/"
#define Y100 "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"

static vpcflow_addr A(const char *s)
{
    vpcflow_addr a = {0, 0};
    if (vpcflow_addr_parse(s, strlen(s), &a) < 0)
        t_fail(__FILE__, __LINE__, "bad address in test: %s", s);
    return a;
}

static vpcflow_status finish(vf_topology *t)
{
    vpcflow_error err = {0};
    vpcflow_status st = vf_topology_finish(t, &err);
    if (st)
        t_fail(__FILE__, __LINE__, "finish: %s", err.message);
    return st;
}

static vf_topology *load_samples(void)
{
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    CHECK(vf_topology_load_subnets(t, SAMPLES "describe-subnets.json", &err) == VPCFLOW_OK);
    CHECK(vf_topology_load_enis(t, SAMPLES "describe-network-interfaces.json", &err) == VPCFLOW_OK);
    CHECK(vf_topology_load_ipranges(t, SAMPLES "ip-ranges.sample.json", &err) == VPCFLOW_OK);
    finish(t);
    return t;
}

/* The formatted error of loading `json` with one of the loaders (from a buffer named x.json). */
enum { SUBNETS, ENIS, IPRANGES, TOPOFILE };
static const char *load_error(int which, const char *json)
{
    static char msg[1200];
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    vpcflow_status st;
    size_t n = strlen(json);
    switch (which) {
    case SUBNETS:
        st = vf_topology_load_subnets_buf(t, "x.json", json, n, &err);
        break;
    case ENIS:
        st = vf_topology_load_enis_buf(t, "x.json", json, n, &err);
        break;
    case IPRANGES:
        st = vf_topology_load_ipranges_buf(t, "x.json", json, n, &err);
        break;
    default:
        st = vf_topology_load_file_buf(t, "x.json", json, n, &err);
        break;
    }
    if (st == VPCFLOW_OK)
        snprintf(msg, sizeof msg, "(no error)");
    else {
        CHECK_EQ_U64(st, VPCFLOW_ERR_INPUT);
        vpcflow_error_format(&err, msg, sizeof msg);
    }
    /* a failed file adds nothing */
    CHECK_EQ_U64(vf_topology_subnet_count(t), 0);
    CHECK_EQ_U64(vf_topology_eni_count(t), 0);
    CHECK_EQ_U64(vf_topology_aws_count(t), 0);
    vf_topology_free(t);
    return msg;
}

/* Loads the file at path with one of the loaders. */
static vpcflow_status load_path(vf_topology *t, int which, const char *path, vpcflow_error *err)
{
    switch (which) {
    case SUBNETS:
        return vf_topology_load_subnets(t, path, err);
    case ENIS:
        return vf_topology_load_enis(t, path, err);
    case IPRANGES:
        return vf_topology_load_ipranges(t, path, err);
    default:
        return vf_topology_load_file(t, path, err);
    }
}

/* A load that fails (or not: "(no error)"), as a row of a table. */
typedef struct load_case {
    int which;
    const char *json, *want;
} load_case;

/* Checks each case's formatted load error; a failure names the case by its index and JSON. */
static void check_load_errors(const load_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        t_label("case %zu: %.60s", i, c[i].json);
        CHECK_STR(load_error(c[i].which, c[i].json), c[i].want);
    }
    t_label(NULL);
}

static vf_topology *load_enis_json(const char *json)
{
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    if (vf_topology_load_enis_buf(t, "x.json", json, strlen(json), &err))
        t_fail(__FILE__, __LINE__, "load: %s", err.message);
    finish(t);
    return t;
}

static const char *az_name(const vf_topology *t, uint16_t key)
{
    const char *s = vf_topology_az_name(t, key);
    return s ? s : "(none)";
}

static const char *region_name(const vf_topology *t, uint16_t key)
{
    const char *s = vf_topology_region_name(t, key);
    return s ? s : "(none)";
}

/* ---- samples ------------------------------------------------------------------------------- */

TEST(samples_load_three_subnets)
{
    vf_topology *t = load_samples();
    CHECK_EQ_U64(vf_topology_subnet_count(t), 3);
    CHECK_EQ_U64(vf_topology_eni_count(t), 4);
    CHECK_EQ_U64(vf_topology_aws_count(t), 8);
    const vf_subnet *s = vf_topology_subnet_at(t, 0);
    CHECK_STR(s->id, "subnet-0aaa1111");
    CHECK_STR(s->vpc_id, "vpc-0a1b2c3d");
    CHECK_STR(s->az, "us-east-1a");
    CHECK_STR(s->az_id, "use1-az1");
    CHECK_STR(s->region, "us-east-1");
    CHECK(s->has_v4 && s->has_v6);
    CHECK_EQ_U64(s->plen4, 116);
    CHECK_EQ_U64(s->plen6, 64);
    CHECK_STR(az_name(t, s->az_key), "use1-az1");
    CHECK_STR(region_name(t, s->region_key), "us-east-1");
    CHECK_STR(region_name(t, vf_topology_home_region(t)), "us-east-1");
    CHECK(!vf_topology_subnet_at(t, 1)->has_v6);
    CHECK(vf_topology_subnet_at(t, 3) == NULL);
    CHECK_EQ_U64(vf_topology_note_count(t), 0);
    vf_topology_free(t);
}

TEST(samples_rds_eni)
{
    vf_topology *t = load_samples();
    const vf_eni *e = vf_topology_eni_of(t, A("172.31.2.59"));
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(e->id, "eni-0f00000000000000a");
        CHECK_EQ_U64(e->kind, VF_OWNER_RDS);
        CHECK_STR(e->label, "rds eni-0f00000000000000a"); /* nameless: its id tells it from others */
        CHECK_STR(az_name(t, e->az_key), "use1-az1");
        CHECK_STR(region_name(t, e->region_key), "us-east-1");
        CHECK(e->subnet && !strcmp(e->subnet->id, "subnet-0aaa1111"));
        CHECK(e->requester_managed);
        CHECK(!e->has_public);
        CHECK(vpcflow_addr_eq(e->primary, A("172.31.2.59")));
    }
    vf_topology_free(t);
}

TEST(samples_ec2_eni_with_public_address)
{
    vf_topology *t = load_samples();
    const vf_eni *e = vf_topology_eni_of(t, A("172.31.29.150"));
    CHECK(e != NULL);
    if (e) {
        CHECK_EQ_U64(e->kind, VF_OWNER_EC2);
        CHECK_STR(e->label, "ec2 i-0fedcba9876543210");
        CHECK_STR(az_name(t, e->az_key), "use1-az2");
        CHECK(e->has_public);
        CHECK(!e->requester_managed);
        CHECK_EQ_U64(e->naddrs, 2);
        CHECK(vpcflow_addr_eq(e->addrs[0], A("172.31.29.150")));
        CHECK(vpcflow_addr_eq(e->addrs[1], A("54.210.1.20")));
    }
    CHECK(vf_topology_eni_of(t, A("54.210.1.20")) == e);
    CHECK(vf_topology_eni_by_id(t, "eni-0f00000000000000b", 21) == e);
    CHECK(vf_topology_eni_by_id(t, "eni-0f00000000000000b-not", 21) == e); /* by length */
    CHECK(vf_topology_eni_by_id(t, "eni-0f00000000000000", 20) == NULL);
    CHECK(vf_topology_eni_by_id(t, "eni-nope", 8) == NULL);
    CHECK(vf_topology_eni_of(t, A("172.31.29.151")) == NULL);
    vf_topology_free(t);
}

TEST(samples_nat_and_alb_labels)
{
    vf_topology *t = load_samples();
    const vf_eni *nat = vf_topology_eni_by_id(t, "eni-0f00000000000000c", 21);
    const vf_eni *alb = vf_topology_eni_by_id(t, "eni-0f00000000000000d", 21);
    CHECK(nat && alb);
    if (nat && alb) {
        CHECK_EQ_U64(nat->kind, VF_OWNER_NAT);
        CHECK_STR(nat->label, "nat-gateway nat-0a1b2c3d4e5f60718");
        CHECK_EQ_U64(alb->kind, VF_OWNER_ELB_APP);
        CHECK_STR(alb->label, "elb app/web/50dc6c495c0c9188");
        CHECK_STR(az_name(t, alb->az_key), "use1-az4");
        CHECK(vf_topology_eni_of(t, A("3.210.5.6")) == nat);
    }
    vf_topology_free(t);
}

TEST(subnet_lookup_v4_and_v6)
{
    vf_topology *t = load_samples();
    static const struct {
        const char *addr, *subnet; /* NULL: in no subnet */
    } cases[] = {
        {"172.31.0.0", "subnet-0aaa1111"},
        {"172.31.15.255", "subnet-0aaa1111"},
        {"172.31.16.0", "subnet-0bbb2222"},
        {"172.31.47.255", "subnet-0ccc3333"},
        {"172.31.48.0", NULL},
        {"172.30.255.255", NULL},
        {"10.0.0.1", NULL},
        {"2001:db8:1234:a100::17", "subnet-0aaa1111"},
        {"2001:db8:1234:a100:ffff:ffff:ffff:ffff", "subnet-0aaa1111"},
        {"2001:db8:1234:a101::1", NULL},
        {"::ffff:0:1", NULL},
        {"::ffff:172.31.1.1", "subnet-0aaa1111"}, /* an IPv4-mapped text is the IPv4 address */
    };
    for (size_t i = 0; i < VF_ARRAY_LEN(cases); i++) {
        t_label("%s", cases[i].addr);
        const vf_subnet *s = vf_topology_subnet_of(t, A(cases[i].addr));
        if (cases[i].subnet)
            CHECK(s && !strcmp(s->id, cases[i].subnet));
        else
            CHECK(s == NULL);
    }
    t_label(NULL);
    vf_topology_free(t);
}

TEST(lookups_before_finish_and_empty)
{
    vf_topology *t = vf_topology_new();
    CHECK(vf_topology_subnet_of(t, A("10.0.0.1")) == NULL);
    CHECK(vf_topology_eni_of(t, A("10.0.0.1")) == NULL);
    CHECK(vf_topology_eni_by_id(t, "eni-1", 5) == NULL);
    CHECK(vf_topology_aws_of(t, A("52.216.1.10")) == NULL);
    finish(t);
    CHECK(vf_topology_subnet_of(t, A("10.0.0.1")) == NULL);
    CHECK(vf_topology_eni_of(t, A("10.0.0.1")) == NULL);
    CHECK(vf_topology_aws_of(t, A("::1")) == NULL);
    CHECK_EQ_U64(vf_topology_home_region(t), 0);
    vf_topology_free(t);
}

TEST(ipv6_eni_addresses)
{
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    const char *subnets = "{\"Subnets\":[{\"SubnetId\":\"subnet-6\",\"AvailabilityZone\":\"eu-west-1b\","
                          "\"Ipv6CidrBlockAssociationSet\":[{\"Ipv6CidrBlock\":\"2a05:d018::/64\","
                          "\"Ipv6CidrBlockState\":{\"State\":\"disassociated\"}},{\"Ipv6CidrBlock\":"
                          "\"2a05:d018:1::/64\",\"Ipv6CidrBlockState\":{\"State\":\"associated\"}}]}]}";
    const char *enis =
        "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-v6\",\"SubnetId\":\"subnet-6\","
        "\"Ipv6Addresses\":[{\"Ipv6Address\":\"2a05:d018:1::10\"},{\"Ipv6Address\":\"2a05:d018:1::11\"}],"
        "\"PrivateIpAddresses\":[]}]}";
    CHECK(vf_topology_load_subnets_buf(t, "s", subnets, strlen(subnets), &err) == VPCFLOW_OK);
    CHECK(vf_topology_load_enis_buf(t, "e", enis, strlen(enis), &err) == VPCFLOW_OK);
    finish(t);
    const vf_subnet *s = vf_topology_subnet_at(t, 0);
    CHECK(!s->has_v4 && s->has_v6);
    CHECK_STR(s->region, "eu-west-1");
    CHECK_STR(az_name(t, s->az_key), "eu-west-1b"); /* no AZ ID: the name */
    CHECK(vf_topology_subnet_of(t, A("2a05:d018::1")) == NULL);
    CHECK(vf_topology_subnet_of(t, A("2a05:d018:1::99")) == s);
    const vf_eni *e = vf_topology_eni_of(t, A("2a05:d018:1::11"));
    CHECK(e && e->subnet == s && e->naddrs == 2);
    if (e)
        CHECK(vpcflow_addr_eq(e->primary, A("2a05:d018:1::10")));
    vf_topology_free(t);
}

/* ---- owner kinds --------------------------------------------------------------------------- */

TEST(owner_kind_rules)
{
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    CHECK(vf_topology_load_enis(t, DATA "owners.json", &err) == VPCFLOW_OK);
    finish(t);
    static const struct {
        const char *id;
        vf_owner_kind kind;
        const char *label;
    } want[] = {
        {"eni-nat1", VF_OWNER_NAT, "nat-gateway nat-0123456789abcdef0"},
        {"eni-nat2", VF_OWNER_NAT, "nat-gateway nat-0fedcba987654321f"},
        {"eni-alb", VF_OWNER_ELB_APP, "elb app/web/50dc6c495c0c9188"},
        {"eni-nlb1", VF_OWNER_ELB_NET, "elb net/api/1a2b3c4d5e6f7a8b"},
        {"eni-nlb2", VF_OWNER_ELB_NET, "elb net/grpc/0000111122223333"},
        {"eni-clb", VF_OWNER_ELB_CLASSIC, "elb legacy-web"},
        {"eni-rds1", VF_OWNER_RDS, "rds eni-rds1"},
        {"eni-rds2", VF_OWNER_RDS, "rds eni-rds2"},
        {"eni-vpce1", VF_OWNER_VPCE, "vpc-endpoint vpce-0a1b2c3d4e5f67890"},
        {"eni-vpce2", VF_OWNER_VPCE, "vpc-endpoint vpce-0999888877776666a"},
        {"eni-lambda1", VF_OWNER_LAMBDA, "lambda resize-images-5f1c2a3b-1234-4d5e-8f90-a1b2c3d4e5f6"},
        {"eni-lambda2", VF_OWNER_LAMBDA, "lambda thumbnailer"},
        {"eni-tgw", VF_OWNER_TGW, "transit-gateway tgw-attach-0123456789abcdef0"},
        {"eni-tgw2", VF_OWNER_TGW, "transit-gateway eni-tgw2"},
        {"eni-efs", VF_OWNER_EFS, "efs fs-0123abcd"},
        {"eni-efs2", VF_OWNER_EFS, "efs fs-89ab4567"},
        {"eni-gwlb", VF_OWNER_GWLB, "elb gwy/inspect/a1b2c3d4e5f60718"},
        {"eni-gwlbe", VF_OWNER_GWLB, "gwlb-endpoint vpce-0feedbeef0000aaaa"},
        {"eni-ec2", VF_OWNER_EC2, "ec2 i-0123456789abcdef0"},
        {"eni-efa", VF_OWNER_OTHER, "efa"},
        {"eni-desc", VF_OWNER_OTHER, "arn:aws:ecs:us-east-1:123456789010:attachment/abc"},
        {"eni-bare", VF_OWNER_OTHER, "eni-bare"},
    };
    CHECK_EQ_U64(vf_topology_eni_count(t), VF_ARRAY_LEN(want));
    for (size_t i = 0; i < VF_ARRAY_LEN(want); i++) {
        const vf_eni *e = vf_topology_eni_by_id(t, want[i].id, strlen(want[i].id));
        CHECK(e != NULL);
        if (!e)
            continue;
        if (e->kind != want[i].kind)
            t_fail(__FILE__, __LINE__, "%s: kind %d, want %d", want[i].id, e->kind, want[i].kind);
        CHECK_STR(e->label, want[i].label);
        CHECK(e->subnet == NULL);
    }
    vf_topology_free(t);
}

TEST(owner_label_is_cut_safely)
{
    char desc[400];
    memset(desc, 'x', sizeof desc);
    memcpy(desc, "ELB ", 4);
    memcpy(desc + 122, "\xc3\xa9\xc3\xa9\xc3\xa9", 6); /* the third "é" across the 127-byte cut */
    desc[300] = 0;
    char json[600];
    snprintf(json, sizeof json,
             "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\",\"Description\":\"%s\","
             "\"PrivateIpAddress\":\"10.1.1.1\"},{\"NetworkInterfaceId\":\"eni-2\",\"Description\":\"a\\tb\\nc\"}]}",
             desc);
    vf_topology *t = load_enis_json(json);
    const vf_eni *e = vf_topology_eni_at(t, 0);
    CHECK_EQ_U64(e->kind, VF_OWNER_ELB_CLASSIC);
    CHECK_EQ_U64(strlen(e->label), 126);
    CHECK(memcmp(e->label + 124, "\xc3\xa9", 2) == 0);
    CHECK_STR(vf_topology_eni_at(t, 1)->label, "a b c"); /* no control characters in labels */
    vf_topology_free(t);
}

TEST(eni_addresses_primary_first_then_v6_then_public)
{
    const char *json =
        "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-m\",\"Attachment\":{\"InstanceId\":\"i-1\"},"
        "\"PrivateIpAddresses\":[{\"PrivateIpAddress\":\"10.0.0.6\",\"Association\":{\"PublicIp\":\"3.3.3.3\"}},"
        "{\"PrivateIpAddress\":\"10.0.0.5\",\"Primary\":true},{\"PrivateIpAddress\":\"10.0.0.6\"}],"
        "\"Ipv6Addresses\":[{\"Ipv6Address\":\"2600:1f18::5\"}],\"Association\":{\"PublicIp\":\"3.3.3.3\"},"
        "\"AvailabilityZone\":\"us-west-2c\",\"SubnetId\":\"subnet-unknown\"}]}";
    vf_topology *t = load_enis_json(json);
    const vf_eni *e = vf_topology_eni_at(t, 0);
    CHECK_EQ_U64(e->naddrs, 4);
    CHECK(vpcflow_addr_eq(e->addrs[0], A("10.0.0.5")));
    CHECK(vpcflow_addr_eq(e->addrs[1], A("10.0.0.6")));
    CHECK(vpcflow_addr_eq(e->addrs[2], A("2600:1f18::5")));
    CHECK(vpcflow_addr_eq(e->addrs[3], A("3.3.3.3")));
    CHECK(vpcflow_addr_eq(e->primary, A("10.0.0.5")));
    CHECK(e->has_public);
    /* subnet unknown: the ENI's own AZ name and its region */
    CHECK(e->subnet == NULL);
    CHECK_STR(az_name(t, e->az_key), "us-west-2c");
    CHECK_STR(region_name(t, e->region_key), "us-west-2");
    for (size_t i = 0; i < 4; i++)
        CHECK(vf_topology_eni_of(t, e->addrs[i]) == e);
    vf_topology_free(t);
}

/* ---- notes: overlaps and duplicates -------------------------------------------------------- */

static int has_note(const vf_topology *t, const char *text)
{
    for (size_t i = 0; i < vf_topology_note_count(t); i++)
        if (strstr(vf_topology_note(t, i), text))
            return 1;
    return 0;
}

TEST(overlapping_subnets_first_loaded_wins)
{
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    CHECK(vf_topology_load_subnets(t, DATA "two-default-vpcs.json", &err) == VPCFLOW_OK);
    finish(t);
    const vf_subnet *s = vf_topology_subnet_of(t, A("172.31.20.1"));
    CHECK(s && !strcmp(s->id, "subnet-east1b"));
    s = vf_topology_subnet_of(t, A("10.0.128.5"));
    CHECK(s && !strcmp(s->id, "subnet-west2big"));
    s = vf_topology_subnet_of(t, A("10.0.200.5"));
    CHECK(s && !strcmp(s->id, "subnet-west2big"));
    CHECK_EQ_U64(vf_topology_note_count(t), 3);
    CHECK(has_note(t, "subnets subnet-east1b (172.31.16.0/20, us-east-1) and subnet-west2a (172.31.16.0/20, "
                      "us-west-2) overlap; addresses in both are attributed to subnet-east1b, loaded first"));
    CHECK(has_note(t, "attributed to subnet-west2big, loaded first"));
    CHECK(has_note(t, "the subnets are in more than one region; us-east-1, the region of the first"));
    CHECK_STR(region_name(t, vf_topology_home_region(t)), "us-east-1");
    vf_topology_set_region(t, "us-west-2");
    CHECK_STR(region_name(t, vf_topology_home_region(t)), "us-west-2");
    vf_topology_free(t);
}

TEST(files_add_up_and_duplicates_collapse)
{
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    for (int i = 0; i < 2; i++) {
        CHECK(vf_topology_load_subnets(t, SAMPLES "describe-subnets.json", &err) == VPCFLOW_OK);
        CHECK(vf_topology_load_enis(t, SAMPLES "describe-network-interfaces.json", &err) == VPCFLOW_OK);
    }
    CHECK(vf_topology_load_file(t, DATA "samples-topology.json", &err) == VPCFLOW_OK);
    finish(t);
    CHECK_EQ_U64(vf_topology_subnet_count(t), 3);
    CHECK_EQ_U64(vf_topology_eni_count(t), 4);
    CHECK_EQ_U64(vf_topology_note_count(t), 0);
    const char *other = "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-other\","
                        "\"PrivateIpAddress\":\"172.31.2.59\"},{\"NetworkInterfaceId\":\"eni-0f00000000000000a\","
                        "\"PrivateIpAddress\":\"172.31.2.60\"}]}";
    CHECK(vf_topology_load_enis_buf(t, "x", other, strlen(other), &err) == VPCFLOW_OK);
    finish(t); /* finish again after more files */
    CHECK_EQ_U64(vf_topology_eni_count(t), 5);
    CHECK(has_note(t, "address 172.31.2.59 belongs to eni-0f00000000000000a and eni-other; it is attributed to "
                      "eni-0f00000000000000a, loaded first"));
    CHECK(has_note(t, "interface eni-0f00000000000000a is listed twice with different contents; the first is kept"));
    const vf_eni *e = vf_topology_eni_of(t, A("172.31.2.59"));
    CHECK(e && !strcmp(e->id, "eni-0f00000000000000a"));
    CHECK(vf_topology_eni_of(t, A("172.31.2.60")) == NULL);
    vf_topology_free(t);
}

TEST(notes_are_capped)
{
    char *json = malloc(200 * 100 + 64);
    size_t n = (size_t)snprintf(json, 64, "{\"Subnets\":[");
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(json + n, 100, "%s{\"SubnetId\":\"subnet-%d\",\"CidrBlock\":\"10.0.0.0/24\"}",
                              i ? "," : "", i);
    n += (size_t)snprintf(json + n, 8, "]}");
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    CHECK(vf_topology_load_subnets_buf(t, "x", json, n, &err) == VPCFLOW_OK);
    finish(t);
    CHECK_EQ_U64(vf_topology_note_count(t), 64);
    CHECK_STR(vf_topology_note(t, 63), "more notes left out");
    CHECK(vf_topology_note(t, 64) == NULL);
    const vf_subnet *s = vf_topology_subnet_of(t, A("10.0.0.9"));
    CHECK(s && !strcmp(s->id, "subnet-0"));
    vf_topology_free(t);
    free(json);
}

/* ---- ip-ranges ----------------------------------------------------------------------------- */

static void check_aws(const vf_topology *t, const char *addr, const char *service, const char *region, unsigned plen,
                      int line)
{
    const vf_aws_range *r = vf_topology_aws_of(t, A(addr));
    if (!service) {
        if (r)
            t_fail(__FILE__, line, "%s: want no range, got %s %s", addr, r->service, r->region);
        return;
    }
    if (!r) {
        t_fail(__FILE__, line, "%s: no range", addr);
        return;
    }
    if (strcmp(r->service, service) || strcmp(r->region, region) || r->plen != plen)
        t_fail(__FILE__, line, "%s: got %s %s /%u, want %s %s /%u", addr, r->service, r->region, r->plen, service,
               region, plen);
    if (strcmp(region_name(t, r->region_key), region))
        t_fail(__FILE__, line, "%s: region key names %s", addr, region_name(t, r->region_key));
}

/* A lookup and the range it should find (service NULL: none). */
typedef struct aws_case {
    const char *addr, *service, *region;
    unsigned plen;
} aws_case;

static void check_aws_cases(const vf_topology *t, const aws_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check_aws(t, c[i].addr, c[i].service, c[i].region, c[i].plen, __LINE__);
}

TEST(ipranges_samples)
{
    vf_topology *t = load_samples();
    static const aws_case cases[] = {
        {"52.216.1.10", "S3", "us-east-1", 96 + 15},
        {"3.5.0.1", "S3", "us-west-2", 96 + 19},
        {"13.32.0.1", "CLOUDFRONT", "GLOBAL", 96 + 15},
        {"44.200.1.9", "EC2", "us-east-1", 96 + 11},
        {"2600:1f18::1", "AMAZON", "us-east-1", 33},
        {"8.8.8.8", NULL, NULL, 0},
        {"52.218.0.0", NULL, NULL, 0},
        {"3.5.32.0", NULL, NULL, 0},
        {"3.4.255.255", NULL, NULL, 0},
        {"2600:1f18:8000::1", NULL, NULL, 0},
        {"172.31.2.59", NULL, NULL, 0},
    };
    check_aws_cases(t, cases, VF_ARRAY_LEN(cases));
    vf_topology_free(t);
}

TEST(ipranges_nested_longest_prefix_wins)
{
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    CHECK(vf_topology_load_ipranges(t, DATA "nested-ip-ranges.json", &err) == VPCFLOW_OK);
    finish(t);
    static const aws_case cases[] = {
        {"52.216.1.10", "S3", "us-east-1", 111},
        {"52.217.127.255", "S3", "us-east-1", 111},
        {"52.217.128.0", "AMAZON", "us-east-1", 113}, /* longer AMAZON inside S3 */
        {"52.217.199.255", "AMAZON", "us-east-1", 113},
        {"52.217.200.7", "EC2", "us-east-1", 120},
        {"52.217.201.0", "AMAZON", "us-east-1", 113},
        {"52.217.255.255", "AMAZON", "us-east-1", 113},
        {"15.230.9.9", "EC2", "us-west-2", 112}, /* EC2 before ROUTE53_HEALTHCHECKS */
        {"8.8.8.8", "AMAZON", "GLOBAL", 96},
        {"0.0.0.0", "AMAZON", "GLOBAL", 96},
        {"255.255.254.255", "AMAZON", "GLOBAL", 96},
        {"255.255.255.255", "EC2", "us-east-1", 120},
        {"2600:1f18:4000::1", "S3", "us-east-1", 36},
        {"2600:1f18:5000::1", "AMAZON", "us-east-1", 33},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "EC2", "eu-west-1", 32},
        {"2001:db8::1", NULL, NULL, 0}, /* the IPv4 0.0.0.0/0 holds no IPv6 */
    };
    check_aws_cases(t, cases, VF_ARRAY_LEN(cases));
    vf_topology_free(t);
}

/* A reference implementation: every range scanned, the same preference. */
static const vf_aws_range *brute_force(const vf_aws_range *all, size_t n, vpcflow_addr a)
{
    const vf_aws_range *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const vf_aws_range *r = &all[i];
        int v4 = vpcflow_addr_is_v4(r->net) && r->plen >= 96;
        if (v4 != vpcflow_addr_is_v4(a) || !vpcflow_cidr_contains(r->net, r->plen, a))
            continue;
        if (!best || r->plen > best->plen)
            best = r;
        else if (r->plen == best->plen) {
            int rg = !strcmp(r->service, "AMAZON"), bg = !strcmp(best->service, "AMAZON");
            if ((rg < bg) || (rg == bg && strcmp(r->service, best->service) < 0))
                best = r;
        }
    }
    return best;
}

TEST(ipranges_random_against_brute_force)
{
    /* random nested prefixes within 10.0.0.0/8, services from a small set */
    static const char *services[] = {"AMAZON", "S3", "EC2", "DYNAMODB"};
    static char json[400000];
    size_t n = (size_t)snprintf(json, sizeof json, "{\"prefixes\":[");
    uint64_t seed = 12345;
    enum { N = 3000 };
    for (int i = 0; i < N; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned plen = 8 + (unsigned)((seed >> 33) % 17);
        uint32_t net = (10u << 24) | ((uint32_t)(seed >> 20) & 0x00ffffffu);
        net &= ~0u << (32 - plen);
        n += (size_t)snprintf(json + n, sizeof json - n,
                              "%s{\"ip_prefix\":\"%u.%u.%u.%u/%u\",\"region\":\"r%u\",\"service\":\"%s\"}",
                              i ? "," : "", net >> 24, (net >> 16) & 255, (net >> 8) & 255, net & 255, plen,
                              (unsigned)(seed % 3), services[(seed >> 8) % 4]);
    }
    n += (size_t)snprintf(json + n, sizeof json - n, "]}");
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    CHECK(vf_topology_load_ipranges_buf(t, "r", json, n, &err) == VPCFLOW_OK);
    finish(t);
    CHECK_EQ_U64(vf_topology_aws_count(t), N);
    /* lookups agree with a scan over every prefix of the file */
    vf_aws_range *every = calloc(N, sizeof *every);
    size_t k = 0;
    const char *p = json;
    while ((p = strstr(p, "\"ip_prefix\":\"")) && k < N) {
        p += 13;
        const char *end = strchr(p, '"');
        CHECK(vpcflow_cidr_parse(p, (size_t)(end - p), &every[k].net, &every[k].plen) == 0);
        const char *sv = strstr(end, "\"service\":\"") + 11;
        for (size_t s = 0; s < 4; s++)
            if (!strncmp(sv, services[s], strlen(services[s])) && sv[strlen(services[s])] == '"')
                every[k].service = services[s];
        const char *rg = strstr(end, "\"region\":\"") + 10;
        every[k].region = rg[1] == '0' ? "r0" : rg[1] == '1' ? "r1" : "r2";
        k++;
    }
    CHECK_EQ_U64(k, N);
    int bad = 0;
    for (int i = 0; i < 50000 && bad < 5; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t x = (uint32_t)(seed >> 32);
        if (i & 1)
            x = (10u << 24) | (x & 0x00ffffffu);
        vpcflow_addr a = vpcflow_addr_from_v4(x);
        const vf_aws_range *got = vf_topology_aws_of(t, a), *want = brute_force(every, N, a);
        int same = (!got && !want) || (got && want && got->plen == want->plen && !strcmp(got->service, want->service) &&
                                       vpcflow_addr_eq(got->net, want->net));
        if (!same) {
            bad++;
            t_fail(__FILE__, __LINE__, "address %u.%u.%u.%u: got %s /%u, want %s /%u", x >> 24, (x >> 16) & 255,
                   (x >> 8) & 255, x & 255, got ? got->service : "-", got ? got->plen : 0, want ? want->service : "-",
                   want ? want->plen : 0);
        }
    }
    free(every);
    vf_topology_free(t);
}

/* ---- regions of AZs ------------------------------------------------------------------------ */

static const char *region_of(const char *az)
{
    static char buf[32];
    vf_region_of_az(az, buf, sizeof buf);
    return buf;
}

TEST(region_of_az)
{
    static const struct {
        const char *az, *region;
    } cases[] = {
        {"us-east-1a", "us-east-1"},
        {"us-east-1", "us-east-1"},
        {"eu-central-2c", "eu-central-2"},
        {"ap-southeast-2b", "ap-southeast-2"},
        {"us-gov-west-1a", "us-gov-west-1"},
        {"us-east-1-bos-1a", "us-east-1"},
        {"us-west-2-lax-1b", "us-west-2"},
        {"us-east-1-wl1-bos-wlz-1", "us-east-1"},
        {"use1-az4", "us-east-1"},
        {"use2-az1", "us-east-2"},
        {"usw1-az3", "us-west-1"},
        {"usw2-az2", "us-west-2"},
        {"euw1-az1", "eu-west-1"},
        {"euc1-az2", "eu-central-1"},
        {"apne1-az4", "ap-northeast-1"},
        {"apse2-az3", "ap-southeast-2"},
        {"use1-bos1-az1", "us-east-1"},
        {"zzz9-az1", ""},
        {"", ""},
        {"us-", ""},
        {"east-", ""},
        {"1a", ""},
    };
    for (size_t i = 0; i < VF_ARRAY_LEN(cases); i++) {
        t_label("az '%s'", cases[i].az);
        CHECK_STR(region_of(cases[i].az), cases[i].region);
    }
    t_label(NULL);
    char small[4];
    vf_region_of_az("us-east-1a", small, sizeof small);
    CHECK_STR(small, ""); /* does not fit: nothing rather than a wrong region */
}

TEST(interning)
{
    vf_topology *t = vf_topology_new();
    uint16_t a = vf_topology_az_key(t, "use1-az1", 8), b = vf_topology_az_key(t, "use1-az2xyz", 8);
    CHECK(a != 0 && b != 0 && a != b);
    CHECK_EQ_U64(vf_topology_az_key(t, "use1-az1", 8), a);
    CHECK_STR(vf_topology_az_name(t, b), "use1-az2");
    CHECK_EQ_U64(vf_topology_az_key(t, "", 0), 0);
    CHECK(vf_topology_az_name(t, 0) == NULL);
    CHECK(vf_topology_az_name(t, 999) == NULL);
    uint16_t r = vf_topology_region_key(t, "us-east-1", 9);
    CHECK_EQ_U64(r, 1); /* regions are a table of their own */
    CHECK_EQ_U64(vf_topology_region_key(t, "GLOBAL", 6), 2);
    char many[16];
    uint16_t last = 0;
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(many, sizeof many, "az-%d", i);
        uint16_t k = vf_topology_az_key(t, many, (size_t)n);
        if (k)
            last = k;
    }
    CHECK_EQ_U64(last, 4095); /* the table is full, later names are unknown (0) */
    vf_topology_free(t);
}

/* ---- errors -------------------------------------------------------------------------------- */

TEST(error_syntax_line_and_column)
{
    static const load_case cases[] = {
        {SUBNETS, "{\n  \"Subnets\": [\n    {\"SubnetId\": \"a\",,}\n  ]\n}",
         "x.json:3:22: JSON syntax error: string or '}' expected near ','"},
        {ENIS, "", "x.json: empty file: expected a JSON document"},
        {IPRANGES, " \n ", "x.json: empty file: expected a JSON document"},
        {TOPOFILE, "{\"subnets\": [}", "x.json:1:14: JSON syntax error: unexpected token near '}'"},
    };
    check_load_errors(cases, VF_ARRAY_LEN(cases));
}

TEST(error_wrong_kind_of_file)
{
    static const struct {
        int which;
        const char *path, *message;
    } files[] = {
        {SUBNETS, SAMPLES "describe-network-interfaces.json",
         "no Subnets array: is this the output of aws ec2 describe-subnets? (it looks like the "
         "output of aws ec2 describe-network-interfaces, which goes to --enis)"},
        {ENIS, SAMPLES "ip-ranges.sample.json",
         "no NetworkInterfaces array: is this the output of aws ec2 describe-network-interfaces? "
         "(it looks like AWS's ip-ranges.json, which goes to --ip-ranges)"},
        {IPRANGES, SAMPLES "describe-subnets.json",
         "no prefixes array: is this AWS's ip-ranges.json "
         "(https://ip-ranges.amazonaws.com/ip-ranges.json)? (it looks like the output of aws ec2 "
         "describe-subnets, which goes to --subnets)"},
        {TOPOFILE, SAMPLES "describe-subnets.json",
         "no subnets or interfaces: is this a vpcflow topology file (docs/topology.md)? (it "
         "looks like the output of aws ec2 describe-subnets, which goes to --subnets)"},
        {SUBNETS, DATA "samples-topology.json",
         "no Subnets array: is this the output of aws ec2 describe-subnets? (it looks like a "
         "vpcflow topology file, which goes to --topology)"},
    };
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    for (size_t i = 0; i < VF_ARRAY_LEN(files); i++) {
        t_label("%s", files[i].path);
        CHECK(load_path(t, files[i].which, files[i].path, &err) == VPCFLOW_ERR_INPUT);
        CHECK_STR(err.file, files[i].path);
        CHECK_STR(err.message, files[i].message);
    }
    t_label(NULL);
    CHECK(vf_topology_load_subnets(t, "tests/data/no-such-file.json", &err) == VPCFLOW_ERR_IO);
    CHECK_STR(err.file, "tests/data/no-such-file.json");
    CHECK_STR(err.message, "cannot open: No such file or directory");
    vf_topology_free(t);
    static const load_case buffers[] = {
        {SUBNETS, "[{\"SubnetId\": \"subnet-1\"}]",
         "x.json: no Subnets array: is this the output of aws ec2 describe-subnets? (a JSON array at the top: "
         "run the aws command without --query, which keeps the outer object)"},
        {SUBNETS, "{\"Subnets\": {}}", "x.json: no Subnets array: is this the output of aws ec2 describe-subnets?"},
        {ENIS, "{\"rates\": {}}",
         "x.json: no NetworkInterfaces array: is this the output of aws ec2 describe-network-interfaces? (it "
         "looks like a vpcflow price file, which goes to --prices)"},
    };
    check_load_errors(buffers, VF_ARRAY_LEN(buffers));
}

TEST(error_subnet_shapes)
{
    static const load_case cases[] = {
        {SUBNETS,
         "{\"Subnets\":[{\"SubnetId\":\"a\",\"CidrBlock\":\"10.0.0.0/16\"},"
         "{\"SubnetId\":\"b\",\"CidrBlock\":\"10.1.0.0/16\"},{\"SubnetId\":\"c\","
         "\"CidrBlock\":\"10.2.0.0/16\"},{\"SubnetId\":\"d\",\"CidrBlock\":\"10.0.0.0/33\"}]}",
         "x.json: Subnets[3].CidrBlock: \"10.0.0.0/33\" is not a CIDR block"},
        {SUBNETS, "{\"Subnets\":[{\"CidrBlock\":\"10.0.0.0/16\"}]}", "x.json: Subnets[0]: no SubnetId"},
        {SUBNETS, "{\"Subnets\":[{\"SubnetId\":\"a\",\"CidrBlock\":\"2001:db8::/64\"}]}",
         "x.json: Subnets[0].CidrBlock: \"2001:db8::/64\" is not an IPv4 CIDR block"},
        {SUBNETS, "{\"Subnets\":[{\"SubnetId\":\"a\"}]}", "x.json: Subnets[0]: no CidrBlock and no Ipv6CidrBlock"},
        {SUBNETS, "{\"Subnets\":[{\"SubnetId\":7,\"CidrBlock\":\"10.0.0.0/8\"}]}",
         "x.json: Subnets[0].SubnetId: expected a string, found a number"},
        {SUBNETS, "{\"Subnets\":[\"subnet-1\"]}", "x.json: Subnets[0]: expected an object, found a string"},
        {SUBNETS,
         "{\"Subnets\":[{\"SubnetId\":\"a\",\"Ipv6CidrBlockAssociationSet\":[{"
         "\"Ipv6CidrBlock\":\"10.0.0.0/8\"}]}]}",
         "x.json: Subnets[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock: \"10.0.0.0/8\" is not an IPv6 "
         "CIDR block"},
        {SUBNETS,
         "{\"Subnets\":[{\"SubnetId\":\"subnet-0123456789abcdef0123456789abcdef0123456789"
         "abcdef\",\"CidrBlock\":\"10.0.0.0/8\"}]}",
         "x.json: Subnets[0].SubnetId: \"subnet-0123456789abcdef0123456789abcdef0123456789abcdef\" is longer "
         "than 47 characters"},
        /* unknown keys are ignored */
        {SUBNETS, "{\"Subnets\":[],\"NextToken\":null,\"Extra\":[1,2]}", "(no error)"},
    };
    check_load_errors(cases, VF_ARRAY_LEN(cases));
    /* long values are cut in messages, never inside a UTF-8 character */
    char json[300], want[300];
    snprintf(json, sizeof json,
             "{\"Subnets\":[{\"SubnetId\":\"a\",\"CidrBlock\":\"10.0.0.0/8\"},{\"SubnetId\":\"b\","
             "\"CidrBlock\":\"bad\\nline %.79s\xc3\xa9%.20s\"}]}",
             Y100, Y100);
    snprintf(want, sizeof want, "x.json: Subnets[1].CidrBlock: \"bad?line %.79s...\" is longer than 63 characters",
             Y100);
    CHECK_STR(load_error(SUBNETS, json), want);
}

TEST(error_eni_shapes)
{
    static const load_case cases[] = {
        {ENIS,
         "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\"},"
         "{\"NetworkInterfaceId\":\"eni-2\"},{\"Description\":\"x\"}]}",
         "x.json: NetworkInterfaces[2]: no NetworkInterfaceId"},
        {ENIS,
         "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\",\"PrivateIpAddress\":"
         "\"10.0.0.300\"}]}",
         "x.json: NetworkInterfaces[0].PrivateIpAddress: \"10.0.0.300\" is not an IP address"},
        {ENIS,
         "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\",\"PrivateIpAddresses\":"
         "[{\"PrivateIpAddress\":\"10.0.0.1\"},{\"PrivateIpAddress\":\"10.0.0.2\","
         "\"Association\":{\"PublicIp\":\"x\"}}]}]}",
         "x.json: NetworkInterfaces[0].PrivateIpAddresses[1].Association.PublicIp: \"x\" is not an IP address"},
        {ENIS,
         "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\",\"Ipv6Addresses\":"
         "[{\"Ipv6Address\":\"2600::g\"}]}]}",
         "x.json: NetworkInterfaces[0].Ipv6Addresses[0].Ipv6Address: \"2600::g\" is not an IP address"},
        {ENIS, "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\",\"Ipv6Addresses\":{}}]}",
         "x.json: NetworkInterfaces[0].Ipv6Addresses: expected an array, found an object"},
        {ENIS,
         "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\",\"Attachment\":"
         "{\"InstanceId\":false}}]}",
         "x.json: NetworkInterfaces[0].Attachment.InstanceId: expected a string, found false"},
    };
    check_load_errors(cases, VF_ARRAY_LEN(cases));
}

TEST(error_eni_too_many_addresses)
{
    static char json[20000];
    size_t n = (size_t)snprintf(json, sizeof json,
                                "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\",\"PrivateIpAddresses\":[");
    for (int i = 0; i < 257; i++)
        n += (size_t)snprintf(json + n, sizeof json - n, "%s{\"PrivateIpAddress\":\"10.0.%d.%d\"}", i ? "," : "",
                              i / 256, i % 256);
    snprintf(json + n, sizeof json - n, "]}]}");
    CHECK_STR(load_error(ENIS, json), "x.json: NetworkInterfaces[0]: more than 256 addresses");
    /* 200 private addresses, each with a public one: the cap counts them all */
    n = (size_t)snprintf(json, sizeof json,
                         "{\"NetworkInterfaces\":[{\"NetworkInterfaceId\":\"eni-1\",\"PrivateIpAddresses\":[");
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(json + n, sizeof json - n,
                              "%s{\"PrivateIpAddress\":\"10.0.0.%d\",\"Association\":{\"PublicIp\":\"3.0.0.%d\"}}",
                              i ? "," : "", i, i);
    snprintf(json + n, sizeof json - n, "]}]}");
    CHECK_STR(load_error(ENIS, json), "x.json: NetworkInterfaces[0]: more than 256 addresses");
}

TEST(error_ipranges_shapes)
{
    static const load_case cases[] = {
        {IPRANGES,
         "{\"prefixes\":[{\"ip_prefix\":\"1.2.3.0/24\",\"service\":\"S3\"},"
         "{\"ip_prefix\":\"1.2.3.0/24/5\"}]}",
         "x.json: prefixes[1].ip_prefix: \"1.2.3.0/24/5\" is not a CIDR block"},
        {IPRANGES, "{\"prefixes\":[{\"region\":\"us-east-1\"}]}", "x.json: prefixes[0]: no ip_prefix"},
        {IPRANGES, "{\"prefixes\":[],\"ipv6_prefixes\":[{\"ipv6_prefix\":\"2600::/99999\"}]}",
         "x.json: ipv6_prefixes[0].ipv6_prefix: \"2600::/99999\" is not a CIDR block"},
        {IPRANGES, "{\"prefixes\":[], \"ipv6_prefixes\":7}",
         "x.json: ipv6_prefixes: expected an array, found a number"},
        {IPRANGES, "{\"prefixes\":[{\"ip_prefix\":\"1.2.3.0/24\",\"service\":[]}]}",
         "x.json: prefixes[0].service: expected a string, found an array"},
    };
    check_load_errors(cases, VF_ARRAY_LEN(cases));
}

TEST(error_topology_file_shapes)
{
    static const load_case cases[] = {
        {TOPOFILE, "{\"subnets\":[{\"id\":\"s\",\"cidr\":\"10.0.0.0/33\"}]}",
         "x.json: subnets[0].cidr: \"10.0.0.0/33\" is not an IPv4 CIDR block"},
        {TOPOFILE, "{\"subnets\":[{\"cidr\":\"10.0.0.0/24\"}]}", "x.json: subnets[0]: no id"},
        {TOPOFILE, "{\"subnets\":[{\"id\":\"s\"}]}", "x.json: subnets[0]: no cidr and no ipv6_cidr"},
        {TOPOFILE, "{\"interfaces\":[{\"id\":\"eni-1\",\"kind\":\"elb\"}]}",
         "x.json: interfaces[0].kind: \"elb\" is not a kind: use one of ec2, rds, nat-gateway, elb-app, "
         "elb-network, elb-classic, gateway-load-balancer, gwlb-endpoint, vpc-endpoint, lambda, "
         "transit-gateway, efs, other"},
        {TOPOFILE, "{\"interfaces\":[{\"id\":\"eni-1\",\"addresses\":[\"10.0.0.1\",\"nope\"]}]}",
         "x.json: interfaces[0].addresses[1]: \"nope\" is not an IP address"},
        {TOPOFILE, "{\"interfaces\":[{\"id\":\"eni-1\",\"public\":[1]}]}",
         "x.json: interfaces[0].public[0]: expected a string, found a number"},
        {TOPOFILE, "{\"interfaces\":[{\"kind\":\"ec2\"}]}", "x.json: interfaces[0]: no id and no addresses"},
        {TOPOFILE, "{\"region\":5,\"interfaces\":[]}", "x.json: region: expected a region name such as \"us-east-1\""},
        {TOPOFILE, "{\"interfaces\":{}}", "x.json: interfaces: expected an array, found an object"},
        {TOPOFILE, "{\"subnets\":[{\"id\":\"s\",\"cidr\":\"10.0.0.0/24\"}],\"interfaces\":[5]}",
         "x.json: interfaces[0]: expected an object, found a number"},
    };
    check_load_errors(cases, VF_ARRAY_LEN(cases));
}

/* ---- the topology file --------------------------------------------------------------------- */

TEST(topology_file_equals_aws_json)
{
    vf_topology *a = load_samples();
    vf_topology *b = vf_topology_new();
    vpcflow_error err = {0};
    CHECK(vf_topology_load_file(b, DATA "samples-topology.json", &err) == VPCFLOW_OK);
    finish(b);
    CHECK_EQ_U64(vf_topology_subnet_count(b), vf_topology_subnet_count(a));
    CHECK_EQ_U64(vf_topology_eni_count(b), vf_topology_eni_count(a));
    for (size_t i = 0; i < vf_topology_subnet_count(a); i++) {
        const vf_subnet *x = vf_topology_subnet_at(a, i), *y = vf_topology_subnet_at(b, i);
        CHECK_STR(x->id, y->id);
        CHECK_STR(x->vpc_id, y->vpc_id);
        CHECK_STR(x->az, y->az);
        CHECK_STR(x->az_id, y->az_id);
        CHECK_STR(x->region, y->region);
        CHECK(x->has_v4 == y->has_v4 && x->has_v6 == y->has_v6);
        CHECK(vpcflow_addr_eq(x->net4, y->net4) && x->plen4 == y->plen4);
        CHECK(!x->has_v6 || (vpcflow_addr_eq(x->net6, y->net6) && x->plen6 == y->plen6));
        CHECK_STR(az_name(a, x->az_key), az_name(b, y->az_key));
        CHECK_STR(region_name(a, x->region_key), region_name(b, y->region_key));
    }
    for (size_t i = 0; i < vf_topology_eni_count(a); i++) {
        const vf_eni *x = vf_topology_eni_at(a, i), *y = vf_topology_eni_at(b, i);
        CHECK_STR(x->id, y->id);
        CHECK_EQ_U64(x->kind, y->kind);
        CHECK_STR(x->label, y->label);
        CHECK_STR(x->subnet_id, y->subnet_id);
        CHECK_STR(x->vpc_id, y->vpc_id);
        CHECK(x->subnet && y->subnet && !strcmp(x->subnet->id, y->subnet->id));
        CHECK_STR(az_name(a, x->az_key), az_name(b, y->az_key));
        CHECK_STR(region_name(a, x->region_key), region_name(b, y->region_key));
        CHECK_EQ_U64(x->has_public, y->has_public);
        CHECK_EQ_U64(x->requester_managed, y->requester_managed);
        CHECK(vpcflow_addr_eq(x->primary, y->primary));
        CHECK_EQ_U64(x->naddrs, y->naddrs);
        for (size_t j = 0; j < x->naddrs && j < y->naddrs; j++)
            CHECK(vpcflow_addr_eq(x->addrs[j], y->addrs[j]));
    }
    CHECK_STR(region_name(b, vf_topology_home_region(b)), "us-east-1");
    vf_topology_free(a);
    vf_topology_free(b);
}

TEST(topology_file_kinds_and_defaults)
{
    const char *json =
        "{\"region\":\"eu-west-1\",\"subnets\":[{\"id\":\"subnet-1\",\"vpc\":\"vpc-1\",\"cidr\":\"10.9.0.0/24\","
        "\"az_id\":\"euw1-az2\"}],\"interfaces\":["
        "{\"id\":\"eni-a\",\"addresses\":[\"2a05:d018::1\",\"10.9.0.5\"],\"name\":\"i-0abc\"},"
        "{\"addresses\":[\"10.9.0.6\"],\"kind\":\"elb-app\",\"name\":\"app/shop/1234\"},"
        "{\"id\":\"eni-c\",\"kind\":\"elb-network\",\"name\":\"net/api/99\",\"az\":\"eu-west-1c\"},"
        "{\"id\":\"eni-d\",\"kind\":\"other\",\"addresses\":[\"10.9.0.8\"]},"
        "{\"id\":\"eni-e\",\"kind\":\"lambda\",\"name\":\"resize\",\"addresses\":[\"10.9.0.9\"],\"vpc\":\"vpc-2\"},"
        "{\"id\":\"eni-f\",\"kind\":\"gateway-load-balancer\",\"name\":\"gwy/fw/77\"},"
        "{\"id\":\"eni-g\",\"kind\":\"transit-gateway\",\"name\":\"tgw-attach-1\",\"subnet\":\"subnet-1\"},"
        "{\"id\":\"eni-h\",\"kind\":\"efs\",\"name\":\"fs-1\"},{\"id\":\"eni-i\",\"kind\":\"vpc-endpoint\"}]}";
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    CHECK(vf_topology_load_file_buf(t, "x", json, strlen(json), &err) == VPCFLOW_OK);
    vf_topology_set_region(t, NULL);
    finish(t);
    CHECK_STR(region_name(t, vf_topology_home_region(t)), "eu-west-1");
    const vf_subnet *s = vf_topology_subnet_at(t, 0);
    CHECK_STR(s->region, "eu-west-1"); /* from the AZ ID alone */
    const vf_eni *e = vf_topology_eni_at(t, 0);
    CHECK_EQ_U64(e->kind, VF_OWNER_EC2);
    CHECK_STR(e->label, "ec2 i-0abc");
    CHECK(!e->requester_managed);
    CHECK(vpcflow_addr_eq(e->primary, A("10.9.0.5"))); /* IPv4 first */
    CHECK(vpcflow_addr_eq(e->addrs[1], A("2a05:d018::1")));
    CHECK(e->subnet == s); /* found by its address */
    CHECK_STR(e->subnet_id, "subnet-1");
    CHECK_STR(e->vpc_id, "vpc-1");
    e = vf_topology_eni_at(t, 1);
    CHECK_STR(e->label, "elb app/shop/1234");
    CHECK_STR(e->id, "");
    CHECK(vf_topology_eni_of(t, A("10.9.0.6")) == e);
    e = vf_topology_eni_at(t, 2);
    CHECK_STR(e->label, "elb net/api/99");
    CHECK(e->requester_managed);
    CHECK_STR(az_name(t, e->az_key), "eu-west-1c");
    CHECK_STR(region_name(t, e->region_key), "eu-west-1");
    CHECK_STR(vf_topology_eni_at(t, 3)->label, "eni-d");
    e = vf_topology_eni_at(t, 4);
    CHECK_STR(e->label, "lambda resize");
    CHECK(e->subnet == NULL); /* its VPC is not the subnet's */
    CHECK_STR(vf_topology_eni_at(t, 5)->label, "elb gwy/fw/77");
    CHECK_EQ_U64(vf_topology_eni_at(t, 5)->kind, VF_OWNER_GWLB);
    CHECK_STR(vf_topology_eni_at(t, 6)->label, "transit-gateway tgw-attach-1");
    CHECK(vf_topology_eni_at(t, 6)->subnet == s);
    CHECK_STR(vf_topology_eni_at(t, 7)->label, "efs fs-1");
    CHECK_STR(vf_topology_eni_at(t, 8)->label, "vpc-endpoint eni-i");
    vf_topology_free(t);
}

TEST(region_precedence)
{
    vf_topology *t = vf_topology_new();
    vpcflow_error err = {0};
    const char *file = "{\"region\":\"us-west-2\",\"interfaces\":[]}";
    CHECK(vf_topology_load_subnets(t, SAMPLES "describe-subnets.json", &err) == VPCFLOW_OK);
    CHECK(vf_topology_load_file_buf(t, "x", file, strlen(file), &err) == VPCFLOW_OK);
    finish(t);
    CHECK_STR(region_name(t, vf_topology_home_region(t)), "us-west-2"); /* the file beats the subnets */
    vf_topology_set_region(t, "eu-north-1");
    finish(t);
    CHECK_STR(region_name(t, vf_topology_home_region(t)), "eu-north-1"); /* --region beats both */
    vf_topology_free(t);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
