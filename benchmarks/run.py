"""`make bench`: measure kttt's build on this machine, in one run.

Writes docs/benchmarks.md (figures, machine, how to reproduce), benchmarks/results.json and the
scaling chart docs/benchmarks_scaling.svg. Every figure is a median of at least RUNS runs (env
KTTT_BENCH_RUNS, default 3); compared runs alternate so that a noisy neighbour hurts both alike.

1. cold build vs the naive way (papermill CLI then `jupyter nbconvert --to html` CLI per
   notebook, one after another) for the sample year 2022;
2. no-op rebuild vs cold build;
3. one register changed: what re-executes, and the time;
4. national scale: 34 provinces × 10 years (generated, seeded) — loading (calamine vs
   openpyxl, a pickle cache of parsed registers) and compute_many: wall time, peak memory;
5. throughput: the 34-province collection × 2024 with --jobs 2 (every province and the
   roll-up), notebooks per minute;
6. the local process pool vs Dask distributed on this machine (a running `dask scheduler` with
   two `dask worker --nthreads 1`, and `--scheduler local`), same build, same bytes;
7. scaling: a simulation, from the task times measured in 5, of 34 provinces × 10 years on
   1, 4, 16 and 64 workers (makespan, bounds, efficiency), with a chart.

`python benchmarks/run.py --quick` runs 5–7 once on a small input (3 provinces × 2 years, the
sample's 2022 as HTML) to check the code; it writes benchmarks/_work/partial.md, never the docs.
`--only 5,6` runs some sections (into benchmarks/_work/ too).
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
sys.path.insert(0, str(ROOT))

from kttt.outputs import DEFAULT_FORMATS, OUTPUTS  # noqa: E402 - the registry of output formats
from kttt.pipeline.plan import notebooks  # noqa: E402 - the report notebooks

NOTEBOOKS = len(notebooks())
# render tasks of a year with every format: one per format with its own task, one for the rest
RENDER_TASKS = 1 + sum(OUTPUTS[name].own_task for name in DEFAULT_FORMATS)

VENV_BIN = Path(sys.executable).parent
WORK = ROOT / "benchmarks" / "_work"
SAMPLE = ROOT / "data" / "yen_bai"
QUICK = "--quick" in sys.argv
NATIONAL = WORK / ("national_quick" if QUICK else "national")
RUNS = 1 if QUICK else max(3, int(os.environ.get("KTTT_BENCH_RUNS", "3")))
YEAR = 2022
ENV = {**os.environ, "PYTHONHASHSEED": "0"}
SCALING_WORKERS = (1, 4, 16, 64)
SCALING_YEARS = 10
NO_PDF = ",".join(name for name in DEFAULT_FORMATS if name != "pdf")  # the throughput without the PDF


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
        say(f"   run {i + 1}: naive {naive_t[-1]:.1f} s, kttt (every format) {full_t[-1]:.1f} s, "
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

def ensure_national() -> None:
    """The national collection (34 provinces × 2015–2024, seeded; 3 × 2023–2024 when quick)."""
    if (NATIONAL / "tap_du_lieu.yaml").is_file() and (NATIONAL / ("tinh_03" if QUICK else "tinh_34") / "2024").is_dir():
        return
    shutil.rmtree(NATIONAL, ignore_errors=True)
    say(f"   generating {NATIONAL.relative_to(ROOT)} (seeded) …")
    if QUICK:
        code = ("import sys; from pathlib import Path; from kttt.sample import generate_national; "
                "generate_national(Path(sys.argv[1]), provinces=3, years=(2023, 2024))")
        t, _ = run([sys.executable, "-c", code, str(NATIONAL)])
    else:
        t, _ = run([str(VENV_BIN / "kttt"), "sample", "--national", str(NATIONAL)])
    say(f"   generated in {t:.0f} s")


def bench_throughput(tmp: Path) -> dict:
    """Every format, and (alternating, the same run count) every format but the PDF: the PDF's
    layout (WeasyPrint) is the largest single task of a province-year."""
    ensure_national()
    provinces = sorted(NATIONAL.glob("tinh_*"))
    say(f"5. throughput: the {len(provinces)}-province collection × 2024, --jobs 2 …")
    times, counts, logs, no_pdf = [], [], [], []
    for i in range(RUNS):
        elapsed, output = run([str(VENV_BIN / "kttt"), "build", str(NATIONAL), "--year", "2024",
                               "--out", str(tmp / f"through{i}"), "--no-cache", "--jobs", "2"])
        times.append(elapsed)
        counts.append(len(re.findall(r": chạy xong", output)))
        logs.append(output)
        say(f"   run {i + 1}: {counts[-1]} notebooks in {elapsed:.0f} s ({counts[-1] / elapsed * 60:.0f}/min)")
        elapsed, output = run([str(VENV_BIN / "kttt"), "build", str(NATIONAL), "--year", "2024",
                               "--out", str(tmp / f"through_nopdf{i}"), "--no-cache", "--jobs", "2",
                               "--format", NO_PDF])
        no_pdf.append([elapsed, len(re.findall(r": chạy xong", output))])
        say(f"   run {i + 1} without the PDF: {no_pdf[-1][1]} notebooks in {elapsed:.0f} s "
            f"({no_pdf[-1][1] / elapsed * 60:.0f}/min)")
    fastest = min(range(len(times)), key=times.__getitem__)
    return {"times": times, "notebooks": counts, "provinces": len(provinces), "log": logs[fastest],
            "collection": NATIONAL.name, "no_pdf": no_pdf}


# ----------------------------------------------------------------------------- 6. local pool vs Dask

def digest_tree(folder: Path) -> dict[str, str]:
    import hashlib

    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".kttt" not in p.parts}


def start_cluster(folder: Path) -> tuple[str, list[subprocess.Popen]]:
    """`dask scheduler` and two `dask worker --nthreads 1` on 127.0.0.1 (as docs/dask.md says)."""
    from distributed import Client

    file = folder / "scheduler.json"
    log = (folder / "cluster.log").open("ab")
    dask = str(VENV_BIN / "dask")
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--idle-timeout", "3600", "--scheduler-file", str(file)], stdout=log, stderr=log,
                              start_new_session=True)]
    deadline = time.monotonic() + 60
    while not file.is_file() and time.monotonic() < deadline:
        time.sleep(0.2)
    address = json.loads(file.read_text())["address"]
    for i in (1, 2):
        procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--name", f"w{i}", "--no-dashboard",
                                       "--death-timeout", "60", "--local-directory", str(folder / f"w{i}")],
                                      stdout=log, stderr=log, start_new_session=True))
    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=120)
    return address, procs


def stop_cluster(procs: list[subprocess.Popen]) -> None:
    import signal

    for p in reversed(procs):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def bench_dask(tmp: Path) -> dict:
    """The same cold build (sample 2022, all formats; HTML only when quick) on the local pool,
    on a running Dask cluster (two workers) and on `--scheduler local`, alternating."""
    say("6. local pool vs Dask …")
    extra = ("--no-cache", "--format", "html") if QUICK else ("--no-cache",)
    address, procs = start_cluster(tmp)
    out: dict = {"local": [], "dask": [], "dask_local": [], "same_bytes": True}
    try:
        # one build each first: workers' kernels warm, files in the page cache
        kttt_build(tmp / "warm_local", *extra)
        kttt_build(tmp / "warm_dask", *extra, "--scheduler", address)
        for i in range(RUNS):
            out["local"].append(kttt_build(tmp / f"local{i}", *extra)[0])
            out["dask"].append(kttt_build(tmp / f"dask{i}", *extra, "--scheduler", address)[0])
            out["dask_local"].append(kttt_build(tmp / f"dasklocal{i}", *extra, "--scheduler", "local")[0])
            same = digest_tree(tmp / f"local{i}" / "yen_bai") == digest_tree(tmp / f"dask{i}" / "yen_bai") \
                == digest_tree(tmp / f"dasklocal{i}" / "yen_bai")
            out["same_bytes"] = out["same_bytes"] and same
            say(f"   run {i + 1}: local {out['local'][-1]:.1f} s, Dask (running cluster) {out['dask'][-1]:.1f} s, "
                f"Dask (--scheduler local) {out['dask_local'][-1]:.1f} s; same bytes: {same}")
    finally:
        stop_cluster(procs)
    out["tasks"] = NOTEBOOKS + (1 if QUICK else RENDER_TASKS) + 1  # the notebooks, the renders, 1 check
    return out


# ----------------------------------------------------------------------------- 7. scaling

KERNEL_START = r"""
import json, time
t = time.perf_counter()
from kttt.pipeline.kernel import WarmKernel
k = WarmKernel()
k.start()
print(json.dumps({"seconds": time.perf_counter() - t}))
k.stop()
"""


def bench_scaling(throughput: dict, dask: dict | None) -> dict:
    """Simulate 34 provinces × 10 years on 1–64 workers from the task times of section 5."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from simulate import critical_path, makespan, measured, national_graph, total_work

    say("7. scaling (simulation from measured task times) …")
    startup = med([py(KERNEL_START)["seconds"] for _ in range(RUNS)])
    overhead = 0.0
    if dask:
        overhead = max(0.0, (med(dask["dask"]) - med(dask["local"])) / dask["tasks"])
    times = measured(throughput["log"])
    graph = national_graph(times, SCALING_YEARS, throughput["collection"])
    work, path = total_work(graph), critical_path(graph)
    rows = []
    single = makespan(graph, 1, startup, overhead)
    for w in SCALING_WORKERS:
        span = makespan(graph, w, startup, overhead)
        rows.append({"workers": w, "makespan": span, "speedup": single / span, "efficiency": single / span / w,
                     "bound": max(path + startup, work / w + startup)})
        say(f"   {w:>3} workers: {span:,.0f} s (speed-up {single / span:.1f}, efficiency {single / span / w:.0%})")
    kinds: dict[str, list[float]] = {}
    for province, t in times.items():
        if province == throughput["collection"]:
            continue
        for kind, seconds in t.items():
            kinds.setdefault(kind, []).append(seconds)
    return {"rows": rows, "work": work, "critical_path": path, "startup": startup, "overhead": overhead,
            "tasks": len(graph), "provinces": len(times) - (throughput["collection"] in times),
            "years": SCALING_YEARS, "kinds": {k: med(v) for k, v in sorted(kinds.items())}}


