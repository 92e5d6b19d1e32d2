"""The download page and the zip, checked in a real headless Chromium."""
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from cli_runner import CliRunner

from conftest import require
from generator.cli import app
from generator.formats.web.site import page_name, unbroken
from generator.pipeline import localizers
from generator.sources.project import BUILTIN

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(os.environ.get("FORMGEN_SHOTS", "")) if os.environ.get("FORMGEN_SHOTS") else None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(app, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "2025"


def manifest(site):
    return json.loads((site / "manifest.json").read_text(encoding="utf-8"))["files"]


def test_zip_holds_exactly_the_manifest_files(site):
    files = manifest(site)
    with zipfile.ZipFile(site / "2025-forms.zip") as archive:
        names = archive.namelist()
        assert len(names) == len(files) == len(set(names))
        for entry in files:
            name = f"2025-{entry['lang']}-{entry['form']}.{entry['format']}"
            assert archive.read(name) == (site / entry["path"]).read_bytes()


def test_manifest_counts_pages(site):
    pages = {(e["form"], e["lang"], e["format"]): e["pages"] for e in manifest(site)}
    assert pages[("interest_letter", "ky", "pdf")] == 1
    assert pages[("annex2", "ru", "docx")] == pages[("annex2", "ru", "pdf")] >= 3


def test_pages_are_linked_both_ways_without_script(site):
    ky = (site / "index.html").read_text(encoding="utf-8")
    ru = (site / "index.ru.html").read_text(encoding="utf-8")
    assert '<html lang="ky">' in ky and '<html lang="ru">' in ru
    assert 'href="index.ru.html" hreflang="ru"' in ky and 'href="index.html" hreflang="ky"' in ru
    assert "<script" not in ky + ru and "http" not in ky + ru  # no external resources
    assert "2025\u2011жылдын 28\u2011февралы саат 18:00гө чейин" in ky and "до 18:00 28\u00a0февраля 2025\u00a0года" in ru


def test_dates_never_break_inside(site, call):
    """A date is written with no-break spaces and hyphens: «28-» never ends a line above «февралы», nor
    «28» above «февраля»."""
    for lang, localizer in localizers(call).items():
        html = (site / page_name(BUILTIN.languages, lang)).read_text(encoding="utf-8")
        date = format(localizer.values["deadline_date"], "")
        assert unbroken(date) in html and unbroken(date) != date and date not in html


def test_no_site_skips_it(tmp_path):
    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path), "--no-site", "--format", "docx"])
    assert result.exit_code == 0
    assert not (tmp_path / "2025" / "index.html").exists() and not list(tmp_path.rglob("*.zip"))


def _kilobytes(text: str) -> int:
    return int(re.search(r"(\d+)\s*КБ", text).group(1))


