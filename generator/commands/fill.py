"""`formgen fill`: one prefilled letter and Annex 2 per row of a data file, in bulk.

Rows are read lazily and rendered by a pool of processes (one per core) with a bounded number of
rows in flight, so memory does not grow with the number of rows. A bad row is reported with its
row number and column; the other rows are still produced.
"""
from __future__ import annotations

import collections
import concurrent.futures as futures
import itertools
import re
import shutil
import signal
import sys
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..disk.files import write_json
from ..disk.folders import staged_folder
from ..errors import FormgenError, say, shown
from ..formats.tables.cells import BadCell, BadRow, Note, Rows
from ..formats.tables.rows import read_rows
from ..language.localize import label_texts
from ..model.forms import FieldDef, FormDef
from ..model.kinds import Options, check_value, decimal_of, plain_decimal, shown_values
from ..pipeline import (EDITIONS, FORMATS, Output, checked_choices, fillable_forms, forking, localized_documents,
                        localizers, printable_call, render_bytes, usable_jobs, write_outputs)
from ..sources.call import load_call
from ..sources.definitions import column_sums, load_settings
from ..sources.project import BUILTIN, Project, find_project

MAX_FOLDER_NAME = 80
PARALLEL_FROM = 8  # rows; fewer are faster in this process than with a pool
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


@dataclass
class Report:
    rows: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the data was read, where a person should know it


# ---- names -------------------------------------------------------------------------------------

def safe_folder_name(name: str, row_number: int, taken: set[str]) -> str:
    """A folder name from a municipality's name: no separators, no '..', no reserved names, unique."""
    text = unicodedata.normalize("NFC", name)
    text = re.sub(r'[\x00-\x1f<>:"/\\|?*]+', "_", text)
    text = re.sub(r"\.{2,}", "_", text).strip(" .")
    text = re.sub(r"\s+", " ", text)[:MAX_FOLDER_NAME].rstrip(" .")
    if not any(char.isalnum() for char in text):
        text = f"row-{row_number}"
    if text.split(".")[0].lower() in WINDOWS_RESERVED:
        text = f"_{text}"
    candidate, n = text, 2
    while candidate.casefold() in taken:
        candidate, n = f"{text}-{n}", n + 1
    taken.add(candidate.casefold())
    return candidate


# ---- values --------------------------------------------------------------------------------------

def undrawable(text: str) -> str | None:
    """A problem when the PDF's field font has no glyph for a character (emoji, CJK, Arabic):
    the PDF would show an empty box where the value has a letter."""
    from ..formats.pdf.fonts import face

    font = face("sans")
    missing = [char for char in dict.fromkeys(text) if char not in "\n\r\t" and not font.covers(char)]
    if not missing:
        return None
    shown = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip() for c in missing[:3])
    return f"the PDF font has no letter for {shown} (write it in Cyrillic or Latin letters)"


class RowChecker:
    def __init__(self, fields: dict[str, FieldDef], pdf: bool = True,
                 options: Options = Options(), forms: Iterable[FormDef] = ()) -> None:
        self.fields, self.pdf = fields, pdf
        self.options, self.forms = options, list(forms)

    def totals(self, values: dict[str, str], problems: list[tuple[str, str]]) -> None:
        """Each grid total is the sum of its column; a total the data gives must agree."""
        for form in self.forms:
            for total_id, expected in column_sums(form, values).items():
                if expected is None:
                    continue
                given = values.get(total_id)
                if given and decimal_of(given) != expected:
                    problems.append((total_id, f"{given} is not the sum of its column, {plain_decimal(expected)} "
                                                "(leave the total empty: fill adds it up)"))
                values[total_id] = plain_decimal(expected)

    def __call__(self, row: dict[str, str] | BadRow) -> tuple[dict[str, str], list[tuple[str, str]]]:
        if isinstance(row, BadRow):
            return {}, [("", str(row))]
        values, problems = {}, []
        for column, text in row.items():
            column = shown(column)
            if isinstance(text, BadCell):
                problems.append((column, text))
                continue
            if not text:
                continue
            if column not in self.fields:
                problems.append((column, "unknown column (use the field ids listed in the README)"))
                continue
            values[column], problem = check_value(self.fields[column], text, self.options)
            if not problem and self.pdf:
                problem = undrawable(text)
            if problem:
                problems.append((column, problem))
        self.totals(values, problems)
        return values, problems


# ---- producing one row ---------------------------------------------------------------------------

