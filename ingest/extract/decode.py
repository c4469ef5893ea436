"""Turn bytes into text, and tell Chinese text from mojibake or binary junk."""
import codecs
import re

from .results import ExtractionError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls other than tab, line feed, carriage return, form feed: never in real articles.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CJK = re.compile(r"[\u3400-\u9fff]+")


def _gb2312_level1() -> frozenset[str]:
    """The 3,755 most common hanzi (GB2312 level 1): real text is made almost only of them,
    text decoded with the wrong codec is not."""
    chars = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


_COMMON = _gb2312_level1()


def _utf16_without_bom(data: bytes) -> str | None:
    # ASCII-heavy UTF-16 has NUL in every other byte; pick the byte order from where they sit.
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if max(even, odd) < len(data) // 8 or len(data) % 2:
        return None
    try:
        return data.decode("utf-16-be" if even > odd else "utf-16-le")
    except UnicodeDecodeError:
        return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16/32 or GB18030; raise ExtractionError otherwise."""
    text, encoding = None, None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(name), name
            except UnicodeDecodeError as exc:
                raise ExtractionError(f"broken {name} text: {exc}") from exc
            break
    if text is None and b"\x00" in data:
        text = _utf16_without_bom(data)
        encoding = "utf-16" if text is not None else None
    for name in ("utf-8", "gb18030"):
        if text is not None:
            break
        try:
            text, encoding = data.decode(name), name
        except UnicodeDecodeError:
            pass
    if text is None:
        raise ExtractionError("not text: neither UTF-8, UTF-16 nor GB18030")
    if len(_CONTROL.findall(text[:65536])) > max(2, len(text[:65536]) // 200):
        raise ExtractionError("not text: binary data")
    return text, encoding


def looks_garbled(text: str) -> bool:
    """True for mojibake: UTF-8 read as Latin-1/CP1252, or as GBK, or full of U+FFFD."""
    sample = text[:2000]  # mojibake runs through a whole text: a sample shows it
    if sample.count("\ufffd") > max(3, len(sample) // 200):
        return True
    hanzi = "".join(_CJK.findall(sample))
    # Characters U+0080–U+00FF: what Latin-1 encodes and ASCII does not (two C passes, no regex scan).
    latin1 = len(sample.encode("latin-1", "ignore")) - len(sample.encode("ascii", "ignore"))
    if latin1 > max(20, 2 * len(hanzi)):
        return True
    if len(hanzi) < 20:
        return False
    picked = hanzi[:: max(1, len(hanzi) // 500)]
    return sum(map(_COMMON.__contains__, picked)) < 0.75 * len(picked)
