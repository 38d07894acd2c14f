/* ipranges.c — AWS's ip-ranges.json: its prefixes, appended to a topology's AWS ranges. */
#include "model/topology.h"
#include "base/jsonin.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PREFIXES (1u << 21) /* real files hold about 10,000 */

static vpcflow_status add_range(vf_topology *t, const char *file, const json_t *el, const char *where, const char *key,
                                vpcflow_error *err)
{
    if (!json_is_object(el))
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: expected an object, found %s", where,
                        vf_json_type_name(el));
    char prefix[64], region[64], service[64], q[96];
    vpcflow_status st;
    if ((st = vf_json_string(el, key, file, where, prefix, sizeof prefix, err)) ||
        (st = vf_json_string(el, "region", file, where, region, sizeof region, err)) ||
        (st = vf_json_string(el, "service", file, where, service, sizeof service, err)))
        return st;
    if (!prefix[0])
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: no %s", where, key);
    vf_aws_range a = {0};
    if (vpcflow_cidr_parse(prefix, strlen(prefix), &a.net, &a.plen) < 0) {
        vf_quote(prefix, strlen(prefix), q, sizeof q);
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s.%s: %s is not a CIDR block", where, key, q);
    }
    if (!service[0]) /* AMAZON is the catch-all: a prefix without a service is at most that */
        memcpy(service, "AMAZON", sizeof "AMAZON");
    uint16_t sk = vf_topology_service_key(t, service, strlen(service));
    a.region_key = vf_topology_region_key(t, region, strlen(region));
    if (vf_topology_out_of_memory(t))
        return vf_error(err, VPCFLOW_ERR_IO, file, 0, 0, "out of memory");
    if (!sk || (region[0] && !a.region_key))
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: too many distinct service or region names", where);
    a.service = vf_topology_service_name(t, sk);
    a.region = a.region_key ? vf_topology_region_name(t, a.region_key) : "";
    if (vf_topology_aws_count(t) >= MAX_PREFIXES)
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "more than %u prefixes", MAX_PREFIXES);
    if (vf_topology_add_aws_range(t, &a, err))
        return vf_error(err, VPCFLOW_ERR_IO, file, 0, 0, "out of memory");
    return VPCFLOW_OK;
}

static vpcflow_status add_list(vf_topology *t, const char *file, const json_t *doc, const char *list, const char *key,
                               vpcflow_error *err)
{
    const json_t *arr = json_object_get(doc, list);
    if (!arr || json_is_null(arr))
        return VPCFLOW_OK;
    if (!json_is_array(arr))
        return vf_error(err, VPCFLOW_ERR_INPUT, file, 0, 0, "%s: expected an array, found %s", list,
                        vf_json_type_name(arr));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char where[48];
        snprintf(where, sizeof where, "%s[%zu]", list, i);
        vpcflow_status st = add_range(t, file, json_array_get(arr, i), where, key, err);
        if (st)
            return st;
    }
    return VPCFLOW_OK;
}

typedef struct ranges_load {
    vf_topology *t;
    const char *file;
} ranges_load;

static vpcflow_status range_element(void *ctx, const char *key, size_t i, const json_t *el, vpcflow_error *err)
{
    const ranges_load *l = ctx;
    char where[48];
    snprintf(where, sizeof where, "%s[%zu]", key, i);
    return add_range(l->t, l->file, el, where, key[0] == 'i' ? "ipv6_prefix" : "ip_prefix", err);
}

/* Streams the file `name`, or reads data when not NULL; a file loads whole or not at all. */
static vpcflow_status load(vf_topology *t, const char *name, const char *data, size_t len, vpcflow_error *err)
{
    static const char *const keys[] = {"prefixes", "ipv6_prefixes", NULL};
    ranges_load l = {t, name};
    vf_jin_stream s = {name, "an ip-ranges.json file", keys, range_element, &l, 0};
    size_t before = vf_topology_aws_count(t);
    json_t *doc;
    vpcflow_status st = data ? vf_jin_stream_buf(&s, data, len, &doc, err) : vf_jin_stream_file(&s, &doc, err);
    if (!st &&
        (!json_is_array(json_object_get(doc, "prefixes")) && !json_is_array(json_object_get(doc, "ipv6_prefixes"))))
        st = vf_topology_wrong_kind(name, doc, "prefixes array",
                                    "AWS's ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json)", err);
    if (!st) /* the arrays were streamed: what is left is a member of the wrong type */
        st = add_list(t, name, doc, "prefixes", "ip_prefix", err);
    if (!st)
        st = add_list(t, name, doc, "ipv6_prefixes", "ipv6_prefix", err);
    if (st)
        vf_topology_aws_truncate(t, before);
    json_decref(doc);
    return st;
}

vpcflow_status vf_topology_load_ipranges_buf(vf_topology *t, const char *name, const char *data, size_t len,
                                             vpcflow_error *err)
{
    return load(t, name, data ? data : "", len, err);
}

vpcflow_status vf_topology_load_ipranges(vf_topology *t, const char *path, vpcflow_error *err)
{
    return load(t, path, NULL, 0, err);
}
