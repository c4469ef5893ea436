"""Files into article text (plain Python, no Django): .txt, .html/.htm, .docx, .pdf.

Every refusal is a `DocumentError` with a Chinese message for the person who sent the file.
HTML is reduced to its visible text here (scripts and styles dropped), so the stored text,
the offsets of the facts and the review page never carry markup.
"""
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

from core.archives import ArchiveLimits, ArchiveTooLarge, archive_check
from ingest.extract import ExtractionError
from ingest.extract.clean import clean_text
from ingest.extract.decode import decode_bytes, looks_garbled

SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")
# Hostile files: a .docx unpacks to at most this much (its XML parts, which python-docx parses whole, to far
# less; pictures do not count there), a PDF has at most this many pages. An article's text length has its own
# limit (`max_chars` of read_document).
DOCX_LIMITS = ArchiveLimits(max_entries=2000, max_total=200 * 1048576, max_parsed=16 * 1048576)
PDF_MAX_PAGES = 500
ARTICLE_MAX_CHARS = 200_000  # a long report is ~30,000 characters; settings.INGEST_MAX_CHARS overrides


class DocumentError(ValueError):
    """A file that cannot become an article; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class Document:
    text: str
    encoding: str
    title: str


_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
                         "header", "footer", "table", "title", "blockquote", "pre"})
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "head"})


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.title, self._hidden, self._in_title = [], [], 0, False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        elif tag in _HIDDEN_TAGS:
            self._hidden += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
        elif not self._hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple[str, str]:
    """The visible text of an HTML page and its <title>."""
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    text = re.sub(r"[ \t\r\f\v]*\n[\s]*", "\n", "".join(parser.parts))
    return text.strip(), " ".join("".join(parser.title).split())


def _docx_text(data: bytes) -> str:
    import docx  # python-docx; imported here so plain-text ingest does not load lxml

    try:  # the zip's directory passed `document_check`
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DocumentError("Word 文件已损坏或不是 .docx 格式，无法读取。") from exc
    except Exception as exc:  # lxml and python-docx raise their own types for broken parts
        raise DocumentError("Word 文件已损坏，无法读取。") from exc
    return "\n".join(p.text for p in document.paragraphs)


def _pdf_text(data: bytes, max_chars: int) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) > PDF_MAX_PAGES:
            raise DocumentError(f"PDF 页数过多（{len(reader.pages):,} 页，上限 {PDF_MAX_PAGES} 页），请拆分后上传。")
        pages, length = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            length += len(pages[-1]) + 1
            if length > max_chars:  # stop reading: the text is refused anyway
                raise DocumentError(too_long(length, max_chars, at_least=True))
    except DocumentError:
        raise
    except Exception as exc:  # PdfReadError and the many other types pypdf raises for broken streams
        raise DocumentError("PDF 文件已损坏，无法读取。") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise DocumentError("PDF 文件中没有可提取的文字（可能是扫描件），请先进行文字识别。")
    return text


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:120]
    return ""


def too_large(size: int, limit: int) -> str:
    return f"文件过大（{human_size(size)}），上限为 {human_size(limit)}。"


def too_long(length: int, limit: int, at_least: bool = False) -> str:
    return (f"文章过长（{'超过 ' if at_least else ''}{length:,} 字，上限为 {limit:,} 字），"
            "可能不是一篇新闻报道；请拆分后上传。")


def human_size(size: int) -> str:
    if size >= 1048576:
        return f"{size / 1048576:.1f} MB".replace(".0 MB", " MB")
    return f"{size / 1024:.1f} KB".replace(".0 KB", " KB") if size >= 1024 else f"{size} 字节"


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


# A character takes at most 4 bytes in every encoding read (UTF-8, UTF-16, GB18030): a plain-text file larger
# than this many bytes per allowed character cannot be short enough.
MAX_BYTES_PER_CHAR = 4


def document_check(name: str, data: bytes, *, max_bytes: int, max_chars: int = ARTICLE_MAX_CHARS) -> None:
    """What can be told of a file without reading it (the upload request does this, the worker the rest):
    its type, size, emptiness, a .docx's zip directory (parts and unpacked sizes), a PDF's header, a text
    file's length. DocumentError with the reason."""
    suffix = _suffix(name)
    if suffix not in SUFFIXES:
        raise DocumentError(f"不支持的文件类型“{suffix or '无扩展名'}”，只接受 .txt、.html、.docx、.pdf。")
    if len(data) > max_bytes:
        raise DocumentError(too_large(len(data), max_bytes))
    if not data.strip():
        raise DocumentError("文件为空。")
    if suffix == ".docx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                archive_check(archive, DOCX_LIMITS, parsed_whole=lambda part: part.endswith((".xml", ".rels")))
                archive.getinfo("word/document.xml")
        except ArchiveTooLarge as exc:
            raise DocumentError(str(exc)) from exc
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise DocumentError("Word 文件已损坏或不是 .docx 格式，无法读取。") from exc
    elif suffix == ".pdf":
        if b"%PDF-" not in data[:1024]:
            raise DocumentError("文件不是 PDF 格式（扩展名为 .pdf，内容不是），无法读取。")
    elif suffix == ".txt" and len(data) > MAX_BYTES_PER_CHAR * max_chars:
        raise DocumentError(too_long(len(data) // MAX_BYTES_PER_CHAR, max_chars, at_least=True))


def read_document(name: str, data: bytes, *, max_bytes: int, max_chars: int = ARTICLE_MAX_CHARS) -> Document:
    """The text of one uploaded or local file; DocumentError for anything that is not an article, or that
    is longer than `max_chars` characters."""
    document_check(name, data, max_bytes=max_bytes, max_chars=max_chars)
    suffix = _suffix(name)
    title = ""
    if suffix == ".docx":
        text, encoding = _docx_text(data), "docx"
    elif suffix == ".pdf":
        text, encoding = _pdf_text(data, max_chars), "pdf"
    else:
        try:
            text, encoding = decode_bytes(data)
        except ExtractionError as exc:
            raise DocumentError("文件不是文本（可能是二进制文件），或编码无法识别（支持 UTF-8、UTF-16、GBK/GB18030）。") from exc
        if suffix in (".html", ".htm"):
            text, title = html_to_text(text)
    if not text.strip():
        raise DocumentError("文件中没有文字。")
    if len(text) > max_chars:
        raise DocumentError(too_long(len(text), max_chars))
    # Judged as the engine judges it, on the cleaned (Simplified) text: Traditional characters are not mojibake.
    if looks_garbled(clean_text(text, False).text):
        raise DocumentError("文件内容是乱码（编码错误的文字），请用正确的编码重新保存后上传。")
    return Document(text=text, encoding=encoding, title=(title or _first_line(text))[:300])


def file_hash(data: bytes) -> str:
    """SHA-256 of a file as sent: the same file sent again is known before it is read."""
    return hashlib.sha256(data).hexdigest()


def content_hash(text: str) -> str:
    """SHA-256 of the text after normalisation: NFKC (full/half width alike), every whitespace removed.

    The same article saved as .txt, .docx or .pdf, or re-wrapped, hashes the same.
    """
    normal = "".join(unicodedata.normalize("NFKC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()
