"""API tokens in the admin: a region admin issues (the key is shown once) and revokes tokens of their region."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from accounts.models import User
from api import services
from api.models import ApiToken
from core.admin import ScopedAdminMixin
from core.errors import DomainError


class ApiTokenIssueForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "user"]


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = ApiTokenIssueForm
    list_display = ("name", "key_prefix", "user", "created_at", "created_by", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "key_prefix")
    list_select_related = ("user", "created_by")
    readonly_fields = ("key_prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by")
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["name", "user"] if obj is None else ["name", "user", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else ("name", "user", *self.readonly_fields)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":  # only active, non-superuser accounts the admin may see
            kwargs["queryset"] = User.objects.visible_to(request.user).filter(is_active=True, is_superuser=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # admins revoke instead, so the audit trail keeps its token

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied("令牌签发后不能修改，请吊销后重新签发。")
        try:
            token, key = services.token_issue(user=obj.user, name=obj.name, issuer=request.user)
        except DomainError as error:
            raise PermissionDenied(error.message) from error
        # The admin logs and redirects to `obj`: make it the saved token.
        obj.pk, obj.key_prefix, obj.created_at, obj._state.adding = token.pk, token.key_prefix, token.created_at, False
        messages.warning(request, f"新令牌（只显示这一次，请立即复制并妥善保存）：{key}")

    @admin.action(description="吊销所选令牌", permissions=["change"])
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.select_related("user"):
            try:
                services.token_revoke(token=token, revoker=request.user)
                count += 1
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
        self.message_user(request, f"已吊销 {count} 个令牌。", messages.SUCCESS)
