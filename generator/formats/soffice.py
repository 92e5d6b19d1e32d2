"""A returned form saved as ODT or DOC, converted to DOCX by LibreOffice (`soffice --headless
--convert-to docx`) and then read as any returned DOCX is (formats/docx/read.py).

The file is untrusted, and so is what LibreOffice does with it: it runs in a fresh profile of its
own whose settings forbid every macro (security level "very high", macros disabled) and never
update a link, is given only the file (copied under a fixed name, in a folder of its own), never a
macro URL, and is killed with its whole process group at the time limit. A zip's parts are unpacked
within the bounds of a returned DOCX before LibreOffice sees it, and the DOCX it writes may not
exceed a returned form's size (a larger one is cut off by the file size limit of its processes).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import FormgenError
from ..model.messages import said
from .zips import READ_ERRORS, open_package

TIME_LIMIT = 60  # seconds: LibreOffice converts a form in 2–4 s, most of it starting
MAX_OUTPUT_BYTES = 50_000_000  # the converted DOCX, as large as a returned DOCX may be
MAX_UNPACKED, MAX_ENTRIES = 100_000_000, 2000  # an ODT, as a returned DOCX
SAVE_AS_DOCX = said("problem.fix_save_as_docx")
WHAT = {"odt": "problem.kind_odt", "doc": "problem.kind_doc"}  # what the file is, as a problem line names it
# The profile's settings: no macro runs, whatever the file asks; no link is followed
SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def to_docx(path: Path, data: bytes, kind: str) -> bytes:
    """The returned file (an ODT or DOC) as the DOCX LibreOffice saves it."""
    what = said(WHAT[kind]) if kind in WHAT else said("problem.kind_other", kind=kind)
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        raise FormgenError(path, "", said("problem.no_libreoffice", what=what), SAVE_AS_DOCX)
    if data.startswith(b"PK"):
        _check_unpacked(path, data, what)
    with tempfile.TemporaryDirectory(prefix="formgen-convert-") as work:
        folder = Path(work)
        profile = folder / "profile" / "user"
        profile.mkdir(parents=True)
        (profile / "registrymodifications.xcu").write_text(SETTINGS, encoding="utf-8")
        given = folder / "in" / f"returned.{kind}"
        given.parent.mkdir()
        given.write_bytes(data)
        out = folder / "out"
        _run([program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--invisible",
              "--norestore", "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML",
              "--outdir", str(out), str(given)], folder, path, what)
        converted = out / "returned.docx"
        if not converted.is_file():
            raise FormgenError(path, "", said("problem.not_converted", what=what), SAVE_AS_DOCX)
        if converted.stat().st_size >= MAX_OUTPUT_BYTES:
            raise FormgenError(path, "", said("problem.converts_too_large", what=what,
                                              limit=MAX_OUTPUT_BYTES // 1_000_000), said("problem.fix_far_smaller"))
        return converted.read_bytes()


def _check_unpacked(path: Path, data: bytes, what: str) -> None:
    """Every part of the zip unpacked, within the bounds of a returned DOCX, before LibreOffice opens
    it: a zip bomb is refused here, whatever its directory claims."""
    package = open_package(data, str(path), MAX_UNPACKED, MAX_ENTRIES)
    budget = MAX_UNPACKED
    try:
        for entry in package.infolist():
            with package.open(entry) as stream:
                while chunk := stream.read(min(1 << 20, budget + 1)):
                    budget -= len(chunk)
                    if budget < 0:
                        raise FormgenError(path, "", said("problem.unpacks_too_large", what=what,
                                                          limit=MAX_UNPACKED // 1_000_000),
                                           said("problem.fix_right_file"))
    except READ_ERRORS as exc:
        raise FormgenError(path, entry.filename, said("problem.zip_damaged", what=what, detail=str(exc)),
                           SAVE_AS_DOCX) from None


def _run(command: list[str], home: Path, path: Path, what: str) -> None:
    """LibreOffice run in a session of its own, killed with everything it started at the time limit."""
    def limits() -> None:  # in the child, before LibreOffice starts
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES))

    environment = {**os.environ, "HOME": str(home), "TMPDIR": str(home)}
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True, preexec_fn=limits, env=environment)
    try:
        process.wait(timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        raise FormgenError(path, "", said("problem.conversion_stopped", what=what, seconds=TIME_LIMIT),
                           SAVE_AS_DOCX) from None
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # what it left running, too
        except ProcessLookupError:
            pass
        process.wait()
