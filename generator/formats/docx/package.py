"""A Word document from outside (a letterhead, a document to import) opened within bounds before
python-docx sees it: its size, its size unpacked and its number of parts from the zip directory, and
every XML part parsed with entities, DTDs and the network off. A part that does not parse, or that
declares a DOCTYPE (which Word never writes), refuses the file."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterator

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from ...disk.files import check_regular_file
from ...errors import FormgenError
from ..zips import READ_ERRORS, open_package, read_part

RESAVE = "save it again in Word or LibreOffice"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def read_bounded(path: Path, max_bytes: int, fix: str) -> bytes:
    """The file's bytes: a regular file of at most `max_bytes`, however it grows while it is read."""
    check_regular_file(path, max_bytes, fix)
    try:
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise FormgenError(path, "", f"cannot read: {exc.strerror or exc}", "check the path") from None
    if len(data) > max_bytes:
        raise FormgenError(path, "", f"larger than {max_bytes // 1_000_000} MB", fix)
    return data


def bounded_package(path: Path, data: bytes, max_unpacked: int, max_entries: int) -> zipfile.ZipFile:
    """The zip, refused (as a zip bomb) when its directory says it unpacks past the bounds."""
    return open_package(data, str(path), max_unpacked, max_entries)


def xml_parts(path: Path, package: zipfile.ZipFile, max_unpacked: int,
              resave: str = RESAVE) -> Iterator[tuple[str, object]]:
    """(name, parsed root) of every part that is XML by its name or its content type, whatever it is
    called; a FormgenError for a part that does not parse or has a DOCTYPE."""
    xml_types = _xml_content_types(path, package, max_unpacked, resave)
    for info in package.infolist():
        name = info.filename
        if name.endswith((".xml", ".rels")) or _content_type(name, xml_types):
            yield name, parse_part(path, name, read_part(package, name, max_unpacked, str(path)), resave)


def open_document(path: Path, data: bytes, not_a_docx: tuple[str, str]):
    """python-docx's Document of bytes whose package is bounded (`bounded_package`)."""
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, etree.XMLSyntaxError, *READ_ERRORS):
        raise FormgenError(path, "", *not_a_docx) from None


def parse_part(path: Path, name: str, data: bytes, resave: str = RESAVE):
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise FormgenError(path, f"{name}: line {exc.lineno}", f"does not parse: {exc.msg}", resave) from None
    if root.getroottree().docinfo.doctype:
        raise FormgenError(path, name, "has a DOCTYPE (entity definitions), which Word never writes", resave)
    return root


def _xml_content_types(path: Path, package: zipfile.ZipFile, limit: int, resave: str) -> tuple[set[str], set[str]]:
    """(extensions, part names) that [Content_Types].xml declares XML, so renaming a part hides nothing."""
    name = "[Content_Types].xml"
    root = parse_part(path, name, read_part(package, name, limit, str(path)), resave)
    extensions, parts = set(), set()
    for entry in root:
        if "xml" in (entry.get("ContentType") or ""):
            if entry.get("Extension"):
                extensions.add(entry.get("Extension").lower())
            if entry.get("PartName"):
                parts.add(entry.get("PartName").lstrip("/").lower())
    return extensions, parts


def _content_type(name: str, xml_types: tuple[set[str], set[str]]) -> bool:
    extensions, parts = xml_types
    return name.lower() in parts or PurePosixPath(name).suffix.lstrip(".").lower() in extensions
