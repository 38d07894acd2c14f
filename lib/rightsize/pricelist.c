/* pricelist.c — the AWS Price List bulk CSV for EC2 (offers/v1.0/aws/AmazonEC2/current/
 * <region>/index.csv), streamed: a few preamble lines (FormatVersion, Disclaimer,
 * Publication Date, Version, OfferCode), then a header row (SKU, OfferTermCode, RateCode,
 * TermType, ..., PricePerUnit, Currency, LeaseContractLength, PurchaseOption, OfferingClass,
 * Product Family, serviceCode, Location, ..., Instance Type, ..., vCPU, ..., Memory, ...,
 * Tenancy, Operating System, License Model, ..., CapacityStatus, Pre Installed S/W, ...), then
 * one quoted row per price dimension. Columns are found by name. The file is read 64 KiB at a
 * time and one record at a time (a record may span lines inside quotes, 1 MiB at most): memory
 * is that record and one entry per instance type kept, whatever the file's size. */
#include "rightsize/rightsize.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_RECORD ((size_t)1 << 20)
#define MAX_FIELDS 256

enum {
    C_TYPE,
    C_TERM,
    C_PRICE,
    C_UNIT,
    C_LEASE,
    C_PURCHASE,
    C_CLASS,
    C_TENANCY,
    C_OS,
    C_SW,
    C_CAPACITY,
    C_VCPU,
    C_MEMORY,
    C_LOCATION,
    C_REGION,
    C_LICENSE,
    C_PRODUCT,
    C_COUNT
};
static const char *const column_names[C_COUNT] = {
    "Instance Type",
    "TermType",
    "PricePerUnit",
    "Unit",
    "LeaseContractLength",
    "PurchaseOption",
    "OfferingClass",
    "Tenancy",
    "Operating System",
    "Pre Installed S/W",
    "CapacityStatus",
    "vCPU",
    "Memory",
    "Location",
    "Region Code",
    "License Model",
    "Product Family",
};
/* columns a file must have (the others filter when present) */
static const int required[] = {C_TYPE, C_TERM, C_PRICE, C_UNIT, C_LEASE, C_PURCHASE, C_CLASS, C_TENANCY, C_OS};

static const struct {
    const char *code, *name;
} regions[] = {
    {"us-east-1", "US East (N. Virginia)"},
    {"us-east-2", "US East (Ohio)"},
    {"us-west-1", "US West (N. California)"},
    {"us-west-2", "US West (Oregon)"},
    {"ca-central-1", "Canada (Central)"},
    {"eu-west-1", "EU (Ireland)"},
    {"eu-west-2", "EU (London)"},
    {"eu-west-3", "EU (Paris)"},
    {"eu-central-1", "EU (Frankfurt)"},
    {"eu-north-1", "EU (Stockholm)"},
    {"ap-south-1", "Asia Pacific (Mumbai)"},
    {"ap-southeast-1", "Asia Pacific (Singapore)"},
    {"ap-southeast-2", "Asia Pacific (Sydney)"},
    {"ap-northeast-1", "Asia Pacific (Tokyo)"},
    {"ap-northeast-2", "Asia Pacific (Seoul)"},
    {"sa-east-1", "South America (Sao Paulo)"},
};

typedef struct reader {
    const char *name;
    FILE *f; /* or a buffer: */
    const char *data;
    size_t len, pos;
    char chunk[1 << 16];
    size_t clen, cpos;
    char *rec;
    size_t rlen, rcap;
    uint64_t line; /* the line the record starts on */
    uint64_t next_line;
    const char *field[MAX_FIELDS];
    size_t flen[MAX_FIELDS];
    size_t nfields;
} reader;

static int next_byte(reader *r)
{
    if (!r->f)
        return r->pos < r->len ? (unsigned char)r->data[r->pos++] : -1;
    if (r->cpos == r->clen) {
        r->clen = fread(r->chunk, 1, sizeof r->chunk, r->f);
        r->cpos = 0;
        if (!r->clen)
            return -1;
    }
    return (unsigned char)r->chunk[r->cpos++];
}

