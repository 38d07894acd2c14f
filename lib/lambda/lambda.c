/* lambda.c — vpcflow as a Lambda function: each event (a CloudWatch Logs subscription event,
 * a Kinesis batch of them, or an S3 event notification) is checked, handed to one streaming
 * alerts engine (alerts_watch.c) that lives as long as the execution environment, and
 * answered with the records read and the alerts it fired.
 *
 *   runtime.c next ─► event ─┬─ {"awslogs"} / {"Records":[{"kinesis"}]} ─► payload check ─┐
 *                            └─ {"Records":[{"s3"}]} ─► object bytes (s3object.c) ─────────┤
 *                                                               watch feed (alerts engine) ◄┘
 *   ◄─ /response {records, alerts, …}  or  /error {errorMessage, errorType}
 */
#include "base/internal.h"
#include "lambda/runtime.h"
#include "lambda/s3object.h"
#include "notify/curl_lib.h"
#include "read/payload.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLUSH_MS 10000

struct vpcflow_lambda {
    vpcflow_lambda_options o;
    const char *api;
    vpcflow_watch *w;
    json_t *alerts; /* of the event being handled */
    int oom;
};

static int on_alert(void *ctx, const vpcflow_alert *a)
{
    vpcflow_lambda *l = ctx;
    char *line = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&line, &len);
    int rc = f ? vpcflow_alert_write_json(a, f) : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    json_t *doc = rc == 0 ? json_loads(line, 0, NULL) : NULL;
    if (!doc || json_array_append_new(l->alerts, doc) < 0)
        l->oom = 1;
    if (l->o.log && rc == 0) {
        fputs(line, l->o.log);
        fflush(l->o.log);
    }
    free(line);
    if (l->o.notify)
        vpcflow_notifier_send(l->o.notify, a);
    return 0;
}

vpcflow_status vpcflow_lambda_new(const vpcflow_lambda_options *o, vpcflow_lambda **out, vpcflow_error *err)
{
    *out = NULL;
    vpcflow_lambda *l = vf_calloc(1, sizeof *l);
    if (!l)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    memcpy(&l->o, o, VF_MIN(o->size ? o->size : sizeof l->o, sizeof l->o));
    l->api = l->o.runtime_api ? l->o.runtime_api : getenv("AWS_LAMBDA_RUNTIME_API");
    vpcflow_watch_options wo = l->o.watch;
    wo.size = sizeof wo;
    wo.alert = on_alert;
    wo.ctx = l;
    wo.exit_at_eof = 1;
    vpcflow_status st = vpcflow_watch_new(&wo, &l->w, err);
    if (st != VPCFLOW_OK) {
        free(l);
        return st;
    }
    *out = l;
    return VPCFLOW_OK;
}

void vpcflow_lambda_free(vpcflow_lambda *l)
{
    if (!l)
        return;
    vpcflow_watch_free(l->w);
    json_decref(l->alerts);
    free(l);
}

static char *error_doc(const char *type, const char *message)
{
    json_t *doc = json_pack("{s:s, s:s}", "errorMessage", message, "errorType", type);
    char *s = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    return s;
}

static vpcflow_status feed(vpcflow_lambda *l, const char *text, size_t len, vpcflow_error *err)
{
    vpcflow_status st = vpcflow_watch_feed(l->w, text, len, err);
    if (st == VPCFLOW_OK && len && text[len - 1] != '\n')
        st = vpcflow_watch_feed(l->w, "\n", 1, err);
    return st;
}

/* A subscription event, or a Kinesis batch of them: decoded once to check it (and count its
 * control messages), then fed as it came, as `watch` reads a payload line. */
static vpcflow_status handle_payload(vpcflow_lambda *l, const char *event, size_t len, vpcflow_error *err)
{
    vf_payload_text t;
    vpcflow_status st = vf_payload_decode(event, len, "event", &t, err);
    if (st != VPCFLOW_OK)
        return st;
    vf_payload_free(&t);
    return feed(l, event, len, err);
}

/* An S3 event notification: each object's text, carried in s3.object.body or fetched. */
static vpcflow_status handle_s3(vpcflow_lambda *l, json_t *records, size_t *objects, vpcflow_error *err)
{
    size_t i;
    json_t *r;
    json_array_foreach(records, i, r)
    {
        const char *bucket = NULL, *key = NULL, *body = NULL;
        if (json_unpack(r, "{s:{s:{s:s}, s:{s:s, s?:s}}}", "s3", "bucket", "name", &bucket, "object", "key", &key,
                        "body", &body) != 0)
            return vf_error(err, VPCFLOW_ERR_INPUT, "event", 0, 0,
                            "Records[%zu]: an S3 record needs s3.bucket.name and s3.object.key", i);
        vpcflow_status st;
        if (body)
            st = feed(l, body, strlen(body), err);
        else if (!l->o.fetch)
            return vf_error(err, VPCFLOW_ERR_INPUT, "event", 0, 0,
                            "Records[%zu]: an S3 event, and no --fetch command to read s3://%s/%s with", i, bucket,
                            key);
        else {
            char *k = strdup(key), *text = NULL;
            size_t n = 0;
            if (!k)
                return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
            vf_s3_key_decode(k);
            st = vf_s3_fetch(l->o.fetch, bucket, k, &text, &n, err);
            free(k);
            if (st == VPCFLOW_OK)
                st = feed(l, text, n, err);
            free(text);
        }
        if (st != VPCFLOW_OK)
            return st;
        (*objects)++;
    }
    return VPCFLOW_OK;
}

