#!/usr/bin/env python3
"""Generate a CloudTrail corpus in the real S3 layout, with root activity and hard negatives.

    python3 Benchmarks/gen_cloudtrail.py --out CORPUS --size-mb 300 --seed 1

Writes gzip files (level 6, one compact line `{"Records":[...]}`, no trailing newline, as CloudTrail
delivers them) under both layouts:

    CORPUS/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<stamp>_<16 chars>.json.gz
    CORPUS/AWSLogs/o-<id>/<acct>/CloudTrail/<region>/YYYY/MM/DD/...

plus one integrity digest per account (must be skipped), and CORPUS/ground_truth.jsonl: one line
per injected record, `{"file", "eventID", "accountId", "label", "detections": [ids], "cis"}`, where
`detections` is what rootguard must report for it (empty for hard negatives). Bursts of failed
sign-ins add a `root-console-login-failure-burst` on their first record. `cis` says whether the
CIS root-usage filter (type Root, no invokedBy, not AwsServiceEvent) matches the record. Injected root records are
written in several spellings (compact, spaced, pretty-printed, keys reordered, `\\u` escapes).

The same arguments always give byte-identical files.
"""

import argparse
import gzip
import json
import os
import random
import uuid

ACCOUNTS = ["111122223333", "222233334444", "333344445555", "444455556666"]
MANAGEMENT = "999988887777"
ORG_ID = "o-a1b2c3d4e5"
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
DAYS = [(2026, 10, d) for d in range(1, 11)]
AGENTS = [
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12 prompt/off command/s3.ls",
    "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8 cfg/retry-mode#standard",
    "aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/sts#1.28.5",
    "aws-sdk-java/2.25.13 Linux/6.1.0 OpenJDK_64-Bit_Server_VM/17.0.10+7 Java/17.0.10 vendor/Eclipse_Adoptium",
    "AWS Internal",
    "ssm.amazonaws.com",
]
ROLES = ["deploy-pipeline", "eks-node", "lambda-exec-orders", "readonly-audit", "AWSReservedSSO_Admin_4f1c"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def uid(self):
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def key(self, prefix="ASIA"):
        return prefix + "".join(self.r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))

    def ip(self):
        return "%d.%d.%d.%d" % (self.r.choice([3, 18, 34, 52, 54, 198]), self.r.randrange(256), self.r.randrange(256), self.r.randrange(1, 255))

    def token(self, n):
        return "".join(self.r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(n))

    def time(self, day, hour=None):
        y, m, d = day
        h = self.r.randrange(24) if hour is None else hour
        return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (y, m, d, h, self.r.randrange(60), self.r.randrange(60))


def base(g, acct, region, time, source, name, identity, **extra):
    rec = {
        "eventVersion": g.r.choice(["1.08", "1.09", "1.10", "1.11"]),
        "userIdentity": identity,
        "eventTime": time,
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": g.ip(),
        "userAgent": g.r.choice(AGENTS),
        "requestParameters": None,
        "responseElements": None,
        "requestID": g.uid(),
        "eventID": g.uid(),
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": acct,
        "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": source},
    }
    rec.update(extra)
    return rec


def role_identity(g, acct, role=None, session=None):
    role = role or g.r.choice(ROLES)
    session = session or "session-%d" % g.r.randrange(10000)
    return {
        "type": "AssumedRole",
        "principalId": "AROA%s:%s" % (g.token(17).upper(), session),
        "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct, role, session),
        "accountId": acct,
        "accessKeyId": g.key(),
        "sessionContext": {
            "sessionIssuer": {"type": "Role", "principalId": "AROA" + g.token(17).upper(), "arn": "arn:aws:iam::%s:role/%s" % (acct, role), "accountId": acct, "userName": role},
            "webIdFederationData": {},
            "attributes": {"creationDate": "2026-10-01T00:00:00Z", "mfaAuthenticated": "false"},
        },
    }


