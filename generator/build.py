"""load → validate → localize → render → write, for every chosen form, language and format."""
from __future__ import annotations

import hashlib
import io
import os
from dataclasses import asdict, dataclass
from itertools import zip_longest
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


def renderer(fmt: str) -> Callable[..., tuple[bytes, int | None]]:
    """The renderer of a format, imported only when asked for (each owns one heavy dependency): it
    gives a document's bytes, `values` prefilled, and its page count where it knows it (a PDF)."""
    if fmt == "docx":
        from .docx_render import render_docx

        def docx(document: Document, values: Mapping[str, str] | None = None) -> tuple[bytes, None]:
            buffer = io.BytesIO()
            render_docx(document, buffer, values)
            return buffer.getvalue(), None
        return docx
    from .pdf_render import render_pdf_counted
    return render_pdf_counted


def render_bytes(document: Document, fmt: str, values: Mapping[str, str] | None = None) -> bytes:
    return renderer(fmt)(document, values)[0]


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
    documents = localized_documents(call, langs, form_ids, project)
    for document, (rendered, pages) in zip(documents, rendered_documents(documents, formats)):
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


def rendered_documents(documents: list[Document], formats: list[str]) -> list[tuple[dict[str, bytes], int | None]]:
    """Each document in each format, with its PDF's page count. Where the machine has a second core
    and can fork, a child process renders every other document meanwhile (a build of everything
    takes half the time); should the child fail, its documents are rendered here, where any error
    is reported as usual."""
    renderers = {fmt: renderer(fmt) for fmt in formats}  # imported once, before a fork
    if len(documents) < 2 or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return [rendered_document(document, renderers) for document in documents]
    theirs = documents[1::2]
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        _render_for_parent(theirs, renderers, writer)
    os.close(writer)
    try:
        ours = [rendered_document(document, renderers) for document in documents[::2]]
        with os.fdopen(reader, "rb") as pipe:
            answer = pipe.read()
    finally:
        os.waitpid(child, 0)
    done = _unpickled(answer, len(theirs)) or [rendered_document(document, renderers) for document in theirs]
    return [pair for two in zip_longest(ours, done) for pair in two if pair is not None]


def _render_for_parent(documents: list[Document], renderers: dict[str, Callable], writer: int) -> None:
    """In the forked child: render, hand the results to the parent through the pipe, and leave at
    once (no cleanup of the parent's state, no exit handlers)."""
    import pickle

    try:
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(pickle.dumps([rendered_document(document, renderers) for document in documents]))
    finally:
        os._exit(0)


def _unpickled(answer: bytes, count: int) -> list | None:
    import pickle

    try:
        done = pickle.loads(answer)  # from our own child, which rendered trusted definitions
    except Exception:
        return None
    return done if isinstance(done, list) and len(done) == count else None


def rendered_document(document: Document, renderers: dict[str, Callable]) -> tuple[dict[str, bytes], int | None]:
    rendered, pages = {}, None
    for fmt, render in renderers.items():
        rendered[fmt], counted = render(document)
        pages = pages if counted is None else counted
    return rendered, pages


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
