"""The closing and extension rules (rectification/rules.py): plain Python, no database."""
import datetime as dt
import io
import zipfile

from rectification import rules
from rectification.evidence import evidence_kind, evidence_problem

TODAY = dt.date(2026, 12, 6)


def test_a_closing_date_is_neither_in_the_future_nor_before_the_report():
    assert rules.closing_date_problem(closed_on=TODAY, today=TODAY, reported_on=TODAY) is None
    assert rules.closing_date_problem(closed_on=TODAY - dt.timedelta(days=3), today=TODAY, reported_on=None) is None
    assert "晚于今天" in rules.closing_date_problem(closed_on=TODAY + dt.timedelta(days=30), today=TODAY,
                                                    reported_on=TODAY)
    assert "早于整改单位填报完成" in rules.closing_date_problem(closed_on=TODAY - dt.timedelta(days=1), today=TODAY,
                                                               reported_on=TODAY)


def request(**changes):
    return rules.extension_request_problem(**{"today": TODAY, "closed": False, "deadline": TODAY + dt.timedelta(days=5),
                                              "new_deadline": TODAY + dt.timedelta(days=40), "pending": False,
                                              **changes})


def test_an_extension_is_asked_for_an_open_task_before_its_deadline_once_at_a_time():
    assert request() is None
    assert request(deadline=TODAY) is None  # the last day still counts
    assert "已销号" in request(closed=True)
    assert "待审批" in request(pending=True)
    assert "已过" in request(deadline=TODAY - dt.timedelta(days=1))
    assert "须晚于" in request(new_deadline=TODAY + dt.timedelta(days=5))


def decision(**changes):
    deadline = TODAY + dt.timedelta(days=5)
    return rules.extension_decision_problem(**{"pending": True, "closed": False, "today": TODAY,
                                               "previous_deadline": deadline, "deadline": deadline, "approve": True,
                                               **changes})


def test_an_extension_is_decided_once_and_approved_only_in_time_for_an_open_task():
    assert decision() is None
    assert "已经审批" in decision(pending=False)
    assert "已经审批" in decision(pending=False, approve=False)  # a rejection is a decision too
    assert "已销号" in decision(closed=True)
    assert "已变更" in decision(deadline=TODAY + dt.timedelta(days=9))
    late = TODAY - dt.timedelta(days=1)
    assert "逾期后不能批准" in decision(previous_deadline=late, deadline=late)
    # a request the deadline overtook, or of a closed task, can still be rejected: it must not wait forever
    assert decision(previous_deadline=late, deadline=late, approve=False) is None
    assert decision(closed=True, approve=False) is None


def test_no_later_approval_changes_a_closed_tasks_on_time_figure():
    """按期: closed on or before the deadline in force. A late closing stays late: the extension that would have
    covered it can no longer be approved (the deadline it extends has passed, and the task is closed)."""
    deadline, closed_on = dt.date(2026, 10, 31), dt.date(2026, 11, 20)
    assert not rules.closed_on_time(closed_on=closed_on, deadline=deadline)
    assert rules.extension_decision_problem(pending=True, closed=True, today=TODAY, previous_deadline=deadline,
                                            deadline=deadline, approve=True)
    # approved in time (before the deadline it extends), the new deadline counts
    in_time = rules.extension_decision_problem(pending=True, closed=False, today=dt.date(2026, 10, 20),
                                               previous_deadline=deadline, deadline=deadline, approve=True)
    assert in_time is None and rules.closed_on_time(closed_on=closed_on, deadline=dt.date(2026, 11, 30))


def office_package(main_part):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main_part, "<x/>")
    buffer.seek(0)
    return buffer


def test_evidence_files_are_told_by_their_content_not_their_name():
    assert evidence_kind(io.BytesIO(b"%PDF-1.7\n...")) == "pdf"
    assert evidence_kind(io.BytesIO(b"\x89PNG\r\n\x1a\n0000")) == "png"
    assert evidence_kind(io.BytesIO(b"\xff\xd8\xff\xe0JFIF")) == "jpeg"
    assert evidence_kind(office_package("word/document.xml")) == "docx"
    assert evidence_kind(office_package("xl/workbook.xml")) == "xlsx"
    assert evidence_kind(office_package("other.xml")) is None  # a zip that is no Office document
    assert evidence_kind(io.BytesIO(b"PK\x03\x04broken")) is None
    assert evidence_kind(io.BytesIO(b"MZ\x90\x00 an executable")) is None
    kind, problem = evidence_problem(name="整改报告.pdf", size=20, stream=io.BytesIO(b"<script>alert(1)</script>"),
                                     max_bytes=1000)
    assert kind is None and "以文件内容为准" in problem
    kind, problem = evidence_problem(name="大.pdf", size=2 * 1024 * 1024, stream=io.BytesIO(b"%PDF-"),
                                     max_bytes=1024 * 1024)
    assert kind is None and "大小限制" in problem
