"""A collection's roll-up report: totals across provinces, the province table and ranking,
province charts and targets — what the notebooks of ``notebooks/tap/`` call.

The roll-up indicator table (:attr:`CollectionContext.table`, published as ``chi_so_<year>.csv``)
has one row per indicator for the collection (``dia_ban`` = ``tong_hop``, ``cap_dia_ban`` =
``tap``; by sector too) and one per province (``dia_ban`` = its ``ma_tinh``, ``cap_dia_ban`` =
``tinh``). How the collection's value is made follows the indicator registry:

- an **additive** indicator (``Meta.additive``: counts and sums) is the sum of the provinces'
  values — so the CSV's total equals the sum of its province rows;
- a **mean or ratio** is recomputed from the provinces' rows pooled together (an average of
  provinces' averages would weigh a province of 40 HTX like one of 2.000);
- a value no province can give (a register absent that year) stays empty, never 0.

A collection's target exists for an additive indicator when every province sets one (their
sum); provinces' own targets are shown province by province.

>>> ctx = open(_demo_collection(), 2022)
>>> total = ctx.table[(ctx.table.dia_ban == TOTAL) & (ctx.table.linh_vuc == "")].set_index("ma_chi_tieu")
>>> float(total.at["htx_hien_co", "gia_tri"]), float(total.at["doanh_thu_bq_htx", "gia_tri"])
(1304.0, 2100.0)
"""

from __future__ import annotations

import builtins
import html
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from kttt import fmt
from kttt.charts import PALETTE, STYLE, TARGET_COLOR, Chart, _bar_labels, _figure, vi_formatter
from kttt.config import resolve_data_dir, years_needed
from kttt.indicators import CATALOGUE, PROVINCE, REGISTRY, compute_indicators
from kttt.indicators.table import COLUMNS, compute_table, met, missing_registers
from kttt.load import Dataset, load_dataset
from kttt.pipeline.collection import Collection, CollectionSummary, open_collection, summarise
from kttt.report import Html
from kttt.tables import ReportTable

TOTAL = "tong_hop"
LEVEL_COLLECTION = "tap"
LEVEL_PROVINCE = "tinh"
TABLE_COLUMNS = [*COLUMNS[:5], "cap_dia_ban", *COLUMNS[5:]]
NOTEBOOK_TITLES = {"01_tong_hop": "Tổng hợp các tỉnh", "02_cac_tinh": "So sánh các tỉnh"}
PROVINCE_SPEC = [("htx_hien_co", "HTX hiện có", "int"), ("htx_thanh_lap_moi", "HTX mới", "int"),
                 ("tht_hien_co", "THT hiện có", "int"), ("tht_thanh_lap_moi", "THT mới", "int"),
                 ("thanh_vien_kttt", "Thành viên KTTT", "int"), ("lao_dong_htx", "Lao động HTX", "int"),
                 ("doanh_thu_bq_htx", "Doanh thu BQ HTX (triệu đồng)", "money"),
                 ("ty_le_htx_kha_tot", "HTX khá, tốt (%)", "pct")]
HEADLINE = ["htx_hien_co", "htx_dang_hoat_dong", "htx_thanh_lap_moi", "htx_giai_the", "qtdnd_hien_co",
            "lhhtx_hien_co", "tht_hien_co", "tht_thanh_lap_moi", "tht_cham_dut", "thanh_vien_htx",
            "thanh_vien_tht", "thanh_vien_kttt", "lao_dong_htx", "lao_dong_tht", "von_dieu_le_htx",
            "doanh_thu_bq_htx", "loi_nhuan_bq_htx", "thu_nhap_bq_ld_htx_thang", "doanh_thu_bq_tht",
            "ty_le_htx_kha_tot", "san_pham_ocop_htx"]


@dataclass
class Province:
    """One province of the collection for the year: its dataset and indicator table."""

    folder: str
    code: str
    name: str
    dataset: Dataset
    table: pd.DataFrame


