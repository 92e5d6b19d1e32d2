"""A new call from one settings file: every changed value reaches every document, none of the old stays."""
import io
import re
import zipfile

import pytest
from cli_runner import CliRunner

from generator import DEFAULT_CALL
from generator.formats.registry import format_names
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator.cli import app
from generator.errors import FormgenError

SECOND_CALL = """\
id: "2026-spring"
programme:
  ru: Партнерство «За сильное местное самоуправление»
  ky: «Күчтүү жергиликтүү өз алдынча башкаруу үчүн» өнөктөштүк
organisation:
  ru: Центр муниципального развития
  ky: Муниципалдык өнүгүү борбору
deadline: 2026-03-15 17:00
results_date: 2026-03-25
population_date: 2026-01-01
donor_years: [2023, 2025]
contact:
  name: {ru: Бакыт Исаков, ky: Бакыт Исаков}
  phone: (0312) 55 44 33
  extension: "215"
  mobile: (0700) 123456
  email: b.isakov@example.kg
office:
  address: {ru: "г. Ош, ул. Ленина 5", ky: "Ош ш., Ленин көчөсү, 5"}
  phones: +(996 3222) 5-55-55
  email: info@example.kg
letterhead_height_mm: 40
"""
NEW = {
    "announcement": {
        "ru": ["до 17:00 15 марта 2026 года", "Последний срок подачи заявки – 15 марта 2026 года", "до 25 марта 2026 года",
               "Бакыту Исакову", "(0312) 55 44 33, доб. 215", "(0700) 123456", "г. Ош, ул. Ленина 5",
               "+(996 3222) 5-55-55", "info@example.kg", "«Центр муниципального развития»",
               "Партнерство «За сильное местное самоуправление»"],
        "ky": ["2026-жылдын 15-марты саат 17:00гө чейин", "мөөнөтү – 2026-жылдын 15-марты.",
               "2026-жылдын 25-мартына чейин", "Бакыт Исаковго", "(0312) 55 44 33, кош. 215",
               "(0700) 123456", "Ош ш., Ленин көчөсү, 5", "info@example.kg", "«Муниципалдык өнүгүү борбору»",
               "«Күчтүү жергиликтүү өз алдынча башкаруу үчүн» өнөктөштүк Программасынын"],
    },
    "interest_letter": {
        "ru": ["Центр муниципального развития", "Программы Партнерство «За сильное местное самоуправление»"],
        "ky": ["Муниципалдык өнүгүү борбору", "«Күчтүү жергиликтүү өз алдынча башкаруу үчүн» өнөктөштүк Программасынын"],
    },
    "annex2": {
        "ru": ["по состоянию на 01.01.2026", "в течение 2023–2025 гг."],
        "ky": ["01.01.2026га карата", "2023–2025-жылдары"],
    },
}
FOOTER = {"ru": "Отбор муниципалитетов 2026-spring", "ky": "Муниципалитеттерди тандоо 2026-spring"}
OLD = ["01.01.2025", "2025 года", "2025-жылдын", "2022", "Молдобеков", "Мирлан", "dpi.kg", "Шевченко", "976",
       "97 65 30", "218883", "18:00", "28 феврал", "28-феврал", "7 марта", "7-март", "Института политики",
       "Институт политики", "саясат институту", "За развитие местного", "өнүктүрүү үчүн»", "2025ке"]


@pytest.fixture(scope="module")
def second_call(tmp_path_factory):
    path = tmp_path_factory.mktemp("calls") / "2026-spring.yaml"
    path.write_text(SECOND_CALL, encoding="utf-8")
    return load_call(path)


