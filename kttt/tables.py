"""The report tables: frames with Vietnamese headers that notebooks show and the workbook exports.

Each table function takes a :class:`Context` (a loaded dataset, a year and its indicator
table) and returns a :class:`ReportTable`: raw values (full precision) plus the display kind
of each column. :meth:`ReportTable.to_html` formats through :mod:`kttt.fmt` and escapes every
cell; :mod:`kttt.outputs.workbook` writes the same values to Excel with number formats.
``TABLES`` lists every table of every notebook, in order: the workbook has a sheet each.

>>> ctx = Context.open(SAMPLE_DATASET, 2022)
>>> t = key_indicators(ctx)
>>> t.frame.iloc[0]["Chỉ tiêu"]
'Số HTX hiện có'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import pandas as pd

from kttt import fmt
from kttt.config import SAMPLE_DATASET, resolve_data_dir, years_needed
from kttt.contract import COMMUNES_ONLY_FROM, LABELS, SECTOR_LABELS
from kttt.indicators import CATALOGUE, PROVINCE, compute_groups, compute_history, compute_indicators
from kttt.indicators.functions import Registers
from kttt.load import Dataset, YearInfo, load_dataset

Kind = Literal["text", "int", "dec1", "pct", "money", "date", "bool"]

PAGE_LIMIT = 200  # rows of a table a page or the PDF shows at most (the workbook has all)
ANNEX_LIMIT = 1000  # rows of a table the Word report's annex prints at most (the workbook has all)


def cut_note(shown: int, total: int) -> str:
    """What a page or a document says under a list it does not show whole.

    >>> cut_note(200, 67783)
    'Hiển thị 200/67.783 dòng; danh sách đầy đủ trong tệp Excel bảng biểu của năm.'
    """
    return f"Hiển thị {fmt.number(shown)}/{fmt.number(total)} dòng; danh sách đầy đủ trong tệp Excel bảng biểu của năm."
TOP_BOTTOM = 10  # a long list of areas shows its top and bottom ten on the page


@dataclass
class ReportTable:
    """A table of a report: raw values, how to show each column, a title and a note."""

    key: str
    title: str
    frame: pd.DataFrame
    kinds: dict[str, Kind] = field(default_factory=dict)
    note: str = ""
    notebook: str = ""
    limit: int | None = None
    page_rows: list[int] | None = None  # positions of the rows a page shows (None: the first `limit`)
    page_note: str = ""  # what the page leaves out (the workbook has every row)

    def shown(self, limit: int) -> ReportTable:
        """The same table, showing at most ``limit`` rows on the page (the workbook has all)."""
        from dataclasses import replace

        return replace(self, limit=limit)

    def top_bottom(self, column: str, n: int = TOP_BOTTOM, what: str = "địa bàn") -> ReportTable:
        """The same table showing on the page only the ``n`` rows with the largest ``column``,
        the ``n`` with the smallest, and the total row (the last one); the workbook keeps all.

        >>> t = ReportTable("x", "X", pd.DataFrame({"Địa bàn": [f"X{i}" for i in range(30)] + ["Toàn tỉnh"],
        ...                                          "HTX": list(range(30)) + [435]}), {"HTX": "int"})
        >>> shown = t.top_bottom("HTX", 3)
        >>> shown.page_frame()["HTX"].tolist()
        [29, 28, 27, 2, 1, 0, 435]
        """
        from dataclasses import replace

        body = self.frame.iloc[:-1]
        if len(body) <= 2 * n + 5:
            return self
        order = body.assign(_v=body[column].fillna(-1)).sort_values(["_v"], ascending=False, kind="stable")
        rows = [*order.index[:n], *order.index[-n:], self.frame.index[-1]]
        positions = [self.frame.index.get_loc(i) for i in rows]
        note = (f"Hiển thị {n} {what} có «{column}» cao nhất, {n} {what} thấp nhất và dòng toàn tỉnh; bảng đủ "
                f"{fmt.number(len(body))} {what} trong tệp Excel bảng biểu và phụ lục của báo cáo.")
        return replace(self, page_rows=positions, page_note=note)

    def paged(self) -> ReportTable:
        """The same table holding only the rows a page shows (the page's note becomes its note):
        for documents that print the short form and keep the full table in an annex."""
        from dataclasses import replace

        note = " ".join(filter(None, [self.note, self.page_note]))
        return replace(self, frame=self.page_frame().reset_index(drop=True), page_rows=None, page_note="",
                       note=note, limit=None)

    def first_rows(self, limit: int) -> ReportTable:
        """The same table holding only its first ``limit`` rows, its note saying so: for a
        document's annex, which prints every row of a table of ordinary size
        (:data:`ANNEX_LIMIT`) but never a register-long list (the workbook has every row).

        >>> t = ReportTable("x", "X", pd.DataFrame({"Mã": ["a", "b", "c"]}), note="Ghi chú.")
        >>> short = t.first_rows(2)
        >>> len(short.frame), short.note
        (2, 'Ghi chú. Hiển thị 2/3 dòng; danh sách đầy đủ trong tệp Excel bảng biểu của năm.')
        >>> t.first_rows(5) is t
        True
        """
        from dataclasses import replace

        if len(self.frame) <= limit:
            return self
        note = " ".join(filter(None, [self.note, cut_note(limit, len(self.frame))]))
        return replace(self, frame=self.frame.head(limit).copy(), note=note, page_rows=None, page_note="", limit=None)

    def page_frame(self) -> pd.DataFrame:
        """The rows a page shows: the chosen ones, else at most ``limit`` (default
        :data:`PAGE_LIMIT`) — a long list is never rendered whole on a page or in the PDF."""
        if self.page_rows is not None:
            return self.frame.iloc[self.page_rows]
        return self.frame.head(self.limit if self.limit is not None else PAGE_LIMIT)

    def kind(self, column: str) -> Kind:
        return self.kinds.get(column, "text")

    def cell(self, column: str, value: object) -> str:
        """One cell as a person reads it (Vietnamese formats; "–" for no value)."""
        kind = self.kind(column)
        if kind == "text":
            return fmt.DASH if fmt.is_empty(value) or value == "" else str(value)
        if kind == "int":
            return fmt.number(value)  # type: ignore[arg-type]
        if kind == "dec1":
            return fmt.number(value, 1)  # type: ignore[arg-type]
        if kind == "pct":
            return fmt.percent(value)  # type: ignore[arg-type]
        if kind == "money":
            return fmt.number(value, 1)  # type: ignore[arg-type]
        if kind == "date":
            return fmt.date(value.date() if hasattr(value, "date") else value)  # type: ignore[arg-type]
        if kind == "bool":
            return fmt.DASH if fmt.is_empty(value) else ("Có" if value else "Không")
        raise ValueError(kind)

    def formatted(self) -> pd.DataFrame:
        """Every cell formatted as text."""
        return pd.DataFrame({c: [self.cell(c, v) for v in self.frame[c]] for c in self.frame.columns},
                            index=self.frame.index)

    def to_html(self, limit: int | None = None) -> str:
        """An escaped HTML table (``partials/table.html.j2``); numbers right-aligned; the page's
        rows only (:meth:`page_frame`: the chosen rows, else at most ``limit`` — default
        :data:`PAGE_LIMIT`); an empty table shows a line instead of a header without rows."""
        from kttt.markup import fragment

        shown = self.frame.head(limit) if limit is not None else self.page_frame()
        numeric = [self.kind(c) not in ("text", "bool") for c in self.frame.columns]
        rows = [[(self.cell(c, v), n) for c, v, n in zip(self.frame.columns, values, numeric, strict=True)]
                for values in shown.itertuples(index=False, name=None)]
        truncated = len(self.frame) > len(shown)
        return fragment("partials/table.html.j2", key=self.key, title=self.title,
                        columns=[str(c) for c in self.frame.columns], rows=rows, note=self.note,
                        page_note=self.page_note or None,
                        shown=fmt.number(len(shown)) if truncated else None, total=fmt.number(len(self.frame)),
                        cut_note=cut_note(len(shown), len(self.frame)) if truncated else None)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, object]:
        """The table's values for its CSV download (read by the page renderer); Jupyter shows
        the HTML (``_repr_html_``) and ignores this media type."""
        from kttt.outputs.table_csv import MEDIA_TYPE, payload

        return {MEDIA_TYPE: payload(self)}

    def __repr__(self) -> str:
        shown = self.page_frame().head(20)
        return f"{self.title}\n" + pd.DataFrame({c: [self.cell(c, v) for v in shown[c]] for c in shown.columns}
                                                 ).to_string(index=False)


@dataclass
class Context:
    """What every notebook of a year works from: the dataset, the year, its indicator table."""

    dataset: Dataset
    year: int

    @classmethod
    def open(cls, data_dir: str | Path, year: int, history: bool = False,
             parse_cache: str | Path | None = None) -> Context:
        """Load what the year's report needs (the year and the one before; every year up
        to ``year`` when ``history``) and refuse a dataset with errors."""
        root = resolve_data_dir(data_dir)
        years = years_needed(root, year, history)
        dataset = load_dataset(root, years=years, strict=True, parse_cache=parse_cache)
        return cls(dataset, year)

    @cached_property
    def table(self) -> pd.DataFrame:
        return compute_indicators(self.dataset, self.year)

    @property
    def info(self) -> YearInfo:
        """The year's data date and status (official, or an estimate)."""
        return self.dataset.info(self.year)

    @property
    def label(self) -> str:
        """``năm 2022`` or ``ước thực hiện năm 2026 (số liệu đến 30/11/2026)``."""
        return self.info.label

    @property
    def short_label(self) -> str:
        """``năm 2022`` or ``ước năm 2026``: for titles."""
        return f"ước năm {self.year}" if self.info.is_estimate else f"năm {self.year}"

    @cached_property
    def levels(self) -> list[str]:
        """The levels of areas this year's table has below the province, largest first."""
        present = set(self.table["cap_dia_ban"])
        return [level for level in ("tinh_cu", "huyen", "xa") if level in present]

    @property
    def area_level(self) -> str | None:
        """The level the report's area tables use: districts while they exist, else communes."""
        return next((lvl for lvl in ("huyen", "xa") if lvl in self.levels), None)

    @cached_property
    def crosses_change(self) -> bool:
        """The year before lies on other boundaries (a unit change between the two data dates):
        its values were re-based onto this year's units."""
        if self.year - 1 not in self.dataset.years:
            return False
        before, now = self.dataset.data_date(self.year - 1), self.info.data_date
        changes = {c.date for c in self.dataset.crosswalk.changes}
        return before < COMMUNES_ONLY_FROM <= now or any(before < d <= now for d in changes)

    @property
    def boundary_note(self) -> str:
        """The note every comparison across a boundary change carries ("" otherwise)."""
        if not self.crosses_change:
            return ""
        return (f"So sánh trên địa giới hành chính mới: số năm {self.year - 1} được tính lại theo các đơn vị hành "
                f"chính hiện nay (các xã, phường từ {COMMUNES_ONLY_FROM:%d/%m/%Y}) qua bảng chuyển đổi.")

    @cached_property
    def history(self) -> pd.DataFrame:
        return compute_history(self.dataset, [y for y in self.dataset.years if y <= self.year])

    @cached_property
    def populations(self) -> Registers:
        """The catalogue's populations (existing, operating, new …) as row masks of the year."""
        return Registers(self.htx(), self.tht(), ["nam"])

    def htx(self) -> pd.DataFrame:
        return self.dataset.register("htx", self.year)

    def tht(self) -> pd.DataFrame:
        return self.dataset.register("tht", self.year)

    def province(self, code: str, column: str = "gia_tri") -> float:
        rows = self.table[(self.table.ma_chi_tieu == code) & (self.table.dia_ban == PROVINCE)
                          & (self.table.linh_vuc == "")]
        return float(rows[column].iloc[0])

    def unit_name(self, code: str) -> str:
        """A unit's name at the year's data date (a code means a unit only with a date)."""
        return self._names.get(code, code) if code else ""

    @cached_property
    def _names(self) -> dict[str, str]:
        return self.dataset.unit_names(self.info.data_date)

    @cached_property
    def merged(self) -> bool:
        """The dataset is a province formed by a merger (``tinh_cu`` in dataset.yaml)."""
        return bool(self.dataset.meta.tinh_cu)


