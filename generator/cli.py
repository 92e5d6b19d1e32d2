"""The `formgen` command line."""
from __future__ import annotations

import errno
import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperGroup

from .errors import FormgenError, UsageError

INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl+C


class Commands(TyperGroup):
    """The one place where every command's errors become one line on stderr and an exit code:
    a command cannot forget it, and bad input never shows a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except FormgenError as exc:
            fail(f"error: {exc.line()}", exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted: output folders an earlier run wrote are as they were", INTERRUPTED)
        except OSError as exc:  # what no command expected: a full disk, a closed pipe
            if exc.errno == errno.EPIPE:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"error: {where}{exc.strerror or exc} (free some space or choose another place)", 1)


def fail(line: str, code: int):
    typer.echo(line.encode("utf-8", "backslashreplace").decode("utf-8"), err=True)
    raise typer.Exit(code)


app = typer.Typer(help="Fillable Russian and Kyrgyz forms (DOCX, PDF) from one source.", cls=Commands,
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
catalogs_app = typer.Typer(help="Translator workflow: extract message ids, update and compile catalogs.",
                           no_args_is_help=True)
app.add_typer(catalogs_app, name="catalogs")


class Lang(str, Enum):
    ru = "ru"
    ky = "ky"
    both = "ru+ky"


class Format(str, Enum):
    docx = "docx"
    pdf = "pdf"


CALL_OPTION = typer.Option(None, "--call", help="Call settings file (YAML), or the id of one of the project's "
                           "calls. Default: the project's latest call.", show_default=False)
PROJECT_OPTION = typer.Option(None, "--project", help="Project folder (forms/, locales/; `formgen init` makes one). "
                              "Default: the current folder if it is one, else the built-in forms.",
                              show_default=False)


def project_of(folder: Optional[Path]):
    from .project import find_project
    return find_project(folder)



@app.command()
def build(
    call: Optional[Path] = CALL_OPTION,
    out: Optional[Path] = typer.Option(None, "--out", help="Folder to write into. Default: the project's output/."),
    lang: Optional[List[Lang]] = typer.Option(None, "--lang", help="ru, ky or ru+ky (both in one document); repeat. Default: all three."),
    form: Optional[List[str]] = typer.Option(None, "--form", help="Form id; repeat for several. Default: all."),
    fmt: Optional[List[Format]] = typer.Option(None, "--format", help="docx or pdf; repeat. Default: both."),
    letterhead: Optional[Path] = typer.Option(None, "--letterhead", help="The municipality's letterhead .docx: "
                                              "the letter goes where it says {{ letter }}, or at its end."),
    letterhead_pdf: Optional[Path] = typer.Option(None, "--letterhead-pdf", help="A letterhead .pdf: its first "
                                                  "page is the background of the PDF letter's first page."),
    no_site: bool = typer.Option(False, "--no-site", help="Skip the download page and the zip."),
    project: Optional[Path] = PROJECT_OPTION,
) -> None:
    """Write OUT/<call id>/<lang>/<form>.<format> and OUT/<call id>/manifest.json."""
    from .build import MANIFEST, build as run_build
    from .call import load_call

    chosen = project_of(project)
    call_path, out = chosen.call(call), chosen.output(out)
    outputs = run_build(call_path, out, [l.value for l in lang or []], form or None, [f.value for f in fmt or []],
                        letterhead=letterhead, letterhead_pdf=letterhead_pdf, site=not no_site, project=chosen)
    call_dir = out / load_call(call_path).id
    site_note = "" if no_site else f", the download page {call_dir / 'index.html'} and the zip"
    typer.echo(f"wrote {len(outputs)} files of {chosen}, {call_dir / MANIFEST}{site_note}")


@app.command()
def check(
    call: Optional[Path] = CALL_OPTION,
    project: Optional[Path] = PROJECT_OPTION,
) -> None:
    """Validate form definitions, catalogs and call settings; one line per problem."""
    from .check import check as run_check, warnings

    chosen = project_of(project)
    problems = run_check(chosen.forms_dir, chosen.locales_dir, chosen.call(call))
    for warning in warnings(chosen.call(call)):
        typer.echo(warning, err=True)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {chosen}", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: definitions, catalogs and call settings of {chosen} are consistent")


@app.command()
def fill(
    data: Path = typer.Option(..., "--data", help="CSV, XLSX or YAML: one row per municipality, columns named by field ids."),
    call: Optional[Path] = CALL_OPTION,
    out: Optional[Path] = typer.Option(None, "--out", help="Folder to write into. Default: the project's "
                                       "output/<call id>/prefilled."),
    lang: Optional[List[Lang]] = typer.Option(None, "--lang", help="ru, ky or ru+ky; repeat. Default: ru and ky."),
    fmt: Optional[List[Format]] = typer.Option(None, "--format", help="docx or pdf; repeat. Default: both."),
    form: Optional[List[str]] = typer.Option(None, "--form", help="Form id; repeat. Default: every form with fields."),
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, help="Processes to use. Default: one per core (2 at most)."),
    project: Optional[Path] = PROJECT_OPTION,
) -> None:
    """Write each municipality's prefilled forms into a folder named after it."""
    from .call import load_call
    from .fill import fill as run_fill

    from .spreadsheet import read_rows

    chosen = project_of(project)
    call_path = chosen.call(call)
    target = out or chosen.output(None) / load_call(call_path).id / "prefilled"
    editions, formats = [l.value for l in lang or []] or ["ru", "ky"], [f.value for f in fmt or []]
    options = {"form_ids": form or None, "project": chosen}
    if sys.stderr.isatty():  # a progress bar for people; nothing in logs and pipes
        total = sum(1 for _ in read_rows(data))
        with typer.progressbar(length=total, label="rows", file=sys.stderr, show_pos=True) as bar:
            report = run_fill(data, call_path, target, editions, formats, jobs, progress=lambda done: bar.update(1),
                              **options)
    else:
        report = run_fill(data, call_path, target, editions, formats, jobs, **options)
    for problem in report.problems:
        typer.echo(problem, err=True)  # fill makes every problem printable
    typer.echo(f"{len(report.rows)} rows written into {target} from {chosen}, {len(report.problems)} problem(s)")
    if report.problems:
        raise typer.Exit(1)