def docx_text(data: bytes) -> str:
    """All text of a DOCX, body and footers, one line per paragraph."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "".join(package.read(n).decode() for n in package.namelist()
                      if re.fullmatch(r"word/(document|footer\d*|header\d*)\.xml", n))
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return "\n".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in paragraphs)


def pdf_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def text_of(document, fmt: str) -> str:
    data = render_bytes(document, fmt)
    text = docx_text(data) if fmt == "docx" else pdf_text(data)
    return re.sub(r"\s+", " ", text.replace("&amp;", "&"))


@pytest.mark.parametrize("fmt", format_names())
def test_every_new_value_reaches_every_document(second_call, fmt):
    for document in localized_documents(second_call, ("ru", "ky")):
        text = text_of(document, fmt)
        for value in NEW[document.form_id][document.lang] + [FOOTER[document.lang]]:
            assert value in text, f"{document.lang}/{document.form_id}.{fmt}: {value!r} missing"
        left = [old for old in OLD if old in text]
        assert left == [], f"{document.lang}/{document.form_id}.{fmt}: values of the 2025 call: {left}"


def test_the_default_call_still_reads_as_the_seeds():
    documents = {(d.form_id, d.lang): d for d in localized_documents(load_call(DEFAULT_CALL), ("ru", "ky"))}
    ru = text_of(documents[("announcement", "ru")], "docx")
    ky = text_of(documents[("announcement", "ky")], "docx")
    assert "до 18:00 28 февраля 2025 года" in ru and "до 7 марта 2025 года" in ru
    assert "Мирлану Молдобекову по тел: (0312) 97 65 30, доб. 107" in ru
    assert "2025-жылдын 28-февралы саат 18:00гө чейин" in ky and "2025-жылдын 7-мартына чейин" in ky
    assert "Мирлан Молдобековго" in ky


def test_name_override_in_the_call_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(SECOND_CALL.replace("  phone: (0312) 55 44 33",
                                        "  name_dative: {ru: Бакыту Исакову-Оглы, ky: Бакыт Исаков агайга}\n"
                                        "  phone: (0312) 55 44 33"), encoding="utf-8")
    documents = localized_documents(load_call(path), ("ru", "ky"), ["announcement"])
    assert "Бакыту Исакову-Оглы" in text_of(documents[0], "docx")
    assert "Бакыт Исаков агайга" in text_of(documents[1], "docx")


@pytest.mark.parametrize("old, new, message", [
    ("results_date: 2026-03-25", "results_date: 2026-03-10", "results_date: 2026-03-10 is not after the deadline"),
    ("donor_years: [2023, 2025]", "donor_years: [2024, 2027]", "donor_years: the period ends in 2027, after"),
    ("donor_years: [2023, 2025]", "donor_years: [2025, 2023]", "donor_years: [2025, 2023] is not a period"),
    ("email: info@example.kg", "email: info(at)example.kg", "office.email: 'info(at)example.kg' is not a valid e-mail"),
    ("mobile: (0700) 123456", "mobile: call me", "contact.mobile: 'call me' is not a valid phone number"),
    ("deadline: 2026-03-15 17:00", "deadline: 2026-03-15", "deadline: '2026-03-15' is not a date and hour"),
    ('id: "2026-spring"', 'id: "../up"', "id: '../up' is not a valid call id"),
])
def test_impossible_settings_are_refused(tmp_path, old, new, message):
    path = tmp_path / "c.yaml"
    path.write_text(SECOND_CALL.replace(old, new), encoding="utf-8")
    with pytest.raises(FormgenError, match=re.escape(message)):
        load_call(path)
    result = CliRunner().invoke(app, ["check", "--call", str(path)])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_new_call_command_then_build(tmp_path):
    runner = CliRunner()
    source = tmp_path / "2025.yaml"
    source.write_text(DEFAULT_CALL.read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(app, ["new-call", "--from", str(source), "--id", "2026"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "2026.yaml"
    text = written.read_text(encoding="utf-8")
    assert "# Settings of one call" in text  # comments kept
    call = load_call(written)
    assert (call.id, str(call.deadline), str(call.results_date)) == ("2026", "2026-02-28 18:00:00", "2026-03-07")
    assert call.donor_years == (2023, 2025) and str(call.population_date) == "2026-01-01"
    result = runner.invoke(app, ["build", "--call", str(written), "--out", str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "2026" / "ky" / "annex2.docx").exists()
    again = runner.invoke(app, ["new-call", "--from", str(source), "--id", "2026"])
    assert again.exit_code == 1 and "already exists" in again.output


@pytest.mark.parametrize("new_id, years, said", [
    ("2027", 2, "every date 2 years on (call 2025 → 2027)"),
    ("2030-spring", 5, "every date 5 years on (call 2025 → 2030-spring)"),
    ("2024", -1, "every date one year back (call 2025 → 2024)"),
    ("autumn", 1, "every date one year on (the ids 2025 and autumn are not both years)"),
])
def test_new_call_moves_the_dates_by_the_years_between_the_ids(tmp_path, new_id, years, said):
    old = load_call(DEFAULT_CALL)
    source = tmp_path / "old.yaml"
    source.write_text(DEFAULT_CALL.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(app, ["new-call", "--from", source, "--id", new_id])
    assert result.exit_code == 0 and said in result.stdout, result.output
    new = load_call(tmp_path / f"{new_id}.yaml")
    assert new.deadline == old.deadline.replace(year=old.deadline.year + years)
    assert new.results_date == old.results_date.replace(year=old.results_date.year + years)
    assert new.population_date == old.population_date.replace(year=old.population_date.year + years)
    assert new.donor_years == (old.donor_years[0] + years, old.donor_years[1] + years)
    check = CliRunner().invoke(app, ["check", "--call", tmp_path / f"{new_id}.yaml"])
    assert check.exit_code == 0 and "warning" not in check.output, check.output


def test_check_warns_of_a_deadline_before_the_calls_own_year(tmp_path):
    """`new-call --id 2027` used to move a 2025 call's dates one year: a 2027 call closing in 2026."""
    call = tmp_path / "2027.yaml"
    call.write_text(DEFAULT_CALL.read_text(encoding="utf-8").replace('id: "2025"', 'id: "2027"'), encoding="utf-8")
    deadline = load_call(call).deadline
    result = CliRunner().invoke(app, ["check", "--call", call])
    assert result.exit_code == 0, result.output  # a warning: the call may be meant so
    assert result.stderr.startswith(f"warning: FG312 {call}: deadline: {deadline:%Y-%m-%d} falls before the call's "
                                    "own year 2027 (")
    assert "FG312" not in CliRunner().invoke(app, ["check"]).output


