"""The output folder (issue 12, items 2, 3, 11): never write where the data is, never delete what
kttt did not make, one build per folder, a publish that survives being killed at any step."""

from __future__ import annotations

import errno
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from kttt.pipeline import build_many, publish
from kttt.pipeline.publish import OutputError
from tests.builders import make_dataset


def year_files(tag: str) -> dict[str, bytes]:
    return {"index.html": f"<p>{tag}</p>".encode(), "chi_so_2022.csv": f"a,b\n{tag},1\n".encode()}


def manifest(folder: Path) -> None:
    (folder / "manifest.json").write_text(json.dumps({"khoa_dung": "k"}), encoding="utf-8")


def contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ----------------------------------------------------------------------------- where outputs may go

@pytest.mark.parametrize("relation", ["is", "contains", "inside"])
def test_an_output_folder_touching_the_data_is_refused(tmp_path: Path, relation: str) -> None:
    data = make_dataset(tmp_path / "data" / "tinh_thu")
    out = {"is": data, "contains": tmp_path / "data", "inside": data / "bao_cao"}[relation]
    before = contents(tmp_path / "data")
    lines: list[str] = []
    results = build_many([data], years=[2022], out=out, log=lines.append)
    assert not results["tinh_thu"].ok and results["tinh_thu"].executed == []
    assert any("kttt không ghi báo cáo vào chỗ có dữ liệu" in line for line in lines), lines
    assert contents(tmp_path / "data") == before  # the registers are all there, unchanged


def test_an_output_folder_inside_another_dataset_is_refused(tmp_path: Path) -> None:
    data = make_dataset(tmp_path / "a" / "tinh_thu")
    other = make_dataset(tmp_path / "b" / "tinh_khac")
    with pytest.raises(OutputError, match="nằm trong thư mục dữ liệu"):
        publish.check_out(other / "bao_cao", [data])


def test_two_datasets_publishing_to_the_same_place_are_refused(tmp_path: Path) -> None:
    a = make_dataset(tmp_path / "a" / "tinh_thu")
    b = make_dataset(tmp_path / "b" / "tinh_thu")
    lines: list[str] = []
    results = build_many([a, b], years=[2022], out=tmp_path / "out", log=lines.append)
    assert not results["tinh_thu"].ok
    assert any("Hai thư mục dữ liệu cùng tên «tinh_thu»" in line for line in lines), lines
    assert not (tmp_path / "out" / "tinh_thu").exists()


