/* test_history.c — unit tests of the ownership history: times, each CloudTrail event and AWS
 * Config shape, the replay (out of order, missing releases, attach and detach, regions, VPCs)
 * and its errors. */
#include "t.h"
#include "model/history.h"

#include <stdlib.h>

static vpcflow_addr A(const char *s)
{
    vpcflow_addr a = {0, 0};
    if (vpcflow_addr_parse(s, strlen(s), &a) < 0)
        t_fail(__FILE__, __LINE__, "bad address in test: %s", s);
    return a;
}

static int64_t T(const char *s)
{
    int64_t t = 0;
    if (vf_history_time(s, &t) < 0)
        t_fail(__FILE__, __LINE__, "bad time in test: %s", s);
    return t;
}

/* A history of the given documents (NULL-terminated), finished. */
static vf_history *history(const char *region, const char *const *docs)
{
    vf_history *h = vf_history_new();
    vpcflow_error err = {0};
    for (size_t i = 0; docs[i]; i++)
        if (vf_history_load_buf(h, "h.json", docs[i], strlen(docs[i]), &err) != VPCFLOW_OK)
            t_fail(__FILE__, __LINE__, "load %zu: %s", i, err.message);
    vf_history_set_region(h, region);
    if (vf_history_finish(h, &err) != VPCFLOW_OK)
        t_fail(__FILE__, __LINE__, "finish: %s", err.message);
    return h;
}

/* The label of a's owner at time t, "" when none. */
static const char *owner_at(const vf_history *h, const char *a, const char *t)
{
    int64_t from, to;
    int32_t o = vf_history_owner_at(h, A(a), T(t), &from, &to);
    return o < 0 ? "" : vf_history_owner(h, (size_t)o)->label;
}

#define EV(name, time, rest)                                                                                           \
    "{\"eventName\":\"" name "\",\"eventTime\":\"" time "\",\"awsRegion\":\"us-east-1\"" rest "}"
#define CREATE(time, eni, ip, extra)                                                                                   \
    EV("CreateNetworkInterface", time,                                                                                 \
       ",\"responseElements\":{\"networkInterface\":{\"networkInterfaceId\":\"" eni "\",\"vpcId\":\"vpc-1\","          \
       "\"availabilityZone\":\"us-east-1a\",\"privateIpAddress\":\"" ip "\"" extra "}}")
#define DELETE(time, eni)                                                                                              \
    EV("DeleteNetworkInterface", time, ",\"requestParameters\":{\"networkInterfaceId\":\"" eni "\"}")

TEST(history_times)
{
    int64_t t;
    CHECK(vf_history_time("2026-11-03T10:00:00Z", &t) == 0 && t == 1793700000);
    CHECK(vf_history_time("2026-11-03T10:00:00.123Z", &t) == 0 && t == 1793700000);
    CHECK(vf_history_time("2026-11-03T12:00:00+02:00", &t) == 0 && t == 1793700000);
    CHECK(vf_history_time("2026-11-03T10:00:00.000000+00:00", &t) == 0 && t == 1793700000);
    CHECK(vf_history_time("1793700000", &t) == 0 && t == 1793700000);
    CHECK(vf_history_time("1793700000123", &t) == 0 && t == 1793700000);
    CHECK(vf_history_time("2026-13-03T10:00:00Z", &t) < 0);
    CHECK(vf_history_time("yesterday", &t) < 0);
    CHECK(vf_history_time("", &t) < 0);
}

TEST(history_create_delete_reuse)
{
    const char *doc = "{\"Records\":[" CREATE("2026-11-03T01:00:00Z", "eni-1", "10.0.0.5", "") "," DELETE(
        "2026-11-03T02:00:00Z", "eni-1") "," CREATE("2026-11-03T03:00:00Z", "eni-2", "10.0.0.5",
                                                    ",\"description\":\"RDSNetworkInterface\"") "]}";
    vf_history *h = history("us-east-1", (const char *const[]){doc, NULL});
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T00:59:59Z"), "");
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T01:00:00Z"), "eni-1");
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T02:00:00Z"), "");
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T03:30:00Z"), "rds eni-2");
    const vf_hist_span *s;
    CHECK_EQ_U64(vf_history_spans(h, A("10.0.0.5"), &s), 2);
    CHECK_EQ_I64(s[1].to, VF_HIST_END);
    int64_t from, to; /* the gap's bounds, for caches */
    CHECK(vf_history_owner_at(h, A("10.0.0.5"), T("2026-11-03T02:30:00Z"), &from, &to) < 0);
    CHECK_EQ_I64(from, T("2026-11-03T02:00:00Z"));
    CHECK_EQ_I64(to, T("2026-11-03T03:00:00Z"));
    int64_t born, died;
    CHECK(vf_history_eni_life(h, "eni-1", &born, &died) && born == T("2026-11-03T01:00:00Z") &&
          died == T("2026-11-03T02:00:00Z"));
    vf_history_free(h);
}

