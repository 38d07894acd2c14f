/* curl_lib.h — libcurl, opened when a notifier or the Lambda runtime starts rather than
 * linked: its dependencies (TLS, Kerberos, LDAP, SSH, …) cost every run of the tool about
 * 6 MiB of resident memory, which --memory budgets and the commands that never send anything
 * must not pay (as pg/pg_lib.h does for libpq). Include this instead of <curl/curl.h>: each
 * curl function used goes through the table. */
#ifndef VF_CURL_LIB_H
#define VF_CURL_LIB_H

#include "vpcflow.h"

#define CURL_DISABLE_TYPECHECK /* curl_easy_setopt and curl_easy_getinfo are the table's */
#include <curl/curl.h>

typedef struct vf_libcurl {
    __typeof__(curl_easy_cleanup) *curl_easy_cleanup;
    __typeof__(curl_easy_getinfo) *curl_easy_getinfo;
    __typeof__(curl_easy_init) *curl_easy_init;
    __typeof__(curl_easy_perform) *curl_easy_perform;
    __typeof__(curl_easy_setopt) *curl_easy_setopt;
    __typeof__(curl_easy_strerror) *curl_easy_strerror;
    __typeof__(curl_global_init) *curl_global_init;
    __typeof__(curl_slist_append) *curl_slist_append;
    __typeof__(curl_slist_free_all) *curl_slist_free_all;
} vf_libcurl;

/* The table, libcurl opened and initialised (curl_global_init) on first use, thread-safe;
 * NULL with err set when it cannot be loaded (the Debian package libcurl4). */
const vf_libcurl *vf_libcurl_open(vpcflow_error *err);
/* The table once vf_libcurl_open succeeded. */
const vf_libcurl *vf_libcurl_get(void);

#undef curl_easy_getinfo /* curl.h's own macros, without type checks, give way to the table's */
#undef curl_easy_setopt
#define curl_easy_cleanup(...) (vf_libcurl_get()->curl_easy_cleanup(__VA_ARGS__))
#define curl_easy_getinfo(...) (vf_libcurl_get()->curl_easy_getinfo(__VA_ARGS__))
#define curl_easy_init(...) (vf_libcurl_get()->curl_easy_init(__VA_ARGS__))
#define curl_easy_perform(...) (vf_libcurl_get()->curl_easy_perform(__VA_ARGS__))
#define curl_easy_setopt(...) (vf_libcurl_get()->curl_easy_setopt(__VA_ARGS__))
#define curl_easy_strerror(...) (vf_libcurl_get()->curl_easy_strerror(__VA_ARGS__))
#define curl_slist_append(...) (vf_libcurl_get()->curl_slist_append(__VA_ARGS__))
#define curl_slist_free_all(...) (vf_libcurl_get()->curl_slist_free_all(__VA_ARGS__))

#endif
