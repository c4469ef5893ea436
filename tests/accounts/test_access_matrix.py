"""Every role × every page and endpoint × an object in scope (咸安区, "home") and one out of scope (通城县, "away").

HOW TO ADD YOUR PAGES AND ENDPOINTS: append `Route`s to `ROUTES` below (the block marked
"ROUTES"). A route builds its URL from the `world` fixture (`tests/accounts/conftest.py`) and
a side, "home" or "away", and says per role what must happen on each side:

- `OK`        200 (or, for a POST, a redirect that is not to a login page)
- `DENIED`    403, or a redirect to a login page (anonymous users, the admin for non-admin roles)
- `NOT_FOUND` 404: an object out of scope answers exactly like one that does not exist
- `SHOWN` / `HIDDEN` (list pages and list endpoints): 200, and the side's `marker` text is / is not in the body

Roles are the keys of `ROLES`; a role missing from `expect` gets `default`. Out of scope is the
normal case: write `expect` for what each role may do with the home object, and the away
object must then be NOT_FOUND/HIDDEN (DENIED where the whole page is refused).
"""
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

OK, DENIED, NOT_FOUND, SHOWN, HIDDEN = "ok", "denied", "404", "shown", "hidden"
ROLES = ("anonymous", "region_admin", "group_member", "unit", "viewer", "api_client", "superuser")
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


@dataclass(frozen=True)
class Route:
    name: str
    url: Callable  # (world, side) -> str
    expect: dict  # role -> (home outcome, away outcome)
    default: tuple = (DENIED, DENIED)
    method: str = "get"
    data: Callable | None = None  # (world, side) -> POST data
    marker: Callable | None = None  # (world, side) -> text that identifies the side's object in a list
    roles: tuple = field(default=ROLES)

    def outcome(self, role):
        return self.expect.get(role, self.default)


# ----- admin: every registered model, its changelist, add, change, history and delete pages --------------
def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# The model's object on each side (None: a model with no region, managed by superusers only).
ADMIN_OBJECTS = {
    "inspection.region": lambda w, s: w.side(s).region,
    "inspection.organization": lambda w, s: w.side(s).organization,
    "inspection.inspectionround": lambda w, s: w.side(s).round,
    "inspection.inspection": lambda w, s: w.side(s).inspection,
    "inspection.finding": lambda w, s: w.side(s).finding,
    "inspection.lead": lambda w, s: w.side(s).lead,
    "rectification.rectificationtask": lambda w, s: w.side(s).task,
    "rectification.deadlineextension": lambda w, s: w.side(s).extension,
    "rectification.taskwarning": lambda w, s: w.side(s).warning,
    "rectification.followupvisit": lambda w, s: w.side(s).visit,
    "rectification.ratesnapshot": lambda w, s: rate_snapshot(w, s),
    "accounts.user": lambda w, s: w.users["viewer" if s == "home" else "away_viewer"],
    "api.apitoken": lambda w, s: api_token(w, s),
}
SCOPED_DATA_MODELS = set(ADMIN_OBJECTS) - {"inspection.region", "accounts.user", "api.apitoken"}
# Shown to every admin role, added, changed or deleted by no one (written by jobs).
# 延期 are requested and decided on the pages and the API (the rules hold there); the admin only shows them.
READ_ONLY_MODELS = {"rectification.ratesnapshot", "rectification.deadlineextension"}
# What each admin role may do in the admin, by model (independent of accounts.roles on purpose).
ADMIN_RIGHTS = {
    "region_admin": {"view": SCOPED_DATA_MODELS | {"inspection.region", "api.apitoken"},
                     "add": (SCOPED_DATA_MODELS - READ_ONLY_MODELS) | {"api.apitoken"},
                     "delete": SCOPED_DATA_MODELS - READ_ONLY_MODELS},
    "group_member": {"view": SCOPED_DATA_MODELS | {"inspection.region"}, "add": {"inspection.finding", "inspection.lead"},
                     "delete": set()},
    "viewer": {"view": SCOPED_DATA_MODELS | {"inspection.region"}, "add": set(), "delete": set()},
}


def api_token(world, side):
    """An API token of the side's viewer (made on first use; tokens are revoked, never deleted, except by superusers)."""
    from api.models import ApiToken
    from api.services import token_issue

    user = world.users["viewer" if side == "home" else "away_viewer"]
    return ApiToken.objects.filter(user=user).first() or token_issue(user=user, name=f"{side} 客户端")[0]