TEST(history_out_of_order_and_across_files)
{
    /* the delete comes first in its file, the create is in another file */
    const char *a = "{\"Records\":[" DELETE("2026-11-03T05:00:00Z", "eni-1") "]}";
    const char *b = "{\"Records\":[" CREATE("2026-11-03T01:00:00Z", "eni-1", "10.0.0.5", "") "]}";
    vf_history *h = history("", (const char *const[]){a, b, NULL});
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T04:59:59Z"), "eni-1");
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T05:00:00Z"), "");
    vf_history_free(h);
}

TEST(history_missing_release_is_a_take_over)
{
    const char *doc = "{\"Records\":[" CREATE("2026-11-03T01:00:00Z", "eni-1", "10.0.0.5",
                                              "") "," CREATE("2026-11-03T03:00:00Z", "eni-2", "10.0.0.5", "") "]}";
    vf_history *h = history("", (const char *const[]){doc, NULL});
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T02:59:59Z"), "eni-1");
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T03:00:00Z"), "eni-2");
    CHECK(strstr(vf_history_notes(h), "1 address taken by another ENI") != NULL);
    vf_history_free(h);
}

TEST(history_assign_unassign_v4_v6)
{
    const char *doc = "{\"Records\":[" CREATE("2026-11-03T01:00:00Z", "eni-1", "10.0.0.5", "") "," EV(
        "AssignPrivateIpAddresses", "2026-11-03T02:00:00Z",
        ",\"requestParameters\":{\"networkInterfaceId\":\"eni-1\",\"privateIpAddressesSet\":{\"item\":[{"
        "\"privateIpAddress\":\"10.0.0.6\"}]}}") "," EV("AssignPrivateIpAddresses", "2026-11-03T02:10:00Z",
                                                        ",\"requestParameters\":{\"networkInterfaceId\":\"eni-1\","
                                                        "\"secondaryPrivateIpAddressCount\":1},"
                                                        "\"responseElements\":{\"assignedPrivateIpAddressesSet\":{"
                                                        "\"assignedPrivateIpAddressSetType\":[{\"privateIpAddress\":"
                                                        "\"10.0.0.7\"}]}}") "," EV("UnassignPrivateIpAddresses",
                                                                                   "2026-11-03T03:00:00Z",
                                                                                   ",\"requestParameters\":{"
                                                                                   "\"networkInterfaceId\":\"eni-1\","
                                                                                   "\"privateIpAddressesSet\":{"
                                                                                   "\"item\":[{\"privateIpAddress\":"
                                                                                   "\"10.0.0.6\"}]}}") "," EV("AssignIp"
                                                                                                              "v6Addres"
                                                                                                              "ses",
                                                                                                              "2026-11-"
                                                                                                              "03T02:"
                                                                                                              "00:00Z",
                                                                                                              ",\"reque"
                                                                                                              "stParame"
                                                                                                              "ters\":{"
                                                                                                              "\"networ"
                                                                                                              "kInterfa"
                                                                                                              "ceId\":"
                                                                                                              "\"eni-"
                                                                                                              "1\","
                                                                                                              "\"ipv6Ad"
                                                                                                              "dresses"
                                                                                                              "\":{"
                                                                                                              "\"item\""
                                                                                                              ":[{"
                                                                                                              "\"ipv6Ad"
                                                                                                              "dress\":"
                                                                                                              "\"2600:"
                                                                                                              "1f18::"
                                                                                                              "5\"}]}}") "," EV("UnassignIpv6Addresses",
                                                                                                                                "2026-11-03T04:00:00Z",
                                                                                                                                ",\"requestParameters\":{\"networkInterfaceId\":\"eni-1\",\"ipv6Addresses\":{\"item\":[{\"ipv6Address\":\"2600:1f18::5\"}]}}") "]}";
    vf_history *h = history("", (const char *const[]){doc, NULL});
    CHECK_STR(owner_at(h, "10.0.0.6", "2026-11-03T01:59:59Z"), "");
    CHECK_STR(owner_at(h, "10.0.0.6", "2026-11-03T02:30:00Z"), "eni-1");
    CHECK_STR(owner_at(h, "10.0.0.6", "2026-11-03T03:00:00Z"), "");
    CHECK_STR(owner_at(h, "10.0.0.7", "2026-11-03T05:00:00Z"), "eni-1");
    CHECK_STR(owner_at(h, "2600:1f18::5", "2026-11-03T03:00:00Z"), "eni-1");
    CHECK_STR(owner_at(h, "2600:1f18::5", "2026-11-03T04:00:00Z"), "");
    vf_history_free(h);
}

