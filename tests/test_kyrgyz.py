import datetime as dt

import pytest

from generator.language import kyrgyz
from generator.language.values import Date, Number, Phrase, Time
from generator.sources.project import BUILTIN

RU, KY = BUILTIN.languages["ru"], BUILTIN.languages["ky"]

LONG_SHORT = (("long", "y-'жылдын' d-MMMM"), ("short", "dd.MM.y"))


@pytest.mark.parametrize("number, word, dative", [
    (2021, "бир", "2021ге"), (2023, "үч", "2023кө"), (2025, "беш", "2025ке"), (2026, "алты", "2026га"),
    (2029, "тогуз", "2029га"), (2010, "он", "2010го"), (2020, "жыйырма", "2020га"), (2040, "кырк", "2040ка"),
    (2050, "элүү", "2050гө"), (2100, "жүз", "2100гө"), (2000, "миң", "2000ге"), (0, "нөл", "0гө"),
    (4, "төрт", "4кө"), (7, "жети", "7ге"), (8, "сегиз", "8ге"), (30, "отуз", "30га"), (60, "алтымыш", "60ка"),
    (70, "жетимиш", "70ке"), (80, "сексен", "80ге"), (90, "токсон", "90го"), (1000000, "миллион", "1000000го"),
])
def test_numbers_take_the_ending_of_their_last_spoken_word(number, word, dative):
    assert kyrgyz.spoken_last_word(number) == word
    assert format(Number(number, KY), "dat") == dative


@pytest.mark.parametrize("month, nominative, dative", [
    (1, "январы", "январына"), (2, "февралы", "февралына"), (3, "марты", "мартына"), (4, "апрели", "апрелине"),
    (5, "майы", "майына"), (6, "июну", "июнуна"), (7, "июлу", "июлуна"), (8, "августу", "августуна"),
    (9, "сентябры", "сентябрына"), (10, "октябры", "октябрына"), (11, "ноябры", "ноябрына"),
    (12, "декабры", "декабрына"),
])
def test_every_month_in_long_dates(month, nominative, dative):
    date = Date(dt.date(2025, month, 7), KY, LONG_SHORT)
    assert format(date, "long") == f"2025-жылдын 7-{nominative}"
    assert format(date, "long,dat") == f"2025-жылдын 7-{dative}"


def test_dates_of_the_seed():
    assert format(Date(dt.date(2025, 2, 28), KY, LONG_SHORT), "long") == "2025-жылдын 28-февралы"
    assert format(Date(dt.date(2025, 3, 7), KY, LONG_SHORT), "dat") == "2025-жылдын 7-мартына"
    assert format(Date(dt.date(2025, 1, 1), KY, LONG_SHORT), "short,dat") == "01.01.2025ке"
    russian = Date(dt.date(2025, 2, 28), RU, (("long", "d MMMM y 'года'"), ("short", "dd.MM.y")))
    assert format(russian, "long") == "28 февраля 2025 года"
    assert format(russian, "short") == "28.02.2025"


@pytest.mark.parametrize("hour, dative", [((18, 0), "18:00гө"), ((17, 30), "17:30га"), ((9, 45), "09:45ке"),
                                          ((12, 5), "12:05ке"), ((16, 20), "16:20га"), ((10, 10), "10:10го")])
def test_hours(hour, dative):
    assert format(Time(dt.time(*hour), KY), "dat") == dative


@pytest.mark.parametrize("name, dative", [("Молдобеков", "Молдобековго"), ("Айгүл", "Айгүлгө"),
                                          ("Асан", "Асанга"), ("Бекмат", "Бекматка"), ("Нуриза", "Нуризага")])
def test_names(name, dative):
    assert format(Phrase(name, KY), "dat") == dative


def test_locative_and_ablative():
    assert format(Number(2025, KY), "loc") == "2025те"
    assert format(Number(1, KY), "abl") == "1ден"
    assert format(Number(2020, KY), "abl") == "2020дан"


def test_bad_spec_is_an_error():
    with pytest.raises(ValueError, match="unknown format"):
        format(Number(5, KY), "genitive")
    with pytest.raises(ValueError, match="case endings of numbers are not written for 'ru'"):
        format(Number(5, RU), "dat")


def test_russian_names_refuse_a_case_they_do_not_have():
    """A format spec may ask for the cases of the language's grammar (forms/project.yaml names it), no other."""
    from generator.language.values import Name

    assert format(Name("Мирлан Молдобеков", RU), "dat") == "Мирлану Молдобекову"
    assert format(Name("Мирлан Молдобеков", RU), "ins") == "Мирланом Молдобековым"
    with pytest.raises(ValueError, match="unknown format 'loc', expected one of: nom, dat, gen, acc, ins, pre"):
        format(Name("Мирлан Молдобеков", RU), "loc")


def test_ablative_of_a_possessive_month():
    date = Date(dt.date(2025, 1, 15), KY, (("long", "d-MMMM"), ("short", "dd.MM.y")))
    assert format(date, "abl") == "15-январынан"
    assert format(date, "loc") == "15-январында" and format(date, "dat") == "15-январына"


def test_check_flags_a_call_value_before_a_postposition_without_the_case_it_governs(source_copy):
    from generator.commands.check import check
    from test_check import edit

    forms, locales, call = source_copy
    po = locales / "ky/LC_MESSAGES/forms.po"
    text = po.read_text(encoding="utf-8")
    assert "{results_date:dat} чейин" in text and "{population_date:short,dat} карата" in text
    edit(po, "{results_date:dat} чейин", "{results_date} чейин", count=-1)
    edit(po, "{population_date:short,dat} карата", "{population_date:short} карата")
    edit(po, '"{donor_first_year}-жылы"', '"{donor_first_year} тартып"')  # a number before an ablative one
    edit(po, '"Байланыш маалыматы: {contacts}"', '"{contacts} чейин"')  # a blank takes no ending: not flagged
    problems = [p for p in check(forms, locales, call) if p.startswith("FG214")]
    assert len(problems) == text.count("{results_date:dat} чейин") + 2, problems
    assert any("«{results_date} чейин»" in p and p.endswith("(write {results_date:dat} чейин)") for p in problems)
    assert any(p.endswith("(write {population_date:short,dat} карата)") for p in problems)
    assert any(p.endswith("(write {donor_first_year:abl} тартып)") for p in problems)
    assert not any("{contacts}" in p for p in problems)
    edit(po, "{results_date} чейин", "{results_date:dat} чейин", count=-1)  # the fix the lines give
    edit(po, "{population_date:short} карата", "{population_date:short,dat} карата")
    edit(po, '"{donor_first_year} тартып"', '"{donor_first_year:abl} тартып"')
    assert not [p for p in check(forms, locales, call) if p.startswith("FG214")]


def test_the_postpositions_case_is_what_the_fix_prints():
    from generator.language.values import governed, with_case

    language = BUILTIN.languages["ky"]
    found = governed("{results_date} чейин, {population_date:short} карата, {x:abl} баштап",
                     kyrgyz.POSTPOSITIONS)
    assert found == [("results_date", "", "чейин", "dat"), ("population_date", "short", "карата", "dat"),
                     ("x", "abl", "баштап", "abl")]
    assert with_case("short,loc", "dat", language) == "short,dat"
    date = Date(dt.date(2025, 3, 7), language, (("long", "y-'жылдын' d-MMMM"), ("short", "dd.MM.y")))
    assert f"{date:dat} чейин" == "2025-жылдын 7-мартына чейин"
