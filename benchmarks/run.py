"""`make bench`: measure kttt's build against the naive way, on this machine, in one run.

Writes docs/benchmarks.md (figures, machine, how to reproduce). Every figure is a median of
at least RUNS runs (env KTTT_BENCH_RUNS, default 3); naive and kttt runs alternate so that a
noisy neighbour hurts both alike.

1. cold build vs the naive way (papermill CLI then `jupyter nbconvert --to html` CLI per
   notebook, one after another) for the sample year 2022;
2. no-op rebuild vs cold build;
3. one register changed: what re-executes, and the time;
4. national scale: 34 provinces × 10 years (generated, seeded) — loading (calamine vs
   openpyxl, a pickle cache of parsed registers) and compute_many: wall time, peak memory;
5. throughput: 34 provinces × 1 year with --jobs 2, notebooks per minute.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
WORK = ROOT / "benchmarks" / "_work"
SAMPLE = ROOT / "data" / "yen_bai"
NATIONAL = WORK / "national"
RUNS = max(3, int(os.environ.get("KTTT_BENCH_RUNS", "3")))
YEAR = 2022
ENV = {**os.environ, "PYTHONHASHSEED": "0"}


def run(cmd: list[str], **kw) -> tuple[float, str]:  # noqa: ANN003
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, **kw)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed, proc.stdout + proc.stderr


def med(values: list[float]) -> float:
    return statistics.median(values)


def fmt_s(x: float) -> str:
    return f"{x:,.2f} s".replace(",", " ")


def say(text: str) -> None:
    print(text, flush=True)


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, "
            f"Python {platform.python_version()}")


def notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


# ----------------------------------------------------------------------------- 1. cold vs naive

def naive(out: Path) -> float:
    """What an analyst would script: papermill CLI, then nbconvert CLI, per notebook."""
    out.mkdir(parents=True, exist_ok=True)
    total = 0.0
    for nb in notebooks():
        executed = out / nb.name
        t1, _ = run([str(VENV_BIN / "papermill"), str(nb), str(executed), "-p", "year", str(YEAR),
                     "-p", "data_dir", str(SAMPLE), "--no-progress-bar", "--log-level", "ERROR"], cwd=ROOT / "notebooks")
        t2, _ = run([str(VENV_BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
        total += t1 + t2
    return total


def kttt_build(out: Path, *extra: str, data: Path = SAMPLE, years: tuple[str, ...] = ("--year", str(YEAR))) -> tuple[float, str]:
    return run([str(VENV_BIN / "kttt"), "build", str(data), *years, "--out", str(out), *extra])


def bench_cold(tmp: Path) -> dict:
    say("1. cold build vs the naive way …")
    naive_t, full_t, html_t = [], [], []
    for i in range(RUNS):
        naive_t.append(naive(tmp / f"naive{i}"))
        full_t.append(kttt_build(tmp / f"cold{i}", "--no-cache")[0])
        html_t.append(kttt_build(tmp / f"coldhtml{i}", "--no-cache", "--format", "html")[0])
        say(f"   run {i + 1}: naive {naive_t[-1]:.1f} s, kttt (html+pdf+xlsx+csv) {full_t[-1]:.1f} s, "
            f"kttt (html+csv) {html_t[-1]:.1f} s")
    return {"naive": naive_t, "full": full_t, "html": html_t}


# ----------------------------------------------------------------------------- 2. no-op

def bench_noop(tmp: Path, cold_median: float) -> dict:
    say("2. no-op rebuild …")
    out = tmp / "cold0"
    times = [kttt_build(out)[0] for _ in range(max(RUNS, 5))]
    all_out = tmp / "all"
    cold_all = kttt_build(all_out, "--no-cache", years=("--all-years",))[0]
    noop_all = [kttt_build(all_out, years=("--all-years",))[0] for _ in range(max(RUNS, 5))]
    say(f"   one year: {med(times):.3f} s (cold {cold_median:.1f} s); all years: {med(noop_all):.3f} s (cold {cold_all:.1f} s)")
    return {"one": times, "cold_all": cold_all, "all": noop_all}


# ----------------------------------------------------------------------------- 3. one register changed

def bench_change(tmp: Path, cold_all: float) -> dict:
    say("3. one register changed …")
    import openpyxl

    data = tmp / "yen_bai"
    shutil.copytree(SAMPLE, data)
    out = tmp / "change"
    kttt_build(out, data=data, years=("--all-years",))
    results = {}
    for year in (2024, 2022):
        register = data / str(year) / "htx.xlsx"
        original = register.read_bytes()
        wb = openpyxl.load_workbook(register)
        ws = wb.active
        ws.cell(row=2, column=10).value = int(ws.cell(row=2, column=10).value or 0) + 1  # one member more
        changed_path = tmp / f"changed_{year}.xlsx"
        wb.save(changed_path)
        changed = changed_path.read_bytes()
        times, counts = [], []
        for i in range(RUNS):
            register.write_bytes(changed if i % 2 == 0 else original)
            elapsed, output = kttt_build(out, data=data, years=("--all-years",))
            times.append(elapsed)
            counts.append(len(re.findall(r": chạy xong", output)))
        register.write_bytes(original)
        kttt_build(out, data=data, years=("--all-years",))
        results[year] = {"times": times, "executed": counts}
        say(f"   {year}/htx.xlsx: {med(times):.1f} s, notebooks re-executed {counts}")
    results["cold_all"] = cold_all
    return results


# ----------------------------------------------------------------------------- 4. national scale

COMPUTE = r"""
import json, resource, sys, time, pickle
from pathlib import Path
from kttt.indicators import compute_many
datasets = pickle.loads(Path(sys.argv[1]).read_bytes())
start = time.perf_counter()
table = compute_many(datasets)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": len(table), "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "htx_2024": float(table[(table.nam == 2024) & (table.ma_chi_tieu == "htx_hien_co") & (table.dia_ban == "toan_tinh") & (table.linh_vuc == "")]["gia_tri"].sum()),
                  "tht_2024": float(table[(table.nam == 2024) & (table.ma_chi_tieu == "tht_hien_co") & (table.dia_ban == "toan_tinh") & (table.linh_vuc == "")]["gia_tri"].sum()),
                  "province_years": int(table[["tinh", "nam"]].drop_duplicates().shape[0])}))
