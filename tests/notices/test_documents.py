"""The .docx letters (plain Python) and their opening in LibreOffice."""
import datetime as dt
import io
import os
import shutil
import subprocess

import pytest
from docx import Document
from pypdf import PdfReader

from notices.documents import TEMPLATE, Letter, chinese_date, letter_docx

LETTER = Letter(
    issuer="中共测试县委巡察工作领导小组办公室", number="测试巡办督〔2026〕7号", title="巡察整改督办通知书",
    addressee="测试县水务局党组", body=["经查，你单位以下整改任务已逾期。", "现予以督办。"],
    headers=["序号", "问题", "责任单位", "整改时限", "逾期天数"],
    rows=[["1", "1. 公务用车管理不规范", "办公室", "2026-09-30", "12"],
          ["2", "2. 会议费报销把关不严", "财务股", "2026-10-05", "7"]],
    closing=["请于十日内书面报送整改情况。"], signature="中共测试县委巡察工作领导小组办公室", day=dt.date(2026, 10, 12),
)


def test_chinese_dates_as_documents_write_them():
    assert chinese_date(dt.date(2026, 10, 12)) == "二〇二六年十月十二日"
    assert chinese_date(dt.date(2027, 1, 30)) == "二〇二七年一月三十日"
    assert chinese_date(dt.date(2026, 12, 21)) == "二〇二六年十二月二十一日"


def test_the_template_is_filled_in_place_and_keeps_no_placeholder():
    template_texts = [p.text for p in Document(str(TEMPLATE)).paragraphs]
    assert "{{文号}}" in template_texts and "{{表格}}" in template_texts

    document = Document(io.BytesIO(letter_docx(LETTER)))
    texts = [p.text for p in document.paragraphs]
    assert not any("{{" in text for text in texts)
    assert texts[:4] == ["中共测试县委巡察工作领导小组办公室", "测试巡办督〔2026〕7号", "", "巡察整改督办通知书"]
    assert "测试县水务局党组：" in texts
    body = texts.index("经查，你单位以下整改任务已逾期。")
    assert texts[body + 1] == "现予以督办。" and texts[body + 2] == "请于十日内书面报送整改情况。"
    assert texts[-2:] == ["中共测试县委巡察工作领导小组办公室", "二〇二六年十月十二日"]
    (table,) = document.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [LETTER.headers, *LETTER.rows]
    assert document.core_properties.title == "巡察整改督办通知书"


def test_empty_closing_leaves_no_blank_placeholder_paragraph():
    letter = Letter(**{**LETTER.__dict__, "closing": []})
    texts = [p.text for p in Document(io.BytesIO(letter_docx(letter))).paragraphs]
    assert "请于十日内书面报送整改情况。" not in texts and not any("{{" in t for t in texts)


def test_the_letter_opens_in_libreoffice_and_converts_to_pdf(tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        message = "LibreOffice is not installed (apt-get install -y libreoffice-writer-nogui; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    source = tmp_path / "letter.docx"
    source.write_bytes(letter_docx(LETTER))
    profile = tmp_path / "profile"  # its own profile: no clash with another LibreOffice on the machine
    subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "letter.pdf").pages)
    compact = "".join(text.split())
    for expected in ("测试巡办督〔2026〕7号", "巡察整改督办通知书", "测试县水务局党组", "公务用车管理不规范", "2026-09-30",
                     "二〇二六年十月十二日"):
        assert expected in compact, expected
