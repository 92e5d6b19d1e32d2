"""Render every page of every PDF of a build to PNG, for the print check by eye.

    python benchmarks/render_pages.py output/2025 [DPI]   → output/2025/pages/<lang>-<form>-<n>.png

Needs pypdfium2 (the test extras).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2 as pdfium


def main(folder: Path, dpi: int) -> None:
    target = folder / "pages"
    target.mkdir(exist_ok=True)
    count = 0
    for path in sorted(folder.glob("*/*.pdf")):
        pdf = pdfium.PdfDocument(path.read_bytes())
        for number in range(len(pdf)):
            image = pdf[number].render(scale=dpi / 72, may_draw_forms=True).to_pil()
            image.save(target / f"{path.parent.name}-{path.stem}-{number + 1}.png")
            count += 1
    print(f"{count} pages rendered into {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 60)
