"""A project's languages are data (forms/project.yaml, the language registry): a third language is
added by data alone and every command takes it up, no language code is written out in the code, and
each language's pseudo-language (ky-XA) shows where a longer translation will overflow."""
import io
import json
import re
import tokenize
from pathlib import Path

import docx
import pikepdf
import pypdfium2 as pdfium
import pytest
from cli_runner import CliRunner

import generator
from generator.cli import app
from generator.formats.docx import ooxml
from generator.formats.docx.read import read_docx_controls
from generator.language.localize import DATE_PATTERN_MESSAGES, placeholders
from generator.language.pseudo import PseudoTranslations, pseudo_text
from generator.model.languages import PSEUDO_CLOSE, PSEUDO_OPEN, PSEUDO_PADDING
from generator.sources.catalogs import load_translations
from generator.sources.definitions import load_forms
from generator.sources.project import BUILTIN, project_at
from test_fill_collect import type_into_pdf, write_csv

PACKAGE = Path(generator.__file__).parent
REGISTRY_MODULE = PACKAGE / "model" / "languages.py"


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


# ---- no language in the code ---------------------------------------------------------------------

def registry_words() -> set[str]:
    """What the built-in registry says that code must not: codes, edition ids, tags, OCR models."""
    languages = BUILTIN.languages
    return {*languages.codes, *languages.edition_ids, *(language.tag for language in languages.languages),
            *(language.ocr for language in languages.languages)}


def literals_naming(source: str, words: set[str]) -> list[tuple[int, str]]:
    """(line, literal) of each string in `source` (docstrings and comments aside: they explain) that
    holds one of `words` as a word of its own: 'ky', "ru+ky", f"… ky-KG …"."""
    pattern = re.compile(r"(?<![\w+-])(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
                         + r")(?![\w+-])")
    found, previous = [], tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        is_string = token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1)
        docstring = previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL)
        if is_string and not docstring and pattern.search(token.string):
            found.append((token.start[0], token.string))
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type
    return found


def test_the_literal_finder_finds_what_it_must():
    words = registry_words()
    assert literals_naming('LANGS = ("ru", "ky", "ru+ky")\n', words) != []
    assert literals_naming('TAGS = {"a": "ky-KG"}\nx = f"model {m} rus"\n', words) != []
    assert literals_naming('def f():\n    """Kyrgyz, ky, first."""\n    return "sky rusty"  # ru\n', words) == []


def test_no_language_code_is_written_out_in_the_code():
    """What differs between languages is data: a language added touches forms/project.yaml, its
    catalog and the call settings, never generator/ (docs/architecture.md, "Where to add")."""
    words = registry_words()
    found = [f"{path.relative_to(PACKAGE.parent)}:{line}: {text}"
             for path in sorted(PACKAGE.rglob("*.py")) if path != REGISTRY_MODULE
             for line, text in literals_naming(path.read_text(encoding="utf-8"), words)]
    assert found == [], "take these from the language registry (project.languages):\n" + "\n".join(found)


# ---- a third language by data alone ---------------------------------------------------------------

UZ = """\
  uz:
    name: Ўзбекча
    tag: uz-Cyrl-UZ
    months: [январ, феврал, март, апрел, май, июн, июл, август, сентябр, октябр, ноябр, декабр]
    letters: АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЪЭЮЯЎҚҒҲабвгдеёжзийклмнопрстуфхцчшъэюяўқғҳ
    ocr: uzb_cyrl
    edition: {ru: на узбекском языке, ky: өзбек тилинде, uz: ўзбек тилида}
"""
UZ_NAMES = {"на русском языке": "рус тилида", "на кыргызском языке": "қирғиз тилида", "на двух языках": "икки тилда"}
UZ_PAIR = "  - {first: uz, second: ru, edition: {ru: на двух языках, ky: эки тилде, uz: икки тилда}}\n"
UZ_PAIR_ID = "ru+uz"
UZBEK = str.maketrans("уУ", "ўЎ")  # the Russian texts, marked as the Uzbek catalog's by a letter of its own


