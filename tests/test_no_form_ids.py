"""Nothing in generator/ is specific to a form: no form id, field id, grid or list id of forms/ in code."""
import ast
import re
from pathlib import Path

import generator
from generator.sources.definitions import load_forms
from generator.model.forms import GridDef

PACKAGE = Path(generator.__file__).parent
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


def form_ids() -> set[str]:
    """Ids of the built-in forms, their fields (grid cells and lists expanded) and grids."""
    ids = set()
    for form in load_forms().values():
        ids.add(form.id)
        ids.update(field.id for field in form.field_defs())
        ids.update(block.id for block in form.blocks if isinstance(block, GridDef))
    return ids


def code_strings(path: Path):
    """(line, text) of every string constant in the code that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_the_code_names_no_form_and_no_field():
    ids = form_ids()
    found = [f"{path.relative_to(PACKAGE)}:{line}: {text!r}" for path in sorted(PACKAGE.rglob("*.py"))
             for line, text in code_strings(path) if IDENTIFIER.fullmatch(text) and text in ids]
    templates = [f"{path.relative_to(PACKAGE)}: {word}" for path in sorted(PACKAGE.rglob("*"))
                 if path.suffix in (".html", ".css", ".md")
                 for word in set(IDENTIFIER.findall(path.read_text(encoding="utf-8"))) & {f.id for f in load_forms().values()}]
    assert not found + templates, "form-specific ids in generator/ (make them data in forms/):\n" + "\n".join(found + templates)


def test_the_check_would_see_an_id():
    """The test above finds what it looks for."""
    ids = form_ids()
    assert {"annex2", "sender_region", "aa_name", "activities", "activities_1_name"} <= ids
    assert ("1", "annex2") in [(str(line), text) for line, text in code_strings_of('x = "annex2"\n')]


def code_strings_of(source: str):
    path = Path(__file__).with_name("_probe_source.py")
    path.write_text(source, encoding="utf-8")
    try:
        return list(code_strings(path))
    finally:
        path.unlink()
