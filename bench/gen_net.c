/* gen_net.c — the network vpcflow-gen simulates: subnets, ENIs, external peers, and the AWS CLI
 * JSON (describe-subnets, describe-network-interfaces, ip-ranges.json) that describes it. */
#include "gen.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const gen_az_name[3] = {"us-east-1a", "us-east-1b", "us-east-1c"};
/* names and IDs differ on purpose: vpcflow must compare AZs by ID */
const char *const gen_az_id[3] = {"use1-az4", "use1-az6", "use1-az1"};

/* First octets of "internet" addresses: none is private, special, or inside a prefix that
 * ip-ranges.json lists (3/8, 13/8, 35/8, 44/8 and 52/8 hold those). 45, 91 and 185 are kept
 * for the planted scanners and the SSH client so that they stand apart. */
static const uint8_t internet_octets[] = {24, 31, 37, 46, 62, 66,  68,  71,  73,  76,  77,  81, 82,
                                          86, 89, 93, 94, 98, 109, 151, 176, 188, 201, 212, 217};

#define V4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

void gen_ep_v4(gen_ep *ep, uint32_t v4, int loc)
{
    memset(ep, 0, sizeof *ep);
    ep->addr = vpcflow_addr_from_v4(v4);
    ep->loc = (uint8_t)loc;
    ep->len = (uint8_t)gen_v4_text(v4, ep->txt);
}

void gen_ep_v6(gen_ep *ep, uint64_t hi, uint64_t lo, int loc)
{
    memset(ep, 0, sizeof *ep);
    ep->addr.hi = hi;
    ep->addr.lo = lo;
    ep->loc = (uint8_t)loc;
    ep->v6 = 1;
    ep->len = (uint8_t)vpcflow_addr_format(ep->addr, ep->txt, sizeof ep->txt);
}

static uint32_t octet(gen_rng *rng)
{
    return (uint32_t)gen_rng_range(rng, 1, 254);
}

void gen_net_internet4(gen_rng *rng, gen_ep *ep, const uint8_t *first_octets, size_t n)
{
    if (!first_octets) {
        first_octets = internet_octets;
        n = sizeof internet_octets;
    }
    uint32_t a = first_octets[gen_rng_below(rng, n)];
    gen_ep_v4(ep, V4(a, gen_rng_below(rng, 256), gen_rng_below(rng, 256), octet(rng)), LOC_INTERNET);
}

static void make_id(gen_rng *rng, char *out, size_t cap, const char *prefix)
{
    char hex[20];
    gen_rng_hex(rng, hex, 16);
    snprintf(out, cap, "%s-0%s", prefix, hex);
}

/* ---- subnets and ENIs -------------------------------------------------------------------- */

static void build_subnets(gen_net *net, gen_rng *rng)
{
    static const uint32_t third[GEN_NSUBNETS] = {0, 16, 32, 128, 144, 160, 240};
    static const int v6byte[GEN_NSUBNETS] = {0x00, 0x01, 0x02, 0x10, 0x11, 0x12, -1};
    for (int i = 0; i < GEN_NSUBNETS; i++) {
        gen_subnet *s = &net->subnets[i];
        make_id(rng, s->id, sizeof s->id, "subnet");
        s->az = i < 6 ? i % 3 : 1; /* the unlogged "legacy" subnet sits in us-east-1b */
        s->is_public = i < 3;
        s->logged = i < 6;
        s->net4 = V4(10, 0, third[i], 0);
        s->has_v6 = v6byte[i] >= 0;
        s->v6hi = s->has_v6 ? net->v6base | (uint64_t)v6byte[i] : 0;
    }
}

static uint32_t used_public[4096];
static size_t nused_public;

static uint32_t public_ip(gen_rng *rng)
{
    for (;;) { /* EC2 us-east-1 (44.192.0.0/11), as AWS hands them out */
        uint32_t ip = V4(44, 192 + gen_rng_below(rng, 32), gen_rng_below(rng, 256), octet(rng));
        int dup = 0;
        for (size_t i = 0; i < nused_public && !dup; i++)
            dup = used_public[i] == ip;
        if (!dup && nused_public < sizeof used_public / sizeof used_public[0]) {
            used_public[nused_public++] = ip;
            return ip;
        }
    }
}

