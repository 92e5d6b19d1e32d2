"""What several commands share, on the way from the sources to the files: the editions of a call and
the localized documents of each, the forms chosen, the files written and described for a manifest,
the message ids in use. The commands stand on this module (and on formats/registry.py for the
formats, workers.py for the processes) and never on each other (tests/test_layers.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from . import LANGUAGES
from .disk.files import write_file
from .errors import UsageError
from .formats.pdf.fonts import font_errors
from .formats.web.site import SITE_MESSAGES
from .language.bilingual import bilingual
from .language.localize import CODE_MESSAGES, Localizer
from .model.forms import Document, FormDef
from .model.messages import COLLECT_HEADERS, REVIEW_MESSAGES, SCAN_HEADERS
from .sources.call import CallSettings, call_texts, load_call
from .sources.catalogs import load_translations, po_path
from .sources.definitions import load_forms
from .sources.project import BUILTIN, Project

EDITIONS = (*LANGUAGES, "ru+ky")  # ru+ky: one document in both languages, Kyrgyz first


# ---- the documents of a call ---------------------------------------------------------------------

def printable_call(path: Path) -> CallSettings:
    """The call as `check` reads it: a value the PDF fonts cannot draw stops a command before it writes."""
    call = load_call(path)
    problems = font_errors(call_texts(call))
    if problems:
        raise problems[0]
    return call


def checked_choices(chosen: Iterable[str], allowed: tuple[str, ...], option: str) -> list[str]:
    chosen = list(dict.fromkeys(chosen)) or list(allowed)
    for value in chosen:
        if value not in allowed:
            raise UsageError(option, value, "unknown value", f"use one of: {', '.join(allowed)}")
    return chosen


def chosen_forms(forms: dict[str, FormDef], form_ids: Iterable[str] | None) -> list[FormDef]:
    """The forms --form names (all when none), in the project's order."""
    chosen = list(dict.fromkeys(form_ids or forms))
    unknown = [f for f in chosen if f not in forms]
    if unknown:
        raise UsageError("--form", unknown[0], "no such form", f"use one of: {', '.join(forms)}")
    return [form for form_id, form in forms.items() if form_id in chosen]


def fillable_forms(project: Project = BUILTIN, form_ids: Iterable[str] | None = None) -> list[FormDef]:
    """The forms --form names, or every form of the project that has fields, in the project's order."""
    forms = chosen_forms(load_forms(project.forms_dir), form_ids)
    blank = next((form.id for form in forms if form_ids and not any(form.field_defs())), None)
    if blank:
        raise UsageError("--form", blank, "has no fields to fill", "choose a form with blanks")
    return [form for form in forms if any(form.field_defs())]


def editions_of(call: CallSettings, langs: Iterable[str], form_ids: Iterable[str] | None = None,
                project: Project = BUILTIN, forms: dict[str, FormDef] | None = None,
                ) -> tuple[list[tuple[str, FormDef]], dict[str, Localizer]]:
    """(edition, form) of every document to make, in order, and the localizers they need."""
    chosen = chosen_forms(load_forms(project.forms_dir) if forms is None else forms, form_ids)
    langs = list(langs)
    by_lang = localizers(call, languages_of(langs), project)
    return [(edition, form) for edition in langs for form in chosen], by_lang


def languages_of(editions: Iterable[str]) -> list[str]:
    needed = {part for edition in editions for part in edition.split("+")}
    return [lang for lang in LANGUAGES if lang in needed]


def localizers(call: CallSettings, langs: Iterable[str] = LANGUAGES,
               project: Project = BUILTIN) -> dict[str, Localizer]:
    return {lang: Localizer(lang, load_translations(lang, project.locales_dir), call,
                            str(po_path(lang, project.locales_dir)))
            for lang in langs}


def localized(by_lang: Mapping[str, Localizer], edition: str, form: FormDef,
              in_language: Callable[[str], Document] | None = None) -> Document:
    """The form's document in an edition; `in_language(lang)`: its document in one language, if
    it may be at hand already."""
    in_language = in_language or (lambda lang: by_lang[lang].document(form))
    if "+" in edition:
        secondary, primary = edition.split("+")
        return bilingual(in_language(primary), in_language(secondary), form.bilingual)
    return in_language(edition)


def localized_documents(call: CallSettings, langs: Iterable[str], form_ids: Iterable[str] | None = None,
                        project: Project = BUILTIN) -> list[Document]:
    plan, by_lang = editions_of(call, langs, form_ids, project)
    return [localized(by_lang, edition, form) for edition, form in plan]


# ---- rendering and writing -----------------------------------------------------------------------

def render_bytes(document: Document, fmt: str, values: Mapping[str, str] | None = None) -> bytes:
    """A document in a format (formats/registry.py), `values` prefilled."""
    from .formats.registry import FORMATS, function  # not for check, which renders nothing

    return function(FORMATS[fmt].render)(document, values)[0]


@dataclass(frozen=True)
class Output:
    form: str
    lang: str
    format: str
    path: str  # relative to the call's folder, with '/'
    bytes: int
    sha256: str
    pages: int | None = None  # a DOCX counts the pages of its PDF twin, when that is built


def write_outputs(root: Path, folder: str, form_id: str, lang: str, rendered: dict[str, bytes],
                  pages: Mapping[str, int | None]) -> list[Output]:
    """Write one document's formats under root/folder/<lang>/ and describe them for a manifest
    (`pages`: each format's page count, as `page_counts` gives them)."""
    import hashlib  # not for check, which writes none and imports this module for used_message_ids

    outputs = []
    for fmt, data in rendered.items():
        relative = "/".join(filter(None, (folder, lang, f"{form_id}.{fmt}")))
        write_file(root / relative, data)
        outputs.append(Output(form_id, lang, fmt, relative, len(data),
                              hashlib.sha256(data).hexdigest(), pages.get(fmt)))
    return outputs


# ---- message ids ---------------------------------------------------------------------------------

def used_message_ids(forms: list[FormDef]) -> dict[str, str]:
    """message id → where it is used first."""
    used: dict[str, str] = {}
    for form in forms:
        for message_id in form.message_ids():
            used.setdefault(message_id, form.source)
    for where, ids in (("generator/language/localize.py", CODE_MESSAGES),
                       ("generator/formats/web/site.py", SITE_MESSAGES),
                       ("generator/model/messages.py", (*COLLECT_HEADERS, *SCAN_HEADERS, *REVIEW_MESSAGES))):
        for message_id in ids:
            used.setdefault(message_id, where)
    return used