# ----------------------------------------------------------------------------- helpers

def _value_rows(ctx: Context, codes: list[str]) -> pd.DataFrame:
    t = ctx.table[(ctx.table.dia_ban == PROVINCE) & (ctx.table.linh_vuc == "")].set_index("ma_chi_tieu")
    return t.loc[[c for c in codes if c in t.index]]


def _assessment(met: object, has_target: bool) -> str:
    if not has_target:
        return ""
    if fmt.is_empty(met):
        return "chưa có số liệu"
    return "Đạt" if met else "Chưa đạt"


HEADLINE = ["htx_hien_co", "htx_dang_hoat_dong", "htx_ngung_hoat_dong", "htx_thanh_lap_moi", "htx_giai_the",
            "qtdnd_hien_co", "lhhtx_hien_co", "tht_hien_co", "tht_thanh_lap_moi", "tht_cham_dut",
            "thanh_vien_htx", "thanh_vien_tht", "thanh_vien_kttt", "lao_dong_htx", "lao_dong_tht",
            "von_dieu_le_htx", "doanh_thu_bq_htx", "loi_nhuan_bq_htx", "thu_nhap_bq_ld_htx",
            "thu_nhap_bq_ld_htx_thang", "doanh_thu_bq_tht", "loi_nhuan_bq_tht", "thu_nhap_bq_ld_tht",
            "thu_nhap_bq_ld_tht_thang", "ty_le_htx_kha_tot", "ty_le_htx_moi_dung_luat",
            "ty_le_can_bo_htx_moi_tap_huan", "san_pham_ocop_htx"]


