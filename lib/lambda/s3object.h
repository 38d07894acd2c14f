/* s3object.h — the flow-log object an S3 event notification points at, as text: the bytes the
 * event carries (s3.object.body, for tests), or what a configured command prints for it. */
#ifndef VF_S3OBJECT_H
#define VF_S3OBJECT_H

#include "base/internal.h"

/* Replaces {bucket} and {key} in the command with those values quoted for sh, runs it, and
 * returns its standard output, gunzipped when it is gzip data. */
vpcflow_status vf_s3_fetch(const char *command, const char *bucket, const char *key, char **text, size_t *len,
                           vpcflow_error *err);
/* An S3 event's object key: '+' is a space, %XX a byte (as S3 sends it). In place. */
void vf_s3_key_decode(char *key);

#endif
