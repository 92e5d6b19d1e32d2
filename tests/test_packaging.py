"""What `pip install .` carries: every package of generator/ and every data file beside its code
(fonts, DOCX templates, the page's templates). A package or a data file left out of pyproject.toml
is missing only from an installed copy, which the other tests, run on the checkout, never see."""
from fnmatch import fnmatch
from pathlib import Path

import pytest

import generator

tomllib = pytest.importorskip("tomllib")
ROOT = Path(generator.__file__).parent.parent
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def package_of(path: Path) -> str:
    folder = path.parent
    while not (folder / "__init__.py").exists():
        folder = folder.parent
    return ".".join(folder.relative_to(ROOT).parts)


def test_every_package_is_installed():
    packages = {package_of(path) for path in (ROOT / "generator").rglob("__init__.py")}
    assert packages - set(SETUPTOOLS["packages"]) == set()


def test_every_data_file_is_installed():
    data = [path for path in (ROOT / "generator").rglob("*") if path.is_file() and path.suffix not in (".py", ".pyc")]
    assert any(path.suffix == ".ttf" for path in data)  # the check below could not fail if it found nothing
    left_out = [str(path.relative_to(ROOT)) for path in data
                if not any(fnmatch(path.relative_to(ROOT / package_of(path).replace(".", "/")).as_posix(), pattern)
                           for pattern in SETUPTOOLS["package-data"].get(package_of(path), []))]
    assert left_out == []


def test_the_package_says_the_version_pyproject_installs():
    """A partial build keeps a file only if it was made by the same formgen (its version is part of each
    file's source in the manifest): the two places that name the version must agree."""
    import re

    from generator import __version__

    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^version = "([^"]+)"', text, re.M).group(1) == __version__