# ----------------------------------------------------------------------------- 00 data checks

def files_read(ctx: Context) -> ReportTable:
    """Files read and their row accounting (rows read = accepted + rejected)."""
    rows = [{"Tệp": f.file, "Năm": f.year or "", "Số dòng đọc": f.rows_read, "Nhận": f.rows_accepted,
             "Loại": f.rows_rejected, "Ghi chú": "; ".join(f.notices)} for f in ctx.dataset.files]
    frame = pd.DataFrame(rows, columns=["Tệp", "Năm", "Số dòng đọc", "Nhận", "Loại", "Ghi chú"])
    return ReportTable("tep_du_lieu", "Các tệp đã đọc: số dòng đọc = nhận + loại", frame,
                       {"Số dòng đọc": "int", "Nhận": "int", "Loại": "int"}, notebook="00_kiem_tra_du_lieu")


def problems(ctx: Context) -> ReportTable:
    """Every problem found (warnings included; a dataset with errors is not built)."""
    rows = [{"Tệp": p.file, "Dòng": p.row or "", "Cột": p.header or "", "Giá trị": p.as_dict()["gia_tri"] or "",
             "Mức độ": {"loi": "Lỗi", "canh_bao": "Cảnh báo", "thong_bao": "Thông báo"}[p.severity],
             "Nội dung": p.reason_vi} for p in ctx.dataset.problems]
    frame = pd.DataFrame(rows, columns=["Tệp", "Dòng", "Cột", "Giá trị", "Mức độ", "Nội dung"])
    return ReportTable("van_de_du_lieu", "Vấn đề phát hiện trong dữ liệu", frame, {},
                       note="" if rows else "Không phát hiện vấn đề nào.", notebook="00_kiem_tra_du_lieu")


def reconciliation(ctx: Context) -> ReportTable:
    """Computed indicators against published figures of the year, with their sources."""
    from kttt.reconcile import reconcile

    r = reconcile(ctx.dataset, [ctx.year])
    names = {PROVINCE: "Toàn tỉnh", **{p.ma: p.label for p in ctx.dataset.meta.tinh_cu}}
    frame = pd.DataFrame({
        "Chỉ tiêu": r["ten_chi_tieu"],
        "Địa bàn": [names.get(a) or ctx.unit_name(a) for a in r["dia_ban"]],
        "Số công bố": r["gia_tri_cong_bo"], "Trạng thái số liệu": r["trang_thai"],
        "Ngày công bố": r["ngay_cong_bo"], "Số tính từ sổ": r["gia_tri_tinh"], "Chênh lệch": r["chenh_lech"],
        "Chênh lệch (%)": r["chenh_lech_pct"],
        "Khớp": r["khop"].map(lambda v: "–" if v is pd.NA else ("Khớp" if v else "Lệch")), "Nguồn": r["nguon"],
    })
    return ReportTable("doi_chieu_cong_bo", f"Đối chiếu với số liệu đã công bố năm {ctx.year}", frame,
                       {"Số công bố": "dec1", "Số tính từ sổ": "dec1", "Chênh lệch": "dec1", "Chênh lệch (%)": "pct"},
                       note="Khớp: hai số bằng nhau khi hiển thị theo quy tắc làm tròn của báo cáo.",
                       notebook="00_kiem_tra_du_lieu")


# ----------------------------------------------------------------------------- 01 overview

