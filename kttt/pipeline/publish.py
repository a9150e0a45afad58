"""The output folder: what kttt may write, one build at a time, and the atomic publish of a year.

Rules (issue 12: nothing wrong is ever published, nothing the build did not create is deleted):

- ``--out`` may not be, contain or lie inside a data folder (a dataset or a collection), nor
  lie inside any folder holding a ``dataset.yaml``;
- a dataset publishes into ``OUT/<name>/``, a folder kttt marks as its own (:data:`MARKER`,
  naming the dataset folder it belongs to). kttt writes only into a folder that is new, empty,
  carries its marker for the same dataset, or holds nothing but what an earlier kttt made;
  two datasets that would publish to the same place are refused;
- a year is replaced only when its folder carries kttt's ``manifest.json``; a year folder
  that is a symbolic link is never written through;
- one build per output folder at a time (:func:`lock`, an OS file lock: released even when
  the build is killed); the second waits, or stops after ``timeout`` seconds;
- a year is written aside (``OUT/<name>/.kttt/dang-dung-<year>/``) and swapped in with two renames;
  a build killed between them is repaired by the next one (:func:`recover`).

Every refusal or write failure is an :class:`OutputError` with a Vietnamese message naming the
folder and what to do.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

MARKER = ".kttt.json"
WORK = ".kttt"
FAILED = ".loi"
ROOT_WORK = ".kttt-cache"
INDEX = "index.html"
MANIFEST = "manifest.json"
# what earlier kttt versions left in a dataset's output folder
LEGACY = {".cache", ".dang-dung", INDEX, FAILED, WORK, MARKER}
DATA_MARKERS = ("dataset.yaml", "tap_du_lieu.yaml")
FOLDER_PREFIX = "kttt-kernel-"  # a worker's kernel folder: kttt-kernel-<pid>-…
# a worker's temporary folders (kernel; notebook run; render), named after the worker's process
WORKER_FOLDERS = (FOLDER_PREFIX, "kttt-chay-", "kttt-xuat-")


class OutputError(Exception):
    """A refusal or a failed write, with its Vietnamese message."""


def reason(exc: OSError) -> str:
    """A write failure in words.

    >>> reason(OSError(errno.ENOSPC, "No space left on device"))
    'hết chỗ trống trên đĩa'
    """
    return {
        errno.ENOSPC: "hết chỗ trống trên đĩa",
        errno.EDQUOT: "vượt hạn mức dung lượng đĩa",
        errno.EROFS: "ổ đĩa chỉ cho đọc",
        errno.EACCES: "không có quyền ghi",
        errno.EPERM: "không được phép ghi (thư mục bị khoá hoặc chỉ cho đọc)",
    }.get(exc.errno or 0, exc.strerror or str(exc))


@contextlib.contextmanager
def writing(what: str, path: Path) -> Iterator[None]:
    """Turn an OSError while writing ``path`` into an :class:`OutputError`."""
    try:
        yield
    except OSError as exc:
        raise OutputError(f"Không ghi được {what} {path}: {reason(exc)}. "
                          "Bản đã xuất bản trước đó giữ nguyên.") from exc


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def is_data_folder(path: Path) -> bool:
    return any((path / name).is_file() for name in DATA_MARKERS)


def check_out(out_root: Path, sources: Iterable[Path]) -> None:
    """Refuse an output folder that is, contains or lies inside a data folder.

    >>> check_out(Path("/srv/bao_cao"), [Path("/srv/du_lieu/yen_bai")])
    >>> check_out(Path("/srv/du_lieu"), [Path("/srv/du_lieu/yen_bai")])
    Traceback (most recent call last):
    ...
    kttt.pipeline.publish.OutputError: Thư mục đầu ra /srv/du_lieu chứa thư mục dữ liệu /srv/du_lieu/yen_bai: kttt không ghi báo cáo vào chỗ có dữ liệu (có thể xoá mất sổ đăng ký). Chọn --out ở ngoài thư mục dữ liệu, ví dụ reports/.
    """
    for source in sources:
        if out_root == source:
            where = "chính là"
        elif _inside(out_root, source):
            where = "nằm trong"
        elif _inside(source, out_root):
            where = "chứa"
        else:
            continue
        raise OutputError(f"Thư mục đầu ra {out_root} {where} thư mục dữ liệu {source}: kttt không ghi báo cáo "
                          "vào chỗ có dữ liệu (có thể xoá mất sổ đăng ký). Chọn --out ở ngoài thư mục dữ liệu, "
                          "ví dụ reports/.")
    for folder in (out_root, *out_root.parents):
        if is_data_folder(folder):
            raise OutputError(f"Thư mục đầu ra {out_root} nằm trong thư mục dữ liệu {folder}: kttt không ghi báo "
                              "cáo vào chỗ có dữ liệu. Chọn --out ở ngoài thư mục dữ liệu, ví dụ reports/.")


def check_places(places: dict[str, list[Path]]) -> None:
    """Refuse two data folders that would publish to the same ``OUT/<name>/``.

    >>> check_places({"yen_bai": [Path("/a/yen_bai"), Path("/b/yen_bai")]})
    Traceback (most recent call last):
    ...
    kttt.pipeline.publish.OutputError: Hai thư mục dữ liệu cùng tên «yen_bai» sẽ xuất bản vào cùng một chỗ: /a/yen_bai và /b/yen_bai. Dựng từng bộ vào một --out riêng, hoặc đổi tên một thư mục.
    """
    for name, sources in places.items():
        distinct = sorted(set(sources))
        if len(distinct) > 1:
            raise OutputError(f"Hai thư mục dữ liệu cùng tên «{name}» sẽ xuất bản vào cùng một chỗ: "
                              f"{' và '.join(map(str, distinct))}. Dựng từng bộ vào một --out riêng, "
                              "hoặc đổi tên một thư mục.")


# ----------------------------------------------------------------------------- one build at a time

@contextlib.contextmanager
def lock(out_root: Path, timeout: float | None = None, say: Callable[[str], None] = print) -> Iterator[None]:
    """Hold ``OUT/.kttt-cache/khoa`` for the whole build (an OS lock, freed when the process
    ends, however it ends). A second build waits, saying for whom; after ``timeout`` seconds
    it stops with an :class:`OutputError`."""
    import fcntl

    folder = out_root / ROOT_WORK
    with writing("thư mục làm việc", folder):
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / "khoa", "a+")  # noqa: SIM115 - held for the whole build
    try:
        start = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    handle.seek(0)
                    holder = handle.read().strip() or "?"
                    say(f"Một lần dựng khác (tiến trình {holder}) đang ghi vào {out_root}; chờ nó xong …")
                    told = True
                if timeout is not None and time.monotonic() - start >= timeout:
                    raise OutputError(f"Một lần dựng khác vẫn đang ghi vào {out_root} sau {timeout:g} giây: "
                                      "dừng, không ghi gì. Chạy lại khi lần dựng kia xong.") from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


# ----------------------------------------------------------------------------- a dataset's folder

def _kttt_manifest(folder: Path) -> bool:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "khoa_dung" in data


def _made_by_kttt(entry: Path) -> bool:
    if entry.name in LEGACY or entry.name.startswith(".cu-"):
        return True
    return entry.is_dir() and not entry.is_symlink() and entry.name.isdigit() and _kttt_manifest(entry)


def claim(folder: Path, source: Path, say: Callable[[str], None] = print) -> None:
    """Make sure ``folder`` (``OUT/<name>``) is kttt's, for ``source``; mark it so."""
    marker = folder / MARKER
    resolved = folder.resolve()
    check_out(resolved, [source])
    if marker.is_file():
        try:
            owner = Path(json.loads(marker.read_text(encoding="utf-8"))["nguon"])
        except (OSError, ValueError, KeyError, TypeError):
            owner = None
        if owner == source:
            return
        if owner is not None and owner.is_dir() and is_data_folder(owner):
            raise OutputError(f"{folder} là báo cáo của thư mục dữ liệu {owner}; {source} cùng tên sẽ ghi đè "
                              "lên nó. Dựng bộ này vào một --out khác.")
        if owner is not None:
            say(f"Ghi chú: {folder} trước đây dựng từ {owner} (không còn ở đó); nay thuộc {source}.")
    elif folder.exists():
        if not folder.is_dir():
            raise OutputError(f"{folder} là một tệp, không phải thư mục báo cáo: kttt không ghi đè.")
        foreign = sorted(p.name for p in folder.iterdir() if not _made_by_kttt(p))
        if foreign:
            shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
            raise OutputError(f"{folder} đã có và không phải thư mục báo cáo của kttt (có {shown}): kttt không "
                              "ghi vào đó để khỏi xoá những gì nó không tạo ra. Chọn --out khác.")
    with writing("thư mục báo cáo", folder):
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(marker, (json.dumps({"kttt": "thu_muc_bao_cao", "nguon": str(source)}, ensure_ascii=False)
                               + "\n").encode("utf-8"))