def test_new_call_refuses_a_value_it_cannot_rewrite_and_writes_nothing(tmp_path):
    source = tmp_path / "block.yaml"
    source.write_text(DEFAULT_CALL.read_text(encoding="utf-8").replace(
        "donor_years: [2022, 2024]", "donor_years:\n  - 2022\n  - 2024"), encoding="utf-8")
    load_call(source)  # valid as it is
    result = CliRunner().invoke(app, ["new-call", "--from", str(source), "--id", "2026"])
    assert result.exit_code == 1 and "donor_years: value not on the key's own line" in result.output
    assert not (tmp_path / "2026.yaml").exists()


@pytest.mark.parametrize("fmt", format_names())
def test_a_donor_period_of_one_year(tmp_path, fmt):
    path = tmp_path / "c.yaml"
    path.write_text(SECOND_CALL.replace("donor_years: [2023, 2025]", "donor_years: [2025, 2025]"), encoding="utf-8")
    texts = {d.lang: text_of(d, fmt) for d in localized_documents(load_call(path), ("ru", "ky"), ["annex2"])}
    assert "города в 2025 г. Формат перечня" in texts["ru"] and "4. 2025-жылы айыл аймагында" in texts["ky"]
    assert "2025–2025" not in texts["ru"] + texts["ky"] and "в течение 2025" not in texts["ru"]


