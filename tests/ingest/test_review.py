"""Review: accepted rounds become (matched) InspectionRounds, accepted figures ReportedFigures; reported vs tracked."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.roles import Role
from ingest import services
from ingest.choices import ArticleStatus, ReviewState
from ingest.models import Article, ReportedFigure
from ingest.selectors import reported_vs_tracked
from inspection.models import InspectionRound, Lead
from rectification.models import RateSnapshot
from rectification.rates import rates_mark_latest
from tests.articles import XIANNING_ARTICLE
from tests.factories import make_finding, make_inspection, make_organization, make_round, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_admin(xianning):
    return make_user("city-admin", role=Role.REGION_ADMIN, region=xianning)


@pytest.fixture
def article(city_admin):
    """The 咸宁市 article (published 2025-04-25), uploaded by the city's admin and parsed."""
    submitted = services.article_submit(name=XIANNING_ARTICLE.name, data=XIANNING_ARTICLE.read_bytes(), user=city_admin)
    return services.article_extract(submitted.article.pk)


def review_round(client, item, **data):
    return client.post(reverse("ingest:round_review", args=[item.pk]), data)


def review_fact(client, fact, **data):
    return client.post(reverse("ingest:fact_review", args=[fact.pk]), data)


def test_accepted_rounds_match_an_existing_round_or_create_one(client, article, city_admin, xianning):
    assert article.region == xianning and article.status == ArticleStatus.PARSED
    first, second = article.rounds.get(start="2024-02"), article.rounds.get(start="2024-08")
    existing = make_round(xianning, term=10, number=1, started_on=dt.date(2024, 2, 1), ended_on=dt.date(2024, 5, 31))
    client.force_login(city_admin)

    response = review_round(client, first, action="accept")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.inspection_round == existing and first.review_state == ReviewState.ACCEPTED
    assert (first.reviewed_by, timezone.localdate(first.reviewed_at)) == (city_admin, timezone.localdate())
    assert InspectionRound.objects.count() == 1

    # No round of the city has these dates: without a term and number nothing is created.
    page = client.get(review_round(client, second, action="accept").url).content.decode()
    assert "请填写届次和轮次以新建" in page
    second.refresh_from_db()
    assert second.is_pending and InspectionRound.objects.count() == 1

    review_round(client, second, action="correct", start="2024-08-05", end="2024-11-22", term=10, number=2)
    second.refresh_from_db()
    created = second.inspection_round
    assert (created.organizer, created.term, created.number, created.started_on, created.ended_on) == (
        xianning, 10, 2, dt.date(2024, 8, 5), dt.date(2024, 11, 22))
    assert second.review_state == ReviewState.CORRECTED

    # The same round accepted again from another article's item is matched, not duplicated.
    second.review_state = ReviewState.PENDING
    second.save()
    review_round(client, second, action="correct", start="2024-08-05", end="2024-11-22")
    second.refresh_from_db()
    assert second.inspection_round == created and InspectionRound.objects.count() == 2

    review_round(client, second, action="reject")
    second.refresh_from_db()
    assert second.inspection_round is None and InspectionRound.objects.filter(pk=created.pk).exists()
    events = AuditEvent.objects.filter(object_id__in=[str(first.pk), str(second.pk)], user=city_admin)
    assert events.count() == 4 and {e.details["review"] for e in events} == {"accept", "correct", "reject"}


