"""A call value that is one word of N characters (no space to break at): build every document and
format of one language and print the time per size, to show the layout stays linear.

    python benchmarks/bench_long_word.py [largest N, default 400000] [--key programme]
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from generator import DEFAULT_CALL
from generator.commands.build import build


def call_with_long_word(folder: Path, length: int, key: str) -> Path:
    """The default call with `key:` (a per-language text) replaced by one Latin word of `length` letters."""
    text = DEFAULT_CALL.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index(f"{key}:")
    word = ("abcdefghij" * (length // 10 + 1))[:length]
    lines[start + 1:start + 3] = [f"  ru: {word}", f"  ky: {word}"]
    path = folder / f"call-{length}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main(argv: list[str]) -> None:
    largest = int(argv[0]) if argv and argv[0].isdigit() else 400_000
    key = argv[argv.index("--key") + 1] if "--key" in argv else "programme"
    sizes = [largest // 8, largest // 4, largest // 2, largest]
    print(f"one word of N characters as `{key}`, build --lang ru (DOCX + PDF of every form, no page)")
    with tempfile.TemporaryDirectory() as folder:
        build(DEFAULT_CALL, Path(folder) / "warm", ["ru"], site=False)  # imports, fonts
        for length in sizes:
            call = call_with_long_word(Path(folder), length, key)
            start = time.perf_counter()
            outputs = build(call, Path(folder) / str(length), ["ru"], site=False).written
            seconds = time.perf_counter() - start
            total = sum(o.bytes for o in outputs) / 1e6
            print(f"N = {length:>7}: {seconds:6.2f} s  ({seconds / length * 1e6:5.2f} µs a character), {total:5.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
