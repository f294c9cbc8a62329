#!/usr/bin/env python3
"""Generates Sources/RootGuardAWS/Generated/*.swift from botocore's service models.

Only the operations rootguard uses (OPERATIONS below) and the shapes they reach are emitted.
Re-run after changing the list:  python3 Scripts/generate-aws-api.py
Needs the `botocore` package (pip install botocore); CI does not run this, the output is committed.
"""
import glob
import gzip
import json
import os
import re
import sys

import botocore

OPERATIONS = {
    "iam": [
        "GetAccountSummary", "GenerateCredentialReport", "GetCredentialReport", "ListVirtualMFADevices",
        "ListMFADevices", "GetAccountAuthorizationDetails", "ListAccountAliases", "ListOrganizationsFeatures",
        "GetLoginProfile", "ListAccessKeys", "ListSigningCertificates", "GetAccessKeyLastUsed",
        "GetAccountPasswordPolicy", "GetUser", "DeleteLoginProfile", "DeleteAccessKey", "DeleteSigningCertificate",
        "DeactivateMFADevice", "DeleteVirtualMFADevice", "EnableOrganizationsRootCredentialsManagement",
        "EnableOrganizationsRootSessions",
        # used to build test accounts
        "CreateUser", "CreateAccessKey", "UpdateAccessKey", "CreateLoginProfile", "CreateVirtualMFADevice",
        "EnableMFADevice", "CreatePolicy", "AttachUserPolicy", "PutUserPolicy", "CreateRole", "AttachRolePolicy",
        "UpdateAccountPasswordPolicy", "CreateAccountAlias", "UploadSigningCertificate",
        # harden monitoring
        "GetRole", "PutRolePolicy",
        # respond: confirm what a root session left behind and contain it
        "GetUserPolicy", "GetRolePolicy", "ListRolePolicies", "ListUserPolicies", "ListAttachedUserPolicies",
        "ListAttachedRolePolicies", "ListAttachedGroupPolicies", "ListGroupPolicies", "GetGroupPolicy",
        "ListGroupsForUser", "UpdateSigningCertificate", "DetachUserPolicy", "DetachRolePolicy", "DetachGroupPolicy",
        "DeleteUserPolicy", "DeleteRolePolicy", "DeleteGroupPolicy", "RemoveUserFromGroup", "UpdateAssumeRolePolicy",
        "AddUserToGroup", "CreateGroup",
    ],
    "sts": ["GetCallerIdentity", "AssumeRole", "AssumeRoot", "AssumeRoleWithWebIdentity"],
    "organizations": [
        "DescribeOrganization", "DescribeAccount", "ListAccounts", "ListRoots", "ListOrganizationalUnitsForParent",
        "ListAccountsForParent", "ListParents", "ListPolicies", "DescribePolicy", "ListPoliciesForTarget",
        "ListTargetsForPolicy", "ListAWSServiceAccessForOrganization", "ListDelegatedAdministrators",
        "CreateOrganization", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy", "AttachPolicy",
        "EnablePolicyType", "EnableAWSServiceAccess", "MoveAccount", "DetachPolicy",
    ],
    "account": ["GetAlternateContact", "GetContactInformation", "GetPrimaryEmail", "ListRegions", "PutAlternateContact"],
    "cloudtrail": [
        "DescribeTrails", "GetTrailStatus", "GetEventSelectors", "LookupEvents", "ListTrails",
        "CreateTrail", "StartLogging", "StopLogging", "PutEventSelectors", "ListPublicKeys",
    ],
    "logs": [
        "DescribeMetricFilters", "TestMetricFilter", "DescribeLogGroups",
        "CreateLogGroup", "CreateLogStream", "PutMetricFilter", "PutLogEvents",
    ],
    "cloudwatch": ["DescribeAlarmsForMetric", "DescribeAlarms", "PutMetricAlarm"],
    "sns": ["GetTopicAttributes", "ListSubscriptionsByTopic", "CreateTopic", "Subscribe", "SetTopicAttributes", "Publish"],
    "events": ["ListRules", "DescribeRule", "ListTargetsByRule", "TestEventPattern", "PutRule", "PutTargets", "PutEvents", "EnableRule", "DisableRule"],
    "sqs": [
        "CreateQueue", "GetQueueUrl", "GetQueueAttributes", "SetQueueAttributes", "ReceiveMessage", "DeleteMessage",
        "ChangeMessageVisibility", "SendMessage", "DeleteMessageBatch",
    ],
    "guardduty": [
        "ListDetectors", "GetDetector", "ListFilters", "GetFilter", "CreateDetector", "CreateFilter", "ListMembers",
        "UpdateDetector", "DeleteDetector",
    ],
    "securityhub": [
        "DescribeHub", "GetEnabledStandards", "EnableSecurityHub", "BatchEnableStandards", "ListMembers",
        "ListTagsForResource",
    ],
    "config": [
        "DescribeConfigurationRecorderStatus", "DescribeConfigurationRecorders", "DescribeConfigRules",
        "PutConfigurationRecorder", "PutDeliveryChannel", "StartConfigurationRecorder", "PutConfigRule",
        "DescribeDeliveryChannels", "PutOrganizationConfigRule", "DescribeOrganizationConfigRules",
        "GetOrganizationConfigRuleDetailedStatus", "StopConfigurationRecorder",
    ],
    "s3": [
        "ListObjectsV2", "PutObject", "CreateBucket", "GetBucketLocation", "HeadBucket", "PutBucketPolicy",
        "GetBucketPolicy", "DeleteBucketPolicy",
    ],
    "athena": ["StartQueryExecution", "GetQueryExecution", "GetQueryResults"],
    "support": ["DescribeTrustedAdvisorChecks", "DescribeTrustedAdvisorCheckResult"],
}

