/* payload.h — CloudWatch Logs subscription payloads (what Lambda, Kinesis and Firehose
 * receive) turned into flow-log text, one event message per line. */
#ifndef VF_PAYLOAD_H
#define VF_PAYLOAD_H

#include "base/internal.h"

typedef struct vf_payload_text {
    char *text; /* messages joined by '\n', VF_PAD readable bytes after */
    size_t len;
    int64_t *event_ms; /* one per line */
    size_t nevents;
    size_t control_messages; /* CONTROL_MESSAGE documents skipped */
} vf_payload_text;

/* 1 when the text looks like a payload: JSON ('{' or '[') or base64 of gzip ("H4sI"). */
int vf_payload_detect(const char *p, size_t n);
/* Decodes every document in [p, p+n): {"awslogs":{"data":B64}}, {"Records":[{"kinesis":
 * {"data":B64}}]}, {"records":[{"data":B64}]}, a DATA_MESSAGE object, a bare B64 line, or an
 * array of them. Returns VPCFLOW_OK, or the error (err names the line where the failing
 * document starts, or the JSON error's own line). */
vpcflow_status vf_payload_decode(const char *p, size_t n, const char *input, vf_payload_text *out, vpcflow_error *err);
void vf_payload_free(vf_payload_text *t);

#endif
