"""Prefill every municipality of the country and collect them back, as a user runs it: each command
in a fresh process; time and peak memory, at two sizes to show memory stays flat in the rows. Then
what reading one returned file and reading the data (CSV and XLSX) cost, in-process.

    python benchmarks/bench_fill_collect.py [ROWS]      (default 480, about the country's count)
"""
from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator import DEFAULT_CALL

FORMGEN = str(Path(sys.executable).with_name("formgen"))  # the command a user types


def write_rows(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["aa_name", "sender_head", "sender_region", "population", "interaction_rating"])
        for i in range(rows):
            writer.writerow([f"Айыл аймагы {i}", f"Башчы {i}", ["Чүй", "Ош", "Нарын"][i % 3], 1000 + i, i % 5 + 1])


def timed(command: list[str]) -> tuple[float, float, float]:
    """(seconds, CPU seconds of the command and its workers, peak MB of the largest process the
    command ran), the command in a fresh process. On a busy machine the CPU time is the figure to compare."""
    start = time.perf_counter()
    code = os.wait4(subprocess.Popen(command, stdout=subprocess.DEVNULL).pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(code[1]) not in (0, 1):
        raise SystemExit(f"{command[:2]} failed")
    usage = code[2]  # the workers, waited for by the command, are counted in its times
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux: kilobytes


def run(root: Path, rows: int) -> None:
    data, out = root / f"rows-{rows}.csv", root / f"out-{rows}"
    write_rows(data, rows)
    seconds, cpu, peak = timed([FORMGEN, "fill", "--data", str(data), "--out", str(out)])
    files = [p for p in out.rglob("*") if p.suffix in (".pdf", ".docx")]
    size = sum(p.stat().st_size for p in files)
    print(f"fill {rows} rows → {len(files)} files ({size / 1e6:.0f} MB): {seconds:.1f} s, CPU {cpu:.1f} s "
          f"({cpu / rows * 1000:.0f} ms a row), peak memory of the command's process {peak:.0f} MB")
    seconds, cpu, peak = timed([FORMGEN, "collect", str(out), "--out", str(root / f"applications-{rows}.xlsx")])
    print(f"collect {len(files)} files → workbook: {seconds:.1f} s, CPU {cpu:.1f} s "
          f"({cpu / len(files) * 1000:.1f} ms a file), peak memory {peak:.0f} MB")


def per_file(out: Path, count: int = 100) -> None:
    """In-process, one process: what `collect` spends on one returned file, by its name; PDFs also
    through qpdf alone, as every PDF was read before the quick reader."""
    from generator.sources.call import load_call
    from generator.commands.collect import Forms, read_file
    from generator.formats.pdf.read import qpdf_fields

    forms = Forms(load_call(DEFAULT_CALL))
    by_name: dict[str, list[Path]] = {}
    for path in sorted(out.rglob("*")):
        if path.suffix in (".pdf", ".docx"):
            by_name.setdefault(path.name, []).append(path)
    print(f"reading one returned file in-process (CPU, mean of {count}, after the first of its name):")
    for name, paths in sorted(by_name.items()):
        read_file(paths[0], forms)
        start = time.process_time()
        for path in paths[1:count + 1]:
            read_file(path, forms)
        line = f"  {name:<24} {(time.process_time() - start) / len(paths[1:count + 1]) * 1000:5.2f} ms"
        if name.endswith(".pdf"):
            data = [path.read_bytes() for path in paths[1:count + 1]]
            start = time.process_time()
            for one in data:
                qpdf_fields(one)
            line += f"   (its fields through qpdf alone: {(time.process_time() - start) / len(data) * 1000:5.2f} ms)"
        print(line)


def reading_data(root: Path, rows: int) -> None:
    """In-process: what `fill` spends reading its data, the same rows as CSV and as XLSX (a sheet is
    read through once for its merged cells and damage, then row by row), and the XLSX of 100 times
    as many rows; CPU, the best of three."""
    from openpyxl import Workbook

    from generator.formats.tables.rows import read_rows

    for count in (rows, rows * 100):
        write_rows(root / f"data-{count}.csv", count)
        with (root / f"data-{count}.csv").open(encoding="utf-8") as stream:
            book = Workbook(write_only=True)
            sheet = book.create_sheet()
            for line in csv.reader(stream):
                sheet.append(line)
            book.save(root / f"data-{count}.xlsx")
    print("reading the data in-process (CPU, the best of 3):")
    for count in (rows, rows * 100):
        for suffix in (".csv", ".xlsx"):
            best = float("inf")
            for _ in range(3):
                start = time.process_time()
                sum(1 for _ in read_rows(root / f"data-{count}{suffix}"))
                best = min(best, time.process_time() - start)
            print(f"  {count:>6} rows of {suffix[1:].upper():4} {best * 1000:7.0f} ms")


def main(rows: int) -> None:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        for count in (rows // 4, rows):
            run(Path(folder), count)
        per_file(Path(folder) / f"out-{rows}")
        reading_data(Path(folder), rows)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest process of all (a worker included): {workers:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 480)
