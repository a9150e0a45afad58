"""``kttt build``: the report collection as tasks on an executor.

The story, one module a step:

1. :mod:`~kttt.pipeline.targets` (with :mod:`~kttt.pipeline.plan` and
   :mod:`~kttt.pipeline.collection`) — the folders given become targets: each dataset, each
   collection's provinces and roll-up; per year the notebooks to run and their cache keys. A
   year whose key and published files are unchanged is left alone: a build where nothing
   changed stops here, without pandas, a pool or a kernel.
2. :mod:`~kttt.pipeline.publish` — where the outputs may go: ``--out`` never touches a data
   folder, one build per output folder at a time, each target's folder is kttt's own, and
   what an interrupted build left is repaired.
3. :mod:`~kttt.pipeline.executors` / :mod:`~kttt.pipeline.cluster` — the workers: a local
   process pool or Dask distributed; their kernels warm up while the client validates each
   dataset (a dataset with errors builds nothing and touches nothing).
4. :mod:`~kttt.pipeline.tasks` — execute each notebook, render each group of formats, publish
   each year (manifest, then two renames).
5. :mod:`~kttt.pipeline.scheduler` — runs ready tasks on the executor;
   :mod:`~kttt.pipeline.progress` says what happens (logging: a bar on a terminal, a line per
   task otherwise).
6. :mod:`~kttt.pipeline.work` / :mod:`~kttt.pipeline.kernel` — what a worker does: papermill on a
   warm kernel (a registered papermill engine), the renderers of the outputs registry; it
   returns bytes, the client writes.

A failing notebook leaves the previous publication as it was, keeps the executed notebook (with
papermill's error banner) under ``OUT/<name>/.loi/<year>/`` and says which notebook and cell.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from kttt import fmt
from kttt.config import REPO_ROOT, REPORTS_DIR
from kttt.outputs import choose
from kttt.pipeline import publish
from kttt.pipeline.plan import BuildResult, Target, is_current
from kttt.pipeline.progress import LOGGER, reporting
from kttt.pipeline.targets import Plan, data_path, plan, validation_years

__all__ = ["BuildResult", "build", "build_many", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 1800.0  # seconds per notebook cell: generous (a million-row register takes minutes)


def git_commit() -> str:
    """The repository's commit, or "" outside a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                             timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def build(data_dir: str | Path, years: Iterable[int] | None = None, all_years: bool = False,
          out: str | Path | None = None, jobs: int | None = None, use_cache: bool = True,
          formats: Iterable[str] | None = None, log: Callable[[str], None] | None = None,
          notebook_dir: Path | None = None, scheduler: str | None = None,
          timeout: float | None = DEFAULT_TIMEOUT, lock_timeout: float | None = None) -> BuildResult:
    """Build the report collection of one dataset (see the module doc); without ``years`` nor
    ``all_years``, the latest year."""
    results = build_many([data_dir], years, all_years, out, jobs, use_cache, formats, log, notebook_dir,
                         scheduler, timeout, lock_timeout)
    name = data_path(data_dir).name
    return results.get(name) or next(iter(results.values()), BuildResult(ok=False))


def build_many(data_dirs: Iterable[str | Path], years: Iterable[int] | None = None, all_years: bool = False,
               out: str | Path | None = None, jobs: int | None = None, use_cache: bool = True,
               formats: Iterable[str] | None = None, log: Callable[[str], None] | None = None,
               notebook_dir: Path | None = None, scheduler: str | None = None,
               timeout: float | None = DEFAULT_TIMEOUT, lock_timeout: float | None = None,
               progress_bar: bool = False) -> dict[str, BuildResult]:
    """Build several datasets and collections on one pool of workers. ``scheduler``: None for
    the local pool of ``jobs`` processes, ``"local"`` for a Dask LocalCluster, or a Dask
    scheduler's address. ``timeout``: seconds per notebook cell (None: no limit).
    ``lock_timeout``: how long to wait for another build of the same output folder (None:
    as long as it takes). Returns a result per dataset (and collection) name."""
    with reporting(log, progress_bar):
        try:
            chosen = choose(formats)
        except ValueError as exc:
            LOGGER.error(f"Lỗi: {exc}.")
            return {}
        out_root = data_path(out) if out else REPORTS_DIR
        asked = plan(data_dirs, years, all_years, out_root, chosen, notebook_dir)
        for refused in asked.refused.values():
            for message in refused.problems:
                LOGGER.error(message)
        results = {**asked.refused, **{t.name: t.result for t in asked.targets}}
        if not asked.targets:
            return results
        try:
            publish.check_out(out_root, [t.source for t in asked.targets])
            places: dict[str, list[Path]] = {}
            for t in asked.targets:
                places.setdefault(t.name, []).append(t.source)
            publish.check_places(places)
            with publish.lock(out_root, lock_timeout, LOGGER.warning):
                _build_locked(asked, out_root, jobs, use_cache, scheduler, timeout)
        except publish.OutputError as exc:
            LOGGER.error(f"Lỗi: {exc}")
            for t in asked.targets:
                t.result.ok = False
                t.result.problems.append(str(exc))
        return results


