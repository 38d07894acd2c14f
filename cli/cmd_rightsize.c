/* cmd_rightsize.c — `vpcflow rightsize`: is an instance oversized, and should it be reserved?
 * Options and printing; the decisions are lib/rightsize/ (docs/rightsize.md). */
#include "cli.h"
#include "base/text.h"
#include "rightsize/rightsize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_rightsize_help[] =
    "Usage: vpcflow rightsize [options] METRICS...\n"
    "\n"
    "Right-size EC2 instances before reserving them. METRICS are the CPUUtilization (and,\n"
    "when the CloudWatch agent publishes it, memory) of one or more instances, as the AWS\n"
    "CLI prints them (`aws cloudwatch get-metric-statistics`, `get-metric-data`) or as CSV\n"
    "`timestamp,value`; files or directories. The instance id comes from the file name\n"
    "(i-0123...), else from the document. For each instance: the p99 of its hourly CPU\n"
    "maxima plus 20% headroom must fit the recommended type's vCPUs (scaled by per-vCPU\n"
    "performance); idle (max CPU <= 2%) is its own verdict; fewer than 14 days, gaps over\n"
    "10% or a trend that outgrows the type within the term say \"observe longer\"; then\n"
    "every Reserved Instance option of the recommended type against on-demand, with its\n"
    "break-even. Savings are per 730-hour month on demand (docs/rightsize.md).\n"
    "\n"
    "  --type TYPE       the current instance type (m4.large), for instances that\n"
    "                    --instances does not name\n"
    "  --instances FILE  `aws ec2 describe-instances` JSON: each instance's type, state,\n"
    "                    tags (Name, owner, aws:autoscaling:groupName)\n"
    "  --any-family      candidates of every family, burstable ones among them (default:\n"
    "                    the current family only)\n"
    "  --min-memory GIB  never recommend less memory than this (without a memory metric,\n"
    "                    candidates may have less memory than the current type)\n"
    "  --percentile P    the percentile of the hourly maxima that must fit (default 99)\n"
    "  --headroom PCT    added to it (default 20)\n"
    "  --term 1|3        the RI term, in years, the load must hold for (default 1)\n"
    "  --reserved OPT    the RI bought, or considered, for the current type: 1y, 3y,\n"
    "                    1y-convertible, 3y-standard-all-upfront, ... (default 1y: standard,\n"
    "                    no upfront); its waste at the current size is shown\n"
    "  --prices FILE     the AWS Price List bulk CSV for EC2 (index.csv, streamed) instead\n"
    "                    of the built-in us-east-1 catalog\n"
    "  --region REGION   the region of --prices (default us-east-1)\n"
    "  --os NAME         the operating system of --prices (default Linux)\n"
    "  -o, --output table|json|csv  a table (default), a JSON array or CSV: one row per\n"
    "                    instance with current_type, recommended_type, verdict,\n"
    "                    monthly_saving_usd, ri_verdict, ri_saving_usd and the evidence\n"
    "\n"
    "Examples:\n"
    "  vpcflow rightsize --type m4.large --any-family cpu-i-0a1b2c3d4e5f60718.json\n"
    "  vpcflow rightsize --instances instances.json -o json metrics/\n"
    "  vpcflow rightsize --prices index.csv --type m5.2xlarge --min-memory 16 cpu.csv\n";

enum {
    OPT_TYPE = 0x200,
    OPT_INSTANCES,
    OPT_ANY,
    OPT_MINMEM,
    OPT_PCT,
    OPT_HEAD,
    OPT_TERM,
    OPT_RESERVED,
    OPT_RS_PRICES,
    OPT_RS_REGION,
    OPT_OS,
    OPT_RS_HELP
};

