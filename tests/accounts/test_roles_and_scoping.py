"""Roles, `visible_to` per role, and the admin's scoped choices."""
import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.http import Http404
from django.test import Client
from django.urls import reverse

from accounts.roles import ROLE_PERMISSIONS, Role, is_inspecting_side, is_region_admin, is_unit_user, user_role
from core.scoping import get_object_in_scope_or_404
from inspection.models import Finding, Inspection, InspectionRound, Lead, Organization, Region
from rectification.models import DeadlineExtension, FollowUpVisit, RectificationTask, TaskWarning
from tests.factories import make_user
from tests.worlds import build_side

pytestmark = pytest.mark.django_db
SCOPED = (Organization, InspectionRound, Inspection, Finding, Lead, RectificationTask, DeadlineExtension,
          FollowUpVisit, TaskWarning)


def test_setup_roles_is_idempotent_and_gives_each_group_exactly_its_permissions(db):
    call_command("setup_roles")
    call_command("setup_roles")
    assert Group.objects.filter(role__code__in=Role.values).count() == 5
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.get(role__code=role)
        got = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert got == set(names)


def test_role_helpers(world):
    users = world.users
    assert [user_role(users[k]) for k in ("region_admin", "group_member", "unit", "viewer", "api_client")] == [
        Role.REGION_ADMIN, Role.GROUP_MEMBER, Role.UNIT, Role.VIEWER, Role.API_CLIENT]
    assert is_region_admin(users["region_admin"]) and is_region_admin(users["superuser"])
    assert not is_region_admin(users["viewer"])
    assert is_inspecting_side(users["group_member"]) and not is_inspecting_side(users["unit"])
    assert is_unit_user(users["unit"]) and not is_unit_user(users["viewer"])


def test_a_user_in_several_groups_gets_the_narrowest_role(world):
    user = world.users["unit"]
    user.groups.add(Group.objects.get(role__code=Role.REGION_ADMIN))
    user._role_cache = False
    assert user_role(user) == Role.UNIT
    assert not Lead.objects.visible_to(user).exists()


@pytest.mark.parametrize("role", ["region_admin", "viewer", "api_client"])
def test_region_roles_see_their_county_and_nothing_of_another(world, role):
    user = world.users[role]
    for model in SCOPED:
        visible = model.objects.visible_to(user)
        assert visible.exists(), model
        assert all(region == world.home.region.code for region in visible.values_list(
            f"{visible.region_path}__code", flat=True)), model


def test_a_city_admin_sees_every_county_of_the_city(world, xianning):
    city_admin = make_user("city_admin", role=Role.REGION_ADMIN, region=xianning)
    assert set(Finding.objects.visible_to(city_admin)) == {world.home.finding, world.away.finding}


def test_a_group_member_sees_only_the_rounds_of_their_groups(world):
    member = world.users["group_member"]
    other = build_side(world.home.region, "咸安丙")  # same county, a round the member is not in
    assert list(Finding.objects.visible_to(member)) == [world.home.finding]
    assert list(Lead.objects.visible_to(member)) == [world.home.lead]
    assert list(RectificationTask.objects.visible_to(member)) == [world.home.task]
    assert list(InspectionRound.objects.visible_to(member)) == [world.home.round]
    assert list(Organization.objects.visible_to(member)) == [world.home.organization]
    assert Region.objects.visible_to(member).get() == world.home.region
    with pytest.raises(Http404):
        get_object_in_scope_or_404(Finding, member, pk=other.finding.pk)
    # A second group of the same round does not repeat rows.
    world.home.round.groups.create(number=2).member_users.add(member)
    assert Finding.objects.visible_to(member).count() == 1