# Swift namespace per botocore service name.
NAMESPACE = {
    "iam": "IAM", "sts": "STS", "organizations": "Organizations", "account": "Account", "cloudtrail": "CloudTrail",
    "logs": "CloudWatchLogs", "cloudwatch": "CloudWatch", "sns": "SNS", "events": "EventBridge",
    "guardduty": "GuardDuty", "securityhub": "SecurityHub", "config": "ConfigService", "s3": "S3", "athena": "Athena", "sqs": "SQS", "support": "Support",
}
# Services with one endpoint per partition.
GLOBAL = {"iam", "organizations", "account", "support"}

SWIFT_KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
    "internal", "let", "open", "operator", "private", "protocol", "public", "static", "struct", "subscript",
    "typealias", "var", "break", "case", "continue", "default", "defer", "do", "else", "fallthrough", "for",
    "guard", "if", "in", "repeat", "return", "switch", "where", "while", "as", "catch", "false", "is", "nil",
    "rethrows", "super", "self", "Self", "throw", "throws", "true", "try", "Type", "Protocol", "any", "some",
}
RESERVED_TYPE_NAMES = {"Type", "Protocol", "Self", "Error", "Client", "Operations", "Service", "Paginators"}

BOTO = os.path.dirname(botocore.__file__)


def load(service):
    folder = sorted(glob.glob(f"{BOTO}/data/{service}/*/"))[-1]
    def read(name):
        for path in (folder + name, folder + name + ".gz"):
            if os.path.exists(path):
                return json.load(gzip.open(path) if path.endswith(".gz") else open(path))
        return {}
    return read("service-2.json"), read("paginators-1.json").get("pagination", {})


def lower_camel(name):
    m = re.match(r"^([A-Z]+)([A-Z][a-z].*)$", name)
    if m and len(m.group(1)) > 0:
        result = m.group(1).lower() + m.group(2)
    else:
        m = re.match(r"^([A-Z]+)(.*)$", name)
        result = (m.group(1).lower() + m.group(2)) if m else name
    result = re.sub(r"[^A-Za-z0-9_]", "_", result)
    if result and result[0].isdigit():
        result = "_" + result
    return f"`{result}`" if result in SWIFT_KEYWORDS else result


def bare(name):
    return name.strip("`")


def type_name(shape_name):
    name = shape_name[0].upper() + shape_name[1:]
    name = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return name + "Shape" if name in RESERVED_TYPE_NAMES else name


def doc_text(html, limit=300):
    if not html:
        return ""
    text = re.sub(r"<[^>]+>", "", html)
    text = re.sub(r"\s+", " ", text).strip()
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", '"')
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return first[:limit]


