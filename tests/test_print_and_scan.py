"""What printers and scanners do to a page, and `collect` reading it back all the same: pages
printed "fit to page" (94 %), shifted 3 mm on the scanner's glass in every direction, turned upside
down, all of these at once, the outer 5 mm left unprinted, the sheet on a dark backing. Every page
must be identified and every answer on it read (see tests/paper.py for the simulation)."""
from __future__ import annotations

import dataclasses
import itertools

import pytest

from generator.pipeline import render_bytes
from generator.commands.collect import collect
from paper import SHIFTS, Handling, as_jpeg, drawn_pages, print_and_scan
from test_scan import PEN, check_fields, pen, scanning_tools, values_for  # noqa: F401 (scanning_tools: autouse)

DPI = 200
LIGHT, DARK = 235, 20  # a scanner's lid, a sheet feeder's backing: what the scan shows where the sheet is not
HANDLINGS = [Handling(shift, scale, turned, glass=(LIGHT, DARK)[n % 2])
             for n, (turned, scale, shift) in enumerate(itertools.product((False, True), (1.0, 0.94), SHIFTS))]
HANDLINGS += [Handling(unprinted_mm=5), Handling((3, 3), 0.94, True, unprinted_mm=5),
              Handling((-3, -3), 1.0, True, unprinted_mm=5, glass=DARK)]


@pytest.fixture(scope="module")
def application(documents):
    """The Kyrgyz letter and Annex 2 filled on screen and printed, a rating of each page circled by pen:
    [(page image, form id)] and the answers."""
    pages, expected = [], {}
    for form in ("interest_letter", "annex2"):
        document = documents[(form, "ky")]
        values = values_for(document, "ky")
        expected |= values
        drawn = drawn_pages(render_bytes(dataclasses.replace(document, row=""), "pdf", values), DPI)
        for number, page in enumerate(drawn):
            pen(page, document, number, DPI, PEN)
        pages += drawn
    expected |= {field_id: value for field_id, (value, _) in PEN.items()}
    return pages, expected


def test_every_page_is_read_back_however_it_was_printed_and_scanned(tmp_path, application, call):
    pages, expected = application
    assert len(HANDLINGS) % len(pages) == 0, "each application gets one of each page"
    handled = {}
    for index, handling in enumerate(HANDLINGS):
        folder = tmp_path / f"application-{index // len(pages)}"
        folder.mkdir(exist_ok=True)
        path = folder / f"page-{index % len(pages) + 1}.jpg"
        path.write_bytes(as_jpeg(print_and_scan(pages[index % len(pages)], DPI, handling, seed=index)))
        handled[str(path)] = handling

    applications, problems = collect([tmp_path], call)
    assert not problems, "\n".join(f"{handled.get(where.split(', page')[0], where)}: {problem}" for where, problem in problems)
    assert len(applications) == len(HANDLINGS) // len(pages)
    for read in applications:
        sources = sorted(str(f.path).split(", page")[0] for f in read.files)
        assert len(sources) == len(pages), read.key
        how = "; ".join(str(handled[source]) for source in sources)
        try:
            check_fields(read.values(), expected)
        except AssertionError as fault:
            raise AssertionError(f"{read.key} ({how}): {fault}") from None