class Producer:
    """Everything a row needs, built once per process: documents and blank DOCX."""

    def __init__(self, call_path: Path, editions: list[str], formats: list[str], out_dir: Path,
                 form_ids: list[str], project: Project = BUILTIN) -> None:
        call = load_call(call_path)
        self.call, self.formats, self.out_dir = call, formats, out_dir
        self.documents = localized_documents(call, editions, form_ids, project)
        self.fields = [{f.id: f for f in d.fields()} for d in self.documents]
        self._blanks: dict[tuple[str, str], bytes] = {}
        self._blank_pdfs: dict[tuple[str, str], object] = {}
        self.localizers = localizers(call, project=project)

    def blank(self, document) -> bytes:
        """The document's empty DOCX, rendered on first use in this process."""
        key = (document.form_id, document.lang)
        if key not in self._blanks:
            self._blanks[key] = render_bytes(document, "docx")
        return self._blanks[key]

    def blank_pdf(self, document):
        """The document's empty PDF, rendered on first use in this process: a row's PDF is a copy
        with its values and its page codes written in, in a fifth of the time a render takes."""
        from ..formats.pdf.layout import render_blank

        key = (document.form_id, document.lang)
        if key not in self._blank_pdfs:
            self._blank_pdfs[key] = render_blank(document)
        return self._blank_pdfs[key]

    def render_blanks(self) -> None:
        """Every blank now, before the workers fork: they share these instead of each rendering its own."""
        for document in self.documents:
            if "docx" in self.formats:
                self.blank(document)
            if "pdf" in self.formats:
                self.blank_pdf(document)

    def __call__(self, folder: str, values: dict[str, str]) -> list[Output]:
        from ..formats.docx.write import fill_docx
        from ..formats.pdf.layout import fill_blank

        outputs = []
        for document, fields in zip(self.documents, self.fields):
            own = shown_values(fields.values(), {k: v for k, v in values.items() if k in fields})
            rendered, pages = {}, None
            if "docx" in self.formats:
                rendered["docx"] = fill_docx(self.blank(document), own)
            if "pdf" in self.formats:
                # the page codes name the row, so a scan's pages find their application
                blank = self.blank_pdf(document)
                rendered["pdf"], pages = fill_blank(blank, replace(document, row=folder), own), len(blank.pages)
            outputs += write_outputs(self.out_dir, folder, document.form_id, document.lang, rendered, pages)
        return outputs


_producer: Producer | None = None


def _start_worker(*args) -> None:
    global _producer
    _ignore_interrupt()
    _producer = Producer(*args)


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the main process's to handle


def _produce(producer: Producer, folder: str, values: dict[str, str]) -> list[Output] | FormgenError:
    """One row's files, or the error that stopped them (a full disk, a folder in the way)."""
    try:
        return producer(folder, values)
    except FormgenError as exc:
        shutil.rmtree(producer.out_dir / folder, ignore_errors=True)  # no half-written row on disk
        return exc


def _work(folder: str, values: dict[str, str]) -> list[Output] | FormgenError:
    return _produce(_producer, folder, values)


# ---- the batch -------------------------------------------------------------------------------------

def fill(data_path: Path, call_path: Path, out_dir: Path, editions: Iterable[str] = ("ru", "ky"),
         formats: Iterable[str] = FORMATS, jobs: int | None = None,
         progress: Callable[[int], None] = lambda done: None, form_ids: Iterable[str] | None = None,
         project: Project = BUILTIN) -> Report:
    """Write every row's files into `out_dir`, replacing what an earlier run wrote there only once
    every row is done: a failed or interrupted run leaves the earlier output as it was."""
    editions, formats = checked_choices(editions, EDITIONS, "--lang"), checked_choices(formats, FORMATS, "--format")
    printable_call(call_path)  # a bad call file is reported before anything is written
    forms = fillable_forms(project, form_ids)
    data_rows = read_rows(data_path)
    with staged_folder(out_dir, "rows") as staging:
        setup = (call_path, editions, formats, staging, [form.id for form in forms], project)
        return _fill(data_path, data_rows, setup, forms, usable_jobs(jobs), progress, out_dir)


