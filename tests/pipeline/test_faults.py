"""Faults a real build meets (issue 12, items 2, 3, 10, 11, 12): a hanging cell, a build killed
with ``kill -9`` or Ctrl-C, a read-only or full disk, a symlinked year, ``--out`` over the data,
two builds at once, a path given from another directory. Each ends with a clear Vietnamese
message, the previous publication intact, and a next build that recovers by itself.

Faults of the client's side run on the tests' Dask cluster (``dask_cluster``: warm kernels, the
same code path); those of the local pool's processes run on the local pool."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from kttt.config import REPO_ROOT, SAMPLE_DATASET
from kttt.pipeline import build, publish
from tests.builders import HTX_HEADERS, HTX_ROWS, make_dataset, with_cell, write_xlsx
from tests.pipeline.helpers import digests, first_run_waits, notebook_folder, wait_for

pytestmark = pytest.mark.e2e
KTTT = Path(sys.executable).parent / "kttt"


def _change_register(root: Path) -> None:
    write_xlsx(root / "2022" / "htx.xlsx", HTX_HEADERS, with_cell(HTX_ROWS, 1, HTX_HEADERS.index("Số thành viên"), 31))


def test_a_hanging_cell_times_out_and_is_reported_like_any_failure(tmp_path: Path, dask_cluster) -> None:  # noqa: ANN001
    root = make_dataset(tmp_path / "tinh_thu")
    books = notebook_folder(tmp_path / "notebooks", {"02_treo": "import time\ntime.sleep(600)"})
    lines: list[str] = []
    start = time.monotonic()
    result = build(root, years=[2022], out=tmp_path / "out", formats=["csv"], log=lines.append,
                   notebook_dir=books, timeout=3, scheduler=dask_cluster.address)
    assert time.monotonic() - start < 120
    assert not result.ok and (2022, "01_tong_quan") in result.executed
    assert result.failed[2022] == ("notebook 02_treo, ô thực thi số 3: ô chạy quá 3 giây mà chưa xong "
                                   "(giới hạn mỗi ô: --timeout 3)")
    kept = tmp_path / "out" / "tinh_thu" / ".loi" / "2022" / "02_treo.ipynb"
    assert kept.is_file() and "papermill-error-cell" in kept.read_text(encoding="utf-8")
    assert any("không xuất bản" in line for line in lines)
    assert not (tmp_path / "out" / "tinh_thu" / "2022").exists()


def _tree(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def test_a_build_killed_with_kill_9_leaves_no_process_and_the_next_build_recovers(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "tinh_thu")
    out = tmp_path / "out"
    first = build(root, years=[2022], out=out, formats=["csv"], log=lambda _: None)
    assert first.ok, first.failed
    (out / "tinh_thu" / "index.html").unlink()  # as if an earlier build died before writing it
    before = digests(out / "tinh_thu" / "2022")
    _change_register(root)
    marker = tmp_path / "lan_dau.txt"
    books = notebook_folder(tmp_path / "notebooks", {"02_cham": first_run_waits(marker, 300)})
    script = textwrap.dedent(f"""
        from pathlib import Path
        from kttt.pipeline import build
        build(Path({str(root)!r}), years=[2022], out=Path({str(out)!r}), formats=["csv"], jobs=2,
              notebook_dir=Path({str(books)!r}))
    """)
    client = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(marker)
        time.sleep(0.5)
        family = _tree(client.pid)
        workers = [p for p in family if p.ppid() == client.pid]
        assert len(workers) == 2 and len(family) >= 4  # two workers, a kernel each
        os.kill(client.pid, signal.SIGKILL)
        client.wait(timeout=10)
        gone, alive = psutil.wait_procs(family, timeout=20)
        assert not alive, [p.cmdline()[:3] for p in alive]
    finally:
        if client.poll() is None:
            client.kill()
    def left(pids: set[str]) -> list[Path]:
        return [p for prefix in publish.WORKER_FOLDERS for p in Path(tempfile.gettempdir()).glob(f"{prefix}*")
                if p.name[len(prefix):].split("-")[0] in pids]

    killed = {str(w.pid) for w in workers}
    assert not [p for p in left(killed) if p.name.startswith(publish.FOLDER_PREFIX)]  # kernels: by the workers
    assert digests(out / "tinh_thu" / "2022") == before  # the publication is the previous one
    lines: list[str] = []
    result = build(root, years=[2022], out=out, formats=["csv"], log=lines.append, notebook_dir=books)
    assert result.ok and result.published == [2022], lines
    assert 'href="2022/index.html"' in (out / "tinh_thu" / "index.html").read_text(encoding="utf-8")
    assert left(killed) == []  # the notebook run's folder of the killed worker: by the next build


def test_ctrl_c_stops_the_build_with_no_process_left(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "tinh_thu")
    marker = tmp_path / "lan_dau.txt"
    books = notebook_folder(tmp_path / "notebooks", {"02_cham": first_run_waits(marker, 300)})
    script = textwrap.dedent(f"""
        import sys
        from kttt.cli import main
        from kttt.pipeline import build
        try:
            build({str(root)!r}, years=[2022], out={str(tmp_path / "out")!r}, formats=["csv"], jobs=2,
                  notebook_dir=__import__("pathlib").Path({str(books)!r}))
        except KeyboardInterrupt:
            print("dừng", flush=True)
            sys.exit(130)
    """)
    client = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        assert wait_for(marker)
        time.sleep(0.5)
        family = _tree(client.pid)
        os.killpg(client.pid, signal.SIGINT)  # what a terminal sends to the whole group
        out, err = client.communicate(timeout=60)
        gone, alive = psutil.wait_procs(family, timeout=20)
        assert not alive, [p.cmdline()[:3] for p in alive]
    finally:
        if client.poll() is None:
            client.kill()
    assert client.returncode == 130 and "dừng" in out
    assert "Traceback" not in err, err  # the workers do not each print a KeyboardInterrupt
    assert not (tmp_path / "out" / "tinh_thu" / "2022").exists()


def test_a_symlinked_year_is_refused_by_the_build_and_the_other_years_publish(tmp_path: Path, dask_cluster) -> None:  # noqa: ANN001
    root = make_dataset(tmp_path / "tinh_thu")
    make_dataset(root, year=2023)
    out = tmp_path / "out"
    assert build(root, all_years=True, out=out, formats=["csv"], log=lambda _: None, scheduler=dask_cluster.address).ok
    elsewhere = tmp_path / "web" / "2022"  # the analyst serves 2022 from elsewhere through a link
    shutil.move(out / "tinh_thu" / "2022", elsewhere)
    (out / "tinh_thu" / "2022").symlink_to(elsewhere)
    before = digests(elsewhere)
    for register in (root / "2022" / "htx.xlsx", root / "2023" / "htx.xlsx"):
        write_xlsx(register, HTX_HEADERS, with_cell(HTX_ROWS, 1, HTX_HEADERS.index("Số thành viên"), 31))
    lines: list[str] = []
    result = build(root, all_years=True, out=out, formats=["csv"], log=lines.append, scheduler=dask_cluster.address)
    assert not result.ok and result.published == [2023]
    assert "là một liên kết tượng trưng" in result.failed[2022] and "Xoá liên kết" in result.failed[2022]
    assert digests(elsewhere) == before and (out / "tinh_thu" / "2022").is_symlink()
    again = build(root, all_years=True, out=out, formats=["csv"], log=lambda _: None, scheduler=dask_cluster.address)  # no crash, same answer
    assert again.failed.keys() == {2022} and again.unchanged == [2023]
    assert digests(elsewhere) == before


def test_an_index_a_killed_build_did_not_write_is_rewritten_by_a_build_with_nothing_to_do(tmp_path: Path, dask_cluster) -> None:  # noqa: ANN001
    root = make_dataset(tmp_path / "tinh_thu")
    out = tmp_path / "out"
    assert build(root, years=[2022], out=out, formats=["csv"], log=lambda _: None, scheduler=dask_cluster.address).ok
    index = out / "tinh_thu" / "index.html"
    index.unlink()
    lines: list[str] = []
    result = build(root, years=[2022], out=out, formats=["csv"], log=lines.append, scheduler=dask_cluster.address)
    assert result.ok and result.executed == [] and result.unchanged == [2022]
    assert 'href="2022/index.html"' in index.read_text(encoding="utf-8")
    assert any("viết lại trang mục lục" in line for line in lines)


def _chattr(flag: str, path: Path) -> bool:
    return shutil.which("chattr") is not None and subprocess.run(
        ["chattr", flag, str(path)], capture_output=True, check=False).returncode == 0


def test_a_read_only_output_says_so_and_keeps_the_publication(tmp_path: Path, dask_cluster) -> None:  # noqa: ANN001
    root = make_dataset(tmp_path / "tinh_thu")
    out = tmp_path / "out"
    assert build(root, years=[2022], out=out, formats=["csv"], log=lambda _: None, scheduler=dask_cluster.address).ok
    folder = out / "tinh_thu"
    before = digests(folder)
    _change_register(root)
    if os.geteuid() == 0:
        if not _chattr("+i", folder):  # root ignores permissions: the immutable flag is what holds
            pytest.skip("cannot make a folder read-only here (no chattr +i)")
    else:
        folder.chmod(0o555)
    try:
        lines: list[str] = []
        result = build(root, years=[2022], out=out, formats=["csv"], log=lines.append, scheduler=dask_cluster.address)
    finally:
        if os.geteuid() == 0:
            _chattr("-i", folder)
        else:
            folder.chmod(0o755)
    assert not result.ok and 2022 in result.failed
    assert "Không ghi được năm" in result.failed[2022] and "Bản đã xuất bản trước đó giữ nguyên" in result.failed[2022]
    assert digests(folder) == before
    assert build(root, years=[2022], out=out, formats=["csv"], log=lambda _: None, scheduler=dask_cluster.address).published == [2022]


def test_a_full_disk_says_so_and_the_next_build_publishes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dask_cluster) -> None:  # noqa: ANN001
    import errno

    root = make_dataset(tmp_path / "tinh_thu")
    out = tmp_path / "out"
    assert build(root, years=[2022], out=out, formats=["csv"], log=lambda _: None, scheduler=dask_cluster.address).ok
    before = digests(out / "tinh_thu")
    _change_register(root)
    real = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if self.parent.name.startswith("dang-dung"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    lines: list[str] = []
    result = build(root, years=[2022], out=out, formats=["csv"], log=lines.append, scheduler=dask_cluster.address)
    monkeypatch.undo()
    assert not result.ok and "hết chỗ trống trên đĩa" in result.failed[2022]
    assert any("hết chỗ trống trên đĩa" in line for line in lines)
    assert digests(out / "tinh_thu") == before
    again = build(root, years=[2022], out=out, formats=["csv"], log=lambda _: None, scheduler=dask_cluster.address)
    assert again.ok and again.published == [2022] and again.executed == []  # the notebooks were kept


def test_out_set_to_the_data_s_parent_deletes_nothing(tmp_path: Path) -> None:
    """Issue 12.2 as reported: ``kttt build data/x --out data``."""
    data = tmp_path / "data"
    root = make_dataset(data / "tinh_thu")
    before = digests(data)
    proc = subprocess.run([str(KTTT), "build", "data/tinh_thu", "--year", "2022", "--out", "data"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "chứa thư mục dữ liệu" in proc.stdout + proc.stderr
    assert digests(data) == before and (root / "2022" / "htx.xlsx").is_file()


def test_a_path_resolves_the_same_way_in_validate_and_build(tmp_path: Path) -> None:
    """Issue 12.12: ``data/yen_bai`` from another folder is not the repository's sample for one
    command and "not found" for the other; a link is followed by both."""
    elsewhere = tmp_path / "noi_khac"
    elsewhere.mkdir()
    validate = subprocess.run([str(KTTT), "validate", "data/yen_bai"], cwd=elsewhere, capture_output=True, text=True,
                              timeout=300)
    built = subprocess.run([str(KTTT), "build", "data/yen_bai", "--out", str(tmp_path / "out")], cwd=elsewhere,
                           capture_output=True, text=True, timeout=300)
    assert validate.returncode == 1 and built.returncode == 1
    assert "không tìm thấy" in validate.stdout + validate.stderr
    assert "không tìm thấy thư mục dữ liệu" in built.stdout + built.stderr
    assert not (tmp_path / "out" / "yen_bai").exists()
    (elsewhere / "data").mkdir()
    (elsewhere / "data" / "yen_bai").symlink_to(SAMPLE_DATASET)
    validate = subprocess.run([str(KTTT), "validate", "data/yen_bai", "--year", "2022"], cwd=elsewhere,
                              capture_output=True, text=True, timeout=300)
    assert validate.returncode == 0, validate.stdout
    from kttt.load import load_dataset
    from kttt.pipeline.targets import data_path

    os.chdir(elsewhere)
    try:
        assert data_path("data/yen_bai") == load_dataset("data/yen_bai", years=[]).path == SAMPLE_DATASET
    finally:
        os.chdir(REPO_ROOT)


def test_a_second_build_into_the_same_folder_waits_its_turn(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "tinh_thu")
    out = tmp_path / "out"
    marker = tmp_path / "lan_dau.txt"
    books = notebook_folder(tmp_path / "notebooks", {"02_cham": first_run_waits(marker, 8)})
    script = textwrap.dedent(f"""
        from pathlib import Path
        from kttt.pipeline import build
        r = build(Path({str(root)!r}), years=[2022], out=Path({str(out)!r}), formats=["csv"],
                  notebook_dir=Path({str(books)!r}))
        raise SystemExit(0 if r.ok else 1)
    """)
    first = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(marker)
        lines: list[str] = []
        refused = build(root, years=[2022], out=out, formats=["csv"], log=lines.append, notebook_dir=books,
                        lock_timeout=1)
        assert not refused.ok and refused.executed == []
        assert any(f"(tiến trình {first.pid}) đang ghi vào {out}; chờ nó xong" in line for line in lines), lines
        assert any("vẫn đang ghi vào" in line and "dừng, không ghi gì" in line for line in lines), lines
        waited = build(root, years=[2022], out=out, formats=["csv"], log=lambda _: None, notebook_dir=books)
        assert first.wait(timeout=120) == 0
    finally:
        if first.poll() is None:
            first.kill()
    assert waited.ok and waited.unchanged == [2022]  # it waited, then found the year just published


def test_a_kernel_that_fails_to_start_is_replaced_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat

    from kttt.pipeline import kernel, work

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("year = 1", metadata={"tags": ["parameters"]}, id="o001"),
                nbformat.v4.new_code_cell("print(year * 2)", id="o002")]
    run = work.NotebookRun("thu", nbformat.writes(nb).encode(), {"year": 21})
    real = kernel.KernelEngine.execute_managed_notebook
    calls: list[int] = []

    def flaky(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel didn't respond in 60 seconds")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(kernel.KernelEngine, "execute_managed_notebook", flaky)
    try:
        done = work.execute_notebook(run)
        assert done.ok and len(calls) == 2 and b"42" in done.notebook
        monkeypatch.setattr(kernel.KernelEngine, "execute_managed_notebook",
                            lambda *a, **k: (_ for _ in ()).throw(RuntimeError("không khởi động được")))
        failed = work.execute_notebook(run)
        assert not failed.ok
        assert failed.error == "RuntimeError: không khởi động được (lần đầu: RuntimeError: không khởi động được)"
    finally:
        kernel.stop_engine()
