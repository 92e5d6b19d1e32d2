"""Every problem `formgen check` reports starts with a stable code that docs/errors.md explains."""
import re
from pathlib import Path

from cli_runner import CliRunner

from generator.commands.check import check
from generator.cli import app
from test_check import edit

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"FG\d{3}")
LINE = re.compile(r"FG\d{3} \S")


def emitted_codes() -> list[str]:
    """The codes the code base can report: each written once as a string literal, "FG103"."""
    return [code for path in sorted((ROOT / "generator").rglob("*.py"))
            for code in re.findall(r"""["'](FG\d{3})["']""", path.read_text(encoding="utf-8"))]


def documented_codes() -> list[str]:
    text = (ROOT / "docs/errors.md").read_text(encoding="utf-8")
    return re.findall(r"^\| (FG\d{3}) \| [^|]+ \| [^|]+ \| [^|]+ \|$", text, flags=re.M)


def test_every_code_emitted_is_documented_and_every_documented_code_is_emitted():
    documented = documented_codes()
    assert len(documented) == len(set(documented)), "a code documented twice"
    assert set(emitted_codes()) == set(documented)


def test_codes_are_grouped_by_the_file_they_are_about():
    text = (ROOT / "docs/errors.md").read_text(encoding="utf-8")
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        group = re.match(r"FG(\d)xx", section).group(1)
        assert all(code[2] == group for code in documented_codes() if f"| {code} |" in section), section[:40]


def test_problems_of_a_broken_project_start_with_their_code(source_copy):
    forms, locales, call = source_copy
    edit(forms / "annex2.yaml", "{id: villages, kind: number, required: true}", "{id: villages, kind: integer, required: true}")
    edit(call, "results_date: 2025-03-07", "results_date: soon")
    problems = check(forms, locales, call)
    assert any(p.startswith(f"FG103 {forms / 'annex2.yaml'}: ") and "unknown field kind 'integer'" in p for p in problems)
    assert any(p.startswith(f"FG304 {call}: results_date: ") for p in problems), problems
    edit(forms / "annex2.yaml", "kind: integer", "kind: number")
    edit(call, "results_date: soon", "results_date: 2025-03-07")
    po = locales / "ky/LC_MESSAGES/forms.po"
    edit(po, 'msgid "letter.body_3"\n', 'msgid "letter.body_3_old"\n')
    edit(po, '"Мөөр"', '"Мөөр ☎"')
    problems = check(forms, locales, call)
    assert all(LINE.match(p) and CODE.match(p).group() in documented_codes() for p in problems), problems
    assert {p[:5] for p in problems} >= {"FG203", "FG206", "FG401"}, problems


def test_check_command_prints_the_codes(source_copy):
    forms, locales, call = source_copy
    edit(forms / "interest_letter.yaml", "letterhead: true", 'letterhead: "no"')
    result = CliRunner().invoke(app, ["check", "--project", str(forms.parent), "--call", str(call)])
    assert result.exit_code == 1
    assert result.output.startswith(f"FG010 {forms / 'interest_letter.yaml'}: letterhead: 'no' is not true or false")
