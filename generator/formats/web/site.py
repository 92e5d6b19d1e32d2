"""The download page (a page in each language of the project, linked to each other, no script) and the
zip of every file. The page opens in the project's main language (index.html); the others are
index.<code>.html. It lists the project's editions, never a pseudo-language's files."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ...language.localize import Localizer
from ...language.values import Date, Phrase
from ...model.forms import FormDef
from ...model.languages import Languages
from ...model.messages import N_

TEMPLATES = Path(__file__).parent / "templates"
FRONT_PAGE = "index.html"
STYLE = "style.css"
TEXTS = {
    "title": N_("site.title"), "lead": N_("site.lead"), "deadline_label": N_("site.deadline.label"),
    "deadline": N_("site.deadline"), "results": N_("site.results"), "documents": N_("site.documents.heading"),
    "steps": N_("site.steps.heading"), "fill": N_("site.fill.heading"), "contacts_heading": N_("site.contacts.heading"),
    "address": N_("site.address"), "contact": N_("site.contact"), "checksums": N_("site.checksums.heading"),
    "checksums_note": N_("site.checksums.note"), "footer": N_("site.footer"),
    "document_column": N_("site.column.document"),
}
LISTS = {"fill_list": (N_("site.fill.docx"), N_("site.fill.pdf"), N_("site.fill.paper"))}
# The steps to apply: one per fillable form on the page, its own `step:` message or FILL_STEP, then SEND_STEP.
FILL_STEP, SEND_STEP = N_("site.step.fill"), N_("site.step.send")
FILE, DETAILS, SIZE, ZIP = N_("site.file"), N_("site.file.details"), N_("site.file.size"), N_("site.zip")
SITE_MESSAGES = (*TEXTS.values(), *(m for ids in LISTS.values() for m in ids), FILL_STEP, SEND_STEP, FILE, DETAILS,
                 SIZE, ZIP)
# How each language names each edition, and each language itself (on the link to its page), is the
# language registry's (forms/project.yaml): a language added is one entry there, no message more.


def page_name(languages: Languages, lang: str) -> str:
    return FRONT_PAGE if lang == languages.main else f"index.{lang}.html"


def page_languages(languages: Languages) -> list[str]:
    """The languages of the pages, the main one first."""
    return [languages.main, *(code for code in languages.codes if code != languages.main)]


def page_names(languages: Languages) -> list[str]:
    return [page_name(languages, lang) for lang in page_languages(languages)]


@dataclass(frozen=True)
class SiteFile:
    name: str  # the page and the zip's own files
    data: bytes


def kilobytes(size: int) -> int:
    return max(1, round(size / 1024))


def zip_name(call_id: str) -> str:
    return f"{call_id}-forms.zip"


def zip_entry_name(call_id: str, output) -> str:
    """Flat and telling apart after unzipping: 2025-ky-interest_letter.pdf."""
    return f"{call_id}-{output.lang}-{output.form}.{output.format}"


def forms_zip(call_id: str, outputs, read) -> bytes:
    """Every file of the manifest, byte for byte, with fixed dates so the zip is deterministic;
    `read(path)` gives a file's bytes, or its zip entry already deflated."""
    from ..zips import write_zip  # `check` reads this module's message ids only

    return write_zip((zip_entry_name(call_id, output), read(output.path)) for output in outputs)


@lru_cache(maxsize=None)
def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


# html.escape's table (quotes too, so a value is safe inside an attribute), without importing html,
# whose entity tables take a few milliseconds to load
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _text(value: object) -> str:
    """A value as HTML text: every value on the page passes here, or is a fragment made of such."""
    return str(value).translate(_ESCAPES)


def _items(tag: str, texts) -> str:
    return "".join(f"<{tag}>{_text(text)}</{tag}>" for text in texts)


def _file_link(button: dict) -> str:
    """A button that names its document, edition and format to a screen reader, which reads a link
    alone; the edition is shown too where the table's headings have scrolled away (a phone)."""
    return (f'<a class="file" href="{_text(button["href"])}" download aria-label="{_text(button["label"])}">'
            f'<span class="format">{_text(button["format"])}</span> <span class="edition">{_text(button["edition"])}'
            f'</span> <span class="meta">{_text(button["details"])}</span></a>')


def _document_row(document: dict) -> str:
    cells = "".join(f"<td>{''.join(map(_file_link, cell))}</td>" for cell in document["cells"])
    return f'      <tr><th scope="row">{_text(document["name"])}</th>{cells}</tr>'


def _button(localizer: Localizer, output, document: str, languages: Languages) -> dict:
    details = (localizer.text(DETAILS, pages=output.pages, size=kilobytes(output.bytes)) if output.pages
               else localizer.text(SIZE, size=kilobytes(output.bytes)))
    edition = languages.edition(output.lang).name_in(localizer.lang)
    return {"href": output.path, "format": output.format.upper(), "details": details, "edition": edition,
            "label": localizer.text(FILE, document=document, edition=edition, format=output.format.upper(),
                                    details=details)}


AFTER_NUMBER = re.compile(r"(?<=\d) ")


