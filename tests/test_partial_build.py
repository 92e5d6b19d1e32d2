"""A build of some forms, editions or formats into an earlier build's folder: it keeps the files made
from the same sources on the manifest, the page and the zip, says which are not and how to make
them, and changes the folder all at once or not at all."""
import hashlib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from cli_runner import CliRunner

from generator.commands.build import build
from generator.formats.registry import format_names
from generator.sources.project import BUILTIN
from generator.cli import app
from generator.sources.definitions import load_forms
from generator.errors import FormgenError
from generator.sources.project import project_at

FORMATS = format_names()
EDITIONS = BUILTIN.languages.edition_ids
FORMS = list(load_forms())
SITE = ("manifest.json", "index.html", "index.ru.html", "style.css", "2025-forms.zip")


def invoke(*args):
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    assert "Traceback" not in result.output, result.output
    return result


def manifest(call_dir: Path) -> dict:
    return json.loads((call_dir / "manifest.json").read_text(encoding="utf-8"))


def listed(call_dir: Path) -> set[str]:
    return {entry["path"] for entry in manifest(call_dir)["files"]}


def everything() -> set[str]:
    return {f"{lang}/{form}.{fmt}" for lang in EDITIONS for form in FORMS for fmt in FORMATS}


def published(call_dir: Path) -> dict[str, set[str]]:
    """What the manifest, each page and the zip list, as paths (the zip's names mapped back)."""
    found = {"manifest": listed(call_dir)}
    for page in ("index.html", "index.ru.html"):
        html = (call_dir / page).read_text(encoding="utf-8")
        found[page] = set(re.findall(r'<a class="file" href="([^"]+)"', html))
        found[page + " checksums"] = set(re.findall(r"<dt>([^<]+)</dt>", html))
    with zipfile.ZipFile(call_dir / "2025-forms.zip") as bundle:
        found["zip"] = set()
        for name in bundle.namelist():
            lang, form, fmt = re.fullmatch(r"2025-(ru\+ky|ru|ky)-(\w+)\.(\w+)", name).groups()
            found["zip"].add(f"{lang}/{form}.{fmt}")
            assert bundle.read(name) == (call_dir / lang / f"{form}.{fmt}").read_bytes()
    return found


def site_bytes(call_dir: Path) -> dict[str, bytes]:
    return {name: (call_dir / name).read_bytes() for name in SITE}


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """A full build, the reference every sequence of partial builds must equal."""
    out = tmp_path_factory.mktemp("full")
    assert invoke("build", "--out", out).exit_code == 0
    return out / "2025"


def test_a_build_of_one_form_keeps_the_others_on_the_manifest_page_and_zip(tmp_path, full):
    """The issue: `build` then `build --form X` listed X alone while the others stayed on disk."""
    assert invoke("build", "--out", tmp_path).exit_code == 0
    result = invoke("build", "--out", tmp_path, "--form", FORMS[-1])
    assert result.exit_code == 0, result.output
    call_dir = tmp_path / "2025"
    assert all(paths == everything() for paths in published(call_dir).values())
    assert site_bytes(call_dir) == site_bytes(full)
    assert "list 18 (12 from earlier builds)" in result.output


def partial_builds(out: Path, choices: list[list[str]]) -> Path:
    for chosen in choices:
        result = invoke("build", "--out", out, *chosen)
        assert result.exit_code == 0, result.output
    return out / "2025"


@pytest.mark.parametrize("split", ["form", "form reversed", "lang", "format"])
def test_a_full_build_and_partial_builds_of_every_part_write_the_same_bytes(tmp_path, full, split):
    choices = {"form": [["--form", form] for form in FORMS],
               "form reversed": [["--form", form] for form in reversed(FORMS)],
               "lang": [["--lang", lang] for lang in EDITIONS],
               "format": [["--format", fmt] for fmt in FORMATS]}[split]
    call_dir = partial_builds(tmp_path, choices)
    assert site_bytes(call_dir) == site_bytes(full)
    assert folder_bytes(call_dir) == folder_bytes(full)


