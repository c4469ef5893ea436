"""Mail sent by a real Celery worker (Redis) after the commit; the beat schedule's jobs exist."""
import time

import pytest
from django.conf import settings
from django.db import transaction

from config.celery import app
from notices import services
from notices.choices import NoticeKind
from notices.models import Notice


def test_every_scheduled_job_is_a_registered_task():
    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"notices.tasks.notices_due_soon_scan", "notices.tasks.notices_digest_send"} <= names
    assert names <= set(app.tasks)


@pytest.mark.celery_worker
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker")
@pytest.mark.django_db(transaction=True)
def test_a_worker_mails_the_notice_once_the_transaction_commits(world, people, smtp, worker):
    with transaction.atomic():
        services.notify_task_sent_back(world.home.task, people["group_member"], "请补充会议记录")
        time.sleep(1)
        assert smtp.messages == []  # not before the commit
    deadline = time.monotonic() + 60
    while not smtp.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    ((recipients, subject, body),) = smtp.messages
    assert recipients == ["unit@example.org"] and "整改任务被退回" in subject and "请补充会议记录" in body
    assert Notice.objects.get(kind=NoticeKind.TASK_SENT_BACK).emailed_at is not None
