"""Run one notebook with papermill in a worker process, on a warm kernel, and report what happened.

Each worker process keeps one Jupyter kernel alive across notebooks ("workers that outlive
one notebook"): the kernel is started once, imports pandas, matplotlib and kttt once, and
between notebooks its namespace is reset (``%reset -f``), so no variable leaks from one
notebook into the next. Papermill still parameterises each notebook (the injected-parameters
cell), executes it through its nbclient engine and adds its error banner on failure. A
failed notebook or a dead kernel gets a fresh kernel for the next one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kttt.config import NOTEBOOKS_DIR

WARM_UP = "import pandas, matplotlib, kttt.report, kttt.tables, kttt.charts, kttt.narrative"
RESET = "%reset -f"


@dataclass(frozen=True)
class Executed:
    """The outcome of one notebook run."""

    year: int
    notebook: str
    output: str
    seconds: float
    ok: bool
    error: str = ""
    cell: int | None = None


def _quiet_environment() -> None:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")


def _kernel_manager_class(run_dir: str) -> type:
    """A kernel manager on local IPC sockets in ``run_dir``: no TCP ports, no "without
    encryption" warning, and parallel workers never share socket paths."""
    from jupyter_client.manager import KernelManager

    class IPCKernelManager(KernelManager):
        def __init__(self, **kwargs: object) -> None:
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = os.path.join(run_dir, "ipc")

    return IPCKernelManager


class WarmKernel:
    """One kernel per worker process, reused across notebooks."""

    def __init__(self) -> None:
        self.km: Any = None
        self.run_dir = ""
        self.runs = 0

    def _run(self, code: str, timeout: float = 120) -> None:
        kc = self.km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda _msg: None)
            if reply["content"].get("status") != "ok":
                raise RuntimeError(f"kernel setup failed: {reply['content'].get('evalue', '')}")
        finally:
            kc.stop_channels()

    def start(self) -> None:
        self.run_dir = tempfile.mkdtemp(prefix="kttt-kernel-")
        self.km = _kernel_manager_class(self.run_dir)(kernel_name="python3")
        self.km.start_kernel(cwd=str(NOTEBOOKS_DIR), extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        self._run(WARM_UP)
        self.runs = 0

    def stop(self) -> None:
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - best effort at exit
                pass
            self.km = None
        if self.run_dir:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            self.run_dir = ""

    def ready(self) -> Any:
        """A live kernel with an empty namespace."""
        if self.km is None or not self.km.is_alive():
            self.stop()
            self.start()
        elif self.runs:
            self._run(RESET)
        self.runs += 1
        return self.km


_WARM = WarmKernel()
_FINALIZER_SET = False


def _stop_at_exit() -> None:
    global _FINALIZER_SET
    if not _FINALIZER_SET:
        from multiprocessing import util

        # process-pool workers leave through multiprocessing, which runs Finalize, not atexit
        util.Finalize(_WARM, _WARM.stop, exitpriority=10)
        import atexit

        atexit.register(_WARM.stop)
        _FINALIZER_SET = True


def execute(year: int, notebook: str, output: str, parameters: dict[str, object], warm: bool = True) -> Executed:
    """Execute ``notebook`` into ``output`` with ``parameters``; never raises for a failing cell."""
    import logging

    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    _quiet_environment()
    logging.getLogger("papermill").setLevel(logging.WARNING)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    start = time.perf_counter()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    run_dir = tempfile.mkdtemp(prefix="kttt-kernel-")
    options: dict[str, Any] = {}
    try:
        if warm:
            _stop_at_exit()
            options["km"] = _WARM.ready()
        else:
            options["kernel_manager_class"] = _kernel_manager_class(run_dir)
            options["extra_arguments"] = ["--IPKernelApp.log_level=CRITICAL"]
        pm.execute_notebook(notebook, output, parameters=parameters, kernel_name="python3",
                            progress_bar=False, log_output=False, cwd=str(NOTEBOOKS_DIR),
                            report_mode=False, **options)
    except PapermillExecutionError as exc:
        if warm:
            _WARM.stop()  # the next notebook gets a fresh kernel, whatever this one left behind
        return Executed(year, Path(notebook).stem, output, time.perf_counter() - start, False,
                        f"{exc.ename}: {exc.evalue}", exc.exec_count)
    except Exception as exc:  # kernel died, notebook unreadable, …
        if warm:
            _WARM.stop()
        return Executed(year, Path(notebook).stem, output, time.perf_counter() - start, False,
                        f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return Executed(year, Path(notebook).stem, output, time.perf_counter() - start, True)


def warm_up() -> None:
    """Start this process's kernel ahead of its first notebook (best effort)."""
    _quiet_environment()
    try:
        _stop_at_exit()
        _WARM.ready()
        _WARM.runs = 0  # the first notebook needs no reset
    except Exception:  # noqa: BLE001 - the first notebook will try again and report
        _WARM.stop()