def rate_snapshot(world, side):
    """The side's round × organisation snapshot (made on first use, so the shared world holds no snapshots)."""
    from rectification.models import RateSnapshot

    side = world.side(side)
    snapshot, _ = RateSnapshot.objects.get_or_create(
        scope_key=f"round_organization:{side.round.pk}:{side.organization.pk}", day=dt.date(2026, 6, 30),
        defaults={"scope": "round_organization", "region": side.region, "round": side.round,
                  "organization": side.organization, "tasks_total": 1},
    )
    return snapshot


# Home objects a role with admin rights still may not see (a group member sees no user accounts).
HIDDEN_AT_HOME = {("group_member", "accounts.user"), ("group_member", "api.apitoken")}


def admin_expectations(label, view):
    expect = {}
    for role in ROLES:
        if role == "superuser":
            expect[role] = (DENIED, DENIED) if label in READ_ONLY_MODELS and view in ("add", "delete") else (OK, OK)
        elif role not in ADMIN_RIGHTS:  # anonymous, unit, api_client: the admin is refused outright
            expect[role] = (DENIED, DENIED)
        else:
            rights = ADMIN_RIGHTS[role]
            allowed = label in rights["view"] if view in ("changelist", "change", "history") else label in rights[view]
            if view in ("changelist", "add"):
                expect[role] = (OK, OK) if allowed else (DENIED, DENIED)
            elif (role, label) in HIDDEN_AT_HOME:
                expect[role] = (NOT_FOUND, NOT_FOUND)
            else:  # an object page: out of scope is 404 before any permission is looked at
                expect[role] = (OK if allowed else DENIED, NOT_FOUND)
    return expect


def admin_routes():
    routes = []
    for model in admin.site._registry:
        label = model._meta.label_lower
        changelist = _admin_url(model, "changelist")
        obj = ADMIN_OBJECTS.get(label)
        # Regions are thousands (paginated): their scoping is checked on the change pages.
        listed = obj is not None and label != "inspection.region"
        routes.append(Route(
            # (the objects are made first: an API token only exists once asked for)
            f"admin {label} changelist", lambda w, s, url=changelist, o=obj: (o and o(w, s), url)[1],
            _mark_lists(admin_expectations(label, "changelist")) if listed else admin_expectations(label, "changelist"),
            marker=(lambda w, s, m=model, o=obj: _admin_url(m, "change", o(w, s).pk)) if listed else None,
        ))
        if obj is not None:
            routes.append(Route(f"admin {label} add", lambda w, s, m=model: _admin_url(m, "add"),
                                admin_expectations(label, "add")))
            for view in ("change", "history", "delete"):
                routes.append(Route(f"admin {label} {view}", lambda w, s, m=model, o=obj, v=view: _admin_url(m, v, o(w, s).pk),
                                    admin_expectations(label, view)))
    return routes


def _mark_lists(expect):
    """For list routes: an allowed role sees the home marker and not the away one (a superuser sees both)."""
    return {role: (SHOWN, SHOWN if role == "superuser" else HIDDEN) if home == OK else (home, away)
            for role, (home, away) in expect.items()}


# ----- REST API: every list (home shown, away hidden) and detail (away 404); writes for region admins ---------
API_OBJECTS = {
    "regions": lambda w, s: w.side(s).region, "organizations": lambda w, s: w.side(s).organization,
    "rounds": lambda w, s: w.side(s).round, "groups": lambda w, s: w.side(s).group,
    "inspections": lambda w, s: w.side(s).inspection, "findings": lambda w, s: w.side(s).finding,
    "leads": lambda w, s: w.side(s).lead, "tasks": lambda w, s: w.side(s).task,
    "extensions": lambda w, s: w.side(s).extension, "follow-ups": lambda w, s: w.side(s).visit,
    "warnings": lambda w, s: w.side(s).warning, "evidence": lambda w, s: w.side(s).evidence,
}
API_HIDDEN_FROM_UNITS = {"regions", "groups", "leads"}  # reference data of the inspecting side, leads


def _api_key(endpoint, obj):
    return obj.code if endpoint == "regions" else obj.pk


