"""Ingest pages: upload and list articles, one article with its highlighted figures and review forms."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.scoping import get_object_in_scope_or_404
from ingest import selectors, services
from ingest.choices import ReviewState
from ingest.filters import ArticleFilterSet
from ingest.forms import ArticleUploadForm, FactReviewForm, RoundReviewForm
from ingest.highlight import segments
from ingest.models import Article, ExtractedFact, ExtractedRound, ReportedFigure

LIST_LIMIT = 100  # the newest articles the list shows; the filters narrow it


@login_required
@require_http_methods(["GET", "POST"])
def article_list(request):
    form = ArticleUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not services.may_upload(request.user):
            raise PermissionDenied("只有巡察办管理员、巡察组成员和 API 客户端可以上传文章。")
        if form.is_valid():
            fields = {"source_url": form.cleaned_data["source_url"], "published": form.cleaned_data["published"]}
            for file in form.cleaned_data["files"]:
                submitted = services.article_submit_upload(file, user=request.user, **fields)
                if submitted.error:
                    messages.error(request, f"{submitted.name}：{submitted.error}")
                elif submitted.created:
                    messages.success(request, f"{submitted.name}：已上传，正在读取和解析。")
                elif submitted.requeued:
                    messages.success(request, f"{submitted.name}：与之前上传、尚未解析成功的文章“{submitted.article.title}”"
                                              "是同一文件，已重新排队解析。")
                else:
                    messages.info(request, f"{submitted.name}：与已有文章“{submitted.article.title}”内容相同，未重复存储"
                                           f"（该文章{submitted.article.get_status_display()}）。")
            return redirect("ingest:article_list")
    filterset = ArticleFilterSet(request.GET or None, queryset=Article.objects.visible_to(request.user))
    articles = list(filterset.qs.select_related("region", "uploaded_by").defer("text", "content")[:LIST_LIMIT])
    total = len(articles) if len(articles) < LIST_LIMIT else filterset.qs.count()
    context = {"form": form, "filterset": filterset, "articles": articles, "total": total,
               "may_upload": services.may_upload(request.user)}
    # The filters ask with htmx as the user types: they get the results only (as the dashboards' lists do).
    fragment = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    response = render(request, "ingest/includes/article_results.html" if fragment else "ingest/article_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def article_status(request, pk):
    article = get_object_in_scope_or_404(Article.objects.defer("text", "content"), request.user, pk=pk)
    return JsonResponse({"status": article.status, "status_label": article.get_status_display(),
                         "finished": article.is_finished, "error": article.error})


@login_required
@require_GET
def article_detail(request, pk):
    """The article page is also the review page: reviewers see the forms beside each item. Figures and rounds
    are listed REVIEW_PER_PAGE at a time (`?page=`, `?rounds_page=`); the text marks every figure, one listed on
    another page linking there."""
    article = get_object_in_scope_or_404(Article.objects.select_related("region", "uploaded_by").defer("content"),
                                         request.user, pk=pk)
    facts_page = selectors.review_page(article.facts.select_related("subject_region", "reviewed_by", "reported_figure"),
                                       request.GET.get("page"))
    rounds_page = selectors.review_page(article.rounds.select_related("organizer_region", "reviewed_by", "inspection_round"),
                                        request.GET.get("rounds_page"))
    facts, rounds = list(facts_page), list(rounds_page)
    for fact in facts:
        fact.period = services.fact_period(fact, article)  # what accepting files it under, said beside the form
        fact.rounds = services.fact_rounds(fact, article)
    marked = list(article.facts.select_related("subject_region"))  # at most INGEST_MAX_FACTS, without forms
    for index, fact in enumerate(marked):
        fact.page = index // selectors.REVIEW_PER_PAGE + 1
    figures = ReportedFigure.objects.visible_to(request.user).filter(fact__in=[fact.pk for fact in facts])
    may_review = services.may_review(request.user)
    return render(request, "ingest/article_detail.html", {
        # Facts the reader could only reject (their region is out of scope) get no accept form; regions the
        # uploader may not see flag the article (it was filed under the uploader's region all the same).
        "outside_reader": services.items_out_of_scope(article, facts, rounds, request.user) if may_review else None,
        "outside_uploader": services.items_out_of_scope(article, marked, article.rounds.select_related("organizer_region"),
                                                        article.uploaded_by)["regions"] if article.uploaded_by_id else [],
        "article": article, "facts": facts, "rounds": rounds, "facts_page": facts_page, "rounds_page": rounds_page,
        # Paging one list keeps the other's page.
        "facts_query": f"rounds_page={rounds_page.number}" if rounds_page.number > 1 else "",
        "rounds_query": f"page={facts_page.number}" if facts_page.number > 1 else "",
        "segments": segments(article.text, marked),
        "pending": article.facts.filter(review_state=ReviewState.PENDING).count() if may_review else 0,
        "comparisons": selectors.reported_vs_tracked(figures.select_related("region"), request.user),
        "may_review": may_review,
        "fact_form": FactReviewForm(), "round_form": RoundReviewForm(),
        "may_retry": services.may_upload(request.user) and article.status in services.RETRYABLE,
    })


@login_required
@require_POST
def article_retry(request, pk):
    """重新解析: a failed or stuck article goes back to the queue."""
    article = get_object_in_scope_or_404(Article.objects.defer("text", "content"), request.user, pk=pk)
    try:
        services.article_retry(article=article, user=request.user)
        messages.success(request, "已重新排队，正在解析。")
    except DomainError as exc:
        if exc.is_permission_denied:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    return redirect("ingest:article_detail", pk=article.pk)


def _review(request, item, form, run):
    if not services.may_review(request.user):
        raise PermissionDenied("只有巡察办管理员和巡察组成员可以审核抽取结果。")
    if not form.is_valid():
        problems = "；".join(f"{form.fields[f].label if f in form.fields else ''}{'，'.join(e)}" for f, e in form.errors.items())
        messages.error(request, f"审核未保存：{problems}")
    else:
        try:
            run(form.cleaned_data)
            messages.success(request, f"已审核：{item}")
        except DomainError as exc:
            if exc.is_permission_denied:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, f"审核未保存：{exc.message}")
    # Back to the item's row on its page (the page keeps its place; htmx swaps that row in place).
    anchor, param = ("fact", "page") if isinstance(item, ExtractedFact) else ("round", "rounds_page")
    return redirect(f"{reverse('ingest:article_detail', args=[item.article_id])}?{param}={selectors.review_page_of(item)}"
                    f"#{anchor}-{item.pk}")


SKIPPED_SHOWN = 10


@login_required
@require_POST
def facts_accept_rest(request, pk):
    """全部采纳: every pending figure of the article (on every page) the reviewer may accept and whose period the
    article states."""
    article = get_object_in_scope_or_404(Article.objects.defer("content"), request.user, pk=pk)
    if not services.may_review(request.user):
        raise PermissionDenied("只有巡察办管理员和巡察组成员可以审核抽取结果。")
    accepted, skipped = services.facts_accept_pending(article=article, user=request.user, request=request)
    messages.success(request, f"已采纳 {accepted} 条数据。")
    if skipped:
        shown = "；".join(skipped[:SKIPPED_SHOWN]) + ("……" if len(skipped) > SKIPPED_SHOWN else "")  # a message stays short
        messages.warning(request, f"{len(skipped)} 条未采纳，请逐条处理：{shown}")
    page = request.POST.get("page", "")  # back to the page the reviewer was on
    return redirect(reverse("ingest:article_detail", args=[article.pk]) + (f"?page={page}" if page.isdigit() else ""))


@login_required
@require_POST
def fact_review(request, pk):
    fact = get_object_in_scope_or_404(ExtractedFact, request.user, pk=pk)
    return _review(request, fact, FactReviewForm(request.POST), lambda data: services.fact_review(
        fact=fact, user=request.user, action=data["action"], value=data["value"], region=data["region"],
        period_start=data["period_start"], period_end=data["period_end"], period_rounds=data["period_rounds"],
        request=request))


@login_required
@require_POST
def round_review(request, pk):
    item = get_object_in_scope_or_404(ExtractedRound, request.user, pk=pk)
    return _review(request, item, RoundReviewForm(request.POST), lambda data: services.round_review(
        item=item, user=request.user, action=data["action"], start=data["start"], end=data["end"],
        term=data["term"], number=data["number"], request=request))
