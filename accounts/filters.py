import django_filters
from django.contrib.contenttypes.models import ContentType

from accounts.choices import AuditAction
from accounts.models import AuditEvent, User
from core.filters import FilterSet

AUDITED_MODELS = (
    ("inspection", "finding"), ("inspection", "lead"), ("rectification", "rectificationtask"),
    ("rectification", "deadlineextension"), ("rectification", "taskwarning"),
)


class AuditEventFilterSet(FilterSet):
    """Filters of the audit page. Construct with `request` so the user choices are scoped."""

    user = django_filters.ModelChoiceFilter(label="用户", queryset=lambda request: User.objects.visible_to(request.user))
    action = django_filters.ChoiceFilter(label="操作", choices=AuditAction.choices)
    content_type = django_filters.ModelChoiceFilter(
        label="对象类型",
        queryset=lambda request: ContentType.objects.filter(
            pk__in=[ContentType.objects.get_by_natural_key(*key).pk for key in AUDITED_MODELS]
        ),
    )
    object_id = django_filters.CharFilter(label="对象编号")
    since = django_filters.DateFilter(label="开始日期", field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label="结束日期", field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEvent
        fields = ["user", "action", "content_type", "object_id", "since", "until"]