def add_uzbek(root: Path) -> None:
    """Uzbek (Cyrillic), spoken in the south of Kyrgyzstan, added as staff would: its entry and pair in
    forms/project.yaml, its name in the other entries, its catalog, its texts in the call settings."""
    settings = root / "forms" / "project.yaml"
    text = settings.read_text(encoding="utf-8")
    for russian, uzbek in UZ_NAMES.items():  # each edition's name in Uzbek too
        text = re.sub(r"(edition: \{ru: " + russian + r", [^}]*)\}", r"\1, uz: " + uzbek + "}", text)
    text = text.replace("\n# Kyrgyz, the state language", "\n" + UZ + "# Kyrgyz, the state language", 1)
    settings.write_text(text + UZ_PAIR, encoding="utf-8")
    russian = (root / "locales" / "ru" / "LC_MESSAGES" / "forms.po").read_text(encoding="utf-8")
    uzbek = (russian.replace('"Language: ru\\n"', '"Language: uz\\n"').replace("{contact_name:dat}", "{contact_name}")
             .replace("d MMMM y 'года'", "d MMMM, y").translate(UZBEK))  # Uzbek has no grammar in formgen
    catalog = root / "locales" / "uz" / "LC_MESSAGES" / "forms.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(uzbek, encoding="utf-8")
    for call in (root / "forms" / "calls").glob("*.yaml"):
        call.write_text(re.sub(r"^(\s+)ky: (.*)$", r"\g<0>\n\1uz: \2", call.read_text(encoding="utf-8"), flags=re.M),
                        encoding="utf-8")


@pytest.fixture(scope="module")
def uzbek(tmp_path_factory):
    """A project with a third language, checked and built in every edition."""
    root = tmp_path_factory.mktemp("uz") / "project"
    assert invoke("init", root).exit_code == 0
    add_uzbek(root)
    checked = invoke("check", "--project", root)
    assert checked.exit_code == 0, checked.output
    built = invoke("build", "--project", root, "--out", root / "output")
    assert built.exit_code == 0, built.output
    return root, root / "output" / "2025"


def test_a_third_language_is_in_the_registry_with_its_pair(uzbek):
    root, _ = uzbek
    languages = project_at(root).languages
    assert languages.codes == ("ru", "ky", "uz") and languages.main == "ky"
    assert languages.edition_ids == ("ru", "ky", "uz", "ru+ky", UZ_PAIR_ID)