static int number_opt(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static double r4(double x)
{
    return round(x * 10000) / 10000;
}

/* JSON written as it goes, without allocating: strings through the library's escaper (bytes
 * that are not UTF-8 become U+FFFD), numbers rounded to 4 decimals (money to cents already). */
static void jstr(const char *key, const char *v, int last)
{
    printf("\"%s\": ", key);
    vf_put_json_file(stdout, v, strlen(v));
    fputs(last ? "" : ", ", stdout);
}

static void jnum(const char *key, double v, int last)
{
    printf("\"%s\": %.10g%s", key, r4(v), last ? "" : ", ");
}

static void print_json_row(const vf_rs_result *r, const vf_rs_options *o, int first)
{
    fputs(first ? "[\n  {" : ",\n  {", stdout);
    jstr("instance", r->instance, 0);
    jstr("current_type", r->current, 0);
    jstr("recommended_type", r->recommended, 0);
    jstr("verdict", r->verdict, 0);
    jnum("monthly_saving_usd", r->monthly_saving, 0);
    jstr("ri_verdict", r->ri_verdict, 0);
    jstr("ri_option", vf_rs_option_name(r->ri_option), 0);
    jnum("ri_saving_usd", r->ri_saving, 0);
    jnum("ri_waste_usd", r->ri_waste, 0);
    jnum("ri_count", r->ri_count, 1);
    fputs(",\n   \"evidence\": {", stdout);
    jnum("days", r->days, 0);
    jnum("hours_observed", r->observed_hours, 0);
    jnum("gap_pct", r->gap_pct, 0);
    jnum("percentile", o->percentile, 0);
    jnum("cpu_percentile_pct", r->cpu_p, 0);
    jnum("cpu_max_pct", r->cpu_max, 0);
    jnum("cpu_median_pct", r->cpu_p50, 0);
    jnum("cpu_needed_pct", r->need_pct, 0);
    jnum("capacity_pct", r->capacity_pct, 0);
    jnum("trend_pct_per_day", r->trend_per_day, 0);
    jnum("projected_pct", r->projected, 0);
    printf("\"memory_observed\": %s, ", r->memory_observed ? "true" : "false");
    jnum("current_memory_gib", r->cur_mem_gib, 0);
    jnum("recommended_memory_gib", r->rec_mem_gib, 0);
    fputs("\"notes\": [", stdout);
    for (const char *p = r->notes; *p;) {
        const char *e = strstr(p, "; ");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        fputs(p == r->notes ? "\n    " : ",\n    ", stdout);
        vf_put_json_file(stdout, p, n);
        p += n + (e ? 2 : 0);
    }
    fputs("]},\n   \"questions\": {", stdout);
    jstr("load_certainty", r->q_certain, 0);
    jstr("seen_on_other_sizes", r->q_other_sizes, 0);
    jstr("load_holds_for_term", r->q_holds, 0);
    jstr("autoscaling_could_cover_peaks", r->q_autoscaling, 0);
    jstr("saving_worth_the_effort", r->q_worth, 1);
    fputs("},\n   \"ri_options\": [", stdout);
    int shown = 0;
    for (int i = 0; i < VF_RS_OPTIONS; i++) {
        const vf_rs_ri *x = &r->ri[i];
        if (!x->offered)
            continue;
        fputs(shown++ ? ",\n    {" : "\n    {", stdout);
        jstr("option", vf_rs_option_name(i), 0);
        jnum("upfront_usd", x->upfront, 0);
        jnum("hourly_usd", x->hourly, 0);
        jnum("term_total_usd", x->total, 0);
        jnum("on_demand_total_usd", x->od_total, 0);
        jnum("saving_usd", x->saving, 0);
        jnum("break_even_utilisation", x->break_even, 1);
        putchar('}');
    }
    fputs("]}", stdout);
}

static void csv_cell(const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"')
                putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    putchar(last ? '\n' : ',');
}

static void print_csv(const vf_rs_result *r, size_t n)
{
    puts("instance,current_type,recommended_type,verdict,monthly_saving_usd,ri_verdict,ri_option,ri_saving_usd,"
         "ri_waste_usd,days,gap_pct,cpu_percentile_pct,cpu_max_pct,memory_observed,evidence");
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        csv_cell(r[i].instance, 0);
        csv_cell(r[i].current, 0);
        csv_cell(r[i].recommended, 0);
        csv_cell(r[i].verdict, 0);
        printf("%.2f,", r[i].monthly_saving);
        csv_cell(r[i].ri_verdict, 0);
        csv_cell(vf_rs_option_name(r[i].ri_option), 0);
        printf("%.2f,%.2f,%.1f,%.1f,%.1f,%.1f,%s,", r[i].ri_saving, r[i].ri_waste, r[i].days, r[i].gap_pct, r[i].cpu_p,
               r[i].cpu_max, r[i].memory_observed ? "true" : "false");
        (void)buf;
        csv_cell(r[i].notes, 1);
    }
}

