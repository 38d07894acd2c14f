/* gen.c — vpcflow-gen: writes a deterministic VPC Flow Logs data set of a simulated network, its
 * topology JSON, and the exact ground truth vpcflow's answers are checked against. */
#include "gen.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: vpcflow-gen [options] OUTDIR\n"
    "       vpcflow-gen --scenario distinct --records N --distinct-sources M --heavy K\n"
    "                   [--seed S] --truth FILE --stdout\n"
    "\n"
    "Writes flow logs of a simulated VPC (web, app, RDS, NAT gateway, ALB, endpoints, Lambda,\n"
    "an unlogged subnet; internet, S3, inter-region, on-prem traffic; scanners, an SSH login\n"
    "and an egress spike), OUTDIR/topology/*.json and OUTDIR/truth.json. Same options, same\n"
    "bytes. See docs/generator.md.\n"
    "\n"
    "  --seed N            seed of every random choice (default 1)\n"
    "  --size SIZE         uncompressed record text to write, K/M/G = 2^10/2^20/2^30 (default 20M)\n"
    "  --records N         record lines to write instead of --size\n"
    "  --format F          default (version 2), v3 or v5 (default v3)\n"
    "  --layout L          s3 (gzip files in the AWSLogs/ tree), flat (OUTDIR/flows.log) or both\n"
    "                      (default s3)\n"
    "  --plain             write the s3 tree without gzip (.log)\n"
    "  --days N            days of traffic from 2026-11-01T00:00:00Z (default 1)\n"
    "  --plant-reuse       halfway through, the RDS standby's ENI is deleted and a new instance\n"
    "                      takes its address; OUTDIR/history/ holds the CloudTrail events, and\n"
    "                      describe-network-interfaces.json shows the end (docs/ownership.md)\n"
    "  --plant-chatty-db   app instances in us-east-1a read heavily from the RDS primary in\n"
    "                      us-east-1b: the costliest change is a replica (vpcflow advise)\n"
    "\n"
    "Scenario 'distinct' (default-format records on standard output, for memory tests):\n"
    "  --distinct-sources M  distinct external sources sending small flows\n"
    "  --heavy K             heavy hitters interleaved through the stream\n"
    "  --truth FILE          where the exact top K sources by bytes go\n";

enum {
    O_SEED = 256,
    O_SIZE,
    O_RECORDS,
    O_FORMAT,
    O_LAYOUT,
    O_PLAIN,
    O_DAYS,
    O_SCENARIO,
    O_DISTINCT,
    O_HEAVY,
    O_TRUTH,
    O_STDOUT,
    O_PLANT_REUSE,
    O_PLANT_CHATTY_DB
};

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (*s)
        return -1;
    *out = v;
    return 0;
}

/* "50M", "1G", "512K", "1000" (bytes); an optional B or iB after the unit. */
static int parse_size(const char *s, uint64_t *out)
{
    char num[32];
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9' && i < sizeof num - 1) {
        num[i] = s[i];
        i++;
    }
    num[i] = 0;
    uint64_t v;
    if (parse_u64(num, &v) < 0)
        return -1;
    const char *u = s + i;
    int shift = 0;
    if (*u == 'K' || *u == 'k')
        shift = 10;
    else if (*u == 'M' || *u == 'm')
        shift = 20;
    else if (*u == 'G' || *u == 'g')
        shift = 30;
    else if (*u == 'T' || *u == 't')
        shift = 40;
    if (shift)
        u++;
    if (strcmp(u, "") != 0 && strcmp(u, "B") != 0 && strcmp(u, "iB") != 0)
        return -1;
    if (shift && v > (UINT64_MAX >> shift))
        return -1;
    *out = v << shift;
    return 0;
}

static int bad(const char *opt, const char *arg)
{
    fprintf(stderr, "vpcflow-gen: bad value for %s: '%s'\nTry 'vpcflow-gen --help'.\n", opt, arg);
    return 2;
}

