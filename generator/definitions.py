"""Load and validate form definitions (`forms/*.yaml`) into `FormDef`s."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from . import FORMS_DIR
from .errors import FormgenError
from .model import (FIELD_KINDS, PARAGRAPH_STYLES, BlockDef, ColumnDef, FieldBlockDef, FieldDef,
                    FormDef, GridDef, LabelTableDef, NumberedFieldsDef, ParagraphDef, RowDef,
                    SignaturesDef)
from .yamlfile import YamlReader, load_yaml

FIELD_ID = re.compile(r"^[a-z][a-z0-9_]*$")
MESSAGE_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
FORM_ORDER = ("announcement", "interest_letter", "annex2")
DEFAULT_GRID_ROWS = 10
MAX_GRID_ROWS = 200
BILINGUAL_LAYOUTS = ("columns", "stacked")


class _Reader(YamlReader):
    """Reads one form definition."""

    def message_id(self, value: Any, place: str) -> str:
        if not isinstance(value, str) or not MESSAGE_ID.match(value):
            raise self.fail(place, f"'{value}' is not a message id",
                            "write a dotted id such as annex2.title; sentences belong in the catalogs")
        return value

    def field_id(self, value: Any, place: str) -> str:
        if not isinstance(value, str) or not FIELD_ID.match(value):
            raise self.fail(place, f"'{value}' is not a field id",
                            "use lower-case ASCII letters, digits and _, starting with a letter")
        return value

    def kind(self, value: Any, place: str) -> str:
        if value not in FIELD_KINDS:
            raise self.fail(place, f"unknown field kind '{value}'", f"use one of: {', '.join(FIELD_KINDS)}")
        return value

    def positive_int(self, value: Any, place: str, limit: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= limit:
            raise self.fail(place, f"'{value}' is not a whole number from 1 to {limit}", "give a number")
        return value

    def field(self, field_id: str, spec: Any, place: str) -> FieldDef:
        spec = self.mapping(spec, place, ("kind",), ("id", "hint", "label", "lines", "required"))
        return FieldDef(
            id=self.field_id(field_id, place),
            kind=self.kind(spec["kind"], f"{place}.kind"),
            hint=self.message_id(spec["hint"], f"{place}.hint") if "hint" in spec else None,
            label=self.message_id(spec["label"], f"{place}.label") if "label" in spec else None,
            lines=self.positive_int(spec.get("lines", 1), f"{place}.lines", 20),
            required=spec.get("required", False) is True,
        )

    def inline_field(self, spec: Any, place: str) -> FieldDef:
        spec = self.mapping(spec, place, ("id", "kind"), ("hint", "label", "lines", "required"))
        return self.field(spec["id"], spec, place)

    def paragraph(self, spec: dict, place: str, key: str = "p") -> ParagraphDef:
        spec = self.mapping(spec, place, (key,), ("style", "fields"))
        style = spec.get("style", "body")
        if style not in PARAGRAPH_STYLES:
            raise self.fail(f"{place}.style", f"unknown style '{style}'",
                            f"use one of: {', '.join(PARAGRAPH_STYLES)}")
        fields = spec.get("fields") or {}
        if not isinstance(fields, dict):
            raise self.fail(f"{place}.fields", "expected a mapping of field id to field",
                            "write `field_id: {kind: text}` lines")
        return ParagraphDef(
            text=self.message_id(spec[key], f"{place}.{key}"), style=style,
            fields=tuple(self.field(fid, fspec, f"{place}.fields.{fid}") for fid, fspec in fields.items()))

    def row(self, spec: Any, place: str) -> RowDef:
        spec = self.mapping(spec, place, ("label",), ("field", "value", "fields"))
        label = self.message_id(spec["label"], f"{place}.label")
        if "field" in spec:
            return RowDef(label, self.inline_field(spec["field"], f"{place}.field"))
        if "value" in spec:
            return RowDef(label, self.paragraph({k: v for k, v in spec.items() if k != "label"},
                                                place, key="value"))
        raise self.fail(place, "a row needs 'field' or 'value'", "add `field: {id: ..., kind: ...}`")

    def label_table(self, spec: dict, place: str) -> LabelTableDef:
        spec = self.mapping(spec, place, ("table", "rows"), ("widths",))
        rows = spec["rows"]
        if not isinstance(rows, list) or not rows:
            raise self.fail(f"{place}.rows", "expected a list of rows", "add `- {label: ..., field: ...}` items")
        return LabelTableDef(
            id=self.field_id(spec["table"], f"{place}.table"),
            widths=self.widths(spec.get("widths", [40, 60]), f"{place}.widths", 2),
            rows=tuple(self.row(row, f"{place}.rows[{i}]") for i, row in enumerate(rows)))

    def widths(self, value: Any, place: str, count: int) -> tuple[float, ...]:
        if (not isinstance(value, list) or len(value) != count
                or not all(isinstance(w, (int, float)) and w > 0 for w in value)):
            raise self.fail(place, f"expected {count} positive widths", "give relative widths, e.g. [40, 60]")
        return tuple(float(w) for w in value)

    def column(self, spec: Any, place: str) -> ColumnDef:
        spec = self.mapping(spec, place, ("id", "header", "width"), ("kind",))
        return ColumnDef(
            id=self.field_id(spec["id"], f"{place}.id"),
            header=self.message_id(spec["header"], f"{place}.header"),
            width=self.widths([spec["width"]], f"{place}.width", 1)[0],
            kind=self.kind(spec.get("kind", "text"), f"{place}.kind"))

    def grid(self, spec: dict, place: str) -> GridDef:
        spec = self.mapping(spec, place, ("grid", "columns"), ("rows",))
        columns = spec["columns"]
        if not isinstance(columns, list) or not columns:
            raise self.fail(f"{place}.columns", "expected a list of columns", "add `- {id, header, width}` items")
        return GridDef(
            id=self.field_id(spec["grid"], f"{place}.grid"),
            columns=tuple(self.column(c, f"{place}.columns[{i}]") for i, c in enumerate(columns)),
            rows=self.positive_int(spec.get("rows", DEFAULT_GRID_ROWS), f"{place}.rows", MAX_GRID_ROWS))

    def numbered(self, spec: dict, place: str) -> NumberedFieldsDef:
        spec = self.mapping(spec, place, ("list", "count", "kind", "label"), ())
        return NumberedFieldsDef(
            id=self.field_id(spec["list"], f"{place}.list"),
            count=self.positive_int(spec["count"], f"{place}.count", 50),
            kind=self.kind(spec["kind"], f"{place}.kind"),
            label=self.message_id(spec["label"], f"{place}.label"))

    def signatures(self, spec: dict, place: str) -> SignaturesDef:
        spec = self.mapping(spec, place, ("signatures",), ())
        parts = spec["signatures"]
        if not isinstance(parts, list) or not parts:
            raise self.fail(place, "expected a list of paragraphs", "add `- p: ...` items")
        return SignaturesDef(tuple(self.paragraph(p, f"{place}.signatures[{i}]") for i, p in enumerate(parts)))

    def block(self, spec: Any, place: str) -> BlockDef:
        if not isinstance(spec, dict):
            raise self.fail(place, "expected a mapping", "write the block as `- p: message.id`")
        readers = {"p": self.paragraph, "table": self.label_table, "grid": self.grid,
                   "list": self.numbered, "signatures": self.signatures}
        if "field" in spec and len(spec) == 1:
            return FieldBlockDef(self.inline_field(spec["field"], f"{place}.field"))
        for key, read in readers.items():
            if key in spec:
                return read(spec, place)
        raise self.fail(place, "unknown block", f"start it with one of: {', '.join(readers)}, field")

    def form(self, data: Any) -> FormDef:
        data = self.mapping(data, "top level", ("id", "title", "blocks"),
                            ("letterhead", "page_numbers", "bilingual", "pages"))
        if data.get("bilingual", "stacked") not in BILINGUAL_LAYOUTS:
            raise self.fail("bilingual", f"unknown layout '{data['bilingual']}'",
                            f"use one of: {', '.join(BILINGUAL_LAYOUTS)}")
        blocks = data["blocks"]
        if not isinstance(blocks, list) or not blocks:
            raise self.fail("blocks", "expected a list of blocks", "add `- p: message.id` items")
        form = FormDef(
            id=self.field_id(data["id"], "id"), title=self.message_id(data["title"], "title"),
            blocks=tuple(self.block(b, f"blocks[{i}]") for i, b in enumerate(blocks)),
            letterhead=bool(data.get("letterhead", False)), page_numbers=bool(data.get("page_numbers", False)),
            bilingual=data.get("bilingual", "stacked"), pages=self.page_budget(data.get("pages", {})),
            source=str(self.path))
        self.unique_fields(form)
        return form

    def page_budget(self, value: Any) -> tuple[tuple[str, int], ...]:
        if not isinstance(value, dict):
            raise self.fail("pages", "expected a mapping of edition to pages", "write {ru: 1, ky: 1, ru+ky: 2}")
        return tuple((str(k), self.positive_int(v, f"pages.{k}", 100)) for k, v in value.items())

    def unique_fields(self, form: FormDef) -> None:
        seen: set[str] = set()
        for field in iter_field_defs(form):
            if field.id in seen:
                raise self.fail("blocks", f"duplicate field id '{field.id}'",
                                "every blank needs its own id; rename one of them")
            seen.add(field.id)


def grid_field_id(grid: GridDef, row: int, column: ColumnDef) -> str:
    return grid.field_id(row, column)


def numbered_field_id(block: NumberedFieldsDef, number: int) -> str:
    return block.field_id(number)


def iter_field_defs(form: FormDef) -> Iterator[FieldDef]:
    """Every field of a form in reading order, grid cells and numbered lists expanded."""
    return form.field_defs()


def message_ids(form: FormDef) -> Iterator[str]:
    """Every message id a form definition uses, in reading order (may repeat)."""
    return form.message_ids()


def load_form(path: Path) -> FormDef:
    return _Reader(path).form(load_yaml(path))


def form_paths(forms_dir: Path = FORMS_DIR) -> list[Path]:
    paths = {p.stem: p for p in sorted(forms_dir.glob("*.yaml"))}
    ordered = [paths.pop(name) for name in FORM_ORDER if name in paths]
    return ordered + list(paths.values())


def load_forms(forms_dir: Path = FORMS_DIR) -> dict[str, FormDef]:
    forms: dict[str, FormDef] = {}
    for path in form_paths(forms_dir):
        form = load_form(path)
        if form.id in forms:
            raise FormgenError(path, "id", f"form id '{form.id}' is used by {forms[form.id].source} too",
                               "give each form its own id")
        forms[form.id] = form
    return forms
