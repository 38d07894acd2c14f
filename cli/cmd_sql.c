/* cmd_sql.c — `vpcflow sql`: the SQL of each report, for PostgreSQL, DuckDB or Athena. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

const char cmd_sql_help[] =
    "Usage: vpcflow sql REPORT [--dialect postgres|duckdb|athena] [--table NAME] [options]\n"
    "\n"
    "Prints the SQL that computes a vpcflow report from exported rows: from the table that\n"
    "'vpcflow load' fills (postgres), or from the Parquet files of 'vpcflow convert' (duckdb,\n"
    "athena). Run it in psql, a dashboard or a notebook: it gives the very numbers 'vpcflow\n"
    "summary' and 'vpcflow top' print (bytes, flows, exact costs rounded half up to the\n"
    "micro-dollar; each flow counted once, its de-duplication resolved over every row loaded).\n"
    "\n"
    "Reports:\n"
    "  summary   bytes, packets, flows and cost per class, NAT processing, total\n"
    "  top       the largest groups by --by KEYS (the keys of 'vpcflow top', but owner)\n"
    "  unique    the view of the rows counted (CREATE VIEW NAME_unique; 'load' creates it)\n"
    "  create    the table: CREATE TABLE, or for athena CREATE EXTERNAL TABLE with partition\n"
    "            projection over vpcflow's Parquet output and over AWS's own Parquet delivery\n"
    "\n"
    "  -d, --dialect D    postgres (default), duckdb or athena\n"
    "  -t, --table NAME   the table (default flows); postgres also reads the view NAME_unique\n"
    "  --parquet DIR      duckdb: read DIR/**/*.parquet (vpcflow convert's output) directly;\n"
    "                     athena: the S3 location for 'create'\n"
    "  -b, --by KEYS      top: what to group by (default srcaddr)\n"
    "  -n N               top: rows (default 10; 0 for all)\n"
    "  --prices FILE      rates to write into the SQL (docs/prices.md; default us-east-1)\n"
    "  --free-tier        subtract the monthly internet-out free allowance\n"
    "  -h, --help         this help\n"
    "\n"
    "Examples:\n"
    "  vpcflow sql summary --table flows | psql -d flows\n"
    "  vpcflow sql top --by dstaddr -n 20 --dialect duckdb --parquet out/ | duckdb\n"
    "  vpcflow sql create --dialect athena --parquet s3://bucket/vpcflow/ > table.sql\n";

enum { OPT_PARQUET = 0x100, OPT_SQL_PRICES, OPT_SQL_FREE_TIER };

int cmd_sql(int argc, char **argv)
{
    static const struct option longopts[] = {{"dialect", required_argument, 0, 'd'},
                                             {"table", required_argument, 0, 't'},
                                             {"parquet", required_argument, 0, OPT_PARQUET},
                                             {"by", required_argument, 0, 'b'},
                                             {"prices", required_argument, 0, OPT_SQL_PRICES},
                                             {"free-tier", no_argument, 0, OPT_SQL_FREE_TIER},
                                             {"help", no_argument, 0, 'h'},
                                             {0}};
    vpcflow_sql_options o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    o.limit = 10;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":d:t:b:n:h", longopts, NULL)) != -1) {
        uint64_t v;
        switch (opt) {
        case 'd':
            if (strcmp(optarg, "postgres") == 0 || strcmp(optarg, "postgresql") == 0)
                o.dialect = VPCFLOW_SQL_POSTGRES;
            else if (strcmp(optarg, "duckdb") == 0)
                o.dialect = VPCFLOW_SQL_DUCKDB;
            else if (strcmp(optarg, "athena") == 0)
                o.dialect = VPCFLOW_SQL_ATHENA;
            else
                return cli_usage("sql", "--dialect takes postgres, duckdb or athena, not '%s'", optarg);
            break;
        case 't':
            o.table = optarg;
            break;
        case OPT_PARQUET:
            o.parquet = optarg;
            break;
        case 'b':
            o.by = optarg;
            break;
        case 'n':
            if (cli_parse_uint(optarg, UINT32_MAX, &v) < 0)
                return cli_usage("sql", "-n takes a number of rows (0 for all), not '%s'", optarg);
            o.limit = v ? (unsigned)v : UINT32_MAX;
            break;
        case OPT_SQL_PRICES:
            o.prices = optarg;
            break;
        case OPT_SQL_FREE_TIER:
            o.free_tier = 1;
            break;
        case 'h':
            fputs(cmd_sql_help, stdout);
            return EXIT_OK;
        default:
            return cli_bad_option("sql", opt, argv);
        }
    }
    if (optind >= argc)
        return cli_usage("sql", "sql needs a REPORT: summary, top, unique or create");
    if (optind + 1 < argc)
        return cli_usage("sql", "sql takes one REPORT, not '%s' after '%s'", argv[optind + 1], argv[optind]);
    o.report = argv[optind];
    if (strcmp(o.report, "summary") && strcmp(o.report, "top") && strcmp(o.report, "unique") &&
        strcmp(o.report, "create"))
        return cli_usage("sql", "unknown report '%s': summary, top, unique or create", o.report);
    if (o.parquet && o.dialect == VPCFLOW_SQL_POSTGRES)
        return cli_usage("sql", "--parquet is for --dialect duckdb or athena (postgres reads the loaded table)");
    vpcflow_error err;
    vpcflow_status st = vpcflow_sql_write(&o, stdout, &err);
    if (st != VPCFLOW_OK)
        return cli_fail(st, &err);
    return cli_output_status(fflush(stdout) != 0);
}
