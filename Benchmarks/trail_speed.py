#!/usr/bin/env python3
"""How fast `rootguard trail` scans CloudTrail: against the machine's limit (in-process libdeflate), zcat and jq.

    python3 Benchmarks/trail_speed.py                   # 300 MB corpus in /tmp, 3 rounds
    python3 Benchmarks/trail_speed.py --size-mb 1000    # the 1 GB corpus of the research baseline

Generates the corpus (Benchmarks/gen_cloudtrail.py) unless it exists, builds the release binary and the in-process
reference ct_limit (Benchmarks/reference/, with its Debian build dependencies), then runs, in rounds so that a drift of
the host's speed hits every contender alike:

    ct_limit   every .json.gz loaded into memory, then libdeflate alone on 1 and 2 threads (the limit), and its
               end-to-end C++ pipelines (libdeflate + AVX2 prefilter + simdjson on files with a hit)
    rootguard  rootguard trail CORPUS --jobs 1 --output jsonl --stats    (whole process: start, walk, read, report)
    rootguard  rootguard trail CORPUS --jobs 2 --output jsonl --stats
    zcat       xargs -0 zcat < FILES > /dev/null                        (one core)
    jq         xargs -0 zcat < FILES | jq -r '<the CIS root filter>'     (one jq process, --jq-rounds)
    (and once with ROOTGUARD_INFLATE=zlib, to show why libdeflate)

Times are the best of the rounds (`--statistic median` for medians); peak RSS is the largest any rootguard run
reached (/usr/bin/time). rootguard's answer is checked against the corpus's ground truth on every run, and jq's count
against the CIS-filter records the ground truth implies. Writes Benchmarks/results/trail_speed[_<size>].json and
prints Markdown tables.
"""

import argparse
import json
import os
import re
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


