"""Small datasets written to the data contract, for tests (the bad-input corpus mutates them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter

HTX_HEADERS = [
    "Mã HTX", "Tên HTX", "Loại hình", "Huyện/Thị xã/Thành phố", "Lĩnh vực", "Ngày thành lập",
    "Ngày giải thể", "Tình trạng", "Số thành viên", "Số lao động thường xuyên",
    "Vốn điều lệ (triệu đồng)", "Doanh thu (triệu đồng)", "Lợi nhuận (triệu đồng)",
    "Thu nhập bình quân người lao động (triệu đồng/người/năm)", "Xếp loại",
    "Tổ chức, hoạt động theo Luật HTX", "Số cán bộ quản lý", "Số cán bộ quản lý được tập huấn",
    "Số sản phẩm OCOP", "Ghi chú",
]

# Excel rows 2..5
HTX_ROWS: list[list[Any]] = [
    ["5200000001", "HTX Chè Suối Giàng", "Hợp tác xã", "Huyện Văn Chấn", "Nông nghiệp",
     dt.date(2022, 3, 15), None, "Đang hoạt động", 20, 10, 1000, 1000, -50, 60, "Không xếp loại",
     "Có", 4, 3, 2, ""],
    ["5200000002", "HTX Dệt thổ cẩm Tú Lệ", "HTX", "140", "CN-TTCN", dt.date(2019, 5, 5), None,
     "Đang hoạt động", 30, 20, 2000, 2000, 300, 66, "Khá", "Có", 5, 5, 0, "ghi chú tự do"],
    ["5200000003", "Quỹ tín dụng nhân dân Yên Ninh", "QTDND", "TP Yên Bái", "Tín dụng",
     dt.date(2001, 1, 1), None, "Tạm ngừng hoạt động", 10, 0, 500, None, None, None,
     "Không xếp loại", "Không", 3, 0, None, None],
    ["5200000004", "HTX Vận tải Nghĩa Lộ", "Hợp tác xã", "Thị xã Nghĩa Lộ", "Vận tải",
     dt.date(2015, 1, 1), dt.date(2022, 6, 30), "Giải thể", 8, 0, None, None, None, None, None,
     None, 3, 0, None, None],
]

THT_HEADERS = [
    "Mã THT", "Tên THT", "Huyện/Thị xã/Thành phố", "Lĩnh vực", "Ngày thành lập", "Ngày chấm dứt",
    "Tình trạng", "Số thành viên", "Số lao động", "Doanh thu (triệu đồng)",
    "Lợi nhuận (triệu đồng)", "Thu nhập bình quân người lao động (triệu đồng/người/năm)",
]
THT_ROWS: list[list[Any]] = [
    ["THT-140-00001", "THT trồng chè thôn 3", "Huyện Văn Chấn", "Nông nghiệp", "02/02/2022", "",
     "Đang hoạt động", "5", "2", "200", "80", "42"],
    ["THT-132-00002", "THT mộc Hợp Minh", "132", "Nông - lâm - ngư nghiệp", "1/1/2017", "",
     "Đang hoạt động", "8", "4", "400", "100", "51"],
    ["THT-133-00003", "THT xây dựng Pú Trạng", "TX. Nghĩa Lộ", "Xây dựng", "2016-01-01",
     "09/09/2022", "Đã chấm dứt", "6", "3", "", "", ""],
]

UNITS_CSV = """ma,ten,cap,ten_khac,hieu_luc_tu,hieu_luc_den
132,Thành phố Yên Bái,huyen,TP Yên Bái|TP. Yên Bái,,30/06/2025
133,Thị xã Nghĩa Lộ,huyen,TX Nghĩa Lộ|TX. Nghĩa Lộ,,30/06/2025
140,Huyện Văn Chấn,huyen,Văn Chấn,,30/06/2025
"""

TARGETS_CSV = """nam,ma_chi_tieu,gia_tri,so_sanh,nguon
2022,htx_thanh_lap_moi,2,>=,Kế hoạch thử
2022,tht_thanh_lap_moi,1,>=,Kế hoạch thử
"""

PUBLISHED_CSV = """nam,ma_chi_tieu,gia_tri,trang_thai_so_lieu,ngay_cong_bo,nguon
2022,htx_hien_co,3,chinh_thuc,2023-01-10,Báo cáo thử
2022,htx_hien_co,4,uoc,2022-12-01,Báo cáo ước
"""

META_YAML = """ten: "Tỉnh Thử nghiệm"
ma_tinh: "99"
mo_phong: true
mo_ta: "Bộ dữ liệu nhỏ cho kiểm thử"
dinh_dang_so: vi
"""


def write_xlsx(path: Path, headers: list[str], rows: list[list[Any]], sheet: str = "Sheet1") -> None:
    """Rows as an analyst's workbook: dates as date cells, numbers as numbers."""
    write_workbook(path, [(sheet, [list(headers), *rows])])