def key_indicators(ctx: Context) -> ReportTable:
    """Headline indicators: the year, the year before, change, target and achievement."""
    t = _value_rows(ctx, HEADLINE)
    y = ctx.year
    now = ctx.short_label[:1].upper() + ctx.short_label[1:]
    frame = pd.DataFrame({
        "Chỉ tiêu": [CATALOGUE[c].name_vi for c in t.index],
        "Đơn vị tính": [CATALOGUE[c].unit for c in t.index],
        f"Năm {y - 1}": t["gia_tri_nam_truoc"].to_numpy(),
        now: t["gia_tri"].to_numpy(),
        "Tăng/giảm": t["thay_doi"].to_numpy(),
        "Tăng/giảm (%)": t["thay_doi_pct"].to_numpy(),
        "Kế hoạch": t["chi_tieu"].to_numpy(),
        "Đạt (% kế hoạch)": t["ty_le_dat_chi_tieu"].to_numpy(),
        "Đánh giá": [_assessment(m, not fmt.is_empty(k)) for m, k in zip(t["dat_chi_tieu"], t["chi_tieu"], strict=True)],
    })
    kinds: dict[str, Kind] = {f"Năm {y - 1}": "dec1", now: "dec1", "Tăng/giảm": "dec1",
                              "Tăng/giảm (%)": "pct", "Kế hoạch": "dec1", "Đạt (% kế hoạch)": "pct"}
    notes = ["Số bình quân tính trên các đơn vị có báo cáo; tiền tính bằng triệu đồng."]
    if ctx.info.is_estimate:
        notes.append(f"Số {ctx.label}: các số «trong năm» (thành lập mới, giải thể) tính từ 01/01 đến ngày số liệu.")
    if ctx.boundary_note:
        notes.append(ctx.boundary_note)
    assumed = target_note(ctx, y)
    if assumed:
        notes.append(assumed)
    return ReportTable("chi_tieu_chinh", f"Các chỉ tiêu chủ yếu {ctx.short_label}", frame, kinds,
                       note=" ".join(notes), notebook="01_tong_quan")


def target_note(ctx: Context, year: int) -> str:
    """What a reader must know of a year's targets: that they are assumed, and why."""
    targets = ctx.dataset.targets
    if not len(targets) or "gia_dinh" not in targets.columns:
        return ""
    rows = targets[(targets["nam"] == year) & targets["gia_dinh"].astype(bool)]
    if rows.empty:
        return ""
    reasons = "; ".join(dict.fromkeys(str(r) for r in rows["nguon"] if r))
    return f"Kế hoạch năm {year} là GIẢ ĐỊNH, không phải chỉ tiêu được giao ({reasons})."


def next_year_targets(ctx: Context) -> ReportTable:
    """Targets set for the next year (chi_tieu.csv), with their sources."""
    targets = ctx.dataset.targets
    rows = targets[targets["nam"] == ctx.year + 1] if len(targets) else targets
    frame = pd.DataFrame({
        "Chỉ tiêu": [CATALOGUE[c].name_vi for c in rows["ma_chi_tieu"]],
        "Mục tiêu": rows["gia_tri"].to_numpy(dtype="float64"),
        "Đơn vị tính": [CATALOGUE[c].unit for c in rows["ma_chi_tieu"]],
        "So sánh": ["trở lên" if s == ">=" else "trở xuống" for s in rows["so_sanh"]],
        "Nguồn": rows["nguon"].to_numpy(),
    })
    note = target_note(ctx, ctx.year + 1) if len(frame) else f"Chưa có mục tiêu năm {ctx.year + 1} trong chi_tieu.csv."
    return ReportTable("muc_tieu_nam_sau", f"Mục tiêu năm {ctx.year + 1}", frame, {"Mục tiêu": "dec1"},
                       note=note, notebook="01_tong_quan")


# ----------------------------------------------------------------------------- 02/03 by sector, by unit

HTX_BREAKDOWN = [("htx_hien_co", "HTX hiện có", "int"), ("htx_dang_hoat_dong", "Đang hoạt động", "int"),
                 ("htx_thanh_lap_moi", "Thành lập mới", "int"), ("htx_giai_the", "Giải thể", "int"),
                 ("thanh_vien_htx", "Thành viên", "int"), ("lao_dong_htx", "Lao động", "int"),
                 ("doanh_thu_bq_htx", "Doanh thu BQ (triệu đồng)", "money"),
                 ("loi_nhuan_bq_htx", "Lợi nhuận BQ (triệu đồng)", "money"),
                 ("ty_le_htx_kha_tot", "Khá, tốt (%)", "pct")]
THT_BREAKDOWN = [("tht_hien_co", "THT hiện có", "int"), ("tht_thanh_lap_moi", "Thành lập mới", "int"),
                 ("tht_cham_dut", "Chấm dứt", "int"), ("thanh_vien_tht", "Thành viên", "int"),
                 ("lao_dong_tht", "Lao động", "int"), ("doanh_thu_bq_tht", "Doanh thu BQ (triệu đồng)", "money"),
                 ("loi_nhuan_bq_tht", "Lợi nhuận BQ (triệu đồng)", "money"),
                 ("thu_nhap_bq_ld_tht", "Thu nhập BQ (triệu đồng/người/năm)", "money")]


AREA_LABELS: dict[str, tuple[str, str]] = {
    # level → (column header, what one calls the areas in a sentence)
    "tinh_cu": ("Tỉnh (cũ)", "tỉnh cũ"),
    "huyen": ("Huyện, thị xã, thành phố", "huyện, thị xã, thành phố"),
    "xa": ("Xã, phường", "xã, phường"),
}


def _breakdown(ctx: Context, spec: list[tuple[str, str, str]], by: str,
               table: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict[str, Kind]]:
    """Indicators of ``spec`` by sector (``by="sector"``) or by the areas of a level
    (``huyen``, ``xa``, ``tinh_cu``), with the province's row last."""
    t = ctx.table if table is None else table
    if by == "sector":
        rows = t[(t.dia_ban == PROVINCE) & (t.linh_vuc != "")]
        key, label = "linh_vuc", "Lĩnh vực"
        name = lambda k: SECTOR_LABELS.get(k, k)  # noqa: E731
    else:
        rows = t[(t.cap_dia_ban == by) & (t.linh_vuc == "")]
        key, label = "dia_ban", AREA_LABELS[by][0]
        name = ctx.unit_name
    wide = rows.pivot_table(index=key, columns="ma_chi_tieu", values="gia_tri", sort=False, dropna=False)
    order = list(dict.fromkeys(rows[key]))
    wide = wide.reindex(order)
    frame = pd.DataFrame({label: [name(k) for k in wide.index]})
    kinds: dict[str, Kind] = {}
    for code, header, kind in spec:
        frame[header] = wide[code].to_numpy() if code in wide else float("nan")
        kinds[header] = kind  # type: ignore[assignment]
    total = {label: "Toàn tỉnh"}
    province = t[(t.dia_ban == PROVINCE) & (t.linh_vuc == "")].set_index("ma_chi_tieu")["gia_tri"]
    for code, header, _ in spec:
        total[header] = province.get(code, float("nan"))
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return frame, kinds


