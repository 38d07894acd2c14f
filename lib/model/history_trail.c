/* history_trail.c — CloudTrail records to ownership events (docs/ownership.md lists each event
 * and the fields read). Calls that failed (errorCode) changed nothing and are skipped; events
 * that do not touch address ownership are ignored. */
#include "model/history.h"

#include "base/jsonin.h"

#include <stdio.h>
#include <string.h>

#define MAX_ADDRS 256

typedef struct trail {
    vf_history *h;
    const char *file;
    size_t index;
    int64_t t;
    char region[32];
    vpcflow_error *err;
} trail;

static const json_t *obj(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_object(v) ? v : NULL;
}

/* The list of an EC2 "set": {"items": [...]} or {"item": [...]} (both spellings occur), or a
 * plain array. */
static const json_t *items(const json_t *set)
{
    if (json_is_array(set))
        return set;
    if (!json_is_object(set))
        return NULL;
    const json_t *v = json_object_get(set, "items");
    if (!json_is_array(v))
        v = json_object_get(set, "item");
    if (json_is_object(v)) /* a set of one, as some events write it */
        return v;
    return json_is_array(v) ? v : NULL;
}

static size_t count_of(const json_t *list)
{
    return json_is_array(list) ? json_array_size(list) : (list ? 1 : 0);
}

static const json_t *item_at(const json_t *list, size_t i)
{
    return json_is_array(list) ? json_array_get(list, i) : list;
}

static vpcflow_status bad(const trail *c, const char *name, const char *what, const char *text)
{
    char q[96];
    vf_quote(text, strlen(text), q, sizeof q);
    return vf_error(c->err, VPCFLOW_ERR_INPUT, c->file, 0, 0, "Records[%zu] (%s): %s %s is not an IP address", c->index,
                    name, what, q);
}

static vpcflow_status parse_addr(const trail *c, const char *name, const char *what, const char *text,
                                 vpcflow_addr *out, int *found)
{
    *found = 0;
    if (!text[0])
        return VPCFLOW_OK;
    if (vpcflow_addr_parse(text, strlen(text), out) < 0)
        return bad(c, name, what, text);
    *found = 1;
    return VPCFLOW_OK;
}

static void base_event(const trail *c, vf_hist_event *ev, vf_hist_op op, const char *eni)
{
    vf_hist_event_init(ev, op, eni, c->t, c->region, c->file, c->index);
}

static vpcflow_status push_addr(const trail *c, const char *name, vpcflow_addr *list, size_t *n, const char *text)
{
    vpcflow_addr a;
    int found;
    vpcflow_status st = parse_addr(c, name, "address", text, &a, &found);
    if (st || !found)
        return st;
    for (size_t i = 0; i < *n; i++)
        if (vpcflow_addr_eq(list[i], a))
            return VPCFLOW_OK;
    if (*n >= MAX_ADDRS)
        return vf_error(c->err, VPCFLOW_ERR_INPUT, c->file, 0, 0, "Records[%zu] (%s): more than %d addresses", c->index,
                        name, MAX_ADDRS);
    list[(*n)++] = a;
    return VPCFLOW_OK;
}

