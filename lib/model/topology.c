/* topology.c — the network vpcflow knows: subnets, ENIs, owner labels, interned names, lookups. */
#include "model/topology.h"
#include "base/jsonin.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAMES 4095  /* distinct AZs, regions, services: keys fit in uint16_t */
#define NAME_SLOTS 8192 /* open-addressing slots of a name table (power of two, > 2 * MAX_NAMES) */
#define MAX_NAME_LEN 63
#define MAX_NOTES 64
#define MAX_SUBNETS (1u << 22)
#define MAX_ENIS (1u << 24)

/* Interned names: key = index + 1. The arrays never grow, so a name's pointer and key stay
 * valid for the topology's life and readers never see memory move. */
typedef struct name_table {
    char *name[MAX_NAMES];
    uint16_t slot[NAME_SLOTS];
    size_t n;
    int oom; /* a name could not be copied: its key was 0, an answer the caller must not trust */
} name_table;

typedef struct addr_slot {
    vpcflow_addr key;
    uint32_t eni; /* index + 1; 0 = empty */
} addr_slot;

typedef struct id_slot {
    uint64_t hash;
    uint32_t idx; /* index + 1; 0 = empty */
} id_slot;

struct vf_topology {
    vf_subnet *subnets;
    size_t nsubnets, cap_subnets;
    vf_eni *enis;
    char (*eni_az)[32]; /* each ENI's own AvailabilityZone, for ENIs whose subnet is unknown */
    size_t nenis, cap_enis;
    name_table azs, regions, services;
    uint16_t user_region, file_region, home_region;
    char *notes[MAX_NOTES];
    size_t nnotes;
    /* built by finish */
    vf_ivmap subnet_map;
    addr_slot *by_addr;
    size_t by_addr_mask;
    id_slot *by_id;
    size_t by_id_mask;
    vf_aws_range *aws; /* AWS ranges (ip-ranges.json), indexed by aws_map at finish */
    size_t naws, cap_aws;
    vf_ivmap aws_map;
};

/* ---- names --------------------------------------------------------------------------------- */

static uint16_t name_find(const name_table *nt, const char *s, size_t len, size_t *slot)
{
    size_t i = vf_hash_bytes(s, len) & (NAME_SLOTS - 1);
    for (;; i = (i + 1) & (NAME_SLOTS - 1)) {
        uint16_t k = nt->slot[i];
        if (!k || (strlen(nt->name[k - 1]) == len && memcmp(nt->name[k - 1], s, len) == 0)) {
            *slot = i;
            return k;
        }
    }
}

static uint16_t name_intern(name_table *nt, const char *s, size_t len)
{
    if (!s || !len || len > MAX_NAME_LEN || memchr(s, 0, len))
        return 0;
    size_t slot;
    uint16_t k = name_find(nt, s, len, &slot);
    if (k || nt->n >= MAX_NAMES)
        return k;
    char *copy = vf_strndup(s, len);
    if (!copy) {
        nt->oom = 1;
        return 0;
    }
    nt->name[nt->n++] = copy;
    nt->slot[slot] = (uint16_t)nt->n;
    return (uint16_t)nt->n;
}

static const char *name_of(const name_table *nt, uint16_t key)
{
    return key && key <= nt->n ? nt->name[key - 1] : NULL;
}

static void names_free(name_table *nt)
{
    for (size_t i = 0; i < nt->n; i++)
        free(nt->name[i]);
}

int vf_topology_out_of_memory(const vf_topology *t)
{
    return t->azs.oom || t->regions.oom || t->services.oom;
}

uint16_t vf_topology_az_key(vf_topology *t, const char *az, size_t len)
{
    return name_intern(&t->azs, az, len);
}

uint16_t vf_topology_region_key(vf_topology *t, const char *region, size_t len)
{
    return name_intern(&t->regions, region, len);
}

uint16_t vf_topology_service_key(vf_topology *t, const char *service, size_t len)
{
    return name_intern(&t->services, service, len);
}

