"""Writing output files: atomically, and JSON the same bytes every time."""
from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import FormgenError


def json_bytes(data: object) -> bytes:
    """JSON as people read it (Cyrillic as such, indented), the same bytes every time."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_file(path: Path, data: bytes) -> None:
    """Write through a temporary file, so a failed build never leaves half a file behind."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as exc:
        raise FormgenError(path, "", f"cannot write: {exc.strerror or exc}",
                           "choose a folder you can write to with --out") from None
