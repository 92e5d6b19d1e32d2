"""An earlier build's folder as untrusted input: its manifest edited, broken or huge, its files removed,
changed or replaced by links to elsewhere, another build writing into it at the same time, the
sources changed since. Each case builds into `out` first, spoils it, and runs a partial build."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Callable

from hostile.cases import case, write

CALL_DIR = "out/2025"
SECRET = b"a file outside the output folder that no zip may hold"


def forms() -> list[str]:
    from generator.sources.definitions import load_forms

    return list(load_forms())


def earlier_build(folder: Path, project: Path | None = None) -> Path:
    """out/2025 as `formgen build --out out` writes it."""
    from generator import DEFAULT_CALL
    from generator.commands.build import build
    from generator.sources.project import BUILTIN, project_at

    chosen = project_at(project) if project else BUILTIN
    build(chosen.default_call() if project else DEFAULT_CALL, folder / "out", project=chosen)
    return folder / CALL_DIR


def partial(*args: str, project: Path | None = None) -> list[str]:
    """The partial build each case runs: the last form, Kyrgyz, unless it says otherwise."""
    chosen = list(args) or ["--form", forms()[-1], "--lang", "ky"]
    return ["build", "--out", "out", *(["--project", str(project)] if project else []), *chosen]


def secret(folder: Path) -> Path:
    return write(folder, "elsewhere/secret.pdf", SECRET)


def sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def forge(call_dir: Path, path: str, data: bytes) -> None:
    """The manifest's entry for `path` made to describe `data`."""
    def edit(manifest: dict) -> None:
        for entry in manifest["files"]:
            if entry["path"] == path:
                entry.update(bytes=len(data), sha256=sha256(data))
    edit_manifest(call_dir, edit)


