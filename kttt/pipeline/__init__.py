"""``kttt build``: run the notebooks (papermill, in parallel, cached) and publish each year.

For every year asked for: the dataset is validated first (a dataset with errors builds
nothing and touches nothing); each notebook runs in a worker process unless its cache key
is unchanged (:mod:`kttt.pipeline.plan`); once all of a year's notebooks have run, its outputs
are rendered aside — HTML pages and ``index.html``, ``bao_cao_kttt_<year>.pdf``,
``bang_bieu_<year>.xlsx``, ``chi_so_<year>.csv``, ``manifest.json`` — and moved into
``OUT/<dataset>/<year>/`` in one step. A failing notebook leaves the previous publication
as it was, keeps the failed executed notebook (with papermill's error banner) under
``OUT/<dataset>/.loi/<year>/`` and says which notebook and cell failed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from kttt import fmt
from kttt.config import (
    REPO_ROOT,
    REPORTS_DIR,
    dataset_name,
    resolve_data_dir,
    year_dirs,
    years_needed,
)
from kttt.outputs import OUTPUTS, choose
from kttt.outputs.manifest import write_manifest
from kttt.pipeline.execute import Executed, execute
from kttt.pipeline.plan import (
    Job,
    make_job,
    notebooks,
    sha256_file,
    source_digest,
)
from kttt.problems import SEVERITY_LABELS


@dataclass
class BuildResult:
    """What a build did."""

    ok: bool
    published: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    executed: list[tuple[int, str]] = field(default_factory=list)
    cached: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def git_commit() -> str:
    """The repository's commit, or "" outside a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                             timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def _say(log: Callable[[str], None] | None) -> Callable[[str], None]:
    if log is not None:
        return log
    return lambda text: print(text, flush=True)


# ----------------------------------------------------------------------------- rendering (worker)

def render_year(root: str, out_dir: str, year: int, executed: dict[str, str], formats: tuple[str, ...],
                names: tuple[str, ...], commit: str) -> list[str]:
    """Render some of a year's formats into ``out_dir`` (a staging folder), in a worker.
    Returns the files written."""
    from kttt.outputs import RenderSource, render

    source = RenderSource(Path(root), year, executed, formats, commit)
    return render(names, source, Path(out_dir))


# ----------------------------------------------------------------------------- publishing

def publish(staging: Path, final: Path) -> None:
    """Move a fully built year into place; the old publication goes only once the new one is in."""
    old = final.with_name(f".cu-{final.name}")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    if old.exists():
        shutil.rmtree(old)


def recover(dataset_out: Path) -> None:
    """Put back a publication left aside by an interrupted publish."""
    for old in dataset_out.glob(".cu-*"):
        final = dataset_out / old.name[len(".cu-"):]
        if not final.exists():
            old.rename(final)
        else:
            shutil.rmtree(old)