static vpcflow_status dispatch(vpcflow_lambda *l, const char *event, size_t len, size_t *objects, vpcflow_error *err)
{
    json_error_t je;
    json_t *doc = json_loadb(event, len, 0, &je);
    if (!doc)
        return vf_error(err, VPCFLOW_ERR_INPUT, "event", (uint64_t)(je.line > 0 ? je.line : 0), 0,
                        "the event is not JSON: %s", je.text);
    json_t *records = json_object_get(doc, "Records");
    vpcflow_status st;
    if (json_is_object(doc) && json_object_get(doc, "awslogs"))
        st = handle_payload(l, event, len, err);
    else if (json_is_array(records) && json_array_size(records) && json_object_get(json_array_get(records, 0), "s3"))
        st = handle_s3(l, records, objects, err);
    else if (json_is_array(records) && json_array_size(records) &&
             json_object_get(json_array_get(records, 0), "kinesis"))
        st = handle_payload(l, event, len, err);
    else
        st = vf_error(err, VPCFLOW_ERR_INPUT, "event", 0, 0,
                      "not a CloudWatch Logs subscription event ({\"awslogs\": {\"data\": …}}), a Kinesis batch "
                      "or an S3 event notification");
    json_decref(doc);
    return st;
}

vpcflow_status vpcflow_lambda_handle(vpcflow_lambda *l, const char *event, size_t len, char **response,
                                     vpcflow_error *err)
{
    *response = NULL;
    json_decref(l->alerts);
    l->alerts = json_array();
    l->oom = 0;
    if (!l->alerts)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    vpcflow_watch_summary before = *vpcflow_watch_stats(l->w);
    size_t objects = 0;
    vpcflow_status st = dispatch(l, event, len, &objects, err);
    /* the event ends here: a JSON document it left open does not swallow the next one */
    vpcflow_error ferr;
    vpcflow_status fst = vpcflow_watch_feed(l->w, "", 0, &ferr);
    if (fst != VPCFLOW_OK && st == VPCFLOW_OK) {
        st = fst;
        *err = ferr;
    }
    if (st == VPCFLOW_OK && l->oom)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    if (l->o.notify)
        vpcflow_notifier_flush(l->o.notify, FLUSH_MS); /* the environment may freeze after the response */
    if (st != VPCFLOW_OK) {
        char msg[sizeof err->file + sizeof err->message + 32];
        if (err->line)
            snprintf(msg, sizeof msg, "%s:%llu: %s", err->file, (unsigned long long)err->line, err->message);
        else
            snprintf(msg, sizeof msg, "%s", err->message);
        *response = error_doc(st == VPCFLOW_ERR_INPUT ? "InvalidEvent" : "Runtime.Failure", msg);
        return *response ? st : vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    }
    const vpcflow_watch_summary *s = vpcflow_watch_stats(l->w);
    json_t *doc =
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:O}", "records", (json_int_t)(s->scan.records - before.scan.records),
                  "malformed", (json_int_t)(s->scan.records_malformed - before.scan.records_malformed), "payloads",
                  (json_int_t)(s->payloads - before.payloads), "control_messages",
                  (json_int_t)(s->control_messages - before.control_messages), "objects", (json_int_t)objects, "alerts",
                  l->alerts);
    *response = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    return *response ? VPCFLOW_OK : vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
}

vpcflow_status vpcflow_lambda_run(vpcflow_lambda *l, vpcflow_error *err)
{
    if (!l->api || !*l->api)
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0,
                        "AWS_LAMBDA_RUNTIME_API is not set: 'vpcflow lambda' runs inside Lambda (or give event files)");
    if (!vf_libcurl_open(err))
        return VPCFLOW_ERR_IO;
    vpcflow_status st = VPCFLOW_OK;
    for (uint64_t n = 0; !l->o.max_invocations || n < l->o.max_invocations; n++) {
        vf_invocation inv;
        if ((st = vf_runtime_next(l->api, &inv, err)) != VPCFLOW_OK)
            break;
        if (inv.trace_id[0])
            setenv("_X_AMZN_TRACE_ID", inv.trace_id, 1);
        char *response = NULL, path[256];
        vpcflow_error herr;
        vpcflow_status hs = vpcflow_lambda_handle(l, inv.event, inv.len, &response, &herr);
        vf_invocation_free(&inv);
        if (!response) {
            st = hs;
            *err = herr;
            break;
        }
        snprintf(path, sizeof path, "invocation/%s/%s", inv.request_id, hs == VPCFLOW_OK ? "response" : "error");
        st = vf_runtime_post(l->api, path, response, strlen(response),
                             hs == VPCFLOW_OK          ? NULL
                             : hs == VPCFLOW_ERR_INPUT ? "InvalidEvent"
                                                       : "Runtime.Failure",
                             err);
        free(response);
        if (st != VPCFLOW_OK)
            break;
        if (hs == VPCFLOW_ERR_IO) { /* out of memory, a failed fetch: reported, and the next one tried */
            fprintf(stderr, "vpcflow lambda: %s\n", herr.message);
        }
    }
    return st;
}

int vpcflow_lambda_init_error(const char *runtime_api, const char *type, const char *message)
{
    const char *api = runtime_api ? runtime_api : getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api || !*api)
        return -1;
    char *doc = error_doc(type, message);
    vpcflow_error err;
    if (!doc || !vf_libcurl_open(&err)) {
        free(doc);
        return -1;
    }
    vpcflow_status st = vf_runtime_post(api, "init/error", doc, strlen(doc), type, &err);
    free(doc);
    return st == VPCFLOW_OK ? 0 : -1;
}