"""

LOAD = r"""
import json, pickle, resource, sys, time
from pathlib import Path
from kttt.load import load_dataset
start = time.perf_counter()
datasets = [load_dataset(p) for p in sorted(Path(sys.argv[1]).glob("tinh_*"))]
elapsed = time.perf_counter() - start
assert all(d.ok for d in datasets)
rows = sum(f.rows_read for d in datasets for f in d.files)
t = time.perf_counter()
blob = pickle.dumps(datasets, protocol=5)
Path(sys.argv[2]).write_bytes(blob)
dump = time.perf_counter() - t
t = time.perf_counter()
pickle.loads(Path(sys.argv[2]).read_bytes())
back = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "rows": rows, "datasets": len(datasets), "pickle_write": dump, "pickle_read": back,
                  "pickle_mib": len(blob) / 2**20, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

ENGINES = r"""
import json, sys, time
import pandas as pd
path = sys.argv[1]
out = {}
for engine in ("calamine", "openpyxl"):
    times = []
    for _ in range(int(sys.argv[2])):
        t = time.perf_counter()
        frame = pd.read_excel(path, engine=engine, header=None, dtype=object)
        times.append(time.perf_counter() - t)
    out[engine] = {"times": times, "rows": len(frame)}
print(json.dumps(out))
"""


def py(code: str, *args: str) -> dict:
    _, output = run([sys.executable, "-c", code, *args])
    return json.loads(output.strip().splitlines()[-1])


def bench_national() -> dict:
    say("4. national scale …")
    if not (NATIONAL / "tinh_34" / "2024" / "tht.xlsx").is_file():
        say("   generating 34 provinces × 10 years (seeded) …")
        t, _ = run([sys.executable, "-m", "kttt.sample", str(NATIONAL), "--national"])
        say(f"   generated in {t:.0f} s")
    cache = WORK / "national.pickle"
    loads = [py(LOAD, str(NATIONAL), str(cache)) for _ in range(RUNS)]
    computes = [py(COMPUTE, str(cache)) for _ in range(RUNS)]
    biggest = max(NATIONAL.glob("tinh_*/2024/tht.xlsx"), key=lambda p: p.stat().st_size)
    engines = py(ENGINES, str(biggest), str(RUNS))
    sample_engines = {}
    for name in ("htx", "tht"):
        sample_engines[name] = py(ENGINES, str(SAMPLE / str(YEAR) / f"{name}.xlsx"), str(RUNS))
    say(f"   load {med([x['seconds'] for x in loads]):.1f} s for {loads[0]['rows']} rows; "
        f"compute_many {med([x['seconds'] for x in computes]):.2f} s, peak {max(x['peak_mib'] for x in computes):.0f} MiB")
    return {"load": loads, "compute": computes, "engines": engines, "engines_file": biggest.relative_to(ROOT).as_posix(),
            "sample_engines": sample_engines}


