"""Resolve a form definition into a `Document` in one language: every message, date and number
becomes plain text, every blank a `Field`."""
from __future__ import annotations

import gettext
from string import Formatter

from ..errors import FormgenError
from ..model.forms import (Block, Cell, ColumnDef, Document, Field, FieldBlockDef, FieldDef, FormDef, GridDef,
                           LabelTableDef, NumberedFieldsDef, Paragraph, ParagraphDef, Run, SignaturesDef, Table)
from ..model.kinds import KIND_MESSAGES, KINDS, RATING_CHOICES, Options
from ..model.languages import Language
from ..model.messages import N_
from ..sources.call import CallSettings
from ..sources.languages import builtin_languages
from .values import DATE_FORMS, Phrase, call_values

DATE_PATTERN_MESSAGES = {"long": N_("format.date_long"), "short": N_("format.date_short")}
GRID_NUMBER = N_("grid.number")
GRID_CELL_LABEL = N_("grid.cell_label")
FOOTER = N_("footer.call")
LETTERHEAD_ALT = N_("letterhead.alt")  # what a screen reader says of a municipality's letterhead under the letter
# {donor_period}: «в течение 2022–2024 гг.» / «2022–2024-жылдары», or for one year «в 2027 г.» / «2027-жылы»
DONOR_PERIOD = {"years": N_("period.donor_years"), "one_year": N_("period.donor_one_year")}
REQUIRED_NOTE = N_("required.note")  # «* — обязательно для заполнения», under a form with required blanks
REQUIRED_MARK = "*"
CODE_MESSAGES = (*KIND_MESSAGES, *DATE_PATTERN_MESSAGES.values(), GRID_NUMBER, GRID_CELL_LABEL, FOOTER, LETTERHEAD_ALT,
                 *DONOR_PERIOD.values(), REQUIRED_NOTE)
assert set(DATE_PATTERN_MESSAGES) == set(DATE_FORMS)


def placeholders(message: str) -> list[tuple[str, str]]:
    """(name, format spec) of each {placeholder}; ValueError for unbalanced braces."""
    return [(name, spec or "") for _, name, spec, _ in Formatter().parse(message) if name is not None]


