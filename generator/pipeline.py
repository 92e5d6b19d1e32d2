"""What several commands share, on the way from the sources to the files: the editions of a call and
the localized documents of each, the forms chosen, the files written and described for a manifest,
the message ids in use. The commands stand on this module (and on formats/registry.py for the
formats, workers.py for the processes) and never on each other (tests/test_layers.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from .disk.files import write_file
from .errors import UsageError, suggestion
from .formats.pdf.fonts import font_errors
from .formats.web.site import SITE_MESSAGES
from .language.bilingual import bilingual
from .language.localize import CODE_MESSAGES, DATE_PATTERN_MESSAGES, Localizer
from .model.forms import Document, FormDef
from .model.languages import Language, Languages, edition_languages
from .model.messages import COLLECT_HEADERS, FILES_HEADERS, REVIEW_MESSAGES, SAID, SCAN_HEADERS, YES_NO_LABELS
from .sources.call import CallSettings, call_texts, load_call
from .sources.catalogs import load_translations, po_path
from .sources.definitions import load_forms
from .sources.project import BUILTIN, Project



# ---- the documents of a call ---------------------------------------------------------------------

def printable_call(path: Path, project: Project = BUILTIN) -> CallSettings:
    """The call as `check` reads it: a value the PDF fonts cannot draw stops a command before it writes."""
    call = load_call(path, project.languages.codes)
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


def checked_editions(chosen: Iterable[str], languages: Languages, pseudo: bool = False,
                     default: Iterable[str] | None = None) -> list[str]:
    """--lang as given (`default`, or every edition of the project, when not), each an edition of the
    project or, where `pseudo`, a pseudo-language."""
    allowed = languages.edition_ids + (languages.pseudo_ids if pseudo else ())
    chosen = list(dict.fromkeys(chosen)) or list(languages.edition_ids if default is None else default)
    for value in chosen:
        if value not in allowed:
            pseudos = f"; or a pseudo-language: {', '.join(languages.pseudo_ids)}" if pseudo else ""
            raise UsageError("--lang", "", f"'{value}' is not an edition of the project", suggestion(
                value, allowed, f"use one of the editions {languages.source} lists: "
                                f"{languages.described(languages.edition_ids)}{pseudos}"))
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
    by_lang = localizers(call, project.languages.languages_of(langs), project)
    return [(edition, form) for edition in langs for form in chosen], by_lang


def localizers(call: CallSettings, langs: Iterable[str] | None = None,
               project: Project = BUILTIN) -> dict[str, Localizer]:
    """A localizer of each language (or pseudo-language) named; none named: of each of the project's."""
    languages = project.languages
    return {lang: localizer(languages[lang], call, project)
            for lang in (languages.codes if langs is None else langs)}


def localizer(language: Language, call: CallSettings, project: Project = BUILTIN) -> Localizer:
    """A language's localizer, its messages read from its catalog (a pseudo-language's made from its
    language's, but for the date patterns, which are no text a person reads)."""
    translations = load_translations(language.texts, project.locales_dir)
    if language.pseudo:
        from .language.pseudo import PseudoTranslations  # when asked for one only

        translations = PseudoTranslations(translations, DATE_PATTERN_MESSAGES.values())
    return Localizer(language, translations, call, str(po_path(language.texts, project.locales_dir)))


def localized(by_lang: Mapping[str, Localizer], edition: str, form: FormDef,
              in_language: Callable[[str], Document] | None = None) -> Document:
    """The form's document in an edition; `in_language(lang)`: its document in one language, if
    it may be at hand already."""
    in_language = in_language or (lambda lang: by_lang[lang].document(form))
    languages = edition_languages(edition)
    if len(languages) == 2:
        primary, secondary = languages
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
                       ("generator/model/messages.py", (*COLLECT_HEADERS, *SCAN_HEADERS, *REVIEW_MESSAGES,
                                                        *FILES_HEADERS, *YES_NO_LABELS.values(), *SAID))):
        for message_id in ids:
            used.setdefault(message_id, where)
    return used
