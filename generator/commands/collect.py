"""`formgen collect`: returned forms (PDF or DOCX, any edition) back into tables.

Returned files come from outside: each is size-checked and read within bounds, and a file that
cannot be read becomes a line in the problems table; the batch goes on. Every input file ends up
in the data or in the problems. What a file is, and which reader reads it, formats/registry.py says.
"""
from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Iterable, Iterator

from ..disk.files import check_regular_file, write_file
from ..errors import (FormgenError, InternalProblem, NoFormFields, UsageError, problem_text, say, shown, suggestion,
                      unforeseen)
from ..formats.registry import FORMATS, FileKind, file_kind, function, known_kinds
from ..formats.tables.write import (CELL_LIMIT, FilePath, Table, ToReview, cell_length, check_output, cut_cell,
                                    write_tables)
from ..language.localize import label_texts
from ..language.lookalikes import LookAlikes, lookalike_lines
from ..model.forms import Field, FieldDef, FormDef, GridDef
from ..model.kinds import NOT_TEXT, check_value, decimal_of, kind_of, plain_decimal
from ..model.messages import COLLECT_HEADERS as HEADERS, FILES_HEADERS, SCAN_HEADERS, YES_NO_LABELS, Said, said
from ..pipeline import fillable_forms, localized_documents, localizers
from ..sources.call import CallSettings, load_call
from ..sources.definitions import answered, applies, column_sums
from ..sources.project import BUILTIN, Project, find_project
from ..workers import in_order, usable_jobs

MAX_RETURNED_BYTES = 30_000_000
PARALLEL_FROM = 64  # files; fewer are read by one worker, more by one per core
PATIENCE = 300  # seconds one file may take (a 60-page scan, read slowly, takes under 3 minutes)
BATCH = 32  # files a worker reads at a time: few enough round trips, little held in memory
GENERAL, FILES, PROBLEMS = "general", "files", "problems"
FileResult = tuple  # what read_file gives: ([(application key, Returned)], [(file, problem)])
OWN_FILES = {"manifest.json"}  # what `fill` and `build` write beside the forms: skipped inside a folder


@dataclass
class Returned:
    path: Path
    form: str
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)  # what the file itself shows: a broken signature
    readings: dict = field(default_factory=dict)  # a scanned page: field id → scan.Reading
    page: object = None  # a scanned page: its page_id.PageId
    ink: dict[str, bool] = field(default_factory=dict)  # a scanned page: signature and stamp areas inked?


@dataclass
class Application:
    key: str
    files: list[Returned] = field(default_factory=list)

    def values(self) -> dict[str, str]:
        """Every file's answers together: the same form sent twice (PDF and DOCX, or two
        languages) fills in what the other left empty."""
        merged: dict[str, str] = {}
        for returned in self.files:
            for field_id, value in returned.values.items():
                if not merged.get(field_id):  # the first answer given wins
                    merged[field_id] = value
        return merged

    def scanned(self) -> dict:
        """field id → the first scan reading that holds a value or needs a person."""
        readings: dict = {}
        for returned in self.files:
            for field_id, reading in returned.readings.items():
                if reading.value or reading.review:
                    readings.setdefault(field_id, reading)
        return readings

    def ink(self) -> dict[str, str]:
        """Signature and stamp areas of the scanned pages: yes when any copy holds ink there."""
        found: dict[str, str] = {}
        for returned in self.files:
            for name, inked in returned.ink.items():
                found[name] = "yes" if inked or found.get(name) == "yes" else "no"
        return found

    def cells(self) -> dict[str, str]:
        """values(), with the fields a person must check marked for the workbook."""
        values = self.values()
        for field_id, reading in self.scanned().items():
            if reading.review and not values.get(field_id):
                values[field_id] = ToReview("")
        return values

    def conflicts(self) -> list[tuple[str, str]]:
        """(file, problem) where two files of this application give different answers."""
        first: dict[str, tuple[str, Path]] = {}
        problems = []
        for returned in self.files:
            for field_id, value in returned.values.items():
                if not value:
                    continue
                if field_id in first and first[field_id][0] != value:
                    problems.append((str(returned.path), said("problem.conflict", field=field_id, value=value[:40],
                                                              other=first[field_id][0][:40],
                                                              file=first[field_id][1].name)))
                first.setdefault(field_id, (value, returned.path))
        return problems


