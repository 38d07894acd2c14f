/* test_advise.c — the pieces of `vpcflow advise` below the CLI: the monthly scaling of a
 * saving, and the report's "What to change" section (rows in rank order, costs marked unknown
 * or estimated, every text from the inputs escaped). */
#include "t.h"

#include "report/advise_html.h"

#include <stdlib.h>
#include <string.h>

#define USD(cents) ((unsigned __int128)(cents)*10000000000ull << 30) /* numerator of cents */

TEST(per_month_scales_by_the_window)
{
    CHECK(vf_per_month(USD(100), 2592000) == USD(100));
    CHECK(vf_per_month(USD(100), 86400) == USD(3000)); /* a day of $1.00: $30.00 a month */
    CHECK(vf_per_month(USD(7), 0) == USD(7));          /* no window: as it is */
}

TEST(html_section_rows_and_escaping)
{
    vpcflow_advice *a = calloc(1, sizeof *a);
    CHECK(a != NULL);
    if (!a)
        return;
    a->v[0].kind = VF_ACT_CROSS_AZ;
    snprintf(a->v[0].change, sizeof a->v[0].change, "rds <orders> in use1-az1: add a read replica");
    a->v[0].saving_month = a->v[0].net_month = USD(1000);
    a->v[0].cost_unknown = 1;
    a->v[0].bytes = 500;
    a->v[0].flows = 3;
    a->v[0].nowners = 1;
    snprintf(a->v[0].owners[0], sizeof a->v[0].owners[0], "rds \"orders\"");
    snprintf(a->v[0].caveats, sizeof a->v[0].caveats, "one & two\nthree");
    a->v[1].kind = VF_ACT_GATEWAY_ENDPOINT;
    snprintf(a->v[1].change, sizeof a->v[1].change, "add a gateway endpoint for S3");
    a->v[1].saving_month = a->v[1].net_month = USD(450);
    a->v[2].kind = VF_ACT_INPUTS;
    snprintf(a->v[2].change, sizeof a->v[2].change, "give --subnets");
    a->v[2].bytes = 1024;
    a->nranked = 2;
    a->n = 3;
    a->declined = 1;
    vf_text t = VF_TEXT_GROWING;
    vf_advice_html(&t, a);
    CHECK(!t.oom && t.buf != NULL);
    const char *h = t.buf ? t.buf : "";
    CHECK(strstr(h, "<section id=\"advice\">") == h);
    CHECK(strstr(h, "rds &lt;orders&gt; in use1-az1") != NULL);
    CHECK(strstr(h, "rds &quot;orders&quot;") != NULL || strstr(h, "rds &#34;orders&#34;") != NULL);
    CHECK(strstr(h, "<li>one &amp; two</li><li>three</li>") != NULL);
    CHECK(strstr(h, "<td class=\"n\" data-v=\"\">unknown</td>") != NULL);
    CHECK(strstr(h, "data-v=\"10.000000\" title=\"$10.000000\">$10.00*</td>") != NULL);
    const char *first = strstr(h, "data-kind=\"cross-az\""), *second = strstr(h, "data-kind=\"gateway-endpoint\"");
    CHECK(first && second && first < second);
    CHECK(strstr(h, "1 more change left out") != NULL);
    CHECK(strstr(h, "<li>give --subnets (1.0 KiB uncertain)</li>") != NULL);
    CHECK(strstr(h, "</section>") != NULL);
    free(t.buf);
    free(a);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
