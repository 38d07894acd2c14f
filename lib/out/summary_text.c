/* summary_text.c — the summary's facts in words for people, shared by the table and the JSON
 * writers: the biggest cost driver as one sentence. */
#include "out/output.h"

#include "query/summary.h"

#include <stdio.h>
#include <string.h>

/* The destinations of a sender: "ec2 i-b 10.0.0.10", "3 instances in use1-az2". */
static void dsts_text(const vf_driver *d, char *buf, size_t cap)
{
    if (d->ndst == 1) {
        char addr[64];
        vpcflow_addr_format(d->dst, addr, sizeof addr);
        snprintf(buf, cap, "%s %s", d->dst_label, addr);
        return;
    }
    const char *kind = d->dst_kind;
    const char *noun = d->dst_mixed                    ? "addresses"
                       : strcmp(kind, "ec2") == 0      ? "instances"
                       : strcmp(kind, "rds") == 0      ? "databases"
                       : strcmp(kind, "internet") == 0 ? "internet addresses"
                                                       : "addresses";
    if (d->dst_az[0])
        snprintf(buf, cap, "%zu %s in %s", d->ndst, noun, d->dst_az);
    else
        snprintf(buf, cap, "%zu %s", d->ndst, noun);
}

void vf_driver_text(const vf_driver *d, char *buf, size_t cap)
{
    char addr[64], bytes[32], usd[32];
    if (cap)
        buf[0] = 0;
    if (d->kind == VF_DRIVER_NONE)
        return;
    vpcflow_addr_format(d->addr, addr, sizeof addr);
    vf_human_bytes(d->bytes, bytes, sizeof bytes);
    vf_usd_format(d->cost, 2, usd, sizeof usd);
    if (d->kind == VF_DRIVER_NAT) {
        char pbytes[32] = "";
        if (d->has_peer)
            vf_human_bytes(d->peer_bytes, pbytes, sizeof pbytes);
        int endpoint = strncmp(d->peer, "aws S3", 6) == 0 || strncmp(d->peer, "aws DYNAMODB", 12) == 0;
        snprintf(buf, cap, "%s %s processed %s, $%s of NAT charges; its largest peer is %s (%s)%s", d->label, addr,
                 bytes, usd, d->peer, pbytes,
                 endpoint ? " (a gateway endpoint would carry that free of NAT charges)" : "");
        return;
    }
    char dsts[256];
    dsts_text(d, dsts, sizeof dsts);
    const char *what = d->cls == VPCFLOW_CLASS_CROSS_AZ       ? "cross-AZ"
                       : d->cls == VPCFLOW_CLASS_INTERNET_OUT ? "internet-out"
                                                              : "inter-region";
    snprintf(buf, cap, "%s %s \xe2\x86\x92 %s: %s %s, $%s", d->label, addr, dsts, bytes, what, usd);
}