class Forms:
    """What a returned file is matched against: every form in every language."""

    def __init__(self, call: CallSettings, project: Project = BUILTIN) -> None:
        languages = project.languages
        self.forms = {form.id: form for form in fillable_forms(project)}
        self.editions = languages.edition_ids
        self.documents = localized_documents(call, self.editions, list(self.forms), project)
        self.localizers = localizers(call, project=project)
        self.fields = {d.form_id: list(d.fields()) for d in self.documents if d.lang == languages.main}
        self.ocr_packages = " ".join(f"tesseract-ocr-{language.ocr}" for language in languages.languages)
        self.field_ids = {form: [f.id for f in fields] for form, fields in self.fields.items()}
        self.definitions = {f.id: f for form in self.forms.values() for f in form.field_defs()}
        self.options = label_texts(self.localizers.values())
        self.call_id = call.id
        self.lookalikes = LookAlikes(language.letters for language in languages.languages)

    def without_lookalikes(self, values: dict[str, str], problems: list[str]) -> dict[str, str]:
        """The answers with each letter of another alphabet that looks like exactly one of the
        project's replaced by it; each, and each that looks like several, a line of the problems."""
        if not self.lookalikes.suspect("\n".join(values.values())):  # one search for the whole file
            return values
        checked = {}
        for field_id, value in values.items():
            found = self.lookalikes(value) if field_id in self.definitions else None
            if found and (found.corrected or found.doubtful):
                problems += [said("problem.field", field=field_id, problem=line)
                             for _, line in lookalike_lines(found, value, field_id)]
                value = found.text
            checked[field_id] = value
        return checked

    def canonical(self, field_id: str, value: str) -> str:
        """A returned answer as `collect` reports it: a choice's value for its label, yes/no, a plain sum."""
        definition = self.definitions.get(field_id)
        if not value or definition is None or definition.kind == "signature":
            return value
        return check_value(definition, value, self.options)[0]

    @cached_property
    def layouts(self):
        """The printed pages of every form edition, for reading scans (made on the first scan)."""
        from ..scan.read import Layouts

        return Layouts(self.documents, self.call_id)

    def identify(self, names: Iterable[str]) -> str | None:
        names = set(names)
        scores = {form: len(names & {f.id for f in fields}) for form, fields in self.fields.items()}
        best = max(scores, key=scores.get)
        return best if scores[best] else None


# ---- reading one file ----------------------------------------------------------------------------

def returned_bytes(path: Path) -> tuple[FileKind, bytes]:
    """(kind, bytes) of a returned file: a regular file within the size limit, a form or a scan."""
    check_regular_file(path, MAX_RETURNED_BYTES, "send the form without scanned attachments")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormgenError(path, "", f"cannot read: {exc.strerror or exc}", "check the file") from None
    kind = file_kind(data, str(path))
    if kind is None:
        forms, scans = known_kinds()
        raise FormgenError(path, "", f"not a {forms}, nor a scan ({scans})",
                           f"send the form as the {forms} it was made as, or its scan")
    if kind.refused:
        raise FormgenError(path, "", *kind.refused)
    return kind, data


