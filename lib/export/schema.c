/* schema.c — the one list of exported columns and a record's values in it (docs/export.md).
 * Types follow AWS's Parquet delivery (int32 ports and counters, int64 bytes, packets and
 * times) and are narrowed for PostgreSQL where AWS's range fits (smallint for version,
 * protocol, tcp-flags, traffic-path). */
#include "export/schema.h"

#include <string.h>

static const vf_column columns[VF_NCOLUMNS] = {
    [VPCFLOW_F_VERSION] = {"version", VF_COL_I16},
    [VPCFLOW_F_ACCOUNT_ID] = {"account_id", VF_COL_TEXT},
    [VPCFLOW_F_INTERFACE_ID] = {"interface_id", VF_COL_TEXT},
    [VPCFLOW_F_SRCADDR] = {"srcaddr", VF_COL_ADDR},
    [VPCFLOW_F_DSTADDR] = {"dstaddr", VF_COL_ADDR},
    [VPCFLOW_F_SRCPORT] = {"srcport", VF_COL_I32},
    [VPCFLOW_F_DSTPORT] = {"dstport", VF_COL_I32},
    [VPCFLOW_F_PROTOCOL] = {"protocol", VF_COL_I16},
    [VPCFLOW_F_PACKETS] = {"packets", VF_COL_I64},
    [VPCFLOW_F_BYTES] = {"bytes", VF_COL_I64},
    [VPCFLOW_F_START] = {"start", VF_COL_TIME},
    [VPCFLOW_F_END] = {"end", VF_COL_TIME},
    [VPCFLOW_F_ACTION] = {"action", VF_COL_TEXT},
    [VPCFLOW_F_LOG_STATUS] = {"log_status", VF_COL_TEXT},
    [VPCFLOW_F_VPC_ID] = {"vpc_id", VF_COL_TEXT},
    [VPCFLOW_F_SUBNET_ID] = {"subnet_id", VF_COL_TEXT},
    [VPCFLOW_F_INSTANCE_ID] = {"instance_id", VF_COL_TEXT},
    [VPCFLOW_F_TCP_FLAGS] = {"tcp_flags", VF_COL_I16},
    [VPCFLOW_F_TYPE] = {"type", VF_COL_TEXT},
    [VPCFLOW_F_PKT_SRCADDR] = {"pkt_srcaddr", VF_COL_ADDR},
    [VPCFLOW_F_PKT_DSTADDR] = {"pkt_dstaddr", VF_COL_ADDR},
    [VPCFLOW_F_REGION] = {"region", VF_COL_TEXT},
    [VPCFLOW_F_AZ_ID] = {"az_id", VF_COL_TEXT},
    [VPCFLOW_F_SUBLOCATION_TYPE] = {"sublocation_type", VF_COL_TEXT},
    [VPCFLOW_F_SUBLOCATION_ID] = {"sublocation_id", VF_COL_TEXT},
    [VPCFLOW_F_PKT_SRC_AWS_SERVICE] = {"pkt_src_aws_service", VF_COL_TEXT},
    [VPCFLOW_F_PKT_DST_AWS_SERVICE] = {"pkt_dst_aws_service", VF_COL_TEXT},
    [VPCFLOW_F_FLOW_DIRECTION] = {"flow_direction", VF_COL_TEXT},
    [VPCFLOW_F_TRAFFIC_PATH] = {"traffic_path", VF_COL_I16},
    [VPCFLOW_F_RESOURCE_TYPE] = {"resource_type", VF_COL_TEXT},
    [VPCFLOW_F_TGW_ID] = {"tgw_id", VF_COL_TEXT},
    [VPCFLOW_F_TGW_ATTACHMENT_ID] = {"tgw_attachment_id", VF_COL_TEXT},
    [VPCFLOW_F_TGW_SRC_VPC_ACCOUNT_ID] = {"tgw_src_vpc_account_id", VF_COL_TEXT},
    [VPCFLOW_F_TGW_DST_VPC_ACCOUNT_ID] = {"tgw_dst_vpc_account_id", VF_COL_TEXT},
    [VPCFLOW_F_TGW_SRC_VPC_ID] = {"tgw_src_vpc_id", VF_COL_TEXT},
    [VPCFLOW_F_TGW_DST_VPC_ID] = {"tgw_dst_vpc_id", VF_COL_TEXT},
    [VPCFLOW_F_TGW_SRC_SUBNET_ID] = {"tgw_src_subnet_id", VF_COL_TEXT},
    [VPCFLOW_F_TGW_DST_SUBNET_ID] = {"tgw_dst_subnet_id", VF_COL_TEXT},
    [VPCFLOW_F_TGW_SRC_ENI] = {"tgw_src_eni", VF_COL_TEXT},
    [VPCFLOW_F_TGW_DST_ENI] = {"tgw_dst_eni", VF_COL_TEXT},
    [VPCFLOW_F_TGW_SRC_AZ_ID] = {"tgw_src_az_id", VF_COL_TEXT},
    [VPCFLOW_F_TGW_DST_AZ_ID] = {"tgw_dst_az_id", VF_COL_TEXT},
    [VPCFLOW_F_TGW_PAIR_ATTACHMENT_ID] = {"tgw_pair_attachment_id", VF_COL_TEXT},
    [VPCFLOW_F_PACKETS_LOST_NO_ROUTE] = {"packets_lost_no_route", VF_COL_I64},
    [VPCFLOW_F_PACKETS_LOST_BLACKHOLE] = {"packets_lost_blackhole", VF_COL_I64},
    [VPCFLOW_F_PACKETS_LOST_MTU_EXCEEDED] = {"packets_lost_mtu_exceeded", VF_COL_I64},
    [VPCFLOW_F_PACKETS_LOST_TTL_EXPIRED] = {"packets_lost_ttl_expired", VF_COL_I64},
    [VPCFLOW_F_ECS_CLUSTER_ARN] = {"ecs_cluster_arn", VF_COL_TEXT},
    [VPCFLOW_F_ECS_CLUSTER_NAME] = {"ecs_cluster_name", VF_COL_TEXT},
    [VPCFLOW_F_ECS_CONTAINER_INSTANCE_ARN] = {"ecs_container_instance_arn", VF_COL_TEXT},
    [VPCFLOW_F_ECS_CONTAINER_INSTANCE_ID] = {"ecs_container_instance_id", VF_COL_TEXT},
    [VPCFLOW_F_ECS_CONTAINER_ID] = {"ecs_container_id", VF_COL_TEXT},
    [VPCFLOW_F_ECS_SECOND_CONTAINER_ID] = {"ecs_second_container_id", VF_COL_TEXT},
    [VPCFLOW_F_ECS_SERVICE_NAME] = {"ecs_service_name", VF_COL_TEXT},
    [VPCFLOW_F_ECS_TASK_DEFINITION_ARN] = {"ecs_task_definition_arn", VF_COL_TEXT},
    [VPCFLOW_F_ECS_TASK_ARN] = {"ecs_task_arn", VF_COL_TEXT},
    [VPCFLOW_F_ECS_TASK_ID] = {"ecs_task_id", VF_COL_TEXT},
    [VPCFLOW_F_REJECT_REASON] = {"reject_reason", VF_COL_TEXT},
    [VPCFLOW_F_COUNT + VF_E_CLASS] = {"class", VF_COL_TEXT},
    [VPCFLOW_F_COUNT + VF_E_SRC_AZ] = {"src_az", VF_COL_TEXT},
    [VPCFLOW_F_COUNT + VF_E_DST_AZ] = {"dst_az", VF_COL_TEXT},
    [VPCFLOW_F_COUNT + VF_E_SRC_OWNER] = {"src_owner", VF_COL_TEXT},
    [VPCFLOW_F_COUNT + VF_E_DST_OWNER] = {"dst_owner", VF_COL_TEXT},
    [VPCFLOW_F_COUNT + VF_E_DEDUP] = {"dedup", VF_COL_TEXT},
    [VPCFLOW_F_COUNT + VF_E_DEDUP_ENI] = {"dedup_eni", VF_COL_TEXT},
    [VPCFLOW_F_COUNT + VF_E_DEDUP_ENI2] = {"dedup_eni2", VF_COL_TEXT},
    [VPCFLOW_F_COUNT + VF_E_DEDUP_PEER] = {"dedup_peer", VF_COL_ADDR},
    [VPCFLOW_F_COUNT + VF_E_NAT_PEER] = {"nat_peer", VF_COL_ADDR},
    [VPCFLOW_F_COUNT + VF_E_NAT_PROCESSING] = {"nat_processing", VF_COL_BOOL},
    [VPCFLOW_F_COUNT + VF_E_COST_NUM] = {"cost_num", VF_COL_NUM},
};