def test_a_folder_kttt_did_not_make_is_never_written(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "tinh_thu"
    folder.mkdir(parents=True)
    (folder / "htx.xlsx").write_bytes(b"so dang ky")
    (folder / "2022").mkdir()
    (folder / "2022" / "ghi_chu.txt").write_text("của người dùng")
    before = contents(folder)
    with pytest.raises(OutputError, match=r"không phải thư mục báo cáo của kttt \(có 2022, htx.xlsx\)"):
        publish.claim(folder, tmp_path / "tinh_thu")
    assert contents(folder) == before


def test_a_folder_of_an_earlier_kttt_is_adopted(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "tinh_thu"
    (folder / "2022").mkdir(parents=True)
    manifest(folder / "2022")
    (folder / "index.html").write_text("x")
    (folder / ".cache").mkdir()
    publish.claim(folder, tmp_path / "tinh_thu")
    assert json.loads((folder / publish.MARKER).read_text())["nguon"] == str(tmp_path / "tinh_thu")


def test_a_marker_of_another_living_dataset_is_refused_a_vanished_one_is_taken_over(tmp_path: Path) -> None:
    a = make_dataset(tmp_path / "a" / "tinh_thu")
    b = make_dataset(tmp_path / "b" / "tinh_thu")
    folder = tmp_path / "out" / "tinh_thu"
    publish.claim(folder, a)
    with pytest.raises(OutputError, match=f"là báo cáo của thư mục dữ liệu {a}"):
        publish.claim(folder, b)
    shutil.rmtree(a)
    notes: list[str] = []
    publish.claim(folder, b, notes.append)
    assert notes and "không còn ở đó" in notes[0]


def test_a_year_folder_that_is_not_kttt_s_is_not_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "tinh_thu"
    (folder / "2022").mkdir(parents=True)
    (folder / "2022" / "cua_toi.txt").write_text("x")
    with pytest.raises(OutputError, match="không do kttt tạo"):
        publish.publish(folder, 2022, year_files("moi"), manifest)
    assert (folder / "2022" / "cua_toi.txt").read_text() == "x"


# ----------------------------------------------------------------------------- publishing

def test_publish_replaces_a_year_and_keeps_nothing_aside(tmp_path: Path) -> None:
    folder = tmp_path / "tinh_thu"
    publish.publish(folder, 2022, year_files("cu"), manifest)
    publish.publish(folder, 2022, year_files("moi"), manifest)
    assert contents(folder / "2022")["index.html"] == b"<p>moi</p>"
    assert sorted(p.name for p in folder.iterdir()) == [".kttt", "2022"]
    assert list((folder / ".kttt").iterdir()) == []


class Killed(BaseException):
    """The process is gone: nothing after this point reaches the disk."""


def _kill_at(monkeypatch: pytest.MonkeyPatch, step: int) -> list[str]:
    """Make the ``step``-th change to the disk, and every one after it, fail as if the process
    had been killed with ``kill -9`` at that moment."""
    calls: list[str] = []
    dead = {"now": False}

    def guard(name, real):  # noqa: ANN001, ANN202
        def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if dead["now"] or len(calls) == step:
                dead["now"] = True
                raise Killed(name)
            calls.append(name)
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(Path, "rename", guard("rename", Path.rename))
    monkeypatch.setattr(Path, "write_bytes", guard("write_bytes", Path.write_bytes))
    monkeypatch.setattr(Path, "write_text", guard("write_text", Path.write_text))
    monkeypatch.setattr(Path, "mkdir", guard("mkdir", Path.mkdir))
    monkeypatch.setattr(Path, "unlink", guard("unlink", Path.unlink))
    monkeypatch.setattr(shutil, "rmtree", guard("rmtree", shutil.rmtree))
    monkeypatch.setattr(os, "replace", guard("replace", os.replace))
    return calls


def test_a_publish_killed_at_any_step_leaves_the_old_or_the_new_year_and_the_next_one_recovers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = year_files("cu"), year_files("moi")
    step = 0
    while True:
        folder = tmp_path / f"lan_{step}" / "tinh_thu"
        publish.publish(folder, 2022, old, manifest)
        calls = _kill_at(monkeypatch, step)
        try:
            publish.publish(folder, 2022, new, manifest)
            finished = True
        except Killed:
            finished = False
        monkeypatch.undo()
        publish.recover(folder)
        seen = {k: v for k, v in contents(folder / "2022").items() if k != "manifest.json"}
        assert seen in (old, new), (step, calls, seen)
        assert sorted(p.name for p in (folder / ".kttt").iterdir()) == [], (step, calls)
        publish.publish(folder, 2022, new, manifest)  # the next build goes through
        assert {k: v for k, v in contents(folder / "2022").items() if k != "manifest.json"} == new
        if finished:
            break
        step += 1
    assert step >= 6  # staging, each file, the manifest, the two renames, the clean-up


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "hết chỗ trống trên đĩa"),
                                             (errno.EROFS, "ổ đĩa chỉ cho đọc"),
                                             (errno.EACCES, "không có quyền ghi")])
def test_a_failed_write_says_why_and_keeps_the_previous_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             code: int, words: str) -> None:
    folder = tmp_path / "tinh_thu"
    publish.publish(folder, 2022, year_files("cu"), manifest)
    before = contents(folder / "2022")
    real = Path.write_bytes

    def failing(self: Path, data: bytes) -> int:
        if self.parent.name.startswith("dang-dung") and self.name == "chi_so_2022.csv":
            raise OSError(code, os.strerror(code))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OutputError, match=f"{words}. Bản đã xuất bản trước đó giữ nguyên"):
        publish.publish(folder, 2022, year_files("moi"), manifest)
    monkeypatch.undo()
    assert contents(folder / "2022") == before
    assert not (folder / ".kttt" / "dang-dung-2022").exists()


