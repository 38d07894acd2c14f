/* topofile.c — topology JSON: aws ec2 describe-subnets/-network-interfaces and vpcflow's own file. */
#include "model/topology.h"
#include "base/jsonin.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef vpcflow_status (*element_fn)(vf_topology *t, const char *file, size_t i, const json_t *el, vpcflow_error *err);

/* Puts a file name and element in front of an error from a building block. */
static vpcflow_status with_where(vpcflow_error *err, vpcflow_status st, const char *file, const char *where)
{
    if (!err)
        return st;
    char why[sizeof err->message];
    memcpy(why, err->message, sizeof why);
    return vf_error(err, st, file, 0, 0, "%s: %s", where, why);
}

/* ---- what kind of document ------------------------------------------------------------------- */

/* What a JSON document looks like, for messages about a file given to the wrong option. */
static const char *doc_kind(const json_t *doc)
{
    if (json_is_array(doc))
        return "a JSON array at the top: run the aws command without --query, which keeps the outer object";
    if (!json_is_object(doc))
        return NULL;
    if (json_is_array(json_object_get(doc, "Subnets")))
        return "it looks like the output of aws ec2 describe-subnets, which goes to --subnets";
    if (json_is_array(json_object_get(doc, "NetworkInterfaces")))
        return "it looks like the output of aws ec2 describe-network-interfaces, which goes to --enis";
    if (json_is_array(json_object_get(doc, "prefixes")) || json_is_array(json_object_get(doc, "ipv6_prefixes")))
        return "it looks like AWS's ip-ranges.json, which goes to --ip-ranges";
    if (json_is_array(json_object_get(doc, "subnets")) || json_is_array(json_object_get(doc, "interfaces")))
        return "it looks like a vpcflow topology file, which goes to --topology";
    if (json_is_object(json_object_get(doc, "rates")) || json_is_array(json_object_get(doc, "internet-out-tiers")))
        return "it looks like a vpcflow price file, which goes to --prices";
    return NULL;
}

vpcflow_status vf_topology_wrong_kind(const char *name, const json_t *doc, const char *missing, const char *expected,
                                      vpcflow_error *err)
{
    const char *kind = doc_kind(doc);
    return vf_error(err, VPCFLOW_ERR_INPUT, name, 0, 0, "no %s: is this %s?%s%s%s", missing, expected, kind ? " (" : "",
                    kind ? kind : "", kind ? ")" : "");
}

/* ---- describe-subnets ------------------------------------------------------------------------ */

static int has_addr(const vpcflow_addr *a, size_t n, vpcflow_addr x)
{
    for (size_t i = 0; i < n; i++)
        if (vpcflow_addr_eq(a[i], x))
            return 1;
    return 0;
}

static vpcflow_status bad_value(const char *file, const char *where, const char *key, const char *text,
                                const char *what, vpcflow_error *err)
{
    char q[96];
    vf_quote(text, strlen(text), q, sizeof q);
    return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s.%s: %s is not %s", where, key, q, what);
}

static vpcflow_status expect_object(const json_t *el, const char *file, const char *where, vpcflow_error *err)
{
    if (json_is_object(el))
        return VPCFLOW_OK;
    return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: expected an object, found %s", where,
                    vf_json_type_name(el));
}

/* Reads the string members of the object el named by a table into their buffers ("" when absent). */
typedef struct str_member {
    const char *key;
    char *dst;
    size_t size;
} str_member;

static vpcflow_status read_strings(const json_t *el, const char *file, const char *where, const str_member *m, size_t n,
                                   vpcflow_error *err)
{
    vpcflow_status st = expect_object(el, file, where, err);
    for (size_t i = 0; i < n && !st; i++)
        st = vf_json_string(el, m[i].key, file, where, m[i].dst, m[i].size, err);
    return st;
}

/* Element i of the array where.key, which must be an object; its name "where.key[i]" goes to w.
 * NULL with *st set when it is not an object. */
