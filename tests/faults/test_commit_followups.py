"""Redis stopped while a reviewer approves an extension: the approval's follow-up work (warnings lifted, notices
mailed) runs after the commit, where a failure once turned the committed approval into a 500. Now the answer is
200, the warnings are refreshed at once, and the mail the broker could not take is sent by the sweep afterwards."""
import datetime as dt
import time

from django.core import mail
from django.utils import timezone

from notices.services import notices_email_sweep
from rectification.models import DeadlineExtension, PendingWarningRefresh, RectificationTask, TaskWarning
from tests.api.conftest import clients  # noqa: F401  (token clients of the world's users)


def test_an_approval_committed_while_redis_is_down_answers_and_its_mail_follows(postgres, broker, world, clients, settings):  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    today = timezone.localdate()
    task, extension = world.home.task, world.home.extension
    # Due in 5 days (a 黄牌, as the world has it); the extension asks for 40 days more.
    RectificationTask.objects.filter(pk=task.pk).update(deadline=today + dt.timedelta(days=5))
    DeadlineExtension.objects.filter(pk=extension.pk).update(previous_deadline=today + dt.timedelta(days=5),
                                                             new_deadline=today + dt.timedelta(days=45))
    unit = world.users["unit"]
    unit.email = "unit@example.org"
    unit.save(update_fields=["email"])

    broker.stop()
    started = time.monotonic()
    response = clients["region_admin"].post(f"/api/v1/extensions/{extension.pk}/approve/", {"opinion": "同意延期"},
                                            format="json")
    took = time.monotonic() - started
    assert response.status_code == 200, response.content
    assert not TaskWarning.objects.filter(task=task, lifted_at__isnull=True).exists()  # refreshed in the request
    assert not PendingWarningRefresh.objects.exists()
    assert not mail.outbox  # the mail job found no broker
    broker.start()

    # What beat does every 5 minutes: the unmailed notices of the unit user go out.
    assert notices_email_sweep(timezone.now() + dt.timedelta(minutes=6)) >= 1
    assert any(message.to == ["unit@example.org"] for message in mail.outbox)
    print(f"\napproval with Redis stopped: answered 200 in {took:.2f} s; {len(mail.outbox)} mail(s) sent by the sweep")
    assert took < 5