def read_returned(path: Path, forms: Forms, kind: FileKind | None = None,
                  data: bytes = b"") -> tuple[list[Returned], list[str]]:
    """One Returned per form the filled file holds fields of, and what could not be read as it is."""
    if kind is None:
        kind, data = returned_bytes(path)
    fmt = FORMATS[kind.format]
    if kind.converts:  # an ODT or DOC: read as the DOCX LibreOffice makes of it
        data = function(kind.converts)(path, data, kind.name)
    values, problems = function(fmt.read)(path, data, forms.documents)
    if NOT_TEXT.search("".join(values.values())):  # one search for the whole file, one per value only then
        values = {name: _as_text(name, value, problems) for name, value in values.items()}
    values = forms.without_lookalikes(values, problems)
    by_form = {form: {i: forms.canonical(i, values[i]) if values[i] else "" for i in ids if i in values}
               for form, ids in forms.field_ids.items()}
    by_form = {form: found for form, found in by_form.items() if found}
    if not by_form and problems:  # a tree cut at its limit: say so, and do not read it as a scan
        raise FormgenError(path, "", "; ".join(problems), "ask for the form saved again from the original file")
    if not by_form:
        raise NoFormFields(path, "", "holds no field of the forms", "is it a form made by formgen?")
    if len(by_form) > 1:
        problems.append(said("problem.several_forms", count=len(by_form), forms=", ".join(by_form)))
    if fmt.holds_every_field and len(by_form) == 1:
        problems += _missing_fields(*next(iter(by_form.items())), forms)
    unknown = sorted(set(values) - {name for found in by_form.values() for name in found})
    if unknown:
        problems.append(said("problem.unknown_fields", count=len(unknown), fields=shown(", ".join(unknown[:5]))[:200]))
    returned = [Returned(path, form, found) for form, found in by_form.items()]
    for one in returned:
        signed = [k for k, v in one.values.items() if v and forms.definitions[k].kind == "signature"]
        if signed and fmt.signatures:
            _check_signatures(one, signed, function(fmt.signatures))
    return returned, problems


def _missing_fields(form: str, found: dict[str, str], forms: Forms) -> list[str]:
    """A PDF that lacks some of its form's fields lost them (qpdf reads a file cut short as far as it
    goes) or is of another version of the form: either way their answers are not in the data."""
    missing = [field_id for field_id in forms.field_ids[form] if field_id not in found]
    if not missing:
        return []
    return [said("problem.fields_missing", count=len(missing), total=len(forms.field_ids[form]), form=form,
                 missing=", ".join(missing[:3]) + (", …" if len(missing) > 3 else ""))]


def _as_text(name: str, value: str, problems: list[str]) -> str:
    """The value, with what no file can hold (lone surrogates, U+FFFE, U+FFFF) reported and shown as �."""
    odd = NOT_TEXT.search(value)
    if not odd:
        return value
    problems.append(said("problem.not_character", field=shown(name), code=f"{ord(odd.group()):04X}"))
    return NOT_TEXT.sub("\ufffd", value)


def _check_signatures(returned: Returned, signed: list[str], signature_states) -> None:
    """Each signed field's value says what the format's signature reader (pyHanko) found; a signature
    that does not hold is a problem."""
    try:
        states = signature_states(returned.path)
    except Exception as exc:  # pyHanko raises many kinds on a damaged signature dictionary
        states = {}
        returned.problems.append(said("problem.signatures_unchecked",
                                      detail=str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__))
    for field_id in signed:
        state = states.get(field_id)
        returned.values[field_id] = state.summary() if state else said("signature.unchecked")
        if state and not (state.intact and state.whole_file):
            broken = "problem.signature_broken" if not state.intact else "problem.signature_changed"
            returned.problems.append(said(broken, field=field_id, state=state.summary()))


# ---- the batch -------------------------------------------------------------------------------------

