"""``manifest.json``: the provenance of a published year."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kttt import __version__
from kttt.config import LOCK_FILE
from kttt.outputs import MANIFEST, fonts


def data_date(dataset, year: int) -> dt.date:  # noqa: ANN001
    """The date the year's registers describe: the dataset's (``<year>/nam.yaml``) when the
    loader gives it, 31/12 of the year otherwise.

    >>> data_date(object(), 2022)
    datetime.date(2022, 12, 31)
    """
    given = getattr(dataset, "data_date", None)
    return given(year) if callable(given) else dt.date(year, 12, 31)


def write_manifest(folder: Path, root: Path, dataset, year: int, formats: tuple[str, ...],  # noqa: ANN001
                   inputs: list[Path], books: list[str], data_dir_arg: str, key: str, commit: str) -> None:
    """Provenance of a year: SHA-256 of every input and output, versions, parameters, the
    font files the documents were drawn with (name, SHA-256), the data's date (not the clock's)."""
    # imported here: kttt.pipeline imports this module
    from kttt.pipeline.plan import package_versions, sha256_file, source_digest

    meta = dataset.meta
    read = {p.relative_to(root).as_posix() for p in inputs}
    outputs = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST)
    manifest = {
        "bo_du_lieu": root.name,
        "ten": meta.ten,
        "ma_tinh": meta.ma_tinh,
        "mo_phong": meta.mo_phong,
        "nam": year,
        "ngay_so_lieu": data_date(dataset, year).isoformat(),
        "trang_thai_so_lieu": dataset.info(year).status if hasattr(dataset, "info") else "chinh_thuc",
        "nam_bao_cao": dataset.year_label(year) if hasattr(dataset, "year_label") else f"năm {year}",
        "tham_so": {"year": year, "data_dir": data_dir_arg},
        "kttt": {"phien_ban": __version__, "git_commit": commit, "ma_bam_ma_nguon": source_digest()},
        "goi": package_versions(),
        "khoa_moi_truong": {"tep": LOCK_FILE.name, "sha256": sha256_file(LOCK_FILE) if LOCK_FILE.is_file() else None},
        "dinh_dang": list(formats),
        "dau_vao": [{"tep": p.relative_to(root).as_posix(), "sha256": sha256_file(p), "so_byte": p.stat().st_size}
                    for p in sorted(inputs)],
        "so_dong": [{"tep": f.file, "doc": f.rows_read, "nhan": f.rows_accepted, "loai": f.rows_rejected}
                    for f in dataset.files if f.file in read],
        "notebook": sorted(books),
        "dau_ra": [{"tep": name, "sha256": sha256_file(folder / name)} for name in outputs],
        "phong_chu": fonts.manifest_entries(formats),
        "khoa_dung": key,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
