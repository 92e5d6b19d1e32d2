"""The file formats, one entry each: what writes a form in it, fills a blank of it, reads a returned
one back, tells its files apart from others, and counts its pages. `build`, `fill`, `collect` and the
command line's `--format` take the formats from here and from nowhere else.

An entry names its functions as "module:function" under generator/formats/ (or gives the function
itself), imported when first called: this table loads no format, so `formgen build --help` lists the
formats without loading any, and a DOCX build never loads the PDF's libraries.

A format is its package under formats/ and its entries here (docs/architecture.md, "where to add").
"""
from collections.abc import Callable
from typing import NamedTuple  # a table every command loads: dataclasses cost ten times as much

ZIP = b"PK\x03\x04"


class Letterhead(NamedTuple):
    """A municipality's own letterhead that the letter (a form with `letterhead: true`) is put on."""

    option: str  # `build`'s option that gives the file
    check: str | Callable  # path → the letterhead's bytes, read within bounds and checked before anything is written
    place: str | Callable  # (those bytes, the letter's bytes, its Document) → the letter on the letterhead


class Format(NamedTuple):
    """A format formgen writes (`build --format`); `fill` makes it from a blank when it has `blank`
    and `fill`, and `collect` reads a returned file of it when it has `read`."""

    name: str  # the --format value, the suffix of its files, the manifest's "format"
    render: str | Callable  # (Document, {field id: value} or None) → (bytes, the page count or None)
    blank: str | Callable = ""  # Document → the blank every row's copy is made from, once per process
    fill: str | Callable = ""  # (blank, the row's Document, {field id: value}) → (bytes, the page count or None)
    refuses: str | Callable = ""  # a value → why this format cannot show it (a letter its font lacks), or None
    read: str | Callable = ""  # (path, bytes, the Documents it may be) → ({field id: value}, problems)
    holds_every_field: bool = False  # a returned file has all its form's fields, filled or not
    signatures: str | Callable = ""  # path → {field id: state}, for the fields of the kind "signature"
    pages_of: str = ""  # a format whose renderer counts no pages shows those of its twin in this format
    letterhead: Letterhead | None = None


class FileKind(NamedTuple):
    """What a file given to `collect` is, told by its first bytes and, for a zip, by the types its
    package declares (an OpenDocument's `mimetype` part, the content types an Office Open XML
    package lists for its parts): an ODT starts as a DOCX does."""

    name: str  # as problems say it: pdf, png
    magic: tuple[bytes, ...]
    package: tuple[str, ...] = ()  # a zip: one of these types declared
    format: str = ""  # the Format whose `read` reads its fields
    scan: str = ""  # its pages are read as a scan (scan/), drawn as a "pdf" (PDFium) or an "image" (Pillow);
    #                 a file of a `format` is read as a scan when it holds no field of the forms
    refused: tuple[str, str] = ()  # told apart only to be refused: (what it is, what to do instead)
    converts: str | Callable = ""  # (path, bytes, kind name) → the file in `format`, which then reads it
    printed: str | Callable = ""  # (path, bytes, Documents) → a form printed to this kind, read by its
    #                                text, or None when it is none: tried before a scan


FORMATS: dict[str, Format] = {format.name: format for format in (
    Format("docx", "docx.write:rendered", blank="docx.write:blank", fill="docx.write:filled",
           read="docx.read:returned_values", pages_of="pdf",
           letterhead=Letterhead("--letterhead", "docx.letterhead:checked_letterhead", "docx.letterhead:place_letter")),
    Format("pdf", "pdf.layout:render_pdf_counted", blank="pdf.layout:render_blank", fill="pdf.layout:filled",
           refuses="pdf.fonts:undrawable", read="pdf.returned:returned_values", holds_every_field=True,
           signatures="pdf.signatures:signature_states",
           letterhead=Letterhead("--letterhead-pdf", "pdf.letterhead:checked_letterhead", "pdf.letterhead:place_letter")),
)}

FILE_KINDS: list[FileKind] = [
    FileKind("pdf", (b"%PDF",), format="pdf", scan="pdf", printed="docx.printed:printed_values"),
    FileKind("docx", (ZIP,), format="docx", package=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml")),
    FileKind("odt", (ZIP,), package=("application/vnd.oasis.opendocument.text",), format="docx",
             converts="soffice:to_docx"),
    FileKind("doc", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",), format="docx", converts="soffice:to_docx"),
    FileKind("png", (b"\x89PNG",), scan="image"),
    FileKind("jpeg", (b"\xff\xd8\xff",), scan="image"),
    FileKind("tiff", (b"II*\x00", b"MM\x00*"), scan="image"),
]


def format_names(role: str = "") -> tuple[str, ...]:
    """The formats, in the order their files are listed; with `role` ("fill", "read"), those that have it."""
    return tuple(name for name, entry in FORMATS.items() if not role or getattr(entry, role))


def function(named: str | Callable) -> Callable:
    """The function an entry names, its module imported now if it has not been."""
    if callable(named):
        return named
    from importlib import import_module

    module, _, name = named.partition(":")
    return getattr(import_module(f"{__package__}.{module}"), name)


def page_counts(counted: dict[str, int | None]) -> dict[str, int | None]:
    """{format: pages} of one document's files: each format's own count, or else its twin's."""
    return {name: pages if pages is not None else counted.get(FORMATS[name].pages_of)
            for name, pages in counted.items()}


def letterhead_options() -> dict[str, str]:
    """{format: the option that gives its letterhead}, in the formats' order."""
    return {name: entry.letterhead.option for name, entry in FORMATS.items() if entry.letterhead}


# ---- returned files ------------------------------------------------------------------------------

def file_kind(data: bytes, name: str) -> FileKind | None:
    """The kind of a file from its bytes, or None when it is none formgen knows. A zip is opened within
    bounds to read what its package declares itself (a damaged zip raises the FormgenError that says so)."""
    candidates = [kind for kind in FILE_KINDS if data.startswith(kind.magic)]
    if any(kind.package for kind in candidates):
        from .zips import package_types

        declared = package_types(data, name)
        candidates = [kind for kind in candidates if not kind.package or declared & set(kind.package)]
    return candidates[0] if candidates else None


def known_kinds() -> tuple[str, str]:
    """(what `collect` reads forms in, what it reads scans in): "PDF or DOCX", "PNG, JPEG, TIFF"."""
    forms = [kind.name.upper() for kind in FILE_KINDS if kind.format and not kind.converts]
    scans = [kind.name.upper() for kind in FILE_KINDS if kind.scan and not kind.format]
    return " or ".join(forms), ", ".join(scans)
