"""`formgen init DIR`: a project folder staff can edit, a working copy of the built-in forms."""
from __future__ import annotations

from pathlib import Path

from ..disk.files import write_file
from ..errors import FormgenError, say
from ..sources.catalogs import po_path
from ..sources.project import BUILTIN, CALLS, project_at

STAFF_README = Path(__file__).parent / "project_README.md"


def project_files(source=BUILTIN) -> dict[str, bytes]:
    """relative path → bytes: every form, call, catalog of the source project, and the staff README."""
    files = {f"forms/{p.name}": p.read_bytes() for p in sorted(source.forms_dir.glob("*.yaml"))}
    files.update({f"forms/{CALLS}/{p.name}": p.read_bytes() for p in sorted(source.calls_dir.glob("*.yaml"))})
    for lang in source.languages.codes:
        files[f"locales/{lang}/LC_MESSAGES/forms.po"] = po_path(lang, source.locales_dir).read_bytes()
    files["README.md"] = STAFF_README.read_bytes()
    return files


def init_project(folder: Path) -> list[Path]:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FormgenError(folder, "", "exists and is not an empty folder",
                           "give a new folder's name; init never overwrites a project")
    root = project_at(folder).root
    written = []
    for relative, data in project_files().items():
        write_file(root / relative, data)
        written.append(root / relative)
    return written


# ---- the command line's side ----------------------------------------------------------------------

def run(options) -> None:
    folder = options.folder
    written = init_project(folder)
    say(f"wrote {len(written)} files into project {folder.resolve()}: edit forms/ and locales/, "
        f"then run `formgen check --project {folder}` and `formgen build --project {folder}`")
