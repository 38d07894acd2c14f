/* fields.c — the table of flow-log fields (versions 2 to 8): names, value types, versions. */
#include "base/internal.h"

#include <string.h>

struct field_info {
    const char *name;
    vpcflow_field_type type;
    int version;
};

static const struct field_info fields[VPCFLOW_F_COUNT] = {
    [VPCFLOW_F_VERSION] = {"version", VPCFLOW_T_U32, 2},
    [VPCFLOW_F_ACCOUNT_ID] = {"account-id", VPCFLOW_T_STRING, 2},
    [VPCFLOW_F_INTERFACE_ID] = {"interface-id", VPCFLOW_T_STRING, 2},
    [VPCFLOW_F_SRCADDR] = {"srcaddr", VPCFLOW_T_ADDR, 2},
    [VPCFLOW_F_DSTADDR] = {"dstaddr", VPCFLOW_T_ADDR, 2},
    [VPCFLOW_F_SRCPORT] = {"srcport", VPCFLOW_T_U32, 2},
    [VPCFLOW_F_DSTPORT] = {"dstport", VPCFLOW_T_U32, 2},
    [VPCFLOW_F_PROTOCOL] = {"protocol", VPCFLOW_T_U32, 2},
    [VPCFLOW_F_PACKETS] = {"packets", VPCFLOW_T_U64, 2},
    [VPCFLOW_F_BYTES] = {"bytes", VPCFLOW_T_U64, 2},
    [VPCFLOW_F_START] = {"start", VPCFLOW_T_TIME, 2},
    [VPCFLOW_F_END] = {"end", VPCFLOW_T_TIME, 2},
    [VPCFLOW_F_ACTION] = {"action", VPCFLOW_T_ENUM, 2},
    [VPCFLOW_F_LOG_STATUS] = {"log-status", VPCFLOW_T_ENUM, 2},
    [VPCFLOW_F_VPC_ID] = {"vpc-id", VPCFLOW_T_STRING, 3},
    [VPCFLOW_F_SUBNET_ID] = {"subnet-id", VPCFLOW_T_STRING, 3},
    [VPCFLOW_F_INSTANCE_ID] = {"instance-id", VPCFLOW_T_STRING, 3},
    [VPCFLOW_F_TCP_FLAGS] = {"tcp-flags", VPCFLOW_T_U32, 3},
    [VPCFLOW_F_TYPE] = {"type", VPCFLOW_T_STRING, 3},
    [VPCFLOW_F_PKT_SRCADDR] = {"pkt-srcaddr", VPCFLOW_T_ADDR, 3},
    [VPCFLOW_F_PKT_DSTADDR] = {"pkt-dstaddr", VPCFLOW_T_ADDR, 3},
    [VPCFLOW_F_REGION] = {"region", VPCFLOW_T_STRING, 4},
    [VPCFLOW_F_AZ_ID] = {"az-id", VPCFLOW_T_STRING, 4},
    [VPCFLOW_F_SUBLOCATION_TYPE] = {"sublocation-type", VPCFLOW_T_STRING, 4},
    [VPCFLOW_F_SUBLOCATION_ID] = {"sublocation-id", VPCFLOW_T_STRING, 4},
    [VPCFLOW_F_PKT_SRC_AWS_SERVICE] = {"pkt-src-aws-service", VPCFLOW_T_STRING, 5},
    [VPCFLOW_F_PKT_DST_AWS_SERVICE] = {"pkt-dst-aws-service", VPCFLOW_T_STRING, 5},
    [VPCFLOW_F_FLOW_DIRECTION] = {"flow-direction", VPCFLOW_T_ENUM, 5},
    [VPCFLOW_F_TRAFFIC_PATH] = {"traffic-path", VPCFLOW_T_U32, 5},
    [VPCFLOW_F_RESOURCE_TYPE] = {"resource-type", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_ID] = {"tgw-id", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_ATTACHMENT_ID] = {"tgw-attachment-id", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_SRC_VPC_ACCOUNT_ID] = {"tgw-src-vpc-account-id", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_DST_VPC_ACCOUNT_ID] = {"tgw-dst-vpc-account-id", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_SRC_VPC_ID] = {"tgw-src-vpc-id", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_DST_VPC_ID] = {"tgw-dst-vpc-id", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_SRC_SUBNET_ID] = {"tgw-src-subnet-id", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_DST_SUBNET_ID] = {"tgw-dst-subnet-id", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_SRC_ENI] = {"tgw-src-eni", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_DST_ENI] = {"tgw-dst-eni", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_SRC_AZ_ID] = {"tgw-src-az-id", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_DST_AZ_ID] = {"tgw-dst-az-id", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_TGW_PAIR_ATTACHMENT_ID] = {"tgw-pair-attachment-id", VPCFLOW_T_STRING, 6},
    [VPCFLOW_F_PACKETS_LOST_NO_ROUTE] = {"packets-lost-no-route", VPCFLOW_T_U64, 6},
    [VPCFLOW_F_PACKETS_LOST_BLACKHOLE] = {"packets-lost-blackhole", VPCFLOW_T_U64, 6},
    [VPCFLOW_F_PACKETS_LOST_MTU_EXCEEDED] = {"packets-lost-mtu-exceeded", VPCFLOW_T_U64, 6},
    [VPCFLOW_F_PACKETS_LOST_TTL_EXPIRED] = {"packets-lost-ttl-expired", VPCFLOW_T_U64, 6},
    [VPCFLOW_F_ECS_CLUSTER_ARN] = {"ecs-cluster-arn", VPCFLOW_T_STRING, 7},
    [VPCFLOW_F_ECS_CLUSTER_NAME] = {"ecs-cluster-name", VPCFLOW_T_STRING, 7},
    [VPCFLOW_F_ECS_CONTAINER_INSTANCE_ARN] = {"ecs-container-instance-arn", VPCFLOW_T_STRING, 7},
    [VPCFLOW_F_ECS_CONTAINER_INSTANCE_ID] = {"ecs-container-instance-id", VPCFLOW_T_STRING, 7},
    [VPCFLOW_F_ECS_CONTAINER_ID] = {"ecs-container-id", VPCFLOW_T_STRING, 7},
    [VPCFLOW_F_ECS_SECOND_CONTAINER_ID] = {"ecs-second-container-id", VPCFLOW_T_STRING, 7},
    [VPCFLOW_F_ECS_SERVICE_NAME] = {"ecs-service-name", VPCFLOW_T_STRING, 7},
    [VPCFLOW_F_ECS_TASK_DEFINITION_ARN] = {"ecs-task-definition-arn", VPCFLOW_T_STRING, 7},
    [VPCFLOW_F_ECS_TASK_ARN] = {"ecs-task-arn", VPCFLOW_T_STRING, 7},
    [VPCFLOW_F_ECS_TASK_ID] = {"ecs-task-id", VPCFLOW_T_STRING, 7},
    [VPCFLOW_F_REJECT_REASON] = {"reject-reason", VPCFLOW_T_STRING, 8},
};

