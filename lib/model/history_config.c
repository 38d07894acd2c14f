/* history_config.c — AWS Config configuration items to ownership events: each item of an
 * AWS::EC2::NetworkInterface is the ENI's whole state at its capture time (a STATE event, or a
 * DELETE when Config records it deleted); an AWS::EC2::Instance item gives the state of each of
 * its interfaces, and its termination. Items of other resource types are ignored. The
 * configuration is an object in the files Config delivers to S3 and a JSON string in
 * `aws configservice get-resource-config-history` output; both are read. */
#include "model/history.h"

#include "base/jsonin.h"

#include <stdio.h>
#include <string.h>

#define MAX_ADDRS 256

typedef struct item_ctx {
    vf_history *h;
    const char *file;
    size_t index;
    int64_t t;
    char region[32];
    const char *az;
    vpcflow_error *err;
} item_ctx;

static vpcflow_status push_addr(const item_ctx *c, vpcflow_addr *list, size_t *n, const char *text)
{
    if (!text[0])
        return VPCFLOW_OK;
    vpcflow_addr a;
    if (vpcflow_addr_parse(text, strlen(text), &a) < 0) {
        char q[96];
        vf_quote(text, strlen(text), q, sizeof q);
        return vf_error(c->err, VPCFLOW_ERR_INPUT, c->file, 0, 0,
                        "configurationItems[%zu].configuration: %s is not an IP address", c->index, q);
    }
    for (size_t i = 0; i < *n; i++)
        if (vpcflow_addr_eq(list[i], a))
            return VPCFLOW_OK;
    if (*n >= MAX_ADDRS)
        return vf_error(c->err, VPCFLOW_ERR_INPUT, c->file, 0, 0,
                        "configurationItems[%zu].configuration: more than %d addresses", c->index, MAX_ADDRS);
    list[(*n)++] = a;
    return VPCFLOW_OK;
}

static void base_event(const item_ctx *c, vf_hist_event *ev, vf_hist_op op, const char *eni)
{
    vf_hist_event_init(ev, op, eni, c->t, c->region, c->file, c->index);
}

/* One interface in describe-network-interfaces' camelCase shape (as Config records it). */
static vpcflow_status interface_state(const item_ctx *c, const json_t *ni, const char *instance, const char *az)
{
    const char *id = vf_jin_str(ni, "networkInterfaceId");
    if (!id[0])
        return vf_error(c->err, VPCFLOW_ERR_INPUT, c->file, 0, 0,
                        "configurationItems[%zu].configuration: no networkInterfaceId", c->index);
    vf_hist_desc d;
    memset(&d, 0, sizeof d);
    snprintf(d.type, sizeof d.type, "%s", vf_jin_str(ni, "interfaceType"));
    snprintf(d.desc, sizeof d.desc, "%s", vf_jin_str(ni, "description"));
    snprintf(d.requester, sizeof d.requester, "%s", vf_jin_str(ni, "requesterId"));
    const json_t *att = json_object_get(ni, "attachment");
    const char *inst = instance[0] ? instance : json_is_object(att) ? vf_jin_str(att, "instanceId") : "";
    snprintf(d.instance, sizeof d.instance, "%s", inst);
    snprintf(d.subnet, sizeof d.subnet, "%s", vf_jin_str(ni, "subnetId"));
    snprintf(d.vpc, sizeof d.vpc, "%s", vf_jin_str(ni, "vpcId"));
    snprintf(d.az, sizeof d.az, "%s", vf_jin_str(ni, "availabilityZone")[0] ? vf_jin_str(ni, "availabilityZone") : az);
    vpcflow_addr addrs[MAX_ADDRS];
    size_t n = 0;
    vpcflow_status st = push_addr(c, addrs, &n, vf_jin_str(ni, "privateIpAddress"));
    const json_t *l = json_object_get(ni, "privateIpAddresses");
    for (size_t i = 0; st == VPCFLOW_OK && json_is_array(l) && i < json_array_size(l); i++) {
        const json_t *it = json_array_get(l, i);
        st = push_addr(c, addrs, &n, vf_jin_str(it, "privateIpAddress"));
        const json_t *as = json_object_get(it, "association");
        if (st == VPCFLOW_OK && json_is_object(as) && vf_jin_str(as, "publicIp")[0]) {
            st = push_addr(c, addrs, &n, vf_jin_str(as, "publicIp"));
            d.has_public = 1;
        }
    }
    l = json_object_get(ni, "ipv6Addresses");
    for (size_t i = 0; st == VPCFLOW_OK && json_is_array(l) && i < json_array_size(l); i++)
        st = push_addr(c, addrs, &n, vf_jin_str(json_array_get(l, i), "ipv6Address"));
    const json_t *as = json_object_get(ni, "association");
    if (st == VPCFLOW_OK && json_is_object(as) && vf_jin_str(as, "publicIp")[0]) {
        st = push_addr(c, addrs, &n, vf_jin_str(as, "publicIp"));
        d.has_public = 1;
    }
    if (st)
        return st;
    vf_hist_event ev;
    base_event(c, &ev, VF_HEV_STATE, id);
    ev.desc = &d;
    ev.addrs = addrs;
    ev.naddrs = n;
    if ((st = vf_history_add(c->h, &ev, c->err)))
        return st;
    if (inst[0]) { /* the attachment, so that the instance's termination is followed */
        base_event(c, &ev, VF_HEV_ATTACH, id);
        snprintf(ev.ref, sizeof ev.ref, "%s", inst);
        snprintf(ev.ref2, sizeof ev.ref2, "%s", json_is_object(att) ? vf_jin_str(att, "attachmentId") : "");
        ev.keep_on_terminate = json_is_object(att) && json_is_false(json_object_get(att, "deleteOnTermination"));
        st = vf_history_add(c->h, &ev, c->err);
    }
    return st;
}

