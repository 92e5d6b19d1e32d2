"""Wording the sources use, kept where the forms and the page speak (README: Changes to the source texts)."""
from generator import LOCALES_DIR
from generator.catalogs import po_path, read_catalog


def messages(lang):
    return {m.id: str(m.string) for m in read_catalog(po_path(lang, LOCALES_DIR)) if m.id}


def test_no_yo_in_russian_texts():
    assert {i: t for i, t in messages("ru").items() if "ё" in t.lower()} == {}


def test_download_page_says_letter_of_interest_as_the_sources_do():
    texts = " ".join(t for i, t in messages("ru").items() if i.startswith("site."))
    assert "письмо заинтересованности" in texts.lower() and "заинтересованность" not in texts.lower()