const char *vpcflow_field_name(vpcflow_field f)
{
    return (unsigned)f < VPCFLOW_F_COUNT ? fields[f].name : NULL;
}

vpcflow_field_type vpcflow_field_type_of(vpcflow_field f)
{
    return (unsigned)f < VPCFLOW_F_COUNT ? fields[f].type : VPCFLOW_T_STRING;
}

int vpcflow_field_version(vpcflow_field f)
{
    return (unsigned)f < VPCFLOW_F_COUNT ? fields[f].version : 0;
}

/* Compares a candidate name with a field name, treating '_' as '-'. */
static int name_eq(const char *cand, size_t len, const char *name)
{
    for (size_t i = 0; i < len; i++) {
        char c = cand[i] == '_' ? '-' : cand[i];
        if (c != name[i] || !name[i])
            return 0;
    }
    return name[len] == 0;
}

int vpcflow_field_lookup(const char *name, size_t len)
{
    for (int f = 0; f < VPCFLOW_F_COUNT; f++)
        if (name_eq(name, len, fields[f].name))
            return f;
    return -1;
}

/* Edit distance between a candidate (lower-cased, '_' as '-') and a field name: insertions,
 * deletions, substitutions and swaps of neighbours count one each (optimal string alignment).
 * Names longer than 40 bytes are far from every field. */
static size_t distance(const char *cand, size_t n, const char *name)
{
    enum { MAXN = 41 };
    size_t m = strlen(name);
    if (n >= MAXN || m >= MAXN)
        return SIZE_MAX;
    char a[MAXN];
    for (size_t i = 0; i < n; i++) {
        char c = cand[i] == '_' ? '-' : cand[i];
        a[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    size_t d[MAXN][MAXN];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != name[j - 1]);
            best = VF_MIN(best, d[i - 1][j] + 1);
            best = VF_MIN(best, d[i][j - 1] + 1);
            if (i > 1 && j > 1 && a[i - 1] == name[j - 2] && a[i - 2] == name[j - 1])
                best = VF_MIN(best, d[i - 2][j - 2] + 1);
            d[i][j] = best;
        }
    return d[n][m];
}

int vpcflow_field_nearest(const char *name, size_t len)
{
    int exact = vpcflow_field_lookup(name, len);
    if (exact >= 0)
        return exact;
    int best = -1;
    size_t best_d = len <= 3 ? 1 : 2; /* short names: one edit, else two */
    for (int f = 0; f < VPCFLOW_F_COUNT; f++) {
        size_t dist = distance(name, len, fields[f].name);
        if (dist <= best_d && (best < 0 || dist < best_d)) {
            best = f;
            best_d = dist;
        }
    }
    return best;
}

static const char *const class_names[VPCFLOW_CLASS_COUNT] = {
    "same-az",      "cross-az",    "inter-region",     "aws-same-region",
    "internet-out", "internet-in", "internal-unknown", "unknown",
};

const char *vpcflow_class_name(vpcflow_class c)
{
    return (unsigned)c < VPCFLOW_CLASS_COUNT ? class_names[c] : NULL;
}

int vpcflow_class_lookup(const char *name, size_t len)
{
    for (int c = 0; c < VPCFLOW_CLASS_COUNT; c++)
        if (strlen(class_names[c]) == len && memcmp(class_names[c], name, len) == 0)
            return c;
    return -1;
}
