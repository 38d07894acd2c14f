/* curl_lib.c — libcurl opened with dlopen on first use (curl_lib.h says why). */
#include "base/internal.h"

#include "notify/curl_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Filled once under pthread_once, read-only after: the table of a process-wide library. */
static vf_libcurl table;
static char failure[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void open_libcurl(void)
{
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(failure, sizeof failure, "cannot load libcurl (Debian package libcurl4): %s", e ? e : "not found");
        return;
    }
    struct {
        const char *name;
        void **slot;
    } syms[] = {
        {"curl_easy_cleanup", (void **)&table.curl_easy_cleanup},
        {"curl_easy_getinfo", (void **)&table.curl_easy_getinfo},
        {"curl_easy_init", (void **)&table.curl_easy_init},
        {"curl_easy_perform", (void **)&table.curl_easy_perform},
        {"curl_easy_setopt", (void **)&table.curl_easy_setopt},
        {"curl_easy_strerror", (void **)&table.curl_easy_strerror},
        {"curl_global_init", (void **)&table.curl_global_init},
        {"curl_slist_append", (void **)&table.curl_slist_append},
        {"curl_slist_free_all", (void **)&table.curl_slist_free_all},
    };
    for (size_t i = 0; i < sizeof syms / sizeof *syms; i++) {
        *syms[i].slot = dlsym(h, syms[i].name);
        if (!*syms[i].slot) {
            snprintf(failure, sizeof failure, "libcurl.so.4 lacks %s", syms[i].name);
            memset(&table, 0, sizeof table);
            return;
        }
    }
    /* once for the process, before any thread uses it; never cleaned up */
    if (table.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(failure, sizeof failure, "libcurl could not be initialised");
        memset(&table, 0, sizeof table);
    }
}

const vf_libcurl *vf_libcurl_open(vpcflow_error *err)
{
    pthread_once(&once, open_libcurl);
    if (failure[0]) {
        vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "%s", failure);
        return NULL;
    }
    return &table;
}

const vf_libcurl *vf_libcurl_get(void)
{
    return &table;
}
