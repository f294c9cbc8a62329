#!/usr/bin/env python3
"""`rootguard respond --apply` for 1, 10 and 100 compromised members, every AWS request 100 ms away.

  python3 Benchmarks/respond_scale.py [--members 1,10,100] [--latency 0.1] [--rootguard PATH] [--concurrency 16]

For each size: starts rootguard's moto server (with its root-user plugin), creates an organization with centralised
root access and N member accounts, and in each member what an attacker with root leaves behind (a console password
and an access key on root, an administrator user with a key, a role trusted by an outside account, a stopped trail),
the CloudTrail records of that session in one log file per member, and the detections `rootguard trail` writes for
them. Then `rootguard respond --detections … --logs … --approvals … --reason … --apply` runs against an HTTP proxy in
front of moto that holds every request for --latency before forwarding it (the round trip to a real region from a
laptop) and counts the requests by action. The table: wall time, requests, requests per member, AssumeRole per member,
and the moto-only baseline (the same run without the proxy) in the same run, so the latency's share is visible.
Everything stays on 127.0.0.1. Results: Benchmarks/results/respond_scale.json.
"""
import argparse
import asyncio
import collections
import json
import os
import re
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

from benchlib import start_moto

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
ENV = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
       "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}
ATTACKER = "203.0.113.66"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"}]})