@app.command()
def collect(
    inputs: List[Path] = typer.Argument(..., help="Returned forms (PDF, DOCX) and scans of them (PDF, PNG, JPEG, TIFF), or folders of them."),
    out: Path = typer.Option(Path("applications.xlsx"), "--out", help=".xlsx, .csv (one file per table) or .json"),
    call: Optional[Path] = CALL_OPTION,
    lang: Lang = typer.Option(Lang.ky, "--lang", help="Language of the column labels: ru or ky."),
    project: Optional[Path] = PROJECT_OPTION,
    review: Optional[Path] = typer.Option(None, "--review", help="Also write this .html page: every scanned field "
                                          "a person must check, its image beside the value read."),
) -> None:
    """Read returned forms into tables: general, one per list table (grid) of the forms, problems."""
    from .call import load_call
    from .collect import Forms, collect as run_collect, tables
    from .spreadsheet import CELL_LIMIT, check_output, write_tables

    check_output(out)
    for path in inputs:
        if not path.exists() and not path.is_symlink():
            raise UsageError(path, "", "no such file or folder", "check the path of the returned forms")
    if lang.value not in ("ru", "ky"):
        raise typer.BadParameter("labels are in one language: ru or ky", param_hint="--lang")
    chosen = project_of(project)
    forms = Forms(load_call(chosen.call(call)), chosen)
    applications, problems = run_collect(inputs, forms=forms)
    limit = CELL_LIMIT if out.suffix.lower() == ".xlsx" else None
    written = write_tables(out, tables(applications, problems, forms, lang.value, limit))
    if review:
        from .files import write_file
        from .review import review_page

        labels = {f.id: f.label for d in forms.documents if d.lang == lang.value for f in d.fields()}
        write_file(review, review_page(applications, labels, forms.localizers[lang.value].text).encode("utf-8"))
        written.append(review)
    typer.echo(f"{len(applications)} applications, {len(problems)} problem(s) by the forms of {chosen}: "
               f"{', '.join(map(str, written))}")


