"""The language registry as hostile input: a project.yaml whose language codes would climb out of the
output and catalog folders or pass for an edition, whose tag would break out of the XML it goes
into; --lang values that are paths or pseudo-languages of pseudo-languages. A code names folders
(output/<call>/<code>/, locales/<code>/), so each is refused at its line before anything is written."""
from __future__ import annotations

from pathlib import Path

from hostile.cases import case
from hostile.cases_edges import says


def project(folder: Path, old: str = "", new: str = "") -> Path:
    """A copy of the built-in forms in folder/p, its project.yaml with `old` made `new`."""
    from generator.commands.init import init_project

    root = folder / "p"
    init_project(root)
    settings = root / "forms" / "project.yaml"
    text = settings.read_text(encoding="utf-8")
    assert old in text, old
    settings.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def refused(*words: str):
    """Exit code 1, one line naming project.yaml at a line, nothing written anywhere but the project."""
    def expect(folder: Path, exit_code, output: str) -> list[str]:
        wrong = says(1, "project.yaml: line ", *words)(folder, exit_code, output)
        strays = [str(p) for p in folder.rglob("*") if p.is_file() and "p" not in p.relative_to(folder).parts[:1]]
        return wrong + [f"wrote {path}" for path in strays]
    return expect


@case("cli", "languages-code-climbs-out", outs=("out", "p"), expect=refused("FG506", "'../../ky' is not a language code"))
def _(folder: Path) -> list[str]:
    root = project(folder, "\n  ky:\n", "\n  ../../ky:\n")
    return ["build", "--project", str(root), "--out", str(folder / "out")]


@case("cli", "languages-code-is-an-edition", outs=("out", "p"), expect=refused("FG506", "'ru+ky' is not a language code"))
def _(folder: Path) -> list[str]:
    root = project(folder, "\n  ky:\n", "\n  ru+ky:\n")
    return ["build", "--project", str(root), "--out", str(folder / "out")]


@case("cli", "languages-tag-breaks-the-xml", outs=("out", "p"), expect=refused("FG506", "languages.ky.tag", "BCP 47"))
def _(folder: Path) -> list[str]:
    root = project(folder, "tag: ky-KG", 'tag: ky-KG"/><w:r><w:t>injected</w:t></w:r><w:lang w:val="x')
    return ["build", "--project", str(root), "--out", str(folder / "out")]


@case("cli", "languages-lang-is-a-path", outs=("out",), expect=says(2, "--lang", "'../ky' is not an edition"))
def _(folder: Path) -> list[str]:
    return ["build", "--lang", "../ky", "--out", str(folder / "out")]


@case("cli", "languages-pseudo-of-a-pseudo", outs=("out",), expect=says(2, "--lang", "'ky-XA-XA' is not an edition"))
def _(folder: Path) -> list[str]:
    return ["build", "--lang", "ky-XA-XA", "--out", str(folder / "out")]
