"""The translator workflow: every message id in use as a .pot template, and new ids into each .po."""
from __future__ import annotations

from pathlib import Path

from .. import FORMS_DIR, LOCALES_DIR
from ..disk.files import write_file
from ..errors import say
from ..pipeline import used_message_ids
from ..sources.catalogs import DOMAIN, Entry, compile_catalogs, po_entries, po_path, read_catalog
from ..sources.definitions import load_forms
from ..sources.languages import load_languages
from ..sources.project import find_project


def template(forms_dir: Path = FORMS_DIR):
    """Every message id in use, as Babel's .pot catalog (the same ids `pybabel extract` finds)."""
    from babel.messages.catalog import Catalog  # the translator commands only, not check or build

    catalog = Catalog(domain=DOMAIN, project="formgen", fuzzy=False)
    for message_id, where in used_message_ids(list(load_forms(forms_dir).values())).items():
        catalog.add(message_id, locations=[(Path(where).name, 0)])
    return catalog


def write_template(output: Path, forms_dir: Path = FORMS_DIR) -> int:
    from babel.messages.pofile import write_po

    catalog = template(forms_dir)
    with output.open("wb") as stream:
        write_po(stream, catalog, width=0, omit_header=False)
    return len(catalog)


def update_catalogs(locales_dir: Path = LOCALES_DIR, forms_dir: Path = FORMS_DIR) -> list[tuple[Path, int, int]]:
    """Every message id in use into each language's .po: a new one added empty (check reports it until
    it is translated), one no longer used marked obsolete (`#~`), one used again restored. Nothing
    else of the file changes: its order, comments, wrapping and header stay, so a translator's diff
    shows only what changed. A language of the project without a catalog yet (one just added to
    forms/project.yaml) gets one, every message empty. (path, ids added, ids made obsolete) for each file."""
    used = list(used_message_ids(list(load_forms(forms_dir).values())))
    updated = []
    for lang in load_languages(forms_dir).codes:
        path = po_path(lang, locales_dir)
        if not path.exists():
            text = new_catalog(lang)
        else:
            read_catalog(path)  # a malformed line is reported at its line first
            text = path.read_bytes().decode("utf-8")
        merged, added, dropped = merged_po(text, used)
        if merged != text:
            write_file(path, merged.encode("utf-8"))
        updated.append((path, added, dropped))
    return updated


def new_catalog(lang: str) -> str:
    """A language's catalog before its first message: the header gettext tools read."""
    header = (f"Language: {lang}", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
              "Content-Transfer-Encoding: 8bit")
    return 'msgid ""\nmsgstr ""\n' + "".join(f'"{line}\\n"\n' for line in header) + "\n"


def merged_po(text: str, used: list[str]) -> tuple[str, int, int]:
    """The .po text with `used` ids, each new one placed after the id before it in `used` (so an
    added form's messages stand together, where the template has them)."""
    entries, in_use = po_entries(text), set(used)
    newline = "\r\n" if "\r\n" in text else "\n"
    own = {(e.id, e.obsolete): e for e in entries if e.id and e.context is None}
    dropped = 0
    for entry in entries:
        if entry.id and entry.context is None and not entry.obsolete and entry.id not in in_use:
            entry.lines = [line if not line.strip() or line.lstrip().startswith("#") else f"#~ {line}"
                           for line in entry.lines]
            dropped += 1
    added, after = 0, (entries[0] if entries[0].id == "" else None)
    for message_id in used:
        if (message_id, False) in own:
            after = own[message_id, False]
            continue
        entry = own.get((message_id, True)) or _empty_entry(message_id, newline)
        if entry.obsolete:  # used again: its translation comes back where it stood
            entry.lines = [line.replace("#~ ", "", 1) if line.startswith("#~ ") else line for line in entry.lines]
        else:
            position = entries.index(after) + 1 if after else 0
            if after and not after.lines[-1].endswith("\n"):  # the last line of a file without a newline
                after.lines[-1] += newline
            entries.insert(position, entry)
        after, added = entry, added + 1
    return "".join(line for entry in entries for line in entry.lines), added, dropped


def _empty_entry(message_id: str, newline: str) -> Entry:
    entry = Entry()
    for line in (f'msgid "{_escaped(message_id)}"', 'msgstr ""', ""):
        entry.add(line + newline)
    return entry


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


# ---- the command line's side ----------------------------------------------------------------------

def run_extract(options) -> None:
    chosen = find_project(options.project)
    output = chosen.writable(options.output or chosen.locales_dir / "forms.pot", "; or give --output FILE")
    count = write_template(output, chosen.forms_dir)
    say(f"wrote {count} message ids of {chosen} to {output}")


def run_update(options) -> None:
    chosen = find_project(options.project)
    for path, added, dropped in update_catalogs(chosen.writable(chosen.locales_dir), chosen.forms_dir):
        say(f"{path}: {added} message id(s) added (empty, to translate), {dropped} no longer used marked obsolete")
    say(f"updated the catalogs of {chosen}")


def run_compile(options) -> None:
    chosen = find_project(options.project)
    for path in compile_catalogs(chosen.languages.codes, chosen.writable(chosen.locales_dir)):
        say(f"compiled {path}")
    say(f"the compiled catalogs of {chosen} are up to date")