static int add_eni(gen_net *net, gen_rng *rng, uint32_t *next_off, int kind, int subnet, int public_v4, int v6)
{
    gen_eni *e = &net->enis[net->neni];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->index = (int)net->neni;
    e->subnet = subnet;
    e->az = net->subnets[subnet].az;
    e->logged = net->subnets[subnet].logged;
    make_id(rng, e->id, sizeof e->id, "eni");
    if (kind == ENI_WEB || kind == ENI_APP || kind == ENI_LEGACY)
        make_id(rng, e->instance, sizeof e->instance, "i");
    else
        memcpy(e->instance, "-", 2);
    snprintf(e->mac, sizeof e->mac, "0e:%02x:%02x:%02x:%02x:%02x", (unsigned)gen_rng_below(rng, 256),
             (unsigned)gen_rng_below(rng, 256), (unsigned)gen_rng_below(rng, 256), (unsigned)gen_rng_below(rng, 256),
             (unsigned)gen_rng_below(rng, 256));
    next_off[subnet] += (uint32_t)gen_rng_range(rng, 1, 29);
    gen_ep_v4(&e->ep4, net->subnets[subnet].net4 + next_off[subnet], LOC_VPC);
    e->ep4.az = (uint8_t)e->az;
    e->ep4.eni = e;
    if (public_v4)
        e->public_ip = public_ip(rng);
    if (v6 && net->subnets[subnet].has_v6) {
        e->has_v6 = 1;
        gen_ep_v6(&e->ep6, net->subnets[subnet].v6hi, gen_rng_next(rng) | 1, LOC_VPC);
        e->ep6.az = (uint8_t)e->az;
        e->ep6.eni = e;
    }
    return (int)net->neni++;
}

static void fill_pool(gen_pool *p, size_t n)
{
    p->ep = gen_xcalloc(n, sizeof *p->ep);
    p->n = n;
}

static void aws_pool(gen_pool *p, gen_rng *rng, size_t n, uint32_t base, uint32_t span, int region, const char *svc)
{
    fill_pool(p, n);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = base + (uint32_t)gen_rng_below(rng, span);
        if ((v & 255) == 0 || (v & 255) == 255)
            v = (v & ~UINT32_C(255)) | octet(rng);
        gen_ep_v4(&p->ep[i], v, LOC_AWS);
        p->ep[i].region = (uint8_t)region;
        p->ep[i].svc = svc;
    }
}

static size_t clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
    return (size_t)(v < lo ? lo : v > hi ? hi : v);
}

static void build_pools(gen_net *net, gen_rng *rng, uint64_t expect)
{
    fill_pool(&net->clients4, clamp(300 + expect / 40, 300, 200000));
    for (size_t i = 0; i < net->clients4.n; i++)
        gen_net_internet4(rng, &net->clients4.ep[i], NULL, 0);
    fill_pool(&net->clients6, clamp(50 + expect / 400, 50, 20000));
    for (size_t i = 0; i < net->clients6.n; i++) { /* 2a00::/12: RIPE space, far from 2600:1f00:: */
        uint64_t hi = (UINT64_C(0x2a00) + gen_rng_below(rng, 16)) << 48 | (gen_rng_next(rng) >> 16);
        gen_ep_v6(&net->clients6.ep[i], hi, gen_rng_next(rng) | 1, LOC_INTERNET);
    }
    fill_pool(&net->api4, clamp(40 + expect / 2000, 40, 5000));
    for (size_t i = 0; i < net->api4.n; i++)
        gen_net_internet4(rng, &net->api4.ep[i], NULL, 0);
    fill_pool(&net->onprem, 40);
    for (size_t i = 0; i < net->onprem.n; i++)
        gen_ep_v4(&net->onprem.ep[i], V4(10, 200, gen_rng_below(rng, 256), octet(rng)), LOC_PRIVATE);
    /* S3 us-east-1 is 52.216.0.0/15: the NAT'd half and the gateway-endpoint half never meet,
     * so rule 4 of the model has one answer per address */
    aws_pool(&net->s3nat, rng, 24, V4(52, 216, 0, 0), 1u << 16, REG_HOME, "S3");
    aws_pool(&net->s3gw, rng, 24, V4(52, 217, 0, 0), 1u << 16, REG_HOME, "S3");
    aws_pool(&net->s3usw2, rng, 12, V4(52, 218, 128, 0), 1u << 15, REG_USW2, "S3");
    aws_pool(&net->ec2usw2, rng, 12, V4(35, 160, 0, 0), 1u << 19, REG_USW2, "EC2");
    aws_pool(&net->use2, rng, 12, V4(3, 128, 0, 0), 1u << 20, REG_USE2, "EC2");
    aws_pool(&net->ddb, rng, 8, V4(3, 218, 180, 0), 1u << 10, REG_HOME, "DYNAMODB");
    aws_pool(&net->cf, rng, 16, V4(13, 32, 0, 0), 1u << 17, REG_GLOBAL, "CLOUDFRONT");
}

