/* analysis_opts.c — the options summary, top and timeline share: topology inputs, prices, filters. */
#include "analysis_opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char cli_analysis_help[] =
    "Topology (each may be given several times; all optional):\n"
    "  --subnets FILE    output of `aws ec2 describe-subnets` (subnet CIDRs and AZs)\n"
    "  --enis FILE       output of `aws ec2 describe-network-interfaces` (who owns each address)\n"
    "  --ip-ranges FILE  AWS ip-ranges.json (which public addresses are AWS services, and where)\n"
    "  --topology FILE   vpcflow's own small topology file instead (docs/topology.md)\n"
    "  --region REGION   home region (default: from the subnets, else the price table's)\n"
    "  --history PATH    who owned each address when: CloudTrail logs (files or the S3 tree),\n"
    "                    `aws cloudtrail lookup-events` output, AWS Config history; each\n"
    "                    record gets the owner of its time, --enis where the history is\n"
    "                    silent (docs/ownership.md)\n"
    "\n"
    "Cost:\n"
    "  --prices FILE     override the built-in us-east-1 price table (docs/prices.md)\n"
    "  --free-tier       subtract the 100 GB/month internet-out free allowance\n"
    "\n"
    "Selection:\n"
    "  --action ACCEPT|REJECT   only records with this action (default: both; rejected bytes\n"
    "                           crossed the network too)\n"
    "  --since T, --until T     only records overlapping [since, until); T is a Unix time (ms\n"
    "                           above 10^11), an ISO date (2026-11-01 or 2026-11-01T10:00:00Z),\n"
    "                           or a duration back from now (90m, 6h, 2d)\n"
    "  --memory SIZE     memory for the whole run (default 512M, 11M to 4T): each reading\n"
    "                    thread's buffers (6 MiB; fewer threads when they would take over\n"
    "                    half) and the group tables, which get the rest; beyond it results\n"
    "                    become heavy-hitter estimates with a printed error bound\n"
    "  --no-dedup        count every record as logged, as a SQL GROUP BY would: a flow seen\n"
    "                    by both of its ENIs then counts twice\n";

void cli_analysis_init(cli_analysis *a)
{
    memset(a, 0, sizeof *a);
}

static int push(const char **v, size_t *n, const char *arg, const char *what)
{
    if (*n >= CLI_MAX_FILES) {
        cli_error("at most %d %s files", CLI_MAX_FILES, what);
        return -1;
    }
    v[(*n)++] = arg;
    return 1;
}

int cli_parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *s == '-' || (*s < '0' || *s > '9'))
        return -1;
    int too_big = errno == ERANGE;
    uint64_t mul = 1;
    switch (*end) {
    case 'k':
    case 'K':
        mul = 1ull << 10;
        end++;
        break;
    case 'm':
    case 'M':
        mul = 1ull << 20;
        end++;
        break;
    case 'g':
    case 'G':
        mul = 1ull << 30;
        end++;
        break;
    case 't':
    case 'T':
        mul = 1ull << 40;
        end++;
        break;
    case 0:
        break;
    default:
        return -1;
    }
    if (*end == 'i' || *end == 'B')
        end += *end == 'i' ? 1 : 0;
    if (*end == 'B')
        end++;
    if (*end)
        return -1;
    if (too_big || v > UINT64_MAX / mul)
        return -2;
    *out = v * mul;
    return 0;
}