static const json_t *object_element(const json_t *arr, size_t i, const char *key, const char *file, const char *where,
                                    char *w, size_t wsize, vpcflow_status *st, vpcflow_error *err)
{
    const json_t *el = json_array_get(arr, i);
    snprintf(w, wsize, "%s.%s[%zu]", where, key, i);
    *st = expect_object(el, file, w, err);
    return *st ? NULL : el;
}

/* The subnet's IPv6 block: the first association that is not being removed. */
static vpcflow_status aws_subnet_v6(const json_t *el, const char *file, const char *where, vf_subnet *s,
                                    vpcflow_error *err)
{
    const json_t *set = json_object_get(el, "Ipv6CidrBlockAssociationSet");
    if (!set || json_is_null(set))
        return VPCFLOW_OK;
    if (!json_is_array(set))
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0,
                        "%s.Ipv6CidrBlockAssociationSet: expected an array, found %s", where, vf_json_type_name(set));
    for (size_t i = 0; i < json_array_size(set) && !s->has_v6; i++) {
        char w[128], cidr[64];
        vpcflow_status st;
        const json_t *as = object_element(set, i, "Ipv6CidrBlockAssociationSet", file, where, w, sizeof w, &st, err);
        if (!as || (st = vf_json_string(as, "Ipv6CidrBlock", file, w, cidr, sizeof cidr, err)))
            return st;
        const char *state = json_string_value(json_object_get(json_object_get(as, "Ipv6CidrBlockState"), "State"));
        if (!cidr[0] || (state && strncmp(state, "disassociat", 11) == 0))
            continue;
        if (vpcflow_cidr_parse(cidr, strlen(cidr), &s->net6, &s->plen6) < 0 || vpcflow_addr_is_v4(s->net6))
            return bad_value(file, w, "Ipv6CidrBlock", cidr, "an IPv6 CIDR block", err);
        s->has_v6 = 1;
    }
    return VPCFLOW_OK;
}

static vpcflow_status aws_subnet(vf_topology *t, const char *file, size_t i, const json_t *el, vpcflow_error *err)
{
    char where[48], cidr[64];
    snprintf(where, sizeof where, "Subnets[%zu]", i);
    vpcflow_status st;
    vf_subnet s = {0};
    const str_member m[] = {
        {"SubnetId", s.id, sizeof s.id},         {"VpcId", s.vpc_id, sizeof s.vpc_id},
        {"AvailabilityZone", s.az, sizeof s.az}, {"AvailabilityZoneId", s.az_id, sizeof s.az_id},
        {"CidrBlock", cidr, sizeof cidr},
    };
    if ((st = read_strings(el, file, where, m, VF_ARRAY_LEN(m), err)))
        return st;
    if (!s.id[0])
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: no SubnetId", where);
    if (cidr[0]) {
        if (vpcflow_cidr_parse(cidr, strlen(cidr), &s.net4, &s.plen4) < 0)
            return bad_value(file, where, "CidrBlock", cidr, "a CIDR block", err);
        if (!vpcflow_addr_is_v4(s.net4) || s.plen4 < 96)
            return bad_value(file, where, "CidrBlock", cidr, "an IPv4 CIDR block", err);
        s.has_v4 = 1;
    }
    if ((st = aws_subnet_v6(el, file, where, &s, err)))
        return st;
    if (!s.has_v4 && !s.has_v6)
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: no CidrBlock and no Ipv6CidrBlock", where);
    if ((st = vf_topology_add_subnet(t, &s, err)))
        return with_where(err, st, file, where);
    return VPCFLOW_OK;
}

/* An AWS CLI document being streamed: the elements of its array go to fn. */
typedef struct aws_list {
    vf_topology *t;
    const char *file;
    element_fn fn;
} aws_list;

static vpcflow_status aws_element(void *ctx, const char *key, size_t i, const json_t *el, vpcflow_error *err)
{
    const aws_list *a = ctx;
    return a->fn(a->t, a->file, i, el, err);
}

/* Reads a buffer (data) or, when data is NULL, streams the file `name`. */
static vpcflow_status stream_json(const vf_jin_stream *s, const char *data, size_t len, json_t **skeleton,
                                  vpcflow_error *err)
{
    return data ? vf_jin_stream_buf(s, data, len, skeleton, err) : vf_jin_stream_file(s, skeleton, err);
}