def input_files(paths: Iterable[Path], problems: list[tuple[str, str]]) -> list[Path]:
    """The files given and the regular files under the folders given, in order. Inside a folder
    nothing is followed out of it: a link to a folder, a broken link, a pipe or a device is a problem."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(_walk(path, problems))
        else:
            files.append(path)
    return files


def _walk(folder: Path, problems: list[tuple[str, str]]) -> Iterator[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        problems.append((shown(str(folder)), f"cannot read the folder: {exc.strerror or exc}"))
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path, problems)
        elif entry.is_file():  # a link to a file reads the file
            yield path
        else:
            problems.append((shown(str(path)), _not_read(path) + "; not read"))


def _not_read(path: Path) -> str:
    if not path.exists():
        return "a broken link"
    if path.is_dir():
        return "a link to a folder (copy the folder itself into the input)"
    return "not a regular file (a pipe, device or socket)"


def read_all(paths: Iterator[Path], forms: Forms, jobs: int | None = None,
             parallel_from: int = PARALLEL_FROM) -> Iterator[tuple[Path, FileResult | FormgenError]]:
    """Each file read, in the given order, by worker processes (workers.py: one per core once there
    are enough files for them to pay, else one), a few batches in flight so memory stays flat. A
    file whose worker dies, or takes longer than PATIENCE (a library looping on it), is read again
    in a process of its own; one that kills or outlasts that too is a problem."""
    return in_order(partial(_read_or_error, forms=forms), paths, usable_jobs(jobs), batch=BATCH,
                    parallel_from=parallel_from, died=_died, patience=PATIENCE)


def _read_or_error(path: Path, forms: Forms) -> FileResult | FormgenError:
    """The file read, or the one problem line it is: whatever a reader raises, the batch goes on."""
    try:
        return read_file(path, forms)
    except FormgenError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 (a library's error on a hostile file, or a bug: named either way)
        return unforeseen(path, exc)


def _died(path: Path, exit_code: int) -> FormgenError:
    if exit_code == -signal.SIGALRM:
        return FormgenError(path, "", said("problem.reader_too_slow", seconds=PATIENCE), said("problem.fix_resend"))
    return FormgenError(path, "", said("problem.reader_died", death=_death(exit_code)), said("problem.fix_resend"))


def _death(exit_code: int | None) -> str:
    try:
        name = signal.Signals(-exit_code).name
    except (TypeError, ValueError):  # not killed by a signal
        return f"exit code {exit_code}"
    return {"SIGSEGV": "SIGSEGV: a reader library crashed", "SIGKILL": "SIGKILL: out of memory?"}.get(name, name)


def application_key(path: Path, editions: tuple[str, ...]) -> str:
    """Files in one folder are one application; an edition's folder (as `fill` writes them) belongs to its parent."""
    folder = path.parent
    return shown(str(folder.parent if folder.name in editions else folder))


def collect(paths: Iterable[Path], call: CallSettings | None = None, project: Project = BUILTIN,
            forms: Forms | None = None, jobs: int | None = None) -> tuple[list[Application], list[tuple[str, str]]]:
    forms = forms or Forms(call, project)
    applications: dict[str, Application] = {}
    problems: list[tuple[str, str]] = []
    paths = list(paths)
    returned_files = [path for path in input_files(paths, problems)
                      if not (path.name in OWN_FILES and path not in paths)]
    for path, result in read_all(returned_files, forms, jobs):
        if isinstance(result, FormgenError):
            problems.append((shown(str(path)), file_problem(result)))
            continue
        found, file_problems = result
        problems += file_problems
        for key, returned in found:
            applications.setdefault(key, Application(key)).files.append(returned)
    for application in applications.values():
        problems += answer_problems(application, forms)
    return list(applications.values()), problems


def read_file(path: Path, forms: Forms) -> tuple[list[tuple[str, Returned]], list[tuple[str, str]]]:
    """([(application key, what the file holds)], problems): a filled form, or a scan's pages (a file
    of a format that may be either, a PDF, is a form printed to it when its text carries a form's
    code, else a scan when it holds no field of the forms)."""
    kind, data = returned_bytes(path)
    if not kind.format:
        return _read_scan(path, kind, forms)
    try:
        return _as_found(path, forms, *read_returned(path, forms, kind, data))
    except NoFormFields:
        printed = function(kind.printed)(path, data, forms.documents) if kind.printed else None
        if printed is not None:  # a DOCX printed to PDF: its answers read from its text
            return _as_found(path, forms, [_printed(path, printed, forms)], printed.problems)
        if not kind.scan:
            raise
        return _read_scan(path, kind, forms, fields_looked_for=True)


def _printed(path: Path, printed, forms: Forms) -> Returned:
    """A printed form's answers, each with its confidence as a scan's: one a person must check is
    left empty in the data and listed for review."""
    values = {r.field_id: "" if r.review else forms.canonical(r.field_id, r.value) for r in printed.readings}
    return Returned(path, printed.form, values, readings={r.field_id: r for r in printed.readings})


