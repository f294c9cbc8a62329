#!/usr/bin/env python3
"""How fast `rootguard trail` scans CloudTrail, against zcat and jq on the same files.

    python3 Benchmarks/trail_speed.py                 # 320 MB corpus in /tmp, 5 rounds
    python3 Benchmarks/trail_speed.py --size-mb 1000  # the 1 GB corpus of the research baseline

Generates the corpus (Benchmarks/gen_cloudtrail.py) unless it exists, builds the release binary,
then runs, in rounds so that a drift of the host's speed hits every contender alike:

    zcat       xargs -0 zcat < FILES > /dev/null                       (one core)
    jq         xargs -0 zcat < FILES | jq -r '<the CIS root filter>'    (one jq process)
    rootguard  rootguard trail CORPUS --jobs 1 --output jsonl
    rootguard  rootguard trail CORPUS --jobs 2 --output jsonl
    (and once more with ROOTGUARD_INFLATE=zlib, to show why libdeflate)

Wall times are medians over the rounds; peak RSS is the largest any rootguard run reached
(/usr/bin/time). rootguard's answer is checked against the corpus's ground truth on every run,
and jq's count against the CIS-filter records the ground truth implies.
Writes Benchmarks/results/trail_speed.json and prints a Markdown table.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
JQ_FILTER = ('.Records[] | select(.userIdentity.type == "Root" and .userIdentity.invokedBy == null '
             'and .eventType != "AwsServiceEvent") | .eventID')


def run(cmd, env=None, stdout=subprocess.DEVNULL):
    """Runs a shell command; returns (wall seconds, peak RSS KB of the measured process, stdout)."""
    timed = ["/usr/bin/time", "-f", "%M", "sh", "-c", cmd]
    start = time.perf_counter()
    p = subprocess.run(timed, env=env, stdout=subprocess.PIPE if stdout is None else stdout, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if p.returncode not in (0, 3):
        sys.exit("failed (%d): %s\n%s" % (p.returncode, cmd, p.stderr[-2000:]))
    rss = int(p.stderr.strip().splitlines()[-1])
    return wall, rss, p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=None, help="corpus folder (default /tmp/rootguard-corpus-<size>)")
    ap.add_argument("--size-mb", type=float, default=320)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--jq-rounds", type=int, default=1)
    args = ap.parse_args()
    corpus = args.corpus or "/tmp/rootguard-corpus-%d" % args.size_mb
    if not os.path.exists(os.path.join(corpus, "ground_truth.jsonl")):
        print("generating %s (%.0f MB of JSON)…" % (corpus, args.size_mb), file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(HERE, "gen_cloudtrail.py"), "--out", corpus, "--size-mb", str(args.size_mb),
                        "--seed", str(args.seed), "--root-events", str(int(args.size_mb / 2))], check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "rootguard"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip() + "/rootguard"

    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(corpus, "AWSLogs"))
                   for f in fs if f.endswith(".json.gz") and "CloudTrail-Digest" not in d)
    listing = os.path.join(corpus, "files.nul")
    with open(listing, "w") as f:
        f.write("\0".join(files) + "\0")
    raw = int(subprocess.run("xargs -0 zcat < %s | wc -c" % listing, shell=True, capture_output=True, text=True).stdout)
    gz = sum(os.path.getsize(p) for p in files)
    truth = [json.loads(l) for l in open(os.path.join(corpus, "ground_truth.jsonl"))]
    expected = {(t["eventID"], d) for t in truth for d in t["detections"]}
    cis_expected = {t["eventID"] for t in truth if t.get("cis")}

    def rootguard(jobs, env=None):
        cmd = "%s trail %s --jobs %d --output jsonl" % (binary, os.path.join(corpus, "AWSLogs"), jobs)
        wall, rss, out = run(cmd, env=env, stdout=None)
        found = {(d["eventID"], d["detection"]) for d in map(json.loads, out.splitlines())}
        if found != expected:
            sys.exit("rootguard's answer differs from the ground truth: %d missed, %d extra" % (len(expected - found), len(found - expected)))
        return wall, rss

    times = {"zcat": [], "rootguard -j1": [], "rootguard -j2": [], "jq": [], "rootguard -j1 (zlib)": []}
    rss = 0
    for r in range(args.rounds):
        times["zcat"].append(run("xargs -0 zcat < %s > /dev/null" % listing)[0])
        for jobs in (1, 2):
            wall, peak = rootguard(jobs)
            times["rootguard -j%d" % jobs].append(wall)
            rss = max(rss, peak)
        print("round %d: %s" % (r + 1, ", ".join("%s %.2f s" % (k, v[-1]) for k, v in times.items() if v)), file=sys.stderr)
    zlib_env = dict(os.environ, ROOTGUARD_INFLATE="zlib")
    wall, peak = rootguard(1, env=zlib_env)
    times["rootguard -j1 (zlib)"].append(wall)
    rss = max(rss, peak)
    jq_answer = None
    for _ in range(args.jq_rounds):
        wall, _, out = run("xargs -0 zcat < %s | jq -r '%s'" % (listing, JQ_FILTER), stdout=None)
        times["jq"].append(wall)
        jq_answer = set(out.split())
    median = {k: statistics.median(v) for k, v in times.items() if v}
    ratios = {
        "one job vs zcat (target >= 2.5)": median["zcat"] / median["rootguard -j1"],
        "two jobs vs one (target >= 1.5)": median["rootguard -j1"] / median["rootguard -j2"],
        "one job vs jq (target >= 15)": median["jq"] / median["rootguard -j1"],
        "peak RSS MB (target <= 200)": rss / 1024,
    }
    result = {
        "corpus": {"path": corpus, "files": len(files), "raw_bytes": raw, "gz_bytes": gz, "records_with_truth": len(truth)},
        "median_seconds": median, "runs": times, "peak_rss_kb": rss, "ratios": ratios,
        "jq_answer_matches_cis_filter": jq_answer == cis_expected,
        "rootguard_answer_matches_ground_truth": True,
    }
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "trail_speed.json"), "w") as f:
        json.dump(result, f, indent=2)
    print("\nCorpus: %d files, %.1f MB of JSON (%.1f MB gzip), %d labelled records.\n" % (len(files), raw / 1e6, gz / 1e6, len(truth)))
    print("| contender | median wall s | MB/s of JSON | runs |")
    print("|---|---:|---:|---:|")
    for k, v in median.items():
        print("| %s | %.2f | %.0f | %d |" % (k, v, raw / 1e6 / v, len(times[k])))
    print("\n| ratio | measured | met |")
    print("|---|---:|---|")
    for k, v in ratios.items():
        ok = v <= 200 if "RSS" in k else v >= float(k.split(">= ")[1].rstrip(")"))
        print("| %s | %.2f | %s |" % (k, v, "yes" if ok else "**no**"))
    print("\nrootguard's answer matched the ground truth on every run; jq's matched the CIS filter: %s." % result["jq_answer_matches_cis_filter"])


if __name__ == "__main__":
    main()