def htx_by_sector(ctx: Context) -> ReportTable:
    frame, kinds = _breakdown(ctx, HTX_BREAKDOWN, "sector")
    return ReportTable("htx_theo_linh_vuc", f"HTX theo lĩnh vực năm {ctx.year}", frame, kinds,
                       note="HTX gồm cả quỹ tín dụng nhân dân; không gồm liên hiệp HTX.", notebook="02_hop_tac_xa")


def _by_area(ctx: Context, key: str, title: str, spec: list[tuple[str, str, str]], notebook: str,
             level: str | None = None, rank: str | None = None) -> ReportTable | None:
    """A table of the areas of one level (the report's level by default); a long one shows its
    top and bottom ten on the page. None when the year has no area of that level."""
    level = level or ctx.area_level
    if level is None or level not in ctx.levels:
        return None
    frame, kinds = _breakdown(ctx, spec, level)
    label, what = AREA_LABELS[level]
    table = ReportTable(key, f"{title} theo {what} {ctx.short_label}", frame, kinds, notebook=notebook,
                        note=ctx.boundary_note)
    return table.top_bottom(rank or spec[0][1], what=what)


def htx_by_unit(ctx: Context) -> ReportTable | None:
    """Cooperatives by district (while districts exist) or by commune."""
    return _by_area(ctx, "htx_theo_dia_ban", "HTX", HTX_BREAKDOWN, "02_hop_tac_xa")


def place_names(ctx: Context, frame: pd.DataFrame) -> list[str]:
    """Where each row's seat is, as a reader names it: ``Xã Phong Dụ Hạ (Huyện Văn Yên)``
    before 1/7/2025, ``Phường Lào Cai`` after."""
    communes = frame["xa"] if "xa" in frame.columns else pd.Series([None] * len(frame), index=frame.index)
    districts = frame["don_vi"] if "don_vi" in frame.columns else pd.Series([None] * len(frame), index=frame.index)
    out = []
    for c, d in zip(communes, districts, strict=True):
        c = None if fmt.is_empty(c) else c
        d = None if fmt.is_empty(d) else d
        if c and d:
            out.append(f"{ctx.unit_name(c)} ({ctx.unit_name(d)})")
        else:
            out.append(ctx.unit_name(c or d or ""))
    return out


def _listing(ctx: Context, frame: pd.DataFrame, code: str, name: str, date_col: str, date_label: str) -> pd.DataFrame:
    out = pd.DataFrame({
        "Mã": frame[code].to_numpy(), "Tên": frame[name].to_numpy(),
        "Địa bàn": place_names(ctx, frame),
        "Lĩnh vực": [SECTOR_LABELS.get(s, s) for s in frame["linh_vuc"]],
        date_label: frame[date_col].to_numpy(),
    })
    return out.sort_values([date_label, "Tên"], kind="stable").reset_index(drop=True)


def new_htx(ctx: Context) -> ReportTable:
    rows = ctx.htx()[ctx.populations.new_htx]
    return ReportTable("htx_thanh_lap_moi", f"HTX thành lập mới năm {ctx.year}",
                       _listing(ctx, rows, "ma_htx", "ten_htx", "ngay_thanh_lap", "Ngày thành lập"),
                       {"Ngày thành lập": "date"}, notebook="02_hop_tac_xa")


def dissolved_htx(ctx: Context) -> ReportTable:
    p = ctx.populations
    rows = ctx.htx()[p.is_coop & p.in_year("htx", "ngay_giai_the")]
    return ReportTable("htx_giai_the", f"HTX giải thể năm {ctx.year}",
                       _listing(ctx, rows, "ma_htx", "ten_htx", "ngay_giai_the", "Ngày giải thể"),
                       {"Ngày giải thể": "date"}, notebook="02_hop_tac_xa")


def _distribution(values: pd.Series) -> dict[str, float]:
    v = values.dropna().astype("float64")
    if v.empty:
        return {"Số đơn vị báo cáo": 0, **{k: float("nan") for k in ("Nhỏ nhất", "Tứ phân vị 1", "Trung vị",
                                                                      "Tứ phân vị 3", "Lớn nhất", "Bình quân")}}
    return {"Số đơn vị báo cáo": len(v), "Nhỏ nhất": v.min(), "Tứ phân vị 1": v.quantile(0.25),
            "Trung vị": v.median(), "Tứ phân vị 3": v.quantile(0.75), "Lớn nhất": v.max(), "Bình quân": v.mean()}


MONEY_FIELDS = (("doanh_thu", "Doanh thu (triệu đồng)"), ("loi_nhuan", "Lợi nhuận (triệu đồng)"),
                ("thu_nhap_bq", "Thu nhập BQ người lao động (triệu đồng/người/năm)"))


def _distributions(rows: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Kind]]:
    """Quartiles of revenue, profit and income over the rows that reported each."""
    frame = pd.DataFrame([{"Chỉ tiêu": label, **_distribution(rows[col])} for col, label in MONEY_FIELDS])
    kinds: dict[str, Kind] = {c: "dec1" for c in frame.columns if c != "Chỉ tiêu"}
    kinds["Số đơn vị báo cáo"] = "int"
    return frame, kinds


