"""Write docs/errors.md from generator/commands/codes.yaml, the data `formgen explain` prints.

    python tools/make_errors_page.py
"""
from pathlib import Path

from generator.commands.explain import errors_page

PAGE = Path(__file__).resolve().parent.parent / "docs" / "errors.md"

if __name__ == "__main__":
    PAGE.write_text(errors_page(), encoding="utf-8")
    print(f"wrote {PAGE}")
