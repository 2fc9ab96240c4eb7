#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py: the report of a `make bench` run.

  bench-report.py --runs RUNS.txt [--meta META.txt] --out PREFIX
  bench-report.py --csv  PREFIX.csv [--meta META.txt] --out PREFIX

RUNS.txt (written by scripts/run-bench.sh) has one run per line:
"key=value key=value ...<TAB>reason".  From it (or from a CSV this script
wrote before) it writes:

  PREFIX.csv             one row per run: kernel, backend, compressor,
                         scenario, round, result, verified, ..., metrics
  PREFIX.json            the summary: per scenario/kernel/backend/compressor
                         and metric, n, mean, stddev, CV, delta vs base
  PREFIX.md              the report: a table per scenario
  PREFIX-<scenario>.png  one bar chart per scenario (needs matplotlib)

META.txt is "key=value" lines about the run (date, hashes, sizes, ...).
Only runs whose data verified (result=ok) enter the statistics; the others
are counted per outcome.  The exit status is 0 when the report was written,
whatever the results: run-bench.sh decides what fails.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib.read import read_csv, read_meta, read_runs, write_csv  # noqa: E402
from benchlib.stats import summarize  # noqa: E402
from benchlib.render import plot, write_md  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--runs", help="runs.txt written by run-bench.sh")
    src.add_argument("--csv", help="a CSV written by this script")
    ap.add_argument("--meta", help="meta.txt written by run-bench.sh")
    ap.add_argument("--out", required=True, help="output prefix, e.g. bench/results/2026-01-01-1200-abc1234")
    args = ap.parse_args()

    meta = read_meta(args.meta)
    runs = read_runs(args.runs) if args.runs else read_csv(args.csv)
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)

    csv_path = args.out + ".csv"
    if not (args.csv and os.path.abspath(args.csv) == os.path.abspath(csv_path)):
        write_csv(csv_path, runs)
    scenarios, groups = summarize(runs, meta)

    plots = {}
    for s in scenarios:
        p = "%s-%s.png" % (args.out, s)
        if plot(s, groups, p):
            plots[s] = p

    summary = {
        "meta": {k: v for k, v in meta.items()},
        "groups": groups,
        "problems": [{k: r.get(k) for k in ("run", "result", "reason")}
                     for r in runs if r.get("problem") == "yes"],
    }
    with open(args.out + ".json", "w") as f:
        json.dump(summary, f, indent=1)
    write_md(args.out + ".md", args.out, meta, runs, scenarios, groups, plots)
    print("bench-report: wrote %s.md, .csv, .json and %d plot(s)" % (args.out, len(plots)),
          file=sys.stderr)

if __name__ == "__main__":
    main()
