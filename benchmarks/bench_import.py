"""How long `formgen import` takes, and how well it does, on the test documents (tests/import_documents.py:
Annex 2 and the letter from the seed texts, a registration form of another shape, each in Russian
and Kyrgyz): the median wall time of an import in a fresh process and in-process, the blanks of the
hand-written forms found, the kinds that agree, and the word recall of the built PDF.

    python benchmarks/bench_import.py [RUNS]
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from cli_runner import CliRunner  # noqa: E402
from generator.cli import app  # noqa: E402
from generator.sources.definitions import load_forms  # noqa: E402
from import_documents import all_documents  # noqa: E402
from test_call import pdf_text  # noqa: E402
from test_import import (LANGS, PAIRS, document_words, hint_texts, imported_forms, matched_fields,  # noqa: E402
                         recall)
from seed_text import words  # noqa: E402

FORMGEN = [sys.executable, "-c", "from generator.cli import main; main()"]


def invoke(*args) -> None:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output


def main(runs: int) -> None:
    from generator import DEFAULT_CALL
    from generator.sources.call import load_call

    call = load_call(DEFAULT_CALL)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        documents = all_documents(root, LANGS)
        for name, (form_id, loose) in PAIRS.items():
            args = [documents[name, "ru"], documents[name, "ky"], "--id", f"{form_id}_imported", "--force",
                    "--report", root / "r.md", *(["--loose"] if loose else [])]
            cold, warm = [], []
            for run in range(runs):
                project = root / f"project-{name}-{run}"
                invoke("init", project)
                started = time.perf_counter()
                subprocess.run([*FORMGEN, "import", *map(str, args), "--project", str(project)], check=True,
                               capture_output=True)
                cold.append(time.perf_counter() - started)
                started = time.perf_counter()
                invoke("import", *args, "--project", project)
                warm.append(time.perf_counter() - started)
            print(f"{name:16} import: {statistics.median(cold):.2f} s in a fresh process, "
                  f"{statistics.median(warm) * 1000:.0f} ms in-process (median of {runs})")
            quality(name, f"{form_id}_imported", project, documents, call, root)


def quality(name: str, form_id: str, project: Path, documents: dict, call, root: Path) -> None:
    builtin = load_forms()
    if name in builtin:
        pairs, missed, extra = matched_fields(project, builtin[name], imported_forms(project)[form_id], call)
        agree = sum(1 for hand, own in pairs if hand.kind == own.kind)
        print(f"{'':16} blanks of the hand-written form found: {len(pairs)} of {len(pairs) + len(missed)}, "
              f"fields with no blank there: {len(extra)}, kinds alike: {agree} of {len(pairs)}")
    out = root / f"out-{name}"
    invoke("build", "--project", project, "--out", out, "--form", form_id, "--format", "pdf", "--no-site")
    for lang in LANGS:
        built = words(pdf_text((out / "2025" / lang / f"{form_id}.pdf").read_bytes()))
        expected = document_words(documents[name, lang], hint_texts(project, form_id, lang))
        print(f"{'':16} word recall of the built PDF, {lang}: {recall(expected, built):.3f} of {len(expected)} words")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
