/* vpc.h — the crafted VPC shared by the summary and top tests: two AZs, instances with and
 * without public addresses, RDS and its standby, a NAT gateway, an ALB, an unlogged subnet,
 * and records whose every answer is known by construction (see the comments on RECS). */
#ifndef TEST_VPC_H
#define TEST_VPC_H

#include "t.h"

#include "vpcflow.h"

#include <stdlib.h>

#define GIB (1ull << 30)

/* Two AZs: subnet-a 10.0.0.0/24 (use1-az1), subnet-b 10.0.1.0/24 (use1-az2). */
static const char *SUBNETS =
    "{\"Subnets\": ["
    "{\"SubnetId\": \"subnet-a\", \"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.0.0/24\", "
    "\"AvailabilityZone\": \"us-east-1a\", \"AvailabilityZoneId\": \"use1-az1\", \"OwnerId\": \"111111111111\"},"
    "{\"SubnetId\": \"subnet-b\", \"VpcId\": \"vpc-1\", \"CidrBlock\": \"10.0.1.0/24\", "
    "\"AvailabilityZone\": \"us-east-1b\", \"AvailabilityZoneId\": \"use1-az2\", \"OwnerId\": \"111111111111\"}]}";

#define ENI(id, desc, type, req, inst, subnet, az, ip, pub)                                                            \
    "{\"NetworkInterfaceId\": \"" id "\", \"Description\": \"" desc "\", \"InterfaceType\": \"" type "\", "            \
    "\"RequesterId\": \"" req "\", " inst "\"SubnetId\": \"" subnet "\", \"VpcId\": \"vpc-1\", "                       \
    "\"AvailabilityZone\": \"" az "\", \"PrivateIpAddress\": \"" ip "\", \"PrivateIpAddresses\": "                     \
    "[{\"Primary\": true, \"PrivateIpAddress\": \"" ip "\"" pub "}]}"
#define PUB(a) ", \"Association\": {\"PublicIp\": \"" a "\"}"
#define INST(i) "\"Attachment\": {\"InstanceId\": \"" i "\"}, "

static const char *ENIS = "{\"NetworkInterfaces\": [" //
    ENI("eni-aaaa", "Primary network interface", "interface", "", INST("i-a"), "subnet-a", "us-east-1a", "10.0.0.10",
        PUB("54.0.0.10")) "," //
    ENI("eni-bbbb", "Primary network interface", "interface", "", INST("i-b"), "subnet-b", "us-east-1b", "10.0.1.20",
        "") "," //
    ENI("eni-cccc", "RDSNetworkInterface", "interface", "amazon-rds", "", "subnet-b", "us-east-1b", "10.0.1.30",
        "") "," //
    ENI("eni-rrrr", "RDSNetworkInterface", "interface", "amazon-rds", "", "subnet-a", "us-east-1a", "10.0.0.31",
        "") "," //
    ENI("eni-nnnn", "Interface for NAT Gateway nat-1", "nat_gateway", "amazon-ec2", "", "subnet-a", "us-east-1a",
        "10.0.0.5", PUB("3.3.3.3")) "," //
    ENI("eni-llll", "ELB app/web/1", "interface", "amazon-elb", "", "subnet-b", "us-east-1b", "10.0.1.40",
        PUB("44.0.0.40")) "," //
    ENI("eni-dddd", "Primary network interface", "interface", "", INST("i-d"), "subnet-a", "us-east-1a", "10.0.0.50",
        "") "]}";

static const char *IPRANGES = "{\"syncToken\": \"1\", \"createDate\": \"2026-11-20-00-00-00\", \"prefixes\": ["
                              "{\"ip_prefix\": \"52.216.0.0/15\", \"region\": \"us-east-1\", \"service\": \"AMAZON\", "
                              "\"network_border_group\": \"us-east-1\"},"
                              "{\"ip_prefix\": \"52.216.0.0/15\", \"region\": \"us-east-1\", \"service\": \"S3\", "
                              "\"network_border_group\": \"us-east-1\"},"
                              "{\"ip_prefix\": \"3.5.0.0/19\", \"region\": \"us-west-2\", \"service\": \"S3\", "
                              "\"network_border_group\": \"us-west-2\"},"
                              "{\"ip_prefix\": \"13.32.0.0/15\", \"region\": \"GLOBAL\", \"service\": \"CLOUDFRONT\", "
                              "\"network_border_group\": \"GLOBAL\"}], \"ipv6_prefixes\": []}";

/* One line per record: "eni src dst bytes [ACTION]"; time is fixed (2026-11-01). */
typedef struct rec {
    const char *eni, *src, *dst;
    uint64_t bytes;
    const char *action;
} rec;

