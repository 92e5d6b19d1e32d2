"""The two models, as plain frozen dataclasses with no I/O.

Definitions (`*Def`) are what `forms/*.yaml` says: structure, field ids and message ids. Each block
knows its own fields (`field_defs`, grid cells and numbered lists expanded) and the message ids it
uses (`message_ids`), so nothing else has to walk the block types.
The localized document (`Document` and below) is what renderers draw: every message resolved to
plain text in one language, every blank a `Field`. Renderers never see message ids or settings.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from decimal import Decimal
from typing import Iterator, Union

from .kinds import KINDS, RATING_CHOICES  # noqa: F401 (RATING_CHOICES: re-exported)
from .languages import Language, edition_languages

FIELD_KINDS = tuple(KINDS)
PARAGRAPH_STYLES = ("body", "plain", "annex", "addressee", "title", "heading", "bullet", "answer", "stamp")


# ---- definitions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class OptionDef:
    value: str  # what `collect` returns and the PDF exports: ASCII snake_case
    label: str  # message id of what the form shows


@dataclass(frozen=True)
class Relevance:
    """When a field applies: only while another field of its form holds one of `values` (XLSForm's
    `relevant`, in the one shape a definition may write: `{field: has_specialist, is: yes}`)."""

    field: str  # the field whose answer decides: a choice, yesno or rating
    values: tuple[str, ...]  # its canonical values that make the field apply

    def described(self) -> str:
        """As a problem line says it: `has_specialist is yes`, `rating is 1 or 2`."""
        return f"{self.field} is {' or '.join(self.values)}"


@dataclass(frozen=True)
class FieldDef:
    id: str
    kind: str
    hint: str | None = None  # message id of the grey placeholder / the small print under the line
    label: str | None = None  # message id naming the field in tooltips and spreadsheets
    lines: int = 1
    required: bool = False  # marked on the form; `formgen collect` reports a returned form that leaves it empty
    options: tuple[OptionDef, ...] = ()  # a choice's list
    min: Decimal | None = None  # number, amount
    max: Decimal | None = None
    max_length: int | None = None  # text kinds
    relevant: Relevance | None = None  # applies only when another field has some value; always when None

    def message_ids(self) -> Iterator[str]:
        yield from (m for m in (self.hint, self.label) if m)
        yield from (option.label for option in self.options)


@dataclass(frozen=True)
class ParagraphDef:
    text: str  # message id; its {placeholders} are this paragraph's fields or call values
    style: str = "body"
    fields: tuple[FieldDef, ...] = ()

    def field_defs(self) -> Iterator[FieldDef]:
        yield from self.fields

    def message_ids(self) -> Iterator[str]:
        yield self.text
        for field in self.fields:
            yield from field.message_ids()


@dataclass(frozen=True)
class FieldBlockDef:
    field: FieldDef

    def field_defs(self) -> Iterator[FieldDef]:
        yield self.field

    def message_ids(self) -> Iterator[str]:
        yield from self.field.message_ids()


@dataclass(frozen=True)
class RowDef:
    label: str  # message id
    value: Union[FieldDef, ParagraphDef]

    def field_defs(self) -> Iterator[FieldDef]:
        yield from (self.value.field_defs() if isinstance(self.value, ParagraphDef) else (self.value,))

    def message_ids(self) -> Iterator[str]:
        yield self.label
        yield from self.value.message_ids()


@dataclass(frozen=True)
class LabelTableDef:
    id: str
    widths: tuple[float, ...]
    rows: tuple[RowDef, ...]

    def field_defs(self) -> Iterator[FieldDef]:
        for row in self.rows:
            yield from row.field_defs()

    def message_ids(self) -> Iterator[str]:
        for row in self.rows:
            yield from row.message_ids()


@dataclass(frozen=True)
class NumberedFieldsDef:
    id: str  # fields are <id>_1 … <id>_<count>
    count: int
    kind: str
    label: str  # message id with {number}

    def field_id(self, number: int) -> str:
        return f"{self.id}_{number}"

    def field_defs(self) -> Iterator[FieldDef]:
        for number in range(1, self.count + 1):
            yield FieldDef(self.field_id(number), self.kind)

    def message_ids(self) -> Iterator[str]:
        yield self.label


@dataclass(frozen=True)
class ColumnDef:
    id: str
    header: str  # message id
    width: float
    kind: str = "text"
    options: tuple[OptionDef, ...] = ()
    min: Decimal | None = None
    max: Decimal | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class GridDef:
    id: str  # fields are <id>_<row>_<column id>
    columns: tuple[ColumnDef, ...]
    rows: int = 10
    total: str | None = None  # message id labelling a last row with <id>_total_<column> under numeric columns

    def field_id(self, row: int, column: ColumnDef) -> str:
        return f"{self.id}_{row}_{column.id}"

    def column_field(self, row: int, column: ColumnDef) -> FieldDef:
        return FieldDef(self.field_id(row, column), column.kind, options=column.options,
                        min=column.min, max=column.max, max_length=column.max_length)

    def total_columns(self) -> tuple[ColumnDef, ...]:
        """The columns a total row adds up: the number and amount columns."""
        return tuple(column for column in self.columns if KINDS[column.kind].numeric)

    def total_field(self, column: ColumnDef) -> FieldDef:
        return FieldDef(f"{self.id}_total_{column.id}", column.kind)

    def column_ids(self, column: ColumnDef) -> tuple[str, ...]:
        """The fields of a column, first row first: what its total adds up."""
        return tuple(self.field_id(row, column) for row in range(1, self.rows + 1))

    def field_defs(self) -> Iterator[FieldDef]:
        for row in range(1, self.rows + 1):
            for column in self.columns:
                yield self.column_field(row, column)
        if self.total:
            yield from (self.total_field(column) for column in self.total_columns())

    def message_ids(self) -> Iterator[str]:
        yield from (column.header for column in self.columns)
        yield from (option.label for column in self.columns for option in column.options)
        yield from (self.total,) if self.total else ()


@dataclass(frozen=True)
class SignaturesDef:
    parts: tuple[ParagraphDef, ...]

    def field_defs(self) -> Iterator[FieldDef]:
        for part in self.parts:
            yield from part.field_defs()

    def message_ids(self) -> Iterator[str]:
        for part in self.parts:
            yield from part.message_ids()


BlockDef = Union[ParagraphDef, FieldBlockDef, LabelTableDef, NumberedFieldsDef, GridDef, SignaturesDef]


@dataclass(frozen=True)
class FormDef:
    id: str
    title: str  # message id
    blocks: tuple[BlockDef, ...]
    letterhead: bool = False
    page_numbers: bool = False
    bilingual: str = "stacked"  # layout of its bilingual editions: columns | stacked
    pages: tuple[tuple[str, int], ...] = ()  # page budget per edition id
    source: str = ""
    mark_required: bool = True  # a mark at each required blank and a note saying what it means
    optional: bool = False  # an application need not include it: collect does not ask for it
    choice_labels: tuple[str, ...] = ()  # message ids of every choice list it may use (own and shared), used or not
    step: str = ""  # message id: how the download page's steps ask an applicant to fill it in

    @property
    def fillable(self) -> bool:
        return next(self.field_defs(), None) is not None

    def field_defs(self) -> Iterator[FieldDef]:
        """Every field in reading order, grid cells and numbered lists expanded."""
        for block in self.blocks:
            yield from block.field_defs()

    def message_ids(self) -> Iterator[str]:
        """Every message id the definition uses, in reading order (may repeat)."""
        yield self.title
        yield from (self.step,) if self.step else ()
        yield from self.choice_labels
        for block in self.blocks:
            yield from block.message_ids()


@dataclass(frozen=True)
class ProjectSettings:
    """`forms/project.yaml`: what concerns all the forms of a project together."""

    order: tuple[str, ...] = ()  # form ids: download page, bundle, `fill`; the rest follow by file name
    folder_name: tuple[str, ...] = ()  # field ids: `fill` names a row's folder after the first given


# ---- the localized document --------------------------------------------------------------------

@dataclass(frozen=True)
class Checks:
    """What a field does as it is filled on screen, where a viewer runs form scripts
    (formats/pdf/scripts.py): the words it refuses a value with, in the field's language (both, in a
    bilingual edition), its bounds, and what a total adds up."""

    refusal: str = ""  # a value of the wrong shape: a letter in an amount, 31.02.2027, «aksuu@»
    min: Decimal | None = None
    max: Decimal | None = None
    out_of_range: str = ""  # a number outside min and max
    sums: tuple[str, ...] = ()  # a grid total: the fields of its column
    group: str = ""  # how the field's language writes a number: «1 250 000,50»
    decimal: str = ""


@dataclass(frozen=True)
class Field:
    id: str
    kind: str
    label: str
    hint: str
    lang: str
    lines: int = 1
    choices: tuple[str, ...] = ()  # values of a rating's or a choice's options
    choice_labels: tuple[str, ...] = ()  # what each option shows, in the field's language
    max_length: int = 0
    required: bool = False
    relevant: Relevance | None = None
    checks: Checks = Checks()


Run = Union[str, Field]


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    lang: str
    style: str = "body"

    @property
    def text(self) -> str:
        return "".join(run for run in self.runs if isinstance(run, str))


Cell = tuple[Paragraph, ...]  # a table cell: one paragraph, or several (both languages of a label)


@dataclass(frozen=True)
class Table:
    """A grid of cells. `widths` are relative; `header_rows` repeat on each page."""

    widths: tuple[float, ...]
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 0
    borders: bool = True
    keep_together: bool = False  # all rows on one page, and with what comes before (signatures)


Block = Union[Paragraph, Table]


@dataclass(frozen=True)
class Document:
    form_id: str
    lang: str
    call_id: str
    title: str
    blocks: tuple[Block, ...]
    letterhead_mm: float = 0.0
    page_numbers: bool = False
    footer: str = ""  # names the call, so a printed page can be matched to it
    row: str = ""  # a prefilled copy: its data row's folder name, which the page codes carry
    letterhead_alt: str = ""  # a letter's: what a screen reader says of the letterhead it is put on
    # the registry's entry of each language in it, main language first: out of its repr, which is
    # the source a build records (manifest.json), as the language's tag was code before it was data
    languages: tuple[Language, ...] = dataclass_field(default=(), repr=False, compare=False)
    # the title in each of those languages (`title` joins them): made from the same texts as `title`
    titles: tuple[str, ...] = dataclass_field(default=(), repr=False, compare=False)

    @property
    def language(self) -> str:
        """The main language: the edition itself, or the first language of a bilingual edition."""
        return edition_languages(self.lang)[0]

    def tag_of(self, lang: str) -> str:
        """The BCP 47 tag of a language of the document (`lang`: its code)."""
        return next(language.tag for language in self.languages if language.code == lang)

    def paragraphs(self) -> Iterator[Paragraph]:
        for block in self.blocks:
            if isinstance(block, Table):
                for row in block.rows:
                    for cell in row:
                        yield from cell
            else:
                yield block

    def fields(self) -> Iterator[Field]:
        for paragraph in self.paragraphs():
            yield from (run for run in paragraph.runs if isinstance(run, Field))

    def questions(self) -> dict[str, str]:
        """{field id: what asks for it}: its label; for a blank labelled by its hint alone, the text of
        its paragraph with … where the blank is, or, for a blank alone in its paragraph, the
        paragraph before it. What a table of answers heads its column with: never a hint («name»)."""
        questions: dict[str, str] = {}
        before = ""
        for paragraph in self.paragraphs():
            for run in paragraph.runs:
                if isinstance(run, Field):
                    labelled = run.label and run.label != run.hint
                    questions.setdefault(run.id, run.label if labelled else _question(paragraph, run) or before)
            before = paragraph.text.strip().rstrip(":").strip() or before
        return questions


QUESTION_CHARACTERS = 80  # of a long paragraph, what is kept around the blank


def _question(paragraph: Paragraph, blank: Field) -> str:
    """The paragraph's text with … for the blank (and no other blank: each reads differently),
    shortened around it; empty when it holds no text."""
    if not paragraph.text.strip():
        return ""
    marker = "\0"
    words = " ".join(marker if run is blank else "" if isinstance(run, Field) else run  # the other blanks left out
                     for run in paragraph.runs).split()
    at = words.index(marker)
    start, end = at, at + 1
    while (start > 0 or end < len(words)) and len(" ".join(words[start:end])) < QUESTION_CHARACTERS:
        start, end = max(start - 1, 0), min(end + 1, len(words))
    text = " ".join(words[start:end]).replace(marker, "…")
    return ("… " if start else "") + text.rstrip(":") + (" …" if end < len(words) else "")