@dataclass
class CollectionContext:
    """What every roll-up notebook works from (the collection's counterpart of
    :class:`kttt.tables.Context`: ``dataset.meta``, ``year``, ``table``)."""

    collection: Collection
    year: int
    provinces: list[Province]
    dataset: CollectionSummary
    notes: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, data_dir: str | Path, year: int, parse_cache: str | Path | None = None) -> CollectionContext:
        """Load every province for ``year`` and the year before; refuse errors and provinces
        without the year or without a distinct ``ma_tinh``."""
        collection = open_collection(Path(data_dir).expanduser().resolve())
        missing = collection.missing(year)
        if missing:
            raise ValueError(f"tập «{collection.ten}»: năm {year} thiếu ở {', '.join(missing)}")
        datasets = {p: load_dataset(p, years=years_needed(p, year), strict=True, parse_cache=parse_cache)
                    for p in collection.provinces}
        provinces = []
        for path, ds in datasets.items():
            provinces.append(Province(path.name, str(ds.meta.ma_tinh or ""), ds.meta.ten, ds,
                                      compute_indicators(ds, year)))
        codes = [p.code for p in provinces]
        clash = sorted({c for c in codes if not c or codes.count(c) > 1})
        if clash:
            raise ValueError(f"tập «{collection.ten}»: mỗi tỉnh cần một ma_tinh riêng trong dataset.yaml "
                             f"(trùng hoặc trống: {', '.join(repr(c) for c in clash)})")
        return cls(collection, year, provinces, summarise(collection, datasets))

    @cached_property
    def table(self) -> pd.DataFrame:
        return rollup_table(self.provinces, self.year)

    def value(self, code: str, area: str = TOTAL, column: str = "gia_tri") -> float:
        t = self.table
        rows = t[(t.ma_chi_tieu == code) & (t.dia_ban == area) & (t.linh_vuc == "")]
        return float(rows[column].iloc[0]) if len(rows) else float("nan")


def open(data_dir: str | Path, year: int) -> CollectionContext:  # noqa: A001 - as kttt.report.open
    """The roll-up of ``year`` for the collection in ``data_dir``."""
    return CollectionContext.open(resolve_data_dir(data_dir), int(year))


# ----------------------------------------------------------------------------- the table

def _province_rows(p: Province) -> pd.DataFrame:
    t = p.table
    rows = t[(t.dia_ban == PROVINCE) & (t.linh_vuc == "")].copy()
    rows["dia_ban"], rows["ten_dia_ban"], rows["cap_dia_ban"] = p.code, p.name, LEVEL_PROVINCE
    return rows


def _pooled(provinces: list[Province], year: int) -> pd.DataFrame:
    """Every indicator over all provinces' rows pooled (no targets), province-wide and by sector."""
    htx = pd.concat([p.dataset.htx for p in provinces], ignore_index=True)
    tht = pd.concat([p.dataset.tht for p in provinces], ignore_index=True)
    missing = set().union(*(missing_registers(p.dataset) for p in provinces))
    table = compute_table(htx, tht, year, None, None, True, None, missing)
    table = table[table.dia_ban == PROVINCE].copy()
    table["dia_ban"], table["ten_dia_ban"], table["cap_dia_ban"] = TOTAL, "Tổng hợp", LEVEL_COLLECTION
    return table


