#!/usr/bin/env python3
"""Where `rootguard trail` spends its time, from a `perf record -g` profile, by stage.

    perf record -F 9999 -g -o trail.perf -- rootguard trail CORPUS --jobs 1 --output jsonl > /dev/null
    python3 Benchmarks/profile_breakdown.py trail.perf

Each sample goes to the first stage (in the order below) whose pattern matches its symbol or, failing that, a frame
of its call chain. libdeflate ships without frame pointers, so its samples are matched by their library alone.
"""
import collections
import re
import subprocess
import sys

# (stage, pattern on the leaf symbol/library, pattern on any frame of the chain)
STAGES = [
    ("inflate (libdeflate)", r"libdeflate", None),
    ("CRC-32 (rg_crc32)", r"fold_all|rg_crc32|crc32_z|crc32", None),
    ("inflate (zlib, streamed inputs)", r"libz\.so", None),
    ("prefilter (rg_scan)", r"scan_avx512|scan_avx2|scan_scalar|rg_scan", None),
    ("record split", r"RecordSplitter|quote_avx2|rg_find_quote|memmem", r"RecordSplitter"),
    ("parse (RecordParser)", r"RecordParser", r"RecordParser"),
    ("detect and analyse", None, r"TrailAnalysis|Detector|CloudTrailEvent"),
    ("output (renderers)", None, r"Renderer|JSONEncoder"),
    ("file I/O (read, open, stat, walk)", None, r"ksys_read|sys_openat|newfstatat|sys_close|getdents|LocalScanO5files"),
    ("page faults", None, r"exc_page_fault"),
    ("thread hand-off", None, r"futex|NSCondition|pthread_cond"),
    ("process start and exit (loader, runtime, arguments)", r"ld-linux|_dl_", r"_dl_start|ArgumentParser|exit_group|do_exit"),
]


def main():
    data = sys.argv[1]
    text = subprocess.run(["perf", "script", "-i", data, "-F", "comm,tid,ip,sym,dso"], capture_output=True,
                          text=True).stdout
    counts = collections.Counter()
    total = 0
    for block in text.split("\n\n"):
        lines = [l.strip() for l in block.strip().splitlines()]
        if len(lines) < 2:
            continue
        frames = lines[1:]
        leaf = frames[0]
        total += 1
        for name, leaf_pattern, chain_pattern in STAGES:
            if leaf_pattern and re.search(leaf_pattern, leaf):
                counts[name] += 1
                break
            if chain_pattern and any(re.search(chain_pattern, f) for f in frames):
                counts[name] += 1
                break
        else:
            counts["other (Swift runtime, allocation, scanning glue)"] += 1
    print("| stage | share of samples |")
    print("|---|---:|")
    for name, _, _ in STAGES + [("other (Swift runtime, allocation, scanning glue)", None, None)]:
        if counts[name]:
            print("| %s | %.1f %% |" % (name, 100.0 * counts[name] / total))
    print("| samples | %d |" % total)


if __name__ == "__main__":
    main()
