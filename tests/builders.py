"""Small datasets written to the data contract, for tests (the bad-input corpus mutates them)."""

from __future__ import annotations

import datetime as dt
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


def write_xlsx(path: Path, headers: list[str], rows: list[list[Any]]) -> None:
    """Rows as an analyst's workbook: dates as date cells, numbers as numbers."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2025, 1, 1)})
    ws = wb.add_worksheet("Sheet1")
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    for j, h in enumerate(headers):
        ws.write_string(0, j, h)
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), date_fmt)
            elif isinstance(v, int | float) and not isinstance(v, bool):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, str(v))
    wb.close()


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
