"""A bilingual edition: one document with the first language's text (the registry's pair says which:
Kyrgyz, the state language, in the built-in forms) first and the second's beside or under it.

Every field appears once, in the first language's text, labelled in both languages. In the second's
text a blank inside a sentence is shown as a line to write on, and a blank that ends a line (a
label's answer) is left to the first language's.
"""
from __future__ import annotations

import dataclasses

from ..model.forms import Block, Cell, Document, Field, Paragraph, Table
from ..model.languages import edition_id

MIRROR = "_" * 10
COLUMN_STYLES = {"addressee": "annex"}  # half a page indent does not fit in half a page
STACKED_STYLES = {"bullet": "answer"}  # the translation of a question is not a second question


def bilingual(primary: Document, secondary: Document, layout: str) -> Document:
    """`layout` columns: side by side (letter, announcement); stacked: one under the other (tables)."""
    relabel = _Relabel({f.id: f for f in secondary.fields()})
    pairs = list(zip(primary.blocks, secondary.blocks))
    blocks = _columns(pairs, relabel) if layout == "columns" else _stacked(pairs, relabel)
    return dataclasses.replace(
        primary, lang=edition_id(primary.lang, secondary.lang), blocks=tuple(blocks),
        title=f"{primary.title} / {secondary.title}", footer=f"{primary.footer} / {secondary.footer}",
        languages=primary.languages + secondary.languages, titles=primary.titles + secondary.titles)


class _Relabel:
    """A field labelled in both languages, and so are its options."""

    def __init__(self, others: dict[str, Field]) -> None:
        self.others = others

    def field(self, field: Field) -> Field:
        other = self.others[field.id]
        checks = field.checks
        if checks.refusal or checks.out_of_range:  # a refusal says it in both languages, a line each
            checks = dataclasses.replace(checks, refusal=_lines(checks.refusal, other.checks.refusal),
                                         out_of_range=_lines(checks.out_of_range, other.checks.out_of_range))
        return dataclasses.replace(field, label=_both(field.label, other.label),
                                   choice_labels=tuple(map(_both, field.choice_labels, other.choice_labels)),
                                   checks=checks)

    def __call__(self, paragraph: Paragraph, style: str | None = None) -> Paragraph:
        runs = tuple(self.field(run) if isinstance(run, Field) else run for run in paragraph.runs)
        return dataclasses.replace(paragraph, runs=runs, style=style or paragraph.style)


def _both(first: str, second: str) -> str:
    return first if first == second else f"{first} / {second}"


def _lines(first: str, second: str) -> str:
    return first if first == second else f"{first}\n{second}"


def _has_words(paragraph: Paragraph) -> bool:
    return any(char.isalpha() for run in paragraph.runs if isinstance(run, str) for char in run)


def secondary_text(paragraph: Paragraph, style: str | None = None) -> Paragraph:
    """The other language's paragraph without fields: a line where a blank sits inside a sentence."""
    runs = list(paragraph.runs)
    while runs and (isinstance(runs[-1], Field) or not str(runs[-1]).strip()):
        runs.pop()
    text = "".join(MIRROR if isinstance(run, Field) else run for run in runs)
    return dataclasses.replace(paragraph, runs=(text,) if text else (), style=style or paragraph.style)


def _merge_cell(first: Cell, second: Cell, relabel: _Relabel) -> Cell:
    if [p.text for p in first] == [p.text for p in second] or not any(_has_words(p) for p in second):
        return tuple(relabel(p) for p in first)
    return (*(relabel(p) for p in first), *(secondary_text(p) for p in second))


def _merge_table(first: Table, second: Table, relabel: _Relabel) -> Table:
    rows = tuple(tuple(_merge_cell(a, b, relabel) for a, b in zip(row_a, row_b))
                 for row_a, row_b in zip(first.rows, second.rows))
    return dataclasses.replace(first, rows=rows)


def _columns(pairs: list[tuple[Block, Block]], relabel: _Relabel) -> list[Block]:
    blocks: list[Block] = []
    rows: list[tuple[Cell, Cell]] = []
    signed = False  # under a signature block, whose columns are the signers, not the languages
    for first, second in pairs:
        if isinstance(first, Table):
            blocks += [Table((1.0, 1.0), tuple(rows), borders=False)] if rows else []
            rows = []
            blocks.append(_merge_table(first, second, relabel))
            signed = first.keep_together
        elif signed:
            blocks += _under_signatures(first, second, relabel)
        else:
            style = COLUMN_STYLES.get(first.style, first.style)
            rows.append(((relabel(first, style),), (secondary_text(second, style),)))
    return blocks + ([Table((1.0, 1.0), tuple(rows), borders=False)] if rows else [])


def _under_signatures(first: Paragraph, second: Paragraph, relabel: _Relabel) -> list[Paragraph]:
    """A paragraph under the signatures (date, stamp, contacts) across the page, so no column of a
    signer holds a lone label: its words in both languages before its blanks («Мөөр / Печать»,
    one «Дата» where both say so); with words after a blank, the two paragraphs one under the other."""
    runs = first.runs
    start = next((n for n, run in enumerate(runs) if isinstance(run, Field)), len(runs))
    if any(isinstance(run, str) and run.strip() for run in runs[start:]):
        return [relabel(first), secondary_text(second)]
    label, other = "".join(runs[:start]).strip(), secondary_text(second).text.strip()
    if label.endswith(":") and other.endswith(":") and label != other:
        label = label[:-1]
    text = _both(label, other) if other else label
    return [relabel(dataclasses.replace(first, runs=(text + (" " if start < len(runs) else ""), *runs[start:])))]


def _stacked(pairs: list[tuple[Block, Block]], relabel: _Relabel) -> list[Block]:
    blocks: list[Block] = []
    for first, second in pairs:
        if isinstance(first, Table):
            blocks.append(_merge_table(first, second, relabel))
        elif not _has_words(second):
            blocks.append(relabel(first))
        else:
            blocks += [relabel(first), secondary_text(second, STACKED_STYLES.get(second.style))]
    return blocks
