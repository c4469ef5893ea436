"""Hostile files are refused (or capped) without the process that reads them growing past a set memory.

Each file is read in a fresh interpreter, which reports how far its peak resident memory rose while reading:
a 200 MB-of-XML .docx zip bomb, the same as .xlsx shared strings, and a 19.5 MB one-line .txt article.
(Before the limits the .docx took ~3.3 GB, and the .txt was parsed into 666,756 figures.)"""
import json
import subprocess
import sys

import pytest

from tests.articles import docx_bomb
from tests.faults.conftest import ROOT
from tests.ledger.test_parsing import _xlsx_with_shared_strings

MAX_GROWTH_MB = 150

READ = """
import json, sys
from ingest.documents import DocumentError, read_document
from ledger.parsing import LedgerFileError, read_table

def status_kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])

name, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
before = status_kb("VmRSS")
with open("/proc/self/clear_refs", "w") as clear:  # the peak (VmHWM) counts from here
    clear.write("5")
try:
    if name.endswith(".xlsx"):
        import io
        read_table(io.BytesIO(data), filename=name, header_keys={}, required={}, normalise=str.strip, max_rows=10)
    else:
        read_document(name, data, max_bytes=20 * 1048576)
    outcome = "read"
except (DocumentError, LedgerFileError) as error:
    outcome = str(error)
after = status_kb("VmHWM")
print(json.dumps({"outcome": outcome, "growth_mb": (after - before) / 1024}))
"""


def hostile_files():
    yield "bomb.docx", docx_bomb(200 * 1048576), "解压后过大"
    yield "bomb.xlsx", _xlsx_with_shared_strings(200 * 1048576).getvalue(), "解压后过大"
    # Inside the limits (lxml itself refuses a text node over 10 MB): what a large .docx that is read costs.
    yield "big.docx", docx_bomb(9 * 1048576), "read"
    yield "long.txt", ("咸安区委巡察组发现问题12个，整改率96%。" * 900_000)[:6_500_000].encode(), "文章过长"


@pytest.mark.parametrize("name, data, refusal", hostile_files(), ids=lambda value: value if isinstance(value, str) and "." in value else "")
def test_a_hostile_file_is_refused_within_a_memory_bound(tmp_path, name, data, refusal):
    path = tmp_path / name
    path.write_bytes(data)
    result = subprocess.run([sys.executable, "-c", READ, name, str(path)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    report = json.loads(result.stdout or "{}") if result.returncode == 0 else pytest.fail(result.stderr[-3000:])
    print(f"\n{name} ({len(data) / 1048576:.1f} MB on disk): {report['outcome'][:40]}…, peak memory +{report['growth_mb']:.0f} MB")
    assert refusal in report["outcome"]
    assert report["growth_mb"] < MAX_GROWTH_MB