/* Loads one AWS CLI document, an object holding an array under `list`, element by element; all
 * or nothing. */
static vpcflow_status load_aws_list(vf_topology *t, const char *name, const char *data, size_t len, const char *list,
                                    const char *command, element_fn fn, vpcflow_error *err)
{
    const char *keys[] = {list, NULL};
    aws_list a = {t, name, fn};
    vf_jin_stream s = {name, "an AWS CLI JSON file", keys, aws_element, &a, 0};
    size_t nsubnets = vf_topology_subnet_count(t), nenis = vf_topology_eni_count(t);
    json_t *doc;
    vpcflow_status st = stream_json(&s, data, len, &doc, err);
    if (!st && !json_is_array(json_object_get(doc, list))) {
        char missing[64], expected[96];
        snprintf(missing, sizeof missing, "%s array", list);
        snprintf(expected, sizeof expected, "the output of %s", command);
        st = vf_topology_wrong_kind(name, doc, missing, expected, err);
    }
    if (st)
        vf_topology_truncate(t, nsubnets, nenis);
    json_decref(doc);
    return st;
}

vpcflow_status vf_topology_load_subnets_buf(vf_topology *t, const char *name, const char *data, size_t len,
                                            vpcflow_error *err)
{
    return load_aws_list(t, name, data ? data : "", len, "Subnets", "aws ec2 describe-subnets", aws_subnet, err);
}

/* ---- describe-network-interfaces ----------------------------------------------------------- */

typedef struct eni_text {
    char type[64], desc[256], requester[64], instance[48];
} eni_text;

typedef struct addr_list {
    vpcflow_addr v4[VF_ENI_MAX_ADDRS], v6[VF_ENI_MAX_ADDRS], pub[VF_ENI_MAX_ADDRS];
    size_t n4, n6, npub;
} addr_list;

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The first word of s that starts with `head` ("nat-", "vpce-"); *len = 0 when none. */
static const char *word_with(const char *s, const char *head, size_t *len)
{
    size_t hl = strlen(head);
    for (const char *p = s; *p; p++) {
        if ((p == s || p[-1] == ' ' || p[-1] == '(') && strncmp(p, head, hl) == 0) {
            size_t n = 0;
            while (p[n] && p[n] != ' ' && p[n] != ')' && p[n] != ',')
                n++;
            *len = n;
            return p;
        }
    }
    *len = 0;
    return "";
}

/* The first word after a prefix ("ELB app/" + "web/50dc..."). */
static const char *word_after(const char *s, const char *prefix, size_t *len)
{
    if (!starts(s, prefix)) {
        *len = 0;
        return "";
    }
    s += strlen(prefix);
    size_t n = 0;
    while (s[n] && s[n] != ' ')
        n++;
    *len = n;
    return s;
}

/* What owns an ENI, from InterfaceType, Description, RequesterId and the attachment, in the
 * order that lets the most specific evidence win (docs/topology.md lists the rules). */
