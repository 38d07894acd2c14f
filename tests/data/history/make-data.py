#!/usr/bin/env python3
"""make-data.py — writes the crafted ownership-history case (docs/ownership.md, tests/cli/ownership_history.sh).

One address, 10.0.1.50, belongs to three instances in turn on 2026-11-03:
  i-0aaa (eni-0aaa, us-east-1a)  launched 11-02 23:00, terminated 07:59   (CloudTrail, gzip, S3 layout)
  i-0bbb (eni-0bbb, us-east-1b)  launched 08:00, never terminated          (lookup-events output)
  i-0ccc (eni-0ccc, us-east-1a)  from 16:00                                (AWS Config, both shapes)
The client 10.0.1.10 (eni-0c11, us-east-1a, in --enis) sends it 1000 B at 02:00, 2000 B at 10:00 and
4000 B at 18:00, so with the history: 1000 same-az to i-0aaa, 2000 cross-az to i-0bbb, 4000 same-az
to i-0ccc; without it, all 7000 B go to i-0ccc (today's owner). Traps: the CloudTrail file lists the
terminate before the launch; a failed call; the same address created in another region and in
another account's VPC; two overlapping Config snapshots; no release recorded for i-0bbb."""
import calendar, gzip, json, os

acct = "123456789012"
os.chdir(os.path.dirname(os.path.abspath(__file__)))


def rec(name, t, req=None, resp=None, region="us-east-1", account=acct, **kw):
    r = {"eventVersion": "1.08", "userIdentity": {"type": "AssumedRole", "accountId": account},
         "eventTime": t, "eventSource": "ec2.amazonaws.com", "eventName": name, "awsRegion": region,
         "sourceIPAddress": "autoscaling.amazonaws.com", "userAgent": "autoscaling.amazonaws.com",
         "requestParameters": req, "responseElements": resp, "requestID": "r-" + name + t, "eventID": "e-" + name + t,
         "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": account}
    r.update(kw)
    return r


def run(t, inst, eni, ip, az, subnet):
    return rec("RunInstances", t,
               req={"instancesSet": {"items": [{"imageId": "ami-0abc", "minCount": 1, "maxCount": 1}]},
                    "instanceType": "m5.large"},
               resp={"reservationId": "r-0001", "ownerId": acct, "groupSet": {}, "instancesSet": {"items": [{
                   "instanceId": inst, "imageId": "ami-0abc", "instanceState": {"code": 0, "name": "pending"},
                   "placement": {"availabilityZone": az, "tenancy": "default"}, "subnetId": subnet, "vpcId": "vpc-0a1",
                   "privateIpAddress": ip,
                   "networkInterfaceSet": {"items": [{
                       "networkInterfaceId": eni, "subnetId": subnet, "vpcId": "vpc-0a1", "availabilityZone": az,
                       "ownerId": acct, "requesterManaged": False, "status": "in-use", "privateIpAddress": ip,
                       "attachment": {"attachmentId": "eni-attach-" + eni[4:], "deviceIndex": 0,
                                      "status": "attaching", "deleteOnTermination": True},
                       "privateIpAddressesSet": {"item": [{"privateIpAddress": ip, "primary": True}]},
                       "tagSet": {}}]}}]}})


def term(t, inst):
    return rec("TerminateInstances", t, req={"instancesSet": {"items": [{"instanceId": inst}]}},
               resp={"instancesSet": {"items": [{"instanceId": inst,
                                                 "currentState": {"code": 32, "name": "shutting-down"}}]}})


def create(t, eni, vpc, region, account, az):
    return rec("CreateNetworkInterface", t, region=region, account=account, req={"subnetId": "subnet-0x"},
               resp={"networkInterface": {"networkInterfaceId": eni, "subnetId": "subnet-0x", "vpcId": vpc,
                                          "availabilityZone": az, "description": "elsewhere",
                                          "interfaceType": "interface", "privateIpAddress": "10.0.1.50",
                                          "privateIpAddressesSet": {"item": [{"privateIpAddress": "10.0.1.50",
                                                                              "primary": True}]}}})


day = "trail/AWSLogs/%s/CloudTrail/us-east-1/2026/11/03/"
os.makedirs(day % acct, exist_ok=True)
os.makedirs(day % "999999999999", exist_ok=True)
f1 = {"Records": [
    term("2026-11-03T07:59:00Z", "i-0aaa"),  # before its launch in the file: events are sorted by time
    run("2026-11-02T23:00:00Z", "i-0aaa", "eni-0aaa", "10.0.1.50", "us-east-1a", "subnet-0a"),
    create("2026-11-03T12:00:00Z", "eni-0west", "vpc-0w", "us-west-2", acct, "us-west-2a"),
    rec("DeleteNetworkInterface", "2026-11-03T03:00:00Z", req={"networkInterfaceId": "eni-0aaa"}, resp=None,
        errorCode="Client.InvalidParameterValue", errorMessage="in use"),
    rec("DescribeInstances", "2026-11-03T05:00:00Z", req={}, resp=None),
]}
with gzip.GzipFile(day % acct + acct + "_CloudTrail_us-east-1_20261103T0800Z_a.json.gz", "wb", mtime=0) as f:
    f.write(json.dumps(f1).encode())