class Generator:
    def __init__(self, service):
        self.service = service
        self.model, self.paginators = load(service)
        self.shapes = self.model["shapes"]
        self.meta = self.model["metadata"]
        self.ns = NAMESPACE[service]
        protocols = self.meta.get("protocols") or [self.meta["protocol"]]
        proto = "json" if "json" in protocols and self.meta["protocol"] not in ("json", "query", "rest-json", "rest-xml") else self.meta["protocol"]
        if proto not in ("json", "query", "rest-json", "rest-xml"):
            proto = next(p for p in protocols if p in ("json", "query", "rest-json", "rest-xml"))
        self.protocol = proto
        self.structs = {}
        self.query_compatible = "awsQueryCompatible" in self.meta

    def swift_type(self, shape_name, for_output):
        shape = self.shapes[shape_name]
        kind = shape["type"]
        if self.service == "iam" and shape_name == "policyDocumentType":
            return "IAMPolicyDocument"
        if kind == "structure":
            self.reach(shape_name)
            return type_name(shape_name)
        if kind == "list":
            return "[" + self.swift_type(shape["member"]["shape"], for_output) + "]"
        if kind == "map":
            return "[Swift.String: " + self.swift_type(shape["value"]["shape"], for_output) + "]"
        return {
            "string": "Swift.String", "integer": "Swift.Int", "long": "Swift.Int", "boolean": "Swift.Bool",
            "timestamp": "Foundation.Date", "blob": "Foundation.Data", "double": "Swift.Double",
            "float": "Swift.Double", "bigdecimal": "Swift.Double", "byte": "Swift.Int", "short": "Swift.Int",
        }.get(kind, "Swift.String")

    def reach(self, shape_name):
        if shape_name in self.structs:
            return
        self.structs[shape_name] = None
        shape = self.shapes[shape_name]
        for member in shape.get("members", {}).values():
            self.swift_type(member["shape"], True)

    def wire_name(self, member_name, member):
        if self.protocol in ("query", "rest-xml"):
            return member.get("locationName", member_name)
        return member.get("locationName", member.get("jsonName", member_name)) if "location" not in member else member_name

    def emit_struct(self, shape_name, out, role):
        shape = self.shapes[shape_name]
        members = shape.get("members", {})
        required = set(shape.get("required", []))
        name = type_name(shape_name)
        if shape.get("exception"):
            return
        doc = doc_text(shape.get("documentation", ""))
        if doc:
            out.append(f"    /// {doc}")
        conforms = "AWSShape, Equatable"
        out.append(f"    public struct {name}: {conforms} {{")
        props = []
        seen = set()
        for member_name, member in members.items():
            prop = lower_camel(member_name)
            while bare(prop) in seen:
                prop = "`" + bare(prop) + "_`"
            seen.add(bare(prop))
            stype = self.swift_type(member["shape"], True)
            location = member.get("location")
            if member.get("streaming") or self.shapes[member["shape"]].get("streaming"):
                location = "payload-stream"
            if shape.get("payload") == member_name and location is None:
                kind = self.shapes[member["shape"]]["type"]
                location = {"blob": "payload-blob", "string": "payload-string"}.get(kind, "payload-struct")
            props.append((member_name, member, prop, stype, location, member_name in required))
        for member_name, member, prop, stype, location, is_required in props:
            d = doc_text(member.get("documentation", ""), 200)
            if d:
                out.append(f"        /// {d}")
            out.append(f"        public var {prop}: {stype}?")
        # init
        params = []
        for member_name, member, prop, stype, location, is_required in props:
            label = bare(prop)
            params.append(f"{label}: {stype}? = nil")
        out.append("")
        out.append(f"        public init({', '.join(params)}) {{")
        for member_name, member, prop, stype, location, is_required in props:
            out.append(f"            self.{bare(prop)} = {prop}")
        out.append("        }")
        body = [(m, mm, p, t, l, r) for (m, mm, p, t, l, r) in props if l is None]
        located = [(m, mm, p, t, l, r) for (m, mm, p, t, l, r) in props if l is not None]
        out.append("")
        if body:
            out.append("        enum CodingKeys: String, CodingKey {")
            for member_name, member, prop, stype, location, is_required in body:
                out.append(f"            case {prop} = \"{self.wire_name(member_name, member)}\"")
            out.append("        }")
        else:
            out.append("        enum CodingKeys: CodingKey {}")
        if located:
            out.append("")
            out.append("        public func bind(_ binding: inout AWSHTTPBinding) {")
            for member_name, member, prop, stype, location, is_required in located:
                wire = member.get("locationName", member_name)
                p = bare(prop)
                if location == "uri":
                    out.append(f"            binding.uri[\"{wire}\"] = {p}.map {{ AWSHTTPBinding.text($0) }}")
                elif location == "querystring":
                    if stype.startswith("["):
                        out.append(f"            for item in {p} ?? [] {{ binding.query.append((\"{wire}\", AWSHTTPBinding.text(item))) }}")
                    else:
                        out.append(f"            if let value = {p} {{ binding.query.append((\"{wire}\", AWSHTTPBinding.text(value))) }}")
                elif location == "header":
                    if stype.startswith("[Swift.String:") or stype.startswith("["):
                        continue
                    out.append(f"            if let value = {p} {{ binding.headers.append((\"{wire}\", AWSHTTPBinding.headerText(value))) }}")
                elif location == "headers":
                    out.append(f"            for (key, value) in {p} ?? [:] {{ binding.headers.append((\"{wire}\" + key, value)) }}")
                elif location == "payload-blob" or location == "payload-stream":
                    out.append(f"            if let value = {p} {{ binding.payload = Array(value) }}")
                elif location == "payload-string":
                    out.append(f"            if let value = {p} {{ binding.payload = Array(value.utf8) }}")
                elif location == "payload-struct":
                    out.append(f"            // payload structure {member_name} is not sent by this client")
            out.append("        }")
            out.append("")
            out.append("        public mutating func read(_ response: AWSHTTPResponseHead) {")
            for member_name, member, prop, stype, location, is_required in located:
                wire = member.get("locationName", member_name)
                p = bare(prop)
                if location == "header" and not stype.startswith("["):
                    out.append(f"            if let value = response.header(\"{wire}\") {{ {p} = AWSHTTPBinding.parse(value, as: {stype}.self) }}")
                elif location == "statusCode":
                    out.append(f"            {p} = response.status")
            out.append("        }")
            raw = [(prop, location) for _, _, prop, _, location, _ in located
                   if location in ("payload-string", "payload-blob") and shape_name in self.output_shapes]
            if raw:
                prop, location = raw[0]
                p = bare(prop)
                out.append("")
                out.append("        public static var rawPayloadOutput: Bool { true }")
                out.append("")
                out.append("        public mutating func readPayload(_ body: [UInt8]) {")
                if location == "payload-string":
                    out.append(f"            {p} = body.isEmpty ? nil : Swift.String(decoding: body, as: UTF8.self)")
                else:
                    out.append(f"            {p} = body.isEmpty ? nil : Foundation.Data(body)")
                out.append("        }")
        self.emit_contract(props, out)
        out.append("    }")
        out.append("")

    def emit_contract(self, props, out):
        """`validate`: the model's constraints on each member (required, length, size, range, enum, pattern), checked
        by the client before any request is sent, as botocore checks its parameters (and stricter)."""
        lines = []
        for member_name, member, prop, stype, location, is_required in props:
            p = "self." + bare(prop)
            where = f'path + ".{member_name}"'
            if is_required:
                lines.append(f"            AWSContract.required({p}, {where}, &problems)")
            target = self.shapes[member["shape"]]
            kind = target["type"]
            if kind == "string":
                args = []
                if "min" in target: args.append(f"min: {int(target['min'])}")
                if "max" in target: args.append(f"max: {int(target['max'])}")
                if "enum" in target:
                    args.append("oneOf: [" + ", ".join(json.dumps(v) for v in target["enum"]) + "]")
                if "pattern" in target:
                    args.append('pattern: ##"' + target["pattern"] + '"##')
                if args and not (self.service == "iam" and member["shape"] == "policyDocumentType"):
                    lines.append(f"            AWSContract.string({p}, {', '.join(args)}, {where}, &problems)")
            elif kind in ("integer", "long", "short", "byte"):
                args = []
                if "min" in target: args.append(f"min: {int(target['min'])}")
                if "max" in target: args.append(f"max: {int(target['max'])}")
                if args:
                    lines.append(f"            AWSContract.number({p}, {', '.join(args)}, {where}, &problems)")
            elif kind in ("list", "map"):
                args = []
                if "min" in target: args.append(f"min: {int(target['min'])}")
                if "max" in target: args.append(f"max: {int(target['max'])}")
                if args:
                    lines.append(f"            AWSContract.count({p}?.count, {', '.join(args)}, {where}, &problems)")
                if kind == "list" and self.shapes[target["member"]["shape"]]["type"] == "structure":
                    lines.append(f"            for (index, item) in ({p} ?? []).enumerated() {{ item.validate(&problems, at: {where} + \"[\\(index)]\") }}")
            elif kind == "structure" and not (self.service == "iam" and member["shape"] == "policyDocumentType"):
                lines.append(f"            {p}?.validate(&problems, at: {where})")
        if not lines:
            return
        out.append("")
        out.append("        public func validate(_ problems: inout [Swift.String], at path: Swift.String) {")
        out.extend(lines)
        out.append("        }")

    def generate(self):
        ops = OPERATIONS[self.service]
        m = self.meta
        out = []
        out.append(f"// Generated by Scripts/generate-aws-api.py from botocore {botocore.__version__} ({self.service} {m['apiVersion']}). Do not edit.")
        out.append("")
        out.append("import Foundation")
        out.append("")
        service_doc = doc_text(self.model.get("documentation", ""))
        if service_doc:
            out.append(f"/// {service_doc}")
        out.append(f"public enum {self.ns} {{")
        proto = {"json": f"json(\"{m.get('jsonVersion', '1.0')}\")", "query": "query", "rest-json": "restJSON", "rest-xml": "restXML"}[self.protocol]
        target = f"\"{m['targetPrefix']}\"" if m.get("targetPrefix") and self.protocol == "json" else "nil"
        xmlns = f"\"{m['xmlNamespace']}\"" if m.get("xmlNamespace") else "nil"
        retryable = sorted(
            (s.get("error", {}).get("code") or n) for n, s in self.shapes.items()
            if s.get("exception") and s.get("retryable"))
        throttling = sorted(
            (s.get("error", {}).get("code") or n) for n, s in self.shapes.items()
            if s.get("exception") and s.get("retryable", {}).get("throttling"))
        out.append("    public static let service = AWSServiceDescriptor(")
        out.append(f"        name: \"{self.service}\", serviceID: \"{m['serviceId']}\", signingName: \"{m.get('signingName', m['endpointPrefix'])}\",")
        out.append(f"        endpointPrefix: \"{m['endpointPrefix']}\", apiVersion: \"{m['apiVersion']}\", protocol: .{proto},")
        out.append(f"        targetPrefix: {target}, xmlNamespace: {xmlns}, isGlobal: {'true' if self.service in GLOBAL else 'false'},")
        out.append(f"        queryCompatible: {'true' if self.query_compatible and self.protocol == 'json' else 'false'},")
        out.append(f"        retryableErrorCodes: {json.dumps(retryable)}, throttlingErrorCodes: {json.dumps(throttling)})")
        out.append("")
        # reach shapes
        self.output_shapes = set()
        for op_name in ops:
            op = self.model["operations"][op_name]
            for key in ("input", "output"):
                if key in op:
                    self.reach(op[key]["shape"])
            if "output" in op:
                self.output_shapes.add(op["output"]["shape"])
        for shape_name in sorted(self.structs):
            self.emit_struct(shape_name, out, None)
        out.append("    /// Operation descriptors.")
        out.append("    public enum Operations {")
        for op_name in ops:
            op = self.model["operations"][op_name]
            http = op.get("http", {})
            wrapper = op.get("output", {}).get("resultWrapper")
            out.append(
                f"        public static let {lower_camel(op_name)} = AWSOperationDescriptor(name: \"{op_name}\", "
                f"method: \"{http.get('method', 'POST')}\", requestURI: \"{http.get('requestUri', '/')}\", "
                f"resultWrapper: {json.dumps(wrapper) if wrapper else 'nil'})")
        out.append("    }")
        out.append("}")
        out.append("")
        # client
        out.append(f"extension {self.ns} {{")
        out.append(f"    /// {self.ns} operations bound to one client and region.")
        out.append("    public struct Client: Sendable {")
        out.append("        public let client: AWSClient")
        out.append("        public let region: AWSRegion?")
        out.append("")
        out.append("        public init(client: AWSClient, region: AWSRegion? = nil) {")
        out.append("            self.client = client")
        out.append("            self.region = region")
        out.append("        }")
        for op_name in ops:
            op = self.model["operations"][op_name]
            fn = bare(lower_camel(op_name))
            in_type = type_name(op["input"]["shape"]) if "input" in op else "AWSEmptyShape"
            out_type = type_name(op["output"]["shape"]) if "output" in op else "AWSEmptyShape"
            d = doc_text(op.get("documentation", ""))
            out.append("")
            if d:
                out.append(f"        /// {d}")
            default = " = .init()" if "input" not in op or not self.shapes[op["input"]["shape"]].get("required") else ""
            out.append(f"        public func {fn}(_ input: {in_type}{default}) async throws -> {out_type} {{")
            out.append(f"            try await client.execute({self.ns}.service, {self.ns}.Operations.{lower_camel(op_name)}, input: input, region: region)")
            out.append("        }")
            pag = self.paginators.get(op_name)
            if pag and isinstance(pag.get("input_token"), str) and isinstance(pag.get("output_token"), str) and "." not in pag["output_token"]:
                in_shape = self.shapes[op["input"]["shape"]]["members"]
                out_shape = self.shapes[op["output"]["shape"]]["members"]
                in_tok = lower_camel(pag["input_token"])
                out_tok = lower_camel(pag["output_token"])
                if pag["input_token"] not in in_shape or pag["output_token"] not in out_shape:
                    continue
                more = pag.get("more_results")
                more_expr = f"output.{lower_camel(more)} == true ? output.{out_tok} : nil" if more else f"output.{out_tok}"
                out.append("")
                out.append(f"        /// Every page of ``{fn}(_:)``, following `{pag['output_token']}`.")
                out.append(f"        public func {fn}Paginator(_ input: {in_type}{default}) -> AWSPaginator<{in_type}, {out_type}> {{")
                out.append("            AWSPaginator(")
                out.append(f"                input: input, fetch: {{ try await self.{fn}($0) }},")
                out.append(f"                nextInput: {{ input, output in")
                out.append(f"                    guard let token = {more_expr}, !token.isEmpty, token != input.{in_tok} else {{ return nil }}")
                out.append(f"                    var next = input")
                out.append(f"                    next.{in_tok} = token")
                out.append(f"                    return next")
                out.append(f"                }})")
                out.append("        }")
        out.append("    }")
        out.append("}")
        out.append("")
        out.append("extension AWSClient {")
        out.append(f"    /// {self.ns} in `region` (or the client's region).")
        out.append(f"    public func {bare(lower_camel(self.ns)) if self.ns not in ('IAM','STS','SNS','S3') else self.ns.lower()}(region: AWSRegion? = nil) -> {self.ns}.Client {{")
        out.append(f"        {self.ns}.Client(client: self, region: region)")
        out.append("    }")
        out.append("}")
        return "\n".join(out) + "\n"