/* An ENI as CreateNetworkInterface and RunInstances describe it: a STATE event. */
static vpcflow_status eni_state(const trail *c, const char *name, const json_t *ni, const char *instance,
                                const char *az_default, const char *subnet_default, const char *vpc_default)
{
    const char *id = vf_jin_str(ni, "networkInterfaceId");
    if (!id[0])
        return vf_error(c->err, VPCFLOW_ERR_INPUT, c->file, 0, 0, "Records[%zu] (%s): no networkInterfaceId", c->index,
                        name);
    vf_hist_desc d;
    memset(&d, 0, sizeof d);
    snprintf(d.type, sizeof d.type, "%s", vf_jin_str(ni, "interfaceType"));
    snprintf(d.desc, sizeof d.desc, "%s", vf_jin_str(ni, "description"));
    snprintf(d.requester, sizeof d.requester, "%s", vf_jin_str(ni, "requesterId"));
    snprintf(d.instance, sizeof d.instance, "%s", instance);
    snprintf(d.subnet, sizeof d.subnet, "%s",
             vf_jin_str(ni, "subnetId")[0] ? vf_jin_str(ni, "subnetId") : subnet_default);
    snprintf(d.az, sizeof d.az, "%s",
             vf_jin_str(ni, "availabilityZone")[0] ? vf_jin_str(ni, "availabilityZone") : az_default);
    snprintf(d.vpc, sizeof d.vpc, "%s", vf_jin_str(ni, "vpcId")[0] ? vf_jin_str(ni, "vpcId") : vpc_default);
    vpcflow_addr addrs[MAX_ADDRS];
    size_t n = 0;
    vpcflow_status st = push_addr(c, name, addrs, &n, vf_jin_str(ni, "privateIpAddress"));
    const json_t *l = items(json_object_get(ni, "privateIpAddressesSet"));
    for (size_t i = 0; st == VPCFLOW_OK && i < count_of(l); i++)
        st = push_addr(c, name, addrs, &n, vf_jin_str(item_at(l, i), "privateIpAddress"));
    l = items(json_object_get(ni, "ipv6AddressesSet"));
    for (size_t i = 0; st == VPCFLOW_OK && i < count_of(l); i++) {
        const json_t *it = item_at(l, i);
        st = push_addr(c, name, addrs, &n, json_is_string(it) ? json_string_value(it) : vf_jin_str(it, "ipv6Address"));
    }
    const json_t *assoc = obj(ni, "association");
    if (st == VPCFLOW_OK && assoc && vf_jin_str(assoc, "publicIp")[0]) {
        st = push_addr(c, name, addrs, &n, vf_jin_str(assoc, "publicIp"));
        d.has_public = 1;
    }
    if (st)
        return st;
    vf_hist_event ev;
    base_event(c, &ev, VF_HEV_STATE, id);
    ev.desc = &d;
    ev.addrs = addrs;
    ev.naddrs = n;
    return vf_history_add(c->h, &ev, c->err);
}

static vpcflow_status simple(const trail *c, vf_hist_op op, const char *eni, const char *ref, const char *ref2)
{
    vf_hist_event ev;
    base_event(c, &ev, op, eni);
    snprintf(ev.ref, sizeof ev.ref, "%s", ref ? ref : "");
    snprintf(ev.ref2, sizeof ev.ref2, "%s", ref2 ? ref2 : "");
    return vf_history_add(c->h, &ev, c->err);
}

static vpcflow_status need_eni(const trail *c, const char *name, const char *eni)
{
    if (eni[0])
        return VPCFLOW_OK;
    return vf_error(c->err, VPCFLOW_ERR_INPUT, c->file, 0, 0,
                    "Records[%zu] (%s): no requestParameters.networkInterfaceId", c->index, name);
}

/* Assign/Unassign: each address of a list as its own ADD or DEL. */
static vpcflow_status addr_list(const trail *c, const char *name, vf_hist_op op, const char *eni, const json_t *list,
                                const char *key)
{
    vpcflow_status st = VPCFLOW_OK;
    for (size_t i = 0; st == VPCFLOW_OK && i < count_of(list); i++) {
        const json_t *it = item_at(list, i);
        const char *text = json_is_string(it) ? json_string_value(it) : vf_jin_str(it, key);
        vpcflow_addr a;
        int found;
        if ((st = parse_addr(c, name, "address", text, &a, &found)) || !found)
            continue;
        vf_hist_event ev;
        base_event(c, &ev, op, eni);
        ev.addr = a;
        st = vf_history_add(c->h, &ev, c->err);
    }
    return st;
}