def api_routes():
    routes = []
    for endpoint, obj in API_OBJECTS.items():
        readers = dict.fromkeys(("region_admin", "group_member", "unit", "viewer", "api_client"), (OK, NOT_FOUND))
        readers["superuser"] = (OK, OK)
        if endpoint in API_HIDDEN_FROM_UNITS:
            readers["unit"] = (NOT_FOUND, NOT_FOUND)
        field = "code" if endpoint == "regions" else "id"
        lists = _mark_lists({role: (OK, OK) for role in readers if readers[role][0] == OK})
        if endpoint in API_HIDDEN_FROM_UNITS:
            lists["unit"] = (HIDDEN, HIDDEN)
        # regions: the city of both counties (a superuser's unfiltered first page is elsewhere in the country)
        query = "?region=421200&page_size=1000" if endpoint == "regions" else ""
        routes.append(Route(
            f"api {endpoint} list", lambda w, s, e=endpoint, q=query: f"/api/v1/{e}/{q}", lists,
            marker=lambda w, s, e=endpoint, o=obj, f=field: f'"{f}":' + (
                f'"{o(w, s).code}"' if f == "code" else f"{o(w, s).pk},"),
        ))
        routes.append(Route(f"api {endpoint} detail",
                            lambda w, s, e=endpoint, o=obj: f"/api/v1/{e}/{_api_key(e, o(w, s))}/", readers))
    routes.append(Route("api rates", lambda w, s: "/api/v1/rates/",
                        {role: (OK, OK) for role in ROLES if role != "anonymous"}))
    routes.append(Route("api tasks csv export", lambda w, s: "/api/v1/tasks/?format=csv",
                        _mark_lists({role: (OK, OK) for role in ROLES if role != "anonymous"}),
                        marker=lambda w, s: w.side(s).task.responsible_unit))
    for name, url in (("api schema", "/api/schema/"), ("api swagger ui", "/api/schema/swagger/"),
                      ("api redoc", "/api/schema/redoc/")):
        routes.append(Route(name, lambda w, s, u=url: u, {role: (OK, OK) for role in ROLES if role != "anonymous"}))
    readers = {**dict.fromkeys(("region_admin", "group_member", "unit", "viewer", "api_client"), (OK, NOT_FOUND)),
               "superuser": (OK, OK)}
    routes.append(Route("api task timeline", lambda w, s: f"/api/v1/tasks/{w.side(s).task.pk}/timeline/", readers))
    routes.append(Route("api evidence download", lambda w, s: f"/api/v1/evidence/{w.side(s).evidence.pk}/download/",
                        readers))
    deciders = {"region_admin": (OK, NOT_FOUND), "group_member": (OK, NOT_FOUND), "superuser": (OK, OK),
                **dict.fromkeys(("unit", "viewer", "api_client"), (DENIED, NOT_FOUND))}
    for decision in ("approve", "reject"):
        routes.append(Route(f"api extension {decision}",
                            lambda w, s, d=decision: f"/api/v1/extensions/{w.side(s).extension.pk}/{d}/",
                            deciders, method="post", data=lambda w, s: {"opinion": "同意"}))
    routes.append(Route("api extension request", lambda w, s: f"/api/v1/tasks/{w.side(s).task.pk}/extension/",
                        {"region_admin": (OK, NOT_FOUND), "unit": (OK, NOT_FOUND), "superuser": (OK, OK),
                         **dict.fromkeys(("group_member", "viewer", "api_client"), (DENIED, NOT_FOUND))},
                        method="post", data=lambda w, s: {"reason": "需协调", "new_deadline": _in_days(60)}))
    routes.append(Route("api task send back", lambda w, s: f"/api/v1/tasks/{w.side(s).task.pk}/send-back/",
                        deciders, method="post", data=lambda w, s: {"opinion": "佐证不足"}))
    return routes


def _in_days(days):
    from django.utils import timezone

    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


# ===== ROUTES: add your pages and endpoints here =======================================================
SCOPED_READERS = dict.fromkeys(("region_admin", "group_member", "unit", "viewer", "api_client"), (OK, NOT_FOUND))
SCOPED_READERS["superuser"] = (OK, OK)

