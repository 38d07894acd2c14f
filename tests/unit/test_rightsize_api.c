/* test_rightsize_api.c — the public rightsize API (vpcflow_rightsize_*): one metric file made
 * here, 21 days of hourly CPU at 10% on an m5.2xlarge, decided on and written as JSON and CSV.
 * The numbers follow from the built-in catalog: m5.2xlarge $0.384/h, m5.large $0.096/h. */
#include "t.h"
#include "vpcflow.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#define ID "i-0123456789abcdef0"

static const char *metric_file(void)
{
    static char buf[32 * 1024];
    size_t n = (size_t)snprintf(buf, sizeof buf, "timestamp,value\n");
    for (int h = 0; h < 21 * 24; h++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%lld,10\n", 1793491200LL + h * 3600LL);
    return t_file(0, "cpu-" ID ".csv", buf, n);
}

static void options(vpcflow_rightsize_options *o)
{
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->type = "m5.2xlarge";
    o->headroom = -1;
}

/* The run's JSON, parsed; NULL (and a failed check) when the run or the text is wrong. */
static json_t *run_json(const vpcflow_rightsize_options *o)
{
    const char *path = metric_file();
    vpcflow_rightsize *r = NULL;
    vpcflow_error err;
    CHECK(vpcflow_rightsize_run(&path, 1, o, &r, &err) == VPCFLOW_OK);
    if (!r)
        return NULL;
    CHECK_EQ_U64(vpcflow_rightsize_count(r), 1);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    CHECK(vpcflow_rightsize_write(r, VPCFLOW_OUTPUT_JSON, f) == 0);
    fclose(f);
    vpcflow_rightsize_free(r);
    json_error_t je;
    json_t *j = json_loadb(text, len, 0, &je);
    free(text);
    CHECK(json_is_array(j) && json_array_size(j) == 1);
    return j;
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "(none)";
}

TEST(rightsize_api_json)
{
    vpcflow_rightsize_options o;
    options(&o);
    json_t *j = run_json(&o);
    json_t *row = json_array_get(j, 0), *ev = json_object_get(row, "evidence");
    CHECK_STR(str(row, "instance"), ID);
    CHECK_STR(str(row, "current_type"), "m5.2xlarge");
    CHECK_STR(str(row, "recommended_type"), "m5.large");
    CHECK_STR(str(row, "verdict"), "downsize");
    CHECK(fabs(num(row, "monthly_saving_usd") - (0.384 - 0.096) * 730) < 1e-9); /* 210.24 */
    /* 1y standard no-upfront: $0.24/h on the m5.2xlarge, $0.06/h on the m5.large */
    CHECK(fabs(num(row, "ri_waste_usd") - (0.24 - 0.06) * 8760) < 1e-9); /* 1576.80 */
    CHECK(num(ev, "days") == 21);
    CHECK(num(ev, "hours_observed") == 504);
    CHECK(num(ev, "percentile") == 99);
    CHECK(num(ev, "cpu_percentile_pct") == 10);
    CHECK(num(ev, "cpu_needed_pct") == 12); /* 20% headroom: the default */
    CHECK(num(ev, "capacity_pct") == 25);   /* 2 of 8 vCPUs */
    json_decref(j);

    o.headroom = 0; /* zero is a headroom, not the default */
    o.percentile = 50;
    j = run_json(&o);
    ev = json_object_get(json_array_get(j, 0), "evidence");
    CHECK(num(ev, "cpu_needed_pct") == 10);
    CHECK(num(ev, "percentile") == 50);
    json_decref(j);
}

TEST(rightsize_api_csv_and_warnings)
{
    const char *inst = "{\"Reservations\": [{\"Instances\": [{\"InstanceId\": \"" ID "\", \"InstanceType\": "
                       "\"m5.2xlarge\", \"Platform\": \"windows\", \"State\": {\"Name\": \"stopped\"}}]}]}";
    vpcflow_rightsize_options o;
    options(&o);
    o.type = NULL;
    o.instances = t_file(1, "instances.json", inst, strlen(inst));
    const char *path = metric_file();
    vpcflow_rightsize *r = NULL;
    vpcflow_error err;
    CHECK(vpcflow_rightsize_run(&path, 1, &o, &r, &err) == VPCFLOW_OK);
    if (!r)
        return;
    CHECK_EQ_U64(vpcflow_rightsize_warning_count(r), 2);
    CHECK_STR(vpcflow_rightsize_warning(r, 0), "instance " ID " runs windows: the prices are Linux's");
    CHECK_STR(vpcflow_rightsize_warning(r, 1), "instance " ID " is stopped");
    CHECK(vpcflow_rightsize_warning(r, 2) == NULL);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    CHECK(vpcflow_rightsize_write(r, VPCFLOW_OUTPUT_CSV, f) == 0);
    fclose(f);
    const char *want = "instance,current_type,recommended_type,verdict,monthly_saving_usd,ri_verdict,ri_option,"
                       "ri_saving_usd,ri_waste_usd,days,gap_pct,cpu_percentile_pct,cpu_max_pct,memory_observed,"
                       "evidence\n" ID ",m5.2xlarge,m5.large,downsize,210.24,";
    CHECK(len > strlen(want) && !memcmp(text, want, strlen(want)));
    free(text);
    vpcflow_rightsize_free(r);
}

TEST(rightsize_api_bad_options)
{
    const char *path = metric_file();
    vpcflow_rightsize_options o;
    vpcflow_rightsize *r = NULL;
    vpcflow_error err;
    options(&o);
    o.reserved = "2y";
    CHECK(vpcflow_rightsize_run(&path, 1, &o, &r, &err) == VPCFLOW_ERR_INPUT);
    CHECK(r == NULL);
    CHECK_STR(err.file, "");
    CHECK(!strncmp(err.message, "--reserved takes 1y or 3y", 25) && strstr(err.message, "not '2y'"));
    options(&o);
    o.region = "eu-west-1";
    CHECK(vpcflow_rightsize_run(&path, 1, &o, &r, &err) == VPCFLOW_ERR_INPUT);
    CHECK_STR(err.message, "the built-in catalog is us-east-1's: for eu-west-1 give its Price List CSV (--prices)");
    options(&o);
    o.type = "m9.huge";
    CHECK(vpcflow_rightsize_run(&path, 1, &o, &r, &err) == VPCFLOW_ERR_INPUT);
    CHECK(strstr(err.file, "cpu-" ID ".csv") != NULL);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
