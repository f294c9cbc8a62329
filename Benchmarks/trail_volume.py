#!/usr/bin/env python3
"""Peak memory and time of `rootguard trail` at volume: every output format for ~300,000 detections, and triage
against 2,000 approvals.

    python3 Benchmarks/trail_volume.py                       # 120,000 root records (~300,000 detections)
    python3 Benchmarks/trail_volume.py --records 12000       # a quick run

Builds the release binary (into .build-release/, as `swift build -c release --scratch-path .build-release`) unless
--binary names one, writes one JSON-lines file of root records (compact, CloudTrail's own fields: a root access key
calling IAM, so each record is two or three detections), then runs, each under /usr/bin/time:

    reference   rootguard trail FILE --since 2030-01-01 --output jsonl   (the same read and scan, no detection kept)
    FORMAT      rootguard trail FILE --output FORMAT --output-file OUT   (every trail format)
    approvals   rootguard trail FILE --output jsonl --approvals A.yaml    (2,000 approvals over 50 accounts and 60 days)

and checks every run's detections count. Writes Benchmarks/results/trail_volume.json and prints a Markdown table.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FORMATS = ["table", "jsonl", "json", "csv", "ocsf", "asff", "html"]
ACCOUNTS = ["%012d" % (100000000000 + 7919 * i) for i in range(50)]


def generate(path, records, seed):
    r = random.Random(seed)
    with open(path, "w") as out:
        for i in range(records):
            account = r.choice(ACCOUNTS)
            day = r.randint(1, 60)
            record = {
                "eventVersion": "1.08",
                "userIdentity": {"type": "Root", "principalId": account, "arn": "arn:aws:iam::%s:root" % account,
                                 "accountId": account, "accessKeyId": "AKIA%016d" % i},
                "eventTime": "2026-%02d-%02dT%02d:%02d:%02dZ" % (9 + (day - 1) // 30, (day - 1) % 30 + 1,
                                                                 r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)),
                "eventSource": "iam.amazonaws.com",
                "eventName": r.choice(["CreateAccessKey", "CreateUser", "ListUsers", "AttachUserPolicy"]),
                "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.%d" % r.randint(1, 254),
                "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12 prompt/off command/iam",
                "requestParameters": {"userName": "user-%d" % i}, "responseElements": None,
                "requestID": str(uuid.UUID(int=r.getrandbits(128))), "eventID": str(uuid.UUID(int=r.getrandbits(128))),
                "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": account,
                "eventCategory": "Management",
            }
            out.write(json.dumps(record, separators=(",", ":")) + "\n")


def approvals(path, count, seed):
    r = random.Random(seed)
    with open(path, "w") as out:
        out.write("approvals:\n")
        for i in range(count):
            day = r.randint(1, 60)
            start = "2026-%02d-%02dT%02d:00:00Z" % (9 + (day - 1) // 30, (day - 1) % 30 + 1, r.randint(0, 20))
            end = start[:11] + "%02d:59:59Z" % min(23, int(start[11:13]) + 3)
            out.write('  - account: "%s"\n    from: %s\n    until: %s\n    ticket: CHG-%d\n' % (
                r.choice(ACCOUNTS), start, end, i))
            if i % 3 == 0:
                out.write('    actions: ["iam:CreateUser", "iam:List*"]\n')


def timed(cmd):
    result = subprocess.run(["/usr/bin/time", "-f", "%M %e"] + cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    rss_kb, seconds = result.stderr.strip().splitlines()[-1].split()
    return {"status": result.returncode, "peak_mb": round(int(rss_kb) / 1024), "seconds": float(seconds)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=120_000)
    parser.add_argument("--approvals", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default="/tmp/rootguard-trail-volume")
    parser.add_argument("--binary")
    args = parser.parse_args()
    binary = args.binary
    if not binary:
        subprocess.run(["swift", "build", "-c", "release", "--product", "rootguard", "--scratch-path",
                        os.path.join(ROOT, ".build-release")], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, ".build-release", "release", "rootguard")
    os.makedirs(args.work, exist_ok=True)
    logs = os.path.join(args.work, "root-%d.jsonl" % args.records)
    if not os.path.exists(logs):
        generate(logs, args.records, args.seed)
    approvals_file = os.path.join(args.work, "approvals-%d.yaml" % args.approvals)
    approvals(approvals_file, args.approvals, args.seed)
    out = os.path.join(args.work, "out")

    # The detections count, from the JSON summary.
    subprocess.run([binary, "trail", logs, "--output", "json", "--output-file", out], stderr=subprocess.DEVNULL)
    with open(out) as f:
        summary = json.load(f)["summary"]
    detections = summary["detections"]
    rows = [dict(run="reference (scan, nothing kept)",
                 **timed([binary, "trail", logs, "--since", "2030-01-01T00:00:00Z", "--output", "jsonl"]))]
    for fmt in FORMATS:
        row = dict(run="--output " + fmt, **timed([binary, "trail", logs, "--output", fmt, "--output-file", out]))
        row["output_mb"] = round(os.path.getsize(out) / 1e6)
        if fmt == "jsonl":
            with open(out) as f:
                assert sum(1 for _ in f) == detections, "jsonl lines != detections"
        rows.append(row)
    row = dict(run="--output jsonl --approvals (%d)" % args.approvals,
               **timed([binary, "trail", logs, "--output", "jsonl", "--output-file", out,
                        "--approvals", approvals_file]))
    with open(out) as f:
        expected = sum(1 for line in f if '"expected":true' in line)
    row["expected"] = expected
    rows.append(row)

    result = {"records": args.records, "detections": detections, "input_mb": round(os.path.getsize(logs) / 1e6),
              "approvals": args.approvals, "rows": rows}
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "trail_volume.json"), "w") as f:
        json.dump(result, f, indent=2)
    print("%d root records (%d MB), %d detections\n" % (args.records, result["input_mb"], detections))
    print("| run | peak RSS | wall time | output | exit |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        extra = " (%d expected)" % row["expected"] if "expected" in row else ""
        print("| %s | %d MB | %.1f s | %s | %d |" % (row["run"], row["peak_mb"], row["seconds"],
                                                   "%d MB" % row["output_mb"] if "output_mb" in row else "-" + extra,
                                                   row["status"]))


if __name__ == "__main__":
    sys.exit(main())