# ingest: articles are read by every reading role of the region except units; uploads by the inspecting side
# and API clients; reviews by the inspecting side only.
INGEST_READERS = {**SCOPED_READERS, "unit": (NOT_FOUND, NOT_FOUND)}
INGEST_LISTS = {**_mark_lists(SCOPED_READERS), "unit": (HIDDEN, HIDDEN)}
INGEST_UPLOADERS = dict.fromkeys(("region_admin", "group_member", "api_client", "superuser"), (OK, OK))
INGEST_REVIEWERS = {"region_admin": (OK, NOT_FOUND), "group_member": (OK, NOT_FOUND), "superuser": (OK, OK),
                    "viewer": (DENIED, NOT_FOUND), "api_client": (DENIED, NOT_FOUND), "unit": (NOT_FOUND, NOT_FOUND)}


def _article_file(w, s):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("上传.txt", f"{w.side(s).label}委巡察组发现问题7个。".encode())


INGEST_ROUTES = [
    Route("ingest article list", lambda w, s: reverse("ingest:article_list"), INGEST_LISTS,
          marker=lambda w, s: reverse("ingest:article_detail", args=[w.side(s).article.pk])),
    Route("ingest article page", lambda w, s: reverse("ingest:article_detail", args=[w.side(s).article.pk]),
          INGEST_READERS),
    Route("ingest article status", lambda w, s: reverse("ingest:article_status", args=[w.side(s).article.pk]),
          INGEST_READERS),
    Route("ingest upload", lambda w, s: reverse("ingest:article_list"), INGEST_UPLOADERS, method="post",
          data=lambda w, s: {"files": [_article_file(w, s)]}),
    Route("ingest fact review", lambda w, s: reverse("ingest:fact_review", args=[w.side(s).fact.pk]), INGEST_REVIEWERS,
          method="post", data=lambda w, s: {"action": "accept"}),
    Route("ingest accept the rest", lambda w, s: reverse("ingest:facts_accept_rest", args=[w.side(s).article.pk]),
          INGEST_REVIEWERS, method="post", data=lambda w, s: {}),
    Route("ingest round review", lambda w, s: reverse("ingest:round_review", args=[w.side(s).extracted_round.pk]),
          INGEST_REVIEWERS, method="post", data=lambda w, s: {"action": "accept", "term": 14, "number": 99}),
    Route("ingest article retry", lambda w, s: reverse("ingest:article_retry", args=[w.side(s).article.pk]),
          {**INGEST_REVIEWERS, "api_client": (OK, NOT_FOUND)}, method="post", data=lambda w, s: {}),
    Route("api articles", lambda w, s: "/api/v1/articles/", INGEST_LISTS,
          marker=lambda w, s: w.side(s).article.title),
    Route("api article", lambda w, s: f"/api/v1/articles/{w.side(s).article.pk}/", INGEST_READERS),
    Route("api article facts", lambda w, s: f"/api/v1/articles/{w.side(s).article.pk}/facts/", INGEST_READERS),
    Route("api article rounds", lambda w, s: f"/api/v1/articles/{w.side(s).article.pk}/rounds/", INGEST_READERS),
    Route("api article create", lambda w, s: "/api/v1/articles/", INGEST_UPLOADERS, method="post",
          data=lambda w, s: {"file": _article_file(w, s)}),
    Route("api reported figures", lambda w, s: "/api/v1/reported-figures/", INGEST_LISTS,
          marker=lambda w, s: f'"region":"{w.side(s).region.code}"'),
    Route("api reported figure", lambda w, s: f"/api/v1/reported-figures/{w.side(s).figure.pk}/", INGEST_READERS),
]

# an import record: its region's admins; group members do not see imports (not tied to their rounds)
LEDGER_IMPORT_RECORD = {"region_admin": (OK, NOT_FOUND), "superuser": (OK, OK), "group_member": (NOT_FOUND, NOT_FOUND),
                        **dict.fromkeys(("unit", "viewer", "api_client"), (DENIED, NOT_FOUND))}
# notices: everyone reads their own notices; the 督办文书 are for region admins, of objects in their scope
EVERY_ROLE = dict.fromkeys(("region_admin", "group_member", "unit", "viewer", "api_client", "superuser"), (OK, OK))
DOCUMENT_ISSUERS = {"region_admin": (OK, NOT_FOUND), "superuser": (OK, OK),
                    **dict.fromkeys(("group_member", "unit", "viewer", "api_client"), (DENIED, NOT_FOUND))}
