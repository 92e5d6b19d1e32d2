"""Every problem `formgen check` reports starts with a stable code that `formgen explain` and
docs/errors.md explain, both from the data shipped in the package (generator/commands/codes.yaml)."""
import re
from pathlib import Path

from cli_runner import CliRunner

from generator.commands.check import check
from generator.commands.explain import codes, errors_page
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
    return list(codes()["codes"])


def test_every_code_emitted_is_documented_and_every_documented_code_is_emitted():
    assert set(emitted_codes()) == set(documented_codes())
    for code, entry in codes()["codes"].items():  # each says what it means, the fix and an example
        assert CODE.fullmatch(code) and set(entry) == {"meaning", "fix", "example"}, code
        assert all(isinstance(text, str) and text.strip() for text in entry.values()), code
        assert f"{code[:3]}xx" in codes()["ranges"], code


def test_the_errors_page_is_made_from_the_shipped_data():
    page = (ROOT / "docs/errors.md").read_text(encoding="utf-8")
    assert page == errors_page(), "docs/errors.md is out of date: python tools/make_errors_page.py"
    documented = re.findall(r"^\| (FG\d{3}) \| [^|]+ \| [^|]+ \| [^|]+ \|$", page, flags=re.M)
    assert documented == documented_codes()


def test_explain_prints_a_codes_meaning_fix_and_example_and_refuses_an_unknown_one():
    entry = codes()["codes"]["FG103"]
    for given in ("FG103", "fg103", "103"):
        result = CliRunner().invoke(app, ["explain", given])
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[:3] == [f"FG103: {entry['meaning']}", f"Fix: {entry['fix']}",
                                                   f"Example: {entry['example']}"]
    result = CliRunner().invoke(app, ["explain", "FG999"])
    assert result.exit_code == 2 and "no such problem code" in result.output and "formgen explain" in result.output
    listed = CliRunner().invoke(app, ["explain"]).output
    assert all(f"  {code}  " in listed for code in documented_codes())



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