# an organization trail: another account's VPC reuses 10.0.1.50 at 12:00
with gzip.GzipFile(day % "999999999999" + "999999999999_CloudTrail_us-east-1_20261103T1200Z_b.json.gz", "wb",
                   mtime=0) as f:
    f.write(json.dumps({"Records": [create("2026-11-03T12:00:00Z", "eni-0other", "vpc-0other", "us-east-1",
                                           "999999999999", "us-east-1c")]}).encode())
f2 = {"Events": [{"EventId": "x1", "EventName": "RunInstances", "ReadOnly": "false",
                  "EventTime": "2026-11-03T08:00:00+00:00", "EventSource": "ec2.amazonaws.com",
                  "Username": "autoscaling", "Resources": [],
                  "CloudTrailEvent": json.dumps(run("2026-11-03T08:00:00Z", "i-0bbb", "eni-0bbb", "10.0.1.50",
                                                    "us-east-1b", "subnet-0b"))}],
      "NextToken": "abc"}
json.dump(f2, open("lookup-events.json", "w"), indent=1)


def ci(t, eni, conf, as_string=False):
    return {"version": "1.3", "accountId": acct, "configurationItemCaptureTime": t,
            "configurationItemStatus": "OK", "configurationStateId": "1",
            "arn": "arn:aws:ec2:us-east-1:%s:network-interface/%s" % (acct, eni),
            "resourceType": "AWS::EC2::NetworkInterface", "resourceId": eni, "awsRegion": "us-east-1",
            "availabilityZone": "us-east-1a", "tags": {}, "relatedEvents": [], "relationships": [],
            "configuration": json.dumps(conf) if as_string else conf}


ccc = {"attachment": {"attachmentId": "eni-attach-0ccc", "deleteOnTermination": True, "deviceIndex": 0,
                      "instanceId": "i-0ccc", "instanceOwnerId": acct, "status": "attached"},
       "availabilityZone": "us-east-1a", "description": "", "groups": [], "interfaceType": "interface",
       "ipv6Addresses": [], "macAddress": "0a:00:00:00:00:01", "networkInterfaceId": "eni-0ccc", "ownerId": acct,
       "privateIpAddress": "10.0.1.50",
       "privateIpAddresses": [{"primary": True, "privateIpAddress": "10.0.1.50"}],
       "requesterManaged": False, "sourceDestCheck": True, "status": "in-use", "subnetId": "subnet-0a",
       "vpcId": "vpc-0a1"}
os.makedirs("config", exist_ok=True)
json.dump({"fileVersion": "1.0", "configSnapshotId": "s1",
           "configurationItems": [ci("2026-11-03T20:00:00.000Z", "eni-0ccc", ccc),
                                  ci("2026-11-03T16:00:00.000Z", "eni-0ccc", ccc)]},
          open("config/delivered.json", "w"), indent=1)
json.dump({"configurationItems": [ci("2026-11-03T16:00:00.000000+00:00", "eni-0ccc", ccc, as_string=True)]},
          open("config/get-resource-config-history.json", "w"), indent=1)


def eni(id, ip, az, inst):
    return {"NetworkInterfaceId": id, "AvailabilityZone": az, "SubnetId": "subnet-0a", "VpcId": "vpc-0a1",
            "InterfaceType": "interface", "Description": "", "RequesterManaged": False, "PrivateIpAddress": ip,
            "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ip}], "Attachment": {"InstanceId": inst}}


json.dump({"NetworkInterfaces": [eni("eni-0c11", "10.0.1.10", "us-east-1a", "i-0c11"),
                                 eni("eni-0ccc", "10.0.1.50", "us-east-1a", "i-0ccc")]},
          open("enis.json", "w"), indent=1)


def ts(h):
    return calendar.timegm((2026, 11, 3, h, 0, 0))


lines = ["version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
         "log-status"]
for h, b in [(2, 1000), (10, 2000), (18, 4000)]:
    lines.append(f"2 {acct} eni-0c11 10.0.1.10 10.0.1.50 40000 443 6 10 {b} {ts(h)} {ts(h) + 60} ACCEPT OK")
open("flows.log", "w").write("\n".join(lines) + "\n")
