"""Where a request's time goes: pyinstrument over repeated requests of the endpoints `make bench` loads.

`python -m benchmarks.profiling [repeat]` with a dataset's DATABASE_URL (after `make bench` built it): each
endpoint is asked `repeat` times through Django's whole request path (test client, production settings,
rates cache off so every rates request is a miss), and pyinstrument prints the frames that took the time.
The summary of a run is kept in docs/BENCHMARKS.md.
"""
import os
import sys

from benchmarks.inprocess import BENCH_ADMIN, BENCH_API_CLIENT, setup

ENDPOINTS = {  # name: (path, who asks)
    "/api/v1/tasks/ (filtered)": ("/api/v1/tasks/?status=in_progress&region=420000", BENCH_API_CLIENT),
    "/api/v1/rates/ (regions, miss)": ("/api/v1/rates/?scope=region", BENCH_API_CLIENT),
    "overview": ("dashboard:overview", BENCH_ADMIN),
}


def main(argv):
    os.environ["RATES_CACHE_SECONDS"] = "0"
    setup()
    from django.test import Client
    from django.urls import reverse
    from pyinstrument import Profiler

    from accounts.models import User
    from api.services import token_issue

    repeat = int(argv[1]) if len(argv) > 1 else 200
    for name, (path, username) in ENDPOINTS.items():
        path = path if path.startswith("/") else reverse(path)
        user = User.objects.get(username=username)
        client = Client()
        if username == BENCH_API_CLIENT:
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {token_issue(user=user, name='profile')[1]}"
        else:
            client.force_login(user)
        if client.get(path).status_code != 200:
            raise SystemExit(f"{name} {path} did not answer 200")
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(repeat):
                client.get(path)
        print(f"## {name}: {profiler.last_session.duration / repeat * 1000:.2f} ms a request ({repeat} requests)")
        print(profiler.output_text(unicode=True, short_mode=True))
        print("### own time by function (top 25)")
        print("\n".join(profiler.output_text(flat=True).splitlines()[:25]))


if __name__ == "__main__":
    main(sys.argv)
