"""The hostile corpus (tests/hostile/): every case runs, and every total is 0."""
import contextlib
import os

from hostile.cases import CASES
from hostile.run import TOTALS, run_all


def test_the_corpus_covers_every_kind_of_untrusted_input():
    kinds = {case.kind for case in CASES}
    assert kinds == {"call", "data", "returned", "letterhead", "cli", "output", "import"}
    assert len(CASES) >= 150
    assert len({case.name for case in CASES}) == len(CASES)


def test_no_hostile_input_gets_through(tmp_path):
    lines = []
    cwd = os.getcwd()
    try:
        totals = run_all(tmp_path, jobs=2, echo=lines.append)
    finally:
        os.chdir(cwd)
        for path in tmp_path.rglob("*"):  # a case's unreadable folder must not stop pytest's cleanup
            if path.is_dir() and not path.is_symlink():
                with contextlib.suppress(OSError):
                    path.chmod(0o755)
    assert len(lines) == len(CASES) + 1
    failed = [line for line in lines if line.startswith("FAIL")]
    assert totals == dict.fromkeys(TOTALS, 0), "\n".join(failed)
