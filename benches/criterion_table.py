#!/usr/bin/env python3
"""Prints the last criterion results as the Markdown table of BENCHMARKS.md (issue 6).

Reads target/criterion/*/*/new/{benchmark,sample}.json (or the criterion directory given as
the first argument; with CARGO_TARGET_DIR set, $CARGO_TARGET_DIR/criterion). For each
benchmark: the median of its samples (each sample's time divided by its iterations, the
statistic criterion reports as "median"), as articles/s and/or MiB/s, and the range from the
slowest to the fastest sample. Benchmarks are listed in the order of the group names given
after the directory (then by name, numbers by value), else by name.
"""

import glob
import json
import os
import re
import statistics
import sys


def rate(value, unit):
    if unit == "MiB/s":
        return f"{value / 2**20:,.1f}"
    return f"{value:,.0f}"


def natural(text):
    """Sort key that puts w80 before w120 and 8KB before 64KB."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def main():
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "criterion")
    order = sys.argv[2:]
    rows = []
    for path in glob.glob(os.path.join(root, "**", "new", "benchmark.json"), recursive=True):
        new = os.path.dirname(path)
        with open(path) as f:
            bench = json.load(f)
        with open(os.path.join(new, "sample.json")) as f:
            sample = json.load(f)
        per_iter = [t / n for t, n in zip(sample["times"], sample["iters"])]  # ns
        median = statistics.median(per_iter)
        fast, slow = min(per_iter), max(per_iter)
        throughput = bench.get("throughput") or {}
        units = []
        if "ElementsAndBytes" in throughput:
            t = throughput["ElementsAndBytes"]
            units = [("articles/s", t["elements"]), ("MiB/s", t["bytes"])]
        elif "Elements" in throughput:
            units = [("articles/s", throughput["Elements"])]
        elif "Bytes" in throughput:
            units = [("MiB/s", throughput["Bytes"])]
        cells = []
        for unit, amount in units:
            per_s = lambda ns: amount * 1e9 / ns  # noqa: E731
            cells.append(
                (
                    f"{rate(per_s(median), unit)} {unit}",
                    f"{rate(per_s(slow), unit)}–{rate(per_s(fast), unit)}",
                )
            )
        group = bench["group_id"]
        rank = order.index(group) if group in order else len(order)
        rows.append((rank, group, bench["full_id"], median, cells, throughput))
    rows.sort(key=lambda r: (r[0], r[1], natural(r[2])))
    print("| bench | input | median time | median | range (slowest–fastest sample) |")
    print("|---|---|---|---|---|")
    for _, _, full_id, median, cells, throughput in rows:
        t = throughput.get("ElementsAndBytes", {})
        size = t.get("bytes", throughput.get("Bytes"))
        items = t.get("elements", throughput.get("Elements"))
        parts = []
        if items is not None:
            parts.append(f"{items} articles")
        if size is not None:
            parts.append(f"{size / 1024:,.1f} KiB")
        time = f"{median / 1e6:.3f} ms" if median >= 1e5 else f"{median / 1e3:.1f} µs"
        print(
            f"| `{full_id}` | {', '.join(parts)} | {time} | "
            f"{'<br>'.join(c[0] for c in cells)} | {'<br>'.join(c[1] for c in cells)} |"
        )


if __name__ == "__main__":
    main()