def ct_limit_rows(binary, listing):
    """Runs ct_limit once (one repetition per mode); returns {(mode, threads): (best seconds, raw MB/s)}."""
    out = subprocess.run([binary, listing, "1"], capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^(\S.*?)\s+([12])\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", line)
        if m:
            rows[(m.group(1).strip(), int(m.group(2)))] = (float(m.group(3)), float(m.group(6)))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=None, help="corpus folder (default /tmp/rootguard-corpus-<size>)")
    ap.add_argument("--size-mb", type=int, default=300)
    ap.add_argument("--seed", type=int, default=None, help="default 1 for 300 MB, 2 otherwise")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jq-rounds", type=int, default=1)
    ap.add_argument("--statistic", choices=["best", "median"], default="best")
    ap.add_argument("--rootguard", default=None, help="a rootguard binary (default: build the release one)")
    args = ap.parse_args()
    corpus = args.corpus or "/tmp/rootguard-corpus-%d" % args.size_mb
    seed = args.seed if args.seed is not None else (1 if args.size_mb <= 300 else 2)
    if not os.path.exists(os.path.join(corpus, "ground_truth.jsonl")):
        print("generating %s (%d MB of JSON)…" % (corpus, args.size_mb), file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(HERE, "gen_cloudtrail.py"), "--out", corpus, "--size-mb", str(args.size_mb),
                        "--seed", str(seed), "--root-events", str(int(args.size_mb / 2))], check=True)
    binary = args.rootguard
    if binary is None:
        subprocess.run(["swift", "build", "-c", "release", "--product", "rootguard"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout.strip() + "/rootguard"
    ct_limit = subprocess.run([os.path.join(HERE, "reference", "build-ct-limit.sh")], check=True, capture_output=True,
                              text=True).stdout.strip().splitlines()[-1]

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

    inprocess = {"rootguard -j1": [], "rootguard -j2": []}

    def rootguard(jobs, env=None):
        cmd = "%s trail %s --jobs %d --output jsonl --stats" % (binary, os.path.join(corpus, "AWSLogs"), jobs)
        timed = ["/usr/bin/time", "-f", "%M", "sh", "-c", cmd + " 2>/tmp/rootguard-trail-stats"]
        start = time.perf_counter()
        p = subprocess.run(timed, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        if p.returncode not in (0, 3):
            sys.exit("rootguard failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
        peak = int(p.stderr.strip().splitlines()[-1])
        found = {(d["eventID"], d["detection"]) for d in map(json.loads, p.stdout.splitlines())}
        if found != expected:
            sys.exit("rootguard's answer differs from the ground truth: %d missed, %d extra" % (len(expected - found), len(found - expected)))
        stats = open("/tmp/rootguard-trail-stats").read()
        m = re.search(r"; ([\d.]+) s, ", stats)
        if m and env is None:
            inprocess["rootguard -j%d" % jobs].append(float(m.group(1)))
        return wall, peak

    times = {"inflate-libdeflate, 1 thread (the limit)": [], "inflate-libdeflate, 2 threads": [],
             "ct_limit E2E libdeflate+avx2+simdjson, 1 thread": [], "ct_limit E2E libdeflate+avx2+simdjson, 2 threads": [],
             "rootguard -j1": [], "rootguard -j2": [], "zcat": [], "jq": [], "rootguard -j1 (zlib)": []}
    rss = 0
    for r in range(args.rounds):
        rows = ct_limit_rows(ct_limit, listing)
        times["inflate-libdeflate, 1 thread (the limit)"].append(rows[("inflate-libdeflate", 1)][0])
        times["inflate-libdeflate, 2 threads"].append(rows[("inflate-libdeflate", 2)][0])
        times["ct_limit E2E libdeflate+avx2+simdjson, 1 thread"].append(rows[("E2E libdeflate+avx2+simdjson-on-hits", 1)][0])
        times["ct_limit E2E libdeflate+avx2+simdjson, 2 threads"].append(rows[("E2E libdeflate+avx2+simdjson-on-hits", 2)][0])
        for jobs in (1, 2):
            wall, peak = rootguard(jobs)
            times["rootguard -j%d" % jobs].append(wall)
            rss = max(rss, peak)
        times["zcat"].append(run("xargs -0 zcat < %s > /dev/null" % listing)[0])
        print("round %d: %s" % (r + 1, ", ".join("%s %.3f s" % (k, v[-1]) for k, v in times.items() if v)), file=sys.stderr)
    zlib_env = dict(os.environ, ROOTGUARD_INFLATE="zlib")
    wall, peak = rootguard(1, env=zlib_env)
    times["rootguard -j1 (zlib)"].append(wall)
    rss = max(rss, peak)
    jq_answer = None
    for _ in range(args.jq_rounds):
        wall, _, out = run("xargs -0 zcat < %s | jq -r '%s'" % (listing, JQ_FILTER), stdout=None)
        times["jq"].append(wall)
        jq_answer = set(out.split())
    pick = min if args.statistic == "best" else statistics.median
    chosen = {k: pick(v) for k, v in times.items() if v}
    inproc = {k: pick(v) for k, v in inprocess.items() if v}
    limit = chosen["inflate-libdeflate, 1 thread (the limit)"]
    ratios = {
        "one job vs the limit, whole process (target >= 0.80)": limit / chosen["rootguard -j1"],
        "one job vs the limit, in-process scan time from --stats (target >= 0.80)": limit / inproc["rootguard -j1"],
        "two jobs vs one, whole process (target >= 1.90)": chosen["rootguard -j1"] / chosen["rootguard -j2"],
        "two jobs vs one, in-process (target >= 1.90)": inproc["rootguard -j1"] / inproc["rootguard -j2"],
        "one job vs zcat (target >= 2.5)": chosen["zcat"] / chosen["rootguard -j1"],
        "one job vs jq (target >= 15)": chosen["jq"] / chosen["rootguard -j1"],
        "peak RSS MB (target <= 200)": rss / 1024,
    }
    result = {
        "corpus": {"path": corpus, "files": len(files), "raw_bytes": raw, "gz_bytes": gz, "records_with_truth": len(truth)},
        "statistic": args.statistic, "seconds": chosen, "in_process_seconds": inproc, "runs": times,
        "in_process_runs": inprocess, "peak_rss_kb": rss, "ratios": ratios,
        "jq_answer_matches_cis_filter": jq_answer == cis_expected,
        "rootguard_answer_matches_ground_truth": True,
    }
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    name = {300: "trail_speed.json", 1000: "trail_speed_1gb.json"}.get(args.size_mb, "trail_speed_%dmb.json" % args.size_mb)
    with open(os.path.join(HERE, "results", name), "w") as f:
        json.dump(result, f, indent=2)
    print("\nCorpus: %d files, %.1f MB of JSON (%.1f MB gzip), %d labelled records; %s of %d rounds.\n" % (
        len(files), raw / 1e6, gz / 1e6, len(truth), args.statistic, args.rounds))
    print("| contender | wall s | MB/s of JSON | runs |")
    print("|---|---:|---:|---:|")
    for k, v in chosen.items():
        print("| %s | %.3f | %.0f | %d |" % (k, v, raw / 1e6 / v, len(times[k])))
    for k, v in inproc.items():
        print("| %s, in-process (--stats) | %.3f | %.0f | %d |" % (k, v, raw / 1e6 / v, len(inprocess[k])))
    print("\n| ratio | measured | met |")
    print("|---|---:|---|")
    for k, v in ratios.items():
        ok = v <= 200 if "RSS" in k else v >= float(k.split(">= ")[1].rstrip(")"))
        print("| %s | %.2f | %s |" % (k, v, "yes" if ok else "**no**"))
    print("\nrootguard's answer matched the ground truth on every run; jq's matched the CIS filter: %s." % result["jq_answer_matches_cis_filter"])


if __name__ == "__main__":
    main()