def htx_distributions(ctx: Context) -> ReportTable:
    frame, kinds = _distributions(ctx.htx()[ctx.populations.operating_htx])
    return ReportTable("htx_phan_bo", f"Phân bố doanh thu, lợi nhuận, thu nhập của HTX đang hoạt động năm {ctx.year}",
                       frame, kinds, note="Bình quân thu nhập ở đây là bình quân đơn giản giữa các HTX; chỉ tiêu "
                       "thu nhập bình quân lao động của báo cáo có trọng số theo số lao động.", notebook="02_hop_tac_xa")


RATING_ORDER = ["tot", "kha", "trung_binh", "yeu", "khong_xep_loai"]


def htx_ratings(ctx: Context) -> ReportTable:
    op = ctx.htx()[ctx.populations.operating_htx]
    counts = op["xep_loai"].fillna("").value_counts()
    rated = sum(int(counts.get(k, 0)) for k in RATING_ORDER[:4])
    rows = [{"Xếp loại": LABELS["xep_loai"][k], "Số HTX": int(counts.get(k, 0)),
             "Tỷ lệ trong số HTX được xếp loại (%)": (counts.get(k, 0) * 100.0 / rated) if rated and k != "khong_xep_loai" else float("nan")}
            for k in RATING_ORDER]
    rows.append({"Xếp loại": "Chưa ghi", "Số HTX": int(counts.get("", 0)), "Tỷ lệ trong số HTX được xếp loại (%)": float("nan")})
    frame = pd.DataFrame(rows)
    return ReportTable("htx_xep_loai", f"Xếp loại HTX đang hoạt động năm {ctx.year}", frame,
                       {"Số HTX": "int", "Tỷ lệ trong số HTX được xếp loại (%)": "pct"},
                       note="HTX không xếp loại (hoạt động dưới 12 tháng hoặc ngừng trên 3 tháng) không tính vào mẫu số.",
                       notebook="02_hop_tac_xa")