def chart(scaling: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = scaling["rows"]
    ws = [r["workers"] for r in rows]
    with plt.rc_context({"svg.hashsalt": "kttt", "svg.fonttype": "none", "font.family": "DejaVu Sans"}):
        fig, ax = plt.subplots(figsize=(7.2, 4.0))
        ax.plot(ws, [r["makespan"] / 60 for r in rows], marker="o", label="simulated build")
        ax.plot(ws, [(scaling["work"] / w + scaling["startup"]) / 60 for w in ws], linestyle="--",
                label="total work / workers")
        ax.axhline((scaling["critical_path"] + scaling["startup"]) / 60, color="#c44e52", linewidth=1,
                   label="longest chain of tasks")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(ws, [str(w) for w in ws])
        ax.set_xlabel("workers (one kernel each)")
        ax.set_ylabel("minutes")
        ax.set_title(f"{scaling['provinces']} provinces × {scaling['years']} years: simulated makespan")
        ax.legend(frameon=False)
        fig.tight_layout()
        fig.savefig(path, format="svg", metadata={"Date": None})
        plt.close(fig)


# ----------------------------------------------------------------------------- report

def section_throughput(thr: dict, thr_m: float, per_min: list[float]) -> list[str]:
    lines = [
        f"## 5. Throughput (the {thr['provinces']}-province collection × 2024: "
        f"`kttt build {NATIONAL.relative_to(ROOT)} --year 2024 --jobs 2 --no-cache`)",
        "",
        f"{thr['notebooks'][0]} notebooks (every province's report notebooks and the roll-up's) executed and "
        f"rendered (every format: HTML, PDF, DOCX, XLSX, CSV) in {fmt_s(thr_m)} median "
        f"({', '.join(f'{x:.0f}' for x in thr['times'])} s): "
        f"**{med(per_min):.0f} notebooks per minute** (goal ≥ 60 on 2 cores).",
        "",
    ]
    if thr.get("no_pdf"):
        runs = thr["no_pdf"]
        rate = med([n / t * 60 for t, n in runs])
        lines += [
            f"The same build without the PDF (`--format {NO_PDF}`, runs alternating with the above): "
            f"{fmt_s(med([t for t, _ in runs]))} median ({', '.join(f'{t:.0f}' for t, _ in runs)} s): "
            f"**{rate:.0f} notebooks per minute**. The archival PDF (WeasyPrint's layout of a tagged "
            "PDF/A of 30–50 pages) is the largest single task of a province-year (section 7's task times).",
            "",
        ]
    return lines


def section_dask(dask: dict | None) -> list[str]:
    if not dask:
        return []
    local, remote, started = med(dask["local"]), med(dask["dask"]), med(dask["dask_local"])
    return [
        "## 6. Local process pool vs Dask distributed (this machine, sample 2022, `--no-cache`)",
        "",
        "Dask: a running `dask scheduler` and two `dask worker --nthreads 1` on 127.0.0.1 (docs/dask.md), and",
        "`--scheduler local` (a LocalCluster started and stopped by the build). Same tasks, same bytes "
        f"(checked every run: **{'identical' if dask['same_bytes'] else 'DIFFERENT'}**).",
        "",
        "| executor | median | runs | ratio to local |",
        "|---|---|---|---|",
        f"| local pool (`--jobs 2`) | {fmt_s(local)} | {', '.join(f'{x:.1f}' for x in dask['local'])} | 1 |",
        f"| Dask, running cluster (`--scheduler tcp://…`) | {fmt_s(remote)} | "
        f"{', '.join(f'{x:.1f}' for x in dask['dask'])} | **{remote / local:.2f}** |",
        f"| Dask, `--scheduler local` (cluster start included) | {fmt_s(started)} | "
        f"{', '.join(f'{x:.1f}' for x in dask['dask_local'])} | {started / local:.2f} |",
        "",
        "Goal: Dask ≤ 1.15 × local (the running-cluster row: a real site keeps its cluster up).",
        "A running cluster's workers keep their warm kernels from one build to the next, while each",
        "`kttt build` on the local pool starts its worker processes and their kernels (section 7's",
        "kernel start); `--scheduler local` starts a whole cluster (scheduler, nannies, workers) first.",
        "",
    ]


def section_scaling(scaling: dict | None, chart_path: str | None) -> list[str]:
    if not scaling:
        return []
    rows = scaling["rows"]
    lines = [
        f"## 7. Scaling: {scaling['provinces']} provinces × {scaling['years']} years on more workers (simulation)",
        "",
        f"A discrete-event simulation (`benchmarks/simulate.py`) of kttt's own task graph ({scaling['tasks']:,} tasks:",
        f"per province a check; per province-year {NOTEBOOKS} notebooks, {RENDER_TASKS} renders, a publish; the roll-up) and scheduler",
        "(ready tasks to the first free worker, renders first), with the task times measured in section 5",
        f"(medians per task: {', '.join(f'{k} {v:.1f} s' for k, v in scaling['kinds'].items())}), a kernel start",
        f"of {scaling['startup']:.1f} s per worker and {scaling['overhead']:.2f} s of dispatch per task (Dask − local,",
        "section 6). Every year reuses the 2024 times, which overstates earlier (smaller) years.",
        "",
        "| workers | makespan | speed-up | efficiency | lower bound |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['workers']} | {r['makespan'] / 60:,.1f} min | {r['speedup']:.1f} | {r['efficiency']:.0%} | "
                     f"{r['bound'] / 60:,.1f} min |")
    knee = max((r["workers"] for r in rows if r["efficiency"] >= 0.8), default=1)
    lines += [
        "",
        f"Total work {scaling['work'] / 60:,.0f} min; the longest chain of tasks (a check, a province's slowest notebook,",
        f"its PDF) {scaling['critical_path']:.0f} s. Efficiency stays ≥ 80 % up to {knee} workers; beyond, the makespan",
        "approaches the larger of total work / workers and the longest chain plus a kernel start: the",
        "last provinces' PDFs (the longest single tasks) finish alone while other workers idle.",
        "",
    ]
    if chart_path:
        lines += [f"![makespan against workers]({chart_path})", ""]
    return lines


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
        f"## 1. Cold build against the naive way (sample dataset, year 2022, {NOTEBOOKS} notebooks)",
        "",
        "Naive = for each notebook, `papermill` CLI then `jupyter nbconvert --to html --no-input` CLI,",
        "one after another (HTML only). kttt = `kttt build data/yen_bai --year 2022 --no-cache` (2 workers).",
        "",
        "| | median | runs | ratio to naive |",
        "|---|---|---|---|",
        f"| naive (papermill + nbconvert CLI) | {fmt_s(naive_m)} | {', '.join(f'{x:.1f}' for x in cold['naive'])} | 1 |",
        f"| kttt, HTML + CSV + manifest (`--format html`) | {fmt_s(html_m)} | {', '.join(f'{x:.1f}' for x in cold['html'])} | **{html_m / naive_m:.2f}** |",
        f"| kttt, every format (HTML, PDF, DOCX, XLSX, CSV) + manifest | {fmt_s(full_m)} | {', '.join(f'{x:.1f}' for x in cold['full'])} | **{full_m / naive_m:.2f}** |",
        "",
        "Goal ≤ 0.25 of the naive time. The like-for-like comparison is the HTML row; the full row also",
        "renders the archival PDF (WeasyPrint, the slowest single step), the Word report and the workbook. Profile and the before/after history of each speed-up: `docs/performance.md`.",
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
        "change on the year before) and `05_xu_huong` reads every year up to Y: changing 2024 re-runs",
        f"the notebooks of 2024 only ({change[2024]['executed'][0]}); changing 2022 re-runs those of 2022 and 2023 (its",
        f"\"year before\" is 2022) and the trend notebook of 2024 ({change[2022]['executed'][0]}). Unchanged years are not re-rendered.",
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
        *section_throughput(thr, thr_m, per_min),
        *section_dask(results.get("dask")),
        *section_scaling(results.get("scaling"), results.get("chart")),
        "## Elsewhere",
        "",
        "- The loader against merely reading the files (issue 9.4: 5 generated provinces, CSV, a register of",
        "  1.000.000 rows): `docs/loader.md`, measured by `python benchmarks/loader.py`.",
        "- Peak memory of a whole build with a 1.000.000-row register (issue 12.9): `docs/big_register.md`,",
        "  measured by `python benchmarks/big_build.py`.",
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
    only = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--only=")), None)
    if "--only" in sys.argv:
        only = sys.argv[sys.argv.index("--only") + 1]
    sections = {int(x) for x in only.split(",")} if only else ({5, 6, 7} if QUICK else set(range(1, 8)))
    if 3 in sections:
        sections.add(2)  # 3 compares with 2's cold all-years build, 2 with 1's cold build
    if 2 in sections:
        sections.add(1)
    results: dict = {"machine": machine(), "date": time.strftime("%Y-%m-%d"), "runs": RUNS, "quick": QUICK}
    with tempfile.TemporaryDirectory(prefix="kttt-bench-") as tmpdir:
        tmp = Path(tmpdir)
        if 1 in sections:
            results["cold"] = bench_cold(tmp)
        if 2 in sections:
            results["noop"] = bench_noop(tmp, med(results["cold"]["full"]))
        if 3 in sections:
            results["change"] = bench_change(tmp, results["noop"]["cold_all"])
        if 4 in sections:
            results["national"] = bench_national()
        if sections & {5, 7}:
            results["throughput"] = bench_throughput(tmp)
        if 6 in sections:
            results["dask"] = bench_dask(tmp)
        if 7 in sections:
            results["scaling"] = bench_scaling(results["throughput"], results.get("dask"))
    complete = sections == set(range(1, 8))
    folder = ROOT / "docs" if complete else WORK
    svg = folder / ("benchmarks_scaling.svg" if complete else "scaling.svg")
    if "scaling" in results:
        chart(results["scaling"], svg)
        results["chart"] = svg.name
    raw = ROOT / "benchmarks" / "results.json" if complete else WORK / "results-partial.json"
    raw.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    if complete:
        write(results, ROOT / "docs" / "benchmarks.md")
        say("→ docs/benchmarks.md")
    else:
        text = "\n".join([f"# Benchmarks (partial: sections {sorted(sections)}{', quick' if QUICK else ''})", "",
                           f"{results['date']}: {results['machine']}", "",
                           *(section_throughput(results["throughput"], med(results["throughput"]["times"]),
                                                [n / t * 60 for n, t in zip(results["throughput"]["notebooks"],
                                                                            results["throughput"]["times"],
                                                                            strict=True)])
                             if "throughput" in results else []),
                           *section_dask(results.get("dask")),
                           *section_scaling(results.get("scaling"), results.get("chart"))])
        (WORK / "partial.md").write_text(text + "\n", encoding="utf-8")
        say(f"→ {(WORK / 'partial.md').relative_to(ROOT)} (docs/benchmarks.md is written by a full run only)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
