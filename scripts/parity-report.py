#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tabulate the records of the parity guest plan (guest/plans/parity.sh).

    parity-report.py LABEL=TAP_LOG [LABEL=TAP_LOG ...]

Each TAP log holds "# parity: key=value ..." lines, one per scenario and
mode.  The output is one Markdown table: a row per scenario, kernel (LABEL)
and mode, the columns below; docs/parity.md is made of it.
"""
import sys

COLUMNS = [
    ("rc", "rc"),
    ("cg_oom", "OOM kills"),
    ("secs", "s"),
    ("hold_swap_kb", "VmSwap held kB"),
    ("vm_pswpout", "pswpout"),
    ("vm_zswpout", "zswpout"),
    ("vm_zswpwb", "zswpwb"),
    ("vm_pgscan_anon", "pgscan_anon"),
    ("vm_workingset_refault_anon", "refault_anon"),
    ("vm_pgmajfault", "majflt"),
    ("r2_pswpin", "read back"),
    ("r2_pgmajfault", "majflt after hold"),
    ("r2_stored", "stored again"),
    ("swap_peak_kb", "swap.peak kB"),
    ("idle", "idle after free"),
]


def records(path):
    with open(path, errors="replace") as f:
        for line in f:
            if not line.startswith("# parity: "):
                continue
            rec = {}
            for field in line[len("# parity: "):].split():
                key, sep, value = field.partition("=")
                if sep:
                    rec[key] = value
            if "scenario" in rec and "mode" in rec:
                yield rec


def main(argv):
    if len(argv) < 2 or any("=" not in a for a in argv[1:]):
        sys.exit("usage: parity-report.py LABEL=TAP_LOG [LABEL=TAP_LOG ...]")
    rows = {}
    order = []
    for arg in argv[1:]:
        label, _, path = arg.partition("=")
        try:
            recs = list(records(path))
        except OSError as e:
            sys.exit(f"parity-report.py: {path}: {e.strerror}")
        if not recs:
            sys.exit(f"parity-report.py: {path}: no '# parity:' records")
        for rec in recs:
            sc = rec["scenario"]
            if sc not in rows:
                rows[sc] = []
                order.append(sc)
            rows[sc].append((label, rec))
    print("| scenario | kernel | mode | " + " | ".join(h for _, h in COLUMNS) + " |")
    print("|" + " --- |" * (3 + len(COLUMNS)))
    for sc in order:
        for label, rec in rows[sc]:
            cells = [rec.get(k, "") for k, _ in COLUMNS]
            print(f"| {sc} | {label} | {rec['mode']} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv)
