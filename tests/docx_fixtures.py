"""Builds small .docx files for the Word reader's tests with python-docx.

What python-docx cannot write (tracked changes, footnotes, OLE objects, text boxes, shapes,
linked pictures) is added as raw WordprocessingML, the way Word itself writes it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from PIL import Image

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECLS = nsdecls("w", "r", "wp", "a", "pic") + (
    ' xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"
PIC_URI = "http://schemas.openxmlformats.org/drawingml/2006/picture"

# (text, "b" / "i" / "bi" / "") or plain text
Part_ = str | tuple[str, str]


def new_document() -> DocumentObject:
    """An empty document in the font commune offices use."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    return doc


def png_bytes(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (8, 6)) -> bytes:
    """A tiny real PNG, so the test can compare the bytes the reader returns."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def add_runs(paragraph: Paragraph, parts: Iterable[Part_]) -> list[Run]:
    runs = []
    for part in parts:
        text, fmt = (part, "") if isinstance(part, str) else part
        run = paragraph.add_run(text)
        run.bold = "b" in fmt or None
        run.italic = "i" in fmt or None
        runs.append(run)
    return runs


def para(doc: DocumentObject, *parts: Part_, align: str | None = None,
         style: str | None = None) -> Paragraph:
    """A paragraph of runs; align is "center", "right", "justify" or None."""
    paragraph = doc.add_paragraph(style=style)
    add_runs(paragraph, parts)
    if align:
        paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER,
                               "right": WD_ALIGN_PARAGRAPH.RIGHT,
                               "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    return paragraph


def set_font(run: Run, font: str) -> Run:
    """Both the ascii and hAnsi slots, as Word writes a font picked from the font box."""
    run.font.name = font
    rpr = run._r.get_or_add_rPr()
    rpr.rFonts.set(qn("w:hAnsi"), font)
    return run


def legacy_run(paragraph: Paragraph, text: str, font: str = ".VnTime") -> Run:
    return set_font(paragraph.add_run(text), font)


def picture(doc: DocumentObject, data: bytes, align: str | None = "center") -> Paragraph:
    """A paragraph holding only an inline picture, as Word's Insert › Picture makes it."""
    doc.add_picture(io.BytesIO(data))
    paragraph = doc.paragraphs[-1]
    if align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def cell_picture(paragraph: Paragraph, data: bytes) -> None:
    paragraph.add_run().add_picture(io.BytesIO(data))


def _raw(xml: str):
    return parse_xml(xml)