static int parse_args(int argc, char **argv, gen_opts *o)
{
    static const struct option longopts[] = {{"seed", required_argument, 0, O_SEED},
                                             {"size", required_argument, 0, O_SIZE},
                                             {"records", required_argument, 0, O_RECORDS},
                                             {"format", required_argument, 0, O_FORMAT},
                                             {"layout", required_argument, 0, O_LAYOUT},
                                             {"plain", no_argument, 0, O_PLAIN},
                                             {"days", required_argument, 0, O_DAYS},
                                             {"scenario", required_argument, 0, O_SCENARIO},
                                             {"distinct-sources", required_argument, 0, O_DISTINCT},
                                             {"heavy", required_argument, 0, O_HEAVY},
                                             {"truth", required_argument, 0, O_TRUTH},
                                             {"stdout", no_argument, 0, O_STDOUT},
                                             {"plant-reuse", no_argument, 0, O_PLANT_REUSE},
                                             {"plant-chatty-db", no_argument, 0, O_PLANT_CHATTY_DB},
                                             {"help", no_argument, 0, 'h'},
                                             {0, 0, 0, 0}};
    uint64_t v;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case O_SEED:
            if (parse_u64(optarg, &o->seed) < 0)
                return bad("--seed", optarg);
            break;
        case O_SIZE:
            if (parse_size(optarg, &o->size_bytes) < 0 || o->size_bytes == 0)
                return bad("--size", optarg);
            o->records = 0;
            break;
        case O_RECORDS:
            if (parse_u64(optarg, &o->records) < 0 || o->records == 0)
                return bad("--records", optarg);
            o->size_bytes = 0;
            break;
        case O_FORMAT:
            if (strcmp(optarg, "default") == 0 || strcmp(optarg, "v2") == 0)
                o->format = GEN_FMT_DEFAULT;
            else if (strcmp(optarg, "v3") == 0)
                o->format = GEN_FMT_V3;
            else if (strcmp(optarg, "v5") == 0)
                o->format = GEN_FMT_V5;
            else
                return bad("--format", optarg);
            break;
        case O_LAYOUT:
            if (strcmp(optarg, "s3") == 0)
                o->layout = GEN_LAYOUT_S3;
            else if (strcmp(optarg, "flat") == 0)
                o->layout = GEN_LAYOUT_FLAT;
            else if (strcmp(optarg, "both") == 0)
                o->layout = GEN_LAYOUT_BOTH;
            else
                return bad("--layout", optarg);
            break;
        case O_PLAIN:
            o->plain = 1;
            break;
        case O_DAYS:
            if (parse_u64(optarg, &v) < 0 || v == 0 || v > 3660)
                return bad("--days", optarg);
            o->days = (unsigned)v;
            break;
        case O_SCENARIO:
            if (strcmp(optarg, "distinct") != 0)
                return bad("--scenario", optarg);
            o->distinct = 1;
            break;
        case O_DISTINCT:
            if (parse_u64(optarg, &o->distinct_sources) < 0)
                return bad("--distinct-sources", optarg);
            break;
        case O_HEAVY:
            if (parse_u64(optarg, &o->heavy) < 0)
                return bad("--heavy", optarg);
            break;
        case O_TRUTH:
            o->truth_path = optarg;
            break;
        case O_PLANT_REUSE:
            o->plant_reuse = 1;
            break;
        case O_PLANT_CHATTY_DB:
            o->plant_chatty_db = 1;
            break;
        case O_STDOUT:
            o->to_stdout = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return -1;
        default:
            fputs("Try 'vpcflow-gen --help'.\n", stderr);
            return 2;
        }
    }
    if (o->distinct)
        return optind == argc ? 0 : bad("OUTDIR", argv[optind]);
    if (optind + 1 != argc) {
        fputs("vpcflow-gen: give one OUTDIR\nTry 'vpcflow-gen --help'.\n", stderr);
        return 2;
    }
    o->outdir = argv[optind];
    return 0;
}

/* Refuses a directory that holds anything: leftovers of another run would mix with this one. */
static int prepare_outdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        int empty = 1;
        while ((e = readdir(d)) && empty)
            empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
        closedir(d);
        if (!empty) {
            fprintf(stderr, "vpcflow-gen: %s is not empty; give a new or empty directory\n", dir);
            return -1;
        }
        return 0;
    }
    if (errno != ENOENT || gen_mkdirs(dir) != 0) {
        fprintf(stderr, "vpcflow-gen: cannot create %s\n", dir);
        return -1;
    }
    return 0;
}