def _as_found(path: Path, forms: Forms, returned: list[Returned], problems: list[str]):
    """Each Returned keeps its answers only: an empty field reads as a missing one everywhere after, and
    thousands of files of mostly empty fields would otherwise fill the memory and the pipes between processes."""
    for one in returned:
        one.values = {field_id: value for field_id, value in one.values.items() if value}
    key = application_key(path, forms.editions)
    return [(key, one) for one in returned], [(shown(str(path)), problem) for problem in problems]


def _read_scan(path: Path, kind: FileKind, forms: Forms,
               fields_looked_for: bool = False) -> tuple[list[tuple[str, Returned]], list[tuple[str, str]]]:
    """A scanned return: one entry per page identified, in the application its folder (or the row
    named in a prefilled page's code) says. A PDF without the forms' fields (`fields_looked_for`) and
    without a page of them either is one line, which names the first page no reader could draw."""
    try:
        from ..scan.read import read_scan
    except ImportError as exc:
        raise FormgenError(path, "", f"a scan, and reading scans needs {exc.name or exc}",
                           f"pip install 'formgen[scan]' and Debian's {forms.ocr_packages}") from None
    result = read_scan(path, kind.scan, forms.layouts)
    if fields_looked_for and not result.pages:
        damaged = "".join(f"; {where.rpartition(', ')[2]}: {exc.problem}" for where, exc in result.damaged[:1])
        raise FormgenError(path, "", f"holds no field of the forms and no page with a formgen code{damaged}",
                           "is it a form made by formgen?")
    found = []
    for page in result.pages:
        row = page.page_id.row
        key = application_key(path, forms.editions)
        if row and Path(key).name != row:  # prefilled pages of many rows in one folder
            key = str(Path(key) / row)
        values = {r.field_id: "" if r.review else forms.canonical(r.field_id, r.value) for r in page.readings}
        found.append((key, Returned(Path(page.source), page.page_id.form, values,
                                    readings={r.field_id: r for r in page.readings}, page=page.page_id,
                                    ink=page.ink)))
    problems = result.problems + [(where, file_problem(exc)) for where, exc in result.damaged]
    problems += [(page.source, problem) for page in result.pages for problem in page.problems]
    return found, problems


def answer_problems(application: Application, forms: Forms) -> list[tuple[str, str]]:
    problems = application.conflicts()
    problems += [(shown(str(returned.path)), problem) for returned in application.files for problem in returned.problems]
    pages = [(str(r.path), r.page) for r in application.files if r.page]
    if pages:  # scan/ and its libraries only when there are scans
        from ..scan.read import page_problems

        problems += page_problems(pages)
    values = application.values()
    present = {f.form for f in application.files}
    for form, form_def in forms.forms.items():
        if form not in present:
            if not form_def.optional:  # which forms make an application is the definitions' to say
                problems.append((application.key, said("problem.form_missing", form=form,
                                                       source=Path(form_def.source).name)))
            continue
        for form_field in forms.fields[form]:
            definition, value = forms.definitions[form_field.id], values.get(form_field.id, "")
            if definition.relevant and not applies(definition, values, forms.definitions):
                if answered(definition, value):  # given where its condition says it does not apply
                    condition = definition.relevant
                    problems.append((application.key, said("problem.not_applicable", form=form, field=form_field.id,
                                                           when_field=condition.field, answer=" or ".join(condition.values))))
                continue
            if definition.required and not answered(definition, value):
                missing = "problem.required_unticked" if definition.kind == "yesno" else "problem.required_empty"
                problems.append((application.key, said(missing, form=form, field=form_field.id)))  # a box: ticked
            elif value and _checked_on_return(definition):
                _, problem = check_value(definition, value, forms.options)
                if problem:
                    problems.append((application.key, said("problem.field", field=form_field.id, problem=problem)))
        problems += [(application.key, p) for p in total_problems(form_def, values)]
    return problems


