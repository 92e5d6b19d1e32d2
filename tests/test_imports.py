"""A command imports only the libraries it uses: checked in a fresh process, as a user runs it."""
from __future__ import annotations

import subprocess
import sys

import pytest

PDF_STACK = {"reportlab", "pikepdf", "fontTools"}
DOCX_STACK = {"docx", "docxtpl", "docxcompose"}
SPREADSHEET = {"openpyxl"}
CLI_FRAMEWORKS = {"typer", "click", "rich", "pydantic"}  # 40–120 ms each before a command runs
# check and build read catalogs, write dates and pages and parse deadlines themselves: Babel and its
# locale data, Jinja and _strptime cost 5–100 ms each
NEVER = CLI_FRAMEWORKS | {"babel", "jinja2", "_strptime"}
# no command goes on the network: xml.sax.saxutils alone pulled these in, 16 ms of a one-form build
NETWORK = {"urllib.request", "ssl", "socket", "http"}
WRITING = {"zipfile", "html"}  # what only a command that writes files needs
WATCHED = PDF_STACK | DOCX_STACK | SPREADSHEET | NEVER | WRITING | NETWORK

# Runs the command line in a fresh interpreter and prints which watched modules it imported.
SCRIPT = """
import atexit, sys
watched = set(sys.argv[1].split(","))
atexit.register(lambda: print(",".join(sorted(({m.split('.')[0] for m in sys.modules} | set(sys.modules)) & watched))))
sys.argv = ["formgen", *sys.argv[2:]]
from generator.cli import main
main()
"""


def imported_by(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", SCRIPT, ",".join(sorted(WATCHED)), *args],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return set(filter(None, result.stdout.strip().splitlines()[-1].split(",")))


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["check"]])
def test_help_and_check_import_no_renderer(args):
    assert imported_by(*args) & WATCHED == set()


# Prints the modules of formgen's own that the command line imported.
OWN_SCRIPT = """
import atexit, sys
atexit.register(lambda: print(",".join(sorted(m for m in sys.modules if m.split(".")[0] == "generator"))))
sys.argv = ["formgen", *sys.argv[1:]]
from generator.cli import main
main()
"""


FORMAT_TABLE = ["generator.formats", "generator.formats.registry"]


@pytest.mark.parametrize("args, listing_formats", [(["--help"], []), (["build", "--help"], FORMAT_TABLE),
                                                   (["catalogs", "update", "--help"], [])])
def test_help_loads_no_command(args, listing_formats):
    """Each command's arguments and help are declared in cli.py, its body in generator/commands/:
    asking for help loads the command line and its error handling, and no command. A command that
    takes --format loads the table of formats (formats/registry.py) to list them, and no format."""
    result = subprocess.run([sys.executable, "-c", OWN_SCRIPT, *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split(",") == ["generator", "generator.cli", "generator.errors",
                                                                *listing_formats]


def test_a_docx_build_imports_neither_the_pdf_stack_nor_python_docx(tmp_path):
    """A DOCX is the shipped template's parts and XML written as text: python-docx only reads
    letterheads. (The letterhead PDF test below shows that the watch sees what is imported.)"""
    loaded = imported_by("build", "--out", str(tmp_path), "--format", "docx", "--lang", "ru")
    assert list(tmp_path.glob("*/ru/*.docx")) and not list(tmp_path.glob("*/ru/*.pdf"))
    assert loaded & (PDF_STACK | DOCX_STACK | NEVER | NETWORK) == set()


def test_a_pdf_build_imports_no_pdf_library(tmp_path):
    """formgen writes its PDFs itself: pikepdf reads returned forms and letterheads, nothing else."""
    loaded = imported_by("build", "--out", str(tmp_path), "--format", "pdf", "--lang", "ky", "--no-site")
    assert list(tmp_path.glob("*/ky/*.pdf"))  # the check below could not fail if nothing were built
    assert loaded & (PDF_STACK | DOCX_STACK | SPREADSHEET | NEVER | NETWORK) == set()


def test_a_pdf_build_on_a_letterhead_pdf_reads_it_with_pikepdf(tmp_path):
    from test_letterhead import letterhead_pdf

    background = letterhead_pdf(tmp_path / "letterhead.pdf")
    loaded = imported_by("build", "--out", str(tmp_path), "--format", "pdf", "--lang", "ky", "--no-site",
                         "--letterhead-pdf", str(background))
    assert loaded & PDF_STACK == {"pikepdf"}
