#!/usr/bin/env python3
"""moto_server plus the AWS root-user features moto lacks, for rootguard's tests.

Runs moto's own WSGI application behind a thin WSGI layer, in one process, on 127.0.0.1:<free port>,
and prints `ROOTGUARD_MOTO_PORT=<port>` once it listens. Requests still travel over HTTP in AWS's wire
format; the layer answers or amends only these operations:

  iam  GetAccountSummary            AccountMFAEnabled / AccountAccessKeysPresent / AccountSigningCertificatesPresent /
                                    AccountPasswordPresent from the account's root state (moto hard-wires 0)
  iam  GetCredentialReport          adds the `<root_account>` row (arn …:root) from the root state
  iam  ListVirtualMFADevices        adds virtual devices assigned to arn:aws:iam::<acct>:root; paginated
  iam  ListOrganizationsFeatures, EnableOrganizationsRootCredentialsManagement, EnableOrganizationsRootSessions
  sts  AssumeRoot                   issues task-scoped session keys for a member account's root
  iam  (inside an AssumeRoot session, no UserName) GetLoginProfile, ListAccessKeys, ListSigningCertificates,
       ListMFADevices, DeleteLoginProfile, DeleteAccessKey, DeleteSigningCertificate, DeactivateMFADevice,
       CreateLoginProfile (no password), GetCallerIdentity (sts)
  AssumeRoot sessions are limited to their task policy's actions (TASK_ACTIONS): anything else is refused with
       AccessDenied in the service's own wire format, as AWS refuses it. Every call of a session, allowed or refused,
       and every AssumeRoot call is written as a CloudTrail record (AWS's documented shapes).
  s3   a bucket whose policy denies a principal "*" without conditions is locked: requests of anyone but an
       AssumeRoot session (S3UnlockBucketPolicy) are refused with AccessDenied, as AWS would.
  sqs  the same for a queue whose policy denies "*" (SQSUnlockQueuePolicy).
  account GetContactInformation, GetPrimaryEmail
  cloudtrail LookupEvents           over events planted per account and region
  guardduty ListFilters             (GET /detector/<id>/filter) over moto's own filters, paginated
  sns  ListSubscriptionsByTopic     reports `PendingConfirmation` for topics marked pending (moto confirms all)
  iam  policy documents may name `arn:aws:iam::<account>:root` as a resource (moto's validator refuses it)
  organizations EnableAWSServiceAccess / ListAWSServiceAccessForOrganization for iam.amazonaws.com (moto refuses it)

Control API (JSON, for tests only):
  POST /rootguard-api/root/<account>              replace that account's root state (see RootState below)
  GET  /rootguard-api/root/<account>              read it back
  POST /rootguard-api/events/<account>/<region>   replace the LookupEvents history (list of CloudTrail records)
  POST /rootguard-api/contact/<account>           set GetContactInformation's ContactInformation
  POST /rootguard-api/sns-pending                 body {"topicArn": …}: that topic's subscriptions become pending
  (root state "enabledRegions": [...])            account:ListRegions answers with them (moto has no ListRegions)
  POST /rootguard-api/cloudtrail-keys             CloudTrail's public keys for ListPublicKeys ([{Fingerprint, Value
                                                  (base64 PKCS #1 DER), ValidityStartTime?, ValidityEndTime? (epoch)}])
  GET  /rootguard-api/cloudtrail                  {"Records": […]}: the CloudTrail records of AssumeRoot calls and of
                                                  every call made in an AssumeRoot session, in order
  POST /moto-api/reset                            also clears everything above

The process exits when its standard input closes, so a crashed test run leaves no server behind.
"""
import argparse
import base64
import datetime
import io
import json
import os
import re
import secrets
import sys
import threading
import time
import uuid
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from werkzeug.serving import make_server

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.iam import policy_validation

# AWS accepts a member account's root user as an IAM resource (`arn:aws:iam::<account>:root`, the resource of
# sts:AssumeRoot); moto's policy validator does not know it.
policy_validation.VALID_RESOURCE_PATH_STARTING_VALUES["iam"]["values"].append("root")

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
TASK_POLICIES = {
    "IAMAuditRootUserCredentials", "IAMCreateRootUserPassword", "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy", "SQSUnlockQueuePolicy",
}
# What each task policy allows (AWS's managed policies under arn:aws:iam::aws:policy/root-task/). GetCallerIdentity
# needs no permission anywhere.
_AUDIT = {"iam:GetAccountSummary", "iam:GetLoginProfile", "iam:ListAccessKeys", "iam:ListMFADevices",
          "iam:ListSigningCertificates", "iam:GetAccessKeyLastUsed", "iam:GetUser", "iam:GetMFADevice"}
TASK_ACTIONS = {
    "IAMAuditRootUserCredentials": _AUDIT,
    "IAMCreateRootUserPassword": {"iam:CreateLoginProfile", "iam:GetAccountSummary", "iam:GetLoginProfile",
                                  "iam:GetUser"},
    "IAMDeleteRootUserCredentials": _AUDIT | {"iam:DeleteLoginProfile", "iam:DeleteAccessKey",
                                              "iam:DeleteSigningCertificate", "iam:DeactivateMFADevice"},
    "S3UnlockBucketPolicy": {"s3:GetBucketPolicy", "s3:DeleteBucketPolicy", "s3:ListAllMyBuckets"},
    "SQSUnlockQueuePolicy": {"sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:RemovePermission",
                             "sqs:ListQueues"},
}
CSV_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value):
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


class RootState:
    """What the root user of one account has. JSON form (every key optional):

    {"created": "2020-01-01T00:00:00Z",
     "password": {"enabled": true, "lastUsed": "…" | null, "lastChanged": "…"},
     "mfaDevices": [{"serial": "…", "type": "virtual"|"hardware"|"passkey", "enabled": "…"}],
     "accessKeys": [{"id": "AKIA…", "active": true, "created": "…", "lastUsed": "…", "lastUsedRegion": "…",
                     "lastUsedService": "…"}],
     "signingCertificates": [{"id": "…", "active": true, "uploaded": "…"}],
     "primaryEmail": "root@example.com",
     "summaryOverrides": {"AccountMFAEnabled": 1},      # to make the summary disagree with the report
     "failOperations": ["DeleteLoginProfile"]}          # delete calls refused with AccessDenied (partial failures)
    """

    def __init__(self, data):
        self.data = data

    @property
    def password(self):
        return self.data.get("password") or {}

    @property
    def mfa(self):
        return self.data.setdefault("mfaDevices", [])

    @property
    def keys(self):
        return self.data.setdefault("accessKeys", [])

    @property
    def certs(self):
        return self.data.setdefault("signingCertificates", [])

    def summary(self):
        values = {
            "AccountMFAEnabled": 1 if self.mfa else 0,
            "AccountAccessKeysPresent": 1 if self.keys else 0,
            "AccountSigningCertificatesPresent": 1 if self.certs else 0,
            "AccountPasswordPresent": 1 if self.password.get("enabled") else 0,
        }
        values.update(self.data.get("summaryOverrides") or {})
        return values

    def csv_row(self, account, partition):
        def b(value):
            return "true" if value else "false"

        def cell(value, default="N/A"):
            return value if value else default

        password = self.password
        row = ["<root_account>", f"arn:{partition}:iam::{account}:root", self.data.get("created", "2020-01-01T00:00:00+00:00")]
        row += [
            b(password.get("enabled")),
            cell(password.get("lastUsed"), "no_information") if password.get("enabled") else cell(password.get("lastUsed"), "no_information"),
            "not_supported", "not_supported", b(bool(self.mfa)),
        ]
        keys = self.keys[:2] + [None] * (2 - len(self.keys[:2]))
        for key in keys:
            if key is None:
                row += ["false", "N/A", "N/A", "N/A", "N/A"]
            else:
                row += [
                    b(key.get("active", True)), cell(key.get("created"), "N/A"), cell(key.get("lastUsed")),
                    cell(key.get("lastUsedRegion")), cell(key.get("lastUsedService")),
                ]
        certs = self.certs[:2] + [None] * (2 - len(self.certs[:2]))
        for cert in certs:
            row += ["false", "N/A"] if cert is None else [b(cert.get("active", True)), cell(cert.get("uploaded"))]
        return ",".join(row)


