"""Message ids the code itself uses (the form definitions name their own): `N_` marks each one so
`pybabel extract` finds it. Lives at the bottom layer, so `check` and the translator workflow can
list every id in use without importing the commands."""
from __future__ import annotations


def N_(message_id: str) -> str:
    """Marks a message id used by code, so `pybabel extract` finds it."""
    return message_id


# column headers of the tables `formgen collect` writes
COLLECT_APPLICATION, COLLECT_FILES, COLLECT_ROW, COLLECT_FILE, COLLECT_PROBLEM = (
    N_("collect.application"), N_("collect.files"), N_("collect.row"), N_("collect.file"), N_("collect.problem"))
COLLECT_HEADERS = (COLLECT_APPLICATION, COLLECT_FILES, COLLECT_ROW, COLLECT_FILE, COLLECT_PROBLEM)
# the columns scanned returns add: the lowest OCR confidence and the fields a person must check
SCAN_HEADERS = (N_("collect.confidence"), N_("collect.review"))
# the review page of `collect --review`: title, intro, column headers, the line when all was read
REVIEW_MESSAGES = (N_("review.title"), N_("review.intro"), N_("review.field"), N_("review.scan"), N_("review.value"),
                   N_("review.confidence"), N_("review.nothing"))