def test_every_edition_of_a_third_language_is_built_in_both_formats(uzbek):
    root, out = uzbek
    forms = list(load_forms(root / "forms"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    made = {(entry["lang"], entry["form"], entry["format"]) for entry in manifest["files"]}
    languages = project_at(root).languages
    assert made == {(edition, form, fmt) for edition in languages.edition_ids for form in forms for fmt in ("docx", "pdf")}


def test_the_third_languages_docx_is_in_uzbek_and_its_controls_read_back(uzbek):
    root, out = uzbek
    for form in load_forms(root / "forms").values():
        data = (out / "uz" / f"{form.id}.docx").read_bytes()
        document = docx.Document(io.BytesIO(data))
        assert document.core_properties.language == "uz-Cyrl-UZ"
        assert {lang.get(ooxml.qn("w:val")) for lang in document.element.body.iter(ooxml.qn("w:lang"))} == {"uz-Cyrl-UZ"}
        assert "ў" in "\n".join(p.text for p in document.paragraphs)  # the Uzbek catalog's texts
        assert [tag for tag, _, _ in read_docx_controls(io.BytesIO(data))] == [f.id for f in form.field_defs()
                                                                           if f.kind != "signature"]


def test_the_third_languages_pdfs_show_its_letters_and_say_its_language(uzbek):
    root, out = uzbek
    for edition in ("uz", UZ_PAIR_ID):
        for form in load_forms(root / "forms").values():
            data = (out / edition / f"{form.id}.pdf").read_bytes()
            pdf = pdfium.PdfDocument(data)
            text = "".join(page.get_textpage().get_text_range() for page in pdf)
            assert "ў" in text and "\ufffd" not in text
            with pikepdf.open(io.BytesIO(data)) as opened:
                assert str(opened.Root.Lang) == "uz-Cyrl-UZ"  # Uzbek first in ru+uz too: the pair says so
            if edition == UZ_PAIR_ID:  # and Russian's у, which this Uzbek catalog writes ў
                assert "у" in text


def test_the_download_page_has_a_page_in_the_third_language_and_links_to_it(uzbek):
    _, out = uzbek
    front = (out / "index.html").read_text(encoding="utf-8")
    uz = (out / "index.uz.html").read_text(encoding="utf-8")
    assert 'href="index.uz.html" hreflang="uz" lang="uz">Ўзбекча</a>' in front
    assert 'href="index.html" hreflang="ky" lang="ky">Кыргызча</a>' in uz and '<html lang="uz">' in uz
    assert "Ўзбек тилида" in uz and "Өзбек тилинде" in front  # the column of the uz edition, in each page's language


def test_a_third_language_is_filled_and_collected(uzbek, tmp_path):
    root, out = uzbek
    rows = [{"aa_name": "Ўзган", "sender_head": "Қодиров Ғайрат", "population": "5000", "interaction_rating": "4"}]
    filled = invoke("fill", "--project", root, "--data", write_csv(tmp_path / "rows.csv", rows), "--lang", "uz",
                    "--out", tmp_path / "filled")
    assert filled.exit_code == 0, filled.output
    typed = tmp_path / "typed" / "interest_letter.pdf"  # a person fills in the blank Uzbek form
    typed.parent.mkdir()
    typed.write_bytes((out / "uz" / "interest_letter.pdf").read_bytes())
    type_into_pdf(typed, {"sender_head": "Ҳамза Ўроқов"}, None)
    collected = invoke("collect", tmp_path / "filled", typed.parent, "--project", root, "--lang", "uz",
                       "--out", tmp_path / "apps.json")
    assert collected.exit_code == 0, collected.output
    general = json.loads((tmp_path / "apps.json").read_text(encoding="utf-8"))["general"]
    values = {row["application"].rsplit("/", 1)[-1]: row for row in general}
    assert values["Ўзган"]["aa_name"] == "Ўзган" and values["Ўзган"]["sender_head"] == "Қодиров Ғайрат"
    assert values["typed"]["sender_head"] == "Ҳамза Ўроқов"


# ---- the registry's errors ------------------------------------------------------------------------

@pytest.mark.parametrize("edit, says", [
    (("    tag: ky-KG\n", "    tga: ky-KG\n"), ["FG009", "languages.ky.tga", "did you mean 'tag'"]),
    (("    tag: ky-KG\n", "    tag: kyrgyz language\n"), ["FG506", "languages.ky.tag", "BCP 47"]),
    (("{ru: на кыргызском языке, ky: кыргыз тилинде}", "{ru: на кыргызском языке}"),
     ["FG008", "languages.ky.edition", "missing key 'ky'"]),
    (("  - first: ky\n", "  - first: kg\n"), ["FG508", "bilingual[0].first", "did you mean 'ky'"]),
    (("    grammar: kyrgyz\n", "    grammar: kirghiz\n"), ["FG509", "languages.ky.grammar", "kyrgyz"]),
    (("main_language: ky", "main_language: uz"), ["FG506", "main_language", "use one of: ru, ky"]),
    (("март, апрель, ", ""), ["FG506", "languages.ky.months", "12 month names"]),
])
def test_a_wrong_language_entry_is_reported_at_its_line_with_the_fix(tmp_path, edit, says):
    root = tmp_path / "p"
    assert invoke("init", root).exit_code == 0
    settings = root / "forms" / "project.yaml"
    text = settings.read_text(encoding="utf-8")
    assert edit[0] in text
    settings.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    for command in (["check"], ["build", "--out", tmp_path / "out"]):
        result = invoke(*command, "--project", root)
        assert result.exit_code == 1, result.output
        line = next(line for line in result.stderr.splitlines() if "project.yaml" in line)
        assert f"{settings}: " in line and re.search(r": line \d+, column \d+: ", line) and "(" in line, line
        assert all(part in line for part in says), line
    assert not (tmp_path / "out").exists()


def test_letters_the_pdf_fonts_lack_are_reported_by_check(tmp_path):
    root = tmp_path / "p"
    assert invoke("init", root).exit_code == 0
    settings = root / "forms" / "project.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("абвгдеёжзийклмнңоө", "აბგабвгдеёжзийклмнңоө", 1),
                        encoding="utf-8")
    result = invoke("check", "--project", root)
    assert result.exit_code == 1
    assert "FG401" in result.output and "languages.ky.letters: character 'ა'" in result.output


def uzbek_without_its_catalog(tmp_path: Path) -> tuple[Path, Path]:
    """(the project, the catalog it lacks): Uzbek added to project.yaml and the call, its catalog not yet."""
    root = tmp_path / "p"
    assert invoke("init", root).exit_code == 0
    add_uzbek(root)
    catalog = root / "locales" / "uz" / "LC_MESSAGES" / "forms.po"
    catalog.unlink()
    return root, catalog


def test_catalogs_update_starts_the_catalog_of_a_language_just_added(tmp_path):
    root, catalog = uzbek_without_its_catalog(tmp_path)
    assert invoke("catalogs", "update", "--project", root).exit_code == 0
    assert '"Language: uz\\n"' in catalog.read_text(encoding="utf-8")
    result = invoke("check", "--project", root)
    assert result.exit_code == 1 and f"FG204 {catalog}: line" in result.output  # each message: to translate


# ---- the pseudo-language ---------------------------------------------------------------------------

@pytest.mark.parametrize("message", ["Аты-жөнү: {aa_name}", "{deadline_date:long,dat} чейин, {deadline_time:dat}",
                                     "Сумма {{сом}}: {amount}", "№ {number}. Башчы", "{a}{b}"])
def test_a_pseudo_message_is_marked_longer_and_keeps_its_placeholders(message):
    pseudo = pseudo_text(message)
    assert pseudo.startswith(PSEUDO_OPEN) and pseudo.endswith(PSEUDO_CLOSE)
    assert placeholders(pseudo) == placeholders(message)  # names and format specs, so values still go in
    assert pseudo.count("{{") == message.count("{{") and pseudo.count("}}") == message.count("}}")
    letters = sum(c.isalpha() for c in re.sub(r"\{[^{}]*\}", "", message.replace("{{", "").replace("}}", "")))
    padding = sum(pseudo.count(c) for c in PSEUDO_PADDING) - sum(message.count(c) for c in PSEUDO_PADDING)
    assert abs(padding - 0.4 * letters) <= 0.5 * len(re.findall(r"[^\W\d_]+", message))  # each word rounds


def test_a_pseudo_catalog_keeps_date_patterns_and_missing_messages_as_they_are():
    pseudo = PseudoTranslations(load_translations("ky"), DATE_PATTERN_MESSAGES.values())
    for message_id in DATE_PATTERN_MESSAGES.values():
        assert pseudo.gettext(message_id) == load_translations("ky").gettext(message_id)
    assert pseudo.gettext("no.such.message") == "no.such.message"  # the localizer reports it as missing
    assert pseudo.gettext("site.title") == pseudo_text(load_translations("ky").gettext("site.title"))


@pytest.fixture(scope="module")
def pseudo_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("pseudo")
    result = invoke("build", "--out", out, "--lang", "ky-XA")
    assert result.exit_code == 0, result.output
    return out / "2025"


def test_build_in_the_pseudo_language_marks_every_text_and_still_fills_in_the_values(pseudo_build):
    for form in load_forms().values():
        data = (pseudo_build / "ky-XA" / f"{form.id}.pdf").read_bytes()
        text = "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data))
        assert PSEUDO_OPEN in text and PSEUDO_CLOSE in text and "Ң" in text and "\ufffd" not in text
        assert "2025" in text  # the call's values still go into the marked sentences
        document = docx.Document(pseudo_build / "ky-XA" / f"{form.id}.docx")
        paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
        assert paragraphs and all(p.count(PSEUDO_OPEN) >= 1 for p in paragraphs[:3])


def test_a_pseudo_language_is_never_on_the_download_page(pseudo_build, tmp_path):
    """Its files are listed in the manifest (they are in the folder), but a page people download from
    lists only the project's editions, whatever build wrote them."""
    manifest = json.loads((pseudo_build / "manifest.json").read_text(encoding="utf-8"))
    assert {entry["lang"] for entry in manifest["files"]} == {"ky-XA"}
    assert "ky-XA" not in (pseudo_build / "index.html").read_text(encoding="utf-8")
    result = invoke("build", "--out", pseudo_build.parent)  # every edition, beside the pseudo files
    assert result.exit_code == 0, result.output
    manifest = json.loads((pseudo_build / "manifest.json").read_text(encoding="utf-8"))
    pseudo = [entry for entry in manifest["files"] if entry["lang"] == "ky-XA"]
    assert pseudo
    # the summary line counts what the page and the zip list, and says the pseudo files apart
    on_page = len(manifest["files"]) - len(pseudo)
    assert f"the download page and the zip list {on_page} (" in result.output
    assert f"manifest.json also lists the {len(pseudo)} files of ky-XA, for looking at only" in result.output
    for page in ("index.html", "index.ru.html"):
        assert "ky-XA" not in (pseudo_build / page).read_text(encoding="utf-8")
    import zipfile
    with zipfile.ZipFile(pseudo_build / "2025-forms.zip") as bundle:
        assert not any("ky-XA" in name for name in bundle.namelist()) and len(bundle.namelist()) == on_page


def test_check_in_the_pseudo_language_lists_what_the_build_overflows(pseudo_build):
    """check --lang ky-XA reports from the layout the build draws: each page budget it lists is the
    page count of the PDF built, each cut word is in it."""
    result = invoke("check", "--lang", "ky-XA")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(("FG410", "FG411"))]
    assert lines and all(" ky-XA" in line and (" mm wider than " in line or "budget" in line) for line in lines)
    forms = load_forms()
    for form in forms.values():
        pages = len(pdfium.PdfDocument((pseudo_build / "ky-XA" / f"{form.id}.pdf").read_bytes()))
        over = [line for line in lines if line.startswith(f"FG411 {form.source}: ky-XA: ")]
        budget = dict(form.pages).get("ky")
        assert bool(over) == (budget is not None and pages > budget), (form.id, pages, budget)
        if over:
            assert f": {pages} pages, {pages - budget} more than its budget (pages.ky: {budget};" in over[0]
    for line in (line for line in lines if "so it is cut there" in line):
        form_id = next(form.id for form in forms.values() if line.startswith(f"FG410 {form.source}: "))
        page = int(re.search(r"ky-XA, page (\d+):", line).group(1))
        word = re.search(r"the word «(.+?)…»", line).group(1)
        pdf = pdfium.PdfDocument((pseudo_build / "ky-XA" / f"{form_id}.pdf").read_bytes())
        assert word in pdf[page - 1].get_textpage().get_text_range()