def rollup_table(provinces: list[Province], year: int) -> pd.DataFrame:
    """The collection's indicator table for ``year`` (see the module doc)."""
    per_province = pd.concat([_province_rows(p) for p in provinces], ignore_index=True)
    total = _pooled(provinces, year).reset_index(drop=True)
    whole = total["linh_vuc"] == ""
    additive = total["ma_chi_tieu"].map(lambda c: REGISTRY[c].meta.additive)
    for column in ("gia_tri", "gia_tri_nam_truoc"):
        sums = per_province.groupby("ma_chi_tieu")[column].sum(min_count=1)
        rows = whole & additive & total[column].notna()
        total.loc[rows, column] = total.loc[rows, "ma_chi_tieu"].map(sums).to_numpy()
    total["thay_doi"] = total["gia_tri"] - total["gia_tri_nam_truoc"]
    before = total["gia_tri_nam_truoc"]
    total["thay_doi_pct"] = total["thay_doi"] * 100.0 / before.where(before != 0)
    targets = per_province.groupby("ma_chi_tieu")["chi_tieu"].agg(lambda s: s.sum() if s.notna().all() else np.nan)
    for i in total.index[whole & additive]:
        code = total.at[i, "ma_chi_tieu"]
        target = targets.get(code, np.nan)
        if pd.isna(target):
            continue
        value = total.at[i, "gia_tri"]
        total.at[i, "chi_tieu"] = target
        total.at[i, "so_sanh"] = ">="
        total.at[i, "nguon_chi_tieu"] = "tổng chỉ tiêu của các tỉnh"
        total.at[i, "ty_le_dat_chi_tieu"] = value * 100.0 / target if target and not pd.isna(value) else np.nan
        total.at[i, "dat_chi_tieu"] = met(value, float(target), ">=")
    out = pd.concat([total, per_province], ignore_index=True)
    return out[TABLE_COLUMNS]


# ----------------------------------------------------------------------------- tables

def _total_rows(ctx: CollectionContext, codes: list[str]) -> pd.DataFrame:
    t = ctx.table
    rows = t[(t.dia_ban == TOTAL) & (t.linh_vuc == "")].set_index("ma_chi_tieu")
    return rows.loc[[c for c in codes if c in rows.index]]


def _assessment(value: object, target: object) -> str:
    if fmt.is_empty(target):
        return ""
    if fmt.is_empty(value):
        return "chưa có số liệu"
    return "Đạt" if value else "Chưa đạt"


def provinces_read(ctx: CollectionContext) -> ReportTable:
    """The provinces of the collection and the rows read from each."""
    rows = []
    for p in ctx.provinces:
        files = p.dataset.files
        rows.append({"Tỉnh": p.name, "Mã tỉnh": p.code, "Thư mục": p.folder, "Số tệp": len(files),
                     "Số dòng đọc": builtins.sum(f.rows_read for f in files),
                     "Nhận": builtins.sum(f.rows_accepted for f in files),
                     "Loại": builtins.sum(f.rows_rejected for f in files)})
    frame = pd.DataFrame(rows, columns=["Tỉnh", "Mã tỉnh", "Thư mục", "Số tệp", "Số dòng đọc", "Nhận", "Loại"])
    return ReportTable("cac_tinh", f"Các tỉnh trong tập «{ctx.collection.ten}» (năm {ctx.year - 1}–{ctx.year})",
                       frame, {"Số tệp": "int", "Số dòng đọc": "int", "Nhận": "int", "Loại": "int"},
                       notebook=NOTEBOOK_TITLES["01_tong_hop"])


def totals(ctx: CollectionContext) -> ReportTable:
    """The collection's headline indicators: the year, the year before, change, target."""
    t = _total_rows(ctx, HEADLINE)
    y = ctx.year
    frame = pd.DataFrame({
        "Chỉ tiêu": [CATALOGUE[c].name_vi for c in t.index],
        "Đơn vị tính": [CATALOGUE[c].unit for c in t.index],
        "Cách tổng hợp": ["cộng các tỉnh" if REGISTRY[c].meta.additive else "tính lại trên mọi đơn vị"
                          for c in t.index],
        f"Năm {y - 1}": t["gia_tri_nam_truoc"].to_numpy(),
        f"Năm {y}": t["gia_tri"].to_numpy(),
        "Tăng/giảm": t["thay_doi"].to_numpy(),
        "Kế hoạch": t["chi_tieu"].to_numpy(),
        "Đạt (% kế hoạch)": t["ty_le_dat_chi_tieu"].to_numpy(),
    })
    return ReportTable("tong_hop_chi_tieu", f"Tổng hợp các chỉ tiêu chủ yếu năm {y}", frame,
                       {f"Năm {y - 1}": "dec1", f"Năm {y}": "dec1", "Tăng/giảm": "dec1", "Kế hoạch": "dec1",
                        "Đạt (% kế hoạch)": "pct"},
                       note="Số bình quân và tỷ lệ tính lại trên mọi HTX, THT của các tỉnh (không lấy bình quân của "
                            "các tỉnh); kế hoạch của tập chỉ có khi mọi tỉnh đặt chỉ tiêu. Tiền tính bằng triệu đồng.",
                       notebook=NOTEBOOK_TITLES["01_tong_hop"])


