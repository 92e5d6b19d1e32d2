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
    plan, by_lang = editions_of(call, langs, form_ids, project)
    return [localized(by_lang, edition, form) for edition, form in plan]


def editions_of(call: CallSettings, langs: Iterable[str], form_ids: Iterable[str] | None = None,
                project: Project = BUILTIN) -> tuple[list[tuple[str, FormDef]], dict[str, Localizer]]:
    """(edition, form) of every document to make, in order, and the localizers they need."""
    forms = chosen_forms(load_forms(project.forms_dir), form_ids)
    langs = list(langs)
    needed = {part for edition in langs for part in edition.split("+")}
    by_lang = localizers(call, [lang for lang in LANGUAGES if lang in needed], project)
    return [(edition, form) for edition in langs for form in forms], by_lang


def localized(by_lang: Mapping[str, Localizer], edition: str, form: FormDef) -> Document:
    if "+" in edition:
        secondary, primary = edition.split("+")
        return bilingual(by_lang[primary].document(form), by_lang[secondary].document(form), form.bilingual)
    return by_lang[edition].document(form)


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
    plan, by_lang = editions_of(call, langs, form_ids, project)
    renderers = {fmt: renderer(fmt) for fmt in formats}  # imported once, before a fork
    made = in_two_processes(plan, lambda item: made_document(localized(by_lang, *item), renderers, site))
    outputs, zip_entries = [], {}
    for (edition, form), (rendered, pages, packed) in zip(plan, made):
        if own_letterhead and "docx" in rendered and form.letterhead:
            from .letterhead import place_letter
            rendered["docx"], packed["docx"] = place_letter(own_letterhead, rendered["docx"]), None
        if letterhead_pdf and "pdf" in rendered and form.letterhead:
            from .pdf_letterhead import with_letterhead
            rendered["pdf"], packed["pdf"] = with_letterhead(rendered["pdf"], letterhead_pdf), None
        written = write_outputs(call_dir, "", form.id, edition, rendered, pages)
        zip_entries.update((output.path, packed.get(output.format) or rendered[output.format]) for output in written)
        outputs += written
    write_file(call_dir / MANIFEST, manifest_bytes(call, outputs))
    if site:
        from .site import site_files
        titles = {form.id: form.title for form in load_forms(project.forms_dir).values()}
        for file in site_files(localizers(call, project=project), titles, outputs, zip_entries.__getitem__):
            write_file(call_dir / file.name, file.data)
    return outputs


def made_document(document: Document, renderers: dict[str, Callable], for_zip: bool):
    """(bytes by format, the PDF's page count, each format deflated for the bundle when it is made)."""
    rendered, pages = rendered_document(document, renderers)
    if not for_zip:
        return rendered, pages, {}
    from .zips import packed
    return rendered, pages, {fmt: packed(data) for fmt, data in rendered.items()}


def in_two_processes(items: list, work: Callable[[object], object]) -> list:
    """[work(item) for item in items], in order. Where the machine has a second core and can fork,
    a child process works on every other item meanwhile (a build of everything takes about half
    the time); should the child fail, its items are worked on here, where any error is reported
    as usual. `work` must give what pickle can carry (bytes, numbers, dicts of them)."""
    if len(items) < 2 or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return [work(item) for item in items]
    theirs = items[1::2]
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        _work_for_parent(theirs, work, writer)
    os.close(writer)
    try:
        ours = [work(item) for item in items[::2]]
        with os.fdopen(reader, "rb") as pipe:
            answer = pipe.read()
    finally:
        os.waitpid(child, 0)
    done = _unpickled(answer, len(theirs)) or [work(item) for item in theirs]
    return [result for two in zip_longest(ours, done, fillvalue=_NONE) for result in two if result is not _NONE]


_NONE = object()


def _work_for_parent(items: list, work: Callable[[object], object], writer: int) -> None:
    """In the forked child: work, hand the results to the parent through the pipe, and leave at
    once (no cleanup of the parent's state, no exit handlers)."""
    import pickle

    try:
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(pickle.dumps([work(item) for item in items]))
    finally:
        os._exit(0)


def _unpickled(answer: bytes, count: int) -> list | None:
    import pickle

    try:
        done = pickle.loads(answer)  # from our own child, working on our own definitions
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


def write_outputs(root: Path, folder: str, form_id: str, lang: str, rendered: dict[str, bytes],
                  pages: int | None = None) -> list[Output]:
    """Write one document's formats under root/folder/<lang>/ and describe them for a manifest
    (`pages`: the PDF's, which its renderer counted; None when no PDF was made)."""
    outputs = []
    for fmt, data in rendered.items():
        relative = "/".join(filter(None, (folder, lang, f"{form_id}.{fmt}")))
        write_file(root / relative, data)
        outputs.append(Output(form_id, lang, fmt, relative, len(data),
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
