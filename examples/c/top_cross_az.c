/* top_cross_az.c — the addresses that send the most cross-AZ bytes, from flow logs (files or
 * directories such as an S3 AWSLogs/ tree), with libvpcflow: what
 * `vpcflow top --by srcaddr --class cross-az -n N --output csv` prints, less the owner and share.
 *
 *   top_cross_az [-n N] [--subnets FILE] [--enis FILE] [--ip-ranges FILE] PATH...
 *
 * Build: make (examples/c/Makefile: cc top_cross_az.c $(pkg-config --cflags --libs vpcflow)) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vpcflow.h>

int main(int argc, char **argv)
{
    const char *subnets[1], *enis[1], *ranges[1], *paths[64];
    size_t nsubnets = 0, nenis = 0, nranges = 0, npaths = 0, limit = 10;
    for (int i = 1; i < argc; i++) {
        int has_value = i + 1 < argc;
        if (strcmp(argv[i], "-n") == 0 && has_value)
            limit = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--subnets") == 0 && has_value)
            subnets[0] = argv[++i], nsubnets = 1;
        else if (strcmp(argv[i], "--enis") == 0 && has_value)
            enis[0] = argv[++i], nenis = 1;
        else if (strcmp(argv[i], "--ip-ranges") == 0 && has_value)
            ranges[0] = argv[++i], nranges = 1;
        else if (argv[i][0] != '-' && npaths < sizeof paths / sizeof paths[0])
            paths[npaths++] = argv[i];
        else {
            fprintf(stderr, "usage: top_cross_az [-n N] [--subnets F] [--enis F] [--ip-ranges F] PATH...\n");
            return 2;
        }
    }

    vpcflow_query_options q = {.size = sizeof q, .by = "srcaddr", .classes = "cross-az", .limit = limit};
    q.analysis.size = sizeof q.analysis;
    q.analysis.scan.size = sizeof q.analysis.scan;
    q.analysis.subnets = subnets, q.analysis.nsubnets = nsubnets;
    q.analysis.enis = enis, q.analysis.nenis = nenis;
    q.analysis.ip_ranges = ranges, q.analysis.nip_ranges = nranges;

    vpcflow_rows *rows;
    vpcflow_error err;
    if (vpcflow_top_run(paths, npaths, &q, &rows, &err) != VPCFLOW_OK) {
        char msg[2048];
        vpcflow_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "top_cross_az: %s\n", msg);
        return 1;
    }
    printf("srcaddr,bytes,packets,flows,cost_usd\n");
    for (size_t i = 0; i < vpcflow_rows_count(rows); i++) {
        vpcflow_class_total t;
        vpcflow_rows_metrics(rows, i, &t);
        printf("%s,%llu,%llu,%llu,%llu.%06llu\n", vpcflow_rows_key(rows, i, 0), (unsigned long long)t.bytes,
               (unsigned long long)t.packets, (unsigned long long)t.flows,
               (unsigned long long)(t.cost_micro_usd / 1000000), (unsigned long long)(t.cost_micro_usd % 1000000));
    }
    vpcflow_rows_free(rows);
    return 0;
}
