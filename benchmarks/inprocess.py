"""Figures measured inside one Django process on a dataset: page server time and SQL queries.

Run by `make bench` as `python benchmarks/inprocess.py pages` in the measured checkout (its folder first on
PYTHONPATH, so `--before` measures another checkout with this harness) with the dataset's DATABASE_URL; prints
JSON (`rates` instead of `pages`: the rates endpoint as the same province user; `api`: the API endpoints that
`make bench` loads, with a token, the rates cache off). Server time is the time Django takes to answer a request
through the whole middleware stack (the test client, no network), measured after one warm-up request per page;
CPU is the Python process's own CPU time per request (the database's is not in it), which other work on a busy
machine disturbs much less than the elapsed time.
"""
import json
import os
import statistics
import sys
import time

BENCH_ADMIN = "bench-admin"
BENCH_API_CLIENT = "bench-api"
BENCH_PASSWORD = "bench-admin-password"  # the load test logs in through the login page (benchmark data only)
PROVINCE_CODE = "420000"  # seed_demo puts datasets above 20,000 tasks in 湖北省


def setup():
    # Production settings (DEBUG off), answering the test client's host over plain HTTP.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    import django

    django.setup()


def bench_users():
    """A 巡察办管理员 (with a password, for the login page) and an API client of the province."""
    from accounts.models import User
    from accounts.roles import Role, user_role_set
    from inspection.models import Region

    region = Region.objects.get(code=PROVINCE_CODE)
    users = {}
    for username, role in ((BENCH_ADMIN, Role.REGION_ADMIN), (BENCH_API_CLIENT, Role.API_CLIENT)):
        user, _ = User.objects.get_or_create(username=username, defaults={"region": region})
        user_role_set(user, role)
        if role == Role.REGION_ADMIN and not user.check_password(BENCH_PASSWORD):
            user.set_password(BENCH_PASSWORD)
            user.save(update_fields=["password"])
        users[role] = user
    return users


def page_urls() -> dict[str, str]:
    """The pages the issue names, on objects deep in the data (the newest round, a county, the last list page)."""
    from django.urls import reverse

    from inspection.models import InspectionRound, Region

    round_ = InspectionRound.objects.order_by("-pk").first()
    county = Region.objects.filter(code__startswith=PROVINCE_CODE[:2], level="county", tasks__isnull=False).first()
    task_list = reverse("dashboard:task_list") + "?status=in_progress"
    return {
        "overview": reverse("dashboard:overview"),
        "round page": reverse("dashboard:round_detail", args=[round_.pk]),
        "region page": reverse("dashboard:region_detail", args=[county.code]),
        "task list, first page": task_list,
        # The task list pages by keyset (dashboard/paging.py): the last page is `last=1`, not a page number.
        "task list, last page": f"{task_list}&last=1",
    }


def rate_urls() -> dict[str, str]:
    """The rates endpoint (rectification.selectors.rates_latest): the newest rows, filtered and not, and history."""
    from rectification.models import RateSnapshot

    oldest = RateSnapshot.objects.filter(scope="overall").order_by("day").values_list("day", flat=True).first()
    return {
        "rates, scope=region": "/api/v1/rates/?scope=region",
        "rates, unfiltered": "/api/v1/rates/",
        "rates, scope=organization": "/api/v1/rates/?scope=organization",
        "rates, a city": f"/api/v1/rates/?region={PROVINCE_CODE[:2]}1200",
        "rates, as of the oldest day": f"/api/v1/rates/?scope=region&as_of={oldest}",
    }


def api_urls() -> dict[str, str]:
    return {
        "/api/v1/tasks/ (filtered)": "/api/v1/tasks/?status=in_progress&region=420000",
        "/api/v1/rates/ (regions, cache off)": "/api/v1/rates/?scope=region",
    }


def measure_pages(repeat: int, urls=None, *, token: bool = False) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.roles import Role
    from api.services import token_issue

    client = Client()
    users = bench_users()
    if token:
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token_issue(user=users[Role.API_CLIENT], name='make bench')[1]}"
    else:
        client.force_login(users[Role.REGION_ADMIN])
    results = {}
    for name, url in (urls or page_urls()).items():
        response = client.get(url)  # warm-up: caches, connections, templates
        if response.status_code != 200:
            raise SystemExit(f"{name} {url} answered {response.status_code}")
        timings, cpu = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        timings.sort()
        results[name] = {
            "p50_ms": statistics.median(timings),
            "p95_ms": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
            "cpu_ms": statistics.median(cpu),
            "queries": len(queries),
        }
    return results


def main(argv):
    command = argv[1] if len(argv) > 1 else "pages"
    if command != "api":
        setup()
    if command == "pages":
        print(json.dumps(measure_pages(int(argv[2]) if len(argv) > 2 else 30)))
    elif command == "rates":
        print(json.dumps(measure_pages(int(argv[2]) if len(argv) > 2 else 30, rate_urls())))
    elif command == "api":
        os.environ["RATES_CACHE_SECONDS"] = "0"
        setup()
        print(json.dumps(measure_pages(int(argv[2]) if len(argv) > 2 else 30, api_urls(), token=True)))
    elif command == "users":
        print(json.dumps({role: user.username for role, user in bench_users().items()}))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv)
