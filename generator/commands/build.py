"""load → validate → localize → render → write, for every chosen form, language and format."""
from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping

from .. import __version__
from ..disk.files import check_regular_file, write_file
from ..disk.folders import replace_files, staged_files
from ..disk.manifest import MANIFEST, Entry, Previous, file_on_disk, manifest_bytes, read_manifest
from ..errors import FormgenError, say
from ..formats.registry import FORMATS, format_names, function, letterhead_options, page_counts
from ..formats.web.site import STYLE, page_names, site_files, zip_name
from ..language.localize import Localizer
from ..model.forms import Document, FormDef
from ..pipeline import (checked_choices, checked_editions, editions_of, localized, localizers, printable_call,
                        write_outputs)
from ..sources.call import CallSettings
from ..sources.definitions import load_forms
from ..sources.project import BUILTIN, Project, find_project
from ..workers import in_order, usable_jobs

MAX_LETTERHEAD_BYTES = 20_000_000  # the largest a format's letterhead may be


def source_of(document: Document) -> str:
    """What a file is made from, as one sha256: the localized document, which is all its renderer
    sees (so the form's definition, the catalog messages and call settings it shows, the shared
    choices it lists), and formgen's version (the renderer itself). Equal sources, equal bytes."""
    return hashlib.sha256(f"formgen {__version__}\n{document!r}".encode("utf-8")).hexdigest()


@dataclass
class Built:
    """What a build did. `problems`: the folder holds files its page does not list (made from other
    sources, changed, not listed) or the manifest listed files that are gone; `rebuild`: (form,
    edition, format) of each file that a build would make right, in order; `notes`: the rest worth
    saying (a manifest that could not be read, a changed file replaced)."""

    call_dir: Path
    written: list[Entry] = field(default_factory=list)
    listed: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rebuild: list[tuple[str, str, str]] = field(default_factory=list)
    rebuild_options: list[str] = field(default_factory=list)  # --form, --lang, --format that make them


def build(call_path: Path, out_dir: Path, langs: Iterable[str] = (), form_ids: Iterable[str] | None = None,
          formats: Iterable[str] = (), letterheads: Mapping[str, Path | None] | None = None, site: bool = True,
          project: Project = BUILTIN, on_wait: Callable[[], None] = lambda: None) -> Built:
    """Make the chosen documents (in every edition of the project when `langs` is empty, which may
    also name pseudo-languages; in every format when `formats` is) and put them into out_dir/<call
    id>, beside the files of earlier builds that were made from the same sources; the manifest, the
    page and the zip list them all. `letterheads`: {format: the letterhead file the letter of that
    format goes on}. All of it is written beside the folder first and moved in at the end, under the
    folder's lock (`on_wait` is called when another build holds it, and this one waits)."""
    langs = checked_editions(langs, project.languages, pseudo=True)
    formats = checked_choices(formats, format_names(), "--format")
    call = printable_call(call_path, project)
    letterheads = {fmt: path for fmt, path in (letterheads or {}).items() if path}
    checked = {fmt: function(FORMATS[fmt].letterhead.check)(path)  # before anything is written
               for fmt, path in letterheads.items() if fmt in formats}
    forms = load_forms(project.forms_dir)
    plan, by_lang = editions_of(call, langs, form_ids, project, forms)
    sources = Sources(call, forms, by_lang, project,
                      {fmt: _digest(path, checked.get(fmt)) for fmt, path in letterheads.items()})
    call_dir = out_dir / call.id
    earlier = sources.earlier_documents(call_dir, plan)
    renderers = {fmt: function(FORMATS[fmt].render) for fmt in formats}  # imported once, before a fork
    on_letterhead = {**renderers, **{fmt: _on_letterhead(renderers[fmt], letterhead, FORMATS[fmt].letterhead.place)
                                     for fmt, letterhead in checked.items()}}
    # what the earlier files would be made from now is worked out beside the first document's render
    jobs = [*plan[:1], *([earlier] if earlier else []), *plan[1:]]

    def make(number: int):  # a job's number crosses to the worker, not its form
        job = jobs[number]
        if job is earlier:
            return sources.computed(job)
        return made_document(localized(by_lang, *job), on_letterhead if job[1].letterhead else renderers, site)

    made = [result for _, result in in_order(make, range(len(jobs)), usable_jobs(None), here=True, ahead=len(jobs))]
    if earlier:
        sources.made.update(made.pop(1))
    documents = [Made(edition, form, *made_one) for (edition, form), made_one in zip(plan, made)]
    for document in documents:
        sources.made[document.form.id, document.edition] = document.source
    with staged_files(call_dir, on_wait) as staging:
        return _put_in_place(Built(call_dir), staging, documents, sources, site)


