"""Articles uploaded through the page are read (.txt, .html, .docx, .pdf) and parsed by a real Celery worker on
Redis; skipped without REDIS_URL."""
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from config.celery import app
from ingest.choices import ArticleStatus
from ingest.extract import extract
from ingest.models import Article
from tests.articles import ARTICLE_PATHS, docx_bytes, pdf_bytes
from tests.factories import make_user

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker"),
    pytest.mark.django_db(transaction=True),
]


def test_articles_uploaded_on_the_page_are_parsed_by_a_worker(client, xianan, worker):
    assert not app.conf.task_always_eager
    client.force_login(make_user("celery-admin", role=Role.REGION_ADMIN, region=xianan))
    files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in ARTICLE_PATHS] + [
        SimpleUploadedFile("教育局.docx", docx_bytes("咸安区委第二巡察组对区教育局开展常规巡察，发现问题9个，移交问题线索2件。")),
        SimpleUploadedFile("财政局.pdf", pdf_bytes("咸安区委第三巡察组对区财政局开展常规巡察，发现问题14个。"))]
    started = time.monotonic()
    response = client.post(reverse("ingest:article_list"), {"files": files})
    assert response.status_code == 302
    articles = list(Article.objects.all())
    assert len(articles) == len(ARTICLE_PATHS) + 2

    deadline = started + 120
    pending = {a.pk for a in articles}
    while pending and time.monotonic() < deadline:
        for pk in list(pending):
            status = client.get(reverse("ingest:article_status", args=[pk])).json()
            if status["finished"]:
                pending.discard(pk)
        time.sleep(0.3)
    assert not pending, "the worker did not parse every article in time"
    for article in Article.objects.all():
        assert article.status == ArticleStatus.PARSED and article.content is None, article.error
        assert article.facts.count() == len({(f.metric, f.start, f.end, float(f.value)) for f in extract(article.text).facts})
