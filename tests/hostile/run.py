"""Run the hostile corpus: one line per case, then the totals, which must all be 0.

    python tests/hostile/run.py [--jobs N] [--keep DIR] [NAME_FRAGMENT…]

Each case runs in its own forked process (so its peak memory is its own), in its own folder, with
the command line called in-process as a user would call it.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import re
import resource
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: `hostile` as a package

from hostile.cases import CASES, MARKER, Case, filled_pdf  # noqa: E402

TIME_LIMIT, MEMORY_LIMIT_MB, HARD_TIMEOUT = 30, 500, 120
TOTALS = ("tracebacks", "over 30 s", "over 500 MB", "rows or files unaccounted", "writes outside --out",
          "template code run", "outcomes unlike the case's")


@dataclass
class Result:
    name: str
    exit: object = None
    seconds: float = 0.0
    megabytes: int = 0
    traceback: str = ""
    unaccounted: list = None
    outside: list = None
    template: bool = False
    message: str = ""
    unmet: list = None

    def faults(self) -> dict[str, int]:
        return {"tracebacks": int(bool(self.traceback)), "over 30 s": int(self.seconds > TIME_LIMIT),
                "over 500 MB": int(self.megabytes > MEMORY_LIMIT_MB),
                "rows or files unaccounted": len(self.unaccounted or []),
                "writes outside --out": len(self.outside or []), "template code run": int(self.template),
                "outcomes unlike the case's": len(self.unmet or [])}

    def line(self) -> str:
        faults = {k: v for k, v in self.faults().items() if v}
        status = "FAIL" if faults else "ok  "
        detail = "; ".join(f"{k}: {v}" for k, v in faults.items())
        extra = (self.traceback.strip().splitlines() or [""])[-1] if self.traceback else self.message
        extra = (self.unaccounted or self.outside or self.unmet or [extra])[0] if faults and not self.traceback else extra
        return (f"{status} {self.name:48} exit {str(self.exit):>4} {self.seconds:5.1f} s {self.megabytes:4d} MB  "
                f"{detail + ' — ' if detail else ''}{str(extra)[:110]}")


def entries(folder: Path) -> set[str]:
    """Every path under the folder, links not followed, relative to it."""
    found = set()
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            found.add(os.path.relpath(os.path.join(root, name), folder))
    return found


def run_case(case: Case, folder: Path) -> Result:
    from generator.cli import app

    result = Result(case.name)
    folder.mkdir(parents=True)
    os.chdir(folder)
    args = case.make(folder)
    before = entries(folder)
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            app(args)
    except SystemExit as exit:
        result.exit = exit.code
    except BaseException:  # noqa: BLE001 (the corpus counts whatever escapes)
        result.traceback = traceback.format_exc()
    result.seconds = time.perf_counter() - started
    result.megabytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    stderr = err.getvalue()
    if "Traceback" in stderr or "Traceback" in out.getvalue():
        result.traceback = stderr
    result.message = (stderr.strip().splitlines() or out.getvalue().strip().splitlines() or [""])[-1]
    after = entries(folder)
    result.outside = sorted(p for p in after - before if not any(
        p == o or p.startswith(o + os.sep) for o in case.outs) and not _is_input(p, case))
    result.template = any(Path(p).name == MARKER for p in after) or Path("/tmp", MARKER).exists()
    result.unaccounted = _rows_unaccounted(case, folder, result) + _files_unaccounted(case, folder, result)
    if case.expect and not result.traceback:
        result.unmet = case.expect(folder, result.exit, out.getvalue() + stderr)
    return result


def _is_input(path: str, case: Case) -> bool:
    return bool(case.inputs) and (path == case.inputs or path.startswith(case.inputs + os.sep))


def _whole_file_refused(result: Result) -> bool:
    return result.exit not in (0, None) and result.message.startswith("error: ")


def _rows_unaccounted(case: Case, folder: Path, result: Result) -> list[str]:
    if not case.rows:
        return []
    manifest = folder / "out" / "manifest.json"
    if not manifest.exists():
        return [] if _whole_file_refused(result) else [f"row {n}" for n in case.rows]
    data = json.loads(manifest.read_text(encoding="utf-8"))
    done = {row["row"] for row in data["rows"]}
    done |= {int(n) for problem in data["problems"] for n in re.findall(r": row (\d+)", problem)}
    return [f"row {n} neither produced nor reported" for n in case.rows if n not in done]


def _files_unaccounted(case: Case, folder: Path, result: Result) -> list[str]:
    from generator.errors import shown

    if not case.inputs:
        return []
    root = folder / case.inputs
    given = set()
    for path in sorted(entries(root)):
        full = root / path
        if not full.is_dir() or full.is_symlink() or not os.access(full, os.R_OK | os.X_OK):
            given.add(shown(str(full)))
    table = folder / case.outs[0]
    if not table.exists():
        return [] if _whole_file_refused(result) else sorted(given)
    data = json.loads(table.read_text(encoding="utf-8"))
    seen = {p["file"] for p in data["problems"]} | {f for row in data["general"] for f in row["files"].split("; ")}
    seen = {re.sub(r", page \d+$", "", f) for f in seen}  # a scan is read page by page: "scan.pdf, page 2"
    return [f"{path} neither read nor reported" for path in sorted(given - seen)]


def _child(case_index: int, folder: str, connection) -> None:
    multiprocessing.current_process().daemon = False  # `collect` may start workers of its own
    try:
        result = run_case(CASES[case_index], Path(folder))
    except BaseException:  # noqa: BLE001 (making the inputs failed: the corpus itself is broken)
        result = Result(CASES[case_index].name, traceback="making the case: " + traceback.format_exc())
    connection.send(result)
    connection.close()


def warm_up() -> None:
    """Import and cache once what every case needs: each forked case starts from it."""
    import docx  # noqa: F401
    import openpyxl  # noqa: F401

    import generator.commands.check  # noqa: F401
    import generator.cli  # noqa: F401
    import generator.formats.docx.letterhead  # noqa: F401
    from generator import DEFAULT_CALL
    from generator.sources.call import load_call
    from generator.commands.collect import Forms

    Forms(load_call(DEFAULT_CALL))
    filled_pdf()


def run_all(root: Path, names: list[str] | None = None, jobs: int = 2, echo=print) -> dict[str, int]:
    """Run the cases (all, or those whose name holds one of `names`); print a line each; the totals."""
    warm_up()
    context = multiprocessing.get_context("fork")
    chosen = [i for i, case in enumerate(CASES) if not names or any(n in case.name for n in names)]
    totals = dict.fromkeys(TOTALS, 0)
    running: list = []
    queue = list(chosen)
    while queue or running:
        while queue and len(running) < jobs:
            index = queue.pop(0)
            receive, send = context.Pipe(duplex=False)
            folder = root / re.sub(r"[^\w.-]", "_", CASES[index].name)
            process = context.Process(target=_child, args=(index, str(folder), send), daemon=True)
            process.start()
            send.close()
            running.append((process, receive, index, time.monotonic()))
        time.sleep(0.02)
        for item in list(running):
            process, receive, index, started = item
            result = None
            if receive.poll():
                result = receive.recv()
            elif not process.is_alive() or time.monotonic() - started > HARD_TIMEOUT:
                process.kill()
                result = Result(CASES[index].name, seconds=time.monotonic() - started,
                                traceback="" if process.exitcode in (0, None, -9) else f"died: {process.exitcode}")
            if result is None:
                continue
            process.join()
            running.remove(item)
            echo(result.line())
            for key, value in result.faults().items():
                totals[key] += value
    echo(f"{len(chosen)} cases: " + ", ".join(f"{key} {value}" for key, value in totals.items()))
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only the cases whose name holds one of these")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="make the cases in this folder and keep them")
    options = parser.parse_args()
    with contextlib.ExitStack() as stack:
        root = options.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hostile-")))
        totals = run_all(root.resolve(), options.names, options.jobs)
        for folder in root.glob("*/*"):  # an unreadable folder made by a case would stop the cleanup
            with contextlib.suppress(OSError):
                folder.chmod(0o755) if folder.is_dir() and not folder.is_symlink() else None
        for path in root.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                with contextlib.suppress(OSError):
                    path.chmod(0o755)
    return 1 if any(totals.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
