"""The package's shape: each module imports only from its own layer or the ones below, and no
module imports itself back through others (lazy imports inside functions count too)."""
import ast
from pathlib import Path

import generator

PACKAGE = Path(generator.__file__).parent
# definitions and catalogs → localize → render → commands → command line
LAYERS = [
    {"__init__", "errors", "messages", "kinds", "model", "yamlfile", "files", "outdir", "manifest", "pdfscan", "pdf_fields", "zips", "kyrgyz",
     "russian", "ldml"},
    {"definitions", "call", "catalogs", "values", "project"},
    {"localize", "bilingual"},
    {"docx_render", "ooxml", "pdf_render", "pdf_form", "pdf_writer", "pdf_read", "pdf_letterhead", "page_id", "fonts", "letterhead", "site", "readback", "spreadsheet", "xlsx_write",
     "signatures", "scan", "scan_pages", "scan_codes", "scan_align", "scan_ocr"},
    {"build", "check", "fill", "collect", "review", "newcall", "translate", "init"},
    {"cli"},
]


def layer(module: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if module in names)


def imports(path: Path) -> set[str]:
    """The package's own modules a module imports, wherever in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names if (PACKAGE / f"{alias.name}.py").exists())
                found.add("__init__")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator."):
            found.add(node.module.split(".")[1])
    return found


def graph() -> dict[str, set[str]]:
    return {path.stem: imports(path) - {path.stem} for path in sorted(PACKAGE.glob("*.py"))}


def test_every_module_has_a_layer():
    unplaced = [name for name in graph() if not any(name in names for names in LAYERS)]
    assert not unplaced, f"add {unplaced} to a layer in {__file__}"


def test_imports_go_down_the_layers():
    upward = [f"{module} ({layer(module)}) imports {target} ({layer(target)})"
              for module, targets in graph().items() for target in targets if layer(target) > layer(module)]
    assert not upward


def test_no_import_cycles():
    edges = graph()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            raise AssertionError("import cycle: " + " → ".join(path[path.index(module):] + [module]))
        if module in done:
            return
        for target in sorted(edges.get(module, ())):
            visit(target, path + [module])
        done.add(module)

    for module in edges:
        visit(module, [])
