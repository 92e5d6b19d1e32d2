"""Data for `fill` typed with letters of another alphabet that look like Kyrgyz or Russian ones: each
corrected where it looks like one letter only, and listed; one that looks like several left and listed."""
from __future__ import annotations

from pathlib import Path

from hostile.cases import FILL, case, write
from hostile.cases_data import _outcome, _row_value


def _corrected(folder: Path, manifest: dict) -> list[str]:
    wrong = []
    for number, field, value in ((2, "aa_name", "Өзгөн"), (3, "sender_district", "Кара-Суу"),
                                 (4, "aa_name", "Сyзак")):  # the Latin y: у or ү, which only a person can tell
        written = _row_value(folder, manifest, number, field)
        if written != value:
            wrong.append(f"row {number}: {field} written as {written!r}, not {value!r}")
    return wrong


@case("data", "csv-look-alike-letters", rows=(2, 3, 4, 5),
      expect=_outcome(0, (2, 3, 4, 5), notes=("Ɵ (U+019F) in 'Ɵзгөн' written as Ө", "K (U+004B) in 'Kара-Суу' written as К",
                                              "y (U+0079) in 'Сyзак'", "(write у / ү)"), check=_corrected))
def _(folder: Path) -> list[str]:
    write(folder, "data.csv", "aa_name,sender_district\nƟзгөн,Ала-Бука\nОш,Kара-Суу\nСyзак,Сузак\niPhone-Ош,Talas\n")
    return [*FILL, "--data", "data.csv"]
