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
import csv
import json
import math
import os
import sys
from collections import Counter, OrderedDict

KERNEL_ORDER = ["base", "novswap", "vswap"]

# Per scenario: (key, label, unit, direction): +1 higher is better, -1 lower
# is better, 0 information only.  The first one is the scenario's headline.
# usemem and zero report the same things: fill, re-read, free.
FILL_VERIFY_FREE = [
    ("fill_kbps", "fill throughput", "KB/s", +1),
    ("verify_kbps", "re-read throughput", "KB/s", +1),
    ("wall_ms", "real time", "ms", -1),
    ("sys_ms", "sys time", "ms", -1),
    ("free_ms", "free time", "ms", -1),
]

METRICS = OrderedDict([
    ("usemem", FILL_VERIFY_FREE),
    ("memhog", [
        ("fill_ms", "touch time", "ms", -1),
        ("fill_kbps", "touch throughput", "KB/s", +1),
        ("verify_ms", "final verify time", "ms", -1),
        ("wall_ms", "real time", "ms", -1),
        ("sys_ms", "sys time", "ms", -1),
    ]),
    ("build", [
        ("wall_ms", "real time", "ms", -1),
        ("user_ms", "user time", "ms", -1),
        ("sys_ms", "sys time", "ms", -1),
    ]),
    ("zero", FILL_VERIFY_FREE),
    ("swapoff", [
        ("swapoff_ms", "swapoff time", "ms", -1),
        ("verify_ms", "verify after swapoff", "ms", -1),
        ("swapped_mb", "held swapped out", "MiB", 0),
    ]),
    ("metadata", [
        ("bpp_named", "kernel memory per swapped page (named)", "bytes", -1),
        ("bpp_all", "kernel memory per swapped page (all non-LRU)", "bytes", -1),
        ("bpp_vswap", "vswap metadata per swapped page (debugfs metadata_bytes)", "bytes", -1),
        ("bpp_pool", "compressed pool per swapped page", "bytes", 0),
    ]),
])

DESCRIPTION = {
    "usemem": "one process allocates {size} MiB (1.75x the memory it competes for; "
              "10% of pages incompressible), fills it, re-reads every byte, frees it.",
    "memhog": "one process allocates {size} MiB (3x), touches every page once "
              "(the fill, timed alone), then verifies every byte once at the end.",
    "build": "many short processes ({build}) in a memory cgroup: each allocates and "
             "fills its memory, rewrites its hot quarter 4 times in scattered order, "
             "verifies every byte, exits.",
    "zero": "one process fills {size} MiB (1.5x) with zero pages, re-reads, frees.",
    "swapoff": "{size} MiB are swapped out with MADV_PAGEOUT and held; time `swapoff` "
               "of the swap device (the disk, or zram0), then verify every byte.",
    "metadata": "{size} MiB are filled, then swapped out with MADV_PAGEOUT and held; "
                "kernel memory per swapped page from /proc/meminfo before/after "
                "(named: Slab+KernelStack+Percpu+VmallocUsed; all: every non-free, "
                "non-LRU page except page tables and the compressed pool).",
}

# The headline: (scenario, metric, backend, compressor) of the comparisons
# the README shows.  Columns: novswap and vswap against base on the same
# backend; vswap with zswap and no swap device, and base with zram (the
# peer), against base on the row's backend.
HEADLINE = [
    ("usemem", "fill_kbps", "zswap-disk", "zstd"),
    ("usemem", "verify_kbps", "zswap-disk", "zstd"),
    ("usemem", "sys_ms", "zswap-disk", "zstd"),
    ("usemem", "free_ms", "zswap-disk", "zstd"),
    ("memhog", "fill_ms", "zswap-disk", "zstd"),
    ("build", "wall_ms", "zswap-disk", "zstd"),
    ("build", "sys_ms", "zswap-disk", "zstd"),
    ("zero", "fill_kbps", "zswap-disk", "zstd"),
    ("zero", "verify_kbps", "zswap-disk", "zstd"),
    ("zero", "free_ms", "zswap-disk", "zstd"),
    ("swapoff", "swapoff_ms", "disk", "none"),
    ("swapoff", "verify_ms", "disk", "none"),
    ("metadata", "bpp_all", "zswap-disk", "zstd"),
    ("metadata", "bpp_vswap", "zswap-disk", "zstd"),
]
HEADLINE_COLUMNS = [
    ("novswap", None, None),
    ("vswap", None, None),
    ("vswap", "zswap-only", "zstd"),
    ("base", "zram", "zstd"),
]

