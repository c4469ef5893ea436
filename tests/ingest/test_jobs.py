"""The article's parse job: claimed by status, attempts counted, resent by the sweep, failed when stuck, retried."""
from datetime import timedelta

import pytest
from django.utils import timezone

from ingest import services
from ingest.choices import ArticleStatus
from ingest.models import Article
from ingest.tasks import article_parse

pytestmark = pytest.mark.django_db

TEXT = "咸安区委第3轮巡察共发现问题12个，移交问题线索5件。"


@pytest.fixture
def sent(monkeypatch):
    """What the sweep hands to the broker (the broker itself is not needed here)."""
    calls = []
    monkeypatch.setattr("config.celery.enqueue", lambda task, *args, **options: calls.append((task.name, args)) or True)
    return calls


def article(status=ArticleStatus.QUEUED, **fields):
    return Article.objects.create(title="t", text=TEXT, content_hash=str(Article.objects.count()), status=status, **fields)


def test_a_queued_article_is_claimed_and_parsed_once(regions):
    item = article()
    assert services.article_parse_queued(item.pk).status == ArticleStatus.PARSED
    assert services.article_parse_queued(item.pk) is None  # a second message for it changes nothing
    item.refresh_from_db()
    assert item.parse_attempts == 1 and item.facts.count() == 2


def test_an_article_that_keeps_killing_its_worker_fails_after_three_starts(regions):
    item = article(status=ArticleStatus.PARSING, parse_attempts=services.PARSE_ATTEMPTS)
    assert services.article_parse_queued(item.pk).status == ArticleStatus.FAILED
    item.refresh_from_db()
    assert "中断 3 次" in item.error and not item.facts.exists()


def test_the_sweep_resends_waiting_articles_and_fails_stuck_ones(regions, sent):
    now = timezone.now()
    waiting = article(queued_at=now - timedelta(minutes=10))
    fresh = article(queued_at=now)
    stuck = article(status=ArticleStatus.PARSING, parse_started_at=now - timedelta(seconds=article_parse.time_limit + 61))
    running = article(status=ArticleStatus.PARSING, parse_started_at=now - timedelta(seconds=10))
    forgotten = article()
    Article.objects.filter(pk=forgotten.pk).update(created_at=now - timedelta(hours=7))

    assert services.articles_sweep(now) == {"resent": 1, "failed_parsing": 1, "failed_queued": 1}
    assert sent == [("ingest.tasks.article_parse", (waiting.pk,))]
    status = dict(Article.objects.values_list("pk", "status"))
    assert status[stuck.pk] == status[forgotten.pk] == ArticleStatus.FAILED
    assert status[fresh.pk] == status[waiting.pk] == ArticleStatus.QUEUED and status[running.pk] == ArticleStatus.PARSING
    assert "超过 210 秒" in Article.objects.get(pk=stuck.pk).error
    assert "排队超过 6 小时" in Article.objects.get(pk=forgotten.pk).error


def test_a_failed_article_is_retried_from_its_page(client, regions, django_capture_on_commit_callbacks, sent):
    from tests.ledger.conftest import make_user

    admin = make_user("admin", regions.get(code="421202"), admin=True)
    item = article(status=ArticleStatus.FAILED, error="解析中断", parse_attempts=3, region=regions.get(code="421202"))
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/ingest/articles/{item.pk}/retry/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.error, item.parse_attempts) == (ArticleStatus.QUEUED, "", 0)
    assert sent == [("ingest.tasks.article_parse", (item.pk,))]


def test_a_retried_article_uploaded_long_ago_waits_its_full_queue_time_again(regions, sent, settings):
    """The queue's time limit counts from the retry (or the re-upload): an article uploaded 7 h ago and retried
    during an outage is not failed by the next sweep."""
    item = article(status=ArticleStatus.FAILED)
    Article.objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(hours=7))
    assert services.article_requeue(item.pk)
    now = timezone.now()
    assert services.articles_sweep(now)["failed_queued"] == 0
    later = now + timedelta(seconds=settings.INGEST_QUEUE_LIMIT_SECONDS + 1)
    assert services.articles_sweep(later)["failed_queued"] == 1
