"""load → validate → localize → render → write, for every chosen form, language and format."""
from __future__ import annotations

import hashlib
import io
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from . import LANGUAGES
from .call import CallSettings, call_texts, load_call
from .catalogs import load_translations, po_path
from .definitions import load_forms
from .errors import UsageError
from .files import json_bytes, write_file
from .fonts import font_errors
from .localize import Localizer
from .bilingual import bilingual
from .model import Document, FormDef
from .project import BUILTIN, Project

FORMATS = ("docx", "pdf")
EDITIONS = (*LANGUAGES, "ru+ky")  # ru+ky: one document in both languages, Kyrgyz first
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Output:
    form: str
    lang: str
    format: str
    path: str  # relative to the call's folder, with '/'
    bytes: int
    sha256: str
    pages: int | None = None  # a DOCX counts the pages of its PDF twin, when that is built


def renderer(fmt: str) -> Callable:
    """Import a renderer only when its format is asked for: each owns one heavy dependency."""
    if fmt == "docx":
        from .docx_render import render_docx
        return render_docx
    from .pdf_render import render_pdf
    return render_pdf


def render_bytes(document: Document, fmt: str, values: Mapping[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    renderer(fmt)(document, buffer, values)
    return buffer.getvalue()


def localizers(call: CallSettings, langs: Iterable[str] = LANGUAGES,
               project: Project = BUILTIN) -> dict[str, Localizer]:
    return {lang: Localizer(lang, load_translations(lang, project.locales_dir), call,
                            str(po_path(lang, project.locales_dir)))
            for lang in langs}


def chosen_forms(forms: dict[str, FormDef], form_ids: Iterable[str] | None) -> list[FormDef]:
    """The forms --form names (all when none), in the project's order."""
    chosen = list(dict.fromkeys(form_ids or forms))
    unknown = [f for f in chosen if f not in forms]
    if unknown:
        raise UsageError("--form", unknown[0], "no such form", f"use one of: {', '.join(forms)}")
    return [form for form_id, form in forms.items() if form_id in chosen]


def localized_documents(call: CallSettings, langs: Iterable[str], form_ids: Iterable[str] | None = None,
                        project: Project = BUILTIN) -> list[Document]:
    forms = chosen_forms(load_forms(project.forms_dir), form_ids)
    langs = list(langs)
    needed = {part for edition in langs for part in edition.split("+")}
    by_lang = localizers(call, [lang for lang in LANGUAGES if lang in needed], project)
    documents = []
    for edition in langs:
        for form in forms:
            if "+" in edition:
                secondary, primary = edition.split("+")
                documents.append(bilingual(by_lang[primary].document(form), by_lang[secondary].document(form),
                                           form.bilingual))
            else:
                documents.append(by_lang[edition].document(form))
    return documents


def build(call_path: Path, out_dir: Path, langs: Iterable[str] = EDITIONS, form_ids: Iterable[str] | None = None,
          formats: Iterable[str] = FORMATS, letterhead: Path | None = None, letterhead_pdf: Path | None = None,
          site: bool = True, project: Project = BUILTIN) -> list[Output]:
    langs, formats = checked_choices(langs, EDITIONS, "--lang"), checked_choices(formats, FORMATS, "--format")
    call = printable_call(call_path)
    call_dir = out_dir / call.id
    own_letterhead = None
    if letterhead and "docx" in formats:  # checked before anything is written
        from .letterhead import checked_letterhead
        own_letterhead = checked_letterhead(letterhead)
    outputs = []
    forms = load_forms(project.forms_dir)
    for document in localized_documents(call, langs, form_ids, project):
        rendered, pages = {}, None
        for fmt in formats:
            if fmt == "pdf":
                from .pdf_render import render_pdf_counted
                rendered[fmt], pages = render_pdf_counted(document)
            else:
                rendered[fmt] = render_bytes(document, fmt)
        if own_letterhead and "docx" in rendered and forms[document.form_id].letterhead:
            from .letterhead import place_letter
            rendered["docx"] = place_letter(own_letterhead, rendered["docx"])
        if letterhead_pdf and "pdf" in rendered and forms[document.form_id].letterhead:
            from .pdf_letterhead import with_letterhead
            rendered["pdf"] = with_letterhead(rendered["pdf"], letterhead_pdf)
        outputs += write_outputs(call_dir, "", document, rendered, pages)
    write_file(call_dir / MANIFEST, manifest_bytes(call, outputs))
    if site:
        from .site import site_files
        titles = {form.id: form.title for form in forms.values()}
        for file in site_files(localizers(call, project=project), titles, outputs,
                               lambda path: (call_dir / path).read_bytes()):
            write_file(call_dir / file.name, file.data)
    return outputs


def printable_call(path: Path) -> CallSettings:
    """The call as `check` reads it: a value the PDF fonts cannot draw stops a command before it writes."""
    call = load_call(path)
    problems = font_errors(call_texts(call))
    if problems:
        raise problems[0]
    return call


def write_outputs(root: Path, folder: str, document: Document, rendered: dict[str, bytes],
                  pages: int | None = None) -> list[Output]:
    """Write one document's formats under root/folder/<lang>/ and describe them for a manifest
    (`pages`: the PDF's, which its renderer counted; None when no PDF was made)."""
    outputs = []
    for fmt, data in rendered.items():
        relative = "/".join(filter(None, (folder, document.lang, f"{document.form_id}.{fmt}")))
        write_file(root / relative, data)
        outputs.append(Output(document.form_id, document.lang, fmt, relative, len(data),
                              hashlib.sha256(data).hexdigest(), pages))
    return outputs


def checked_choices(chosen: Iterable[str], allowed: tuple[str, ...], option: str) -> list[str]:
    chosen = list(dict.fromkeys(chosen)) or list(allowed)
    for value in chosen:
        if value not in allowed:
            raise UsageError(option, value, "unknown value", f"use one of: {', '.join(allowed)}")
    return chosen


def manifest_bytes(call: CallSettings, outputs: list[Output]) -> bytes:
    return json_bytes({"call": call.id, "files": [asdict(o) for o in outputs]})