void gen_net_build(gen_net *net, gen_rng *rng, uint64_t expect)
{
    memset(net, 0, sizeof *net);
    nused_public = 0;
    make_id(rng, net->vpc_id, sizeof net->vpc_id, "vpc");
    make_id(rng, net->nat_id, sizeof net->nat_id, "nat");
    make_id(rng, net->vpce_id, sizeof net->vpce_id, "vpce");
    make_id(rng, net->fl_id, sizeof net->fl_id, "fl");
    gen_rng_hex(rng, net->alb_hex, 16);
    char uuid[16];
    gen_rng_hex(rng, uuid, 12);
    snprintf(net->lambda_fn, sizeof net->lambda_fn, "thumbnailer-%s", uuid);
    /* 2600:1f18:XXXX:YY00::/56, inside us-east-1's 2600:1f18::/33 as AWS assigns them */
    net->v6base = UINT64_C(0x26001f1800000000) | (gen_rng_below(rng, 0x8000) << 16) | (gen_rng_below(rng, 256) << 8);
    build_subnets(net, rng);

    unsigned k = 0; /* instances grow with the log of the data size */
    while (k < 12 && (UINT64_C(25000) << (k + 1)) <= expect)
        k++;
    size_t web_per_az = 2 + k, app_per_az = 3 + 2 * k;
    size_t cap = 3 * (web_per_az + app_per_az) + 16;
    net->enis = gen_xcalloc(cap, sizeof *net->enis);
    net->web = gen_xcalloc(3 * web_per_az, sizeof *net->web);
    net->app = gen_xcalloc(3 * app_per_az, sizeof *net->app);
    uint32_t next_off[GEN_NSUBNETS];
    for (int i = 0; i < GEN_NSUBNETS; i++)
        next_off[i] = 3 + (uint32_t)gen_rng_below(rng, 20);

    net->nat = add_eni(net, rng, next_off, ENI_NAT, 0, 1, 0);
    for (int az = 0; az < 3; az++)
        net->alb[az] = add_eni(net, rng, next_off, ENI_ALB, az, 1, 0);
    for (size_t i = 0; i < 3 * web_per_az; i++)
        net->web[net->nweb++] = add_eni(net, rng, next_off, ENI_WEB, (int)(i % 3), 1, 1);
    for (size_t i = 0; i < 3 * app_per_az; i++)
        net->app[net->napp++] = add_eni(net, rng, next_off, ENI_APP, 3 + (int)(i % 3), 0, 0);
    net->rds_primary = add_eni(net, rng, next_off, ENI_RDS, 4, 0, 0);
    net->rds_standby = add_eni(net, rng, next_off, ENI_RDS, 5, 0, 0);
    net->vpce = add_eni(net, rng, next_off, ENI_VPCE, 3, 0, 0);
    net->lambda = add_eni(net, rng, next_off, ENI_LAMBDA, 5, 0, 0);
    net->legacy = add_eni(net, rng, next_off, ENI_LEGACY, 6, 0, 0);
    build_pools(net, rng, expect);
}

void gen_net_free(gen_net *net)
{
    gen_pool *pools[] = {&net->clients4, &net->clients6, &net->api4, &net->onprem, &net->s3nat, &net->s3gw,
                         &net->s3usw2,   &net->ec2usw2,  &net->use2, &net->ddb,    &net->cf};
    for (size_t i = 0; i < sizeof pools / sizeof pools[0]; i++)
        free(pools[i]->ep);
    free(net->enis);
    free(net->web);
    free(net->app);
    memset(net, 0, sizeof *net);
}

