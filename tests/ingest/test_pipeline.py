"""The pipeline through the `ingest` command: the test articles (and the corpus), idempotence, re-extraction, bad input."""
import dataclasses
import io
import json

import pytest
from django.core.management import CommandError, call_command

from accounts.roles import Role
from ingest import services
from ingest.choices import ArticleStatus, ReviewState
from ingest.corpus import seed_paths
from ingest.extract import extract
from ingest.models import Article, ExtractedFact, ExtractedRound, ReportedFigure
from tests.articles import ARTICLE_PATHS, ARTICLES, XIANAN_ARTICLE, article_text, docx_bytes, pdf_bytes
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def run_ingest(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *map(str, args), "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored(article) -> tuple[set, set]:
    facts = set(article.facts.values_list("metric", "value", "approx", "start_offset", "end_offset", "quote"))
    rounds = set(article.rounds.values_list("organizer_code", "start", "end", "groups", "units", "start_offset", "end_offset"))
    return facts, rounds


def engine(text) -> tuple[set, set]:
    result = extract(text)
    facts = {(f.metric, float(f.value), f.approx, f.start, f.end, f.quote) for f in result.facts}
    rounds = {(r.organizer_code or "", r.start or "", r.end or "", r.groups, r.units, *r.offsets) for r in result.rounds}
    return facts, rounds


def ingest_folder_stores_what_the_engine_finds(folder, paths):
    out, err = run_ingest(folder)
    assert out.strip() == f"新增 {len(paths)} 篇，重复 0 篇，失败 0 篇（共 {len(paths)} 个文件）", err
    assert Article.objects.count() == len(paths)
    for path in paths:
        article = Article.objects.get(file_name=path.name)
        assert article.status == ArticleStatus.PARSED and article.encoding == "utf-8"
        if path.suffix == ".txt":
            assert article.text == path.read_text(encoding="utf-8")
        assert stored(article) == engine(article.text)
        assert article.facts.exists()


def test_the_test_articles_through_the_command_store_what_the_engine_finds(regions):
    ingest_folder_stores_what_the_engine_finds(ARTICLES, ARTICLE_PATHS)
    # Regions follow the articles' subjects (no uploader, no --region).
    regions = dict(Article.objects.values_list("file_name", "region__code"))
    assert (regions["xianan_feedback.txt"], regions["tongcheng_summary.txt"], regions["xianning_progress.txt"],
            regions["tongshan_page.html"], regions["chibi_traditional.txt"]) == ("421202", "421222", "421200", "421224", "421281")
    assert Article.objects.get(file_name="tongshan_page.html").title == "通山县委第四轮巡察反馈情况"


@pytest.mark.corpus
def test_the_corpus_through_the_command_stores_what_the_engine_finds(regions):
    ingest_folder_stores_what_the_engine_finds(seed_paths()[0].parent, seed_paths())


def test_running_twice_and_other_formats_of_the_same_article_store_nothing_new(regions, tmp_path):
    run_ingest(ARTICLES)
    before = (Article.objects.count(), ExtractedFact.objects.count(), ExtractedRound.objects.count())
    text = article_text(XIANAN_ARTICLE)
    (tmp_path / "a.docx").write_bytes(docx_bytes(text))
    (tmp_path / "a.pdf").write_bytes(pdf_bytes(text))
    (tmp_path / "a-gbk.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "a-rewrapped.txt").write_text(text.replace("。", "。\n\n"), encoding="utf-8")
    out, _ = run_ingest(ARTICLES, tmp_path)
    assert out.startswith(f"新增 0 篇，重复 {len(ARTICLE_PATHS) + 4} 篇，失败 0 篇")
    assert (Article.objects.count(), ExtractedFact.objects.count(), ExtractedRound.objects.count()) == before


def test_reextracting_unchanged_writes_the_same_rows(regions):
    run_ingest(XIANAN_ARTICLE)
    article = Article.objects.get()
    rows = list(ExtractedFact.objects.order_by("pk").values())
    out, _ = run_ingest(XIANAN_ARTICLE, "--reextract")
    assert out.startswith("新增 0 篇，重复 1 篇")
    assert list(ExtractedFact.objects.order_by("pk").values()) == rows
    article.refresh_from_db()
    assert article.extractor_runs == 2


def test_reextract_every_stored_article_without_the_files(regions):
    run_ingest(ARTICLES)
    before = sorted(ExtractedFact.objects.values_list("article_id", "metric", "start_offset", "value"))
    out, _ = run_ingest("--reextract")
    assert out.strip() == f"重新抽取 {len(ARTICLE_PATHS)} 篇，失败 0 篇"
    assert sorted(ExtractedFact.objects.values_list("article_id", "metric", "start_offset", "value")) == before
    assert set(Article.objects.values_list("extractor_runs", flat=True)) == {2}
    with pytest.raises(CommandError, match="请给出文件或目录"):
        run_ingest()


def test_reextraction_after_the_engine_changed_keeps_reviews_without_duplicates(regions, xianan, monkeypatch):
    run_ingest(XIANAN_ARTICLE, "--region", "421202")
    article = Article.objects.get()
    facts = list(article.facts.order_by("start_offset"))
    kept, dropped, moved = facts[0], facts[1], facts[2]
    reviewer = make_user("reviewer", role=Role.REGION_ADMIN, region=xianan)
    services.fact_review(fact=kept, user=reviewer, action="accept")
    services.fact_review(fact=dropped, user=reviewer, action="correct", value=999)

    # A "better" engine: the first two figures are no longer found, the third has a new value.
    def improved(text, published=None):
        result = extract(text, published)
        result.facts = [f for f in result.facts if (f.start, f.end) not in
                        {(kept.start_offset, kept.end_offset), (dropped.start_offset, dropped.end_offset)}]
        result.facts = [dataclasses.replace(f, value=f.value + 1) if f.start == moved.start_offset else f for f in result.facts]
        return result

    monkeypatch.setattr(services, "extract", improved)
    services.article_extract(article.pk)
    services.article_extract(article.pk)

    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert (kept.review_state, kept.current) == (ReviewState.ACCEPTED, False)
    assert (dropped.review_state, dropped.corrected_value, dropped.current) == (ReviewState.CORRECTED, 999, False)
    assert ReportedFigure.objects.filter(fact__in=[kept, dropped]).count() == 2
    # A pending figure whose value changed is replaced, not kept beside the new one.
    assert not ExtractedFact.objects.filter(pk=moved.pk).exists()
    assert list(article.facts.filter(metric=moved.metric, start_offset=moved.start_offset).values_list("value", flat=True)) \
        == [moved.value + 1]
    assert article.facts.count() == len(facts)  # nothing duplicated, nothing reviewed lost
    keys = list(article.facts.values_list("metric", "start_offset", "end_offset", "value"))
    assert len(keys) == len(set(keys))


def test_one_article_is_one_transaction(regions, monkeypatch):
    run_ingest(XIANAN_ARTICLE)
    article = Article.objects.get()
    before = stored(article)

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_write_rounds", broken)
    monkeypatch.setattr(services, "extract", lambda text, published=None: dataclasses.replace(extract(text), facts=[]))
    article = services.article_extract(article.pk)
    assert article.status == ArticleStatus.FAILED and "disk full" in article.error
    assert stored(article) == before  # the facts deleted before the failure came back


def test_a_bad_file_fails_alone_and_stores_nothing(regions, tmp_path):
    text = article_text(XIANAN_ARTICLE)
    bad = {
        "empty.txt": b"",
        "junk.txt": bytes(range(256)) * 100,
        "mojibake.txt": text.encode("utf-8").decode("latin-1").encode("utf-8"),
        "broken.docx": docx_bytes(text)[:500],
        "broken.pdf": pdf_bytes(text)[:400],
        "page.html": b"<html><body><script>alert(1)</script></body></html>",
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    out, err = run_ingest(tmp_path)
    assert out.startswith(f"新增 1 篇，重复 0 篇，失败 {len(bad)} 篇")
    for name, message in [("empty.txt", "文件为空"), ("junk.txt", "不是文本"), ("mojibake.txt", "乱码"),
                          ("broken.docx", "Word 文件已损坏"), ("broken.pdf", "PDF 文件"), ("page.html", "没有文字")]:
        assert any(line.endswith(name + ": " + line.split(": ", 1)[1]) and message in line
                   for line in err.splitlines() if name in line), (name, err)
    article = Article.objects.get()
    assert article.encoding == "gb18030" and article.text == text and article.facts.exists()


def test_files_over_the_limit_are_refused(regions, tmp_path, settings):
    settings.INGEST_MAX_BYTES = 500
    data = article_text(XIANAN_ARTICLE).encode("utf-8")
    (tmp_path / "big.txt").write_bytes(data)
    out, err = run_ingest(tmp_path)
    assert out.startswith("新增 0 篇，重复 0 篇，失败 1 篇") and f"文件过大（{len(data)} 字节），上限为 500 字节" in err
    assert not Article.objects.exists()


def test_bench_ingest_measures_generated_articles_and_leaves_nothing(regions, monkeypatch):
    monkeypatch.delenv("XUNCHA_CORPUS", raising=False)
    out = io.StringIO()
    call_command("bench_ingest", "--articles", "12", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["source"] == "generated" and figures["articles"] == 12
    assert figures["facts"] >= 12 * 2 and figures["articles_per_s"] > 0
    assert not Article.objects.exists()
