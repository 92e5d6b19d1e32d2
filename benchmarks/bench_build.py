"""Build the whole default call N times in-process; print median times and file sizes, and the CPU
time of writing a row into each blank PDF (what `fill` does per row).

    python benchmarks/bench_build.py [N] [--format docx] [--format pdf]
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from generator import DEFAULT_CALL
from generator.commands.build import build
from generator.formats.registry import FORMATS
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator.sources.project import BUILTIN

EDITIONS = BUILTIN.languages.edition_ids


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:7.1f} ms"


def pdf_fill_cpu(document, runs: int) -> str:
    """CPU time of writing one row (a few values and its folder name in the page codes) into the
    document's rendered blank PDF, as `fill` does for every row."""
    from generator.formats.pdf.layout import fill_blank, render_blank

    blank = render_blank(document)
    row = {"aa_name": "Айыл аймагы 7", "sender_head": "Башчы 7", "population": "1007", "interaction_rating": "3"}
    values = {key: value for key, value in row.items() if any(w.field_id == key for w in blank.widgets)}
    samples = []
    for number in range(runs * 4):
        start = time.process_time()
        fill_blank(blank, replace(document, row=f"Айыл аймагы {number}"), values)
        samples.append(time.process_time() - start)
    return f"{median_ms(samples)} CPU ({len(values)} values)"


def main(argv: list[str]) -> None:
    runs = int(argv[0]) if argv and argv[0].isdigit() else 20
    formats = [argv[i + 1] for i, a in enumerate(argv) if a == "--format"] or list(FORMATS)
    call = load_call(DEFAULT_CALL)
    documents = localized_documents(call, EDITIONS)
    print(f"{runs} runs, formats {', '.join(formats)}; medians after one warm-up run")
    for document in documents:
        for fmt in formats:
            render_bytes(document, fmt)  # warm-up: imports, font subsets
            samples, size = [], 0
            for _ in range(runs):
                start = time.perf_counter()
                size = len(render_bytes(document, fmt))
                samples.append(time.perf_counter() - start)
            print(f"{document.lang}/{document.form_id}.{fmt:<5} {median_ms(samples)}  {size / 1024:6.1f} KB")
        if "pdf" in formats:
            print(f"{document.lang}/{document.form_id}.pdf   fill of a row: {pdf_fill_cpu(document, runs)}")
    scopes = {
        "letter and Annex 2, ru and ky, DOCX": dict(langs=["ru", "ky"], form_ids=["interest_letter", "annex2"],
                                                   formats=["docx"], site=False),
        f"everything: {len(documents)} documents × {len(formats)} formats, manifest, page, zip": dict(formats=formats),
    }
    for label, options in scopes.items():
        with tempfile.TemporaryDirectory() as out:
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                build(DEFAULT_CALL, Path(out), **options)
                samples.append(time.perf_counter() - start)
        print(f"full build, {label}: {median_ms(samples)}")


if __name__ == "__main__":
    main(sys.argv[1:])
