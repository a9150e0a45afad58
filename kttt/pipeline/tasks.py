"""The build's tasks: check a dataset, execute a notebook, render formats, publish a year.

One :class:`CheckDataset` per data folder (on a worker: the dataset is read and checked there,
so 34 provinces are checked in parallel and while the first ones already run); for a
collection, :class:`CheckCollection` (on the client) once all its provinces are checked. For
each year to build (:class:`Year`): one :class:`ExecuteNotebook` per notebook whose cache key
changed, needing the check; one :class:`RenderFormats` per group of formats of the outputs
registry (formats with ``own_task`` — the PDF — alone, the others together), needing the
year's notebooks; one :class:`PublishYear`, needing the renders, done by the client. Workers
return bytes; the client keeps executed notebooks in the cache (``OUT/<name>/.kttt/notebooks/``),
failed ones in ``OUT/<name>/.loi/<year>/``, and publishes.

Inputs, key and outputs of each task:

================  =====================================  ==========================  ======================
task              inputs                                 key                         outputs
================  =====================================  ==========================  ======================
CheckDataset      the dataset's files (years it reads)    —                           problems, row counts
ExecuteNotebook   notebook, registers of the years read  :func:`plan.make_job` key   executed .ipynb
RenderFormats     executed notebooks, dataset            (the year's key)            files of its formats
PublishYear       rendered files, inputs' hashes         :func:`plan.year_key`       ``OUT/<name>/<year>/``
================  =====================================  ==========================  ======================
"""

from __future__ import annotations

import logging
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kttt import fmt
from kttt.outputs import OUTPUTS
from kttt.pipeline import publish
from kttt.pipeline.plan import Job, Target
from kttt.pipeline.progress import LOGGER, Counter
from kttt.pipeline.scheduler import Task
from kttt.pipeline.work import (
    Checked,
    Executed,
    NotebookRun,
    RenderRequest,
    check_dataset,
    execute_notebook,
    render_formats,
)


@dataclass(eq=False)
class Year:
    """One year of one target being built: what its tasks made, and why it failed."""

    target: Target
    year: int
    executed: dict[str, bytes] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    failure: str | None = None

    @property
    def label(self) -> str:
        return f"{self.target.name} {self.year}"

    def fail(self, why: str) -> None:
        if self.failure is None:
            self.failure = why
            self.target.result.failed[self.year] = why


@dataclass
class Session:
    """What every task of one build shares."""

    counter: Counter
    commit: str = ""
    timeout: float | None = None
    use_cache: bool = True


def _cache_paths(target: Target, year: int, name: str) -> tuple[Path, Path]:
    folder = target.folder / publish.WORK / "notebooks" / str(year)
    return folder / f"{name}.ipynb", folder / f"{name}.khoa"


def cached_notebook(target: Target, year: int, job: Job) -> bytes | None:
    """The executed notebook kept from an earlier build with the same key, if any."""
    notebook, key = _cache_paths(target, year, job.name)
    try:
        if notebook.is_file() and key.is_file() and key.read_text(encoding="utf-8") == job.key:
            return notebook.read_bytes()
    except OSError:
        return None
    return None


def _seconds(value: float) -> str:
    return f"{fmt.number(value, 1)} giây"


