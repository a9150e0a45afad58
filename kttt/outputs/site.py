"""Index pages: one per year (headline figures, pages, downloads) and one per dataset (every year).

Both are templates (``year_index.html.j2``, ``dataset_index.html.j2``) on the layout every
page shares. The headline figures are the indicators of :data:`GLANCE`, formatted by
:func:`kttt.fmt.value` and named by the indicator catalogue.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kttt import fmt, markup
from kttt.outputs import MANIFEST, OUTPUTS, downloads
from kttt.outputs.html import PageInfo, css

if TYPE_CHECKING:  # pragma: no cover
    from kttt.tables import Context

# The indicators a reader sees first on a year's index (the dataset index shows the first four).
GLANCE: tuple[str, ...] = ("htx_thanh_lap_moi", "htx_hien_co", "tht_thanh_lap_moi", "tht_hien_co",
                           "thanh_vien_kttt", "lao_dong_htx", "doanh_thu_bq_htx", "thu_nhap_bq_ld_htx_thang")
GLANCE_ON_DATASET_INDEX = 4
PROVENANCE_LABEL = "Nguồn gốc: mã băm đầu vào, phiên bản, tham số"


@dataclass(frozen=True)
class Figure:
    """One headline figure: its value with unit, what it is, and how it compares."""

    code: str
    label: str
    value: str
    detail: str = ""


def _is_number(x: object) -> bool:
    return not fmt.is_empty(x)


def comparison(code: str, year: int, change: float | None, change_pct: float | None,
               target: float | None, achieved_pct: float | None, assumed: bool = False) -> str:
    """Against the target where one was set (an assumed target says so), else against the year before.

    >>> comparison("htx_thanh_lap_moi", 2022, 7, 7.8, 80, 121.25)
    'bằng 121,2% kế hoạch (80 HTX)'
    >>> comparison("htx_thanh_lap_moi", 2026, 11, 15.5, 90, 91.1, assumed=True)
    'bằng 91,1% kế hoạch giả định (90 HTX)'
    >>> comparison("htx_hien_co", 2022, 82, 14.39, None, None)
    'tăng 82 (14,4%) so với năm 2021'
    >>> comparison("doanh_thu_bq_htx", 2022, 100, 5.0, None, None)
    'tăng 5% so với năm 2021'
    >>> comparison("htx_giai_the", 2022, -5, -25.0, None, None), comparison("lhhtx_hien_co", 2022, 0, 0, None, None)
    ('giảm 5 (25%) so với năm 2021', 'bằng năm 2021')
    """
    from kttt.indicators import CATALOGUE

    if _is_number(target) and _is_number(achieved_pct):
        plan = "kế hoạch giả định" if assumed else "kế hoạch"
        return f"bằng {fmt.percent(achieved_pct)} {plan} ({fmt.value(code, target)})"
    if not _is_number(change):
        return ""
    if change == 0:
        return f"bằng năm {year - 1}"
    word = "tăng" if change > 0 else "giảm"  # type: ignore[operator]
    pct = fmt.percent(abs(change_pct)) if _is_number(change_pct) else ""  # type: ignore[arg-type]
    meta = CATALOGUE[code]
    if meta.money or meta.kind in ("mean", "ratio"):
        return f"{word} {pct} so với năm {year - 1}" if pct else ""
    amount = fmt.number(abs(change), 0)  # type: ignore[arg-type]
    return f"{word} {amount}" + (f" ({pct})" if pct else "") + f" so với năm {year - 1}"


def glance(ctx: Context) -> list[Figure]:
    """The headline figures of the year (province, all sectors), in :data:`GLANCE` order."""
    from kttt.indicators import ALL_SECTORS, CATALOGUE, PROVINCE
    from kttt.narrative import assumed_targets

    t = ctx.table
    rows = t[(t.dia_ban == PROVINCE) & (t.linh_vuc == ALL_SECTORS)].set_index("ma_chi_tieu")
    assumed = assumed_targets(ctx)
    figures = []
    for code in GLANCE:
        if code not in rows.index:
            continue
        r = rows.loc[code]
        figures.append(Figure(code, CATALOGUE[code].name_vi, fmt.value(code, r["gia_tri"]),
                              comparison(code, ctx.year, r["thay_doi"], r["thay_doi_pct"], r["chi_tieu"],
                                         r["ty_le_dat_chi_tieu"], code in assumed)))
    return figures


def year_index(info: PageInfo, files: set[str], formats: tuple[str, ...], figures: list[Figure],
               as_of: str) -> str:
    """The year's index page: headline figures, its pages, its downloads (the outputs registry's
    labels). ``as_of`` is the data's date as shown (the render source's, never re-derived)."""
    items = [*downloads(info.year, formats), (MANIFEST, PROVENANCE_LABEL)]
    return markup.render("year_index.html.j2", info=info, glance=figures, as_of=as_of,
                         downloads=[(name, label) for name, label in items if name in files],
                         title=f"Mục lục năm {info.year}", current="index.html", body="", css=css("style.css"))


def published_glance(folder: Path, year: int) -> list[Figure]:
    """The first headline figures of a published year, read from its indicator CSV."""
    from kttt.indicators import CATALOGUE, PROVINCE

    path = folder / OUTPUTS["csv"].file_name(year)
    if not path.is_file():
        return []
    wanted = GLANCE[:GLANCE_ON_DATASET_INDEX]
    values: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("dia_ban") == PROVINCE and not row.get("linh_vuc") and row.get("ma_chi_tieu") in wanted:
                values[row["ma_chi_tieu"]] = row.get("gia_tri", "")
    return [Figure(code, CATALOGUE[code].name_vi, fmt.value(code, float(values[code]) if values[code] else None))
            for code in wanted if code in values]


@dataclass(frozen=True)
class PublishedYear:
    year: int
    as_of: str
    downloads: list[tuple[str, str]]
    glance: list[Figure]
    estimate: bool = False  # an estimate year ("ước thực hiện"): its data run to the data date


def dataset_index(dataset_dir: Path, title: str, notice: str) -> str:
    """The dataset's index: every published year, newest first, its downloads and headline figures."""
    years = []
    for child in sorted(dataset_dir.iterdir(), reverse=True):
        manifest = child / MANIFEST
        if not (child.is_dir() and child.name.isdigit() and manifest.is_file()):
            continue
        data = json.loads(manifest.read_text(encoding="utf-8"))
        year = int(child.name)
        date = data.get("ngay_so_lieu", "")
        as_of = fmt.date(dt.date.fromisoformat(date)) if date else ""
        present = [(name, label) for name, label in downloads(year, data.get("dinh_dang", list(OUTPUTS)))
                   if (child / name).is_file()]
        years.append(PublishedYear(year, as_of, present, published_glance(child, year),
                                   data.get("trang_thai_so_lieu") == "uoc"))
    return markup.render("dataset_index.html.j2", title=title, notice=notice, years=years, css=css("style.css"))


__all__ = ["GLANCE", "Figure", "comparison", "dataset_index", "glance", "year_index"]
