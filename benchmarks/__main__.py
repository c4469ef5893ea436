"""`python -m benchmarks` (make bench): build or reuse the datasets, measure, print and write docs/BENCHMARKS.md."""
import argparse
import json
import os
import subprocess
import sys

from benchmarks import api_load, datasets, report

DEFAULT_SIZES = "10000,100000,1000000"
API_ENDPOINTS = {
    "/api/v1/rates/ (regions)": "/api/v1/rates/?scope=region",
    "/api/v1/tasks/ (filtered)": "/api/v1/tasks/?status=in_progress&region=420000",
}


def inprocess(dataset, *args) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.inprocess", *args], cwd=datasets.ROOT, env=dataset.env(),
        check=True, stdout=subprocess.PIPE, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure(dataset, *, api_seconds: int, page_repeat: int, log) -> dict:
    figures = {}
    if dataset.seed_s is not None:
        figures["dataset"] = {"seed_demo (s)": dataset.seed_s}
    log(f"[{dataset.label}] rates …")
    rates = json.loads(datasets.manage(dataset, "bench_rates", "--json", capture=True))
    figures["rates"] = {
        "full recompute (s)": rates["full_s"], "bare-SQL floor (s)": rates["floor_s"],
        "full ÷ floor": rates["full_s"] / rates["floor_s"], "incremental after one change (ms)": rates["incremental_ms"],
    }
    log(f"[{dataset.label}] pages …")
    for page, values in inprocess(dataset, "pages", str(page_repeat)).items():
        figures.setdefault("pages", {}).update({
            f"{page}: p50 (ms)": values["p50_ms"], f"{page}: p95 (ms)": values["p95_ms"], f"{page}: SQL queries": values["queries"],
        })
    log(f"[{dataset.label}] API under load …")
    for endpoint, values in api_load.measure(dataset, API_ENDPOINTS, api_seconds).items():
        figures.setdefault("api", {}).update({
            f"{endpoint}: req/s": values["rps"], f"{endpoint}: p50 (ms)": values["p50_ms"],
            f"{endpoint}: p99 (ms)": values["p99_ms"], f"{endpoint}: errors": values["non_2xx"],
        })
    log(f"[{dataset.label}] ingest …")
    ingest = json.loads(datasets.manage(dataset, "bench_ingest", "--json", capture=True))
    figures["ingest"] = {"articles per second": ingest["articles_per_s"]}
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", DEFAULT_SIZES), help="task counts, comma-separated")
    parser.add_argument("--api-seconds", type=int, default=10, help="seconds of load per API endpoint")
    parser.add_argument("--page-repeat", type=int, default=30, help="requests per page")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the Markdown table")
    parser.add_argument("--output", default=str(datasets.ROOT / "docs" / "BENCHMARKS.md"), help="where to write the table")
    options = parser.parse_args(argv)
    base_url = os.environ.get("DATABASE_URL", "")

    def log(message):
        print(message, file=sys.stderr, flush=True)

    results = {"machine": report.machine(), "sizes": {}}
    for tasks in (int(size) for size in options.sizes.split(",")):
        dataset = datasets.prepare(base_url, tasks, log=log)
        datasets.manage(dataset, "collectstatic", "--noinput", "-v0")  # pages render as in production (DEBUG off)
        inprocess(dataset, "users")
        results["sizes"][dataset.label] = measure(dataset, api_seconds=options.api_seconds,
                                                  page_repeat=options.page_repeat, log=log)
    table = report.markdown(results)
    with open(options.output, "w", encoding="utf-8") as handle:
        handle.write(table)
    print(report.as_json(results) if options.json else table)


if __name__ == "__main__":
    main()
