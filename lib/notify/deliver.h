/* deliver.h — one notification body to one target, once: POSTed to a webhook (libcurl) or
 * written to a command's standard input ("exec:COMMAND"). No retries here (notify.c). */
#ifndef VF_DELIVER_H
#define VF_DELIVER_H

#include <stdatomic.h>
#include <stddef.h>

enum { VF_DELIVER_OK = 0, VF_DELIVER_RETRY = 1, VF_DELIVER_FAILED = 2 };

/* Delivers body[0, len) to target within timeout_ms; *abort becoming nonzero ends the attempt
 * early. Returns VF_DELIVER_OK, VF_DELIVER_RETRY (connection error, timeout, HTTP 5xx or 429,
 * a command that failed) or VF_DELIVER_FAILED (any other HTTP status), with why filled in. */
int vf_deliver(const char *target, const char *body, size_t len, unsigned timeout_ms, const atomic_int *abort,
               char *why, size_t why_cap);

#endif
