"""A pseudo-language's messages (model/languages.py): its language's own, each wrapped in ‹ › and each
word made about 40 % longer with wide letters, placeholders and their format specs kept as they are,
so that call values and fields still go in and a build shows where a longer translation will not fit.
Made from the catalog as it is read: no catalog of it is ever written."""
from __future__ import annotations

import gettext
import re
from itertools import cycle, islice
from string import Formatter
from typing import Iterable

from ..model.languages import PSEUDO_CLOSE, PSEUDO_LONGER, PSEUDO_OPEN, PSEUDO_PADDING

WORD = re.compile(r"[^\W\d_]+")  # letters only: numbers, № and punctuation stay as they are


def pseudo_text(message: str) -> str:
    """«Аты-жөнү: {name}» → «‹АтыҢ-жөнүҢӨ: {name}›». A message whose braces do not balance is
    left as it is, for the localizer to report."""
    try:
        parts = list(Formatter().parse(message))
    except ValueError:
        return message
    pieces = []
    for literal, name, spec, conversion in parts:
        pieces.append(WORD.sub(_longer, literal).replace("{", "{{").replace("}", "}}"))
        if name is not None:
            pieces.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return PSEUDO_OPEN + "".join(pieces) + PSEUDO_CLOSE


def _longer(word: re.Match) -> str:
    text = word.group()
    return text + "".join(islice(cycle(PSEUDO_PADDING), round(len(text) * PSEUDO_LONGER)))


class PseudoTranslations(gettext.NullTranslations):
    """A catalog's messages as the pseudo-language shows them; a missing or empty one stays so, for
    the localizer to report, and `kept` ones (date patterns: no text a person reads) as they are."""

    def __init__(self, translations: gettext.NullTranslations, kept: Iterable[str]) -> None:
        super().__init__()
        self.translations, self.kept = translations, frozenset(kept)

    def gettext(self, message: str) -> str:
        text = self.translations.gettext(message)
        if text == message or not text.strip() or message in self.kept:
            return text
        return pseudo_text(text)