static const char *eni_style(const eni_text *x, const char **name, size_t *len)
{
    const char *type = x->type, *desc = x->desc;
    const char *style;
    *len = 0;
    *name = "";
    if (!strcmp(type, "nat_gateway") || starts(desc, "Interface for NAT Gateway ")) {
        *name = word_with(desc, "nat-", len);
        style = "nat-gateway";
    } else if (!strcmp(type, "gateway_load_balancer_endpoint")) {
        *name = word_with(desc, "vpce-", len);
        style = "gwlb-endpoint";
    } else if (!strcmp(type, "gateway_load_balancer") || starts(desc, "ELB gwy/")) {
        *name = word_after(desc, "ELB gwy/", len);
        style = "gateway-load-balancer";
    } else if (!strcmp(type, "network_load_balancer") || starts(desc, "ELB net/")) {
        *name = word_after(desc, "ELB net/", len);
        style = "elb-network";
    } else if (starts(desc, "ELB app/")) {
        *name = word_after(desc, "ELB app/", len);
        style = "elb-app";
    } else if (starts(desc, "ELB ")) {
        *name = word_after(desc, "ELB ", len);
        style = "elb-classic";
    } else if (!strcmp(desc, "RDSNetworkInterface") || !strcmp(x->requester, "amazon-rds")) {
        style = "rds";
    } else if (!strcmp(type, "vpc_endpoint") || starts(desc, "VPC Endpoint Interface ")) {
        *name = word_with(desc, "vpce-", len);
        style = "vpc-endpoint";
    } else if (!strcmp(type, "lambda") || starts(desc, "AWS Lambda VPC ENI")) {
        const char *rest = starts(desc, "AWS Lambda VPC ENI") ? desc + strlen("AWS Lambda VPC ENI") : "";
        while (*rest == '-' || *rest == ' ' || *rest == ':')
            rest++;
        *name = rest;
        *len = strlen(rest);
        style = "lambda";
    } else if (!strcmp(type, "transit_gateway") || strstr(desc, "Transit Gateway Attachment")) {
        *name = word_with(desc, "tgw-", len);
        style = "transit-gateway";
    } else if (!strcmp(type, "efs") || starts(desc, "EFS mount target for ")) {
        *name = word_with(desc, "fs-", len);
        style = "efs";
    } else if (x->instance[0]) {
        *name = x->instance;
        *len = strlen(x->instance);
        style = "ec2";
    } else { /* the interface type says more than "interface"; else the description */
        *name = type[0] && strcmp(type, "interface") ? type : desc;
        *len = strlen(*name);
        style = "other";
    }
    return style;
}

vf_owner_kind vf_eni_owner(const char *type, const char *desc, const char *requester, const char *instance,
                           const char *id, char *label, size_t cap)
{
    eni_text x;
    memset(&x, 0, sizeof x);
    snprintf(x.type, sizeof x.type, "%s", type);
    snprintf(x.desc, sizeof x.desc, "%s", desc);
    snprintf(x.requester, sizeof x.requester, "%s", requester);
    snprintf(x.instance, sizeof x.instance, "%s", instance);
    const char *name;
    size_t len;
    const char *kind = eni_style(&x, &name, &len);
    int style = vf_owner_style(kind, strlen(kind));
    if (!len) { /* a nameless RDS or load-balancer ENI: its id tells it from its siblings */
        name = id;
        len = strlen(id);
    }
    vf_owner_style_label(style, name, len, label, cap);
    return vf_owner_style_kind(style);
}

static vpcflow_status parse_addr_into(const json_t *v, const char *file, const char *where, const char *key,
                                      vpcflow_addr *out, int *found, vpcflow_error *err)
{
    char text[64], q[96];
    vpcflow_status st = vf_json_string(v, key, file, where, text, sizeof text, err);
    *found = 0;
    if (st || !text[0])
        return st;
    if (vpcflow_addr_parse(text, strlen(text), out) < 0) {
        vf_quote(text, strlen(text), q, sizeof q);
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s.%s: %s is not an IP address", where, key, q);
    }
    *found = 1;
    return VPCFLOW_OK;
}

static vpcflow_status push_addr(vpcflow_addr *list, size_t *n, vpcflow_addr a, const char *file, const char *where,
                                vpcflow_error *err)
{
    if (has_addr(list, *n, a))
        return VPCFLOW_OK;
    if (*n >= VF_ENI_MAX_ADDRS)
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: more than %d addresses", where, VF_ENI_MAX_ADDRS);
    list[(*n)++] = a;
    return VPCFLOW_OK;
}

/* Reads obj[key] (an object) -> PublicIp into the public list. */
static vpcflow_status public_of(const json_t *obj, const char *file, const char *where, addr_list *al,
                                vpcflow_error *err)
{
    const json_t *as = json_object_get(obj, "Association");
    if (!as || json_is_null(as))
        return VPCFLOW_OK;
    char w[128];
    snprintf(w, sizeof w, "%s.Association", where);
    vpcflow_addr a;
    int found;
    vpcflow_status st = expect_object(as, file, w, err);
    if (st || (st = parse_addr_into(as, file, w, "PublicIp", &a, &found, err)) || !found)
        return st;
    return push_addr(al->pub, &al->npub, a, file, where, err);
}