def unbroken(text: str) -> str:
    """A date or hour as the page writes it: a number and its word, or two words a hyphen joins, are
    never parted across lines («28-» over «февралы», «28» over «февраля»); a line may still break
    between the day and the year."""
    return AFTER_NUMBER.sub("\u00a0", text).replace("-", "\u2011")  # no-break space, non-breaking hyphen


class _Unbroken(NamedTuple):
    """A call value in the page's messages, `unbroken`."""

    value: object

    def __format__(self, spec: str) -> str:
        return unbroken(format(self.value, spec))


def _unbroken(localizer: Localizer) -> dict[str, _Unbroken]:
    """The call's dates, hours and years, for the page's messages."""
    return {name: _Unbroken(value) for name, value in localizer.values.items()
            if isinstance(value, Date) or isinstance(value, Phrase) and value.kind == "number"}


def _steps(localizer: Localizer, forms: list[FormDef], values: dict[str, _Unbroken]) -> list[str]:
    """How to apply: fill in each fillable form on the page (its own `step:` message, or «Fill in
    <its title>»), then send them."""
    steps = [localizer.text(form.step, **values) if form.step
             else localizer.text(FILL_STEP, document=localizer.text(form.title), **values)
             for form in forms if form.fillable]
    return steps + [localizer.text(SEND_STEP, **values)]


def _editions(outputs, languages: Languages) -> list[str]:
    """The editions the outputs are in, as the page shows them: the main language's first, then each
    other language's, then the pairs."""
    order = [languages.main, *(edition for edition in languages.edition_ids if edition != languages.main)]
    return sorted({o.lang for o in outputs}, key=order.index)


def _heading(text: str) -> str:
    return text[:1].upper() + text[1:]


def _documents(localizer: Localizer, forms: dict[str, FormDef], outputs, languages: Languages) -> list[dict]:
    """One row per form (in build order) named by its title, one cell per edition, a button per
    format in each cell."""
    rows = []
    for form_id in _form_ids(outputs):
        name = localizer.text(forms[form_id].title)
        files = sorted((o for o in outputs if o.form == form_id), key=lambda o: o.format)
        rows.append({"name": name, "cells": [[_button(localizer, o, name, languages) for o in files if o.lang == lang]
                                             for lang in _editions(outputs, languages)]})
    return rows


def _form_ids(outputs) -> list[str]:
    return list(dict.fromkeys(o.form for o in outputs))


def _switches(languages: Languages, lang: str) -> str:
    """A link to the page of every other language, named in that language."""
    return " ".join(f'<a class="switch" href="{_text(page_name(languages, other))}" hreflang="{_text(other)}" '
                    f'lang="{_text(other)}">{_text(languages[other].name)}</a>'
                    for other in page_languages(languages) if other != lang)


def page(localizer: Localizer, forms: dict[str, FormDef], outputs, zip_size: int, languages: Languages) -> str:
    """The download page in the localizer's language: templates/page.html, whose $names are filled
    with escaped text or with fragments built here from escaped text (no template engine)."""
    from string import Template

    lang = localizer.lang
    values = _unbroken(localizer)
    editions = [_heading(languages.edition(edition).name_in(lang)) for edition in _editions(outputs, languages)]
    texts = {key: localizer.text(message_id, **values) for key, message_id in TEXTS.items()}
    texts.update(lang=lang, edition_count=len(editions), zip_href=zip_name(localizer.call.id),
                 zip_text=localizer.text(ZIP, size=kilobytes(zip_size)))
    lists = {key: _items("li", (localizer.text(m, **values) for m in ids)) for key, ids in LISTS.items()}
    fragments = {
        **lists,
        "step_list": _items("li", _steps(localizer, [forms[form_id] for form_id in _form_ids(outputs)], values)),
        "switches": _switches(languages, lang),
        "edition_headers": "".join(f'<th scope="col">{_text(edition)}</th>' for edition in editions),
        "document_rows": "\n".join(map(_document_row, _documents(localizer, forms, outputs, languages))),
        "checksum_list": "\n".join(f"        <dt>{_text(o.path)}</dt><dd><code>{_text(o.sha256)}</code></dd>"
                                   for o in outputs),
    }
    return Template(_template("page.html")).substitute({key: _text(value) for key, value in texts.items()},
                                                       **fragments)


def site_files(localizers: dict[str, Localizer], forms: dict[str, FormDef], outputs, read,
               languages: Languages) -> list[SiteFile]:
    """The pages, their style and the zip of the outputs in the project's editions; `forms`: form id
    → its definition."""
    call_id = next(iter(localizers.values())).call.id
    outputs = [output for output in outputs if output.lang in languages.edition_ids]
    archive = forms_zip(call_id, outputs, read)
    files = [SiteFile(zip_name(call_id), archive),
             SiteFile(STYLE, _template(STYLE).encode("utf-8"))]
    for lang in page_languages(languages):
        files.append(SiteFile(page_name(languages, lang),
                              page(localizers[lang], forms, outputs, len(archive), languages).encode("utf-8")))
    return files