def province_table(ctx: CollectionContext) -> ReportTable:
    """One row per province, the headline indicators side by side, the total last."""
    t = ctx.table[(ctx.table.linh_vuc == "")]
    wide = t.pivot_table(index="dia_ban", columns="ma_chi_tieu", values="gia_tri", sort=False, dropna=False)
    areas = [p.code for p in ctx.provinces] + [TOTAL]
    names = {p.code: p.name for p in ctx.provinces} | {TOTAL: "Tổng hợp"}
    frame = pd.DataFrame({"Tỉnh": [names[a] for a in areas]})
    kinds = {}
    for code, header, kind in PROVINCE_SPEC:
        frame[header] = [wide.at[a, code] if a in wide.index and code in wide.columns else np.nan for a in areas]
        kinds[header] = kind
    return ReportTable("so_sanh_cac_tinh", f"Các tỉnh năm {ctx.year}", frame, kinds,  # type: ignore[arg-type]
                       notebook=NOTEBOOK_TITLES["02_cac_tinh"])


def ranking(ctx: CollectionContext, code: str = "htx_hien_co") -> ReportTable:
    """Provinces ranked by one indicator; an additive one also shows each province's share."""
    meta = CATALOGUE[code]
    rows = [(p.name, ctx.value(code, p.code)) for p in ctx.provinces]
    frame = pd.DataFrame(rows, columns=["Tỉnh", meta.name_vi])
    frame = frame.assign(_v=frame[meta.name_vi].fillna(-np.inf)).sort_values(
        ["_v", "Tỉnh"], ascending=[False, True], kind="stable").drop(columns="_v").reset_index(drop=True)
    frame.insert(0, "Xếp hạng", range(1, len(frame) + 1))
    kinds = {"Xếp hạng": "int", meta.name_vi: "int" if meta.additive else "dec1"}
    if meta.additive:
        total = ctx.value(code)
        frame["Tỷ trọng (%)"] = frame[meta.name_vi] * 100.0 / total if total else np.nan
        kinds["Tỷ trọng (%)"] = "pct"
    return ReportTable(f"xep_hang_{code}"[:31], f"Xếp hạng các tỉnh theo {_lower_first(meta.name_vi)} năm {ctx.year}",
                       frame, kinds, notebook=NOTEBOOK_TITLES["02_cac_tinh"])  # type: ignore[arg-type]


def _lower_first(text: str) -> str:
    """``Số HTX hiện có`` → ``số HTX hiện có`` (abbreviations keep their capitals).

    >>> _lower_first("Thành viên khu vực KTTT")
    'thành viên khu vực KTTT'
    """
    return text[:1].lower() + text[1:]