static const json_t *array_member(const json_t *obj, const char *key, const char *file, const char *where,
                                  vpcflow_status *st, vpcflow_error *err)
{
    const json_t *v = json_object_get(obj, key);
    *st = VPCFLOW_OK;
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_array(v)) {
        *st = vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s.%s: expected an array, found %s", where, key,
                       vf_json_type_name(v));
        return NULL;
    }
    return v;
}

/* PrivateIpAddresses[] (private IPv4 addresses, the primary one first, and their public IPs) or,
 * with v6, Ipv6Addresses[]. */
static vpcflow_status eni_addrs(const json_t *el, const char *file, const char *where, int v6, addr_list *al,
                                vpcflow_error *err)
{
    const char *key = v6 ? "Ipv6Addresses" : "PrivateIpAddresses";
    vpcflow_status st;
    const json_t *arr = array_member(el, key, file, where, &st, err);
    for (size_t i = 0; arr && i < json_array_size(arr); i++) {
        char w[128];
        vpcflow_addr a;
        int found;
        const json_t *p = object_element(arr, i, key, file, where, w, sizeof w, &st, err);
        if (!p || (st = parse_addr_into(p, file, w, v6 ? "Ipv6Address" : "PrivateIpAddress", &a, &found, err)))
            return st;
        if (v6) {
            if (found && (st = push_addr(al->v6, &al->n6, a, file, where, err)))
                return st;
            continue;
        }
        if (found && json_is_true(json_object_get(p, "Primary")) && !has_addr(al->v4, al->n4, a)) {
            if (al->n4 >= VF_ENI_MAX_ADDRS)
                return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: more than %d addresses", where,
                                VF_ENI_MAX_ADDRS);
            memmove(al->v4 + 1, al->v4, al->n4 * sizeof al->v4[0]);
            al->v4[0] = a;
            al->n4++;
        } else if (found && (st = push_addr(al->v4, &al->n4, a, file, where, err)))
            return st;
        if ((st = public_of(p, file, w, al, err)))
            return st;
    }
    return st;
}

/* The primary private address: the first private IPv4, else (an IPv6-only ENI) the first IPv6. */
static void eni_set_addrs(vf_eni *e, const addr_list *al, vpcflow_addr *all)
{
    size_t n = 0;
    for (size_t i = 0; i < al->n4; i++)
        all[n++] = al->v4[i];
    for (size_t i = 0; i < al->n6; i++)
        all[n++] = al->v6[i];
    for (size_t i = 0; i < al->npub; i++)
        all[n++] = al->pub[i];
    e->addrs = all;
    e->naddrs = n;
    e->has_public = al->npub > 0;
    if (al->n4)
        e->primary = al->v4[0];
    else if (al->n6)
        e->primary = al->v6[0];
}

static vpcflow_status eni_strings(const json_t *el, const char *file, const char *where, vf_eni *e, eni_text *x,
                                  char *az, size_t azcap, vpcflow_error *err)
{
    vpcflow_status st;
    const str_member m[] = {
        {"NetworkInterfaceId", e->id, sizeof e->id}, {"SubnetId", e->subnet_id, sizeof e->subnet_id},
        {"VpcId", e->vpc_id, sizeof e->vpc_id},      {"AvailabilityZone", az, azcap},
        {"InterfaceType", x->type, sizeof x->type},  {"RequesterId", x->requester, sizeof x->requester},
    };
    if ((st = read_strings(el, file, where, m, VF_ARRAY_LEN(m), err)))
        return st;
    const json_t *d = json_object_get(el, "Description");
    if (json_is_string(d)) /* free text: a long one is cut, not refused */
        snprintf(x->desc, sizeof x->desc, "%s", json_string_value(d));
    const json_t *att = json_object_get(el, "Attachment");
    if (json_is_object(att)) {
        char w[128];
        snprintf(w, sizeof w, "%s.Attachment", where);
        if ((st = vf_json_string(att, "InstanceId", file, w, x->instance, sizeof x->instance, err)))
            return st;
    }
    if (!e->id[0])
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: no NetworkInterfaceId", where);
    return VPCFLOW_OK;
}

