/* test_base.c — the base helpers: growable arrays (array.h), JSON inputs (jsonin.h). */
#include "t.h"

#include "alerts/alerts.h"
#include "base/internal.h"
#include "base/jsonin.h"
#include "model/prices.h"
#include "model/topology.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

TEST(grow_doubles_and_keeps_contents)
{
    int *a = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < 1000; i++) {
        CHECK_EQ_I64(vf_grow(&a, &cap, i + 1, sizeof *a), 0);
        CHECK(cap >= i + 1);
        a[i] = (int)i;
    }
    CHECK_EQ_U64(cap, 1024);
    for (size_t i = 0; i < 1000; i++)
        CHECK_EQ_I64(a[i], (long long)i);
    free(a);
}

TEST(grow_table)
{
    static const struct {
        size_t cap, need, elem, want_cap;
        int rc;
    } cases[] = {
        {0, 0, 4, 0, 0},             /* nothing needed: nothing allocated */
        {0, 1, 4, 8, 0},             /* the first room is 8 elements */
        {0, 100, 4, 128, 0},         /* doubling up to need */
        {16, 16, 4, 16, 0},          /* room enough: unchanged */
        {16, 17, 4, 32, 0},          /* one more: double */
        {0, SIZE_MAX / 2, 4, 0, -1}, /* need * size overflows */
        {0, 3, SIZE_MAX / 2, 0, -1}, /* huge elements */
        {0, 1, 0, 0, -1},            /* zero-sized elements are a bug */
    };
    for (size_t i = 0; i < VF_ARRAY_LEN(cases); i++) {
        char *p = cases[i].cap ? malloc(cases[i].cap * cases[i].elem) : NULL;
        char *before = p;
        size_t cap = cases[i].cap;
        int rc = vf_grow(&p, &cap, cases[i].need, cases[i].elem);
        if (rc != cases[i].rc || cap != cases[i].want_cap)
            t_fail(__FILE__, __LINE__, "case %zu: rc %d cap %zu", i, rc, cap);
        if (rc < 0 && p != before)
            t_fail(__FILE__, __LINE__, "case %zu: the array moved on failure", i);
        free(p);
    }
}

TEST(grow_max_table)
{
    static const struct {
        size_t cap, need, max, want_cap;
        int rc;
    } cases[] = {
        {0, 1, 5, 5, 0},          /* the first room stops at the limit */
        {0, 1, 100, 8, 0},        /* under the limit: as vf_grow */
        {64, 65, 100, 100, 0},    /* the doubling stops at the limit */
        {100, 100, 100, 100, 0},  /* room enough at the limit: unchanged */
        {100, 101, 100, 100, -1}, /* past the limit: refused, unchanged */
        {10, 10, 4, 10, 0},       /* a limit lowered below the room: nothing to do */
    };
    for (size_t i = 0; i < VF_ARRAY_LEN(cases); i++) {
        int *p = cases[i].cap ? malloc(cases[i].cap * sizeof *p) : NULL;
        size_t cap = cases[i].cap;
        int rc = vf_grow_max(&p, &cap, cases[i].need, sizeof *p, cases[i].max);
        if (rc != cases[i].rc || cap != cases[i].want_cap)
            t_fail(__FILE__, __LINE__, "case %zu: rc %d cap %zu", i, rc, cap);
        for (size_t k = 0; k < cap; k++) /* the whole capacity is writable (ASan checks) */
            p[k] = (int)k;
        free(p);
    }
}

TEST(grow_padded_keeps_pad_past_cap)
{
    char *b = NULL;
    size_t cap = 0;
    CHECK_EQ_I64(vf_grow_padded(&b, &cap, 100, 17), 0);
    CHECK_EQ_U64(cap, 128);
    memset(b, 'x', cap + 17); /* usable bytes and padding */
    CHECK_EQ_I64(vf_grow_padded(&b, &cap, 129, 17), 0);
    CHECK_EQ_U64(cap, 256);
    CHECK(b[0] == 'x' && b[127 + 17] == 'x');
    memset(b, 'y', cap + 17);
    CHECK_EQ_I64(vf_grow_padded(&b, &cap, SIZE_MAX - 8, 17), -1); /* cap + pad overflows */
    CHECK_EQ_U64(cap, 256);
    free(b);
}

