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

from . import DEFAULT_CALL, FORMS_DIR, LOCALES_DIR
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


CALL_OPTION = typer.Option(DEFAULT_CALL, "--call", help="Call settings file (YAML).", show_default=False)
FORMS_OPTION = typer.Option(FORMS_DIR, "--forms", help="Folder of form definitions.", show_default=False)
LOCALES_OPTION = typer.Option(LOCALES_DIR, "--locales", help="Folder of catalogs.", show_default=False)



@app.command()
def build(
    call: Path = CALL_OPTION,
    out: Path = typer.Option(Path("output"), "--out", help="Folder to write into."),
    lang: Optional[List[Lang]] = typer.Option(None, "--lang", help="ru, ky or ru+ky (both in one document); repeat. Default: all three."),
    form: Optional[List[str]] = typer.Option(None, "--form", help="Form id; repeat for several. Default: all."),
    fmt: Optional[List[Format]] = typer.Option(None, "--format", help="docx or pdf; repeat. Default: both."),
    letterhead: Optional[Path] = typer.Option(None, "--letterhead", help="The municipality's letterhead .docx: "
                                              "the letter goes where it says {{ letter }}, or at its end."),
    letterhead_pdf: Optional[Path] = typer.Option(None, "--letterhead-pdf", help="A letterhead .pdf: its first "
                                                  "page is the background of the PDF letter's first page."),
    no_site: bool = typer.Option(False, "--no-site", help="Skip the download page and the zip."),
) -> None:
    """Write OUT/<call id>/<lang>/<form>.<format> and OUT/<call id>/manifest.json."""
    from .build import MANIFEST, build as run_build
    from .call import load_call

    outputs = run_build(call, out, [l.value for l in lang or []], form or None, [f.value for f in fmt or []],
                        letterhead=letterhead, letterhead_pdf=letterhead_pdf, site=not no_site)
    call_dir = out / load_call(call).id
    site_note = "" if no_site else f", the download page {call_dir / 'index.html'} and the zip"
    typer.echo(f"wrote {len(outputs)} files, {call_dir / MANIFEST}{site_note}")


@app.command()
def check(
    call: Path = CALL_OPTION,
    forms: Path = FORMS_OPTION,
    locales: Path = LOCALES_OPTION,
) -> None:
    """Validate form definitions, catalogs and call settings; one line per problem."""
    from .check import check as run_check

    problems = run_check(forms, locales, call)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        typer.echo(f"{len(problems)} problem(s)", err=True)
        raise typer.Exit(1)
    typer.echo("ok: definitions, catalogs and call settings are consistent")


@app.command()
def fill(
    data: Path = typer.Option(..., "--data", help="CSV, XLSX or YAML: one row per municipality, columns named by field ids."),
    call: Path = CALL_OPTION,
    out: Optional[Path] = typer.Option(None, "--out", help="Folder to write into. Default: output/<call id>/prefilled."),
    lang: Optional[List[Lang]] = typer.Option(None, "--lang", help="ru, ky or ru+ky; repeat. Default: ru and ky."),
    fmt: Optional[List[Format]] = typer.Option(None, "--format", help="docx or pdf; repeat. Default: both."),
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, help="Processes to use. Default: one per core (2 at most)."),
) -> None:
    """Write each municipality's prefilled letter and Annex 2 into a folder named after it."""
    from .call import load_call
    from .fill import fill as run_fill

    from .spreadsheet import read_rows

    target = out or Path("output") / load_call(call).id / "prefilled"
    editions, formats = [l.value for l in lang or []] or ["ru", "ky"], [f.value for f in fmt or []]
    if sys.stderr.isatty():  # a progress bar for people; nothing in logs and pipes
        total = sum(1 for _ in read_rows(data))
        with typer.progressbar(length=total, label="rows", file=sys.stderr, show_pos=True) as bar:
            report = run_fill(data, call, target, editions, formats, jobs, progress=lambda done: bar.update(1))
    else:
        report = run_fill(data, call, target, editions, formats, jobs)
    for problem in report.problems:
        typer.echo(problem, err=True)  # fill makes every problem printable
    typer.echo(f"{len(report.rows)} rows written into {target}, {len(report.problems)} problem(s)")
    if report.problems:
        raise typer.Exit(1)