/* ---- AWS CLI JSON -------------------------------------------------------------------------- */

static json_t *jstr(const char *s)
{
    json_t *v = json_string(s);
    if (!v)
        gen_die("out of memory");
    return v;
}

static void put(json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        gen_die("out of memory");
}

static json_t *jobj(void)
{
    json_t *o = json_object();
    if (!o)
        gen_die("out of memory");
    return o;
}

static json_t *jarr(void)
{
    json_t *a = json_array();
    if (!a)
        gen_die("out of memory");
    return a;
}

static void append(json_t *arr, json_t *v)
{
    if (!v || json_array_append_new(arr, v) != 0)
        gen_die("out of memory");
}

static int dump(json_t *root, const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = json_dumps(root, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        gen_die("out of memory");
    FILE *f = fopen(path, "w");
    int rc = -1;
    if (f) {
        rc = fputs(text, f) < 0 || fputc('\n', f) == EOF ? -1 : 0;
        if (fclose(f) != 0)
            rc = -1;
    }
    free(text);
    if (rc)
        fprintf(stderr, "vpcflow-gen: cannot write %s\n", path);
    return rc;
}

static const char *subnet_name(int i)
{
    static const char *const names[GEN_NSUBNETS] = {"public-a",  "public-b",  "public-c", "private-a",
                                                    "private-b", "private-c", "legacy-b"};
    return names[i];
}

static json_t *subnet_json(const gen_net *net, int i)
{
    const gen_subnet *s = &net->subnets[i];
    json_t *o = jobj();
    char buf[256], ip[20];
    put(o, "AvailabilityZone", jstr(gen_az_name[s->az]));
    put(o, "AvailabilityZoneId", jstr(gen_az_id[s->az]));
    put(o, "AvailableIpAddressCount", json_integer(4000 + i));
    ip[gen_v4_text(s->net4, ip)] = 0;
    snprintf(buf, sizeof buf, "%s/20", ip);
    put(o, "CidrBlock", jstr(buf));
    put(o, "DefaultForAz", json_false());
    put(o, "MapPublicIpOnLaunch", json_boolean(s->is_public));
    put(o, "State", jstr("available"));
    put(o, "SubnetId", jstr(s->id));
    put(o, "VpcId", jstr(net->vpc_id));
    put(o, "OwnerId", jstr(GEN_ACCOUNT));
    put(o, "AssignIpv6AddressOnCreation", json_boolean(s->has_v6));
    json_t *v6 = jarr();
    if (s->has_v6) {
        json_t *a = jobj();
        snprintf(buf, sizeof buf, "subnet-cidr-assoc-0%.16s", s->id + 8);
        put(a, "AssociationId", jstr(buf));
        vpcflow_addr net6 = {s->v6hi, 0};
        char t[64];
        t[vpcflow_addr_format(net6, t, sizeof t)] = 0;
        snprintf(buf, sizeof buf, "%s/64", t);
        put(a, "Ipv6CidrBlock", jstr(buf));
        json_t *st = jobj();
        put(st, "State", jstr("associated"));
        put(a, "Ipv6CidrBlockState", st);
        append(v6, a);
    }
    put(o, "Ipv6CidrBlockAssociationSet", v6);
    json_t *tags = jarr(), *tag = jobj();
    put(tag, "Key", jstr("Name"));
    put(tag, "Value", jstr(subnet_name(i)));
    append(tags, tag);
    put(o, "Tags", tags);
    snprintf(buf, sizeof buf, "arn:aws:ec2:" GEN_REGION ":" GEN_ACCOUNT ":subnet/%s", s->id);
    put(o, "SubnetArn", jstr(buf));
    return o;
}

static void eni_describe(const gen_net *net, const gen_eni *e, char *desc, size_t cap, const char **type,
                         const char **requester)
{
    *type = "interface";
    *requester = NULL;
    switch (e->kind) {
    case ENI_NAT:
        snprintf(desc, cap, "Interface for NAT Gateway %s", net->nat_id);
        *type = "nat_gateway";
        *requester = "amazon-ec2";
        break;
    case ENI_ALB:
        snprintf(desc, cap, "ELB app/web/%s", net->alb_hex);
        *requester = "amazon-elb";
        break;
    case ENI_RDS:
        snprintf(desc, cap, "RDSNetworkInterface");
        *requester = "amazon-rds";
        break;
    case ENI_VPCE:
        snprintf(desc, cap, "VPC Endpoint Interface %s", net->vpce_id);
        *type = "vpc_endpoint";
        *requester = "727180483921";
        break;
    case ENI_LAMBDA:
        snprintf(desc, cap, "AWS Lambda VPC ENI-%s-%.8s-%.4s", net->lambda_fn, e->id + 5, e->id + 13);
        *type = "lambda";
        *requester = "AROA3XFRBF535PLBIFPI4:thumbnailer";
        break;
    default:
        snprintf(desc, cap, "Primary network interface");
    }
}

static json_t *association(uint32_t public_ip)
{
    json_t *a = jobj();
    char ip[20], dns[96];
    ip[gen_v4_text(public_ip, ip)] = 0;
    put(a, "IpOwnerId", jstr("amazon"));
    snprintf(dns, sizeof dns, "ec2-%u-%u-%u-%u.compute-1.amazonaws.com", public_ip >> 24, (public_ip >> 16) & 255,
             (public_ip >> 8) & 255, public_ip & 255);
    put(a, "PublicDnsName", jstr(dns));
    put(a, "PublicIp", jstr(ip));
    return a;
}

static const char *group_of(int kind)
{
    static const char *const groups[] = {"sg-0a11c0ffee0000001", "sg-0a11c0ffee0000002", "sg-0a11c0ffee0000003",
                                         "sg-0a11c0ffee0000004", "sg-0a11c0ffee0000005", "sg-0a11c0ffee0000006",
                                         "sg-0a11c0ffee0000007", "sg-0a11c0ffee0000008"};
    return groups[kind];
}

static json_t *eni_json(const gen_net *net, const gen_eni *e)
{
    json_t *o = jobj();
    char desc[160], buf[160];
    const char *type, *requester;
    eni_describe(net, e, desc, sizeof desc, &type, &requester);
    if (e->public_ip)
        put(o, "Association", association(e->public_ip));
    if (e->kind == ENI_WEB || e->kind == ENI_APP || e->kind == ENI_LEGACY) {
        json_t *att = jobj();
        snprintf(buf, sizeof buf, "eni-attach-0%.16s", e->id + 5);
        put(att, "AttachmentId", jstr(buf));
        put(att, "DeleteOnTermination", json_true());
        put(att, "DeviceIndex", json_integer(0));
        put(att, "InstanceId", jstr(e->instance));
        put(att, "InstanceOwnerId", jstr(GEN_ACCOUNT));
        put(att, "Status", jstr("attached"));
        put(o, "Attachment", att);
    }
    put(o, "AvailabilityZone", jstr(gen_az_name[e->az]));
    put(o, "Description", jstr(desc));
    json_t *groups = jarr(), *g = jobj();
    put(g, "GroupName", jstr(e->kind == ENI_WEB ? "web" : e->kind == ENI_APP ? "app" : "managed"));
    put(g, "GroupId", jstr(group_of(e->kind)));
    append(groups, g);
    put(o, "Groups", groups);
    put(o, "InterfaceType", jstr(type));
    json_t *v6 = jarr();
    if (e->has_v6) {
        json_t *a = jobj();
        put(a, "Ipv6Address", jstr(e->ep6.txt));
        put(a, "IsPrimaryIpv6", json_false());
        append(v6, a);
    }
    put(o, "Ipv6Addresses", v6);
    put(o, "MacAddress", jstr(e->mac));
    put(o, "NetworkInterfaceId", jstr(e->id));
    put(o, "OwnerId", jstr(GEN_ACCOUNT));
    uint32_t v4 = vpcflow_addr_v4(e->ep4.addr);
    snprintf(buf, sizeof buf, "ip-%u-%u-%u-%u.ec2.internal", v4 >> 24, (v4 >> 16) & 255, (v4 >> 8) & 255, v4 & 255);
    put(o, "PrivateDnsName", jstr(buf));
    put(o, "PrivateIpAddress", jstr(e->ep4.txt));
    json_t *pips = jarr(), *pip = jobj();
    if (e->public_ip)
        put(pip, "Association", association(e->public_ip));
    put(pip, "Primary", json_true());
    put(pip, "PrivateDnsName", jstr(buf));
    put(pip, "PrivateIpAddress", jstr(e->ep4.txt));
    append(pips, pip);
    put(o, "PrivateIpAddresses", pips);
    if (requester)
        put(o, "RequesterId", jstr(requester));
    put(o, "RequesterManaged", json_boolean(requester != NULL));
    put(o, "SourceDestCheck", json_boolean(e->kind != ENI_NAT));
    put(o, "Status", jstr("in-use"));
    put(o, "SubnetId", jstr(net->subnets[e->subnet].id));
    put(o, "TagSet", jarr());
    put(o, "VpcId", jstr(net->vpc_id));
    return o;
}

static void range_pair(json_t *arr, const char *key, const char *prefix, const char *region, const char *svc)
{
    /* AMAZON is the superset: every specific prefix is listed under it as well */
    const char *services[2] = {"AMAZON", svc};
    for (int i = 0; i < (svc ? 2 : 1); i++) {
        json_t *o = jobj();
        put(o, key, jstr(prefix));
        put(o, "region", jstr(region));
        put(o, "service", jstr(services[i]));
        put(o, "network_border_group", jstr(region));
        append(arr, o);
    }
}

static json_t *ipranges_json(void)
{
    json_t *root = jobj(), *p4 = jarr(), *p6 = jarr();
    put(root, "syncToken", jstr("1793400000"));
    put(root, "createDate", jstr("2026-10-30-22-40-00"));
    range_pair(p4, "ip_prefix", "52.216.0.0/15", "us-east-1", "S3");
    range_pair(p4, "ip_prefix", "3.218.180.0/22", "us-east-1", "DYNAMODB");
    range_pair(p4, "ip_prefix", "44.192.0.0/11", "us-east-1", "EC2");
    range_pair(p4, "ip_prefix", "52.218.128.0/17", "us-west-2", "S3");
    range_pair(p4, "ip_prefix", "35.160.0.0/13", "us-west-2", "EC2");
    range_pair(p4, "ip_prefix", "3.128.0.0/12", "us-east-2", "EC2");
    range_pair(p4, "ip_prefix", "13.32.0.0/15", "GLOBAL", "CLOUDFRONT");
    range_pair(p6, "ipv6_prefix", "2600:1f18::/33", "us-east-1", "EC2");
    range_pair(p6, "ipv6_prefix", "2600:1f14::/35", "us-west-2", NULL);
    put(root, "prefixes", p4);
    put(root, "ipv6_prefixes", p6);
    return root;
}

int gen_net_write_topology(const gen_net *net, const char *outdir)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/topology", outdir);
    if (gen_mkdirs(dir) != 0) {
        fprintf(stderr, "vpcflow-gen: cannot create %s\n", dir);
        return -1;
    }
    json_t *subs = jobj(), *arr = jarr();
    for (int i = 0; i < GEN_NSUBNETS; i++)
        append(arr, subnet_json(net, i));
    put(subs, "Subnets", arr);
    json_t *enis = jobj();
    arr = jarr();
    for (size_t i = 0; i < net->neni; i++)
        if (!net->has_reuse || (int)i != net->rds_standby) /* the snapshot: the end of the period */
            append(arr, eni_json(net, &net->enis[i]));
    put(enis, "NetworkInterfaces", arr);
    int rc = dump(subs, dir, "describe-subnets.json");
    rc |= dump(enis, dir, "describe-network-interfaces.json");
    rc |= dump(ipranges_json(), dir, "ip-ranges.json");
    return rc ? -1 : 0;
}

