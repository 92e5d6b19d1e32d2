"""The translator workflow: every message id in use as a .pot template, and new ids into each .po."""
from __future__ import annotations

from pathlib import Path

from .. import FORMS_DIR, LOCALES_DIR
from ..disk.files import write_file
from ..errors import say
from ..pipeline import used_message_ids
from ..sources.catalogs import DOMAIN, compile_catalogs, merged_po, new_catalog, po_path, read_catalog
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
