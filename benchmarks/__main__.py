"""`python -m benchmarks` (make bench): build or reuse the datasets, measure, print and write docs/BENCHMARKS.md."""
import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from benchmarks import api_load, datasets, report

DEFAULT_SIZES = "10000,100000,1000000"
API_ENDPOINTS = {
    "/api/v1/rates/ (regions)": "/api/v1/rates/?scope=region",
    "/api/v1/tasks/ (filtered)": "/api/v1/tasks/?status=in_progress&region=420000",
}
UNCACHED_ENDPOINTS = {"/api/v1/rates/ (regions, cache off)": "/api/v1/rates/?scope=region"}
PAGES_UNDER_LOAD = {"overview (region admin)": "/"}


def inprocess(dataset, *args) -> dict:
    # This checkout's harness, on the measured checkout's code and Python.
    output = subprocess.run(
        [dataset.python, str(datasets.ROOT / "benchmarks" / "inprocess.py"), *args], cwd=dataset.root,
        env=dataset.env(PYTHONPATH=str(dataset.root)), check=True, stdout=subprocess.PIPE, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def rates_section(dataset, options, log) -> dict:
    rates = json.loads(datasets.manage(dataset, "bench_rates", "--json", capture=True))
    return {
        "full recompute (s)": rates["full_s"], "bare-SQL floor (s)": rates["floor_s"],
        "full ÷ floor": rates["full_s"] / rates["floor_s"], "incremental after one change (ms)": rates["incremental_ms"],
    }


def pages_section(dataset, options, log) -> dict:
    """Pages, then the API endpoints, in process (server time, Python CPU time, queries)."""
    figures = {}
    for command in ("pages", "api"):
        for page, values in inprocess(dataset, command, str(options.page_repeat)).items():
            figures.update({
                f"{page}: p50 (ms)": values["p50_ms"], f"{page}: p95 (ms)": values["p95_ms"],
                f"{page}: CPU (ms)": values["cpu_ms"], f"{page}: SQL queries": values["queries"],
            })
    return figures


def api_section(dataset, options, log) -> dict:
    figures = {}
    measured = api_load.measure(dataset, API_ENDPOINTS, UNCACHED_ENDPOINTS, PAGES_UNDER_LOAD, options.api_seconds)
    for endpoint, values in measured.items():
        figures.update({
            f"{endpoint}: req/s": values["rps"], f"{endpoint}: p50 (ms)": values["p50_ms"],
            f"{endpoint}: p99 (ms)": values["p99_ms"], f"{endpoint}: errors": values["non_2xx"],
        })
        for key, value in values.items():
            if key.startswith("cpu_ms:"):
                figures[f"{endpoint}: CPU per request, {key.removeprefix('cpu_ms:')} (ms)"] = value
    return figures


def ingest_section(dataset, options, log) -> dict:
    # Generated demo articles, or the corpus when XUNCHA_CORPUS names one (bench_ingest reads it).
    ingest = json.loads(datasets.manage(dataset, "bench_ingest", "--json", capture=True))
    return {"articles per second": ingest["articles_per_s"], "articles": ingest["source"]}


SECTIONS = [("rates", rates_section), ("pages", pages_section), ("api", api_section), ("ingest", ingest_section)]
ALTERNATED = "api"  # with --before (or --api-runs), run in turns with the other checkout and reported as medians


def median_figures(runs: list[dict]) -> dict:
    """Each figure's median over the runs of a section (error counts summed: one failed request in any run
    shows); a run that failed is counted and its error kept."""
    measured = [run for run in runs if "error" not in run]
    figures: dict = {}
    for name in dict.fromkeys(name for run in measured for name in run):
        values = [run[name] for run in measured if isinstance(run.get(name), int | float)]
        if not values:
            figures[name] = next((run[name] for run in measured if run.get(name) is not None), None)
        else:
            figures[name] = sum(values) if name.endswith(": errors") else statistics.median(values)
    figures["runs (median of)"] = len(measured)
    errors = [run["error"] for run in runs if "error" in run]
    if errors:
        figures["error"] = errors[0]
    return figures


def failure(exc: BaseException) -> str:
    """One line saying why a section failed: the exception and the last line the failed command printed."""
    message = f"{type(exc).__name__}: {exc}"
    stderr = getattr(exc, "stderr", None)
    if stderr:
        lines = [line for line in str(stderr).strip().splitlines() if line.strip()]
        if lines:
            message += f" — {lines[-1].strip()}"
    return message


def load_average() -> str:
    return "{:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())


def measure(dataset, options, log, skip=()) -> Iterator[tuple[dict, bool]]:
    """Every section in turn (but those in `skip`), yielding the figures so far after each; a section that fails
    is recorded with its error (and whether one failed is yielded), and the next ones still run. The machine's
    load average (1/5/15 min) before and after is recorded beside the figures: other work on the machine shows
    in them."""
    figures, failed = {"machine": {"load average before": load_average()}}, False
    if dataset.seed_s is not None:
        figures["dataset"] = {"seed_demo (s)": dataset.seed_s}
    for name, section in SECTIONS:
        if name in skip:
            continue
        log(f"[{dataset.label}] {name} …")
        try:
            figures[name] = section(dataset, options, log)
        except (Exception, SystemExit) as exc:
            figures[name] = {"error": failure(exc)}
            failed = True
            log(f"[{dataset.label}] {name} failed: {figures[name]['error']}")
        figures["machine"]["load average after"] = load_average()
        yield figures, failed


def checkout(path: str) -> dict:
    """Where another checkout is and its virtualenv's Python (made by its `make install`)."""
    root = Path(path).resolve()
    python = root / ".venv" / "bin" / "python"
    if not (root / "manage.py").exists() or not python.exists():
        raise SystemExit(f"--before {path}: needs a checkout with its .venv (cd {path} && make install)")
    return {"root": root, "python": str(python)}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", DEFAULT_SIZES), help="task counts, comma-separated")
    parser.add_argument("--api-seconds", type=int, default=10, help="seconds of load per API endpoint")
    parser.add_argument("--api-runs", type=int, help=(
        "runs of the API load per checkout, the checkouts in turn, reported as each figure's median (default 3 "
        "with --before, else 1): on a shared machine a slower spell then falls on both columns"))
    parser.add_argument("--page-repeat", type=int, default=30, help="requests per page")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the Markdown table")
    parser.add_argument("--output", default=str(datasets.ROOT / "docs" / "BENCHMARKS.md"), help="where to write the table")
    parser.add_argument("--before", metavar="CHECKOUT", help=(
        "another checkout (e.g. `git worktree add ../before main` and its `make install`) measured on the same "
        "datasets just before this one: the table shows each size before and after side by side; the two must "
        "share the database schema"))
    options = parser.parse_args(argv)
    variants = [("before", checkout(options.before)), ("after", {})] if options.before else [("", {})]
    api_runs = options.api_runs or (3 if options.before else 1)
    alternated = (ALTERNATED,) if api_runs > 1 or options.before else ()
    base_url = os.environ.get("DATABASE_URL", "")

    def log(message):
        print(message, file=sys.stderr, flush=True)

    results = {"machine": report.machine(), "sizes": {}}
    failed = False

    kept = report.notes_of(options.output)  # what people wrote below the table stays

    def write():  # after every section, so what was measured is kept whatever fails or stops later
        with open(options.output, "w", encoding="utf-8") as handle:
            handle.write(report.markdown(results) + kept)

    for tasks in (int(size) for size in options.sizes.split(",")):
        label = f"{tasks:,} tasks"
        try:
            dataset = datasets.prepare(base_url, tasks, log=log)
            inprocess(dataset, "users")
        except (Exception, SystemExit) as exc:
            results["sizes"][label] = {"dataset": {"error": failure(exc)}}
            failed = True
            log(f"[{label}] dataset failed: {results['sizes'][label]['dataset']['error']}")
            write()
            continue
        columns = []
        for variant, where in variants:  # before, then after: back to back on the same data
            measured = dataclasses.replace(dataset, **where)
            column = f"{label}, {variant}" if variant else label
            try:
                datasets.manage(measured, "collectstatic", "--noinput", "-v0")  # pages render as in production
            except (Exception, SystemExit) as exc:
                results["sizes"][column] = {"dataset": {"error": failure(exc)}}
                failed = True
                write()
                continue
            columns.append((column, measured))
            for figures, section_failed in measure(measured, options, log, skip=alternated):
                results["sizes"][column] = figures
                failed = failed or section_failed
                write()
        runs: dict = {column: [] for column, _ in columns}
        for run in range(api_runs if alternated else 0):
            for column, measured in columns:
                log(f"[{column}] {ALTERNATED}, run {run + 1} of {api_runs} …")
                try:
                    runs[column].append(dict(SECTIONS)[ALTERNATED](measured, options, log))
                except (Exception, SystemExit) as exc:
                    runs[column].append({"error": failure(exc)})
                    failed = True
                    log(f"[{column}] {ALTERNATED} failed: {runs[column][-1]['error']}")
        for column, column_runs in runs.items():
            if column_runs:
                figures = {**results["sizes"][column], ALTERNATED: median_figures(column_runs)}
                order = ["machine", "dataset", *(name for name, _ in SECTIONS)]
                results["sizes"][column] = {name: figures[name] for name in order if name in figures}
                write()
    print(report.as_json(results) if options.json else report.markdown(results))
    if failed:
        print(f"make bench: a section failed; its error is in {options.output} beside the figures measured.", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
