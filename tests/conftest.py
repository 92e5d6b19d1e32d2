import os
import shutil
from pathlib import Path

import pytest

from generator import DEFAULT_CALL, FORMS_DIR, LOCALES_DIR
from generator.pipeline import localized_documents
from generator.sources.call import load_call

SEEDS = Path(__file__).resolve().parent / "seeds"


def require(present: object, what: str, how: str) -> None:
    """A tool the test needs: CI installs it (.ci/run), so there its absence fails; elsewhere it skips."""
    if not present:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide {what}: {how} (see .ci/run)")
        pytest.skip(f"{what} is not installed: {how}")


def libreoffice_calc() -> bool:
    """LibreOffice with its spreadsheet (Debian packages Calc apart from Writer: libreoffice-calc)."""
    soffice = shutil.which("soffice")
    return bool(soffice) and (Path(soffice).resolve().parent / "libsclo.so").exists()


@pytest.fixture(scope="session")
def call():
    return load_call(DEFAULT_CALL)


@pytest.fixture(scope="session")
def documents(call):
    """{(form id, lang): Document} for the default call."""
    return {(d.form_id, d.lang): d for d in localized_documents(call, ("ru", "ky"))}


@pytest.fixture
def source_copy(tmp_path):
    """A writable copy of forms/ and locales/ (and the default call) to break on purpose."""
    forms, locales = tmp_path / "forms", tmp_path / "locales"
    shutil.copytree(FORMS_DIR, forms)
    shutil.copytree(LOCALES_DIR, locales)
    return forms, locales, forms / "calls" / DEFAULT_CALL.name


def pytest_sessionstart(session):
    """Refuse to test an installed (non-editable) copy: edits in the checkout would go untested."""
    import generator

    checkout = Path(__file__).resolve().parent.parent / "generator"
    if Path(generator.__file__).resolve().parent != checkout:
        pytest.exit(f"the tests import {generator.__file__}, not {checkout}: install the checkout with "
                    "`pip install -e \".[test]\"`", returncode=4)
