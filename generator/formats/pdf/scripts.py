"""What a fillable PDF does as it is filled, where the viewer runs form JavaScript (Acrobat, Chromium's
PDFium, Firefox's pdf.js, much of it Okular): amounts and dates refused when they are not, in the
edition's language(s); numbers shown with the language's grouping; grid totals that add up; fields
that apply only after some answer hidden until then.

Only formgen's own fixed functions run: LIBRARY, below, is the same text in every PDF. What differs
between forms is data, generated from the document: one call that hands the library every field's
checks as JSON (`formgen_setup(…)`), and each field's actions calling a library function with a number
or a list of field ids. No text of a catalog, a call or a data row is ever written into a script but
as a JSON string (`js_value`), which no text can end early. Evince and MuPDF run none of it: the form
works without it, and `collect` checks everything again.

Why formgen's own functions, not the AF functions every viewer has: AFNumber_Keystroke and
AFDate_KeystrokeEx refuse a value with the viewer's own words, in English; AFNumber_Format has no
grouping by spaces («1 250 000,50»); AFSimple_Calculate reads «1 250 000» (a prefilled amount) as 1.
"""
from __future__ import annotations

import json
from typing import Iterable, Mapping, NamedTuple

from ...model.forms import Document, Field
from ...model.kinds import EMAIL, KINDS, NUMBER, PHONE, PHONE_DIGITS, plain_decimal

# What may be typed into a field, by its kind's script: anything else is refused as it is typed.
TYPING = {"number": "0-9 ,.\\u00a0\\u202f-", "amount": "0-9 ,.\\u00a0\\u202f-", "date": "0-9.\\-",
          "phone": "0-9 +()\\u00a0-"}
# What a committed value must be, beyond its kind's pattern: how many decimals, a day of the calendar.
DECIMALS = {"amount": 2}

LIBRARY = r"""
var formgen = {checks: [], relations: [], typing: {}, number: null};

function formgen_setup(data) {
  formgen = data;
  formgen.number = new RegExp("^(?:" + data.number + ")$");
  formgen_steer();
}

function formgen_text(field) {
  var value = field.value;
  return value === undefined || value === null ? "" : String(value);
}

function formgen_trim(text) {
  return String(text).replace(/^[\s\u00a0]+|[\s\u00a0]+$/g, "");
}

function formgen_plain(text) {
  var value = formgen_trim(text);
  if (!formgen.number.test(value)) return null;
  return value.replace(/[ \u00a0\u202f\u2009]/g, "").replace(",", ".");
}

function formgen_typing(kind) {
  if (event.willCommit) return;
  if (!new RegExp("^[" + formgen.typing[kind] + "]*$").test(event.change)) event.rc = false;
}

function formgen_day(text) {
  var found = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text), day, month, year;
  if (found) {
    day = +found[1]; month = +found[2]; year = +found[3];
  } else {
    found = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    if (!found) return false;
    year = +found[1]; month = +found[2]; day = +found[3];
  }
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  var leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function formgen_problem(check, text) {
  if (check.pattern && !new RegExp("^(?:" + check.pattern + ")$").test(text)) return check.refusal;
  if (check.digits) {
    var digits = text.replace(/[^0-9]/g, "").length;
    if (digits < check.digits[0] || digits > check.digits[1]) return check.refusal;
  }
  if (check.date && !formgen_day(text)) return check.refusal;
  if (check.number) {
    var plain = formgen_plain(text);
    if (plain === null) return check.refusal;
    var point = plain.indexOf(".");
    if (check.decimals !== null && point >= 0 && plain.length - point - 1 > check.decimals) return check.refusal;
    if ((check.min !== null && Number(plain) < Number(check.min)) ||
        (check.max !== null && Number(plain) > Number(check.max))) return check.range;
  }
  return "";
}

function formgen_validate(index) {
  var text = formgen_trim(event.value);
  if (text === "") return;
  var problem = formgen_problem(formgen.checks[index], text);
  if (problem) {
    app.alert(problem);
    event.rc = false;
  }
}

function formgen_show(index) {
  var check = formgen.checks[index], plain = formgen_plain(event.value);
  if (plain === null) return;
  var sign = plain.charAt(0) === "-" ? "-" : "", parts = plain.replace("-", "").split(".");
  var fraction = parts.length > 1 ? parts[1] : "";
  if (check.decimals === 2) fraction = /^0*$/.test(fraction) ? "" : (fraction + "00").substring(0, 2);
  var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, check.group);
  event.value = sign + whole + (fraction ? check.decimal + fraction : "");
}

function formgen_sum(names) {
  var total = 0, decimals = 0, any = false;
  for (var i = 0; i < names.length; i++) {
    var field = this.getField(names[i]);
    if (!field) continue;
    var text = formgen_text(field);
    if (formgen_trim(text) === "") continue;
    var plain = formgen_plain(text);
    if (plain === null) {
      event.value = "";
      return;
    }
    any = true;
    total += Number(plain);
    var point = plain.indexOf(".");
    if (point >= 0) decimals = Math.max(decimals, plain.length - point - 1);
  }
  event.value = any ? total.toFixed(decimals) : "";
}

function formgen_steer() {
  for (var i = 0; i < formgen.relations.length; i++) {
    var relation = formgen.relations[i];
    var field = this.getField(relation.field), decider = this.getField(relation.decider);
    if (!field || !decider) continue;
    var answer = formgen_text(decider);
    if (answer === "" || answer === "Off") answer = relation.unanswered;
    var applies = relation.values.indexOf(answer) >= 0;
    field.display = applies ? display.visible : display.hidden;
    field.readonly = !applies;
    if (relation.required) field.required = applies;
  }
}
"""


