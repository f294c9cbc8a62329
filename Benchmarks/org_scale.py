#!/usr/bin/env python3
"""`rootguard audit --org` at scale: 1,000 member accounts behind a proxy that adds 100 ms to every request.

  python3 Benchmarks/org_scale.py [--members 1000] [--latency 0.1] [--concurrency 64] [--via assume-root]

Starts rootguard's moto server, seeds an organization (an OU with a deny-root SCP holding half the members,
centralised root access enabled, some members with planted root credentials) straight to moto, then starts a
loopback TCP proxy that delays every chunk it forwards to moto by --latency seconds, and times
`rootguard audit --org` (release build) through it. Everything stays on 127.0.0.1.
"""
import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PLUGIN = os.path.join(ROOT, "Sources/RootGuardTesting/Moto/rootguard_moto.py")
ENV = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
       "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}
DENY_ROOT = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyRootUser", "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}, "Null": {"aws:AssumedRoot": "true"}}}]})


def start_moto():
    process = subprocess.Popen([sys.executable, PLUGIN, "--port", "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    match = re.match(r"ROOTGUARD_MOTO_PORT=(\d+)", process.stdout.readline())
    if not match:
        raise SystemExit("moto server did not start: run Scripts/install-test-deps.sh")
    return process, int(match.group(1))


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--via", default="assume-root", choices=["assume-root", "assume-role"])
    parser.add_argument("--rootguard", default=os.path.join(ROOT, ".build", "release", "rootguard"))
    parser.add_argument("--monitoring-regions", default=None,
                        help="read the monitoring too, in these regions (e.g. us-east-1,eu-west-1): the management "
                             "account's and the organization views of members' GuardDuty and Config")
    args = parser.parse_args()
    if not os.path.exists(args.rootguard):
        subprocess.run(["swift", "build", "-c", "release", "--product", "rootguard"], cwd=ROOT, check=True)
    moto, port = start_moto()
    try:
        started = time.perf_counter()
        seed(f"http://127.0.0.1:{port}", args.members)
        seeded = time.perf_counter() - started
        proxy = start_proxy(port, args.latency)
        env = dict(os.environ, **ENV)
        monitoring = (["--regions", args.monitoring_regions] if args.monitoring_regions else ["--no-monitoring"])
        command = [args.rootguard, "audit", "--org", "--via", args.via, "--concurrency", str(args.concurrency),
                   *monitoring, "--output", "json", "--endpoint-url", f"http://127.0.0.1:{proxy}"]
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if result.returncode not in (0, 2):
            raise SystemExit(f"rootguard failed ({result.returncode}): {result.stderr[-800:]}")
        findings = json.loads(result.stdout)["findings"]
        accounts = {f["accountId"] for f in findings}
        not_evaluated = sum(f["status"] == "NOT_EVALUATED" and f["checkId"].startswith("member-") for f in findings)
        denied = sum(f["checkId"] == "member-root-denied-by-scp" and f["status"] == "PASS" for f in findings)
        with_credentials = sum(f["checkId"] == "member-root-credentials-removed" and f["status"] == "FAIL" for f in findings)
        print(f"seeded {args.members} members in {seeded:.1f} s; {os.cpu_count()} cores")
        print(f"monitoring: {args.monitoring_regions or 'not read (--no-monitoring)'}")
        print("| members | proxy latency | concurrency | via | wall time | accounts in report | member checks not evaluated | root denied by SCP | members with root credentials |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        print(f"| {args.members} | {args.latency * 1000:.0f} ms | {args.concurrency} | {args.via} | {elapsed:.1f} s | "
              f"{len(accounts)} | {not_evaluated} | {denied} | {with_credentials} |")
    finally:
        moto.stdin.close()
        moto.terminate()
        moto.wait(timeout=10)


if __name__ == "__main__":
    main()
