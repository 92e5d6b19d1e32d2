"""The structure tree of a tagged PDF (PDF/UA-1): what a screen reader reads, in which order and in
which language, and the XMP metadata that says the file is PDF/UA.

`Tags(document)` makes the elements from the document before anything is drawn, in its reading
order (the source order): headings, paragraphs, lists of questions with their answers, tables with
header cells; a bilingual edition's two columns are read row by row, each paragraph followed by
its translation, each element in its own language. Then layout.py draws: before a paragraph's
text it sets the canvas's owner to `owner(paragraph)`, and the canvas marks what it draws as
that element's content (`begin` gives each page's next MCID) or as an artifact (rules, underlines,
rings, footers, page numbers, the page's code and marks, a table header repeated on a new page).
Each widget becomes a Form element where it is drawn (`widget`). form.py writes the tree with the
file (`write`).
"""
from __future__ import annotations

from typing import Iterator, NamedTuple, Sequence

from ...model.forms import Document, Paragraph, Table
from ..xmltext import escaped
from .syntax import Name, PdfObjects, Raw, Ref, Stream, text_string

HEADINGS = ("title", "heading")  # paragraph styles that are headings, outermost first
LIST_ITEM, ANSWER = "bullet", "answer"  # a question of a list, and what answers it (kept in its item)
GROUPS = ("Document", "L", "LI", "LBody", "Table", "TR", "TH", "TD")  # kept even when empty (a table's cells)
ARTIFACT = "/Artifact BMC"


class Element:
    """A structure element: its kids are elements, MCIDs (page, mcid) and widgets (their index)."""

    __slots__ = ("kind", "lang", "parent", "kids", "scope", "label", "ref")

    def __init__(self, kind: str, lang: str, parent: Element | None = None, scope: str = "") -> None:
        self.kind, self.lang, self.parent, self.scope = kind, lang, parent, scope  # scope: a header cell's
        self.kids: list[Element | tuple[int, int] | WidgetKid] = []  # (page, mcid): marked content
        self.label: Element | None = None  # a list item's Lbl: where its bullet is drawn
        self.ref: Ref | None = None
        if parent is not None:
            parent.kids.append(self)

    def add(self, kind: str, lang: str = "", scope: str = "") -> Element:
        return Element(kind, lang or self.lang, self, scope)