const char *vf_topology_az_name(const vf_topology *t, uint16_t key)
{
    return name_of(&t->azs, key);
}

const char *vf_topology_region_name(const vf_topology *t, uint16_t key)
{
    return name_of(&t->regions, key);
}

const char *vf_topology_service_name(const vf_topology *t, uint16_t key)
{
    return name_of(&t->services, key);
}

uint16_t vf_topology_home_region(const vf_topology *t)
{
    return t->home_region;
}

void vf_topology_set_region(vf_topology *t, const char *region)
{
    t->user_region = vf_topology_region_key(t, region, region ? strlen(region) : 0);
    if (t->user_region)
        t->home_region = t->user_region;
}

void vf_topology_default_region(vf_topology *t, const char *region)
{
    if (!t->file_region)
        t->file_region = vf_topology_region_key(t, region, strlen(region));
}

/* ---- regions of AZs ------------------------------------------------------------------------ */

/* AZ IDs start with a short code of their region (use1-az4, usw2-az1, apne1-az2, use1-bos1-az1). */
static const struct {
    const char *code, *region;
} az_id_regions[] = {
    {"use1", "us-east-1"},       {"use2", "us-east-2"},       {"usw1", "us-west-1"},       {"usw2", "us-west-2"},
    {"cac1", "ca-central-1"},    {"caw1", "ca-west-1"},       {"mxc1", "mx-central-1"},    {"sae1", "sa-east-1"},
    {"euw1", "eu-west-1"},       {"euw2", "eu-west-2"},       {"euw3", "eu-west-3"},       {"euc1", "eu-central-1"},
    {"euc2", "eu-central-2"},    {"eun1", "eu-north-1"},      {"eus1", "eu-south-1"},      {"eus2", "eu-south-2"},
    {"afs1", "af-south-1"},      {"mes1", "me-south-1"},      {"mec1", "me-central-1"},    {"ilc1", "il-central-1"},
    {"aps1", "ap-south-1"},      {"aps2", "ap-south-2"},      {"ape1", "ap-east-1"},       {"apse1", "ap-southeast-1"},
    {"apse2", "ap-southeast-2"}, {"apse3", "ap-southeast-3"}, {"apse4", "ap-southeast-4"}, {"apse5", "ap-southeast-5"},
    {"apse7", "ap-southeast-7"}, {"apne1", "ap-northeast-1"}, {"apne2", "ap-northeast-2"}, {"apne3", "ap-northeast-3"},
    {"usgw1", "us-gov-west-1"},  {"usge1", "us-gov-east-1"},  {"cnn1", "cn-north-1"},      {"cnnw1", "cn-northwest-1"},
};

static int is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* An AZ name is a region ("us-east-1": two or more lowercase words, then a number) followed by
 * anything: "a" for an AZ, "-bos-1a" for a Local Zone, "-wl1-bos-wlz-1" for a Wavelength Zone. */
static size_t region_prefix(const char *az)
{
    size_t i = 0;
    int words = 0;
    for (;;) {
        size_t start = i;
        while (is_lower(az[i]))
            i++;
        if (i == start || az[i] != '-')
            return 0;
        words++;
        i++;
        if (is_digit(az[i]))
            break;
    }
    if (words < 2)
        return 0;
    while (is_digit(az[i]))
        i++;
    return i;
}

void vf_region_of_az(const char *az, char *region, size_t cap)
{
    if (!cap)
        return;
    region[0] = 0;
    if (!az)
        return;
    size_t n = region_prefix(az);
    if (n) {
        if (n < cap) {
            memcpy(region, az, n);
            region[n] = 0;
        }
        return;
    }
    const char *dash = strchr(az, '-');
    size_t code = dash ? (size_t)(dash - az) : 0;
    for (size_t i = 0; code && i < VF_ARRAY_LEN(az_id_regions); i++)
        if (strlen(az_id_regions[i].code) == code && memcmp(az_id_regions[i].code, az, code) == 0) {
            snprintf(region, cap, "%s", az_id_regions[i].region);
            return;
        }
}