static vpcflow_status run_instances(const trail *c, const json_t *resp)
{
    const json_t *insts = items(json_object_get(resp, "instancesSet"));
    vpcflow_status st = VPCFLOW_OK;
    for (size_t i = 0; st == VPCFLOW_OK && i < count_of(insts); i++) {
        const json_t *in = item_at(insts, i);
        const char *instance = vf_jin_str(in, "instanceId");
        const json_t *pl = obj(in, "placement");
        const char *az = pl ? vf_jin_str(pl, "availabilityZone") : "";
        const json_t *nis = items(json_object_get(in, "networkInterfaceSet"));
        for (size_t k = 0; st == VPCFLOW_OK && k < count_of(nis); k++) {
            const json_t *ni = item_at(nis, k);
            if ((st = eni_state(c, "RunInstances", ni, instance, az, vf_jin_str(in, "subnetId"),
                                vf_jin_str(in, "vpcId"))))
                break;
            const json_t *att = obj(ni, "attachment");
            vf_hist_event ev;
            base_event(c, &ev, VF_HEV_ATTACH, vf_jin_str(ni, "networkInterfaceId"));
            snprintf(ev.ref, sizeof ev.ref, "%s", instance);
            snprintf(ev.ref2, sizeof ev.ref2, "%s", att ? vf_jin_str(att, "attachmentId") : "");
            ev.keep_on_terminate = att && json_is_false(json_object_get(att, "deleteOnTermination"));
            st = vf_history_add(c->h, &ev, c->err);
        }
    }
    return st;
}

/* Elastic IPs: an allocation pairs an id with an address; an association puts it on an ENI
 * (named, or an instance's), a disassociation or a release takes it off. Ids are resolved over
 * every file when the history is finished. */
static vpcflow_status elastic_ip(const trail *c, const char *name, const json_t *req, const json_t *resp)
{
    vf_hist_event ev;
    vpcflow_status st;
    int found;
    const char *ip = req ? vf_jin_str(req, "publicIp") : "";
    if (!strcmp(name, "AllocateAddress")) {
        ip = resp ? vf_jin_str(resp, "publicIp") : "";
        base_event(c, &ev, VF_HEV_ALLOC, "");
        snprintf(ev.alloc, sizeof ev.alloc, "%s", resp ? vf_jin_str(resp, "allocationId") : "");
    } else if (!strcmp(name, "AssociateAddress")) {
        base_event(c, &ev, VF_HEV_EIP_ADD, req ? vf_jin_str(req, "networkInterfaceId") : "");
        snprintf(ev.ref, sizeof ev.ref, "%s", req ? vf_jin_str(req, "instanceId") : "");
        snprintf(ev.ref2, sizeof ev.ref2, "%s", resp ? vf_jin_str(resp, "associationId") : "");
        snprintf(ev.alloc, sizeof ev.alloc, "%s", req ? vf_jin_str(req, "allocationId") : "");
        if (!ev.eni[0] && !ev.ref[0])
            return vf_error(c->err, VPCFLOW_ERR_INPUT, c->file, 0, 0,
                            "Records[%zu] (%s): neither requestParameters.networkInterfaceId nor instanceId", c->index,
                            name);
    } else {
        base_event(c, &ev, VF_HEV_EIP_DEL, "");
        snprintf(ev.ref2, sizeof ev.ref2, "%s", req ? vf_jin_str(req, "associationId") : "");
        snprintf(ev.alloc, sizeof ev.alloc, "%s", req ? vf_jin_str(req, "allocationId") : "");
    }
    if ((st = parse_addr(c, name, "publicIp", ip, &ev.addr, &found)))
        return st;
    ev.has_addr = found;
    if (!found && !ev.alloc[0] && !ev.ref2[0])
        return vf_error(c->err, VPCFLOW_ERR_INPUT, c->file, 0, 0,
                        "Records[%zu] (%s): no publicIp, allocationId or associationId", c->index, name);
    return vf_history_add(c->h, &ev, c->err);
}

