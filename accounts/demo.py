"""Demo log-ins for `make run`, one per role. Never used outside demo data."""
from accounts.models import User
from accounts.roles import Role, roles_setup, user_role_set
from inspection.demo import DEMO_CITY_CODE
from inspection.models import InspectionGroup, Organization, Region
from rectification.models import RectificationTask

DEMO_COUNTY_CODE = "421202"  # 咸安区
DEMO_USERS = [
    # username, password, region code, role (None: superuser), full name
    ("admin", "xuncha-demo-admin", DEMO_CITY_CODE, None, "演示管理员"),
    ("xianan", "xuncha-demo-xianan", DEMO_COUNTY_CODE, Role.VIEWER, "咸安区查看人员"),
    ("xianan-admin", "xuncha-demo-xianan-admin", DEMO_COUNTY_CODE, Role.REGION_ADMIN, "咸安区巡察办管理员"),
    ("xianan-group", "xuncha-demo-xianan-group", DEMO_COUNTY_CODE, Role.GROUP_MEMBER, "咸安区巡察组成员"),
    ("xianan-unit", "xuncha-demo-xianan-unit", DEMO_COUNTY_CODE, Role.UNIT, "咸安区被巡察单位联络员"),
]


def demo_users_create(stdout=None):
    roles_setup()
    for username, password, code, role, full_name in DEMO_USERS:
        region = Region.objects.get(code=code)
        user, _ = User.objects.get_or_create(username=username)
        user.region = region
        user.is_superuser = role is None
        user.is_staff = role is None or role in (Role.REGION_ADMIN, Role.GROUP_MEMBER, Role.VIEWER)
        user.organization = _unit_with_tasks(region) if role == Role.UNIT else None
        user.last_name = full_name
        user.set_password(password)
        user.save()
        user_role_set(user, role)
        if role == Role.GROUP_MEMBER:
            group = InspectionGroup.objects.in_region(region).order_by("round__started_on", "number").first()
            if group is not None:
                group.member_users.add(user)
        if stdout:
            stdout.write(f"演示账号 / demo login: {username} / {password}（{role.label if role else '超级管理员'}）")


def _unit_with_tasks(region):
    """A unit of the region with open tasks (else any tasks), so the demo login has something to report."""
    tasks = RectificationTask.objects.in_region(region)
    units = Organization.objects.order_by("name")
    return (units.filter(pk__in=tasks.open().values("organization_id")).first()
            or units.filter(pk__in=tasks.values("organization_id")).first())
