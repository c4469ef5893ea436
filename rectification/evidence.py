"""整改佐证材料 files: which kinds are accepted, told from their first bytes (never from the name). Plain Python."""
import io
import zipfile

# kind → (label, extension, content type)
KINDS = {
    "pdf": ("PDF", ".pdf", "application/pdf"),
    "png": ("PNG 图片", ".png", "image/png"),
    "jpeg": ("JPEG 图片", ".jpg", "image/jpeg"),
    "gif": ("GIF 图片", ".gif", "image/gif"),
    "webp": ("WebP 图片", ".webp", "image/webp"),
    "docx": ("Word 文档", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("Excel 表格", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
ACCEPTED_TEXT = "PDF、图片（PNG/JPEG/GIF/WebP）、Word（.docx）、Excel（.xlsx）"


def evidence_kind(stream) -> str | None:
    """The kind of file `stream` holds (a KINDS key), or None: PDF, images by their signatures; .docx and .xlsx
    are zip packages whose main part names the application. The stream is left at its start."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(stream)
    return None


def _office_kind(stream) -> str | None:
    try:
        with zipfile.ZipFile(stream) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        stream.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def evidence_problem(*, name: str, size: int, stream, max_bytes: int) -> tuple[str | None, str | None]:
    """(kind, None) for an accepted file, (None, reason in Chinese) otherwise."""
    if size > max_bytes:
        return None, f"文件“{name}”超过 {max_bytes // (1024 * 1024)} MB 的大小限制。"
    if size == 0:
        return None, f"文件“{name}”是空文件。"
    kind = evidence_kind(stream if hasattr(stream, "seek") else io.BytesIO(stream))
    if kind is None:
        return None, f"文件“{name}”不是可接受的佐证材料类型（{ACCEPTED_TEXT}），以文件内容为准，而非文件名。"
    return kind, None
