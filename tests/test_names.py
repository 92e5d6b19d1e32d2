"""Names in the dative, as the announcement's contact sentence needs them, in both languages."""
import pytest
from cli_runner import CliRunner

from generator.commands.check import check, warnings
from generator.cli import app
from generator.language.values import Name
from generator.sources.project import BUILTIN, Project

RU, KY = BUILTIN.languages["ru"], BUILTIN.languages["ky"]

RUSSIAN_DATIVE = [
    ("Мирлан Молдобеков", "Мирлану Молдобекову"),
    # a female Kyrgyz first name says nothing to the rules: the surname tells the gender
    ("Айгүл Сыдыкова", "Айгүл Сыдыковой"), ("Жылдыз Асанбекова", "Жылдыз Асанбековой"),
    ("Чолпон Абдыкадырова", "Чолпон Абдыкадыровой"), ("Айгүл Толстая", "Айгүл Толстой"),
    ("Динара Исаева", "Динаре Исаевой"), ("Гүлнара Асанова", "Гүлнаре Асановой"),
    # a patronymic in -кызы / -уулу tells it, and stays as written
    ("Айпери Токтогул кызы", "Айпери Токтогул кызы"), ("Нурлан Бакыт-уулу", "Нурлану Бакыт-уулу"),
    ("Нурлан Бакыт уулу", "Нурлану Бакыт уулу"), ("Асанов Нурлан Бакыт уулу", "Асанову Нурлану Бакыт уулу"),
    # where the surname says nothing, the first name does
    ("Айгүл Токтогул", "Айгүл Токтогул"), ("Назгүл Бекмат", "Назгүл Бекмат"),
    # no fleeting vowel in a Kyrgyz name; Russian names keep theirs
    ("Эрмек Токтогулов", "Эрмеку Токтогулову"), ("Павел Петров", "Павлу Петрову"), ("Айбек Асанов", "Айбеку Асанову"),
    # one word is declined too
    ("Мирлан", "Мирлану"), ("Бакыт", "Бакыту"), ("Эрмек", "Эрмеку"),
    # surname first, detected and declined as a whole
    ("Петрова Анна Сергеевна", "Петровой Анне Сергеевне"), ("Иванов Иван Иванович", "Иванову Ивану Ивановичу"),
    ("Молдобеков Мирлан", "Молдобекову Мирлану"), ("Сыдыкова Айгүл", "Сыдыковой Айгүл"),
    ("Анна Сергеевна Петрова", "Анне Сергеевне Петровой"),
    # an initial stays as written
    ("Молдобеков М.", "Молдобекову М."),
]


@pytest.mark.parametrize("name, dative", RUSSIAN_DATIVE)
def test_russian_dative(name, dative):
    assert format(Name(name, RU), "dat") == dative


@pytest.mark.parametrize("name, dative", [
    ("Мирлан Молдобеков", "Мирлан Молдобековго"), ("Нурлан Бакыт уулу", "Нурлан Бакыт уулуна"),
    ("Айпери Токтогул кызы", "Айпери Токтогул кызына"), ("Нурлан Бакыт-уулу", "Нурлан Бакыт-уулуна"),
    ("Айгүл Сыдыкова", "Айгүл Сыдыковага"), ("Бакыт", "Бакытка")])
def test_kyrgyz_dative(name, dative):
    assert format(Name(name, KY), "dat") == dative


def test_kyrgyz_patronymic_in_other_cases():
    assert format(Name("Айпери Токтогул кызы", KY), "loc") == "Айпери Токтогул кызында"
    assert format(Name("Нурлан Бакыт уулу", KY), "abl") == "Нурлан Бакыт уулунан"


def test_override_wins_over_the_rules():
    assert format(Name("Айгүл Сыдыкова", RU, (("dat", "Айгүл Сыдыковой-Ким"),)), "dat") == "Айгүл Сыдыковой-Ким"


def _call_with_contact(source_copy, ru, ky, dative=""):
    forms, locales, call = source_copy
    text = call.read_text(encoding="utf-8")
    old = "  name:\n    ru: Мирлан Молдобеков\n    ky: Мирлан Молдобеков\n"
    assert old in text
    call.write_text(text.replace(old, f"  name:\n    ru: {ru}\n    ky: {ky}\n{dative}"), encoding="utf-8")
    return check(forms, locales, call), warnings(call, Project(forms, locales))


@pytest.mark.parametrize("ru, ky, ru_doubt, ky_doubt", [
    ("John Smith", "John Smith", "has Latin letters", "has Latin letters"),
    ("Молдобеков М.", "Молдобеков М.", "has an initial", "has an initial"),
    ("Мирлан", "Мирлан", "is a single word", None),
    ("Нурлан Токтогул", "Нурлан Токтогул", "tells no gender", None),
])
def test_check_asks_for_the_dative_where_no_rule_can_be_trusted(source_copy, ru, ky, ru_doubt, ky_doubt):
    problems, doubts = _call_with_contact(source_copy, ru, ky)
    assert problems == []  # a doubt is a warning: the rules may still be right
    problems = [p for p in doubts if "contact.name" in p]
    ru_lines = [p for p in problems if "contact.name.ru" in p]
    assert len(ru_lines) == 1 and ru_doubt in ru_lines[0] and "contact.name_dative" in ru_lines[0]
    ky_lines = [p for p in problems if "contact.name.ky" in p]
    assert (ky_doubt in ky_lines[0]) if ky_doubt else ky_lines == []


def test_a_written_dative_settles_the_doubt(source_copy):
    dative = "  name_dative:\n    ru: Джону Смиту\n    ky: John Smithке\n"
    assert _call_with_contact(source_copy, "John Smith", "John Smith", dative) == ([], [])


def test_check_command_warns_of_a_doubtful_name_and_succeeds(source_copy):
    forms, locales, call = source_copy
    _call_with_contact(source_copy, "Мирлан", "Мирлан")
    result = CliRunner().invoke(app, ["check", "--call", str(call), "--project", str(forms.parent)])
    assert result.exit_code == 0 and "warning: " in result.output
    assert "contact.name.ru: 'Мирлан' is a single word" in result.output