def _fill(data_path: Path, data_rows: Rows, setup: tuple, forms: list[FormDef], jobs: int,
          progress: Callable[[int], None], out_dir: Path) -> Report:
    """`setup`: what a Producer is made of, in this process and in each worker; it writes into a
    staging folder that becomes `out_dir`."""
    producer = Producer(*setup)
    # a data file serves every form of the project: columns of forms not chosen with --form are
    # checked, not refused as unknown, and the folder-name column may belong to any of them
    fields = {f.id: f for form in fillable_forms(setup[-1]) for f in form.field_defs()}
    name_columns = load_settings(setup[-1].forms_dir).folder_name
    checker = RowChecker(fields, "pdf" in producer.formats, label_texts(producer.localizers.values()), forms)
    report, taken = Report(), set()
    problems_by_row: list[tuple[int, str]] = []  # in row order at the end, however the pool finished them
    notes_by_row: list[tuple[int, str]] = []

    def accepted() -> Iterator[tuple[int, str, str, dict[str, str]]]:
        for number, row in data_rows:
            if isinstance(row, Note):
                notes_by_row.append((number, shown(f"{data_path}: {row}")))
                continue
            values, problems = checker(row)
            for column, problem in problems:
                place = f"row {number}, column {column}" if column else f"row {number}"
                problems_by_row.append((number, shown(f"{data_path}: {place}: {problem}")))
            if problems:
                continue
            name = next((values[c] for c in name_columns if values.get(c)), "")
            yield number, name, safe_folder_name(name, number, taken), values

    def record(number: int, name: str, folder: str, outputs: list[Output] | FormgenError) -> None:
        if isinstance(outputs, FormgenError):
            line = _named_in(outputs, producer.out_dir, out_dir)
            problems_by_row.append((number, shown(f"{data_path}: row {number}: {line}")))
        else:
            report.rows.append({"row": number, "name": name, "folder": folder, "files": [asdict(o) for o in outputs]})
        progress(len(report.rows) + len(problems_by_row))

    rows = accepted()
    first = list(itertools.islice(rows, PARALLEL_FROM))
    if jobs == 1 or len(first) < PARALLEL_FROM:
        for number, name, folder, values in itertools.chain(first, rows):
            record(number, name, folder, _produce(producer, folder, values))
    else:
        _run_in_pool(jobs, producer, setup, itertools.chain(first, rows), record)
    report.rows.sort(key=lambda r: r["row"])
    report.problems = [problem for _, problem in sorted(problems_by_row, key=lambda p: p[0])]
    report.notes = [note for _, note in sorted(notes_by_row, key=lambda n: n[0])]
    manifest = {"call": producer.call.id, "rows": report.rows, "problems": report.problems, "notes": report.notes}
    write_json(producer.out_dir / "manifest.json", manifest)
    return report


def _named_in(error: FormgenError, staging: Path, out_dir: Path) -> str:
    """The error's line naming a file where the run puts it, not in the staging folder (a random name)."""
    file = Path(error.file)
    if file.is_relative_to(staging):
        error = FormgenError(out_dir / file.relative_to(staging), error.place, error.problem, error.fix, error.code)
    return error.line()


def _run_in_pool(jobs: int, producer: Producer, setup: tuple, rows: Iterator, record) -> None:
    """At most a few rows per process in flight: memory stays flat however long the data. Where
    processes fork, they start from this one's producer with its blanks rendered; elsewhere each
    worker makes its own."""
    global _producer
    if forking():
        producer.render_blanks()
        _producer = producer
        pool = futures.ProcessPoolExecutor(jobs, forking(), initializer=_ignore_interrupt)
    else:
        pool = futures.ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=setup)
    running: collections.deque = collections.deque()  # (row, its future), oldest first
    try:
        for item in rows:
            running.append((item, pool.submit(_work, item[2], item[3])))
            if len(running) >= jobs * 4:
                _record_oldest(running, record)
        while running:
            _record_oldest(running, record)
    finally:  # on Ctrl+C too: no worker left writing into a folder about to be removed
        pool.shutdown(wait=True, cancel_futures=True)
        _producer = None


def _record_oldest(running: collections.deque, record) -> None:
    (number, name, folder, _), future = running.popleft()
    record(number, name, folder, future.result())


# ---- the command line's side ----------------------------------------------------------------------

def run(options) -> int:
    chosen = find_project(options.project)
    call_path = chosen.call(options.call)
    target = options.out or chosen.output(None) / load_call(call_path).id / "prefilled"
    arguments = (options.data, call_path, target, options.lang or ["ru", "ky"], options.fmt or [], options.jobs)
    settings = {"form_ids": options.form, "project": chosen}
    if sys.stderr.isatty():  # a progress line for people; nothing in logs and pipes
        bar = Progress(sum(1 for _, row in read_rows(options.data) if not isinstance(row, Note)))
        try:
            report = fill(*arguments, progress=bar.update, **settings)
        finally:
            bar.close()
    else:
        report = fill(*arguments, **settings)
    for note in report.notes:
        say(f"note: {note}", err=True)  # printable, as the problems are
    for problem in report.problems:
        say(problem, err=True)  # fill makes every problem printable
    notes = f", {len(report.notes)} note(s)" if report.notes else ""
    say(f"{len(report.rows)} rows written into {target} from {chosen}, {len(report.problems)} problem(s){notes}")
    return 1 if report.problems else 0


class Progress:
    """`rows 12/480` on one line of a terminal, redrawn as rows are done."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0

    def update(self, done: int) -> None:
        self.done += 1
        sys.stderr.write(f"\rrows  {self.done}/{self.total}")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