OUTCOME_LABEL = {
    "ok": "ok",
    "oom": "fail (ENOMEM/OOM)",
    "corrupt": "CORRUPT DATA",
    "error": "error",
    "crash": "crash",
}

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


def stats(values):
    n = len(values)
    if n == 0:
        return {"n": 0, "mean": None, "sd": None, "cv": None}
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else None
    cv = (sd / abs(mean) * 100) if (sd is not None and mean) else (0.0 if sd == 0 else None)
    return {"n": n, "mean": mean, "sd": sd, "cv": cv}


def kernel_rank(k):
    return KERNEL_ORDER.index(k) if k in KERNEL_ORDER else len(KERNEL_ORDER)


def summarize(runs, meta):
    """Groups keyed (scenario, kernel, backend, compressor), in matrix order."""
    order = []
    for row in meta.get("matrix", []):
        if len(row) >= 3:
            order.append((row[0], row[1], row[2]))
    expect = {(r[0], r[1], r[2]): (r[3] if len(r) > 3 else "ok") for r in meta.get("matrix", [])}
    for r in runs:
        cfg = (r.get("kernel", ""), r.get("backend", ""), r.get("compressor", ""))
        if cfg not in order:
            order.append(cfg)
        if r.get("expect"):
            expect.setdefault(cfg, r["expect"])
    scenarios = [s for s in METRICS if any(r.get("scenario") == s for r in runs)]
    scenarios += sorted({r.get("scenario", "") for r in runs} - set(scenarios))

    groups = []
    for s in scenarios:
        for cfg in order:
            rs = [r for r in runs if r.get("scenario") == s and
                  (r.get("kernel"), r.get("backend"), r.get("compressor")) == cfg]
            if not rs:
                continue
            ok = [r for r in rs if r.get("result") == "ok"]
            g = {
                "scenario": s, "kernel": cfg[0], "backend": cfg[1], "compressor": cfg[2],
                "expect": expect.get(cfg, "ok"),
                "runs": len(rs),
                "outcomes": dict(Counter(r.get("result", "?") for r in rs)),
                "problems": sum(1 for r in rs if r.get("problem") == "yes"),
                "reasons": sorted({r.get("reason", "") for r in rs if r.get("result") != "ok"} - {""}),
                "kver": sorted({r.get("kver", "") for r in rs} - {""}),
                "metrics": OrderedDict(),
            }
            for key, _, _, _ in METRICS.get(s, []):
                vals = [num(r.get(key)) for r in ok]
                g["metrics"][key] = stats([v for v in vals if v is not None])
            groups.append(g)

    # Delta vs the base kernel with the same backend and compressor.
    index = {(g["scenario"], g["kernel"], g["backend"], g["compressor"]): g for g in groups}
    for g in groups:
        base = index.get((g["scenario"], "base", g["backend"], g["compressor"]))
        for key, m in g["metrics"].items():
            m["delta_pct"] = m["noise_pct"] = m["within_noise"] = None
            if g["kernel"] == "base" or not base:
                continue
            b = base["metrics"].get(key)
            if not b or not b["n"] or not m["n"] or not b["mean"]:
                continue
            m["delta_pct"] = (m["mean"] - b["mean"]) / abs(b["mean"]) * 100
            if m["cv"] is not None and b["cv"] is not None:
                m["noise_pct"] = 2 * max(m["cv"], b["cv"])
                m["within_noise"] = abs(m["delta_pct"]) < m["noise_pct"]
    return scenarios, groups