class Tags:
    """The elements of one document, and what each page's marked content belongs to."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.root = Element("Document", document.language)
        self.owners: dict[int, Element] = {}  # id(paragraph) → the element its text is the content of
        self.pages: list[list[Element]] = []  # per page, the owner of each MCID
        self.forms: list[Element] = []  # the Form element of each widget, in the order they are drawn
        self.drawing: Element | None = None
        self.levels = heading_levels(document)
        self.elements(document.blocks)

    # ---- the elements, in reading order ----

    def elements(self, blocks: Sequence[Paragraph | Table]) -> None:
        body: Element | None = None  # the open list item's body, which takes the answers that follow
        for paragraph, translation in reading_order(blocks):
            if isinstance(paragraph, Table):
                body = None
                self.table(paragraph)
                continue
            if not paragraph.runs:
                continue
            if paragraph.style == LIST_ITEM and not translation:
                item = (body.parent.parent if body is not None else self.root.add("L")).add("LI")
                label = item.add("Lbl", paragraph.lang)
                body = item.add("LBody")
                self.own(paragraph, body.add("P", paragraph.lang), label)
            elif body is not None and paragraph.style in (ANSWER, LIST_ITEM):
                self.own(paragraph, body.add("P", paragraph.lang))
            else:
                body = None
                level = self.levels.get(paragraph.style)
                self.own(paragraph, self.root.add(f"H{level}" if level else "P", paragraph.lang))

    def table(self, table: Table) -> None:
        """A table with borders is a data table: its header rows are column headers; without them,
        its first column labels each row (a label and its blank)."""
        element = self.root.add("Table")
        for number, cells in enumerate(table.rows):
            row = element.add("TR")
            for column, cell in enumerate(cells):
                scope = "Column" if number < table.header_rows else "Row" if (
                    not table.header_rows and column == 0 and len(cells) > 1) else ""
                kind = "TH" if scope else "TD"
                if len(cell) == 1:
                    self.own(cell[0], row.add(kind, cell[0].lang, scope))
                    continue
                holder = row.add(kind, scope=scope)
                for paragraph in cell:
                    if paragraph.runs:
                        self.own(paragraph, holder.add("P", paragraph.lang))

    def own(self, paragraph: Paragraph, element: Element, label: Element | None = None) -> None:
        self.owners[id(paragraph)] = element
        element.label = label

    # ---- while drawing ----

    def owner(self, paragraph: Paragraph) -> Element | None:
        """The element `paragraph`'s text is the content of; None (an artifact) when it has none,
        or when it is drawn again after other content (a table's header rows on a new page)."""
        element = self.owners.get(id(paragraph))
        if element is not None and element is not self.drawing and element.kids and any(
                type(kid) is not Element for kid in element.kids):
            return None
        self.drawing = element
        return element

    def begin(self, owner: Element | None, page: int) -> str:
        """The operator that opens `owner`'s next marked content on `page` (0-based)."""
        if owner is None:
            return ARTIFACT
        while len(self.pages) <= page:
            self.pages.append([])
        mcid = len(self.pages[page])
        self.pages[page].append(owner)
        owner.kids.append((page, mcid))
        return f"/{owner.kind} <</MCID {mcid}>> BDC"

    def widget(self, owner: Element | None, page: int) -> None:
        """A widget drawn now: a Form element in `owner` (the paragraph it sits in)."""
        form = (owner or self.root).add("Form")
        form.kids.append(WidgetKid(len(self.forms), page))
        self.forms.append(form)

    # ---- the file ----

    def write(self, pdf: PdfObjects, pages: Sequence[Ref], widgets: Sequence[Ref]) -> Ref:
        """The StructTreeRoot, with every element and the parent tree (cold: packed even in an
        unpacked file, since no reader of fields needs them); each page's /StructParents is its
        index, each widget's /StructParent the number of pages plus its own index. Written as
        bytes from templates: a form has hundreds of elements."""
        tree = pdf.reserve()
        elements = self.kept()
        for element in elements:
            element.ref = pdf.reserve()
        for element in elements:
            pdf.put_serialised(element.ref, self.serialised(element, element.parent.ref if element.parent else tree,
                                                            pages, widgets))
        numbers = [b"%d [%s]" % (index, b" ".join(owner.ref for owner in marks))
                   for index, marks in enumerate(self.pages + [[]] * (len(pages) - len(self.pages)))]
        numbers += [b"%d %s" % (len(pages) + index, form.ref) for index, form in enumerate(self.forms)]
        parent_tree = pdf.add(Raw(b"<</Nums [" + b" ".join(numbers) + b"]>>"))
        pdf.put(tree, {"Type": Name("StructTreeRoot"), "K": self.root.ref, "ParentTree": parent_tree,
                       "ParentTreeNextKey": len(pages) + len(self.forms)})
        pdf.mark_cold([tree, parent_tree, *(element.ref for element in elements)])
        return tree

    def kept(self) -> list[Element]:
        """The elements to write, in reading order: every one that holds content, and the groups
        (a table's cells, empty or not)."""
        kept: list[Element] = []

        def keep(element: Element) -> bool:  # whether it holds content; kept (and its kids) if so
            at = len(kept)
            kept.append(element)
            held = False
            for kid in element.kids:
                held = (keep(kid) if type(kid) is Element else True) or held
            if not held and element.kind not in GROUPS:
                del kept[at:]
            return held
        keep(self.root)
        return kept

    def serialised(self, element: Element, parent: Ref, pages: Sequence[Ref], widgets: Sequence[Ref]) -> bytes:
        kids: list[bytes] = []
        page = None
        for kid in element.kids:
            if type(kid) is Element:
                if kid.ref is not None:
                    kids.append(kid.ref)
            elif type(kid) is WidgetKid:  # a Form element's one kid
                page = kid.page
                kids.append(b"<</Type /OBJR/Obj %s>>" % widgets[kid.index])  # on the Form's /Pg
            else:
                on, mcid = kid
                page = on if page is None else page
                kids.append(b"%d" % mcid if on == page else b"<</Type /MCR/Pg %s/MCID %d>>" % (pages[on], mcid))
        lang = b""
        if element.parent is None or element.lang != element.parent.lang:
            lang = b"/Lang " + text_string(self.document.tag_of(element.lang))
        return b"<</Type /StructElem/S /%s/P %s%s%s%s/K %s>>" % (
            element.kind.encode(), parent, lang, b"/Pg %s" % pages[page] if page is not None else b"",
            SCOPES[element.scope] if element.scope else b"", kids[0] if len(kids) == 1 else b"[" + b" ".join(kids) + b"]")


SCOPES = {scope: b"/A <</O /Table/Scope /%s>>" % scope.encode() for scope in ("Column", "Row")}


class WidgetKid(NamedTuple):
    index: int  # in the order widgets are drawn
    page: int


def reading_order(blocks: Sequence[Paragraph | Table]) -> Iterator[tuple[Paragraph | Table, bool]]:
    """(block, whether it translates the one before it) in reading order: a table without borders
    only lays text out (a bilingual edition's columns, a signature block), so its paragraphs are
    read row by row, each row's first cell, then the others."""
    for block in blocks:
        if isinstance(block, Table) and block.borders:
            yield block, False
        elif isinstance(block, Table):
            for row in block.rows:
                for column, cell in enumerate(row):
                    for paragraph in cell:
                        yield paragraph, column > 0
        else:
            yield block, False


def heading_levels(document: Document) -> dict[str, int]:
    """{style: heading level} of the heading styles the document uses, the outermost H1."""
    used = {paragraph.style for paragraph in document.paragraphs()}
    return {style: level for level, style in enumerate((s for s in HEADINGS if s in used), 1)}


# ---- XMP metadata ------------------------------------------------------------------------------------

XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" \
xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt>{titles}</rdf:Alt></dc:title>
<dc:language><rdf:Bag>{languages}</rdf:Bag></dc:language>
<pdf:Producer>formgen</pdf:Producer>
<xmp:CreatorTool>formgen</xmp:CreatorTool>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"""


def metadata(title: str, titles: Sequence[tuple[str, str]]) -> Stream:
    """The XMP packet: the title (x-default, as the Info dictionary has it, and in each language:
    `titles` (BCP 47 tag, title)), the languages, and the PDF/UA-1 claim. Not compressed, so any
    tool finds it."""
    alternatives = "".join(f'<rdf:li xml:lang="{tag}">{escaped(text)}</rdf:li>'
                           for tag, text in [("x-default", title), *titles])
    languages = "".join(f"<rdf:li>{tag}</rdf:li>" for tag, _ in titles)
    data = XMP.format(titles=alternatives, languages=languages).encode()
    return Stream({"Type": Name("Metadata"), "Subtype": Name("XML")}, data)

