"""Read scanned returns back: seconds and memory per page of a 200 dpi scan.

    python benchmarks/bench_scan.py [APPLICATIONS]      (default 4: 4 × 5 pages)

Each application is the Kyrgyz letter and Annex 2 prefilled, printed (rendered) at 200 dpi,
turned by 1.5° and saved as greyscale PNG pages, as a scanner would. The pages are read here, one
by one, after the first application warmed up (tesseract's models, the blank pages to compare
with): the processor time of a page and the memory, which must not grow with pages. Then `collect`
reads them all as a user runs it, in its worker processes (which load the models themselves).
"""
from __future__ import annotations

import dataclasses
import resource
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

from generator import DEFAULT_CALL
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator.commands.collect import Forms, collect, read_file

DPI = 200
VALUES = {"aa_name": "Жаңы-Жол айыл аймагы", "postal_address": "Чүй облусу, Ысык-Ата району, Өрнөк айылы",
          "phone_fax": "0312 54-12-78", "territory_ha": "12500", "villages": "7", "population": "15230",
          "interaction_rating": "4", "activity_rating": "2", "problem_1": "Ичүүчү суу менен камсыз кылуу",
          "interaction_comment": "Жергиликтүү кеңеш менен иш үзгүлтүксүз жүрөт.",
          "activities_1_name": "Мектептин чатырын оңдоо", "activities_1_people": "320",
          "sender_head": "Асанов Бакыт Үсөнович", "sender_municipality": "Жаңы-Жол айыл аймагы",
          "municipality": "Жаңы-Жол", "letter_date": "03.02.2025", "contacts": "Кант шаары, тел. 0312 54-12-78"}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes


def scan_pages(call) -> list:
    pages = []
    for document in localized_documents(call, ["ky"], ["interest_letter", "annex2"]):
        ids = {f.id for f in document.fields()}
        pdf = pdfium.PdfDocument(render_bytes(document, "pdf", {k: v for k, v in VALUES.items() if k in ids}))
        pdf.init_forms()
        pages += [pdf[i].render(scale=DPI / 72, may_draw_forms=True).to_pil().convert("L").rotate(1.5, fillcolor=235)
                  for i in range(len(pdf))]
    return pages


def main(count: int) -> None:
    call = load_call(DEFAULT_CALL)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        pages = scan_pages(call)
        for n in range(count):
            (root / f"application-{n}").mkdir()
            for number, page in enumerate(pages, 1):
                page.save(root / f"application-{n}" / f"page-{number}.png")
        forms = Forms(call)
        for page in sorted((root / "application-0").iterdir()):  # warm-up
            read_file(page, forms)
        before = peak_mb()
        files = sorted(root.rglob("*.png"))
        start, cpu = time.perf_counter(), time.process_time()
        problems = [problem for page in files for problem in read_file(page, forms)[1]]
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"{len(files)} pages at {DPI} dpi ({count} applications, {len(problems)} problems): "
              f"{cpu / len(files):.2f} s of processor time a page ({took / len(files):.2f} s by the clock, one "
              f"process); peak memory {peak_mb():.0f} MB, of which {before:.0f} MB before the timed run: a page is "
              "read and let go, memory does not grow with pages")
        start = time.perf_counter()
        applications, _ = collect([root], forms=forms)
        print(f"collect of the {len(files)} pages ({len(applications)} applications), in its workers: "
              f"{time.perf_counter() - start:.1f} s by the clock")

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)
