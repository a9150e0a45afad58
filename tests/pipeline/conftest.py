"""Fixtures of the pipeline tests: a real Dask cluster on this machine — ``dask scheduler`` and
two ``dask worker`` processes (one thread each, as kttt requires), subprocesses on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DASK = Path(sys.executable).parent / "dask"


@dataclass
class Cluster:
    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen]

    def worker_pids(self) -> list[int]:
        """Process ids of the running workers (the nannies' children)."""
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            return sorted(client.run(os.getpid).values())

    def task_prefixes(self) -> dict[str, dict[str, int]]:
        """What the scheduler has seen: task prefix → counts by state."""
        from distributed import Client

        def prefixes(dask_scheduler) -> dict[str, dict[str, int]]:  # noqa: ANN001
            return {name: dict(p.state_counts) for name, p in dask_scheduler.task_prefixes.items()}

        with Client(self.address, timeout=30) as client:
            return client.run_on_scheduler(prefixes)

    def wait_for_workers(self, n: int, timeout: float = 120) -> None:
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(n, timeout=timeout)


def _start(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(DASK), *args], stdout=log.open("ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    """Stop a `dask` command as an operator would (SIGTERM to it: workers close, their plugin
    shuts the kernels down); whatever is left after 30 s is killed."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("dask")
    file = folder / "scheduler.json"
    log = folder / "cluster.log"
    # should the test run be killed before its teardown: the scheduler stops when idle, the
    # workers when the scheduler is gone
    scheduler = _start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                        "--idle-timeout", "900", "--scheduler-file", str(file)], log)
    workers: list[subprocess.Popen] = []
    try:
        deadline = time.monotonic() + 60
        while not file.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert file.is_file(), log.read_text(errors="replace")
        address = json.loads(file.read_text())["address"]
        for i in (1, 2):
            workers.append(_start(["worker", address, "--nthreads", "1", "--nworkers", "1", "--name", f"w{i}",
                                   "--no-dashboard", "--death-timeout", "60",
                                   "--local-directory", str(folder / f"w{i}")], log))
        cluster = Cluster(address, scheduler, workers)
        cluster.wait_for_workers(2)
        yield cluster
    finally:
        for process in [*workers, scheduler]:
            _stop(process)
