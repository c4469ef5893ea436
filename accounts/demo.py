"""Demo log-ins for `make run`. Never used outside demo data."""
from accounts.models import User
from inspection.demo import DEMO_CITY_CODE
from inspection.models import Region

DEMO_USERS = [
    # username, password, region code, superuser, full name
    ("admin", "xuncha-demo-admin", DEMO_CITY_CODE, True, "演示管理员"),
    ("xianan", "xuncha-demo-xianan", "421202", False, "咸安区查看人员"),
]


def demo_users_create(stdout=None):
    for username, password, code, is_superuser, full_name in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.region = Region.objects.get(code=code)
        user.is_staff = is_superuser
        user.is_superuser = is_superuser
        user.last_name = full_name
        user.set_password(password)
        user.save()
        if stdout:
            stdout.write(f"演示账号 / demo login: {username} / {password}")