class CheckDataset(Task):
    """Read and check one data folder on a worker; its targets learn their dataset's name,
    row accounting and problems (a dataset with errors builds nothing)."""

    priority = 2

    def __init__(self, session: Session, source: Path, years: list[int], targets: list[Target]):
        self.session, self.source, self.years, self.targets = session, source, years, targets
        self.name = f"{source.name}: kiểm tra dữ liệu"
        self.checked: Checked | None = None

    def call(self) -> tuple[Any, tuple[Any, ...]]:
        return check_dataset, (str(self.source), tuple(self.years))

    def finish(self, result: Any) -> bool:
        from kttt.problems import SEVERITY_LABELS

        if isinstance(result, BaseException):
            why = f"không kiểm tra được dữ liệu: {type(result).__name__}: {result}"
            for t in self.targets:
                t.result.problems.append(why)
            self.session.counter.task(f"✗ {self.name}: {why}", failed=True)
            return False
        self.checked = result
        for t in self.targets:
            t.dataset = result
        errors = [p for p in result.problems if p.is_error]
        if errors:
            self.session.counter.task(f"✗ Bộ dữ liệu {self.source.name} có {len(errors)} lỗi: không dựng báo cáo, "
                                      "các báo cáo đã xuất bản giữ nguyên.", failed=True)
            for p in result.problems:
                LOGGER.warning(f"  [{SEVERITY_LABELS[p.severity]}] {self.source.name}/{p.message()}")
                for t in self.targets:
                    t.result.problems.append(p.message())
            return False
        warnings = [p for p in result.problems if p.severity == "canh_bao"]
        notes = len(result.problems) - len(warnings)
        said = ", ".join(filter(None, [f"{len(warnings)} cảnh báo" if warnings else "",
                                       f"{notes} thông báo" if notes else ""]))
        self.session.counter.task(f"{self.name}: hợp lệ{f' ({said})' if said else ''} ({_seconds(result.seconds)}).")
        for p in warnings:  # a column not used, a code that lost its zero …: the analyst must see them
            LOGGER.warning(f"  [{SEVERITY_LABELS[p.severity]}] {self.source.name}/{p.message()}")
        if notes:
            LOGGER.info(f"  {notes} thông báo (ví dụ đơn vị cũ đã chuyển đổi): xem bằng «kttt validate {self.source}».")
        return True

    def skip(self, need: Task) -> None:
        self.session.counter.skipped()


class CheckCollection(Task):
    """On the client, once every province is checked: the collection's summary (its provinces'
    files and problems, the provinces' codes); a province with an error stops the roll-up."""

    def __init__(self, session: Session, target: Target, provinces: list[CheckDataset]):
        self.session, self.target = session, target
        self.needs = tuple(provinces)
        self.name = f"{target.name}: kiểm tra tập dữ liệu"

    def finish(self, result: Any) -> bool:
        from kttt.pipeline.collection import summarise
        from kttt.problems import SEVERITY_LABELS

        checked = {Path(c.source): c.checked for c in self.needs}  # type: ignore[attr-defined]
        summary = summarise(self.target.collection, checked)
        self.target.dataset = summary
        problems = [p for p in summary.problems if p.is_error]
        if problems:
            self.session.counter.task(f"✗ Tập dữ liệu {self.target.name} có {len(problems)} lỗi: không dựng báo cáo "
                                      "tổng hợp, các báo cáo đã xuất bản giữ nguyên.", failed=True)
            for p in problems:
                LOGGER.warning(f"  [{SEVERITY_LABELS[p.severity]}] {p.message()}")
                self.target.result.problems.append(p.message())
            return False
        self.session.counter.task(f"{self.name}: {len(checked)} tỉnh hợp lệ.")
        return True

    def skip(self, need: Task) -> None:
        why = f"tỉnh {need.source.name} có lỗi"  # type: ignore[attr-defined]
        self.target.result.problems.append(f"Không dựng báo cáo tổng hợp: {why}.")
        self.session.counter.task(f"✗ Tập dữ liệu {self.target.name}: không dựng báo cáo tổng hợp ({why}); "
                                  "các báo cáo đã xuất bản giữ nguyên.", failed=True)


