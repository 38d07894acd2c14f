/* payload.h — JSON inputs turned into flow-log text, one event message per line: CloudWatch
 * Logs subscription payloads (what Lambda, Kinesis and Firehose receive, and what Firehose
 * writes to S3), and what the AWS CLI prints for `aws logs filter-log-events`,
 * `get-log-events` and `get-query-results`, or JSON lines of {"message": ...}. */
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

/* 1 when the text looks like a payload: JSON ('{' or '['), base64 of gzip ("H4sI"), or gzip
 * data (inside a gzip file: Firehose's gzip members, compressed again by S3 delivery). */
int vf_payload_detect(const char *p, size_t n);
/* Decodes every document in [p, p+n), one after the other with or without separators:
 * {"awslogs":{"data":B64}}, {"Records":[{"kinesis":{"data":B64}}]}, {"records":[{"data":B64}]},
 * a DATA_MESSAGE object (CONTROL_MESSAGE skipped), {"events":[{"message",...}],...} (tokens
 * ignored), {"results":[[{"field":"@message","value":...},...]],...} (every row must hold
 * @message), {"message":...} or {"@message":...}, a bare B64 line, an array of them, or gzip
 * data holding them (the rest of the text). Returns VPCFLOW_OK, or the error (err names the line where the failing
 * document starts, or the JSON error's own line). */
vpcflow_status vf_payload_decode(const char *p, size_t n, const char *input, vf_payload_text *out, vpcflow_error *err);
/* The same, p[0] being on line first_line of the input (a later part of a streamed input). */
vpcflow_status vf_payload_decode_at(const char *p, size_t n, const char *input, uint64_t first_line,
                                    vf_payload_text *out, vpcflow_error *err);

/* Finds where complete top-level documents end in a buffer that grows as the input is read,
 * without decoding them (brackets counted outside JSON strings; a bare line ends at '\n'; gzip
 * data takes the rest of the input), so that a long input is decoded a part at a time. Start
 * zeroed; vf_payload_cut_scan scans what was added since the last call and returns the end of
 * the last complete document (0: none yet); after the caller consumed p[0, used) (used at most
 * that end), vf_payload_cut_consumed shifts the state. */
typedef struct vf_payload_cut {
    size_t pos;   /* bytes scanned */
    size_t end;   /* end of the last complete document */
    size_t depth; /* of brackets */
    int in_str, esc, bare, rest;
} vf_payload_cut;
size_t vf_payload_cut_scan(vf_payload_cut *c, const char *p, size_t n);
void vf_payload_cut_consumed(vf_payload_cut *c, size_t used);
void vf_payload_free(vf_payload_text *t);

#endif