def _checked_on_return(definition: FieldDef) -> bool:
    """Free text is taken as written unless the form limits its length; every other kind is checked."""
    return definition.kind != "signature" and (definition.kind not in ("text", "multiline") or bool(definition.max_length))


def total_problems(form: FormDef, values: dict[str, str]) -> list[str]:
    """A returned grid total that is not the sum of its column's answers."""
    problems = []
    for total_id, expected in column_sums(form, values).items():
        given = decimal_of(values.get(total_id, ""))
        if given is not None and expected is not None and given != expected:
            problems.append(said("problem.total", field=total_id, given=plain_decimal(given),
                                 expected=plain_decimal(expected)))
    return problems


TABLE_KINDS = {"number": "number", "rating": "number", "amount": "amount", "date": "date"}  # kind → workbook cell


@dataclass
class Wording:
    """What the tables say, in one language: headings, names of fields and forms in problem lines,
    choices as their labels (`labels`) or values, and problem lines in the catalogs' words (`people`:
    for the workbook) or in English, as the command line says them."""

    forms: Forms
    lang: str
    labels: bool = False
    people: bool = False

    def __post_init__(self) -> None:
        self.text = self.forms.localizers[self.lang].text
        documents = [d for d in self.forms.documents if d.lang == self.lang]
        self.fields = {f.id: f for document in documents for f in document.fields()}
        self.questions = {i: q for document in documents for i, q in document.questions().items()}
        self.titles = {document.form_id: document.title for document in documents}
        self.yes_no = {value: self.text(message) for value, message in YES_NO_LABELS.items()}
        ids = [f.id for form in self.forms.forms.values() for f in form.field_defs() if f.id in self.fields]
        self.names = dict(zip(ids, self.headings(ids)))  # a field as a problem line names it
        self.said: dict[tuple, str] = {}

    def headings(self, ids: list[str]) -> list[str]:
        """The fields' questions, each unique within its sheet: a question asked twice gets its field's id."""
        questions = [self.questions.get(i, i).rstrip().rstrip(":") for i in ids]
        repeated = {q for q in questions if questions.count(q) > 1}
        return [f"{q} ({i})" if q in repeated else q for q, i in zip(questions, ids)]

    def value(self, field_id: str, value: str) -> str:
        """A canonical answer as the table shows it: with `labels`, a choice's label, yes/no in words."""
        if isinstance(value, Said):  # a signature's state
            return self.problem(value)
        form_field = self.fields.get(field_id)
        if not self.labels or not value or form_field is None or isinstance(value, ToReview):
            return value
        if form_field.kind == "yesno":
            return self.yes_no.get(value, value)
        if form_field.kind == "choice" and value in form_field.choices:
            return form_field.choice_labels[form_field.choices.index(value)]
        return value

    def problem(self, line: str) -> str:
        """A problem line in the catalogs' words (English where it has no message: a reader's own line)."""
        message = getattr(line, "message", "")
        if not self.people or not message:
            return line
        key = (message, *line.values.items())  # the same line for many applications: said once
        if key not in self.said:
            values = {name: self.problem(value) if isinstance(value, Said) else self.named(name, value)
                      for name, value in line.values.items()}
            self.said[key] = self.text(message, **values)
        return self.said[key]

    def named(self, placeholder: str, value: object) -> object:
        if placeholder == "field" or placeholder.endswith("_field"):
            return self.names.get(value, value)
        if placeholder.endswith("_fields"):  # names may hold commas
            return "; ".join(self.names.get(field_id, field_id) for field_id in str(value).split(", "))
        if placeholder == "form":
            return self.titles.get(value, value)
        return value


