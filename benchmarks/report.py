"""The figures side by side per dataset size, as a Markdown table and as JSON."""
import datetime as dt
import json
import platform
import subprocess


def machine() -> dict:
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), platform.processor())
    cores = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or 0)
    return {"cpu": cpu, "cores": cores, "python": platform.python_version(), "date": dt.date.today().isoformat()}


def fmt(value, digits=1):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value).replace("|", "\\|").replace("\n", " ")


def markdown(results: dict) -> str:
    """`results`: {"machine": {...}, "sizes": {label: {section: {row: value}}}}."""
    sizes = list(results["sizes"])
    rows = {}
    for size in sizes:
        for section, figures in results["sizes"][size].items():
            for name, value in figures.items():
                rows.setdefault((section, name), {})[size] = value
    info = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {info['date']} on {info['cpu']} ({info['cores']} cores), Python {info['python']}, PostgreSQL. "
        "Made by `make bench`; every row shows the sizes side by side so a cost that grows with the data stands out "
        "(with `--before CHECKOUT`, each size measured on another checkout and then on this one, back to back; the API "
        "load run three times per checkout, the checkouts in turn, each figure the median of its runs). "
        "The load average is the machine's (1/5/15 min) when a column's measuring started and ended.",
        "",
        "| section | figure | " + " | ".join(sizes) + " |",
        "|---|---|" + "---|" * len(sizes),
    ]
    for (section, name), values in rows.items():
        lines.append(f"| {section} | {name} | " + " | ".join(fmt(values.get(s)) for s in sizes) + " |")
    return "\n".join(lines) + "\n"


NOTES = "<!-- Below: notes kept by `make bench`, which rewrites only the table above. -->"


def notes_of(path) -> str:
    """The part of an earlier BENCHMARKS.md from the NOTES line on (empty when there is none)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return ""
    return "\n" + text[text.index(NOTES):] if NOTES in text else ""


def as_json(results: dict) -> str:
    return json.dumps(results, ensure_ascii=False, indent=2)
