"""Errors a user can act on: each names the file, the place in it, and the fix; a problem
`formgen check` can report carries a stable code (FG101…) explained in docs/errors.md. And the
lines a person reads: text from outside made printable, and said on the terminal."""
from __future__ import annotations

import sys
import traceback
from pathlib import Path


class FormgenError(Exception):
    """A problem in the user's input; the command line prints it as one line and exits 1."""

    exit_code = 1

    def __init__(self, file: object, place: str, problem: str, fix: str = "", code: str = "") -> None:
        self.file, self.place, self.problem, self.fix, self.code = str(file), place, problem, fix, code
        super().__init__(self.line())

    def __reduce__(self):  # raised in a worker process, it must cross back whole
        return type(self), (self.file, self.place, self.problem, self.fix, self.code)

    def line(self) -> str:
        where = f"{self.file}: {self.place}" if self.place else self.file
        tail = f" ({self.fix})" if self.fix else ""
        return coded(self.code, f"{where}: {self.problem}{tail}")


def coded(code: str, line: str) -> str:
    """A problem line, led by its code when it has one: `FG103 forms/x.yaml: …`."""
    return f"{code} {line}" if code else line


class UsageError(FormgenError):
    """A wrong option on the command line, or a path given that does not exist; exit code 2."""

    exit_code = 2


def suggestion(wrong: str, allowed, every: str = "") -> str:
    """The fix for an unknown name: the closest allowed one first ("did you mean …"), then all (or
    `every`, saying them otherwise). A short name is close when one letter differs (`kg` for `ky`),
    which difflib's ratio misses."""
    import difflib  # only when a name is wrong

    allowed = [str(a) for a in allowed]
    close = (difflib.get_close_matches(str(wrong), allowed, n=1, cutoff=0.6)
             or [name for name in allowed if len(name) > 1 and _one_letter_apart(str(wrong), name)][:1])
    every = every or (f"use one of: {', '.join(allowed)}" if allowed else "none is defined")
    return f"did you mean '{close[0]}'? {every}" if close else every


def _one_letter_apart(a: str, b: str) -> bool:
    """One letter changed, added or dropped."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    shorter, longer = sorted((a, b), key=len)
    return len(longer) - len(shorter) == 1 and any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


class NoFormFields(FormgenError):
    """A returned file that holds no field of the forms: a PDF may still be their scan."""


class InternalError(FormgenError):
    """An exception no reader foresaw, raised by formgen's own code: a bug, reported, never hidden."""


class InternalProblem(str):
    """A problem line that reports an InternalError: `collect` shows it on the screen as well."""


def problem_text(exc: Exception) -> str:
    """What a problem line says after the file: the problem and its fix (for an exception no reader
    turned into a FormgenError, those `unforeseen` gives it); an InternalError's line is an InternalProblem."""
    if not isinstance(exc, FormgenError):
        exc = unforeseen("", exc)
    text = exc.problem + (f" ({exc.fix})" if exc.fix else "")
    return InternalProblem(text) if isinstance(exc, InternalError) else text


INTERNAL = "internal error"  # how the line for an exception formgen did not foresee begins


def unforeseen(file: object, exc: Exception) -> FormgenError:
    """The error for an exception no reader turned into a FormgenError. One of a library's own
    classes (PDFium's, qpdf's, OpenCV's, zipfile's…) means that library could not read the file;
    any other (TypeError, KeyError…) is an InternalError, named by its type and the line that raised
    it, so that a bug in formgen is reported, never hidden."""
    kind = type(exc)
    text = f"{kind.__name__}: {(str(exc).splitlines() or [''])[0][:120]}".rstrip(": ")
    library = kind.__module__.split(".")[0]
    if library not in ("builtins", __package__):
        return FormgenError(file, "", f"{library} could not read it ({text})")
    frames = traceback.extract_tb(exc.__traceback__)
    place = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    from . import __version__

    return InternalError(file, "", f"{INTERNAL} ({text}{place}); please report it to formgen's developers with this "
                         f"file and the version, formgen {__version__}")


def shown(text: str) -> str:
    """Text from a data file as it can be printed and saved: a lone surrogate as \\udXXX."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def say(line: str = "", err: bool = False) -> None:
    """One line for the person at the terminal, on stderr for problems and notes; printable whatever
    a file it names holds."""
    print(shown(line), file=sys.stderr if err else sys.stdout)