TEST(history_run_attach_detach_terminate)
{
    const char *run =
        EV("RunInstances", "2026-11-03T01:00:00Z",
           ",\"responseElements\":{\"instancesSet\":{\"items\":[{\"instanceId\":\"i-1\",\"placement\":{"
           "\"availabilityZone\":\"us-east-1b\"},\"subnetId\":\"subnet-1\",\"vpcId\":\"vpc-1\","
           "\"networkInterfaceSet\":{\"items\":[{\"networkInterfaceId\":\"eni-p\",\"privateIpAddress\":\"10.0.0.5\","
           "\"attachment\":{\"attachmentId\":\"eni-attach-p\",\"deleteOnTermination\":true}}]}}]}}");
    const char *more = CREATE("2026-11-03T01:30:00Z", "eni-s", "10.0.0.9", "") "," EV(
        "AttachNetworkInterface", "2026-11-03T02:00:00Z",
        ",\"requestParameters\":{\"networkInterfaceId\":\"eni-s\",\"instanceId\":\"i-1\",\"deviceIndex\":1},"
        "\"responseElements\":{\"attachmentId\":\"eni-attach-s\"}") "," EV("DetachNetworkInterface",
                                                                           "2026-11-03T03:00:00Z",
                                                                           ",\"requestParameters\":{"
                                                                           "\"attachmentId\":\"eni-attach-"
                                                                           "s\"}") "," EV("AttachNetworkInte"
                                                                                          "rface",
                                                                                          "2026-11-03T04:00:"
                                                                                          "00Z",
                                                                                          ",\"requestParamet"
                                                                                          "ers\":{"
                                                                                          "\"networkInterfac"
                                                                                          "eId\":\"eni-s\","
                                                                                          "\"instanceId\":"
                                                                                          "\"i-1\","
                                                                                          "\"deviceIndex\":"
                                                                                          "1},"
                                                                                          "\"responseElement"
                                                                                          "s\":{"
                                                                                          "\"attachmentId\":"
                                                                                          "\"eni-attach-"
                                                                                          "s2\"}") "," EV("T"
                                                                                                          "e"
                                                                                                          "r"
                                                                                                          "m"
                                                                                                          "i"
                                                                                                          "n"
                                                                                                          "a"
                                                                                                          "t"
                                                                                                          "e"
                                                                                                          "I"
                                                                                                          "n"
                                                                                                          "s"
                                                                                                          "t"
                                                                                                          "a"
                                                                                                          "n"
                                                                                                          "c"
                                                                                                          "e"
                                                                                                          "s",
                                                                                                          "2"
                                                                                                          "0"
                                                                                                          "2"
                                                                                                          "6"
                                                                                                          "-"
                                                                                                          "1"
                                                                                                          "1"
                                                                                                          "-"
                                                                                                          "0"
                                                                                                          "3"
                                                                                                          "T"
                                                                                                          "0"
                                                                                                          "5"
                                                                                                          ":"
                                                                                                          "0"
                                                                                                          "0"
                                                                                                          ":"
                                                                                                          "0"
                                                                                                          "0"
                                                                                                          "Z",
                                                                                                          ","
                                                                                                          "\"requestPar"
                                                                                                          "ameters\":{"
                                                                                                          "\"instancesS"
                                                                                                          "et\":{"
                                                                                                          "\"items\":[{"
                                                                                                          "\"instanceId"
                                                                                                          "\":\"i-1\"}]"
                                                                                                          "}}");
    char doc[4096];
    snprintf(doc, sizeof doc, "{\"Records\":[%s,%s]}", run, more);
    vf_history *h = history("", (const char *const[]){doc, NULL});
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T01:00:00Z"), "ec2 i-1");
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T05:00:00Z"), ""); /* deleted with the instance */
    CHECK_STR(owner_at(h, "10.0.0.9", "2026-11-03T01:45:00Z"), "eni-s");
    CHECK_STR(owner_at(h, "10.0.0.9", "2026-11-03T02:30:00Z"), "ec2 i-1");
    CHECK_STR(owner_at(h, "10.0.0.9", "2026-11-03T03:30:00Z"), "eni-s");
    CHECK_STR(owner_at(h, "10.0.0.9", "2026-11-03T04:30:00Z"), "ec2 i-1");
    CHECK_STR(owner_at(h, "10.0.0.9", "2026-11-03T06:00:00Z"), "eni-s"); /* a secondary ENI stays */
    int64_t from, to;
    int32_t o = vf_history_owner_at(h, A("10.0.0.5"), T("2026-11-03T02:00:00Z"), &from, &to);
    CHECK(o >= 0 && strcmp(vf_history_owner(h, (size_t)o)->az, "us-east-1b") == 0);
    vf_history_free(h);
}

