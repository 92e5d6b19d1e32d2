"""Runs the command line inside the test's process, as click's CliRunner does: stdout, stderr and
both interleaved as a user's terminal shows them, the exit code, and the exception if one escaped."""
from __future__ import annotations

import io
import sys
from dataclasses import dataclass


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str
    output: str  # stdout and stderr in the order they were written
    exception: BaseException | None = None


class _Tee(io.StringIO):
    def __init__(self, both: io.StringIO) -> None:
        super().__init__()
        self.both = both

    def write(self, text: str) -> int:
        self.both.write(text)
        return super().write(text)

    def isatty(self) -> bool:
        return False


class CliRunner:
    def invoke(self, app, args) -> Result:
        both = io.StringIO()
        out, err = _Tee(both), _Tee(both)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        code, exception = 0, None
        try:
            app([str(arg) for arg in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception as exc:  # noqa: BLE001 (reported in the result, as click's runner does)
            code, exception = 1, exc
        finally:
            sys.stdout, sys.stderr = saved
        return Result(code, out.getvalue(), err.getvalue(), both.getvalue(), exception)
