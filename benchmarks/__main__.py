"""`python -m benchmarks` (make bench): build or reuse the datasets, measure, print and write docs/BENCHMARKS.md."""
import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterator

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


def rates_section(dataset, options, log) -> dict:
    rates = json.loads(datasets.manage(dataset, "bench_rates", "--json", capture=True))
    return {
        "full recompute (s)": rates["full_s"], "bare-SQL floor (s)": rates["floor_s"],
        "full ÷ floor": rates["full_s"] / rates["floor_s"], "incremental after one change (ms)": rates["incremental_ms"],
    }


def pages_section(dataset, options, log) -> dict:
    figures = {}
    for page, values in inprocess(dataset, "pages", str(options.page_repeat)).items():
        figures.update({
            f"{page}: p50 (ms)": values["p50_ms"], f"{page}: p95 (ms)": values["p95_ms"], f"{page}: SQL queries": values["queries"],
        })
    return figures


def api_section(dataset, options, log) -> dict:
    figures = {}
    for endpoint, values in api_load.measure(dataset, API_ENDPOINTS, options.api_seconds).items():
        figures.update({
            f"{endpoint}: req/s": values["rps"], f"{endpoint}: p50 (ms)": values["p50_ms"],
            f"{endpoint}: p99 (ms)": values["p99_ms"], f"{endpoint}: errors": values["non_2xx"],
        })
    return figures


def ingest_section(dataset, options, log) -> dict:
    # Generated demo articles, or the corpus when XUNCHA_CORPUS names one (bench_ingest reads it).
    ingest = json.loads(datasets.manage(dataset, "bench_ingest", "--json", capture=True))
    return {"articles per second": ingest["articles_per_s"], "articles": ingest["source"]}


SECTIONS = [("rates", rates_section), ("pages", pages_section), ("api", api_section), ("ingest", ingest_section)]


def failure(exc: BaseException) -> str:
    """One line saying why a section failed: the exception and the last line the failed command printed."""
    message = f"{type(exc).__name__}: {exc}"
    stderr = getattr(exc, "stderr", None)
    if stderr:
        lines = [line for line in str(stderr).strip().splitlines() if line.strip()]
        if lines:
            message += f" — {lines[-1].strip()}"
    return message


def measure(dataset, options, log) -> Iterator[tuple[dict, bool]]:
    """Every section in turn, yielding the figures so far after each; a section that fails is recorded with
    its error (and whether one failed is yielded), and the next ones still run."""
    figures, failed = {}, False
    if dataset.seed_s is not None:
        figures["dataset"] = {"seed_demo (s)": dataset.seed_s}
    for name, section in SECTIONS:
        log(f"[{dataset.label}] {name} …")
        try:
            figures[name] = section(dataset, options, log)
        except (Exception, SystemExit) as exc:
            figures[name] = {"error": failure(exc)}
            failed = True
            log(f"[{dataset.label}] {name} failed: {figures[name]['error']}")
        yield figures, failed


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
    failed = False

    def write():  # after every section, so what was measured is kept whatever fails or stops later
        with open(options.output, "w", encoding="utf-8") as handle:
            handle.write(report.markdown(results))

    for tasks in (int(size) for size in options.sizes.split(",")):
        label = f"{tasks:,}"
        try:
            dataset = datasets.prepare(base_url, tasks, log=log)
            datasets.manage(dataset, "collectstatic", "--noinput", "-v0")  # pages render as in production (DEBUG off)
            inprocess(dataset, "users")
        except (Exception, SystemExit) as exc:
            results["sizes"][label] = {"dataset": {"error": failure(exc)}}
            failed = True
            log(f"[{label}] dataset failed: {results['sizes'][label]['dataset']['error']}")
            write()
            continue
        for figures, section_failed in measure(dataset, options, log):
            results["sizes"][label] = figures
            failed = failed or section_failed
            write()
    print(report.as_json(results) if options.json else report.markdown(results))
    if failed:
        print(f"make bench: a section failed; its error is in {options.output} beside the figures measured.", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