/* Reads one record and splits it into fields (quotes removed, "" made "): 1, 0 at the end. */
static int next_record(reader *r, vpcflow_error *err, vpcflow_status *st)
{
    r->rlen = 0;
    r->line = r->next_line;
    int quoted = 0, c, any = 0;
    while ((c = next_byte(r)) >= 0) {
        any = 1;
        if (c == '\n') {
            r->next_line++;
            if (!quoted)
                break;
        }
        if (c == '"')
            quoted = !quoted;
        if (r->rlen + 1 >= r->rcap) {
            if (r->rlen + 1 >= MAX_RECORD) {
                *st = vf_error(err, VPCFLOW_ERR_INPUT, r->name, r->line, 0,
                               "a record longer than 1 MiB: not an AWS Price List CSV");
                return 0;
            }
            if (vf_grow(&r->rec, &r->rcap, VF_MAX(r->rlen + 2, (size_t)4096), 1) < 0) {
                *st = vf_error(err, VPCFLOW_ERR_IO, r->name, 0, 0, "out of memory");
                return 0;
            }
        }
        r->rec[r->rlen++] = (char)c;
    }
    if (r->f && ferror(r->f)) {
        *st = vf_error(err, VPCFLOW_ERR_IO, r->name, 0, 0, "read error: %s", strerror(errno));
        return 0;
    }
    if (!any)
        return 0;
    if (quoted) {
        *st = vf_error(err, VPCFLOW_ERR_INPUT, r->name, r->line, 0, "a quote that is never closed");
        return 0;
    }
    while (r->rlen && (r->rec[r->rlen - 1] == '\r' || r->rec[r->rlen - 1] == '\n'))
        r->rlen--;
    /* split in place: each field's unquoted text is written over its own bytes */
    r->nfields = 0;
    size_t i = 0;
    for (;;) {
        if (r->nfields == MAX_FIELDS) {
            *st = vf_error(err, VPCFLOW_ERR_INPUT, r->name, r->line, 0, "more than %d columns", MAX_FIELDS);
            return 0;
        }
        char *out = r->rec + i;
        size_t n = 0;
        if (i < r->rlen && r->rec[i] == '"') {
            i++;
            while (i < r->rlen) {
                if (r->rec[i] == '"' && i + 1 < r->rlen && r->rec[i + 1] == '"') {
                    out[n++] = '"';
                    i += 2;
                } else if (r->rec[i] == '"') {
                    i++;
                    break;
                } else {
                    out[n++] = r->rec[i++];
                }
            }
            while (i < r->rlen && r->rec[i] != ',')
                i++; /* text after the closing quote: ignored, as spreadsheets do */
        } else {
            while (i < r->rlen && r->rec[i] != ',')
                n++, i++;
        }
        r->field[r->nfields] = out;
        r->flen[r->nfields++] = n;
        if (i >= r->rlen)
            break;
        i++; /* the comma */
    }
    return 1;
}

static int is(const reader *r, int col, const char *s)
{
    return col >= 0 && (size_t)col < r->nfields && r->flen[col] == strlen(s) &&
           !strncasecmp(r->field[col], s, r->flen[col]);
}

static double number(const reader *r, int col, int *ok)
{
    char buf[64];
    *ok = 0;
    if (col < 0 || (size_t)col >= r->nfields || !r->flen[col] || r->flen[col] >= sizeof buf)
        return 0;
    memcpy(buf, r->field[col], r->flen[col]);
    buf[r->flen[col]] = 0;
    char *end;
    double v = strtod(buf, &end);
    while (*end == ' ')
        end++;
    *ok = end != buf && (!*end || !strcasecmp(end, "GiB")) && v >= 0 && v < 1e9;
    return v;
}

