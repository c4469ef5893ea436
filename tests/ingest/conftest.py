"""Corpus files and their .docx/.pdf/GBK variants (built in tmp_path, never copied into the repo)."""
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "corpus" / "seeds"
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))
XIANAN_ARTICLE = CORPUS / "000_8b54f0d4c438c2db.txt"  # 咸安区
TONGCHENG_ARTICLE = CORPUS / "001_57411fef77be70df.txt"  # 通城县
XIANNING_ARTICLE = CORPUS / "004_668549584a7a67e3.txt"  # 咸宁市, dated, with rounds


@pytest.fixture(autouse=True)
def eager_celery(request):
    """In-process tasks, except in the tests that start a real worker."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def corpus_text(path=XIANAN_ARTICLE) -> str:
    return path.read_text(encoding="utf-8")


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
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject, TextStringObject

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