/* ---- one JSON-input module: the type in every reader's messages ------------------------------ */

enum { K_PRICES, K_RULES, K_SUBNETS, K_ENIS, K_IPRANGES, K_TOPOFILE };

/* The message of loading text as a file of this kind ("(no error)" when it loads). */
static const char *load_message(int kind, const char *text)
{
    static char msg[1200];
    vpcflow_error err = {0};
    vpcflow_status st;
    size_t n = strlen(text);
    vf_topology *t = vf_topology_new();
    vf_prices p;
    vf_prices_default(&p);
    vpcflow_alert_rules *R = NULL;
    switch (kind) {
    case K_PRICES:
        st = vf_prices_load_buf(&p, "x.json", text, n, &err);
        break;
    case K_RULES:
        st = vpcflow_alert_rules_parse(text, n, "x.json", &R, &err);
        break;
    case K_SUBNETS:
        st = vf_topology_load_subnets_buf(t, "x.json", text, n, &err);
        break;
    case K_ENIS:
        st = vf_topology_load_enis_buf(t, "x.json", text, n, &err);
        break;
    case K_IPRANGES:
        st = vf_topology_load_ipranges_buf(t, "x.json", text, n, &err);
        break;
    default:
        st = vf_topology_load_file_buf(t, "x.json", text, n, &err);
    }
    if (st == VPCFLOW_OK)
        snprintf(msg, sizeof msg, "(no error)");
    else
        vpcflow_error_format(&err, msg, sizeof msg);
    vpcflow_alert_rules_free(R);
    vf_topology_free(t);
    return msg;
}

TEST(jsonin_type_mismatches_name_the_type_found)
{
    static const struct {
        int kind;
        const char *text, *want;
    } cases[] = {
        /* the regression: price files read numbers exactly, and still call them numbers */
        {K_PRICES, "{\"rates\": 5}",
         "x.json: rates: expected an object such as {\"cross-az-out\": 0.01}, found a number"},
        {K_PRICES, "{\"rates\": -0.5}",
         "x.json: rates: expected an object such as {\"cross-az-out\": 0.01}, found a number"},
        {K_PRICES, "{\"rates\": \"5\"}",
         "x.json: rates: expected an object such as {\"cross-az-out\": 0.01}, found a string"},
        {K_PRICES, "{\"rates\": {\"same-az\": [1]}}",
         "x.json: rates.same-az: expected a price such as 0.085, found an array"},
        {K_PRICES, "{\"rates\": {\"same-az\": null}}",
         "x.json: rates.same-az: expected a price such as 0.085, found null"},
        {K_PRICES, "{\"region\": 5}", "x.json: region: expected a string of at most 31 characters, found a number"},
        {K_PRICES, "{\"inter-region-to\": 1e3}",
         "x.json: inter-region-to: expected an object such as {\"us-east-2\": 0.01}, found a number"},
        {K_PRICES, "{\"nat-gateway\": false}",
         "x.json: nat-gateway: expected an object such as {\"per-gb\": 0.045, \"per-hour\": 0.045}, found false"},
        {K_PRICES, "{\"internet-out-tiers\": [7]}",
         "x.json: internet-out-tiers[0]: expected an object such as {\"up_to_gb\": 10240, \"rate\": 0.09}, found a "
         "number"},
        {K_RULES, "{\"internal-reject\": {\"enabled\": 1}}",
         "x.json: internal-reject.enabled: expected true or false, found a number"},
        {K_RULES, "{\"examples\": \"3\"}", "x.json: examples: expected an integer from 0 to 10, found a string"},
        {K_RULES, "{\"rules\": {}}", "x.json: rules: expected an array of user rules, found an object"},
        {K_RULES, "[]", "x.json: expected an object such as {\"port-scan\": {\"min_ports\": 30}}, found an array"},
        {K_SUBNETS, "{\"Subnets\": [5]}", "x.json: Subnets[0]: expected an object, found a number"},
        {K_SUBNETS, "{\"Subnets\": [{\"SubnetId\": 5}]}",
         "x.json: Subnets[0].SubnetId: expected a string, found a number"},
        {K_SUBNETS,
         "{\"Subnets\": [{\"SubnetId\": \"s\", \"CidrBlock\": \"10.0.0.0/24\", "
         "\"Ipv6CidrBlockAssociationSet\": {}}]}",
         "x.json: Subnets[0].Ipv6CidrBlockAssociationSet: expected an array, found an object"},
        {K_ENIS, "{\"NetworkInterfaces\": [null]}", "x.json: NetworkInterfaces[0]: expected an object, found null"},
        {K_ENIS, "{\"NetworkInterfaces\": [{\"NetworkInterfaceId\": true}]}",
         "x.json: NetworkInterfaces[0].NetworkInterfaceId: expected a string, found true"},
        {K_IPRANGES, "{\"prefixes\": [], \"ipv6_prefixes\": 7}",
         "x.json: ipv6_prefixes: expected an array, found a number"},
        {K_IPRANGES, "{\"prefixes\": [\"1.2.3.0/24\"]}", "x.json: prefixes[0]: expected an object, found a string"},
        {K_IPRANGES, "{\"prefixes\": [{\"ip_prefix\": 1.5}]}",
         "x.json: prefixes[0].ip_prefix: expected a string, found a number"},
        {K_TOPOFILE, "{\"interfaces\": {}}", "x.json: interfaces: expected an array, found an object"},
        {K_TOPOFILE, "{\"subnets\": [[]]}", "x.json: subnets[0]: expected an object, found an array"},
        {K_TOPOFILE, "{\"interfaces\": [{\"id\": \"eni-1\", \"public\": [1]}]}",
         "x.json: interfaces[0].public[0]: expected a string, found a number"},
    };
    for (size_t i = 0; i < VF_ARRAY_LEN(cases); i++) {
        const char *got = load_message(cases[i].kind, cases[i].text);
        if (strcmp(got, cases[i].want))
            t_fail(__FILE__, __LINE__, "case %zu %s:\n got  %s\n want %s", i, cases[i].text, got, cases[i].want);
    }
}