def year_key(jobs: Iterable[Job], formats: tuple[str, ...]) -> str:
    material = json.dumps({"jobs": sorted((j.name, j.key) for j in jobs), "formats": sorted(formats),
                           "kttt": source_digest()}, sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()


def is_current(final: Path, key: str) -> bool:
    """The published year was built from the same key and its files are intact."""
    manifest = final / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    if data.get("khoa_dung") != key:
        return False
    for entry in data.get("dau_ra", []):
        path = final / entry["tep"]
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            return False
    return True


# ----------------------------------------------------------------------------- the build

@dataclass
class _Target:
    """One dataset of a build: where it is, what is asked, its plan and state."""

    root: Path
    name: str
    data_dir_arg: str
    out: Path
    wanted: list[int]
    plan: dict[int, list[Job]]
    keys: dict[int, str]
    result: BuildResult
    current: set[int] = field(default_factory=set)
    dataset: object = None
    executed: dict[int, dict[str, str]] = field(default_factory=dict)
    waiting: dict[int, int] = field(default_factory=dict)

    @property
    def cache(self) -> Path:
        return self.out / ".cache"

    @property
    def staging(self) -> Path:
        return self.out / ".dang-dung"

    @property
    def failed_dir(self) -> Path:
        return self.out / ".loi"


def _prepare(data_dir: str | Path, years: Iterable[int] | None, all_years: bool, out_root: Path,
             books: list[Path], formats: tuple[str, ...], use_cache: bool, say: Callable[[str], None],
             digests: dict[Path, str]) -> _Target | None:
    root = resolve_data_dir(data_dir)
    available = year_dirs(root)
    wanted = available if all_years else sorted(set(int(y) for y in (years or available[-1:])))
    missing = [y for y in wanted if y not in available]
    if not root.is_dir() or missing or not wanted:
        say(f"Lỗi: không có dữ liệu năm {', '.join(map(str, missing)) or '(không có năm nào)'} trong {root}.")
        return None
    name = dataset_name(root)
    plan = {y: [make_job(root, y, nb, digests) for nb in books] for y in wanted}
    target = _Target(root, name, str(data_dir), out_root / name, wanted, plan,
                     {y: year_key(js, formats) for y, js in plan.items()}, BuildResult(ok=False))
    if target.out.is_dir():
        recover(target.out)
    target.current = {y for y in wanted if use_cache and is_current(target.out / str(y), target.keys[y])}
    return target


def build(data_dir: str | Path, years: Iterable[int] | None = None, all_years: bool = False,
          out: str | Path | None = None, jobs: int | None = None, use_cache: bool = True,
          formats: Iterable[str] | None = None, log: Callable[[str], None] | None = None,
          notebook_dir: Path | None = None) -> BuildResult:
    """Build the report collection of one dataset (see the module doc).

    Without ``years`` nor ``all_years``, the latest year is built.
    """
    results = build_many([data_dir], years, all_years, out, jobs, use_cache, formats, log, notebook_dir)
    return next(iter(results.values())) if results else BuildResult(ok=False)


def build_many(data_dirs: Iterable[str | Path], years: Iterable[int] | None = None, all_years: bool = False,
               out: str | Path | None = None, jobs: int | None = None, use_cache: bool = True,
               formats: Iterable[str] | None = None, log: Callable[[str], None] | None = None,
               notebook_dir: Path | None = None) -> dict[str, BuildResult]:
    """Build several datasets (provinces) with one pool of warm workers: one province's
    rendering overlaps the next one's notebooks. Returns a result per dataset name."""
    say = _say(log)
    try:
        formats = choose(formats)
    except ValueError as exc:
        say(f"Lỗi: {exc}.")
        return {}
    out_root = Path(out).resolve() if out else REPORTS_DIR
    books = notebooks(notebook_dir) if notebook_dir else notebooks()
    digests: dict[Path, str] = {}
    targets: list[_Target] = []
    results: dict[str, BuildResult] = {}
    pending: list[_Target] = []
    started = time.perf_counter()
    for data_dir in data_dirs:
        target = _prepare(data_dir, years, all_years, out_root, books, formats, use_cache, say, digests)
        if target is None:
            results[dataset_name(resolve_data_dir(data_dir))] = BuildResult(ok=False)
            continue
        results[target.name] = target.result
        if target.current == set(target.wanted) and (target.out / "index.html").is_file():
            # inputs, notebooks and code unchanged since a build that validated them: nothing to do
            target.result.unchanged = list(target.wanted)
            target.result.cached = [(y, j.name) for y in target.wanted for j in target.plan[y]]
            target.result.ok = True
            say(f"«{target.name}»: {len(target.wanted)} năm, {len(target.wanted) * len(books)} notebook — "
                "không có gì thay đổi, giữ nguyên bản đã xuất bản.")
            continue
        pending.append(target)
    if not pending:
        return results

    workers = max(1, jobs or os.cpu_count() or 1)
    # Workers start their kernels while this process validates the datasets; they and their
    # kernels share parsed registers through the parse cache.
    from kttt.load import PARSE_CACHE_ENV, load_dataset

    previous_cache = os.environ.get(PARSE_CACHE_ENV)
    os.environ[PARSE_CACHE_ENV] = str(out_root / ".kttt-cache" / "parsed")
    pool = ProcessPoolExecutor(max_workers=workers, initializer=warm_worker)
    try:
        for _ in range(workers):
            pool.submit(time.sleep, 0)
        for target in pending:
            needed = sorted({y for year in target.wanted for y in years_needed(target.root, year, history=True)})
            target.dataset = dataset = load_dataset(target.root, years=needed)
            if not dataset.ok:
                say(f"Bộ dữ liệu {target.name} có {len(dataset.errors)} lỗi: không dựng báo cáo, "
                    "các báo cáo đã xuất bản giữ nguyên.")
                for p in dataset.problems:
                    say(f"  [{SEVERITY_LABELS[p.severity]}] {p.message()}")
                    target.result.problems.append(p.message())
                continue
            targets.append(target)
        if targets:
            _run(targets, pool, workers, books, formats, use_cache, say, started)
    finally:
        pool.shutdown(wait=True)
        if previous_cache is None:
            os.environ.pop(PARSE_CACHE_ENV, None)
        else:
            os.environ[PARSE_CACHE_ENV] = previous_cache
    return results


def warm_worker() -> None:
    """Pool initializer: start this worker's kernel now, not at its first notebook."""
    from kttt.pipeline.execute import warm_up

    warm_up()


def _run(targets: list[_Target], pool: ProcessPoolExecutor, workers: int, books: list[Path],
         formats: tuple[str, ...], use_cache: bool, say: Callable[[str], None], started: float) -> None:
    """Execute what changed, render and publish each finished year."""
    commit = git_commit()
    total = sum(len(js) for t in targets for js in t.plan.values())
    done = 0
    say(f"Dựng báo cáo {', '.join('«' + t.name + '»' for t in targets[:3])}{' …' if len(targets) > 3 else ''}: "
        f"{sum(len(t.wanted) for t in targets)} năm × {len(books)} notebook, {workers} tiến trình"
        f"{'' if use_cache else ', không dùng bộ nhớ đệm'}.")
    todo: list[tuple[_Target, int, Job]] = []
    for t in targets:
        t.out.mkdir(parents=True, exist_ok=True)
        for y, js in t.plan.items():
            if y in t.current:
                t.result.unchanged.append(y)
                t.result.cached.extend((y, j.name) for j in js)
                done += len(js)
                say(f"[{done:>3}/{total}] {t.name} {y}: không có gì thay đổi, giữ nguyên bản đã xuất bản.")
                continue
            t.executed[y] = {}
            t.waiting[y] = 0
            for j in js:
                cached = t.cache / str(y) / f"{j.name}.ipynb"
                key_file = cached.with_suffix(".khoa")
                if use_cache and cached.is_file() and key_file.is_file() and key_file.read_text() == j.key:
                    t.executed[y][j.name] = str(cached)
                    t.result.cached.append((y, j.name))
                    done += 1
                    say(f"[{done:>3}/{total}] {t.name} {y} · {j.name}: dùng kết quả đã lưu (đầu vào không đổi).")
                else:
                    todo.append((t, y, j))
                    t.waiting[y] += 1

    failed: dict[tuple[str, int], str] = {}
    running: dict[Future, tuple[str, _Target, int, Job | None]] = {}

    parts_left: dict[tuple[str, int], int] = {}

    def submit_render(t: _Target, y: int) -> None:
        staging = t.staging / str(y)
        if staging.exists():
            shutil.rmtree(staging)
        together = tuple(f for f in formats if not OUTPUTS[f].own_task)
        parts = [together] * bool(together) + [(f,) for f in formats if OUTPUTS[f].own_task]
        parts_left[(t.name, y)] = len(parts)
        for part in parts:
            future = pool.submit(render_year, str(t.root), str(staging), y, t.executed[y], formats, part, commit)
            running[future] = ("render", t, y, None)
        say(f"      {t.name} {y}: đang xuất {', '.join(f.upper() for f in formats)} …")

    for t, y, j in todo:
        output = t.cache / str(y) / f"{j.name}.tmp.ipynb"
        running[pool.submit(execute, y, str(j.notebook), str(output), j.parameters)] = ("execute", t, y, j)
    for t in targets:
        for y, count in t.waiting.items():
            if count == 0:
                submit_render(t, y)

    while running:
        finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
        for future in finished:
            kind, t, y, job = running.pop(future)
            if kind == "execute":
                assert job is not None
                try:
                    outcome: Executed = future.result()
                except Exception as exc:  # the worker process died
                    outcome = Executed(y, job.name, "", 0.0, False, f"{type(exc).__name__}: {exc}")
                done += 1
                tmp = Path(outcome.output) if outcome.output else None
                if outcome.ok and tmp is not None:
                    final_nb = t.cache / str(y) / f"{job.name}.ipynb"
                    tmp.replace(final_nb)
                    final_nb.with_suffix(".khoa").write_text(job.key)
                    t.executed[y][job.name] = str(final_nb)
                    t.result.executed.append((y, job.name))
                    say(f"[{done:>3}/{total}] {t.name} {y} · {job.name}: chạy xong "
                        f"({fmt.number(outcome.seconds, 1)} giây).")
                else:
                    kept = ""
                    if tmp is not None and tmp.exists():
                        (t.failed_dir / str(y)).mkdir(parents=True, exist_ok=True)
                        kept_path = t.failed_dir / str(y) / f"{job.name}.ipynb"
                        tmp.replace(kept_path)
                        kept = f" Notebook lỗi (có thông báo lỗi của papermill) lưu tại {kept_path}."
                    where = f"ô thực thi số {outcome.cell}" if outcome.cell else "khi chạy"
                    failed.setdefault((t.name, y), f"notebook {job.name}, {where}: {outcome.error}")
                    say(f"[{done:>3}/{total}] ✗ {t.name} {y} · {job.name}: LỖI ở {where} — {outcome.error}.{kept}")
                t.waiting[y] -= 1
                if t.waiting[y] == 0:
                    if (t.name, y) in failed:
                        say(f"      {t.name} {y}: không xuất bản (lỗi ở {failed[(t.name, y)]}); "
                            "bản đã xuất bản trước đó giữ nguyên.")
                    else:
                        submit_render(t, y)
            else:
                staging = t.staging / str(y)
                parts_left[(t.name, y)] -= 1
                try:
                    future.result()
                except Exception as exc:
                    failed.setdefault((t.name, y), f"xuất báo cáo: {type(exc).__name__}: {exc}")
                    say(f"      ✗ {t.name} {y}: lỗi khi xuất báo cáo — {type(exc).__name__}: {exc}; bản cũ giữ nguyên.")
                if parts_left[(t.name, y)] > 0:
                    continue
                if (t.name, y) in failed:
                    shutil.rmtree(staging, ignore_errors=True)
                    continue
                inputs = sorted({p for j in t.plan[y] for p in j.inputs})
                write_manifest(staging, t.root, t.dataset, y, formats, inputs, sorted(t.executed[y]),
                               t.data_dir_arg, t.keys[y], commit)
                publish(staging, t.out / str(y))
                t.result.published.append(y)
                count = sum(1 for p in (t.out / str(y)).iterdir() if p.is_file())
                say(f"      {t.name} {y}: đã xuất bản {t.out / str(y)} ({count} tệp).")

    from kttt.outputs.site import dataset_index
    from kttt.report import synthetic_notice
    from kttt.tables import Context

    elapsed = time.perf_counter() - started
    for t in targets:
        shutil.rmtree(t.staging, ignore_errors=True)
        t.result.failed = {y: why for (name, y), why in failed.items() if name == t.name}
        t.result.published.sort()
        notice = synthetic_notice(Context(t.dataset, t.wanted[-1]))  # type: ignore[arg-type]
        (t.out / "index.html").write_text(dataset_index(t.out, t.dataset.meta.ten, notice), encoding="utf-8")  # type: ignore[attr-defined]
        t.result.ok = not t.result.failed
    executed = sum(len(t.result.executed) for t in targets)
    cached = sum(len(t.result.cached) for t in targets)
    published = sum(len(t.result.published) for t in targets)
    unchanged = sum(len(t.result.unchanged) for t in targets)
    summary = (f"Xong sau {fmt.number(elapsed, 1)} giây: chạy {executed} notebook, dùng lại {cached}; "
               f"xuất bản {published} năm, giữ nguyên {unchanged} năm"
               + (f", lỗi {len(failed)} năm ({', '.join(f'{n} {y}' for n, y in sorted(failed))})." if failed else "."))
    say(summary)
    if failed:
        print(summary, file=sys.stderr)