def test_check_of_a_real_language_reports_its_overflows_the_same_way(tmp_path):
    """The built-in forms fit in Kyrgyz and both languages; a hint far longer than its blank does not."""
    assert invoke("check", "--lang", "ky", "--lang", "ru+ky").exit_code == 0
    root = tmp_path / "p"
    assert invoke("init", root).exit_code == 0
    catalog = root / "locales" / "ky" / "LC_MESSAGES" / "forms.po"
    text = catalog.read_text(encoding="utf-8")
    hint = re.search(r'msgid "letter.outgoing_number.hint"\nmsgstr "([^"]*)"', text)
    catalog.write_text(text.replace(hint.group(), hint.group().replace(hint.group(1), " ".join([hint.group(1)] * 40))),
                       encoding="utf-8")
    result = invoke("check", "--project", root, "--lang", "ky")
    assert result.exit_code == 1
    assert re.search(r"FG410 \S*interest_letter.yaml: ky, page 1: field 'outgoing_number': its hint «.*» \(in 5 pt\) "
                     r"is \d+\.\d mm wider than its blank \(", result.stderr), result.stderr
    assert " ru:" not in result.stderr  # only the edition asked for


def test_an_unknown_edition_is_refused_with_the_projects_editions(tmp_path):
    result = invoke("check", "--lang", "ky-XB")
    assert result.exit_code == 2
    assert "did you mean 'ky-XA'?" in result.stderr and "ru (Русский), ky (Кыргызча), ru+ky" in result.stderr
    rows = write_csv(tmp_path / "rows.csv", [{"aa_name": "Ош"}])
    refused = invoke("fill", "--data", rows, "--lang", "ky-XA", "--out", tmp_path / "out")
    assert refused.exit_code == 2 and "'ky-XA' is not an edition" in refused.stderr  # a pseudo-language is not filled
    assert not (tmp_path / "out").exists()