static int text_is(const json_t *v, const char *want)
{
    size_t n;
    const char *s = vf_jin_text(v, &n);
    return s && n == strlen(want) && memcmp(s, want, n) == 0;
}

TEST(jsonin_exact_numbers_and_strings)
{
    json_t *doc;
    vpcflow_error err = {0};
    const char *text = "{\"a\": 0.085, \"b\": \"0.085\", \"c\": -1e3, \"d\": \"\\u00005\"}";
    CHECK(vf_jin_parse_exact("x.json", text, strlen(text), "a test", &doc, &err) == VPCFLOW_ERR_INPUT);
    CHECK(strstr(err.message, "JSON syntax error") != NULL); /* no string can pass for a number */
    text = "{\"a\": 0.085, \"b\": \"0.085\", \"c\": -1e3, \"s\": \"x\\\"1\"}";
    CHECK(vf_jin_parse_exact("x.json", text, strlen(text), "a test", &doc, &err) == VPCFLOW_OK);
    size_t n;
    CHECK(vf_jin_is_number(json_object_get(doc, "a")) && !vf_jin_is_string(json_object_get(doc, "a")));
    CHECK(text_is(json_object_get(doc, "a"), "0.085"));
    CHECK(vf_jin_is_string(json_object_get(doc, "b")) && !vf_jin_is_number(json_object_get(doc, "b")));
    CHECK(text_is(json_object_get(doc, "b"), "0.085"));
    CHECK(text_is(json_object_get(doc, "c"), "-1e3"));
    CHECK(text_is(json_object_get(doc, "s"), "x\"1")); /* digits in strings stay text */
    CHECK_STR(vf_json_type_name(json_object_get(doc, "c")), "a number");
    CHECK(vf_jin_text(doc, &n) == NULL);
    json_decref(doc);
}

/* ---- the streaming reader ------------------------------------------------------------------- */

