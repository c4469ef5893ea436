"""The demo's articles: generated reports of its own records, through the ingest pipeline, partly reviewed."""
import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts.demo import demo_users_create
from accounts.models import User
from ingest.choices import ReviewState
from ingest.demo import DEMO_MARK, demo_articles_create, demo_articles_write, sample_articles
from ingest.documents import read_document
from ingest.extract import extract
from ingest.models import Article, ReportedFigure
from ingest.selectors import reported_vs_tracked
from tests.conftest import DEMO_TODAY


def test_generated_articles_state_figures_the_engine_reads():
    """Every figure a demo article plans to have reviewed is read back by the engine from its file."""
    articles = sample_articles(36, seed=11)
    assert len({a.text for a in articles}) == 36 and {a.name.rsplit(".", 1)[1] for a in articles} == {"txt", "html", "docx"}
    for article in articles:
        document = read_document(article.name, article.data(), max_bytes=10**6)
        found = {(f.metric, float(f.value)) for f in extract(document.text, article.published).facts}
        assert {(r.metric, float(r.value)) for r in article.reviews} <= found, article.text
        assert "演示数据" in article.text or "演示數據" in article.text


@pytest.mark.django_db
def test_seeded_demo_has_articles_partly_reviewed_with_flagged_differences(demo, client):
    demo_users_create()
    planned = demo_articles_write(today=DEMO_TODAY)
    articles = demo_articles_create(today=DEMO_TODAY)
    assert len(articles) == len(planned) >= 6
    assert {a.file_name.rsplit(".", 1)[1] for a in articles} == {"txt", "html", "docx"}
    assert any("演示數據" in a.text for a in articles)  # Traditional
    for article in articles:
        assert article.status in ("parsed", "reviewed") and DEMO_MARK[1:-1] in article.text.replace("數據", "数据")
        assert article.facts.exists()
    # Every planned review was made (none skipped because the engine read a sentence otherwise).
    reviews = sum(len(p.reviews) for p in planned)
    decided = sum(a.facts.exclude(review_state=ReviewState.PENDING).count() for a in articles)
    assert decided == reviews and sum(a.facts.filter(review_state=ReviewState.PENDING).count() for a in articles) > 0
    assert any(a.rounds.filter(review_state=ReviewState.ACCEPTED, inspection_round__isnull=False).exists() for a in articles)

    admin = User.objects.get(username="admin")
    comparisons = reported_vs_tracked(ReportedFigure.objects.visible_to(admin), admin)
    verdicts = {c.comparison.differs for c in comparisons}
    assert verdicts == {True, False, None}  # agreeing, flagged, and figures no record tracks

    client.force_login(admin)
    listing = client.get(reverse("ingest:article_list")).content.decode()
    assert all(a.title in listing for a in articles)
    flagged = next(c.figure.article for c in comparisons if c.comparison.differs)
    page = client.get(reverse("ingest:article_detail", args=[flagged.pk])).content.decode()
    assert len(re.findall(r"<mark ", page)) == flagged.facts.count() and "不一致" in page

    # Seeding again keeps them, or replaces them (a later day writes other articles) instead of adding to them.
    assert {a.pk for a in demo_articles_create(today=DEMO_TODAY, keep_existing=True)} == {a.pk for a in articles}
    later = demo_articles_create(today=DEMO_TODAY + dt.timedelta(days=40))
    assert Article.objects.count() == len(later) and not Article.objects.filter(pk__in=[a.pk for a in articles]).exists()
