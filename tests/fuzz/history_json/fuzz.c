/* fuzz.c — libFuzzer target for the ownership-history loaders (CloudTrail records,
 * lookup-events, AWS Config items). The input is one document; whatever loads is finished and
 * the spans are checked: per address in time order, never overlapping, each with a real owner,
 * and every lookup inside a span answers that span's owner. */
#include "model/history.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vf_history *h = vf_history_new();
    if (!h)
        return 0;
    vpcflow_error err;
    if (size && data[0] == 'R') /* a region filter, sometimes */
        vf_history_set_region(h, "us-east-1");
    if (vf_history_load_buf(h, "fuzz.json", (const char *)data, size, &err) != VPCFLOW_OK ||
        vf_history_finish(h, &err) != VPCFLOW_OK) {
        vf_history_free(h);
        return 0;
    }
    /* the addresses in the input's bytes, and a few fixed ones the corpus uses */
    vpcflow_addr probe[64];
    size_t np = 0;
    const char *fixed[] = {"10.0.0.5", "10.0.1.50", "10.0.0.6", "2600:1f18::5"};
    for (size_t i = 0; i < 4; i++)
        vpcflow_addr_parse(fixed[i], strlen(fixed[i]), &probe[np++]);
    for (size_t off = 0; off + 16 <= size && np < 64; off += 13) {
        memcpy(&probe[np].hi, data + off, 8);
        memcpy(&probe[np].lo, data + off + 8, 8);
        np++;
    }
    for (size_t i = 0; i < np; i++) {
        const vf_hist_span *s;
        size_t n = vf_history_spans(h, probe[i], &s);
        for (size_t k = 0; k < n; k++) {
            if (s[k].from >= s[k].to || s[k].owner >= vf_history_owner_count(h))
                abort();
            if (k && s[k].from < s[k - 1].to)
                abort();
            int64_t from, to;
            if (vf_history_owner_at(h, probe[i], s[k].from, &from, &to) != (int32_t)s[k].owner || from != s[k].from ||
                to != s[k].to)
                abort();
        }
    }
    if (!vf_history_notes(h))
        abort();
    vf_history_free(h);
    return 0;
}
