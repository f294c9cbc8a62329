#!/usr/bin/env python3
"""rootguard audit vs Prowler's root checks, side by side on the same moto state.

  python3 Benchmarks/audit_vs_prowler.py [--runs 10] [--prowler PATH] [--rootguard PATH]

Starts rootguard's moto server (with its root-user plugin) on 127.0.0.1, seeds the insecure reference account
(root with a password, no MFA, an active and an inactive key, a signing certificate; no contacts) with boto3,
then times `rootguard audit` (release build) and Prowler's 22 root-related checks against that one server.
Prowler is installed into .build-bench/prowler-venv when --prowler is not given (several minutes, ~2 GB).
Prints a Markdown table; nothing leaves 127.0.0.1.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PLUGIN = os.path.join(ROOT, "Sources/RootGuardTesting/Moto/rootguard_moto.py")
PROWLER_CHECKS = [
    "iam_root_mfa_enabled", "iam_root_hardware_mfa_enabled", "iam_no_root_access_key", "iam_avoid_root_usage",
    "iam_root_credentials_management_enabled", "account_maintain_current_contact_details",
    "account_maintain_different_contact_details_to_security_billing_and_operations",
    "account_security_contact_information_is_registered",
    "account_security_questions_are_registered_in_the_aws_account", "cloudwatch_log_metric_filter_root_usage",
    "cloudwatch_log_metric_filter_sign_in_without_mfa", "cloudtrail_multi_region_enabled",
    "cloudtrail_multi_region_enabled_logging_management_events", "cloudtrail_log_file_validation_enabled",
    "cloudtrail_cloudwatch_logging_enabled", "cloudtrail_kms_encryption_enabled",
    "organizations_account_part_of_organizations", "guardduty_is_enabled", "securityhub_enabled",
    "config_recorder_all_regions_enabled", "iam_password_policy_minimum_length_14",
    "iam_user_mfa_enabled_console_access",
]
ENV = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "bench-secret",
       "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


def start_moto():
    process = subprocess.Popen([sys.executable, PLUGIN, "--port", "0"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    match = re.match(r"ROOTGUARD_MOTO_PORT=(\d+)", line)
    if not match:
        raise SystemExit("moto server did not start: run Scripts/install-test-deps.sh")
    return process, f"http://127.0.0.1:{match.group(1)}"


def seed(endpoint):
    import boto3

    session = boto3.session.Session(aws_access_key_id=ENV["AWS_ACCESS_KEY_ID"],
                                    aws_secret_access_key=ENV["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1")
    sts = session.client("sts", endpoint_url=endpoint)
    account = sts.get_caller_identity()["Account"]
    now = time.time()
    iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t))
    state = {
        "created": "2019-03-01T09:00:00+00:00",
        "password": {"enabled": True, "lastUsed": iso(now - 3 * 86400)},
        "mfaDevices": [],
        "accessKeys": [
            {"id": "AKIAROOTEXAMPLE00001", "active": True, "created": "2019-03-02T10:00:00+00:00",
             "lastUsed": iso(now - 86400), "lastUsedRegion": "us-east-1", "lastUsedService": "s3"},
            {"id": "AKIAROOTEXAMPLE00002", "active": False, "created": "2020-06-01T10:00:00+00:00"},
        ],
        "signingCertificates": [{"id": "ROOTCERTEXAMPLE", "active": True}],
    }
    request = urllib.request.Request(f"{endpoint}/rootguard-api/root/{account}", data=json.dumps(state).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request).read()
    iam = session.client("iam", endpoint_url=endpoint)
    iam.create_user(UserName="developer")
    return account


def timed(command, env, runs):
    """Runs `command` (a list, or a function of the run index returning one) `runs` times; wall seconds each."""
    samples = []
    for index in range(runs):
        if callable(command):
            arguments = command(index)
        else:
            arguments = command
        started = time.perf_counter()
        result = subprocess.run(arguments, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        samples.append(time.perf_counter() - started)
        if result.returncode not in (0, 2, 3):
            raise SystemExit(f"{arguments[0]} failed ({result.returncode}): {result.stderr[-500:]}")
    return samples, result


def ensure_prowler(path):
    if path:
        return path
    venv = os.path.join(ROOT, ".build-bench", "prowler-venv")
    binary = os.path.join(venv, "bin", "prowler")
    if not os.path.exists(binary):
        print("Installing Prowler into .build-bench/prowler-venv (several minutes)…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet", "prowler"], check=True)
    return binary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10, help="rootguard runs (Prowler runs: max(1, runs // 5))")
    parser.add_argument("--rootguard", default=os.path.join(ROOT, ".build", "release", "rootguard"))
    parser.add_argument("--prowler", help="an installed prowler executable")
    parser.add_argument("--skip-prowler", action="store_true")
    args = parser.parse_args()
    if not os.path.exists(args.rootguard):
        subprocess.run(["swift", "build", "-c", "release", "--product", "rootguard"], cwd=ROOT, check=True)

    moto, endpoint = start_moto()
    try:
        account = seed(endpoint)
        env = dict(os.environ, **ENV, AWS_ENDPOINT_URL=endpoint)
        env.pop("AWS_PROFILE", None)
        rows = []
        samples, result = timed([args.rootguard, "audit", "--output", "json"], env, args.runs)
        findings = json.loads(result.stdout)["findings"]
        rows.append(("rootguard audit (release)", samples, f"{len(findings)} findings, "
                     f"{sum(f['status'] == 'FAIL' for f in findings)} FAIL"))
        if not args.skip_prowler:
            prowler = ensure_prowler(args.prowler)
            home = tempfile.mkdtemp(prefix="prowler-home-")
            out = tempfile.mkdtemp(prefix="prowler-out-")
            penv = dict(env, HOME=home)
            command = lambda index: [prowler, "aws", "-f", "us-east-1", "--checks", *PROWLER_CHECKS, "-M", "json-ocsf",
                                     "-o", out, "-F", f"bench{index}", "--no-banner", "--log-level", "CRITICAL", "-z"]
            prowler_runs = max(1, args.runs // 5)
            psamples, presult = timed(command, penv, prowler_runs)
            ocsf = json.load(open(os.path.join(out, f"bench{prowler_runs - 1}.ocsf.json")))
            rows.append(("Prowler, 22 root-related checks", psamples, f"{len(ocsf)} findings, "
                         f"{sum(f.get('status_code') == 'FAIL' for f in ocsf)} FAIL"))
            version = subprocess.run([prowler, "--version"], env=penv, capture_output=True, text=True).stdout.strip()
        print(f"Account {account} on moto at {endpoint}; {os.cpu_count()} cores.\n")
        print("| tool | runs | mean wall time | min | max | result |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, s, note in rows:
            print(f"| {name} | {len(s)} | {statistics.mean(s):.3f} s | {min(s):.3f} s | {max(s):.3f} s | {note} |")
        if len(rows) == 2:
            ratio = statistics.mean(rows[1][1]) / statistics.mean(rows[0][1])
            print(f"\nrootguard is {ratio:.0f}× faster end to end ({version}).")
    finally:
        moto.stdin.close()
        moto.terminate()
        moto.wait(timeout=10)


if __name__ == "__main__":
    main()
