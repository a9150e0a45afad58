"""Dask distributed as the build's executor, on a real scheduler and two worker processes
(``dask scheduler`` / ``dask worker`` subprocesses, see conftest.py): the scheduler sees the
build's tasks, failures are reported the same way, a killed worker's task runs again. (The
same bytes as the local pool: tests/test_build.py, on a LocalCluster of two processes.)"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from kttt.pipeline import build
from tests.builders import make_dataset
from tests.pipeline.helpers import failing, first_run_waits, notebook_folder, wait_for

pytestmark = pytest.mark.e2e


def test_the_scheduler_runs_the_build_s_tasks(dask_cluster, tmp_path: Path) -> None:  # noqa: ANN001
    root = make_dataset(tmp_path / "tinh_thu")
    lines: list[str] = []
    result = build(root, years=[2022], out=tmp_path / "out", formats=["html"], log=lines.append,
                   scheduler=dask_cluster.address)
    assert result.ok, lines
    assert any("2 worker Dask" in line for line in lines)
    seen = dask_cluster.task_prefixes()
    assert {"check_dataset", "execute_notebook", "render_and_time"} <= set(seen)
    assert sum(seen["execute_notebook"].values()) >= 6


def test_a_failing_notebook_is_reported_the_same_way(dask_cluster, tmp_path: Path) -> None:  # noqa: ANN001
    root = make_dataset(tmp_path / "tinh_thu")
    books = notebook_folder(tmp_path / "notebooks", {"02_loi": failing()})
    results = {}
    for name, scheduler in (("local", None), ("dask", dask_cluster.address)):
        results[name] = build(root, years=[2022], out=tmp_path / name, formats=["csv"], log=lambda _: None,
                              notebook_dir=books, scheduler=scheduler)
    assert not results["local"].ok and not results["dask"].ok
    assert results["local"].failed == results["dask"].failed
    assert results["dask"].failed[2022] == "notebook 02_loi, ô thực thi số 3: ValueError: hỏng có chủ ý"
    assert (tmp_path / "dask" / "tinh_thu" / ".loi" / "2022" / "02_loi.ipynb").is_file()
    assert not (tmp_path / "dask" / "tinh_thu" / "2022").exists()


def test_a_killed_worker_s_task_runs_again(dask_cluster, tmp_path: Path) -> None:  # noqa: ANN001
    root = make_dataset(tmp_path / "tinh_thu")
    marker = tmp_path / "lan_dau.txt"
    books = notebook_folder(tmp_path / "notebooks", {"02_cham": first_run_waits(marker, 300)})
    outcome: dict[str, object] = {}
    lines: list[str] = []

    def run() -> None:
        outcome["result"] = build(root, years=[2022], out=tmp_path / "out", formats=["csv"], log=lines.append,
                                  notebook_dir=books, scheduler=dask_cluster.address)

    thread = threading.Thread(target=run)
    thread.start()
    assert wait_for(marker), lines
    time.sleep(0.5)
    worker, kernel = map(int, marker.read_text().split())
    os.kill(worker, signal.SIGKILL)
    thread.join(timeout=300)
    assert not thread.is_alive()
    result = outcome["result"]
    assert result.ok, lines  # type: ignore[attr-defined]
    assert (2022, "02_cham") in result.executed  # type: ignore[attr-defined]
    assert (tmp_path / "out" / "tinh_thu" / "2022" / "chi_so_2022.csv").is_file()
    for _ in range(100):  # the dead worker's kernel exits by itself (it watches its parent)
        try:
            os.kill(kernel, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the killed worker's kernel {kernel} is still running")
    dask_cluster.wait_for_workers(2)  # the nanny has started a new worker


def test_workers_with_several_threads_are_refused(tmp_path: Path) -> None:
    from distributed import LocalCluster

    root = make_dataset(tmp_path / "tinh_thu")
    lines: list[str] = []
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as cluster:
        result = build(root, years=[2022], out=tmp_path / "out", formats=["csv"], log=lines.append,
                       scheduler=cluster.scheduler_address)
    assert not result.ok and result.executed == []
    assert any("phải chạy đúng một luồng" in line and "--nthreads 1" in line for line in lines), lines
    assert not (tmp_path / "out" / "tinh_thu" / "2022").exists()