NOTICE_ROUTES = [
    Route("notices", lambda w, s: reverse("notices:list"), EVERY_ROLE),
    Route("notices mark read", lambda w, s: reverse("notices:mark_read"), EVERY_ROLE, method="post",
          data=lambda w, s: {"all": "1"}),
    Route("notices email setting", lambda w, s: reverse("notices:preference"), EVERY_ROLE, method="post",
          data=lambda w, s: {"email_mode": "digest"}),
    Route("documents", lambda w, s: reverse("notices:documents"),
          {"region_admin": (OK, OK), "superuser": (OK, OK)}),
    Route("document of tasks", lambda w, s: f"{reverse('notices:document_tasks')}?kind=supervision&task={w.side(s).task.pk}",
          DOCUMENT_ISSUERS),
    Route("document of a unit", lambda w, s: f"{reverse('notices:document_tasks')}?kind=supervision"
                                             f"&organization={w.side(s).organization.pk}", DOCUMENT_ISSUERS),
    Route("document of a warning", lambda w, s: reverse("notices:document_warning", args=[w.side(s).warning.pk]),
          DOCUMENT_ISSUERS),
    Route("document of an inspection", lambda w, s: reverse("notices:document_feedback", args=[w.side(s).inspection.pk]),
          DOCUMENT_ISSUERS),
]

