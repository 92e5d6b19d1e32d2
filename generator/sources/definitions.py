"""Load and validate form definitions (`forms/*.yaml`) into `FormDef`s."""
from __future__ import annotations

import functools
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from .. import FORMS_DIR
from ..errors import FormgenError, suggestion
from ..model.forms import (FIELD_KINDS, PARAGRAPH_STYLES, BlockDef, ColumnDef, FieldBlockDef, FieldDef,
                           FormDef, GridDef, LabelTableDef, NumberedFieldsDef, OptionDef, ParagraphDef,
                           ProjectSettings, Relevance, RowDef, SignaturesDef)
from ..model.kinds import KINDS, MAX_MULTI_LINE, NO, RATING_CHOICES, YES, decimal_of
from .languages import KEYS as LANGUAGE_SETTINGS, SETTINGS_FILE as SETTINGS
from .yamlfile import YamlReader, load_yaml, load_yaml_once, parse_yaml, placed

FIELD_ID = re.compile(r"^[a-z][a-z0-9_]*$")
OPTION_VALUE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
MESSAGE_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
SETTINGS_FILE = SETTINGS  # the project's settings (model.ProjectSettings; its languages: languages.py)
SHARED_CHOICES = "choices.yaml"  # choice lists every form of the folder may use
NOT_FORMS = (SETTINGS_FILE, SHARED_CHOICES)
DEFAULT_GRID_ROWS = 10
MAX_GRID_ROWS = 200
MAX_OPTIONS = 200
BILINGUAL_LAYOUTS = ("columns", "stacked")
FIELD_KEYS = ("hint", "label", "lines", "required", "choices", "min", "max", "max_length", "relevant")
RELEVANCE_KEYS = ("field", "is")
DECIDING_KINDS = ("choice", "yesno", "rating")  # a field whose answers are known values can decide relevance
COLUMN_KEYS = ("kind", "choices", "min", "max", "max_length")