def refused_everywhere(tmp_path, text: str, message: str, commands=("check", "build", "new-call", "fill")) -> None:
    """A call file every command refuses with one line naming the file, the place and the fix,
    exit code 1, no traceback and nothing written."""
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    data = tmp_path / "rows.csv"
    data.write_text("municipality\nКара-Суу\n", encoding="utf-8")
    out = tmp_path / "out"
    arguments = {"check": ["check", "--call", str(path)],
                 "build": ["build", "--call", str(path), "--out", str(out)],
                 "new-call": ["new-call", "--from", str(path), "--id", "next", "--out", str(out / "next.yaml")],
                 "fill": ["fill", "--data", str(data), "--call", str(path), "--out", str(out / "prefilled")]}
    for command in commands:
        result = CliRunner().invoke(app, arguments[command])
        lines = [line for line in result.output.splitlines() if not re.match(r"\d+ problem\(s\)", line)]
        assert result.exit_code == 1, (command, result.output)
        assert len(lines) == 1 and "Traceback" not in result.output, (command, result.output)
        assert str(path) in lines[0] and re.search(message, lines[0]), (command, lines[0])
        assert re.search(r"\(.+\)$", lines[0]), f"{command}: no fix in {lines[0]}"
        assert not out.exists(), command


@pytest.mark.parametrize("old, new, message", [
    ("results_date: 2026-03-25\n", "results_date: 2026-03-25\nresults_date: 2026-03-30\n",
     r"line 10, column 1: key 'results_date' given twice \(first on line 9\) \(keep one of them\)"),
    ("  phone: (0312) 55 44 33\n", "  phone: (0312) 55 44 33\n  phone: (0312) 55 44 34\n",
     r"line 15, column 3: key 'phone' given twice \(first on line 14\)"),
    ("  email: info@example.kg\n", "  <<: {email: info@example.kg}\n",
     r"line 21, column 3: merge keys \(<<\) are not allowed \(write every key"),
    ("deadline: 2026-03-15 17:00", "deadline: &d 2026-03-15 17:00\nresults_date2: *d",
     r"line 9, column 16: aliases \(\*name\) are not allowed \(write the value out in full"),
    ("deadline: 2026-03-15 17:00", "deadline: " + "[" * 100 + "]" * 100,
     r"line 8, column 74: nested more than 64 levels deep"),
    ("letterhead_height_mm: 40", "letterhead_height_mm: " + "4" * 5000, r"line 22, column 23: a number 5000 characters"),
])
def test_call_files_refuse_what_yaml_would_silently_accept(tmp_path, old, new, message):
    assert old in SECOND_CALL
    refused_everywhere(tmp_path, SECOND_CALL.replace(old, new), message)


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 "lol"']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_billion_laughs_under_deadline_is_refused_before_any_value_is_built(tmp_path, monkeypatch):
    import yaml

    text = SECOND_CALL.replace("deadline: 2026-03-15 17:00", "deadline:\n  " + billion_laughs().replace("\n", "\n  "))
    refused_everywhere(tmp_path, text, r"line 10, column 12: aliases \(\*name\) are not allowed")

    def no_construction(*args, **kwargs):
        raise AssertionError("a value was built from the file")
    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_document", no_construction)
    with pytest.raises(FormgenError, match="aliases"):
        load_call(tmp_path / "hostile.yaml")


@pytest.mark.parametrize("value, message", [
    (r'"Партнерство\a"', r"programme.ru: U\+0007 \(a control character, surrogate or noncharacter\) at character 12"),
    (r'"Партнерство\uFFFE"', r"programme.ru: U\+FFFE .* at character 12 \(delete it: write the value as plain text"),
    (r'"Партнерство \ud800 и"', r"programme.ru: U\+D800 .* at character 13"),
    (r'"Партнерство\x85 и"', r"programme.ru: U\+0085"),
    ('"Партнерство ☎"', r"programme.ru: character '☎' \(U\+260E BLACK TELEPHONE\) is not in the PDF fonts .*"
                       r"\(it would print as a blank box; use another character\)"),
    ('"Партнерство 😀"', r"programme.ru: character '😀' \(U\+1F600"),
])
def test_build_runs_the_checks_of_check_first(tmp_path, value, message):
    text = SECOND_CALL.replace("  ru: Партнерство «За сильное местное самоуправление»", f"  ru: {value}")
    refused_everywhere(tmp_path, text, message)


