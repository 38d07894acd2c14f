/* topology.h — what vpcflow knows about the network: subnets (describe-subnets JSON), ENIs and
 * their owners (describe-network-interfaces JSON), AWS address ranges (ip-ranges.json), and
 * vpcflow's own small topology file. Loaded once, then read-only and safe to share between
 * threads: every lookup below is lock-free and allocation-free (the hot path calls them). */
#ifndef VF_TOPOLOGY_H
#define VF_TOPOLOGY_H

#include "base/internal.h"
#include "base/ivmap.h"

/* What an ENI is, from InterfaceType / RequesterId / Description. */
typedef enum vf_owner_kind {
    VF_OWNER_UNKNOWN = 0,
    VF_OWNER_EC2,         /* an instance's interface: label "ec2 i-..." */
    VF_OWNER_RDS,         /* "rds" */
    VF_OWNER_NAT,         /* "nat-gateway nat-..." */
    VF_OWNER_ELB_APP,     /* "elb app/<name>/<id>" */
    VF_OWNER_ELB_NET,     /* "elb net/<name>/<id>" */
    VF_OWNER_ELB_CLASSIC, /* "elb <name>" */
    VF_OWNER_GWLB,        /* gateway load balancer (endpoint) */
    VF_OWNER_VPCE,        /* "vpc-endpoint vpce-..." */
    VF_OWNER_LAMBDA,      /* "lambda <function or ENI description>" */
    VF_OWNER_TGW,         /* "transit-gateway tgw-..." */
    VF_OWNER_EFS,         /* "efs fs-..." */
    VF_OWNER_OTHER        /* anything else: label from the description or InterfaceType */
} vf_owner_kind;

typedef struct vf_subnet {
    char id[48];
    char vpc_id[48];
    char az[32];     /* AZ name, e.g. us-east-1a ("" when unknown) */
    char az_id[32];  /* AZ ID, e.g. use1-az1 ("" when unknown) */
    char region[32]; /* from the AZ name; "" when unknown */
    int has_v4, has_v6;
    vpcflow_addr net4, net6;
    unsigned plen4, plen6; /* in vpcflow_cidr_parse terms (IPv4 /20 is 116) */
    uint16_t az_key;       /* interned AZ (by ID, else name); 0 = unknown */
    uint16_t region_key;   /* interned region; 0 = unknown */
} vf_subnet;

typedef struct vf_eni {
    char id[48];
    vf_owner_kind kind;
    char label[128]; /* owner label, see vf_owner_kind */
    char subnet_id[48];
    char vpc_id[48];
    const vf_subnet *subnet; /* NULL when the subnet is not known */
    uint16_t az_key, region_key;
    int has_public; /* holds a public IPv4 (Association.PublicIp) */
    int requester_managed;
    vpcflow_addr primary; /* primary private address (all zero if none) */
    vpcflow_addr *addrs;  /* every address: private v4 (primary first), IPv6, public */
    size_t naddrs;
} vf_eni;

/* A match in ip-ranges.json. */
typedef struct vf_aws_range {
    const char *service; /* the most specific service ("S3" beats "AMAZON") */
    const char *region;  /* e.g. "us-east-1", "GLOBAL" */
    uint16_t region_key; /* interned; GLOBAL has its own key */
    vpcflow_addr net;
    unsigned plen;
} vf_aws_range;

typedef struct vf_topology vf_topology;

vf_topology *vf_topology_new(void);
void vf_topology_free(vf_topology *t);

/* Loaders: each reads one file, reports problems with the file name and, for JSON syntax
 * errors, line and column (VPCFLOW_ERR_INPUT), and can be called several times (files add up).
 * Nothing is usable before vf_topology_finish. */
vpcflow_status vf_topology_load_subnets(vf_topology *t, const char *path, vpcflow_error *err);
vpcflow_status vf_topology_load_enis(vf_topology *t, const char *path, vpcflow_error *err);
vpcflow_status vf_topology_load_ipranges(vf_topology *t, const char *path, vpcflow_error *err);
vpcflow_status vf_topology_load_file(vf_topology *t, const char *path, vpcflow_error *err);
/* Sets the home region (from --region); otherwise it is taken from the subnets. */
void vf_topology_set_region(vf_topology *t, const char *region);
/* Builds the lookup structures; links ENIs to their subnets. */
vpcflow_status vf_topology_finish(vf_topology *t, vpcflow_error *err);

/* Lookups (after finish). NULL/0 when nothing matches. */
const vf_subnet *vf_topology_subnet_of(const vf_topology *t, vpcflow_addr a);
const vf_eni *vf_topology_eni_of(const vf_topology *t, vpcflow_addr a);
const vf_eni *vf_topology_eni_by_id(const vf_topology *t, const char *id, size_t len);
const vf_aws_range *vf_topology_aws_of(const vf_topology *t, vpcflow_addr a);

size_t vf_topology_subnet_count(const vf_topology *t);
size_t vf_topology_eni_count(const vf_topology *t);
size_t vf_topology_aws_count(const vf_topology *t);
const vf_eni *vf_topology_eni_at(const vf_topology *t, size_t i);
const vf_subnet *vf_topology_subnet_at(const vf_topology *t, size_t i);