class Proxy:
    """An HTTP/1.1 proxy that holds each request for `latency` seconds, then forwards it to moto on the same
    connection; it counts requests by action (X-Amz-Target, the query protocol's Action, else method and path)."""

    def __init__(self, upstream_port, latency):
        self.upstream_port = upstream_port
        self.latency = latency
        self.counts = collections.Counter()
        ready = threading.Event()
        box = {}

        async def handle(client_reader, client_writer):
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
            back = asyncio.create_task(self.pipe(upstream_reader, client_writer))
            try:
                while True:
                    head = await client_reader.readuntil(b"\r\n\r\n")
                    length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1)) \
                        if re.search(rb"(?im)^content-length:", head) else 0
                    body = await client_reader.readexactly(length) if length else b""
                    self.counts[self.action(head, body)] += 1
                    if self.latency:
                        await asyncio.sleep(self.latency)
                    upstream_writer.write(head + body)
                    await upstream_writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
                pass
            finally:
                upstream_writer.close()
                await back

        async def main():
            server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024, limit=1 << 20)
            box["port"] = server.sockets[0].getsockname()[1]
            ready.set()
            async with server:
                await server.serve_forever()

        threading.Thread(target=lambda: asyncio.run(main()), daemon=True).start()
        ready.wait()
        self.port = box["port"]

    @staticmethod
    async def pipe(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    @staticmethod
    def action(head, body):
        target = re.search(rb"(?im)^x-amz-target:\s*(\S+)", head)
        if target:
            return target.group(1).decode().split(".")[-1]
        form = urllib.parse.parse_qs(body.decode(errors="replace"))
        if "Action" in form:
            return form["Action"][0]
        line = head.split(b"\r\n", 1)[0].decode(errors="replace").split(" ")
        return f"{line[0]} {urllib.parse.urlsplit(line[1]).path.split('/')[1] if len(line) > 1 else ''}"


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def root_call(account, moment, source, name, request, response=None):
    return {"eventVersion": "1.10", "userIdentity": {
        "type": "Root", "principalId": account, "arn": f"arn:aws:iam::{account}:root", "accountId": account,
        "accessKeyId": "ASIAROOTCONSOLE00001",
        "sessionContext": {"attributes": {"creationDate": iso(moment), "mfaAuthenticated": "false"}}},
        "eventTime": iso(moment), "eventSource": source, "eventName": name, "awsRegion": "us-east-1",
        "sourceIPAddress": ATTACKER, "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
        "requestParameters": request, "responseElements": response, "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()), "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True,
        "recipientAccountId": account, "sessionCredentialFromConsole": "true"}


def seed(endpoint, members, logs):
    """The organization, N compromised members and one log file of each member's root session."""
    import boto3

    session = boto3.session.Session(aws_access_key_id=ENV["AWS_ACCESS_KEY_ID"],
                                    aws_secret_access_key=ENV["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1")
    org = session.client("organizations", endpoint_url=endpoint)
    iam = session.client("iam", endpoint_url=endpoint)
    sts = session.client("sts", endpoint_url=endpoint)
    org.create_organization(FeatureSet="ALL")
    iam.enable_organizations_root_credentials_management()
    iam.enable_organizations_root_sessions()
    start = datetime.now(timezone.utc) - timedelta(minutes=30)
    sessions = {}
    for index in range(members):
        account = org.create_account(Email=f"member{index}@example.com", AccountName=f"member{index}")[
            "CreateAccountStatus"]["AccountId"]
        credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                                      RoleSessionName="seed")["Credentials"]
        member = boto3.session.Session(aws_access_key_id=credentials["AccessKeyId"],
                                       aws_secret_access_key=credentials["SecretAccessKey"],
                                       aws_session_token=credentials["SessionToken"], region_name="us-east-1")
        miam = member.client("iam", endpoint_url=endpoint)
        miam.create_user(UserName="backup-admin")
        key = miam.create_access_key(UserName="backup-admin")["AccessKey"]["AccessKeyId"]
        miam.attach_user_policy(UserName="backup-admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        miam.create_role(RoleName="vendor-access", AssumeRolePolicyDocument=TRUST)
        member.client("s3", endpoint_url=endpoint).create_bucket(Bucket=f"trail-logs-{account}")
        member.client("cloudtrail", endpoint_url=endpoint).create_trail(Name="org-trail",
                                                                        S3BucketName=f"trail-logs-{account}")
        state = {"password": {"enabled": True}, "accessKeys": [{"id": "AKIAROOTNEWKEY000001", "active": True}]}
        request = urllib.request.Request(f"{endpoint}/rootguard-api/root/{account}", data=json.dumps(state).encode(),
                                         method="POST")
        urllib.request.urlopen(request).read()
        at = lambda minutes: start + timedelta(minutes=minutes)  # noqa: E731
        records = [{
            "eventVersion": "1.09", "userIdentity": {"type": "Root", "principalId": account,
                                                     "arn": f"arn:aws:iam::{account}:root", "accountId": account},
            "eventTime": iso(at(0)), "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
            "awsRegion": "us-east-1", "sourceIPAddress": ATTACKER, "userAgent": "Mozilla/5.0",
            "requestParameters": None, "responseElements": {"ConsoleLogin": "Success"},
            "additionalEventData": {"MFAUsed": "No"}, "eventID": str(uuid.uuid4()), "readOnly": False,
            "eventType": "AwsConsoleSignIn", "managementEvent": True, "recipientAccountId": account},
            root_call(account, at(2), "iam.amazonaws.com", "CreateUser", {"userName": "backup-admin"}),
            root_call(account, at(3), "iam.amazonaws.com", "CreateAccessKey", {"userName": "backup-admin"},
                      {"accessKey": {"accessKeyId": key, "userName": "backup-admin", "status": "Active"}}),
            root_call(account, at(4), "iam.amazonaws.com", "AttachUserPolicy",
                      {"userName": "backup-admin", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
            root_call(account, at(5), "iam.amazonaws.com", "CreateRole",
                      {"roleName": "vendor-access", "assumeRolePolicyDocument": TRUST}),
            root_call(account, at(6), "iam.amazonaws.com", "CreateAccessKey", {},
                      {"accessKey": {"accessKeyId": "AKIAROOTNEWKEY000001", "status": "Active"}}),
            root_call(account, at(7), "cloudtrail.amazonaws.com", "StopLogging", {"name": "org-trail"}),
        ]
        with open(os.path.join(logs, f"{account}_CloudTrail_us-east-1_incident.json"), "w") as handle:
            json.dump({"Records": records}, handle)
        sessions[account] = records
    return sessions


def release_binary():
    subprocess.run(["swift", "build", "-c", "release", "--product", "rootguard"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip() + "/rootguard"


def measure(rootguard, members, latency, concurrency, extra):
    env = dict(os.environ, **ENV)
    moto, port = start_moto()
    folder = tempfile.mkdtemp(prefix="rg-respond-bench-")
    logs = os.path.join(folder, "logs")
    os.makedirs(logs)
    try:
        seed(f"http://127.0.0.1:{port}", members, logs)
        hunt = subprocess.run([rootguard, "trail", logs, "--output", "jsonl"], env=env, capture_output=True, text=True)
        detections = os.path.join(folder, "detections.jsonl")
        with open(detections, "w") as handle:
            handle.write(hunt.stdout)
        proxy = Proxy(port, latency)
        command = [rootguard, "respond", "--detections", detections, "--logs", logs, "--approvals",
                   os.path.join(folder, "approvals.yaml"), "--reason", "BENCH-1: contain", "--apply",
                   "--format", "json", "--endpoint-url", f"http://127.0.0.1:{proxy.port}", *extra]
        if concurrency:
            command += ["--concurrency", str(concurrency)]
        started = time.perf_counter()
        result = subprocess.run(["/usr/bin/time", "-f", "RSS_KB=%M"] + command, env=env, capture_output=True,
                                text=True)
        elapsed = time.perf_counter() - started
        document = json.loads(result.stdout) if result.stdout.startswith("{") else {}
        reaudit = document.get("outcome", {}).get("reaudit", [])
        passed = sum(1 for finding in reaudit if finding.get("status") == "PASS")
        rss = int(re.search(r"RSS_KB=(\d+)", result.stderr).group(1))
        total = sum(proxy.counts.values())
        return {"members": members, "latency_ms": latency * 1000, "exit": result.returncode,
                "wall_seconds": round(elapsed, 2), "requests": total, "per_member": round(total / members, 1),
                "assume_role_per_member": round(proxy.counts["AssumeRole"] / members, 1),
                "reaudit_pass": passed, "reaudit_total": len(reaudit), "rss_mb": round(rss / 1024),
                "by_action": dict(proxy.counts.most_common()),
                "stderr_tail": result.stderr.strip().splitlines()[-3:]}
    finally:
        moto.kill()


def watch_latency(rootguard, latency, trials):
    """From a root session put on the bus to the member contained and re-checked by `watch --respond apply`, every
    request of watch 100 ms away (moto's EventBridge → SQS delivery is direct)."""
    import boto3

    env = dict(os.environ, **ENV)
    rows = []
    for trial in range(trials):
        moto, port = start_moto()
        endpoint = f"http://127.0.0.1:{port}"
        folder = tempfile.mkdtemp(prefix="rg-watch-respond-bench-")
        try:
            sessions = seed(endpoint, 1, folder)
            subprocess.run([rootguard, "harden", "watch", "--regions", "us-east-1", "--apply", "--endpoint-url",
                            endpoint], env=env, check=True, capture_output=True)
            session = boto3.session.Session(aws_access_key_id=ENV["AWS_ACCESS_KEY_ID"],
                                            aws_secret_access_key=ENV["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1")
            queue = session.client("sqs", endpoint_url=endpoint).get_queue_url(QueueName="rootguard-watch")["QueueUrl"]
            approvals = os.path.join(folder, "approvals.yaml")
            with open(approvals, "w") as handle:
                handle.write("approvals: []\n")
            proxy = Proxy(port, latency)
            err = open(os.path.join(folder, "stderr"), "w+")
            out = open(os.path.join(folder, "stdout"), "w+")
            watch = subprocess.Popen([rootguard, "watch", "--queue-url", queue, "--approvals", approvals, "--respond",
                                      "apply", "--respond-evidence", os.path.join(folder, "incidents"),
                                      "--endpoint-url", f"http://127.0.0.1:{proxy.port}"], env=env, stdout=out,
                                     stderr=err)
            time.sleep(3)
            account, records = next(iter(sessions.items()))
            events = session.client("events", endpoint_url=endpoint)
            events.put_events(Entries=[{"Source": "aws.iam", "DetailType": "AWS API Call via CloudTrail",
                                        "Detail": json.dumps(record)} for record in records])
            put = time.perf_counter()
            # The first notice covers the records received so far; records arriving meanwhile run the response once
            # more: the last notice (none for 5 s after it) is the one that covers the whole session.
            alerted = contained = last = None
            notices = 0
            while time.perf_counter() - put < 120 and not (last and time.perf_counter() - put - last > 5):
                time.sleep(0.05)
                out.seek(0)
                if alerted is None and out.read().strip():
                    alerted = time.perf_counter() - put
                err.seek(0)
                seen = err.read().count(f"watch: respond apply {account}: [CRITICAL]")
                if seen > notices:
                    notices = seen
                    last = time.perf_counter() - put
                    contained = contained or last
            watch.terminate()
            watch.wait(timeout=15)
            err.seek(0)
            lines = [l for l in err.read().splitlines() if l.startswith(f"watch: respond apply {account}")]
            rows.append({"trial": trial + 1, "latency_ms": latency * 1000, "alert_seconds": alerted,
                         "first_notice_seconds": contained, "contained_seconds": last, "notices": len(lines),
                         "requests": sum(proxy.counts.values()), "notice": (lines[-1] if lines else "")[:400]})
            print(json.dumps(rows[-1]), flush=True)
        finally:
            moto.kill()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", default="1,10,100")
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument("--rootguard", default=None)
    parser.add_argument("--baseline", action="store_true", help="also run each size without the proxy's latency")
    parser.add_argument("--extra", default="", help="more respond arguments, space-separated")
    parser.add_argument("--watch-trials", type=int, default=0,
                        help="also time alert → contained through watch --respond apply, this many times")
    args = parser.parse_args()
    rootguard = args.rootguard or release_binary()
    if args.watch_trials:
        rows = watch_latency(rootguard, args.latency, args.watch_trials)
        print("| trial | latency | → alert on stdout | → first notice | → whole session contained and re-checked | notices | requests |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for row in rows:
            fmt = lambda v: f"{v:.1f} s" if v is not None else "not within 120 s"  # noqa: E731
            print(f"| {row['trial']} | {row['latency_ms']:.0f} ms | {fmt(row['alert_seconds'])} | "
                  f"{fmt(row['first_notice_seconds'])} | {fmt(row['contained_seconds'])} | {row['notices']} | "
                  f"{row['requests']} |")
        with open(os.path.join(ROOT, "Benchmarks", "results", "watch_respond_latency.json"), "w") as handle:
            json.dump(rows, handle, indent=1)
        if args.members == "0":
            return
    rows = []
    for members in [int(n) for n in args.members.split(",")]:
        for latency in ([args.latency, 0.0] if args.baseline else [args.latency]):
            row = measure(rootguard, members, latency, args.concurrency, args.extra.split())
            rows.append(row)
            print(json.dumps({k: v for k, v in row.items() if k != "by_action"}), flush=True)
    print("| members | latency | wall time | requests (per member) | AssumeRole per member | re-check PASS | peak RSS | exit |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(f"| {row['members']} | {row['latency_ms']:.0f} ms | {row['wall_seconds']:.1f} s | {row['requests']} "
              f"({row['per_member']}) | {row['assume_role_per_member']} | {row['reaudit_pass']}/{row['reaudit_total']} "
              f"| {row['rss_mb']} MB | {row['exit']} |")
    os.makedirs(os.path.join(ROOT, "Benchmarks", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "Benchmarks", "results", "respond_scale.json"), "w") as handle:
        json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    main()
