"""Tiny inline test forms, as pyxform's tests write them: a form definition and its messages in a
few lines, localized with the project's own catalogs behind the test's messages."""
from __future__ import annotations

import gettext
import textwrap
from pathlib import Path

from generator import DEFAULT_CALL
from generator.language.bilingual import bilingual
from generator.sources.call import load_call
from generator.sources.catalogs import load_translations
from generator.sources.definitions import load_form
from generator.language.localize import Localizer
from generator.model.forms import Document, FormDef


class Messages(gettext.NullTranslations):
    """The test's own messages for one language, then the project's catalog."""

    def __init__(self, texts: dict[str, str], lang: str) -> None:
        super().__init__()
        self.texts = texts
        self.add_fallback(load_translations(lang))

    def gettext(self, message: str) -> str:
        return self.texts[message] if message in self.texts else self._fallback.gettext(message)


def tiny_form(tmp_path: Path, yaml_text: str, shared: str | None = None) -> FormDef:
    folder = tmp_path / "forms"
    folder.mkdir(exist_ok=True)
    if shared:
        (folder / "choices.yaml").write_text(textwrap.dedent(shared), encoding="utf-8")
    path = folder / "tiny.yaml"
    path.write_text(textwrap.dedent(yaml_text), encoding="utf-8")
    return load_form(path)


def localizer(messages: dict[str, tuple[str, str]], lang: str) -> Localizer:
    """`messages`: message id → (Russian, Kyrgyz)."""
    texts = {key: pair[0 if lang == "ru" else 1] for key, pair in messages.items()}
    return Localizer(lang, Messages(texts, lang), load_call(DEFAULT_CALL))


def tiny_document(form: FormDef, messages: dict[str, tuple[str, str]], edition: str) -> Document:
    if edition == "ru+ky":
        return bilingual(localizer(messages, "ky").document(form), localizer(messages, "ru").document(form), form.bilingual)
    return localizer(messages, edition).document(form)