def write_csv(path: Path, headers: list[str], rows: list[list[Any]], sep: str = ",",
              bom: bool = False) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(headers)
    for row in rows:
        w.writerow(["" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v) for v in row])
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))


def make_dataset(root: Path, htx_rows: list[list[Any]] | None = None,
                 htx_headers: list[str] | None = None, tht_rows: list[list[Any]] | None = None,
                 tht_headers: list[str] | None = None, htx_format: str = "xlsx",
                 meta: str = META_YAML, targets: str = TARGETS_CSV, year: int = 2022) -> Path:
    """A valid small dataset (4 HTX rows in xlsx, 3 THT rows in csv) unless told otherwise."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "dataset.yaml").write_text(meta, encoding="utf-8")
    (root / "don_vi_hanh_chinh.csv").write_text(UNITS_CSV, encoding="utf-8")
    (root / "chi_tieu.csv").write_text(targets, encoding="utf-8")
    (root / "so_lieu_cong_bo.csv").write_text(PUBLISHED_CSV, encoding="utf-8")
    ydir = root / str(year)
    ydir.mkdir(exist_ok=True)
    hh = htx_headers or HTX_HEADERS
    hr = [list(r) for r in (htx_rows if htx_rows is not None else HTX_ROWS)]
    if htx_format == "xlsx":
        write_xlsx(ydir / "htx.xlsx", hh, hr)
    else:
        write_csv(ydir / "htx.csv", hh, hr)
    write_csv(ydir / "tht.csv", tht_headers or THT_HEADERS,
              [list(r) for r in (tht_rows if tht_rows is not None else THT_ROWS)])
    return root


def with_cell(rows: list[list[Any]], row: int, column: int, value: Any) -> list[list[Any]]:
    """A copy of rows with one cell changed (``row`` counted from 0 in the list)."""
    out = [list(r) for r in rows]
    out[row][column] = value
    return out


# ============================================================================ data contract v2
# A small merged province on the real geography (codes and names of the new Tỉnh Lào Cai,
# data/lao_cai and kttt/reference): three former districts of two former provinces, ten former
# communes, five new communes from 01/07/2025 — enough for the traps of the 2025 change:
#
# - codes reused with another meaning: 04750 is Xã Cảm Ân until 30/06/2025, Xã Bảo Ái after;
#   04585 Thị trấn Trạm Tấu, then Xã Hạnh Phúc;
# - one name for two units at one date: "Trạm Tấu" is Thị trấn Trạm Tấu and Xã Trạm Tấu in the
#   same district 139 (and the district itself); "Sa Pa" and "Sa Pả" are two wards of 088;
# - district 088's communes all go to one new unit (03006): a row with only its district can be
#   placed; district 139's go to two (04585, 04606): such a row cannot;
# - 04591 Xã Pá Lau ended without a crosswalk row; 04799 "Xã Thử Chia" (fictional) was split
#   0,5 / 0,5 between 04750 and 04726.

V2_META_YAML = """ten: "Tỉnh Lào Cai (thử nghiệm)"
ma_tinh: "15"
mo_phong: true
mo_ta: "Bộ dữ liệu nhỏ v2 cho kiểm thử: tỉnh hợp nhất, đơn vị có thời hạn"
dinh_dang_so: vi
hieu_luc_tu: "01/07/2025"
tinh_cu:
  - {ma: "10", ten: "Tỉnh Lào Cai"}
  - {ma: "15", ten: "Tỉnh Yên Bái"}