def test_a_unit_user_sees_only_its_organisation_and_never_leads(world):
    unit = world.users["unit"]
    sibling = build_side(world.home.region, "咸安丁")  # another unit in the same county
    assert list(RectificationTask.objects.visible_to(unit)) == [world.home.task]
    assert list(Finding.objects.visible_to(unit)) == [world.home.finding]
    assert list(TaskWarning.objects.visible_to(unit)) == [world.home.warning]
    assert not Lead.objects.visible_to(unit).exists()
    with pytest.raises(Http404):
        get_object_in_scope_or_404(RectificationTask.objects.all(), unit, pk=sibling.task.pk)
    assert get_object_in_scope_or_404(RectificationTask, unit, pk=world.home.task.pk) == world.home.task


def test_users_without_a_role_or_region_see_nothing(world):
    no_role = make_user("no_role", region=world.home.region)
    no_region = make_user("no_region", role=Role.VIEWER)
    inactive = world.users["viewer"]
    inactive.is_active = False
    for user in (no_role, no_region, inactive):
        assert not any(model.objects.visible_to(user).exists() for model in SCOPED)


def test_a_unit_users_organisation_must_lie_in_their_region(world):
    from django.core.exceptions import ValidationError

    unit = world.users["unit"]
    unit.organization = world.away.organization
    with pytest.raises(ValidationError):
        unit.full_clean()


def test_unit_and_api_users_never_enter_the_admin_even_as_staff(world):
    for key in ("unit", "api_client"):
        user = world.users[key]
        user.is_staff = True
        user.save()
        client = Client()
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login/")


