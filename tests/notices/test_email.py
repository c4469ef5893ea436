"""Mail through Django's SMTP backend to a real SMTP server on loopback (aiosmtpd, started here)."""
import pytest

from notices import services
from notices.choices import EmailMode, NoticeKind
from notices.models import Notice
from notices.tasks import notices_email_send

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager(monkeypatch):
    """The jobs run in-process here (with REDIS_URL too); tests/notices/test_celery.py has the real worker."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def tell(people, key="task_closed:1:2026-10-01", who=("unit", "group_member")):
    return services.notify(recipients=[people[name] for name in who], kind=NoticeKind.TASK_CLOSED, event_key=key,
                           title="整改任务已验收销号：测试单位", body="销号日期 2026-10-01。", url="/organizations/1/")


def test_each_notice_is_mailed_once_after_commit(people, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tell(people)
    assert smtp.messages == []  # nothing before the commit
    for callback in callbacks:
        callback()  # the commit: Celery (eager here) sends
    assert sorted(rcpt for rcpt, _, _ in smtp.messages) == [["group_member@example.org"], ["unit@example.org"]]
    _, subject, body = smtp.messages[0]
    assert subject == "【巡察整改】整改任务已验收销号：测试单位"
    assert "销号日期 2026-10-01。" in body and "http://127.0.0.1:8000/organizations/1/" in body
    assert Notice.objects.filter(emailed_at__isnull=False).count() == 2

    # The same event again, and the job run again (a redelivery): no second mail.
    with django_capture_on_commit_callbacks(execute=True):
        tell(people)
    notices_email_send.apply(args=[["task_closed:1:2026-10-01"]]).get()
    assert len(smtp.messages) == 2


def test_a_failed_send_is_retried_and_sends_only_what_is_left(people, smtp, settings):
    tell(people, who=("unit",))
    smtp.stop()  # the server is down
    with pytest.raises(OSError):
        services.notices_email_send(["task_closed:1:2026-10-01"])
    assert Notice.objects.get().emailed_at is None
    smtp.start()  # back up: the retry sends it, once
    assert services.notices_email_send(["task_closed:1:2026-10-01"]) == 1
    assert services.notices_email_send(["task_closed:1:2026-10-01"]) == 0
    assert len(smtp.messages) == 1
    assert notices_email_send.autoretry_for and notices_email_send.max_retries > 0


def test_digest_users_get_one_mail_a_day_and_no_single_mails(people, smtp, django_capture_on_commit_callbacks):
    services.notice_preference_set(user=people["unit"], email_mode=EmailMode.DIGEST)
    services.notice_preference_set(user=people["group_member"], email_mode=EmailMode.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        tell(people, key="task_closed:1:a")
        tell(people, key="task_closed:2:b")
    assert smtp.messages == []
    assert services.notices_digest_send() == 1
    assert services.notices_digest_send() == 0
    ((recipients, subject, body),) = smtp.messages
    assert recipients == ["unit@example.org"] and "（2 条）" in subject and body.count("整改任务已验收销号") == 2
    assert not Notice.objects.filter(recipient=people["group_member"], emailed_at__isnull=False).exists()


def test_users_without_an_address_are_not_mailed(people, smtp, django_capture_on_commit_callbacks):
    people["unit"].email = ""
    people["unit"].save()
    with django_capture_on_commit_callbacks(execute=True):
        tell(people, who=("unit",))
    assert smtp.messages == [] and Notice.objects.get().emailed_at is None