def fmt(x):
    if x is None:
        return "-"
    a = abs(x)
    if a >= 100:
        return "%.0f" % x
    if a >= 10:
        return "%.1f" % x
    return "%.2f" % x


def outcome_text(g):
    oc = g["outcomes"]
    ok = oc.get("ok", 0)
    parts = ["%d/%d ok" % (ok, g["runs"])]
    for k, v in sorted(oc.items()):
        if k != "ok":
            parts.append("%d %s" % (v, OUTCOME_LABEL.get(k, k)))
    text = ", ".join(parts)
    if ok < g["runs"]:
        text += " (expected)" if g["expect"] == "fail" and not g["problems"] else " **(problem)**"
    elif g["expect"] == "fail":
        text += " (expected to fail, passed)"
    return text


def delta_text(m, direction):
    if m.get("delta_pct") is None:
        return "-"
    d = m["delta_pct"]
    text = "%+.1f%%" % d
    if m.get("within_noise") is None:
        return text + " (n<2: noise unknown)"
    if m["within_noise"]:
        return text + " within noise"
    if direction > 0:
        return text + (" better" if d > 0 else " worse")
    if direction < 0:
        return text + (" better" if d < 0 else " worse")
    return text


def scenario_params(s, meta):
    return DESCRIPTION.get(s, s).format(
        size=meta.get("size_" + s, "?"),
        build=meta.get("build_args", "?").replace("wb.", ""))


