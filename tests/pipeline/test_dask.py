"""Dask distributed as the build's executor, on a real scheduler and two worker processes
(``dask scheduler`` / ``dask worker`` subprocesses, see conftest.py): the same bytes as the
local pool, failures reported the same way, a killed worker's task run again."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from kttt.config import SAMPLE_DATASET
from kttt.pipeline import build
from tests.builders import make_dataset
from tests.pipeline.helpers import digests, failing, first_run_waits, notebook_folder

pytestmark = pytest.mark.e2e


def test_the_cluster_builds_the_sample_byte_for_byte_like_the_local_pool(dask_cluster, tmp_path: Path) -> None:  # noqa: ANN001
    local = build(SAMPLE_DATASET, years=[2022], out=tmp_path / "local", use_cache=False, log=lambda _: None)
    lines: list[str] = []
    remote = build(SAMPLE_DATASET, years=[2022], out=tmp_path / "dask", use_cache=False, log=lines.append,
                   scheduler=dask_cluster.address)
    assert local.ok and remote.ok, lines
    assert any("2 worker Dask" in line for line in lines)
    first, second = digests(tmp_path / "local" / "yen_bai"), digests(tmp_path / "dask" / "yen_bai")
    assert len(first) == 13 and first == second  # 11 files of 2022, the index, the marker
    seen = dask_cluster.task_prefixes()
    assert seen["execute_notebook"].get("forgotten", 0) + seen["execute_notebook"].get("memory", 0) >= 6
    assert "render_and_time" in seen


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
    deadline = time.monotonic() + 180
    while not marker.is_file() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert marker.is_file(), lines
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
