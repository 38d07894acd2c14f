/* notify_opts.c — the notification options of alerts, watch and lambda. */
#include "notify_opts.h"

#include <stdio.h>
#include <string.h>

int cli_notify_opt(cli_notify *n, const char *cmd, int which, const char *arg)
{
    uint64_t v;
    switch (which) {
    case CLI_NOTIFY:
        if (strncmp(arg, "http://", 7) != 0 && strncmp(arg, "https://", 8) != 0 &&
            (strncmp(arg, "exec:", 5) != 0 || !arg[5]))
            return cli_usage(cmd, "--notify takes an http:// or https:// URL, or exec:COMMAND, not '%s'", arg);
        n->target = arg;
        return -1;
    case CLI_NOTIFY_RATE:
        if (cli_parse_uint(arg, 100000, &v) < 0 || v == 0)
            return cli_usage(cmd, "--notify-rate takes a number of alerts per minute from 1 to 100000, not '%s'", arg);
        n->rate = (unsigned)v;
        return -1;
    default:
        if (cli_parse_uint(arg, 600, &v) < 0 || v == 0)
            return cli_usage(cmd, "--notify-timeout takes seconds from 1 to 600, not '%s'", arg);
        n->timeout_s = (unsigned)v;
        return -1;
    }
}

static void say(void *ctx, const char *message)
{
    cli_warn("%s", message);
}

vpcflow_notifier *cli_notify_start(const cli_notify *n, int *rc)
{
    *rc = -1;
    if (!n->target)
        return NULL;
    vpcflow_notify_options o = {sizeof o, n->target, n->rate, n->timeout_s * 1000, 0, 0, say, NULL};
    vpcflow_notifier *nt = NULL;
    vpcflow_error err;
    vpcflow_status st = vpcflow_notifier_new(&o, &nt, &err);
    if (st != VPCFLOW_OK)
        *rc = cli_fail(st, &err);
    return nt;
}

void cli_notify_end(vpcflow_notifier *nt, unsigned wait_ms)
{
    if (!nt)
        return;
    vpcflow_notifier_stop(nt, wait_ms);
    vpcflow_notify_stats s;
    vpcflow_notifier_stats(nt, &s);
    vpcflow_notifier_free(nt);
    if (s.failed || s.limited || s.dropped)
        cli_warn("notify: %llu sent, %llu failed, %llu over --notify-rate, %llu dropped (queue full or still "
                 "waiting at the end), %llu repeated within the hour",
                 (unsigned long long)s.sent, (unsigned long long)s.failed, (unsigned long long)s.limited,
                 (unsigned long long)s.dropped, (unsigned long long)s.duplicates);
}