def plot(s, groups, path):
    """One bar chart per scenario: a panel per metric, bars per kernel,
    grouped by backend/compressor, error bars = stddev."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    gs = [g for g in groups if g["scenario"] == s]
    # A metric no kernel reported (vswap's debugfs, no vswap kernel): no panel.
    metrics = [m for m in METRICS.get(s, []) if any(g["metrics"][m[0]]["n"] for g in gs)]
    if not metrics or not gs:
        return False
    cfgs = []
    for g in gs:
        c = (g["backend"], g["compressor"])
        if c not in cfgs:
            cfgs.append(c)
    kernels = sorted({g["kernel"] for g in gs}, key=kernel_rank)
    colors = {"base": "#8c8c8c", "novswap": "#4c72b0", "vswap": "#dd8452"}
    ncols = min(3, len(metrics))
    nrows = (len(metrics) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.6 * nrows), squeeze=False)
    width = 0.8 / max(1, len(kernels))
    handles, labels = [], []
    for i, (key, label, unit, direction) in enumerate(metrics):
        ax = axes[i // ncols][i % ncols]
        for j, k in enumerate(kernels):
            xs, ys, es, fails = [], [], [], []
            for x, c in enumerate(cfgs):
                g = next((g for g in gs if g["kernel"] == k and (g["backend"], g["compressor"]) == c), None)
                if g is None:
                    continue
                m = g["metrics"].get(key, {})
                pos = x - 0.4 + width * (j + 0.5)
                if m.get("n"):
                    xs.append(pos)
                    ys.append(m["mean"])
                    es.append(m["sd"] or 0)
                elif not g["outcomes"].get("ok"):
                    fails.append(pos)
            if xs:
                ax.bar(xs, ys, width, yerr=es, capsize=3, label=k, color=colors.get(k, None))
            elif fails:
                ax.bar([], [], width, label=k, color=colors.get(k, None))
            for pos in fails:
                ax.text(pos, 0, "fail", rotation=90, ha="center", va="bottom", fontsize=8, color="red")
        hint = {1: " (higher is better)", -1: " (lower is better)"}.get(direction, "")
        ax.set_title("%s%s" % (label, hint), fontsize=9)
        ax.set_ylabel(unit, fontsize=8)
        ax.set_xlim(-0.6, len(cfgs) - 0.4)
        ax.set_xticks(range(len(cfgs)))
        ax.set_xticklabels(["%s\n%s" % c for c in cfgs], fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(axis="y", alpha=0.3)
        if i == 0:
            handles, labels = ax.get_legend_handles_labels()
    for i in range(len(metrics), nrows * ncols):
        axes[i // ncols][i % ncols].axis("off")
    fig.suptitle("%s: mean +/- stddev over verified runs" % s, fontsize=10, x=0.02, ha="left")
    fig.legend(handles, labels, loc="upper right", ncol=len(kernels), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def compare(m, b):
    """Delta of metric stats m against b in %, and whether it is within
    noise (None: fewer than 2 runs on a side)."""
    if not m or not b or not m.get("n") or not b.get("n") or not b.get("mean"):
        return None, None
    d = (m["mean"] - b["mean"]) / abs(b["mean"]) * 100
    if m.get("cv") is None or b.get("cv") is None:
        return d, None
    return d, abs(d) < 2 * max(m["cv"], b["cv"])


def headline(groups):
    """The headline table's rows (markdown lines), or [] when the run has
    none of its cells."""
    index = {(g["scenario"], g["kernel"], g["backend"], g["compressor"]): g for g in groups}
    labels = {key: (label, unit, direction) for s in METRICS for key, label, unit, direction in METRICS[s]}
    head = ["| scenario | metric | base (backend) |"]
    rule = ["| --- | --- | --- |"]
    for k, b, c in HEADLINE_COLUMNS:
        head.append(" %s%s |" % (k, " %s/%s" % (b, c) if b else ""))
        rule.append(" --- |")
    lines = ["".join(head), "".join(rule)]
    any_cell = False
    for s, key, b, c in HEADLINE:
        base = index.get((s, "base", b, c))
        if not base or not base["metrics"].get(key, {}).get("n"):
            base_m = None
        else:
            base_m = base["metrics"][key]
        label, unit, direction = labels[key]
        hint = {1: " ↑", -1: " ↓"}.get(direction, "")
        cells = []
        for k, cb, cc in HEADLINE_COLUMNS:
            g = index.get((s, k, cb or b, cc or c))
            m = g["metrics"].get(key) if g else None
            if g is None:
                cells.append("")
                continue
            if not m or not m.get("n"):
                cells.append("fail" if not g["outcomes"].get("ok") else "")
                continue
            any_cell = True
            if base_m is None:
                cells.append("%s %s" % (fmt(m["mean"]), unit))
                continue
            d, noise = compare(m, base_m)
            if noise is None:
                cells.append("%+.1f%% (noise unknown)" % d)
            elif noise:
                cells.append("%+.1f%% ≈" % d)
            elif direction == 0:
                cells.append("%+.1f%%" % d)
            else:
                better = (d > 0) == (direction > 0)
                cells.append("**%+.1f%%** %s" % (d, "better" if better else "worse"))
        if not any(cells):
            continue
        base_text = "%s %s (%s/%s)" % (fmt(base_m["mean"]), unit, b, c) if base_m else "-"
        lines.append("| %s | %s%s | %s | %s |" % (s, label, hint, base_text, " | ".join(cells)))
    return lines if any_cell else []


def write_md(path, prefix, meta, runs, scenarios, groups, plots):
    base = os.path.basename(prefix)
    L = []
    add = L.append
    problems = [r for r in runs if r.get("problem") == "yes"]
    corrupt = [r for r in runs if r.get("result") == "corrupt"]
    accel = meta.get("accel", "tcg")
    add("# vswap benchmark %s" % meta.get("name", base))
    add("")
    add("| | |")
    add("| --- | --- |")
    add("| date | %s |" % meta.get("date", "unknown"))
    add("| repo | `%s` |" % meta.get("repo_hash", "unknown"))
    series = ""
    if "linux_commits" in meta:
        series = " (base `%s` + %s commit(s))" % (meta.get("linux_base", "?"), meta["linux_commits"])
    add("| build/linux HEAD | `%s`%s |" % (meta.get("linux_hash", "unknown"), series))
    if meta.get("vswap_kconfig") == "no":
        add("| CONFIG_VSWAP | not in the tree yet: `novswap` and `vswap` are the same kernel |")
    kv = OrderedDict()
    for g in groups:
        for v in g["kver"]:
            kv.setdefault(g["kernel"], set()).add(v)
    for k in sorted({g["kernel"] for g in groups}, key=kernel_rank):
        img = meta.get("image_" + k, "")
        add("| kernel %s | %s%s |" % (k, ", ".join(sorted(kv.get(k, []))) or "?",
                                     " (`%s`)" % img if img else ""))
    if accel == "tcg":
        add("| accel | TCG (emulation, no KVM): **ratios, not absolute times, are the claim** |")
    else:
        add("| accel | %s |" % accel)
    add("| guest | %s MiB RAM, %s vCPUs, virtio swap disk %s MiB (zram disksize the same) |" % (
        meta.get("mem_mb", "?"), meta.get("smp", "?"), meta.get("disk_mb", "?")))
    size = meta.get("size", "?")
    if meta.get("box_mb", "0") not in ("0", ""):
        size += " (usemem/memhog/zero in a memory cgroup, memory.max=%s MiB)" % meta["box_mb"]
    add("| rounds, size | %s, %s; runs interleaved (each scenario on every kernel in turn) |" % (
        meta.get("rounds", "?"), size))
    add("| host | %s, %s CPU(s); load %s at start, %s at end |" % (
        meta.get("host_cpu", "?"), meta.get("host_cpus", "?"),
        meta.get("load_start", "?"), meta.get("load_end", "?")))
    if "bench_seconds" in meta:
        s = int(meta["bench_seconds"])
        add("| duration | %d:%02d:%02d for %s of %s planned runs |" % (
            s // 3600, s % 3600 // 60, s % 60, meta.get("runs_done", len(runs)),
            meta.get("runs_planned", "?")))
    for i, r in enumerate(meta.get("resumed", [])):
        add("| %s | %s |" % ("resumed (RESUME=)" if i == 0 else "", r))
    add("| logs | `%s` |" % meta.get("logs", "?"))
    add("")
    try:
        busy = float(meta.get("load_end", "0").split()[0]) > float(meta.get("host_cpus", "0") or 0) > 0
    except ValueError:
        busy = False
    if busy:
        add("> The host was busy (load above its CPU count): expect more noise than usual.")
        add("")
    if meta.get("interrupted") == "yes":
        add("> **Interrupted**: this report covers only the runs done before the stop.")
        add("")

    add("## Verdict")
    add("")
    if not runs:
        add("No run was recorded.")
    elif problems:
        add("**FAIL**: %d of %d run(s) had a problem%s." % (
            len(problems), len(runs),
            " (%d with wrong data)" % len(corrupt) if corrupt else ""))
    else:
        add("**PASS**: the data of every run verified, or the run failed as the matrix expects.")
    add("")
    if problems:
        add("| run | result | reason |")
        add("| --- | --- | --- |")
        for r in problems:
            add("| %s | %s | %s |" % (r.get("run", "?"), OUTCOME_LABEL.get(r.get("result"), r.get("result")),
                                     r.get("reason", "").replace("|", "/")))
        add("")
    exp = [g for g in groups if g["expect"] == "fail" and g["outcomes"].get("ok", 0) < g["runs"]]
    if exp:
        add("Expected failures (recorded, not errors):")
        add("")
        for g in exp:
            add("- %s on %s %s/%s: %s%s" % (g["scenario"], g["kernel"], g["backend"], g["compressor"],
                                          outcome_text(g),
                                          (": " + g["reasons"][0]) if g["reasons"] else ""))
        add("")

    table = headline(groups)
    if table:
        add("## Headline")
        add("")
        add("Mean of each cell against `base` (the base column's backend unless the column "
            "names one): **bold** = beyond noise (|Δ| ≥ 2 × the larger CV), "
            "≈ = within noise, not a result.  ↑/↓: higher/lower is better.")
        add("")
        L.extend(table)
        add("")

    add("## Matrix")
    add("")
    add("| kernel | backend | compressor | expected |")
    add("| --- | --- | --- | --- |")
    rows = meta.get("matrix") or sorted({(g["kernel"], g["backend"], g["compressor"], g["expect"])
                                         for g in groups}, key=lambda r: kernel_rank(r[0]))
    for row in rows:
        row = list(row) + ["ok"] * (4 - len(row))
        add("| %s | %s | %s | %s |" % (row[0], row[1], row[2], "works" if row[3] == "ok" else "fails"))
    add("")
    if "swapoff" in scenarios and any(g["backend"] == "zswap-only" for g in groups):
        add("swapoff runs only where there is a swap device (not on zswap-only).")
        add("")

    for s in scenarios:
        gs = [g for g in groups if g["scenario"] == s]
        add("## %s" % s)
        add("")
        add(scenario_params(s, meta))
        add("")
        add("| metric | backend | kernel | runs | mean ± sd | CV | Δ vs base |")
        add("| --- | --- | --- | --- | --- | --- | --- |")
        cfgs = []
        for g in gs:
            c = (g["backend"], g["compressor"])
            if c not in cfgs:
                cfgs.append(c)
        for i, (key, label, unit, direction) in enumerate(METRICS.get(s, [])):
            first = True
            for c in cfgs:
                for g in sorted((g for g in gs if (g["backend"], g["compressor"]) == c),
                                key=lambda g: kernel_rank(g["kernel"])):
                    m = g["metrics"][key]
                    if i > 0 and not m["n"]:
                        # failed runs: shown once, under the headline; a
                        # kernel without the metric (vswap's debugfs on
                        # base): no row
                        continue
                    if m["n"]:
                        if m["sd"] is None:
                            val = "%s %s" % (fmt(m["mean"]), unit)
                        else:
                            val = "%s ± %s %s" % (fmt(m["mean"]), fmt(m["sd"]), unit)
                        cv = "%.1f%%" % m["cv"] if m["cv"] is not None else "-"
                    else:
                        val = ", ".join(sorted({OUTCOME_LABEL.get(k, k) for k in g["outcomes"]})) \
                            if g["outcomes"] else "-"
                        cv = "-"
                    hint = {1: " ↑", -1: " ↓"}.get(direction, "")
                    add("| %s | %s/%s | %s | %s | %s | %s | %s |" % (
                        (label + hint) if first else "", c[0], c[1], g["kernel"],
                        outcome_text(g), val, cv, delta_text(m, direction)))
                    first = False
        add("")
        fails = [g for g in gs if g["reasons"]]
        for g in fails:
            add("- %s %s/%s: %s" % (g["kernel"], g["backend"], g["compressor"], "; ".join(g["reasons"][:3])))
        if fails:
            add("")
        if s in plots:
            add("![%s](%s)" % (s, os.path.basename(plots[s])))
            add("")

    add("## How to read this")
    add("")
    add("- Statistics use only runs whose data verified (`ok`); other runs are counted in *runs*.")
    add("- mean ± sd: sample standard deviation over rounds; CV = sd / mean.")
    add("- Δ vs base: the same backend and compressor on the `base` kernel (no series). "
        "↑ higher is better, ↓ lower is better.")
    add("- *within noise*: |Δ| < 2 × the larger CV of the two; such a difference is not a result. "
        "With fewer than 2 verified runs there is no noise estimate.")
    if accel == "tcg":
        add("- The guests run under TCG (emulated CPU): absolute times are far from real hardware; "
            "compare kernels with each other, not with other machines.")
    add("- Every run is a fresh guest boot; the CSV has every run's raw numbers, "
        "including vmstat deltas (`vm_*`) and the guest's logs path (`run`).")
    add("")
    add("Files: `%s.csv` (one row per run), `%s.json` (this summary)%s." % (
        base, base, ", " + ", ".join("`%s`" % os.path.basename(p) for p in plots.values()) if plots else ""))
    if not plots:
        add("")
        add("(No plots: matplotlib is not installed for this python3; `apt-get install python3-matplotlib`.)")
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


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
