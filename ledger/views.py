"""Pages and downloads of the ledger import and export. Who may see what is decided by `visible_to`."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.roles import is_region_admin
from inspection.models import Finding, Inspection, Organization
from inspection.selectors import rounds_visible_to
from ledger import services
from ledger.forms import LedgerImportForm
from ledger.models import LedgerImport
from rectification.filters import FindingFilterSet, RectificationTaskFilterSet
from rectification.models import RectificationTask


def may_import(user) -> bool:
    """Imports change findings and tasks in bulk: only a region's 巡察办 admins may run them."""
    return is_region_admin(user)


def _admin_only(request):
    if not may_import(request.user):
        raise PermissionDenied("只有巡察办管理员可以导入整改台账。")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request, pk):
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related("round__organizer", "organization"), pk=pk
    )
    _admin_only(request)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        if services.ledger_import_is_large(file):
            record = services.ledger_import_create(inspection=inspection, file=file, user=request.user, keep_content=True)
            services.ledger_import_queue(record.pk)
        else:
            record = services.ledger_import(inspection=inspection, file=file, user=request.user)
        return redirect("ledger:import-detail", pk=record.pk)
    history = LedgerImport.objects.filter(inspection=inspection).select_related("user").defer("content")[:20]
    return render(request, "ledger/import.html", {"inspection": inspection, "form": form, "history": history})


def _visible_import(request, pk) -> LedgerImport:
    record = get_object_or_404(
        LedgerImport.objects.visible_to(request.user).select_related("inspection__organization", "user").defer("content"),
        pk=pk,
    )
    _admin_only(request)
    return record


@login_required
@require_GET
def import_detail(request, pk):
    record = _visible_import(request, pk)
    may_retry = LedgerImport.objects.filter(pk=record.pk, status__in=services.RETRYABLE, content__isnull=False).exists()
    return render(request, "ledger/import_detail.html", {"record": record, "may_retry": may_retry})


@login_required
@require_POST
def import_retry(request, pk):
    """重新导入: a failed or stuck import whose file is still stored runs again."""
    record = _visible_import(request, pk)
    try:
        services.ledger_import_retry(record=record, user=request.user)
        messages.success(request, "已重新排队，正在导入。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("ledger:import-detail", pk=record.pk)


@login_required
@require_GET
def import_progress(request, pk):
    record = _visible_import(request, pk)
    return JsonResponse({
        "status": record.status, "status_label": record.get_status_display(), "finished": record.is_finished,
        "rows_total": record.rows_total, "rows_processed": record.rows_processed,
    })


@login_required
@require_GET
def template_download(request):
    return FileResponse(services.ledger_template(), as_attachment=True, filename="整改台账导入模板.xlsx",
                        content_type=services.XLSX_CONTENT_TYPE)


def _ledger_file(request, tasks_queryset, name: str, obj=None) -> FileResponse:
    audit_record(user=request.user, action=AuditAction.EXPORT, obj=obj, request=request, details={
        "format": "xlsx", "scope": name, "filters": request.GET.dict(), "rows": tasks_queryset.count()})
    filename = f"整改台账-{name}-{timezone.localdate():%Y%m%d}.xlsx".replace("/", "-")
    return FileResponse(services.ledger_export(tasks_queryset), as_attachment=True, filename=filename,
                        content_type=services.XLSX_CONTENT_TYPE)


def _visible_tasks(request):
    return RectificationTask.objects.visible_to(request.user)


@login_required
@require_GET
def export_inspection(request, pk):
    inspection = get_object_or_404(Inspection.objects.visible_to(request.user).select_related("organization"), pk=pk)
    return _ledger_file(request, _visible_tasks(request).filter(inspection=inspection), inspection.organization.name, inspection)


@login_required
@require_GET
def export_round(request, pk):
    # A county user may export the part of a city's round that inspected their county.
    rnd = get_object_or_404(rounds_visible_to(request.user).select_related("organizer"), pk=pk)
    return _ledger_file(request, _visible_tasks(request).filter(round=rnd), str(rnd), rnd)


@login_required
@require_GET
def export_organization(request, pk):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    return _ledger_file(request, _visible_tasks(request).filter(organization=organization), organization.name, organization)


def _filter_error(filterset):
    problems = "；".join(f"{field}：{'，'.join(messages)}" for field, messages in filterset.errors.items())
    return HttpResponseBadRequest(f"筛选条件有误：{problems}", content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def export_tasks(request):
    filterset = RectificationTaskFilterSet(request.GET, queryset=_visible_tasks(request), request=request)
    if not filterset.is_valid():
        return _filter_error(filterset)
    return _ledger_file(request, filterset.qs, "筛选结果")


@login_required
@require_GET
def export_findings(request):
    """The tasks of the findings a finding-list filter shows (the finding list's “下载 xlsx”)."""
    filterset = FindingFilterSet(request.GET, queryset=Finding.objects.visible_to(request.user), request=request)
    if not filterset.is_valid():
        return _filter_error(filterset)
    return _ledger_file(request, _visible_tasks(request).filter(finding__in=filterset.qs.values("pk")), "问题筛选结果")