static vpcflow_status aws_eni(vf_topology *t, const char *file, size_t i, const json_t *el, vpcflow_error *err)
{
    char where[48], az[32];
    snprintf(where, sizeof where, "NetworkInterfaces[%zu]", i);
    vf_eni e = {0};
    eni_text x = {0};
    vpcflow_status st = eni_strings(el, file, where, &e, &x, az, sizeof az, err); /* checks el is an object */
    if (st)
        return st;
    addr_list *al = vf_calloc(1, sizeof *al);
    vpcflow_addr *all = vf_calloc(3 * VF_ENI_MAX_ADDRS, sizeof *all);
    if (!al || !all) {
        st = vf_error(err, VPCFLOW_ERR_IO, file, 0, 0, "out of memory");
        goto done;
    }
    vpcflow_addr primary;
    int found;
    if ((st = parse_addr_into(el, file, where, "PrivateIpAddress", &primary, &found, err)))
        goto done;
    if (found)
        al->v4[al->n4++] = primary;
    if ((st = eni_addrs(el, file, where, 0, al, err)) || (st = eni_addrs(el, file, where, 1, al, err)) ||
        (st = public_of(el, file, where, al, err)))
        goto done;
    eni_set_addrs(&e, al, all);
    e.kind = vf_eni_owner(x.type, x.desc, x.requester, x.instance, e.id, e.label, sizeof e.label);
    e.requester_managed = json_is_true(json_object_get(el, "RequesterManaged"));
    if ((st = vf_topology_add_eni(t, &e, az, err)))
        with_where(err, st, file, where);
done:
    free(al);
    free(all);
    return st;
}

vpcflow_status vf_topology_load_enis_buf(vf_topology *t, const char *name, const char *data, size_t len,
                                         vpcflow_error *err)
{
    return load_aws_list(t, name, data ? data : "", len, "NetworkInterfaces", "aws ec2 describe-network-interfaces",
                         aws_eni, err);
}

vpcflow_status vf_topology_load_subnets(vf_topology *t, const char *path, vpcflow_error *err)
{
    return load_aws_list(t, path, NULL, 0, "Subnets", "aws ec2 describe-subnets", aws_subnet, err);
}

vpcflow_status vf_topology_load_enis(vf_topology *t, const char *path, vpcflow_error *err)
{
    return load_aws_list(t, path, NULL, 0, "NetworkInterfaces", "aws ec2 describe-network-interfaces", aws_eni, err);
}

/* ---- vpcflow's topology file ---------------------------------------------------------------- */

static vpcflow_status file_subnet(vf_topology *t, const char *file, size_t i, const json_t *el, vpcflow_error *err)
{
    char where[48], cidr[64], cidr6[64];
    snprintf(where, sizeof where, "subnets[%zu]", i);
    vpcflow_status st;
    vf_subnet s = {0};
    const str_member m[] = {
        {"id", s.id, sizeof s.id},          {"vpc", s.vpc_id, sizeof s.vpc_id}, {"az", s.az, sizeof s.az},
        {"az_id", s.az_id, sizeof s.az_id}, {"cidr", cidr, sizeof cidr},        {"ipv6_cidr", cidr6, sizeof cidr6},
    };
    if ((st = read_strings(el, file, where, m, VF_ARRAY_LEN(m), err)))
        return st;
    if (!s.id[0])
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: no id", where);
    if (cidr[0]) {
        if (vpcflow_cidr_parse(cidr, strlen(cidr), &s.net4, &s.plen4) < 0 || !vpcflow_addr_is_v4(s.net4) ||
            s.plen4 < 96)
            return bad_value(file, where, "cidr", cidr, "an IPv4 CIDR block", err);
        s.has_v4 = 1;
    }
    if (cidr6[0]) {
        if (vpcflow_cidr_parse(cidr6, strlen(cidr6), &s.net6, &s.plen6) < 0 || vpcflow_addr_is_v4(s.net6))
            return bad_value(file, where, "ipv6_cidr", cidr6, "an IPv6 CIDR block", err);
        s.has_v6 = 1;
    }
    if (!s.has_v4 && !s.has_v6)
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: no cidr and no ipv6_cidr", where);
    if ((st = vf_topology_add_subnet(t, &s, err)))
        return with_where(err, st, file, where);
    return VPCFLOW_OK;
}

