/* fuzz.c — libFuzzer target for the topology and price-file JSON loaders. The first byte picks
 * the loader (describe-subnets, describe-network-interfaces, ip-ranges.json, the topology file,
 * a price file, or subnets and ENIs separated by a NUL byte); the rest is the file. Whatever
 * loads is finished and its lookups are checked against what was loaded. */
#include "model/prices.h"
#include "model/topology.h"

#include <stdlib.h>
#include <string.h>

static void check_topology(vf_topology *t, const uint8_t *data, size_t size)
{
    vpcflow_error err;
    if (vf_topology_finish(t, &err) != VPCFLOW_OK)
        return;
    for (size_t i = 0; i < vf_topology_subnet_count(t); i++) {
        const vf_subnet *s = vf_topology_subnet_at(t, i);
        /* every subnet's network address lies in some subnet (the first loaded wins overlaps) */
        if (s->has_v4 && !vf_topology_subnet_of(t, s->net4))
            abort();
        if (s->has_v6 && !vf_topology_subnet_of(t, s->net6))
            abort();
    }
    for (size_t i = 0; i < vf_topology_eni_count(t); i++) {
        const vf_eni *e = vf_topology_eni_at(t, i);
        const vf_eni *by_id = vf_topology_eni_by_id(t, e->id, strlen(e->id));
        if (e->id[0] && by_id != e)
            abort();
        for (size_t j = 0; j < e->naddrs; j++)
            if (!vf_topology_eni_of(t, e->addrs[j]))
                abort();
        if (!vf_topology_az_name(t, e->az_key) && e->az_key)
            abort();
    }
    for (size_t i = 0; i < vf_topology_note_count(t); i++)
        if (!vf_topology_note(t, i))
            abort();
    /* lookups of addresses made of the input's bytes */
    for (size_t off = 0; off + 16 <= size && off < 4096; off += 7) {
        vpcflow_addr a;
        memcpy(&a.hi, data + off, 8);
        memcpy(&a.lo, data + off + 8, 8);
        const vf_aws_range *r = vf_topology_aws_of(t, a);
        if (r && !vpcflow_cidr_contains(r->net, r->plen, a))
            abort();
        const vf_subnet *s = vf_topology_subnet_of(t, a);
        if (s && !(s->has_v4 && vpcflow_cidr_contains(s->net4, s->plen4, a)) &&
            !(s->has_v6 && vpcflow_cidr_contains(s->net6, s->plen6, a)))
            abort();
        vf_topology_eni_of(t, a);
        vpcflow_addr v4 = vpcflow_addr_from_v4((uint32_t)a.lo);
        r = vf_topology_aws_of(t, v4);
        if (r && !vpcflow_cidr_contains(r->net, r->plen, v4))
            abort();
        vf_topology_subnet_of(t, v4);
    }
}

static void fuzz_prices(const char *text, size_t len)
{
    vf_prices p;
    vf_prices_default(&p);
    vpcflow_error err;
    if (vf_prices_load_buf(&p, "fuzz", text, len, &err) == VPCFLOW_OK) {
        char buf[64];
        uint64_t sizes[] = {0, 1, (uint64_t)len << 30, UINT64_MAX, (uint64_t)p.free_gb_month << 30};
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
            for (int d = 0; d <= 9; d += 3)
                vf_usd_format(vf_prices_internet_month(&p, sizes[i], (int)i & 1), d, buf, sizeof buf);
    }
    uint64_t pico;
    for (size_t i = 0; i < len && i < 256; i++) /* every short slice as a price */
        vf_price_parse(text + i, len - i < 20 ? len - i : 20, &pico);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] % 6;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    if (mode == 4) {
        fuzz_prices(text, len);
        return 0;
    }
    vf_topology *t = vf_topology_new();
    if (!t)
        return 0;
    vpcflow_error err;
    vpcflow_status st;
    switch (mode) {
    case 0:
        st = vf_topology_load_subnets_buf(t, "fuzz", text, len, &err);
        break;
    case 1:
        st = vf_topology_load_enis_buf(t, "fuzz", text, len, &err);
        break;
    case 2:
        st = vf_topology_load_ipranges_buf(t, "fuzz", text, len, &err);
        break;
    case 3:
        vf_topology_set_region(t, "us-east-1");
        st = vf_topology_load_file_buf(t, "fuzz", text, len, &err);
        break;
    default: {
        const char *nul = memchr(text, 0, len);
        size_t first = nul ? (size_t)(nul - text) : len;
        st = vf_topology_load_subnets_buf(t, "fuzz", text, first, &err);
        if (st == VPCFLOW_OK && nul)
            st = vf_topology_load_enis_buf(t, "fuzz", nul + 1, len - first - 1, &err);
        break;
    }
    }
    if (st == VPCFLOW_OK)
        check_topology(t, data, size);
    vf_topology_free(t);
    return 0;
}
