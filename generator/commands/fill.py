"""`formgen fill`: one prefilled letter and Annex 2 per row of a data file, in bulk.

Rows are read lazily and rendered by worker processes (one per core, workers.py) with a bounded
number of rows in flight, so memory does not grow with the number of rows. A bad row is reported
with its row number and column; the other rows are still produced.
"""
from __future__ import annotations

import re
import shutil
import sys
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..disk.files import write_json
from ..disk.folders import staged_folder
from ..errors import FormgenError, say, shown, suggestion
from ..formats.tables.cells import BadCell, BadRow, Note, Rows
from ..formats.registry import FORMATS, format_names, function, page_counts
from ..formats.tables.rows import read_rows
from ..language.localize import label_texts
from ..language.lookalikes import LookAlikes, lookalike_lines
from ..model.forms import FieldDef, FormDef
from ..model.kinds import Options, check_value, decimal_of, plain_decimal, shown_values
from ..pipeline import (Output, checked_choices, checked_editions, fillable_forms, localized_documents, localizers,
                        printable_call, write_outputs)
from ..sources.call import load_call
from ..sources.definitions import answered, applies, column_sums, load_settings
from ..sources.project import BUILTIN, Project, find_project
from ..workers import in_order, usable_jobs

MAX_FOLDER_NAME = 80
PARALLEL_FROM = 8  # rows; fewer are faster in this process than with workers
ROWS_AHEAD = 4  # rows in flight per worker
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
COLUMNS_ARE_FIELDS = "name each column by a field id of the forms: the `id:` of a field in forms/*.yaml"


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

class RowChecker:
    """A row's values checked by their fields' kinds, and each against what the chosen formats
    can show (`formats`: every format that fills, when not given)."""

    def __init__(self, fields: dict[str, FieldDef], formats: Iterable[str] | None = None,
                 options: Options = Options(), forms: Iterable[FormDef] = (),
                 lookalikes: LookAlikes | None = None) -> None:
        self.fields, self.options, self.forms, self.lookalikes = fields, options, list(forms), lookalikes
        chosen = format_names("fill") if formats is None else formats
        self.refusals = [function(FORMATS[fmt].refuses) for fmt in chosen if FORMATS[fmt].refuses]

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

    def __call__(self, row: dict[str, str] | BadRow) -> tuple[dict[str, str], list[tuple[str, str]],
                                                              list[tuple[str, str]]]:
        """(the values, (column, problem) refusing the row, (column, note) on what was read or corrected)."""
        if isinstance(row, BadRow):
            return {}, [("", str(row))], []
        values, problems, notes = {}, [], []
        for column, text in row.items():
            column = shown(column)
            if isinstance(text, BadCell):
                problems.append((column, text))
                continue
            if not text:
                continue
            if column not in self.fields:
                problems.append((column, f"unknown column ({suggestion(column, self.fields, COLUMNS_ARE_FIELDS)})"))
                continue
            if self.lookalikes:
                text = self.corrected(column, text, notes)
            values[column], problem = check_value(self.fields[column], text, self.options)
            if not problem:
                problem = next(filter(None, (refused(text) for refused in self.refusals)), None)
            if problem:
                problems.append((column, problem))
        self.totals(values, problems)
        self.relevance(values, problems)
        return values, problems, notes

    def corrected(self, column: str, text: str, notes: list[tuple[str, str]]) -> str:
        """The text with each letter of another alphabet that looks like exactly one of the project's
        replaced by it, and each such letter (and each that looks like several) in the notes."""
        found = self.lookalikes(text)
        notes += lookalike_lines(found, text, column)
        return found.text

    def relevance(self, values: dict[str, str], problems: list[tuple[str, str]]) -> None:
        """An answer to a field that, by the row's other answers, does not apply: the data contradicts itself."""
        for column, value in values.items():
            field = self.fields[column]
            if field.relevant and answered(field, value) and not applies(field, values, self.fields):
                problems.append((column, f"answered, but applies only when {field.relevant.described()} "
                                         f"(leave it empty, or give {field.relevant.field})"))


# ---- producing one row ---------------------------------------------------------------------------

class Producer:
    """Everything a row needs, made once per process: the documents, and each one's blank in each
    format (a row's file is a copy of it with the row's values written in)."""

    def __init__(self, call_path: Path, editions: list[str], formats: list[str], out_dir: Path,
                 form_ids: list[str], project: Project = BUILTIN) -> None:
        call = load_call(call_path, project.languages.codes)
        self.call, self.formats, self.out_dir = call, formats, out_dir
        self.documents = localized_documents(call, editions, form_ids, project)
        self.fields = [{f.id: f for f in d.fields()} for d in self.documents]
        self.makers = {fmt: (function(FORMATS[fmt].blank), function(FORMATS[fmt].fill)) for fmt in formats}
        self._blanks: dict[tuple[str, str, str], object] = {}
        self.localizers = localizers(call, project=project)

    def blank(self, document, fmt: str):
        """The document's empty file in a format, made on first use in this process."""
        key = (document.form_id, document.lang, fmt)
        if key not in self._blanks:
            self._blanks[key] = self.makers[fmt][0](document)
        return self._blanks[key]

    def render_blanks(self) -> None:
        """Every blank now, before the workers fork: they share these instead of each making its own."""
        for document in self.documents:
            for fmt in self.formats:
                self.blank(document, fmt)

    def __call__(self, folder: str, values: dict[str, str]) -> list[Output]:
        outputs = []
        for document, fields in zip(self.documents, self.fields):
            own = shown_values(fields.values(), {k: v for k, v in values.items() if k in fields})
            row = replace(document, row=folder)  # the page codes name the row: a scan's pages find their application
            made = {fmt: fill(self.blank(document, fmt), row, own) for fmt, (_, fill) in self.makers.items()}
            rendered = {fmt: data for fmt, (data, _) in made.items()}
            pages = page_counts({fmt: counted for fmt, (_, counted) in made.items()})
            outputs += write_outputs(self.out_dir, folder, document.form_id, document.lang, rendered, pages)
        return outputs


