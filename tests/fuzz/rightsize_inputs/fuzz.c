/* fuzz.c — libFuzzer target for the inputs of `vpcflow rightsize`: CloudWatch metrics
 * (get-metric-statistics, get-metric-data, CSV), the AWS Price List CSV and describe-instances
 * JSON. The first byte picks the parser; metrics that load are decided against the built-in
 * catalog and the results checked: a verdict, a window of whole hours, percentiles in range. */
#include "rightsize/rightsize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void decide_all(const vf_rs_metrics *m)
{
    vf_rs_catalog c;
    vpcflow_error err;
    if (vf_rs_catalog_builtin(&c, &err) != VPCFLOW_OK)
        return;
    vf_rs_options o;
    vf_rs_options_init(&o);
    o.any_family = m->n % 2;
    const vf_rs_type *cur = vf_rs_catalog_find(&c, "m5.2xlarge");
    for (size_t i = 0; i < m->n; i++) {
        vf_rs_result r;
        if (vf_rs_decide(&c, &o, &m->s[i], cur, NULL, &r, &err) != VPCFLOW_OK)
            continue;
        if (!r.verdict || !r.ri_verdict || r.window_hours < 1 || r.observed_hours > r.window_hours)
            abort();
        if (!(r.cpu_p >= 0 && r.cpu_p <= r.cpu_max && r.cpu_max <= 100) || isnan(r.monthly_saving))
            abort();
        if (!vf_rs_catalog_find(&c, r.recommended) && strcmp(r.recommended, "-"))
            abort();
    }
    vf_rs_catalog_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    vpcflow_error err;
    switch (data[0] % 3) {
    case 0: {
        vf_rs_metrics m = {0};
        const char *name = data[0] & 4 ? "cpu-i-0123456789abcdef0.csv" : "fleet.json";
        if (vf_rs_metrics_buf(&m, name, text, len, &err) == VPCFLOW_OK)
            decide_all(&m);
        vf_rs_metrics_free(&m);
        break;
    }
    case 1: {
        vf_rs_catalog c = {0};
        vf_rs_pricelist_stats st;
        if (vf_rs_pricelist_buf(&c, "index.csv", text, len, "us-east-1", "Linux", &st, &err) == VPCFLOW_OK) {
            if (st.used > st.rows)
                abort();
            for (size_t i = 0; i < c.n; i++)
                if (!c.t[i].name[0] || strlen(c.t[i].name) >= sizeof c.t[i].name)
                    abort();
        }
        vf_rs_catalog_free(&c);
        break;
    }
    default: {
        vf_rs_instances x = {0};
        if (vf_rs_instances_buf(&x, "instances.json", text, len, &err) == VPCFLOW_OK)
            for (size_t i = 0; i < x.n; i++)
                if (!x.i[i].id[0] || !x.i[i].type[0] || vf_rs_instances_find(&x, x.i[i].id) == NULL)
                    abort();
        vf_rs_instances_free(&x);
    }
    }
    return 0;
}
