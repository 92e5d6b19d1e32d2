"""Nothing stops a batch, nothing is lost: whatever one returned file does to a reader (a library's
error, a bug, a crash of the process reading it), `collect` reads every other file and gives that
file one problem line."""
import faulthandler
import io
import os
import signal
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

import generator.collect
from generator import DEFAULT_CALL
from generator.build import localized_documents, render_bytes
from generator.call import load_call
from generator.collect import Forms, collect, read_all, read_returned
from generator.errors import FormgenError

CALL = load_call(DEFAULT_CALL)
PDFJS = Path(__file__).parent / "fixtures" / "pdfjs"


@pytest.fixture(scope="module")
def forms():
    return Forms(CALL)


def document(form: str = "annex2", lang: str = "ky"):
    return localized_documents(CALL, [lang], [form])[0]


def good_pdf(name: str = "Ош", form: str = "annex2") -> bytes:
    return render_bytes(document(form), "pdf", {"aa_name": name} if form == "annex2" else {})


def good_folder(root: Path, count: int) -> dict[Path, str]:
    """`count` applications, one annex2.pdf each: {file: the name it holds}."""
    files = {}
    for number in range(count):
        path = root / f"a{number:03d}" / "annex2.pdf"
        path.parent.mkdir(parents=True)
        path.write_bytes(good_pdf(f"Айыл {number}"))
        files[path] = f"Айыл {number}"
    return files


def problems_by_file(problems) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for file, problem in problems:
        found.setdefault(Path(file.split(", page ")[0]).name, []).append(problem)
    return found


def assert_read(applications, files: dict[Path, str]) -> None:
    names = {a.key: a.values().get("aa_name") for a in applications}
    assert {str(path.parent): name for path, name in files.items()}.items() <= names.items()


# ---- a batch survives any file ----------------------------------------------------------------------

def test_a_pdf_whose_page_tree_is_broken_is_one_problem_and_the_others_are_read(tmp_path):
    """pdf.js's Pages-tree-refs.pdf holds no field, so it is read as a scan, and PDFium cannot load
    its page: that was a traceback and no output at all."""
    files = good_folder(tmp_path, 3)
    for name in ("Pages-tree-refs.pdf", "boundingBox_invalid.pdf"):
        (tmp_path / name).write_bytes((PDFJS / name).read_bytes())
    applications, problems = collect([tmp_path], CALL)
    assert_read(applications, files)
    reported = problems_by_file(problems)
    assert len(reported["Pages-tree-refs.pdf"]) == 1 and len(reported["boundingBox_invalid.pdf"]) == 1
    assert reported["Pages-tree-refs.pdf"] == ["holds no field of the forms and no page with a formgen code; page 2 "
                                              "cannot be drawn (PDFium: Failed to load page.) (is it a form made by formgen?)"]


def crash_on(name: str, how, monkeypatch, once: Path | None = None) -> None:
    """Reading the file called `name` kills the process reading it, when that is a worker (not this
    process); with `once`, only the first time."""
    main, read_file = os.getpid(), generator.collect.read_file

    def crashing(path, forms):
        if path.name == name and os.getpid() != main and not (once and once.exists()):
            if once:
                once.touch()
            faulthandler.disable()  # pytest's: it would print the dying worker's stack
            how()
        return read_file(path, forms)

    monkeypatch.setattr(generator.collect, "read_file", crashing)


@pytest.mark.parametrize("how, death", [(lambda: os.kill(os.getpid(), signal.SIGSEGV), "SIGSEGV"),
                                        (lambda: os._exit(3), "exit code 3")], ids=["segfault", "exit"])
def test_a_worker_that_dies_costs_only_its_own_file(tmp_path, forms, monkeypatch, how, death):
    files = good_folder(tmp_path, 40)
    crashing = tmp_path / "a007" / "crash.pdf"
    crashing.write_bytes(good_pdf("никогда"))
    crash_on("crash.pdf", how, monkeypatch)
    paths = sorted(p for p in tmp_path.rglob("*.pdf"))
    results = list(read_all(iter(paths), forms, jobs=2, parallel_from=1))
    assert [path for path, _ in results] == paths  # every file, in order
    read = {path: result for path, result in results}
    assert isinstance(read[crashing], FormgenError)
    assert read[crashing].problem.startswith(f"the process reading it died twice ({death}")
    for path, name in files.items():
        ((_, returned),), problems = read[path]
        assert returned.values["aa_name"] == name and problems == []


def test_a_file_whose_worker_died_once_is_read_again(tmp_path, forms, monkeypatch):
    files = good_folder(tmp_path, 40)
    files[tmp_path / "a020" / "crash.pdf"] = "однажды"
    (tmp_path / "a020" / "crash.pdf").write_bytes(good_pdf("однажды"))
    crash_on("crash.pdf", lambda: os.kill(os.getpid(), signal.SIGSEGV), monkeypatch, once=tmp_path / "crashed")
    results = dict(read_all(iter(sorted(files)), forms, jobs=2, parallel_from=1))
    assert (tmp_path / "crashed").exists()
    assert {path: result[0][0][1].values["aa_name"] for path, result in results.items()} == files


def test_a_bug_in_a_reader_is_an_internal_error_that_names_its_type(tmp_path, monkeypatch):
    files = good_folder(tmp_path, 2)
    (tmp_path / "a001" / "buggy.pdf").write_bytes(good_pdf())
    real = generator.collect.read_returned

    def buggy(path, *args):
        if path.name == "buggy.pdf":
            return None.values  # an AttributeError, as a slip in formgen's code would raise
        return real(path, *args)

    monkeypatch.setattr(generator.collect, "read_returned", buggy)
    applications, problems = collect([tmp_path], CALL)
    assert_read(applications, files)
    (problem,), = [p for f, p in problems if f.endswith("buggy.pdf")],
    assert problem.startswith("internal error (AttributeError: 'NoneType' object has no attribute 'values' at "
                              "test_collect_batch.py:")
    assert "please report it" in problem
