"""A test project: the built-in one and a form of its own with every field kind, a grid with totals and
fields that apply only after some answer (`relevant`). The tests of what a PDF does as it is filled
work on it (pdf.js, Chromium, collect)."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from generator import DEFAULT_CALL, FORMS_DIR, LOCALES_DIR
from generator.sources.definitions import load_form

FORM = """\
    id: everykind
    title: everykind.title
    optional: true
    choices:
      sizes: [{value: small, label: everykind.small}, {value: large, label: everykind.large}]
    blocks:
      - {p: everykind.title, style: title}
      - table: everykind
        rows:
          - {label: everykind.name, field: {id: ek_name, kind: text, required: true, max_length: 40}}
          - {label: everykind.about, field: {id: ek_about, kind: multiline, lines: 2}}
          - {label: everykind.staff, field: {id: ek_staff, kind: number, min: 1, max: 500}}
          - {label: everykind.founded, field: {id: ek_founded, kind: date}}
          - {label: everykind.size, field: {id: ek_size, kind: choice, choices: sizes}}
          - {label: everykind.region, field: {id: ek_region, kind: choice, choices: oblasts}}
          - {label: everykind.has_specialist, field: {id: ek_has_specialist, kind: yesno}}
          - label: everykind.specialist
            field: {id: ek_specialist, kind: text, required: true, relevant: {field: ek_has_specialist, is: yes}}
          - {label: everykind.budget, field: {id: ek_budget, kind: amount, min: 0, max: 5000000}}
          - {label: everykind.email, field: {id: ek_email, kind: email}}
          - {label: everykind.phone, field: {id: ek_phone, kind: phone}}
      - p: everykind.rating
        style: answer
        fields:
          ek_rating: {kind: rating, label: everykind.rating.label}
      - field: {id: ek_why, kind: multiline, lines: 2, label: everykind.why, relevant: {field: ek_rating, is: [1, 2]}}
      - grid: ek_costs
        rows: 3
        total: everykind.costs.total
        columns:
          - {id: item, header: everykind.costs.item, width: 50}
          - {id: sum, header: everykind.costs.sum, width: 30, kind: amount}
          - {id: people, header: everykind.costs.people, width: 20, kind: number}
      - p: everykind.signed
        fields:
          ek_sign: {kind: signature}
"""

MESSAGES = {  # message id: (Russian, Kyrgyz)
    "everykind.title": ("Все виды полей", "Талаалардын бардык түрлөрү"),
    "everykind.small": ("малый", "кичине"),
    "everykind.large": ("большой", "чоң"),
    "everykind.name": ("Наименование", "Аталышы"),
    "everykind.about": ("О себе", "Өзү жөнүндө"),
    "everykind.staff": ("Число сотрудников", "Кызматкерлердин саны"),
    "everykind.founded": ("Дата основания", "Негизделген күнү"),
    "everykind.size": ("Размер", "Өлчөмү"),
    "everykind.region": ("Область", "Облус"),
    "everykind.has_specialist": ("Есть специалист по закупкам", "Сатып алуулар боюнча адис бар"),
    "everykind.specialist": ("ФИО специалиста", "Адистин аты-жөнү"),
    "everykind.budget": ("Бюджет, сом", "Бюджет, сом"),
    "everykind.email": ("Электронная почта", "Электрондук почта"),
    "everykind.phone": ("Телефон", "Телефон"),
    "everykind.rating": ("Оценка: {ek_rating}", "Баа: {ek_rating}"),
    "everykind.rating.label": ("Оценка", "Баа"),
    "everykind.why": ("Почему низкая оценка?", "Эмне үчүн баа төмөн?"),
    "everykind.costs.total": ("Итого", "Бардыгы"),
    "everykind.costs.item": ("Статья", "Берене"),
    "everykind.costs.sum": ("Сумма, сом", "Сумма, сом"),
    "everykind.costs.people": ("Человек", "Адам"),
    "everykind.signed": ("Подпись: {ek_sign}", "Колу: {ek_sign}"),
}


def po_entries(lang: str, messages: dict[str, tuple[str, str]] = MESSAGES) -> str:
    index = 0 if lang == "ru" else 1
    return "".join(f'\nmsgid "{key}"\nmsgstr "{po_text(texts[index])}"\n' for key, texts in messages.items())


def po_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def kinds_project(folder: Path, messages: dict[str, tuple[str, str]] = MESSAGES) -> Path:
    """A copy of the built-in project with the every-kind form added; its folder."""
    shutil.copytree(FORMS_DIR, folder / "forms")
    shutil.copytree(LOCALES_DIR, folder / "locales")
    (folder / "forms" / "everykind.yaml").write_text(textwrap.dedent(FORM), encoding="utf-8")
    for lang in ("ru", "ky"):
        po = folder / "locales" / lang / "LC_MESSAGES" / "forms.po"
        text = po.read_text(encoding="utf-8")
        for key in [key for key in messages if f'\nmsgid "{key}"\n' in text]:  # the project's own, changed
            start = text.index(f'\nmsgid "{key}"\n')
            end = text.index("\n\n", start + 1) if "\n\n" in text[start + 1:] else len(text)
            text = text[:start] + text[end:]
        po.write_text(text + po_entries(lang, messages), encoding="utf-8")
    return folder


def call_path(project: Path) -> Path:
    return project / "forms" / "calls" / DEFAULT_CALL.name


def everykind(project: Path):
    return load_form(project / "forms" / "everykind.yaml")