class ExecuteNotebook(Task):
    priority = 2

    def __init__(self, session: Session, year: Year, job: Job, check: Task):
        self.session, self.year, self.job = session, year, job
        self.name = f"{year.label} · {job.name}"
        self.needs = (check,)

    def skip(self, need: Task) -> None:
        self.session.counter.skipped()

    def call(self) -> tuple[Any, tuple[Any, ...]]:
        run = NotebookRun(self.job.name, self.job.notebook.read_bytes(), dict(self.job.parameters),
                          self.job.reads, self.session.timeout)
        return execute_notebook, (run,)

    def finish(self, result: Any) -> bool:
        target, year = self.year.target, self.year.year
        if isinstance(result, BaseException):  # the worker died or the task could not run
            result = Executed(self.job.name, False, 0.0, error=f"{type(result).__name__}: {result}")
        if result.ok:
            notebook, key = _cache_paths(target, year, self.job.name)
            try:
                with publish.writing("notebook đã chạy", notebook):
                    notebook.parent.mkdir(parents=True, exist_ok=True)
                    publish.write_atomic(notebook, result.notebook)
                    publish.write_atomic(key, self.job.key.encode())
            except publish.OutputError as exc:
                self.year.fail(str(exc))
                self.session.counter.task(f"✗ {self.name}: {exc}", failed=True)
                return False
            self.year.executed[self.job.name] = result.notebook
            target.result.executed.append((year, self.job.name))
            self.session.counter.task(f"{self.name}: chạy xong ({_seconds(result.seconds)}).")
            return True
        kept = publish.keep_failed(target.folder, year, self.job.name, result.notebook)
        where = f"ô thực thi số {result.cell}" if result.cell is not None else "khi chạy"
        self.year.fail(f"notebook {self.job.name}, {where}: {result.error}")
        note = f" Notebook lỗi (có thông báo lỗi của papermill) lưu tại {kept}." if kept else ""
        self.session.counter.task(f"✗ {self.name}: LỖI ở {where} — {result.error}.{note}", failed=True)
        return False


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]
    seconds: float


def render_and_time(request: RenderRequest) -> Rendered:
    """:func:`work.render_formats`, timed (runs on a worker)."""
    import time

    start = time.perf_counter()
    files = render_formats(request)
    return Rendered(files, time.perf_counter() - start)


class RenderFormats(Task):
    def __init__(self, session: Session, year: Year, names: tuple[str, ...], needs: tuple[Task, ...]):
        self.session, self.year, self.names = session, year, names
        self.needs = needs
        self.priority = 0 if any(OUTPUTS[n].own_task for n in names) else 1  # the slow ones first
        self.name = f"{year.label} · {', '.join(n.upper() for n in names)}"

    def call(self) -> tuple[Any, tuple[Any, ...]] | None:
        target = self.year.target
        request = RenderRequest(str(target.source), self.year.year, dict(self.year.executed), target.formats,
                                self.names, self.session.commit, collection=target.collection is not None)
        return render_and_time, (request,)

    def finish(self, result: Any) -> bool:
        if isinstance(result, BaseException):
            why = f"xuất {', '.join(n.upper() for n in self.names)}: {type(result).__name__}: {result}"
            self.year.fail(why)
            self.session.counter.task(f"✗ {self.name}: LỖI khi xuất báo cáo — {type(result).__name__}: {result}.",
                                      failed=True)
            return False
        self.year.files.update(result.files)
        self.session.counter.task(f"{self.name}: xuất xong ({_seconds(result.seconds)}).")
        return True

    def skip(self, need: Task) -> None:
        self.session.counter.skipped()


def notice(target: Target) -> str:
    """The synthetic-data sentence for the target's pages ("" for real data)."""
    from kttt.report import synthetic_notice

    return synthetic_notice(types.SimpleNamespace(dataset=target.dataset))  # type: ignore[arg-type]


def write_index(target: Target) -> None:
    """``OUT/<name>/index.html``: every published year."""
    from kttt.outputs.site import dataset_index

    publish.write_index(target.folder, dataset_index(target.folder, target.dataset.meta.ten, notice(target)))