@app.command("new-call")
def new_call(
    new_id: str = typer.Option(..., "--id", help="Id of the new call, e.g. 2026."),
    source: Optional[Path] = typer.Option(None, "--from", help="Settings of the call to start from (a file or a "
                                          "call id). Default: the project's latest call."),
    out: Optional[Path] = typer.Option(None, "--out", help="File to write. Default: <id>.yaml beside --from, "
                                       "or in the project's forms/calls (the current folder for the built-in forms)."),
    project: Optional[Path] = PROJECT_OPTION,
) -> None:
    """Write a new call's settings: a copy of --from with the new id and every date one year later."""
    from .newcall import write_new_call

    chosen = project_of(project)
    folder = source.parent if source and source.suffix else (chosen.calls_dir if chosen.root else Path.cwd())
    target = out or folder / f"{new_id}.yaml"
    written = write_new_call(chosen.call(source), new_id, target)
    typer.echo(f"wrote {written} from {chosen}: edit the dates, period and contacts, then run "
               f"`formgen check --call {written}` and `formgen build --call {written}`")


@app.command()
def read(file: Path = typer.Argument(..., help="A filled DOCX made by formgen."),
         project: Optional[Path] = PROJECT_OPTION) -> None:
    """Print the values of a filled DOCX as JSON {field id: value}; say on stderr which form it is."""
    from .definitions import load_forms
    from .readback import read_docx_values

    chosen = project_of(project)
    values = read_docx_values(file)
    json.dump(values, sys.stdout, ensure_ascii=False, indent=2)
    typer.echo()
    forms = [form.id for form in load_forms(chosen.forms_dir).values()
             if {f.id for f in form.field_defs()} & set(values)]
    typer.echo(f"{len(values)} fields of {', '.join(forms) or 'no form'} of {chosen}", err=True)


@catalogs_app.command("extract")
def catalogs_extract(
    output: Optional[Path] = typer.Option(None, "--output", help="Template to write. Default: the project's "
                                          "locales/forms.pot."),
    project: Optional[Path] = PROJECT_OPTION,
) -> None:
    """Write the .pot template with every message id the forms and the code use."""
    from .translate import write_template

    chosen = project_of(project)
    output = output or chosen.locales_dir / "forms.pot"
    count = write_template(output, chosen.forms_dir)
    typer.echo(f"wrote {count} message ids of {chosen} to {output}")


@catalogs_app.command("update")
def catalogs_update(project: Optional[Path] = PROJECT_OPTION) -> None:
    """Add new message ids to every language's .po (as empty, to translate) and mark removed ones."""
    from .translate import update_catalogs

    chosen = project_of(project)
    for path in update_catalogs(chosen.locales_dir, chosen.forms_dir):
        typer.echo(f"updated {path}")
    typer.echo(f"updated the catalogs of {chosen}")


@catalogs_app.command("compile")
def catalogs_compile(project: Optional[Path] = PROJECT_OPTION) -> None:
    """Compile every .po into a .mo for other gettext tools (formgen itself reads the .po)."""
    from .catalogs import compile_catalogs

    chosen = project_of(project)
    for path in compile_catalogs(chosen.locales_dir):
        typer.echo(f"compiled {path}")
    typer.echo(f"the compiled catalogs of {chosen} are up to date")


@app.command()
def init(folder: Path = typer.Argument(..., help="The project folder to make (new or empty).")) -> None:
    """Make a project folder: a working copy of the built-in forms, call settings and catalogs."""
    from .init import init_project

    written = init_project(folder)
    typer.echo(f"wrote {len(written)} files into project {folder.resolve()}: edit forms/ and locales/, "
               f"then run `formgen check --project {folder}` and `formgen build --project {folder}`")


def main() -> None:
    app()
