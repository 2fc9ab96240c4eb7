# SPDX-License-Identifier: GPL-2.0
"""benchlib.read: the formats of a `make bench` run: runs.txt and meta.txt as
scripts/run-bench.sh writes them, and the CSV of one row per run."""
import csv
import math
import os
from collections import OrderedDict


# CSV columns that are not metrics, in this order.
ID_COLUMNS = ["kernel", "backend", "compressor", "scenario", "round", "result",
              "verified", "expect", "problem", "reason", "guest_s", "kver", "run"]


# Guest keys that repeat an ID column, or describe the run, not a number.
NOT_METRICS = set(ID_COLUMNS) | {"comp"}


def read_meta(path):
    meta = OrderedDict()
    meta["matrix"] = []
    meta["resumed"] = []
    if not path or not os.path.exists(path):
        return meta
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" not in line:
                continue
            k, v = line.split("=", 1)
            if k == "matrix":
                meta["matrix"].append(v.split())
            elif k == "resumed":
                meta["resumed"].append(v)
            else:
                meta[k] = v
    return meta


def read_runs(path):
    runs = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            kvs, _, reason = line.partition("\t")
            run = {}
            for tok in kvs.split():
                if "=" in tok:
                    k, v = tok.split("=", 1)
                    run[k] = v   # later keys (the host's) win
            run["compressor"] = run.pop("comp", run.get("compressor", ""))
            run["reason"] = reason
            runs.append(run)
    return runs


def read_csv(path):
    with open(path, newline="") as f:
        return [dict(row) for row in csv.DictReader(f)]


def write_csv(path, runs):
    extra = sorted({k for r in runs for k in r} - NOT_METRICS)
    cols = ID_COLUMNS + extra
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in runs:
            w.writerow({c: r.get(c, "") for c in cols})


def num(v):
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None
