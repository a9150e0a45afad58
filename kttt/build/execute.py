"""Run one notebook with papermill (in a worker process) and report what happened."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kttt.config import NOTEBOOKS_DIR


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


def execute(year: int, notebook: str, output: str, parameters: dict[str, object]) -> Executed:
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
    try:
        pm.execute_notebook(notebook, output, parameters=parameters, kernel_name="python3",
                            progress_bar=False, log_output=False, cwd=str(NOTEBOOKS_DIR),
                            report_mode=False, kernel_manager_class=_kernel_manager_class(run_dir),
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except PapermillExecutionError as exc:
        return Executed(year, Path(notebook).stem, output, time.perf_counter() - start, False,
                        f"{exc.ename}: {exc.evalue}", exc.exec_count)
    except Exception as exc:  # kernel died, notebook unreadable, …
        return Executed(year, Path(notebook).stem, output, time.perf_counter() - start, False,
                        f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return Executed(year, Path(notebook).stem, output, time.perf_counter() - start, True)