def check_year_folder(final: Path) -> None:
    """A published year may be replaced only if it is kttt's own (its manifest) and no link."""
    if final.is_symlink():
        raise OutputError(f"{final} là một liên kết tượng trưng (tới {os.readlink(final)}): kttt không ghi qua "
                          "liên kết. Xoá liên kết (bản ở nơi nó trỏ tới không bị động đến) rồi dựng lại, "
                          "hoặc dùng --out khác.")
    if final.exists() and not (final.is_dir() and _kttt_manifest(final)):
        raise OutputError(f"{final} đã có và không do kttt tạo (không có manifest.json của kttt): không ghi đè.")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all (a temporary file, then a rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _remove(path: Path) -> None:
    """Remove a folder kttt made; a link is unlinked, never followed."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def _aside(folder: Path, year: int | str) -> Path:
    return folder / WORK / f"cu-{year}"


def staging(folder: Path, year: int) -> Path:
    return folder / WORK / f"dang-dung-{year}"


def recover(folder: Path) -> list[str]:
    """Repair what an interrupted build left: a year moved aside comes back when its new
    version never arrived; staging is removed. Returns what was done (for the log)."""
    done = []
    if not folder.is_dir():
        return done
    legacy = [(p, p.name[len(".cu-"):]) for p in folder.glob(".cu-*")]
    current = [(p, p.name[len("cu-"):]) for p in (folder / WORK).glob("cu-*")]
    for old, year in legacy + current:
        final = folder / year
        if not final.exists() and not final.is_symlink():
            old.rename(final)
            done.append(f"khôi phục {final} (lần dựng trước bị ngắt giữa chừng)")
        else:
            _remove(old)
    for leftover in [*(folder / WORK).glob("dang-dung*"), folder / ".dang-dung"]:
        if leftover.exists() or leftover.is_symlink():
            _remove(leftover)
    return done


def publish(folder: Path, year: int, files: dict[str, bytes],
            finish: Callable[[Path], None] | None = None) -> Path:
    """Write a year's files aside, let ``finish`` add to them (the manifest), then swap the
    folder in: the old publication goes only once the new one is in place."""
    final = folder / str(year)
    check_year_folder(final)
    stage = staging(folder, year)
    try:
        with writing("bản đang dựng", stage):
            if stage.exists():
                _remove(stage)
            stage.mkdir(parents=True)
            for name, data in sorted(files.items()):
                (stage / name).write_bytes(data)
            if finish is not None:
                finish(stage)
        old = _aside(folder, year)
        with writing("năm", final):
            if old.exists() or old.is_symlink():
                _remove(old)
            if final.exists():
                final.rename(old)
            try:
                stage.rename(final)
            except OSError:
                if old.exists() and not final.exists():
                    old.rename(final)  # put the old publication straight back
                raise
        with contextlib.suppress(OSError):
            _remove(old)
    finally:
        if stage.exists():
            with contextlib.suppress(OSError):
                _remove(stage)
    return final


def write_index(folder: Path, text: str) -> None:
    with writing("trang mục lục", folder / INDEX):
        write_atomic(folder / INDEX, text.encode("utf-8"))


def index_is_current(folder: Path) -> bool:
    """The dataset's index was written after every year it lists was published."""
    index = folder / INDEX
    if not index.is_file():
        return False
    written = index.stat().st_mtime_ns
    return all((m.stat().st_mtime_ns <= written) for m in folder.glob(f"[0-9]*/{MANIFEST}"))


def keep_failed(folder: Path, year: int, name: str, notebook: bytes) -> Path | None:
    """Keep a failed notebook (with papermill's error banner) for the analyst to open."""
    if not notebook:
        return None
    path = folder / FAILED / str(year) / f"{name}.ipynb"
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, notebook)
        return path
    return None


def worker_folder(prefix: str) -> Path:
    """A new temporary folder of this worker process (``<prefix><pid>-…``), so that the next
    build can remove it should the worker be killed before it does."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def sweep_stale_folders(folder: Path | None = None) -> list[Path]:
    """Remove the temporary folders of worker processes that no longer exist (killed with
    ``kill -9``, machine reset …); returns what was removed.

    >>> import tempfile
    >>> base = Path(tempfile.mkdtemp())
    >>> (base / "kttt-kernel-999999999-x").mkdir()
    >>> (base / "kttt-chay-999999999-y").mkdir()
    >>> sorted(p.name for p in sweep_stale_folders(base))
    ['kttt-chay-999999999-y', 'kttt-kernel-999999999-x']
    """
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    for prefix in WORKER_FOLDERS:
        for path in folder.glob(f"{prefix}*"):
            pid = path.name[len(prefix):].split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