def test_accepted_figures_become_reported_figures_of_their_region_and_period(client, article, city_admin, xianning, xianan):
    client.force_login(city_admin)
    city_issues = article.facts.get(metric="issues_found", value=274)
    county_issues = article.facts.get(metric="issues_found", value=47)
    leads = article.facts.get(metric="leads_found", value=86)

    review_fact(client, city_issues, action="accept")
    review_fact(client, county_issues, action="correct", value="48", period_start="2025-01-01", period_end="2025-03-31")
    review_fact(client, leads, action="reject")

    city = ReportedFigure.objects.get(fact=city_issues)
    assert (city.metric, city.value, city.region, city.period_start, city.period_end, city.article_id) == (
        "issues_found", 274, xianning, None, dt.date(2025, 4, 25), article.pk)
    county = ReportedFigure.objects.get(fact=county_issues)
    assert (county.value, county.region, county.period_start, county.period_end) == (
        48, xianan, dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert not ReportedFigure.objects.filter(fact=leads).exists()
    leads.refresh_from_db()
    assert leads.review_state == ReviewState.REJECTED and leads.reviewed_by == city_admin

    # The region is chosen by name as well as by code (the page's typeahead writes "名称（代码）").
    review_fact(client, city_issues, action="accept", region="咸安区")
    assert ReportedFigure.objects.get(fact=city_issues).region == xianan
    review_fact(client, city_issues, action="accept", region="咸宁市（421200）")
    assert ReportedFigure.objects.get(fact=city_issues).region == xianning

    # Rejecting an accepted figure takes its reported figure away again.
    review_fact(client, city_issues, action="reject")
    assert not ReportedFigure.objects.filter(fact=city_issues).exists()


def test_bad_corrections_change_nothing(client, article, city_admin):
    client.force_login(city_admin)
    fact = article.facts.get(metric="issues_found", value=274)
    for data in ({"action": "correct"}, {"action": "correct", "value": "-3"}, {"action": "drop"},
                 {"action": "accept", "period_start": "2025-06-01", "period_end": "2025-05-01"},
                 {"action": "accept", "region": "999999"}, {"action": "accept", "region": "火星区"}):
        page = client.get(review_fact(client, fact, **data).url).content.decode()
        assert "审核未保存" in page, data
    fact.refresh_from_db()
    assert fact.is_pending and fact.corrected_value is None and not ReportedFigure.objects.exists()


def test_only_the_inspecting_side_of_the_region_reviews(client, article, xianning, tongcheng):
    fact = article.facts.get(metric="issues_found", value=274)
    viewer = make_user("city-viewer", role=Role.VIEWER, region=xianning)
    member = make_user("city-member", role=Role.GROUP_MEMBER, region=xianning)
    away_admin = make_user("away-admin", role=Role.REGION_ADMIN, region=tongcheng)
    client.force_login(viewer)
    assert review_fact(client, fact, action="accept").status_code == 403
    client.force_login(away_admin)
    assert review_fact(client, fact, action="accept").status_code == 404
    assert not ReportedFigure.objects.exists()
    client.force_login(member)
    assert review_fact(client, fact, action="accept").status_code == 302
    assert ReportedFigure.objects.get().fact == fact


def test_a_county_admin_cannot_put_a_figure_on_the_city(article, xianan):
    county_admin = make_user("county-admin", role=Role.REGION_ADMIN, region=xianan)
    county_fact = article.facts.get(metric="issues_found", value=47)
    Article.objects.filter(pk=article.pk).update(region=xianan)  # as if a county user had uploaded it
    with pytest.raises(services.DomainError, match="不在您的管辖范围内"):
        services.fact_review(fact=county_fact, user=county_admin, action="accept", region=article.region)
    services.fact_review(fact=county_fact, user=county_admin, action="accept")
    assert ReportedFigure.objects.get().region == xianan


def test_article_status_turns_reviewed_when_everything_is_decided(article, city_admin):
    for fact in article.facts.all():
        services.fact_review(fact=fact, user=city_admin, action="reject")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PARSED
    for item in article.rounds.all():
        services.round_review(item=item, user=city_admin, action="reject")
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEWED


def test_reported_beside_tracked(client, article, city_admin, xianning):
    """Records of the city since 2024: one round started in March with 3 findings and 2 leads (1 transferred)."""
    rnd = make_round(xianning, term=10, number=1, started_on=dt.date(2024, 3, 1))
    inspection = make_inspection(rnd, make_organization(xianning), entry=dt.date(2024, 3, 2), feedback=dt.date(2024, 4, 1))
    for _ in range(3):
        make_finding(inspection)
    Lead.objects.create(inspection=inspection, summary="线索一", status="transferred", transferred_on=dt.date(2024, 4, 1),
                        cases_filed=2)
    Lead.objects.create(inspection=inspection, summary="线索二")
    make_round(xianning, term=10, number=9, started_on=dt.date(2025, 6, 1))  # after the period: not counted
    RateSnapshot.objects.create(scope="region", scope_key="region:421200", day=dt.date(2025, 4, 20), region=xianning,
                                tasks_total=10, closed=9, rate=90)
    RateSnapshot.objects.create(scope="region", scope_key="region:421200", day=dt.date(2025, 5, 20), region=xianning,
                                tasks_total=10, closed=10, rate=100)
    rates_mark_latest(day=dt.date(2025, 5, 20))

    period = {"period_start": dt.date(2024, 1, 1)}
    facts = {(m, v): article.facts.get(metric=m, value=v) for m, v in
             [("issues_found", 274), ("leads_found", 86), ("leads_transferred", 23), ("cases_filed", 15),
              ("recommendations", 193), ("units_inspected", 34)]}
    for fact in facts.values():
        services.fact_review(fact=fact, user=city_admin, action="accept", **period)
    rate_fact = facts[("issues_found", 274)]
    rate = ReportedFigure.objects.create(metric="rectification_rate", value=90.2, region=xianning, period_end=dt.date(2025, 4, 25),
                                         fact=article.facts.exclude(pk__in=[f.pk for f in facts.values()]).first(), article=article)
    rows = {(r.figure.metric, r.figure.value): r.comparison
            for r in reported_vs_tracked(ReportedFigure.objects.visible_to(city_admin), city_admin)}
    assert (rows[("issues_found", 274)].tracked, rows[("issues_found", 274)].differs) == (3, True)
    assert rows[("leads_found", 86)].tracked == 2 and rows[("leads_transferred", 23)].tracked == 1
    assert rows[("cases_filed", 15)].tracked == 2 and rows[("units_inspected", 34)].tracked == 1
    assert rows[("recommendations", 193)].tracked is None and rows[("recommendations", 193)].differs is None
    # The rate as of the period end (2025-04-25) is the April snapshot's 90: within half a point.
    assert (rows[("rectification_rate", 90.2)].tracked, rows[("rectification_rate", 90.2)].differs) == (90, False)

    client.force_login(city_admin)
    page = client.get(reverse("ingest:article_detail", args=[article.pk])).content.decode()
    assert "不一致：记录比报道少 271" in page and "无记录" in page and rate_fact.quote in page
    assert "开始的巡察轮次中，您可见的发现问题" in page  # how the tracked figure was counted
    body = client.get("/api/v1/reported-figures/").json()["results"]
    by_metric = {(row["metric"], row["value"]): row for row in body}
    assert by_metric[("issues_found", 274.0)]["tracked"] == 3 and by_metric[("issues_found", 274.0)]["differs"] is True
    assert by_metric[("rectification_rate", 90.2)]["differs"] is False
    assert rate.pk in {row["id"] for row in body}
    only_rates = client.get("/api/v1/reported-figures/", {"metric": "rectification_rate"}).json()["results"]
    assert [row["id"] for row in only_rates] == [rate.pk]
    assert client.get("/api/v1/reported-figures/", {"region": "421222"}).json()["results"] == []


def test_a_figure_of_the_first_n_rounds_is_counted_over_those_rounds(client, city_admin, xianning, xianan):
    """前3轮: the city committee's term-10 rounds 1–3 as tracked; not round 4, not term 9, not a county's round."""
    counted = []
    for term, number, findings in [(9, 1, 5), (10, 1, 2), (10, 2, 3), (10, 3, 4), (10, 4, 7)]:
        rnd = make_round(xianning, term=term, number=number, started_on=dt.date(2015 + term, number, 1))
        inspection = make_inspection(rnd, make_organization(xianning), entry=rnd.started_on,
                                     feedback=rnd.started_on + dt.timedelta(days=20))
        for _ in range(findings):
            make_finding(inspection)
        if term == 10 and number <= 3:
            counted.append(rnd)
        RateSnapshot.objects.create(scope="round", scope_key=f"round:{rnd.pk}", day=dt.date(2025, 4, 1), round=rnd,
                                    region=xianning, tasks_total=10, closed=number + 5, rate=(number + 5) * 10)
    rates_mark_latest(day=dt.date(2025, 4, 1))
    county_round = make_round(xianan, term=10, number=2, started_on=dt.date(2025, 2, 1))
    make_finding(make_inspection(county_round, make_organization(xianan)))
    text = "咸宁市委巡察工作情况\n十届市委前3轮巡察共发现问题10个。整改率为72%。"
    submitted = services.article_submit(name="rounds.txt", data=text.encode(), user=city_admin, region=xianning,
                                        published=dt.date(2025, 4, 25))
    article = services.article_extract(submitted.article.pk)
    facts = {fact.metric: fact for fact in article.facts.all()}
    assert services.fact_period(facts["issues_found"], article).rounds == 3
    services.fact_review(fact=facts["issues_found"], user=city_admin, action="accept")
    figure = ReportedFigure.objects.get(fact=facts["issues_found"])
    assert (figure.period_rounds, figure.period_start, figure.period_end) == (3, None, dt.date(2025, 4, 25))
    row, = reported_vs_tracked([figure], city_admin)
    assert row.rounds == counted
    assert (row.comparison.tracked, row.comparison.differs, row.comparison.difference) == (9, True, -1)
    assert row.basis.startswith("按前3轮（第一至第三轮）统计：咸宁市委第10届第1、2、3轮")
    # A rate over the same rounds sums their snapshots: (6 + 7 + 8) closed of 30 tasks.
    rate = ReportedFigure.objects.create(metric="rectification_rate", value=72, region=xianning, period_rounds=3,
                                         period_end=dt.date(2025, 4, 25), fact=facts["rectification_rate"],
                                         article=article)
    assert reported_vs_tracked([rate], city_admin)[0].comparison.tracked == 70
    client.force_login(city_admin)
    page = client.get(reverse("ingest:article_detail", args=[article.pk])).content.decode()
    assert "本届前3轮（截至 2025-04-25）" in page and "按前3轮（第一至第三轮）统计" in page
    assert 'name="period_rounds" type="number" min="1" max="99" class="rounds" value="3"' in page
    api = {row["metric"]: row for row in client.get("/api/v1/reported-figures/").json()["results"]}
    assert api["issues_found"]["period_rounds"] == 3 and api["issues_found"]["basis"].startswith("按前3轮")
    # On the page the reviewer may change N or clear it (then the period's dates count); a bad N changes nothing.
    client.post(reverse("ingest:fact_review", args=[facts["issues_found"].pk]), {"action": "accept", "period_rounds": "2"})
    figure.refresh_from_db()
    assert figure.period_rounds == 2
    assert "审核未保存" in client.get(review_fact(client, facts["issues_found"], action="accept", period_rounds="0").url).content.decode()
    figure.refresh_from_db()
    assert figure.period_rounds == 2
    review_fact(client, facts["issues_found"], action="accept", period_rounds="")
    figure.refresh_from_db()
    assert figure.period_rounds is None and "按前" not in reported_vs_tracked([figure], city_admin)[0].basis
    services.fact_review(fact=facts["issues_found"], user=city_admin, action="accept")  # 全部采纳's way: the article's N
    figure.refresh_from_db()
    assert figure.period_rounds == 3
    # With only two rounds tracked, the comparison says so.
    InspectionRound.objects.filter(pk=counted[2].pk).update(number=5)
    assert "记录中只有2轮" in reported_vs_tracked([figure], city_admin)[0].basis


def test_a_fact_out_of_the_readers_scope_offers_only_a_rejection_and_the_article_is_flagged(client, article, xianan):
    county_admin = make_user("county-admin", role=Role.REGION_ADMIN, region=xianan)
    # As if the county admin had uploaded the city's article: it names the city (and other counties).
    Article.objects.filter(pk=article.pk).update(region=xianan, uploaded_by=county_admin)
    city_fact = article.facts.get(metric="issues_found", value=274)
    county_fact = article.facts.get(metric="issues_found", value=47)
    client.force_login(county_admin)
    page = client.get(reverse("ingest:article_detail", args=[article.pk])).content.decode()
    assert "涉及管辖范围以外的地区" in page and "咸宁市（421200）" in page
    row = page.split(f'id="fact-{city_fact.pk}"')[1].split("</tr>")[0]
    assert "只能驳回" in row and "保存" not in row and 'value="accept"' not in row
    row = page.split(f'id="fact-{county_fact.pk}"')[1].split("</tr>")[0]
    assert "保存" in row and "只能驳回" not in row
    # The one action offered works.
    assert review_fact(client, city_fact, action="reject").status_code == 302
    city_fact.refresh_from_db()
    assert city_fact.review_state == ReviewState.REJECTED


def test_a_figure_without_a_period_in_the_article_is_asked_for_never_today(client, article, city_admin):
    Article.objects.filter(pk=article.pk).update(published=None)
    fact = article.facts.get(metric="issues_found", value=274)
    client.force_login(city_admin)
    page = client.get(reverse("ingest:article_detail", args=[article.pk])).content.decode()
    row = page.split(f'id="fact-{fact.pk}"')[1].split("</tr>")[0]
    assert "请填写" in row and 'name="period_end" type="date" value="" required' in row
    response = review_fact(client, fact, action="accept")
    assert response.url.endswith(f"#fact-{fact.pk}")  # back to the row, not the top of the page
    assert "请填写“统计期截至”后再采纳" in client.get(response.url).content.decode()
    assert not ReportedFigure.objects.exists()
    review_fact(client, fact, action="accept", period_end="2025-03-31")
    assert ReportedFigure.objects.get().period_end == dt.date(2025, 3, 31)


def test_accept_the_rest_takes_the_articles_periods_and_leaves_what_it_cannot(client, article, city_admin):
    client.force_login(city_admin)
    first = article.facts.get(metric="issues_found", value=274)
    review_fact(client, first, action="reject")
    pending = article.facts.filter(review_state=ReviewState.PENDING).count()
    page = client.post(reverse("ingest:facts_accept_rest", args=[article.pk]), follow=True).content.decode()
    assert f"已采纳 {pending} 条数据" in page
    assert ReportedFigure.objects.count() == pending and not ReportedFigure.objects.filter(fact=first).exists()
    assert all(figure.period_end == article.published for figure in ReportedFigure.objects.filter(period_start=None))
    viewer = make_user("rest-viewer", role=Role.VIEWER, region=article.region)
    client.force_login(viewer)
    assert client.post(reverse("ingest:facts_accept_rest", args=[article.pk])).status_code == 403


def test_an_article_gets_a_short_title():
    from ingest.rules import short_title

    assert short_title("市委巡察办召开会议。会议指出，要压实整改责任，" + "坚持问题导向" * 20) == "市委巡察办召开会议"
    long = short_title("关于" + "某某" * 40 + "的通报")
    assert len(long) == 40 and long.endswith("…")
