"""The smaller edges a new user meets: command-line misuse, dates the calendar lacks, misspelt keys,
the read-only built-in forms. Each case says the outcome it is there for: the exit code and the
words of the one line that tells the fix."""
from __future__ import annotations

import hashlib
from pathlib import Path

from hostile.cases import case, write


def says(code: int, *words: str, lines: int = 1):
    """Expect exit code `code` and `lines` lines of output holding every one of `words`, no usage block."""
    def expect(folder: Path, exit_code, output: str) -> list[str]:
        wrong = [f"exit code {exit_code}, not {code}"] if exit_code != code else []
        wrong += [f"{len(output.splitlines())} lines, not {lines}"] if len(output.splitlines()) != lines else []
        wrong += ["argparse's usage block"] if "Usage:" in output else []
        return wrong + [f"no '{word}' in: {output.strip()[:200]}" for word in words if word not in output]
    return expect


def call_text(old: str, new: str) -> str:
    from generator import DEFAULT_CALL

    text = DEFAULT_CALL.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


def deadline_line() -> str:
    from generator import DEFAULT_CALL

    return next(line for line in DEFAULT_CALL.read_text(encoding="utf-8").splitlines() if line.startswith("deadline:"))


# ---- command-line misuse: one line with what is allowed, exit code 2 ----------------------------

@case("cli", "edges-jobs-zero", expect=says(2, "--jobs", "'0'", "1 or more"))
def _(folder: Path) -> list[str]:
    data = write(folder, "d.csv", "aa_name\nОш\n")
    return ["fill", "--data", str(data), "--jobs", "0", "--out", "out"]


@case("cli", "edges-collect-lang-twice", expect=says(2, "--lang", "given twice", "once"))
def _(folder: Path) -> list[str]:
    return ["collect", str(folder), "--lang", "ru", "--lang", "ky", "--out", str(folder / "out" / "a.json")]


@case("cli", "edges-collect-out-txt", expect=says(2, "--out", "'.txt'", ".xlsx, .csv or .json"))
def _(folder: Path) -> list[str]:
    return ["collect", str(folder), "--out", str(folder / "out" / "apps.txt")]


@case("cli", "edges-collect-no-files", expect=says(2, "no inputs given", "formgen collect returned/"))
def _(folder: Path) -> list[str]:
    return ["collect", "--out", str(folder / "out" / "a.xlsx")]


@case("cli", "edges-letterhead-missing", expect=says(2, "--letterhead", "no such file or folder"))
def _(folder: Path) -> list[str]:
    return ["build", "--letterhead", str(folder / "nowhere.docx"), "--out", "out"]


@case("cli", "edges-data-missing", expect=says(2, "--data", "no such file or folder", "check the path"))
def _(folder: Path) -> list[str]:
    return ["fill", "--data", str(folder / "nowhere.csv"), "--out", "out"]


@case("cli", "edges-call-id-unknown", expect=says(2, "--call", "no call of that id", "2025"))
def _(folder: Path) -> list[str]:
    return ["check", "--call", "2062"]


@case("cli", "edges-command-misspelt", expect=says(2, "'biuld' is not a command", "did you mean 'build'?"))
def _(folder: Path) -> list[str]:
    return ["biuld", "--out", "out"]


@case("cli", "edges-option-misspelt", expect=says(2, "unknown option --leterhead", "did you mean '--letterhead'?"))
def _(folder: Path) -> list[str]:
    return ["build", "--leterhead", "x.docx", "--out", "out"]


def built_in_untouched(folder: Path, exit_code, output: str) -> list[str]:
    from generator import LOCALES_DIR

    wrong = says(2, "FG505", "read-only", "formgen init DIR")(folder, exit_code, output)
    if (LOCALES_DIR / "forms.pot").exists():
        wrong.append(f"wrote {LOCALES_DIR / 'forms.pot'}")
    if (folder / "catalogs.sha256").read_text() != catalogs_digest():
        wrong.append("changed the built-in catalogs")
    return wrong


def catalogs_digest() -> str:
    from generator import LOCALES_DIR

    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(LOCALES_DIR.rglob("*.po")))).hexdigest()


@case("cli", "edges-catalogs-update-outside-a-project", expect=built_in_untouched)
def _(folder: Path) -> list[str]:
    write(folder, "catalogs.sha256", catalogs_digest())
    return ["catalogs", "update"]  # the case's folder is no project: the built-in forms are read


@case("cli", "edges-catalogs-extract-outside-a-project", expect=built_in_untouched)
def _(folder: Path) -> list[str]:
    write(folder, "catalogs.sha256", catalogs_digest())
    return ["catalogs", "extract"]


# ---- dates the calendar lacks: the day named, not the format ------------------------------------

@case("call", "edges-deadline-30-february", expect=says(1, "FG311", "February 2027 has no day 30", "1 problem(s)",
                                                        lines=2))
def _(folder: Path) -> list[str]:
    call = write(folder, "call.yaml", call_text(deadline_line(), "deadline: 2027-02-30 18:00"))
    return ["check", "--call", str(call)]


@case("call", "edges-deadline-hour-24", expect=says(1, "FG311", "there is no hour 24"))
def _(folder: Path) -> list[str]:
    call = write(folder, "call.yaml", call_text(deadline_line(), "deadline: 2025-02-28 24:00"))
    return ["build", "--call", str(call), "--out", "out", "--lang", "ru", "--format", "docx", "--no-site"]


@case("call", "edges-results-31-april", expect=says(1, "FG311", "results_date", "April 2025 has no day 31"))
def _(folder: Path) -> list[str]:
    from generator import DEFAULT_CALL

    line = next(x for x in DEFAULT_CALL.read_text(encoding="utf-8").splitlines() if x.startswith("results_date:"))
    call = write(folder, "call.yaml", call_text(line, "results_date: 2025-04-31"))
    return ["new-call", "--from", str(call), "--id", "2026", "--out", "out/2026.yaml"]


def data_date_reported(folder: Path, exit_code, output: str) -> list[str]:
    return says(1, "row 2", "February 2025 has no day 31", lines=2)(folder, exit_code, output)


@case("data", "edges-date-31-february", rows=(2, 3), expect=data_date_reported)
def _(folder: Path) -> list[str]:
    from generator.sources.definitions import load_forms

    date = next(f.id for form in load_forms().values() for f in form.field_defs() if f.kind == "date")
    data = write(folder, "data.csv", f"aa_name,{date}\nОш,31.02.2025\nТалас,28.02.2025\n")
    return ["fill", "--data", str(data), "--out", "out", "--lang", "ru", "--format", "docx", "--jobs", "1"]


# ---- misspelt keys: the key written, its line, the key meant -------------------------------------

@case("call", "edges-misspelt-key", expect=says(1, "FG009", "unknown key 'deadlin'", "did you mean 'deadline'?",
                                                "column 1", "1 problem(s)", lines=2))
def _(folder: Path) -> list[str]:
    call = write(folder, "call.yaml", call_text("deadline:", "deadlin:"))
    return ["check", "--call", str(call)]


@case("call", "edges-kyrgyz-key-as-country-code", expect=says(1, "unknown key 'kg'", "did you mean 'ky'?"))
def _(folder: Path) -> list[str]:
    from generator import DEFAULT_CALL

    text = DEFAULT_CALL.read_text(encoding="utf-8")
    ky = next(line for line in text.splitlines() if line.strip().startswith("ky:"))
    call = write(folder, "call.yaml", call_text(ky, ky.replace("ky:", "kg:")))
    return ["build", "--call", str(call), "--out", "out", "--lang", "ru", "--format", "docx", "--no-site"]