def tables(applications: list[Application], problems: list[tuple[str, str]], forms: Forms, lang: str,
           cell_limit: int | None = None, labels: bool | None = None) -> dict[str, Table]:
    """{sheet: Table}: general, one per grid of the forms (named by its id), files, problems.
    With `cell_limit` (a workbook's: a cell holds 32 767 characters) a longer answer is cut there and
    reported, and the problems are in the catalogs' words; `labels` (the workbook's default) shows
    choices by their labels."""
    wording = Wording(forms, lang, cell_limit is not None if labels is None else labels, cell_limit is not None)
    text = wording.text
    grids = [grid for form in forms.forms.values() for grid in form.blocks if isinstance(grid, GridDef)]
    grid_ids = {grid.field_id(row, column)  # the cells; a total stays in the general table
                for grid in grids for row in range(1, grid.rows + 1) for column in grid.columns}
    general = [f.id for form in forms.forms.values() for f in form.field_defs()  # the definitions' order
               if f.id not in grid_ids and f.id in wording.fields]
    application_label, files_label, row_label, file_label, problem_label = (text(m) for m in HEADERS)
    confidence_label, review_label = (text(m) for m in SCAN_HEADERS)
    inked = [a.ink() for a in applications]
    inks = list(dict.fromkeys(name for ink in inked for name in ink))  # signed? stamped? (scans)
    cells = [a.cells() for a in applications]  # once each: every table reads them
    result = {GENERAL: Table(
        [application_label, files_label, *wording.headings(general), confidence_label, review_label, *inks],
        ["application", "files", *general, "confidence", "review", *inks],
        [[a.key, "; ".join(dict.fromkeys(shown(str(r.path)) for r in a.files)),
          *(wording.value(i, _cell(values, wording.fields[i])) for i in general), *_scan_columns(a),
          *(wording.yes_no.get(ink[n], ink[n]) if wording.labels and n in ink else ink.get(n, "") for n in inks)]
         for a, values, ink in zip(applications, cells, inked)],
        ("", "", *(TABLE_KINDS.get(wording.fields[i].kind, "") for i in general), "number"))}
    for grid in grids:
        sheet = grid.id if grid.id not in (*result, FILES, PROBLEMS) else f"{grid.id}-{len(result)}"  # never overwrites
        rows = grid_rows(grid, [(a.key, values) for a, values in zip(applications, cells)])
        ids = [grid.field_id(1, column) for column in grid.columns]
        result[sheet] = Table([application_label, row_label, *(text(c.header) for c in grid.columns)],
                              ["application", "row", *(c.id for c in grid.columns)],
                              [[key, number, *(wording.value(i, cell) for i, cell in zip(ids, row))]
                               for key, number, *row in rows],
                              ("", "number", *(TABLE_KINDS.get(c.kind, "") for c in grid.columns)))
    result[FILES] = Table([application_label, file_label, text(FILES_HEADERS[0])], ["application", "file", "form"],
                          [[a.key, _file_cell(r), wording.titles.get(r.form, r.form) if wording.labels else r.form]
                           for a in applications for r in a.files])
    problems = problems + (_cut_long_cells(result, cell_limit) if cell_limit else [])
    keys = {a.key for a in applications}
    result[PROBLEMS] = Table([application_label, file_label, problem_label], ["application", "file", "problem"],
                             [[*_problem_place(where, keys, forms.editions), wording.problem(problem)]
                              for where, problem in problems])
    return result


def _file_cell(returned: Returned) -> str:
    """A returned file's path, which the workbook links to (a scanned page's names its page too)."""
    name = shown(str(returned.path))
    return name if returned.page else FilePath(name)


def _problem_place(where: str, keys: set[str], editions: tuple[str, ...]) -> tuple[str, str]:
    """(application key, file) of a problem: about an application, or about one of its files (or
    one that no application holds: its folder's key all the same)."""
    if where in keys:
        return where, ""
    path = Path(where)
    return application_key(path, editions), FilePath(where) if path.is_file() else where


