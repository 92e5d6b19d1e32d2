"""Scans of printed pages as printers and scanners leave them (tests/paper.py): shifted on the glass,
shrunk by "fit to page", upside down, with the edges the printer did not reach, a corner torn off,
the code cut off. Every page must be read; where its code is truly gone, reported, never dropped."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from hostile.cases import case, filled_pdf
from paper import Handling, drawn_pages, print_and_scan

DPI = 200
ANSWERS = {"aa_name": "Ак-Суу", "population": "15230", "villages": "7"}  # on Annex 2's first page
NO_CODE = "no formgen page code found"
DARK = 20  # a sheet feeder's backing


@lru_cache(maxsize=1)
def printed() -> tuple:
    """Annex 2 (Kyrgyz) filled on screen and printed: its pages as the printer gets them."""
    return tuple(drawn_pages(filled_pdf(values=ANSWERS), DPI))


def scan_case(name: str, handlings: list[Handling], read: bool = True, torn: tuple[int, int] | None = None):
    """Annex 2's pages, one `Handling` each, scanned into one PDF; `torn`: a corner (right, top in
    millimetres) missing from the first page's scan."""
    def make(folder: Path) -> list[str]:
        (folder / "in").mkdir()
        scans = [print_and_scan(page, DPI, handling, seed=n)
                 for n, (page, handling) in enumerate(zip(printed(), handlings))]
        if torn:
            width = round(torn[0] * DPI / 25.4)
            scans[0].paste(255, (scans[0].width - width, 0, scans[0].width, round(torn[1] * DPI / 25.4)))
        scans[0].save(folder / "in" / "scan.pdf", "PDF", resolution=DPI, save_all=True, append_images=scans[1:])
        return ["collect", str(folder / "in"), "--out", str(folder / "out.json")]
    register = case("returned", name, inputs="in", outs=("out.json",),
                    expect=_every_page_read(len(handlings)) if read else _first_page_reported(len(handlings)))
    register(make)


def _outcome(folder: Path) -> tuple[dict[str, str], list[dict]]:
    """The application's row (its files and answers) and the problems."""
    data = json.loads((folder / "out.json").read_text(encoding="utf-8"))
    return (data["general"][0] if data["general"] else {}), data["problems"]


def _pages(row: dict) -> set[int]:
    """The scan's pages the application was read from."""
    return {int(part.rsplit("page ", 1)[1]) for part in row.get("files", "").split("; ") if "page " in part}


def _every_page_read(count: int):
    def expect(folder: Path, exit_code, output: str) -> list[str]:
        if exit_code not in (0, None):
            return [f"exit code {exit_code}: {output[-200:]}"]
        row, problems = _outcome(folder)
        wrong = [f"page {n} not read" for n in range(1, count + 1) if n not in _pages(row)]
        wrong += [f"{field_id} read as {row.get(field_id)!r}, not {value!r}" for field_id, value in ANSWERS.items()
                  if row.get(field_id) != value]
        wrong += [p["problem"] for p in problems if NO_CODE in p["problem"] or "registration marks" in p["problem"]]
        return wrong
    return expect


def _first_page_reported(count: int):
    def expect(folder: Path, exit_code, output: str) -> list[str]:
        if exit_code not in (0, None):
            return [f"exit code {exit_code}: {output[-200:]}"]
        row, problems = _outcome(folder)
        said = [p["problem"] for p in problems if p["file"].endswith("scan.pdf, page 1")]
        wrong = [] if any(NO_CODE in problem for problem in said) else [f"page 1 not reported: {said}"]
        wrong += [f"page {n} not read" for n in range(2, count + 1) if n not in _pages(row)]
        wrong += [] if any("page 1 of 4 missing" in p["problem"] for p in problems) else ["the missing page not named"]
        return wrong
    return expect


scan_case("scan-shifted-3mm-up-down-left-right",
          [Handling((0, -3)), Handling((0, 3), glass=DARK), Handling((-3, 0)), Handling((3, 0), glass=DARK)])
scan_case("scan-shifted-3mm-diagonally",
          [Handling((-3, -3), glass=DARK), Handling((3, -3)), Handling((-3, 3), glass=DARK), Handling((3, 3))])
scan_case("scan-fit-to-page-94-percent", [Handling(scale=0.94)] * 4)
scan_case("scan-upside-down-shrunk-and-shifted",
          [Handling(shift, 0.94, True, glass=DARK) for shift in ((3, 3), (-3, 3), (3, -3), (-3, -3))])
scan_case("scan-outer-5mm-unprinted",
          [Handling(unprinted_mm=5), Handling((3, 3), 0.94, True, unprinted_mm=5),
           Handling((-3, 0), unprinted_mm=5, glass=DARK), Handling(upside_down=True, unprinted_mm=5)])
# A torn corner takes a registration mark: the page is still read, by the other three.
scan_case("scan-corner-torn-off", [Handling()] * 4, torn=(25, 25))
# Laid 30 mm off the glass, the page lost its code: reported, and the page named as missing.
scan_case("scan-code-off-the-glass", [Handling((-30, 0))] + [Handling()] * 3, read=False)