const vf_column *vf_column_at(size_t i)
{
    return i < VF_NCOLUMNS ? &columns[i] : NULL;
}

static void text(vf_value *v, const char *s)
{
    v->null = !s;
    v->s = s;
    v->len = s ? strlen(s) : 0;
}

static uint64_t u64_of(const vpcflow_record *r, vpcflow_field f)
{
    switch (f) {
    case VPCFLOW_F_PACKETS:
        return r->packets;
    case VPCFLOW_F_BYTES:
        return r->bytes;
    default:
        return r->packets_lost[f - VPCFLOW_F_PACKETS_LOST_NO_ROUTE];
    }
}

static uint32_t u32_of(const vpcflow_record *r, vpcflow_field f)
{
    switch (f) {
    case VPCFLOW_F_VERSION:
        return r->version;
    case VPCFLOW_F_SRCPORT:
        return r->srcport;
    case VPCFLOW_F_DSTPORT:
        return r->dstport;
    case VPCFLOW_F_PROTOCOL:
        return r->protocol;
    case VPCFLOW_F_TCP_FLAGS:
        return r->tcp_flags;
    default:
        return r->traffic_path;
    }
}

static vpcflow_addr addr_of(const vpcflow_record *r, vpcflow_field f)
{
    switch (f) {
    case VPCFLOW_F_SRCADDR:
        return r->srcaddr;
    case VPCFLOW_F_DSTADDR:
        return r->dstaddr;
    case VPCFLOW_F_PKT_SRCADDR:
        return r->pkt_srcaddr;
    default:
        return r->pkt_dstaddr;
    }
}

