#!/usr/bin/env python3
"""`rootguard audit --org` at scale: 1,000 to 10,000 member accounts, 100 ms per request.

  python3 Benchmarks/org_scale.py [--members 1000] [--latency 0.1] [--concurrency 64] [--via assume-role]
  python3 Benchmarks/org_scale.py --members 10000 --via assume-root --concurrency 256
  python3 Benchmarks/org_scale.py --server moto --members 1000        # the old way: moto behind a delaying proxy

--server replay (the default) measures rootguard and the latency, not moto: it starts rootguard's moto server, seeds a
ten-member organization (an OU with a deny-root SCP holding half the members, centralised root access, one member
with planted root credentials), records what moto answers to `audit --org` (--via assume-root and assume-role)
through `rootguard-replay record`, then serves an organization of --members synthetic members at memory speed from
that recording with `rootguard-replay serve` (member k answers as recorded member k mod 10; ListAccounts,
ListAccountsForParent and ListTargetsForPolicy are synthesised for all members, 20 per page as AWS pages them), every
answer held back by --latency. --throttle R makes the server answer AWS's throttling error beyond R requests a second
per account and service. rootguard runs with --stats; the table shows its wall time, peak RSS, requests per member,
retries and throttling, and the replay server's own counts (an unmatched request would mean the replay is not
faithful: the script fails then).

--server moto seeds --members accounts straight into moto and puts a TCP proxy that delays every chunk by --latency
in front of it (moto answers ~100 requests a second with 1,000 accounts, which bounds that mode).
Everything stays on 127.0.0.1.
"""
import argparse
import asyncio
import json
import os
import re
import subprocess
import threading
import time
import urllib.request

from benchlib import start_moto

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
ENV = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
       "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}
DENY_ROOT = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyRootUser", "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}, "Null": {"aws:AssumedRoot": "true"}}}]})


def seed(endpoint, members):
    import boto3

    session = boto3.session.Session(aws_access_key_id=ENV["AWS_ACCESS_KEY_ID"],
                                    aws_secret_access_key=ENV["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1")
    org = session.client("organizations", endpoint_url=endpoint)
    iam = session.client("iam", endpoint_url=endpoint)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    ou = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    policy = org.create_policy(Content=DENY_ROOT, Description="deny root", Name="DenyRootUser",
                               Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=policy, TargetId=ou)
    iam.enable_organizations_root_credentials_management()
    iam.enable_organizations_root_sessions()
    for index in range(members):
        account = org.create_account(Email=f"aws-{index:04d}-root@example.com", AccountName=f"member-{index:04d}")[
            "CreateAccountStatus"]["AccountId"]
        if index % 2 == 0:
            org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou)
        if index % 10 == 0:
            state = {"password": {"enabled": True}, "accessKeys": [{"id": f"AKIAROOT{index:012d}", "active": True}]}
            urllib.request.urlopen(urllib.request.Request(
                f"{endpoint}/rootguard-api/root/{account}", data=json.dumps(state).encode(), method="POST",
                headers={"Content-Type": "application/json"})).read()


def start_proxy(upstream_port, latency):
    """A TCP proxy that holds every chunk going to moto for `latency` seconds (≈ one round trip per request)."""
    ready = threading.Event()
    box = {}

    async def pipe(reader, writer, delay):
        try:
            while data := await reader.read(65536):
                if delay:
                    await asyncio.sleep(delay)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def handle(client_reader, client_writer):
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        await asyncio.gather(pipe(client_reader, upstream_writer, latency), pipe(upstream_reader, client_writer, 0))

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        box["port"] = server.sockets[0].getsockname()[1]
        ready.set()
        async with server:
            await server.serve_forever()

    threading.Thread(target=lambda: asyncio.run(main()), daemon=True).start()
    ready.wait()
    return box["port"]



def release_binary(product):
    subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip() + "/" + product


def parse_stats(stderr):
    line = next((l for l in stderr.splitlines() if l.startswith("stats: ")), "")
    numbers = {}
    for key, pattern in [("requests", r"(\d+) requests"), ("per_member", r"\(([\d.]+) per member\)"),
                         ("retries", r"(\d+) retries,"), ("throttled", r"(\d+) throttled"),
                         ("timed_out", r"(\d+) timed out"), ("peak_in_flight", r"at most (\d+) requests in flight"),
                         ("over_deadline", r"(\d+) members over")]:
        m = re.search(pattern, line)
        numbers[key] = float(m.group(1)) if m else None
    return line, numbers


