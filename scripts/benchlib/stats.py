# SPDX-License-Identifier: GPL-2.0
"""benchlib.stats: the statistics of a `make bench` run: mean, standard deviation and
CV per scenario, kernel, backend and compressor, and deltas against base."""
import math
from collections import Counter, OrderedDict
from benchlib.read import num


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


def compare(m, b):
    """Delta of metric stats m against b in %, and whether it is within
    noise (None: fewer than 2 runs on a side)."""
    if not m or not b or not m.get("n") or not b.get("n") or not b.get("mean"):
        return None, None
    d = (m["mean"] - b["mean"]) / abs(b["mean"]) * 100
    if m.get("cv") is None or b.get("cv") is None:
        return d, None
    return d, abs(d) < 2 * max(m["cv"], b["cv"])
