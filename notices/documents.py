"""Official letters (督办通知书, 整改提醒函, 巡察反馈意见) as .docx, filled into the office template shipped in
`notices/office/letter_template.docx` (A4, 公文 margins, 仿宋/宋体). Plain Python: no Django.

The template holds one paragraph per placeholder — {{发文机关}} {{文号}} {{标题}} {{主送单位}} {{正文}} {{表格}} {{结语}}
{{落款}} {{日期}} —, so an office can restyle it in Word or LibreOffice (fonts, sizes, a red header) as long
as each placeholder stays in one paragraph.
"""
import copy
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx.text.paragraph import Paragraph

TEMPLATE = Path(__file__).resolve().parent / "office" / "letter_template.docx"
CN_DIGITS = "〇一二三四五六七八九"


@dataclass
class Letter:
    issuer: str  # 发文机关
    number: str  # 文号
    title: str
    addressee: str  # 主送单位
    body: list[str]  # paragraphs before the table
    headers: list[str]
    rows: list[list[str]]
    closing: list[str] = field(default_factory=list)  # paragraphs after the table
    signature: str = ""  # 落款
    day: date | None = None


def chinese_date(day: date) -> str:
    """二〇二六年十二月六日, as 公文 date their 落款."""
    def number(n: int) -> str:
        if n < 10:
            return CN_DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + ("" if ones == 0 else CN_DIGITS[ones])
    return "".join(CN_DIGITS[int(d)] for d in str(day.year)) + f"年{number(day.month)}月{number(day.day)}日"


def letter_docx(letter: Letter) -> bytes:
    document = Document(str(TEMPLATE))
    values = {"发文机关": letter.issuer, "文号": letter.number, "标题": letter.title, "主送单位": letter.addressee,
              "落款": letter.signature, "日期": chinese_date(letter.day) if letter.day else ""}
    for paragraph in list(document.paragraphs):
        text = paragraph.text
        if "{{正文}}" in text:
            _fill_paragraphs(paragraph, letter.body)
        elif "{{结语}}" in text:
            _fill_paragraphs(paragraph, letter.closing)
        elif "{{表格}}" in text:
            _table_at(document, paragraph, letter.headers, letter.rows)
        elif "{{" in text:
            for name, value in values.items():
                text = text.replace("{{" + name + "}}", value)
            _set_text(paragraph, text)
    document.core_properties.title = letter.title
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _set_text(paragraph, text: str) -> None:
    """Replace the paragraph's text, keeping the first run's formatting."""
    runs = paragraph.runs
    runs[0].text = text
    for run in runs[1:]:
        run._r.getparent().remove(run._r)


def _fill_paragraphs(paragraph, texts: list[str]) -> None:
    """The placeholder paragraph becomes `texts`, one paragraph each in its style (removed when empty)."""
    if not texts:
        paragraph._p.getparent().remove(paragraph._p)
        return
    anchor = paragraph._p
    for text in texts[1:]:
        clone = copy.deepcopy(paragraph._p)
        anchor.addnext(clone)
        anchor = clone
        _set_text(Paragraph(clone, paragraph._parent), text)
    _set_text(paragraph, texts[0])


def _table_at(document, paragraph, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    for row_cells, values in zip(table.rows, [headers, *rows], strict=True):
        for cell, value in zip(row_cells.cells, values, strict=True):
            cell.text = str(value)
            for cell_paragraph in cell.paragraphs:
                cell_paragraph.paragraph_format.line_spacing = Pt(20)
                for run in cell_paragraph.runs:
                    run.font.size = Pt(12)  # 小四 in the table, 三号 in the text
    for cell in table.rows[0].cells:
        for cell_paragraph in cell.paragraphs:
            cell_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in cell_paragraph.runs:
                run.font.bold = True
    paragraph._p.addnext(table._tbl)
    paragraph._p.getparent().remove(paragraph._p)