def tracked_insert(paragraph: Paragraph, text: str, rid: int = 101) -> None:
    paragraph._p.append(_raw(
        f'<w:ins {NSDECLS} w:id="{rid}" w:author="Nguyễn Thị Hòa" w:date="2026-05-20T08:00:00Z">'
        f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:ins>'))


def tracked_delete(paragraph: Paragraph, text: str, rid: int = 102) -> None:
    paragraph._p.append(_raw(
        f'<w:del {NSDECLS} w:id="{rid}" w:author="Nguyễn Thị Hòa" w:date="2026-05-20T08:00:00Z">'
        f'<w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>'))


def tracked_move(paragraph: Paragraph, text: str, to: bool, rid: int = 103) -> None:
    tag = "moveTo" if to else "moveFrom"
    inner = "t" if to else "delText"
    paragraph._p.append(_raw(
        f'<w:{tag} {NSDECLS} w:id="{rid}" w:author="Nguyễn Thị Hòa" w:date="2026-05-20T08:00:00Z">'
        f'<w:r><w:{inner} xml:space="preserve">{text}</w:{inner}></w:r></w:{tag}>'))


def delete_paragraph_mark(paragraph: Paragraph) -> None:
    """Word's record of a deleted paragraph mark: this paragraph joins the next one."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(_raw(f'<w:rPr {NSDECLS}><w:del w:id="120" w:author="A" '
                    'w:date="2026-05-20T08:00:00Z"/></w:rPr>'))


def add_footnote(doc: DocumentObject, paragraph: Paragraph, text: str) -> None:
    """A footnote reference at the end of the paragraph and its text in word/footnotes.xml.

    python-docx has no footnote API: the part is made by hand with Word's separator notes.
    """
    part = _footnotes_part(doc)
    root = parse_xml(part.blob)
    number = len(root.findall(qn("w:footnote"))) - 1  # ids -1 and 0 are the separators
    root.append(_raw(
        f'<w:footnote {NSDECLS} w:id="{number}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/>'
        '</w:pPr><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'))
    part._blob = _serialize(root)
    paragraph._p.append(_raw(
        f'<w:r {NSDECLS}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteReference w:id="{number}"/></w:r>'))


def _serialize(element) -> bytes:
    from lxml import etree

    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def _footnotes_part(doc: DocumentObject) -> Part:
    for rel in doc.part.rels.values():
        if rel.reltype == RT.FOOTNOTES:
            return rel.target_part
    xml = (f'<w:footnotes {NSDECLS}>'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
           '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
           '<w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                xml.encode(), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    return part


def ole_object(doc: DocumentObject, paragraph: Paragraph, prog_id: str = "Excel.Sheet.12") -> None:
    """An embedded Excel sheet (w:object): a VML preview shape and the OLE part."""
    part = Part(PackURI("/word/embeddings/Microsoft_Excel_Worksheet.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                b"PK\x03\x04not-really-a-workbook", doc.part.package)
    rid = doc.part.relate_to(part, RT.PACKAGE)
    paragraph._p.append(_raw(
        f'<w:r {NSDECLS}><w:object w:dxaOrig="9360" w:dxaOrig2="2400">'
        '<v:shape id="_x0000_i1025" type="#_x0000_t75" style="width:468pt;height:120pt"/>'
        f'<o:OLEObject Type="Embed" ProgID="{prog_id}" ShapeID="_x0000_i1025" '
        f'DrawAspect="Content" ObjectID="_1780000000" r:id="{rid}"/></w:object></w:r>'))


def vml_shape(paragraph: Paragraph) -> None:
    """An old-style drawn arrow (w:pict with a VML shape, no picture, no text)."""
    paragraph._p.append(_raw(
        f'<w:r {NSDECLS}><w:pict><v:shape id="_x0000_s1026" type="#_x0000_t13" '
        'style="width:60pt;height:20pt" fillcolor="red"/></w:pict></w:r>'))


def _anchor(inner_uri: str, inner: str, name: str = "Hình 1") -> str:
    return (f'<w:r {NSDECLS}><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
            '<wp:extent cx="914400" cy="457200"/>'
            f'<wp:docPr id="90" name="{name}"/>'
            f'<a:graphic><a:graphicData uri="{inner_uri}">{inner}</a:graphicData></a:graphic>'
            '</wp:inline></w:drawing></w:r>')


def chart(paragraph: Paragraph) -> None:
    """A chart whose part is missing: only its place in the text matters here."""
    paragraph._p.append(_raw(_anchor(
        CHART_URI, f'<c:chart xmlns:c="{CHART_URI}" r:id="rIdChartMissing"/>', "Biểu đồ 1")))


def linked_picture(paragraph: Paragraph) -> None:
    """A picture inserted with "Link to File": only its path, no bytes in the .docx."""
    blip = ('<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="anh.jpg"/><pic:cNvPicPr/>'
            '</pic:nvPicPr><pic:blipFill><a:blip r:link="rIdMissingLink"/></pic:blipFill>'
            '<pic:spPr/></pic:pic>')
    paragraph._p.append(_raw(_anchor(PIC_URI, blip)))


def text_box(paragraph: Paragraph, lines: list[str]) -> None:
    """A Word 2010 text box (wps:txbx) inside mc:AlternateContent, with the VML fallback Word
    also writes: the same text twice in the file."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>' for t in lines)
    choice = (f'<wps:wsp xmlns:wps="{WPS}"><wps:cNvSpPr txBox="1"/><wps:spPr/>'
              f'<wps:txbx><w:txbxContent>{body}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>')
    paragraph._p.append(_raw(
        f'<w:r {NSDECLS}><mc:AlternateContent><mc:Choice Requires="wps">'
        f'<w:drawing><wp:inline><wp:extent cx="2000000" cy="600000"/><wp:docPr id="91" name="Text Box 1"/>'
        f'<a:graphic><a:graphicData uri="{WPS}">{choice}</a:graphicData></a:graphic>'
        '</wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict>'
        f'<v:shape id="Text Box 1" type="#_x0000_t202"><v:textbox><w:txbxContent>{body}'
        '</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'))


def soft_break(paragraph: Paragraph) -> None:
    paragraph.add_run().add_break()


def table(doc: DocumentObject, rows: list[list[str]]) -> None:
    """A table with one run of text per cell (a "\\n" in a cell makes two paragraphs)."""
    tbl = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = tbl.cell(r, c)
            first, *rest = text.split("\n")
            cell.paragraphs[0].text = first
            for extra in rest:
                cell.add_paragraph(extra)


def save(doc: DocumentObject, folder: Path, name: str = "bai-viet.docx") -> Path:
    path = folder / name
    doc.save(str(path))
    return path


def numbered_list(doc: DocumentObject, fmt: str, level_text: str) -> int:
    """A new Word list (abstractNum + num) of one level: ("lowerLetter", "%1)") or
    ("bullet", "+"); returns the numId to give paragraphs with `number`."""
    numbering = doc.part.numbering_part.element
    ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id, num_id = max(abstract_ids, default=0) + 1, max(ids, default=0) + 1
    abstract = _raw(
        f'<w:abstractNum {NSDECLS} w:abstractNumId="{abstract_id}"><w:multiLevelType '
        f'w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{level_text}"/><w:lvlJc w:val="left"/><w:pPr>'
        '<w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # abstractNum elements come before num elements
    else:
        numbering.append(abstract)
    numbering.append(_raw(f'<w:num {NSDECLS} w:numId="{num_id}"><w:abstractNumId '
                          f'w:val="{abstract_id}"/></w:num>'))
    return num_id


def number(paragraph: Paragraph, num_id: int, level: int = 0) -> Paragraph:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(_raw(f'<w:numPr {NSDECLS}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/>'
                    '</w:numPr>'))
    return paragraph