TEST(history_failed_calls_and_other_events_change_nothing)
{
    const char *doc = "{\"Records\":[" CREATE("2026-11-03T01:00:00Z", "eni-1", "10.0.0.5", "") "," EV(
        "DeleteNetworkInterface", "2026-11-03T02:00:00Z",
        ",\"errorCode\":\"Client.InvalidNetworkInterface.InUse\",\"requestParameters\":{"
        "\"networkInterfaceId\":\"eni-1\"}") "," EV("DescribeInstances", "not a time", "") "]}";
    vf_history *h = history("", (const char *const[]){doc, NULL});
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T03:00:00Z"), "eni-1");
    vf_history_free(h);
}

TEST(history_other_regions_and_vpcs)
{
    const char *doc = "{\"Records\":[" CREATE("2026-11-03T01:00:00Z", "eni-1", "10.0.0.5", "") "," EV(
        "CreateNetworkInterface", "2026-11-03T02:00:00Z",
        ",\"awsRegion\":\"eu-west-1\",\"responseElements\":{\"networkInterface\":{\"networkInterfaceId\":\"eni-w\","
        "\"privateIpAddress\":\"10.0.0.5\"}}") "]}";
    /* awsRegion appears twice in that record: jansson keeps the last, eu-west-1 */
    vf_history *h = history("us-east-1", (const char *const[]){doc, NULL});
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T03:00:00Z"), "eni-1");
    CHECK(strstr(vf_history_notes(h), "1 event of other regions than us-east-1 ignored") != NULL);
    vf_history_free(h);

    const char *other = "{\"Records\":[" CREATE("2026-11-03T01:00:00Z", "eni-1", "10.0.0.5", "") "," EV(
        "CreateNetworkInterface", "2026-11-03T02:00:00Z",
        ",\"responseElements\":{\"networkInterface\":{\"networkInterfaceId\":\"eni-x\",\"vpcId\":\"vpc-x\","
        "\"privateIpAddress\":\"10.0.0.5\"}}") "," DELETE("2026-11-03T04:00:00Z", "eni-x") "]}";
    h = vf_history_new();
    vpcflow_error err = {0};
    CHECK(vf_history_load_buf(h, "h.json", other, strlen(other), &err) == VPCFLOW_OK);
    CHECK(vf_history_allow_vpc(h, "vpc-1") == 0);
    CHECK(vf_history_finish(h, &err) == VPCFLOW_OK);
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T03:00:00Z"), "eni-1");
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T05:00:00Z"), "eni-1");
    CHECK(strstr(vf_history_notes(h), "2 events of ENIs in other VPCs") != NULL);
    vf_history_free(h);
}