def _produce(producer: Producer, folder: str, values: dict[str, str]) -> list[Output] | FormgenError:
    """One row's files, or the error that stopped them (a full disk, a folder in the way)."""
    try:
        return producer(folder, values)
    except FormgenError as exc:
        shutil.rmtree(producer.out_dir / folder, ignore_errors=True)  # no half-written row on disk
        return exc


# ---- the batch -------------------------------------------------------------------------------------

def fill(data_path: Path, call_path: Path, out_dir: Path, editions: Iterable[str] = (),
         formats: Iterable[str] = (), jobs: int | None = None,
         progress: Callable[[int], None] = lambda done: None, form_ids: Iterable[str] | None = None,
         project: Project = BUILTIN) -> Report:
    """Write every row's files into `out_dir`, replacing what an earlier run wrote there only once
    every row is done: a failed or interrupted run leaves the earlier output as it was. `editions`:
    each language of the project alone, when empty; `formats`: every format that fills, when empty."""
    languages = project.languages
    editions = checked_editions(editions, languages, default=languages.codes)
    formats = checked_choices(formats, format_names("fill"), "--format")
    printable_call(call_path, project)  # a bad call file is reported before anything is written
    forms = fillable_forms(project, form_ids)
    data_rows = read_rows(data_path)
    with staged_folder(out_dir, "rows") as staging:
        setup = (call_path, editions, formats, staging, [form.id for form in forms], project)
        return _fill(data_path, data_rows, setup, forms, usable_jobs(jobs), progress, out_dir)


def _fill(data_path: Path, data_rows: Rows, setup: tuple, forms: list[FormDef], jobs: int,
          progress: Callable[[int], None], out_dir: Path) -> Report:
    """`setup`: what the Producer is made of; it writes into a staging folder that becomes `out_dir`."""
    producer = Producer(*setup)
    # a data file serves every form of the project: columns of forms not chosen with --form are
    # checked, not refused as unknown, and the folder-name column may belong to any of them
    fields = {f.id: f for form in fillable_forms(setup[-1]) for f in form.field_defs()}
    name_columns = load_settings(setup[-1].forms_dir).folder_name
    letters = (language.letters for language in setup[-1].languages.languages)
    checker = RowChecker(fields, producer.formats, label_texts(producer.localizers.values()), forms,
                         LookAlikes(letters))
    report, taken = Report(), set()
    problems_by_row: list[tuple[int, str]] = []  # in row order at the end, however the pool finished them
    notes_by_row: list[tuple[int, str]] = []
    first_row_named: dict[str, int] = {}  # a municipality's name (as folders compare it) → its first row

    def accepted() -> Iterator[tuple[int, str, str, dict[str, str]]]:
        for number, row in data_rows:
            if isinstance(row, Note):
                notes_by_row.append((number, shown(f"{data_path}: {row}")))
                continue
            values, problems, row_notes = checker(row)
            for column, note in row_notes:
                notes_by_row.append((number, shown(f"{data_path}: row {number}, column {column}: {note}")))
            for column, problem in problems:
                place = f"row {number}, column {column}" if column else f"row {number}"
                problems_by_row.append((number, shown(f"{data_path}: {place}: {problem}")))
            if problems:
                continue
            name = next((values[c] for c in name_columns if values.get(c)), "")
            folder = safe_folder_name(name, number, taken)
            first = first_row_named.setdefault(" ".join(name.split()).casefold(), number) if name.strip() else number
            if first != number:  # a row given twice, or two municipalities of one name: both are written
                notes_by_row.append((number, shown(f"{data_path}: row {number}: the same name as row {first}, "
                                                   f"'{name}': its forms are in the folder '{folder}' (delete "
                                                   "one of the rows if it is the same municipality)")))
            yield number, name, folder, values

    def record(number: int, name: str, folder: str, outputs: list[Output] | FormgenError) -> None:
        if isinstance(outputs, FormgenError):
            line = _named_in(outputs, producer.out_dir, out_dir)
            problems_by_row.append((number, shown(f"{data_path}: row {number}: {line}")))
        else:
            report.rows.append({"row": number, "name": name, "folder": folder, "files": [asdict(o) for o in outputs]})
        progress(len(report.rows) + len(problems_by_row))

    # where processes fork, they start from this one's producer with its blanks made
    for (number, name, folder, _), outputs in in_order(lambda row: _produce(producer, row[2], row[3]), accepted(),
                                                       jobs, ahead=ROWS_AHEAD, parallel_from=PARALLEL_FROM,
                                                       prepare=producer.render_blanks):
        record(number, name, folder, outputs)
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


# ---- the command line's side ----------------------------------------------------------------------

def run(options) -> int:
    chosen = find_project(options.project)
    call_path = chosen.call(options.call)
    target = options.out or chosen.output(None) / load_call(call_path, chosen.languages.codes).id / "prefilled"
    arguments = (options.data, call_path, target, options.lang or [], options.fmt or [], options.jobs)
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
