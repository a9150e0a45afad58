"""A collection of provinces: a folder of province datasets with ``tap_du_lieu.yaml``.

``kttt build COLLECTION --year Y`` builds every province (each into ``OUT/<province>/``, as if
built alone) and the collection's roll-up into ``OUT/<collection>/<year>/`` from the thin
notebooks of ``notebooks/tap/`` (:mod:`kttt.rollup` does the work). A roll-up year is built
only when every province has the year and no province has an error: a total that silently
misses a province is never published.

``tap_du_lieu.yaml``::

    ten: "Cả nước (mô phỏng)"      # the collection's name, shown on every page (required)
    mo_ta: "34 tỉnh, thành phố"     # optional

The provinces are the sub-folders holding a ``dataset.yaml``, in name order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kttt.config import NOTEBOOKS_DIR, year_dirs, years_needed
from kttt.pipeline.plan import input_files

COLLECTION_FILE = "tap_du_lieu.yaml"
ROLLUP_NOTEBOOKS = NOTEBOOKS_DIR / "tap"


class CollectionError(ValueError):
    """A collection that cannot be read (its Vietnamese message)."""


@dataclass(frozen=True)
class Collection:
    """A collection folder: its name and its province datasets."""

    root: Path
    ten: str
    provinces: tuple[Path, ...]

    def common_years(self) -> list[int]:
        """Years every province has."""
        years = [set(year_dirs(p)) for p in self.provinces]
        return sorted(set.intersection(*years)) if years else []

    def missing(self, year: int) -> list[str]:
        """Provinces without a folder for ``year``."""
        return [p.name for p in self.provinces if year not in year_dirs(p)]

    def preload(self, year: int) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """(province folder, years) a roll-up of ``year`` reads."""
        return tuple((str(p), tuple(years_needed(p, year))) for p in self.provinces)

    def inputs(self, year: int) -> list[Path]:
        """Every file a roll-up of ``year`` reads: this file, then each province's."""
        files = [self.root / COLLECTION_FILE]
        for province in self.provinces:
            files += input_files(province, years_needed(province, year))
        return files


def is_collection(path: Path) -> bool:
    return (path / COLLECTION_FILE).is_file()


def open_collection(path: Path) -> Collection:
    """Read ``tap_du_lieu.yaml`` and find the provinces.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "tap_du_lieu.yaml").write_text("ten: 12\\n", encoding="utf-8")
    >>> open_collection(root)
    Traceback (most recent call last):
    ...
    kttt.pipeline.collection.CollectionError: tap_du_lieu.yaml: «ten» phải là một chuỗi chữ (tên của tập), ví dụ ten: "Cả nước" — đang là 12.
    """
    import yaml

    file = path / COLLECTION_FILE
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CollectionError(f"{COLLECTION_FILE}: không đọc được ({exc}).") from exc
    if not isinstance(data, dict):
        raise CollectionError(f"{COLLECTION_FILE}: cần các dòng «khoá: giá trị», ví dụ ten: \"Cả nước\".")
    ten = data.get("ten")
    if not isinstance(ten, str) or not ten.strip():
        raise CollectionError(f"{COLLECTION_FILE}: «ten» phải là một chuỗi chữ (tên của tập), ví dụ "
                              f"ten: \"Cả nước\" — đang là {ten!r}.")
    provinces = tuple(sorted(p for p in path.iterdir() if p.is_dir() and (p / "dataset.yaml").is_file()))
    if not provinces:
        raise CollectionError(f"{path}: tập dữ liệu không có bộ dữ liệu tỉnh nào (thư mục con có dataset.yaml).")
    return Collection(path, ten.strip(), provinces)


@dataclass(frozen=True)
class CollectionMeta:
    """What pages and the manifest read of a collection (the fields of a dataset's meta)."""

    ten: str
    mo_phong: bool
    ma_tinh: str = ""


@dataclass
class CollectionSummary:
    """A validated collection: its meta and the row accounting of every province file."""

    meta: CollectionMeta
    files: list[Any]
    problems: list[Any]

    @property
    def ok(self) -> bool:
        return not any(getattr(p, "is_error", False) for p in self.problems)


def province_codes(collection: Collection, datasets: dict[Path, Any]) -> list[Any]:
    """Problems with the provinces' ``ma_tinh`` (each province's rows in the roll-up carry it):
    empty, or the same in two provinces."""
    from kttt.problems import Problem

    codes = {p: str(datasets[p].meta.ma_tinh or "") for p in collection.provinces}
    problems = []
    for province, code in codes.items():
        others = [q.name for q, c in codes.items() if c == code and q != province]
        if not code or others:
            why = "trống" if not code else f"trùng với {', '.join(others)}"
            problems.append(Problem(f"{province.name}/dataset.yaml", None, "ma_tinh", code,
                                    f"mỗi tỉnh cần một ma_tinh riêng trong dataset.yaml ({code!r} {why})",
                                    f"each province needs its own ma_tinh ({code!r} is {'empty' if not code else 'shared'})",
                                    code="trung_ma_tinh"))
    return problems


def summarise(collection: Collection, datasets: dict[Path, Any]) -> CollectionSummary:
    """The collection as its manifest shows it (province files named ``<province>/<file>``),
    with every province's problems and those of the provinces' codes."""
    files, problems = [], []
    for province in collection.provinces:
        dataset = datasets[province]
        files += [replace(f, file=f"{province.name}/{f.file}") for f in dataset.files]
        problems += [replace(p, file=f"{province.name}/{p.file}") for p in dataset.problems]
    synthetic = any(datasets[p].meta.mo_phong for p in collection.provinces)
    return CollectionSummary(CollectionMeta(collection.ten, synthetic), files,
                             problems + province_codes(collection, datasets))
