"""A small hand-built data set whose rates are worked out by hand in the tests.

Day D = 2026-06-30. Round A (organised by 咸宁市) and round B (by 咸安区).
  O1 咸安区 (county), O2 通城县 (county), O3 咸宁市 (the city itself), O4 咸安区, O5 通城县.
  t1 A/O1 integrity  assigned 05-10, deadline 06-20, closed 06-20  (exactly on the deadline: on time, 41 days)
  t2 A/O1 integrity  deadline 06-20, closed 06-21                  (a day late, 42 days)
  t3 A/O1 integrity  deadline 06-20, open                          (overdue)
  t4 A/O2 conduct    deadline 07-10, open                          (within the deadline on D)
  t5 A/O2 conduct    deadline 06-01 extended to 07-31, open        (extended, within)
  t6 A/O3 integrity  deadline 06-20, closed 06-10                  (on time, 31 days)
  t7 B/O1 integrity  deadline 06-20, closed 07-05                  (open and overdue on D; closed late later, 56 days)
  t8 B/O1 integrity  deleted
  t9 B/O4 political  assigned 07-15, deadline 09-15, open          (not yet assigned on D)
  L1 A/O1 on t1's finding: concluded, transferred 05-01, 1 case, 2 sanctioned, 1 organisational
  L2 A/O5 no finding: pending                                       (O5 has a lead and no task: rate null)
  L3 A/O3 no finding: transferred 07-10                             (after D)
"""
import datetime as dt
from types import SimpleNamespace

import pytest

from inspection.models import Lead
from rectification.models import DeadlineExtension
from rectification.services import extension_approve
from tests.factories import make_finding, make_inspection, make_organization, make_round, make_task

D = dt.date(2026, 6, 30)
FEEDBACK = dt.date(2026, 5, 10)


def task(inspection, category, deadline, closed_on=None):
    fields = {"deadline": deadline}
    if closed_on:
        fields.update(status="closed", closed_on=closed_on)
    return make_task(make_finding(inspection, category=category), **fields)


@pytest.fixture
def world(xianning, xianan, tongcheng):
    w = SimpleNamespace(city=xianning, xianan=xianan, tongcheng=tongcheng)
    w.A, w.B = make_round(xianning, title="A"), make_round(xianan, title="B")
    w.O1, w.O2 = make_organization(xianan, "咸安区教育局"), make_organization(tongcheng, "通城县民政局")
    w.O3, w.O4 = make_organization(xianning, "咸宁市财政局"), make_organization(xianan, "咸安区水利局")
    w.O5 = make_organization(tongcheng, "通城县林业局")
    a1, a2, a3 = (make_inspection(w.A, o, feedback=FEEDBACK) for o in (w.O1, w.O2, w.O3))
    a5 = make_inspection(w.A, w.O5, feedback=FEEDBACK)
    b1 = make_inspection(w.B, w.O1, feedback=FEEDBACK)
    b4 = make_inspection(w.B, w.O4, feedback=dt.date(2026, 7, 15))
    w.t1 = task(a1, "integrity", dt.date(2026, 6, 20), dt.date(2026, 6, 20))
    w.t2 = task(a1, "integrity", dt.date(2026, 6, 20), dt.date(2026, 6, 21))
    w.t3 = task(a1, "integrity", dt.date(2026, 6, 20))
    w.t4 = task(a2, "conduct", dt.date(2026, 7, 10))
    w.t5 = task(a2, "conduct", dt.date(2026, 6, 1))
    extension = DeadlineExtension.objects.create(
        task=w.t5, reason="涉及多部门", previous_deadline=dt.date(2026, 6, 1), new_deadline=dt.date(2026, 7, 31)
    )
    extension_approve(extension=extension, approver=None)
    w.t6 = task(a3, "integrity", dt.date(2026, 6, 20), dt.date(2026, 6, 10))
    w.t7 = task(b1, "integrity", dt.date(2026, 6, 20), dt.date(2026, 7, 5))
    task(b1, "integrity", dt.date(2026, 6, 20)).delete()
    w.t9 = task(b4, "political", dt.date(2026, 9, 15))
    Lead.objects.create(inspection=a1, finding=w.t1.finding, summary="线索一", status="concluded",
                        transferred_on=dt.date(2026, 5, 1), concluded_on=dt.date(2026, 6, 1),
                        cases_filed=1, people_sanctioned=2, people_organizational=1)
    Lead.objects.create(inspection=a5, summary="线索二")
    Lead.objects.create(inspection=a3, summary="线索三", status="transferred", transferred_on=dt.date(2026, 7, 10))
    return w
