from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.views.generic import ListView

from accounts.filters import AuditEventFilterSet
from accounts.models import AuditEvent
from accounts.roles import is_region_admin


class AuditEventListView(LoginRequiredMixin, UserPassesTestMixin, ListView):
    """审计日志: for 巡察办 admins, their region's events only, newest first, with filters."""

    template_name = "accounts/audit_list.html"
    paginate_by = 50
    raise_exception = False

    def test_func(self):
        return is_region_admin(self.request.user) and self.request.user.has_perm("accounts.view_auditevent")

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()

    def get_queryset(self):
        events = AuditEvent.objects.visible_to(self.request.user).select_related("user", "content_type", "region")
        self.filterset = AuditEventFilterSet(self.request.GET or None, queryset=events, request=self.request)
        if not self.filterset.is_bound:
            return events
        return self.filterset.qs if self.filterset.is_valid() else events.none()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        return context
