# SPDX-License-Identifier: GPL-2.0
"""benchlib.render: the report of a `make bench` run: the markdown tables, the headline
and the plots, from the groups benchlib.stats computes."""
import os
from collections import OrderedDict
from benchlib.stats import METRICS, compare, kernel_rank


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
                                         for g in groups}, key=lambda r: (kernel_rank(r[0]),) + r)
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
