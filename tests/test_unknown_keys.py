"""A misspelt key in any YAML file a person writes is reported as itself, at its line and column,
with the allowed key it is nearest to: not as the required key it hides ("missing key 'width'")."""
import re

import pytest
from cli_runner import CliRunner

from generator.commands.check import check
from generator.cli import app
from test_check import edit


def first_grid_column(forms):
    """(file, the first grid column's `width: N` text) of the project's forms, whichever form has one."""
    for path in sorted(forms.glob("*.yaml")):
        found = re.search(r"width: \d+", path.read_text(encoding="utf-8"))
        if found and "columns:" in path.read_text(encoding="utf-8"):
            return path, found.group()
    pytest.skip("no form with a grid column")


def misspellings(forms, call):
    """(file, text, the text misspelt, the misspelt key, the key it should be) for each kind of file."""
    grid_form, width = first_grid_column(forms)
    return [
        (grid_form, width, width.replace("width", "widht"), "widht", "width"),
        (call, "deadline:", "deadlin:", "deadlin", "deadline"),
        (call, "    ky: Мирлан", "    kg: Мирлан", "kg", "ky"),  # the country's code for the language's
        (forms / "project.yaml", "folder_name:", "folder_names:", "folder_names", "folder_name"),
        (forms / "choices.yaml", "label: region.osh", "lable: region.osh", "lable", "label"),
    ]


def line_and_column(path, misspelt_text: str, key: str) -> tuple[int, int]:
    text = path.read_text(encoding="utf-8")
    start = text.index(misspelt_text) + misspelt_text.index(key)
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


def test_a_misspelt_key_is_named_at_its_line_with_the_key_it_is_nearest_to(source_copy):
    forms, locales, call = source_copy
    for path, text, misspelt, key, meant in misspellings(forms, call):
        edit(path, text, misspelt)
        line, column = line_and_column(path, misspelt, key)
        problems = check(forms, locales, call)
        ours = [p for p in problems if str(path) in p and f"'{key}'" in p]
        assert len(ours) == 1, (key, problems)
        assert ours[0].startswith(f"FG009 {path}: line {line}, column {column}: "), ours[0]
        assert f"unknown key '{key}' (did you mean '{meant}'?" in ours[0], ours[0]
        assert f"missing key '{meant}'" not in "\n".join(problems)
        edit(path, misspelt, text)
    assert check(forms, locales, call) == []


def test_build_stops_at_the_misspelt_key_with_its_line(source_copy, tmp_path):
    forms, _, call = source_copy
    path, width = first_grid_column(forms)
    edit(path, width, width.replace("width", "widht"))
    line, column = line_and_column(path, width.replace("width", "widht"), "widht")
    result = CliRunner().invoke(app, ["build", "--project", forms.parent, "--out", tmp_path / "out"])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith(f"error: FG009 {path}: line {line}, column {column}: ")
    assert "unknown key 'widht' (did you mean 'width'?" in result.output


def test_a_missing_key_is_placed_at_its_mapping(source_copy):
    forms, locales, call = source_copy
    edit(call, "  email: office@dpi.kg\noffice:", "office:")  # the contact's own e-mail
    problems = check(forms, locales, call)
    text = call.read_text(encoding="utf-8")
    line = text[:text.index("contact:")].count("\n") + 2  # the contact mapping starts on the line after its key
    assert any(p.startswith(f"FG008 {call}: line {line}, column 3: contact: missing key 'email'") for p in problems), problems