class Localizer:
    """Documents in one language (`lang`: its code, in the built-in forms' registry)."""

    def __init__(self, lang: Language | str, translations: gettext.NullTranslations, call: CallSettings,
                 catalog_path: str = "") -> None:
        self.language = lang if isinstance(lang, Language) else builtin_languages()[lang]
        self.lang, self.translations, self.call = self.language.code, translations, call
        self.catalog_path = catalog_path
        self.marks = False  # whether required blanks get REQUIRED_MARK (the form being localized says)
        patterns = {form: self.message(msgid) for form, msgid in DATE_PATTERN_MESSAGES.items()}
        self.values = call_values(call, self.language, patterns)
        periods = {key: self.text(message_id) for key, message_id in DONOR_PERIOD.items()}  # both, so both are checked
        first, last = call.donor_years
        self.values["donor_period"] = Phrase(periods["one_year" if first == last else "years"], self.language)

    def fail(self, message_id: str, problem: str, fix: str, code: str = "") -> FormgenError:
        return FormgenError(self.catalog_path, f"msgid \"{message_id}\"", problem, fix, code)

    def message(self, message_id: str) -> str:
        text = self.translations.gettext(message_id)
        if text == message_id or not text.strip():
            raise self.fail(message_id, "message is missing or empty",
                            "add its text, then run `formgen catalogs compile`", code="FG209")
        return text

    def runs(self, message_id: str, fields: dict[str, Field] | None = None, /, **extra: object) -> tuple[Run, ...]:
        """The message as text runs with this paragraph's fields placed where its {placeholders} say
        (`extra`: values of other placeholders, whatever their names)."""
        fields, values = fields or {}, {**self.values, **extra}
        runs: list[Run] = []
        message = self.message(message_id)
        try:
            parts = list(Formatter().parse(message))
        except ValueError as exc:
            raise self.fail(message_id, f"malformed placeholder: {exc}", "balance the { } braces",
                            code="FG207") from None
        for literal, name, spec, _ in parts:
            runs.append(literal)
            if name is None:
                continue
            if name in fields:
                runs.append(fields[name])
            elif name in values:
                try:
                    runs.append(format(values[name], spec or ""))
                except ValueError as exc:
                    raise self.fail(message_id, f"placeholder {{{name}:{spec}}}: {exc}", "fix the format",
                                    code="FG210") from None
            else:
                raise self.fail(message_id, f"unknown placeholder {{{name}}}",
                                f"use a field of this paragraph or one of: {', '.join(sorted(values))}", code="FG211")
        return _merge_text(runs)

    def text(self, message_id: str, /, **extra: object) -> str:
        return "".join(run for run in self.runs(message_id, **extra) if isinstance(run, str))

    def field(self, definition: FieldDef, label: str | None = None, hint: str | None = None) -> Field:
        hint_text = self.text(definition.hint) if definition.hint else hint
        if hint_text is None:
            hint_text = self.text(KINDS[definition.kind].placeholder)
        label_text = self.text(definition.label) if definition.label else label or hint_text
        choices = RATING_CHOICES if definition.kind == "rating" else tuple(o.value for o in definition.options)
        labels = choices if definition.kind == "rating" else tuple(self.text(o.label) for o in definition.options)
        return Field(id=definition.id, kind=definition.kind, label=label_text, hint=hint_text, lang=self.lang,
                     lines=definition.lines, choices=choices, choice_labels=labels,
                     max_length=definition.max_length or 0)

    def marked(self, definition: FieldDef) -> bool:
        return self.marks and definition.required

    def paragraph(self, definition: ParagraphDef, style: str | None = None, label: str | None = None) -> Paragraph:
        fields = {f.id: self.field(f, label=label) for f in definition.fields}
        runs = self.runs(definition.text, fields)
        placed = [run.id for run in runs if isinstance(run, Field)]
        if sorted(placed) != sorted(fields):
            raise self.fail(definition.text, f"places fields {placed}, the form has {sorted(fields)}",
                            "put each field's {placeholder} in the message exactly once", code="FG212")
        required = {f.id for f in definition.fields if self.marked(f)}
        if required:
            runs = _merge_text([piece for run in runs for piece in (
                (run, REQUIRED_MARK) if isinstance(run, Field) and run.id in required else (run,))])
        return Paragraph(runs, self.lang, style or definition.style)

    def cell(self, runs: tuple[Run, ...], style: str = "cell") -> Cell:
        return (Paragraph(runs, self.lang, style),)

    def label_table(self, block: LabelTableDef) -> Table:
        rows = []
        for row in block.rows:
            label = self.text(row.label)
            if isinstance(row.value, ParagraphDef):
                value = (self.paragraph(row.value, style="cell", label=label),)
                marked = any(self.marked(f) for f in row.value.fields)
            else:
                value = self.cell((self.field(row.value, label=label, hint=""),))
                marked = self.marked(row.value)
            rows.append((self.cell((f"{label} {REQUIRED_MARK}" if marked else label,)), value))
        return Table(block.widths, tuple(rows))

    def grid_cell(self, grid: GridDef, row: int, column: ColumnDef, header: str) -> Cell:
        label = self.text(GRID_CELL_LABEL, column=header, row=row)
        return self.cell((self.field(grid.column_field(row, column), label=label, hint=""),))

    def total_row(self, grid: GridDef, headers: list[str]) -> tuple[Cell, ...]:
        """The total's label in the first column that is not added up, a field under each that is."""
        title = self.text(grid.total)
        added = grid.total_columns()
        label_at = next((c.id for c in grid.columns if c not in added), None)
        cells = [self.cell(() if label_at else (title,), "number_cell")]
        for column, header in zip(grid.columns, headers):
            if column in added:
                field = self.field(grid.total_field(column), label=f"{title}: {header}", hint="")
                cells.append(self.cell((field,)))
            else:
                cells.append(self.cell((title,) if column.id == label_at else (), "header_cell"))
        return tuple(cells)

    def grid(self, block: GridDef) -> Table:
        headers = [self.text(c.header) for c in block.columns]
        head = (self.cell((self.text(GRID_NUMBER),), "header_cell"),
                *(self.cell((h,), "header_cell") for h in headers))
        body = tuple(
            (self.cell((str(r),), "number_cell"),
             *(self.grid_cell(block, r, c, h) for c, h in zip(block.columns, headers)))
            for r in range(1, block.rows + 1))
        total = (self.total_row(block, headers),) if block.total else ()
        widths = (6.0, *(c.width for c in block.columns))
        return Table(widths, (head, *body, *total), header_rows=1)

    def numbered(self, block: NumberedFieldsDef) -> list[Paragraph]:
        paragraphs = []
        for n in range(1, block.count + 1):
            definition = FieldDef(block.field_id(n), block.kind)
            field = self.field(definition, label=self.text(block.label, number=n))
            paragraphs.append(Paragraph((f"{n}. ", field), self.lang, "answer"))
        return paragraphs

    def signatures(self, block: SignaturesDef) -> Table:
        names = tuple((self.paragraph(part, style="signature"),) for part in block.parts)
        lines = tuple((Paragraph((), self.lang, "signature_line"),) for _ in block.parts)
        return Table(tuple(1.0 for _ in block.parts), (names, lines), borders=False, keep_together=True)

    def field_block(self, block: FieldBlockDef) -> Paragraph:
        mark = (f"{REQUIRED_MARK} ",) if self.marked(block.field) else ()
        return Paragraph((*mark, self.field(block.field)), self.lang, "answer")

    def blocks(self, form: FormDef) -> tuple[Block, ...]:
        blocks: list[Block] = []
        for block in form.blocks:
            localized = BLOCKS[type(block)](self, block)
            blocks.extend(localized if isinstance(localized, list) else (localized,))
        return tuple(blocks)

    def document(self, form: FormDef) -> Document:
        self.marks = form.mark_required and any(f.required for f in form.field_defs())
        blocks = self.blocks(form)
        if self.marks:  # says what the mark means, once, at the end
            blocks += (Paragraph((self.text(REQUIRED_NOTE),), self.lang, "plain"),)
        title = self.text(form.title)
        return Document(
            form_id=form.id, lang=self.lang, call_id=self.call.id, title=title,
            blocks=blocks, letterhead_mm=self.call.letterhead_height_mm if form.letterhead else 0.0,
            page_numbers=form.page_numbers, footer=self.text(FOOTER), languages=(self.language,),
            titles=(title,), letterhead_alt=self.text(LETTERHEAD_ALT) if form.letterhead else "")


# The one place that turns each kind of block into what renderers draw (a list: several blocks).
BLOCKS = {ParagraphDef: Localizer.paragraph, FieldBlockDef: Localizer.field_block,
          LabelTableDef: Localizer.label_table, GridDef: Localizer.grid,
          NumberedFieldsDef: Localizer.numbered, SignaturesDef: Localizer.signatures}


def _merge_text(runs: list[Run]) -> tuple[Run, ...]:
    merged: list[Run] = []
    for run in runs:
        if isinstance(run, str) and merged and isinstance(merged[-1], str):
            merged[-1] += run
        elif run != "":
            merged.append(run)
    return tuple(merged)


def label_texts(localizers) -> Options:
    """A choice's label in every language, so `fill` and `collect` take any of them for its value;
    each made once, as every row and returned file asks for them again."""
    localizers, made = list(localizers), {}

    def texts(message_id: str) -> list[str]:
        if message_id not in made:
            made[message_id] = [localizer.text(message_id) for localizer in localizers]
        return made[message_id]
    return Options(texts)
