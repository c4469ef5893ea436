"""The articles of tests/data/: short 巡察 reports written for these tests (never corpus text), their gold
annotations in the corpus's format (SCHEMA.md), and the .docx, .pdf and GBK files a test builds from them."""
import io
import json
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
ARTICLES = DATA / "articles"
GOLD = DATA / "gold"
ARTICLE_PATHS = sorted(ARTICLES.iterdir())
TEXT_PATHS = [p for p in ARTICLE_PATHS if p.suffix == ".txt"]
XIANAN_ARTICLE = ARTICLES / "xianan_feedback.txt"  # 咸安区, a 反馈 report with a dated round
TONGCHENG_ARTICLE = ARTICLES / "tongcheng_summary.txt"  # 通城县, a year-end summary
XIANNING_ARTICLE = ARTICLES / "xianning_progress.txt"  # 咸宁市, dateline 2025-04-25, two rounds, a 咸安区 figure


def article_text(path: Path = XIANAN_ARTICLE) -> str:
    return path.read_text(encoding="utf-8")


def gold(path: Path) -> dict:
    return json.loads((GOLD / f"{path.stem}.json").read_text(encoding="utf-8"))


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(text: str) -> bytes:
    """A text PDF with a CJK font by predefined CMap (UniGB-UTF16-H): no font file needed to extract it."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    cid_font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/CIDFontType0"),
        NameObject("/BaseFont"): NameObject("/STSong-Light"),
        NameObject("/CIDSystemInfo"): DictionaryObject({
            NameObject("/Registry"): TextStringObject("Adobe"), NameObject("/Ordering"): TextStringObject("GB1"),
            NameObject("/Supplement"): NumberObject(4)}),
    })
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type0"),
        NameObject("/BaseFont"): NameObject("/STSong-Light"), NameObject("/Encoding"): NameObject("/UniGB-UTF16-H"),
        NameObject("/DescendantFonts"): ArrayObject([writer._add_object(cid_font)]),
    })
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    lines = [f"<{line.encode('utf-16-be').hex()}> Tj T*" for line in text.splitlines()]
    stream = DecodedStreamObject()
    stream.set_data(("BT /F1 8 Tf 10 TL 20 820 Td\n" + "\n".join(lines) + "\nET").encode("ascii"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def file_variants(text: str) -> dict[str, bytes]:
    """One article as each kind of file an upload may be: UTF-8 and GBK text, Word and PDF."""
    return {"a.txt": text.encode("utf-8"), "a.gbk.txt": text.encode("gbk"), "a.docx": docx_bytes(text),
            "a.pdf": pdf_bytes(text)}


def docx_bomb(inflated: int, *, entries: int = 0) -> bytes:
    """A small .docx whose document.xml inflates to `inflated` bytes (a valid body padded with a comment),
    with `entries` extra empty parts: the shape of a zip bomb."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes("巡察组发现问题12个。")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                bomb.writestr(item, source.read(item))
                continue
            body = source.read(item)
            head, tail = body.split(b"<w:body>", 1)
            with bomb.open(item.filename, "w", force_zip64=True) as part:
                part.write(head + b"<w:body><!--")
                chunk, left = b" " * (1 << 20), inflated - len(body)
                while left > 0:
                    part.write(chunk[:left])
                    left -= len(chunk)
                part.write(b"-->" + tail)
        for number in range(entries):
            bomb.writestr(f"customXml/item{number}.xml", b"")
    return buffer.getvalue()