vpcflow_status vf_history_config_item(vf_history *h, const char *file, size_t index, const json_t *item,
                                      vpcflow_error *err)
{
    if (!json_is_object(item))
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "configurationItems[%zu]: expected an object, found %s",
                        index, vf_json_type_name(item));
    const char *type = vf_jin_str(item, "resourceType");
    int is_eni = !strcmp(type, "AWS::EC2::NetworkInterface"), is_instance = !strcmp(type, "AWS::EC2::Instance");
    if (!is_eni && !is_instance)
        return VPCFLOW_OK;
    item_ctx c = {h, file, index, 0, {0}, vf_jin_str(item, "availabilityZone"), err};
    const json_t *when = json_object_get(item, "configurationItemCaptureTime");
    char tbuf[64] = "";
    if (json_is_string(when))
        snprintf(tbuf, sizeof tbuf, "%s", json_string_value(when));
    else if (json_is_number(when))
        snprintf(tbuf, sizeof tbuf, "%.3f", json_number_value(when));
    if (vf_history_time(tbuf, &c.t) < 0) {
        char q[80];
        vf_quote(tbuf, strlen(tbuf), q, sizeof q);
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0,
                        "configurationItems[%zu]: configurationItemCaptureTime %s is not a time", index,
                        tbuf[0] ? q : "(missing)");
    }
    snprintf(c.region, sizeof c.region, "%s", vf_jin_str(item, "awsRegion"));
    const char *id = vf_jin_str(item, "resourceId");
    const char *status = vf_jin_str(item, "configurationItemStatus");
    if (!strcmp(status, "ResourceDeleted") || !strcmp(status, "ResourceDeletedNotRecorded")) {
        vf_hist_event ev;
        base_event(&c, &ev, is_eni ? VF_HEV_DELETE : VF_HEV_TERMINATE, is_eni ? id : "");
        if (is_instance)
            snprintf(ev.ref, sizeof ev.ref, "%s", id);
        return vf_history_add(h, &ev, err);
    }
    const json_t *conf = json_object_get(item, "configuration");
    json_t *parsed = NULL;
    if (json_is_string(conf)) {
        json_error_t je;
        parsed = json_loadb(json_string_value(conf), json_string_length(conf), 0, &je);
        if (!parsed)
            return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0,
                            "configurationItems[%zu].configuration: JSON syntax error: %s", index, je.text);
        conf = parsed;
    }
    vpcflow_status st = VPCFLOW_OK;
    if (!json_is_object(conf))
        st = vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "configurationItems[%zu]: no configuration object", index);
    else if (is_eni)
        st = interface_state(&c, conf, "", c.az);
    else {
        const char *inst = vf_jin_str(conf, "instanceId")[0] ? vf_jin_str(conf, "instanceId") : id;
        const json_t *state = json_object_get(conf, "state");
        const json_t *pl = json_object_get(conf, "placement");
        const char *az =
            json_is_object(pl) && vf_jin_str(pl, "availabilityZone")[0] ? vf_jin_str(pl, "availabilityZone") : c.az;
        if (json_is_object(state) && !strcmp(vf_jin_str(state, "name"), "terminated")) {
            vf_hist_event ev;
            base_event(&c, &ev, VF_HEV_TERMINATE, "");
            snprintf(ev.ref, sizeof ev.ref, "%s", inst);
            st = vf_history_add(h, &ev, err);
        } else {
            const json_t *l = json_object_get(conf, "networkInterfaces");
            for (size_t i = 0; st == VPCFLOW_OK && json_is_array(l) && i < json_array_size(l); i++)
                st = interface_state(&c, json_array_get(l, i), inst, az);
        }
    }
    json_decref(parsed);
    return st;
}