def background(g, acct, region, day):
    """An ordinary record: what fills real trails."""
    t = g.time(day)
    kind = g.r.random()
    ident = role_identity(g, acct)
    if kind < 0.25:
        return base(g, acct, region, t, "sts.amazonaws.com", "AssumeRole", ident,
                    requestParameters={"roleArn": "arn:aws:iam::%s:role/%s" % (acct, g.r.choice(ROLES)), "roleSessionName": "s%d" % g.r.randrange(99999), "durationSeconds": 3600},
                    responseElements={"credentials": {"accessKeyId": g.key(), "sessionToken": g.token(g.r.randrange(300, 700)), "expiration": "Oct 1, 2026, 1:00:00 AM"},
                                      "assumedRoleUser": {"assumedRoleId": "AROA%s:s" % g.token(17).upper(), "arn": "arn:aws:sts::%s:assumed-role/x/s" % acct}},
                    resources=[{"accountId": acct, "type": "AWS::IAM::Role", "ARN": "arn:aws:iam::%s:role/x" % acct}], readOnly=True)
    if kind < 0.45:
        return base(g, acct, region, t, "kms.amazonaws.com", g.r.choice(["Decrypt", "GenerateDataKey", "Encrypt"]), ident,
                    requestParameters={"encryptionContext": {"aws:lambda:FunctionArn": "arn:aws:lambda:%s:%s:function:orders" % (region, acct)}, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"},
                    resources=[{"accountId": acct, "type": "AWS::KMS::Key", "ARN": "arn:aws:kms:%s:%s:key/%s" % (region, acct, g.uid())}])
    if kind < 0.65:
        return base(g, acct, region, t, "s3.amazonaws.com", g.r.choice(["GetObject", "PutObject", "HeadObject"]), ident,
                    requestParameters={"bucketName": "data-%s" % acct, "Host": "data-%s.s3.%s.amazonaws.com" % (acct, region), "key": "orders/%s/%s.parquet" % (t[:10], g.uid())},
                    additionalEventData={"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0, "AuthenticationMethod": "AuthHeader", "x-amz-id-2": g.token(76), "bytesTransferredOut": g.r.randrange(100000)},
                    eventCategory="Data", managementEvent=False)
    if kind < 0.80:
        return base(g, acct, region, t, "ec2.amazonaws.com", g.r.choice(["DescribeInstances", "DescribeVolumes", "DescribeSecurityGroups", "DescribeNetworkInterfaces"]), ident,
                    requestParameters={"filterSet": {"items": [{"name": "tag:team", "valueSet": {"items": [{"value": "payments"}]}}]}, "maxResults": 1000})
    if kind < 0.88:
        return base(g, acct, region, t, "logs.amazonaws.com", "CreateLogStream", ident,
                    requestParameters={"logGroupName": "/aws/lambda/orders", "logStreamName": "2026/10/01/[$LATEST]" + g.token(32)}, readOnly=False)
    if kind < 0.94:
        svc = g.r.choice(["ssm.amazonaws.com", "ecr.amazonaws.com", "secretsmanager.amazonaws.com"])
        return base(g, acct, region, t, svc, "GetParameters" if svc.startswith("ssm") else ("GetAuthorizationToken" if svc.startswith("ecr") else "GetSecretValue"), ident,
                    requestParameters={"names": ["/app/db/url"], "withDecryption": True})
    if kind < 0.97:
        return base(g, acct, region, t, "dynamodb.amazonaws.com", "GetItem", ident,
                    requestParameters={"tableName": "orders", "key": {"pk": "order#%d" % g.r.randrange(10**6)}}, eventCategory="Data", managementEvent=False)
    return {
        "eventVersion": "1.08", "userIdentity": {"accountId": acct, "invokedBy": "secretsmanager.amazonaws.com"},
        "eventTime": t, "eventSource": "secretsmanager.amazonaws.com", "eventName": "RotationSucceeded", "awsRegion": region,
        "sourceIPAddress": "secretsmanager.amazonaws.com", "userAgent": "secretsmanager.amazonaws.com", "requestParameters": None,
        "responseElements": None, "eventID": g.uid(), "readOnly": False, "eventType": "AwsServiceEvent", "managementEvent": True,
        "recipientAccountId": acct, "serviceEventDetails": {"versionId": g.uid()}, "eventCategory": "Management",
    }


def root_identity(acct, key="", mfa=None, invoked_by=None):
    ident = {"type": "Root", "principalId": acct, "arn": "arn:aws:iam::%s:root" % acct, "accountId": acct, "accessKeyId": key}
    if mfa is not None:
        ident["sessionContext"] = {"sessionIssuer": {}, "webIdFederationData": {}, "attributes": {"creationDate": "2026-10-01T08:00:00Z", "mfaAuthenticated": mfa}}
    if invoked_by:
        ident["invokedBy"] = invoked_by
    return ident


def signin(g, acct, time, name, outcome, mfa_used=None, ip=None):
    rec = base(g, acct, "us-east-1", time, "signin.amazonaws.com", name, root_identity(acct),
               responseElements={name: outcome}, eventType="AwsConsoleSignIn", readOnly=False,
               userAgent="Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0")
    if ip:
        rec["sourceIPAddress"] = ip
    if name == "ConsoleLogin":
        rec["additionalEventData"] = {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": mfa_used or "No"}
        if mfa_used and mfa_used.lower() == "yes":
            rec["additionalEventData"]["MFAIdentifier"] = "arn:aws:iam::%s:u2f/root/key-ABCDEF" % acct
        if outcome == "Failure":
            rec["errorMessage"] = "Failed authentication"
    return rec


def console_call(g, acct, time, source, name, params, read_only=False, legacy=False, response=None):
    ident = root_identity(acct, g.key(), mfa="true", invoked_by="signin.amazonaws.com" if legacy else None)
    rec = base(g, acct, "us-east-1", time, source, name, ident, requestParameters=params, responseElements=response, readOnly=read_only,
               userAgent="signin.amazonaws.com" if legacy else "AWS Internal")
    if not legacy:
        rec["sessionCredentialFromConsole"] = "true"
    return rec


def injected(g, day):
    """(label, record(s), detections) for every kind of root activity and every hard negative."""
    acct = g.r.choice(ACCOUNTS)
    t = g.time(day)
    D = lambda *ids: list(ids)
    out = []
    pick = g.r.randrange(26)
    if pick == 0:
        out.append(("console-login-no-mfa", signin(g, acct, t, "ConsoleLogin", "Success", "No"), D("root-console-login-no-mfa")))
    elif pick == 1:
        out.append(("console-login-mfa", signin(g, acct, t, "ConsoleLogin", "Success", g.r.choice(["Yes", "YES"])), D("root-console-login-mfa")))
    elif pick == 2:
        out.append(("console-login-failure", signin(g, acct, t, "ConsoleLogin", "Failure"), D("root-console-login-failure")))
    elif pick == 3:
        rec = base(g, acct, g.r.choice(REGIONS), t, "s3.amazonaws.com", "ListBuckets", root_identity(acct, g.key("AKIA")), readOnly=True)
        out.append(("api-call-access-key-read", rec, D("root-api-call-access-key")))
    elif pick == 4:
        rec = base(g, acct, g.r.choice(REGIONS), t, "ec2.amazonaws.com", "RunInstances", root_identity(acct, g.key("AKIA")),
                   requestParameters={"instanceType": "c7i.48xlarge", "minCount": 20, "maxCount": 20}, readOnly=False)
        out.append(("api-call-access-key-write", rec, D("root-api-call-access-key", "root-unneeded-task")))
    elif pick == 5:
        rec = console_call(g, acct, t, "iam.amazonaws.com", "CreateUser", {"userName": "backup-admin"})
        out.append(("console-create-user", rec, D("root-api-call-console-session", "root-persistence", "root-unneeded-task")))
    elif pick == 6:
        rec = console_call(g, acct, t, "iam.amazonaws.com", "AttachUserPolicy", {"userName": "backup-admin", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}, legacy=True)
        out.append(("legacy-console-attach-policy", rec, D("root-api-call-console-session", "root-persistence", "root-unneeded-task")))
    elif pick == 7:
        rec = console_call(g, acct, t, "iam.amazonaws.com", "CreateAccessKey", None,
                           response={"accessKey": {"accessKeyId": g.key("AKIA"), "status": "Active", "userName": acct}})
        out.append(("root-access-key-created", rec, D("root-api-call-console-session", "root-access-key-created")))
    elif pick == 8:
        rec = console_call(g, acct, t, "iam.amazonaws.com", "DeactivateMFADevice", {"userName": "AWS ROOT USER", "serialNumber": "arn:aws:iam::%s:mfa/root-account-mfa-device" % acct})
        out.append(("root-mfa-deactivated", rec, D("root-api-call-console-session", "root-mfa-deactivated")))
    elif pick == 9:
        out.append(("password-changed", signin(g, acct, t, "PasswordUpdated", "Success"), D("root-password-changed")))
    elif pick == 10:
        out.append(("password-recovery-requested", signin(g, acct, t, "PasswordRecoveryRequested", "Success"), D("root-password-recovery-requested")))
        out.append(("password-recovery-completed", signin(g, acct, t[:-3] + "59Z", "PasswordRecoveryCompleted", "Success"), D("root-password-recovery-completed")))
    elif pick == 11:
        key = g.key()
        call = base(g, MANAGEMENT, "us-east-1", t, "sts.amazonaws.com", "AssumeRoot", role_identity(g, MANAGEMENT, "RootAccessAdmin", "breakglass"),
                    requestParameters={"targetPrincipal": acct, "taskPolicyArn": {"arn": "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"}},
                    responseElements={"credentials": {"accessKeyId": key, "sessionToken": g.token(400), "expiration": "Oct 1, 2026, 1:00:00 AM"}},
                    resources=[{"accountId": acct, "type": "AWS::IAM::Root", "ARN": "arn:aws:iam::%s:root" % acct}], readOnly=True)
        call["userIdentity"]["sessionContext"]["assumedRoot"] = "true"
        member = base(g, acct, "us-east-1", t[:-3] + "59Z", "iam.amazonaws.com", "DeleteLoginProfile", root_identity(acct, key, mfa="false"), readOnly=False)
        out.append(("assume-root-call", call, D("assume-root-requested")))
        out.append(("assume-root-session-delete-login-profile", member, D("assume-root-session-action", "root-login-profile-deleted")))
    elif pick == 12:
        rec = base(g, acct, g.r.choice(REGIONS), t, "ec2.amazonaws.com", "DescribeInstances", root_identity(acct, g.key(), mfa="false"), readOnly=True)
        out.append(("root-session-no-assume-root", rec, D("root-api-call-session")))
    elif pick == 13:
        rec = base(g, acct, "us-east-1", t, "support.amazonaws.com", "DescribeTrustedAdvisorChecks", root_identity(acct, g.key(), invoked_by="support.amazonaws.com"))
        out.append(("service-on-behalf-of-root", rec, D()))
        svc = base(g, acct, "us-east-1", t, "signin.amazonaws.com", "CredentialVerification", root_identity(acct), eventType="AwsServiceEvent",
                   serviceEventDetails={"CredentialVerification": "Success"}, additionalEventData={"CredentialType": "PASSWORD"})
        out.append(("root-typed-service-event", svc, D()))
    elif pick == 14:
        rec = console_call(g, acct, t, "iam.amazonaws.com", "CreateRole",
                           {"roleName": "vendor-access", "assumeRolePolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::777788889999:root"}, "Action": "sts:AssumeRole"}]})})
        out.append(("role-trusting-other-account", rec, D("root-api-call-console-session", "root-persistence", "root-unneeded-task")))
    elif pick == 15:
        rec = base(g, acct, "us-east-1", t, "iam.amazonaws.com", "UploadSigningCertificate", root_identity(acct, g.key("AKIA")),
                   requestParameters={"certificateBody": "-----BEGIN CERTIFICATE-----MIIB-----END CERTIFICATE-----"}, readOnly=False)
        out.append(("signing-certificate-uploaded", rec, D("root-api-call-access-key", "root-signing-certificate-uploaded")))
    # Hard negatives: "Root" and "root" where no root user acts.
    elif pick == 16:
        rec = base(g, acct, "us-east-1", t, "iam.amazonaws.com", "GetRole", role_identity(g, acct, "RootRole", "RootSession"), requestParameters={"roleName": "RootRole"})
        out.append(("neg-role-named-root", rec, D()))
    elif pick == 17:
        ident = {"type": "IAMUser", "principalId": "AIDA" + g.token(17).upper(), "arn": "arn:aws:iam::%s:user/root" % acct, "accountId": acct, "accessKeyId": g.key("AKIA"), "userName": "root"}
        out.append(("neg-iam-user-named-root", base(g, acct, "us-east-1", t, "s3.amazonaws.com", "ListBuckets", ident), D()))
    elif pick == 18:
        ident = {"type": "FederatedUser", "principalId": "%s:root" % acct, "arn": "arn:aws:sts::%s:federated-user/root" % acct, "accountId": acct, "accessKeyId": g.key()}
        out.append(("neg-federated-user-root", base(g, acct, "us-east-1", t, "ec2.amazonaws.com", "DescribeRegions", ident), D()))
    elif pick == 19:
        rec = base(g, MANAGEMENT, "us-east-1", t, "organizations.amazonaws.com", "ListRoots", role_identity(g, MANAGEMENT),
                   responseElements={"roots": [{"id": "r-ab12", "arn": "arn:aws:organizations::%s:root/%s/r-ab12" % (MANAGEMENT, ORG_ID), "name": "Root", "policyTypes": [{"type": "SERVICE_CONTROL_POLICY", "status": "ENABLED"}]}]})
        out.append(("neg-organizations-root", rec, D()))
    elif pick == 20:
        rec = base(g, acct, "us-east-1", t, "cloudformation.amazonaws.com", "CreateStack", role_identity(g, acct),
                   requestParameters={"stackName": "dns", "parameters": [{"parameterKey": "ZoneType", "parameterValue": "Root"}]}, readOnly=False)
        out.append(("neg-cloudformation-parameter", rec, D()))
    elif pick == 21:
        rec = base(g, acct, g.r.choice(REGIONS), t, "dynamodb.amazonaws.com", "PutItem", role_identity(g, acct),
                   requestParameters={"tableName": "identities", "key": {"type": "Root", "id": "x"}}, eventCategory="Data", managementEvent=False, readOnly=False)
        out.append(("neg-dynamodb-key-type-root", rec, D()))
    elif pick == 22:
        doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % acct}, "Action": "sts:AssumeRole"}]})
        rec = base(g, acct, "us-east-1", t, "iam.amazonaws.com", "CreateRole", role_identity(g, acct), requestParameters={"roleName": "ops", "assumeRolePolicyDocument": doc}, readOnly=False)
        out.append(("neg-trust-policy-names-root", rec, D()))
    elif pick == 23:
        rec = base(g, acct, "us-east-1", t, "logs.amazonaws.com", "PutMetricFilter", role_identity(g, acct),
                   requestParameters={"logGroupName": "cloudtrail", "filterName": "RootUsage", "filterPattern": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'}, readOnly=False)
        out.append(("neg-metric-filter-text", rec, D()))
    elif pick == 24:
        rec = base(g, acct, "us-east-1", t, "cloudtrail.amazonaws.com", "LookupEvents", role_identity(g, acct),
                   requestParameters={"lookupAttributes": [{"attributeKey": "Username", "attributeValue": "root"}]})
        out.append(("neg-lookup-events-root", rec, D()))
    else:
        rec = base(g, acct, "us-east-1", t, "s3.amazonaws.com", "GetBucketPolicy", role_identity(g, acct), errorCode="AccessDenied",
                   errorMessage="User: arn:aws:sts::%s:assumed-role/x/y is not authorized; resource policy names arn:aws:iam::%s:root with type \"Root\"" % (acct, acct))
        out.append(("neg-access-denied-message", rec, D()))
    return out


def spell(g, rec, rooted):
    """Serialise a record: compact, or (for injected root records) in a less usual spelling."""
    if not rooted:
        return json.dumps(rec, separators=(",", ":"))
    style = g.r.randrange(5)
    if style == 0:
        return json.dumps(rec, separators=(",", ":"))
    if style == 1:
        return json.dumps(rec, separators=(", ", " : "))
    if style == 2:
        return json.dumps(rec, indent=2)
    if style == 3:
        items = list(rec.items())
        g.r.shuffle(items)
        ident = dict(reversed(list(rec["userIdentity"].items())))
        return json.dumps({k: (ident if k == "userIdentity" else v) for k, v in items}, separators=(",", ":"))
    text = json.dumps(rec, separators=(",", ":"))
    return text.replace('"Root"', '"\\u0052oot"').replace('"AssumeRoot"', '"Assume\\u0052oot"').replace('"PasswordRecovery', '"Pass\\u0077ordRecovery')


def file_path(out, acct, region, day, stamp, g, org):
    y, m, d = day
    name = "%s_CloudTrail_%s_%04d%02d%02dT%sZ_%s.json.gz" % (acct, region, y, m, d, stamp, g.token(16).replace("+", "A").replace("/", "B"))
    parts = [out, "AWSLogs"] + ([ORG_ID] if org else []) + [acct, "CloudTrail", region, "%04d" % y, "%02d" % m, "%02d" % d, name]
    return os.path.join(*parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--size-mb", type=float, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--root-events", type=int, default=120, help="injected groups (root activity and hard negatives)")
    a = ap.parse_args()
    g = Gen(a.seed)
    target = int(a.size_mb * 1e6)
    total = 0
    truth = []
    files = 0
    # Plan injected groups over the expected number of files.
    injected_left = a.root_events
    burst_done = False
    duplicate = None
    os.makedirs(a.out, exist_ok=True)
    pending = {}
    while total < target or pending:
        acct = g.r.choice(ACCOUNTS + [MANAGEMENT]) if total < target else sorted(pending)[0]
        region = g.r.choice(REGIONS)
        day = g.r.choice(DAYS)
        # A file is delivered after the records in it: never file a record under an earlier day.
        for _, rec, _ in pending.get(acct, []):
            day = max(day, tuple(int(x) for x in rec["eventTime"][:10].split("-")))
        org = files % 2 == 1
        n = int(min(800, max(20, g.r.lognormvariate(4.9, 0.8))))
        records = [(spell(g, background(g, acct, region, day), False), None) for _ in range(n)]
        path = file_path(a.out, acct, region, day, "%02d%02d" % (g.r.randrange(24), g.r.randrange(0, 60, 5)), g, org)
        expected_files = max(1, target // 250_000)
        rate = a.root_events / expected_files
        groups = min(injected_left, int(rate) + (1 if g.r.random() < rate - int(rate) + 0.02 else 0))
        injected_left -= groups
        for item in [item for _ in range(groups) for item in injected(g, day)]:
            pending.setdefault(item[1]["recipientAccountId"], []).append(item)
        if not burst_done and total > target // 3:
            burst_done = True
            for i in range(6):
                rec = signin(g, ACCOUNTS[0], "2026-10-05T03:%02d:%02dZ" % (10 + i, g.r.randrange(60)), "ConsoleLogin", "Failure", ip="203.0.113.%d" % (7 + i))
                dets = ["root-console-login-failure"] + (["root-console-login-failure-burst"] if i == 0 else [])
                pending.setdefault(ACCOUNTS[0], []).append(("console-login-failure-burst", rec, dets))
        # A record goes into a file of its own account, as CloudTrail delivers it.
        for label, rec, dets in pending.pop(acct, []):
            rooted = rec["userIdentity"].get("type") == "Root" or rec["eventName"] == "AssumeRoot"
            records.insert(g.r.randrange(len(records) + 1), (spell(g, rec, rooted), (label, rec, dets)))
        body = '{"Records":[' + ",".join(text for text, _ in records) + "]}"
        data = body.encode()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(gzip.compress(data, compresslevel=6, mtime=0))
        for _, info in records:
            if info:
                label, rec, dets = info
                ident = rec["userIdentity"]
                # What the CIS root-usage metric filter (and the jq baseline) matches.
                cis = ident.get("type") == "Root" and "invokedBy" not in ident and rec.get("eventType") != "AwsServiceEvent"
                truth.append({"file": os.path.relpath(path, a.out), "eventID": rec["eventID"], "accountId": rec["recipientAccountId"],
                              "label": label, "detections": sorted(dets), "cis": cis})
                if duplicate is None and dets:
                    duplicate = (rec, acct, region, day)
        total += len(data)
        files += 1
    # CloudTrail may deliver a record twice: repeat one root record in another file (reported once).
    if duplicate:
        rec, acct, region, day = duplicate
        path = file_path(a.out, acct, region, day, "2355", g, False)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(gzip.compress(('{"Records":[' + json.dumps(rec) + "]}").encode(), compresslevel=6, mtime=0))
    # An integrity digest per account: no Records key, must be skipped.
    for acct in ACCOUNTS:
        d = os.path.join(a.out, "AWSLogs", acct, "CloudTrail-Digest", "us-east-1", "2026", "10", "01")
        os.makedirs(d, exist_ok=True)
        digest = {"awsAccountId": acct, "digestStartTime": "2026-10-01T00:00:00Z", "digestEndTime": "2026-10-01T01:00:00Z",
                  "digestS3Bucket": "trail", "digestS3Object": "x", "logFiles": [], "digestSignatureAlgorithm": "SHA256withRSA",
                  "note": "userIdentity type Root would not count here"}
        with open(os.path.join(d, "%s_CloudTrail-Digest_us-east-1_trail_us-east-1_20261001T010000Z.json.gz" % acct), "wb") as f:
            f.write(gzip.compress(json.dumps(digest).encode(), mtime=0))
    with open(os.path.join(a.out, "ground_truth.jsonl"), "w") as f:
        for line in truth:
            f.write(json.dumps(line, sort_keys=True) + "\n")
    print(json.dumps({"files": files, "raw_bytes": total, "injected_records": len(truth), "positives": sum(1 for t in truth if t["detections"])}))


if __name__ == "__main__":
    main()
