"""Workbooks for the data-file tests and the hostile corpus, part by part: each cell's XML as Excel,
LibreOffice or a script writes it, so that a test can give any value, formula, merge or damage a real
file can have.

    xlsx(path, [row(1, text("A1", "aa_name")), row(2, text("A2", "Ош"))], merges=["A2:A3"])
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
DATE, PERCENT, DATE_TIME = 1, 2, 3  # the styles of STYLES below, by index


def row(number: int, *cells: str, hidden: bool = False) -> str:
    attributes = ' hidden="1"' if hidden else ""
    return f'<row r="{number}"{attributes}>{"".join(cells)}</row>'


def text(ref: str, value: str) -> str:
    """A text cell as openpyxl writes it (an inline string)."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def shared(ref: str, index: int) -> str:
    """A text cell as Excel and LibreOffice write it: the index of its text in the shared strings."""
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def number(ref: str, value: str, style: int = 0) -> str:
    return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'


def formula(ref: str, expression: str, stored: str | None = None, kind: str = "") -> str:
    """A formula; `stored` is the value the program that wrote it computed (None: none, as openpyxl)."""
    value = "<v></v>" if stored is None else f"<v>{escape(stored)}</v>"
    kind = f' t="{kind}"' if kind else ""
    return f'<c r="{ref}"{kind}><f>{escape(expression)}</f>{value}</c>'


def error(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="e"><v>{value}</v></c>'


def boolean(ref: str, value: bool) -> str:
    return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'


def empty(ref: str, style: int = 0) -> str:
    """What Excel and LibreOffice write for a cell a merged region covers."""
    return f'<c r="{ref}" s="{style}"/>'


STYLES = ('<styleSheet xmlns="%s"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>' % MAIN)


def sheet_xml(rows: list[str], merges: list[str] = (), dimension: str = "") -> str:
    merged = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
              + "</mergeCells>") if merges else ""
    size = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{MAIN}">{size}<sheetData>{"".join(rows)}</sheetData>{merged}</worksheet>'


def xlsx_parts(rows: list[str], merges: list[str] = (), strings: list[str] = (), sheets: dict[str, str] | None = None,
               states: dict[str, str] | None = None, calculation: str = "", dimension: str = "") -> dict[str, str]:
    """The parts of a workbook whose first sheet, 'Лист1', has the rows; `sheets` adds more, {name: sheet XML}."""
    every = {"Лист1": sheet_xml(rows, merges, dimension), **(sheets or {})}
    states = states or {}
    entries = "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"{_state(states.get(name))}/>'
                      for i, name in enumerate(every, start=1))
    relations = "".join(f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                        for i in range(1, len(every) + 1))
    types = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(every) + 1))
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.styles+xml"/>' + types
        + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
           'spreadsheetml.sharedStrings+xml"/>' if strings else "") + "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELS}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{entries}</sheets>{calculation}</workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE}">{relations}'
        f'<Relationship Id="rIdS" Type="{RELS}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": STYLES,
    }
    if strings:
        parts["xl/sharedStrings.xml"] = (f'<sst xmlns="{MAIN}" count="{len(strings)}">'
                                         + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
    for i, xml in enumerate(every.values(), start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    return parts


def _state(state: str | None) -> str:
    return f' state="{state}"' if state else ""


def write_zip(path: Path, parts: dict[str, str | bytes], stored: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return path


def xlsx(path: Path, rows: list[str], change: Callable[[dict], None] | None = None, **settings) -> Path:
    """A workbook of the rows (see xlsx_parts); `change` may damage its parts before they are written."""
    parts = xlsx_parts(rows, **settings)
    if change:
        change(parts)
    return write_zip(path, parts)


def header(*names: str) -> str:
    return row(1, *(text(f"{chr(65 + i)}1", name) for i, name in enumerate(names)))


def texts(number: int, *values: str | None) -> str:
    """A row of text cells from column A; None leaves a cell out."""
    return row(number, *(text(f"{chr(65 + i)}{number}", v) for i, v in enumerate(values) if v is not None))
