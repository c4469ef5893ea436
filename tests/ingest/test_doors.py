"""The upload page and the API: several files at once, status, safe rendering, scoping, bad input."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from ingest.choices import ArticleStatus
from ingest.models import Article, ExtractedFact
from ingest.services import article_extract
from tests.articles import TONGCHENG_ARTICLE, XIANAN_ARTICLE, article_text, docx_bytes, pdf_bytes
from tests.factories import make_organization, make_user

pytestmark = pytest.mark.django_db

HOSTILE = ("<html><head><title>咸安区巡察通报</title><script>alert('head')</script></head><body>"
           "<p>咸安区委第三巡察组进驻区教育局，发现问题12个，移交问题线索3件。</p>"
           "<script>document.cookie='stolen'</script>"
           "<p>&lt;img src=x onerror=alert(1)&gt; 立案2件。</p></body></html>")


def upload(path_or_name, data=None):
    if data is None:
        return SimpleUploadedFile(path_or_name.name, path_or_name.read_bytes())
    return SimpleUploadedFile(path_or_name, data)


@pytest.fixture
def admin_user(xianan):
    return make_user("county-admin", role=Role.REGION_ADMIN, region=xianan)


def test_upload_page_takes_several_files_and_reports_each(client, admin_user, django_capture_on_commit_callbacks):
    """The request checks each file without reading it; the worker reads it: a PDF of a stored text is found a
    duplicate there, a broken PDF fails there, each with its reason on the article."""
    client.force_login(admin_user)
    text = article_text(TONGCHENG_ARTICLE)
    files = [upload(XIANAN_ARTICLE), upload("通城.docx", docx_bytes(text)), upload("通城.pdf", pdf_bytes(text)),
             upload("空.txt", b""), upload("坏.pdf", b"%PDF-1.7 broken"), upload("假.pdf", b"not a pdf at all")]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("ingest:article_list"), {"files": files}, follow=True)
    assert len(callbacks) == 4  # one parse task per new article, started after commit
    page = response.content.decode()
    assert f"{XIANAN_ARTICLE.name}：已上传，正在读取和解析" in page and "通城.docx：已上传" in page
    assert "空.txt：文件为空" in page and "假.pdf：文件不是 PDF 格式" in page
    status = dict(Article.objects.values_list("file_name", "status"))
    assert status == {XIANAN_ARTICLE.name: "parsed", "通城.docx": "parsed", "通城.pdf": "duplicate", "坏.pdf": "failed"}
    docx = Article.objects.get(file_name="通城.docx")
    duplicate, broken = Article.objects.get(file_name="通城.pdf"), Article.objects.get(file_name="坏.pdf")
    assert duplicate.duplicate_of == docx and "内容相同" in duplicate.error and not duplicate.text
    assert "PDF 文件已损坏" in broken.error and bytes(broken.content) == b"%PDF-1.7 broken"  # kept for a retry
    for article in Article.objects.filter(status="parsed"):
        assert article.uploaded_by == admin_user and article.facts.exists() and article.content is None
        status = client.get(reverse("ingest:article_status", args=[article.pk])).json()
        assert status == {"status": "parsed", "status_label": "已解析", "finished": True, "error": ""}
    assert reverse("ingest:article_detail", args=[docx.pk]) in client.get(
        reverse("ingest:article_detail", args=[duplicate.pk])).content.decode()  # 查看该文章
    detail = client.get(reverse("ingest:article_detail", args=[broken.pk])).content.decode()
    assert "PDF 文件已损坏" in detail and "重新解析" in detail
    # The uploader is a 咸安区 user: the 通城县 article stays under their region (they keep seeing it).
    assert set(Article.objects.values_list("region__code", flat=True)) == {"421202"}


def test_the_same_file_again_is_a_duplicate_once_parsed_and_a_retry_while_failed(client, admin_user,
                                                                               django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ingest:article_list"), {"files": [upload(XIANAN_ARTICLE)]})
    article = Article.objects.get()
    Article.objects.filter(pk=article.pk).update(status="failed", error="解析中断")  # e.g. its worker was killed
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("ingest:article_list"), {"files": [upload(XIANAN_ARTICLE)]}, follow=True)
    assert "已重新排队解析" in page.content.decode()
    article.refresh_from_db()
    assert article.status == "parsed" and not article.error and Article.objects.count() == 1
    page = client.post(reverse("ingest:article_list"), {"files": [upload(XIANAN_ARTICLE)]}, follow=True)
    assert "未重复存储" in page.content.decode() and Article.objects.count() == 1


def test_list_page_polls_articles_still_being_parsed(client, admin_user):
    client.force_login(admin_user)
    client.post(reverse("ingest:article_list"), {"files": [upload(XIANAN_ARTICLE)]})  # on_commit not run: still queued
    article = Article.objects.get()
    assert article.status == ArticleStatus.QUEUED and not article.facts.exists()
    page = client.get(reverse("ingest:article_list")).content.decode()
    assert f'data-status-url="{reverse("ingest:article_status", args=[article.pk])}"' in page
    assert "ingest/status.js" in page and "排队中" in page


def test_html_is_never_rendered_unescaped(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ingest:article_list"), {"files": [upload("通报.html", HOSTILE.encode("utf-8"))]})
    article = Article.objects.get()
    assert article.title == "咸安区巡察通报" and "script" not in article.text and "stolen" not in article.text
    assert article.facts.filter(metric="issues_found", value=12).exists()
    page = client.get(reverse("ingest:article_detail", args=[article.pk])).content.decode()
    assert "<script>alert" not in page and "<img" not in page and "stolen" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_review_page_highlights_every_figure_at_its_offsets(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ingest:article_list"), {"files": [upload(XIANAN_ARTICLE)]})
    article = Article.objects.get()
    page = client.get(reverse("ingest:article_detail", args=[article.pk])).content.decode()
    marked = re.findall(r'<mark class="review-pending" title="[^"]*"><a href="#fact-(\d+)">(.*?)</a></mark>', page, re.S)
    facts = {f.pk: f for f in ExtractedFact.objects.filter(article=article)}
    assert len(marked) == len(facts)
    for pk, text in marked:
        fact = facts[int(pk)]
        assert text == article.text[fact.start_offset:fact.end_offset] == fact.quote
    assert page.count('name="csrfmiddlewaretoken"') >= len(facts) + 1


def test_api_create_by_upload_and_by_text(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    response = client.post("/api/v1/articles/", {"file": upload(XIANAN_ARTICLE), "source_url": "https://example.org/a"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["duplicate"] is False and body["region"] == "421202" and body["source_url"] == "https://example.org/a"
    again = client.post("/api/v1/articles/", {"file": upload(XIANAN_ARTICLE)})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert again.json()["duplicate"] is False and again.json()["requeued"] is True  # still queued: sent again
    article_extract(body["id"])
    with django_capture_on_commit_callbacks(execute=True):  # the same text, not the same file: found once read
        same_text = client.post("/api/v1/articles/", {"text": article_text(XIANAN_ARTICLE).replace("。", "。\n")},
                                content_type="application/json")
    assert same_text.status_code == 201
    detail = client.get(f"/api/v1/articles/{same_text.json()['id']}/").json()
    assert detail["status"] == "duplicate" and detail["duplicate_of"] == body["id"] and "内容相同" in detail["error"]

    own = "咸安区委巡察组对区财政局开展常规巡察，发现问题21个，移交问题线索4件。"
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/articles/", {"text": own, "title": "财政局巡察", "published": "2026-05-01"},
                              content_type="application/json")
    assert created.status_code == 201 and created.json()["title"] == "财政局巡察"
    detail = client.get(f"/api/v1/articles/{created.json()['id']}/").json()
    assert detail["status"] == "parsed" and detail["published"] == "2026-05-01" and detail["text"] == own
    facts = client.get(detail["facts_url"]).json()  # a page of the API's cursor pagination
    assert detail["facts_count"] == len(facts["results"]) and facts["next"] is None
    assert {(f["metric"], f["value"]) for f in facts["results"]} >= {("issues_found", 21.0), ("leads_transferred", 4.0)}
    assert Article.objects.count() == 3


@pytest.mark.parametrize("data, field, message", [
    ({"file": ("空.txt", b"")}, "file", "文件为空"),
    ({"file": ("坏.docx", b"PK\x03\x04junk")}, "file", "Word 文件已损坏"),
    ({"file": ("假.docx", b"plain text, not a zip")}, "file", "不是 .docx 格式"),
    ({"text": "   "}, "text", ""),
    ({}, "non_field_errors", "二者选一"),
])
def test_api_bad_input_is_a_400_with_a_chinese_message(client, admin_user, data, field, message):
    client.force_login(admin_user)
    payload = {key: SimpleUploadedFile(*value) if key == "file" else value for key, value in data.items()}
    response = client.post("/api/v1/articles/", payload)
    error = response.json()["error"]  # the API's one error shape
    texts = [error["message"]] if field == "non_field_errors" else error["fields"][field]
    assert response.status_code == 400 and message in " ".join(texts)
    assert not Article.objects.exists()


def test_a_file_the_worker_cannot_read_fails_with_its_reason(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    garbled = "咸安区委巡察组发现问题12个，整改10个。".encode().decode("latin-1").encode("utf-8") * 30
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/articles/", {"file": SimpleUploadedFile("乱码.txt", garbled)})
    assert response.status_code == 201  # only the worker reads the file
    detail = client.get(f"/api/v1/articles/{response.json()['id']}/").json()
    assert detail["status"] == "failed" and "乱码" in detail["error"]


def test_api_scoping_and_who_may_create(client, admin_user, xianan, tongcheng, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        home = client.post("/api/v1/articles/", {"file": upload(XIANAN_ARTICLE)}).json()["id"]
    away_admin = make_user("away-admin", role=Role.REGION_ADMIN, region=tongcheng)
    client.force_login(away_admin)
    assert client.get("/api/v1/articles/").json()["results"] == []
    assert client.get(f"/api/v1/articles/{home}/").status_code == 404
    for user in (make_user("viewer", role=Role.VIEWER, region=xianan),
                 make_user("unit", role=Role.UNIT, region=xianan, organization=make_organization(xianan))):
        client.force_login(user)
        assert client.post("/api/v1/articles/", {"file": upload(TONGCHENG_ARTICLE)}).status_code == 403
    client.force_login(make_user("client", role=Role.API_CLIENT, region=xianan))
    assert [row["id"] for row in client.get("/api/v1/articles/").json()["results"]] == [home]
    assert client.post("/api/v1/articles/", {"file": upload(TONGCHENG_ARTICLE)}).status_code == 201
    client.logout()
    assert client.get("/api/v1/articles/").status_code in (401, 403)


def test_filters_on_the_page_and_the_api(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ingest:article_list"), {"files": [upload(XIANAN_ARTICLE)]})
    client.post(reverse("ingest:article_list"), {"files": [upload(TONGCHENG_ARTICLE)]})  # left queued
    parsed, queued = Article.objects.get(status="parsed"), Article.objects.get(status="queued")
    assert [row["id"] for row in client.get("/api/v1/articles/?status=queued").json()["results"]] == [queued.pk]
    assert [row["id"] for row in client.get("/api/v1/articles/?status=parsed&region=421202").json()["results"]] == [parsed.pk]
    assert client.get("/api/v1/articles/?region=421222").json()["results"] == []
    page = client.get(reverse("ingest:article_list"), {"status": "queued"}).content.decode()
    assert reverse("ingest:article_detail", args=[queued.pk]) in page
    assert reverse("ingest:article_detail", args=[parsed.pk]) not in page
