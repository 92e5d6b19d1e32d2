"""Paper returns: the tool's own prefilled forms are printed (rendered), marked by pen, scanned
(skewed, scaled, blurred, noisy, JPEG, black and white, shuffled, turned) and `collect` reads them
back field by field. Everything is generated here; no image is stored in the repository."""
from __future__ import annotations

import base64
import dataclasses
import io
import random
import re

import numpy as np
import openpyxl
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFilter

from generator import DEFAULT_CALL
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator.commands.collect import Forms, Wording, collect, tables
from generator.formats.pdf.layout import PAGE_HEIGHT, PAGE_WIDTH, page_ink_areas, page_widgets
from generator.model.page_id import mark_rects
from generator.formats.web.review import review_page
from generator.formats.tables.write import write_tables
from generator.sources.languages import builtin_languages
from conftest import require



@pytest.fixture(autouse=True)
def scanning_tools():
    """The scan extra and Debian's models: CI installs them (.ci/run); elsewhere the tests skip."""
    try:
        from generator.scan.ocr import tessdata
        import cv2, tesserocr, zxingcpp  # noqa: F401
        tessdata()
        present = True
    except Exception:
        present = False
    require(present, "the scan extra and tesseract's kir/rus models",
            "pip install '.[scan]'; apt-get install tesseract-ocr-kir tesseract-ocr-rus")

FORMS = ("interest_letter", "annex2")
TEXT = {
    "ky": {"phone_fax": "0312 54-12-78", "sender_head": "Асанов Бакыт Үсөнович", "sender_municipality": "Жаңы-Жол айыл аймагы",
           "sender_district": "Ысык-Ата", "sender_region": "chui", "municipality": "Жаңы-Жол",
           "sign_municipality": "Жаңы-Жол", "sign_kenesh": "Жаңы-Жол айылдык",
           "outgoing_number": "15/204", "contacts": "Кант шаары, Ленин көчөсү 12; тел. 0312 54-12-78",
           "aa_name": "Жаңы-Жол айыл аймагы", "postal_address": "Чүй облусу, Ысык-Ата району, Өрнөк айылы",
           "procurement_specialist": "Мамытова Гүлнара Төлөгөновна",
           "interaction_comment": "Жергиликтүү кеңеш менен иш үзгүлтүксүз жүрөт, бирок айрым маселелер чечилбей калууда.",
           "problem_1": "Ичүүчү суу менен камсыз кылуу", "problem_2": "Жолдорду оңдоо",
           "problem_3": "Мектепке чейинки балдар бакчасынын жетишсиздиги",
           "activities_1_name": "Мектептин чатырын оңдоо", "activities_1_initiators": "Айыл өкмөтү жана ата-энелер",
           "groups_1_name": "Аялдар кеңеши", "donors_1_donor": "Өнүктүрүү фонду"},
    "ru": {"phone_fax": "0313 45-67-89", "sender_head": "Иванов Сергей Петрович", "sender_municipality": "Сокулукский айыльный аймак",
           "sender_district": "Сокулукского", "sender_region": "chui", "municipality": "Сокулук",
           "sign_municipality": "Сокулукского", "sign_kenesh": "Сокулукского айыльного",
           "outgoing_number": "07-112", "contacts": "село Сокулук, улица Фрунзе 44; тел. 0313 45-67-89",
           "aa_name": "Сокулукский айыльный аймак", "postal_address": "Чуйская область, Сокулукский район, село Сокулук",
           "procurement_specialist": "Петрова Анна Викторовна",
           "interaction_comment": "Взаимодействие с местным кенешем налажено, но часть вопросов решается медленно.",
           "problem_1": "Обеспечение питьевой водой", "problem_2": "Ремонт внутренних дорог",
           "problem_3": "Нехватка мест в детских садах",
           "activities_1_name": "Ремонт крыши школы", "activities_1_initiators": "Айыл окмоту и родители",
           "groups_1_name": "Совет женщин", "donors_1_donor": "Фонд развития"},
}
NUMBERS = {"territory_ha": "12500", "villages": "7", "population": "15230", "distance_district": "12",
           "distance_region": "85", "distance_capital": "140", "own_revenue": "3450000", "activities_1_people": "320",
           "letter_date": "03.02.2025", "outgoing_date": "01.02.2025"}
PEN = {"interaction_rating": ("4", "circle"), "activity_rating": ("2", "tick")}