def record(rootguard, replay, path, templates):
    """Seeds a small organization in moto and records both audits of it (once; reused while the file exists)."""
    moto, port = start_moto()
    try:
        seed(f"http://127.0.0.1:{port}", templates)
        recorder = subprocess.Popen([replay, "record", "--upstream", f"http://127.0.0.1:{port}", "--out", path],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        rport = int(re.match(r"ROOTGUARD_REPLAY_PORT=(\d+)", recorder.stdout.readline()).group(1))
        env = dict(os.environ, **ENV)
        for via in ("assume-root", "assume-role"):
            result = subprocess.run([rootguard, "audit", "--org", "--via", via, "--no-monitoring", "--output", "json",
                                     "--endpoint-url", f"http://127.0.0.1:{rport}"], env=env, capture_output=True,
                                    text=True)
            if result.returncode not in (0, 2):
                raise SystemExit(f"recording failed ({result.returncode}): {result.stderr[-800:]}")
        recorder.stdin.close()
        recorder.wait(timeout=30)
    finally:
        moto.stdin.close()
        moto.terminate()
        moto.wait(timeout=10)


def summarise(report_text):
    findings = json.loads(report_text)["findings"]
    accounts = {f["accountId"] for f in findings}
    not_evaluated = sum(f["status"] == "NOT_EVALUATED" and f["checkId"] in (
        "member-root-denied-by-scp", "member-root-credentials-removed") for f in findings)
    denied = sum(f["checkId"] == "member-root-denied-by-scp" and f["status"] == "PASS" for f in findings)
    with_credentials = sum(f["checkId"] == "member-root-credentials-removed" and f["status"] == "FAIL" for f in findings)
    return len(accounts), not_evaluated, denied, with_credentials


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--via", default="assume-root", choices=["assume-root", "assume-role"])
    parser.add_argument("--server", default="replay", choices=["replay", "moto"])
    parser.add_argument("--throttle", type=float, default=None, help="replay: requests a second per account and service")
    parser.add_argument("--member-timeout", type=float, default=300)
    parser.add_argument("--rootguard", default=None, help="a rootguard binary (default: build the release one)")
    parser.add_argument("--replay", default=None, help="a rootguard-replay binary (default: build the release one)")
    parser.add_argument("--recording", default=os.path.join(ROOT, ".build-bench", "org-recording.jsonl"))
    parser.add_argument("--monitoring-regions", default=None,
                        help="moto: read the monitoring too, in these regions (e.g. us-east-1,eu-west-1): the management "
                             "account's and the organization views of members' GuardDuty and Config")
    args = parser.parse_args()
    rootguard = args.rootguard or release_binary("rootguard")
    env = dict(os.environ, **ENV)
    monitoring = (["--regions", args.monitoring_regions] if args.monitoring_regions else ["--no-monitoring"])
    command = [rootguard, "audit", "--org", "--via", args.via, "--concurrency", str(args.concurrency),
               "--member-timeout", str(args.member_timeout), "--stats", *monitoring, "--output", "json"]
    if args.server == "replay":
        replay = args.replay or release_binary("rootguard-replay")
        os.makedirs(os.path.dirname(args.recording), exist_ok=True)
        if not os.path.exists(args.recording):
            record(rootguard, replay, args.recording, 10)
        serve = [replay, "serve", "--recording", args.recording, "--members", str(args.members), "--latency",
                 str(args.latency)] + (["--throttle", str(args.throttle)] if args.throttle else [])
        server = subprocess.Popen(serve, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        port = int(re.match(r"ROOTGUARD_REPLAY_PORT=(\d+)", server.stdout.readline()).group(1))
        try:
            started = time.perf_counter()
            result = subprocess.run(["/usr/bin/time", "-f", "RSS_KB=%M"] + command +
                                    ["--endpoint-url", f"http://127.0.0.1:{port}"], env=env, capture_output=True,
                                    text=True)
            elapsed = time.perf_counter() - started
        finally:
            server.stdin.close()
            counters = json.loads(server.stderr.read().strip().splitlines()[-1])
            server.wait(timeout=30)
        if result.returncode not in (0, 2):
            raise SystemExit(f"rootguard failed ({result.returncode}): {result.stderr[-800:]}")
        if counters["unmatched"]:
            raise SystemExit(f"the replay did not know {counters['unmatched']} requests: {counters['unmatchedExamples']}")
        rss = int(re.search(r"RSS_KB=(\d+)", result.stderr).group(1))
        line, stats = parse_stats(result.stderr)
        accounts, not_evaluated, denied, with_credentials = summarise(result.stdout)
        print(line)
        print(f"replay server: {counters}")
        print("| members | latency | concurrency | via | wall time | peak RSS | requests (per member) | retries | "
              "throttled | over deadline | accounts in report | member checks not evaluated | root denied by SCP | "
              "members with root credentials |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        print(f"| {args.members} | {args.latency * 1000:.0f} ms | {args.concurrency} | {args.via} | {elapsed:.1f} s | "
              f"{rss / 1024:.0f} MB | {stats['requests']:.0f} ({stats['per_member']:.1f}) | {stats['retries']:.0f} | "
              f"{stats['throttled']:.0f} | {stats['over_deadline']:.0f} | {accounts} | {not_evaluated} | {denied} | "
              f"{with_credentials} |")
        return
    moto, port = start_moto()
    try:
        started = time.perf_counter()
        seed(f"http://127.0.0.1:{port}", args.members)
        seeded = time.perf_counter() - started
        proxy = start_proxy(port, args.latency)
        started = time.perf_counter()
        result = subprocess.run(command + ["--endpoint-url", f"http://127.0.0.1:{proxy}"], env=env,
                                capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if result.returncode not in (0, 2):
            raise SystemExit(f"rootguard failed ({result.returncode}): {result.stderr[-800:]}")
        accounts, not_evaluated, denied, with_credentials = summarise(result.stdout)
        print(f"seeded {args.members} members in {seeded:.1f} s; {os.cpu_count()} cores")
        print(parse_stats(result.stderr)[0])
        print("| members | proxy latency | concurrency | via | wall time | accounts in report | member checks not evaluated | root denied by SCP | members with root credentials |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        print(f"| {args.members} | {args.latency * 1000:.0f} ms | {args.concurrency} | {args.via} | {elapsed:.1f} s | "
              f"{accounts} | {not_evaluated} | {denied} | {with_credentials} |")
    finally:
        moto.stdin.close()
        moto.terminate()
        moto.wait(timeout=10)


if __name__ == "__main__":
    main()
