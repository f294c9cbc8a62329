#!/usr/bin/env python3
"""What partition projection saves `trail athena`: bytes a one-week, one-account hunt reads, with and without the
partition predicates, on a generated organization corpus.

  python3 Benchmarks/athena_pruning.py [--size-mb 200] [--binary .build/release/rootguard]

Athena bills the bytes it reads from S3 (compressed, for gzip JSON; at least 10 MB per query). With the
`account`/`region`/`timestamp` predicates the generated SQL carries, partition projection lists only the
matching prefixes `AWSLogs/o-…/<account>/CloudTrail/<region>/<yyyy/MM/dd>/`, so the bytes read are those objects'
sizes; without them, every object of the table. The script generates the corpus (Benchmarks/gen_cloudtrail.py),
sums both, and runs both queries in DuckDB (Tests/RootGuardCLITests/Fixtures/athena_duckdb.py) to show they return
the same rows. Writes Benchmarks/results/athena_pruning.json.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
LAYOUT = re.compile(r"AWSLogs/(?:o-[a-z0-9]+/)?([0-9]{12})/CloudTrail/([a-z0-9-]+)/([0-9]{4}/[0-9]{2}/[0-9]{2})/")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=float, default=200)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/rootguard"))
    parser.add_argument("--account", default="111122223333")
    parser.add_argument("--since", default="2026-10-02")
    parser.add_argument("--until", default="2026-10-08T23:59:59Z")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="rg-athena-")
    subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks/gen_cloudtrail.py"), "--out", folder,
                    "--size-mb", str(args.size_mb), "--seed", "3"], check=True, stdout=subprocess.DEVNULL)
    first = args.since[:10].replace("-", "/")
    # The SQL's partition bound is a day after --until (late deliveries land under the next day's prefix).
    last = time.strftime("%Y/%m/%d", time.gmtime(time.mktime(time.strptime(args.until[:10], "%Y-%m-%d")) + 86400 + 43200))
    total = selected = files = chosen = 0
    for directory, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(directory, name)
            match = LAYOUT.search(path)
            if not match or not name.endswith(".json.gz"):
                continue
            size = os.path.getsize(path)
            total += size
            files += 1
            account, _, day = match.groups()
            if account == args.account and first <= day <= last:
                selected += size
                chosen += 1

    def hunt(filters):
        sql = subprocess.run([args.binary, "trail", "athena", "--print-sql"] + filters, check=True,
                             capture_output=True, text=True).stdout
        path = os.path.join(folder, "hunt.sql")
        with open(path, "w") as out:
            out.write(sql)
        began = time.monotonic()
        rows = subprocess.run([sys.executable, os.path.join(ROOT, "Tests/RootGuardCLITests/Fixtures/athena_duckdb.py"),
                               folder, path], check=True, capture_output=True, text=True).stdout.splitlines()
        return [json.loads(r) for r in rows], time.monotonic() - began

    pruned, pruned_seconds = hunt(["--account", args.account, "--since", args.since, "--until", args.until])
    everything, all_seconds = hunt([])
    # The same hunt without partition predicates: every row, then the filter applied afterwards.
    unpruned = [r for r in everything if r["recipientaccountid"] == args.account
                and args.since <= r["eventtime"] <= args.until]
    # The same records are found. (Detections may differ in one way, by design of the filter: an AssumeRoot call made
    # from the management account is outside a hunt limited to a member, so its sessions' actions there are not
    # joined; name the management account too to keep the join.)
    same = {r["eventid"] for r in pruned} == {r["eventid"] for r in unpruned}
    # The generator writes some injected records into files dated days after their eventTime (real CloudTrail
    # delivers within about 15 minutes); partition pruning rightly skips those files, so they are counted apart.
    late = len({r["eventid"] for r in unpruned} - {r["eventid"] for r in pruned})
    results = {"date": time.strftime("%Y-%m-%d"), "corpus_mb": args.size_mb, "objects": files,
               "bytes_all": total, "objects_selected": chosen, "bytes_selected": selected,
               "fraction": selected / total if total else None, "rows": len(pruned), "same_records": same,
               "records_in_files_dated_later": late,
               "duckdb_seconds_pruned": pruned_seconds, "duckdb_seconds_all": all_seconds}
    os.makedirs(os.path.join(ROOT, "Benchmarks/results"), exist_ok=True)
    with open(os.path.join(ROOT, "Benchmarks/results/athena_pruning.json"), "w") as out:
        json.dump(results, out, indent=2)
    price = lambda b: max(b, 10_000_000) / 1e12 * 5
    print("| hunt | objects read | bytes read (gzip) | Athena cost | rows |\n| --- | ---: | ---: | ---: | ---: |")
    print(f"| one account, {args.since} … {args.until[:10]}, with partition predicates | {chosen} | "
          f"{selected / 1e6:.1f} MB | {price(selected):.6f} USD | {len(pruned)} |")
    print(f"| the same without them (every object, filtered afterwards) | {files} | {total / 1e6:.1f} MB | "
          f"{price(total):.6f} USD | {len(unpruned)} |")
    print(f"same records: {same} ({late} records the generator filed days after their eventTime are outside the "
          f"pruned days); pruned reads {100 * selected / total:.1f} % of the bytes")


if __name__ == "__main__":
    main()
