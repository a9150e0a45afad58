"""Where tasks run: the local process pool, or Dask distributed — one interface.

Both are a :class:`concurrent.futures.Executor` the scheduler submits to:

- **local** (default): a :class:`~concurrent.futures.ProcessPoolExecutor` of ``--jobs``
  processes; each registers its papermill engine (:mod:`kttt.pipeline.kernel`) and starts its
  kernel while the client validates the datasets. Parsed registers are shared through the
  output folder's parse cache. A worker whose client disappears (killed with ``kill -9``)
  shuts its kernel down and exits; Ctrl-C or an error stops workers and kernels.
- **Dask** (``--scheduler tcp://HOST:8786`` for a running cluster, ``--scheduler local`` for a
  :class:`distributed.LocalCluster` on this machine): :meth:`distributed.Client.get_executor`
  with ``pure=False`` (running a notebook is not a pure function). A worker plugin
  (:class:`KernelPlugin`) gives each worker its engine and warm kernel; workers must run one
  thread each (``dask worker --nthreads 1``) and the same kttt as the client (checked). Tasks
  read the dataset from its path — a path every worker must see — and return bytes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass


class ExecutorError(RuntimeError):
    """The executor cannot be used (its Vietnamese message)."""


@dataclass
class Pool:
    """An executor and how many tasks it runs at once."""

    executor: Executor
    workers: int
    description: str


# ----------------------------------------------------------------------------- local pool

def _watch_parent(parent: int) -> None:
    """Exit (kernel first) as soon as the process that started this worker is gone."""
    from kttt.pipeline.kernel import stop_engine

    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            stop_engine()
            os._exit(1)


def _stop_on_term(_signum: int, _frame: object) -> None:
    raise SystemExit(1)  # multiprocessing then runs the finalizers: the kernel is shut down


def local_worker(parse_cache: str | None, parent: int) -> None:
    """Pool initializer: this worker's engine and kernel (started now, in the background), a
    finalizer that stops the kernel, a watch on the parent process."""
    import logging
    from multiprocessing import util

    from kttt.pipeline.kernel import start_engine, stop_engine

    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # a stopped kernel's pending reads: not news
    start_engine(parse_cache=parse_cache)
    util.Finalize(None, stop_engine, exitpriority=10)
    signal.signal(signal.SIGTERM, _stop_on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the client's: it stops the workers
    threading.Thread(target=_watch_parent, args=(parent,), name="kttt-watch-parent", daemon=True).start()


@contextlib.contextmanager
def local_pool(jobs: int, parse_cache: str | None) -> Iterator[Pool]:
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=local_worker, initargs=(parse_cache, os.getpid()))
    for _ in range(jobs):  # start the workers (and their kernels) now
        pool.submit(time.sleep, 0)
    clean = False
    try:
        yield Pool(pool, jobs, f"{jobs} tiến trình trên máy này")
        clean = True
    finally:
        if clean:
            pool.shutdown(wait=True)
        else:  # an error or Ctrl-C: stop the workers now (their finalizers stop the kernels)
            processes = list((pool._processes or {}).values())  # noqa: SLF001
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                if process.is_alive():
                    process.terminate()
            for process in processes:
                process.join(timeout=10)


@contextlib.contextmanager
def open_pool(scheduler: str | None, jobs: int, parse_cache: str | None) -> Iterator[Pool]:
    """The executor a build runs on (see the module doc)."""
    if scheduler is None:
        with local_pool(jobs, parse_cache) as pool:
            yield pool
    else:
        from kttt.pipeline.cluster import dask_pool

        with dask_pool(scheduler, jobs) as pool:
            yield pool


def is_dask_address(value: str) -> bool:
    """``local`` or a scheduler address.

    >>> is_dask_address("tcp://10.0.0.5:8786"), is_dask_address("local"), is_dask_address("nhanh")
    (True, True, False)
    """
    return value == "local" or "://" in value