static void print_table(const vf_rs_result *r, size_t n, const vf_rs_options *o, const char *source)
{
    printf("%-20s %-12s %-12s %-15s %11s  %-18s %12s\n", "INSTANCE", "CURRENT", "RECOMMENDED", "VERDICT", "SAVING/MO",
           "RI", "RI SAVING/YR");
    for (size_t i = 0; i < n; i++) {
        char sav[32], ris[32];
        snprintf(sav, sizeof sav, "$%.2f", r[i].monthly_saving);
        snprintf(ris, sizeof ris, "$%.2f", r[i].ri_saving);
        printf("%-20s %-12s %-12s %-15s %11s  %-18s %12s\n", r[i].instance, r[i].current, r[i].recommended,
               r[i].verdict, sav, r[i].ri_verdict, ris);
        printf("  cpu: p%g %.1f%%, max %.1f%% of %g vCPUs over %.1f days; needs %.1f%% with %g%% headroom; %s has "
               "%.0f%%\n",
               o->percentile, r[i].cpu_p, r[i].cpu_max, r[i].cur_vcpu, r[i].days, r[i].need_pct, o->headroom,
               strcmp(r[i].recommended, "-") ? r[i].recommended : r[i].current, r[i].capacity_pct);
        for (const char *p = r[i].notes; *p;) {
            const char *e = strstr(p, "; ");
            size_t len = e ? (size_t)(e - p) : strlen(p);
            printf("  - %.*s\n", (int)len, p);
            p += len + (e ? 2 : 0);
        }
        printf("  how certain is the load?        %s\n", r[i].q_certain);
        printf("  seen on other sizes?            %s\n", r[i].q_other_sizes);
        printf("  will it hold for the term?      %s\n", r[i].q_holds);
        printf("  could auto-scaling cover peaks? %s\n", r[i].q_autoscaling);
        printf("  is the saving worth the effort? %s\n", r[i].q_worth);
    }
    printf("Savings: on demand, a month of 730 hours; RI per year. Prices: %s.\n", source);
}

