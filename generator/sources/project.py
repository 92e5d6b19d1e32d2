"""Where a command reads its forms, call settings and catalogs: a project folder, or the built-in forms.

A project folder holds `forms/*.yaml` (with `forms/calls/<id>.yaml`) and
`locales/<language>/LC_MESSAGES/forms.po` for each of its languages; `formgen init DIR` writes one. `--project DIR` names it;
without it the current folder is the project when it holds `forms/` and `locales/`, and otherwise
the forms shipped with the package are.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import FORMS_DIR, LOCALES_DIR
from ..errors import FormgenError, UsageError
from ..model.languages import Languages
from .languages import load_languages

CALLS = "calls"
OUTPUT = "output"


@dataclass(frozen=True)
class Project:
    forms_dir: Path
    locales_dir: Path
    root: Path | None = None  # None: the forms shipped with the package

    def __str__(self) -> str:
        return f"project {self.root}" if self.root else f"the built-in forms ({self.forms_dir})"

    @property
    def languages(self) -> Languages:
        """Its languages and editions (forms/project.yaml)."""
        return load_languages(self.forms_dir)

    @property
    def calls_dir(self) -> Path:
        return self.forms_dir / CALLS

    def default_call(self) -> Path:
        """The project's latest call: the last settings file by name (2026.yaml after 2025.yaml)."""
        calls = sorted(self.calls_dir.glob("*.yaml"))
        if not calls:
            raise FormgenError(self.calls_dir, "", "no call settings here",
                               "write one with `formgen new-call --id 2026`, or give --call FILE", code="FG503")
        return calls[-1]

    def call(self, given: Path | None, option: str = "--call") -> Path:
        """--call as given: a file, or the id of one of the project's calls; none: the latest."""
        if given is None:
            return self.default_call()
        by_id = self.calls_dir / f"{given}.yaml"
        if not given.suffix and given.name == str(given) and by_id.is_file():
            return by_id
        if not given.exists() and not given.is_symlink():  # a broken link: the reader says why
            ids = ", ".join(p.stem for p in sorted(self.calls_dir.glob("*.yaml")))
            raise UsageError(option, str(given), f"no such file, and no call of that id in {self}",
                             f"give a call settings file or the id of one: {ids or 'the project has none'}")
        return given

    def writable(self, path: Path, elsewhere: str = "") -> Path:
        """`path`, which a command is about to write, unless it lies inside the built-in forms: they
        are the package's own, read-only, and the next installation would replace them anyway."""
        if self.root is None and any(_inside(path, folder) for folder in (self.forms_dir, self.locales_dir)):
            raise UsageError(path, "", "is part of the built-in forms, which are read-only",
                             "make a project folder with `formgen init DIR`, then run the command inside it "
                             f"or with --project DIR{elsewhere}", code="FG505")
        return path

    def output(self, given: Path | None) -> Path:
        """--out as given, else the project's own output/ (the current folder's for the built-in forms)."""
        return given or (self.root / OUTPUT if self.root else Path(OUTPUT))


BUILTIN = Project(FORMS_DIR, LOCALES_DIR)


def is_project(folder: Path) -> bool:
    return (folder / "forms").is_dir() and (folder / "locales").is_dir()


def find_project(given: Path | None = None, cwd: Path | None = None) -> Project:
    """--project DIR, else the current folder when it is a project, else the built-in forms."""
    if given is not None:
        if not given.is_dir():
            raise UsageError("--project", str(given), "no such folder",
                             f"check the path, or make a project folder with `formgen init {given}`", code="FG504")
        if not is_project(given):
            raise UsageError("--project", str(given), "not a project folder (it needs forms/ and locales/)",
                             f"make one with `formgen init {given}`", code="FG504")
        return project_at(given)
    here = cwd or Path.cwd()
    return project_at(here) if is_project(here) else BUILTIN


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def project_at(folder: Path) -> Project:
    root = folder.resolve()
    return Project(root / "forms", root / "locales", root)
