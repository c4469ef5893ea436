import logging
import os
import resource

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("xuncha")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)
ONE_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}


def enqueue(task, *args, **options) -> bool:
    """Send `task`, retrying once at most; False (logged) when the broker cannot take it.

    For work whose need is already recorded durably (an article 排队中, an import 排队中, pending rate scopes
    in PostgreSQL): a broker that is down or hung costs the request a bounded wait and no error, and the
    app's sweep (`rates_sweep`, `articles_sweep`, `imports_sweep`, every minute) sends it again once it is back."""
    try:
        # One retry at once: a pooled connection to a Redis that restarted fails once, then reconnects. No result:
        # nobody waits for these, and a result backend would be one more Redis round trip.
        task.apply_async(args=args, ignore_result=True, retry=True, retry_policy=ONE_RETRY, **options)
    except Exception as exc:
        logger.warning("broker unavailable, %s%r left for the sweep: %s", task.name, args, exc)
        return False
    return True


def enqueue_due(task, queryset, *, now) -> int:
    """A sweep's resend: send `task` for each row of `queryset` (ids in order), stamping its `queued_at`;
    stops at the first send the broker refuses (the next sweep goes on). Returns how many were sent."""
    sent = 0
    for pk in queryset.values_list("pk", flat=True):
        if not enqueue(task, pk):
            break
        sent += 1
        queryset.model.objects.filter(pk=pk).update(queued_at=now)
    return sent


@worker_process_init.connect
def _limit_child_memory(**_):
    """A pool child may allocate at most WORKER_MEMORY_LIMIT_MB: a hostile file that slips past the size checks
    ends in a MemoryError inside its task (recorded on the article or import) rather than in the OOM killer."""
    from django.conf import settings

    limit = settings.WORKER_MEMORY_LIMIT_MB * 1048576
    if limit:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