/* ---- life cycle, notes --------------------------------------------------------------------- */

vf_topology *vf_topology_new(void)
{
    return vf_calloc(1, sizeof(vf_topology));
}

static void free_indexes(vf_topology *t)
{
    vf_ivmap_free(&t->subnet_map);
    vf_ivmap_free(&t->aws_map);
    free(t->by_addr);
    free(t->by_id);
    t->by_addr = NULL;
    t->by_id = NULL;
    t->by_addr_mask = t->by_id_mask = 0;
}

static void clear_notes(vf_topology *t)
{
    for (size_t i = 0; i < t->nnotes; i++)
        free(t->notes[i]);
    t->nnotes = 0;
}

void vf_topology_free(vf_topology *t)
{
    if (!t)
        return;
    free_indexes(t);
    clear_notes(t);
    for (size_t i = 0; i < t->nenis; i++)
        free(t->enis[i].addrs);
    free(t->enis);
    free(t->eni_az);
    free(t->subnets);
    names_free(&t->azs);
    names_free(&t->regions);
    names_free(&t->services);
    free(t->aws);
    free(t);
}

static void note(vf_topology *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(vf_topology *t, const char *fmt, ...)
{
    if (t->nnotes >= MAX_NOTES)
        return;
    char buf[512];
    if (t->nnotes == MAX_NOTES - 1)
        snprintf(buf, sizeof buf, "more notes left out");
    else {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
    }
    char *copy = vf_strndup(buf, strlen(buf));
    if (copy) /* a note lost to a failed allocation loses no data */
        t->notes[t->nnotes++] = copy;
}

size_t vf_topology_note_count(const vf_topology *t)
{
    return t->nnotes;
}

const char *vf_topology_note(const vf_topology *t, size_t i)
{
    return i < t->nnotes ? t->notes[i] : NULL;
}

vpcflow_status vf_topology_add_aws_range(vf_topology *t, const vf_aws_range *r, vpcflow_error *err)
{
    if (vf_grow(&t->aws, &t->cap_aws, t->naws + 1, sizeof *t->aws) < 0)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    t->aws[t->naws++] = *r;
    return VPCFLOW_OK;
}

void vf_topology_aws_truncate(vf_topology *t, size_t n)
{
    if (n < t->naws)
        t->naws = n;
}

size_t vf_topology_subnet_count(const vf_topology *t)
{
    return t->nsubnets;
}

size_t vf_topology_eni_count(const vf_topology *t)
{
    return t->nenis;
}

size_t vf_topology_aws_count(const vf_topology *t)
{
    return t->naws;
}

const vf_eni *vf_topology_eni_at(const vf_topology *t, size_t i)
{
    return i < t->nenis ? &t->enis[i] : NULL;
}

const vf_subnet *vf_topology_subnet_at(const vf_topology *t, size_t i)
{
    return i < t->nsubnets ? &t->subnets[i] : NULL;
}

/* ---- adding subnets and ENIs --------------------------------------------------------------- */

vpcflow_status vf_topology_add_subnet(vf_topology *t, const vf_subnet *s, vpcflow_error *err)
{
    if (t->nsubnets >= MAX_SUBNETS)
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "more than %u subnets", MAX_SUBNETS);
    if (vf_grow(&t->subnets, &t->cap_subnets, t->nsubnets + 1, sizeof *t->subnets) < 0)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    vf_subnet *d = &t->subnets[t->nsubnets++];
    *d = *s;
    vf_region_of_az(d->az[0] ? d->az : d->az_id, d->region, sizeof d->region);
    if (!d->region[0] && d->az[0])
        vf_region_of_az(d->az_id, d->region, sizeof d->region);
    /* AZ names map to different zones in different accounts; AZ IDs do not */
    d->az_key =
        d->az_id[0] ? vf_topology_az_key(t, d->az_id, strlen(d->az_id)) : vf_topology_az_key(t, d->az, strlen(d->az));
    d->region_key = vf_topology_region_key(t, d->region, strlen(d->region));
    return VPCFLOW_OK;
}

