/* notify_opts.h — --notify, --notify-rate and --notify-timeout, shared by alerts, watch and
 * lambda: parsing, starting the notifier, and its summary at the end. */
#ifndef VPCFLOW_CLI_NOTIFY_H
#define VPCFLOW_CLI_NOTIFY_H

#include "cli.h"

typedef struct cli_notify {
    const char *target;
    unsigned rate, timeout_s;
} cli_notify;

enum { CLI_NOTIFY, CLI_NOTIFY_RATE, CLI_NOTIFY_TIMEOUT };

#define CLI_NOTIFY_HELP                                                                                                \
    "  --notify URL|exec:CMD  also send each alert: POSTed as JSON to a webhook (a \"text\" line\n"                    \
    "                     for Slack and Teams, and the alert), or on the standard input of CMD\n"                      \
    "                     (sh -c); retried with backoff, never holding up the alerts (docs/notify.md)\n"               \
    "  --notify-rate N    at most N notifications per minute per rule (default 10); the same rule\n"                   \
    "                     and key are sent once an hour at most\n"                                                     \
    "  --notify-timeout SECS  of one delivery attempt (default 5)\n"

/* One of the options (which: CLI_NOTIFY…); returns -1 when taken, or an exit status. */
int cli_notify_opt(cli_notify *n, const char *cmd, int which, const char *arg);
/* The notifier, NULL without --notify; *rc gets an exit status when it could not start. */
vpcflow_notifier *cli_notify_start(const cli_notify *n, int *rc);
/* Waits at most wait_ms for what is queued, stops, and says on stderr what was not sent. */
void cli_notify_end(vpcflow_notifier *nt, unsigned wait_ms);

#endif