TEST(history_nat_gateway_and_load_balancer_deletes)
{
    const char *doc =
        "{\"Records\":[" EV("CreateNatGateway", "2026-11-03T01:00:00Z",
                            ",\"responseElements\":{\"natGateway\":{\"natGatewayId\":\"nat-1\","
                            "\"subnetId\":"
                            "\"subnet-1\",\"vpcId\":\"vpc-1\",\"natGatewayAddressSet\":{\"item\":[{"
                            "\"networkInterfaceId\":\"eni-n\",\"privateIp\":\"10.0.0.20\",\"publicIp\":"
                            "\"3.3.3.3\"}]}}}") "," EV("DeleteNatGateway", "2026-11-03T02:00:00Z",
                                                       ",\"requestParameters\":{\"natGatewayId\":\"nat-"
                                                       "1\"}") "," CREATE("2026-11-03T01:00:00Z", "eni-lb", "10.0.0.30",
                                                                          ",\"description\":\"ELB "
                                                                          "app/web/"
                                                                          "50dc6c495c0c9188\","
                                                                          "\"requesterId\":\"amazon-"
                                                                          "elb\"") "," EV("DeleteLoadBala"
                                                                                          "ncer",
                                                                                          "2026-11-03T03:"
                                                                                          "00:00Z",
                                                                                          ",\"requestPara"
                                                                                          "meters\":{"
                                                                                          "\"loadBalancer"
                                                                                          "Arn\":\"arn:"
                                                                                          "aws:"
                                                                                          "elasticloadbal"
                                                                                          "ancing:us-"
                                                                                          "east-1:"
                                                                                          "123456789012:"
                                                                                          "loadbalancer/"
                                                                                          "app/web/"
                                                                                          "50dc6c495c0c91"
                                                                                          "88\"}") "]}";
    vf_history *h = history("", (const char *const[]){doc, NULL});
    CHECK_STR(owner_at(h, "10.0.0.20", "2026-11-03T01:30:00Z"), "nat-gateway nat-1");
    CHECK_STR(owner_at(h, "3.3.3.3", "2026-11-03T01:30:00Z"), "nat-gateway nat-1");
    CHECK_STR(owner_at(h, "10.0.0.20", "2026-11-03T02:00:00Z"), "");
    CHECK_STR(owner_at(h, "10.0.0.30", "2026-11-03T02:30:00Z"), "elb app/web/50dc6c495c0c9188");
    CHECK_STR(owner_at(h, "10.0.0.30", "2026-11-03T03:00:00Z"), "");
    vf_history_free(h);
}

/* {"Records": [events...]} in a buffer of its own (n of them at once). */
static const char *records(char *buf, size_t cap, const char *const *events)
{
    size_t n = (size_t)snprintf(buf, cap, "{\"Records\":[");
    for (size_t i = 0; events[i] && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? "," : "", events[i]);
    if (n < cap)
        snprintf(buf + n, cap - n, "]}");
    return buf;
}