static int grow_enis(vf_topology *t)
{
    if (t->nenis >= MAX_ENIS)
        return -1;
    /* two arrays of one length: each grows by the same doubling; the shared capacity is
     * their smaller one, so a failure half-way leaves both usable */
    size_t cap_enis = t->cap_enis, cap_az = t->cap_enis;
    if (vf_grow(&t->enis, &cap_enis, t->nenis + 1, sizeof *t->enis) < 0 ||
        vf_grow(&t->eni_az, &cap_az, t->nenis + 1, sizeof *t->eni_az) < 0)
        return -1;
    t->cap_enis = VF_MIN(cap_enis, cap_az);
    return 0;
}

static int has_addr(const vpcflow_addr *a, size_t n, vpcflow_addr x)
{
    for (size_t i = 0; i < n; i++)
        if (vpcflow_addr_eq(a[i], x))
            return 1;
    return 0;
}

vpcflow_status vf_topology_add_eni(vf_topology *t, const vf_eni *e, const char *az, vpcflow_error *err)
{
    if (t->nenis == t->cap_enis && grow_enis(t) < 0)
        return t->nenis >= MAX_ENIS ? vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "more than %u ENIs", MAX_ENIS)
                                    : vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    if (e->naddrs > VF_ENI_MAX_ADDRS)
        return vf_error(err, VPCFLOW_ERR_INPUT, NULL, 0, 0, "more than %d addresses", VF_ENI_MAX_ADDRS);
    vpcflow_addr *addrs = vf_calloc(e->naddrs, sizeof *addrs);
    if (!addrs)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < e->naddrs; i++)
        if (!has_addr(addrs, n, e->addrs[i]))
            addrs[n++] = e->addrs[i];
    vf_eni *d = &t->enis[t->nenis];
    *d = *e;
    d->addrs = addrs;
    d->naddrs = n;
    d->subnet = NULL;
    d->az_key = d->region_key = 0;
    snprintf(t->eni_az[t->nenis], sizeof t->eni_az[0], "%s", az ? az : "");
    t->nenis++;
    return VPCFLOW_OK;
}

void vf_topology_truncate(vf_topology *t, size_t nsubnets, size_t nenis)
{
    while (t->nenis > nenis)
        free(t->enis[--t->nenis].addrs);
    if (t->nsubnets > nsubnets)
        t->nsubnets = nsubnets;
}

/* ---- owner styles and labels --------------------------------------------------------------- */

static const struct owner_style {
    const char *name;
    vf_owner_kind kind;
    const char *prefix; /* the label is prefix + name */
    const char *strip;  /* a leading part of the name the prefix already says */
} owner_styles[] = {
    {"ec2", VF_OWNER_EC2, "ec2 ", NULL},
    {"rds", VF_OWNER_RDS, "rds ", NULL},
    {"nat-gateway", VF_OWNER_NAT, "nat-gateway ", NULL},
    {"elb-app", VF_OWNER_ELB_APP, "elb app/", "app/"},
    {"elb-network", VF_OWNER_ELB_NET, "elb net/", "net/"},
    {"elb-classic", VF_OWNER_ELB_CLASSIC, "elb ", NULL},
    {"gateway-load-balancer", VF_OWNER_GWLB, "elb gwy/", "gwy/"},
    {"gwlb-endpoint", VF_OWNER_GWLB, "gwlb-endpoint ", NULL},
    {"vpc-endpoint", VF_OWNER_VPCE, "vpc-endpoint ", NULL},
    {"lambda", VF_OWNER_LAMBDA, "lambda ", NULL},
    {"transit-gateway", VF_OWNER_TGW, "transit-gateway ", NULL},
    {"efs", VF_OWNER_EFS, "efs ", NULL},
    {"other", VF_OWNER_OTHER, "", NULL},
};