static uint64_t expected_records(const gen_opts *o)
{
    if (o->records)
        return o->records;
    uint64_t line = o->format == GEN_FMT_DEFAULT ? 105 : o->format == GEN_FMT_V3 ? 190 : 245;
    return o->size_bytes / line + 1;
}

static void print_summary(const gen_opts *o, const gen_net *net, const gen_truth *t, const gen_planted *pl,
                          const gen_totals *tot, uint64_t files)
{
    static const char *const fmt[] = {"", "", "default", "v3", "", "v5"};
    static const char *const layout[] = {"", "s3", "flat", "both"};
    char line[512];
    fprintf(stderr, "vpcflow-gen: seed %llu, format %s, layout %s%s, %u day(s) from 2026-11-01T00:00:00Z\n",
            (unsigned long long)o->seed, fmt[o->format], layout[o->layout], o->plain ? " (plain)" : "", o->days);
    fprintf(stderr,
            "  network: %s 10.0.0.0/16, 7 subnets in 3 AZs (legacy-b unlogged), %zu ENIs: %zu web, %zu app, "
            "ALB x3, NAT, RDS x2, VPC endpoint, Lambda, 1 unlogged\n",
            net->vpc_id, net->neni, net->nweb, net->napp);
    fprintf(stderr, "  wrote %llu file(s), %llu record lines, %llu bytes of record text\n", (unsigned long long)files,
            (unsigned long long)tot->records, (unsigned long long)tot->text_bytes);
    gen_truth_summary_line(t, line, sizeof line);
    fprintf(stderr, "  truth: %s\n", line);
    fprintf(stderr,
            "  planted: internal scanner %s (%llu ports x %llu hosts), internet scanners %s %s %s, "
            "SSH login %s -> %s, egress spike %s (%llu bytes vs %llu per 10 min), unlogged %s, NAT %s\n",
            pl->iscan->ep4.txt, (unsigned long long)pl->iscan_ports, (unsigned long long)pl->iscan_hosts,
            pl->xscan[0].src.txt, pl->xscan[1].src.txt, pl->xscan[2].src.txt, pl->ssh_src.txt, pl->ssh_dst->ep4.txt,
            pl->spike->instance, (unsigned long long)pl->spike_bytes, (unsigned long long)pl->spike_baseline,
            net->enis[net->legacy].id, net->enis[net->nat].id);
    fprintf(stderr, "  ground truth in %s/truth.json, topology in %s/topology/\n", o->outdir, o->outdir);
}

static int generate(const gen_opts *o)
{
    if (prepare_outdir(o->outdir) != 0)
        return 1;
    gen_rng rng;
    gen_rng_seed(&rng, o->seed);
    gen_net net;
    uint64_t expect = expected_records(o);
    gen_net_build(&net, &rng, expect);
    if (o->plant_reuse)
        gen_net_plant_reuse(&net, &rng, GEN_T0 + (int64_t)o->days * 86400 / 2);
    if (gen_net_write_topology(&net, o->outdir) != 0 || gen_net_write_history(&net, o->outdir) != 0)
        return 1;
    gen_truth *truth = gen_truth_new(&net, o->days);
    uint64_t expect_bytes = o->size_bytes ? o->size_bytes : expect * 200;
    gen_out *out = gen_out_new(o, &net, expect_bytes);
    gen_planted pl;
    memset(&pl, 0, sizeof pl);
    gen_totals tot = {0, 0};
    int rc = gen_traffic_run(o, &net, &rng, truth, out, &pl, &tot);
    uint64_t files = 0;
    if (gen_out_finish(out, &files) != 0)
        rc = 1;
    char path[4096];
    snprintf(path, sizeof path, "%s/truth.json", o->outdir);
    if (rc == 0 && gen_truth_write(truth, path, o, &net, &pl, files) != 0)
        rc = 1;
    if (rc == 0)
        print_summary(o, &net, truth, &pl, &tot, files);
    gen_truth_free(truth);
    gen_net_free(&net);
    return rc;
}

int main(int argc, char **argv)
{
    gen_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 1;
    o.size_bytes = UINT64_C(20) << 20;
    o.format = GEN_FMT_V3;
    o.layout = GEN_LAYOUT_S3;
    o.days = 1;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (o.distinct)
        return gen_distinct_run(&o);
    return generate(&o);
}