static const rec RECS[] = {
    /* 1. i-a -> i-b cross-AZ, logged at both ENIs: counted once, $0.02 */
    {"eni-aaaa", "10.0.0.10", "10.0.1.20", 1 * GIB, 0},
    {"eni-bbbb", "10.0.0.10", "10.0.1.20", 1 * GIB, 0},
    /* 2. i-b -> rds same AZ, both sides */
    {"eni-bbbb", "10.0.1.20", "10.0.1.30", 2 * GIB, 0},
    {"eni-cccc", "10.0.1.20", "10.0.1.30", 2 * GIB, 0},
    /* 3. i-a -> rds cross-AZ, both sides: $0.06 */
    {"eni-aaaa", "10.0.0.10", "10.0.1.30", 3 * GIB, 0},
    {"eni-cccc", "10.0.0.10", "10.0.1.30", 3 * GIB, 0},
    /* 4. rds -> rds standby cross-AZ: replication is free */
    {"eni-cccc", "10.0.1.30", "10.0.0.31", 4 * GIB, 0},
    {"eni-rrrr", "10.0.1.30", "10.0.0.31", 4 * GIB, 0},
    /* 5. ALB -> i-a cross-AZ: free */
    {"eni-llll", "10.0.1.40", "10.0.0.10", 5 * GIB, 0},
    {"eni-aaaa", "10.0.1.40", "10.0.0.10", 5 * GIB, 0},
    /* 6. i-a (public IP) -> internet directly: $0.90 */
    {"eni-aaaa", "10.0.0.10", "8.8.8.8", 10 * GIB, 0},
    /* 7. i-b (no public IP) -> internet through the NAT (in az1): the instance's record is a
     *    duplicate; inside leg cross-AZ $0.12, outside leg $0.54, NAT processing $0.27 */
    {"eni-bbbb", "10.0.1.20", "1.1.1.1", 6 * GIB, 0},
    {"eni-nnnn", "10.0.1.20", "10.0.0.5", 6 * GIB, 0},
    {"eni-nnnn", "10.0.0.5", "1.1.1.1", 6 * GIB, 0},
    /* 8. i-b -> S3 through the NAT: inside leg $0.02, NAT processing $0.045 */
    {"eni-bbbb", "10.0.1.20", "52.216.1.10", 1 * GIB, 0},
    {"eni-nnnn", "10.0.1.20", "10.0.0.5", 1 * GIB, 0},
    {"eni-nnnn", "10.0.0.5", "52.216.1.10", 1 * GIB, 0},
    /* 9. i-b -> S3 through a gateway endpoint: not at the NAT, kept */
    {"eni-bbbb", "10.0.1.20", "52.216.9.9", 2 * GIB, 0},
    /* 10. i-a -> S3 us-west-2: inter-region $0.02 */
    {"eni-aaaa", "10.0.0.10", "3.5.0.1", 1 * GIB, 0},
    /* 11. i-a -> CloudFront (GLOBAL): aws-same-region */
    {"eni-aaaa", "10.0.0.10", "13.32.0.1", 1 * GIB, 0},
    /* 12. internet -> i-a */
    {"eni-aaaa", "198.51.100.7", "10.0.0.10", 1 * GIB, 0},
    /* 13. i-d (its subnet is not logged) -> i-a, same AZ: only the receiver logged it */
    {"eni-aaaa", "10.0.0.50", "10.0.0.10", 1 * GIB, 0},
    /* 14. i-a -> on-premises over VPN */
    {"eni-aaaa", "10.0.0.10", "10.200.0.1", 1 * GIB, 0},
    /* 15. a rejected probe: still counted */
    {"eni-aaaa", "203.0.113.9", "10.0.0.10", 1000, "REJECT"},
};

static inline const char *write_logs(int slot, const char *name)
{
    static char buf[8192];
    size_t n = 0;
    n += (size_t)snprintf(buf + n, sizeof buf - n,
                          "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
                          "start end action log-status\n");
    for (size_t i = 0; i < sizeof RECS / sizeof RECS[0]; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              "2 111111111111 %s %s %s 40000 443 6 %zu %llu 1793491200 1793491260 %s OK\n", RECS[i].eni,
                              RECS[i].src, RECS[i].dst, i + 1, (unsigned long long)RECS[i].bytes,
                              RECS[i].action ? RECS[i].action : "ACCEPT");
    n += (size_t)snprintf(buf + n, sizeof buf - n,
                          "2 111111111111 eni-aaaa - - - - - - - 1793491200 1793491260 - NODATA\n"
                          "2 111111111111 eni-bbbb - - - - - - - 1793491200 1793491260 - SKIPDATA\n");
    return t_file(slot, name, buf, n);
}

typedef struct inputs {
    int subnets, enis, ipranges;
    const char *prices;
    int free_tier, action;
} inputs;

/* Analysis options over the fixture's topology files (the arrays live in static storage). */
static inline void vpc_options(vpcflow_analysis_options *o, inputs in)
{
    static const char *subnets, *enis, *ranges;
    subnets = t_file(2, "subnets.json", SUBNETS, strlen(SUBNETS));
    enis = t_file(3, "enis.json", ENIS, strlen(ENIS));
    ranges = t_file(4, "ip-ranges.json", IPRANGES, strlen(IPRANGES));
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->scan.size = sizeof o->scan;
    o->scan.threads = 2;
    o->subnets = &subnets;
    o->nsubnets = (size_t)in.subnets;
    o->enis = &enis;
    o->nenis = (size_t)in.enis;
    o->ip_ranges = &ranges;
    o->nip_ranges = (size_t)in.ipranges;
    o->prices = in.prices;
    o->free_tier = in.free_tier;
    o->action = in.action;
}

static inline vpcflow_summary *run(const char *logs, inputs in, vpcflow_status *st, vpcflow_error *err)
{
    vpcflow_analysis_options o;
    vpc_options(&o, in);
    vpcflow_summary *s = NULL;
    *st = vpcflow_summary_run(&logs, 1, &o, &s, err);
    return s;
}

#endif