# ----------------------------------------------------------------------------- 5. throughput

def bench_throughput(tmp: Path) -> dict:
    say("5. throughput: 34 provinces × 2024, --jobs 2 …")
    provinces = sorted(NATIONAL.glob("tinh_*"))
    times, counts = [], []
    for i in range(RUNS):
        elapsed, output = run([str(VENV_BIN / "kttt"), "build", *map(str, provinces), "--year", "2024",
                               "--out", str(tmp / f"through{i}"), "--no-cache", "--jobs", "2"])
        times.append(elapsed)
        counts.append(len(re.findall(r": chạy xong", output)))
        say(f"   run {i + 1}: {counts[-1]} notebooks in {elapsed:.0f} s ({counts[-1] / elapsed * 60:.0f}/min)")
    return {"times": times, "notebooks": counts, "provinces": len(provinces)}


# ----------------------------------------------------------------------------- report

def write(results: dict, path: Path) -> None:
    cold, noop, change, nat, thr = (results[k] for k in ("cold", "noop", "change", "national", "throughput"))
    naive_m, full_m, html_m = med(cold["naive"]), med(cold["full"]), med(cold["html"])
    load_m = med([x["seconds"] for x in nat["load"]])
    comp_m = med([x["seconds"] for x in nat["compute"]])
    peak = max(x["peak_mib"] for x in nat["compute"])
    eng = nat["engines"]
    cal, opx = med(eng["calamine"]["times"]), med(eng["openpyxl"]["times"])
    thr_m = med(thr["times"])
    comp_runs = ", ".join(f"{x['seconds']:.2f}" for x in nat["compute"])
    load_runs = ", ".join(f"{x['seconds']:.1f}" for x in nat["load"])
    per_min = [n / t * 60 for n, t in zip(thr["notebooks"], thr["times"], strict=True)]
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` (`benchmarks/run.py`) on {results['date']}: {results['machine']}.",
        f"Every figure is the median of {RUNS} runs unless marked otherwise; naive and kttt runs alternate",
        "in the same session. This machine is shared and noisy: read ratios, not absolute seconds.",
        "",
        "## 1. Cold build against the naive way (sample dataset, year 2022, 6 notebooks)",
        "",
        "Naive = for each notebook, `papermill` CLI then `jupyter nbconvert --to html --no-input` CLI,",
        "one after another (HTML only). kttt = `kttt build data/yen_bai --year 2022 --no-cache` (2 workers).",
        "",
        "| | median | runs | ratio to naive |",
        "|---|---|---|---|",
        f"| naive (papermill + nbconvert CLI) | {fmt_s(naive_m)} | {', '.join(f'{x:.1f}' for x in cold['naive'])} | 1 |",
        f"| kttt, HTML + CSV + manifest (`--format html`) | {fmt_s(html_m)} | {', '.join(f'{x:.1f}' for x in cold['html'])} | **{html_m / naive_m:.2f}** |",
        f"| kttt, HTML + PDF + XLSX + CSV + manifest | {fmt_s(full_m)} | {', '.join(f'{x:.1f}' for x in cold['full'])} | **{full_m / naive_m:.2f}** |",
        "",
        "Goal ≤ 0.25 of the naive time. The like-for-like comparison is the HTML row; the full row also",
        "renders the 27-page PDF (WeasyPrint, the slowest single step) and the workbook. Profile and the before/after history of each speed-up: `docs/performance.md`.",
        "",
        "## 2. No-op rebuild (nothing changed)",
        "",
        "| | median | ratio to cold |",
        "|---|---|---|",
        f"| `kttt build --year 2022` again | {fmt_s(med(noop['one']))} | **{med(noop['one']) / full_m:.3f}** (cold {fmt_s(full_m)}) |",
        f"| `kttt build --all-years` again | {fmt_s(med(noop['all']))} | **{med(noop['all']) / noop['cold_all']:.3f}** (cold {fmt_s(noop['cold_all'])}, one run) |",
        "",
        "Goal ≤ 0.02. A no-op hashes the notebooks, the inputs and the kttt source, checks each published",
        "year's manifest and output hashes, and stops — it never imports pandas or starts a kernel.",
        "",
        "## 3. One register changed (all five years published, one `htx.xlsx` edited)",
        "",
        "| register changed | notebooks re-executed (per run) | median time | ratio to cold all-years |",
        "|---|---|---|---|",
    ]
    for year in (2024, 2022):
        c = change[year]
        lines.append(f"| {year}/htx.xlsx | {', '.join(map(str, c['executed']))} | {fmt_s(med(c['times']))} | "
                     f"{med(c['times']) / change['cold_all']:.2f} |")
    lines += [
        "",
        "A notebook re-runs when a file it reads changes. Year Y's notebooks read Y and Y − 1 (for the",
        "change on the year before) and `05_xu_huong` reads every year up to Y: changing 2024 re-runs the",
        "6 notebooks of 2024 only; changing 2022 re-runs 2022 (6), 2023 (6: its \"year before\") and the",
        "trend notebook of 2024 (1) = 13. Unchanged years are not re-rendered.",
        "",
        "## 4. National scale (34 provinces × 10 years, generated)",
        "",
        f"`python -m kttt.sample {NATIONAL.relative_to(ROOT)} --national` (seeded): 34 synthetic provinces, 2015–2024,",
        f"whose 2024 counts add up to the national totals (computed back: {nat['compute'][0]['htx_2024']:,.0f} HTX,",
        f"{nat['compute'][0]['tht_2024']:,.0f} THT); {nat['load'][0]['rows']:,} register rows in {nat['load'][0]['datasets']} datasets.",
        "",
        "| step | median | runs | peak memory |",
        "|---|---|---|---|",
        f"| `compute_many` (every indicator, province, unit, sector; {nat['compute'][0]['province_years']} province-years) | "
        f"**{fmt_s(comp_m)}** | {comp_runs} | {peak:.0f} MiB (process peak RSS, data included) |",
        f"| loading + validating all registers (`load_dataset` × 34, calamine) | {fmt_s(load_m)} | "
        f"{load_runs} | {max(x['peak_mib'] for x in nat['load']):.0f} MiB |",
        f"| reading back a pickle cache of the parsed datasets ({med([x['pickle_mib'] for x in nat['load']]):.0f} MiB) | "
        f"{fmt_s(med([x['pickle_read'] for x in nat['load']]))} | | |",
        "",
        "Goal: compute within 5 s and 2 GiB on 2 cores. Indicators are numpy `bincount`s over group codes",
        "computed once per grouping, so all 340 province-years go in one pass per indicator.",
        "",
        f"Excel engines on the same file (`{nat['engines_file']}`, {eng['calamine']['rows']:,} rows):",
        f"calamine {fmt_s(cal)}, openpyxl {fmt_s(opx)} — calamine takes **{cal / opx:.2f}** of openpyxl's time.",
        "On the sample registers (2022): " + "; ".join(
            f"{k}.xlsx calamine {fmt_s(med(v['calamine']['times']))}, openpyxl {fmt_s(med(v['openpyxl']['times']))} "
            f"(ratio {med(v['calamine']['times']) / med(v['openpyxl']['times']):.2f})" for k, v in nat["sample_engines"].items()) + ".",
        "",
        "## 5. Throughput (34 provinces × 2024, `kttt build <34 folders> --year 2024 --jobs 2 --no-cache`)",
        "",
        f"{thr['notebooks'][0]} notebooks executed and rendered (HTML, PDF, XLSX, CSV) in {fmt_s(thr_m)} median "
        f"({', '.join(f'{x:.0f}' for x in thr['times'])} s): **{med(per_min):.0f} notebooks per minute**.",
        "",
        "## Reproduce",
        "",
        "```bash",
        "make bench            # KTTT_BENCH_RUNS=5 make bench for more runs",
        "```",
        "",
        "Raw figures: `benchmarks/results.json`.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine(), "date": time.strftime("%Y-%m-%d"), "runs": RUNS}
    with tempfile.TemporaryDirectory(prefix="kttt-bench-") as tmpdir:
        tmp = Path(tmpdir)
        results["cold"] = bench_cold(tmp)
        results["noop"] = bench_noop(tmp, med(results["cold"]["full"]))
        results["change"] = bench_change(tmp, results["noop"]["cold_all"])
        results["national"] = bench_national()
        results["throughput"] = bench_throughput(tmp)
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    write(results, ROOT / "docs" / "benchmarks.md")
    say("→ docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