/* Reads an array of address strings; private ones are split by family (IPv4 first, as the AWS
 * loader orders them). */
static vpcflow_status file_addrs(const json_t *el, const char *key, const char *file, const char *where,
                                 vpcflow_addr *v4, size_t *n4, vpcflow_addr *v6, size_t *n6, vpcflow_error *err)
{
    const json_t *arr = json_object_get(el, key);
    if (!arr || json_is_null(arr))
        return VPCFLOW_OK;
    if (!json_is_array(arr))
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s.%s: expected an array, found %s", where, key,
                        vf_json_type_name(arr));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *v = json_array_get(arr, i);
        char w[128], q[96];
        snprintf(w, sizeof w, "%s.%s[%zu]", where, key, i);
        if (!json_is_string(v))
            return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: expected a string, found %s", w,
                            vf_json_type_name(v));
        vpcflow_addr a;
        if (vpcflow_addr_parse(json_string_value(v), json_string_length(v), &a) < 0) {
            vf_quote(json_string_value(v), json_string_length(v), q, sizeof q);
            return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: %s is not an IP address", w, q);
        }
        int is4 = vpcflow_addr_is_v4(a) || !v6;
        size_t *n = is4 ? n4 : n6;
        if (*n >= VF_ENI_MAX_ADDRS)
            return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: more than %d addresses", where, VF_ENI_MAX_ADDRS);
        (is4 ? v4 : v6)[(*n)++] = a;
    }
    return VPCFLOW_OK;
}

typedef struct iface_addrs {
    vpcflow_addr v4[VF_ENI_MAX_ADDRS], v6[VF_ENI_MAX_ADDRS], pub[VF_ENI_MAX_ADDRS];
    vpcflow_addr all[3 * VF_ENI_MAX_ADDRS];
    size_t n4, n6, npub;
} iface_addrs;

static vpcflow_status file_iface_addrs(vf_eni *e, const json_t *el, const char *file, const char *where,
                                       iface_addrs *ad, vpcflow_error *err)
{
    vpcflow_status st;
    if ((st = file_addrs(el, "addresses", file, where, ad->v4, &ad->n4, ad->v6, &ad->n6, err)) ||
        (st = file_addrs(el, "public", file, where, ad->pub, &ad->npub, NULL, NULL, err)))
        return st;
    size_t n = 0;
    for (size_t i = 0; i < ad->n4; i++)
        ad->all[n++] = ad->v4[i];
    for (size_t i = 0; i < ad->n6; i++)
        ad->all[n++] = ad->v6[i];
    for (size_t i = 0; i < ad->npub; i++)
        ad->all[n++] = ad->pub[i];
    e->addrs = ad->all;
    e->naddrs = n;
    e->has_public = ad->npub > 0;
    if (n && n > ad->npub)
        e->primary = ad->all[0];
    return VPCFLOW_OK;
}