"""

V2_UNITS_CSV = """ma,ten,cap,ma_cha,ten_khac,hieu_luc_tu,hieu_luc_den
10,Tỉnh Lào Cai,tinh,,,,30/06/2025
15,Tỉnh Yên Bái,tinh,,,,30/06/2025
088,Thị xã Sa Pa,huyen,10,TX Sa Pa|TX. Sa Pa,,30/06/2025
139,Huyện Trạm Tấu,huyen,15,Trạm Tấu|H. Trạm Tấu,,30/06/2025
141,Huyện Yên Bình,huyen,15,Yên Bình|H. Yên Bình,,30/06/2025
03001,Phường Sa Pa,xa,088,,,30/06/2025
03002,Phường Sa Pả,xa,088,,,30/06/2025
03003,Phường Ô Quý Hồ,xa,088,,,30/06/2025
04585,Thị trấn Trạm Tấu,xa,139,,,30/06/2025
04588,Xã Túc Đán,xa,139,,,30/06/2025
04591,Xã Pá Lau,xa,139,,,30/06/2025
04600,Xã Trạm Tấu,xa,139,,,30/06/2025
04726,Xã Cảm Nhân,xa,141,,,30/06/2025
04738,Xã Bảo Ái,xa,141,,,30/06/2025
04750,Xã Cảm Ân,xa,141,,,30/06/2025
04799,Xã Thử Chia,xa,141,,,30/06/2025
03006,Phường Sa Pa,xa,,,01/07/2025,
04585,Xã Hạnh Phúc,xa,,,01/07/2025,
04606,Xã Trạm Tấu,xa,,,01/07/2025,
04726,Xã Cảm Nhân,xa,,,01/07/2025,
04750,Xã Bảo Ái,xa,,,01/07/2025,
"""

V2_CROSSWALK_CSV = """ma_cu,ma_moi,ngay_hieu_luc,ty_le,ghi_chu
03001,03006,01/07/2025,1,Nhập toàn bộ
03002,03006,01/07/2025,1,Nhập toàn bộ
03003,03006,01/07/2025,1,Nhập toàn bộ
04585,04585,01/07/2025,1,Nhập toàn bộ
04588,04606,01/07/2025,1,Nhập toàn bộ
04600,04606,01/07/2025,1,Nhập toàn bộ
04726,04726,01/07/2025,1,Giữ nguyên
04738,04750,01/07/2025,1,Nhập toàn bộ
04750,04750,01/07/2025,1,Nhập toàn bộ
04799,04750,01/07/2025,0.5,Nhập một phần
04799,04726,01/07/2025,0.5,Nhập một phần
"""

NEW_COMMUNES = ("03006", "04585", "04606", "04726", "04750")  # the areas of a year from 01/07/2025

DISTRICT_HEADER = "Huyện/Thị xã/Thành phố"
COMMUNE_HEADER = "Xã/Phường/Thị trấn"
NEW_COMMUNE_HEADER = "Xã/Phường/Đặc khu"

# HTX register with both administrative columns (a year before 1/7/2025)
V2_HTX_HEADERS = [*HTX_HEADERS[:4], COMMUNE_HEADER, *HTX_HEADERS[4:]]
# from 1/7/2025: the commune only
V2_HTX_HEADERS_NEW = [h if h != COMMUNE_HEADER else NEW_COMMUNE_HEADER for h in V2_HTX_HEADERS
                      if h != DISTRICT_HEADER]
V2_THT_HEADERS = [*THT_HEADERS[:3], COMMUNE_HEADER, *THT_HEADERS[3:]]
V2_THT_HEADERS_NEW = [h if h != COMMUNE_HEADER else NEW_COMMUNE_HEADER for h in V2_THT_HEADERS
                      if h != DISTRICT_HEADER]


def htx_row(code: str, name: str, district: Any = None, commune: Any = None, *, kind: str = "Hợp tác xã",
            sector: str = "Nông nghiệp", founded: Any = dt.date(2020, 1, 1), ended: Any = None,
            status: str = "Đang hoạt động", members: Any = 10, workers: Any = 5, capital: Any = 100,
            revenue: Any = 500, profit: Any = 50, income: Any = 60, rating: Any = "Khá", law: Any = "Có",
            managers: Any = 3, trained: Any = 2, ocop: Any = 0, note: Any = None,
            new: bool = False) -> list[Any]:
    """One HTX row in the order of :data:`V2_HTX_HEADERS` (``new``: of :data:`V2_HTX_HEADERS_NEW`,
    without the district)."""
    row = [code, name, kind, district, commune, sector, founded, ended, status, members, workers, capital,
           revenue, profit, income, rating, law, managers, trained, ocop, note]
    return [v for i, v in enumerate(row) if i != 3] if new else row


def tht_row(code: str, name: str, district: Any = None, commune: Any = None, *, sector: str = "Nông nghiệp",
            founded: Any = dt.date(2020, 1, 1), ended: Any = None, status: str = "Đang hoạt động",
            members: Any = 6, workers: Any = 3, revenue: Any = 200, profit: Any = 40, income: Any = 40,
            new: bool = False) -> list[Any]:
    """One THT row in the order of :data:`V2_THT_HEADERS` (``new``: without the district)."""
    row = [code, name, district, commune, sector, founded, ended, status, members, workers, revenue, profit,
           income]
    return [v for i, v in enumerate(row) if i != 2] if new else row


# 2024, two parts of the HTX register (by former province), every row with its district:
# a-c in 088 (c with no commune: placed through its district), d-f in 139 (f with no commune:
# cannot be placed), g-i in 141 (g names 04750 = Cảm Ân in 2024).
V2_HTX_2024_LC = [
    htx_row("1000000001", "HTX a Sa Pa", "Thị xã Sa Pa", "Phường Sa Pa"),
    htx_row("1000000002", "HTX b Sa Pả", "088", "Sa Pả", founded=dt.date(2024, 5, 1)),
    htx_row("1000000003", "HTX c chỉ ghi huyện", "TX Sa Pa", None),
]
V2_HTX_2024_YB = [
    htx_row("1500000004", "HTX d Thị trấn", "Huyện Trạm Tấu", "Thị trấn Trạm Tấu"),
    htx_row("1500000005", "HTX e Túc Đán", "139", "04588"),
    htx_row("1500000006", "HTX f chỉ ghi huyện", "Trạm Tấu", None),
    htx_row("1500000007", "HTX g Cảm Ân", "141", "04750"),
    htx_row("1500000008", "HTX h Bảo Ái", "Yên Bình", "Xã Bảo Ái"),
    htx_row("1500000009", "HTX i Cảm Nhân", "Yên Bình", "Cảm Nhân"),
]
V2_THT_2024 = [
    tht_row("THT-01", "THT Ô Quý Hồ", "088", "Phường Ô Quý Hồ"),
    tht_row("THT-02", "THT Túc Đán", "139", "Xã Túc Đán"),
]
# 2025, one register on the new communes; j names its former commune (converted, with a note)
V2_HTX_2025 = [
    htx_row("1000000001", "HTX a Sa Pa", commune="Phường Sa Pa", new=True),
    htx_row("1000000002", "HTX b Sa Pả", commune="03006", new=True, founded=dt.date(2024, 5, 1)),
    htx_row("1000000010", "HTX k mới 2025", commune="Sa Pa", new=True, founded=dt.date(2025, 8, 1)),
    htx_row("1500000004", "HTX d Thị trấn", commune="Xã Hạnh Phúc", new=True),
    htx_row("1500000005", "HTX e Túc Đán", commune="Trạm Tấu", new=True),
    htx_row("1500000007", "HTX g Cảm Ân", commune="04750", new=True),
    htx_row("1500000008", "HTX j tên xã cũ", commune="Xã Cảm Ân", new=True),
    htx_row("1500000009", "HTX i Cảm Nhân", commune="Cảm Nhân", new=True),
]
V2_THT_2025 = [
    tht_row("THT-01", "THT Ô Quý Hồ", commune="03006", new=True),
    tht_row("THT-02", "THT Túc Đán", commune="Xã Trạm Tấu", new=True),
]

Part = tuple[list[str], list[list[Any]]]  # (headers, rows) of one register file


def v2_years() -> dict[int, dict[str, Part]]:
    """The default years of :func:`make_v2_dataset`: file name → (headers, rows)."""
    return {
        2024: {"htx_lao_cai_cu.csv": (V2_HTX_HEADERS, V2_HTX_2024_LC),
               "htx_yen_bai_cu.xlsx": (V2_HTX_HEADERS, V2_HTX_2024_YB),
               "tht.csv": (V2_THT_HEADERS, V2_THT_2024)},
        2025: {"htx.xlsx": (V2_HTX_HEADERS_NEW, V2_HTX_2025),
               "tht.csv": (V2_THT_HEADERS_NEW, V2_THT_2025)},
    }


def write_part(path: Path, headers: list[str], rows: list[list[Any]], sheet: str = "Sheet1") -> None:
    """One register file, as .xlsx or .csv by its suffix."""
    if path.suffix == ".xlsx":
        write_xlsx(path, headers, [list(r) for r in rows], sheet=sheet)
    else:
        write_csv(path, headers, [list(r) for r in rows])


def make_v2_dataset(root: Path, years: dict[int, dict[str, Part]] | None = None, *,
                    meta: str = V2_META_YAML, units: str = V2_UNITS_CSV, crosswalk: str | None = V2_CROSSWALK_CSV,
                    targets: str | None = None, published: str | None = None,
                    nam: dict[int, str] | None = None) -> Path:
    """A valid small merged dataset (2024 in parts with districts, 2025 on the new communes)
    unless told otherwise: ``years`` maps a year to its files (name → headers, rows);
    ``nam`` a year to its ``nam.yaml`` text; ``crosswalk=None`` leaves the crosswalk out."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "dataset.yaml").write_text(meta, encoding="utf-8")
    (root / "don_vi_hanh_chinh.csv").write_text(units, encoding="utf-8")
    if crosswalk is not None:
        (root / "chuyen_doi_dvhc.csv").write_text(crosswalk, encoding="utf-8")
    if targets is not None:
        (root / "chi_tieu.csv").write_text(targets, encoding="utf-8")
    if published is not None:
        (root / "so_lieu_cong_bo.csv").write_text(published, encoding="utf-8")
    for year, files in (v2_years() if years is None else years).items():
        folder = root / str(year)
        folder.mkdir(exist_ok=True)
        for name, (headers, rows) in files.items():
            write_part(folder / name, headers, rows)
    for year, text in (nam or {}).items():
        (root / str(year)).mkdir(exist_ok=True)
        (root / str(year) / "nam.yaml").write_text(text, encoding="utf-8")
    return root