@dataclass
class Made:
    """One document as rendered: bytes by format, page counts by format, each format deflated for the
    bundle (when a page is made), what it was made from."""

    edition: str
    form: FormDef
    rendered: dict[str, bytes]
    pages: dict[str, int | None]
    packed: dict
    source: str


class Sources:
    """What each file of the call would be made from now: (source, letterhead), or why it cannot be."""

    def __init__(self, call: CallSettings, forms: dict[str, FormDef], by_lang: dict[str, Localizer],
                 project: Project, letterheads: dict[str, str | None]) -> None:
        self.call, self.forms, self.by_lang, self.project = call, forms, dict(by_lang), project
        self.letterheads = letterheads
        self.made: dict[tuple[str, str], str | FormgenError] = {}
        self.documents: dict[tuple[str, str], Document] = {}
        self.editions = project.languages.every_edition_id  # what a build may have written, in order

    def earlier_documents(self, call_dir: Path, plan: list[tuple[str, FormDef]]) -> list[tuple[str, str]]:
        """(form id, edition) of the files an earlier build left that this one does not make, as its
        manifest says before the folder is locked (whatever it says then is checked again after)."""
        previous = read_manifest(call_dir, self.call.id, self.editions, format_names())
        planned = {(form.id, edition) for edition, form in plan}
        return sorted({(e.form, e.lang) for e in (*previous.listed, *previous.left_off) if e.form in self.forms} - planned)

    def computed(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str | FormgenError]:
        return {(form_id, edition): self._source(self.forms[form_id], edition) for form_id, edition in keys}

    def of(self, form_id: str, edition: str, fmt: str) -> tuple[str, str | None] | str:
        form = self.forms.get(form_id)
        if form is None:
            return f"the project has no form '{form_id}' any more"
        if (form_id, edition) not in self.made:
            self.made[form_id, edition] = self._source(form, edition)
        source = self.made[form_id, edition]
        if isinstance(source, FormgenError):
            return f"it cannot be made from the current sources ({source.line()})"
        return source, self.letterheads.get(fmt) if form.letterhead else None

    def _source(self, form: FormDef, edition: str) -> str | FormgenError:
        try:
            return source_of(localized(self.by_lang, edition, form, lambda lang: self._in_language(form, lang)))
        except FormgenError as exc:
            return exc

    def _in_language(self, form: FormDef, lang: str) -> Document:
        """Each form in each language is localized once, however many editions hold it."""
        if (form.id, lang) not in self.documents:
            if lang not in self.by_lang:
                self.by_lang.update(localizers(self.call, [lang], self.project))
            self.documents[form.id, lang] = self.by_lang[lang].document(form)
        return self.documents[form.id, lang]

    def order(self, form_id: str, edition: str, fmt: str) -> tuple:
        """Editions, then forms in the project's order (those it no longer has after), then formats."""
        forms = list(self.forms)
        place = forms.index(form_id) if form_id in forms else len(forms)
        return self.editions.index(edition), place, form_id, format_names().index(fmt)

    def order_of(self, entry: Entry) -> tuple:
        return self.order(entry.form, entry.lang, entry.format)


def _digest(path: Path | None, data: bytes | None = None) -> str | None:
    """The sha256 of a letterhead, read within the largest size a letterhead may have."""
    if path is None:
        return None
    if data is None:
        check_regular_file(path, MAX_LETTERHEAD_BYTES, "a letterhead is one page; export it again")
        with path.open("rb") as stream:
            data = stream.read(MAX_LETTERHEAD_BYTES + 1)
    return hashlib.sha256(data).hexdigest()


def _on_letterhead(render: Callable, letterhead: bytes, place: str | Callable) -> Callable:
    """A format's renderer whose letter goes onto the letterhead (its `Letterhead.place`)."""
    def rendered(document: Document) -> tuple[bytes, int | None]:
        data, pages = render(document)
        return function(place)(letterhead, data, document), pages
    return rendered


def made_document(document: Document, renderers: dict[str, Callable], for_zip: bool):
    """(bytes by format, page counts by format, each format deflated for the bundle when it is made,
    the document's source)."""
    rendered, pages = rendered_document(document, renderers)
    if not for_zip:
        return rendered, pages, {}, source_of(document)
    from ..formats.zips import packed
    return rendered, pages, {fmt: packed(data) for fmt, data in rendered.items()}, source_of(document)