def edit_manifest(call_dir: Path, edit: Callable[[dict], None]) -> None:
    data = json.loads((call_dir / "manifest.json").read_text(encoding="utf-8"))
    edit(data)
    (call_dir / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


# ---- what every outcome is checked for --------------------------------------------------------------

def published(call_dir: Path) -> tuple[list[str], list[str]]:
    """(what is wrong with how the manifest, the pages and the zip agree with each other and with the
    files, the paths the manifest lists)."""
    wrong = []
    try:
        data = json.loads((call_dir / "manifest.json").read_text(encoding="utf-8"))
        paths = [entry["path"] for entry in data["files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"no readable manifest afterwards: {exc}"], []
    for entry in data["files"]:
        path = call_dir / entry["path"]
        if path.is_symlink() or not path.is_file() or path.stat().st_size != entry["bytes"]:
            wrong.append(f"{entry['path']} is listed but not the file the manifest describes")
    zip_path = call_dir / "2025-forms.zip"
    if zip_path.exists():
        with zipfile.ZipFile(zip_path) as bundle:
            names = bundle.namelist()
            if any(SECRET in bundle.read(name) for name in names):
                wrong.append("the zip holds a file from outside the output folder")
            in_zip = {re.sub(r"^2025-(ru\+ky|ru|ky)-(\w+)\.(\w+)$", r"\1/\2.\3", name) for name in names}
        if in_zip != set(paths):
            wrong.append(f"the zip holds {sorted(in_zip ^ set(paths))} unlike the manifest")
        for page in ("index.html", "index.ru.html"):
            links = set(re.findall(r'<a class="file" href="([^"]+)"', (call_dir / page).read_text(encoding="utf-8")))
            if links != set(paths):
                wrong.append(f"{page} links {sorted(links ^ set(paths))} unlike the manifest")
    return wrong, paths


def outcome(code: int, listed: Callable[[list[str]], bool], *said: str, left_off: set[str] | None = None):
    """An `expect`: the exit code, the manifest's files (`listed(paths)`), what the output says, and
    which files the manifest keeps as left off the page."""
    def expect(folder: Path, exit_code: object, output: str) -> list[str]:
        call_dir = folder / CALL_DIR
        wrong, paths = published(call_dir)
        if exit_code != code:
            wrong.append(f"exit {exit_code}, not {code}")
        if not listed(paths):
            wrong.append(f"the manifest lists {sorted(paths)}")
        wrong += [f"the output does not say {text!r}" for text in said if text not in output]
        if left_off is not None and paths:
            kept = {e["path"] for e in json.loads((call_dir / "manifest.json").read_text(encoding="utf-8")).get("left_off", [])}
            if kept != left_off:
                wrong.append(f"left off: {sorted(kept)}, not {sorted(left_off)}")
        if (folder / "elsewhere" / "secret.pdf").exists() and (folder / "elsewhere" / "secret.pdf").read_bytes() != SECRET:
            wrong.append("the file outside the output folder was changed")
        return wrong
    return expect


def every(paths: list[str], but: set[str] = frozenset()) -> bool:
    from generator.formats.registry import format_names
    from generator.sources.project import BUILTIN
    EDITIONS = BUILTIN.languages.edition_ids

    return set(paths) == {f"{lang}/{form}.{fmt}" for lang in EDITIONS for form in forms() for fmt in format_names()} - but


def of_form(form_index: int, langs=("ru", "ky", "ru+ky"), formats=("docx", "pdf")) -> set[str]:
    return {f"{lang}/{forms()[form_index]}.{fmt}" for lang in langs for fmt in formats}


def of_lang(lang: str) -> set[str]:
    return {path for index in range(len(forms())) for path in of_form(index, [lang])}


def refused(*said: str):
    """An `expect` for a build that must change nothing: exit 1, said why, the manifest as it was."""
    def expect(folder: Path, exit_code: object, output: str) -> list[str]:
        wrong = [] if exit_code == 1 else [f"exit {exit_code}, not 1"]
        wrong += [f"the output does not say {text!r}" for text in said if text not in output]
        if (folder / CALL_DIR / "manifest.json").read_bytes() != (folder / "manifest-before.json").read_bytes():
            wrong.append("the manifest changed")
        return wrong
    return expect


def keep_manifest(call_dir: Path) -> None:
    (call_dir.parent.parent / "manifest-before.json").write_bytes((call_dir / "manifest.json").read_bytes())


# ---- the manifest: not JSON, huge, edited by hand, a link, another call's ---------------------------

@case("output", "manifest-not-json", expect=outcome(
    1, lambda paths: set(paths) == of_form(-1, ["ky"]), "manifest.json: not JSON", "not listed in manifest.json"))
def _(folder: Path) -> list[str]:
    write(earlier_build(folder), "manifest.json", b'{"call": "2025", "files": [')
    return partial()


@case("output", "manifest-huge", expect=outcome(1, lambda paths: set(paths) == of_form(-1, ["ky"]),
                                                "manifest.json: larger than 5 MB"))
def _(folder: Path) -> list[str]:
    call_dir = earlier_build(folder)
    edit_manifest(call_dir, lambda data: data.update(padding="x" * 6_000_000))
    return partial()


@case("output", "manifest-nested-100000-deep", expect=outcome(1, lambda paths: len(paths) == 2, "not JSON"))
def _(folder: Path) -> list[str]:
    write(earlier_build(folder), "manifest.json", "[" * 100_000 + "]" * 100_000)
    return partial()


@case("output", "manifest-edited-by-hand", expect=outcome(
    1, lambda paths: every(paths, {f"ru/{forms()[0]}.docx", f"ru/{forms()[0]}.pdf", f"ru/{forms()[1]}.docx",
                                   f"ky/{forms()[0]}.docx"}),
    "files[1]: path: '../../elsewhere/secret.pdf' is not where the build writes that file",
    "files[0]: bytes: 'True' is not a valid value", "files[2]: form:",
    f"{CALL_DIR}/ru/{forms()[0]}.pdf: not listed", f"{CALL_DIR}/ky/{forms()[0]}.docx: changed since it was built",
    "left_off: not a list", left_off={f"ky/{forms()[0]}.docx"}))
def _(folder: Path) -> list[str]:
    """A path out of the folder, a wrong type, a form id that is a path, a wrong hash, `left_off` a
    string: each entry is checked, and only its own file is left off the page."""
    call_dir, outside = earlier_build(folder), secret(folder)
    first = forms()[0]

    def edit(data: dict) -> None:
        files = data["files"]
        files[0]["bytes"] = True
        files[1].update(path="../../elsewhere/secret.pdf", bytes=len(SECRET), sha256=sha256(outside.read_bytes()))
        files[2]["form"] = "../../elsewhere/secret"
        for entry in files:
            if entry["path"] == f"ky/{first}.docx":
                entry["sha256"] = "0" * 64
        data["left_off"] = "everything"
    edit_manifest(call_dir, edit)
    return partial()


@case("output", "manifest-is-a-link", expect=outcome(
    1, lambda paths: set(paths) == of_form(-1, ["ky"]), "manifest.json: a link, not a file"))
def _(folder: Path) -> list[str]:
    call_dir = earlier_build(folder)
    (call_dir / "manifest.json").rename(folder / "elsewhere.json")
    (call_dir / "manifest.json").symlink_to(folder / "elsewhere.json")
    return partial()


@case("output", "manifest-of-another-call", expect=outcome(
    1, lambda paths: len(paths) == 2, "not the manifest of call 2025"))
def _(folder: Path) -> list[str]:
    edit_manifest(earlier_build(folder), lambda data: data.update(call="../1999"))
    return partial()


@case("output", "manifest-lists-a-form-the-project-dropped", expect=outcome(
    1, lambda paths: every(paths), "the project has no form 'retired_form' any more", left_off={"ru/retired_form.pdf"}))
def _(folder: Path) -> list[str]:
    call_dir = earlier_build(folder)
    retired = write(call_dir, "ru/retired_form.pdf", b"%PDF-1.7 a form of an earlier year")
    entry = {"form": "retired_form", "lang": "ru", "format": "pdf", "path": "ru/retired_form.pdf",
             "bytes": retired.stat().st_size, "sha256": sha256(retired.read_bytes()),
             "pages": 1, "source": "0" * 64, "letterhead": None}
    edit_manifest(call_dir, lambda data: data["files"].append(entry))
    return partial()


# ---- the files: removed, a link to elsewhere, a FIFO, a folder, a linked folder -----------------------

@case("output", "listed-file-removed", expect=outcome(
    1, lambda paths: every(paths, {f"ru/{forms()[0]}.pdf"}), f"{CALL_DIR}/ru/{forms()[0]}.pdf: missing",
    f"--form {forms()[0]} --lang ru --format pdf", left_off=set()))
def _(folder: Path) -> list[str]:
    (earlier_build(folder) / "ru" / f"{forms()[0]}.pdf").unlink()
    return partial()


@case("output", "listed-file-a-link-outside", expect=outcome(
    1, lambda paths: every(paths, {f"ru/{forms()[0]}.pdf"}), "a link, not a file", left_off={f"ru/{forms()[0]}.pdf"}))
def _(folder: Path) -> list[str]:
    """The link's target has the size and hash the manifest gives: only not following it keeps it out."""
    call_dir, outside = earlier_build(folder), secret(folder)
    listed = call_dir / "ru" / f"{forms()[0]}.pdf"
    listed.unlink()
    listed.symlink_to(outside)
    forge(call_dir, f"ru/{forms()[0]}.pdf", SECRET)
    return partial()


@case("output", "edition-folder-a-link-outside", expect=outcome(
    1, lambda paths: every(paths, of_lang("ru")), "in a folder that is now a link",
    f"{CALL_DIR}/ru: a link where formgen keeps a folder", left_off=of_lang("ru")))
def _(folder: Path) -> list[str]:
    """ru/ replaced by a link to a folder of look-alike files (the manifest forged to match them)."""
    call_dir = earlier_build(folder)
    (call_dir / "ru").rename(folder / "elsewhere")
    (call_dir / "ru").symlink_to(folder / "elsewhere")
    write(folder, f"elsewhere/{forms()[0]}.pdf", SECRET)
    forge(call_dir, f"ru/{forms()[0]}.pdf", SECRET)
    return partial()


@case("output", "build-into-an-edition-folder-that-is-a-link",
      expect=refused("ky: is a link or a file where formgen keeps a folder"))
def _(folder: Path) -> list[str]:
    """Writing through the link would write outside the output folder: refused, nothing changed."""
    call_dir = earlier_build(folder)
    keep_manifest(call_dir)
    (call_dir / "ky").rename(folder / "elsewhere")
    (call_dir / "ky").symlink_to(folder / "elsewhere")
    return partial()


@case("output", "listed-file-a-fifo", expect=outcome(
    1, lambda paths: every(paths, {f"ru/{forms()[0]}.pdf"}), "not a regular file"))
def _(folder: Path) -> list[str]:
    listed = earlier_build(folder) / "ru" / f"{forms()[0]}.pdf"
    listed.unlink()
    os.mkfifo(listed)  # opening it to read would wait for a writer for ever
    return partial()


@case("output", "a-folder-where-a-file-goes", expect=refused(f"ky/{forms()[-1]}.pdf: is a folder where formgen writes a file"))
def _(folder: Path) -> list[str]:
    call_dir = earlier_build(folder)
    keep_manifest(call_dir)
    target = call_dir / "ky" / f"{forms()[-1]}.pdf"
    target.unlink()
    write(target, "keep.txt", "someone's work")
    return partial()


# ---- another build at the same time; the sources changed since -------------------------------------

@case("output", "concurrent-partial-builds", outs=("out", "background"), expect=lambda folder, code, output: (
    _background_done(folder) + outcome(0, lambda paths: set(paths) == of_form(0, ["ru"]) | of_form(-1, ["ky"]))(
        folder, code, output)))
def _(folder: Path) -> list[str]:
    """Another process builds the first form in Russian while this one builds the last in Kyrgyz."""
    (folder / "background").mkdir()
    script = ("import sys; from generator.cli import app; app(sys.argv[1:])")
    with (folder / "background" / "log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-c", script, *partial("--form", forms()[0], "--lang", "ru")],
                                   cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    (folder / "background" / "pid").write_text(str(process.pid))
    return partial()


def _background_done(folder: Path) -> list[str]:
    pid = int((folder / "background" / "pid").read_text())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            log = (folder / "background" / "log").read_text()
            return [] if code == 0 else [f"the other build exited {code}: {log[-300:]}"]
        time.sleep(0.05)
    return ["the other build did not finish in 60 s"]


def _project_with_changed_message(folder: Path) -> tuple[Path, str]:
    """A project built whole, then one message of the first form alone changed in Russian."""
    from generator.sources.definitions import load_forms
    from generator.commands.init import init_project

    init_project(folder / "project")
    earlier_build(folder, folder / "project")
    definitions = load_forms(folder / "project" / "forms")
    first = forms()[0]
    others = {m for form in definitions.values() if form.id != first for m in form.message_ids()}
    message = next(m for block in definitions[first].blocks for m in block.message_ids() if m not in others)
    po = folder / "project" / "locales" / "ru" / "LC_MESSAGES" / "forms.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace(f'msgid "{message}"\nmsgstr "', f'msgid "{message}"\nmsgstr "Изменено: ', 1),
                  encoding="utf-8")
    return folder / "project", first


@case("output", "partial-build-after-a-catalog-change", expect=outcome(
    1, lambda paths: every(paths, of_form(0, ["ru", "ru+ky"])), "made from other sources than now",
    f"--form {forms()[0]} --lang ru --lang ru+ky", left_off=of_form(0, ["ru", "ru+ky"])))
def _(folder: Path) -> list[str]:
    project, _ = _project_with_changed_message(folder)
    return partial("--form", forms()[-1], project=project)


@case("output", "catalog-change-then-the-form-it-changed", expect=outcome(0, every, "0 problem(s)", left_off=set()))
def _(folder: Path) -> list[str]:
    """Fixing one form's text and building that form: the others are as they were, and stay."""
    project, first = _project_with_changed_message(folder)
    return partial("--form", first, project=project)


def build_kept(message: str) -> Callable[[Path, object, str], list[str]]:
    """fill refused with `message`, and the build it was pointed at untouched (its page and zip too)."""
    def expect(folder: Path, exit_code: object, output: str) -> list[str]:
        wrong = [] if exit_code == 1 and message in output else [f"exit {exit_code}, not refused: {output[-200:]}"]
        kept = {"manifest.json", "index.html", "2025-forms.zip"} - {p.name for p in (folder / CALL_DIR).iterdir()}
        return wrong + [f"{name} of the build was removed" for name in sorted(kept)]
    return expect


@case("output", "fill-into-a-build-folder", rows=(2,), expect=build_kept("holds the output of another formgen command"))
def _(folder: Path) -> list[str]:
    earlier_build(folder)
    data = write(folder, "data.csv", "aa_name\nТалас\n")
    return ["fill", "--data", str(data), "--out", CALL_DIR, "--lang", "ru", "--format", "docx", "--jobs", "1"]
