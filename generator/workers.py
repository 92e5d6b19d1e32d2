"""Both cores: many items worked on by forked processes, the results handed back in order.

The one way every command uses them: `build` (this process renders its share too), `fill` and
`collect` (this process hands out the items and takes the results). A worker begins as a copy of
this process (os.fork), so what it has loaded and made is there already: only items and results
cross, pickled, through pipes. Where the system cannot fork (Windows), has one core, or there are
too few items for processes to pay, everything is worked on here: the same results, in the same order.

A worker that dies (a crash in a C library, the system out of memory) costs only time: every item
it had and had not answered is worked on again alone, each in a new process, and an item that
kills that process too is given to `died`. The items after them go to a new worker. With
`patience`, a worker stuck on one item (a library looping on a hostile file) is ended after that
many seconds by the system's alarm, which stops it even inside C code, and so dies the same way.

ProcessPoolExecutor would do much of this, but costs 6–8 ms to start and stop, a tenth of a build.
"""
from __future__ import annotations

import itertools
import os
import signal
import struct
from collections import deque
from typing import Callable, Iterable, Iterator, TypeVar

# pickle and select are imported where workers start: a build of one document starts none, and
# loading them cost it about 2 ms.

Item = TypeVar("Item")
Result = TypeVar("Result")
_LENGTH = struct.Struct("<Q")  # before each answer: the length of its pickle
PIPE_ROOM = 1 << 20  # bytes of answers a worker's pipe holds, where the system lets it be set


def usable_jobs(jobs: int | None) -> int:
    """The processes to work with: as asked (two when not), never more than the cores this process may use."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(jobs or 2, cores))


def in_order(work: Callable[[Item], Result], items: Iterable[Item], processes: int, *, here: bool = False,
             batch: int = 1, ahead: int = 2, parallel_from: int = 2, prepare: Callable[[], object] | None = None,
             died: Callable[[Item, int], Result] | None = None,
             patience: float | None = None) -> Iterator[tuple[Item, Result]]:
    """(item, work(item)) for every item, in the items' order, by `processes` processes at once: with
    `here`, this one among them. Items go out `batch` at a time, at most `ahead` batches to each
    process, so memory stays flat however many items there are. `prepare()` runs before the first
    worker starts (what it makes, the workers share). `died(item, exit status)` is what an item that
    kills the process working on it twice gives; by default it is worked on here, where its error
    shows as any other. With `patience`, a worker that takes longer than that many seconds over one
    item is ended (SIGALRM, given to `died` when alone); items worked on here have no deadline.
    `work` must give what pickle carries."""
    items = iter(items)
    first = list(itertools.islice(items, parallel_from))
    every = itertools.chain(first, items)
    few = processes < 2 or len(first) < parallel_from
    deadline = bool(patience) and bool(first)  # only a process of its own can be stopped inside a library
    if not hasattr(os, "fork") or (few and not deadline):
        yield from ((item, work(item)) for item in every)
        return
    workers = 1 if few else processes - 1 if here else processes
    if prepare:
        prepare()
    with _Pool(work, died or (lambda item, status: work(item)), patience) as pool:
        yield from pool.in_order(every, workers, here, batch, ahead)


class _Pool:
    """The workers of one `in_order`, and this process's side of their pipes."""

    def __init__(self, work: Callable, died: Callable, patience: float | None) -> None:
        self.work, self.died, self.patience = work, died, patience
        self.workers: list[_Worker] = []

    def __enter__(self) -> "_Pool":
        return self

    def __exit__(self, stopped, *_) -> None:
        """At the end, each worker leaves when it has read the last of its items; on an error or
        Ctrl+C it is stopped at once, so that none goes on writing into a folder about to be removed."""
        for worker in self.workers:
            worker.stop(kill=stopped is not None)

    def in_order(self, items: Iterator, workers: int, here: bool, batch: int, ahead: int) -> Iterator[tuple]:
        slots: list[_Worker | None] = ([None] if here else []) + [self._started() for _ in range(workers)]
        pending: deque[_Share] = deque()  # in order
        for number, chunk in enumerate(_batches(items, batch)):
            slot = number % len(slots)
            if slots[slot] is not None and slots[slot].dead:
                slots[slot] = self._started()
            if slots[slot] is not None:
                slots[slot].send(chunk)
            pending.append(_Share(chunk, slots[slot]))
            if len(pending) > ahead * len(slots):
                yield from self._results(pending.popleft(), pending)
        while pending:
            yield from self._results(pending.popleft(), pending)

    def _started(self) -> "_Worker":
        worker = _Worker(self.work, self._descriptors(), self.patience)
        self.workers.append(worker)
        return worker

    def _descriptors(self) -> list[int]:
        """What a new process must close: the pipes of the workers before it."""
        return [fd for worker in self.workers if not worker.stopped for fd in (worker.tasks, worker.results)]

    def _results(self, share: _Share, later: deque[_Share]) -> Iterator[tuple]:
        waits = share.worker is not None
        for own in (share, *later) if waits else (share,):  # this process does its share before it waits
            if own.worker is None and own.answer is None:
                own.answer = [self.work(item) for item in own.chunk]
        if waits:
            share.answer = self._answer(share.worker)
            if share.answer is None:  # the worker died: each of its items again, alone
                share.answer = [self._alone(item) for item in share.chunk]
        return zip(share.chunk, share.answer)

    def _answer(self, worker: _Worker) -> list | None:
        """The worker's answer to its oldest batch, handing the other workers their items meanwhile."""
        import select
        while not worker.dead:
            waiting = [other for other in self.workers if other.outgoing and not other.dead]
            readable, writable, _ = select.select([worker.results], [w.tasks for w in waiting], [])
            for other in waiting:
                if other.tasks in writable:
                    other.flush()
            if readable:
                return worker.receive()
        return None

    def _alone(self, item) -> object:
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:
            _close([reader, *self._descriptors()])
            _work_and_leave(self.work, [[item]], writer, self.patience)
        os.close(writer)
        answer = _received(reader)
        os.close(reader)
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        return answer[0] if answer is not None else self.died(item, status)


