/* s3object.c — an S3 object fetched by a command (`aws s3 cp s3://{bucket}/{key} -`): the
 * command line built with its values quoted, run by sh, its output read whole and gunzipped. */
#include "lambda/s3object.h"

#include "base/array.h"
#include "read/gzip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define MAX_OBJECT ((size_t)1 << 30)

/* Appends s to *p quoted for sh: 'it'\''s'. */
static int append(char **p, size_t *len, size_t *cap, const char *s, size_t n, int quote)
{
    if (vf_grow(p, cap, *len + 4 * n + 3, 1) < 0)
        return -1;
    if (quote)
        (*p)[(*len)++] = '\'';
    for (size_t i = 0; i < n; i++) {
        if (quote && s[i] == '\'') {
            memcpy(*p + *len, "'\\''", 4);
            *len += 4;
        } else
            (*p)[(*len)++] = s[i];
    }
    if (quote)
        (*p)[(*len)++] = '\'';
    (*p)[*len] = 0;
    return 0;
}

static char *command_line(const char *command, const char *bucket, const char *key)
{
    char *p = NULL;
    size_t len = 0, cap = 0;
    for (const char *s = command; *s;) {
        const char *next = strchr(s, '{');
        if (!next)
            next = s + strlen(s);
        if (append(&p, &len, &cap, s, (size_t)(next - s), 0) < 0)
            goto oom;
        s = next;
        if (!*s)
            break;
        if (strncmp(s, "{bucket}", 8) == 0) {
            if (append(&p, &len, &cap, bucket, strlen(bucket), 1) < 0)
                goto oom;
            s += 8;
        } else if (strncmp(s, "{key}", 5) == 0) {
            if (append(&p, &len, &cap, key, strlen(key), 1) < 0)
                goto oom;
            s += 5;
        } else {
            if (append(&p, &len, &cap, s, 1, 0) < 0)
                goto oom;
            s++;
        }
    }
    if (!p && append(&p, &len, &cap, "", 0, 0) < 0)
        goto oom;
    return p;
oom:
    free(p);
    return NULL;
}

vpcflow_status vf_s3_fetch(const char *command, const char *bucket, const char *key, char **text, size_t *len,
                           vpcflow_error *err)
{
    *text = NULL;
    *len = 0;
    char *cmd = command_line(command, bucket, key);
    if (!cmd)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    FILE *f = popen(cmd, "r");
    if (!f) {
        free(cmd);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "cannot run the --fetch command");
    }
    char *p = NULL;
    size_t n = 0, cap = 0;
    int oom = 0;
    for (;;) {
        if (vf_grow(&p, &cap, n + 65536 + 1, 1) < 0) {
            oom = 1;
            break;
        }
        size_t k = fread(p + n, 1, 65536, f);
        n += k;
        if (k == 0 || n > MAX_OBJECT)
            break;
    }
    int status = pclose(f);
    vpcflow_status st = VPCFLOW_OK;
    if (oom)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    else if (n > MAX_OBJECT)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "s3://%s/%s: larger than 1 GiB", bucket, key);
    else if (status != 0)
        st = vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "s3://%s/%s: the --fetch command failed (%s, status %d)", bucket,
                      key, cmd, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    free(cmd);
    if (st != VPCFLOW_OK) {
        free(p);
        return st;
    }
    if (vf_is_gzip((const unsigned char *)p, n)) {
        char why[256], *plain = NULL;
        size_t plen = 0;
        int rc = vf_gunzip_all(p, n, &plain, &plen, MAX_OBJECT, why, sizeof why);
        free(p);
        if (rc < 0)
            return vf_error(err, rc == VF_GUNZIP_NOMEM ? VPCFLOW_ERR_IO : VPCFLOW_ERR_INPUT, NULL, 0, 0,
                            "s3://%s/%s: %s", bucket, key, why);
        p = plain;
        n = plen;
    }
    *text = p;
    *len = n;
    return VPCFLOW_OK;
}

static int hex(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

void vf_s3_key_decode(char *key)
{
    char *o = key;
    for (char *s = key; *s; s++) {
        if (*s == '+')
            *o++ = ' ';
        else if (*s == '%' && hex(s[1]) >= 0 && hex(s[2]) >= 0) {
            *o++ = (char)(hex(s[1]) * 16 + hex(s[2]));
            s += 2;
        } else
            *o++ = *s;
    }
    *o = 0;
}