/* ---- a planted address reuse (--plant-reuse) ----------------------------------------------- */

void gen_net_plant_reuse(gen_net *net, gen_rng *rng, int64_t at)
{
    uint32_t next_off[GEN_NSUBNETS] = {0};
    const gen_eni *standby = &net->enis[net->rds_standby];
    net->reuse = add_eni(net, rng, next_off, ENI_APP, standby->subnet, 0, 0);
    gen_eni *e = &net->enis[net->reuse];
    e->ep4 = standby->ep4; /* the same address, now this instance's */
    e->ep4.eni = e;
    net->has_reuse = 1;
    net->reuse_at = at;
}

static json_t *trail_event(const char *name, int64_t t, json_t *req, json_t *resp)
{
    char when[32];
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *o = jobj();
    put(o, "eventVersion", jstr("1.08"));
    put(o, "eventTime", jstr(when));
    put(o, "eventSource", jstr("ec2.amazonaws.com"));
    put(o, "eventName", jstr(name));
    put(o, "awsRegion", jstr(GEN_REGION));
    put(o, "requestParameters", req ? req : json_null());
    put(o, "responseElements", resp ? resp : json_null());
    put(o, "eventType", jstr("AwsApiCall"));
    put(o, "recipientAccountId", jstr(GEN_ACCOUNT));
    return o;
}