ROUTES = [
    Route("login page", lambda w, s: reverse("accounts:login"), {"anonymous": (OK, OK)},
          default=(OK, OK)),  # authenticated users are sent on (302), checked in test_login_page
    Route("audit log", lambda w, s: reverse("accounts:audit_list"),
          _mark_lists({"region_admin": (OK, OK), "superuser": (OK, OK)}),
          marker=lambda w, s: w.side(s).finding.description),
    # 后台工作: operators see their region's waiting and failed work (the world's failed import, its file stored)
    Route("waiting work", lambda w, s: reverse("dashboard:waiting_work"),
          _mark_lists({"region_admin": (OK, OK), "superuser": (OK, OK)}),
          marker=lambda w, s: reverse("ledger:import-detail", args=[w.side(s).ledger_import.pk])),
    # 待办: the overdue task for reviewers (逾期督办), the task to report for the unit; nothing for read-only roles
    Route("my open tasks", lambda w, s: reverse("rectification:task_list_mine"),
          {**_mark_lists(dict.fromkeys(("region_admin", "group_member", "unit", "superuser"), (OK, OK))),
           "viewer": (HIDDEN, HIDDEN), "api_client": (HIDDEN, HIDDEN)},
          marker=lambda w, s: reverse("rectification:task_progress", args=[w.side(s).task.pk])),
    Route("task progress page", lambda w, s: reverse("rectification:task_progress", args=[w.side(s).task.pk]),
          dict(SCOPED_READERS)),
    # POSTs change data: they run after every GET of the same role.
    Route("task progress report", lambda w, s: reverse("rectification:task_progress", args=[w.side(s).task.pk]),
          {"region_admin": (OK, NOT_FOUND), "unit": (OK, NOT_FOUND), "superuser": (OK, OK),
           "group_member": (DENIED, NOT_FOUND), "viewer": (DENIED, NOT_FOUND), "api_client": (DENIED, NOT_FOUND)},
          method="post", data=lambda w, s: {"status": "reported", "evidence": "会议纪要", "progress_note": "已完成"}),
    Route("task close", lambda w, s: reverse("rectification:task_close", args=[w.side(s).task.pk]),
          {"region_admin": (OK, NOT_FOUND), "group_member": (OK, NOT_FOUND), "superuser": (OK, OK),
           "unit": (DENIED, NOT_FOUND), "viewer": (DENIED, NOT_FOUND), "api_client": (DENIED, NOT_FOUND)},
          method="post", data=lambda w, s: {"outcome": "pass", "opinion": "整改到位", "closed_on": _in_days(0)}),
    Route("task send back", lambda w, s: reverse("rectification:task_close", args=[w.side(s).task.pk]),
          {"region_admin": (OK, NOT_FOUND), "group_member": (OK, NOT_FOUND), "superuser": (OK, OK),
           "unit": (DENIED, NOT_FOUND), "viewer": (DENIED, NOT_FOUND), "api_client": (DENIED, NOT_FOUND)},
          method="post", data=lambda w, s: {"outcome": "send_back", "opinion": "佐证不足"}),
    Route("extension requests page", lambda w, s: reverse("rectification:extension_list"),
          _mark_lists({"region_admin": (OK, OK), "group_member": (OK, OK), "superuser": (OK, OK)}),
          marker=lambda w, s: w.side(s).extension.reason),
    Route("evidence download", lambda w, s: reverse("rectification:evidence_download", args=[w.side(s).evidence.pk]),
          dict(SCOPED_READERS)),
    Route("extension request", lambda w, s: reverse("rectification:extension_request", args=[w.side(s).task.pk]),
          {"region_admin": (OK, NOT_FOUND), "unit": (OK, NOT_FOUND), "superuser": (OK, OK),
           **dict.fromkeys(("group_member", "viewer", "api_client"), (DENIED, NOT_FOUND))},
          method="post", data=lambda w, s: {"reason": "需协调", "new_deadline": _in_days(60)}),
    Route("extension decision", lambda w, s: reverse("rectification:extension_decide", args=[w.side(s).extension.pk]),
          {"region_admin": (OK, NOT_FOUND), "group_member": (OK, NOT_FOUND), "superuser": (OK, OK),
           **dict.fromkeys(("unit", "viewer", "api_client"), (DENIED, DENIED))},
          method="post", data=lambda w, s: {"decision": "approve", "opinion": "同意"}),
    # ledger: import only by the region's admin; exports for every reader, of what they may see
    Route("ledger import page", lambda w, s: reverse("ledger:import", args=[w.side(s).inspection.pk]),
          {"region_admin": (OK, NOT_FOUND), "superuser": (OK, OK),
           **dict.fromkeys(("group_member", "unit", "viewer", "api_client"), (DENIED, NOT_FOUND))}),
    Route("ledger import result", lambda w, s: reverse("ledger:import-detail", args=[w.side(s).ledger_import.pk]),
          LEDGER_IMPORT_RECORD),
    Route("ledger import retry", lambda w, s: reverse("ledger:import-retry", args=[w.side(s).ledger_import.pk]),
          LEDGER_IMPORT_RECORD,
          method="post", data=lambda w, s: {}),
    Route("ledger export of an inspection", lambda w, s: reverse("ledger:export-inspection", args=[w.side(s).inspection.pk]),
          dict(SCOPED_READERS)),
    Route("ledger export of a round", lambda w, s: reverse("ledger:export-round", args=[w.side(s).round.pk]),
          dict(SCOPED_READERS)),
    Route("ledger export of an organisation",
          lambda w, s: reverse("ledger:export-organization", args=[w.side(s).organization.pk]), dict(SCOPED_READERS)),
    Route("ledger template", lambda w, s: reverse("ledger:template"), dict.fromkeys(SCOPED_READERS, (OK, OK))),
    # dashboards: every reader sees their own scope; objects out of scope are 404, lists hide them
    Route("overview", lambda w, s: reverse("dashboard:overview"),
          _mark_lists(dict.fromkeys(SCOPED_READERS, (OK, OK))), marker=lambda w, s: w.side(s).organization.name),
    Route("round page", lambda w, s: reverse("dashboard:round_detail", args=[w.side(s).round.pk]), dict(SCOPED_READERS)),
    Route("organisation page", lambda w, s: reverse("dashboard:organization_detail", args=[w.side(s).organization.pk]),
          dict(SCOPED_READERS)),
    # regions are not a unit user's business: they see their own organisation only
    Route("region page", lambda w, s: reverse("dashboard:region_detail", args=[w.side(s).region.code]),
          {**SCOPED_READERS, "unit": (NOT_FOUND, NOT_FOUND)}),
    Route("task list", lambda w, s: reverse("dashboard:task_list"),
          _mark_lists(dict.fromkeys(SCOPED_READERS, (OK, OK))), marker=lambda w, s: w.side(s).finding.description),
    Route("finding list", lambda w, s: reverse("dashboard:finding_list"),
          _mark_lists(dict.fromkeys(SCOPED_READERS, (OK, OK))), marker=lambda w, s: w.side(s).finding.description),
    Route("warning list", lambda w, s: reverse("dashboard:warning_list"),
          _mark_lists(dict.fromkeys(SCOPED_READERS, (OK, OK))), marker=lambda w, s: w.side(s).warning.reason),
    Route("organisation lookup", lambda w, s: reverse("dashboard:lookup", args=["organizations"]) + "?q=",
          _mark_lists(dict.fromkeys(SCOPED_READERS, (OK, OK))), marker=lambda w, s: f'"value": {w.side(s).organization.pk},'),
    Route("round lookup", lambda w, s: reverse("dashboard:lookup", args=["rounds"]) + "?q=",
          _mark_lists(dict.fromkeys(SCOPED_READERS, (OK, OK))), marker=lambda w, s: f'"value": {w.side(s).round.pk},'),
    Route("region cascade", lambda w, s: reverse("dashboard:region_levels") + f"?region={w.side(s).region.code}",
          {**_mark_lists(dict.fromkeys(SCOPED_READERS, (OK, OK))), "unit": (HIDDEN, HIDDEN)},
          marker=lambda w, s: f'"value": "{w.side(s).region.code}"'),
    Route("ledger export of a finding filter", lambda w, s: reverse("ledger:export-findings"),
          dict.fromkeys(SCOPED_READERS, (OK, OK))),
    *INGEST_ROUTES,
    *NOTICE_ROUTES,
    *admin_routes(),
    *api_routes(),
]
# ===== end of ROUTES ===================================================================================


