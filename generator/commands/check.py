"""`formgen check`: every problem in definitions, catalogs and call settings, one line each; with
--lang, also what overflows its place when the forms are laid out in those editions."""
from __future__ import annotations

import difflib
from pathlib import Path
from itertools import chain
from typing import Iterable, Iterator

from ..errors import FormgenError, coded, say, suggestion
from ..formats.pdf.fonts import font_problems
from ..formats.web.site import LISTS, TEXTS
from ..language.localize import Localizer, placeholders
from ..language.grammar import grammar_of
from ..language.values import call_values, governed, name_doubts, takes_case, with_case
from ..model.forms import FormDef, ProjectSettings
from ..model.languages import Languages
from ..model.messages import SAID
from ..pipeline import checked_editions, editions_of, localized, used_message_ids
from ..sources.call import CallSettings, call_texts, call_year, load_call
from ..sources.catalogs import Catalog, Translations, language_catalog, po_path
from ..sources.definitions import SETTINGS_FILE, form_paths, iter_field_defs, load_form, load_settings
from ..sources.languages import load_languages
from ..sources.project import Project, find_project


def check(forms_dir: Path, locales_dir: Path, call_path: Path, editions: Iterable[str] = ()) -> list[str]:
    """Every problem of the project's sources; with `editions` (or pseudo-languages), also what
    overflows its place in the PDF layout of each form in them."""
    problems: list[str] = []

    def attempt(load, *args):
        try:
            return load(*args)
        except FormgenError as exc:
            problems.append(exc.line())
            return None

    languages = attempt(load_languages, forms_dir)
    if languages is None:  # nothing else can be read in languages it cannot tell
        return problems
    paths = form_paths(forms_dir)
    forms = [f for f in (attempt(load_form, p) for p in paths) if f]
    call = attempt(load_call, call_path, languages.codes)
    catalogs = {lang: attempt(language_catalog, lang, locales_dir) for lang in languages.codes}
    problems += duplicate_field_ids(forms)
    problems += page_budget_problems(forms, languages)
    settings = attempt(load_settings, forms_dir)
    if settings and len(forms) == len(paths):
        problems += settings_problems(settings, forms, forms_dir / SETTINGS_FILE)
    if all(catalogs.values()) and len(forms) == len(paths):  # else every message would look unused
        problems += catalog_problems(catalogs, used_message_ids(forms), locales_dir)
    letters = language_texts(languages, editions)
    texts = chain(catalog_texts(catalogs, locales_dir), letters) if all(catalogs.values()) else letters
    problems += font_problems(texts)
    if call:
        problems += font_problems(call_texts(call))
    if call and all(catalogs.values()):
        problems += case_problems(catalogs, call, languages, locales_dir)
    if not problems and call:
        problems += hardcoded_call_values(catalogs, call, locales_dir)
        problems += localization_problems(forms, call, catalogs, locales_dir, languages)
    if not problems and call and editions:
        problems += overflow_problems(forms, call, editions, Project(forms_dir, locales_dir))
    return list(dict.fromkeys(problems))  # a fault of choices.yaml stops every form that reads it: said once


def language_texts(languages: Languages, editions: Iterable[str]) -> Iterator[tuple[str, str]]:
    """The letters the PDF fonts must show for each language, and each pseudo-language asked for."""
    for language in languages.languages:
        yield f"{languages.source}: languages.{language.code}.letters", language.letters
    for pseudo in (edition for edition in editions if edition in languages.pseudo_ids):
        yield f"pseudo-language {pseudo}", languages[pseudo].letters


def _call_literals(call: CallSettings, lang: str) -> dict[str, str]:
    """Values of a call as they could be typed into a sentence → the placeholder to use instead."""
    literals = {
        call.organisation[lang]: "organisation", call.programme[lang]: "programme",
        call.contact.name[lang]: "contact_name", call.contact.phone: "contact_phone",
        call.contact.mobile: "contact_mobile", call.contact.email: "contact_email",
        call.office.address[lang]: "office_address", call.office.phones: "office_phones",
        call.office.email: "office_email",
    }
    for year, name in ((call.deadline.year, "deadline_date"), (call.results_date.year, "results_date"),
                       (call.population_date.year, "population_date"), (call.donor_years[0], "donor_first_year"),
                       (call.donor_years[1], "donor_last_year")):
        literals.setdefault(str(year), name)
    return literals


def warnings(call_path: Path, project: Project) -> list[str]:
    """What may be right but needs a person's eye: `check` prints it and still succeeds."""
    try:
        languages = project.languages
        call = load_call(call_path, languages.codes)
    except FormgenError:  # check() reports the broken call or languages itself
        return []
    return [f"warning: {line}" for line in (*deadline_doubts(call), *contact_name_doubts(call, languages))]