TEST(history_elastic_ips_by_id_across_files)
{
    /* the association names the allocation id only; the allocation is in another file, later */
    static const char *const ea[] = {
        EV("RunInstances", "2026-11-03T01:00:00Z",
           ",\"responseElements\":{\"instancesSet\":{\"items\":[{\"instanceId\":\"i-1\",\"networkInterfaceSet\":{"
           "\"items\":[{\"networkInterfaceId\":\"eni-p\",\"privateIpAddress\":\"10.0.0.5\"}]}}]}}"),
        EV("AssociateAddress", "2026-11-03T02:00:00Z",
           ",\"requestParameters\":{\"allocationId\":\"eipalloc-1\",\"instanceId\":\"i-1\"},"
           "\"responseElements\":{\"associationId\":\"eipassoc-1\"}"),
        EV("DisassociateAddress", "2026-11-03T03:00:00Z", ",\"requestParameters\":{\"associationId\":\"eipassoc-1\"}"),
        EV("AssociateAddress", "2026-11-03T04:00:00Z",
           ",\"requestParameters\":{\"publicIp\":\"3.3.3.4\",\"networkInterfaceId\":\"eni-p\"},"
           "\"responseElements\":{\"associationId\":\"eipassoc-2\"}"),
        EV("ReleaseAddress", "2026-11-03T05:00:00Z", ",\"requestParameters\":{\"allocationId\":\"eipalloc-2\"}"),
        EV("AssociateAddress", "2026-11-03T06:00:00Z",
           ",\"requestParameters\":{\"allocationId\":\"eipalloc-9\",\"networkInterfaceId\":\"eni-p\"}"),
        NULL,
    };
    static const char *const eb[] = {
        EV("AllocateAddress", "2026-11-03T09:00:00Z",
           ",\"responseElements\":{\"publicIp\":\"3.3.3.3\",\"allocationId\":\"eipalloc-1\"}"),
        EV("AllocateAddress", "2026-11-03T00:00:00Z",
           ",\"responseElements\":{\"publicIp\":\"3.3.3.4\",\"allocationId\":\"eipalloc-2\"}"),
        NULL,
    };
    char a[4096], b[4096];
    vf_history *h = history("", (const char *const[]){records(a, sizeof a, ea), records(b, sizeof b, eb), NULL});
    CHECK_STR(owner_at(h, "3.3.3.3", "2026-11-03T01:59:59Z"), "");
    CHECK_STR(owner_at(h, "3.3.3.3", "2026-11-03T02:30:00Z"), "ec2 i-1");
    CHECK_STR(owner_at(h, "3.3.3.3", "2026-11-03T03:00:00Z"), "");
    CHECK_STR(owner_at(h, "3.3.3.4", "2026-11-03T04:30:00Z"), "ec2 i-1");
    CHECK_STR(owner_at(h, "3.3.3.4", "2026-11-03T05:00:00Z"), "");
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T05:00:00Z"), "ec2 i-1"); /* the private address stays */
    CHECK(strstr(vf_history_notes(h), "1 Elastic IP event whose address or interface the history does not tell") !=
          NULL);
    vf_history_free(h);
}

TEST(history_network_load_balancer)
{
    static const char *const ev[] = {
        EV("CreateLoadBalancer", "2026-11-03T01:00:00Z",
           ",\"responseElements\":{\"loadBalancers\":[{\"loadBalancerArn\":\"arn:aws:elasticloadbalancing:us-east-1:"
           "123456789012:loadbalancer/net/edge/0123456789abcdef\",\"vpcId\":\"vpc-1\",\"availabilityZones\":[{"
           "\"zoneName\":\"us-east-1a\",\"subnetId\":\"subnet-1\",\"loadBalancerAddresses\":[{\"ipAddress\":"
           "\"3.3.3.5\",\"privateIPv4Address\":\"10.0.0.40\"}]}]}]}"),
        EV("DeleteLoadBalancer", "2026-11-03T02:00:00Z",
           ",\"requestParameters\":{\"loadBalancerArn\":\"arn:aws:elasticloadbalancing:us-east-1:123456789012:"
           "loadbalancer/net/edge/0123456789abcdef\"}"),
        NULL,
    };
    char doc[4096];
    vf_history *h = history("", (const char *const[]){records(doc, sizeof doc, ev), NULL});
    CHECK_STR(owner_at(h, "10.0.0.40", "2026-11-03T01:30:00Z"), "elb net/edge/0123456789abcdef");
    CHECK_STR(owner_at(h, "3.3.3.5", "2026-11-03T01:30:00Z"), "elb net/edge/0123456789abcdef");
    CHECK_STR(owner_at(h, "10.0.0.40", "2026-11-03T02:00:00Z"), "");
    vf_history_free(h);
}

