"""The one place where paths are derived.

The library never reads paths relative to the working directory: every function takes the
dataset directory as an argument. This module only knows where the repository keeps its own
things (the embedded sample dataset, the default output folder, the notebooks).

>>> SAMPLE_DATASET.name
'yen_bai'
>>> (NOTEBOOKS_DIR / "01_tong_quan.ipynb").suffix
'.ipynb'
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR: Path = Path(__file__).resolve().parent
REPO_ROOT: Path = PACKAGE_DIR.parent
DATA_DIR: Path = REPO_ROOT / "data"
SAMPLE_DATASET: Path = DATA_DIR / "yen_bai"
REPORTS_DIR: Path = REPO_ROOT / "reports"
NOTEBOOKS_DIR: Path = REPO_ROOT / "notebooks"
TEMPLATES_DIR: Path = PACKAGE_DIR / "templates"
CACHE_DIR: Path = REPO_ROOT / ".kttt-cache"
SPEC_DIR: Path = REPO_ROOT.parent / "shared" / "spec"
LOCK_FILE: Path = REPO_ROOT / "requirements.lock"  # exact versions + hashes of the environment (make lock)


def dataset_name(data_dir: str | Path) -> str:
    """The dataset's name: the data folder's own name.

    >>> dataset_name("data/yen_bai/")
    'yen_bai'
    """
    return Path(data_dir).resolve().name


def year_dirs(data_dir: str | Path) -> list[int]:
    """Years present in a dataset: sub-folders named by four digits, sorted.

    >>> year_dirs(SAMPLE_DATASET)[:1]
    [2020]
    """
    root = Path(data_dir)
    if not root.is_dir():
        return []
    return sorted(int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 4)


def resolve_data_dir(data_dir: str | Path) -> Path:
    """An absolute dataset path. A relative path is taken as given when it exists from where
    the caller stands, otherwise from the repository root — so a notebook's default
    ``data/yen_bai`` works both from the repository and from ``notebooks/`` in JupyterLab.

    >>> resolve_data_dir("data/yen_bai") == SAMPLE_DATASET
    True
    """
    path = Path(data_dir).expanduser()
    if path.is_absolute():
        return path
    if path.exists():
        return path.resolve()
    return (REPO_ROOT / path).resolve()


def command_data_dir(arg: str | Path) -> Path:
    """A data folder given on the command line, resolved the same way by every command
    (validate, indicators, build): from the current directory, links followed — never from the
    repository (that fallback is :func:`resolve_data_dir`'s, for notebooks opened in JupyterLab).

    >>> import os
    >>> command_data_dir("x/../y") == Path(os.getcwd(), "y").resolve()
    True
    """
    return Path(arg).expanduser().resolve()


def register_parts(year_dir: Path) -> tuple[dict[str, list[Path]], list[Path]]:
    """The register files of a year folder by register (every ``htx*`` / ``tht*`` spreadsheet
    is a part: ``htx.xlsx``, ``htx_lao_cai_cu.xlsx``), and the spreadsheets whose name matches
    no register. Office lock files (``~$…``, ``.~lock…``) and hidden files are ignored.

    >>> parts, strays = register_parts(SAMPLE_DATASET / "2021")
    >>> [p.name for p in parts["htx"]], strays
    (['htx.csv'], [])
    """
    from kttt.contract import REGISTERS, SPREADSHEET_SUFFIXES, register_of_file

    parts: dict[str, list[Path]] = {name: [] for name in REGISTERS}
    strays: list[Path] = []
    if not year_dir.is_dir():
        return parts, strays
    for p in sorted(year_dir.iterdir()):
        if not p.is_file() or p.name.startswith(("~$", ".")) or p.suffix.lower() not in SPREADSHEET_SUFFIXES:
            continue
        register = register_of_file(p.name)
        if register is None:
            strays.append(p)
        else:
            parts[register].append(p)
    return parts, strays


def register_files(year_dir: Path) -> dict[str, list[Path]]:
    """The register files of a year folder, by register name (``htx``/``tht``), sorted.

    >>> [p.name for p in register_files(SAMPLE_DATASET / "2021")["htx"]]
    ['htx.csv']
    """
    return register_parts(year_dir)[0]


def years_needed(data_dir: str | Path, year: int, history: bool = False) -> list[int]:
    """Years a report of ``year`` reads: the year and the one before, or all up to it.

    The build's cache keys read the same function, so a notebook re-runs exactly when a
    register it reads changes.

    >>> years_needed(SAMPLE_DATASET, 2022), years_needed(SAMPLE_DATASET, 2021, history=True)
    ([2021, 2022], [2020, 2021])
    """
    available = year_dirs(data_dir)
    if history:
        return [y for y in available if y <= year]
    return [y for y in available if y in (year - 1, year)] or [year]