def _put_in_place(built: Built, staging: Path, documents: list[Made], sources: Sources, site: bool) -> Built:
    """Under the folder's lock: the new files, the earlier ones that are still good, the manifest,
    page and zip of them all, written into `staging` and moved into the call's folder."""
    call_dir, call = built.call_dir, sources.call
    zip_data: dict[str, object] = {}
    for document in documents:
        for output in write_outputs(staging, "", document.form.id, document.edition, document.rendered, document.pages):
            made_with = sources.of(output.form, output.lang, output.format)
            built.written.append(Entry(**asdict(output), source=made_with[0], letterhead=made_with[1]))
            zip_data[output.path] = document.packed.get(output.format) or document.rendered[output.format]
    previous = read_manifest(call_dir, call.id, sources.editions, format_names())
    built.notes += previous.notes + _replaced(call_dir, built.written, previous)
    kept, left_off = _earlier_files(built, previous, sources, zip_data)
    listed = _with_twin_pages(sorted(built.written + kept, key=sources.order_of))
    _unlisted(built, {e.path for e in (*built.written, *previous.listed, *previous.left_off)}, sources)
    built.listed, built.rebuild = listed, sorted(set(built.rebuild), key=lambda item: sources.order(*item))
    built.rebuild_options = _choice_options(built.rebuild, sources)
    names = [e.path for e in built.written]
    languages = sources.project.languages
    site_names = [zip_name(call.id), *page_names(languages), STYLE]
    if site:
        for file in site_files(localizers(call, project=sources.project), sources.forms, listed,
                               zip_data.__getitem__, languages):
            write_file(staging / file.name, file.data)
        names += site_names
    removed = [name for name in site_names if not site and os.path.lexists(call_dir / name)]
    if removed:
        built.notes.append(f"{call_dir}: the download page and the zip of an earlier build are removed: they would "
                           "not list these files (build without --no-site to make them again)")
    write_file(staging / MANIFEST, manifest_bytes(call.id, listed, sorted(left_off, key=sources.order_of)))
    replace_files(staging, call_dir, [*names, MANIFEST], removed)
    return built


def _replaced(call_dir: Path, written: list[Entry], previous: Previous) -> list[str]:
    """A note for each file about to be replaced that is not what an earlier build wrote there."""
    earlier = {e.path: e for e in (*previous.listed, *previous.left_off)}
    notes = []
    for entry in written:
        if os.path.lexists(call_dir / entry.path):
            was = earlier.get(entry.path)
            change = file_on_disk(call_dir, was)[1] if was else "listed in no manifest"
            if change:
                notes.append(f"{call_dir / entry.path}: {change}; replaced")
    return notes


def _earlier_files(built: Built, previous: Previous, sources: Sources,
                   zip_data: dict[str, object]) -> tuple[list[Entry], list[Entry]]:
    """(the earlier files that stay listed, those left off the page): every file of the earlier
    manifest that this build does not replace, checked on disk and against the current sources. A
    file left off stays in the manifest as long as it is in the folder, and is looked at again."""
    written = {e.path for e in built.written}
    kept, left_off = [], []
    for entry, was_listed in [*((e, True) for e in previous.listed), *((e, False) for e in previous.left_off)]:
        if entry.path in written:
            continue
        data, why = file_on_disk(built.call_dir, entry)
        now = sources.of(entry.form, entry.lang, entry.format)
        why = why or _stale_because(entry, now)
        if not why:
            kept.append(entry)
            zip_data[entry.path] = data
            continue
        if why == "missing" and not was_listed:  # a file left off, then deleted: as it should be
            continue
        if why != "missing":
            left_off.append(entry)
        built.problems.append(f"{built.call_dir / entry.path}: {why}; left off the page")
        if not isinstance(now, str):
            built.rebuild.append((entry.form, entry.lang, entry.format))
    return kept, left_off


def _stale_because(entry: Entry, now: tuple[str, str | None] | str) -> str:
    """Why a file is not what this build would make of it now, or '' when it is."""
    if isinstance(now, str):
        return now
    source, letterhead = now
    if entry.source is None:
        return "made by a formgen that did not record what it was made from"
    if entry.source != source:
        return "made from other sources than now (its form, texts, call settings or formgen have changed)"
    if entry.letterhead != letterhead and not letterhead:
        return f"made with a letterhead (give it again with {' or '.join(letterhead_options().values())} to keep it)"
    if entry.letterhead != letterhead:
        return "made with another letterhead than this build's" if entry.letterhead else "made without a letterhead"
    return ""


