"""The warm kernel, as a papermill engine.

A worker (a process of the local pool, or a Dask worker) keeps one Jupyter kernel alive
across notebooks: it is started once, imports pandas, matplotlib and kttt once, and between
notebooks its namespace is emptied (``%reset -f``), so no variable leaks from one notebook
into the next. A notebook that fails, times out or kills its kernel leaves the next one a
fresh kernel.

The kernel belongs to a :class:`KernelEngine` — a papermill engine (papermill's own registry of
execution engines, :data:`papermill.engines.papermill_engines`) that a worker registers under
the name :data:`ENGINE` when it starts (:func:`start_engine`) and closes when it stops
(:func:`stop_engine`). Papermill still parameterises each notebook, executes it cell by cell
through nbclient and adds its error banner on failure; the engine only supplies the kernel,
the per-cell time limit and an optional setup snippet run before the notebook (the build uses
it to read the registers from the shared parse cache).

Kernels talk over local IPC sockets in a temporary folder named after the worker's process
id (``kttt-kernel-<pid>-…``): no TCP ports, no "without encryption" warning, and the folders
of a worker killed with ``kill -9`` are removed by the next build
(:func:`kttt.pipeline.publish.sweep_stale_folders`).
A kernel exits by itself when its worker dies (ipykernel watches its parent process).
"""

from __future__ import annotations

import os
import shutil
import threading
from typing import Any

from papermill.engines import Engine, NotebookExecutionManager, papermill_engines

from kttt.pipeline.publish import FOLDER_PREFIX, worker_folder

ENGINE = "kttt"
KERNEL = "python3"
WARM_UP = "import pandas, matplotlib, kttt.report, kttt.tables, kttt.charts, kttt.narrative"
# between notebooks: an empty namespace, and cells numbered from 1 again as on a fresh kernel
# (the numbers a failure reports are the ones the failed notebook shows)
RESET = "%reset -f\nget_ipython().execution_count = 1"
TIMEOUT_NAME = "CellTimeoutError"


def kernel_environment() -> dict[str, str]:
    """The kernel's environment: this process's, with a fixed hash seed (reproducible set
    order), matplotlib's file backend and the debugger's file check off."""
    return {**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "JUPYTER_PLATFORM_DIRS": "1"}


def _kernel_manager(run_dir: str) -> Any:
    """A kernel manager on local IPC sockets in ``run_dir``. Its clients are asynchronous, as
    nbclient expects: a blocking client would stall nbclient's event loop on the output channel
    and no cell time limit would ever fire."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=KERNEL)
    km.transport = "ipc"
    km.ip = os.path.join(run_dir, "ipc")
    km.connection_file = os.path.join(run_dir, "kernel.json")
    km.client_class = "jupyter_client.asynchronous.AsyncKernelClient"
    return km


class WarmKernel:
    """One kernel reused across notebooks; started ahead of need, replaced after a failure."""

    def __init__(self, warm_up: str = WARM_UP) -> None:
        self.warm_up = warm_up
        self.km: Any = None
        self.kc: Any = None  # nbclient's connection, kept for the next notebook (same thread)
        self.kc_thread: int | None = None
        self.run_dir = ""
        self.used = False
        self._lock = threading.RLock()
        self._starting: threading.Thread | None = None

    def _run(self, code: str, timeout: float | None = 120) -> None:
        from jupyter_client.blocking import BlockingKernelClient

        kc = BlockingKernelClient()
        kc.load_connection_file(self.km.connection_file)
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            reply = kc.execute_interactive(code, timeout=timeout, store_history=False,
                                           output_hook=lambda _msg: None)
            if reply["content"].get("status") != "ok":
                raise RuntimeError(f"{reply['content'].get('ename', '')}: {reply['content'].get('evalue', '')}")
        finally:
            kc.stop_channels()

    def start(self) -> None:
        with self._lock:
            self.run_dir = str(worker_folder(FOLDER_PREFIX))
            self.km = _kernel_manager(self.run_dir)
            self.km.start_kernel(cwd=self.run_dir, env=kernel_environment(),
                                 extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
            self.used = False
            if self.warm_up:
                self._run(self.warm_up)

    def start_soon(self) -> None:
        """Start the kernel in the background (the first notebook waits for it)."""
        def start() -> None:
            try:
                self.start()
            except Exception:  # noqa: BLE001 - the first notebook starts a kernel again and reports
                self.stop()

        self._starting = threading.Thread(target=start, name="kttt-kernel-start", daemon=True)
        self._starting.start()

    def ready(self) -> tuple[Any, str]:
        """A live kernel, and the code that empties its namespace before the next notebook
        ("" for a fresh kernel). The caller runs that code on its own connection: every new
        connection to a kernel costs ≈ 0,2 s of handshake."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        with self._lock:
            if self.km is None or not self.km.is_alive():
                self.stop()
                self.start()
            reset = RESET if self.used else ""
            self.used = True
            return self.km, reset

    def connection(self) -> Any:
        """The connection the previous notebook used, if this thread made it (an asyncio
        connection belongs to its thread's event loop); None: nbclient makes a new one."""
        if self.kc is not None and self.kc_thread != threading.get_ident():
            self._drop_connection()
        return self.kc

    def keep(self, kc: Any) -> None:
        """Keep nbclient's connection for the next notebook: one handshake per kernel, not one
        per notebook (and no connection left open behind each notebook)."""
        if kc is not self.kc:
            self._drop_connection()
        self.kc, self.kc_thread = kc, threading.get_ident()

    def _drop_connection(self) -> None:
        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:  # noqa: BLE001 - best effort: its loop may be gone
                pass
        self.kc, self.kc_thread = None, None

    def stop(self) -> None:
        """Shut the kernel down and remove its folder; the next notebook gets a fresh one."""
        with self._lock:
            self._drop_connection()
            if self.km is not None:
                try:
                    self.km.shutdown_kernel(now=True)
                except Exception:  # noqa: BLE001 - best effort: the kernel may be gone already
                    pass
                self.km = None
            if self.run_dir:
                shutil.rmtree(self.run_dir, ignore_errors=True)
                self.run_dir = ""


