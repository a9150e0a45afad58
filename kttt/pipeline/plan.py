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
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

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
    reads: tuple[tuple[str, tuple[int, ...]], ...] = ()  # (dataset folder, years) its notebook loads

    @property
    def name(self) -> str:
        return self.notebook.stem


def make_job(data_dir: Path, year: int, notebook: Path, digests: dict[Path, str],
             inputs: list[Path] | None = None, reads: tuple[tuple[str, tuple[int, ...]], ...] | None = None) -> Job:
    """A job and its cache key; ``digests`` memoises file hashes across jobs. ``inputs`` are
    the files the notebook reads and ``reads`` the (dataset, years) it loads — by default the
    dataset's own, for the years the notebook needs."""
    if inputs is None or reads is None:
        years = years_needed(data_dir, year, notebook.stem in HISTORY_NOTEBOOKS)
        inputs = input_files(data_dir, years) if inputs is None else inputs
        reads = ((str(data_dir), tuple(years)),) if reads is None else reads
    inputs = tuple(inputs)
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
    return Job(year, notebook, parameters, inputs, key, reads)


def year_key(jobs: list[Job], formats: tuple[str, ...]) -> str:
    """The key of a year's publication: its notebooks' keys, the formats, the kttt source."""
    material = json.dumps({"jobs": sorted((j.name, j.key) for j in jobs), "formats": sorted(formats),
                           "kttt": source_digest()}, sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()


def is_current(final: Path, key: str) -> bool:
    """The published year was built from the same key and its files are intact."""
    manifest = final / "manifest.json"
    if final.is_symlink() or not manifest.is_file():
        return False
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if data.get("khoa_dung") != key:
        return False
    for entry in data.get("dau_ra", []):
        path = final / entry["tep"]
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            return False
    return True


@dataclass
class BuildResult:
    """What a build did for one dataset (or collection)."""

    ok: bool
    published: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    executed: list[tuple[int, str]] = field(default_factory=list)
    cached: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(eq=False)
class Target:
    """One thing a build publishes into ``OUT/<name>/``: a dataset, or a collection's roll-up."""

    source: Path  # the data folder, resolved (the target's identity)
    name: str
    arg: str  # the folder as given (recorded in the manifest)
    folder: Path  # OUT/<name>
    years: list[int]
    books: list[Path]
    jobs: dict[int, list[Job]]
    keys: dict[int, str]
    formats: tuple[str, ...]
    collection: Any = None  # a kttt.pipeline.collection.Collection for a roll-up
    result: BuildResult = field(default_factory=lambda: BuildResult(ok=False))
    current: set[int] = field(default_factory=set)
    dataset: Any = None  # the validated dataset (or the collection's summary of its provinces)

    @property
    def label(self) -> str:
        return self.name
