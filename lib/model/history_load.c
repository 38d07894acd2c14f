/* history_load.c — history files to events: reads a file or a directory tree (gzip or not),
 * tells the document's kind by its top-level array (Records, Events, configurationItems) and
 * hands each element to its loader (history_trail.c, history_config.c), streamed so that memory
 * is one element, not the whole file. */
#include "model/history.h"

#include "base/jsonin.h"
#include "read/gzip.h"
#include "read/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE ((size_t)256 << 20)   /* one history file as stored (gzip or not) */
#define MAX_INFLATED ((size_t)1 << 30) /* one history file once decompressed */

typedef struct load_ctx {
    vf_history *h;
    const char *file;
} load_ctx;

static vpcflow_status element(void *ctx, const char *key, size_t index, const json_t *el, vpcflow_error *err)
{
    load_ctx *c = ctx;
    if (strcmp(key, "configurationItems") == 0)
        return vf_history_config_item(c->h, c->file, index, el, err);
    if (strcmp(key, "Records") == 0)
        return vf_history_trail_record(c->h, c->file, index, el, err);
    /* lookup-events: {"Events": [{"EventName": ..., "CloudTrailEvent": "<the record as JSON>"}]} */
    const json_t *inner = json_object_get(el, "CloudTrailEvent");
    if (!json_is_string(inner))
        return vf_error(err, VPCFLOW_ERR_INPUT, c->file, 0, 0,
                        "Events[%zu]: no CloudTrailEvent string (is this `aws cloudtrail lookup-events` output?)",
                        index);
    char name[64];
    snprintf(name, sizeof name, "Events[%zu].CloudTrailEvent", index);
    json_error_t je;
    json_t *rec = json_loadb(json_string_value(inner), json_string_length(inner), 0, &je);
    if (!rec)
        return vf_error(err, VPCFLOW_ERR_INPUT, c->file, 0, 0, "%s: JSON syntax error: %s", name, je.text);
    vpcflow_status st = vf_history_trail_record(c->h, c->file, index, rec, err);
    json_decref(rec);
    return st;
}

vpcflow_status vf_history_load_buf(vf_history *h, const char *name, const char *data, size_t len, vpcflow_error *err)
{
    static const char *const keys[] = {"Records", "Events", "configurationItems", NULL};
    load_ctx c = {h, name};
    vf_jin_stream s = {name, "a CloudTrail or AWS Config history file", keys, element, &c, 1};
    json_t *skel = NULL;
    size_t before = vf_history_event_count(h);
    vpcflow_status st = vf_jin_stream_buf(&s, data ? data : "", len, &skel, err);
    if (st == VPCFLOW_OK && !json_object_get(skel, "Records") && !json_object_get(skel, "Events") &&
        !json_object_get(skel, "configurationItems"))
        st = vf_error(err, VPCFLOW_ERR_INPUT, name, 0, 0,
                      "no Records, Events or configurationItems: not a CloudTrail log file, `aws cloudtrail "
                      "lookup-events` output or AWS Config history");
    json_decref(skel);
    if (st != VPCFLOW_OK)
        vf_history_truncate(h, before); /* a file counts whole or not at all */
    return st;
}

static vpcflow_status load_file(vf_history *h, const char *path, vpcflow_error *err)
{
    char *data = NULL, *plain = NULL;
    size_t len = 0, plen = 0;
    vpcflow_status st = vf_read_file(path, MAX_FILE, "a history file (256 MiB at most)", &data, &len, err);
    if (st != VPCFLOW_OK)
        return st;
    if (vf_is_gzip((const unsigned char *)data, len)) {
        char why[128];
        int r = vf_gunzip_all(data, len, &plain, &plen, MAX_INFLATED, why, sizeof why);
        free(data);
        data = NULL;
        if (r == VF_GUNZIP_NOMEM)
            return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "out of memory");
        if (r < 0)
            return vf_error(err, VPCFLOW_ERR_INPUT, path, 0, 0, "%s", why);
        st = vf_history_load_buf(h, path, plain, plen, err);
        free(plain);
        return st;
    }
    st = vf_history_load_buf(h, path, data, len, err);
    free(data);
    return st;
}

vpcflow_status vf_history_load(vf_history *h, const char *path, vpcflow_error *err)
{
    char **files = NULL;
    size_t n = 0;
    vpcflow_status st = vf_expand_paths(&path, 1, NULL, NULL, &files, &n, err);
    if (st != VPCFLOW_OK)
        return st;
    if (!n)
        st = vf_error(err, VPCFLOW_ERR_INPUT, path, 0, 0, "no history files in this directory");
    for (size_t i = 0; i < n && st == VPCFLOW_OK; i++)
        st = load_file(h, files[i], err);
    vf_free_paths(files, n);
    return st;
}
