/* runtime.h — the Lambda Runtime API over HTTP (libcurl): the next invocation, its response or
 * error, an initialisation error. https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html */
#ifndef VF_RUNTIME_H
#define VF_RUNTIME_H

#include "base/internal.h"

typedef struct vf_invocation {
    char *event; /* the body, NUL-terminated */
    size_t len;
    char request_id[128]; /* Lambda-Runtime-Aws-Request-Id */
    char trace_id[512];   /* Lambda-Runtime-Trace-Id, "" when none */
} vf_invocation;

/* GET /2018-06-01/runtime/invocation/next (waits as long as it takes). */
vpcflow_status vf_runtime_next(const char *api, vf_invocation *inv, vpcflow_error *err);
void vf_invocation_free(vf_invocation *inv);
/* POST body to /2018-06-01/runtime/PATH; error_type, when not NULL, goes in the
 * Lambda-Runtime-Function-Error-Type header. A status other than 2xx is an error. */
vpcflow_status vf_runtime_post(const char *api, const char *path, const char *body, size_t len, const char *error_type,
                               vpcflow_error *err);

#endif