@pytest.fixture(scope="module")
def call():
    return load_call(DEFAULT_CALL)


@pytest.fixture(scope="module")
def documents(call):
    return {(d.form_id, d.lang): d for d in localized_documents(call, ("ru", "ky", "ru+ky"), FORMS)}


@pytest.fixture(scope="module")
def forms(call):
    return Forms(call)


def values_for(document, lang: str) -> dict[str, str]:
    ids = {f.id for f in document.fields()}
    return {k: v for k, v in {**TEXT[lang], **NUMBERS}.items() if k in ids}


# ---- printing and scanning -------------------------------------------------------------------------

def printed(document, values: dict[str, str], dpi: int, row: str = "") -> list[Image.Image]:
    """The filled form as paper: every page drawn (fields included) at `dpi`, greyscale."""
    data = render_bytes(dataclasses.replace(document, row=row), "pdf", values)
    pdf = pdfium.PdfDocument(data)
    pdf.init_forms()
    pages = [pdf[i].render(scale=dpi / 72, may_draw_forms=True).to_pil().convert("L") for i in range(len(pdf))]
    pdf.close()
    return pages


def pen(page: Image.Image, document, number: int, dpi: int, marks: dict[str, tuple[str, str]]) -> None:
    """Marks made by hand on page `number` (0-based): a circle, a tick or a cross at a rating's choice."""
    draw, scale = ImageDraw.Draw(page), dpi / 72
    for widget in page_widgets(document)[number]:
        if widget.field_id in marks and widget.choice == marks[widget.field_id][0]:
            x0, y0, x1, y1 = widget.rect
            cx, cy, r = (x0 + x1) / 2 * scale, (PAGE_HEIGHT - (y0 + y1) / 2) * scale, (x1 - x0) / 2 * scale
            width = max(2, round(scale))
            style = marks[widget.field_id][1]
            if style == "circle":  # around the ring
                draw.ellipse((cx - 1.5 * r, cy - 1.4 * r, cx + 1.5 * r, cy + 1.4 * r), outline=30, width=width)
            elif style == "number":  # around the number beside the ring
                nx = cx + 1.7 * r
                draw.ellipse((nx - 1.2 * r, cy - 1.5 * r, nx + 1.3 * r, cy + 1.2 * r), outline=30, width=width)
            elif style == "tick":
                draw.line([(cx - r, cy), (cx - 0.2 * r, cy + 0.8 * r), (cx + 1.2 * r, cy - 1.3 * r)], fill=20, width=width)
            else:  # a cross
                draw.line([(cx - r, cy - r), (cx + r, cy + r)], fill=20, width=width)
                draw.line([(cx - r, cy + r), (cx + r, cy - r)], fill=20, width=width)


def scribble(page: Image.Image, box: tuple[float, float, float, float], dpi: int, seed: int) -> None:
    """A handwritten signature (or scrawl) inside `box` (PDF points, y up)."""
    rng, scale = random.Random(seed), dpi / 72
    x0, y0, x1, y1 = box
    points = [(rng.uniform(x0, x1) * scale, (PAGE_HEIGHT - rng.uniform(y0, y1)) * scale) for _ in range(12)]
    ImageDraw.Draw(page).line(sorted(points), fill=25, width=max(2, round(scale)), joint="curve")