def deadline_doubts(call: CallSettings) -> Iterator[str]:
    """A call of 2027 that closes in 2026 was most likely copied with its dates moved too little."""
    year = call_year(call.id)
    if year is not None and call.deadline.year < year:
        yield coded("FG312", f"{call.source}: deadline: {call.deadline:%Y-%m-%d} falls before the call's own year "
                             f"{year} (set this call's dates; `formgen new-call` moves them by the years between the ids)")


def contact_name_doubts(call: CallSettings, languages: Languages) -> Iterator[str]:
    """A name the grammar rules cannot be trusted with: its dative is best written in the call."""
    if "dat" in call.contact.name_cases:
        return
    each = ", ".join(f"{code}: …" for code in languages.codes)
    for language in languages.languages:
        name = call.contact.name[language.code]
        if doubts := name_doubts(name, language):
            yield coded("FG310", f"{call.source}: contact.name.{language.code}: '{name}' {' and '.join(doubts)}, so "
                                 f"the rules may decline it wrongly (write its dative as contact.name_dative: {{{each}}})")


def hardcoded_call_values(catalogs: dict[str, Catalog], call: CallSettings, locales_dir: Path) -> Iterator[str]:
    """A value of the call written into a sentence would not change with the next call."""
    for lang, catalog in catalogs.items():
        literals = _call_literals(call, lang)
        for message in catalog:
            text = str(message.string or "")
            for literal, placeholder in literals.items():
                if message.id and literal in text:
                    yield coded("FG213", f"{po_path(lang, locales_dir)}: line {message.lineno}: msgid \"{message.id}\": "
                                         f"contains '{literal}' from the call settings (write {{{placeholder}}} instead)")


def case_problems(catalogs: dict[str, Catalog], call: CallSettings, languages: Languages,
                  locales_dir: Path) -> Iterator[str]:
    """A call value before a postposition that governs a case, written without that case: «{results_date}
    чейин» prints «7-марты чейин» where the language says «7-мартына чейин» (the grammar's POSTPOSITIONS)."""
    for language in languages.languages:
        postpositions = getattr(grammar_of(language), "POSTPOSITIONS", {})
        if not postpositions:
            continue
        values = call_values(call, language, {})
        for message in catalogs[language.code]:
            for name, spec, word, case in governed(str(message.string or ""), postpositions):
                if name in values and takes_case(values[name], language) and case not in spec.split(","):
                    written = f"{{{name}:{spec}}}" if spec else f"{{{name}}}"
                    yield coded("FG214", f"{po_path(language.code, locales_dir)}: line {message.lineno}: msgid "
                                         f"\"{message.id}\": «{written} {word}»: {word} governs the case {case} of "
                                         f"the word before it (write {{{name}:{with_case(spec, case, language)}}} {word})")


def catalog_texts(catalogs: dict[str, Catalog], locales_dir: Path) -> Iterator[tuple[str, str]]:
    for lang, catalog in catalogs.items():
        path = po_path(lang, locales_dir)
        for message in catalog:
            if message.id:
                yield f"{path}: line {message.lineno}: msgid \"{message.id}\"", str(message.string)


def settings_problems(settings: ProjectSettings, forms: list[FormDef], path: Path) -> list[str]:
    """The project's settings name forms and fields that exist."""
    form_ids = [form.id for form in forms]
    field_ids = [field.id for form in forms for field in form.field_defs()]
    return ([coded("FG501", f"{path}: forms: no form '{f}' (list ids of the forms: {', '.join(form_ids)})")
             for f in settings.order if f not in form_ids]
            + [coded("FG502",
                     f"{path}: folder_name: no field '{f}' in the forms (list field ids, e.g. the municipality's name)")
               for f in settings.folder_name if f not in field_ids])


def duplicate_field_ids(forms: list[FormDef]) -> list[str]:
    owner: dict[str, str] = {}
    problems = []
    for form in forms:
        for field in iter_field_defs(form):
            if field.id in owner and owner[field.id] != form.source:
                problems.append(coded("FG132", f"{form.source}: field '{field.id}': also used in {owner[field.id]} "
                                               "(field ids are unique across the forms of an application; rename one)"))
            owner.setdefault(field.id, form.source)
    return problems


def catalog_problems(catalogs: dict[str, Catalog], used: dict[str, str], locales_dir: Path) -> Iterator[str]:
    for lang, catalog in catalogs.items():
        path = po_path(lang, locales_dir)
        for message_id, where in used.items():
            message = catalog.get(message_id)
            if message is None:
                close = difflib.get_close_matches(message_id, [str(m.id) for m in catalog if m.id], n=1, cutoff=0.8)
                hint = f"; did you mean \"{close[0]}\"?" if close else ""
                yield coded("FG203", f"{path}: msgid \"{message_id}\": missing "
                                     f"(used in {where}; add it with its {lang} text{hint})")
                continue
            at = f"{path}: line {message.lineno}: msgid \"{message_id}\""
            if not str(message.string or "").strip():
                yield coded("FG204", f"{at}: empty translation (write its {lang} text)")
            elif message.fuzzy:
                yield coded("FG205", f"{at}: marked fuzzy (review it and remove the fuzzy flag)")
        for message in catalog:
            if message.id and message.id not in used:
                yield coded("FG206", f"{path}: line {message.lineno}: msgid \"{message.id}\": defined but not used "
                                     "(delete it, or use it in a form definition)")
    yield from placeholder_problems(catalogs, locales_dir)