static vpcflow_status file_iface(vf_topology *t, const char *file, size_t i, const json_t *el, vpcflow_error *err)
{
    char where[48], az[32], kind[32], name[128];
    snprintf(where, sizeof where, "interfaces[%zu]", i);
    vpcflow_status st;
    vf_eni e = {0};
    const str_member m[] = {
        {"id", e.id, sizeof e.id},          {"subnet", e.subnet_id, sizeof e.subnet_id},
        {"vpc", e.vpc_id, sizeof e.vpc_id}, {"az", az, sizeof az},
        {"kind", kind, sizeof kind},        {"name", name, sizeof name},
    };
    if ((st = read_strings(el, file, where, m, VF_ARRAY_LEN(m), err)))
        return st;
    const char *k = kind[0] ? kind : name[0] == 'i' && name[1] == '-' ? "ec2" : "other";
    int style = vf_owner_style(k, strlen(k));
    if (style < 0) {
        char q[64];
        vf_quote(kind, strlen(kind), q, sizeof q);
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s.kind: %s is not a kind: use one of %s", where, q,
                        vf_owner_style_list());
    }
    e.kind = vf_owner_style_kind(style);
    /* the AWS services manage every kind of interface but an instance's and unknown ones */
    e.requester_managed = e.kind != VF_OWNER_EC2 && e.kind != VF_OWNER_OTHER;
    /* a nameless interface is labelled with its id, as from describe-network-interfaces */
    const char *label_name = name[0] ? name : e.id;
    vf_owner_style_label(style, label_name, strlen(label_name), e.label, sizeof e.label);
    iface_addrs *ad = vf_calloc(1, sizeof *ad);
    if (!ad)
        return vf_error(err, VPCFLOW_ERR_IO, file, 0, 0, "out of memory");
    st = file_iface_addrs(&e, el, file, where, ad, err);
    if (!st && !e.id[0] && !e.naddrs)
        st = vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: no id and no addresses", where);
    if (!st && (st = vf_topology_add_eni(t, &e, az, err)))
        with_where(err, st, file, where);
    free(ad);
    return st;
}

static vpcflow_status each(vf_topology *t, const char *file, const json_t *doc, const char *key, element_fn fn,
                           vpcflow_error *err)
{
    const json_t *arr = json_object_get(doc, key);
    if (!arr || json_is_null(arr))
        return VPCFLOW_OK;
    if (!json_is_array(arr))
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: expected an array, found %s", key,
                        vf_json_type_name(arr));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        vpcflow_status st = fn(t, file, i, json_array_get(arr, i), err);
        if (st)
            return st;
    }
    return VPCFLOW_OK;
}

static vpcflow_status file_element(void *ctx, const char *key, size_t i, const json_t *el, vpcflow_error *err)
{
    const aws_list *a = ctx;
    return (key[0] == 's' ? file_subnet : file_iface)(a->t, a->file, i, el, err);
}

/* vpcflow's topology file, streamed like the AWS documents; the skeleton left holds the region
 * and any member of the wrong type. */
static vpcflow_status load_file(vf_topology *t, const char *name, const char *data, size_t len, vpcflow_error *err)
{
    static const char *const keys[] = {"subnets", "interfaces", NULL};
    aws_list a = {t, name, NULL};
    vf_jin_stream s = {name, "a vpcflow topology file", keys, file_element, &a, 0};
    size_t nsubnets = vf_topology_subnet_count(t), nenis = vf_topology_eni_count(t);
    json_t *doc;
    vpcflow_status st = stream_json(&s, data, len, &doc, err);
    if (!st && (!json_is_object(doc) || (!json_object_get(doc, "subnets") && !json_object_get(doc, "interfaces"))))
        st = vf_topology_wrong_kind(name, doc, "subnets or interfaces", "a vpcflow topology file (docs/topology.md)",
                                    err);
    const json_t *region = json_object_get(doc, "region");
    if (!st && region && !json_is_null(region) && (!json_is_string(region) || json_string_length(region) >= 32))
        st = vf_error(err, VPCFLOW_ERR_INPUT, name, 0, 0, "region: expected a region name such as \"us-east-1\"");
    if (!st) /* the arrays were streamed: what is left is a member of the wrong type */
        st = each(t, name, doc, "subnets", file_subnet, err);
    if (!st)
        st = each(t, name, doc, "interfaces", file_iface, err);
    if (st)
        vf_topology_truncate(t, nsubnets, nenis);
    else if (json_is_string(region))
        vf_topology_default_region(t, json_string_value(region));
    json_decref(doc);
    return st;
}

vpcflow_status vf_topology_load_file_buf(vf_topology *t, const char *name, const char *data, size_t len,
                                         vpcflow_error *err)
{
    return load_file(t, name, data ? data : "", len, err);
}

vpcflow_status vf_topology_load_file(vf_topology *t, const char *path, vpcflow_error *err)
{
    return load_file(t, path, NULL, 0, err);
}
