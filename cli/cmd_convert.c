/* cmd_convert.c — `vpcflow convert`: the records with vpcflow's enrichment as Parquet, CSV or
 * JSON lines files, one per input file and partition (docs/export.md). */
#include "analysis_opts.h"

#include <stdio.h>
#include <string.h>

const char cmd_convert_help[] =
    "Usage: vpcflow convert --to parquet|csv|jsonl --out DIR [--partition day|hour] [options] PATH...\n"
    "\n"
    "Writes every record of the inputs (NODATA and SKIPDATA too) as one row of the exported\n"
    "columns (docs/export.md): all the AWS fields of versions 2 to 8 under AWS's Parquet names\n"
    "('-' becomes '_'; NULL where an input's format lacks the field, so files of any formats\n"
    "make one table), then vpcflow's enrichment: class, src_az, dst_az, src_owner, dst_owner,\n"
    "dedup, dedup_eni, dedup_eni2, dedup_peer, nat_peer, nat_processing, cost_num. Query them\n"
    "with DuckDB, Athena, Spark; `vpcflow sql summary --dialect duckdb --parquet DIR` prints\n"
    "the SQL that gives `vpcflow summary`'s answer from them.\n"
    "\n"
    "  --to KIND         parquet (zstd pages, dictionaries for repetitive text), csv (a header\n"
    "                    line, NULL as an empty cell) or jsonl (NULL as null, numbers as\n"
    "                    numbers, cost_num as a string of digits)\n"
    "  --out DIR         where the files go (created when missing)\n"
    "  --partition day|hour  Hive partitions by the record's start (UTC):\n"
    "                    DIR/year=YYYY/month=MM/day=DD[/hour=HH]/; records without a start go\n"
    "                    to year=0000/month=00/day=00[/hour=00]. Default: no partitions\n"
    "  --compression C   Parquet page codec: zstd (default), snappy, gzip or none\n"
    "\n"
    "Files: one per input file and partition, named part-<16 hex>.EXT, the hex a hash of the\n"
    "input's path as given: convert each input in its own process (xargs -P, a Lambda per S3\n"
    "object, a Spark task) and the names do not collide; run it again and the files are\n"
    "replaced, not doubled. Each file is written as a hidden .NAME.tmp beside it, synced, then\n"
    "renamed, so a killed run leaves no partial file under NAME.\n"
    "\n"
    "With --enis (or --topology) the dedup conditions hold across separate runs exactly;\n"
    "without, ENI facts are learned from this run's inputs in a first pass (said on stderr).\n"
    "\n"
    "Examples:\n"
    "  vpcflow convert --to parquet --out flows/ --partition day --enis enis.json AWSLogs/\n"
    "  find AWSLogs -name '*.log.gz' | xargs -P8 -n1 vpcflow convert --to parquet --out flows/ \\\n"
    "      --partition hour --enis enis.json --subnets subnets.json --ip-ranges ip-ranges.json\n"
    "  duckdb -c \"SELECT class, sum(bytes) FROM read_parquet('flows/**/*.parquet',\n"
    "      hive_partitioning=true) GROUP BY 1\"\n";

enum { OPT_TO = OPT_ANALYSIS_LAST, OPT_OUT, OPT_PARTITION, OPT_COMPRESSION };

static int pick(const char *arg, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(arg, names[i]) == 0)
            return i;
    return -1;
}

int cmd_convert(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                             CLI_ANALYSIS_LONGOPTS,
                                             {"to", required_argument, 0, OPT_TO},
                                             {"out", required_argument, 0, OPT_OUT},
                                             {"partition", required_argument, 0, OPT_PARTITION},
                                             {"compression", required_argument, 0, OPT_COMPRESSION},
                                             {0}};
    static const char *const kinds[] = {"parquet", "csv", "jsonl"};
    static const char *const partitions[] = {"none", "day", "hour"};
    static const char *const codecs[] = {"zstd", "snappy", "gzip", "none"};
    cli_common common;
    cli_analysis an;
    cli_common_init(&common);
    cli_analysis_init(&an);
    vpcflow_convert_options o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    int to = -1;
    int opt;
    while ((opt = cli_getopt(argc, argv, ":j:h", longopts, &common, &an)) != -1) {
        if (opt == CLI_OPT_BAD)
            return EXIT_INPUT;
        int v;
        switch (opt) {
        case OPT_TO:
            if ((to = pick(optarg, kinds, 3)) < 0)
                return cli_usage("convert", "--to takes parquet, csv or jsonl, not '%s'", optarg);
            break;
        case OPT_OUT:
            o.out_dir = optarg;
            break;
        case OPT_PARTITION:
            if ((v = pick(optarg, partitions, 3)) < 0)
                return cli_usage("convert", "--partition takes day or hour, not '%s'", optarg);
            o.partition = (vpcflow_partition)v;
            break;
        case OPT_COMPRESSION:
            if ((v = pick(optarg, codecs, 4)) < 0)
                return cli_usage("convert", "--compression takes zstd, snappy, gzip or none, not '%s'", optarg);
            o.compression = (vpcflow_compression)v;
            break;
        case 'h':
        case OPT_HELP:
            printf("%s\n%s\n%s", cmd_convert_help, cli_analysis_help, cli_common_help);
            return EXIT_OK;
        default:
            return cli_bad_option("convert", opt, argv);
        }
    }
    if (to < 0)
        return cli_usage("convert", "convert needs --to parquet, csv or jsonl");
    if (!o.out_dir || !o.out_dir[0])
        return cli_usage("convert", "convert needs --out DIR");
    if (optind >= argc)
        return cli_usage("convert", "convert needs at least one PATH (use - for standard input)");
    o.to = (vpcflow_convert_to)to;
    cli_analysis_options(&an, &common, &o.analysis);
    vpcflow_convert_stats stats;
    vpcflow_error err;
    vpcflow_status st =
        vpcflow_convert_run((const char *const *)(argv + optind), (size_t)(argc - optind), &o, &stats, &err);
    if (st != VPCFLOW_OK) {
        cli_after_scan(&common, &(vpcflow_scan_stats){0});
        return cli_fail(st, &err);
    }
    cli_after_scan(&common, &stats.scan);
    if (cli_no_records(&stats.scan, argv + optind, argc - optind))
        return EXIT_NO_RECORDS;
    if (!stats.has_enis && !an.no_dedup && !common.quiet)
        cli_warn("no --enis or --topology: ENI facts (dedup_eni, nat_peer) were learned from these inputs "
                 "only; give --enis so that separate conversions agree");
    if (!common.quiet && common.progress != 0 && (common.progress > 0 || common.progress_shown))
        fprintf(stderr, "vpcflow: %llu rows in %llu files\n", (unsigned long long)stats.rows,
                (unsigned long long)stats.files);
    return cli_done(&common);
}