def test_a_symlinked_year_is_not_written_through_and_an_old_crash_on_it_recovers(tmp_path: Path) -> None:
    folder = tmp_path / "tinh_thu"
    publish.publish(folder, 2021, year_files("cu"), manifest)
    elsewhere = tmp_path / "web" / "2022"
    elsewhere.mkdir(parents=True)
    (elsewhere / "index.html").write_text("trang của người dùng")
    (folder / "2022").symlink_to(elsewhere)
    with pytest.raises(OutputError, match="liên kết tượng trưng"):
        publish.publish(folder, 2022, year_files("moi"), manifest)
    assert (elsewhere / "index.html").read_text() == "trang của người dùng"
    # what the old publish left when it crashed on such a link: `.cu-2022` (a link) beside `2022`
    os.rename(folder / "2022", folder / ".cu-2022")
    (folder / "2022").mkdir()
    manifest(folder / "2022")
    assert publish.recover(folder) == []  # no crash: the stale link is unlinked, its target kept
    assert not (folder / ".cu-2022").exists() and (elsewhere / "index.html").is_file()


def test_recover_puts_back_a_year_moved_aside(tmp_path: Path) -> None:
    folder = tmp_path / "tinh_thu"
    publish.publish(folder, 2022, year_files("cu"), manifest)
    os.rename(folder / "2022", folder / ".kttt" / "cu-2022")  # killed between the two renames
    assert publish.recover(folder)
    assert contents(folder / "2022")["index.html"] == b"<p>cu</p>"


def test_the_index_is_stale_when_a_year_was_published_after_it(tmp_path: Path) -> None:
    folder = tmp_path / "tinh_thu"
    publish.publish(folder, 2022, year_files("cu"), manifest)
    publish.write_index(folder, "<p>mục lục</p>")
    assert publish.index_is_current(folder)
    time.sleep(0.01)
    publish.publish(folder, 2023, year_files("moi"), manifest)
    assert not publish.index_is_current(folder)


# ----------------------------------------------------------------------------- one build at a time

def test_a_second_build_waits_for_the_lock_or_stops_with_a_message(tmp_path: Path) -> None:
    said: list[str] = []
    held = threading.Event()
    release = threading.Event()

    def first() -> None:
        with publish.lock(tmp_path, say=said.append):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(10)
    with pytest.raises(OutputError, match="Một lần dựng khác vẫn đang ghi vào .* sau 0.5 giây"):
        with publish.lock(tmp_path, timeout=0.5, say=said.append):
            pass
    assert said and f"(tiến trình {os.getpid()})" in said[0] and "chờ nó xong" in said[0]
    threading.Timer(0.5, release.set).start()
    start = time.monotonic()
    with publish.lock(tmp_path, timeout=30, say=said.append):
        waited = time.monotonic() - start
    thread.join()
    assert waited >= 0.3


def test_a_province_given_alone_and_in_its_collection_is_planned_once(tmp_path: Path) -> None:
    from kttt.outputs import choose
    from kttt.pipeline.targets import plan

    root = tmp_path / "hai_tinh"
    root.mkdir()
    (root / "tap_du_lieu.yaml").write_text('ten: "Hai tỉnh"\n', encoding="utf-8")
    make_dataset(root / "tinh_91")
    make_dataset(root / "tinh_91", year=2023)
    make_dataset(root / "tinh_92")
    make_dataset(root / "tinh_92", year=2023)
    asked = plan([root, root / "tinh_91"], [2022], False, tmp_path / "out", choose(["csv"]))
    assert sorted((t.name, tuple(t.years)) for t in asked.targets) == [
        ("hai_tinh", (2022,)), ("tinh_91", (2022,)), ("tinh_92", (2022,))]
    asked = plan([root / "tinh_91", root], [2023], False, tmp_path / "out", choose(["csv"]))
    assert [t.name for t in asked.targets] == ["tinh_91", "tinh_92", "hai_tinh"]