typedef struct collected {
    char *text; /* the elements handed over, dumped compactly, one a line */
    size_t len, cap;
    size_t calls;
} collected;

static vpcflow_status collect(void *ctx, const char *key, size_t index, const json_t *el, vpcflow_error *err)
{
    collected *c = ctx;
    char *dump = json_dumps(el, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    size_t n = strlen(dump) + strlen(key) + 32;
    CHECK(vf_grow(&c->text, &c->cap, c->len + n, 1) == 0);
    c->len += (size_t)snprintf(c->text + c->len, c->cap - c->len, "%s[%zu] %s\n", key, index, dump);
    free(dump);
    c->calls++;
    return VPCFLOW_OK;
}

/* The same, from the whole tree jansson builds: what the stream must hand over. */
static void collect_whole(collected *c, const json_t *doc, const char *const *keys)
{
    const char *key;
    json_t *arr;
    json_object_foreach((json_t *)doc, key, arr)
    {
        int want = 0;
        for (size_t k = 0; keys[k]; k++)
            want |= !strcmp(keys[k], key);
        for (size_t i = 0; want && json_is_array(arr) && i < json_array_size(arr); i++)
            collect(c, key, i, json_array_get(arr, i), NULL);
    }
}

static const char *const aws_keys[] = {"Subnets", "NetworkInterfaces", "prefixes", "ipv6_prefixes",
                                       "subnets", "interfaces",        NULL};

TEST(jsonin_stream_hands_over_what_the_whole_tree_holds)
{
    static const char *const files[] = {
        "examples/vpc/topology/describe-network-interfaces.json",
        "examples/vpc/topology/describe-subnets.json",
        "examples/vpc/topology/ip-ranges.json",
        "tests/data/topology/nested-ip-ranges.json",
        "tests/data/topology/owners.json",
        "tests/data/topology/samples-topology.json",
        "tests/data/topology/two-default-vpcs.json",
    };
    for (size_t f = 0; f < VF_ARRAY_LEN(files); f++) {
        vpcflow_error err = {0};
        collected got = {0}, want = {0};
        vf_jin_stream s = {files[f], "a test file", aws_keys, collect, &got, 0};
        json_t *skeleton, *doc = json_load_file(files[f], 0, NULL);
        CHECK(doc != NULL);
        CHECK(vf_jin_stream_file(&s, &skeleton, &err) == VPCFLOW_OK);
        collect_whole(&want, doc, aws_keys);
        CHECK(got.calls > 0);
        CHECK_EQ_U64(got.calls, want.calls);
        if (got.len != want.len || memcmp(got.text, want.text, got.len))
            t_fail(__FILE__, __LINE__, "%s: the stream differs from the whole tree", files[f]);
        /* the skeleton: the same members, each array emptied */
        CHECK_EQ_U64(json_object_size(skeleton), json_object_size(doc));
        const char *key;
        json_t *v;
        json_object_foreach(doc, key, v)
        {
            json_t *k = json_object_get(skeleton, key);
            CHECK(json_is_array(v) ? json_is_array(k) && json_array_size(k) == 0 : json_equal(k, v));
        }
        json_decref(skeleton);
        json_decref(doc);
        free(got.text);
        free(want.text);
    }
}

/* Syntax errors of the stream read as jansson's own on the whole text: message, line, column. */
TEST(jsonin_stream_syntax_errors_match_jansson)
{
    static const char *const texts[] = {
        "{\"Subnets\": [\n",
        "{\"Subnets\": [{},",
        "{\"Subnets\": [{}",
        "{\"Subnets\": [{} {}]}",
        "{\"Subnets\"",
        "{\"Subnets\" 5}",
        "{\"Subnets\":",
        "{\"Subnets\":[]",
        "{\"Subnets\":[] 5}",
        "{\"Subnets\":[],",
        "{\"Subnets\":[],}",
        "{",
        "{5}",
        "{}x",
        "{} {}",
        "{\"a\":[{\"b\":1",
        "{\"Subnets\": [1 2]}",
        "[1,]",
        "{\"Subnets\": []]}",
        "{\"Subnets\": [\"abc",
        "{\"Subnets\": [1,\n\n   x]}",
        "{\"Subnets\": [1,\n\n   \"x]}",
        "{\"Subnets\": [{\"a\": tru}]}",
        "{\"Subnets\": [{\"a\":\n 1,}]}",
        "{\"Subnets\": [{\"\xc3\xa9\": x}]}",
        "{\"Subnets\": [{\"a\": \"\\q\"}]}",
        "{\"n\": 1, \"Subnets\": [{}, {\"a\": [1, 2}]}",
        "\n\n  [\n  {\"a\" 1}]",
        "{\"Subnets\": [{\"a\": \"b\"}\n,\n {\"a\": 99999999999999999999999}]}",
        "{\"x\": {\"y\": [}}",
    };
    static const char *const keys[] = {"Subnets", NULL};
    for (size_t i = 0; i < VF_ARRAY_LEN(texts); i++) {
        vpcflow_error err = {0};
        collected got = {0};
        vf_jin_stream s = {"x.json", "a test file", keys, collect, &got, 0};
        json_t *skeleton;
        json_error_t je;
        CHECK(json_loadb(texts[i], strlen(texts[i]), 0, &je) == NULL);
        char want[300];
        snprintf(want, sizeof want, "JSON syntax error: %s", je.text);
        CHECK(vf_jin_stream_buf(&s, texts[i], strlen(texts[i]), &skeleton, &err) == VPCFLOW_ERR_INPUT);
        if (strcmp(err.message, want) || err.line != (uint64_t)je.line || err.column != (uint32_t)je.column)
            t_fail(__FILE__, __LINE__, "case %zu %s:\n got  %llu:%u %s\n want %d:%d %s", i, texts[i],
                   (unsigned long long)err.line, err.column, err.message, je.line, je.column, want);
        free(got.text);
    }
}

TEST(jsonin_stream_limits)
{
    static const char *const keys[] = {"Subnets", NULL};
    collected got = {0};
    vf_jin_stream s = {"x.json", "a test file", keys, collect, &got, 0};
    json_t *skeleton;
    vpcflow_error err = {0};
    char msg[600];
    /* one element over the element cap: refused where it starts to overflow, nothing parsed */
    size_t n = VF_JIN_MAX_ELEMENT + 64;
    char *big = malloc(n + 32);
    size_t o = (size_t)snprintf(big, n + 32, "{\"Subnets\": [{\"a\": \"");
    memset(big + o, 'x', n - o);
    memcpy(big + n, "\"}]}", 4);
    CHECK(vf_jin_stream_buf(&s, big, n + 4, &skeleton, &err) == VPCFLOW_ERR_INPUT);
    vpcflow_error_format(&err, msg, sizeof msg);
    CHECK_STR(msg, "x.json:1:1048589: a JSON value larger than 1 MiB: not a test file");
    CHECK_EQ_U64(got.calls, 0);
    /* a document over the file cap is refused before a byte is read */
    CHECK(vf_jin_stream_buf(&s, big, (size_t)VF_JIN_MAX_FILE + 1, &skeleton, &err) == VPCFLOW_ERR_INPUT);
    vpcflow_error_format(&err, msg, sizeof msg);
    CHECK_STR(msg, "x.json: larger than 1024 MiB: not a test file");
    free(big);
    /* binary input: the first byte says so */
    const char *zero = t_file(0, "zero.bin", "\0\0\0\0", 4);
    s.file = zero;
    CHECK(vf_jin_stream_file(&s, &skeleton, &err) == VPCFLOW_ERR_INPUT);
    CHECK_STR(err.message, "JSON syntax error: '[' or '{' expected near a NUL byte: not JSON text");
    CHECK(vf_jin_stream_buf(&s, "  \n ", 4, &skeleton, &err) == VPCFLOW_ERR_INPUT);
    CHECK_STR(err.message, "empty file: expected a JSON document");
    s.file = "/nonexistent/x.json";
    CHECK(vf_jin_stream_file(&s, &skeleton, &err) == VPCFLOW_ERR_IO);
    free(got.text);
}

int main(int argc, char **argv)
{
    return t_main(argc, argv);
}
