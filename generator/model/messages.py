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
# the header of collect's table of returned files
FILES_HEADERS = (N_("collect.form"),)
# what the workbook writes for a yes/no answer (and a scan's signed? stamped? columns)
YES_NO_LABELS = {"yes": N_("value.yes"), "no": N_("value.no")}


class Said(str):
    """A line the code says, in English as the command line and the JSON print it, that knows its
    catalog message and the values of its placeholders: the workbook says it in its own language.
    A value may itself be Said (a field's problem inside the line that names the field)."""

    message: str
    values: dict

    def __reduce__(self):  # read in a worker process, it crosses back whole
        return _said_again, (str(self), self.message, self.values)


def _said_again(text: str, message: str, values: dict) -> Said:
    line = Said(text)
    line.message, line.values = message, values
    return line


def said(message: str, **values: object) -> Said:
    """The line of `message` (an id of SAID) with its placeholders' values, in English."""
    return _said_again(SAID[message].format(**values), message, values)


# Each line the workbook may show, by its message id: the English the command line says. Its text
# in each language is in the catalogs, which may use any of these placeholders (`check` says so);
# a placeholder named `field` or ending in `_field` holds a field id, one ending in `_fields` field ids
# joined by ", ", `form` a form id: the workbook shows their names. A value may be Said: said in turn.
SAID = {
    # a value that its field's kind or constraints refuse (fill and collect)
    N_("value.too_long"): "{length} characters, more than the {limit} this field holds",
    N_("value.line_break"): "a line break in a single-line field",
    N_("value.not_number"): "'{value}' is not a number",
    N_("value.below_min"): "{value} is less than the smallest allowed, {limit}",
    N_("value.above_max"): "{value} is more than the largest allowed, {limit}",
    N_("value.not_amount"): "'{value}' is not a sum of money (write 1250000 or 15 000,50)",
    N_("value.decimals"): "'{value}' has more than two decimals (tyiyn)",
    N_("value.not_date"): "'{value}' is not a date (write DD.MM.YYYY)",
    N_("value.no_such_day"): "'{value}': {fault} (write a day that exists)",
    N_("value.not_rating"): "'{value}' is not a rating from 1 to 5",
    N_("value.not_choice"): "'{value}' is not one of the choices ({choices}, or their labels)",
    N_("value.not_yesno"): "'{value}' is not yes or no (write yes/no, да/нет, ооба/жок, 1/0)",
    N_("value.not_email"): "'{value}' is not an e-mail address (write name@example.kg)",
    N_("value.not_phone"): "'{value}' is not a phone number (write +996 555 123 456)",
    N_("value.signature"): "a signature cannot be filled in from data (it is signed in the returned PDF)",
    N_("value.control"): "holds a control character (invisible; retype the value)",
    N_("value.not_character"): "holds U+{code}, which is not a character (retype the value)",
    N_("value.lookalike"): "{letters} in '{value}': a letter of another alphabet that looks like one of this "
                           "text's (write {suggested})",
    N_("value.lookalike_fixed"): "{letters} in '{value}' written as {suggested}: a letter of another alphabet "
                                 "that looks like one of this text's",
    # what collect finds in an application or a returned file
    N_("problem.field"): "{field}: {problem}",
    N_("problem.required_empty"): "{form}: required field '{field}' is empty",
    N_("problem.not_applicable"): "{form}: '{field}' is answered, but applies only when {when_field} is {answer}",
    N_("problem.required_unticked"): "{form}: required field '{field}' is not ticked",
    N_("problem.total"): "{field}: total {given} is not the sum of its column, {expected}",
    N_("problem.conflict"): "{field}: '{value}' differs from '{other}' in {file}; the first is kept",
    N_("problem.form_missing"): "no {form} in this application (if applications need not have it, write "
                                "`optional: true` in {source})",
    N_("problem.fields_missing"): "{count} of the {total} fields of {form} are not in the file ({missing}): is it "
                                  "damaged or cut short? Their answers are missing",
    N_("problem.several_forms"): "holds fields of {count} forms ({forms}); each is read as its own",
    N_("problem.unknown_fields"): "{count} field(s) no form has, not read: {fields}",
    N_("problem.not_character"): "{field}: holds U+{code}, which is not a character; shown as \ufffd",
    N_("problem.duplicate_field"): "{field}: two fields of this name with different values; the first is kept",
    N_("problem.duplicate_control"): "{field}: two controls of this tag with different values; the first is kept",
    N_("problem.field_types"): "{field}: two fields of this name, of types {first} and {second}; the first is kept",
    N_("problem.field_unread"): "{field}: {detail}",
    N_("problem.field_tree_cut"): "the field tree has more than {limit} nodes; the fields after them were not read",
    # what a signature field reads as (a value of the general sheet, in the workbook's language)
    N_("signature.state"): "{signed}, {coverage}, {trust}",
    N_("signature.signed"): "signed",
    N_("signature.mismatch"): "signature does not match the file",
    N_("signature.whole_file"): "whole file",
    N_("signature.changed"): "file changed after signing",
    N_("signature.trusted"): "certificate trusted",
    N_("signature.unverified"): "certificate chain not verified",
    N_("signature.unchecked"): "signed, not checked",
    N_("signature.on_paper"): "signed on paper",
    N_("problem.signature_broken"): "{field}: {state}",
    N_("problem.signature_changed"): "{field}: {state}",
    N_("problem.signatures_unchecked"): "signatures cannot be checked: {detail}",
    N_("problem.cell_cut"): "{place}: {length} characters, more than a spreadsheet cell holds ({limit}); cut there "
                            "(--out x.json keeps it whole)",
    N_("problem.cell_cut_counted"): "{place}: {length} characters ({counted} as a spreadsheet counts them), more than "
                                    "a spreadsheet cell holds ({limit}); cut there (--out x.json keeps it whole)",
    N_("problem.scan_marks"): "only {found} of 4 registration marks found: fields may be misread",
    N_("problem.several_marks"): "{field}: {count} marks ({marks}); which one is meant?",
    N_("problem.page_twice"): "{form} ({edition}) page {page} seen twice, first in {file}",
    N_("problem.pages_missing"): "{form} ({edition}): page {pages} of {count} missing",
    # a returned DOCX read control by control (formats/docx/read.py, match.py)
    N_("problem.typed_over"): "{field}: its control was typed over in the file: the answer is the text «{text}» "
                              "found in its place",
    N_("problem.typed_over_together"): "{field}: its control was typed over together with {with_field}'s, no text "
                                       "between: the text is read as {with_field}'s; check both",
    N_("problem.control_missing"): "{field}: the control is missing from the file; no answer",
    N_("problem.typed_beside"): "{field}: typed beside the field: the answer is the text «{text}»",
    N_("problem.typed_beside_kept"): "{field}: «{beside}» typed beside the field, which holds «{text}»; the "
                                     "field's answer is kept",
    N_("problem.placeholder_once"): "{field}: «{text}» is its placeholder as the form once worded it: read as no "
                                    "answer",
    N_("problem.read_by_tag"): "holds {holds}: read by tag only, not looked at for answers typed beside or over a "
                               "control",
    N_("problem.more_words"): "more than {limit} words",
    N_("problem.more_controls"): "more than {times} times its form's {controls} controls",
    N_("problem.untagged_too_long"): "its controls have no tags, and it holds {holds}: it is not matched against the "
                                     "forms",
    N_("problem.untagged_unmatched"): "its controls lost their tags and its text does not match a form",
    N_("problem.fix_original_file"): "ask for the form filled in the original file",
    # a DOCX printed to PDF (formats/docx/printed.py)
    N_("problem.not_in_print"): "{field}: not found in the printed text: the form's words around it are not where "
                                "the form has them; key it in",
    N_("problem.run_together"): "{field}, {other_fields}: their answers run together in the printed text («{text}»); "
                                "read as {field}'s, check them",
    N_("problem.printed_other_version"): "printed from {form} ({edition}) of another version of the form or another "
                                         "call (its code {code} is not this call's)",
    N_("problem.printed_too_long"): "carries the code of {form} ({edition}) and more than {limit} words: not a "
                                    "printed form",
    N_("problem.printed_not_the_form"): "carries the code of {form} ({edition}), but its text is not that form's",
    N_("problem.printed_unknown_form"): "printed from a form this project has not ({form}, {edition})",
    N_("problem.printed_needs"): "a printed form, and reading one needs {module}",
    N_("problem.damaged_pdf"): "damaged PDF: {detail}",
    N_("problem.fix_this_calls_blank"): "ask for the form filled in this call's blank",
    N_("problem.fix_form_itself"): "ask for the form itself",
    N_("problem.fix_project"): "collect it with the project it was made by (--project)",
    N_("problem.fix_save_again"): "ask for the form saved again",
    # an ODT or DOC converted by LibreOffice (formats/soffice.py): {what} is one of the kinds
    N_("problem.kind_odt"): "an OpenDocument text (.odt)",
    N_("problem.kind_doc"): "a Word 97–2003 document (.doc)",
    N_("problem.kind_other"): "a {kind} file",
    N_("problem.no_libreoffice"): "{what}, which formgen reads through LibreOffice, and LibreOffice is not installed "
                                  "here",
    N_("problem.not_converted"): "{what} that LibreOffice could not convert (is it damaged, or not a text "
                                 "document?)",
    N_("problem.converts_too_large"): "{what} that converts to more than {limit} MB",
    N_("problem.unpacks_too_large"): "{what} that unpacks to more than {limit} MB",
    N_("problem.zip_damaged"): "{what} whose zip is damaged: {detail}",
    N_("problem.conversion_stopped"): "{what} that LibreOffice had not converted after {seconds} s; stopped",
    N_("problem.fix_save_as_docx"): "save it as .docx in Word or LibreOffice and collect it again",
    N_("problem.fix_far_smaller"): "a filled form is far smaller; is this the right file?",
    N_("problem.fix_right_file"): "is this the right file?",
    # a file that is read no further: the reader's own line, in English, is its detail (or, where the
    # reader said it in these words, its problem and fix)
    N_("problem.fixed"): "{problem} ({fix})",
    N_("problem.reader_died"): "the process reading it died twice ({death}); the other files were read",
    N_("problem.reader_too_slow"): "reading it took more than {seconds} s, twice; the other files were read",
    N_("problem.fix_resend"): "ask for the file saved again, or key it in",
    N_("problem.not_a_form"): "{detail}",
    N_("problem.not_a_page"): "{detail}",
    N_("problem.file"): "{detail}",
    N_("problem.internal"): "{detail}",
}
