"""What a build has to do: the notebooks, the jobs per year, and their cache keys.

A notebook run is skipped when its key is unchanged. The key hashes the notebook's bytes,
its parameters, the bytes of every input file it reads (the shared files of the dataset and
the registers of the years it loads — :func:`kttt.tables.years_needed`), the ``kttt``
source and the versions of the packages that shape its output. jupyter-cache and Quarto's
freeze hash the notebook only; this key also sees data and library changes.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from kttt.config import NOTEBOOKS_DIR, PACKAGE_DIR, register_files, years_needed
from kttt.contract import SHARED_FILES, YEAR_FILE  # noqa: E402 - the dataset's files, one place

HISTORY_NOTEBOOKS = {"05_xu_huong"}
PACKAGES = ("pandas", "numpy", "matplotlib", "papermill", "nbconvert", "nbformat", "ipykernel",
            "python-calamine", "xlsxwriter", "weasyprint", "babel", "pyyaml", "jinja2", "mistune")


def notebooks(directory: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The report notebooks, in order (``NN_name.ipynb``)."""
    return sorted(p for p in directory.glob("[0-9][0-9]_*.ipynb"))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def source_digest() -> str:
    """SHA-256 over the ``kttt`` package's source and templates (what shapes every output)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".css", ".html") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    """Versions of the packages that shape the outputs, and Python's."""
    installed = {}
    for dist in metadata.distributions():  # one scan of site-packages, not one per package
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        installed.setdefault(name, dist.version)
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        versions[name] = installed.get(name, "không có")
    return versions


def input_files(data_dir: Path, years: list[int]) -> list[Path]:
    """The files a report of these years reads, sorted: shared files, then registers."""
    files = [data_dir / name for name in SHARED_FILES if (data_dir / name).is_file()]
    for year in sorted(years):
        folder = data_dir / str(year)
        if folder.is_dir():
            if (folder / YEAR_FILE).is_file():
                files.append(folder / YEAR_FILE)
            for paths in register_files(folder).values():
                files.extend(paths)
    return files


@dataclass(frozen=True)
class Job:
    """One notebook to run for one year."""

    year: int
    notebook: Path
    parameters: dict[str, object]
    inputs: tuple[Path, ...]
    key: str

    @property
    def name(self) -> str:
        return self.notebook.stem


def make_job(data_dir: Path, year: int, notebook: Path, digests: dict[Path, str]) -> Job:
    """A job and its cache key; ``digests`` memoises file hashes across jobs."""
    history = notebook.stem in HISTORY_NOTEBOOKS
    inputs = tuple(input_files(data_dir, years_needed(data_dir, year, history)))
    parameters = {"year": year, "data_dir": str(data_dir)}
    for path in (notebook, *inputs):
        if path not in digests:
            digests[path] = sha256_file(path)
    material = {
        "notebook": digests[notebook],
        "parameters": {"year": year},  # the folder's location does not change results
        "inputs": [[p.relative_to(data_dir).as_posix(), digests[p]] for p in inputs],
        "kttt": source_digest(),
        "packages": package_versions(),
    }
    key = hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
    return Job(year, notebook, parameters, inputs, key)