class FormScripts(NamedTuple):
    """A document's scripts: the document-level one (the library and its data; empty when the form
    needs none), each field's actions (/AA: K keystroke, V validate, F format, C calculate), and the
    calculated fields in the order a viewer recalculates them (/AcroForm /CO)."""

    document: str
    actions: Mapping[str, Mapping[str, str]]
    order: tuple[str, ...]


NO_SCRIPTS = FormScripts("", {}, ())


def js_value(value: object) -> str:
    """A value as a JavaScript literal: JSON, with what ends a script or a line in older engines
    escaped too (U+2028 and U+2029 end a JavaScript string literal before ES2019; `</` ends an HTML
    script), and every other character beyond ASCII as \\u escapes, so a PDF string holds it as it is."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("</", "<\\/")


def form_scripts(document: Document) -> FormScripts:
    """The scripts of a document, generated from its fields: the form in any viewer without scripts
    is the same form."""
    fields = list(document.fields())
    checks: dict[str, int] = {}
    records: list[dict] = []
    actions: dict[str, dict[str, str]] = {}
    for field in fields:
        script = KINDS[field.kind].script
        if script and field.id not in actions:
            record = check_record(field, script)
            index = checks.setdefault(js_value(record), len(records))
            if index == len(records):
                records.append(record)
            actions[field.id] = field_actions(field, script, index)
    relations = [relation(field, fields) for field in fields if field.relevant]
    steered = [field.id for field in fields if field.relevant]
    for field_id in steered:
        actions.setdefault(field_id, {})["C"] = "formgen_steer()"
    totals = [field for field in fields if field.checks.sums]
    for field in totals:
        actions.setdefault(field.id, {})["C"] = f"formgen_sum({js_value(list(field.checks.sums))})"
    if not actions:
        return NO_SCRIPTS
    data = {"number": NUMBER.pattern, "typing": TYPING, "checks": records, "relations": relations}
    # in reading order, the fields that steer themselves, then the totals: no calculated field reads another
    order = tuple(dict.fromkeys([*steered, *(field.id for field in totals)]))
    return FormScripts(f"{LIBRARY}\nformgen_setup({js_value(data)});\n", actions, order)


def check_record(field: Field, script: str) -> dict:
    """What formgen_validate and formgen_show need of a field: its pattern, bounds and words."""
    checks = field.checks
    record: dict = {"refusal": checks.refusal}
    if script in ("number", "amount"):
        record.update(number=True, decimals=DECIMALS.get(script), group=checks.group, decimal=checks.decimal,
                      min=_plain(checks.min), max=_plain(checks.max), range=checks.out_of_range)
    elif script == "date":
        record["date"] = True
    elif script == "email":
        record["pattern"] = EMAIL.pattern
    elif script == "phone":
        record.update(pattern=PHONE.pattern, digits=list(PHONE_DIGITS))
    return record


def field_actions(field: Field, script: str, index: int) -> dict[str, str]:
    actions = {"V": f"formgen_validate({index})"}
    if script in TYPING:
        actions["K"] = f"formgen_typing({js_value(script)})"
    if script in ("number", "amount"):
        actions["F"] = f"formgen_show({index})"
    return actions


def relation(field: Field, fields: Iterable[Field]) -> dict:
    decider = next(f for f in fields if f.id == field.relevant.field)
    return {"field": field.id, "decider": decider.id, "values": list(field.relevant.values),
            "unanswered": KINDS[decider.kind].unanswered, "required": field.required}


def _plain(value) -> str | None:
    return None if value is None else plain_decimal(value)