static void field_value(const vpcflow_record *rec, vpcflow_field f, vf_value *v)
{
    vpcflow_str t = vpcflow_record_text(rec, f);
    v->null = !t.ptr || (t.len == 1 && t.ptr[0] == '-');
    if (v->null)
        return;
    vf_col_type type = columns[f].type;
    if (type == VF_COL_TEXT) {
        v->s = t.ptr;
        v->len = t.len;
        return;
    }
    if (!(rec->present & VPCFLOW_BIT(f))) {
        v->null = 1;
        return;
    }
    if (type == VF_COL_ADDR)
        v->a = addr_of(rec, f);
    else if (type == VF_COL_TIME)
        v->i = f == VPCFLOW_F_START ? rec->start : rec->end;
    else if (type == VF_COL_I64)
        v->i = (int64_t)u64_of(rec, f);
    else
        v->i = u32_of(rec, f);
}

void vf_row_values(const vpcflow_record *rec, const vpcflow_enriched *e, vf_value *vals)
{
    memset(vals, 0, sizeof *vals * VF_NCOLUMNS);
    for (int f = 0; f < VPCFLOW_F_COUNT; f++)
        field_value(rec, (vpcflow_field)f, &vals[f]);
    vf_value *x = vals + VPCFLOW_F_COUNT;
    for (int i = 0; i < VF_E_COUNT; i++)
        x[i].null = 1;
    if (!e || !e->classified)
        return;
    text(&x[VF_E_CLASS], vpcflow_class_name(e->cls));
    text(&x[VF_E_SRC_AZ], e->src_az);
    text(&x[VF_E_DST_AZ], e->dst_az);
    text(&x[VF_E_SRC_OWNER], e->src_owner);
    text(&x[VF_E_DST_OWNER], e->dst_owner);
    text(&x[VF_E_DEDUP], vpcflow_dedup_name(e->dedup));
    text(&x[VF_E_DEDUP_ENI], e->dedup_eni);
    text(&x[VF_E_DEDUP_ENI2], e->dedup_eni2);
    if (e->dedup == VPCFLOW_DEDUP_UNLESS_NAT_PEER) {
        x[VF_E_DEDUP_PEER].null = 0;
        x[VF_E_DEDUP_PEER].a = e->dedup_peer;
    }
    if (e->has_nat_peer) {
        x[VF_E_NAT_PEER].null = 0;
        x[VF_E_NAT_PEER].a = e->nat_peer;
    }
    x[VF_E_NAT_PROCESSING].null = 0;
    x[VF_E_NAT_PROCESSING].i = e->nat_processing != 0;
    x[VF_E_COST_NUM].null = 0;
    x[VF_E_COST_NUM].hi = e->cost_hi;
    x[VF_E_COST_NUM].lo = e->cost_lo;
}
