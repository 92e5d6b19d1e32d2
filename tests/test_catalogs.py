"""formgen reads .po files with its own small reader (Babel's took 80 ms a build): it must read every
catalog exactly as Babel and gettext do, and refuse what Babel refused, at the right line."""
import gettext
import io

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from generator.sources.project import BUILTIN
from generator.sources.catalogs import Translations, load_translations, po_path, read_catalog
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


LANGUAGES = BUILTIN.languages.codes


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


@pytest.mark.parametrize("line, good", [
    (r'msgstr "кавычки \"«»\" внутри"', True), (r'msgstr "обратная косая \\"', True), (r'"\\\\\"\\"', True),
    (r'msgstr "Печать', False),  # no closing quote
    (r'msgstr "в конце \"', False),  # the last quote escaped: still open
    (r'msgstr "лишнее" слово', False), (r'msgstr "\\\"', False), ('msgstr "a" "b"', False),
    (r'msgid "a"   ', True), (r'msgstr[1] "x\ty"', True), ('#~ msgid "устарело', True), ('"', False),
])
def test_each_line_is_checked_against_the_po_grammar(tmp_path, line, good):
    """A quoted string ends at the first quote no backslash escapes (the grammar reads a string as
    runs between escapes, for speed: these are the edges of that)."""
    path = tmp_path / "forms.po"
    path.write_text(f'msgid "a"\nmsgstr "b"\n\n{line}\n', encoding="utf-8")
    try:
        read_catalog(path)
        refused = None
    except FormgenError as error:
        refused = error
    if good:
        assert refused is None or refused.code != "FG201"
    else:
        assert refused is not None and refused.code == "FG201" and refused.place == "line 4"


def test_a_saved_po_is_what_the_next_command_reads(tmp_path):
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "forms.po").write_text('msgid "a"\nmsgstr "первый"\n', encoding="utf-8")
    assert load_translations("ru", tmp_path).gettext("a") == "первый"
    (folder / "forms.po").write_text('msgid "a"\nmsgstr "второй, длиннее"\n', encoding="utf-8")
    assert load_translations("ru", tmp_path).gettext("a") == "второй, длиннее"


# ---- catalogs update: only what changed ----------------------------------------------------------

NEW_FORM = """\
id: annex9
title: annex9.title
blocks:
  - {p: annex9.title, style: title}
  - {p: annex9.intro}
  - table: annex9_general
    rows:
      - {label: annex9.name, field: {id: annex9_name, kind: text, hint: annex9.name.hint}}
      - {label: annex9.budget, field: {id: annex9_budget, kind: amount}}
  - field: {id: annex9_comment, kind: multiline, label: annex9.comment}
"""


def diff_counts(before: str, after: str) -> tuple[int, int]:
    """(lines added, lines removed) between two texts, as a translator's diff counts them."""
    import difflib

    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))[2:]
    return (sum(line.startswith("+") for line in lines), sum(line.startswith("-") for line in lines))


def catalogs_text(locales) -> dict[str, str]:
    return {lang: po_path(lang, locales).read_text(encoding="utf-8") for lang in LANGUAGES}


def update(forms):
    from cli_runner import CliRunner

    from generator.cli import app

    result = CliRunner().invoke(app, ["catalogs", "update", "--project", str(forms.parent)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_update_adds_a_new_forms_ids_and_changes_nothing_else(source_copy):
    from generator.sources.definitions import load_forms

    forms, locales, _ = source_copy
    before = catalogs_text(locales)
    (forms / "annex9.yaml").write_text(NEW_FORM, encoding="utf-8")
    known = {m.id for m in read_catalog(po_path(LANGUAGES[0], locales))}
    new_ids = [i for i in dict.fromkeys(load_forms(forms)["annex9"].message_ids()) if i not in known]
    printed = update(forms)
    after = catalogs_text(locales)
    for lang in LANGUAGES:
        assert f"{len(new_ids)} message id(s) added" in printed
        assert diff_counts(before[lang], after[lang]) == (3 * len(new_ids), 0)  # msgid, msgstr, blank line each
        old_order = [m.id for m in read_catalog_text(before[lang], locales)]
        new_order = [m.id for m in read_catalog(po_path(lang, locales))]
        assert [i for i in new_order if i not in new_ids] == old_order  # the rest in its order
        start = new_order.index(new_ids[0])
        assert new_order[start:start + len(new_ids)] == new_ids  # together, in the form's order
        assert own_view(po_path(lang, locales)) == babel_view(po_path(lang, locales).read_bytes())
    assert update(forms).count("0 message id(s) added") == len(LANGUAGES)  # a second run changes nothing
    assert catalogs_text(locales) == after


def test_update_marks_an_unused_id_obsolete_and_restores_it_when_used_again(source_copy):
    forms, locales, _ = source_copy
    (forms / "annex9.yaml").write_text(NEW_FORM, encoding="utf-8")
    update(forms)
    for lang in LANGUAGES:  # a translator writes the texts
        path = po_path(lang, locales)
        path.write_text(path.read_text(encoding="utf-8").replace('msgid "annex9.intro"\nmsgstr ""',
                                                                 'msgid "annex9.intro"\nmsgstr "Текст"'), encoding="utf-8")
    translated = catalogs_text(locales)
    (forms / "annex9.yaml").rename(forms.parent / "annex9.yaml")  # the form is dropped for a while
    update(forms)
    dropped = catalogs_text(locales)
    for lang in LANGUAGES:
        count = sum(1 for m in read_catalog_text(translated[lang], locales) if m.id.startswith("annex9."))
        changed = [(a, b) for a, b in zip(translated[lang].splitlines(), dropped[lang].splitlines()) if a != b]
        assert len(translated[lang].splitlines()) == len(dropped[lang].splitlines())
        assert len(changed) == 2 * count and all(b == f"#~ {a}" for a, b in changed)  # msgid and msgstr lines
        assert not any(m.id.startswith("annex9.") for m in read_catalog(po_path(lang, locales)))
    (forms.parent / "annex9.yaml").rename(forms / "annex9.yaml")
    update(forms)
    assert catalogs_text(locales) == translated  # back where they stood, with their texts


def read_catalog_text(text: str, folder):
    path = folder / "compare.po"
    path.write_text(text, encoding="utf-8")
    try:
        return list(read_catalog(path))
    finally:
        path.unlink()