def test_files_of_an_earlier_build_are_checked_not_trusted(tmp_path, full):
    """A file removed, edited, or replaced by a link: off the page and the zip, said, made right by
    the command the build prints; a file nobody listed: said, left where it is."""
    call_dir = partial_builds(tmp_path, [[]])
    removed, edited, linked = (f"{lang}/{FORMS[0]}.{fmt}" for lang, fmt in (("ru", "pdf"), ("ky", "docx"), ("ru+ky", "pdf")))
    (call_dir / removed).unlink()
    with (call_dir / edited).open("ab") as file:
        file.write(b"edited by hand")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the zip")
    (call_dir / linked).unlink()
    (call_dir / linked).symlink_to(secret)
    (call_dir / "ru" / "notes.txt").write_text("mine")
    result = invoke("build", "--out", tmp_path, "--form", FORMS[-1], "--lang", "ru")
    assert result.exit_code == 1
    for path, said in ((removed, "missing"), (edited, "changed since it was built"), (linked, "a link, not a file"),
                       ("ru/notes.txt", "not listed in manifest.json")):
        assert f"{call_dir / path}: {said}" in result.stderr
    assert all(paths == everything() - {removed, edited, linked} for paths in published(call_dir).values())
    assert (call_dir / "ru" / "notes.txt").read_text() == "mine" and secret.read_text() == "not for the zip"
    again = invoke(*shlex.split(result.stderr.split("to make them right: ")[1].splitlines()[0])[1:])
    assert again.exit_code == 1 and "notes.txt: not listed" in again.stderr  # the one file no build makes
    assert f"note: {call_dir / edited}: changed since it was built: its size differs; replaced" in again.stderr
    assert published(call_dir)["manifest"] == everything()
    (call_dir / "ru" / "notes.txt").unlink()
    assert invoke("build", "--out", tmp_path, "--form", FORMS[0]).exit_code == 0
    assert folder_bytes(call_dir) == folder_bytes(full) and secret.read_text() == "not for the zip"


def messages_of_one_form(forms) -> dict[str, str]:
    """form id → a message id that form alone uses."""
    users: dict[str, set[str]] = {}
    for form in forms.values():
        for message_id in form.message_ids():
            users.setdefault(message_id, set()).add(form.id)
    alone = {}
    for message_id, form_ids in sorted(users.items()):
        if len(form_ids) == 1:
            alone.setdefault(next(iter(form_ids)), message_id)
    return alone


def retranslated(po: Path, message_id: str, prefix: str) -> None:
    text = po.read_text(encoding="utf-8")
    changed = re.sub(rf'(msgid "{re.escape(message_id)}"\nmsgstr ")', rf"\g<1>{prefix}", text, count=1)
    assert changed != text
    po.write_text(changed, encoding="utf-8")


def project_build(root: Path, out: Path, *args):
    return invoke("build", "--project", root, "--out", out, *args)


def test_a_catalog_change_leaves_off_the_files_it_changes_and_says_how_to_make_them(source_copy, tmp_path):
    forms, locales, _ = source_copy
    root, out = forms.parent, tmp_path / "out"
    alone = messages_of_one_form(load_forms(forms))
    changed, other = FORMS[-1], FORMS[0]
    assert project_build(root, out).exit_code == 0
    call_dir = out / "2025"
    before = folder_bytes(call_dir)
    retranslated(locales / "ru" / "LC_MESSAGES" / "forms.po", alone[changed], "Исправлено: ")
    # fixing one form and building it: the others did not change, so they stay
    result = project_build(root, out, "--form", changed)
    assert result.exit_code == 0 and published(call_dir)["manifest"] == everything()
    assert {p for p, data in folder_bytes(call_dir).items() if before.get(p) != data} >= {
        f"{lang}/{changed}.{fmt}" for lang in ("ru", "ru+ky") for fmt in FORMATS}
    # changed again, but another form built: the changed form's Russian files are stale
    retranslated(locales / "ru" / "LC_MESSAGES" / "forms.po", alone[changed], "Снова: ")
    result = project_build(root, out, "--form", other)
    stale = {f"{lang}/{changed}.{fmt}" for lang in ("ru", "ru+ky") for fmt in FORMATS}
    assert result.exit_code == 1
    assert all(paths == everything() - stale for paths in published(call_dir).values())
    assert {e["path"] for e in manifest(call_dir)["left_off"]} == stale and all((call_dir / p).exists() for p in stale)
    for path in stale:
        assert f"{call_dir / path}: made from other sources than now" in result.stderr
    command = result.stderr.split("to make them right: ")[1].splitlines()[0]
    assert command == f"formgen build --project {root} --out {out} --form {changed} --lang ru --lang ru+ky"
    assert invoke(*shlex.split(command)[1:]).exit_code == 0
    assert published(call_dir)["manifest"] == everything() and manifest(call_dir)["left_off"] == []


def test_a_stale_file_comes_back_when_its_sources_do(source_copy, tmp_path):
    forms, locales, _ = source_copy
    root, out, po = forms.parent, tmp_path / "out", locales / "ky" / "LC_MESSAGES" / "forms.po"
    original = po.read_text(encoding="utf-8")
    assert project_build(root, out, "--format", "docx").exit_code == 0
    retranslated(po, messages_of_one_form(load_forms(forms))[FORMS[0]], "Жаңы: ")
    assert project_build(root, out, "--form", FORMS[-1], "--format", "docx").exit_code == 1
    po.write_text(original, encoding="utf-8")
    result = project_build(root, out, "--form", FORMS[-1], "--format", "docx")
    assert result.exit_code == 0 and manifest(out / "2025")["left_off"] == []
    assert listed(out / "2025") == {p for p in everything() if p.endswith(".docx")}


