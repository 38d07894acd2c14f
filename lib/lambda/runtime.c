/* runtime.c — the HTTP side of the Lambda Runtime API, with libcurl: the next event with its
 * request id, and the POSTs that answer it. */
#include "lambda/runtime.h"

#include "base/array.h"
#include "notify/curl_lib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct body {
    char *p;
    size_t len, cap;
    int oom;
} body;

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    body *b = ctx;
    size_t k = size * n;
    if (vf_grow(&b->p, &b->cap, b->len + k + 1, 1) < 0) {
        b->oom = 1;
        return 0;
    }
    memcpy(b->p + b->len, p, k);
    b->len += k;
    b->p[b->len] = 0;
    return k;
}

/* Copies a header's value when its name matches. */
static void header_value(const char *line, size_t n, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t k = VF_MIN((size_t)(end - v), cap - 1);
    memcpy(out, v, k);
    out[k] = 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    vf_invocation *inv = ctx;
    header_value(p, size * n, "Lambda-Runtime-Aws-Request-Id", inv->request_id, sizeof inv->request_id);
    header_value(p, size * n, "Lambda-Runtime-Trace-Id", inv->trace_id, sizeof inv->trace_id);
    return size * n;
}

static vpcflow_status perform(CURL *c, const char *url, long *status, vpcflow_error *err)
{
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "Lambda Runtime API %s: %s", url, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    return VPCFLOW_OK;
}

vpcflow_status vf_runtime_next(const char *api, vf_invocation *inv, vpcflow_error *err)
{
    memset(inv, 0, sizeof *inv);
    char url[1024];
    snprintf(url, sizeof url, "http://%s/2018-06-01/runtime/invocation/next", api);
    CURL *c = curl_easy_init();
    if (!c)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "cannot start an HTTP request");
    body b = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, inv);
    long status = 0;
    vpcflow_status st = perform(c, url, &status, err);
    curl_easy_cleanup(c);
    if (st == VPCFLOW_OK && b.oom)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    else if (st == VPCFLOW_OK && status != 200)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "Lambda Runtime API %s: HTTP status %ld", url, status);
    else if (st == VPCFLOW_OK && !inv->request_id[0])
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "Lambda Runtime API %s: no Lambda-Runtime-Aws-Request-Id", url);
    if (st != VPCFLOW_OK) {
        free(b.p);
        return st;
    }
    if (!b.p && vf_grow(&b.p, &b.cap, 1, 1) < 0)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    b.p[b.len] = 0;
    inv->event = b.p;
    inv->len = b.len;
    return VPCFLOW_OK;
}

void vf_invocation_free(vf_invocation *inv)
{
    free(inv->event);
    inv->event = NULL;
}

vpcflow_status vf_runtime_post(const char *api, const char *path, const char *data, size_t len, const char *error_type,
                               vpcflow_error *err)
{
    char url[1024], type[256];
    snprintf(url, sizeof url, "http://%s/2018-06-01/runtime/%s", api, path);
    CURL *c = curl_easy_init();
    if (!c)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "cannot start an HTTP request");
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    if (error_type) {
        snprintf(type, sizeof type, "Lambda-Runtime-Function-Error-Type: %s", error_type);
        h = curl_slist_append(h, type);
    }
    body b = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    long status = 0;
    vpcflow_status st = perform(c, url, &status, err);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(b.p);
    if (st == VPCFLOW_OK && (status < 200 || status >= 300))
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "Lambda Runtime API %s: HTTP status %ld", url, status);
    return st;
}