int cmd_rightsize(int argc, char **argv)
{
    static const struct option longopts[] = {{"type", required_argument, 0, OPT_TYPE},
                                             {"instances", required_argument, 0, OPT_INSTANCES},
                                             {"any-family", no_argument, 0, OPT_ANY},
                                             {"min-memory", required_argument, 0, OPT_MINMEM},
                                             {"percentile", required_argument, 0, OPT_PCT},
                                             {"headroom", required_argument, 0, OPT_HEAD},
                                             {"term", required_argument, 0, OPT_TERM},
                                             {"reserved", required_argument, 0, OPT_RESERVED},
                                             {"prices", required_argument, 0, OPT_RS_PRICES},
                                             {"region", required_argument, 0, OPT_RS_REGION},
                                             {"os", required_argument, 0, OPT_OS},
                                             {"output", required_argument, 0, 'o'},
                                             {"help", no_argument, 0, OPT_RS_HELP},
                                             {0}};
    vf_rs_options o;
    vf_rs_options_init(&o);
    const char *type = NULL, *instances = NULL, *prices = NULL, *region = "us-east-1", *os = "Linux";
    int output = 0; /* 0 table, 1 json, 2 csv */
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_TYPE:
            type = optarg;
            break;
        case OPT_INSTANCES:
            instances = optarg;
            break;
        case OPT_ANY:
            o.any_family = 1;
            break;
        case OPT_MINMEM:
            if (number_opt(optarg, 0, 1e6, &o.min_memory))
                return cli_usage("rightsize", "--min-memory takes GiB (16, 0.5), not '%s'", optarg);
            break;
        case OPT_PCT:
            if (number_opt(optarg, 1, 100, &o.percentile))
                return cli_usage("rightsize", "--percentile takes 1 to 100, not '%s'", optarg);
            break;
        case OPT_HEAD:
            if (number_opt(optarg, 0, 1000, &o.headroom))
                return cli_usage("rightsize", "--headroom takes a percent (0 to 1000), not '%s'", optarg);
            break;
        case OPT_TERM:
            if (strcmp(optarg, "1") && strcmp(optarg, "3"))
                return cli_usage("rightsize", "--term takes 1 or 3 (years), not '%s'", optarg);
            o.term_years = atoi(optarg);
            break;
        case OPT_RESERVED:
            if ((o.reserved = vf_rs_option_parse(optarg)) < 0)
                return cli_usage("rightsize",
                                 "--reserved takes 1y or 3y, then -standard or -convertible, then -no-upfront, "
                                 "-partial-upfront or -all-upfront (3y-convertible-all-upfront), not '%s'",
                                 optarg);
            break;
        case OPT_RS_PRICES:
            prices = optarg;
            break;
        case OPT_RS_REGION:
            region = optarg;
            break;
        case OPT_OS:
            os = optarg;
            break;
        case 'o':
            if (!strcmp(optarg, "table"))
                output = 0;
            else if (!strcmp(optarg, "json"))
                output = 1;
            else if (!strcmp(optarg, "csv"))
                output = 2;
            else
                return cli_usage("rightsize", "--output takes table, json or csv, not '%s'", optarg);
            break;
        case 'h':
        case OPT_RS_HELP:
            fputs(cmd_rightsize_help, stdout);
            return EXIT_OK;
        default:
            return cli_bad_option("rightsize", opt, argv);
        }
    }
    if (optind >= argc)
        return cli_usage("rightsize", "rightsize needs METRICS: CloudWatch CPUUtilization files or directories");
    if (!prices && strcmp(region, "us-east-1"))
        return cli_usage("rightsize", "the built-in catalog is us-east-1's: for %s give its Price List CSV (--prices)",
                         region);
    vpcflow_error err;
    vpcflow_status st;
    vf_rs_catalog cat;
    vf_rs_metrics m = {0};
    vf_rs_instances x = {0};
    vf_rs_result *res = NULL;
    int rc = EXIT_OK;
    if (prices) {
        memset(&cat, 0, sizeof cat);
        vf_rs_pricelist_stats ps;
        st = vf_rs_pricelist_load(&cat, prices, region, os, &ps, &err);
        if (!st && !cat.n)
            st = vf_error(&err, VPCFLOW_ERR_INPUT, prices, 0, 0, "no %s %s row with shared tenancy in %llu rows",
                          region, os, (unsigned long long)ps.rows);
    } else {
        st = vf_rs_catalog_builtin(&cat, &err);
    }
    if (st)
        return cli_fail(st, &err);
    if (instances && (st = vf_rs_instances_load(&x, instances, &err)) != VPCFLOW_OK)
        goto fail;
    for (int i = optind; i < argc; i++)
        if ((st = vf_rs_metrics_load(&m, argv[i], &err)) != VPCFLOW_OK)
            goto fail;
    if (!m.n) {
        st = vf_error(&err, VPCFLOW_ERR_INPUT, argv[optind], 0, 0, "no metrics found");
        goto fail;
    }
    res = calloc(m.n, sizeof *res);
    if (!res) {
        st = vf_error(&err, VPCFLOW_ERR_IO, "", 0, 0, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < m.n; i++) {
        const vf_rs_instance *in = vf_rs_instances_find(&x, m.s[i].instance);
        const char *t = in ? in->type : type;
        if (!t) {
            st = vf_error(&err, VPCFLOW_ERR_INPUT, m.s[i].file, 0, 0,
                          "instance %s: its type is unknown: give --type or --instances", m.s[i].instance);
            goto fail;
        }
        const vf_rs_type *cur = vf_rs_catalog_find(&cat, t);
        if (!cur) {
            st = vf_error(&err, VPCFLOW_ERR_INPUT, m.s[i].file, 0, 0, "instance %s: type %s is not in the %s",
                          m.s[i].instance, t, prices ? "price list" : "built-in catalog (--prices FILE has them all)");
            goto fail;
        }
        if ((st = vf_rs_decide(&cat, &o, &m.s[i], cur, in, &res[i], &err)) != VPCFLOW_OK)
            goto fail;
        vf_rs_other_sizes(&x, in, &res[i]);
        if (in && strcmp(in->platform, "linux"))
            cli_warn("instance %s runs %s: the prices are %s's", in->id, in->platform, os);
        if (in && in->state[0] && strcmp(in->state, "running"))
            cli_warn("instance %s is %s", in->id, in->state);
    }
    vf_rs_groups(&m, &x, res, m.n);
    if (output == 1) {
        for (size_t i = 0; i < m.n; i++)
            print_json_row(&res[i], &o, i == 0);
        fputs("\n]\n", stdout);
    } else if (output == 2) {
        print_csv(res, m.n);
    } else {
        print_table(res, m.n, &o, cat.source);
    }
    rc = cli_output_status(fflush(stdout) != 0);
    goto done;
fail:
    rc = cli_fail(st, &err);
done:
    free(res);
    vf_rs_metrics_free(&m);
    vf_rs_instances_free(&x);
    vf_rs_catalog_free(&cat);
    return rc;
}