TEST(history_lookup_events_and_config)
{
    const char *lookup = "{\"Events\":[{\"EventName\":\"CreateNetworkInterface\",\"CloudTrailEvent\":\"{"
                         "\\\"eventName\\\":\\\"CreateNetworkInterface\\\",\\\"eventTime\\\":\\\"2026-11-03T01:00:"
                         "00Z\\\",\\\"responseElements\\\":{\\\"networkInterface\\\":{\\\"networkInterfaceId\\\":"
                         "\\\"eni-1\\\",\\\"privateIpAddress\\\":\\\"10.0.0.5\\\"}}}\"}],\"NextToken\":\"x\"}";
    const char *config =
        "{\"configurationItems\":[{\"resourceType\":\"AWS::EC2::NetworkInterface\",\"resourceId\":\"eni-2\","
        "\"configurationItemCaptureTime\":\"2026-11-03T03:00:00.000Z\",\"configurationItemStatus\":\"OK\","
        "\"awsRegion\":\"us-east-1\",\"configuration\":\"{\\\"networkInterfaceId\\\":\\\"eni-2\\\","
        "\\\"privateIpAddresses\\\":[{\\\"privateIpAddress\\\":\\\"10.0.0.5\\\"}],\\\"attachment\\\":{"
        "\\\"instanceId\\\":\\\"i-2\\\"}}\"},{\"resourceType\":\"AWS::EC2::NetworkInterface\",\"resourceId\":"
        "\"eni-2\",\"configurationItemCaptureTime\":1793678400,\"configurationItemStatus\":\"ResourceDeleted\"},"
        "{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\"}]}";
    vf_history *h = history("us-east-1", (const char *const[]){lookup, config, NULL});
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T02:00:00Z"), "eni-1");
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T03:00:00Z"), "ec2 i-2");
    CHECK_STR(owner_at(h, "10.0.0.5", "2026-11-03T04:00:00Z"), ""); /* 1793678400 is 04:00 */
    vf_history_free(h);
}

static const char *load_error(const char *doc)
{
    static char msg[512];
    vf_history *h = vf_history_new();
    vpcflow_error err = {0};
    vpcflow_status st = vf_history_load_buf(h, "h.json", doc, strlen(doc), &err);
    vf_history_free(h);
    if (st == VPCFLOW_OK)
        return "(loaded)";
    vpcflow_error_format(&err, msg, sizeof msg);
    return msg;
}

TEST(history_errors_name_file_and_place)
{
    CHECK_STR(load_error("{\"Records\": [\n  {\"eventName\": }\n]}"),
              "h.json:2:17: JSON syntax error: unexpected token near '}'");
    CHECK_STR(load_error("{\"Records\":[{\"eventName\":\"DeleteNetworkInterface\",\"eventTime\":\"soon\"}]}"),
              "h.json:1: Records[0] (DeleteNetworkInterface): eventTime \"soon\" is not an ISO-8601 time");
    CHECK_STR(load_error("{\"Records\":[" CREATE("2026-11-03T01:00:00Z", "eni-1", "10.0.0.999", "") "]}"),
              "h.json:1: Records[0] (CreateNetworkInterface): address \"10.0.0.999\" is not an IP address");
    CHECK_STR(load_error("{\"Records\":[" EV("DeleteNetworkInterface", "2026-11-03T01:00:00Z", "") "]}"),
              "h.json:1: Records[0] (DeleteNetworkInterface): no requestParameters.networkInterfaceId");
    CHECK_STR(load_error("{\"Records\":[{\"eventTime\":\"2026-11-03T01:00:00Z\"}]}"),
              "h.json:1: Records[0]: no eventName: is this a CloudTrail record?");
    /* the line is where the bad event starts */
    CHECK_STR(load_error(
                  "{\"Records\": [\n " CREATE("2026-11-03T01:00:00Z", "eni-1", "10.0.0.5",
                                              "") ",\n {\"eventName\":"
                                                  " \"DeleteNetworkInterface\",\n  \"eventTime\": \"2026-11-03\"}\n]}"),
              "h.json:3: Records[1] (DeleteNetworkInterface): no requestParameters.networkInterfaceId");
    CHECK_STR(load_error("{\"NetworkInterfaces\":[]}"),
              "h.json: no Records, Events or configurationItems: not a CloudTrail log file, `aws cloudtrail "
              "lookup-events` output or AWS Config history");
    CHECK_STR(load_error("{\"configurationItems\":[{\"resourceType\":\"AWS::EC2::NetworkInterface\","
                         "\"configurationItemCaptureTime\":\"later\"}]}"),
              "h.json:1: configurationItems[0]: configurationItemCaptureTime \"later\" is not a time");
    CHECK_STR(load_error("{\"Events\":[{\"CloudTrailEvent\":\"{nope\"}]}"),
              "h.json:1: Events[0].CloudTrailEvent: JSON syntax error: string or '}' expected near 'nope'");
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