def partitions():
    """Every partition's regions, from botocore's partitions.json (regions are checked against it before planning)."""
    path = os.path.join(os.path.dirname(botocore.__file__), "data", "partitions.json")
    with open(path) as f:
        data = json.load(f)
    out = [f"// Generated by Scripts/generate-aws-api.py from botocore {botocore.__version__} (partitions.json). Do not edit.", ""]
    out.append("extension AWSPartition {")
    out.append("    /// Each partition's regions as botocore lists them (the `*-global` pseudo-regions left out).")
    out.append("    public static let knownRegions: [String: [String]] = [")
    for partition in data["partitions"]:
        regions = sorted(r for r in partition["regions"] if not r.endswith("-global"))
        out.append(f'        "{partition["id"]}": [')
        for start in range(0, len(regions), 6):
            out.append("            " + " ".join(f'"{r}",' for r in regions[start:start + 6]))
        out.append("        ],")
    out.append("    ]")
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "RootGuardAWS", "Generated")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "Partitions.swift"), "w") as f:
        f.write(partitions())
    table = []
    for service in OPERATIONS:
        generator = Generator(service)
        text = generator.generate()
        path = os.path.join(root, NAMESPACE[service] + ".swift")
        with open(path, "w") as f:
            f.write(text)
        print(f"{path}: {text.count(chr(10))} lines")
        for op_name in OPERATIONS[service]:
            op = generator.model["operations"][op_name]
            if "output" in op:
                table.append((service, generator.ns, op_name, lower_camel(op_name), type_name(op["output"]["shape"]),
                              generator.protocol))
    # Every operation with an output, for the test that decodes responses generated from the same model with every
    # optional member present and with none (Tests/RootGuardAWSTests/ResponseShapeTests.swift).
    tests = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "RootGuardAWSTests",
                         "Generated", "GeneratedOutputs.swift")
    lines = [f"// Generated by Scripts/generate-aws-api.py from botocore {botocore.__version__}. Do not edit.", "",
             "import RootGuardAWS", "", "/// Every operation rootguard calls that has an output: its botocore service, wire protocol and Swift type.",
             "enum GeneratedOutputs {",
             "    static let all: [(service: String, protocolName: String, descriptor: AWSServiceDescriptor, "
             "operation: AWSOperationDescriptor, output: any AWSShape.Type)] = ["]
    for service, ns, op_name, fn, out_type, protocol in table:
        lines.append(f"        (\"{service}\", \"{protocol}\", {ns}.service, {ns}.Operations.{fn}, {ns}.{out_type}.self),")
    lines += ["    ]", "}", ""]
    with open(tests, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