def replace_line(path: Path, old: str, new: str) -> None:
    """Change one line of a text file (``new`` may hold several lines, or be empty)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append_lines(path: Path, *lines: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in lines))


# ---------------------------------------------------------------------------- workbooks as analysts make them

def write_workbook(path: Path, sheets: list[tuple[str, list[list[Any]]]], *, active: int = 0,
                   hidden: tuple[str, ...] = (), merge: list[tuple[str, int, int, int, int, str]] = ()) -> None:
    """A workbook with several sheets of raw rows (row 0 = Excel row 1): dates as date cells,
    numbers as numbers, :class:`Formula` cells as formulas with their saved result (or none).

    ``active`` is the sheet selected when the file is opened, ``hidden`` names hidden sheets,
    ``merge`` merged ranges ``(sheet, first_row, first_col, last_row, last_col, text)``.
    """
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2025, 1, 1)})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    pages = {}
    for name, rows in sheets:
        ws = wb.add_worksheet(name)
        pages[name] = ws
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                _write_cell(ws, i, j, v, date_fmt)
        if name in hidden:
            ws.hide()
    for sheet, r1, c1, r2, c2, text in merge:
        pages[sheet].merge_range(r1, c1, r2, c2, text)
    list(pages.values())[active].activate()
    wb.close()


@dataclass(frozen=True)
class Formula:
    """A formula cell: ``result`` is what Excel saved (``#DIV/0!`` for an error cell; ``""`` for
    a formula never calculated, as files written by programs or saved without recalculation)."""

    formula: str
    result: Any = ""


def _write_cell(ws: Any, i: int, j: int, v: Any, date_fmt: Any) -> None:
    if v is None or (isinstance(v, str) and v == ""):
        return
    if isinstance(v, Formula):
        ws.write_formula(i, j, v.formula, None, v.result)
    elif isinstance(v, dt.datetime):
        ws.write_datetime(i, j, v, date_fmt)
    elif isinstance(v, dt.date):
        ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), date_fmt)
    elif isinstance(v, int | float) and not isinstance(v, bool):
        ws.write_number(i, j, v)
    else:
        ws.write_string(i, j, str(v))
