/* fuzz.c — libFuzzer target for the events of `vpcflow lambda` (lib/lambda/lambda.c): JSON
 * that may be a subscription event, a Kinesis batch, an S3 event notification with its object
 * in s3.object.body, or none of these. Each input is one invocation of a fresh function (no
 * --fetch: no command runs). Whatever the input, there must be an answer: a result document
 * with its counts and alerts, or an InvalidEvent error document, and a message with it. */
#include "vpcflow.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vpcflow_lambda_options o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    o.watch.size = sizeof o.watch;
    o.runtime_api = "127.0.0.1:9";
    vpcflow_lambda *l = NULL;
    vpcflow_error err;
    if (vpcflow_lambda_new(&o, &l, &err) != VPCFLOW_OK)
        abort();
    char *response = NULL;
    vpcflow_status st = vpcflow_lambda_handle(l, (const char *)data, size, &response, &err);
    if (!response || (st != VPCFLOW_OK && !err.message[0]))
        abort();
    json_t *doc = json_loads(response, 0, NULL);
    if (!doc)
        abort();
    if (st == VPCFLOW_OK) {
        if (!json_is_integer(json_object_get(doc, "records")) || !json_is_array(json_object_get(doc, "alerts")))
            abort();
    } else if (st == VPCFLOW_ERR_INPUT) {
        if (strcmp(json_string_value(json_object_get(doc, "errorType")), "InvalidEvent") != 0 ||
            !json_is_string(json_object_get(doc, "errorMessage")))
            abort();
    }
    json_decref(doc);
    free(response);
    vpcflow_lambda_free(l);
    return 0;
}