@app.command()
def collect(
    inputs: List[Path] = typer.Argument(..., help="Returned forms (PDF, DOCX) or folders of them."),
    out: Path = typer.Option(Path("applications.xlsx"), "--out", help=".xlsx, .csv (one file per table) or .json"),
    call: Path = CALL_OPTION,
    lang: Lang = typer.Option(Lang.ky, "--lang", help="Language of the column labels: ru or ky."),
) -> None:
    """Read returned forms into one table per sheet: general, activities, groups, donors, problems."""
    from .call import load_call
    from .collect import Forms, collect as run_collect, tables
    from .spreadsheet import check_output, write_tables

    check_output(out)
    for path in inputs:
        if not path.exists() and not path.is_symlink():
            raise UsageError(path, "", "no such file or folder", "check the path of the returned forms")
    if lang.value not in ("ru", "ky"):
        raise typer.BadParameter("labels are in one language: ru or ky", param_hint="--lang")
    settings = load_call(call)
    applications, problems = run_collect(inputs, settings)
    written = write_tables(out, tables(applications, problems, Forms(settings), lang.value))
    typer.echo(f"{len(applications)} applications, {len(problems)} problem(s): {', '.join(map(str, written))}")


@app.command("new-call")
def new_call(
    new_id: str = typer.Option(..., "--id", help="Id of the new call, e.g. 2026."),
    source: Optional[Path] = typer.Option(None, "--from", help="Settings of the call to start from. "
                                          "Default: the packaged 2025 call."),
    out: Optional[Path] = typer.Option(None, "--out", help="File to write. Default: <id>.yaml beside --from, "
                                       "or in the current folder."),
) -> None:
    """Write a new call's settings: a copy of --from with the new id and every date one year later."""
    from .newcall import write_new_call

    target = out or ((source.parent if source else Path.cwd()) / f"{new_id}.yaml")
    written = write_new_call(source or DEFAULT_CALL, new_id, target)
    typer.echo(f"wrote {written}: edit the dates, period and contacts, then run "
               f"`formgen check --call {written}` and `formgen build --call {written}`")


@app.command()
def read(file: Path = typer.Argument(..., help="A filled DOCX made by formgen.")) -> None:
    """Print the values of a filled DOCX as JSON {field id: value}."""
    from .readback import read_docx_values

    json.dump(read_docx_values(file), sys.stdout, ensure_ascii=False, indent=2)
    typer.echo()


@catalogs_app.command("extract")
def catalogs_extract(
    output: Path = typer.Option(LOCALES_DIR / "forms.pot", "--output", help="Template to write."),
    forms: Path = FORMS_OPTION,
) -> None:
    """Write the .pot template with every message id the forms and the code use."""
    from .translate import write_template

    count = write_template(output, forms)
    typer.echo(f"wrote {count} message ids to {output}")


@catalogs_app.command("update")
def catalogs_update(forms: Path = FORMS_OPTION, locales: Path = LOCALES_OPTION) -> None:
    """Add new message ids to every language's .po (as empty, to translate) and mark removed ones."""
    from .translate import update_catalogs

    for path in update_catalogs(locales, forms):
        typer.echo(f"updated {path}")


@catalogs_app.command("compile")
def catalogs_compile(locales: Path = LOCALES_OPTION) -> None:
    """Compile every .po into the .mo the generator reads."""
    from .catalogs import compile_catalogs

    written = compile_catalogs(locales)
    for path in written:
        typer.echo(f"compiled {path}")
    if not written:
        typer.echo("all compiled catalogs are up to date")


def main() -> None:
    app()