/* Interned names: AZ keys and region keys are small integers (0 = unknown), stable for the
 * life of the topology, so the hot path compares integers. Interning after finish is allowed
 * from one thread at a time (the caller serialises it). */
uint16_t vf_topology_az_key(vf_topology *t, const char *az, size_t len);
/* Whether a name could not be interned for lack of memory (its key was given as 0, "none"):
 * whoever interned names since the topology was made must then fail with out of memory. */
int vf_topology_out_of_memory(const vf_topology *t);
uint16_t vf_topology_region_key(vf_topology *t, const char *region, size_t len);
const char *vf_topology_az_name(const vf_topology *t, uint16_t key);
const char *vf_topology_region_name(const vf_topology *t, uint16_t key);
uint16_t vf_topology_home_region(const vf_topology *t); /* 0 when unknown */
/* Region of an AZ name ("us-east-1a" -> "us-east-1") or of an AZ ID ("use1-az1" -> "us-east-1"
 * for the regions vpcflow knows the short codes of); writes "" when unknown. */
void vf_region_of_az(const char *az, char *region, size_t cap);

/* ---- in-memory loaders and notes --------------------------------------------------------- */

/* The loaders above, reading a buffer instead of a file (tests, fuzzing); `name` stands for the
 * file in messages. */
vpcflow_status vf_topology_load_subnets_buf(vf_topology *t, const char *name, const char *data, size_t len,
                                            vpcflow_error *err);
vpcflow_status vf_topology_load_enis_buf(vf_topology *t, const char *name, const char *data, size_t len,
                                         vpcflow_error *err);
vpcflow_status vf_topology_load_ipranges_buf(vf_topology *t, const char *name, const char *data, size_t len,
                                             vpcflow_error *err);
vpcflow_status vf_topology_load_file_buf(vf_topology *t, const char *name, const char *data, size_t len,
                                         vpcflow_error *err);

/* Notes: facts worth telling the user that are not errors (overlapping subnets, an address held
 * by two ENIs, subnets of several regions). The library never prints; the caller shows them.
 * Valid until the next load, finish or free. */
size_t vf_topology_note_count(const vf_topology *t);
const char *vf_topology_note(const vf_topology *t, size_t i);

/* AWS service names of ip-ranges.json, interned like AZs and regions (0 = unknown). */
uint16_t vf_topology_service_key(vf_topology *t, const char *service, size_t len);
const char *vf_topology_service_name(const vf_topology *t, uint16_t key);

/* ---- shared by the topology sources (topology.c, ipranges.c, topofile.c) ----------------- */

#define VF_ENI_MAX_ADDRS 256 /* addresses per ENI */

struct json_t;
/* The error for a document that is not the kind expected: "no <key> ...: is this <expected>?",
 * followed by what the document looks like when vpcflow recognises it. */
vpcflow_status vf_topology_wrong_kind(const char *name, const struct json_t *doc, const char *missing,
                                      const char *expected, vpcflow_error *err);
/* Appends a subnet: the caller fills id, vpc_id, az, az_id and the blocks; region and keys are
 * derived here. */
vpcflow_status vf_topology_add_subnet(vf_topology *t, const vf_subnet *s, vpcflow_error *err);
/* Appends an ENI (its addrs are copied, duplicates dropped); az is the ENI's own AZ name, used
 * when its subnet is unknown. */
vpcflow_status vf_topology_add_eni(vf_topology *t, const vf_eni *e, const char *az, vpcflow_error *err);
/* Undoes the adds of a file that failed to load: keeps the first nsubnets subnets and nenis ENIs. */
void vf_topology_truncate(vf_topology *t, size_t nsubnets, size_t nenis);
/* The home region named by a topology file; --region (vf_topology_set_region) and an earlier
 * file win. */
void vf_topology_default_region(vf_topology *t, const char *region);

/* Owner styles: the kinds of vpcflow's topology file ("nat-gateway", "elb-app", ...), each with
 * its vf_owner_kind and label prefix. The AWS loader builds its labels through the same table. */
int vf_owner_style(const char *name, size_t len); /* index, or -1 when unknown */
vf_owner_kind vf_owner_style_kind(int style);
const char *vf_owner_style_list(void); /* "ec2, rds, ..." for messages */
/* The label of an owner: "nat-gateway" + "nat-0a1b" -> "nat-gateway nat-0a1b". */
void vf_owner_style_label(int style, const char *name, size_t len, char *label, size_t cap);

/* What owns an ENI and its label, from its InterfaceType, Description, RequesterId and attached
 * instance (docs/topology.md lists the rules); id names a nameless RDS or load-balancer ENI. */
vf_owner_kind vf_eni_owner(const char *type, const char *desc, const char *requester, const char *instance,
                           const char *id, char *label, size_t cap);

/* AWS ranges: the ip-ranges.json reader (ipranges.c) appends them (service and region point at
 * interned names); a file that fails is undone with vf_topology_aws_truncate (keeps the first n). */
vpcflow_status vf_topology_add_aws_range(vf_topology *t, const vf_aws_range *r, vpcflow_error *err);
void vf_topology_aws_truncate(vf_topology *t, size_t n);

#endif
