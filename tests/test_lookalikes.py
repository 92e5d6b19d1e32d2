"""Letters of another alphabet that look like the project's own («Ɵзгөн», a Latin y in «Сyзак»): found
by Unicode's confusables data against the project's alphabets, corrected where only one letter is
meant, listed always — by `fill` as notes, by `collect` as problem lines (the workbook's in its words)."""
import json

import pytest
from cli_runner import CliRunner
from openpyxl import load_workbook

from generator.cli import app
from generator.language.lookalikes import LookAlikes
from generator.pipeline import localized_documents, render_bytes
from generator.sources.project import BUILTIN

LETTERS = [language.letters for language in BUILTIN.languages.languages]


@pytest.mark.parametrize("written, meant", [
    ("Ɵзгөн", "Өзгөн"), ("Ысык-Кɵл", "Ысык-Көл"), ("Ѳзгөн", "Өзгөн"), ("ѳзгөн", "өзгөн"),  # barred o, fita
    ("Kара-Балта", "Кара-Балта"), ("Hарын", "Нарын"), ("Tокмок", "Токмок"), ("Бишкeк", "Бишкек"),
])
def test_a_letter_that_looks_like_one_of_the_alphabets_is_corrected_and_listed(written, meant):
    found = LookAlikes(LETTERS)(written)
    assert found.text == meant and len(found.corrected) == 1 and found.doubtful == ()
    assert found.corrected[0].suggested == (next(b for a, b in zip(written, meant) if a != b),)


def test_a_letter_that_looks_like_several_is_only_listed_with_each():
    found = LookAlikes(LETTERS)("Сyзак")  # a Latin y: Cyrillic у, or Kyrgyz ү
    assert found.text == "Сyзак" and found.corrected == ()
    assert [(item.letter, set(item.suggested)) for item in found.doubtful] == [("y", {"у", "ү"})]
    russian_only = LookAlikes([LETTERS[[l.code for l in BUILTIN.languages.languages].index("ru")]])
    assert russian_only("Сyзак").text == "Сузак"  # without ү among the alphabets, y can only be у


@pytest.mark.parametrize("text", ["iPhone-ка", "Бaтken", "name@mail.kg", "Osh", "Москва", "2025-ж.", "", "Ош 5"])
def test_words_of_one_alphabet_or_mixed_on_purpose_are_left_alone(text):
    found = LookAlikes(LETTERS)(text)
    assert found == (text, (), ())


def test_collect_corrects_and_lists_them_in_english_and_in_the_workbooks_language(tmp_path, call):
    document = next(d for d in localized_documents(call, ("ky",), ["annex2"]))
    folder = tmp_path / "Өзгөн"
    folder.mkdir()
    (folder / "annex2.docx").write_bytes(render_bytes(document, "docx", {"aa_name": "Ɵзгөн",
                                                                         "postal_address": "Сyзак көчөсү 5"}))
    for out in ("a.json", "a.xlsx"):
        assert CliRunner().invoke(app, ["collect", str(folder), "--out", str(tmp_path / out)]).exit_code == 0
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert data["general"][0]["aa_name"] == "Өзгөн" and data["general"][0]["postal_address"] == "Сyзак көчөсү 5"
    problems = [row["problem"] for row in data["problems"] if "U+" in row["problem"]]
    assert problems == ["aa_name: Ɵ (U+019F) in 'Ɵзгөн' written as Ө: a letter of another alphabet that looks "
                        "like one of this text's",
                        "postal_address: y (U+0079) in 'Сyзак көчөсү 5': a letter of another alphabet that looks "
                        "like one of this text's (write у / ү)"]
    book = load_workbook(tmp_path / "a.xlsx")
    lines = [row[2] for row in book["problems"].iter_rows(min_row=3, values_only=True) if "U+" in (row[2] or "")]
    assert len(lines) == 2 and all(line.isascii() is False and "letter of another" not in line for line in lines)
    assert "Ө" in lines[0] and "у / ү" in lines[1]