def placeholder_problems(catalogs: dict[str, Catalog], locales_dir: Path) -> Iterator[str]:
    names: dict[str, dict[str, set[str]]] = {}
    for lang, catalog in catalogs.items():
        for message in catalog:
            if not message.id or not message.string:
                continue
            try:
                names.setdefault(message.id, {})[lang] = {n for n, _ in placeholders(str(message.string))}
            except ValueError as exc:
                yield coded("FG207", f"{po_path(lang, locales_dir)}: line {message.lineno}: msgid \"{message.id}\": "
                                     f"malformed placeholder: {exc} (balance the {{ }} braces)")
    first = next(iter(catalogs))
    for message_id, by_lang in names.items():
        for lang, found in by_lang.items():
            if first in by_lang and found != by_lang[first]:
                line = catalogs[lang].get(message_id).lineno
                yield coded("FG208", f"{po_path(lang, locales_dir)}: line {line}: msgid \"{message_id}\": "
                                     f"placeholders {_names(found)} differ from {first}: {_names(by_lang[first])} "
                                     "(use the same names)")


def _names(names: set[str]) -> str:
    return "{" + ", ".join(sorted(names)) + "}" if names else "none"


def localization_problems(forms: list[FormDef], call: CallSettings, catalogs: dict[str, Catalog],
                          locales_dir: Path, languages: Languages) -> Iterator[str]:
    """Render every form in every language in memory: catches placeholders a form cannot fill."""
    for language in languages.languages:
        lang = language.code
        try:
            localizer = Localizer(language, Translations(catalogs[lang].texts()), call, str(po_path(lang, locales_dir)))
            for form in forms:
                localizer.document(form)
            for message_id in (*TEXTS.values(), *(m for ids in LISTS.values() for m in ids)):
                localizer.text(message_id)
            for message_id, english in SAID.items():  # a problem line may use what its English gives
                localizer.text(message_id, **{name: "1" for name, _ in placeholders(english)})
        except FormgenError as exc:
            yield exc.line()


def page_budget_problems(forms: list[FormDef], languages: Languages) -> Iterator[str]:
    """A page budget (`pages:`) is given for editions of the project."""
    for form in forms:
        for edition, _ in form.pages:
            if edition not in languages.edition_ids:
                yield coded("FG133", f"{form.source}: pages.{edition}: not an edition of the project "
                                     f"({suggestion(edition, languages.edition_ids)})")


def overflow_problems(forms: list[FormDef], call: CallSettings, editions: Iterable[str],
                      project: Project) -> Iterator[str]:
    """Each form laid out as its PDF in each edition: what does not fit its place, as the layout
    measured it (a hint wider than its blank, a word wider than its column, an option wider than its
    field), and a document longer than its page budget (a pseudo-language's: its language's)."""
    from ..formats.pdf.layout import MM, draw_pages  # check alone draws nothing

    languages = project.languages
    plan, by_lang = editions_of(call, editions, project=project, forms={form.id: form for form in forms})
    for edition, form in plan:
        pages = draw_pages(localized(by_lang, edition, form))
        for overflow in pages.overflows:
            yield coded("FG410", f"{form.source}: {edition}, page {overflow.page}: {overflow.what} is "
                                 f"{overflow.by / MM:.1f} mm {overflow.how} (shorten the text, or make room for it)")
        budget_of = languages[edition].texts if edition in languages.pseudo_ids else edition
        budget = dict(form.pages).get(budget_of)
        if budget and pages.index > budget:
            yield coded("FG411", f"{form.source}: {edition}: {pages.index} pages, {pages.index - budget} more than "
                                 f"its budget (pages.{budget_of}: {budget}; shorten the texts, or raise the budget)")


# ---- the command line's side ----------------------------------------------------------------------

def run(options) -> int:
    chosen = find_project(options.project)
    editions = checked_editions(options.lang, chosen.languages, pseudo=True) if options.lang else []
    problems = check(chosen.forms_dir, chosen.locales_dir, chosen.call(options.call), editions)
    for line in [*warnings(chosen.call(options.call), chosen), *problems]:
        say(line, err=True)
    if problems:
        say(f"{len(problems)} problem(s) in {chosen}", err=True)
        return 1
    say(f"ok: definitions, catalogs and call settings of {chosen} are consistent")
    return 0