enum {
    S_EC2,
    S_RDS,
    S_NAT,
    S_ELB_APP,
    S_ELB_NET,
    S_ELB_CLASSIC,
    S_GWLB,
    S_GWLB_ENDPOINT,
    S_VPCE,
    S_LAMBDA,
    S_TGW,
    S_EFS,
    S_OTHER
};

int vf_owner_style(const char *name, size_t len)
{
    for (size_t i = 0; i < VF_ARRAY_LEN(owner_styles); i++)
        if (strlen(owner_styles[i].name) == len && memcmp(owner_styles[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

vf_owner_kind vf_owner_style_kind(int style)
{
    return style >= 0 && (size_t)style < VF_ARRAY_LEN(owner_styles) ? owner_styles[style].kind : VF_OWNER_UNKNOWN;
}

const char *vf_owner_style_list(void)
{
    return "ec2, rds, nat-gateway, elb-app, elb-network, elb-classic, gateway-load-balancer, gwlb-endpoint, "
           "vpc-endpoint, lambda, transit-gateway, efs, other";
}

void vf_owner_style_label(int style, const char *name, size_t len, char *label, size_t cap)
{
    if (!cap)
        return;
    if (style < 0 || (size_t)style >= VF_ARRAY_LEN(owner_styles))
        style = S_OTHER;
    const struct owner_style *os = &owner_styles[style];
    size_t strip = os->strip ? strlen(os->strip) : 0;
    if (strip && len > strip && memcmp(name, os->strip, strip) == 0) {
        name += strip;
        len -= strip;
    }
    size_t plen = strlen(os->prefix);
    if (!len && plen) /* no name: the prefix alone, without its separator ("rds", "elb app") */
        plen--;
    if (!len && !plen) {
        snprintf(label, cap, "other");
        return;
    }
    size_t total = plen + len, o = 0;
    for (; o < total && o + 1 < cap; o++) {
        char c = o < plen ? os->prefix[o] : name[o - plen];
        label[o] = (unsigned char)c < 0x20 || c == 0x7f ? ' ' : c; /* labels go into tables and CSV */
    }
    if (o < total)
        o = vf_utf8_cut(label, o);
    label[o] = 0;
}

/* ---- finish: de-duplicate, index, link ------------------------------------------------------- */

static size_t table_size(size_t n)
{
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    return size;
}

/* Id tables index arrays of structs whose first member is the id (vf_subnet, vf_eni), a
 * char[ID_CAP]. */
#define ID_CAP sizeof(((vf_subnet *)0)->id)
_Static_assert(offsetof(vf_subnet, id) == 0 && offsetof(vf_eni, id) == 0, "ids come first");
_Static_assert(sizeof(((vf_eni *)0)->id) == ID_CAP, "subnet and ENI ids have one size");
static uint32_t id_find(const id_slot *tab, size_t mask, const char *base, size_t stride, const char *id, size_t len,
                        uint64_t h, size_t *slot)
{
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t k = tab[i].idx;
        if (!k) {
            *slot = i;
            return 0;
        }
        const char *other = base + (size_t)(k - 1) * stride;
        if (tab[i].hash == h && len < ID_CAP && memcmp(other, id, len) == 0 && other[len] == 0)
            return k;
    }
}

static void cidr_text(const vf_subnet *s, char *buf, size_t cap)
{
    char a[48];
    if (s->has_v4) {
        vpcflow_addr_format(s->net4, a, sizeof a);
        snprintf(buf, cap, "%s/%u", a, s->plen4 - 96);
    } else {
        vpcflow_addr_format(s->net6, a, sizeof a);
        snprintf(buf, cap, "%s/%u", a, s->plen6);
    }
}

static int same_subnet(const vf_subnet *a, const vf_subnet *b)
{
    return a->has_v4 == b->has_v4 && a->has_v6 == b->has_v6 &&
           (!a->has_v4 || (vpcflow_addr_eq(a->net4, b->net4) && a->plen4 == b->plen4)) &&
           (!a->has_v6 || (vpcflow_addr_eq(a->net6, b->net6) && a->plen6 == b->plen6)) && !strcmp(a->az, b->az) &&
           !strcmp(a->az_id, b->az_id) && !strcmp(a->vpc_id, b->vpc_id);
}

/* Keeps the first of subnets listed twice (the same file given twice, or --subnets and
 * --topology both naming it); builds the id table used to link ENIs. */
static int dedup_subnets(vf_topology *t, id_slot **tab_out, size_t *mask_out)
{
    size_t size = table_size(t->nsubnets), w = 0;
    id_slot *tab = vf_calloc(size, sizeof *tab);
    if (!tab)
        return -1;
    for (size_t i = 0; i < t->nsubnets; i++) {
        const vf_subnet *s = &t->subnets[i];
        size_t len = strlen(s->id), slot;
        uint64_t h = vf_hash_bytes(s->id, len);
        uint32_t k = id_find(tab, size - 1, (const char *)t->subnets, sizeof *s, s->id, len, h, &slot);
        if (k) {
            if (!same_subnet(&t->subnets[k - 1], s))
                note(t, "subnet %s is listed twice with different contents; the first is kept", s->id);
            continue;
        }
        t->subnets[w] = *s;
        tab[slot] = (id_slot){h, (uint32_t)(w + 1)};
        w++;
    }
    t->nsubnets = w;
    *tab_out = tab;
    *mask_out = size - 1;
    return 0;
}

static int same_eni(const vf_eni *a, const vf_eni *b)
{
    return a->kind == b->kind && !strcmp(a->label, b->label) && vpcflow_addr_eq(a->primary, b->primary) &&
           a->naddrs == b->naddrs && !memcmp(a->addrs, b->addrs, a->naddrs * sizeof a->addrs[0]);
}

/* Keeps the first of ENIs listed twice and builds the id table for vf_topology_eni_by_id. */
static int index_enis_by_id(vf_topology *t)
{
    size_t size = table_size(t->nenis), w = 0;
    t->by_id = vf_calloc(size, sizeof *t->by_id);
    if (!t->by_id)
        return -1;
    t->by_id_mask = size - 1;
    for (size_t i = 0; i < t->nenis; i++) {
        vf_eni *e = &t->enis[i];
        size_t len = strlen(e->id), slot = 0;
        uint64_t h = vf_hash_bytes(e->id, len);
        uint32_t k = len ? id_find(t->by_id, t->by_id_mask, (const char *)t->enis, sizeof *e, e->id, len, h, &slot) : 0;
        if (k) {
            if (!same_eni(&t->enis[k - 1], e))
                note(t, "interface %s is listed twice with different contents; the first is kept", e->id);
            free(e->addrs);
            continue;
        }
        memcpy(t->eni_az[w], t->eni_az[i], sizeof t->eni_az[0]);
        t->enis[w] = *e;
        if (len)
            t->by_id[slot] = (id_slot){h, (uint32_t)(w + 1)};
        w++;
    }
    t->nenis = w;
    return 0;
}

static int subnet_first(const void *ctx, uint32_t a, uint32_t b)
{
    (void)ctx;
    return a < b;
}

static void subnet_overlap(void *ctx, uint32_t outer, uint32_t inner)
{
    vf_topology *t = ctx;
    const vf_subnet *a = &t->subnets[outer], *b = &t->subnets[inner];
    const vf_subnet *first = outer < inner ? a : b;
    char ca[80], cb[80];
    cidr_text(a, ca, sizeof ca);
    cidr_text(b, cb, sizeof cb);
    note(t, "subnets %s (%s, %s) and %s (%s, %s) overlap; addresses in both are attributed to %s, loaded first", a->id,
         ca, a->region[0] ? a->region : "region unknown", b->id, cb, b->region[0] ? b->region : "region unknown",
         first->id);
}

static vpcflow_status index_subnets(vf_topology *t)
{
    vf_ivblock *blocks = vf_calloc(2 * t->nsubnets, sizeof *blocks);
    if (!blocks)
        return VPCFLOW_ERR_IO;
    size_t n = 0;
    for (size_t i = 0; i < t->nsubnets; i++) {
        const vf_subnet *s = &t->subnets[i];
        if (s->has_v4)
            blocks[n++] = (vf_ivblock){s->net4, s->plen4, (uint32_t)i};
        if (s->has_v6)
            blocks[n++] = (vf_ivblock){s->net6, s->plen6, (uint32_t)i};
    }
    vpcflow_status st = vf_ivmap_build(&t->subnet_map, blocks, n, subnet_first, subnet_overlap, t);
    free(blocks);
    return st;
}

static void link_eni(vf_topology *t, vf_eni *e, const char *az, const id_slot *ids, size_t mask)
{
    const vf_subnet *s = NULL;
    if (e->subnet_id[0]) {
        size_t len = strlen(e->subnet_id), slot;
        uint32_t k = id_find(ids, mask, (const char *)t->subnets, sizeof *s, e->subnet_id, len,
                             vf_hash_bytes(e->subnet_id, len), &slot);
        s = k ? &t->subnets[k - 1] : NULL;
    } else if (e->naddrs) { /* a topology-file interface may leave its subnet to its address */
        s = vf_topology_subnet_of(t, e->primary);
        if (s && e->vpc_id[0] && strcmp(e->vpc_id, s->vpc_id))
            s = NULL;
        if (s)
            snprintf(e->subnet_id, sizeof e->subnet_id, "%s", s->id);
    }
    e->subnet = s;
    if (s && !e->vpc_id[0])
        snprintf(e->vpc_id, sizeof e->vpc_id, "%s", s->vpc_id);
    char region[32];
    vf_region_of_az(az, region, sizeof region);
    e->az_key = s && s->az_key ? s->az_key : vf_topology_az_key(t, az, strlen(az));
    e->region_key = s && s->region_key ? s->region_key : vf_topology_region_key(t, region, strlen(region));
}

static const vf_eni *addr_find(const vf_topology *t, vpcflow_addr a, size_t *slot)
{
    for (size_t i = vf_hash_addr(a) & t->by_addr_mask;; i = (i + 1) & t->by_addr_mask) {
        const addr_slot *s = &t->by_addr[i];
        if (!s->eni || vpcflow_addr_eq(s->key, a)) {
            *slot = i;
            return s->eni ? &t->enis[s->eni - 1] : NULL;
        }
    }
}

static int index_enis_by_addr(vf_topology *t)
{
    size_t total = 0;
    for (size_t i = 0; i < t->nenis; i++)
        total += t->enis[i].naddrs;
    size_t size = table_size(total);
    t->by_addr = vf_calloc(size, sizeof *t->by_addr);
    if (!t->by_addr)
        return -1;
    t->by_addr_mask = size - 1;
    for (size_t i = 0; i < t->nenis; i++)
        for (size_t j = 0; j < t->enis[i].naddrs; j++) {
            vpcflow_addr a = t->enis[i].addrs[j];
            size_t slot;
            const vf_eni *owner = addr_find(t, a, &slot);
            if (owner) {
                char text[64];
                vpcflow_addr_format(a, text, sizeof text);
                note(t, "address %s belongs to %s and %s; it is attributed to %s, loaded first", text, owner->id,
                     t->enis[i].id, owner->id);
                continue;
            }
            t->by_addr[slot] = (addr_slot){a, (uint32_t)(i + 1)};
        }
    return 0;
}

static void choose_home_region(vf_topology *t)
{
    uint16_t first = 0;
    size_t others = 0;
    for (size_t i = 0; i < t->nsubnets; i++) {
        uint16_t r = t->subnets[i].region_key;
        if (r && !first)
            first = r;
        else if (r && r != first)
            others++;
    }
    t->home_region = t->user_region ? t->user_region : t->file_region ? t->file_region : first;
    if (others && !t->user_region && !t->file_region)
        note(t,
             "the subnets are in more than one region; %s, the region of the first, is taken as home "
             "(--region chooses another)",
             vf_topology_region_name(t, first));
}

/* At one address the longest prefix wins; at equal length a specific service beats AMAZON (the
 * superset every range is also listed under); among specific services the alphabetically first
 * wins, then the first region, then the first loaded, so the answer never depends on luck. */
static int range_better(const void *ctx, uint32_t ia, uint32_t ib)
{
    const vf_aws_range *a = (const vf_aws_range *)ctx + ia, *b = (const vf_aws_range *)ctx + ib;
    if (a->plen != b->plen)
        return a->plen > b->plen;
    int a_generic = strcmp(a->service, "AMAZON") == 0, b_generic = strcmp(b->service, "AMAZON") == 0;
    if (a_generic != b_generic)
        return b_generic;
    int c = strcmp(a->service, b->service);
    if (c)
        return c < 0;
    c = strcmp(a->region, b->region);
    if (c)
        return c < 0;
    return ia < ib;
}

static vpcflow_status index_aws(vf_topology *t, vpcflow_error *err)
{
    if (!t->naws)
        return VPCFLOW_OK;
    vf_ivblock *blocks = vf_calloc(t->naws, sizeof *blocks);
    if (!blocks)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory indexing AWS address ranges");
    for (size_t i = 0; i < t->naws; i++)
        blocks[i] = (vf_ivblock){t->aws[i].net, t->aws[i].plen, (uint32_t)i};
    vpcflow_status st = vf_ivmap_build(&t->aws_map, blocks, t->naws, range_better, NULL, t->aws);
    free(blocks);
    if (st != VPCFLOW_OK)
        return vf_error(err, st, NULL, 0, 0, "out of memory indexing AWS address ranges");
    return VPCFLOW_OK;
}

vpcflow_status vf_topology_finish(vf_topology *t, vpcflow_error *err)
{
    free_indexes(t);
    clear_notes(t);
    id_slot *subnet_ids = NULL;
    size_t mask = 0;
    if (dedup_subnets(t, &subnet_ids, &mask) < 0 || index_subnets(t) != VPCFLOW_OK || index_enis_by_id(t) < 0) {
        free(subnet_ids);
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory indexing the topology");
    }
    choose_home_region(t);
    for (size_t i = 0; i < t->nenis; i++)
        link_eni(t, &t->enis[i], t->eni_az[i], subnet_ids, mask);
    free(subnet_ids);
    if (index_enis_by_addr(t) < 0)
        return vf_error(err, VPCFLOW_ERR_IO, NULL, 0, 0, "out of memory indexing the topology");
    return index_aws(t, err);
}

/* ---- lookups (hot path: no locks, no allocation) --------------------------------------------- */

const vf_subnet *vf_topology_subnet_of(const vf_topology *t, vpcflow_addr a)
{
    uint32_t id = vf_ivmap_find(&t->subnet_map, a);
    return id ? &t->subnets[id - 1] : NULL;
}

const vf_eni *vf_topology_eni_of(const vf_topology *t, vpcflow_addr a)
{
    if (!t->by_addr)
        return NULL;
    size_t slot;
    return addr_find(t, a, &slot);
}

const vf_eni *vf_topology_eni_by_id(const vf_topology *t, const char *id, size_t len)
{
    if (!t->by_id || !len || len >= ID_CAP)
        return NULL;
    size_t slot;
    uint32_t k =
        id_find(t->by_id, t->by_id_mask, (const char *)t->enis, sizeof(vf_eni), id, len, vf_hash_bytes(id, len), &slot);
    return k ? &t->enis[k - 1] : NULL;
}

const vf_aws_range *vf_topology_aws_of(const vf_topology *t, vpcflow_addr a)
{
    uint32_t id = vf_ivmap_find(&t->aws_map, a);
    return id ? &t->aws[id - 1] : NULL;
}
