"""Admin building blocks: lists, objects and choices go through the same scoping as pages and the API."""
from django.contrib.admin.utils import unquote
from django.http import Http404


class ScopedChoicesMixin:
    """Choices for related records (selects, autocompletes' validation) hold only what the user may see."""

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).all()
        return queryset.visible_to(request.user) if hasattr(queryset, "visible_to") else queryset


class ScopedAdminMixin(ScopedChoicesMixin):
    """Admin lists and objects go through the same region scoping as pages and the API.

    An object out of scope answers 404 on its change, delete and history pages, exactly like
    one that does not exist.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("对象不存在或不在您的权限范围内。")
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history reads the version without the admin's queryset: check the live object first.
        self.get_object(request, unquote(object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedInlineMixin(ScopedChoicesMixin):
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.visible_to(request.user) if hasattr(queryset, "visible_to") else queryset


class ReadOnlyAdminMixin:
    """Records only services or jobs write (decisions, snapshots): the admin shows them and nothing more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInlineMixin:
    """An inline history (timeline, decisions) shown beside its parent; its rows come from the services."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class ServiceSaveMixin:
    """Admin saves of the object and of its inline rows go through the app's services (`save_object`), so a rule
    holds in the admin as on every other door."""

    def save_object(self, obj, user):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        self.save_object(obj, request.user)

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            self.save_object(obj, request.user)
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()