def test_admin_choices_and_autocomplete_are_scoped(world):
    client = Client()
    client.force_login(world.users["region_admin"])
    # Autocomplete offers only the county's inspections.
    response = client.get("/admin/autocomplete/", {"app_label": "inspection", "model_name": "finding",
                                                   "field_name": "inspection", "term": ""})
    ids = {int(row["id"]) for row in response.json()["results"]}
    assert ids == {world.home.inspection.pk}
    # Posting another county's inspection is refused as an invalid choice; nothing is written.
    response = client.post(reverse("admin:inspection_finding_add"), {
        "inspection": world.away.inspection.pk, "number": "9", "category": "integrity", "severity": "general",
        "description": "越权录入", "tasks-TOTAL_FORMS": "0", "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "0", "tasks-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200 and not Finding.objects.filter(description="越权录入").exists()
    # A round's organiser can only be the admin's own region (or below).
    page = client.get(reverse("admin:inspection_organization_add")).content.decode()
    assert "通城县" not in page
    response = client.get("/admin/autocomplete/", {"app_label": "inspection", "model_name": "inspectionround",
                                                   "field_name": "organizer", "term": "通城"})
    assert response.json()["results"] == []


def test_group_member_can_be_picked_only_from_the_admins_region(world):
    client = Client()
    client.force_login(world.users["region_admin"])
    page = client.get(reverse("admin:inspection_inspectionround_change", args=[world.home.round.pk])).content.decode()
    assert "group_member" in page and "away_viewer" not in page


def test_history_of_an_out_of_scope_object_is_404(world):
    client = Client()
    client.force_login(world.users["region_admin"])
    record = world.away.finding.history.first()
    url = f"/admin/inspection/finding/{world.away.finding.pk}/history/{record.history_id}/"
    assert client.get(url).status_code == 404
    home = world.home.finding.history.first()
    assert client.get(f"/admin/inspection/finding/{world.home.finding.pk}/history/{home.history_id}/").status_code == 200


def test_demo_logins_have_their_roles(regions):
    from accounts.demo import demo_users_create
    from accounts.models import User
    from inspection.demo import demo_build

    demo_build(seed=3, tasks=600, today=dt.date(2026, 6, 30))
    demo_users_create()
    users = {u.username: u for u in User.objects.all()}
    assert users["admin"].is_superuser and user_role(users["xianan"]) == Role.VIEWER
    assert user_role(users["xianan-unit"]) == Role.UNIT and users["xianan-unit"].organization is not None
    assert RectificationTask.objects.visible_to(users["xianan-unit"]).exists()
    assert Finding.objects.visible_to(users["xianan-group"]).exists()
    assert not Finding.objects.visible_to(users["xianan"]).exclude(inspection__organization__region__code="421202").exists()


def test_the_admin_shows_extensions_read_only(world):
    """延期 are decided on the pages and the API, where the rules hold: the admin has no add, delete or approve."""
    url = reverse("admin:rectification_deadlineextension_changelist")
    client = Client()
    client.force_login(world.users["region_admin"])
    response = client.post(url, {"action": "approve", "_selected_action": [world.home.extension.pk]})
    world.home.extension.refresh_from_db()
    assert world.home.extension.status == "pending"
    change = client.get(reverse("admin:rectification_deadlineextension_change", args=[world.home.extension.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_one_user_scope_feeds_visibility_cache_keys_and_home_figures(xianan):
    """`user_scope` decides once; `visible_to`, `visibility_key` and the dashboards' home scope all read it."""
    from core.scoping import UserScope, user_scope, visibility_key
    from dashboard.selectors import home_scope
    from tests.factories import make_organization, make_user

    unit = make_organization(xianan)
    users = {
        "admin": make_user("s-admin", role=Role.REGION_ADMIN, region=xianan),
        "member": make_user("s-member", role=Role.GROUP_MEMBER, region=xianan),
        "unit": make_user("s-unit", role=Role.UNIT, region=xianan, organization=unit),
        "nobody": make_user("s-nobody", region=xianan),
    }
    kinds = {name: user_scope(user).kind for name, user in users.items()}
    assert kinds == {"admin": UserScope.REGION, "member": UserScope.ROUNDS, "unit": UserScope.ORGANIZATION,
                     "nobody": UserScope.NOTHING}
    assert visibility_key(users["unit"]) == (users["unit"].pk, UserScope.ORGANIZATION, None, unit.pk, None)
    assert "organization_id" in str(home_scope(users["unit"])) and str(unit.pk) in str(home_scope(users["unit"]))
    users["admin"].is_active = False
    assert user_scope(users["admin"]).kind == UserScope.NOTHING


def test_renaming_a_role_group_keeps_everyone_s_role(world):
    """Roles are keyed by code: the group's Chinese name is only a label."""
    group = Group.objects.get(role__code=Role.VIEWER)
    group.name = "只读人员"
    group.save()
    call_command("setup_roles")  # leaves the new name alone
    user = world.users["viewer"]
    user._role_cache = False
    assert user_role(user) == Role.VIEWER and Group.objects.get(role__code=Role.VIEWER).name == "只读人员"


def test_the_data_migration_gives_existing_groups_their_codes(db):
    """Databases from before role codes: groups named by the Chinese labels become the role groups."""
    import importlib

    from django.apps import apps

    from accounts.models import RoleGroup

    migration = importlib.import_module("accounts.migrations.0004_role_group")
    RoleGroup.objects.all().delete()
    migration.link_existing_groups(apps, None)
    assert dict(RoleGroup.objects.values_list("code", "group__name")) == {role.value: role.label for role in Role}


def test_a_region_subquery_is_compiled_once_and_selects_what_the_orm_would(world, xianning):
    """`in_region` filters by `regions_under(prefix)`, SQL compiled once a process and prefix: the same rows as
    the ORM's own subquery on the code prefix, for every scoped model, and no ordering inside the subquery."""
    from core import scoping

    for region in (world.home.region, xianning):
        prefix = scoping.region_prefix(region)
        subquery = scoping.regions_under(prefix)
        assert subquery.sql == scoping.regions_under(prefix).sql and "ORDER BY" not in subquery.sql
        ids = Region.objects.filter(code__startswith=prefix).values("pk")
        for model in SCOPED:
            path = model.objects.none().region_path
            expected = set(model.objects.filter(**{f"{path}__in": ids}).values_list("pk", flat=True))
            assert set(model.objects.in_region(region).values_list("pk", flat=True)) == expected
        assert RectificationTask.objects.in_region(region).exists()
    assert scoping._region_subqueries[("default", scoping.region_prefix(xianning))] is not None
