"""Read typed text in a field's image with tesseract (tesserocr: the engine in-process, models loaded
once), with the model of the field's language (the language registry's `ocr:`) and, for numbers and
dates, the Latin model and digits only."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import tesserocr
from PIL import Image

from ..errors import FormgenError

# Debian's tesseract-ocr-<model> put the models here; Windows installers under Program Files
TESSDATA_PLACES = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                   "/usr/share/tessdata", "/usr/local/share/tessdata", r"C:\Program Files\Tesseract-OCR\tessdata")
LATIN = "eng"  # digits, e-mail addresses, and the Latin letters of any text
# Kinds read with the Latin model and only these characters: the Cyrillic models take 3 for 5.
CHARACTERS = {"number": "0123456789 ,.-", "amount": "0123456789 ,.-", "date": "0123456789.",
              "phone": "0123456789 +-()", "email": ""}
Word = tuple[str, float, tuple[int, int, int, int]]  # text, confidence, box in the image
JUNK_BELOW = 60  # a word of punctuation only, read with less confidence, is a speck or a line's end


def tessdata(models: tuple[str, ...] = (LATIN,)) -> str:
    """Where tesseract's `models` are installed."""
    places = [os.environ["TESSDATA_PREFIX"]] if os.environ.get("TESSDATA_PREFIX") else []
    for place in places + list(TESSDATA_PLACES):
        if all((Path(place) / f"{model}.traineddata").is_file() for model in models):
            return place
    raise FormgenError("tesseract", "", f"the models {', '.join(models)} are not installed",
                       f"apt-get install {' '.join(f'tesseract-ocr-{model}' for model in models)}, "
                       "or set TESSDATA_PREFIX")


@lru_cache(maxsize=None)
def _engine(languages: str) -> tesserocr.PyTessBaseAPI:
    return tesserocr.PyTessBaseAPI(path=tessdata(tuple(languages.split("+"))), lang=languages,
                                   oem=tesserocr.OEM.LSTM_ONLY)


def models(model: str, kind: str) -> str:
    """Digits and e-mail: the Latin model; text: Latin first (digits in addresses), then the field's language's."""
    if kind in CHARACTERS:
        return LATIN
    return "+".join(dict.fromkeys((LATIN, model)))


def read_text(image: np.ndarray, model: str, kind: str, lines: int) -> tuple[str, float]:
    """The text in a field's image and tesseract's confidence in it (0–100, the weakest word);
    `model`: the one of the field's language."""
    mode = tesserocr.PSM.SINGLE_BLOCK if lines > 1 else tesserocr.PSM.SINGLE_LINE
    read = _read(image, models(model, kind), CHARACTERS.get(kind, ""), mode)
    if kind not in CHARACTERS and model != LATIN and any(_latin(word) for line in read for word, _, _ in line):
        again = [word for line in _read(image, model, "", mode) for word in line]
        read = [[_in_own_script(word, again) for word in line] for line in read]
    text_lines = [" ".join(w for w, _, _ in line) for line in read if line]
    return "\n".join(text_lines), min((c for line in read for _, c, _ in line), default=0.0)


def _read(image: np.ndarray, languages: str, characters: str, mode: int) -> list[list[Word]]:
    engine = _engine(languages)
    engine.SetVariable("tessedit_char_whitelist", characters)
    engine.SetPageSegMode(mode)
    engine.SetImage(Image.fromarray(image))
    engine.Recognize()
    return [[w for w in line if any(ch.isalnum() for ch in w[0]) or w[1] >= JUNK_BELOW] for line in _lines(engine)]


def _latin(word: str) -> bool:
    """Read in Latin letters, and not an address on the web (@, /, a dot between letters) nor digits."""
    return (any("a" <= ch.lower() <= "z" for ch in word) and not any(ch.isdigit() for ch in word)
            and not re.search(r"[@/]|\w\.\w", word))


def _in_own_script(word: Word, again: list[Word]) -> Word:
    """The Latin model wins digits (Cyrillic models take 3 for 5) but takes «тел.» for «Ten.» and
    «окмоту» for «OKMOTY»: such a word is taken from the language's model's reading of the same
    place, where that reads letters other than Latin ones."""
    text, _, (x0, y0, x1, y1) = word
    if not _latin(text):
        return word
    def overlap(other: Word) -> int:
        a0, b0, a1, b1 = other[2]
        return max(0, min(x1, a1) - max(x0, a0)) * max(0, min(y1, b1) - max(y0, b0))
    best = max(again, key=overlap, default=None)
    if best and overlap(best) and any(ch.isalpha() and not ch.isascii() for ch in best[0]):
        return best
    return word


def _lines(engine: tesserocr.PyTessBaseAPI) -> list[list[Word]]:
    lines: list[list[Word]] = []
    iterator = engine.GetIterator()
    level = tesserocr.RIL.WORD
    if iterator is None:
        return lines
    while True:
        try:
            word = iterator.GetUTF8Text(level)
        except RuntimeError:  # an empty word
            word = ""
        if word:
            if not lines or iterator.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
                lines.append([])
            lines[-1].append((word, iterator.Confidence(level), iterator.BoundingBox(level)))
        if not iterator.Next(level):
            return lines
