"""Dask distributed as the build's executor (``--scheduler tcp://HOST:8786`` or ``local``).

The scheduler submits to :meth:`distributed.Client.get_executor` (``pure=False``: running a
notebook is not a pure function) exactly as it does to the local pool. :class:`KernelPlugin`
gives every worker its papermill engine and warm kernel (stopped with the worker; after a
failed notebook the engine starts a fresh kernel). Before the first task, :func:`check_workers`
refuses workers that run more than one thread or another kttt than the client. Tasks read
the dataset from its path — the same path on every worker — and return bytes; the parse cache
is each worker machine's own temporary folder. A worker that dies mid-task is replaced by
Dask and its task runs again elsewhere.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator

from distributed import Client, LocalCluster, WorkerPlugin

from kttt.pipeline.executors import ExecutorError, Pool
from kttt.pipeline.kernel import start_engine, stop_engine

PLUGIN = "kttt-kernel"


def worker_parse_cache() -> str:
    """A parse cache on the worker's own machine (never a shared folder)."""
    return os.path.join(tempfile.gettempdir(), f"kttt-phan-tich-{os.getuid() if hasattr(os, 'getuid') else 0}")


class KernelPlugin(WorkerPlugin):
    """Dask worker plugin: the worker's papermill engine and warm kernel, stopped with the worker."""

    name = PLUGIN
    idempotent = True  # a second build on the same cluster keeps the warm kernels

    def setup(self, worker: object) -> None:
        from kttt.pipeline.publish import sweep_stale_folders

        sweep_stale_folders()  # what killed workers of this machine left
        start_engine(parse_cache=worker_parse_cache())

    def teardown(self, worker: object) -> None:
        stop_engine()


def _worker_facts() -> dict[str, object]:
    from kttt import __version__
    from kttt.pipeline.plan import source_digest

    return {"kttt": __version__, "source": source_digest()}


def check_workers(client: object, timeout: float) -> dict[str, dict]:
    """The cluster's workers, refused unless each runs one thread and the client's kttt."""
    from kttt.pipeline.plan import source_digest

    try:
        client.wait_for_workers(1, timeout=timeout)  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - distributed raises its own TimeoutError
        raise ExecutorError(f"Không có worker nào nối vào scheduler sau {timeout:g} giây "
                            "(khởi động: dask worker ĐỊA_CHỈ --nthreads 1).") from exc
    workers = client.scheduler_info(n_workers=-1)["workers"]  # type: ignore[attr-defined]
    threaded = [f"{address} ({info['nthreads']} luồng)" for address, info in workers.items() if info["nthreads"] != 1]
    if threaded:
        raise ExecutorError("Mỗi worker của kttt phải chạy đúng một luồng (mỗi worker một kernel; papermill đổi thư "
                            f"mục làm việc): {', '.join(threaded)}. Khởi động lại với dask worker … --nthreads 1.")
    facts = client.run(_worker_facts)  # type: ignore[attr-defined]
    mine = source_digest()
    different = [address for address, f in facts.items() if f["source"] != mine]
    if different:
        raise ExecutorError(f"Worker {', '.join(different)} chạy mã kttt khác với máy này: cài cùng một phiên bản "
                            "kttt trên mọi máy rồi khởi động lại các worker.")
    return workers


@contextlib.contextmanager
def dask_pool(address: str, jobs: int, timeout: float = 60) -> Iterator[Pool]:
    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=":0",
                                   silence_logs=logging.ERROR)
            client = Client(cluster)
        else:
            client = Client(address, timeout=timeout)
    except OSError as exc:
        raise ExecutorError(f"Không nối được tới scheduler Dask {address}: {exc}.") from exc
    try:
        workers = check_workers(client, timeout)
        client.register_plugin(KernelPlugin(), name=PLUGIN)
        executor = client.get_executor(pure=False)
        where = "LocalCluster trên máy này" if cluster is not None else f"cụm Dask {address}"
        link = f"; theo dõi tại {client.dashboard_link}" if client.dashboard_link else ""
        yield Pool(executor, len(workers), f"{len(workers)} worker Dask ({where}{link})")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