def scanned(page: Image.Image, angle: float = 0.0, scale: float = 1.0, shift: tuple[int, int] = (0, 0),
            blur: float = 0.0, noise: float = 0.0, bw: bool = False, seed: int = 0) -> Image.Image:
    """What a scanner makes of a printed page: turned, scaled and shifted, blurred, noisy, or
    reduced to black and white."""
    w, h = page.size if abs(angle) not in (90, 270) else page.size[::-1]
    image = page.rotate(angle, resample=Image.BILINEAR, fillcolor=235, expand=abs(angle) in (90, 180, 270))
    if scale != 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.BILINEAR)
    bed = Image.new("L", (round(w * 1.06), round(h * 1.06)), 235)  # the scanner's glass is larger than A4
    bed.paste(image, ((bed.width - image.width) // 2 + shift[0], (bed.height - image.height) // 2 + shift[1]))
    image = bed
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        pixels = np.asarray(image, dtype=np.float32)
        pixels += np.random.default_rng(seed).normal(0, noise, pixels.shape)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if bw:
        image = image.point(lambda v: 255 if v > 150 else 0).convert("1")
    return image


def photographed(page: Image.Image, corners: list[tuple[float, float]], size: tuple[int, int] = (3000, 4000),
                 lamp: tuple[float, float] = (0.4, 0.35)) -> Image.Image:
    """What a phone makes of a page on a table: the page's corners (top left, clockwise) where
    `corners` put them in a picture of `size`, the table darker around it, a lamp at `lamp` (a share
    of the picture's width and height) lighting it unevenly, a little blur."""
    import cv2

    w, h = page.size
    matrix = cv2.getPerspectiveTransform(np.float32([(0, 0), (w, 0), (w, h), (0, h)]), np.float32(corners))
    sheet = cv2.warpPerspective(np.asarray(page.convert("L")), matrix, size, borderValue=0)
    on_sheet = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, size) > 0
    picture = np.where(on_sheet, sheet, 85).astype(np.float32)  # the table
    yy, xx = np.mgrid[0:size[1], 0:size[0]]
    picture *= 0.72 + 0.28 * np.exp(-((xx / size[0] - lamp[0]) ** 2 + (yy / size[1] - lamp[1]) ** 2) / 0.5)
    picture = cv2.GaussianBlur(np.clip(picture, 0, 255).astype(np.uint8), (3, 3), 0.8)
    return Image.fromarray(picture)


def as_jpeg(image: Image.Image, quality: int = 70) -> Image.Image:
    buffer = io.BytesIO()
    image.convert("L").save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


# ---- checking ----------------------------------------------------------------------------------------

def distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def check_fields(read: dict[str, str], expected: dict[str, str]) -> None:
    """Ratings and numbers exact; text ≥ 95 % of characters right in every field, exact in ≥ 90 %."""
    exact = 0
    texts = 0
    for field_id, value in expected.items():
        got = read.get(field_id, "")
        if field_id in NUMBERS or field_id in PEN:
            assert got == value, field_id
            continue
        texts += 1
        accuracy = 1 - distance(got, value) / len(value)
        assert accuracy >= 0.95, (field_id, got, value)
        exact += got == value
    assert exact >= 0.9 * texts, f"{exact} of {texts} text fields exact"


def application_values(applications, key_part: str) -> dict[str, str]:
    matching = [a for a in applications if key_part in a.key]
    assert len(matching) == 1, [a.key for a in applications]
    return matching[0].values()


# ---- the tests -----------------------------------------------------------------------------------------

def test_a_kyrgyz_application_scanned_at_200_dpi_shuffled_and_turned_reads_back(tmp_path, documents, call):
    letter, annex = documents[("interest_letter", "ky")], documents[("annex2", "ky")]
    letter_values, annex_values = values_for(letter, "ky"), values_for(annex, "ky")
    pages = printed(annex, annex_values, 200)
    pen(pages[0], annex, 0, 200, {"interaction_rating": PEN["interaction_rating"]})
    pen(pages[1], annex, 1, 200, {"activity_rating": PEN["activity_rating"]})
    degraded = [scanned(p, angle=a, scale=s, shift=d, blur=0.6, noise=6, seed=n)
                for n, (p, a, s, d) in enumerate(zip(pages, (2.0, -1.5, 180.0, 0.5), (0.97, 1.0, 1.03, 1.0),
                                                     ((10, 25), (0, 0), (-8, 5), (20, -10))))]
    order = [2, 0, 3, 1]  # shuffled; the third page upside down
    folder = tmp_path / "Жаңы-Жол"
    folder.mkdir()
    first = as_jpeg(degraded[order[0]]).convert("L")
    first.save(folder / "annex.pdf", "PDF", resolution=200, save_all=True,
               append_images=[as_jpeg(degraded[i]) for i in order[1:]])
    letter_page = printed(letter, letter_values, 200)[0]
    areas = {area.name: area.rect for area in page_ink_areas(letter)[0]}
    scribble(letter_page, areas["sign_municipality_signature"], 200, seed=1)  # the head signed, the chair not
    x0, y0, x1, y1 = (v * 200 / 72 for v in areas["stamp"])
    cx, cy, r = x0 + 30 * 200 / 25.4, PAGE_HEIGHT * 200 / 72 - (y0 + y1) / 2, 5 * 200 / 25.4
    ImageDraw.Draw(letter_page).ellipse((cx - r, cy - r, cx + r, cy + r), outline=90, width=4)  # the stamp, beside «Мөөр»
    scanned(letter_page, angle=-3.0, scale=1.02, blur=0.5).save(folder / "letter.jpg", quality=75)

    applications, problems = collect([tmp_path], call)
    assert not problems, problems
    values = application_values(applications, "Жаңы-Жол")
    expected = {**letter_values, **annex_values, **{k: v for k, (v, _) in PEN.items()}}
    check_fields(values, expected)
    application = next(a for a in applications if "Жаңы-Жол" in a.key)
    assert application.ink() == {"sign_municipality_signature": "yes", "sign_kenesh_signature": "no", "stamp": "yes"}
    empty = [f.id for f in annex.fields() if f.id not in expected]
    assert all(values.get(field_id, "") == "" for field_id in empty), "nothing read where nothing was written"


def test_pages_photographed_at_an_angle_under_a_lamp_read_back(tmp_path, documents, call):
    """A phone photo of each page, not a scan: the page a trapezium on a darker table, lit from one
    side (the letter's cut to 1600 pixels at JPEG 70, as a messenger sends it). The code gives where
    to start; each registration mark found tells where the next is, one not found where a scan's
    would be is looked for farther out, and the four give the page exactly."""
    letter, annex = documents[("interest_letter", "ky")], documents[("annex2", "ky")]
    letter_values, annex_values = values_for(letter, "ky"), values_for(annex, "ky")
    pages = printed(annex, annex_values, 200)
    pen(pages[0], annex, 0, 200, {"interaction_rating": PEN["interaction_rating"]})
    pen(pages[1], annex, 1, 200, {"activity_rating": PEN["activity_rating"]})
    angles = ([(380, 300), (2650, 420), (2750, 3650), (250, 3550)],  # held over its bottom edge
              [(300, 420), (2700, 300), (2600, 3600), (420, 3700)],  # over its right edge
              [(500, 250), (2500, 250), (2800, 3750), (200, 3750)],  # from below, the top far away
              [(250, 350), (2750, 350), (2500, 3650), (500, 3650)])  # from above
    folder = tmp_path / "Жаңы-Жол"
    folder.mkdir()
    for number, (page, corners) in enumerate(zip(pages, angles)):
        as_jpeg(photographed(page, corners), 80).save(folder / f"IMG_{number}.jpg")
    sent = photographed(printed(letter, letter_values, 200)[0], angles[2], lamp=(0.8, 0.8))
    as_jpeg(sent.resize((1200, 1600), Image.LANCZOS), 70).save(folder / "IMG_letter.jpg")  # as a messenger sends it

    applications, problems = collect([tmp_path], call)
    assert not problems, problems
    values = application_values(applications, "Жаңы-Жол")
    check_fields(values, {**letter_values, **annex_values, **{k: v for k, (v, _) in PEN.items()}})


def test_a_square_of_ink_beside_a_lost_mark_is_not_taken_for_it(tmp_path, documents, call):
    """The mark nearest the code torn off, and a square blot of the same size a little beside where
    it was (with white around it, as a mark has): the blot does not lie where the mark would, seen
    from the code, so the page is aligned by the other three marks and read whole."""
    annex = documents[("annex2", "ky")]
    values = values_for(annex, "ky")
    page, scale = printed(annex, values, 200)[0], 200 / 72
    x0, y0, x1, y1 = mark_rects(PAGE_WIDTH, PAGE_HEIGHT)[3]  # bottom left, beside the code
    draw = ImageDraw.Draw(page)
    draw.rectangle(((x0 - 6) * scale, (PAGE_HEIGHT - y1 - 6) * scale, (x1 + 6) * scale, (PAGE_HEIGHT - y0 + 6) * scale),
                   fill=255)
    draw.rectangle(((x0 + 40) * scale, (PAGE_HEIGHT - y1) * scale, (x1 + 40) * scale, (PAGE_HEIGHT - y0) * scale), fill=0)
    page.save(tmp_path / "page.png")
    applications, problems = collect([tmp_path / "page.png"], call)
    assert not [p for p in problems if "registration" in p[1]], problems
    on_page = {w.field_id for w in page_widgets(annex)[0]}
    check_fields(applications[0].values(), {k: v for k, v in values.items() if k in on_page})


def test_a_photo_with_a_corner_out_of_the_picture_gives_no_value_unseen(tmp_path, documents, call):
    """Three marks give a flat scan exactly, but not a page photographed at an angle: the fourth
    corner's keystone is lost. The code's corners then lie where the three marks do not put them, so
    the page is taken as placed by its code alone: every value read is for a person to check."""
    annex = documents[("annex2", "ky")]
    photo = photographed(printed(annex, values_for(annex, "ky"), 200)[0],
                         [(500, 250), (2500, 250), (2800, 3750), (200, 3750)])
    ImageDraw.Draw(photo).rectangle((2300, 0, 3000, 700), fill=80)  # a hand over the top right corner
    as_jpeg(photo, 80).save(tmp_path / "IMG.jpg")
    applications, problems = collect([tmp_path / "IMG.jpg"], call)
    assert any("registration marks" in line for _, line in problems)
    read = [r for returned in applications[0].files for r in returned.readings.values() if r.value]
    assert read and all(r.review for r in read) and not any(applications[0].values().get(r.field_id) for r in read)


def test_a_page_placed_by_its_code_alone_gives_no_value_unseen(tmp_path, documents, call):
    """With fewer than three registration marks found (here two covered), a page is placed by its
    code alone, which may put a field beside its place: every value read is for a person to check,
    listed with its picture, none goes into the data unseen."""
    annex = documents[("annex2", "ky")]
    values = values_for(annex, "ky")
    page = printed(annex, values, 200)[0]
    scale = 200 / 72
    for x0, y0, x1, y1 in mark_rects(PAGE_WIDTH, PAGE_HEIGHT)[:2]:  # the two upper marks covered (a fold, a thumb)
        ImageDraw.Draw(page).rectangle(((x0 - 8) * scale, (PAGE_HEIGHT - y1 - 8) * scale,
                                        (x1 + 8) * scale, (PAGE_HEIGHT - y0 + 8) * scale), fill=255)
    page.save(tmp_path / "page.png")
    applications, problems = collect([tmp_path / "page.png"], call)
    assert ("registration marks" in str(problems)) and len(applications) == 1
    readings = [r for returned in applications[0].files for r in returned.readings.values()]
    read = [r for r in readings if r.value]
    assert read and all(r.review and r.image for r in read)
    assert not any(applications[0].values().get(r.field_id) for r in read)


@pytest.mark.parametrize("row", ["Кара-Суу", "Жаңы-Жол"])  # Russian letters alone, and with Kyrgyz ones
def test_a_prefilled_page_scanned_among_other_rows_goes_to_its_row(tmp_path, documents, call, row):
    """Pages of many rows in one folder: each page's code names its row, exactly."""
    letter = documents[("interest_letter", "ru")]
    folder = tmp_path / "scans"
    folder.mkdir()
    printed(letter, {}, 200, row=row)[0].save(folder / "page.png")
    applications, problems = collect([folder], call)
    assert [a.key for a in applications] == [str(folder / row)]


def test_a_russian_application_in_black_and_white_at_300_dpi_in_a_multipage_tiff(tmp_path, documents, call):
    letter, annex = documents[("interest_letter", "ru")], documents[("annex2", "ru")]
    letter_values, annex_values = values_for(letter, "ru"), values_for(annex, "ru")
    pages = printed(letter, letter_values, 300) + printed(annex, annex_values, 300)
    pen(pages[1], annex, 0, 300, {"interaction_rating": ("4", "cross")})
    pen(pages[2], annex, 1, 300, {"activity_rating": ("2", "number")})
    turned = [scanned(p, angle=90.0 if n == 3 else 1.0, blur=0.4, bw=True) for n, p in enumerate(pages)]
    turned[0].save(tmp_path / "scan.tif", save_all=True, append_images=turned[1:], compression="group4")

    applications, problems = collect([tmp_path / "scan.tif"], call)
    assert not problems, problems
    check_fields(applications[0].values(), {**letter_values, **annex_values, **{k: v for k, (v, _) in PEN.items()}})


def test_pages_that_cannot_be_read_are_reported_and_nothing_is_dropped(tmp_path, documents, call, forms):
    letter, annex = documents[("interest_letter", "ky")], documents[("annex2", "ky")]
    letter_values = values_for(letter, "ky")
    folder = tmp_path / "Ноокат"
    folder.mkdir()
    handwritten = {k: v for k, v in letter_values.items() if k != "sender_district"}
    letter_page = printed(letter, handwritten, 150)[0]
    district = next(w for w in page_widgets(letter)[0] if w.field_id == "sender_district")
    scribble(letter_page, district.rect, 150, seed=3)  # written by hand: not guessed, sent to review
    scanned(letter_page, angle=-4.0, scale=1.04).save(folder / "letter.png")
    annex_page = printed(annex, {}, 150)[0]
    pen(annex_page, annex, 0, 150, {"interaction_rating": ("2", "tick")})
    pen(annex_page, annex, 0, 150, {"interaction_rating": ("5", "circle")})
    blank = Image.new("L", annex_page.size, 245)
    foreign = Image.new("L", annex_page.size, 250)
    for line in range(40):
        ImageDraw.Draw(foreign).text((120, 150 + line * 40), "Some other letter, not a form " * 3, fill=0)
    other_call = printed(dataclasses.replace(letter, call_id="2024"), {}, 150)[0]
    pages = [annex_page, scanned(annex_page, angle=0.7), blank, foreign, other_call]
    pages[0].save(folder / "scan.pdf", "PDF", resolution=150, save_all=True, append_images=pages[1:])

    applications, problems = collect([tmp_path], call)
    def said(where: str, text: str) -> bool:
        return any(w.endswith("/" + where) and t.startswith(text) for w, t in problems)

    assert said("scan.pdf, page 3", "a blank page")
    assert said("scan.pdf, page 4", "no formgen page code found: a page of another document")
    assert said("scan.pdf, page 5", "a page of call 2024, not of call 2025")
    assert said("scan.pdf, page 2", "annex2 (ky) page 1 seen twice, first in " + str(folder / "scan.pdf, page 1"))
    assert said("scan.pdf, page 1", "annex2 (ky): page 2, 3, 4 of 4 missing")
    assert said("scan.pdf, page 1", "interaction_rating: 2 marks (2, 5); which one is meant?"), problems
    assert [a.key for a in applications] == [str(folder)]
    application = applications[0]
    assert sorted(str(f.path).rsplit("/", 1)[-1] for f in application.files) == [
        "letter.png, page 1", "scan.pdf, page 1", "scan.pdf, page 2"]
    check_fields(application.values(), handwritten)
    assert application.values()["interaction_rating"] == application.values()["sender_district"] == ""

    sheets = tables(applications, problems, forms, "ky")
    labels, ids, rows, _ = sheets["general"]
    row = dict(zip(ids, rows[0]))
    assert "interaction_rating" in row["review"].split(", ") and 0 <= int(row["confidence"]) <= 100
    assert type(row["interaction_rating"]).__name__ == "ToReview"

    labels = Wording(forms, "ky").names  # as collect names them: each field by the question its column is headed with
    assert labels["interaction_rating"] == dict(zip(ids, sheets["general"].labels))["interaction_rating"]
    page = review_page(applications, labels, forms.localizers["ky"].text, "ky-KG")
    assert page.startswith('<!DOCTYPE html>\n<html lang="ky-KG">')
    assert "<script" not in page and "http" not in page and "url(" not in page
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == page.count("<img") == 2
    assert all(Image.open(io.BytesIO(base64.b64decode(data))).width > 50 for data in images)
    assert page.index(labels["sender_district"]) < page.index(labels["interaction_rating"])  # the letter's page first
    assert row["review"].split(", ") == ["sender_district", "interaction_rating"]

    workbook = tmp_path / "applications.xlsx"
    write_tables(workbook, sheets)
    general = openpyxl.load_workbook(workbook)["general"]
    columns = [cell.value for cell in general[2]]
    marked = general.cell(3, columns.index("interaction_rating") + 1)
    assert marked.fill.fgColor.rgb.endswith("FFE699") and not marked.value
    plain = general.cell(3, columns.index("sender_head") + 1)
    assert plain.fill.fill_type is None and plain.value == handwritten["sender_head"]


def test_collect_writes_the_review_page_beside_the_workbook(tmp_path):
    from cli_runner import CliRunner

    from generator.cli import app

    (tmp_path / "in").mkdir()
    Image.new("L", (1240, 1754), 250).save(tmp_path / "in" / "blank.png")
    result = CliRunner().invoke(app, ["collect", str(tmp_path / "in"), "--out", str(tmp_path / "a.xlsx"),
                                      "--review", str(tmp_path / "review.html"), "--lang", "ru"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert "Проверять нечего: все поля прочитаны" in page and "<img" not in page and "<script" not in page
    assert f'<html lang="{builtin_languages()["ru"].tag}">' in page  # a screen reader reads it with a Russian voice
    assert str(tmp_path / "review.html") in result.output
