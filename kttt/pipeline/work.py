"""What runs on a worker: execute a notebook, render formats. Both return bytes.

A worker may be a process of the local pool or a Dask worker on another machine: it reads the
dataset from a path every worker sees, writes only into its own temporary folders, and
**returns** what it made (the executed notebook, the rendered files) to the client, which
alone writes into the output folder. Requests and results are small frozen dataclasses that
pickle (the executor ships them between processes).
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class NotebookRun:
    """One notebook to execute: its source, its parameters, what to preload, the cell time limit."""

    name: str
    source: bytes  # the .ipynb file (workers need not see the client's notebooks folder)
    parameters: dict[str, object]
    preload: tuple[tuple[str, tuple[int, ...]], ...] = ()  # (dataset folder, years) read before the notebook
    timeout: float | None = None  # seconds per cell


@dataclass(frozen=True)
class Executed:
    """The outcome of one notebook run; ``notebook`` holds the executed .ipynb (with
    papermill's error banner on failure) when there is one."""

    name: str
    ok: bool
    seconds: float
    notebook: bytes = b""
    error: str = ""
    cell: int | None = None
    worker: str = ""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def preload_code(preload: tuple[tuple[str, tuple[int, ...]], ...], parse_cache: str | None) -> str | None:
    """Kernel code reading the registers the notebook will read, through the worker's parse
    cache, so the notebook's own reads come from memory. Leaves no name behind.

    >>> preload_code((("/d/a", (2021, 2022)),), "/c")
    "__import__('kttt.load', fromlist=['load_dataset']).load_dataset('/d/a', years=[2021, 2022], parse_cache='/c')"
    """
    if not preload or not parse_cache:
        return None
    return "; ".join(f"__import__('kttt.load', fromlist=['load_dataset']).load_dataset({root!r}, years={list(years)!r}, "
                     f"parse_cache={parse_cache!r})" for root, years in preload)


def execute_notebook(run: NotebookRun) -> Executed:
    """Execute ``run`` on this worker's warm kernel (papermill engine ``kttt``); never raises
    for a failing cell: the failure is in the result."""
    import logging

    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from kttt.pipeline.kernel import ENGINE, KERNEL, TIMEOUT_NAME, start_engine

    logging.getLogger("papermill").setLevel(logging.CRITICAL)  # failures come back in the result
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    engine = start_engine()
    start = time.perf_counter()
    from kttt.pipeline.publish import worker_folder

    folder = worker_folder("kttt-chay-")
    source, output = folder / f"{run.name}.ipynb", folder / f"{run.name}.out.ipynb"
    source.write_bytes(run.source)

    def result(ok: bool, error: str = "", cell: int | None = None) -> Executed:
        executed = output.read_bytes() if output.is_file() else b""
        return Executed(run.name, ok, time.perf_counter() - start, executed, error, cell, worker_name())

    first = ""
    try:
        for attempt in (1, 2):
            try:
                # one write at the end, not two per cell (nbformat's validation of each write was
                # ~15 % of a notebook's time)
                pm.execute_notebook(str(source), str(output), parameters=run.parameters, engine_name=ENGINE,
                                    kernel_name=KERNEL, progress_bar=False, log_output=False, report_mode=False,
                                    request_save_on_cell_execute=False, execution_timeout=run.timeout,
                                    setup=preload_code(run.preload, engine.parse_cache))
                return result(True)
            except PapermillExecutionError as exc:  # a cell failed: the notebook's own error
                cell = exc.exec_count if exc.exec_count is not None else exc.cell_index
                return result(False, f"{exc.ename}: {exc.evalue}" if exc.ename != TIMEOUT_NAME else exc.evalue, cell)
            except Exception as exc:  # noqa: BLE001 - the kernel would not start or died: once more, fresh
                if attempt == 2:
                    return result(False, f"{type(exc).__name__}: {exc}" + (f" (lần đầu: {first})" if first else ""))
                first = f"{type(exc).__name__}: {exc}"
                output.unlink(missing_ok=True)
        raise AssertionError("unreachable")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Checked:
    """A dataset read and checked against the contract: what the client needs of it (its
    ``dataset.yaml``, the row accounting of every file, every problem) — not its rows."""

    root: str
    meta: Any
    files: list[Any]
    problems: list[Any]
    seconds: float = 0.0
    worker: str = ""

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def check_dataset(root: str, years: tuple[int, ...]) -> Checked:
    """Read and check a dataset on this worker (its parse cache then serves the notebooks and
    renderers of the same machine)."""
    from kttt.load import load_dataset
    from kttt.pipeline.kernel import current_engine

    engine = current_engine()
    start = time.perf_counter()
    dataset = load_dataset(root, years=list(years), parse_cache=engine.parse_cache if engine else None)
    return Checked(root, dataset.meta, dataset.files, dataset.problems, time.perf_counter() - start, worker_name())


@dataclass(frozen=True)
class RenderRequest:
    """Some formats of a year, rendered from the executed notebooks (bytes)."""

    root: str
    year: int
    notebooks: dict[str, bytes]
    formats: tuple[str, ...]  # every format of the year (the index page lists them)
    names: tuple[str, ...]  # the formats this request renders
    commit: str = ""
    collection: bool = False
    extra: dict[str, object] = field(default_factory=dict)


def render_formats(request: RenderRequest) -> dict[str, bytes]:
    """Render ``request.names`` in a temporary folder; returns file name → bytes."""
    from kttt.outputs import RenderSource, render
    from kttt.pipeline.kernel import current_engine

    engine = current_engine()
    from kttt.pipeline.publish import worker_folder

    folder = worker_folder("kttt-xuat-")
    try:
        source = RenderSource(Path(request.root), request.year, dict(request.notebooks), request.formats,
                              request.commit, extra=dict(request.extra), parse_cache=engine.parse_cache if engine else None,
                              collection=request.collection)
        written = render(request.names, source, folder)
        return {name: (folder / name).read_bytes() for name in written}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
