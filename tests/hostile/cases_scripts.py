"""Form scripts as a way in: catalog words and data rows that would end a JavaScript string early
(quotes, backslashes, `</script>`, a line separator) or smuggle code into the PDF's scripts. A text
of a catalog reaches a script only as a JSON string in its data; a data row's text never does."""
from __future__ import annotations

import json
import re
from pathlib import Path

from hostile.cases import case, write

ESCAPE = "\"'); app.alert('pwned'); ('\\ </script><b> `x` \\u0041 */ // «Ң»"
ROW = "'); this.getField('ek_name').value = 'pwned'; (' </script>\u2028"


def scripts(pdf_path: Path) -> list[str]:
    """Every JavaScript a PDF holds: its document-level script and each field action."""
    import pikepdf

    found = []
    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/JavaScript":
                js = obj.JS
                found.append(js.read_bytes().decode("latin-1") if isinstance(js, pikepdf.Stream) else str(js))
    return found


def project_with(folder: Path, messages: dict[str, tuple[str, str]]) -> Path:
    from kinds_project import MESSAGES, kinds_project

    return kinds_project(folder / "p", {**MESSAGES, **messages})


def words_stay_data(folder: Path, exit_code, output: str) -> list[str]:
    """Built; every script is formgen's fixed library or an action calling it with ids and numbers; the
    hostile words are in the library's data, whole."""
    from generator.formats.pdf.scripts import LIBRARY

    pdfs = sorted((folder / "out").rglob("*.pdf"))
    if exit_code not in (0, None) or not pdfs:
        return [f"exit {exit_code}, {len(pdfs)} PDF(s): {output[-300:]}"]
    wrong = []
    for path in pdfs:
        for script in scripts(path):
            if not script.isascii() or "</" in script or "\u2028" in script:
                wrong.append(f"{path.name}: a script holds text unescaped")
            if script.startswith(LIBRARY):
                data = json.loads(re.fullmatch(r"\nformgen_setup\((.*)\);\n", script[len(LIBRARY):], re.S).group(1))
                if ESCAPE not in [check["refusal"] for check in data["checks"]]:
                    wrong.append(f"{path.name}: the refusal is not the catalog's text")
            elif not ACTION.fullmatch(script):
                wrong.append(f"{path.name}: a script that is neither the library nor a call of it: {script[:80]}")
    return wrong


ACTION = re.compile(r'formgen_\w+\((\d*|"\w+"|\[("\w+",?)*\])\)')


@case("cli", "scripts-catalog-words-that-end-a-string", outs=("out", "p"), expect=words_stay_data)
def _(folder: Path) -> list[str]:
    from generator.model.kinds import KINDS

    root = project_with(folder, {KINDS["date"].refusal: (ESCAPE, ESCAPE), "everykind.name": (ESCAPE, ESCAPE)})
    return ["build", "--project", str(root), "--form", "everykind", "--format", "pdf", "--out", str(folder / "out")]


def rows_stay_out(folder: Path, exit_code, output: str) -> list[str]:
    """Filled; the row's text in its field's value, in no script: every script is its edition's blank's."""
    filled = sorted((folder / "out").rglob("everykind.pdf"))
    blanks = {path.parent.name: scripts(path) for path in (folder / "blank").rglob("everykind.pdf")}
    if exit_code not in (0, None) or not filled or not blanks:
        return [f"exit {exit_code}, {len(filled)} filled: {output[-300:]}"]
    return [f"{path}: its scripts are not its blank's" for path in filled
            if scripts(path) != blanks.get(path.parent.name)]


@case("data", "scripts-row-text-that-ends-a-string", rows=(2,), outs=("out", "p", "blank"), expect=rows_stay_out)
def _(folder: Path) -> list[str]:
    from generator.commands.build import build
    from generator.sources.project import project_at

    root = project_with(folder, {})
    project = project_at(root)
    build(project.default_call(), folder / "blank", form_ids=["everykind"], formats=["pdf"], project=project)
    write(folder, "rows.csv", f"ek_name,ek_about,ek_has_specialist,ek_specialist\nАсан,\"{ROW}\",yes,\"{ROW}\"\n")
    return ["fill", "--project", str(root), "--data", str(folder / "rows.csv"), "--form", "everykind",
            "--format", "pdf", "--out", str(folder / "out")]
