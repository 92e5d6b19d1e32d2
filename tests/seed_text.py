"""The seed texts, cut into the parts each document reproduces, and compared word by word."""
import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "seeds"
WORD = re.compile(r"[^\W_]+|№")

# (start line, end line) of each document in each seed; the end line is included.
SECTIONS = {
    ("announcement", "ru"): ("Общественное объединение", "Приложение 1."),
    ("announcement", "ky"): ("«Өнүктүрүү саясат институту»", "1-тиркеме."),
    ("interest_letter", "ru"): ("Приложение 1.", "Контакты:"),
    ("interest_letter", "ky"): ("1-тиркеме.", "Байланыш маалыматы:"),
    ("annex2", "ru"): ("Приложение 2.", None),
    ("annex2", "ky"): ("2-тиркеме.", None),
}
# The notice to heads of LSG bodies: on the letter's page in the seeds, at the end of the announcement here.
NOTICE = {"ru": ("К вниманию глав органов МСУ!", "Все детали сотрудничества"),
          "ky": ("ЖӨБ органдарынын башчыларынын көңүлүнө!", "Кызматташуунун бардык шарттары")}
# Hints the seeds write in the text after a blank: the forms show them as the blank's placeholder.
HINTS = {
    "ru": ["(ФИО главы АО или мэра)", "(указать наименование и месторасположение)",
           "телефоны сотовый и стационарный, почтовый и электронный адрес"],
    "ky": ["(Айыл өкмөт башчысынын же мэрдин аты-жөнү)",
           "(айыл аймагынын/шаардын аталышын жана жайгашкан жерин жазыңыз)",
           "уюлдук жана стационардык телефон номерлери, почталык жана электрондук даректер."],
}
# Obvious typing slips fixed in the catalogs (docs/source-texts.md lists them too).
SLIPS = {
    "ru": [("по 5 бальной шкале", "по 5-балльной шкале")],
    "ky": [("лидеринын", "лидеринин")],
}
# Words the forms add: row numbers of the list tables, the rating line under each question and the
# outgoing number line of the letter (Исх. № … от … / Чыг. № …).
ADDED = {"ru": {"оценка", "от", "до", "исх", "№", *map(str, range(1, 11))},
         "ky": {"баа", "1ден", "5ке", "чейин", "чыг", "№", *map(str, range(1, 11))}}


def _index(lines: list[str], start: str, after: int = -1) -> int:
    return next(i for i, line in enumerate(lines) if i > after and line.strip().startswith(start))


def seed_section(form_id: str, lang: str) -> str:
    lines = (SEEDS / f"call_{lang}.txt").read_text(encoding="utf-8").splitlines()
    start, end = SECTIONS[(form_id, lang)]
    first = _index(lines, start)
    last = len(lines) - 1 if end is None else _index(lines, end, first)
    if form_id == "announcement":  # up to the annexes, then the notice
        heading, paragraph = NOTICE[lang]
        selected = lines[first:last] + [lines[_index(lines, heading)], lines[_index(lines, paragraph)]]
    else:
        selected = lines[first:last + 1]
    text = "\n".join(selected)
    for wrong, right in SLIPS[lang]:
        text = text.replace(wrong, right)
    for hint in HINTS[lang]:
        text = text.replace(hint, " ")
    return text


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def missing_from(expected: list[str], actual: list[str]) -> list[str]:
    """Words of `expected` that do not appear, in order, in `actual` (empty when it is a subsequence)."""
    position, missing = 0, []
    for word in expected:
        try:
            position = actual.index(word, position) + 1
        except ValueError:
            missing.append(word)
    return missing
