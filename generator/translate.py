"""The translator workflow: every message id in use as a .pot template, and new ids into each .po."""
from __future__ import annotations

from pathlib import Path

from . import FORMS_DIR, LANGUAGES, LOCALES_DIR
from .catalogs import DOMAIN, babel_catalog, po_path
from .definitions import load_forms
from .localize import CODE_MESSAGES
from .messages import COLLECT_HEADERS, REVIEW_MESSAGES, SCAN_HEADERS
from .model import FormDef
from .site import SITE_MESSAGES


def used_message_ids(forms: list[FormDef]) -> dict[str, str]:
    """message id → where it is used first."""
    used: dict[str, str] = {}
    for form in forms:
        for message_id in form.message_ids():
            used.setdefault(message_id, form.source)
    for where, ids in (("generator/localize.py", CODE_MESSAGES), ("generator/site.py", SITE_MESSAGES),
                       ("generator/messages.py", (*COLLECT_HEADERS, *SCAN_HEADERS, *REVIEW_MESSAGES))):
        for message_id in ids:
            used.setdefault(message_id, where)
    return used


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


def update_catalogs(locales_dir: Path = LOCALES_DIR, forms_dir: Path = FORMS_DIR) -> list[Path]:
    """Babel's `update`: new ids arrive empty (check reports them until translated)."""
    from babel.messages.pofile import write_po

    pot = template(forms_dir)
    updated = []
    for lang in LANGUAGES:
        path = po_path(lang, locales_dir)
        catalog = babel_catalog(path)
        catalog.update(pot, no_fuzzy_matching=True)
        with path.open("wb") as stream:
            write_po(stream, catalog, width=0, ignore_obsolete=False)
        updated.append(path)
    return updated
