"""Field kinds, in one registry: what a kind is written as in DOCX and PDF, how a value given to
`fill` or read back by `collect` is checked and made canonical, and how it is shown in a language.

Adding a kind is one entry in KINDS. The raw OOXML of each `docx` control lives in
formats/docx/ooxml.py, the raw PDF objects of each `pdf` widget in formats/pdf/form.py; here a kind
only names them.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable, Iterable, Mapping

from .messages import N_, said

RATING_CHOICES = ("1", "2", "3", "4", "5")
YES, NO = "yes", "no"
YES_WORDS = {"yes", "y", "да", "ооба", "1", "true", "x", "☒", "✓"}
NO_WORDS = {"no", "n", "нет", "жок", "0", "false", "☐"}
MAX_SINGLE_LINE = 300
MAX_MULTI_LINE = 5000
MAX_RADIO_OPTIONS = 4  # a choice with more options is a drop-down list (combo box) in the PDF
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # XML cannot hold them
NOT_TEXT = re.compile("[\ud800-\udfff\ufffe\uffff]")  # lone surrogates and noncharacters: no file can hold them
NO_SPACES = str.maketrans(dict.fromkeys(" \u00a0\u202f\u2009"))  # the spaces between thousands, dropped
NUMBER = re.compile(r"-?\d{1,3}(?:[ \u00a0\u202f]?\d{3})*(?:[.,]\d+)?|-?\d+(?:[.,]\d+)?")
EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]+@[A-Za-z0-9\u0400-\u04ff-]+(?:\.[A-Za-z0-9\u0400-\u04ff-]+)+")
PHONE = re.compile(r"\+?[\d ()\u00a0-]+")
PHONE_DIGITS = (6, 15)


@dataclass(frozen=True)
class Options:
    """What checking a value needs besides the field: every text of each choice label."""

    texts: Callable[[str], Iterable[str]] = lambda message_id: ()  # message id → its text in each language


Parsed = tuple[str, "str | None"]  # (the canonical value, a problem or None)


def _plain(field, text: str, options: Options) -> Parsed:
    limit = field.max_length or MAX_SINGLE_LINE
    if len(text) > limit:
        return text, said("value.too_long", length=len(text), limit=limit)
    if "\n" in text:
        return text, said("value.line_break")
    return text, None


def _multiline(field, text: str, options: Options) -> Parsed:
    limit = field.max_length or MAX_MULTI_LINE
    if len(text) > limit:
        return text, said("value.too_long", length=len(text), limit=limit)
    return text, None


def decimal_of(text: str) -> Decimal | None:
    """A number as people write it («1 250 000», «15 000,50», «3.5»), or None."""
    if not NUMBER.fullmatch(text.strip()):
        return None
    try:
        return Decimal(text.strip().translate(NO_SPACES).replace(",", "."))
    except InvalidOperation:
        return None


def plain_decimal(number: Decimal) -> str:
    """1250000, 15000.5: no grouping, no exponent, no trailing zeros."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _bounds(field, number: Decimal) -> str | None:
    if field.min is not None and number < field.min:
        return said("value.below_min", value=plain_decimal(number), limit=plain_decimal(field.min))
    if field.max is not None and number > field.max:
        return said("value.above_max", value=plain_decimal(number), limit=plain_decimal(field.max))
    return None


def _number(field, text: str, options: Options) -> Parsed:
    number = decimal_of(text)
    if number is None:
        return text, said("value.not_number", value=text[:40])
    return text, _bounds(field, number)


def _amount(field, text: str, options: Options) -> Parsed:
    number = decimal_of(text)
    if number is None:
        return text, said("value.not_amount", value=text[:40])
    if number != number.quantize(Decimal("0.01")):
        return text, said("value.decimals", value=text[:40])
    return plain_decimal(number), _bounds(field, number)


def show_amount(value: str, lang: str) -> str:
    """A canonical sum as the language writes it: «1 250 000», «15 000,50»."""
    from babel.numbers import format_decimal

    number = decimal_of(value)
    if number is None:
        return value
    pattern = "#,##0" if number == number.to_integral_value() else "#,##0.00"
    return format_decimal(number, format=pattern, locale=lang)


def _date(field, text: str, options: Options) -> Parsed:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).strftime("%d.%m.%Y"), None
        except ValueError:
            continue
    day = DAY_MONTH_YEAR.fullmatch(text) or YEAR_MONTH_DAY.fullmatch(text)
    fault = day and calendar_fault(*map(int, day.group("year", "month", "day")))
    if fault:
        return text, said("value.no_such_day", value=text[:40], fault=fault)
    return text, said("value.not_date", value=text[:40])


DAY_MONTH_YEAR = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})")
YEAR_MONTH_DAY = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


def calendar_fault(year: int, month: int, day: int) -> str | None:
    """Why a date written in the right shape is not a day of the calendar (`February 2027 has no day 30`),
    or None when it is one. Told apart from a wrong shape, whose fix is another format: 30 February
    wants another day, and being shown the format it already uses helps no one."""
    if not 1 <= month <= 12:
        return f"there is no month {month}, only 1 to 12"
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    if not 1 <= day <= days:
        return f"{MONTH_NAMES[month - 1]} {year} has no day {day}, only 1 to {days}"
    return None if year else "there is no year 0"