def test_new_call_from_29_february_says_so_and_writes_nothing(tmp_path):
    text = SECOND_CALL.replace("population_date: 2026-01-01", "population_date: 2024-02-29").replace(
        "donor_years: [2023, 2025]", "donor_years: [2021, 2023]")
    path = tmp_path / "leap.yaml"
    path.write_text(text, encoding="utf-8")
    load_call(path)  # valid as it is
    result = CliRunner().invoke(app, ["new-call", "--from", str(path), "--id", "next"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip() == (f"error: {path}: population_date: 2024-02-29 has no date one year on "
                                      "(2025 has no 29 February) (copy the file and set the new call's id and "
                                      "dates by hand)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leap.yaml"]


@pytest.mark.parametrize("key, value, fault", [
    ("deadline", "2027-02-30 18:00", "February 2027 has no day 30, only 1 to 28 (write a day and hour that exist)"),
    ("deadline", "2028-02-30 18:00", "February 2028 has no day 30, only 1 to 29"),
    ("deadline", "2027-04-31 9:00", "April 2027 has no day 31, only 1 to 30"),
    ("deadline", "2027-13-01 18:00", "there is no month 13, only 1 to 12"),
    ("deadline", "2027-02-28 24:00", "there is no hour 24, only 0 to 23"),
    ("deadline", "2027-02-28 18:60", "there is no minute 60, only 0 to 59"),
    ("results_date", "2026-02-29", "February 2026 has no day 29, only 1 to 28 (write a day that exists)"),
    ("population_date", "2026-06-31", "June 2026 has no day 31, only 1 to 30"),
])
def test_a_date_in_its_format_that_the_calendar_lacks_is_told_so(tmp_path, key, value, fault):
    """Not told to use the format it already uses: the day, month or hour that does not exist."""
    old = re.search(rf"^{key}: .*$", SECOND_CALL, re.M).group()
    refused_everywhere(tmp_path, SECOND_CALL.replace(old, f"{key}: {value}"),
                       re.escape(f"FG311 {tmp_path / 'hostile.yaml'}: {key}: '{value}': {fault}"))


def test_a_date_in_another_format_is_still_shown_the_format(tmp_path):
    refused_everywhere(tmp_path, SECOND_CALL.replace("results_date: 2026-03-25", "results_date: 25.03.2026"),
                       re.escape("results_date: '25.03.2026' is not a date (write it as YYYY-MM-DD"))


def test_a_very_long_value_is_quoted_short_in_messages(tmp_path):
    word = "x" * 400_000
    refused_everywhere(tmp_path, SECOND_CALL.replace("deadline: 2026-03-15 17:00", f"deadline: {word}"),
                       r"deadline: 'x{20,}\.\.\.x+' is not a date and hour", commands=("check",))


def test_a_word_longer_than_many_lines_is_printed_whole(tmp_path):
    word = "".join(chr(ord("a") + n % 26) for n in range(6000))
    path = tmp_path / "long.yaml"
    path.write_text(SECOND_CALL.replace("  ru: Партнерство «За сильное местное самоуправление»", f"  ru: {word}"),
                    encoding="utf-8")
    documents = localized_documents(load_call(path), ["ru"])
    # cut onto lines of its own, and pages: the pieces in order, the footers of the pages between them left out
    printed = ["".join(re.findall(r"[a-z]{20,}", pdf_text(render_bytes(d, "pdf")))) for d in documents]
    assert any(word in text for text in printed)


@pytest.mark.parametrize("text", ["2025-02-28 18:00", "2025-2-8 8:5", "2025-02-28   18:00", "2025-02-30 18:00",
                                  "2025-02-28T18:00", " 2025-02-28 18:00", "2025-02-28 18:00 ", "2025-13-01 10:00",
                                  "2025-02-28 24:00", "2025-02- 8 10:00", "25-02-28 18:00", "2025-02-28 18:60",
                                  "２０２５-02-28 18:00", "2025-02-28\t18:00", "2025-02-28 18:00:00"])
def test_the_deadline_is_read_as_strptime_reads_it(text):
    """call.py matches the deadline itself (loading _strptime cost 7 ms a command): same answers."""
    import datetime as dt

    from generator.sources.call import parse_deadline

    try:
        expected = dt.datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        expected = None
    assert parse_deadline(text) == expected