def targets(ctx: CollectionContext) -> ReportTable:
    """New HTX and THT against each province's target, where the province set one."""
    rows = []
    for p in ctx.provinces:
        for code in ("htx_thanh_lap_moi", "tht_thanh_lap_moi"):
            target = ctx.value(code, p.code, "chi_tieu")
            if fmt.is_empty(target):
                continue
            rows.append({"Tỉnh": p.name, "Chỉ tiêu": CATALOGUE[code].name_vi, "Kế hoạch": target,
                         "Thực hiện": ctx.value(code, p.code),
                         "Đạt (% kế hoạch)": ctx.value(code, p.code, "ty_le_dat_chi_tieu"),
                         "Đánh giá": _assessment(ctx.value(code, p.code, "dat_chi_tieu"), target)})
    frame = pd.DataFrame(rows, columns=["Tỉnh", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đạt (% kế hoạch)", "Đánh giá"])
    given = len({r["Tỉnh"] for r in rows})
    return ReportTable("ke_hoach_cac_tinh", f"Thực hiện kế hoạch của các tỉnh năm {ctx.year}", frame,
                       {"Kế hoạch": "int", "Thực hiện": "int", "Đạt (% kế hoạch)": "pct"},
                       note=f"{given}/{len(ctx.provinces)} tỉnh đặt chỉ tiêu thành lập mới năm {ctx.year}.",
                       notebook=NOTEBOOK_TITLES["01_tong_hop"])


def all_tables(ctx: CollectionContext) -> list[ReportTable]:
    """Every table of the roll-up, in report order (the workbook's sheets)."""
    return [provinces_read(ctx), totals(ctx), targets(ctx), province_table(ctx),
            *(ranking(ctx, c) for c in ("htx_hien_co", "htx_thanh_lap_moi", "thanh_vien_kttt"))]


# ----------------------------------------------------------------------------- text and charts

def banner(ctx: CollectionContext) -> Html:
    """The collection, the year, the number of provinces, the synthetic-data warning."""
    from kttt.report import synthetic_notice

    notice = synthetic_notice(ctx)  # type: ignore[arg-type]
    text = f"{ctx.collection.ten} — {len(ctx.provinces)} tỉnh, năm báo cáo {ctx.year}"
    parts = [f'<div class="kttt-banner"><p><strong>{html.escape(ctx.collection.ten)}</strong> — '
             f"{len(ctx.provinces)} tỉnh, năm báo cáo {ctx.year}.</p>"]
    if notice:
        parts.append(f'<p class="mo-phong">{html.escape(notice)}</p>')
    parts.append("</div>")
    return Html("".join(parts), text + (f"\n{notice}" if notice else ""))


def summary(ctx: CollectionContext) -> Html:
    """A paragraph of the collection's totals and the largest province."""
    def said(code: str) -> str:
        value, before = ctx.value(code), ctx.value(code, column="gia_tri_nam_truoc")
        text = fmt.value(code, value)
        if not fmt.is_empty(value) and not fmt.is_empty(before):
            change = value - before
            text += f" ({'tăng' if change >= 0 else 'giảm'} {fmt.value(code, abs(change))} so với năm {ctx.year - 1})"
        return text

    best = max(ctx.provinces, key=lambda p: (np.nan_to_num(ctx.value("htx_hien_co", p.code), nan=-1), p.name))
    sentences = [
        f"Năm {ctx.year}, {len(ctx.provinces)} tỉnh trong tập «{ctx.collection.ten}» có {said('htx_hien_co')}, "
        f"trong đó thành lập mới {fmt.value('htx_thanh_lap_moi', ctx.value('htx_thanh_lap_moi'))}; "
        f"{said('tht_hien_co')}, thành lập mới {fmt.value('tht_thanh_lap_moi', ctx.value('tht_thanh_lap_moi'))}.",
        f"Khu vực kinh tế tập thể có {fmt.value('thanh_vien_kttt', ctx.value('thanh_vien_kttt'))} thành viên; "
        f"doanh thu bình quân một HTX {fmt.value('doanh_thu_bq_htx', ctx.value('doanh_thu_bq_htx'))}.",
        f"Tỉnh có nhiều HTX nhất: {best.name} "
        f"({fmt.value('htx_hien_co', ctx.value('htx_hien_co', best.code))}).",
    ]
    body = "".join(f"<p>{html.escape(s)}</p>" for s in sentences)
    return Html(f'<div class="loi-van">{body}</div>', "\n\n".join(sentences))


def province_bars(ctx: CollectionContext, code: str) -> Chart:
    """One indicator by province, horizontal bars, largest at the top."""
    import matplotlib.pyplot as plt

    meta = CATALOGUE[code]
    rows = sorted((np.nan_to_num(ctx.value(code, p.code)), p.name) for p in ctx.provinces)
    decimals = 0 if meta.additive else 1
    fig, ax = _figure(7.2, 0.28 * max(len(rows), 3) + 1.0)
    with plt.rc_context(STYLE):
        bars = ax.barh([name for _, name in rows], [v for v, _ in rows], color=PALETTE[0])
        _bar_labels(ax, bars, decimals, horizontal=True)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.xaxis.set_major_formatter(vi_formatter(decimals))
        ax.tick_params(axis="y", labelsize=7.5)
        title = f"{meta.name_vi} theo tỉnh năm {ctx.year} ({meta.unit})"
        ax.set_title(title)
        ax.margins(x=0.15)
        fig.tight_layout()
    return Chart(f"tinh_{code}", title, fig)


def target_achievement(ctx: CollectionContext, code: str = "htx_thanh_lap_moi") -> Chart:
    """Each province's achievement of its target (% of plan), with the 100 % line."""
    import matplotlib.pyplot as plt

    rows = sorted((ctx.value(code, p.code, "ty_le_dat_chi_tieu"), p.name) for p in ctx.provinces
                  if not fmt.is_empty(ctx.value(code, p.code, "ty_le_dat_chi_tieu")))
    fig, ax = _figure(7.2, 0.3 * max(len(rows), 3) + 1.0)
    title = f"{CATALOGUE[code].name_vi}: tỷ lệ đạt kế hoạch của các tỉnh năm {ctx.year}"
    with plt.rc_context(STYLE):
        if rows:
            colours = [PALETTE[2] if v >= 100 else PALETTE[3] for v, _ in rows]
            bars = ax.barh([name for _, name in rows], [v for v, _ in rows], color=colours)
            _bar_labels(ax, bars, 1, horizontal=True)
            ax.axvline(100, color=TARGET_COLOR, linewidth=1.0)
        else:
            ax.text(0.5, 0.5, "Không tỉnh nào đặt chỉ tiêu", ha="center", va="center", transform=ax.transAxes)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.xaxis.set_major_formatter(vi_formatter())
        ax.tick_params(axis="y", labelsize=7.5)
        ax.set_title(title)
        ax.margins(x=0.15)
        fig.tight_layout()
    return Chart(f"dat_ke_hoach_{code}", title, fig)


# ----------------------------------------------------------------------------- outputs

def render_workbook(source, target: Path) -> list[str]:  # noqa: ANN001 - a kttt.outputs.RenderSource
    """``bang_bieu_<year>.xlsx`` of a roll-up: every roll-up table, a sheet each."""
    from kttt.outputs import OUTPUTS
    from kttt.outputs.workbook import write_workbook

    path = target / OUTPUTS["xlsx"].file_name(source.year)
    write_workbook(path, source.ctx, all_tables(source.ctx), source.build_date, source.notice)
    return [path.name]


def _demo_collection() -> Path:
    """Two copies of the sample's 2021–2022 with their own ``ma_tinh`` (for the examples)."""
    import atexit
    import shutil
    import tempfile

    from kttt.config import SAMPLE_DATASET

    base = Path(tempfile.mkdtemp(prefix="kttt-tap-"))
    atexit.register(shutil.rmtree, base, True)
    root = base / "hai_tinh"
    root.mkdir()
    (root / "tap_du_lieu.yaml").write_text('ten: "Hai tỉnh mẫu"\n', encoding="utf-8")
    for i, name in enumerate(("tinh_a", "tinh_b"), 1):
        folder = root / name
        shutil.copytree(SAMPLE_DATASET, folder, ignore=shutil.ignore_patterns("2020", "2023", "2024"))
        meta = (folder / "dataset.yaml").read_text(encoding="utf-8")
        meta = "\n".join(f'ma_tinh: "9{i}"' if line.startswith("ma_tinh:") else line for line in meta.splitlines())
        (folder / "dataset.yaml").write_text(meta + "\n", encoding="utf-8")
    return root