def _client_class() -> type:
    """papermill's notebook client whose cell loop also stops at a cell that runs past the time
    limit: the cell gets an error output saying so and papermill reports it like any failure."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError
    from papermill.clientwrap import PapermillNotebookClient

    class TimedClient(PapermillNotebookClient):
        timed_out = False
        prelude = ""  # run silently before the first cell, on the same connection

        def execute(self, **kwargs: Any) -> Any:
            """papermill's, with the prelude first, and without asking a kernel stuck in a
            timed-out cell for its info."""
            self.reset_execution_trackers()
            with self.setup_kernel(**kwargs):
                if self.prelude:
                    reply = self.wait_for_reply(self.kc.execute(self.prelude, silent=True, store_history=False))
                    content = (reply or {}).get("content", {})
                    if content.get("status") != "ok":
                        raise RuntimeError(f"chuẩn bị kernel không được: {content.get('ename', '')}: "
                                           f"{content.get('evalue', 'quá thời gian')}")
                self.papermill_execute_cells()
                if not self.timed_out:
                    info = self.wait_for_reply(self.kc.kernel_info())
                    self.nb.metadata["language_info"] = info["content"]["language_info"]
                self.set_widgets_metadata()
            return self.nb

        def papermill_execute_cells(self) -> None:
            for index, cell in enumerate(self.nb.cells):
                try:
                    self.nb_man.cell_start(cell, index)
                    self.execute_cell(cell, index)
                except CellExecutionError as exc:
                    self.nb_man.cell_exception(self.nb.cells[index], cell_index=index, exception=exc)
                    break
                except CellTimeoutError as exc:
                    seconds = f"{self.timeout:g}" if self.timeout else "?"
                    cell.setdefault("outputs", []).append(nbformat.v4.new_output(
                        "error", ename=TIMEOUT_NAME, traceback=[],
                        evalue=f"ô chạy quá {seconds} giây mà chưa xong (giới hạn mỗi ô: --timeout {seconds})"))
                    self.nb_man.cell_exception(self.nb.cells[index], cell_index=index, exception=exc)
                    self.timed_out = True
                    break
                finally:
                    self.nb_man.cell_complete(self.nb.cells[index], cell_index=index)

    return TimedClient


class KernelEngine(Engine):
    """papermill engine ``kttt``: papermill's nbclient execution on this worker's warm kernel.

    Registered per worker process (an instance owns that worker's kernel)::

        pm.execute_notebook(src, out, parameters=…, engine_name="kttt", execution_timeout=600)
    """

    def __init__(self, parse_cache: str | None = None, warm_up: str = WARM_UP) -> None:
        self.kernel = WarmKernel(warm_up)
        self.parse_cache = parse_cache  # this worker's folder of parsed registers (its machine's)

    def execute_notebook(self, nb: Any, kernel_name: str, output_path: str | None = None,  # type: ignore[override]
                         progress_bar: bool = False, log_output: bool = False, autosave_cell_every: int = 30,
                         **kwargs: Any) -> Any:
        nb_man = NotebookExecutionManager(nb, output_path=output_path, log_output=log_output,
                                          progress_bar=progress_bar, autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            self.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb

    def execute_managed_notebook(self, nb_man: NotebookExecutionManager, kernel_name: str,  # type: ignore[override]
                                 log_output: bool = False, stdout_file: Any = None, stderr_file: Any = None,
                                 start_timeout: int = 60, execution_timeout: float | None = None,
                                 setup: str | None = None, **_kwargs: Any) -> None:
        from papermill.log import logger

        km, reset = self.kernel.ready()
        try:
            timeout = max(1, round(execution_timeout)) if execution_timeout else None
            client = _client_class()(nb_man, km=km, timeout=timeout, startup_timeout=start_timeout,
                                     kernel_name=kernel_name, log=logger, log_output=log_output,
                                     stdout_file=stdout_file, stderr_file=stderr_file)
            client.prelude = "\n".join(code for code in (reset, setup) if code)
            client.kc = self.kernel.connection()
            try:
                client.execute()
            finally:
                if client.kc is not None:
                    self.kernel.keep(client.kc)
        except BaseException:
            self.kernel.stop()  # a dead or stuck kernel is never reused
            raise
        if nb_man.nb.metadata.get("papermill", {}).get("exception"):
            self.kernel.stop()  # a failed notebook leaves a fresh kernel to the next one

    def close(self) -> None:
        self.kernel.stop()


def start_engine(parse_cache: str | None = None, warm: bool = True) -> KernelEngine:
    """This process's engine, registered in papermill's registry; its kernel starts now in the
    background when ``warm``."""
    engine = current_engine()
    if engine is None:
        engine = KernelEngine(parse_cache)
        papermill_engines.register(ENGINE, engine)
        import atexit

        atexit.register(engine.close)
        if warm:
            engine.kernel.start_soon()
    return engine


def current_engine() -> KernelEngine | None:
    """The engine registered in this process, if any."""
    engine = papermill_engines._engines.get(ENGINE)  # noqa: SLF001 - papermill has no "has_engine"
    return engine if isinstance(engine, KernelEngine) else None


def stop_engine() -> None:
    """Shut this process's kernel down and unregister the engine."""
    engine = current_engine()
    if engine is not None:
        engine.close()
        papermill_engines._engines.pop(ENGINE, None)  # noqa: SLF001