def _rating(field, text: str, options: Options) -> Parsed:
    return (text, None) if text in RATING_CHOICES else (text, said("value.not_rating", value=text[:40]))


def _choice(field, text: str, options: Options) -> Parsed:
    wanted = text.strip().casefold()
    for option in field.options:
        names = {option.value, *options.texts(option.label)}
        if wanted in {name.strip().casefold() for name in names}:
            return option.value, None
    allowed = ", ".join(option.value for option in field.options)
    return text, said("value.not_choice", value=text[:40], choices=allowed)


def _yesno(field, text: str, options: Options) -> Parsed:
    word = text.strip().casefold()
    if word in YES_WORDS:
        return YES, None
    if word in NO_WORDS:
        return NO, None
    return text, said("value.not_yesno", value=text[:40])


def _email(field, text: str, options: Options) -> Parsed:
    value, problem = _plain(field, text.strip(), options)
    if problem is None and not EMAIL.fullmatch(value):
        problem = said("value.not_email", value=text[:40])
    return value, problem


def _phone(field, text: str, options: Options) -> Parsed:
    value, problem = _plain(field, text.strip(), options)
    digits = sum(char.isdigit() for char in value)
    if problem is None and (not PHONE.fullmatch(value) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]):
        problem = said("value.not_phone", value=text[:40])
    return value, problem


def _signature(field, text: str, options: Options) -> Parsed:
    return text, said("value.signature")


@dataclass(frozen=True)
class Kind:
    name: str
    placeholder: str  # message id of the hint when the field gives none
    parse: Callable[..., Parsed]  # (field definition, text, Options) → canonical value, problem
    docx: str | None  # the content control: text | multiline | date | dropdown | checkbox; None: a line
    pdf: str  # the widget: text | multiline | buttons | combo | check | signature
    blank_mm: float = 50.0  # width of the printed blank inside a sentence
    numeric: bool = False  # takes min/max; a grid total adds up its column
    text: bool = False  # takes max_length
    show: Callable[[str, str], str] = lambda value, lang: value  # canonical value → as the language writes it
    unanswered: str = ""  # what an empty returned field reads as
    # as it is filled on screen: which of formats/pdf/scripts.py's fixed checks its PDF field runs
    # (number, amount, date, email, phone), and the message id of what it says to a value it refuses
    script: str = ""
    refusal: str = ""


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("text", N_("placeholder.text"), _plain, "text", "text", text=True),
    Kind("multiline", N_("placeholder.text"), _multiline, "multiline", "multiline", text=True),
    Kind("number", N_("placeholder.number"), _number, "text", "text", blank_mm=22, numeric=True, script="number",
         refusal=N_("refuse.number")),
    Kind("date", N_("placeholder.date"), _date, "date", "text", blank_mm=32, script="date", refusal=N_("refuse.date")),
    Kind("rating", N_("placeholder.rating"), _rating, "dropdown", "buttons"),
    Kind("choice", N_("placeholder.choice"), _choice, "dropdown", "buttons"),
    Kind("yesno", N_("placeholder.yesno"), _yesno, "checkbox", "check", unanswered=NO),
    Kind("amount", N_("placeholder.amount"), _amount, "text", "text", blank_mm=32, numeric=True, show=show_amount,
         script="amount", refusal=N_("refuse.amount")),
    Kind("email", N_("placeholder.email"), _email, "text", "text", text=True, script="email",
         refusal=N_("refuse.email")),
    Kind("phone", N_("placeholder.phone"), _phone, "text", "text", blank_mm=40, text=True, script="phone",
         refusal=N_("refuse.phone")),
    Kind("signature", N_("placeholder.signature"), _signature, None, "signature", blank_mm=60),
)}
KIND_MESSAGES = tuple(sorted({kind.placeholder for kind in KINDS.values()} | {k.refusal for k in KINDS.values() if k.refusal}))


def kind_of(name: str) -> Kind:
    return KINDS[name]


def check_value(field, text: str, options: Options = Options()) -> Parsed:
    """(the value to write, a problem or None) for text given to `fill` or read by `collect`."""
    if CONTROL_CHARACTERS.search(text):
        return text, said("value.control")
    odd = NOT_TEXT.search(text)
    if odd:
        return text, said("value.not_character", code=f"{ord(odd.group()):04X}")
    return KINDS[field.kind].parse(field, text, options)


def pdf_widget(field) -> str:
    """The PDF widget of a localized field: a long choice list is a combo box, not buttons."""
    widget = KINDS[field.kind].pdf
    if widget == "buttons" and len(field.choices) > MAX_RADIO_OPTIONS and field.kind != "rating":
        return "combo"
    return widget


def shown_values(fields: Iterable, values: Mapping[str, str]) -> dict[str, str]:
    """Canonical values as each field's language writes them (an amount's grouping)."""
    by_id = {field.id: field for field in fields}
    return {key: KINDS[by_id[key].kind].show(value, by_id[key].lang) if key in by_id and value else value
            for key, value in values.items()}