def index_from_manifests(target: Target) -> None:
    """Rewrite the index of a target whose years are all current, from the newest manifest
    (its name and synthetic flag) — no dataset to load."""
    import json

    newest = max(target.years)
    manifest = json.loads((target.folder / str(newest) / publish.MANIFEST).read_text(encoding="utf-8"))
    meta = types.SimpleNamespace(ten=manifest["ten"], mo_phong=bool(manifest.get("mo_phong")))
    target.dataset = types.SimpleNamespace(meta=meta)
    write_index(target)


class PublishYear(Task):
    def __init__(self, session: Session, year: Year, needs: tuple[Task, ...]):
        self.session, self.year = session, year
        self.needs = needs
        self.name = f"{year.label}: xuất bản"

    def finish(self, result: Any) -> bool:
        from kttt.outputs.manifest import write_manifest

        target, year = self.year.target, self.year.year
        inputs = sorted({p for j in target.jobs[year] for p in j.inputs})

        def manifest(folder: Path) -> None:
            write_manifest(folder, target.source, target.dataset, year, target.formats, inputs,
                           sorted(self.year.executed), target.arg, target.keys[year], self.session.commit)

        try:
            final = publish.publish(target.folder, year, self.year.files, manifest)
            write_index(target)
        except publish.OutputError as exc:
            self.year.fail(str(exc))
            self.session.counter.task(f"✗ {self.name}: {exc}", failed=True)
            return False
        target.result.published.append(year)
        count = sum(1 for p in final.iterdir() if p.is_file())
        self.session.counter.task(f"{self.year.label}: đã xuất bản {final} ({count} tệp).", keep=True)
        return True

    def skip(self, need: Task) -> None:
        why = f"lỗi ở {self.year.failure}" if self.year.failure else "dữ liệu có lỗi"
        self.session.counter.task(f"{self.year.label}: không xuất bản ({why}); "
                                  "bản đã xuất bản trước đó giữ nguyên.", failed=True)


def year_tasks(session: Session, target: Target, year: int, check: Task) -> list[Task]:
    """The tasks of one year: notebooks not in the cache, renders, the publish step; all after
    ``check`` (the dataset's, or the collection's)."""
    state = Year(target, year)
    runs: list[Task] = []
    for job in target.jobs[year]:
        cached = cached_notebook(target, year, job) if session.use_cache else None
        if cached is not None:
            state.executed[job.name] = cached
            target.result.cached.append((year, job.name))
        else:
            runs.append(ExecuteNotebook(session, state, job, check))
    together = tuple(f for f in target.formats if not OUTPUTS[f].own_task)
    groups = [together] * bool(together) + [(f,) for f in target.formats if OUTPUTS[f].own_task]
    renders = [RenderFormats(session, state, names, (check, *runs)) for names in groups]
    return [*runs, *renders, PublishYear(session, state, tuple(renders))]


def build_tasks(session: Session, targets: list[Target], needs: dict[Path, list[int]]) -> list[Task]:
    """Every task of a build, province by province (a province's check, then its years) so
    that the first provinces publish while the last ones are still being checked. ``needs``:
    the years each data folder is checked for."""
    checks: dict[Path, CheckDataset] = {}
    for source, years in needs.items():
        checks[source] = CheckDataset(session, source, years, [t for t in targets if t.source == source])
    tasks: list[Task] = []
    for source, check in checks.items():
        tasks.append(check)
        for t in targets:
            if t.source == source and t.collection is None:
                for year in t.years:
                    if year not in t.current:
                        tasks += year_tasks(session, t, year, check)
    for t in targets:
        if t.collection is not None:
            collection = CheckCollection(session, t, [checks[p] for p in t.collection.provinces])
            tasks.append(collection)
            for year in t.years:
                if year not in t.current:
                    tasks += year_tasks(session, t, year, collection)
    return tasks


def log_cached(target: Target, year: int) -> None:
    LOGGER.log(logging.INFO, f"{target.name} {year}: không có gì thay đổi, giữ nguyên bản đã xuất bản.")