/* A network load balancer's addresses per AZ (an application load balancer's ENIs come with
 * their own CreateNetworkInterface events): one interface per AZ, named after the balancer. */
static vpcflow_status load_balancer(const trail *c, const json_t *resp)
{
    const json_t *lbs = json_object_get(resp, "loadBalancers");
    vpcflow_status st = VPCFLOW_OK;
    for (size_t i = 0; st == VPCFLOW_OK && json_is_array(lbs) && i < json_array_size(lbs); i++) {
        const json_t *lb = json_array_get(lbs, i);
        const char *arn = vf_jin_str(lb, "loadBalancerArn");
        const char *tail = strstr(arn, ":loadbalancer/");
        if (!tail)
            continue;
        tail += strlen(":loadbalancer/");
        const json_t *azs = json_object_get(lb, "availabilityZones");
        for (size_t k = 0; st == VPCFLOW_OK && json_is_array(azs) && k < json_array_size(azs); k++) {
            const json_t *az = json_array_get(azs, k);
            const json_t *la = json_object_get(az, "loadBalancerAddresses");
            vf_hist_desc d;
            memset(&d, 0, sizeof d);
            snprintf(d.desc, sizeof d.desc, "ELB %s", tail);
            snprintf(d.requester, sizeof d.requester, "amazon-elb");
            snprintf(d.subnet, sizeof d.subnet, "%s", vf_jin_str(az, "subnetId"));
            snprintf(d.az, sizeof d.az, "%s", vf_jin_str(az, "zoneName"));
            snprintf(d.vpc, sizeof d.vpc, "%s", vf_jin_str(lb, "vpcId"));
            vpcflow_addr addrs[8];
            size_t n = 0;
            for (size_t a = 0; st == VPCFLOW_OK && json_is_array(la) && a < json_array_size(la) && n + 2 <= 8; a++) {
                const json_t *x = json_array_get(la, a);
                st = push_addr(c, "CreateLoadBalancer", addrs, &n, vf_jin_str(x, "privateIPv4Address"));
                size_t before = n;
                if (st == VPCFLOW_OK)
                    st = push_addr(c, "CreateLoadBalancer", addrs, &n, vf_jin_str(x, "ipAddress"));
                d.has_public |= n > before;
            }
            if (st || !n)
                continue;
            vf_hist_event ev;
            char id[48];
            snprintf(id, sizeof id, "elb:%.24s:%.16s", tail, d.az); /* the ENI id is not in the event */
            base_event(c, &ev, VF_HEV_STATE, id);
            ev.desc = &d;
            ev.addrs = addrs;
            ev.naddrs = n;
            st = vf_history_add(c->h, &ev, c->err);
        }
    }
    return st;
}