class Plugin:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.roots = {}
        self.events = {}
        self.contacts = {}
        self.features = {}
        self.sessions = {}  # access key id -> {"account", "policy", "secret"}
        self.pending_topics = set()
        self.iam_trusted = {}  # organization id -> enabled date
        self.hub_standards = {}  # (account, region) -> [standards ARN] while Security Hub is enabled
        self.hub_tags = {}  # (account, region) -> the tags EnableSecurityHub was given (moto keeps none)
        self.org_config_rules = {}  # (administrator account, region) -> {name: rule dict}
        # access key id -> account. moto finds a key's account by walking every account's IAM and STS backends
        # on each request, which makes it crawl with a thousand accounts. The answer is remembered here and handed
        # to moto in its own x-moto-account-id header; the memo is cleared whenever a key could appear.
        self.key_accounts = {}
        self.trail = []  # CloudTrail records of AssumeRoot calls and of every call in their sessions
        self.cloudtrail_keys = []  # ListPublicKeys: [{"Fingerprint", "Value" (base64 DER)}]

    # ----- helpers -----

    def root(self, account):
        with self.lock:
            return self.roots.setdefault(account, RootState({}))

    @staticmethod
    def scope(environ):
        auth = environ.get("HTTP_AUTHORIZATION", "")
        match = re.search(r"Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request", auth)
        return match.groups() if match else (None, None, None)

    def account_for(self, access_key, environ):
        if access_key in self.sessions:
            return self.sessions[access_key]["account"]
        if environ.get("HTTP_X_MOTO_ACCOUNT_ID"):
            return environ["HTTP_X_MOTO_ACCOUNT_ID"]
        known = self.key_accounts.get(access_key)
        if known is not None:
            return known
        from moto.iam.models import get_account_id_from

        account = get_account_id_from(access_key or "")
        with self.lock:
            self.key_accounts[access_key] = account
        return account

    @staticmethod
    def default_account():
        from moto.core import DEFAULT_ACCOUNT_ID

        return DEFAULT_ACCOUNT_ID

    @staticmethod
    def partition(region):
        if (region or "").startswith("cn-"):
            return "aws-cn"
        if (region or "").startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"

    @staticmethod
    def respond(start_response, status, body, content_type, extra=()):
        data = body.encode() if isinstance(body, str) else body
        reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict"}.get(status, "Error")
        headers = [("Content-Type", content_type), ("Content-Length", str(len(data))),
                   ("x-amzn-RequestId", str(uuid.uuid4()))] + list(extra)
        start_response(f"{status} {reason}", headers)
        return [data]

    def query_ok(self, start_response, action, inner, ns=IAM_NS):
        body = (f'<{action}Response xmlns="{ns}"><{action}Result>{inner}</{action}Result>'
                f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></{action}Response>")
        return self.respond(start_response, 200, body, "text/xml")

    def query_empty(self, start_response, action, ns=IAM_NS):
        body = (f'<{action}Response xmlns="{ns}"><ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId>'
                f"</ResponseMetadata></{action}Response>")
        return self.respond(start_response, 200, body, "text/xml")

    def query_error(self, start_response, status, code, message, ns=IAM_NS):
        body = (f'<ErrorResponse xmlns="{ns}"><Error><Type>Sender</Type><Code>{code}</Code>'
                f"<Message>{escape(message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
        return self.respond(start_response, status, body, "text/xml")

    def json_error(self, start_response, status, code, message):
        return self.respond(start_response, status, json.dumps({"__type": code, "message": message}),
                            "application/x-amz-json-1.1", [("x-amzn-ErrorType", code)])

    def call_moto(self, environ):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = headers

        chunks = self.app(environ, capture)
        body = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return captured["status"], captured["headers"], body

    @staticmethod
    def replay(start_response, status, headers, body):
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(body)))]
        start_response(status, headers)
        return [body]

    def org_of(self, account):
        """(organization id, management account id) of the account's organization, or None."""
        from moto.organizations.models import organizations_backends

        master = organizations_backends.master_accounts.get(account)
        master_id = master[0] if master else account
        try:
            backend = organizations_backends[master_id]["aws"]
        except KeyError:
            return None
        if backend.org is None:
            return None
        return backend.org.id, backend.org.master_account_id, backend

    # ----- WSGI -----

    def __call__(self, environ, start_response):
        access_key = self.scope(environ)[0]
        session = self.sessions.get(access_key) if access_key else None
        if session is None or environ.get("PATH_INFO", "").startswith(("/rootguard-api/", "/moto-api/")):
            return self.handle(environ, start_response)
        # A root session's call: refused unless its task policy allows it, and recorded either way.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        action, parameters = self.session_action(environ, body)
        status = {}

        def recording(code, headers, exc_info=None):
            status["code"] = code
            return start_response(code, headers, exc_info) if exc_info else start_response(code, headers)

        allowed = action == "sts:GetCallerIdentity" or action in TASK_ACTIONS.get(session["policy"], set())
        if allowed:
            result = self.handle(environ, recording)
        else:
            result = self.session_refusal(environ, recording, action, session)
        result = [b"".join(result)]
        code = int(status.get("code", "500").split()[0])
        self.record_session_call(environ, session, action, parameters, None if code < 400 else (
            "AccessDenied" if not allowed else self.error_code(result)))
        return result

    def handle(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/rootguard-api/"):
            return self.control(environ, start_response)
        if path == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST":
            with self.lock:
                self.reset()
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        access_key, region, service = self.scope(environ)
        session = self.sessions.get(access_key)
        account = self.account_for(access_key, environ)

        try:
            if session is None and service == "s3":
                refused = self.s3_locked(environ, start_response, account)
                if refused is not None:
                    return refused
            if session is None and service == "sqs":
                refused = self.sqs_locked(environ, start_response, body)
                if refused is not None:
                    return refused
            if service in ("iam", "sts", "sns") and body:
                params = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
                # Tests refuse a query-protocol operation of the account's own principals the same way (root
                # sessions keep their own per-credential refusals).
                if session is None and account in self.roots and params.get("Action") in self.roots[account].data.get(
                        "failOperations", []):
                    return self.query_error(start_response, 403, "AccessDenied",
                                            f"{params.get('Action')} is refused (injected by the test)")
                handler = getattr(self, f"{service}_{params.get('Action', '')}", None)
                if handler:
                    result = handler(environ, start_response, params, account, region, session)
                    if result is not None:
                        return result
            if service == "account" and path in ("/getContactInformation", "/getPrimaryEmail"):
                payload = json.loads(body or b"{}")
                return getattr(self, "account_" + path[1:])(start_response, payload, account)
            # account:ListRegions, which moto lacks: opt-in per account ("enabledRegions" in the root state), so
            # tests that do not set it keep moto's answer (no such operation) and their region fallback.
            if service == "account" and path == "/listRegions" and account in self.roots and \
                    "enabledRegions" in self.roots[account].data:
                regions = [{"RegionName": name, "RegionOptStatus": "ENABLED_BY_DEFAULT"}
                           for name in self.roots[account].data["enabledRegions"]]
                return self.respond(start_response, 200, json.dumps({"Regions": regions}), "application/json")
            if service == "guardduty" and environ.get("REQUEST_METHOD") == "GET":
                match = re.fullmatch(r"/detector/([^/]+)/filter", path)
                if match:
                    return self.guardduty_list_filters(start_response, environ, match.group(1), account, region)
                match = re.fullmatch(r"/detector/([^/]+)/member", path)
                if match:
                    return self.guardduty_list_members(start_response, environ, match.group(1), account, region)
            target = environ.get("HTTP_X_AMZ_TARGET", "")
            # Tests refuse any JSON-protocol operation with "failOperations": ["PutRule", …] in the root state.
            if target and account in self.roots and target.rsplit(".", 1)[-1] in self.roots[account].data.get(
                    "failOperations", []):
                return self.json_error(start_response, 400, "AccessDeniedException",
                                       f"{target.rsplit('.', 1)[-1]} is refused (injected by the test)")
            if service == "organizations" and target.endswith(".EnableAWSServiceAccess"):
                payload = json.loads(body or b"{}")
                if payload.get("ServicePrincipal") == "iam.amazonaws.com":
                    org = self.org_of(account)
                    if org is None:
                        return self.json_error(start_response, 400, "AWSOrganizationsNotInUseException",
                                               "Your account is not a member of an organization.")
                    with self.lock:
                        self.iam_trusted[org[0]] = time.time()
                    return self.respond(start_response, 200, "{}", "application/x-amz-json-1.1")
            if service == "organizations" and target.endswith(".ListDelegatedAdministrators"):
                # moto does not know every service principal AWS accepts; for those, no delegated administrator.
                payload = json.loads(body or b"{}")
                if payload.get("ServicePrincipal") in ("securityhub.amazonaws.com",):
                    if self.org_of(account) is None:
                        return self.json_error(start_response, 400, "AWSOrganizationsNotInUseException",
                                               "Your account is not a member of an organization.")
                    return self.respond(start_response, 200, json.dumps({"DelegatedAdministrators": []}),
                                        "application/x-amz-json-1.1")
            if service == "organizations" and target.endswith(".ListAWSServiceAccessForOrganization"):
                org = self.org_of(account)
                if org is not None and org[0] in self.iam_trusted:
                    status, headers, moto_body = self.call_moto(environ)
                    if status.startswith("200"):
                        listed = json.loads(moto_body or b"{}")
                        listed.setdefault("EnabledServicePrincipals", []).append(
                            {"ServicePrincipal": "iam.amazonaws.com", "DateEnabled": self.iam_trusted[org[0]]})
                        return self.replay(start_response, status, headers, json.dumps(listed).encode())
                    return self.replay(start_response, status, headers, moto_body)
            if service == "securityhub":
                handled = self.securityhub(environ, start_response, path, body, account, region)
                if handled is not None:
                    return handled
            if service == "config" and target.rsplit(".", 1)[-1] in (
                    "PutOrganizationConfigRule", "DescribeOrganizationConfigRules",
                    "GetOrganizationConfigRuleDetailedStatus"):
                return self.config_organization_rules(start_response, target.rsplit(".", 1)[-1],
                                                      json.loads(body or b"{}"), account, region)
            if service == "support" and target.rsplit(".", 1)[-1] in (
                    "DescribeTrustedAdvisorChecks", "DescribeTrustedAdvisorCheckResult"):
                handled = self.support(start_response, environ, target.rsplit(".", 1)[-1], json.loads(body or b"{}"),
                                       account)
                if handled is not None:
                    return handled
            if service == "cloudtrail" and target.endswith(".ListPublicKeys"):
                # AWS's public keys for digest signatures: each valid for its period (a day around now unless given),
                # listed when that period meets the request's StartTime–EndTime, as AWS rotates them. The Value is the
                # blob's base64 (PKCS #1 DER), which awscli's validate-logs decodes itself (the CLI keeps blobs as text).
                now = time.time()
                request = json.loads(body or b"{}")
                start, end = request.get("StartTime"), request.get("EndTime")
                listed = []
                for key in self.cloudtrail_keys:
                    valid_from = key.get("ValidityStartTime", now - 86400)
                    valid_to = key.get("ValidityEndTime", now + 86400)
                    if start is not None and valid_to < float(start):
                        continue
                    if end is not None and valid_from > float(end):
                        continue
                    listed.append({"Value": key["Value"],
                                   "Fingerprint": key["Fingerprint"], "ValidityStartTime": valid_from,
                                   "ValidityEndTime": valid_to})
                return self.respond(start_response, 200, json.dumps({"PublicKeyList": listed}),
                                    "application/x-amz-json-1.1")
            if service == "cloudtrail" and target.endswith(".LookupEvents"):
                return self.cloudtrail_lookup(start_response, json.loads(body or b"{}"), account, region)
        except Exception as error:  # a bug here must surface as a 500, not hang the client
            return self.respond(start_response, 500, f"rootguard plugin error: {error!r}", "text/plain")

        if session is not None:
            # Root-session keys: everything else runs as the member account.
            environ["HTTP_X_MOTO_ACCOUNT_ID"] = session["account"]
        elif access_key and service != "sts":
            # The account moto would find itself, without its walk over every account. (STS keeps its own
            # logic: its answers depend on the caller's key, not only on its account.)
            environ["HTTP_X_MOTO_ACCOUNT_ID"] = account
        if service in ("iam", "sts"):
            # A new key (CreateAccessKey, AssumeRole…) must not meet a stale "unknown key" answer.
            with self.lock:
                self.key_accounts = {k: v for k, v in self.key_accounts.items() if v != self.default_account()}
        return self.app(environ, start_response)

    # ----- AssumeRoot sessions: task-policy scope and CloudTrail records -----

    @staticmethod
    def s3_operation(method, path, query):
        """(action, eventName, bucket) of a path-style S3 request."""
        parts = path.lstrip("/").split("/", 1)
        bucket = parts[0] or None
        key = parts[1] if len(parts) > 1 and parts[1] else None
        if bucket is None:
            return ("s3:ListAllMyBuckets", "ListBuckets", None) if method == "GET" else (f"s3:{method}", method, None)
        if key is None and "policy" in query:
            name = {"GET": "GetBucketPolicy", "PUT": "PutBucketPolicy", "DELETE": "DeleteBucketPolicy"}.get(method)
            if name:
                return f"s3:{name}", name, bucket
        if key is None:
            name = {"GET": "ListObjects", "HEAD": "HeadBucket", "PUT": "CreateBucket", "DELETE": "DeleteBucket"}.get(
                method, method)
            action = {"GET": "s3:ListBucket", "HEAD": "s3:ListBucket", "PUT": "s3:CreateBucket",
                      "DELETE": "s3:DeleteBucket"}.get(method, f"s3:{method}")
            return action, name, bucket
        name = {"GET": "GetObject", "HEAD": "HeadObject", "PUT": "PutObject", "DELETE": "DeleteObject"}.get(
            method, method)
        return f"s3:{name.replace('HeadObject', 'GetObject')}", name, bucket

    def session_action(self, environ, body):
        """The IAM action of a request ("iam:ListAccessKeys") and its CloudTrail requestParameters."""
        _, _, service = self.scope(environ)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if service == "s3":
            query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            action, _, bucket = self.s3_operation(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""),
                                                  query)
            parameters = {"bucketName": bucket} if bucket else {}
            if "policy" in query:
                parameters["policy"] = ""
            return action, parameters
        if target:
            try:
                payload = json.loads(body or b"{}")
            except ValueError:
                payload = {}
            parameters = {k[:1].lower() + k[1:]: v for k, v in payload.items()} if isinstance(payload, dict) else {}
            return f"{service}:{target.rsplit('.', 1)[-1]}", parameters
        if body and service in ("iam", "sts", "sns"):
            params = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
            name = params.pop("Action", "")
            params.pop("Version", None)
            params.pop("Password", None)  # never recorded, as CloudTrail hides it
            return f"{service}:{name}", {k[:1].lower() + k[1:]: v for k, v in params.items()}
        return f"{service}:{environ.get('REQUEST_METHOD', '')} {environ.get('PATH_INFO', '')}", {}

    def session_refusal(self, environ, start_response, action, session):
        _, _, service = self.scope(environ)
        message = (f"User: arn:aws:iam::{session['account']}:root is not authorized to perform: {action} "
                   f"because no session policy allows the {action} action")
        if service == "s3":
            body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                    f"<Message>{escape(message)}</Message><RequestId>{uuid.uuid4()}</RequestId></Error>")
            return self.respond(start_response, 403, body, "application/xml")
        if environ.get("HTTP_X_AMZ_TARGET"):
            code = "AccessDenied" if service == "sqs" else "AccessDeniedException"
            return self.respond(start_response, 403, json.dumps({"__type": code, "message": message}),
                                "application/x-amz-json-1.0", [("x-amzn-query-error", f"{code};Sender")])
        if service in ("iam", "sts", "sns"):
            ns = {"sts": STS_NS, "sns": "http://sns.amazonaws.com/doc/2010-03-31/"}.get(service, IAM_NS)
            return self.query_error(start_response, 403, "AccessDenied", message, ns)
        return self.json_error(start_response, 403, "AccessDeniedException", message)

    @staticmethod
    def error_code(result):
        text = b"".join(result).decode(errors="replace")
        match = re.search(r"<Code>([^<]+)</Code>", text) or re.search(r'"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"', text)
        return match.group(1) if match else "Error"

    def record(self, record):
        with self.lock:
            self.trail.append(record)

    def base_record(self, environ, source, name, account, region):
        return {
            "eventVersion": "1.11", "eventTime": now_iso(), "eventSource": f"{source}.amazonaws.com",
            "eventName": name, "awsRegion": region or "us-east-1",
            "sourceIPAddress": environ.get("REMOTE_ADDR", "127.0.0.1"),
            "userAgent": environ.get("HTTP_USER_AGENT", ""), "requestID": str(uuid.uuid4()),
            "eventID": str(uuid.uuid4()), "readOnly": name.startswith(("Get", "List", "Describe", "Head")),
            "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": account,
            "eventCategory": "Management",
        }

    def record_session_call(self, environ, session, action, parameters, error):
        _, region, service = self.scope(environ)
        name = action.split(":", 1)[1]
        if service == "s3":
            name = self.s3_operation(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""),
                                     parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True))[1]
        record = self.base_record(environ, service, name, session["account"], region)
        record["userIdentity"] = {
            "type": "Root", "principalId": session["account"], "arn": f"arn:{self.partition(region)}:iam::"
            f"{session['account']}:root", "accountId": session["account"], "accessKeyId": session["key"],
            "sessionContext": {"attributes": {"creationDate": session["created"], "mfaAuthenticated": "false"}},
        }
        record["requestParameters"] = parameters or None
        record["responseElements"] = None
        if error:
            record["errorCode"] = error
            record["errorMessage"] = f"{action} was refused"
        self.record(record)

    def caller_arn(self, environ):
        """The caller's ARN as moto's GetCallerIdentity gives it (what rootguard reads as the requester)."""
        inner = dict(environ)
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        inner["wsgi.input"] = io.BytesIO(body)
        inner["CONTENT_LENGTH"] = str(len(body))
        inner["REQUEST_METHOD"] = "POST"
        inner["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        status, _, text = self.call_moto(inner)
        match = re.search(r"<Arn>([^<]+)</Arn>", text.decode(errors="replace"))
        return match.group(1) if match else "arn:aws:iam::unknown:user/unknown"

    # ----- locked buckets and queues -----

    @staticmethod
    def denies_everyone(policy, action):
        """True when the policy has an unconditional Deny of `action` for principal "*"."""
        try:
            document = json.loads(policy) if isinstance(policy, (str, bytes)) else policy
        except ValueError:
            return False
        statements = document.get("Statement", []) if isinstance(document, dict) else []
        if isinstance(statements, dict):
            statements = [statements]
        for statement in statements:
            if not isinstance(statement, dict) or statement.get("Effect") != "Deny" or statement.get("Condition"):
                continue
            principal = statement.get("Principal")
            if not (principal == "*" or (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"]))):
                continue
            actions = statement.get("Action", [])
            actions = [actions] if isinstance(actions, str) else actions
            service = action.split(":", 1)[0]
            if any(a == "*" or a.lower() == action.lower() or a.lower() == f"{service}:*" for a in actions):
                return True
        return False

    def s3_locked(self, environ, start_response, account):
        from moto.s3.models import s3_backends

        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        action, _, bucket = self.s3_operation(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""),
                                              query)
        if bucket is None or action == "s3:CreateBucket":
            return None
        for owner in list(s3_backends.keys()):
            found = s3_backends[owner]["aws"].buckets.get(bucket)
            if found is not None and found.policy and self.denies_everyone(found.policy, action):
                body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                        f"<Message>Access Denied (the bucket policy of {escape(bucket)} denies {action})</Message>"
                        f"<RequestId>{uuid.uuid4()}</RequestId></Error>")
                return self.respond(start_response, 403, body, "application/xml")
        return None

    def sqs_locked(self, environ, start_response, body):
        from moto.sqs.models import sqs_backends

        target = environ.get("HTTP_X_AMZ_TARGET", "")
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return None
        url = payload.get("QueueUrl") if isinstance(payload, dict) else None
        if not target or not url:
            return None
        parts = url.rstrip("/").split("/")
        if len(parts) < 2:
            return None
        owner, name = parts[-2], parts[-1]
        action = f"sqs:{target.rsplit('.', 1)[-1]}"
        if owner not in sqs_backends:
            return None
        for region in list(sqs_backends[owner].keys()):
            queue = sqs_backends[owner][region].queues.get(name)
            if queue is not None and queue.policy and self.denies_everyone(queue.policy, action):
                return self.respond(start_response, 403, json.dumps(
                    {"__type": "AccessDenied", "message": f"Access to the resource {url} is denied."}),
                    "application/x-amz-json-1.0", [("x-amzn-query-error", "AccessDenied;Sender")])
        return None

    # ----- control API -----

    def control(self, environ, start_response):
        parts = environ["PATH_INFO"].split("/")[2:]
        method = environ.get("REQUEST_METHOD")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        payload = json.loads(environ["wsgi.input"].read(length) or b"null") if length else None
        if parts[0] == "root" and len(parts) == 2:
            if method == "POST":
                with self.lock:
                    self.roots[parts[1]] = RootState(payload or {})
            return self.respond(start_response, 200, json.dumps(self.root(parts[1]).data), "application/json")
        if parts[0] == "events" and len(parts) == 3 and method == "POST":
            with self.lock:
                self.events[(parts[1], parts[2])] = payload or []
            return self.respond(start_response, 200, "{}", "application/json")
        if parts[0] == "cloudtrail" and method == "GET":
            with self.lock:
                return self.respond(start_response, 200, json.dumps({"Records": self.trail}), "application/json")
        if parts[0] == "cloudtrail-keys" and method == "POST":
            with self.lock:
                self.cloudtrail_keys = payload or []
            return self.respond(start_response, 200, "{}", "application/json")
        if parts[0] == "sns-pending" and method == "POST":
            with self.lock:
                self.pending_topics.add(payload["topicArn"])
            return self.respond(start_response, 200, "{}", "application/json")
        if parts[0] == "contact" and len(parts) == 2 and method == "POST":
            with self.lock:
                self.contacts[parts[1]] = payload
            return self.respond(start_response, 200, "{}", "application/json")
        return self.respond(start_response, 404, "unknown rootguard-api path", "text/plain")

    # ----- IAM -----

    def iam_GetAccountSummary(self, environ, start_response, params, account, region, session):
        if account not in self.roots:
            return None
        status, headers, body = self.call_moto(environ)
        if not status.startswith("200"):
            return self.replay(start_response, status, headers, body)
        text = body.decode()
        for key, value in self.root(account).summary().items():
            entry = f"<entry><key>{key}</key><value>{value}</value></entry>"
            pattern = re.compile(rf"<entry>\s*<key>{key}</key>\s*<value>[^<]*</value>\s*</entry>")
            text, count = pattern.subn(entry, text)
            if count == 0:
                text = text.replace("</SummaryMap>", entry + "</SummaryMap>")
        return self.replay(start_response, status, headers, text.encode())

    def iam_AttachRolePolicy(self, environ, start_response, params, account, region, session):
        """AWS holds every AWS-managed policy; moto loads them only when told to (slow with many accounts), so the
        one being attached is added to this account's IAM on first use, from moto's own copy of AWS's data."""
        arn = params.get("PolicyArn", "")
        match = re.fullmatch(r"arn:aws[a-z-]*:iam::aws:policy(/.*/|/)([^/]+)", arn)
        if not match:
            return None
        from moto.iam.aws_managed_policies import aws_managed_policies_data
        from moto.iam.models import AWSManagedPolicy, iam_backends

        data = json.loads(aws_managed_policies_data).get(match.group(2))
        backend = iam_backends[account][self.partition(region)]
        if data is not None and data.get("Path", "/") == match.group(1) and arn not in backend.managed_policies:
            with self.lock:
                policy = AWSManagedPolicy.from_data(match.group(2), account, region, data)
                backend.managed_policies[policy.arn] = policy
        return None

    def iam_AttachUserPolicy(self, environ, start_response, params, account, region, session):
        return self.iam_AttachRolePolicy(environ, start_response, params, account, region, session)

    def iam_AttachGroupPolicy(self, environ, start_response, params, account, region, session):
        return self.iam_AttachRolePolicy(environ, start_response, params, account, region, session)

    def iam_GetCredentialReport(self, environ, start_response, params, account, region, session):
        if account not in self.roots:
            return None
        status, headers, body = self.call_moto(environ)
        if not status.startswith("200"):
            return self.replay(start_response, status, headers, body)
        text = body.decode()
        match = re.search(r"<Content>([^<]*)</Content>", text)
        if not match:
            return self.replay(start_response, status, headers, body)
        raw = match.group(1)
        try:
            csv = base64.b64decode(raw).decode()
        except Exception:
            csv = raw
        lines = csv.split("\n")
        row = self.root(account).csv_row(account, self.partition(region))
        lines.insert(1, row)
        content = base64.b64encode("\n".join(lines).encode()).decode()
        text = text[: match.start(1)] + content + text[match.end(1):]
        text = re.sub(r"<GeneratedTime>[^<]*</GeneratedTime>", f"<GeneratedTime>{now_iso()}</GeneratedTime>", text)
        return self.replay(start_response, status, headers, text.encode())

    def iam_ListVirtualMFADevices(self, environ, start_response, params, account, region, session):
        from moto.iam.models import iam_backends

        partition = self.partition(region)
        backend = iam_backends[account][partition]
        status_filter = params.get("AssignmentStatus", "Any")
        devices = []
        for device in sorted(backend.virtual_mfa_devices.values(), key=lambda d: d.serial_number):
            assigned = device.enable_date is not None
            user = None
            if device.user is not None:
                user = {"UserName": device.user.name, "Arn": device.user.arn, "UserId": device.user.id,
                        "Path": device.user.path,
                        "CreateDate": device.user.created.strftime("%Y-%m-%dT%H:%M:%SZ")}
            devices.append((device.serial_number, assigned, user,
                            device.enable_date.strftime("%Y-%m-%dT%H:%M:%SZ") if device.enable_date else None))
        if account in self.roots:
            for device in self.root(account).mfa:
                if device.get("type", "virtual") != "virtual":
                    continue
                user = {"UserName": "", "Arn": f"arn:{partition}:iam::{account}:root", "UserId": account,
                        "Path": "/", "CreateDate": self.root(account).data.get("created", "2020-01-01T00:00:00Z")}
                devices.append((device["serial"], True, user, device.get("enabled", now_iso())))
        if status_filter == "Assigned":
            devices = [d for d in devices if d[1]]
        elif status_filter == "Unassigned":
            devices = [d for d in devices if not d[1]]
        max_items = int(params.get("MaxItems", 100))
        start = int(params.get("Marker", "0") or 0)
        page = devices[start:start + max_items]
        truncated = start + max_items < len(devices)
        inner = "<VirtualMFADevices>"
        for serial, _, user, enabled in page:
            inner += f"<member><SerialNumber>{escape(serial)}</SerialNumber>"
            if enabled:
                inner += f"<EnableDate>{enabled}</EnableDate>"
            if user:
                inner += "<User>" + "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in user.items()) + "</User>"
            inner += "</member>"
        inner += f"</VirtualMFADevices><IsTruncated>{'true' if truncated else 'false'}</IsTruncated>"
        if truncated:
            inner += f"<Marker>{start + max_items}</Marker>"
        return self.query_ok(start_response, "ListVirtualMFADevices", inner)

    def _org_management(self, start_response, account):
        org = self.org_of(account)
        if org is None:
            return None, self.query_error(start_response, 400, "OrganizationNotFoundException",
                                          "The account is not a member of an organization.")
        org_id, master, _ = org
        if master != account:
            return None, self.query_error(start_response, 400, "AccountNotManagementOrDelegatedAdministratorException",
                                          "The account is not the management account or a delegated administrator.")
        return org_id, None

    def iam_ListOrganizationsFeatures(self, environ, start_response, params, account, region, session):
        org_id, error = self._org_management(start_response, account)
        if error:
            return error
        features = "".join(f"<member>{f}</member>" for f in sorted(self.features.get(org_id, set())))
        return self.query_ok(start_response, "ListOrganizationsFeatures",
                             f"<OrganizationId>{org_id}</OrganizationId><EnabledFeatures>{features}</EnabledFeatures>")

    def _enable_feature(self, start_response, account, action, feature):
        org_id, error = self._org_management(start_response, account)
        if error:
            return error
        with self.lock:
            self.features.setdefault(org_id, set()).add(feature)
        features = "".join(f"<member>{f}</member>" for f in sorted(self.features[org_id]))
        return self.query_ok(start_response, action,
                             f"<OrganizationId>{org_id}</OrganizationId><EnabledFeatures>{features}</EnabledFeatures>")

    def iam_EnableOrganizationsRootCredentialsManagement(self, environ, start_response, params, account, region, session):
        return self._enable_feature(start_response, account, "EnableOrganizationsRootCredentialsManagement",
                                    "RootCredentialsManagement")

    def iam_EnableOrganizationsRootSessions(self, environ, start_response, params, account, region, session):
        return self._enable_feature(start_response, account, "EnableOrganizationsRootSessions", "RootSessions")

    # Root-session operations (no UserName, inside an AssumeRoot session).

    def _root_session(self, start_response, params, session, allowed):
        if session is None or params.get("UserName"):
            return None, None
        if session["policy"] not in allowed:
            return None, self.query_error(start_response, 403, "AccessDenied",
                                          f"task policy {session['policy']} does not allow this action")
        return self.root(session["account"]), None

    def iam_GetLoginProfile(self, environ, start_response, params, account, region, session):
        root, error = self._root_session(start_response, params, session,
                                         {"IAMAuditRootUserCredentials", "IAMDeleteRootUserCredentials"})
        if error or root is None:
            return error
        if not root.password.get("enabled"):
            return self.query_error(start_response, 404, "NoSuchEntity", "Login Profile for root cannot be found.")
        created = root.password.get("lastChanged", root.data.get("created", "2020-01-01T00:00:00Z"))
        return self.query_ok(start_response, "GetLoginProfile",
                             f"<LoginProfile><UserName></UserName><CreateDate>{created}</CreateDate>"
                             "<PasswordResetRequired>false</PasswordResetRequired></LoginProfile>")

    def iam_ListAccessKeys(self, environ, start_response, params, account, region, session):
        root, error = self._root_session(start_response, params, session,
                                         {"IAMAuditRootUserCredentials", "IAMDeleteRootUserCredentials"})
        if error or root is None:
            return error
        members = "".join(
            f"<member><AccessKeyId>{k['id']}</AccessKeyId><Status>{'Active' if k.get('active', True) else 'Inactive'}"
            f"</Status><CreateDate>{k.get('created', '2020-01-01T00:00:00Z')}</CreateDate></member>" for k in root.keys)
        return self.query_ok(start_response, "ListAccessKeys",
                             f"<AccessKeyMetadata>{members}</AccessKeyMetadata><IsTruncated>false</IsTruncated>")

    def iam_ListSigningCertificates(self, environ, start_response, params, account, region, session):
        root, error = self._root_session(start_response, params, session,
                                         {"IAMAuditRootUserCredentials", "IAMDeleteRootUserCredentials"})
        if error or root is None:
            return error
        members = "".join(
            f"<member><CertificateId>{c['id']}</CertificateId><CertificateBody>-----BEGIN CERTIFICATE-----"
            f"</CertificateBody><Status>{'Active' if c.get('active', True) else 'Inactive'}</Status>"
            f"<UploadDate>{c.get('uploaded', '2020-01-01T00:00:00Z')}</UploadDate></member>" for c in root.certs)
        return self.query_ok(start_response, "ListSigningCertificates",
                             f"<Certificates>{members}</Certificates><IsTruncated>false</IsTruncated>")

    def iam_ListMFADevices(self, environ, start_response, params, account, region, session):
        root, error = self._root_session(start_response, params, session,
                                         {"IAMAuditRootUserCredentials", "IAMDeleteRootUserCredentials"})
        if error or root is None:
            return error
        members = "".join(
            f"<member><UserName></UserName><SerialNumber>{escape(d['serial'])}</SerialNumber>"
            f"<EnableDate>{d.get('enabled', '2020-01-01T00:00:00Z')}</EnableDate></member>" for d in root.mfa)
        return self.query_ok(start_response, "ListMFADevices",
                             f"<MFADevices>{members}</MFADevices><IsTruncated>false</IsTruncated>")

    def _delete(self, start_response, params, session, action, collection, key, value):
        root, error = self._root_session(start_response, params, session, {"IAMDeleteRootUserCredentials"})
        if error or root is None:
            return error
        # Tests make one delete operation fail with "failOperations": ["DeleteLoginProfile", …] in the root state.
        if action in root.data.get("failOperations", []):
            return self.query_error(start_response, 403, "AccessDenied", f"{action} is refused (injected by the test)")
        with self.lock:
            if collection == "password":
                if not root.password.get("enabled"):
                    return self.query_error(start_response, 404, "NoSuchEntity", "Login Profile cannot be found.")
                root.data["password"] = {"enabled": False}
            else:
                items = getattr(root, collection)
                kept = [item for item in items if item.get(key) != value]
                if len(kept) == len(items):
                    return self.query_error(start_response, 404, "NoSuchEntity", f"{value} cannot be found.")
                items[:] = kept
        return self.query_empty(start_response, action)

    def iam_CreateLoginProfile(self, environ, start_response, params, account, region, session):
        root, error = self._root_session(start_response, params, session, {"IAMCreateRootUserPassword"})
        if error or root is None:
            return error
        if params.get("Password"):
            return self.query_error(start_response, 400, "InvalidInput",
                                    "Password must be omitted in an AssumeRoot session.")
        with self.lock:
            if root.password.get("enabled"):
                return self.query_error(start_response, 409, "EntityAlreadyExists",
                                        "Login Profile for root already exists.")
            root.data["password"] = {"enabled": True, "lastChanged": now_iso()}
        return self.query_ok(start_response, "CreateLoginProfile",
                             f"<LoginProfile><UserName></UserName><CreateDate>{now_iso()}</CreateDate>"
                             "<PasswordResetRequired>false</PasswordResetRequired></LoginProfile>")

    def iam_DeleteLoginProfile(self, environ, start_response, params, account, region, session):
        return self._delete(start_response, params, session, "DeleteLoginProfile", "password", None, None)

    def iam_DeleteAccessKey(self, environ, start_response, params, account, region, session):
        return self._delete(start_response, params, session, "DeleteAccessKey", "keys", "id", params.get("AccessKeyId"))

    def iam_DeleteSigningCertificate(self, environ, start_response, params, account, region, session):
        return self._delete(start_response, params, session, "DeleteSigningCertificate", "certs", "id",
                            params.get("CertificateId"))

    def iam_DeactivateMFADevice(self, environ, start_response, params, account, region, session):
        return self._delete(start_response, params, session, "DeactivateMFADevice", "mfa", "serial",
                            params.get("SerialNumber"))

    # ----- SNS -----

    def sns_ListSubscriptionsByTopic(self, environ, start_response, params, account, region, session):
        if params.get("TopicArn") not in self.pending_topics:
            return None
        status, headers, body = self.call_moto(environ)
        text = re.sub(r"<SubscriptionArn>[^<]*</SubscriptionArn>", "<SubscriptionArn>PendingConfirmation</SubscriptionArn>",
                      body.decode())
        return self.replay(start_response, status, headers, text.encode())

    # ----- STS -----

    def sts_AssumeRoot(self, environ, start_response, params, account, region, session):
        target = params.get("TargetPrincipal", "")
        policy_arn = params.get("TaskPolicyArn.arn", "")
        policy = policy_arn.rsplit("/", 1)[-1]
        if not region or region == "aws-global" or "sts.amazonaws.com" == environ.get("HTTP_HOST", ""):
            return self.query_error(start_response, 400, "InvalidAction", "AssumeRoot requires a regional endpoint.",
                                    STS_NS)
        if not re.fullmatch(r"arn:aws[\w-]*:iam::aws:policy/root-task/\w+", policy_arn) or policy not in TASK_POLICIES:
            return self.query_error(start_response, 400, "ValidationError", f"Invalid TaskPolicyArn {policy_arn}", STS_NS)
        if session is not None:
            return self.query_error(start_response, 403, "AccessDenied", "Root sessions cannot call AssumeRoot.", STS_NS)
        target_account = target.split(":")[4] if target.startswith("arn:") else target
        org = self.org_of(account)
        if org is None or org[1] != account:
            return self.query_error(start_response, 403, "AccessDenied",
                                    "Only the management account or a delegated administrator can call AssumeRoot.",
                                    STS_NS)
        # Each task needs its own feature: the credential tasks centralised root credentials management, the
        # bucket and queue unlocks centralised root sessions (privileged root actions).
        needed = ("RootSessions" if policy in ("S3UnlockBucketPolicy", "SQSUnlockQueuePolicy")
                  else "RootCredentialsManagement")
        if needed not in self.features.get(org[0], set()):
            what = ("Centralized root sessions are" if needed == "RootSessions"
                    else "Centralized root credentials management is")
            return self.query_error(start_response, 403, "AccessDenied",
                                    f"{what} not enabled for the organization.", STS_NS)
        members = {a.id for a in org[2].accounts}
        if target_account not in members or target_account == account:
            return self.query_error(start_response, 403, "AccessDenied",
                                    f"{target_account} is not a member account of the organization.", STS_NS)
        duration = int(params.get("DurationSeconds", 900))
        if duration > 900:
            return self.query_error(start_response, 400, "ValidationError", "DurationSeconds must be <= 900.", STS_NS)
        key_id = "ASIA" + secrets.token_hex(8).upper()
        secret = secrets.token_urlsafe(30)
        token = "IQoJrootguardsession" + secrets.token_urlsafe(40)
        created = now_iso()
        with self.lock:
            self.sessions[key_id] = {"account": target_account, "policy": policy, "secret": secret, "key": key_id,
                                     "created": created}
        record = self.base_record(environ, "sts", "AssumeRoot", account, region)
        caller = self.caller_arn(environ)
        record["userIdentity"] = {"type": "IAMUser" if ":user/" in caller else "AssumedRole", "arn": caller,
                                  "accountId": account, "accessKeyId": self.scope(environ)[0],
                                  "principalId": caller.rsplit("/", 1)[-1]}
        record["requestParameters"] = {"targetPrincipal": target, "taskPolicyArn": {"arn": policy_arn},
                                       "durationSeconds": duration}
        record["responseElements"] = {"credentials": {"accessKeyId": key_id, "sessionToken": "<hidden>",
                                                      "expiration": (datetime.datetime.now(datetime.timezone.utc)
                                                                     + datetime.timedelta(seconds=duration)).strftime(
                                                          "%b %d, %Y, %I:%M:%S %p")}}
        record["resources"] = [{"accountId": target_account, "type": "AWS::IAM::Root"}]
        record["readOnly"] = True
        self.record(record)
        expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=duration)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        inner = (f"<Credentials><AccessKeyId>{key_id}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>"
                 f"<SessionToken>{token}</SessionToken><Expiration>{expires}</Expiration></Credentials>"
                 f"<SourceIdentity></SourceIdentity>")
        return self.query_ok(start_response, "AssumeRoot", inner, STS_NS)

    def sts_GetCallerIdentity(self, environ, start_response, params, account, region, session):
        if session is None:
            return None
        inner = (f"<UserId>{session['account']}</UserId><Account>{session['account']}</Account>"
                 f"<Arn>arn:{self.partition(region)}:iam::{session['account']}:root</Arn>")
        return self.query_ok(start_response, "GetCallerIdentity", inner, STS_NS)

    # ----- Account -----

    def account_getContactInformation(self, start_response, payload, account):
        target = payload.get("AccountId") or account
        contact = self.contacts.get(target)
        if contact is None:
            return self.respond(start_response, 404, json.dumps({"message": "No contact information found."}),
                                "application/json", [("x-amzn-ErrorType", "ResourceNotFoundException")])
        return self.respond(start_response, 200, json.dumps({"ContactInformation": contact}), "application/json")

    def account_getPrimaryEmail(self, start_response, payload, account):
        target = payload.get("AccountId")
        if not target:
            return self.respond(start_response, 400, json.dumps({"message": "AccountId is required."}),
                                "application/json", [("x-amzn-ErrorType", "ValidationException")])
        email = self.root(target).data.get("primaryEmail") if target in self.roots else None
        if email is None:
            org = self.org_of(target)
            if org is not None:
                for member in org[2].accounts:
                    if member.id == target:
                        email = member.email
        if email is None:
            return self.respond(start_response, 404, json.dumps({"message": "Account not found."}),
                                "application/json", [("x-amzn-ErrorType", "ResourceNotFoundException")])
        return self.respond(start_response, 200, json.dumps({"PrimaryEmail": email}), "application/json")

    # ----- GuardDuty -----

    def guardduty_list_filters(self, start_response, environ, detector_id, account, region):
        from moto.guardduty.models import guardduty_backends

        backend = guardduty_backends[account][region]
        try:
            detector = backend.get_detector(detector_id)
        except Exception:
            return self.respond(start_response, 400, json.dumps({"message": "The request is rejected because the input detectorId is not owned by the current account.", "__type": "BadRequestException"}),
                                "application/json", [("x-amzn-ErrorType", "BadRequestException")])
        query = parse_qs(environ.get("QUERY_STRING", ""))
        names = sorted(detector.filters)
        limit = int(query.get("maxResults", ["50"])[0])
        start = int(query.get("nextToken", ["0"])[0] or 0)
        result = {"filterNames": names[start:start + limit]}
        if start + limit < len(names):
            result["nextToken"] = str(start + limit)
        return self.respond(start_response, 200, json.dumps(result), "application/json")

    # ----- Security Hub standards (moto has EnableSecurityHub but no standards operations) -----

    @staticmethod
    def default_standards(region):
        partition = Plugin.partition(region)
        return [f"arn:{partition}:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
                f"arn:{partition}:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"]

    def securityhub(self, environ, start_response, path, body, account, region):
        method = environ.get("REQUEST_METHOD")
        key = (account, region)
        if path == "/accounts" and method == "POST":
            status, headers, moto_body = self.call_moto(environ)
            if status.startswith("200"):
                payload = json.loads(body or b"{}")
                with self.lock:
                    self.hub_standards[key] = (self.default_standards(region)
                                               if payload.get("EnableDefaultStandards", True) else [])
                    self.hub_tags[key] = dict(payload.get("Tags") or {})
            return self.replay(start_response, status, headers, moto_body)
        if path == "/accounts" and method == "DELETE":
            with self.lock:
                self.hub_standards.pop(key, None)
                self.hub_tags.pop(key, None)
            return None
        if path.startswith("/tags/") and method == "GET":
            # ListTagsForResource on the hub (moto has none): the tags it was enabled with.
            if key not in self.hub_standards:
                return self.respond(start_response, 404, json.dumps({
                    "Code": "ResourceNotFoundException", "Message": "The hub does not exist"}),
                    "application/json", [("x-amzn-ErrorType", "ResourceNotFoundException")])
            return self.respond(start_response, 200, json.dumps({"Tags": self.hub_tags.get(key, {})}),
                                "application/json")
        if path == "/members" and method == "GET":
            return self.securityhub_list_members(start_response, environ, account, region)
        if path not in ("/standards/get", "/standards/register"):
            return None
        if key not in self.hub_standards:
            return self.respond(start_response, 401, json.dumps({
                "Code": "InvalidAccessException",
                "Message": f"Account {account} is not subscribed to AWS Security Hub"}),
                "application/json", [("x-amzn-ErrorType", "InvalidAccessException")])
        if path == "/standards/register":
            requests = json.loads(body or b"{}").get("StandardsSubscriptionRequests") or []
            with self.lock:
                for request in requests:
                    arn = request.get("StandardsArn", "")
                    if arn and arn not in self.hub_standards[key]:
                        self.hub_standards[key].append(arn)
            arns = [r.get("StandardsArn", "") for r in requests]
        else:
            arns = list(self.hub_standards[key])
        partition = self.partition(region)

        def subscription(arn):
            name = arn.split("/", 1)[1] if "/" in arn else arn
            return {"StandardsSubscriptionArn": f"arn:{partition}:securityhub:{region}:{account}:subscription/{name}",
                    "StandardsArn": arn, "StandardsInput": {}, "StandardsStatus": "READY"}
        return self.respond(start_response, 200, json.dumps({"StandardsSubscriptions": [subscription(a) for a in arns]}),
                            "application/json")

    def guardduty_list_members(self, start_response, environ, detector_id, account, region):
        """The administrator's view of its organization's members in one region (moto has no ListMembers): every
        other account of the organization is a member, `Enabled` when its own detector in that region is enabled,
        `Disabled` when it is suspended, `Removed` when it has none. Tests refuse it with "failOperations":
        ["ListMembers"] in the caller's root state."""
        from moto.guardduty.models import guardduty_backends

        if account in self.roots and "ListMembers" in self.roots[account].data.get("failOperations", []):
            return self.respond(start_response, 403, json.dumps({"message": "ListMembers is refused (injected by the test)", "__type": "AccessDeniedException"}),
                                "application/json", [("x-amzn-ErrorType", "AccessDeniedException")])
        try:
            guardduty_backends[account][region].get_detector(detector_id)
        except Exception:
            return self.respond(start_response, 400, json.dumps({"message": "The request is rejected because the input detectorId is not owned by the current account.", "__type": "BadRequestException"}),
                                "application/json", [("x-amzn-ErrorType", "BadRequestException")])
        org = self.org_of(account)
        members = []
        if org is not None:
            for member in org[2].accounts:
                if member.id == account:
                    continue
                detectors = list(guardduty_backends[member.id][region].detectors.values())
                # A stale administrator view, for tests: "guardDutyMemberStatus": {"eu-west-1": "Enabled"}.
                override = (self.roots[member.id].data.get("guardDutyMemberStatus", {}).get(region)
                            if member.id in self.roots else None)
                if override:
                    status = override
                elif not detectors:
                    status = "Removed"
                elif any(d.enabled for d in detectors):
                    status = "Enabled"
                else:
                    status = "Disabled"
                members.append({"accountId": member.id, "detectorId": detectors[0].id if detectors else None,
                                 "administratorId": account, "masterId": account, "email": member.email,
                                 "relationshipStatus": status, "invitedAt": now_iso(), "updatedAt": now_iso()})
        members.sort(key=lambda m: m["accountId"])
        query = parse_qs(environ.get("QUERY_STRING", ""))
        limit = int(query.get("maxResults", ["50"])[0])
        start = int(query.get("nextToken", ["0"])[0] or 0)
        result = {"members": [{k: v for k, v in m.items() if v is not None} for m in members[start:start + limit]]}
        if start + limit < len(members):
            result["nextToken"] = str(start + limit)
        return self.respond(start_response, 200, json.dumps(result), "application/json")

    # ----- AWS Config organization rules (moto has none) -----

    def config_organization_rules(self, start_response, action, payload, account, region):
        """Organization config rules of the management account (or Config's delegated administrator), and each
        member's deployment status: CREATE_SUCCESSFUL where the member records with a Config recorder in that region,
        CREATE_FAILED (NoAvailableConfigurationRecorder) where it does not, as AWS reports it."""
        from moto.config.models import config_backends

        content = "application/x-amz-json-1.1"
        org = self.org_of(account)
        if org is None:
            return self.json_error(start_response, 400, "OrganizationAccessDeniedException",
                                   "This action can only be performed if you are a registered delegated administrator or the management account.")
        key = (account, region)
        if action == "PutOrganizationConfigRule":
            name = payload.get("OrganizationConfigRuleName", "")
            arn = f"arn:{self.partition(region)}:config:{region}:{account}:organization-config-rule/{name}-rootguard"
            rule = {"OrganizationConfigRuleName": name, "OrganizationConfigRuleArn": arn,
                    "OrganizationManagedRuleMetadata": payload.get("OrganizationManagedRuleMetadata", {}),
                    "ExcludedAccounts": payload.get("ExcludedAccounts", []), "LastUpdateTime": time.time()}
            with self.lock:
                self.org_config_rules.setdefault(key, {})[name] = rule
            return self.respond(start_response, 200, json.dumps({"OrganizationConfigRuleArn": arn}), content)
        rules = self.org_config_rules.get(key, {})
        if action == "DescribeOrganizationConfigRules":
            names = payload.get("OrganizationConfigRuleNames") or sorted(rules)
            return self.respond(start_response, 200, json.dumps(
                {"OrganizationConfigRules": [rules[n] for n in names if n in rules]}), content)
        name = payload.get("OrganizationConfigRuleName", "")
        if name not in rules:
            return self.json_error(start_response, 400, "NoSuchOrganizationConfigRuleException",
                                   f"The organization config rule {name} does not exist.")
        statuses = []
        for member in org[2].accounts:
            if member.id == account or member.id in rules[name]["ExcludedAccounts"]:
                continue
            recorders = config_backends[member.id][region].recorders.values()
            recording = any(r.status.recording for r in recorders)
            status = {"AccountId": member.id, "ConfigRuleName": name,
                      "MemberAccountRuleStatus": "CREATE_SUCCESSFUL" if recording else "CREATE_FAILED",
                      "LastUpdateTime": time.time()}
            if not recording:
                status["ErrorCode"] = "NoAvailableConfigurationRecorder"
                status["ErrorMessage"] = "No configuration recorder is available in this account and region."
            statuses.append(status)
        return self.respond(start_response, 200, json.dumps({"OrganizationConfigRuleDetailedStatus": statuses}), content)

    # ----- Trusted Advisor (moto lists the checks; results come from the root state) -----

    def support(self, start_response, environ, action, payload, account):
        """Business/Enterprise support unless the root state says "supportPlan": "basic" (then AWS answers
        SubscriptionRequiredException). The "MFA on Root Account" check (7DAFEmoDos) reports the root user's MFA as the
        plugin holds it, or "trustedAdvisorMFA": "ok"|"error" in the root state to make it disagree."""
        state = self.roots.get(account).data if account in self.roots else {}
        if state.get("supportPlan") == "basic":
            return self.json_error(start_response, 400, "SubscriptionRequiredException",
                                   "AWS Premium Support Subscription is required to use this service.")
        if action != "DescribeTrustedAdvisorCheckResult":
            return None
        check = payload.get("checkId", "")
        if check != "7DAFEmoDos":
            return self.respond(start_response, 200, json.dumps({"result": {"checkId": check, "status": "not_available",
                                "timestamp": now_iso(), "flaggedResources": []}}), "application/x-amz-json-1.1")
        root = self.root(account)
        status = state.get("trustedAdvisorMFA") or ("ok" if root.mfa else "error")
        flagged = [] if status == "ok" else [{"status": "error", "region": "-", "resourceId": account,
                                               "isSuppressed": False, "metadata": ["-", "No"]}]
        result = {"checkId": check, "timestamp": now_iso(), "status": status,
                  "resourcesSummary": {"resourcesProcessed": 1, "resourcesFlagged": len(flagged),
                                       "resourcesIgnored": 0, "resourcesSuppressed": 0},
                  "categorySpecificSummary": {"costOptimizing": {"estimatedMonthlySavings": 0,
                                                                 "estimatedPercentMonthlySavings": 0}},
                  "flaggedResources": flagged}
        return self.respond(start_response, 200, json.dumps({"result": result}), "application/x-amz-json-1.1")

    def securityhub_list_members(self, start_response, environ, account, region):
        """The administrator's member list, as for an organization whose accounts are all members: ENABLED where the
        member has Security Hub on in that region, REMOVED where it does not."""
        if account in self.roots and "ListMembers" in self.roots[account].data.get("failOperations", []):
            return self.respond(start_response, 403, json.dumps({"Code": "AccessDeniedException",
                                "Message": "ListMembers is refused (injected by the test)"}),
                                "application/json", [("x-amzn-ErrorType", "AccessDeniedException")])
        if (account, region) not in self.hub_standards:
            return self.respond(start_response, 401, json.dumps({"Code": "InvalidAccessException",
                                "Message": f"Account {account} is not subscribed to AWS Security Hub"}),
                                "application/json", [("x-amzn-ErrorType", "InvalidAccessException")])
        org = self.org_of(account)
        members = []
        for member in (org[2].accounts if org else []):
            if member.id == account:
                continue
            status = "ENABLED" if (member.id, region) in self.hub_standards else "REMOVED"
            members.append({"AccountId": member.id, "Email": member.email, "AdministratorId": account,
                            "MasterId": account, "MemberStatus": status, "InvitedAt": now_iso(),
                            "UpdatedAt": now_iso()})
        members.sort(key=lambda m: m["AccountId"])
        return self.respond(start_response, 200, json.dumps({"Members": members}), "application/json")

    # ----- CloudTrail -----

    def cloudtrail_lookup(self, start_response, payload, account, region):
        events = list(self.events.get((account, region), []))
        attributes = payload.get("LookupAttributes") or []
        if len(attributes) > 1:
            return self.json_error(start_response, 400, "InvalidLookupAttributesException",
                                   "You cannot specify more than one lookup attribute.")
        max_results = int(payload.get("MaxResults", 50))
        if not 1 <= max_results <= 50:
            return self.json_error(start_response, 400, "InvalidMaxResultsException", "MaxResults must be 1-50.")
        start, end = parse_time(payload.get("StartTime")), parse_time(payload.get("EndTime"))
        fields = {"EventId": "eventID", "EventName": "eventName", "EventSource": "eventSource",
                  "ReadOnly": "readOnly"}
        selected = []
        for record in events:
            when = parse_time(record.get("eventTime"))
            if start and when < start or end and when > end:
                continue
            if attributes:
                key, value = attributes[0]["AttributeKey"], attributes[0]["AttributeValue"]
                identity = record.get("userIdentity") or {}
                if key == "Username":
                    name = identity.get("userName") or ("root" if identity.get("type") == "Root" else None)
                    if name != value:
                        continue
                elif key == "AccessKeyId":
                    if identity.get("accessKeyId") != value:
                        continue
                elif key in fields:
                    if str(record.get(fields[key])).lower() != value.lower():
                        continue
            selected.append(record)
        selected.sort(key=lambda r: r.get("eventTime", ""), reverse=True)
        offset = int(payload.get("NextToken") or 0)
        page = selected[offset:offset + max_results]
        result = {"Events": [{
            "EventId": r.get("eventID"), "EventName": r.get("eventName"), "ReadOnly": str(r.get("readOnly", "false")).lower(),
            "AccessKeyId": (r.get("userIdentity") or {}).get("accessKeyId"),
            "EventTime": parse_time(r.get("eventTime")).timestamp(), "EventSource": r.get("eventSource"),
            "Username": (r.get("userIdentity") or {}).get("userName") or
                        ("root" if (r.get("userIdentity") or {}).get("type") == "Root" else None),
            "Resources": [], "CloudTrailEvent": json.dumps(r)} for r in page]}
        if offset + max_results < len(selected):
            result["NextToken"] = str(offset + max_results)
        return self.respond(start_response, 200, json.dumps(result), "application/x-amz-json-1.1")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(args.host, args.port, Plugin(app), threaded=True)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(1):
                pass
        finally:
            os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"ROOTGUARD_MOTO_PORT={server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
