"""formgen: fillable forms in several languages (DOCX, PDF) from one source."""
from pathlib import Path

__version__ = "0.2.0"


def _data_dir(name: str) -> Path:
    """Where `forms/` or `locales/` is: inside the installed package, or beside it in a checkout."""
    installed = Path(__file__).parent / name
    return installed if installed.is_dir() else Path(__file__).parent.parent / name


FORMS_DIR = _data_dir("forms")
LOCALES_DIR = _data_dir("locales")
CALLS_DIR = FORMS_DIR / "calls"
DEFAULT_CALL = CALLS_DIR / "2025.yaml"
