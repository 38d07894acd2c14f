/* deliver.c — one attempt to hand a notification over: an HTTP POST of JSON with libcurl, or
 * the JSON on the standard input of `sh -c COMMAND` (killed when it outlives the timeout). */
#include "notify/deliver.h"

#include "notify/curl_lib.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    const atomic_int *abort = ctx;
    return abort && atomic_load(abort);
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    return size * n;
}

static int post(const char *url, const char *body, size_t len, unsigned timeout_ms, const atomic_int *abort, char *why,
                size_t cap)
{
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(why, cap, "cannot start an HTTP request");
        return VF_DELIVER_RETRY;
    }
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)abort);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "vpcflow");
    const char *ca = getenv("CURL_CA_BUNDLE"); /* the bundled library's default path may not exist here */
    if (ca && *ca)
        curl_easy_setopt(c, CURLOPT_CAINFO, ca);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
        snprintf(why, cap, "%s", curl_easy_strerror(rc));
        return VF_DELIVER_RETRY;
    }
    if (status >= 200 && status < 300)
        return VF_DELIVER_OK;
    snprintf(why, cap, "HTTP status %ld", status);
    return status >= 500 || status == 429 ? VF_DELIVER_RETRY : VF_DELIVER_FAILED;
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int run(const char *cmd, const char *body, size_t len, unsigned timeout_ms, const atomic_int *abort, char *why,
               size_t cap)
{
    int fd[2];
    if (pipe2(fd, O_CLOEXEC) < 0) {
        snprintf(why, cap, "pipe: %s", strerror(errno));
        return VF_DELIVER_RETRY;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        snprintf(why, cap, "fork: %s", strerror(errno));
        return VF_DELIVER_RETRY;
    }
    if (pid == 0) { /* only async-signal-safe calls from here */
        dup2(fd[0], 0);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(fd[0]);
    /* SIGPIPE is blocked in the delivering thread: a command that does not read gives EPIPE */
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd[1], body + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        off += (size_t)n;
    }
    while (write(fd[1], "\n", 1) < 0 && errno == EINTR) /* a JSON line */
        ;
    close(fd[1]);
    long long deadline = now_ms() + timeout_ms;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            snprintf(why, cap, "waitpid: %s", strerror(errno));
            return VF_DELIVER_RETRY;
        }
        if (now_ms() >= deadline || (abort && atomic_load(abort))) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            snprintf(why, cap, "command still running after %u ms: killed", timeout_ms);
            return VF_DELIVER_RETRY;
        }
        usleep(10000);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return VF_DELIVER_OK;
    if (WIFEXITED(status))
        snprintf(why, cap, "command exited with status %d", WEXITSTATUS(status));
    else
        snprintf(why, cap, "command killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return VF_DELIVER_RETRY;
}

int vf_deliver(const char *target, const char *body, size_t len, unsigned timeout_ms, const atomic_int *abort,
               char *why, size_t why_cap)
{
    why[0] = 0;
    if (strncmp(target, "exec:", 5) == 0)
        return run(target + 5, body, len, timeout_ms, abort, why, why_cap);
    return post(target, body, len, timeout_ms, abort, why, why_cap);
}