static json_t *trail_eni(const gen_net *net, const gen_eni *e)
{
    char desc[160];
    const char *type, *requester;
    eni_describe(net, e, desc, sizeof desc, &type, &requester);
    json_t *o = jobj(), *set = jobj(), *items = jarr(), *one = jobj();
    put(o, "networkInterfaceId", jstr(e->id));
    put(o, "subnetId", jstr(net->subnets[e->subnet].id));
    put(o, "vpcId", jstr(net->vpc_id));
    put(o, "availabilityZone", jstr(gen_az_name[e->az]));
    put(o, "description", jstr(desc));
    put(o, "interfaceType", jstr(type));
    if (requester)
        put(o, "requesterId", jstr(requester));
    put(o, "requesterManaged", requester ? json_true() : json_false());
    put(o, "privateIpAddress", jstr(e->ep4.txt));
    put(one, "privateIpAddress", jstr(e->ep4.txt));
    put(one, "primary", json_true());
    append(items, one);
    put(set, "item", items);
    put(o, "privateIpAddressesSet", set);
    return o;
}

int gen_net_write_history(const gen_net *net, const char *outdir)
{
    if (!net->has_reuse)
        return 0;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/history/AWSLogs/" GEN_ACCOUNT "/CloudTrail/" GEN_REGION "/2026/11/01", outdir);
    if (gen_mkdirs(dir) != 0) {
        fprintf(stderr, "vpcflow-gen: cannot create %s\n", dir);
        return -1;
    }
    const gen_eni *standby = &net->enis[net->rds_standby], *reuse = &net->enis[net->reuse];
    json_t *records = jarr();
    /* the standby's ENI, made by RDS the day before */
    json_t *resp = jobj();
    put(resp, "networkInterface", trail_eni(net, standby));
    append(records, trail_event("CreateNetworkInterface", GEN_T0 - 86400, NULL, resp));
    /* at reuse_at RDS deletes it, and an instance launched in the same subnet gets its address */
    json_t *req = jobj();
    put(req, "networkInterfaceId", jstr(standby->id));
    append(records, trail_event("DeleteNetworkInterface", net->reuse_at, req, NULL));
    json_t *ni = trail_eni(net, reuse), *att = jobj(), *nis = jobj(), *nitems = jarr();
    char buf[64];
    snprintf(buf, sizeof buf, "eni-attach-0%.16s", reuse->id + 5);
    put(att, "attachmentId", jstr(buf));
    put(att, "deleteOnTermination", json_true());
    put(ni, "attachment", att);
    append(nitems, ni);
    put(nis, "items", nitems);
    json_t *inst = jobj(), *place = jobj(), *iset = jobj(), *iitems = jarr();
    put(inst, "instanceId", jstr(reuse->instance));
    put(place, "availabilityZone", jstr(gen_az_name[reuse->az]));
    put(inst, "placement", place);
    put(inst, "subnetId", jstr(net->subnets[reuse->subnet].id));
    put(inst, "vpcId", jstr(net->vpc_id));
    put(inst, "privateIpAddress", jstr(reuse->ep4.txt));
    put(inst, "networkInterfaceSet", nis);
    append(iitems, inst);
    put(iset, "items", iitems);
    resp = jobj();
    put(resp, "instancesSet", iset);
    append(records, trail_event("RunInstances", net->reuse_at, NULL, resp));
    json_t *doc = jobj();
    put(doc, "Records", records);
    return dump(doc, dir, GEN_ACCOUNT "_CloudTrail_" GEN_REGION "_20261101T0000Z_reuse.json");
}
