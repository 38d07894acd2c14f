/* instances.c — `aws ec2 describe-instances` JSON: each instance's type, platform, tenancy,
 * state, launch time and the tags that name its owner and its auto-scaling group. */
#include "base/jsonin.h"
#include "rightsize/rightsize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INSTANCES_FILE ((size_t)512 << 20)

static const char *tag(const json_t *tags, const char *const *keys)
{
    for (; *keys; keys++) {
        size_t i;
        const json_t *t;
        json_array_foreach(tags, i, t)
        {
            if (!strcmp(vf_jin_str(t, "Key"), *keys))
                return vf_jin_str(t, "Value");
        }
    }
    return "";
}

static vpcflow_status one(vf_rs_instances *x, const json_t *in, vf_jin *c)
{
    if (!json_is_object(in))
        return vf_jin_fail(c, "expected an object, found %s", vf_json_type_name(in));
    const char *id = vf_jin_str(in, "InstanceId"), *type = vf_jin_str(in, "InstanceType");
    if (!*id)
        return vf_jin_fail(c, "no InstanceId");
    if (!*type)
        return vf_jin_fail(c, "no InstanceType");
    if (vf_grow(&x->i, &x->cap, x->n + 1, sizeof *x->i) < 0)
        return vf_error(c->err, VPCFLOW_ERR_IO, c->file, 0, 0, "out of memory");
    vf_rs_instance *r = &x->i[x->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", id);
    snprintf(r->type, sizeof r->type, "%s", type);
    const char *platform = vf_jin_str(in, "Platform");
    snprintf(r->platform, sizeof r->platform, "%s", *platform ? platform : "linux");
    snprintf(r->tenancy, sizeof r->tenancy, "%s", vf_jin_str(json_object_get(in, "Placement"), "Tenancy"));
    snprintf(r->state, sizeof r->state, "%s", vf_jin_str(json_object_get(in, "State"), "Name"));
    snprintf(r->launch, sizeof r->launch, "%s", vf_jin_str(in, "LaunchTime"));
    const json_t *tags = json_object_get(in, "Tags");
    static const char *const name[] = {"Name", NULL}, *const owner[] = {"owner", "Owner", "team", "Team", NULL},
                             *const group[] = {"aws:autoscaling:groupName", NULL};
    snprintf(r->name, sizeof r->name, "%s", tag(tags, name));
    snprintf(r->owner, sizeof r->owner, "%s", tag(tags, owner));
    snprintf(r->group, sizeof r->group, "%s", tag(tags, group));
    return VPCFLOW_OK;
}

vpcflow_status vf_rs_instances_buf(vf_rs_instances *x, const char *name, const char *data, size_t len,
                                   vpcflow_error *err)
{
    json_t *doc;
    vpcflow_status st = vf_jin_parse(name, data, len, 0, "describe-instances JSON", &doc, err);
    if (st)
        return st;
    vf_jin c = {name, err, ""};
    const json_t *res = json_object_get(doc, "Reservations");
    if (!json_is_array(res))
        st = vf_jin_fail(&c, "expected the output of `aws ec2 describe-instances` (Reservations)");
    size_t i, k;
    const json_t *r, *in;
    json_array_foreach(res, i, r)
    {
        const json_t *list = json_object_get(r, "Instances");
        vf_jin_at(&c, "Reservations[%zu].Instances", i);
        if (!st && !json_is_array(list))
            st = vf_jin_fail(&c, "expected an array, found %s", vf_json_type_name(list));
        json_array_foreach(list, k, in)
        {
            vf_jin_at(&c, "Reservations[%zu].Instances[%zu]", i, k);
            if (!st)
                st = one(x, in, &c);
        }
    }
    json_decref(doc);
    return st;
}

vpcflow_status vf_rs_instances_load(vf_rs_instances *x, const char *path, vpcflow_error *err)
{
    char *data;
    size_t len;
    vpcflow_status st = vf_read_file(path, MAX_INSTANCES_FILE, "describe-instances JSON", &data, &len, err);
    if (st)
        return st;
    st = vf_rs_instances_buf(x, path, data, len, err);
    free(data);
    return st;
}

const vf_rs_instance *vf_rs_instances_find(const vf_rs_instances *x, const char *id)
{
    for (size_t i = 0; i < x->n; i++)
        if (!strcmp(x->i[i].id, id))
            return &x->i[i];
    return NULL;
}

void vf_rs_instances_free(vf_rs_instances *x)
{
    free(x->i);
    memset(x, 0, sizeof *x);
}
