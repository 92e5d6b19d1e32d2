"""Prefill every municipality of the country and collect them back: time and peak memory.

    python benchmarks/bench_fill_collect.py [ROWS]      (default 480, about the country's count)
"""
from __future__ import annotations

import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

from generator import DEFAULT_CALL
from generator.call import load_call
from generator.collect import Forms, collect, tables
from generator.fill import fill
from generator.spreadsheet import write_tables


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports kilobytes


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data = root / "municipalities.csv"
        with data.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["aa_name", "sender_head", "sender_region", "population", "interaction_rating"])
            for i in range(rows):
                writer.writerow([f"Айыл аймагы {i}", f"Башчы {i}", ["Чүй", "Ош", "Нарын"][i % 3], 1000 + i, i % 5 + 1])
        start = time.perf_counter()
        report = fill(data, DEFAULT_CALL, root / "out", ["ru", "ky"], ["docx", "pdf"])
        filled = time.perf_counter() - start
        files = sum(len(r["files"]) for r in report.rows)
        size = sum(f["bytes"] for r in report.rows for f in r["files"])
        print(f"fill: {rows} rows, {files} files ({size / 1e6:.0f} MB) in {filled:.1f} s "
              f"({filled / rows * 1000:.0f} ms a row); peak memory: main {peak_mb(resource.RUSAGE_SELF):.0f} MB, "
              f"largest worker {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB")
        start = time.perf_counter()
        call = load_call(DEFAULT_CALL)
        applications, problems = collect([root / "out"], call)
        write_tables(root / "applications.xlsx", tables(applications, problems, Forms(call), "ky"))
        collected = time.perf_counter() - start
        print(f"collect: {files} files → {len(applications)} applications, {len(problems)} problems, xlsx written, "
              f"in {collected:.1f} s; peak memory of the process: {peak_mb(resource.RUSAGE_SELF):.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 480)