class _Reader(YamlReader):
    """Reads one form definition."""

    def __init__(self, path: Path, shared: dict[str, tuple[OptionDef, ...]] | None = None) -> None:
        super().__init__(path)
        self.lists = dict(shared or {})
        self.relevance_places: dict[str, str] = {}  # field id → where its `relevant:` is, for messages

    def message_id(self, value: Any, place: str) -> str:
        if not isinstance(value, str) or not MESSAGE_ID.match(value):
            raise self.fail(place, f"'{value}' is not a message id",
                            "write a dotted id such as annex2.title; sentences belong in the catalogs", code="FG101")
        return value

    def field_id(self, value: Any, place: str) -> str:
        if not isinstance(value, str) or not FIELD_ID.match(value):
            raise self.fail(place, f"'{value}' is not a field id",
                            "use lower-case ASCII letters, digits and _, starting with a letter", code="FG102")
        return value

    def kind(self, value: Any, place: str) -> str:
        if value not in FIELD_KINDS:
            raise self.fail(place, f"unknown field kind '{value}'", suggestion(value, FIELD_KINDS), code="FG103")
        return value

    def id_list(self, value: Any, place: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(place, "expected a list of ids", "write [first_id, second_id]", code="FG104")
        return tuple(self.field_id(item, f"{place}[{i}]") for i, item in enumerate(value))

    def positive_int(self, value: Any, place: str, limit: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= limit:
            raise self.fail(place, f"'{value}' is not a whole number from 1 to {limit}", "give a number", code="FG105")
        return value

    def field(self, field_id: str, spec: Any, place: str) -> FieldDef:
        spec = self.mapping(spec, place, ("kind",), ("id", *FIELD_KEYS))
        kind = self.kind(spec["kind"], f"{place}.kind")
        return FieldDef(
            id=self.field_id(field_id, place), kind=kind,
            hint=self.message_id(spec["hint"], f"{place}.hint") if "hint" in spec else None,
            label=self.message_id(spec["label"], f"{place}.label") if "label" in spec else None,
            lines=self.positive_int(spec.get("lines", 1), f"{place}.lines", 20),
            required=self.boolean(spec.get("required"), f"{place}.required", False),
            relevant=self.relevance(field_id, spec, place) if "relevant" in spec else None,
            **self.constraints(spec, kind, place))

    def relevance(self, field_id: str, spec: dict, place: str) -> Relevance:
        """`relevant: {field: F, is: V}` or `is: [V, W]`: the field applies only while F holds one of
        the values. Nothing else: no expression of staff text is ever evaluated. Whether F exists and
        takes those values is checked when the whole form is read (`checked_relevance`)."""
        place = f"{place}.relevant"
        given = self.mapping(spec["relevant"], place, RELEVANCE_KEYS)
        wanted = given["is"] if isinstance(given["is"], list) else [given["is"]]
        answers = placed(given, "is", f"{place}.is")
        values = tuple(self.condition_value(value, answers) for value in wanted)
        if not values:
            raise self.fail(answers, "no answer given", "write the answer that makes this field apply: "
                            "`is: yes`, or a list `is: [chui, osh]`", code="FG134")
        self.relevance_places[field_id] = placed(spec, "relevant", place)
        return Relevance(self.field_id(given["field"], placed(given, "field", f"{place}.field")), values)

    def condition_value(self, value: Any, place: str) -> str:
        """An answer as the deciding field stores it: `yes`/`no` (YAML reads them as true/false), a
        rating's number, an option's value."""
        if isinstance(value, bool):
            return YES if value else NO
        if isinstance(value, int):
            return str(value)
        if not isinstance(value, str) or not OPTION_VALUE.match(value):
            raise self.fail(place, f"'{value}' is not an answer a field can hold",
                            "write an option's value (lower-case ASCII), yes or no, or a rating 1 to 5", code="FG134")
        return value

    def constraints(self, spec: dict, kind: str, place: str) -> dict:
        """A field's choice list, min, max and max_length, each allowed only where its kind has a use for it."""
        if kind == "choice" and "choices" not in spec:
            raise self.fail(place, "a choice field needs 'choices'", "add `choices: LIST`, a list under the top-level `choices:`",
                            code="FG106")
        if "choices" in spec and kind != "choice":
            raise self.fail(f"{place}.choices", f"a {kind} field has no choices", "use `kind: choice`, or drop `choices`",
                            code="FG107")
        for key, allowed, kinds in (("min", KINDS[kind].numeric, "number and amount"),
                                    ("max", KINDS[kind].numeric, "number and amount"),
                                    ("max_length", KINDS[kind].text, "text kinds")):
            if key in spec and not allowed:
                raise self.fail(f"{place}.{key}", f"a {kind} field takes no {key}", f"{key} applies to {kinds} fields",
                                code="FG108")
        found = {"min": self.decimal(spec, "min", place), "max": self.decimal(spec, "max", place),
                 "max_length": self.positive_int(spec["max_length"], f"{place}.max_length", MAX_MULTI_LINE)
                 if "max_length" in spec else None,
                 "options": self.options_of(spec["choices"], f"{place}.choices") if "choices" in spec else ()}
        if found["min"] is not None and found["max"] is not None and found["min"] > found["max"]:
            raise self.fail(f"{place}.min", "min is larger than max", "swap them", code="FG109")
        return found

    def decimal(self, spec: dict, key: str, place: str) -> Decimal | None:
        value = spec.get(key)
        if value is None:
            return None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise self.fail(f"{place}.{key}", f"'{value}' is not a number", f"write e.g. `{key}: 0`", code="FG110")
        return Decimal(str(value))

    def options_of(self, name: Any, place: str) -> tuple[OptionDef, ...]:
        if name not in self.lists:
            raise self.fail(place, f"no choice list '{name}'",
                            f"define it under the top-level `choices:` or in {SHARED_CHOICES}; "
                            + suggestion(name, self.lists), code="FG111")
        return self.lists[name]

    def choice_lists(self, value: Any, place: str = "choices") -> dict[str, tuple[OptionDef, ...]]:
        """`LIST: [{value: chui, label: MSGID}, …]` for each list."""
        if not isinstance(value, dict):
            raise self.fail(place, "expected a mapping of list name to options",
                            "write `regions: [{value: chui, label: choice.chui}]`", code="FG112")
        lists = {}
        for name, options in value.items():
            where = f"{place}.{name}"
            self.field_id(name, where)
            if not isinstance(options, list) or not 1 <= len(options) <= MAX_OPTIONS:
                raise self.fail(where, f"expected a list of 1 to {MAX_OPTIONS} options", "add `- {value: v, label: msg.id}` items",
                                code="FG113")
            read = tuple(self.option(option, f"{where}[{i}]") for i, option in enumerate(options))
            values = [option.value for option in read]
            if len(set(values)) != len(values):
                duplicate = next(v for v in values if values.count(v) > 1)
                raise self.fail(where, f"value '{duplicate}' is given twice", "give each option its own value",
                                code="FG114")
            lists[name] = read
        return lists

    def option(self, spec: Any, place: str) -> OptionDef:
        spec = self.mapping(spec, place, ("value", "label"))
        value = spec["value"]
        if not isinstance(value, str) or not OPTION_VALUE.match(value):
            raise self.fail(f"{place}.value", f"'{value}' is not an option value",
                            "use lower-case ASCII letters, digits and _ (quote numbers: '1')", code="FG115")
        return OptionDef(value, self.message_id(spec["label"], f"{place}.label"))

    def inline_field(self, spec: Any, place: str) -> FieldDef:
        spec = self.mapping(spec, place, ("id", "kind"), FIELD_KEYS)
        return self.field(spec["id"], spec, place)

    def paragraph(self, spec: dict, place: str, key: str = "p") -> ParagraphDef:
        spec = self.mapping(spec, place, (key,), ("style", "fields"))
        style = spec.get("style", "body")
        if style not in PARAGRAPH_STYLES:
            raise self.fail(f"{place}.style", f"unknown style '{style}'", suggestion(style, PARAGRAPH_STYLES),
                            code="FG116")
        fields = spec.get("fields") or {}
        if not isinstance(fields, dict):
            raise self.fail(f"{place}.fields", "expected a mapping of field id to field",
                            "write `field_id: {kind: text}` lines", code="FG117")
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
        raise self.fail(place, "a row needs 'field' or 'value'", "add `field: {id: ..., kind: ...}`", code="FG118")

    def label_table(self, spec: dict, place: str) -> LabelTableDef:
        spec = self.mapping(spec, place, ("table", "rows"), ("widths",))
        rows = spec["rows"]
        if not isinstance(rows, list) or not rows:
            raise self.fail(f"{place}.rows", "expected a list of rows", "add `- {label: ..., field: ...}` items",
                            code="FG119")
        return LabelTableDef(
            id=self.field_id(spec["table"], f"{place}.table"),
            widths=self.widths(spec.get("widths", [40, 60]), f"{place}.widths", 2),
            rows=tuple(self.row(row, f"{place}.rows[{i}]") for i, row in enumerate(rows)))

    def widths(self, value: Any, place: str, count: int) -> tuple[float, ...]:
        if (not isinstance(value, list) or len(value) != count
                or not all(isinstance(w, (int, float)) and w > 0 for w in value)):
            raise self.fail(place, f"expected {count} positive widths", "give relative widths, e.g. [40, 60]",
                            code="FG120")
        return tuple(float(w) for w in value)

    def column(self, spec: Any, place: str) -> ColumnDef:
        spec = self.mapping(spec, place, ("id", "header", "width"), COLUMN_KEYS)
        kind = self.kind(spec.get("kind", "text"), f"{place}.kind")
        if KINDS[kind].docx is None:
            raise self.fail(f"{place}.kind", f"a {kind} cannot be a table column", "put it in a paragraph or a field block",
                            code="FG121")
        return ColumnDef(
            id=self.field_id(spec["id"], f"{place}.id"),
            header=self.message_id(spec["header"], f"{place}.header"),
            width=self.widths([spec["width"]], f"{place}.width", 1)[0],
            kind=kind, **self.constraints(spec, kind, place))

    def grid(self, spec: dict, place: str) -> GridDef:
        spec = self.mapping(spec, place, ("grid", "columns"), ("rows", "total"))
        columns = spec["columns"]
        if not isinstance(columns, list) or not columns:
            raise self.fail(f"{place}.columns", "expected a list of columns", "add `- {id, header, width}` items",
                            code="FG122")
        grid = GridDef(
            id=self.field_id(spec["grid"], f"{place}.grid"),
            columns=tuple(self.column(c, f"{place}.columns[{i}]") for i, c in enumerate(columns)),
            rows=self.positive_int(spec.get("rows", DEFAULT_GRID_ROWS), f"{place}.rows", MAX_GRID_ROWS),
            total=self.message_id(spec["total"], f"{place}.total") if "total" in spec else None)
        if grid.total and not grid.total_columns():
            raise self.fail(f"{place}.total", "no number or amount column to add up", "drop `total`, or give a column `kind: amount`",
                            code="FG123")
        return grid

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
            raise self.fail(place, "expected a list of paragraphs", "add `- p: ...` items", code="FG124")
        return SignaturesDef(tuple(self.paragraph(p, f"{place}.signatures[{i}]") for i, p in enumerate(parts)))

    def block(self, spec: Any, place: str) -> BlockDef:
        if not isinstance(spec, dict):
            raise self.fail(place, "expected a mapping", "write the block as `- p: message.id`", code="FG125")
        readers = {"p": self.paragraph, "table": self.label_table, "grid": self.grid,
                   "list": self.numbered, "signatures": self.signatures}
        if "field" in spec and len(spec) == 1:
            return FieldBlockDef(self.inline_field(spec["field"], f"{place}.field"))
        for key, read in readers.items():
            if key in spec:
                return read(spec, place)
        raise self.fail(placed(spec, next(iter(spec), None), place), "unknown block",
                        f"start it with one of: {', '.join(readers)}, field", code="FG126")

    def form(self, data: Any) -> FormDef:
        data = self.mapping(data, "top level", ("id", "title", "blocks"),
                            ("letterhead", "page_numbers", "bilingual", "pages", "choices", "mark_required", "optional",
                             "step"))
        self.lists.update(self.choice_lists(data["choices"]) if "choices" in data else {})
        if data.get("bilingual", "stacked") not in BILINGUAL_LAYOUTS:
            raise self.fail("bilingual", f"unknown layout '{data['bilingual']}'",
                            f"use one of: {', '.join(BILINGUAL_LAYOUTS)}", code="FG127")
        blocks = data["blocks"]
        if not isinstance(blocks, list) or not blocks:
            raise self.fail("blocks", "expected a list of blocks", "add `- p: message.id` items", code="FG128")
        form = FormDef(
            id=self.field_id(data["id"], "id"), title=self.message_id(data["title"], "title"),
            blocks=tuple(self.block(b, f"blocks[{i}]") for i, b in enumerate(blocks)),
            letterhead=self.boolean(data.get("letterhead"), "letterhead", False),
            page_numbers=self.boolean(data.get("page_numbers"), "page_numbers", False),
            bilingual=data.get("bilingual", "stacked"), pages=self.page_budget(data.get("pages", {})),
            source=str(self.path), mark_required=self.boolean(data.get("mark_required"), "mark_required", True),
            optional=self.boolean(data.get("optional"), "optional", False),
            step=self.message_id(data["step"], "step") if "step" in data else "",
            choice_labels=tuple(o.label for options in self.lists.values() for o in options))
        self.unique_fields(form)
        self.checked_relevance(form)
        return form

    def page_budget(self, value: Any) -> tuple[tuple[str, int], ...]:
        if not isinstance(value, dict):
            raise self.fail("pages", "expected a mapping of edition to pages",
                            "write {<edition>: <pages>, …} for editions of the project (forms/project.yaml)",
                            code="FG129")
        return tuple((str(k), self.positive_int(v, f"pages.{k}", 100)) for k, v in value.items())

    def unique_fields(self, form: FormDef) -> None:
        seen: set[str] = set()
        for field in iter_field_defs(form):
            if field.id in seen:
                raise self.fail("blocks", f"duplicate field id '{field.id}'",
                                "every blank needs its own id; rename one of them", code="FG130")
            seen.add(field.id)


    def checked_relevance(self, form: FormDef) -> None:
        """Each `relevant:` names another field of this form that holds known answers, by values it
        can hold, and no field depends on itself through others."""
        fields = {field.id: field for field in form.field_defs()}
        for field in fields.values():
            if field.relevant is None:
                continue
            where, decider = self.relevance_places[field.id], fields.get(field.relevant.field)
            if decider is None or decider is field:
                raise self.fail(where, f"no other field '{field.relevant.field}' in this form",
                                suggestion(field.relevant.field, [f for f in fields if f != field.id]), code="FG135")
            if decider.kind not in DECIDING_KINDS:
                raise self.fail(where, f"'{decider.id}' is a {decider.kind} field, whose answers are "
                                "not known in advance", f"let a {', '.join(DECIDING_KINDS)} field decide", code="FG135")
            allowed = answers_of(decider)
            for value in field.relevant.values:
                if value not in allowed:
                    raise self.fail(where, f"'{value}' is not an answer of '{decider.id}'",
                                    f"use one of: {', '.join(allowed)}", code="FG134")
            if depends_on(field.id, fields):
                raise self.fail(where, f"'{field.id}' depends on itself through {field.relevant.field}",
                                "let a field that applies always decide", code="FG135")


def answers_of(field: FieldDef) -> tuple[str, ...]:
    """The values a choice, yesno or rating field can hold."""
    if field.kind == "yesno":
        return (YES, NO)
    if field.kind == "rating":
        return RATING_CHOICES
    return tuple(option.value for option in field.options)


def depends_on(field_id: str, fields: dict[str, FieldDef]) -> bool:
    """Whether a field's chain of deciding fields comes back to it."""
    seen, current = set(), fields[field_id].relevant
    while current is not None and current.field in fields and current.field not in seen:
        if current.field == field_id:
            return True
        seen.add(current.field)
        current = fields[current.field].relevant
    return False


def iter_field_defs(form: FormDef) -> Iterator[FieldDef]:
    """Every field of a form in reading order, grid cells and numbered lists expanded."""
    return form.field_defs()


def message_ids(form: FormDef) -> Iterator[str]:
    """Every message id a form definition uses, in reading order (may repeat)."""
    return form.message_ids()


def applies(field: FieldDef, values: dict[str, str], fields: dict[str, FieldDef]) -> bool:
    """Whether a field applies to an application's answers: always, unless its `relevant:` names a
    field whose answer (an empty one read as its kind reads it: an unticked box is «no») is not one of
    its values, or that field does not apply itself."""
    while field.relevant is not None:
        decider = fields[field.relevant.field]
        answer = values.get(decider.id) or KINDS[decider.kind].unanswered
        if answer not in field.relevant.values:
            return False
        field = decider
    return True


def answered(field: FieldDef, value: str) -> bool:
    """Whether a value is an answer: not empty, and not what an untouched field reads as (an unticked box)."""
    return value not in ("", KINDS[field.kind].unanswered)


def column_sums(form: FormDef, values: dict[str, str]) -> dict[str, Decimal | None]:
    """{total field id: the sum of its column} for every grid with a total; None where a cell is not
    a number (that cell is reported on its own) or the column is empty."""
    sums: dict[str, Decimal | None] = {}
    for grid in (b for b in form.blocks if isinstance(b, GridDef) and b.total):
        for column in grid.total_columns():
            cells = [values.get(grid.field_id(r, column), "") for r in range(1, grid.rows + 1)]
            numbers = [decimal_of(cell) for cell in cells if cell]
            sums[grid.total_field(column).id] = sum(numbers, Decimal(0)) if numbers and None not in numbers else None
    return sums


def shared_choices(forms_dir: Path) -> dict[str, tuple[OptionDef, ...]]:
    """The choice lists of `forms/choices.yaml`, shared by every form of the folder (parsed once for
    them all)."""
    path = forms_dir / SHARED_CHOICES
    if not path.exists():
        return {}
    reader = _Reader(path)
    data = reader.mapping(load_yaml_once(path), "", ("choices",))
    return reader.choice_lists(data["choices"])


def form_text(definition: dict, comment: str = "") -> str:
    """A definition as a form's YAML file: keys in the given order, each block on a line of its own
    where it fits, after a comment of `#` lines."""
    import yaml  # only what writes a form needs the emitter

    header = "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    return header + yaml.safe_dump(definition, sort_keys=False, allow_unicode=True, default_flow_style=None,
                                   width=120)


def form_of_text(text: str, path: Path) -> FormDef:
    """The form a definition's text makes, read as `load_form` reads a file (for one not written yet)."""
    return _Reader(path, shared_choices(path.parent)).form(parse_yaml(text, path))


def load_form(path: Path) -> FormDef:
    return _load_form(path, _version(path), _version(path.parent / SHARED_CHOICES))


def _version(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None  # missing: load_yaml names the fault, or there are no shared lists
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=64)
def _load_form(path: Path, version: tuple | None, choices_version: tuple | None) -> FormDef:
    """Read once per version of the file (and of the shared lists) in a process: commands load the
    forms more than once."""
    return _Reader(path, shared_choices(path.parent)).form(load_yaml(path))


def form_paths(forms_dir: Path = FORMS_DIR) -> list[Path]:
    """Every form definition of a folder, by file name (its settings and shared lists are not forms)."""
    return [p for p in sorted(forms_dir.glob("*.yaml")) if p.name not in NOT_FORMS]


def load_settings(forms_dir: Path = FORMS_DIR) -> ProjectSettings:
    path = forms_dir / SETTINGS_FILE
    if not path.exists():
        return ProjectSettings()
    reader = _Reader(path)
    data = reader.mapping(load_yaml_once(path), "", (), ("forms", "folder_name", *LANGUAGE_SETTINGS))
    return ProjectSettings(order=reader.id_list(data.get("forms", []), "forms"),
                           folder_name=reader.id_list(data.get("folder_name", []), "folder_name"))


def load_forms(forms_dir: Path = FORMS_DIR) -> dict[str, FormDef]:
    """Every form of a folder, in the order its settings give (the others after, by file name)."""
    forms: dict[str, FormDef] = {}
    for path in form_paths(forms_dir):
        form = load_form(path)
        if form.id in forms:
            raise FormgenError(path, "id", f"form id '{form.id}' is used by {forms[form.id].source} too",
                               "give each form its own id", code="FG131")
        forms[form.id] = form
    order = load_settings(forms_dir).order
    for form_id in order:
        if form_id not in forms:
            raise FormgenError(forms_dir / SETTINGS_FILE, "forms", f"no form '{form_id}'",
                               f"list form ids of {forms_dir}: {', '.join(forms)}", code="FG501")
    return {form_id: forms[form_id] for form_id in (*order, *(f for f in forms if f not in order))}
