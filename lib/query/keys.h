/* keys.h — group-by keys of `top` and `timeline`: a list like "srcaddr,dstport" becomes a
 * fixed-size binary key built from each classified record, and back into text for output. */
#ifndef VF_KEYS_H
#define VF_KEYS_H

#include "model/network.h"

typedef enum vf_key_kind {
    VF_K_SRCADDR,
    VF_K_DSTADDR,
    VF_K_PAIR,
    VF_K_SRCPORT,
    VF_K_DSTPORT,
    VF_K_PORT,
    VF_K_PROTOCOL,
    VF_K_INTERFACE,
    VF_K_INSTANCE,
    VF_K_ACCOUNT,
    VF_K_VPC,
    VF_K_SUBNET,
    VF_K_SRC_AZ,
    VF_K_DST_AZ,
    VF_K_AZ_PAIR,
    VF_K_CLASS,
    VF_K_ACTION,
    VF_K_OWNER,
    VF_K_SRC_OWNER,
    VF_K_DST_OWNER,
    VF_K_TCP_FLAGS,
    VF_K_FLOW_DIRECTION,
    VF_K_HOUR,
    VF_K_DAY,
    VF_K_FIELD, /* any other field of the format, by its AWS name: its text */
    VF_K_COUNT
} vf_key_kind;

#define VF_KEY_TEXT 64 /* bytes of a text component: up to 63 characters, or a prefix and a hash */

typedef struct vf_key_part {
    vf_key_kind kind;
    int field;     /* VF_K_FIELD: the field id (-1 for an opaque column) */
    char name[64]; /* as the user wrote it */
    size_t offset, size;
} vf_key_part;

#define VF_MAX_KEYS 8

typedef struct vf_keys {
    size_t n;
    vf_key_part part[VF_MAX_KEYS];
    size_t size; /* bytes of a whole key */
    int multi;   /* a part (owner) makes up to two pieces per record */
    int owners;  /* address parts carry their owner at the record's time (vf_keys_with_owners) */
} vf_keys;

/* Parses "srcaddr,dstport"; unknown names are an error listing the valid ones. */
vpcflow_status vf_keys_parse(const char *list, vf_keys *k, vpcflow_error *err);
/* Builds the key(s) of a record into out (room for 2 keys): returns how many (0 when the
 * record lacks what a part needs, e.g. ports of a NODATA record are never asked). */
size_t vf_keys_build(const vf_keys *k, const vf_network *n, const vpcflow_record *rec, const vf_flow *f,
                     unsigned char *out);
/* Text of part i of key; json_number is set when it prints as a JSON number. */
void vf_keys_text(const vf_keys *k, const vf_network *n, size_t i, const unsigned char *key, char *buf, size_t cap,
                  int *json_number);
/* The address of part i when it is an address part (for its owner label), else 0. */
int vf_keys_addr(const vf_keys *k, size_t i, const unsigned char *key, vpcflow_addr *a, int second);
/* Makes address parts carry the owner each address had at the record's time, so that an
 * address that changed hands over the run (--history) is one row per owner. */
void vf_keys_with_owners(vf_keys *k);
/* The owner (facts index, -1 for none) stored with address part i; 0 when the key has none. */
int vf_keys_addr_owner(const vf_keys *k, size_t i, const unsigned char *key, int second, int32_t *owner);
/* The names every --by accepts, for messages. */
extern const char vf_key_names[];

#endif
