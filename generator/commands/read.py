"""`formgen read FILE`: a filled DOCX's values as JSON, and which form they belong to."""
from __future__ import annotations

import json
import sys

from ..errors import say
from ..formats.docx.read import read_docx_values
from ..sources.definitions import load_forms
from ..sources.project import find_project


def run(options) -> None:
    chosen = find_project(options.project)
    values = read_docx_values(options.file)
    json.dump(values, sys.stdout, ensure_ascii=False, indent=2)
    say()
    forms = [form.id for form in load_forms(chosen.forms_dir).values()
             if {f.id for f in form.field_defs()} & set(values)]
    say(f"{len(values)} fields of {', '.join(forms) or 'no form'} of {chosen}", err=True)