static vpcflow_status run(vf_rs_catalog *c, reader *r, const char *region, const char *os, vf_rs_pricelist_stats *stats,
                          vpcflow_error *err)
{
    vf_rs_pricelist_stats local = {0, 0, 0};
    stats = stats ? stats : &local;
    memset(stats, 0, sizeof *stats);
    const char *location = NULL;
    for (size_t i = 0; i < VF_ARRAY_LEN(regions); i++)
        if (!strcmp(regions[i].code, region))
            location = regions[i].name;
    int col[C_COUNT];
    for (int k = 0; k < C_COUNT; k++)
        col[k] = -1;
    vpcflow_status st = VPCFLOW_OK;
    int header = 0;
    r->next_line = 1;
    while (next_record(r, err, &st)) {
        stats->lines = r->next_line - 1;
        if (!header) {
            if (r->nfields < 2 || !is(r, 0, "SKU")) {
                if (r->line > 20)
                    return vf_error(err, VPCFLOW_ERR_INPUT, r->name, r->line, 0,
                                    "no header row (SKU, OfferTermCode, ...) in the first 20 lines: not an AWS Price "
                                    "List CSV for EC2");
                continue; /* the preamble */
            }
            for (size_t i = 0; i < r->nfields; i++)
                for (int k = 0; k < C_COUNT; k++)
                    if (col[k] < 0 && is(r, (int)i, column_names[k]))
                        col[k] = (int)i;
            for (size_t k = 0; k < VF_ARRAY_LEN(required); k++)
                if (col[required[k]] < 0)
                    return vf_error(err, VPCFLOW_ERR_INPUT, r->name, r->line, 0,
                                    "the header has no column \"%s\": not an AWS Price List CSV for EC2",
                                    column_names[required[k]]);
            if (col[C_REGION] < 0 && col[C_LOCATION] < 0)
                return vf_error(err, VPCFLOW_ERR_INPUT, r->name, r->line, 0,
                                "the header has neither \"Region Code\" nor \"Location\"");
            if (col[C_REGION] < 0 && !location)
                return vf_error(err, VPCFLOW_ERR_INPUT, r->name, r->line, 0,
                                "region %s: its Location name is unknown and the file has no \"Region Code\" column",
                                region);
            header = 1;
            continue;
        }
        stats->rows++;
        if (col[C_REGION] >= 0 ? !is(r, col[C_REGION], region) : !is(r, col[C_LOCATION], location))
            continue;
        if (!is(r, col[C_TENANCY], "Shared") || !is(r, col[C_OS], os))
            continue;
        if ((col[C_SW] >= 0 && !is(r, col[C_SW], "NA")) || (col[C_CAPACITY] >= 0 && !is(r, col[C_CAPACITY], "Used")) ||
            (col[C_LICENSE] >= 0 && !is(r, col[C_LICENSE], "No License required")) ||
            (col[C_PRODUCT] >= 0 && !is(r, col[C_PRODUCT], "Compute Instance")))
            continue;
        if ((size_t)col[C_TYPE] >= r->nfields || !r->flen[col[C_TYPE]] || r->flen[col[C_TYPE]] >= sizeof c->t[0].name)
            continue;
        size_t tl = r->flen[col[C_TYPE]];
        char name[32];
        memcpy(name, r->field[col[C_TYPE]], tl);
        name[tl] = 0;
        int ok;
        double price = number(r, col[C_PRICE], &ok);
        if (!ok)
            return vf_error(err, VPCFLOW_ERR_INPUT, r->name, r->line, 0, "PricePerUnit: expected a number");
        int option = -1;
        if (is(r, col[C_TERM], "Reserved")) {
            int term = is(r, col[C_LEASE], "1yr") || is(r, col[C_LEASE], "1 yr")   ? 0
                       : is(r, col[C_LEASE], "3yr") || is(r, col[C_LEASE], "3 yr") ? 1
                                                                                   : -1;
            int cls = is(r, col[C_CLASS], "standard") ? 0 : is(r, col[C_CLASS], "convertible") ? 1 : -1;
            int pay = is(r, col[C_PURCHASE], "No Upfront")        ? 0
                      : is(r, col[C_PURCHASE], "Partial Upfront") ? 1
                      : is(r, col[C_PURCHASE], "All Upfront")     ? 2
                                                                  : -1;
            if (term < 0 || cls < 0 || pay < 0)
                continue; /* an option this catalog does not model (heavy utilisation, ...) */
            option = term * 6 + cls * 3 + pay;
        } else if (!is(r, col[C_TERM], "OnDemand")) {
            continue;
        }
        vf_rs_type *t = vf_rs_catalog_add(c, name);
        if (!t)
            return vf_error(err, VPCFLOW_ERR_IO, r->name, 0, 0, "out of memory");
        stats->used++;
        double v = number(r, col[C_VCPU], &ok);
        if (ok && v > 0)
            t->vcpu = v;
        v = number(r, col[C_MEMORY], &ok);
        if (ok && v > 0)
            t->mem_gib = v;
        int hours = is(r, col[C_UNIT], "Hrs"), qty = is(r, col[C_UNIT], "Quantity");
        if (option < 0 && hours)
            t->od = price;
        else if (option >= 0 && hours)
            t->hourly[option] = price;
        else if (option >= 0 && qty) {
            t->upfront[option] = price;
            if (t->hourly[option] < 0 && option % 3 == 2)
                t->hourly[option] = 0;
        }
    }
    if (st)
        return st;
    if (!header)
        return vf_error(err, VPCFLOW_ERR_INPUT, r->name, 0, 0,
                        "no header row (SKU, OfferTermCode, ...): not an AWS Price List CSV for EC2");
    snprintf(c->source, sizeof c->source, "%s: %s, %s, shared tenancy", r->name, region, os);
    return VPCFLOW_OK;
}

vpcflow_status vf_rs_pricelist_load(vf_rs_catalog *c, const char *path, const char *region, const char *os,
                                    vf_rs_pricelist_stats *stats, vpcflow_error *err)
{
    reader *r = calloc(1, sizeof *r);
    if (!r)
        return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "out of memory");
    r->name = path;
    r->f = fopen(path, "rb");
    if (!r->f) {
        free(r);
        return vf_error(err, VPCFLOW_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    }
    vpcflow_status st = run(c, r, region, os, stats, err);
    fclose(r->f);
    free(r->rec);
    free(r);
    return st;
}

vpcflow_status vf_rs_pricelist_buf(vf_rs_catalog *c, const char *name, const char *data, size_t len, const char *region,
                                   const char *os, vf_rs_pricelist_stats *stats, vpcflow_error *err)
{
    reader *r = calloc(1, sizeof *r);
    if (!r)
        return vf_error(err, VPCFLOW_ERR_IO, name, 0, 0, "out of memory");
    r->name = name;
    r->data = data;
    r->len = len;
    vpcflow_status st = run(c, r, region, os, stats, err);
    free(r->rec);
    free(r);
    return st;
}
