"""Fill forms in LibreOffice Writer as a clerk would, through UNO. Run by Debian's /usr/bin/python3
(python3-uno), not by the test suite's Python: `python3 libreoffice_clerk.py < jobs.json`.

Starts one soffice with its own throwaway profile, does every job on stdin, and prints one JSON
line per job: the controls it found ([kind, label]) in document order. A job:
{"source": docx, "actions": [[control number, action, text], ...], "save": {"docx": path, "odt": …, "pdf": …}}
where an action is
  "field"   type into the control through its own edit (an input field's content, a drop-down's item),
  "over"    select the control and type over it (it becomes plain text),
  "beside"  type after the control, in its paragraph or cell, leaving it as it is,
  "delete"  delete the control,
and a control without an action is left empty.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue

FILTERS = {"docx": "MS Word 2007 XML", "odt": "writer8", "pdf": "writer_pdf_Export", "html": "HTML (StarWriter)"}


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(profile):
    pipe = f"formgen-clerk-{os.getpid()}"
    process = subprocess.Popen(["soffice", f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}", "--headless",
                                "--invisible", "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(300):
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return process, context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except Exception:  # not listening yet
            if process.poll() is not None:
                raise SystemExit("soffice stopped before it listened")
            time.sleep(0.1)
    raise SystemExit("soffice did not listen within 30 s")


def portions(text):
    """(portion, the text it lies in) of every control-like portion, in document order, tables included."""
    paragraphs = text.createEnumeration()
    while paragraphs.hasMoreElements():
        element = paragraphs.nextElement()
        if element.supportsService("com.sun.star.text.TextTable"):
            for name in element.getCellNames():  # row by row
                yield from portions(element.getCellByName(name))
            continue
        pieces = element.createEnumeration()
        while pieces.hasMoreElements():
            piece = pieces.nextElement()
            kind = piece.TextPortionType
            if kind == "ContentControl" or (kind == "TextField"
                                            and piece.TextField.supportsService("com.sun.star.text.TextField.Input")):
                yield piece


def _each(enumeration):
    while enumeration.hasMoreElements():
        yield enumeration.nextElement()


def control_of(piece):
    if piece.TextPortionType == "TextField":
        field = piece.TextField
        alias = next((g.Value for g in field.InteropGrabBag if g.Name == "ooxml:CT_SdtPr_alias"), "")
        return "input", alias, field
    return "content", "", piece.ContentControl


def act(piece, action, value):
    kind, _, control = control_of(piece)
    text = piece.getText()
    anchor = control.getAnchor()
    if action == "field":
        if kind == "input":
            control.Content = value
        else:  # a drop-down's or a date's item chosen: its text replaces the placeholder, as Writer's own
            control.ShowingPlaceHolder = False  # popup does (7.4's UNO has no call for that: typed in, the rest cut)
            control.createTextCursor().setString(value)
            for portion in list(_each(control.createEnumeration()))[1:]:
                portion.setString("")
    elif action == "over":
        text.insertString(anchor, value, True)
    elif action == "beside":
        text.insertString(anchor.getEnd(), value, False)
    elif action == "delete":
        text.insertString(anchor, "", True)
    else:
        raise SystemExit(f"unknown action {action}")


def run(desktop, job):
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(job["source"])), "_blank", 0,
                                            (prop("Hidden", True),))
    try:
        found = list(portions(document.getText()))
        seen = [[control_of(piece)[0], control_of(piece)[1]] for piece in found]
        for number, action, value in sorted(job.get("actions", ()), key=lambda a: -a[0]):  # from the end: anchors hold
            act(found[number], action, value)
        for kind, path in job.get("save", {}).items():
            document.storeToURL(uno.systemPathToFileUrl(os.path.abspath(path)), (prop("FilterName", FILTERS[kind]),))
        return seen
    finally:
        document.close(True)


def main():
    jobs = json.load(sys.stdin)
    profile = tempfile.mkdtemp(prefix="formgen-clerk-")
    process = None
    try:
        process, desktop = connect(profile)
        for job in jobs:
            print(json.dumps(run(desktop, job), ensure_ascii=False), flush=True)
        try:
            desktop.terminate()
        except Exception:  # the bridge closes as it ends
            pass
        process.wait(timeout=30)
    finally:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, 9)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
