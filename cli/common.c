/* common.c — options, diagnostics, progress and exit statuses shared by the subcommands. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cli_common_help[] =
    "Input options (every command that reads flow logs):\n"
    "  --format SPEC     format of inputs without a header line, in AWS syntax:\n"
    "                    '${version} ${srcaddr} ...' (default: the version 2 default format)\n"
    "  -j, --threads N   worker threads (default: one per CPU)\n"
    "  --strict          stop at the first malformed line or unreadable input (exit\n"
    "                    status 1 or 2); without it an input that cannot be read (missing,\n"
    "                    truncated gzip or Parquet, changed while read) is named on stderr,\n"
    "                    what was read of it counts, the others are read, and the exit\n"
    "                    status is 3\n"
    "  --quiet           print no warnings or malformed-line reports\n"
    "  --progress        show progress on stderr (default: when stderr is a terminal)\n"
    "  --no-progress     never show progress\n"
    "\n"
    "PATH is a file (plain, gzip or Parquet), a directory (read recursively in sorted order,\n"
    "e.g. an S3 AWSLogs/ tree), or - for standard input. CloudWatch Logs exports,\n"
    "subscription payloads, Firehose S3 objects, the JSON of `aws logs filter-log-events`,\n"
    "`get-log-events` and `get-query-results` (with @message), and JSON lines of\n"
    "{\"message\": RECORD} are recognised by their content; line N of a JSON input is its\n"
    "Nth event. Parquet files (AWS's Parquet delivery, magic PAR1; not on standard input)\n"
    "are read as their text would be: columns named as the fields with '_' for '-', NULL\n"
    "for '-', line N of a file is its row N.\n";

void cli_common_init(cli_common *c)
{
    memset(c, 0, sizeof *c);
    c->progress = -1;
}

static void say(const char *prefix, const char *fmt, va_list ap)
{
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say("vpcflow: ", fmt, ap);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say("vpcflow: warning: ", fmt, ap);
    va_end(ap);
}

int cli_exit_status(vpcflow_status st)
{
    switch (st) {
    case VPCFLOW_OK:
    case VPCFLOW_ERR_STOPPED:
        return EXIT_OK;
    case VPCFLOW_ERR_INPUT:
        return EXIT_INPUT;
    default:
        return EXIT_RUNTIME;
    }
}

int cli_fail(vpcflow_status st, const vpcflow_error *err)
{
    char msg[2048];
    vpcflow_error_format(err, msg, sizeof msg);
    fprintf(stderr, "vpcflow: %s\n", msg);
    return cli_exit_status(st);
}

int cli_output_status(int failed)
{
    if (!failed)
        return EXIT_OK;
    cli_error("write error on standard output");
    return EXIT_RUNTIME;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vpcflow: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'vpcflow help %s'.\n", cmd);
    va_end(ap);
    return EXIT_INPUT;
}

int cli_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_common_opt(cli_common *c, int opt, const char *arg)
{
    uint64_t v;
    switch (opt) {
    case OPT_FORMAT:
        c->format = arg;
        return 1;
    case OPT_THREADS:
    case 'j':
        if (cli_parse_uint(arg, 256, &v) < 0 || v == 0) {
            cli_error("--threads takes a number from 1 to 256, not '%s'", arg);
            return -1;
        }
        c->threads = (unsigned)v;
        return 1;
    case OPT_STRICT:
        c->strict = 1;
        return 1;
    case OPT_QUIET:
        c->quiet = 1;
        return 1;
    case OPT_PROGRESS:
        c->progress = 1;
        return 1;
    case OPT_NO_PROGRESS:
        c->progress = 0;
        return 1;
    default:
        return 0;
    }
}

static void clear_progress(cli_common *c)
{
    if (c->progress_shown) {
        fputs("\r\033[K", stderr);
        c->progress_shown = 0;
    }
}

static void on_diag(void *ctx, const vpcflow_diag *d)
{
    cli_common *c = ctx;
    if (c->quiet)
        return;
    clear_progress(c);
    if (d->is_warning == VPCFLOW_DIAG_INPUT_FAILED && d->line)
        fprintf(stderr, "vpcflow: %s:%llu: %s\n", d->input, (unsigned long long)d->line, d->message);
    else if (d->is_warning == VPCFLOW_DIAG_INPUT_FAILED)
        fprintf(stderr, "vpcflow: %s: %s\n", d->input, d->message);
    else if (d->is_warning) {
        if (d->line)
            fprintf(stderr, "vpcflow: warning: %s:%llu: %s\n", d->input, (unsigned long long)d->line, d->message);
        else
            fprintf(stderr, "vpcflow: warning: %s: %s\n", d->input, d->message);
    } else
        fprintf(stderr, "%s:%llu: %s\n", d->input, (unsigned long long)d->line, d->message);
}

static void human(double v, char *buf, size_t cap)
{
    const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int i = 0;
    while (v >= 1024 && i < 4) {
        v /= 1024;
        i++;
    }
    snprintf(buf, cap, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    cli_common *c = ctx;
    char a[32], b[32];
    human((double)done, a, sizeof a);
    human((double)total, b, sizeof b);
    if (total)
        fprintf(stderr, "\r\033[Kreading %s of %s (%d%%)", a, b, (int)(done * 100 / (total ? total : 1)));
    else
        fprintf(stderr, "\r\033[Kreading %s", a);
    c->progress_shown = 1;
}

void cli_scan_options(cli_common *c, vpcflow_scan_options *o)
{
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->format = c->format;
    o->threads = c->threads;
    o->strict = c->strict;
    o->diag = on_diag;
    o->ctx = c;
    int show = c->progress < 0 ? isatty(2) && !c->quiet : c->progress;
    if (show)
        o->progress = on_progress;
}

void cli_after_scan(cli_common *c, const vpcflow_scan_stats *s)
{
    clear_progress(c);
    if (s->records_malformed && !c->quiet && !c->strict) {
        unsigned long long n = (unsigned long long)s->records_malformed;
        fprintf(stderr, "vpcflow: %llu malformed line%s skipped%s\n", n, n == 1 ? "" : "s",
                n > 10 ? " (the first 10 are listed above)" : "");
    }
    c->inputs_failed = s->inputs_failed;
    if (s->inputs_failed && !c->quiet) {
        unsigned long long n = (unsigned long long)s->inputs_failed;
        fprintf(stderr,
                "vpcflow: %llu of %llu input%s could not be read completely (named above): the result is partial\n", n,
                (unsigned long long)s->inputs, s->inputs == 1 ? "" : "s");
    }
}

int cli_done(const cli_common *c)
{
    return c->inputs_failed ? EXIT_PARTIAL : EXIT_OK;
}

int cli_finish(const cli_common *c, int write_failed)
{
    int rc = cli_output_status(write_failed);
    return rc != EXIT_OK ? rc : cli_done(c);
}

int cli_bad_option(const char *cmd, int opt, char **argv)
{
    const char *arg = argv[optind - 1];
    if (opt == ':') /* a missing value */
        return cli_usage(cmd, "option '%s' needs a value", arg);
    if (optopt && optopt < 0x100 && arg[0] == '-' && arg[1] != '-')
        return cli_usage(cmd, "unknown option '-%c'", optopt);
    return cli_usage(cmd, "unknown option '%s'", arg);
}
