"""Resolve a form definition into a `Document` in one language: every message, date and number
becomes plain text, every blank a `Field`."""
from __future__ import annotations

import dataclasses
import gettext
from string import Formatter

from ..errors import FormgenError
from ..model.forms import (Block, Cell, Checks, ColumnDef, Document, Field, FieldBlockDef, FieldDef, FormDef,
                           GridDef, LabelTableDef, NumberedFieldsDef, Paragraph, ParagraphDef, Relevance, Run,
                           SignaturesDef, Table)
from ..model.kinds import KIND_MESSAGES, KINDS, NO, RATING_CHOICES, YES, Options, plain_decimal
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
# what a number field says to a value outside its bounds, by the bounds it has
OUT_OF_RANGE = {(True, True): N_("refuse.range"), (True, False): N_("refuse.min"), (False, True): N_("refuse.max")}
# the words under a field that applies only when another has some answer: «Заполните, если «{question}»: {answers}»
RELEVANT_WHEN, RELEVANT_OR = N_("relevant.when"), N_("relevant.or")
YESNO_ANSWERS = {YES: N_("relevant.ticked"), NO: N_("relevant.not_ticked")}  # a yesno field's answers, in words
CODE_MESSAGES = (*KIND_MESSAGES, *DATE_PATTERN_MESSAGES.values(), GRID_NUMBER, GRID_CELL_LABEL, FOOTER, LETTERHEAD_ALT,
                 *DONOR_PERIOD.values(), REQUIRED_NOTE, *OUT_OF_RANGE.values(), RELEVANT_WHEN, RELEVANT_OR,
                 *YESNO_ANSWERS.values())
NO_CHECKS = Checks()
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
        self.deciders: dict[str, FieldDef] = {}  # the fields a condition of the form being localized names
        self.questions: dict[str, str] = {}  # and the message id that asks each of them
        self.made_checks: dict[tuple, Checks] = {}
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
        if definition.relevant:  # the printed form says when to fill it, under the blank, for its kind's hint
            own = self.text(definition.hint) if definition.hint else hint
            hint_text = "; ".join(filter(None, (own, self.condition(definition.relevant))))
        return Field(id=definition.id, kind=definition.kind, label=label_text, hint=hint_text, lang=self.lang,
                     lines=definition.lines, choices=choices, choice_labels=labels,
                     max_length=definition.max_length or 0, required=definition.required,
                     relevant=definition.relevant, checks=self.checks(definition))

    def checks(self, definition: FieldDef) -> Checks:
        """What the field refuses as it is filled, in words, and how its language writes numbers; one
        per kind and bounds."""
        kind = KINDS[definition.kind]
        if not kind.script:
            return NO_CHECKS
        key = (definition.kind, definition.min, definition.max)
        if key not in self.made_checks:
            bounds = (definition.min is not None, definition.max is not None)
            out_of_range = self.text(OUT_OF_RANGE[bounds], **{
                name: self.number(value) for name, value in (("min", definition.min), ("max", definition.max))
                if value is not None}) if any(bounds) else ""
            group, decimal = self.number_symbols() if kind.numeric else ("", "")
            self.made_checks[key] = Checks(self.text(kind.refusal), definition.min, definition.max, out_of_range,
                                           group=group, decimal=decimal)
        return self.made_checks[key]

    def number_symbols(self) -> tuple[str, str]:
        """(grouping, decimal separator) as the language writes numbers: «1 250 000,50»; the registry's,
        or Babel's where it gives none (Babel and its locale data took a build 80 ms)."""
        if self.language.numbers:
            return self.language.numbers
        from babel import Locale

        symbols = Locale.parse(self.language.tag, sep="-").number_symbols["latn"]
        return symbols["group"], symbols["decimal"]

    def number(self, value) -> str:
        """A bound as the language writes it."""
        group, decimal = self.number_symbols()
        whole, _, fraction = plain_decimal(value).partition(".")
        sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
        grouped = f"{int(digits):,}".replace(",", group)
        return sign + grouped + (decimal + fraction if fraction else "")

    def condition(self, relevant: Relevance) -> str:
        """When a field applies, in words: «Заполните, если «Есть ли специалист?»: отмечено»."""
        decider = self.deciders[relevant.field]
        if decider.kind == "yesno":  # in words, «отмечено»; an option by its label, in quotes
            answers = [self.text(YESNO_ANSWERS[value]) for value in relevant.values]
        else:
            names = {option.value: self.text(option.label) for option in decider.options}
            answers = [f"«{names.get(value, value)}»" for value in relevant.values]
        joined = f" {self.text(RELEVANT_OR)} ".join(answers)
        return self.text(RELEVANT_WHEN, question=self.text(self.questions[relevant.field]), answers=joined)

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
        """The total's label in the first column that is not added up, a field under each that is,
        which adds its column up as it is filled."""
        title = self.text(grid.total)
        added = grid.total_columns()
        label_at = next((c.id for c in grid.columns if c not in added), None)
        cells = [self.cell(() if label_at else (title,), "number_cell")]
        for column, header in zip(grid.columns, headers):
            if column in added:
                field = self.field(grid.total_field(column), label=f"{title}: {header}", hint="")
                field = dataclasses.replace(field, checks=dataclasses.replace(field.checks, sums=grid.column_ids(column)))
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
        self.deciders, self.questions = deciders(form)
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


def deciders(form: FormDef) -> tuple[dict[str, FieldDef], dict[str, str]]:
    """The fields a condition of the form names, and the message id asking each: the label of
    its table row, or its own label or hint, or its kind's placeholder."""
    named = {f.relevant.field for f in form.field_defs() if f.relevant}
    if not named:
        return {}, {}
    found = {f.id: f for f in form.field_defs() if f.id in named}
    rows = {row.value.id: row.label for block in form.blocks if isinstance(block, LabelTableDef)
            for row in block.rows if isinstance(row.value, FieldDef)}
    return found, {i: rows.get(i) or f.label or f.hint or KINDS[f.kind].placeholder for i, f in found.items()}


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