class _Share:
    """A batch of items, the worker it went to (None: this process's), and the answer once there is one."""

    def __init__(self, chunk: list, worker: _Worker | None) -> None:
        self.chunk, self.worker, self.answer = chunk, worker, None


class _Worker:
    """A forked process that works on the batches it reads from `tasks` and answers each on `results`."""

    def __init__(self, work: Callable, others: list[int], patience: float | None) -> None:
        tasks, self.tasks = os.pipe()
        self.results, answers = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            _close([self.tasks, self.results, *others])
            with os.fdopen(tasks, "rb") as incoming:
                _work_and_leave(work, _unpickled(incoming), answers, patience)
        os.close(tasks)
        os.close(answers)
        os.set_blocking(self.tasks, False)  # never wait on a worker busy answering: see _Pool._answer
        _widen(self.results)
        self.outgoing, self.dead, self.stopped = b"", False, False

    def send(self, chunk: list) -> None:
        import pickle
        self.outgoing += pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL)
        self.flush()

    def flush(self) -> None:
        try:
            while self.outgoing:
                self.outgoing = self.outgoing[os.write(self.tasks, self.outgoing):]
        except BlockingIOError:  # its pipe is full: the rest when it has read some
            pass
        except BrokenPipeError:  # it died: reading its answer will say so
            self.outgoing = b""

    def receive(self) -> list | None:
        answer = _received(self.results)
        if answer is None:
            self.dead = True
            self.stop(kill=True)
        return answer

    def stop(self, kill: bool) -> None:
        if self.stopped:
            return
        self.stopped = True
        if kill:
            os.kill(self.pid, signal.SIGKILL)
        _close([self.tasks, self.results])
        os.waitpid(self.pid, 0)


def _widen(pipe: int) -> None:
    """Room in the pipe for a few answers (Linux: 1 MB, not 64 KB), so that a worker goes on with its
    next items while this process is busy with its own share and not yet reading."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_ROOM)
    except (ImportError, AttributeError, OSError):  # another system, or a lower limit: the room there is
        pass



def _batches(items: Iterator, size: int) -> Iterator[list]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def _unpickled(stream) -> Iterator[list]:
    import pickle
    while True:
        try:
            yield pickle.load(stream)  # from this process's own parent
        except EOFError:
            return


def _work_and_leave(work: Callable, chunks: Iterable[list], answers: int, patience: float | None) -> None:
    """In a forked process: answer each batch, then leave at once (no exit handlers, nothing of the
    parent's flushed or cleaned). An error ends it unanswered; Ctrl+C is the parent's to handle, which
    stops its workers; an item worked on for longer than `patience` seconds ends it (SIGALRM)."""
    import pickle
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the alarm ends the process, wherever it is
    status = 1
    try:
        with os.fdopen(answers, "wb") as out:
            for chunk in chunks:
                data = pickle.dumps([_in_time(work, item, patience) for item in chunk], pickle.HIGHEST_PROTOCOL)
                out.write(_LENGTH.pack(len(data)))
                out.write(data)
                out.flush()
        status = 0
    finally:
        os._exit(status)


def _in_time(work: Callable, item, patience: float | None):
    if not patience:
        return work(item)
    signal.setitimer(signal.ITIMER_REAL, patience)
    try:
        return work(item)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _received(fd: int) -> list | None:
    """One answer read from a pipe, or None when the process writing it ended first."""
    import pickle
    header = _read(fd, _LENGTH.size)
    data = _read(fd, _LENGTH.unpack(header)[0]) if header is not None else None
    return pickle.loads(data) if data is not None else None  # from this process's own child


def _read(fd: int, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        part = os.read(fd, min(size - len(data), 1 << 20))
        if not part:
            return None
        data += part
    return bytes(data)


def _close(descriptors: Iterable[int]) -> None:
    for fd in descriptors:
        try:
            os.close(fd)
        except OSError:
            pass
