"""Wording the sources use, kept where the forms and the page speak (docs/source-texts.md)."""
from generator import LOCALES_DIR
from generator.sources.catalogs import po_path, read_catalog


def messages(lang):
    return {m.id: str(m.string) for m in read_catalog(po_path(lang, LOCALES_DIR)) if m.id}


def test_no_yo_in_russian_texts():
    assert {i: t for i, t in messages("ru").items() if "ё" in t.lower()} == {}


def test_download_page_says_letter_of_interest_as_the_sources_do():
    texts = " ".join(t for i, t in messages("ru").items() if i.startswith("site.") or i.endswith(".step"))
    assert "письмо заинтересованности" in texts.lower() and "заинтересованность" not in texts.lower()


def test_kyrgyz_footer_uses_the_sources_term_for_the_deadline(documents):
    footers = [d.footer for (form, lang), d in documents.items() if lang == "ky"]
    assert footers and all("өтүнмө тапшыруунун акыркы мөөнөтү – " in f for f in footers)
    assert not any("берүү мөөнөтү" in f for f in footers)


def test_two_signatories_sign_in_the_plural():
    ky = messages("ky")
    signed = {i: t for i, t in ky.items() if "кол ко" in t}
    assert signed and not any("кол коёт" in t for t in signed.values())
    assert "жана жергиликтүү кеңештин төрагасы кол коюшат" in ky["letter.step"]


def test_number_placeholder_wording():
    assert messages("ky")["placeholder.number"] == "Сан жазыңыз"


def test_outgoing_line_separates_number_and_date(documents):
    for lang, separator in (("ky", ", "), ("ru", " от ")):
        paragraph = next(p for p in documents[("interest_letter", lang)].paragraphs()
                         if any(getattr(r, "id", "") == "outgoing_number" for r in p.runs))
        ids = [getattr(r, "id", r) for r in paragraph.runs]
        assert ids[ids.index("outgoing_number") + 1] == separator and ids[ids.index("outgoing_number") + 2] == "outgoing_date"


def test_collect_problem_column_does_not_clash_with_the_forms_problems(call):
    from generator.commands.collect import Forms, tables

    forms = Forms(call)
    assert tables([], [], forms, "ky")["problems"].labels == ["Өтүнмө (папка)", "Файл", "Ката"]
    assert tables([], [], forms, "ru")["problems"].labels[2] == "Замечание"
