"""`python benchmarks/big_build.py`: a build with a 1-million-row register stays bounded (issue 12.9).

A one-year dataset whose THT register has 1.000.000 rows (``benchmarks/loader.py``'s
``big_tht``: a generated province's 2024 THT rows repeated under new codes, written under
benchmarks/_work, never committed) is built with every format, as ``kttt build`` runs it
(``--no-cache``, 2 workers). While it runs, the resident memory (RSS) of the whole process tree
— the client, its workers, their kernels — is sampled every 0,2 s with psutil; the figures are
the peak of the tree's sum of PSS (shared pages shared out) and of RSS, the peak of its largest process, the wall time, and the size of
what was published (the largest HTML page, the PDF's pages, the workbook's largest sheet).

Goal: the tree's peak ≤ 4 GiB; pages and the PDF show capped lists (the workbook has every row,
within Excel's 1.048.576 rows a sheet). Writes docs/big_register.md and benchmarks/big_build.json.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.loader import BIG_ROWS, big_tht, provinces  # noqa: E402 - the same generated register
from kttt import fmt  # noqa: E402
from kttt.tables import ANNEX_LIMIT, PAGE_LIMIT  # noqa: E402 - the caps the page states

WORK = ROOT / "benchmarks" / "_work" / "big_build"
DOC = ROOT / "docs" / "big_register.md"
RESULTS = ROOT / "benchmarks" / "big_build.json"
KTTT = Path(sys.executable).with_name("kttt")
GOAL_GIB = 4.0


def tree_memory(process: psutil.Process) -> tuple[int, int, int]:
    """(Σ RSS, Σ PSS, largest RSS) of a process and all its descendants, in bytes.

    RSS counts a page shared by several processes (the workers are forked from the client, the
    libraries are mapped by all) once per process; PSS (proportional set size, Linux) shares it
    out, so Σ PSS is what the tree takes from the machine."""
    rss, pss = [], []
    for p in [process, *process.children(recursive=True)]:
        try:
            full = p.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss.append(full.rss)
        pss.append(getattr(full, "pss", full.rss))
    return sum(rss), sum(pss), max(rss, default=0)


def measure(dataset: Path) -> dict:
    out = WORK / "reports"
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.Popen([str(KTTT), "build", str(dataset), "--year", "2024", "--out", str(out), "--no-cache",
                             "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watch = psutil.Process(proc.pid)
    peak_sum = peak_pss = peak_one = 0
    while proc.poll() is None:
        total, shared_out, one = tree_memory(watch)
        peak_sum, peak_pss, peak_one = max(peak_sum, total), max(peak_pss, shared_out), max(peak_one, one)
        time.sleep(0.2)
    log = proc.stdout.read() if proc.stdout else ""
    seconds = time.perf_counter() - start
    year = out / dataset.name / "2024"
    pages = sorted(year.glob("*.html"), key=lambda p: p.stat().st_size) if year.is_dir() else []
    pdf = year / "bao_cao_kttt_2024.pdf"
    pdf_pages = 0
    if pdf.is_file():
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
        pdf_pages = int(next((ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")), 0))
    return {"code": proc.returncode, "seconds": round(seconds, 1), "peak_tree_mib": round(peak_sum / 2**20), "peak_tree_pss_mib": round(peak_pss / 2**20),
            "peak_process_mib": round(peak_one / 2**20),
            "largest_page": [pages[-1].name, pages[-1].stat().st_size] if pages else None,
            "pdf_pages": pdf_pages, "files": len(list(year.iterdir())) if year.is_dir() else 0,
            "tail": log.strip().splitlines()[-3:]}


def write_doc(r: dict) -> None:
    m = r["measure"]
    ok = "met" if m["peak_tree_pss_mib"] <= GOAL_GIB * 1024 else "NOT met"
    page = m["largest_page"]
    lines = [
        "# A build with a 1-million-row register (issue 12.9)", "",
        f"Measured by `python benchmarks/big_build.py` on {r['machine']} (load average at the start: "
        f"{r['load']}).", "",
        f"Dataset: one year (2024) whose THT register has {r['rows']:,} rows (`benchmarks/loader.py`'s ".replace(",", ".")
        + "`big_tht`); `kttt build … --year 2024 --no-cache --jobs 2`, every format.", "",
        "| measure | value |", "|---|---|",
        f"| exit code | {m['code']} |",
        f"| wall time | {m['seconds']} s |",
        f"| peak Σ PSS of the whole process tree (client, workers, kernels): what it takes from the machine "
        f"| **{m['peak_tree_pss_mib']} MiB** (goal ≤ {GOAL_GIB:g} GiB: {ok}) |",
        f"| peak Σ RSS of the tree (a page shared by several processes counted in each) | {m['peak_tree_mib']} MiB |",
        f"| peak RSS of the largest process | {m['peak_process_mib']} MiB |",
        f"| largest HTML page | {page[0]} — {page[1] / 1024:.0f} KiB |" if page else "| largest HTML page | – |",
        f"| PDF pages | {m['pdf_pages']} |",
        f"| files published | {m['files']} |", "",
        f"Long lists are capped where people read them: a table shows at most {PAGE_LIMIT} rows on a page and in "
        "the PDF (`kttt.tables.PAGE_LIMIT`; a list of areas its top and bottom ten), with a note giving "
        "the count and pointing to the workbook, which has every row; the Word report's annex prints a table "
        f"whole up to {fmt.number(ANNEX_LIMIT)} rows (`kttt.tables.ANNEX_LIMIT`), a longer one cut the same way. Before that "
        "cut, the annex held the register-long lists whole (a Word table of 67.783 rows): the same build "
        "took 191 s, its DOCX task 129,5 s, and the tree's peak Σ RSS was 4.883 MiB.", "",
    ]
    DOC.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    datasets = provinces()
    rows = BIG_ROWS
    dataset = big_tht(datasets[0], rows)
    load = ", ".join(f"{x:.1f}" for x in psutil.getloadavg())
    result = {"machine": f"{platform.processor() or platform.machine()}, {psutil.cpu_count()} cores, "
                         f"{psutil.virtual_memory().total / 2**30:.0f} GiB",
              "load": load, "rows": rows, "measure": measure(dataset)}
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_doc(result)
    print(json.dumps(result["measure"], ensure_ascii=False, indent=1))
    return 0 if result["measure"]["code"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