def test_each_grammar_writes_what_the_table_says():
    """model.languages.GRAMMARS says what each grammar writes (so a value it does not write never
    imports it); the module of that name in generator/language/ writes exactly that."""
    import importlib

    from generator.model.languages import GRAMMARS

    kinds = ("word", "number", "name", "date")
    for name, writes in GRAMMARS.items():
        module = importlib.import_module(f"generator.language.{name}")
        assert module.CASES and set(writes) <= set(kinds)
        assert {kind for kind in kinds if hasattr(module, f"{kind}_with_case")} == set(writes), name


def test_a_project_made_before_languages_were_data_has_the_built_in_ones(tmp_path):
    """A project.yaml without `languages:` (as `formgen init` wrote it before) keeps the built-in
    forms' languages, and builds as it did."""
    root = tmp_path / "p"
    assert invoke("init", root).exit_code == 0
    settings = root / "forms" / "project.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text[:text.index("\n# The languages of the forms")] + "\n", encoding="utf-8")
    assert "languages:" not in settings.read_text(encoding="utf-8")
    assert project_at(root).languages.edition_ids == BUILTIN.languages.edition_ids
    result = invoke("build", "--project", root, "--out", tmp_path / "out", "--format", "pdf", "--no-site")
    assert result.exit_code == 0, result.output
    assert {p.parent.name for p in (tmp_path / "out" / "2025").glob("*/*.pdf")} == set(BUILTIN.languages.edition_ids)


def test_a_language_without_its_catalog_yet_is_told_how_to_start_it(tmp_path):
    root, catalog = uzbek_without_its_catalog(tmp_path)
    result = invoke("check", "--project", root)
    assert result.exit_code == 1
    assert (f"FG003 {catalog}: no catalog of the project's language 'uz' (`formgen catalogs update` writes it"
            in result.stderr)
