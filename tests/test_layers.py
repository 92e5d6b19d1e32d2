"""The package's shape, as docs/architecture.md draws it: each module imports only from its own
package or the packages below it, no module imports itself back through others, no command imports
another, and no file format's package imports another format's. Lazy imports inside functions count."""
import ast
from pathlib import Path

import generator

PACKAGE = Path(generator.__file__).parent
# lowest first: a module's layer is its package under generator/ (or its own name, for the modules
# directly in generator/); the package's __init__ (the version, where the built-in data is) sits with errors
LAYERS = ["errors", "model", "disk", "sources", "language", "formats", "scan", "pipeline", "commands", "cli"]
# workers.py (the worker processes) is what several commands share, as pipeline.py is
LAYER_OF = {"__init__": 0, "workers": LAYERS.index("pipeline")} | {name: i for i, name in enumerate(LAYERS)}
BEYOND = "(beyond the package)"


def module_name(path: Path) -> str:
    """generator/formats/pdf/layout.py → 'formats.pdf.layout'; a package's __init__.py → the package."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(source: str, importer: str, known: set[str]) -> set[str]:
    """The package's own modules `source` (the module `importer`) imports, wherever in it:
    `from .x import y` counts module x.y when there is one, else x."""
    package = [] if importer == "__init__" else importer.split(".")[:None if _is_package(importer) else -1]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level > len(package) + 1:
            found.add(BEYOND)  # Python refuses it, when it runs
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "generator":
            base = node.module.split(".")[1:]
        elif isinstance(node, ast.Import):
            found.update(_known(alias.name.split(".")[1:], known) for alias in node.names
                         if alias.name.split(".")[0] == "generator")
            continue
        else:
            continue
        for alias in node.names:
            found.add(_known(base + [alias.name], known) if ".".join(base + [alias.name]) in known
                      else _known(base, known))
    return found - {None, importer}


def _known(parts: list[str], known: set[str]) -> str | None:
    name = ".".join(parts) or "__init__"
    return name if name in known else None


def _is_package(name: str) -> bool:
    return (PACKAGE / name.replace(".", "/") / "__init__.py").exists()


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(path.read_text(encoding="utf-8"), name, set(found)) for name, path in found.items()}


def layer(module: str) -> int:
    return LAYER_OF[module.split(".")[0]]


def test_every_module_has_a_layer():
    unplaced = [name for name in graph() if name.split(".")[0] not in LAYER_OF]
    assert not unplaced, f"put {unplaced} into a package of a layer, or add the layer to {__file__}"


def test_imports_go_down_the_layers():
    upward = [f"{module} ({LAYERS[layer(module)]}) imports {target} ({LAYERS[layer(target)]})"
              for module, targets in graph().items() for target in sorted(targets - {BEYOND})
              if layer(target) > layer(module)]
    assert not upward


def test_relative_imports_stay_in_the_package():
    beyond = [module for module, targets in graph().items() if BEYOND in targets]
    assert not beyond, f"a relative import with more dots than the package is deep: {beyond}"


def test_no_command_imports_another():
    """What several commands need is in pipeline.py (or lower): a command changes without touching the others."""
    crossing = [f"{module} imports {target}" for module, targets in graph().items() if module.startswith("commands.")
                for target in sorted(targets) if target.startswith("commands.")]
    assert not crossing


def test_no_format_imports_another():
    """A format's package (formats/docx, pdf, tables, web) imports only itself, the modules directly in
    formats/ (zips.py, xmltext.py: what several formats share) and the layers below; those shared
    modules import no format. So a PDF letterhead never pulls in python-docx, and a format can be
    added or removed as one folder."""
    def format_of(module: str) -> str | None:
        parts = module.split(".")
        return parts[1] if parts[0] == "formats" and len(parts) > 2 else None

    crossing = [f"{module} imports {target}" for module, targets in graph().items() if module.startswith("formats.")
                for target in sorted(targets) if format_of(target) and format_of(target) != format_of(module)]
    assert not crossing


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


def test_the_graph_sees_every_kind_of_import():
    """The checks above see relative imports at any depth, absolute ones, and imports inside functions."""
    known = {"__init__", "errors", "model.forms", "formats.zips", "formats.pdf", "formats.pdf.layout", "commands.build"}
    source = ("from ... import LANGUAGES\nfrom ...errors import FormgenError\n"
              "def f():\n    from .layout import render_pdf\n    from ..zips import packed\n"
              "    import generator.commands.build\n    from generator.model.forms import Document\n")
    assert imports(source, "formats.pdf.read", known) == {
        "__init__", "errors", "formats.pdf.layout", "formats.zips", "commands.build", "model.forms"}
    assert imports("from .pdf import layout\n", "formats.zips", known) == {"formats.pdf.layout"}
    assert imports("from .... import LANGUAGES\n", "formats.pdf.read", known) == {BEYOND}
