#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kunit-to-tap.py KUNIT_JSON: turn the JSON that `kunit.py parse --json`
writes into flat TAP, one line per KUnit test case, named suite.case.
A suite that crashed or printed no results is one failing line; no KUnit
output at all is a failure too (the suites are built in, so they must run)."""
import json
import sys


def walk(group, prefix, out):
    name = prefix + group.get("name", "?")
    cases = group.get("test_cases", [])
    subs = group.get("sub_groups", [])
    for case in cases:
        out.append((name + "." + case.get("name", "?"), case.get("status", "FAIL")))
    for sub in subs:
        walk(sub, name + ".", out)
    if not cases and not subs:
        out.append((name, "FAIL"))


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    results = []
    for group in data.get("sub_groups", []) or []:
        walk(group, "kunit:", results)
    print("TAP version 13")
    if not results:
        results.append(("kunit:no-results", "FAIL"))
    for n, (name, status) in enumerate(results, 1):
        if status == "PASS":
            print(f"ok {n} {name}")
        elif status == "SKIP":
            print(f"ok {n} {name} # SKIP")
        else:
            print(f"not ok {n} {name} # {status}")
    print(f"1..{len(results)}")


if __name__ == "__main__":
    main()