def test_a_manifest_without_sources_marks_its_files_stale(tmp_path):
    """A manifest of an earlier formgen, which recorded no sources."""
    call_dir = partial_builds(tmp_path, [["--format", "docx"]])
    data = manifest(call_dir)
    for entry in data["files"]:
        del entry["source"], entry["letterhead"]
    del data["left_off"]
    (call_dir / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    result = invoke("build", "--out", tmp_path, "--format", "docx", "--lang", "ky")
    assert result.exit_code == 1 and "made by a formgen that did not record what it was made from" in result.stderr
    assert result.stderr.endswith("--lang ru --lang ru+ky --format docx\n")


def test_a_letterhead_is_part_of_what_a_letter_is_made_from(tmp_path):
    from test_letterhead import make_letterhead

    letters = [form.id for form in load_forms().values() if form.letterhead]
    others = [form.id for form in load_forms().values() if not form.letterhead]
    blank = make_letterhead(tmp_path)
    assert invoke("build", "--out", tmp_path, "--format", "docx", "--letterhead", blank).exit_code == 0
    result = invoke("build", "--out", tmp_path, "--format", "docx", "--form", others[0])
    assert result.exit_code == 1
    for form in letters:
        assert f"{form}.docx: made with a letterhead (give it again with --letterhead" in result.stderr
    result = invoke("build", "--out", tmp_path, "--format", "docx", "--form", others[0], "--letterhead", blank)
    assert result.exit_code == 0, result.output
    assert {e["letterhead"] for e in manifest(tmp_path / "2025")["files"]} == {
        None, hashlib.sha256(blank.read_bytes()).hexdigest()}


def test_no_site_takes_away_a_page_that_would_no_longer_match(tmp_path):
    call_dir = partial_builds(tmp_path, [[]])
    result = invoke("build", "--out", tmp_path, "--form", FORMS[0], "--no-site")
    assert result.exit_code == 0 and "the download page and the zip of an earlier build are removed" in result.stderr
    assert sorted(p.name for p in call_dir.iterdir()) == ["ky", "manifest.json", "ru", "ru+ky"]
    assert listed(call_dir) == everything()


def test_a_source_is_the_same_in_every_process():
    """No set or other order that changes with the hash seed goes into a source."""
    script = ("from generator import DEFAULT_CALL; from generator.sources.call import load_call; "
              "from generator.commands.build import source_of; "
              "from generator.pipeline import localized_documents; from generator.sources.project import BUILTIN; "
              "print([source_of(d) for d in localized_documents(load_call(DEFAULT_CALL), "
              "BUILTIN.languages.edition_ids)])")
    runs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(runs) == 1 and len(eval(runs.pop())) == len(EDITIONS) * len(FORMS)


# ---- all or nothing, and one build at a time ---------------------------------------------------------

def test_an_interrupted_partial_build_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    import generator.commands.build

    call_dir = partial_builds(tmp_path, [[]])
    before = folder_bytes(call_dir)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(generator.commands.build, "site_files", interrupted)
    result = invoke("build", "--out", tmp_path, "--form", FORMS[0], "--lang", "ky")
    assert result.exit_code == 130 and folder_bytes(call_dir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025"]  # no staging folder, no lock left


def test_a_move_that_fails_puts_back_every_file_already_moved(tmp_path, monkeypatch):
    import generator.disk.folders

    call_dir = partial_builds(tmp_path, [[]])
    (call_dir / "ky" / f"{FORMS[0]}.pdf").write_bytes(b"changed by hand, kept if the build fails")
    before = folder_bytes(call_dir)
    renames = []

    def rename(source, target):
        renames.append(target)
        if len(renames) == 7:
            raise OSError(28, "No space left on device")
        os.replace(source, target)

    monkeypatch.setattr(generator.disk.folders.os, "rename", rename)
    result = invoke("build", "--out", tmp_path, "--lang", "ky")
    assert result.exit_code == 1 and "cannot write: No space left on device" in result.output
    assert folder_bytes(call_dir) == before


def test_ctrl_c_while_files_move_in_waits_until_all_are_in(tmp_path, monkeypatch):
    import generator.disk.folders

    call_dir = partial_builds(tmp_path, [["--format", "docx"]])

    def rename(source, target, sent=[]):
        if not sent:
            sent.append(os.kill(os.getpid(), signal.SIGINT))
        os.replace(source, target)

    monkeypatch.setattr(generator.disk.folders.os, "rename", rename)
    result = invoke("build", "--out", tmp_path, "--format", "pdf")
    assert result.exit_code == 130 and "output folders are as the last run that finished left them" in result.output
    assert listed(call_dir) == everything()  # the build finished moving in before it stopped
    for entry in manifest(call_dir)["files"]:
        assert hashlib.sha256((call_dir / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]


def test_a_second_build_waits_for_the_first_and_keeps_its_files(tmp_path):
    """Real processes: two partial builds started while a third holds the folder's lock; both wait,
    both finish, and the manifest, page and zip list the files of all of them."""
    import fcntl

    assert invoke("build", "--out", tmp_path, "--form", FORMS[0], "--lang", "ru+ky").exit_code == 0
    lock = open(tmp_path / ".2025.lock", "a+b")
    fcntl.flock(lock, fcntl.LOCK_EX)
    runs = {}
    try:
        for form, lang in ((FORMS[1], "ru"), (FORMS[-1], "ky")):
            log = (tmp_path / f"{form}.log").open("w+")
            runs[form, lang] = (subprocess.Popen([str(Path(sys.executable).with_name("formgen")), "build", "--out",
                                                  str(tmp_path), "--form", form, "--lang", lang],
                                                 stdout=log, stderr=subprocess.STDOUT), log)
        deadline = time.monotonic() + 60
        while not all("waiting for another build" in (tmp_path / f"{form}.log").read_text() for form, _ in runs):
            assert time.monotonic() < deadline and all(p.poll() is None for p, _ in runs.values())
            time.sleep(0.05)
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    for process, log in runs.values():
        assert process.wait(timeout=60) == 0, log.seek(0) or log.read()
    expected = {f"{lang}/{form}.{fmt}" for form, lang in [*runs, (FORMS[0], "ru+ky")] for fmt in FORMATS}
    assert all(paths == expected for paths in published(tmp_path / "2025").values())


def test_a_fill_is_refused_while_a_build_holds_the_folder(tmp_path):
    """fill into the folder of a call refuses rather than waits, as it always has."""
    from generator.disk.folders import staged_files, staged_folder

    with staged_files(tmp_path / "2025", on_wait=lambda: None):
        with pytest.raises(FormgenError, match="another run is writing into this folder"):
            with staged_folder(tmp_path / "2025", "rows"):
                pass


def test_what_a_build_returns(tmp_path, source_copy):
    """The files it wrote, what the manifest lists, in the folder of the project's call."""
    forms, _, call = source_copy
    built = build(call, tmp_path, ["ky"], [FORMS[0]], ["docx"], site=False, project=project_at(forms.parent))
    assert built.call_dir == tmp_path / "2025" and [e.path for e in built.written] == [f"ky/{FORMS[0]}.docx"]
    assert built.listed == built.written and not built.problems and not built.notes and not built.rebuild


def test_a_staging_folder_a_killed_build_left_is_removed_by_the_next(tmp_path):
    left = tmp_path / ".2025.0a1b2c3d.partial"
    (left / "ru").mkdir(parents=True)
    (left / "ru" / "half.pdf").write_bytes(b"%PDF half")
    others = [tmp_path / ".2025.x.0a1b2c3d.partial", tmp_path / ".2026.0a1b2c3d.partial"]  # other folders' runs
    for folder in others:
        folder.mkdir()
    assert invoke("build", "--out", tmp_path, "--format", "docx", "--lang", "ru").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["2025", *(p.name for p in others)])


def test_a_fill_into_a_build_folder_is_refused_and_the_build_kept(tmp_path):
    """`fill --out output/2025` replaced the whole build (page, zip, every form) by its rows: both
    write a manifest.json, and that alone was taken as leave to replace the folder."""
    assert invoke("build", "--out", tmp_path, "--form", FORMS[0], "--lang", "ru").exit_code == 0
    call_dir = tmp_path / "2025"
    before = folder_bytes(call_dir)
    data = tmp_path / "rows.csv"
    data.write_text("aa_name\nТалас\n", encoding="utf-8")
    result = invoke("fill", "--data", data, "--out", call_dir, "--lang", "ru", "--format", "docx")
    assert result.exit_code == 1 and "holds the output of another formgen command" in result.output
    assert folder_bytes(call_dir) == before
    prefilled = call_dir / "prefilled"
    for _ in range(2):  # a fill's own folder, new and then replaced
        assert invoke("fill", "--data", data, "--out", prefilled, "--lang", "ru", "--format", "docx").exit_code == 0
    assert {p for p in folder_bytes(call_dir) if not p.startswith("prefilled/")} == set(before)