def client_for(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def prepare_for_post(world, route):
    """Put both sides' tasks where the route's step is allowed (the rules are tested elsewhere; this is access):
    验收 needs a reported task; 延期 an open task before its deadline, a decision a pending request."""
    from django.utils import timezone

    from rectification.models import DeadlineExtension, RectificationTask

    tasks = RectificationTask.objects.filter(pk__in=[world.home.task.pk, world.away.task.pk])
    deadline = timezone.localdate() + dt.timedelta(days=10)
    if route.name in ("task close", "task send back", "api task send back"):
        tasks.update(status="reported", evidence="佐证", closed_on=None, reported_on=None)
    if "extension" in route.name:
        tasks.update(status="in_progress", closed_on=None, reported_on=None, deadline=deadline)
        DeadlineExtension.objects.filter(task__in=tasks).delete()
        if "request" not in route.name or "page" in route.name:
            for side in (world.home, world.away):
                side.extension = DeadlineExtension.objects.create(
                    task=side.task, reason=f"{side.label}延期理由", previous_deadline=deadline,
                    new_deadline=deadline + dt.timedelta(days=30))


def check(response, outcome, marker=None):
    status = response.status_code
    location = response.headers.get("Location", "")
    if outcome == DENIED:  # 401: the API without credentials
        return status in (401, 403) or (status == 302 and location.startswith(LOGIN_PATHS))
    if outcome == NOT_FOUND:
        return status == 404
    if outcome == OK:
        return status in (200, 201) or (status == 302 and not location.startswith(LOGIN_PATHS))
    body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
    return status == 200 and ((marker in body) if outcome == SHOWN else (marker not in body))


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, role):
    client = client_for(world, role)
    failures = []
    routes = sorted(ROUTES, key=lambda r: r.method == "post")
    for route in routes:
        if role not in route.roles:
            continue
        if route.method == "post":
            prepare_for_post(world, route)
        seen = set()
        for side, outcome in zip(("home", "away"), route.outcome(role)):
            url = route.url(world, side)
            if route.marker is None and (url, outcome) in seen:
                continue  # the same page with the same expectation: one request is enough
            seen.add((url, outcome))
            if route.method == "post":
                response = client.post(url, route.data(world, side))
            else:
                response = client.get(url)
            marker = route.marker(world, side) if route.marker else None
            if outcome in (SHOWN, HIDDEN) and marker is None:
                outcome = OK
            if not check(response, outcome, marker):
                failures.append(f"{route.name} [{side}] {route.method.upper()} {url}: expected {outcome}, "
                                f"got {response.status_code} {response.headers.get('Location', '')}")
    assert not failures, f"{role}:\n" + "\n".join(failures)


def test_every_admin_model_is_in_the_matrix():
    """A model newly registered in the admin must say which object is in and out of scope (ADMIN_OBJECTS)."""
    superuser_only = {"auth.group", "axes.accessattempt", "axes.accessfailurelog", "axes.accesslog"}
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered - superuser_only <= set(ADMIN_OBJECTS), registered - superuser_only - set(ADMIN_OBJECTS)


def test_login_page_sends_a_signed_in_user_on(world):
    response = client_for(world, "viewer").get(reverse("accounts:login"))
    assert response.status_code == 302 and not response.headers["Location"].startswith(LOGIN_PATHS)