def _with_twin_pages(entries: list[Entry]) -> list[Entry]:
    """A format whose renderer counts no pages (a DOCX) shows those of its twin (`pages_of`: the PDF)
    made from the same source, built with it or before."""
    pages = {(e.form, e.lang, e.source, e.format): e.pages for e in entries}
    return [replace(e, pages=pages.get((e.form, e.lang, e.source, FORMATS[e.format].pages_of)))
            if e.pages is None and FORMATS[e.format].pages_of else e for e in entries]


def _choice_options(items: list[tuple[str, str, str]], sources: Sources) -> list[str]:
    """--form, --lang and --format that choose at least `items` (form, edition, format), an option
    left out where every value is chosen."""
    options = []
    choices = (("--form", 0, tuple(sources.forms), tuple(sources.forms)),
               ("--lang", 1, sources.project.languages.edition_ids, sources.editions),
               ("--format", 2, format_names(), format_names()))
    for flag, position, every, order in choices:
        chosen = {item[position] for item in items}
        if chosen != set(every):  # (a pseudo-language is in no --lang left out)
            options += [word for value in sorted(chosen, key=order.index) for word in (flag, value)]
    return options


def _unlisted(built: Built, known: set[str], sources: Sources) -> None:
    """Files in the editions' folders that no manifest entry describes: reported, left as they are."""
    for edition in sources.editions:
        folder = built.call_dir / edition
        if folder.is_symlink():
            built.problems.append(f"{folder}: a link where formgen keeps a folder; nothing in it is on the page")
        if folder.is_symlink() or not folder.is_dir():
            continue
        for name in sorted(os.listdir(folder)):
            path = f"{edition}/{name}"
            if path in known:
                continue
            form_id, _, fmt = name.rpartition(".")
            if form_id in sources.forms and fmt in FORMATS:
                built.rebuild.append((form_id, edition, fmt))
            built.problems.append(f"{folder / name}: not listed in {MANIFEST}; left off the page")


def rendered_document(document: Document, renderers: dict[str, Callable]) -> tuple[dict, dict]:
    """(bytes by format, page counts by format) of one document."""
    rendered, counted = {}, {}
    for fmt, render in renderers.items():
        rendered[fmt], counted[fmt] = render(document)
    return rendered, page_counts(counted)


# ---- the command line's side ----------------------------------------------------------------------

def run(options) -> int:
    """`formgen build` as the command line gives it: the files built, then what the folder holds that
    its page does not list, and the command that would make it right."""
    chosen = find_project(options.project)
    call_path, out = chosen.call(options.call), chosen.output(options.out)
    letterheads = {fmt: getattr(options, _dest(option)) for fmt, option in letterhead_options().items()}
    built = build(call_path, out, options.lang or [], options.form, options.fmt or [], letterheads=letterheads,
                  site=not options.no_site, project=chosen,
                  on_wait=lambda: say(f"waiting for another build into {out} to finish", err=True))
    for line in built.notes:
        say(f"note: {line}", err=True)
    for line in built.problems:
        say(line, err=True)
    if built.rebuild:
        say(f"to make them right: {rebuild_command(options, built.rebuild_options)}", err=True)
    site_note = "" if options.no_site else ", the download page and the zip"
    editions = chosen.languages.edition_ids
    shown = [e for e in built.listed if e.lang in editions]  # a pseudo-language's are on no page nor zip
    pseudo = [e for e in built.listed if e.lang not in editions]
    kept = len(shown) - len([e for e in built.written if e.lang in editions])
    pseudo_note = (f"; {MANIFEST} also lists the {len(pseudo)} files of {', '.join(dict.fromkeys(e.lang for e in pseudo))}, "
                   "for looking at only") if pseudo else ""
    say(f"wrote {len(built.written)} files of {chosen} into {built.call_dir}; {MANIFEST}{site_note} list "
        f"{len(shown)} ({kept} from earlier builds){pseudo_note}, {len(built.problems)} problem(s)")
    return 1 if built.problems else 0


def rebuild_command(options, choices: list[str]) -> str:
    """This build's command line with other --form, --lang and --format `choices`."""
    import shlex

    given = [("--project", options.project), ("--call", options.call), ("--out", options.out),
             *((option, getattr(options, _dest(option))) for option in letterhead_options().values())]
    words = ["formgen", "build", *(word for flag, value in given if value is not None for word in (flag, str(value)))]
    return shlex.join([*words, *(["--no-site"] if options.no_site else []), *choices])


def _dest(option: str) -> str:
    """Where argparse keeps an option's value: --letterhead-pdf → letterhead_pdf."""
    return option.lstrip("-").replace("-", "_")