def _cut_long_cells(sheets: dict[str, Table], limit: int) -> list[tuple[str, str]]:
    """Each cell longer than a workbook's cell holds, as the workbook will hold it (apostrophe
    included, a character beyond U+FFFF counted twice, as Excel counts), cut there and reported."""
    problems = []
    for sheet, (_, ids, rows, _) in sheets.items():
        for row in rows:
            for column, cell in enumerate(row):
                if len(cell) * 2 >= limit and cell_length(cell) > limit:
                    where = f"{sheet}, row {row[1]}, {ids[column]}" if sheet != GENERAL else f"{sheet}, {ids[column]}"
                    counted = cell_length(cell)
                    message = "problem.cell_cut" if counted == len(cell) else "problem.cell_cut_counted"
                    problems.append((row[0], said(message, place=where, length=len(cell), counted=counted, limit=limit)))
                    row[column] = type(cell)(cut_cell(cell, limit))
    return problems


def grid_rows(grid: GridDef, applications: list[tuple[str, dict[str, str]]]) -> list[list[str]]:
    """One row per non-empty row of the grid in each (application key, its cells)."""
    ids = [[grid.field_id(number, column) for column in grid.columns] for number in range(1, grid.rows + 1)]
    rows = []
    for key, values in applications:
        for number, row_ids in enumerate(ids, 1):
            cells = [values.get(field_id, "") for field_id in row_ids]
            if any(cells) or any(isinstance(cell, ToReview) for cell in cells):
                rows.append([key, str(number), *cells])
    return rows


def _cell(cells: dict[str, str], form_field: Field) -> str:
    value = cells.get(form_field.id, "")
    return value if value or isinstance(value, ToReview) else kind_of(form_field.kind).unanswered


def _scan_columns(application: Application) -> list[str]:
    """The lowest confidence of the fields read from scans (empty when nothing was scanned) and the
    fields a person must check."""
    scanned = application.scanned()
    confidence = f"{min(r.confidence for r in scanned.values()):.0f}" if scanned else ""
    return [confidence, ", ".join(field_id for field_id, r in scanned.items() if r.review)]


def file_problem(exc: Exception) -> Said:
    """The problem line of a file read no further, as its error says it: the error's own line in
    English is the detail of a line the workbook says in its language (all of it, where the reader
    said its problem in the catalogs' words)."""
    line = problem_text(exc)
    if isinstance(exc, FormgenError) and isinstance(exc.problem, Said):
        line = said("problem.fixed", problem=exc.problem, fix=exc.fix) if exc.fix else exc.problem
    kind = ("problem.internal" if isinstance(line, InternalProblem)
            else "problem.not_a_form" if isinstance(exc, NoFormFields) else "problem.file")
    return said(kind, detail=line)


# ---- the command line's side ----------------------------------------------------------------------

def labels_language(given: str | None, project: Project) -> str:
    """--lang: a language of the project, its main one when not given."""
    languages = project.languages
    if given is None:
        return languages.main
    if given not in languages.codes:
        raise UsageError("--lang", "", f"'{given}' is not a language of the project", suggestion(
            given, languages.codes, f"the column labels are in one language, one of those {languages.source} "
                                    f"lists: {languages.described(languages.codes)}"))
    return given


def run(options) -> None:
    """`formgen collect` as the command line gives it: the tables written, and with --review the page
    of the scanned fields a person must check."""
    out = options.out
    check_output(out)
    chosen = find_project(options.project)
    lang = labels_language(options.lang, chosen)
    forms = Forms(load_call(chosen.call(options.call), chosen.languages.codes), chosen)
    applications, problems = collect(options.inputs, forms=forms)
    for file, problem in problems:
        if getattr(problem, "message", "") == "problem.internal":  # a bug of formgen's: in the problems and on the screen
            say(f"warning: {file}: {problem}", err=True)
    limit = CELL_LIMIT if out.suffix.lower() == ".xlsx" else None
    labels = None if options.values is None else options.values == "labels"
    written = write_tables(out, tables(applications, problems, forms, lang, limit, labels))
    if options.review:
        from ..formats.web.review import review_page

        localizer = forms.localizers[lang]
        page = review_page(applications, Wording(forms, lang).names, localizer.text, localizer.language.tag)
        write_file(options.review, page.encode("utf-8"))
        written.append(options.review)
    say(f"{len(applications)} applications, {len(problems)} problem(s) by the forms of {chosen}: "
        f"{', '.join(map(str, written))}")