vpcflow_status vf_history_trail_record(vf_history *h, const char *file, size_t index, const json_t *rec,
                                       vpcflow_error *err)
{
    if (!json_is_object(rec))
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "Records[%zu]: expected an object, found %s", index,
                        vf_json_type_name(rec));
    trail c = {h, file, index, 0, {0}, err};
    const char *name = vf_jin_str(rec, "eventName");
    if (!name[0])
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "Records[%zu]: no eventName: is this a CloudTrail record?",
                        index);
    if (json_object_get(rec, "errorCode") && !json_is_null(json_object_get(rec, "errorCode")))
        return VPCFLOW_OK; /* the call failed: nothing changed */
    static const char *const wanted[] = {
        "CreateNetworkInterface",
        "DeleteNetworkInterface",
        "AssignPrivateIpAddresses",
        "UnassignPrivateIpAddresses",
        "AssignIpv6Addresses",
        "UnassignIpv6Addresses",
        "RunInstances",
        "TerminateInstances",
        "AttachNetworkInterface",
        "DetachNetworkInterface",
        "AssociateAddress",
        "DisassociateAddress",
        "CreateNatGateway",
        "DeleteNatGateway",
        "DeleteLoadBalancer",
        "AllocateAddress",
        "ReleaseAddress",
        "CreateLoadBalancer",
    };
    int known = 0;
    for (size_t i = 0; i < VF_ARRAY_LEN(wanted); i++)
        known |= strcmp(name, wanted[i]) == 0;
    if (!known)
        return VPCFLOW_OK;
    const char *when = vf_jin_str(rec, "eventTime");
    if (vf_history_time(when, &c.t) < 0) {
        char q[64];
        vf_quote(when, strlen(when), q, sizeof q);
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "Records[%zu] (%s): eventTime %s is not an ISO-8601 time",
                        index, name, q);
    }
    snprintf(c.region, sizeof c.region, "%s", vf_jin_str(rec, "awsRegion"));
    const json_t *req = obj(rec, "requestParameters");
    const json_t *resp = obj(rec, "responseElements");
    const char *eni = req ? vf_jin_str(req, "networkInterfaceId") : "";
    vpcflow_status st;

    if (!strcmp(name, "CreateNetworkInterface")) {
        const json_t *ni = resp ? obj(resp, "networkInterface") : NULL;
        if (!ni)
            return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0,
                            "Records[%zu] (%s): no responseElements.networkInterface", index, name);
        return eni_state(&c, name, ni, "", "", "", "");
    }
    if (!strcmp(name, "DeleteNetworkInterface")) {
        if ((st = need_eni(&c, name, eni)))
            return st;
        return simple(&c, VF_HEV_DELETE, eni, NULL, NULL);
    }
    if (!strcmp(name, "AssignPrivateIpAddresses") || !strcmp(name, "UnassignPrivateIpAddresses")) {
        if ((st = need_eni(&c, name, eni)))
            return st;
        vf_hist_op op = name[0] == 'A' ? VF_HEV_ADD : VF_HEV_DEL;
        st = addr_list(&c, name, op, eni, items(json_object_get(req, "privateIpAddressesSet")), "privateIpAddress");
        if (st == VPCFLOW_OK && op == VF_HEV_ADD && resp) { /* addresses AWS chose (a count was asked) */
            const json_t *set = json_object_get(resp, "assignedPrivateIpAddressesSet");
            const json_t *l = items(set);
            if (!l && json_is_object(set))
                l = json_object_get(set, "assignedPrivateIpAddressSetType");
            st = addr_list(&c, name, op, eni, l, "privateIpAddress");
        }
        return st;
    }
    if (!strcmp(name, "AssignIpv6Addresses") || !strcmp(name, "UnassignIpv6Addresses")) {
        if ((st = need_eni(&c, name, eni)))
            return st;
        vf_hist_op op = name[0] == 'A' ? VF_HEV_ADD : VF_HEV_DEL;
        st = addr_list(&c, name, op, eni, items(json_object_get(req, "ipv6Addresses")), "ipv6Address");
        if (st == VPCFLOW_OK && resp) {
            const json_t *l =
                items(json_object_get(resp, op == VF_HEV_ADD ? "assignedIpv6Addresses" : "unassignedIpv6Addresses"));
            st = addr_list(&c, name, op, eni, l, "ipv6Address");
        }
        return st;
    }
    if (!strcmp(name, "RunInstances"))
        return resp ? run_instances(&c, resp) : VPCFLOW_OK;
    if (!strcmp(name, "TerminateInstances")) {
        const json_t *l = req ? items(json_object_get(req, "instancesSet")) : NULL;
        st = VPCFLOW_OK;
        for (size_t i = 0; st == VPCFLOW_OK && i < count_of(l); i++)
            st = simple(&c, VF_HEV_TERMINATE, "", vf_jin_str(item_at(l, i), "instanceId"), NULL);
        return st;
    }
    if (!strcmp(name, "AttachNetworkInterface")) {
        if ((st = need_eni(&c, name, eni)))
            return st;
        /* an ENI attached after launch stays when the instance goes (deleteOnTermination false) */
        vf_hist_event ev;
        base_event(&c, &ev, VF_HEV_ATTACH, eni);
        snprintf(ev.ref, sizeof ev.ref, "%s", vf_jin_str(req, "instanceId"));
        snprintf(ev.ref2, sizeof ev.ref2, "%s", resp ? vf_jin_str(resp, "attachmentId") : "");
        ev.keep_on_terminate = 1;
        return vf_history_add(h, &ev, err);
    }
    if (!strcmp(name, "DetachNetworkInterface"))
        return simple(&c, VF_HEV_DETACH, "", NULL, req ? vf_jin_str(req, "attachmentId") : "");
    if (!strcmp(name, "AllocateAddress") || !strcmp(name, "ReleaseAddress") || !strcmp(name, "AssociateAddress") ||
        !strcmp(name, "DisassociateAddress"))
        return elastic_ip(&c, name, req, resp);
    if (!strcmp(name, "CreateLoadBalancer"))
        return resp ? load_balancer(&c, resp) : VPCFLOW_OK;
    if (!strcmp(name, "CreateNatGateway")) {
        /* the gateway's ENI has its own CreateNetworkInterface only in the service's trail: the
         * addresses here stand for it */
        const json_t *gw = resp ? obj(resp, "natGateway") : NULL;
        if (!gw)
            return VPCFLOW_OK;
        const json_t *l = items(json_object_get(gw, "natGatewayAddressSet"));
        st = VPCFLOW_OK;
        for (size_t i = 0; st == VPCFLOW_OK && i < count_of(l); i++) {
            const json_t *it = item_at(l, i);
            const char *id = vf_jin_str(it, "networkInterfaceId");
            if (!id[0])
                continue;
            vf_hist_desc d;
            memset(&d, 0, sizeof d);
            snprintf(d.type, sizeof d.type, "nat_gateway");
            snprintf(d.desc, sizeof d.desc, "Interface for NAT Gateway %s", vf_jin_str(gw, "natGatewayId"));
            snprintf(d.subnet, sizeof d.subnet, "%s", vf_jin_str(gw, "subnetId"));
            snprintf(d.vpc, sizeof d.vpc, "%s", vf_jin_str(gw, "vpcId"));
            vpcflow_addr addrs[2];
            size_t n = 0;
            if ((st = push_addr(&c, name, addrs, &n, vf_jin_str(it, "privateIp"))) ||
                (st = push_addr(&c, name, addrs, &n, vf_jin_str(it, "publicIp"))))
                break;
            d.has_public = n > 1;
            vf_hist_event ev;
            base_event(&c, &ev, VF_HEV_STATE, id);
            ev.desc = &d;
            ev.addrs = addrs;
            ev.naddrs = n;
            st = vf_history_add(h, &ev, err);
        }
        return st;
    }
    if (!strcmp(name, "DeleteNatGateway"))
        return simple(&c, VF_HEV_DROP_DESC, "", req ? vf_jin_str(req, "natGatewayId") : "", NULL);
    /* DeleteLoadBalancer: ELB ENIs are described "ELB app/<name>/<id>" (or "ELB <name>") */
    const char *arn = req ? vf_jin_str(req, "loadBalancerArn") : "";
    const char *lb = strstr(arn, ":loadbalancer/");
    char ref[128];
    if (lb)
        snprintf(ref, sizeof ref, "ELB %s", lb + strlen(":loadbalancer/"));
    else if (req && vf_jin_str(req, "loadBalancerName")[0])
        snprintf(ref, sizeof ref, "ELB %s", vf_jin_str(req, "loadBalancerName"));
    else
        return VPCFLOW_OK;
    return simple(&c, VF_HEV_DROP_DESC, "", ref, NULL);
}
