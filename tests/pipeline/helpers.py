"""Small things the pipeline tests share: output digests, notebook folders with a failing, slow
or hanging notebook."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

import nbformat

from kttt.config import NOTEBOOKS_DIR


def digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every published file under ``folder`` (kttt's working folder aside)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".kttt" not in p.parts}


def notebook_folder(folder: Path, extra: dict[str, str] | None = None) -> Path:
    """``01_tong_quan`` plus notebooks made of one code cell each (name → code)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(NOTEBOOKS_DIR / "01_tong_quan.ipynb", folder)
    base = nbformat.read(NOTEBOOKS_DIR / "01_tong_quan.ipynb", as_version=4)
    for name, code in (extra or {}).items():
        nb = nbformat.v4.new_notebook(metadata=base.metadata)
        nb.cells = [c for c in base.cells if "parameters" in c.metadata.get("tags", [])]
        nb.cells.append(nbformat.v4.new_code_cell(code, id="o001"))
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def failing(message: str = "hỏng có chủ ý") -> str:
    return f"raise ValueError({message!r})"


def first_run_waits(marker: Path, seconds: float) -> str:
    """Code that, the first time only, writes ``<worker pid> <kernel pid>`` to ``marker`` and
    sleeps (a task to kill its worker in)."""
    return (
        "import os, pathlib, time\n"
        f"marker = pathlib.Path({str(marker)!r})\n"
        "if not marker.exists():\n"
        "    marker.write_text(f'{os.getppid()} {os.getpid()}')\n"
        f"    time.sleep({seconds})\n"
        "print('xong')"
    )


def wait_for(marker: Path, seconds: float = 180) -> bool:
    """Wait until ``marker`` exists (a notebook wrote it: the task is running), at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while not marker.is_file() and time.monotonic() < deadline:
        time.sleep(0.2)
    return marker.is_file()