def htx_ocop(ctx: Context) -> ReportTable:
    h = ctx.htx()
    rows = h[ctx.populations.existing_htx & (h["so_san_pham_ocop"].fillna(0) > 0).to_numpy()]
    frame = pd.DataFrame({"Mã": rows["ma_htx"].to_numpy(), "Tên HTX": rows["ten_htx"].to_numpy(),
                          "Địa bàn": place_names(ctx, rows),
                          "Số sản phẩm OCOP": rows["so_san_pham_ocop"].astype("float64").to_numpy()})
    frame = frame.sort_values(["Số sản phẩm OCOP", "Tên HTX"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return ReportTable("htx_ocop", f"HTX có sản phẩm OCOP năm {ctx.year}", frame, {"Số sản phẩm OCOP": "int"},
                       notebook="02_hop_tac_xa")


def tht_by_sector(ctx: Context) -> ReportTable:
    frame, kinds = _breakdown(ctx, THT_BREAKDOWN, "sector")
    return ReportTable("tht_theo_linh_vuc", f"THT theo lĩnh vực năm {ctx.year}", frame, kinds, notebook="03_to_hop_tac")


def tht_by_unit(ctx: Context) -> ReportTable | None:
    """Cooperative groups by district (while districts exist) or by commune."""
    return _by_area(ctx, "tht_theo_dia_ban", "THT", THT_BREAKDOWN, "03_to_hop_tac")


def new_tht(ctx: Context) -> ReportTable:
    rows = ctx.tht()[ctx.populations.in_year("tht", "ngay_thanh_lap")]
    return ReportTable("tht_thanh_lap_moi", f"THT thành lập mới năm {ctx.year}",
                       _listing(ctx, rows, "ma_tht", "ten_tht", "ngay_thanh_lap", "Ngày thành lập"),
                       {"Ngày thành lập": "date"}, notebook="03_to_hop_tac")


def ended_tht(ctx: Context) -> ReportTable:
    rows = ctx.tht()[ctx.populations.in_year("tht", "ngay_cham_dut")]
    return ReportTable("tht_cham_dut", f"THT chấm dứt năm {ctx.year}",
                       _listing(ctx, rows, "ma_tht", "ten_tht", "ngay_cham_dut", "Ngày chấm dứt"),
                       {"Ngày chấm dứt": "date"}, notebook="03_to_hop_tac")


def tht_distributions(ctx: Context) -> ReportTable:
    frame, kinds = _distributions(ctx.tht()[ctx.populations.existing_tht])
    return ReportTable("tht_phan_bo", f"Phân bố doanh thu, lợi nhuận, thu nhập của THT năm {ctx.year}", frame, kinds,
                       notebook="03_to_hop_tac")


# ----------------------------------------------------------------------------- 04 districts

UNIT_SPEC = [("htx_hien_co", "HTX hiện có", "int"), ("htx_thanh_lap_moi", "HTX mới", "int"),
             ("tht_hien_co", "THT hiện có", "int"), ("tht_thanh_lap_moi", "THT mới", "int"),
             ("thanh_vien_kttt", "Thành viên KTTT", "int"), ("lao_dong_htx", "Lao động HTX", "int"),
             ("doanh_thu_bq_htx", "Doanh thu BQ HTX (triệu đồng)", "money"),
             ("thu_nhap_bq_ld_htx_thang", "Thu nhập BQ lao động HTX (triệu đồng/tháng)", "dec1"),
             ("ty_le_htx_kha_tot", "HTX khá, tốt (%)", "pct")]


def units_side_by_side(ctx: Context) -> ReportTable | None:
    """The areas side by side (districts while they exist, else communes)."""
    return _by_area(ctx, "so_sanh_dia_ban", "Các chỉ tiêu chủ yếu", UNIT_SPEC, "04_dia_ban", rank="HTX hiện có")


def communes_side_by_side(ctx: Context) -> ReportTable | None:
    """The communes side by side, in a year that has districts too (their communes given)."""
    if ctx.area_level != "huyen":
        return None
    return _by_area(ctx, "so_sanh_xa", "Các chỉ tiêu chủ yếu", UNIT_SPEC, "04_dia_ban", level="xa", rank="HTX hiện có")


def units_ranking(ctx: Context) -> ReportTable | None:
    """Areas ranked by new cooperatives, then new groups, then members."""
    level = ctx.area_level
    if level is None:
        return None
    frame, kinds = _breakdown(ctx, UNIT_SPEC, level)
    label, what = AREA_LABELS[level]
    frame = frame[frame[label] != "Toàn tỉnh"]
    ranked = frame.sort_values(["HTX mới", "THT mới", "Thành viên KTTT", label],
                               ascending=[False, False, False, True], kind="stable").reset_index(drop=True)
    ranked.insert(0, "Xếp hạng", range(1, len(ranked) + 1))
    keep = ["Xếp hạng", label, "HTX mới", "THT mới", "Thành viên KTTT", "HTX hiện có"]
    table = ReportTable("xep_hang_dia_ban", f"Xếp hạng {what} theo số HTX, THT thành lập mới {ctx.short_label}",
                        ranked[keep], {"Xếp hạng": "int", **{k: kinds[k] for k in keep[2:]}},
                        note="Xếp theo số HTX thành lập mới, rồi số THT thành lập mới, rồi số thành viên.",
                        notebook="04_dia_ban")
    if len(ranked) > 2 * TOP_BOTTOM + 5:
        from dataclasses import replace

        positions = [*range(TOP_BOTTOM), *range(len(ranked) - TOP_BOTTOM, len(ranked))]
        table = replace(table, page_rows=positions,
                        page_note=f"Hiển thị {TOP_BOTTOM} {what} đứng đầu và {TOP_BOTTOM} đứng cuối; bảng đủ "
                                  f"{fmt.number(len(ranked))} {what} trong tệp Excel bảng biểu và phụ lục của báo cáo.")
    return table


CONTINUITY = [("htx_hien_co", "HTX hiện có"), ("htx_thanh_lap_moi", "HTX mới"), ("tht_hien_co", "THT hiện có"),
              ("tht_thanh_lap_moi", "THT mới"), ("thanh_vien_kttt", "Thành viên KTTT")]


def _continuity(ctx: Context, column: str, key: str, title: str, what: str) -> ReportTable | None:
    """This year and the year before grouped by a former unit (``tinh_cu``/``huyen_cu``) as the
    rows give it (through the crosswalk after a change): the series stays comparable."""
    years = [y for y in (ctx.year - 1, ctx.year) if y in ctx.dataset.years]
    groups = compute_groups(ctx.dataset, years, column)
    if groups.empty:
        return None
    codes = [c for c in dict.fromkeys(groups["dia_ban"]) if c != PROVINCE]
    wide = groups.pivot_table(index=["dia_ban", "nam"], columns="ma_chi_tieu", values="gia_tri", dropna=False)
    province = compute_groups(ctx.dataset, years, None).pivot_table(index="nam", columns="ma_chi_tieu",
                                                                     values="gia_tri", dropna=False)
    names = {p.ma: p.label for p in ctx.dataset.meta.tinh_cu} if column == "tinh_cu" else {}
    rows, kinds = [], {}
    for code in [*codes, None]:
        if code is None:
            label = "Toàn tỉnh"
            source = province
        else:
            label = names.get(code) or ctx.dataset.unit_names().get(code, code)
            source = wide.xs(code, level="dia_ban") if code in wide.index.get_level_values(0) else None
        row: dict[str, object] = {what: label}
        for ind, header in CONTINUITY:
            for y in years:
                value = source.at[y, ind] if source is not None and y in source.index and ind in source.columns \
                    else float("nan")
                row[f"{header} {y}"] = value
                kinds[f"{header} {y}"] = "int"
        rows.append(row)
    known = len(codes)
    if column == "huyen_cu":
        rest: dict[str, object] = {what: "Không xác định (xã mới gồm nhiều huyện cũ)"}
        for col in kinds:
            total = rows[-1][col]
            parts = sum(float(r[col]) for r in rows[:-1] if not fmt.is_empty(r[col]))
            rest[col] = total - parts if not fmt.is_empty(total) else float("nan")
        if any(not fmt.is_empty(v) and v for k, v in rest.items() if k != what):
            rows.insert(known, rest)
    frame = pd.DataFrame(rows)
    note = ("Số theo đơn vị cũ, lấy từ xã cũ của từng dòng sổ (qua bảng chuyển đổi đơn vị hành chính) để so sánh "
            "liên tục với các năm trước.")
    return ReportTable(key, f"{title} {ctx.short_label} và năm {ctx.year - 1}", frame, kinds, note=note,
                       notebook="04_dia_ban")


def by_former_province(ctx: Context) -> ReportTable | None:
    """A merged province by its former provinces (continuity across the merger)."""
    if not ctx.merged:
        return None
    return _continuity(ctx, "tinh_cu", "theo_tinh_cu", "Theo tỉnh cũ", "Tỉnh (cũ)")


def by_former_district(ctx: Context) -> ReportTable | None:
    """After 1/7/2025, by former district where the rows allow (continuity with district tables)."""
    if ctx.area_level != "xa" or ctx.info.data_date < COMMUNES_ONLY_FROM:
        return None
    return _continuity(ctx, "huyen_cu", "theo_huyen_cu", "Theo huyện cũ", "Huyện (cũ)")


# ----------------------------------------------------------------------------- 05 trends

TREND = [("htx_hien_co", "int"), ("htx_thanh_lap_moi", "int"), ("htx_giai_the", "int"), ("tht_hien_co", "int"),
         ("tht_thanh_lap_moi", "int"), ("thanh_vien_kttt", "int"), ("lao_dong_htx", "int"),
         ("doanh_thu_bq_htx", "money"), ("loi_nhuan_bq_htx", "money"), ("thu_nhap_bq_ld_htx_thang", "dec1"),
         ("doanh_thu_bq_tht", "money"), ("ty_le_htx_kha_tot", "pct")]


def trend(ctx: Context) -> ReportTable:
    h = ctx.history
    wide = h.pivot_table(index="ma_chi_tieu", columns="nam", values="gia_tri", sort=False, dropna=False)
    years = sorted(wide.columns)
    frame = pd.DataFrame({"Chỉ tiêu": [CATALOGUE[c].name_vi for c, _ in TREND],
                          "Đơn vị tính": [CATALOGUE[c].unit for c, _ in TREND]})
    for y in years:
        frame[str(y)] = [wide.at[c, y] if c in wide.index else float("nan") for c, _ in TREND]
    kinds: dict[str, Kind] = {str(y): "dec1" for y in years}
    estimates = [y for y in years if ctx.dataset.info(y).is_estimate]
    frame = frame.rename(columns={str(y): f"{y} (ước)" for y in estimates})
    kinds = {(f"{k} (ước)" if k.isdigit() and int(k) in estimates else k): v for k, v in kinds.items()}
    note = "; ".join(f"{y}: {ctx.dataset.year_label(y)}" for y in estimates)
    if ctx.merged:
        note = "; ".join(filter(None, [note, "Các năm trước khi hợp nhất là tổng của các tỉnh cũ."]))
    return ReportTable("xu_huong", f"Diễn biến qua các năm {years[0]}–{years[-1]}", frame, kinds, note=note,
                       notebook="05_xu_huong")


FORMER_TREND = [("htx_hien_co", "HTX hiện có"), ("htx_thanh_lap_moi", "HTX thành lập mới"),
                ("tht_hien_co", "THT hiện có"), ("thanh_vien_htx", "Thành viên HTX")]


def trend_by_former_province(ctx: Context) -> ReportTable | None:
    """A merged province's history as the sum of its former provinces, every year up to this one."""
    if not ctx.merged:
        return None
    years = [y for y in ctx.dataset.years if y <= ctx.year]
    groups = compute_groups(ctx.dataset, years, "tinh_cu")
    names = {p.ma: p.label for p in ctx.dataset.meta.tinh_cu}
    rows = []
    for code, header in FORMER_TREND:
        part = groups[(groups.ma_chi_tieu == code)]
        for area in [*names, PROVINCE]:
            series = part[part.dia_ban == area].set_index("nam")["gia_tri"]
            row: dict[str, object] = {"Chỉ tiêu": header, "Địa bàn": names.get(area, "Toàn tỉnh (tổng)")}
            for y in years:
                row[str(y)] = series.get(y, float("nan"))
            rows.append(row)
    frame = pd.DataFrame(rows)
    kinds: dict[str, Kind] = {str(y): "int" for y in years}
    return ReportTable("xu_huong_tinh_cu", f"Lịch sử {ctx.dataset.meta.ten} qua các năm {years[0]}–{years[-1]}: "
                       "tổng của các tỉnh cũ", frame, kinds,
                       note="Trước khi hợp nhất: số của từng tỉnh cũ; từ khi hợp nhất: theo xã cũ của từng dòng sổ "
                            "(qua bảng chuyển đổi).", notebook="05_xu_huong")


def target_history(ctx: Context) -> ReportTable:
    """Every year's targets and what was achieved."""
    targets = ctx.dataset.targets
    h = ctx.history.set_index(["nam", "ma_chi_tieu"])["gia_tri"]
    rows = []
    for r in targets[targets["nam"] <= ctx.year].itertuples(index=False):
        value = h.get((r.nam, r.ma_chi_tieu), float("nan"))
        has = not fmt.is_empty(value)
        rows.append({"Năm": r.nam, "Chỉ tiêu": CATALOGUE[r.ma_chi_tieu].name_vi, "Kế hoạch": r.gia_tri,
                     "Thực hiện": value, "Đạt (% kế hoạch)": value * 100.0 / r.gia_tri if has and r.gia_tri else float("nan"),
                     "Đánh giá": _assessment((value >= r.gia_tri if r.so_sanh == ">=" else value <= r.gia_tri) if has else None, True)})
    frame = pd.DataFrame(rows, columns=["Năm", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đạt (% kế hoạch)", "Đánh giá"])
    return ReportTable("thuc_hien_ke_hoach", "Thực hiện kế hoạch qua các năm", frame,
                       {"Kế hoạch": "dec1", "Thực hiện": "dec1", "Đạt (% kế hoạch)": "pct"}, notebook="05_xu_huong")


# ----------------------------------------------------------------------------- registry

TableFn = Callable[[Context], ReportTable | None]

TABLES: dict[str, list[TableFn]] = {
    "00_kiem_tra_du_lieu": [files_read, problems, reconciliation],
    "01_tong_quan": [key_indicators, next_year_targets],
    "02_hop_tac_xa": [htx_by_sector, htx_by_unit, new_htx, dissolved_htx, htx_distributions, htx_ratings, htx_ocop],
    "03_to_hop_tac": [tht_by_sector, tht_by_unit, new_tht, ended_tht, tht_distributions],
    "04_dia_ban": [units_side_by_side, communes_side_by_side, units_ranking, by_former_province,
                   by_former_district],
    "05_xu_huong": [trend, trend_by_former_province, target_history],
}

def report_tables(ctx: Context) -> list[ReportTable]:
    """Every table of every notebook of the year, in report order (tables that do not apply to
    this dataset or year — former provinces of an unmerged one, say — are left out)."""
    return [t for fns in TABLES.values() for fn in fns if (t := fn(ctx)) is not None]


NOTEBOOK_TITLES: dict[str, str] = {
    "00_kiem_tra_du_lieu": "Kiểm tra dữ liệu",
    "01_tong_quan": "Tổng quan năm",
    "02_hop_tac_xa": "Hợp tác xã",
    "03_to_hop_tac": "Tổ hợp tác",
    "04_dia_ban": "Các địa bàn",
    "05_xu_huong": "Xu hướng qua các năm",
}

__all__ = ["Context", "ReportTable", "TABLES", "NOTEBOOK_TITLES", "SAMPLE_DATASET", "years_needed"]
