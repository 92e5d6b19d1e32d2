"""formgen reads .po files with its own small reader (Babel's took 80 ms a build): it must read every
catalog exactly as Babel and gettext do, and refuse what Babel refused, at the right line."""
import gettext
import io

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from generator import LANGUAGES
from generator.catalogs import Translations, load_translations, po_path, read_catalog
from generator.errors import FormgenError

TRICKY = r'''# a translator's comment
msgid ""
msgstr ""
"Language: ru\n"
"Content-Type: text/plain; charset=utf-8\n"

#: forms/annex2.yaml:3
#, fuzzy, python-format
msgid "guessed"
msgstr "угадано"

msgid "escapes"
msgstr "кавычки \"«»\", таб\tи\\ перевод\nстроки"

msgid ""
"split."
"id"
msgstr ""
"в две "
"строки"

msgid "empty"
msgstr ""

#, python-format
msgid "not.fuzzy"
msgstr "точно"

msgctxt "menu"
msgid "escapes"
msgstr "в контексте"

msgid "twice"
msgstr "первый"

msgid "twice"
msgstr "второй"

#~ msgid "gone"
#~ msgstr "устарело"
'''


def babel_view(data: bytes):
    """(id, text, line, fuzzy) of each message and gettext's {id: text}, as Babel reads the bytes."""
    catalog = read_po(io.BytesIO(data), abort_invalid=True)
    messages = [(m.id, m.string, m.lineno, m.fuzzy) for m in catalog if m.id]
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    texts = dict(gettext.GNUTranslations(io.BytesIO(compiled.getvalue()))._catalog)
    texts.pop("", None)  # the header
    return messages, texts


def own_view(path):
    catalog = read_catalog(path)
    return [(m.id, m.string, m.lineno, m.fuzzy) for m in catalog], catalog.texts()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_project_catalogs_read_as_babel_reads_them(lang):
    path = po_path(lang)
    assert own_view(path) == babel_view(path.read_bytes())


def test_escapes_continuations_fuzzy_duplicates_and_obsolete_entries_read_as_babel_reads_them(tmp_path):
    path = tmp_path / "forms.po"
    path.write_text(TRICKY, encoding="utf-8")
    messages, texts = own_view(path)
    assert (messages, texts) == babel_view(path.read_bytes())
    assert texts["escapes"] == 'кавычки "«»", таб\tи\\ перевод\nстроки' and texts["split.id"] == "в две строки"
    assert "guessed" not in texts and "empty" not in texts and "gone" not in texts and texts["twice"] == "первый"
    assert Translations(texts).gettext("guessed") == "guessed"  # as gettext: the id when there is no text


@pytest.mark.parametrize("text, line, problem", [
    ('msgid "a"\nmsgstr "b"\n\nmsgid "c"\n\nmsgid "d"\nmsgstr "e"\n', 4, "missing msgstr for msgid 'c'"),
    ('msgid "a"\nmsgstr "b"\n# note\n"stray"\n', 4, "outside msgid, msgstr or msgctxt"),
])
def test_what_babel_refused_is_refused_at_its_line(tmp_path, text, line, problem):
    path = tmp_path / "forms.po"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Exception):
        read_po(io.BytesIO(text.encode()), abort_invalid=True)
    with pytest.raises(FormgenError) as error:
        read_catalog(path)
    assert error.value.code == "FG202" and error.value.place == f"line {line}" and problem in error.value.problem


def test_a_saved_po_is_what_the_next_command_reads(tmp_path):
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "forms.po").write_text('msgid "a"\nmsgstr "первый"\n', encoding="utf-8")
    assert load_translations("ru", tmp_path).gettext("a") == "первый"
    (folder / "forms.po").write_text('msgid "a"\nmsgstr "второй, длиннее"\n', encoding="utf-8")
    assert load_translations("ru", tmp_path).gettext("a") == "второй, длиннее"