def _build_locked(asked: Plan, out_root: Path, jobs: int | None, use_cache: bool, scheduler: str | None,
                  timeout: float | None) -> None:
    started = time.perf_counter()
    publish.sweep_stale_folders()
    for t in asked.targets:
        for note in publish.recover(t.folder):
            LOGGER.info(f"{t.name}: {note}.")
        publish.claim(t.folder, t.source, LOGGER.info)
        t.current = {y for y in t.years if use_cache and is_current(t.folder / str(y), t.keys[y])}
    todo = [t for t in asked.targets if t.current != set(t.years)]
    for t in asked.targets:
        if t not in todo:
            t.result.unchanged, t.result.ok = list(t.years), True
            t.result.cached = [(y, j.name) for y in t.years for j in t.jobs[y]]
            LOGGER.info(f"«{t.name}»: {len(t.years)} năm, {sum(len(j) for j in t.jobs.values())} notebook — "
                        "không có gì thay đổi, giữ nguyên bản đã xuất bản.")
            if not publish.index_is_current(t.folder):  # a build stopped between a publish and the index
                from kttt.pipeline.tasks import index_from_manifests

                index_from_manifests(t)
                LOGGER.info(f"«{t.name}»: viết lại trang mục lục {t.folder / publish.INDEX}.")
    if not todo:
        return
    from kttt.pipeline.executors import ExecutorError, open_pool

    workers = max(1, jobs or os.cpu_count() or 1)
    parse_cache = out_root / publish.ROOT_WORK / "parsed"
    try:
        with open_pool(scheduler, workers, str(parse_cache)) as pool:
            _run(todo, pool, use_cache, timeout, started)
    except ExecutorError as exc:
        LOGGER.error(f"Lỗi: {exc}")
        for t in todo:
            t.result.ok = False
            t.result.problems.append(str(exc))


def check_years(todo: list[Target]) -> dict[Path, list[int]]:
    """The years each data folder is checked for: those its own notebooks read, and for a
    collection's provinces those the roll-up reads."""
    needs: dict[Path, set[int]] = {}
    for t in todo:
        if t.collection is None:
            needs.setdefault(t.source, set()).update(validation_years(t))
        else:
            for year in t.years:
                for root, years in t.collection.preload(year):
                    needs.setdefault(Path(root), set()).update(years)
    return {source: sorted(years) for source, years in needs.items()}


def _run(targets: list[Target], pool: object, use_cache: bool, timeout: float | None, started: float) -> None:
    from kttt.pipeline import scheduler, tasks
    from kttt.pipeline.progress import Counter

    session = tasks.Session(Counter(0), git_commit(), timeout, use_cache)
    for t in targets:
        for year in t.years:
            if year in t.current:
                t.result.unchanged.append(year)
                t.result.cached.extend((year, j.name) for j in t.jobs[year])
                tasks.log_cached(t, year)
    work = tasks.build_tasks(session, targets, check_years(targets))
    session.counter.total = len(work)
    books = sum(isinstance(w, tasks.ExecuteNotebook) for w in work)
    LOGGER.info(f"Dựng {', '.join('«' + t.name + '»' for t in targets[:3])}{' …' if len(targets) > 3 else ''}: "
                f"{sum(len(t.years) - len(t.current) for t in targets)} năm, {books} notebook cần chạy, "
                f"{pool.description}{'' if use_cache else ', không dùng bộ nhớ đệm'}.")  # type: ignore[attr-defined]
    scheduler.run(work, pool.executor, slots=pool.workers + 1)  # type: ignore[attr-defined]
    for t in targets:
        if t.result.published and not publish.index_is_current(t.folder):
            try:
                tasks.write_index(t)
            except publish.OutputError as exc:
                LOGGER.error(f"Lỗi: {exc}")
                t.result.problems.append(str(exc))
        t.result.published.sort()
        t.result.ok = not t.result.failed and not t.result.problems
    _summary(targets, time.perf_counter() - started)


def _summary(targets: list[Target], elapsed: float) -> None:
    executed = sum(len(t.result.executed) for t in targets)
    cached = sum(len(t.result.cached) for t in targets)
    published = sum(len(t.result.published) for t in targets)
    unchanged = sum(len(t.result.unchanged) for t in targets)
    failed = sorted((t.name, y) for t in targets for y in t.result.failed)
    invalid = [t.name for t in targets if t.result.problems and not t.result.failed]
    summary = (f"Xong sau {fmt.number(elapsed, 1)} giây: chạy {executed} notebook, dùng lại {cached}; "
               f"xuất bản {published} năm, giữ nguyên {unchanged} năm"
               + (f", lỗi {len(failed)} năm ({', '.join(f'{n} {y}' for n, y in failed)})" if failed else "")
               + (f", không dựng {', '.join(invalid)} (dữ liệu có lỗi)" if invalid else "") + ".")
    (LOGGER.error if failed or invalid else LOGGER.info)(summary)
