"""Letterhead PDFs a tagged (PDF/UA) letter cannot be put on as they are: their fonts not embedded.
Refused with one line that says how to export the letterhead again; nothing is written."""
from __future__ import annotations

from pathlib import Path

from hostile.cases import case


def _refused(folder: Path, exit_code: int, output: str) -> list[str]:
    wrong = []
    if exit_code != 1:
        wrong.append(f"exit code {exit_code}, not 1")
    if "not embedded" not in output or "export the letterhead again" not in output:
        wrong.append(f"does not say the fonts are not embedded and what to do: {output[-300:]}")
    if "Traceback" in output:
        wrong.append("a traceback")
    if (folder / "out").exists() and any((folder / "out").rglob("*.pdf")):
        wrong.append("a PDF was written")
    return wrong


@case("letterhead", "pdf-fonts-not-embedded", expect=_refused)
def fonts_not_embedded(folder: Path) -> list[str]:
    from test_letterhead import letterhead_pdf

    path = letterhead_pdf(folder / "letterhead.pdf", embedded=False)
    return ["build", "--out", "out", "--lang", "ru", "--form", "interest_letter", "--no-site", "--format", "pdf",
            "--letterhead-pdf", str(path)]