@pytest.fixture(scope="module")
def browser():
    require(CHROMIUM, "Chromium", "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


EDITION_COLUMNS = {"ky": ("Кыргыз тилинде", "На кыргызском языке"), "ru": ("Орус тилинде", "На русском языке"),
                   "ru+ky": ("Эки тилде", "На двух языках")}


def _check_download_table(page, site, lang):
    """One row per document, one column per edition, a DOCX and a PDF button in each cell."""
    files = {entry["path"]: entry for entry in manifest(site)}
    editions = page.locator("table.downloads thead th").all_inner_texts()[1:]
    rows = page.locator("table.downloads tbody tr")
    assert rows.count() == len({e["form"] for e in files.values()})
    seen = set()
    for r in range(rows.count()):
        row = rows.nth(r)
        cells = row.locator("td")
        assert cells.count() == len(editions) == len({e["lang"] for e in files.values()})
        forms = set()
        for c in range(cells.count()):
            buttons = cells.nth(c).locator("a.file")
            assert buttons.all_inner_texts() and [b.split()[0] for b in buttons.all_inner_texts()] == ["DOCX", "PDF"]
            for b in range(buttons.count()):
                button = buttons.nth(b)
                entry = files[button.get_attribute("href")]
                forms.add(entry["form"])
                seen.add(entry["path"])
                assert editions[c] == EDITION_COLUMNS[entry["lang"]][lang == "ru"]  # in its edition's column
                meta = button.locator(".meta").inner_text()
                assert _kilobytes(meta) == max(1, round((site / entry["path"]).stat().st_size / 1024))
                assert str(entry["pages"]) in meta
                # named alone, as a screen reader reads a link: its document, edition and format
                name, edition = button.get_attribute("aria-label"), BUILTIN.languages.edition(entry["lang"]).name_in(lang)
                assert row.locator("th").inner_text() in name and edition in name and entry["format"].upper() in name
                shown = button.locator(".edition")
                assert shown.inner_text() == edition  # and on a phone, where the headings scrolled away, shown
                assert (shown.bounding_box()["width"] > 1) == (page.viewport_size["width"] < 640)
                box = button.bounding_box()
                assert box["height"] >= 40 and box["x"] + box["width"] <= page.viewport_size["width"]
        assert len(forms) == 1  # a row holds one document
    assert seen == set(files)


# Text joined by no-break spaces and hyphens (dates) that the browser still laid out on two lines.
UNBROKEN_ON_TWO_LINES = r"""() => {
  const broken = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/[^ \n\t]*[\u00a0\u2011][^ \n\t]*/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      if (new Set([...range.getClientRects()].map(rect => Math.round(rect.bottom))).size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("width", [360, 1280])
def test_page_in_chromium(site, browser, width, tmp_path):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto((site / "index.html").as_uri())
    for lang, other in (("ky", "ru"), ("ru", "ky")):
        assert page.get_attribute("html", "lang") == lang
        assert page.locator("h1").count() == 1 and page.locator(".deadline .when").inner_text()
        _check_download_table(page, site, lang)
        zip_link = page.locator(".zip a")
        assert _kilobytes(zip_link.inner_text()) == max(1, round((site / zip_link.get_attribute("href")).stat().st_size / 1024))
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        assert page.evaluate(UNBROKEN_ON_TWO_LINES) == []
        sums = page.locator("details .sums")
        assert not sums.is_visible()  # folded away at the end of the page
        assert page.locator("main > section").last.locator("details").count() == 1
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "switch"  # first stop: the language switch
        if SHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"site-{lang}-{width}.png"), full_page=True)
        page.locator("details summary").click()
        assert sums.is_visible() and sums.locator("dt").count() == len(manifest(site))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("a.switch").click()
        page.wait_for_load_state()


def test_every_text_on_the_page_is_escaped():
    """The page is filled without a template engine: each text is escaped as html.escape does."""
    import html

    from tiny import localizer

    from generator.formats.web.site import FILE, TEXTS, page
    from generator.model.forms import FieldBlockDef, FieldDef, FormDef
    from generator.model.languages import Languages
    from generator.sources.project import BUILTIN

    hostile = """<script>alert("x")</script> & 'q'"""
    escaped = html.escape(hostile)
    output = type("Output", (), {"form": "f", "lang": "ru", "format": "pdf", "path": "ru/<f>.pdf", "bytes": 2048,
                                 "pages": 1, "sha256": "ab"})()
    messages = {TEXTS["title"]: (hostile, hostile), TEXTS["footer"]: (hostile, hostile), FILE: (hostile, hostile),
                "f.title": (hostile, hostile), "f.step": (hostile, hostile)}
    forms = {"f": FormDef("f", "f.title", (FieldBlockDef(FieldDef("x", "text")),), step="f.step")}
    html = page(localizer(messages, "ru"), forms, [output], 1000, BUILTIN.languages)
    assert "<script" not in html and "ru/<f>" not in html
    assert html.count(escaped) == 6  # <title>, <h1>, the footer, the row's name, the button's label, the step
    assert 'href="ru/&lt;f&gt;.pdf"' in html and "<dt>ru/&lt;f&gt;.pdf</dt>" in html
    # the registry's names of the languages and editions (forms/project.yaml) are escaped too
    languages = BUILTIN.languages
    hostile_names = Languages(tuple(language._replace(name=hostile) for language in languages.languages),
                              tuple(edition._replace(names=tuple((lang, hostile) for lang, _ in edition.names))
                                    for edition in languages.editions), languages.main)
    html = page(localizer(messages, "ru"), forms, [output], 1000, hostile_names)
    assert "<script" not in html
    assert html.count(escaped) == 6 + 3  # and the link to the other page, the column's heading, the button's edition