/* Unix seconds of a time argument: digits, an ISO date/time, or a duration back from now. */
int cli_parse_time(const char *s, int64_t *out)
{
    size_t len = strlen(s);
    if (!len)
        return -1;
    char last = s[len - 1];
    if ((last == 's' || last == 'm' || last == 'h' || last == 'd' || last == 'w') && len > 1) {
        uint64_t v;
        char num[32];
        if (len - 1 >= sizeof num)
            return -1;
        memcpy(num, s, len - 1);
        num[len - 1] = 0;
        if (cli_parse_uint(num, UINT32_MAX, &v) < 0)
            return -1;
        int64_t unit = last == 's' ? 1 : last == 'm' ? 60 : last == 'h' ? 3600 : last == 'd' ? 86400 : 604800;
        *out = (int64_t)time(NULL) - (int64_t)v * unit;
        return 0;
    }
    uint64_t v;
    if (cli_parse_uint(s, INT64_MAX, &v) == 0) {
        /* as in records: seconds up to 10^11 (the year 5138), milliseconds above, up to 10^14 */
        if (v > UINT64_C(100000000000)) {
            if (v > UINT64_C(100000000000000))
                return -1;
            v /= 1000;
        }
        *out = (int64_t)v;
        return 0;
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *rest = strptime(s, "%Y-%m-%d", &tm);
    if (!rest)
        return -1;
    if (*rest == 'T' || *rest == ' ') {
        rest = strptime(rest + 1, "%H:%M", &tm);
        if (rest && *rest == ':')
            rest = strptime(rest + 1, "%S", &tm);
        if (rest && *rest == 'Z')
            rest++;
    }
    if (!rest || *rest)
        return -1;
    *out = (int64_t)timegm(&tm);
    return 0;
}

int cli_analysis_opt(cli_analysis *a, int opt, const char *arg)
{
    uint64_t v;
    int rc;
    switch (opt) {
    case OPT_SUBNETS:
        return push(a->subnets, &a->nsubnets, arg, "--subnets");
    case OPT_ENIS:
        return push(a->enis, &a->nenis, arg, "--enis");
    case OPT_IPRANGES:
        return push(a->ipranges, &a->nipranges, arg, "--ip-ranges");
    case OPT_TOPOLOGY:
        return push(a->topology, &a->ntopology, arg, "--topology");
    case OPT_HISTORY:
        return push(a->history, &a->nhistory, arg, "--history");
    case OPT_PRICES:
        a->prices = arg;
        return 1;
    case OPT_REGION:
        a->region = arg;
        return 1;
    case OPT_FREE_TIER:
        a->free_tier = 1;
        return 1;
    case OPT_ACTION:
        if (strcmp(arg, "ACCEPT") == 0 || strcmp(arg, "accept") == 0)
            a->action = VPCFLOW_ACTION_ACCEPT;
        else if (strcmp(arg, "REJECT") == 0 || strcmp(arg, "reject") == 0)
            a->action = VPCFLOW_ACTION_REJECT;
        else {
            cli_error("--action takes ACCEPT or REJECT, not '%s'", arg);
            return -1;
        }
        return 1;
    case OPT_SINCE:
    case OPT_UNTIL:
        if (cli_parse_time(arg, opt == OPT_SINCE ? &a->since : &a->until) < 0) {
            cli_error("%s takes a Unix time, a date like 2026-11-01T10:00:00Z or a duration like 6h, not '%s'",
                      opt == OPT_SINCE ? "--since" : "--until", arg);
            return -1;
        }
        return 1;
    case OPT_NO_DEDUP:
        a->no_dedup = 1;
        return 1;
    case OPT_MEMORY:
        rc = cli_parse_size(arg, &v);
        if (rc == -1) {
            cli_error("--memory takes a size such as 512M, 2G or 1T, not '%s'", arg);
            return -1;
        }
        if (rc == -2 || v > CLI_MEMORY_MAX) {
            cli_error("--memory %s is larger than the maximum 4T", arg);
            return -1;
        }
        if (v < CLI_MEMORY_MIN) {
            cli_error("--memory %s is smaller than the minimum 11M", arg);
            return -1;
        }
        a->memory = (size_t)v;
        return 1;
    default:
        return 0;
    }
}

void cli_analysis_options(cli_analysis *a, cli_common *c, vpcflow_analysis_options *o)
{
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    cli_scan_options(c, &o->scan);
    o->subnets = a->subnets;
    o->nsubnets = a->nsubnets;
    o->enis = a->enis;
    o->nenis = a->nenis;
    o->ip_ranges = a->ipranges;
    o->nip_ranges = a->nipranges;
    o->topology = a->topology;
    o->ntopology = a->ntopology;
    o->history = a->history;
    o->nhistory = a->nhistory;
    o->prices = a->prices;
    o->region = a->region;
    o->free_tier = a->free_tier;
    o->action = a->action;
    o->since = a->since;
    o->until = a->until;
    o->memory_limit = a->memory;
    o->no_dedup = a->no_dedup;
}

int cli_getopt(int argc, char **argv, const char *optstring, const struct option *longopts, cli_common *c,
               cli_analysis *an)
{
    int opt;
    while ((opt = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
        int r = cli_common_opt(c, opt, optarg);
        if (!r && an)
            r = cli_analysis_opt(an, opt, optarg);
        if (r < 0)
            return CLI_OPT_BAD;
        if (!r)
            return opt;
    }
    return -1;
}

int cli_parse_every(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || v <= 0)
        return -1;
    int64_t unit = 1;
    if (*end == 's')
        end++;
    else if (*end == 'm')
        unit = 60, end++;
    else if (*end == 'h')
        unit = 3600, end++;
    else if (*end == 'd')
        unit = 86400, end++;
    if (*end || v > INT64_MAX / unit / 2)
        return -1;
    *out = v * unit;
    return 0;
}
