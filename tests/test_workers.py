"""Both cores, one way (generator/workers.py): whatever the processes, every item's result comes
back in order, the same as one process gives; a worker that dies costs only time; nothing is left
running; and a build made by two processes is byte for byte the build one process makes."""
import faulthandler
import itertools
import os
import signal
from pathlib import Path

import pytest

from generator import DEFAULT_CALL
from generator.commands import build as build_module
from generator.errors import FormgenError
from generator.workers import in_order

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")
MAIN = os.getpid()


@pytest.fixture(autouse=True)
def no_hang():
    """A pool that deadlocks fails its test instead of stopping the run."""
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("no answer in 60 s: the workers hang"))
    signal.alarm(60)
    yield
    signal.alarm(0)


def square(item: int) -> tuple[int, bool]:
    return item * item, os.getpid() != MAIN


def children() -> list[int]:
    """The processes this one started and has not reaped (Linux: read from /proc)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == MAIN:
            found.append(int(pid))
    return found


@pytest.mark.parametrize("count", [0, 1, 2, 3, 7, 100])
@pytest.mark.parametrize("processes, here, batch", [(1, False, 1), (2, True, 1), (2, False, 1), (3, False, 4),
                                                    (3, True, 32)])
def test_every_item_comes_back_in_order(count, processes, here, batch):
    results = list(in_order(square, range(count), processes, here=here, batch=batch))
    assert [(item, value) for item, (value, _) in results] == [(i, i * i) for i in range(count)]
    assert children() == []


def test_the_work_is_shared_with_forked_processes_once_there_are_enough_items():
    in_workers = {item: forked for item, (_, forked) in in_order(square, range(20), 2, here=True, parallel_from=8)}
    assert set(in_workers.values()) == {True, False}  # this process did its share, a worker the rest
    few = {forked for _, (_, forked) in in_order(square, range(7), 2, parallel_from=8)}
    assert few == {False}  # too few to pay for a process
    assert {forked for _, (_, forked) in in_order(square, range(20), 1, parallel_from=8)} == {False}


def test_where_processes_cannot_fork_everything_is_worked_on_here(monkeypatch):
    expected = list(in_order(square, range(30), 1))
    monkeypatch.delattr(os, "fork")
    assert list(in_order(square, range(30), 2, parallel_from=1)) == expected


def test_big_items_and_big_answers_cross_without_a_hang():
    """Items and answers far larger than a pipe holds, many in flight at once."""
    items = [bytes([n]) * 300_000 for n in range(24)]
    results = list(in_order(lambda data: data * 2, items, 3, ahead=4, parallel_from=1))
    assert [answer for _, answer in results] == [data * 2 for data in items]


def test_items_are_drawn_only_a_few_ahead_of_the_results():
    drawn = []
    numbers = (drawn.append(n) or n for n in itertools.count())
    results = in_order(square, numbers, 2, batch=4, ahead=2, parallel_from=8)
    taken = list(itertools.islice(results, 50))
    assert [item for item, _ in taken] == list(range(50))
    assert len(drawn) <= 50 + 2 * 2 * 4 + 4
    results.close()  # a consumer that stops early leaves no worker behind
    assert children() == []


def dies_in_a_worker(on: set[int], how=lambda: os.kill(os.getpid(), signal.SIGSEGV), once: Path | None = None):
    def work(item: int):
        if item in on and os.getpid() != MAIN and not (once and once.exists()):
            if once:
                once.touch()
            faulthandler.disable()  # pytest's: it would print the dying worker's stack
            how()
        return item * item
    return work


@pytest.mark.parametrize("here", [True, False])
def test_a_worker_that_dies_costs_its_items_a_second_try_alone(tmp_path, here):
    once = tmp_path / "died"
    results = dict(in_order(dies_in_a_worker({5}, once=once), range(40), 2, here=here, batch=4, parallel_from=1,
                            died=lambda item, status: pytest.fail(f"{item} died twice")))
    assert once.exists() and results == {i: i * i for i in range(40)}
    assert children() == []


@pytest.mark.parametrize("how, status", [(lambda: os.kill(os.getpid(), signal.SIGSEGV), -signal.SIGSEGV),
                                         (lambda: os._exit(3), 3)], ids=["segfault", "exit"])
def test_an_item_that_kills_its_second_process_too_goes_to_died(how, status):
    results = dict(in_order(dies_in_a_worker({5, 30}, how), range(40), 2, batch=4, parallel_from=1,
                            died=lambda item, exit_status: ("died", item, exit_status)))
    assert results == {i: ("died", i, status) if i in (5, 30) else i * i for i in range(40)}
    assert children() == []


def test_by_default_an_item_that_kills_its_processes_is_worked_on_here(tmp_path):
    """As `build` and `fill` use them: where the error is reported as any other."""
    results = dict(in_order(dies_in_a_worker({7}, lambda: os._exit(3)), range(20), 2, here=True, parallel_from=1))
    assert results == {i: i * i for i in range(20)}


def test_an_error_in_a_worker_is_raised_here_and_stops_every_worker():
    def work(item: int) -> int:
        if item == 11:
            raise FormgenError("x.csv", "row 11", "no space left", "free some space")
        return item

    with pytest.raises(FormgenError, match="row 11: no space left"):
        list(in_order(work, range(100), 2, ahead=4, parallel_from=1))
    assert children() == []


def stuck_in_c(item: int) -> int:
    """Item 6 never ends in a worker, inside C: a regular expression backtracking through 2^40 ways
    holds the interpreter, so no Python-level handler could ever run (only the system can stop it)."""
    import re
    if item == 6 and os.getpid() != MAIN:
        re.match(r"(a+)+$", "a" * 40 + "!")
    return item * item


@pytest.mark.parametrize("processes, many", [(2, 1), (2, 50), (1, 50)], ids=["2 workers", "one for few", "one core"])
def test_an_item_that_outlasts_its_patience_goes_to_died_and_the_rest_is_answered(processes, many):
    """With `patience`, a worker stuck on one item is ended by the alarm and the item, alone again and
    stuck again, goes to `died`; with fewer items than pay for a pool, or one core, one worker still
    reads them, so that every item has the deadline."""
    results = dict(in_order(stuck_in_c, range(12), processes, batch=4, parallel_from=many, patience=0.5,
                            died=lambda item, status: ("died", item, status)))
    assert results == {i: ("died", 6, -signal.SIGALRM) if i == 6 else i * i for i in range(12)}
    assert children() == []


def test_patience_is_per_item_not_per_batch():
    def slow(item: int) -> int:
        import time
        time.sleep(0.15)
        return item
    results = dict(in_order(slow, range(8), 2, batch=8, parallel_from=1, patience=0.5,
                            died=lambda item, status: pytest.fail(f"{item} ran out of time")))
    assert results == {i: i for i in range(8)}  # 8 × 0.15 s in one batch: each item well within 0.5 s


# ---- build ------------------------------------------------------------------------------------------

def built_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_by_two_processes_writes_what_one_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "usable_jobs", lambda jobs: 1)
    build_module.build(DEFAULT_CALL, tmp_path / "one")
    monkeypatch.setattr(build_module, "usable_jobs", lambda jobs: 2)
    build_module.build(DEFAULT_CALL, tmp_path / "two")
    one, two = built_bytes(tmp_path / "one"), built_bytes(tmp_path / "two")
    assert one == two and any(name.endswith(".pdf") for name in one) and any(name.endswith(".docx") for name in one)


def test_a_fill_where_processes_cannot_fork_writes_what_its_workers_write(tmp_path, monkeypatch):
    """On Windows fill works in one process: the same files, the same manifest."""
    from test_fill_collect import municipalities, write_csv

    from generator.commands.fill import PARALLEL_FROM, fill
    from generator.pipeline import fillable_forms

    data = write_csv(tmp_path / "rows.csv", municipalities(PARALLEL_FROM + 4))
    fill(data, DEFAULT_CALL, tmp_path / "forked", ["ky"], ["docx", "pdf"], jobs=2)
    monkeypatch.delattr(os, "fork")
    fill(data, DEFAULT_CALL, tmp_path / "here", ["ky"], ["docx", "pdf"], jobs=2)
    forked, here = built_bytes(tmp_path / "forked"), built_bytes(tmp_path / "here")
    files = (PARALLEL_FROM + 4) * len(fillable_forms()) * 2  # every row: each form with fields, DOCX and PDF
    assert forked == here and len(forked) == files + 1  # and the manifest

