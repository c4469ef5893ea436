"""Roles: five Django groups with their permissions, and helpers that say what a user is.

A role is keyed by its code (`Role` values, `RoleGroup.code`); the group's Chinese name is for people only.

A role decides *what kind* of records and actions a user has; `core.scoping` decides
*which rows* (region, organisation, rounds). A user should have one role; when a user has
several, the narrowest applies (see `ROLE_PRECEDENCE`), so a mistake fails closed.
"""
from django.db import models, transaction
from django.db.models import Case, Subquery, Value, When

INSPECTION_MODELS = ("organization", "inspectionround", "inspectiongroup", "inspection", "finding", "lead")
RECTIFICATION_MODELS = ("rectificationtask", "deadlineextension", "followupvisit", "taskwarning")
# Read by every role (scoped like the rest); written only by the recompute jobs.
READ_ONLY_MODELS = ("ratesnapshot",)

# Permissions on RectificationTask beyond add/change/delete/view. Created by `roles_setup`
# (not in the model's Meta, so no rectification migration is needed for them).
REPORT_TASK = "report_rectificationtask"
CLOSE_TASK = "close_rectificationtask"
TASK_PERMISSIONS = {REPORT_TASK: "可填报整改进展", CLOSE_TASK: "可验收销号整改任务"}


class Role(models.TextChoices):
    REGION_ADMIN = "region_admin", "巡察办管理员"
    GROUP_MEMBER = "group_member", "巡察组成员"
    UNIT = "unit", "被巡察单位"
    VIEWER = "viewer", "查看人员"
    API_CLIENT = "api_client", "API客户端"


# Narrowest first: a user in several groups gets the first role that matches.
ROLE_PRECEDENCE = (Role.UNIT, Role.GROUP_MEMBER, Role.API_CLIENT, Role.VIEWER, Role.REGION_ADMIN)


def _perms(app, actions, models_):
    return [f"{app}.{action}_{model}" for model in models_ for action in actions]


_READ_ALL = (
    ["inspection.view_region"]
    + _perms("inspection", ["view"], INSPECTION_MODELS)
    + _perms("rectification", ["view"], RECTIFICATION_MODELS + READ_ONLY_MODELS)
)

#: role → "app_label.codename" permissions of its group
ROLE_PERMISSIONS = {
    Role.REGION_ADMIN: (
        ["inspection.view_region", "accounts.view_auditevent",
         f"rectification.{REPORT_TASK}", f"rectification.{CLOSE_TASK}",
         "api.view_apitoken", "api.add_apitoken", "api.change_apitoken"]
        + _perms("inspection", ["view", "add", "change", "delete"], INSPECTION_MODELS)
        + _perms("rectification", ["view", "add", "change", "delete"], RECTIFICATION_MODELS)
        + _perms("rectification", ["view"], READ_ONLY_MODELS)
    ),
    Role.GROUP_MEMBER: (
        _READ_ALL
        + _perms("inspection", ["add", "change"], ("finding", "lead"))
        + [f"rectification.{CLOSE_TASK}"]
    ),
    Role.UNIT: (
        _perms("inspection", ["view"], ("organization", "inspectionround", "inspection", "finding"))
        + _perms("rectification", ["view"], RECTIFICATION_MODELS + READ_ONLY_MODELS)
        + [f"rectification.{REPORT_TASK}"]
    ),
    Role.VIEWER: list(_READ_ALL),
    Role.API_CLIENT: list(_READ_ALL),
}

#: roles that may use the admin site (with is_staff); the admin shows each only what its permissions allow
ADMIN_SITE_ROLES = {Role.REGION_ADMIN, Role.GROUP_MEMBER, Role.VIEWER}


@transaction.atomic
def roles_setup() -> dict[str, int]:
    """Create or update the five groups with exactly their permissions. Safe to run again."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    task_type = ContentType.objects.get_for_model(apps.get_model("rectification", "RectificationTask"))
    for codename, name in TASK_PERMISSIONS.items():
        Permission.objects.update_or_create(content_type=task_type, codename=codename, defaults={"name": name})

    role_groups = apps.get_model("accounts", "RoleGroup").objects
    counts = {}
    for role, names in ROLE_PERMISSIONS.items():
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        link = role_groups.filter(code=role).select_related("group").first()
        group = link.group if link else role_groups.create(
            code=role, group=Group.objects.get_or_create(name=role.label)[0]).group
        group.permissions.set(permissions)
        counts[role.label] = len(permissions)
    return counts


def user_role_codes(user_id) -> set[str]:
    """The role codes of the user's groups. Every API request and page asks: one short statement, written out
    because building it through the ORM (a many-to-many join) cost more than running it."""
    from django.db import connection

    from accounts.models import RoleGroup, User

    with connection.cursor() as cursor:
        cursor.execute(f'SELECT r.code FROM "{User.groups.through._meta.db_table}" ug '
                       f'JOIN "{RoleGroup._meta.db_table}" r ON r.group_id = ug.group_id WHERE ug.user_id = %s', [user_id])
        return {code for (code,) in cursor.fetchall()}


def role_code_subquery(user_id):
    """The code of the role `user_role` gives the user `user_id` (an OuterRef), as a subquery of another query:
    the API's token lookup reads it in the same statement as the token and its user (`user_role_preset`)."""
    from accounts.models import RoleGroup

    precedence = Case(*(When(code=role.value, then=Value(rank)) for rank, role in enumerate(ROLE_PRECEDENCE)),
                      default=Value(len(ROLE_PRECEDENCE)))
    return Subquery(RoleGroup.objects.filter(group__user=user_id).order_by(precedence).values("code")[:1])


def user_role_preset(user, code: str | None) -> None:
    """Give `user` the role read by `role_code_subquery`, so `user_role` does not ask again in this request."""
    user._role_cache = Role(code) if code else None


def user_role(user) -> Role | None:
    """The user's role from their groups (cached on the user object for the request), or None."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_role_cache", False)
    if cached is not False:
        return cached
    codes = user_role_codes(user.pk)
    role = next((r for r in ROLE_PRECEDENCE if r.value in codes), None)
    user._role_cache = role
    return role


def is_region_admin(user) -> bool:
    """A 巡察办 admin of the user's region, or a superuser."""
    return bool(user and user.is_authenticated and (user.is_superuser or user_role(user) == Role.REGION_ADMIN))


def is_unit_user(user) -> bool:
    return user_role(user) == Role.UNIT and not user.is_superuser


def is_inspecting_side(user) -> bool:
    """The side that inspects and reviews (巡察办 admin or 巡察组 member), as opposed to the inspected unit."""
    return is_region_admin(user) or user_role(user) == Role.GROUP_MEMBER


def can_use_admin_site(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or user_role(user) in ADMIN_SITE_ROLES


def user_role_set(user, role: Role | None):
    """Put `user` in exactly the group of `role` (or in none). For demo data, tests and the admin."""
    from django.contrib.auth.models import Group

    user.groups.remove(*Group.objects.filter(role__isnull=False))
    if role is not None:
        user.groups.add(Group.objects.get(role__code=role))
    user._role_cache = False
