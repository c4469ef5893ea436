"""Hostile files are refused before they cost memory: zip bombs, too many parts or pages, endless text (no database)."""
import datetime as dt
import io
import re
import time

import pytest

from ingest.documents import ARTICLE_MAX_CHARS, DOCX_LIMITS, PDF_MAX_PAGES, DocumentError, read_document
from tests.articles import docx_bomb, docx_bytes

LIMIT = 20 * 1024 * 1024


def test_a_docx_that_inflates_past_the_limit_is_refused_unread():
    data = docx_bomb(DOCX_LIMITS.max_parsed + 1)
    assert len(data) < 100_000  # small on the wire
    with pytest.raises(DocumentError, match="解压后过大"):
        read_document("bomb.docx", data, max_bytes=LIMIT)


def test_a_docx_just_under_the_limit_still_reads():
    assert read_document("big.docx", docx_bomb(2 * 1048576), max_bytes=LIMIT).text.startswith("巡察组发现问题12个")


def test_a_docx_with_too_many_parts_is_refused():
    with pytest.raises(DocumentError, match="部件过多"):
        read_document("many.docx", docx_bomb(0, entries=DOCX_LIMITS.max_entries), max_bytes=LIMIT)


def test_a_text_longer_than_an_article_is_refused_in_every_format():
    text = "巡察组发现问题12个，已整改10个。\n" * (ARTICLE_MAX_CHARS // 17 + 1)
    for name, data in (("long.txt", text.encode()), ("long.html", f"<p>{text}</p>".encode()),
                       ("long.docx", docx_bytes(text))):
        with pytest.raises(DocumentError, match="文章过长"):
            read_document(name, data, max_bytes=LIMIT)
    assert read_document("ok.txt", text.encode(), max_bytes=LIMIT, max_chars=len(text)).text


def test_a_pdf_with_too_many_pages_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(PDF_MAX_PAGES + 1):
        writer.add_blank_page(100, 100)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(DocumentError, match="页数过多"):
        read_document("pages.pdf", buffer.getvalue(), max_bytes=LIMIT)


@pytest.mark.django_db
def test_figures_past_the_limit_are_dropped_and_the_article_says_so(settings, regions):
    from ingest.choices import ArticleStatus
    from ingest.services import article_extract, article_submit

    settings.INGEST_MAX_FACTS = 5
    text = "".join(f"咸安区委第{n}轮巡察共发现问题{n + 10}个，移交问题线索{n}件。" for n in range(1, 10))
    article = article_submit(name="many.txt", data=text.encode()).article
    article = article_extract(article.pk)
    assert article.status == ArticleStatus.PARSED and article.facts.count() == 5
    assert "超过每篇文章 5 个的上限" in article.error


@pytest.mark.django_db
def test_the_largest_article_accepted_is_reviewed_and_read_a_page_at_a_time(client, settings, regions):
    """What the limits allow at most (INGEST_MAX_CHARS of text, INGEST_MAX_FACTS figures): the review page lists
    its figures a page at a time (every one marked in the text, linking to its page), a review returns to the
    figure's page, 全部采纳 takes every page; the API pages through the figures with its cursors."""
    from accounts.roles import Role
    from api.services import token_issue
    from ingest.models import Article, ExtractedFact
    from ingest.selectors import REVIEW_PER_PAGE
    from tests.factories import make_user

    xianan = regions.get(code="421202")
    sentence = "咸安区委巡察组发现问题12个。"  # 15 characters, the figure at 8–11
    text = sentence * (settings.INGEST_MAX_CHARS // len(sentence))
    article = Article.objects.create(title="最长的文章", text=text, content_hash="longest", region=xianan, status="parsed",
                                     published=dt.date(2026, 6, 1))
    ExtractedFact.objects.bulk_create(
        ExtractedFact(article=article, metric="issues_found", value=12, unit="个", start_offset=n * 15 + 8,
                      end_offset=n * 15 + 11, quote=sentence) for n in range(settings.INGEST_MAX_FACTS))
    facts = list(article.facts.order_by("start_offset"))
    admin = make_user("longest-admin", role=Role.REGION_ADMIN, region=xianan)
    client.force_login(admin)
    started = time.perf_counter()
    page = client.get(f"/ingest/articles/{article.pk}/?page=3")
    took = time.perf_counter() - started
    body = page.content.decode()
    assert page.status_code == 200 and len(page.content) < 4 * 1048576
    listed = [int(pk) for pk in re.findall(r'<tr id="fact-(\d+)">', body)]
    assert listed == [fact.pk for fact in facts[2 * REVIEW_PER_PAGE:3 * REVIEW_PER_PAGE]]
    assert body.count("<mark ") == settings.INGEST_MAX_FACTS  # every figure marked in the text ...
    assert f'href="?page=1#fact-{facts[0].pk}"' in body and f'href="#fact-{listed[0]}"' in body  # ... linking to its page
    assert f"第 3 / {settings.INGEST_MAX_FACTS // REVIEW_PER_PAGE} 页" in body and f"全部采纳其余 {len(facts)} 条" in body

    review = client.post(f"/ingest/facts/{facts[-1].pk}/review/", {"action": "accept"})
    assert review.url.endswith(f"?page={settings.INGEST_MAX_FACTS // REVIEW_PER_PAGE}#fact-{facts[-1].pk}")
    accept_rest = client.post(f"/ingest/articles/{article.pk}/accept-rest/", {"page": "3"})
    assert accept_rest.url.endswith("?page=3")
    assert not article.facts.filter(review_state="pending").exists()  # every page's figures

    _, key = token_issue(user=admin, name="最长")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    answer = client.get(f"/api/v1/articles/{article.pk}/", **auth)
    assert answer.status_code == 200 and answer.json()["facts_count"] == settings.INGEST_MAX_FACTS
    seen, url, sizes = [], answer.json()["facts_url"], []
    while url:
        listing = client.get(url, **auth)
        sizes.append(len(listing.content))
        seen += [row["id"] for row in listing.json()["results"]]
        url = listing.json()["next"]
    assert seen == [fact.pk for fact in facts]
    print(f"\nlargest article: review page {len(page.content) / 1048576:.1f} MB in {took:.2f} s, API detail "
          f"{len(answer.content) / 1048576:.1f} MB, its figures in {len(sizes)} pages of at most {max(sizes) / 1024:.0f} KB")
    assert len(answer.content) < 2 * 1048576 and max(sizes) < 100 * 1024
