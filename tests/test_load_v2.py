"""kttt.load on data contract v2 (issues 8 and 12): dated units, the commune column, the
crosswalk, several register parts, nam.yaml, dataset.yaml v2, the sheet rule, the header row,
Excel's error cells — good input, and the bad-input corpus (second list, same :class:`Defect`).

The datasets are built by :func:`tests.builders.make_v2_dataset` (a small merged province on
the real codes of the new Tỉnh Lào Cai; its comment lists the traps it carries).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kttt.contract import MAX_MONEY, MAX_PEOPLE
from kttt.load import load_dataset
from tests.builders import (
    COMMUNE_HEADER,
    DISTRICT_HEADER,
    NEW_COMMUNE_HEADER,
    V2_HTX_2024_YB,
    V2_HTX_2025,
    V2_HTX_HEADERS,
    V2_HTX_HEADERS_NEW,
    V2_META_YAML,
    V2_THT_HEADERS,
    Formula,
    Part,
    append_lines,
    htx_row,
    make_v2_dataset,
    replace_line,
    v2_years,
    with_cell,
    write_workbook,
)
from tests.test_load import PINNED, Defect, assert_located, assert_pinned

YB = "2024/htx_yen_bai_cu.xlsx"  # the 2024 part of the former Yên Bái (rows d..i = Excel rows 2..7)
NEW = "2025/htx.xlsx"  # the 2025 register on the new communes (Excel rows 2..9)
UNITS = "don_vi_hanh_chinh.csv"
CROSSWALK = "chuyen_doi_dvhc.csv"
OLD_NAME, NEW_NAME = V2_HTX_HEADERS.index("Tên HTX"), V2_HTX_HEADERS_NEW.index("Tên HTX")


def only(*years: int) -> dict[int, dict[str, Part]]:
    """The default files of some years only (a defect rarely needs both)."""
    every = v2_years()
    return {y: dict(every[y]) for y in years}


def build(years: dict[int, dict[str, Part]] | None = None, **kw: Any) -> Callable[[Path], None]:
    return lambda root: make_v2_dataset(root, years, **kw) and None


def cell(year: int, file: str, row: int, header: str, value: Any) -> Callable[[Path], None]:
    """The default dataset of ``year`` with one cell of one file changed (``row`` as Excel shows it)."""
    def make(root: Path) -> None:
        years = only(year)
        headers, rows = years[year][file]
        years[year][file] = (headers, with_cell(rows, row - 2, headers.index(header), value))
        make_v2_dataset(root, years)
    return make


def cells(year: int, file: str, changes: list[tuple[int, str, Any]]) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        years = only(year)
        headers, rows = years[year][file]
        for row, header, value in changes:
            rows = with_cell(rows, row - 2, headers.index(header), value)
        years[year][file] = (headers, rows)
        make_v2_dataset(root, years)
    return make


def edit(rel: str, old: str, new: str, years: tuple[int, ...] = (2024,)) -> Callable[[Path], None]:
    """The default dataset with one line of a key file replaced."""
    def make(root: Path) -> None:
        make_v2_dataset(root, only(*years))
        replace_line(root / rel, old, new)
    return make


def append(rel: str, *lines: str, years: tuple[int, ...] = (2024,)) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        make_v2_dataset(root, only(*years))
        append_lines(root / rel, *lines)
    return make


def without_column(year: int, file: str, header: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        years = only(year)
        headers, rows = years[year][file]
        j = headers.index(header)
        years[year][file] = ([h for i, h in enumerate(headers) if i != j],
                             [[v for i, v in enumerate(r) if i != j] for r in rows])
        make_v2_dataset(root, years)
    return make


def files(year: int, extra: dict[str, Part], drop: tuple[str, ...] = (), nam: str | None = None
          ) -> Callable[[Path], None]:
    """The default year with files added (name → headers, rows) or left out."""
    def make(root: Path) -> None:
        years = only(year)
        for name in drop:
            del years[year][name]
        years[year].update(extra)
        make_v2_dataset(root, years, nam={year: nam} if nam is not None else None)
    return make


def workbook(year: int, name: str, sheets: list[tuple[str, list[list[Any]]]], **kw: Any) -> Callable[[Path], None]:
    """The default year with one register part replaced by a hand-made workbook."""
    def make(root: Path) -> None:
        years = only(year)
        years[year].pop(name, None)
        make_v2_dataset(root, years)
        write_workbook(root / str(year) / name, sheets, **kw)
    return make


def meta(text: str) -> Callable[[Path], None]:
    return lambda root: make_v2_dataset(root, only(2024), meta=text) and None


def nam(year: int, text: str) -> Callable[[Path], None]:
    return lambda root: make_v2_dataset(root, only(year), nam={year: text}) and None


def yb_rows(*changes: tuple[int, str, Any]) -> list[list[Any]]:
    """The 2024 former-Yên-Bái rows with cells changed: (Excel row, header, value)."""
    rows = [list(r) for r in V2_HTX_2024_YB]
    for row, header, value in changes:
        rows[row - 2][V2_HTX_HEADERS.index(header)] = value
    return rows


def yb_sheet(*changes: tuple[int, str, Any]) -> list[list[Any]]:
    return [list(V2_HTX_HEADERS), *yb_rows(*changes)]


def excel_error(header: str, code: str) -> Callable[[Path], None]:
    """An Excel error cell (a formula whose saved result is the error) in row 3 of the 2024 part."""
    return workbook(2024, "htx_yen_bai_cu.xlsx", [("Sheet1", yb_sheet((3, header, Formula("=1/0", code))))])


TITLE_BLOCK = [["ỦY BAN NHÂN DÂN TỈNH YÊN BÁI"], ["DANH SÁCH HỢP TÁC XÃ NĂM 2024"], []]
NUMBERING = [[f"({i})" for i in range(1, len(V2_HTX_HEADERS) + 1)]]
INSTRUCTIONS = [["Hướng dẫn nhập liệu"], ["Mỗi dòng là một HTX; ngày ghi dd/mm/yyyy."]]
LAST_YEAR = [list(V2_HTX_HEADERS), htx_row("1500000099", "HTX năm ngoái", "139", "04588")]
ERR = 3  # the row (as Excel shows it, below a one-row header) where workbook defects put a bad cell


def _two_sheets_none_named(root: Path) -> None:
    make_v2_dataset(root, only(2024))
    write_workbook(root / "2024" / "htx_yen_bai_cu.xlsx", [("Sheet1", INSTRUCTIONS), ("Sheet2", yb_sheet())])


# ----------------------------------------------------------------------------- the corpus (v2)

DEFECTS_V2 = [
    # --- don_vi_hanh_chinh.csv: dated units with parents (header = row 1; 04750 Cảm Ân = row 16)
    Defect("mã đơn vị dùng lại trong thời gian trùng nhau", append(UNITS, "04750,Xã Khác,xa,141,,01/06/2025,"),
           UNITS, 23, "ma", "trung_ma", says=("dòng 16",)),
    Defect("mã đơn vị cấp trên lạ", append(UNITS, "04998,Xã Lạ,xa,199,,,30/06/2025"),
           UNITS, 23, "ma_cha", "ma_cha_la"),
    Defect("mã cấp trên chỉ có ở thời kỳ khác", append(UNITS, "04997,Xã Sau,xa,141,,01/07/2025,"),
           UNITS, 23, "ma_cha", "ma_cha_la"),
    Defect("cấp đơn vị lạ (v2)", edit(UNITS, "04591,Xã Pá Lau,xa,", "04591,Xã Pá Lau,thon,"),
           UNITS, 12, "cap", "gia_tri_khong_hop_le"),
    Defect("hết hiệu lực trước khi có hiệu lực", edit(UNITS, "03006,Phường Sa Pa,xa,,,01/07/2025,",
                                                      "03006,Phường Sa Pa,xa,,,01/07/2025,30/06/2025"),
           UNITS, 18, "hieu_luc_den", "ngay_hieu_luc_nguoc"),
    Defect("ngày hiệu lực không đọc được", edit(UNITS, "04606,Xã Trạm Tấu,xa,,,01/07/2025,",
                                                "04606,Xã Trạm Tấu,xa,,,1/7/25,"),
           UNITS, 20, "hieu_luc_tu", "ngay_khong_doc_duoc"),
    # --- chuyen_doi_dvhc.csv (header = row 1; 04799 split = rows 11 and 12)
    Defect("tổng tỷ lệ của đơn vị cũ khác 1", edit(CROSSWALK, "04799,04726,01/07/2025,0.5", "04799,04726,01/07/2025,0.4"),
           CROSSWALK, 11, "ty_le", "tong_ty_le_sai", says=("0,9", "04799", "11, 12")),
    Defect("mã cũ không còn hiệu lực ngày trước", append(CROSSWALK, "03006,04750,01/07/2025,1,"),
           CROSSWALK, 13, "ma_cu", "don_vi_la", says=("30/06/2025",)),
    Defect("mã mới chưa có hiệu lực tại ngày", append(CROSSWALK, "04591,03001,01/07/2025,1,"),
           CROSSWALK, 13, "ma_moi", "don_vi_la", says=("01/07/2025",)),
    Defect("dòng chuyển đổi trùng", append(CROSSWALK, "03001,03006,01/07/2025,1,"),
           CROSSWALK, 13, "ma_moi", "trung_dong"),
    Defect("tỷ lệ ngoài (0, 1]", edit(CROSSWALK, "04799,04726,01/07/2025,0.5", "04799,04726,01/07/2025,1.5"),
           CROSSWALK, 12, "ty_le", "ty_le_sai"),
    Defect("tỷ lệ bằng 0", edit(CROSSWALK, "04799,04726,01/07/2025,0.5", "04799,04726,01/07/2025,0"),
           CROSSWALK, 12, "ty_le", "ty_le_sai"),
    Defect("tỷ lệ không phải số", edit(CROSSWALK, "04799,04726,01/07/2025,0.5", "04799,04726,01/07/2025,nửa"),
           CROSSWALK, 12, "ty_le", "khong_phai_so"),
    Defect("thiếu ngày hiệu lực chuyển đổi", edit(CROSSWALK, "03003,03006,01/07/2025", "03003,03006,"),
           CROSSWALK, 4, "ngay_hieu_luc", "thieu_gia_tri"),
    # --- the administrative columns of a register
    Defect("xã không thuộc huyện của dòng", cell(2024, "htx_yen_bai_cu.xlsx", 3, COMMUNE_HEADER, "Xã Bảo Ái"),
           YB, 3, COMMUNE_HEADER, "xa_khong_thuoc_huyen", sheet="Sheet1", says=("Huyện Trạm Tấu",)),
    Defect("tên xã ứng với hai đơn vị cùng huyện", cell(2024, "htx_yen_bai_cu.xlsx", 3, COMMUNE_HEADER, "Trạm Tấu"),
           YB, 3, COMMUNE_HEADER, "don_vi_mo_ho", sheet="Sheet1",
           says=("Thị trấn Trạm Tấu (04585", "Xã Trạm Tấu (04600")),
    Defect("tên không dấu ứng với hai phường", cell(2024, "htx_lao_cai_cu.csv", 2, COMMUNE_HEADER, "Sa Pá"),
           "2024/htx_lao_cai_cu.csv", 2, COMMUNE_HEADER, "don_vi_mo_ho", says=("Phường Sa Pa", "Phường Sa Pả")),
    Defect("đơn vị chưa có hiệu lực tại ngày số liệu", cell(2024, "htx_yen_bai_cu.xlsx", 2, COMMUNE_HEADER, "Xã Hạnh Phúc"),
           YB, 2, COMMUNE_HEADER, "don_vi_chua_hieu_luc", sheet="Sheet1", says=("01/07/2025", "31/12/2024")),
    Defect("đơn vị cũ không có dòng chuyển đổi", cell(2025, "htx.xlsx", 6, NEW_COMMUNE_HEADER, "Xã Pá Lau"),
           NEW, 6, NEW_COMMUNE_HEADER, "don_vi_het_hieu_luc", sheet="Sheet1", says=("chuyen_doi_dvhc.csv",)),
    Defect("đơn vị cũ bị chia ghi trong sổ sau 1/7/2025", cell(2025, "htx.xlsx", 7, NEW_COMMUNE_HEADER, "Xã Thử Chia"),
           NEW, 7, NEW_COMMUNE_HEADER, "don_vi_cu_bi_chia", sheet="Sheet1", says=("Xã Bảo Ái", "Xã Cảm Nhân")),
    Defect("huyện cũ ghi trong cột xã sau 1/7/2025", cell(2025, "htx.xlsx", 2, NEW_COMMUNE_HEADER, "Huyện Yên Bình"),
           NEW, 2, NEW_COMMUNE_HEADER, "don_vi_la", sheet="Sheet1"),
    Defect("thiếu cột xã năm 2025", without_column(2025, "htx.xlsx", NEW_COMMUNE_HEADER),
           NEW, 1, NEW_COMMUNE_HEADER, "thieu_cot", sheet="Sheet1", says=("01/07/2025", "31/12/2025")),
    Defect("ô xã trống sau 1/7/2025", cell(2025, "htx.xlsx", 4, NEW_COMMUNE_HEADER, None),
           NEW, 4, NEW_COMMUNE_HEADER, "thieu_gia_tri", sheet="Sheet1"),
    Defect("ô huyện trống trước 1/7/2025", cell(2024, "htx_yen_bai_cu.xlsx", 5, DISTRICT_HEADER, None),
           YB, 5, DISTRICT_HEADER, "thieu_gia_tri", sheet="Sheet1"),
    Defect("thiếu cột huyện năm 2024", without_column(2024, "tht.csv", DISTRICT_HEADER),
           "2024/tht.csv", 1, DISTRICT_HEADER, "thieu_cot"),
    # --- several parts a year; file names
    Defect("trùng mã giữa hai tệp của sổ", files(2024, {
        "htx_a.xlsx": (V2_HTX_HEADERS, V2_HTX_2024_YB),
        "htx_b.csv": (V2_HTX_HEADERS, [htx_row("1000000001", "HTX a", "088", "03001"),
                                        htx_row("1500000008", "HTX trùng mã", "141", "04738")])},
        drop=("htx_lao_cai_cu.csv", "htx_yen_bai_cu.xlsx")),
        "2024/htx_b.csv", 3, "Mã HTX", "trung_ma", says=("2024/htx_a.xlsx dòng 6",)),
    Defect("trùng mã giữa hai tệp, tệp sau là Excel", files(2024, {
        "htx_a.csv": (V2_HTX_HEADERS, [htx_row("1500000008", "HTX trùng mã", "141", "04738")]),
        "htx_b.xlsx": (V2_HTX_HEADERS, V2_HTX_2024_YB)}, drop=("htx_lao_cai_cu.csv", "htx_yen_bai_cu.xlsx")),
        "2024/htx_b.xlsx", 6, "Mã HTX", "trung_ma", sheet="Sheet1", says=("2024/htx_a.csv dòng 2",)),
    Defect("cả csv và xlsx của một phần", files(2024, {"htx_yen_bai_cu.csv": (V2_HTX_HEADERS, V2_HTX_2024_YB)}),
           "2024/htx_yen_bai_cu.*", None, None, "hai_tep_cung_so"),
    Defect("tên tệp không ứng với sổ nào", files(2024, {"hop_tac_xa_2024.xlsx": (V2_HTX_HEADERS, V2_HTX_2024_YB)}),
           "2024/hop_tac_xa_2024.xlsx", None, None, "ten_tep_la", says=("htx.xlsx", "«tht»")),
    Defect("tên tệp ods lạ", files(2024, {"bao_cao.ods": (["x"], [])}),
           "2024/bao_cao.ods", None, None, "ten_tep_la"),
    Defect("sổ chỉ có tiêu đề", files(2025, {"htx.xlsx": (V2_HTX_HEADERS_NEW, [])}),
           NEW, None, None, "so_rong", sheet="Sheet1", says=("khong_co_so: [htx]",)),
    Defect("sổ THT csv chỉ có tiêu đề", files(2024, {"tht.csv": (V2_THT_HEADERS, [])}),
           "2024/tht.csv", None, None, "so_rong"),
    Defect("tệp .xlsx 0 byte", lambda root: (make_v2_dataset(root, only(2025)),
                                               (root / "2025" / "htx.xlsx").write_bytes(b"")) and None,
           NEW, None, None, "excel_hong", says=("0 byte",)),
    # --- nam.yaml
    Defect("ngày số liệu ngoài năm", nam(2025, 'ngay_so_lieu: "30/11/2024"\n'),
           "2025/nam.yaml", None, "ngay_so_lieu", "gia_tri_khong_hop_le", says=("30/11/2024", "2025")),
    Defect("ngày số liệu không đọc được", nam(2025, 'ngay_so_lieu: "30.11.2025"\n'),
           "2025/nam.yaml", None, "ngay_so_lieu", "ngay_khong_doc_duoc"),
    Defect("trạng thái năm lạ", nam(2025, "trang_thai: tam_tinh\n"),
           "2025/nam.yaml", None, "trang_thai", "gia_tri_khong_hop_le", says=("chinh_thuc", "uoc", "tam_tinh")),
    Defect("khong_co_so lạ", nam(2025, "khong_co_so: [qtdnd]\n"),
           "2025/nam.yaml", None, "khong_co_so", "gia_tri_khong_hop_le"),
    Defect("khong_co_so không phải danh sách", nam(2025, "khong_co_so: {htx: true}\n"),
           "2025/nam.yaml", None, "khong_co_so", "gia_tri_khong_hop_le"),
    Defect("nam.yaml sai cú pháp", nam(2025, "ngay_so_lieu: [30/11/2025\n"),
           "2025/nam.yaml", None, None, "yaml_hong"),
    # --- dataset.yaml v2
    Defect("ten là số", meta(V2_META_YAML.replace('ten: "Tỉnh Lào Cai (thử nghiệm)"', "ten: 123")),
           "dataset.yaml", None, "ten", "gia_tri_khong_hop_le", says=("chuỗi",)),
    Defect("ten là danh sách", meta(V2_META_YAML.replace('ten: "Tỉnh Lào Cai (thử nghiệm)"', "ten: [a]")),
           "dataset.yaml", None, "ten", "gia_tri_khong_hop_le"),
    Defect("tinh_cu mà không có hieu_luc_tu", meta(V2_META_YAML.replace('hieu_luc_tu: "01/07/2025"\n', "")),
           "dataset.yaml", None, "hieu_luc_tu", "thieu_khoa", says=("tinh_cu",)),
    Defect("tinh_cu không phải danh sách", meta(V2_META_YAML.replace(
        'tinh_cu:\n  - {ma: "10", ten: "Tỉnh Lào Cai"}\n  - {ma: "15", ten: "Tỉnh Yên Bái"}\n', 'tinh_cu: "10, 15"\n')),
        "dataset.yaml", None, "tinh_cu", "gia_tri_khong_hop_le"),
    Defect("hieu_luc_tu không đọc được", meta(V2_META_YAML.replace('"01/07/2025"', '"1 tháng 7"')),
           "dataset.yaml", None, "hieu_luc_tu", "ngay_khong_doc_duoc"),
    Defect("co_quan không phải chữ", meta(V2_META_YAML + "co_quan: [UBND]\n"),
           "dataset.yaml", None, "co_quan", "gia_tri_khong_hop_le"),
    # --- chi_tieu.csv v2
    Defect("gia_dinh không phải có/không", build(only(2025), targets=(
        "nam,ma_chi_tieu,gia_tri,so_sanh,nguon,gia_dinh\n2025,htx_thanh_lap_moi,80,>=,KH,có lẽ\n")),
        "chi_tieu.csv", 2, "gia_dinh", "khong_phai_co_khong"),
    # --- Excel cells without a usable value (issue 12 item 4)
    *[Defect(f"ô lỗi {code} ở cột số", excel_error("Số thành viên", code), YB, ERR, "Số thành viên", "o_loi_excel",
             sheet="Sheet1", says=(code,)) for code in ("#DIV/0!", "#N/A", "#REF!", "#VALUE!")],
    *[Defect(f"ô lỗi {code} ở cột tên", excel_error("Tên HTX", code), YB, ERR, "Tên HTX", "o_loi_excel",
             sheet="Sheet1", says=(code,)) for code in ("#DIV/0!", "#N/A", "#REF!", "#VALUE!")],
    Defect("ô lỗi ở cột xã", excel_error(COMMUNE_HEADER, "#N/A"), YB, ERR, COMMUNE_HEADER, "o_loi_excel", sheet="Sheet1"),
    Defect("ô lỗi ở cột ngày", excel_error("Ngày thành lập", "#VALUE!"), YB, ERR, "Ngày thành lập", "o_loi_excel",
           sheet="Sheet1"),
    Defect("ô lỗi ở cột lĩnh vực", excel_error("Lĩnh vực", "#REF!"), YB, ERR, "Lĩnh vực", "o_loi_excel", sheet="Sheet1"),
    Defect("ô lỗi ở cột có/không", excel_error("Tổ chức, hoạt động theo Luật HTX", "#N/A"), YB, ERR,
           "Tổ chức, hoạt động theo Luật HTX", "o_loi_excel", sheet="Sheet1"),
    Defect("công thức chưa có giá trị ở cột số", workbook(2024, "htx_yen_bai_cu.xlsx", [
        ("Sheet1", yb_sheet((ERR, "Số thành viên", Formula("=K3*2", ""))))]),
        YB, ERR, "Số thành viên", "cong_thuc_chua_tinh", sheet="Sheet1"),
    Defect("công thức chưa có giá trị ở cột tên", workbook(2024, "htx_yen_bai_cu.xlsx", [
        ("Sheet1", yb_sheet((ERR, "Tên HTX", Formula('="HTX "&A3', ""))))]),
        YB, ERR, "Tên HTX", "cong_thuc_chua_tinh", sheet="Sheet1"),
    # --- which sheet (issue 12 item 1)
    Defect("hai trang không tên sổ, trang đang chọn không có tiêu đề", _two_sheets_none_named,
           YB, None, None, "khong_ro_trang", says=("«Sheet1»", "«Sheet2»", "«HTX 2024»")),
    Defect("hai trang cùng đặt tên sổ và năm", workbook(2024, "htx_yen_bai_cu.xlsx", [
        ("HTX 2024", yb_sheet()), ("Sổ HTX năm 2024", yb_sheet())]),
        YB, None, None, "nhieu_trang", says=("«HTX 2024»", "«Sổ HTX năm 2024»")),
    Defect("chỉ trang ẩn có dữ liệu", workbook(2024, "htx_yen_bai_cu.xlsx", [
        ("Dữ liệu", yb_sheet()), ("Hướng dẫn", INSTRUCTIONS)], hidden=("Dữ liệu",), active=1),
        YB, 1, "Mã HTX", "thieu_cot", sheet="Hướng dẫn"),
    # --- the header row below a title block: rows counted as Excel shows them
    Defect("lỗi dưới khối tiêu đề 3 dòng", workbook(2024, "htx_yen_bai_cu.xlsx", [
        ("Sheet1", [*TITLE_BLOCK, *yb_sheet((2, "Số thành viên", -4))])]),
        YB, 5, "Số thành viên", "so_am", sheet="Sheet1"),
    Defect("lỗi dưới dòng đánh số cột", workbook(2024, "htx_yen_bai_cu.xlsx", [
        ("Sheet1", [*TITLE_BLOCK, list(V2_HTX_HEADERS), *NUMBERING, *yb_rows((2, "Ngày thành lập", "31/02/2024"))])]),
        YB, 6, "Ngày thành lập", "ngay_khong_ton_tai", sheet="Sheet1"),
    # --- implausible values (issue 12 item 8)
    Defect("ngày 31/12/9999 (ô ngày)", cell(2024, "htx_yen_bai_cu.xlsx", 4, "Ngày thành lập", dt.date(9999, 12, 31)),
           YB, 4, "Ngày thành lập", "ngay_ngoai_khoang", sheet="Sheet1"),
    Defect("ngày 31/12/9999 (chữ)", cell(2024, "htx_lao_cai_cu.csv", 3, "Ngày giải thể", "31/12/9999"),
           "2024/htx_lao_cai_cu.csv", 3, "Ngày giải thể", "ngay_ngoai_khoang"),
    Defect("ngày 01/01/0001 (chữ)", cell(2024, "htx_lao_cai_cu.csv", 2, "Ngày thành lập", "01/01/0001"),
           "2024/htx_lao_cai_cu.csv", 2, "Ngày thành lập", "ngay_ngoai_khoang"),
    Defect("ngày 0001-01-01 (chữ, dạng ISO)", cell(2024, "htx_yen_bai_cu.xlsx", 2, "Ngày thành lập", "0001-01-01"),
           YB, 2, "Ngày thành lập", "ngay_ngoai_khoang", sheet="Sheet1"),
    # Excel cannot hold a date before 1900: xlsxwriter writes a negative serial, calamine reads a time
    Defect("ngày 01/01/0001 (ô ngày)", cell(2024, "htx_yen_bai_cu.xlsx", 2, "Ngày thành lập", dt.date(1, 1, 1)),
           YB, 2, "Ngày thành lập", "ngay_khong_doc_duoc", sheet="Sheet1"),
    Defect("1e308 thành viên", cell(2024, "htx_yen_bai_cu.xlsx", 2, "Số thành viên", 1e308),
           YB, 2, "Số thành viên", "vuot_gioi_han", sheet="Sheet1", says=(f"{MAX_PEOPLE:,}".replace(",", "."),)),
    Defect("9e18 thành viên", cell(2024, "htx_yen_bai_cu.xlsx", 3, "Số thành viên", 9e18),
           YB, 3, "Số thành viên", "vuot_gioi_han", sheet="Sheet1"),
    Defect("9e18 lao động (chữ số trong CSV)", cell(2024, "htx_lao_cai_cu.csv", 4, "Số lao động thường xuyên",
                                                    "9000000000000000000"),
           "2024/htx_lao_cai_cu.csv", 4, "Số lao động thường xuyên", "vuot_gioi_han"),
    Defect("1e308 doanh thu", cell(2024, "htx_yen_bai_cu.xlsx", 4, "Doanh thu (triệu đồng)", 1e308),
           YB, 4, "Doanh thu (triệu đồng)", "vuot_gioi_han", sheet="Sheet1",
           says=(f"{MAX_MONEY:,}".replace(",", "."),)),
    Defect("lỗ 1e308", cell(2024, "htx_yen_bai_cu.xlsx", 4, "Lợi nhuận (triệu đồng)", -1e308),
           YB, 4, "Lợi nhuận (triệu đồng)", "vuot_gioi_han", sheet="Sheet1"),
    Defect("thành viên vô hạn", cell(2024, "htx_yen_bai_cu.xlsx", 4, "Số thành viên", "inf"),
           YB, 4, "Số thành viên", "khong_phai_so", sheet="Sheet1"),
    # --- the same code written twice in ways that look different (issue 12 item 12)
    Defect("cùng mã dạng NFC và NFD", cells(2024, "htx_yen_bai_cu.xlsx", [
        (2, "Mã HTX", "HTX-Tiến-01"), (6, "Mã HTX", unicodedata.normalize("NFD", "HTX-Tiến-01"))]),
        YB, 6, "Mã HTX", "trung_ma", sheet="Sheet1", says=("dòng 2",)),
    Defect("cùng mã có ký tự rộng 0", cell(2024, "htx_yen_bai_cu.xlsx", 7, "Mã HTX", "15000\u200b00004"),
           YB, 7, "Mã HTX", "trung_ma", sheet="Sheet1", says=("dòng 2",)),
    Defect("cùng mã có khoảng trắng không ngắt", cell(2024, "htx_yen_bai_cu.xlsx", 7, "Mã HTX", "1500000004\u00a0"),
           YB, 7, "Mã HTX", "trung_ma", sheet="Sheet1"),
]

# Problems that are not errors but must be said, located like the errors.
WARNINGS_V2 = [
    Defect("cột có dữ liệu không có tiêu đề", workbook(2024, "htx_yen_bai_cu.xlsx", [
        ("Sheet1", [[*V2_HTX_HEADERS, None], *[[*r, 7] for r in V2_HTX_2024_YB]])]),
        YB, 1, f"cột {chr(65 + len(V2_HTX_HEADERS))}", "cot_khong_tieu_de", sheet="Sheet1", severity="canh_bao",
        says=("6 dòng", "không được dùng")),
    *[Defect(f"cột có dữ liệu, ô tiêu đề {what}", workbook(2024, "htx_yen_bai_cu.xlsx", [
        ("Sheet1", [[*V2_HTX_HEADERS, header], *[[*r, 7] for r in V2_HTX_2024_YB]])]),
        YB, 1, f"cột {chr(65 + len(V2_HTX_HEADERS))}", "cot_khong_tieu_de", sheet="Sheet1", severity="canh_bao",
        says=("6 dòng",)) for what, header in (("là ô lỗi", Formula("=#REF!", "#REF!")),
                                               ("là công thức chưa tính", Formula('="Ghi chú"', "")))],
    Defect("tiêu đề gần giống cột của hợp đồng", workbook(2024, "htx_yen_bai_cu.xlsx", [
        ("Sheet1", [[h if h != "Doanh thu (triệu đồng)" else "Doanh thu năm (triệu đồng)" for h in V2_HTX_HEADERS],
                    *V2_HTX_2024_YB])]),
        YB, 1, "Doanh thu năm (triệu đồng)", "cot_khong_dung", sheet="Sheet1", severity="canh_bao",
        says=("không được dùng", "«Doanh thu»")),
    Defect("mã dạng số mất số 0 ở đầu", workbook(2024, "htx_yen_bai_cu.xlsx", [
        ("Sheet1", yb_sheet(*[(r, "Mã HTX", f"0{r}00000000") for r in range(2, 7)], (7, "Mã HTX", 700000000)))]),
        YB, 7, "Mã HTX", "ma_mat_so_0", sheet="Sheet1", severity="canh_bao", says=("10 chữ số",)),
    Defect("mã xã gõ dạng số 4750", cell(2024, "htx_yen_bai_cu.xlsx", 5, COMMUNE_HEADER, 4750),
           YB, 5, COMMUNE_HEADER, "ma_mat_so_0", sheet="Sheet1", severity="canh_bao", says=("04750",)),
    Defect("mã huyện gõ dạng số 88", cell(2024, "htx_lao_cai_cu.csv", 3, DISTRICT_HEADER, "88"),
           "2024/htx_lao_cai_cu.csv", 3, DISTRICT_HEADER, "ma_mat_so_0", severity="canh_bao", says=("088",)),
    Defect("đơn vị cũ được đổi sang đơn vị mới", build(only(2025)),
           NEW, 8, NEW_COMMUNE_HEADER, "doi_don_vi", sheet="Sheet1", severity="thong_bao",
           says=("Xã Cảm Ân (04750, đến 30/06/2025) → Xã Bảo Ái (04750)",)),
    Defect("thành lập sau ngày số liệu năm ước", lambda root: make_v2_dataset(
        root, {2026: {"htx.xlsx": (V2_HTX_HEADERS_NEW, with_cell(V2_HTX_2025, 0, V2_HTX_HEADERS_NEW.index(
            "Ngày thành lập"), dt.date(2026, 12, 5)))}}, nam={2026: 'ngay_so_lieu: "30/11/2026"\ntrang_thai: uoc\n'})
        and None, "2026/htx.xlsx", 2, "Ngày thành lập", "thanh_lap_sau_nam", sheet="Sheet1", severity="canh_bao",
        says=("30/11/2026",)),
    Defect("khóa lạ trong nam.yaml", nam(2025, "trang_thai: chinh_thuc\nghi_chu: thử\n"),
           "2025/nam.yaml", None, "ghi_chu", "khoa_la", severity="canh_bao"),
    Defect("mã chỉ tiêu ngoài danh mục trong số liệu công bố", build(only(2025), published=(
        "nam,ma_chi_tieu,gia_tri,trang_thai_so_lieu,ngay_cong_bo,nguon,dia_ban\n"
        "2025,htx_khong_hoat_dong,12,uoc,2025-10-01,Báo Lào Cai,toan_tinh\n")),
        "so_lieu_cong_bo.csv", 2, "ma_chi_tieu", "ma_chi_tieu_ngoai_danh_muc", severity="thong_bao"),
    Defect("năm không có sổ THT", files(2025, {}, drop=("tht.csv",)),
           "2025/tht.xlsx", None, None, "thieu_so", severity="canh_bao", says=("khong_co_so: [tht]",)),
]

V2_CORPUS = DEFECTS_V2 + WARNINGS_V2


def test_the_v2_corpus_is_large_and_named_once() -> None:
    from tests.test_load import DEFECTS

    names = [d.name for d in DEFECTS + V2_CORPUS]
    assert len(names) == len(set(names))
    assert len({d.code for d in V2_CORPUS}) >= 30
    assert len(DEFECTS_V2) >= 60


@pytest.mark.parametrize("defect", V2_CORPUS, ids=[d.name for d in V2_CORPUS])
def test_bad_v2_input_is_located(tmp_path: Path, defect: Defect, request: pytest.FixtureRequest) -> None:
    root = tmp_path / "ds"
    defect.build(root)
    ds = load_dataset(root)
    assert_located(ds, defect)
    assert_pinned(ds, defect, request.config.getoption("--update-corpus"))


# ----------------------------------------------------------------------------- good input (v2)

@pytest.fixture(scope="module")
def v2(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a Dataset
    ds = load_dataset(make_v2_dataset(tmp_path_factory.mktemp("v2") / "ds"))
    assert ds.ok, [p.message() for p in ds.errors]
    return ds


def _by_code(ds, year: int, kind: str = "htx") -> dict[str, dict[str, Any]]:  # noqa: ANN001
    frame = ds.register(kind, year)
    code = "ma_htx" if kind == "htx" else "ma_tht"
    return {r[code]: r for r in frame.to_dict(orient="records")}


def test_v2_dataset_loads_with_parts_and_row_accounting(v2) -> None:  # noqa: ANN001
    files = {f.file: f for f in v2.files}
    assert set(files) == {"don_vi_hanh_chinh.csv", "chuyen_doi_dvhc.csv", "2024/htx_lao_cai_cu.csv",
                          "2024/htx_yen_bai_cu.xlsx", "2024/tht.csv", "2025/htx.xlsx", "2025/tht.csv"}
    assert [(f.rows_read, f.rows_accepted) for f in files.values()] == [(21, 21), (11, 11), (3, 3), (6, 6), (2, 2),
                                                                        (8, 8), (2, 2)]
    assert files["2024/htx_yen_bai_cu.xlsx"].sheet == "Sheet1" and files["2024/htx_lao_cai_cu.csv"].sheet is None
    # only the converted former commune is said (a note, not an error)
    assert [(p.code, p.file, p.row) for p in v2.problems] == [("doi_don_vi", NEW, 8)]
    htx = v2.register("htx", 2024)
    assert sorted(set(htx["_tep"])) == ["2024/htx_lao_cai_cu.csv", "2024/htx_yen_bai_cu.xlsx"]
    assert len(v2.register("htx", 2025)) == 8 and len(v2.register("tht", 2025)) == 2


def test_v2_meta_keys(v2) -> None:  # noqa: ANN001
    m = v2.meta
    assert m.hieu_luc_tu == dt.date(2025, 7, 1)
    assert [(p.ma, p.ten) for p in m.tinh_cu] == [("10", "Tỉnh Lào Cai"), ("15", "Tỉnh Yên Bái")]
    assert v2.data_date(2024) == dt.date(2024, 12, 31) and v2.year_label(2025) == "năm 2025"


def test_units_resolve_by_code_name_other_name_and_date(v2) -> None:  # noqa: ANN001
    old, new = _by_code(v2, 2024), _by_code(v2, 2025)
    # 2024: district by name / code / other name; commune by full name, short name, code
    assert [(old[c]["don_vi"], old[c]["xa"]) for c in ("1000000001", "1000000002", "1000000003")] == [
        ("088", "03001"), ("088", "03002"), ("088", None)]
    assert old["1500000005"]["xa"] == "04588" and old["1500000007"]["xa"] == "04750"  # 04750 = Cảm Ân in 2024
    assert old["1500000008"]["xa"] == "04738"  # "Xã Bảo Ái" in 2024 is the former Bảo Ái
    # 2025: "Xã Bảo Ái" and "04750" are the new Bảo Ái; "Trạm Tấu" is the one Trạm Tấu valid then
    assert new["1500000007"]["xa"] == "04750" and new["1500000005"]["xa"] == "04606"
    assert new["1000000010"]["xa"] == "03006"  # "Sa Pa" on 31/12/2025: the new ward
    assert new["1500000004"]["xa"] == "04585"  # Xã Hạnh Phúc reuses Thị trấn Trạm Tấu's code


def test_sa_pa_and_sa_pa_with_a_hook_are_two_wards_not_an_ambiguity(tmp_path: Path) -> None:
    rows = [htx_row(f"10000000{i:02d}", f"HTX {i}", "088", name)
            for i, name in enumerate(["Sa Pa", "Sa Pả", "SA PẢ", "Phường Sa Pả", "sa pa", "Sa Pa"])]
    root = make_v2_dataset(tmp_path / "ds", {2024: {"htx.csv": (V2_HTX_HEADERS, rows)}})
    ds = load_dataset(root)
    assert [p.code for p in ds.problems if p.code != "thieu_so"] == []
    assert list(ds.register("htx", 2024)["xa"]) == ["03001", "03002", "03002", "03002", "03001", "03001"]


def test_a_name_typed_without_its_hook_is_ambiguous_and_says_both(tmp_path: Path) -> None:
    rows = [htx_row("1000000001", "HTX 1", "088", "Sa Pả"), htx_row("1000000002", "HTX 2", "088", "Sa Pá")]
    ds = load_dataset(make_v2_dataset(tmp_path / "ds", {2024: {"htx.csv": (V2_HTX_HEADERS, rows)}}))
    assert [(p.code, p.row) for p in ds.errors] == [("don_vi_mo_ho", 3)]
    assert list(ds.register("htx", 2024)["xa"]) == ["03002"]


def test_the_district_column_decides_a_name_shared_by_a_district_and_communes(v2) -> None:  # noqa: ANN001
    # "Trạm Tấu" is the district 139 in the district column (row f), two communes in the commune column
    assert _by_code(v2, 2024)["1500000006"]["don_vi"] == "139"


def test_a_former_commune_is_converted_with_a_located_note(v2) -> None:  # noqa: ANN001
    j = _by_code(v2, 2025)["1500000008"]
    assert (j["xa"], j["xa_cu"], j["huyen_cu"], j["tinh_cu"]) == ("04750", "04750", "141", "15")
    note = next(p for p in v2.problems if p.code == "doi_don_vi")
    assert (note.file, note.sheet, note.row, note.header, note.value) == (NEW, "Sheet1", 8, NEW_COMMUNE_HEADER,
                                                                          "Xã Cảm Ân")
    assert note.severity == "thong_bao" and "→ Xã Bảo Ái (04750)" in note.message()


def test_continuity_columns_former_province_district_commune(v2) -> None:  # noqa: ANN001
    old = _by_code(v2, 2024)
    assert {c: (r["tinh_cu"], r["huyen_cu"], r["xa_cu"]) for c, r in old.items()} == {
        "1000000001": ("10", "088", None), "1000000002": ("10", "088", None), "1000000003": ("10", "088", None),
        "1500000004": ("15", "139", None), "1500000005": ("15", "139", None), "1500000006": ("15", "139", None),
        "1500000007": ("15", "141", None), "1500000008": ("15", "141", None), "1500000009": ("15", "141", None)}
    new = _by_code(v2, 2025)
    # a new commune whose former communes all lay in one district carries that district and province
    assert {c: (r["tinh_cu"], r["huyen_cu"]) for c, r in new.items()} == {
        "1000000001": ("10", "088"), "1000000002": ("10", "088"), "1000000010": ("10", "088"),
        "1500000004": ("15", "139"), "1500000005": ("15", "139"), "1500000007": ("15", "141"),
        "1500000008": ("15", "141"), "1500000009": ("15", "141")}
    assert new["1500000004"]["don_vi"] is None  # no district after 1/7/2025


def test_a_former_district_in_a_2025_register_is_kept_for_continuity_only(tmp_path: Path) -> None:
    headers = [*V2_HTX_HEADERS_NEW[:3], DISTRICT_HEADER, *V2_HTX_HEADERS_NEW[3:]]
    rows = [[*r[:3], "Huyện Yên Bình", *r[3:]] for r in V2_HTX_2025 if r[0] == "1500000009"]
    ds = load_dataset(make_v2_dataset(tmp_path / "ds", {2025: {"htx.csv": (headers, rows)}}))
    assert [p.code for p in ds.errors] == []
    row = ds.register("htx", 2025).iloc[0]
    assert (row["xa"], row["don_vi"], row["huyen_cu"], row["tinh_cu"]) == ("04726", None, "141", "15")


@pytest.mark.parametrize("name", ["HTX_2024.xlsx", "htx .xlsx", "Htx Lào Cai cũ.csv"])
def test_register_file_names_are_read_case_and_space_tolerant(tmp_path: Path, name: str) -> None:
    years = only(2024)
    years[2024] = {name: (V2_HTX_HEADERS, V2_HTX_2024_YB), "tht.csv": years[2024]["tht.csv"]}
    ds = load_dataset(make_v2_dataset(tmp_path / "ds", years))
    assert ds.ok, [p.message() for p in ds.problems]
    report = next(f for f in ds.files if f.kind == "htx")
    assert report.file == f"2024/{name}" and report.rows_accepted == len(V2_HTX_2024_YB)
    assert len(ds.register("htx", 2024)) == 6


def test_lock_files_and_hidden_files_are_not_registers(tmp_path: Path) -> None:
    root = make_v2_dataset(tmp_path / "ds", only(2024))
    (root / "2024" / "~$htx_yen_bai_cu.xlsx").write_bytes(b"lock")
    (root / "2024" / ".~lock.htx_yen_bai_cu.xlsx#").write_bytes(b"lock")
    (root / "2024" / "ghi_chu.txt").write_text("không phải sổ", encoding="utf-8")
    ds = load_dataset(root)
    assert ds.ok and [p.code for p in ds.problems] == []


def test_a_header_only_register_declared_absent_is_fine(tmp_path: Path) -> None:
    years = only(2025)
    years[2025]["tht.csv"] = (V2_THT_HEADERS, [])
    ds = load_dataset(make_v2_dataset(tmp_path / "ds", years, nam={2025: "khong_co_so: [tht]\n"}))
    assert ds.ok and [p.code for p in ds.problems] == ["doi_don_vi"]
    assert ds.info(2025).absent == ("tht",)
    from kttt.indicators import compute_indicators

    t = compute_indicators(ds, 2025)
    province = t[(t.dia_ban == "toan_tinh") & (t.linh_vuc == "")].set_index("ma_chi_tieu")["gia_tri"]
    assert province.isna()["tht_hien_co"] and province["htx_hien_co"] == 8  # unknown THT, not zero THT


def test_an_estimate_year(tmp_path: Path) -> None:
    ds = load_dataset(make_v2_dataset(tmp_path / "ds", only(2025),
                                      nam={2025: '# ước\nngay_so_lieu: "30/11/2025"\ntrang_thai: "ước thực hiện"\n'}))
    assert ds.ok
    info = ds.info(2025)
    assert (info.data_date, info.status, info.is_estimate) == (dt.date(2025, 11, 30), "uoc", True)
    assert ds.year_label(2025) == "ước thực hiện năm 2025 (số liệu đến 30/11/2025)"
    assert set(ds.register("htx", 2025)["ngay_so_lieu"]) == {dt.datetime(2025, 11, 30)}


# ----------------------------------------------------------------------------- which sheet (issue 12 item 1)

def _load_workbook(tmp_path: Path, sheets: list[tuple[str, list[list[Any]]]], **kw: Any):  # noqa: ANN202
    root = tmp_path / "ds"
    workbook(2024, "htx_yen_bai_cu.xlsx", sheets, **kw)(root)
    return load_dataset(root)


def _report(ds):  # noqa: ANN001, ANN202
    return next(f for f in ds.files if f.file == YB)


def test_sheet_named_for_the_register_and_year_wins_over_the_first(tmp_path: Path) -> None:
    # analysts copy last year's workbook and add this year's sheet after it
    this_year = yb_sheet((4, "Số thành viên", -1))  # one error, to see the sheet named in the message
    ds = _load_workbook(tmp_path, [("HTX 2023", LAST_YEAR), ("HTX 2024", this_year)])
    assert _report(ds).sheet == "HTX 2024"
    htx = ds.register("htx", 2024)
    assert "1500000099" not in set(htx["ma_htx"])  # nothing of last year's sheet
    assert set(htx[htx["_tep"] == YB]["ma_htx"]) == {r[0] for r in V2_HTX_2024_YB} - {"1500000006"}
    (p,) = ds.errors
    assert (p.sheet, p.row) == ("HTX 2024", 4) and "trang «HTX 2024», dòng 4" in p.message()
    assert (_report(ds).rows_read, _report(ds).rows_rejected, _report(ds).rejected_rows) == (6, 1, [4])
    from kttt.indicators import compute_indicators

    t = compute_indicators(ds, 2024)
    province = t[(t.dia_ban == "toan_tinh") & (t.linh_vuc == "")].set_index("ma_chi_tieu")["gia_tri"]
    # 3 + 5 HTX (the rejected row 4 is said, not counted); last year's sheet would have given 3 + 1
    assert (province["htx_hien_co"], province["thanh_vien_htx"], province["htx_thanh_lap_moi"]) == (8, 80, 1)


def test_the_active_sheet_is_read_when_its_header_matches(tmp_path: Path) -> None:
    ds = _load_workbook(tmp_path, [("Hướng dẫn", INSTRUCTIONS), ("Dữ liệu", yb_sheet())], active=1)
    assert ds.ok and _report(ds).sheet == "Dữ liệu" and _report(ds).rows_accepted == 6


def test_a_hidden_sheet_is_never_read(tmp_path: Path) -> None:
    ds = _load_workbook(tmp_path, [("HTX 2024 cũ", LAST_YEAR), ("Danh sách", yb_sheet())], hidden=("HTX 2024 cũ",),
                        active=1)
    assert ds.ok and _report(ds).sheet == "Danh sách"
    assert "1500000099" not in set(ds.register("htx", 2024)["ma_htx"])


def test_a_sheet_named_for_another_register_or_year_does_not_count(tmp_path: Path) -> None:
    ds = _load_workbook(tmp_path, [("THT 2024", LAST_YEAR), ("HTX 2023", LAST_YEAR), ("Sheet3", yb_sheet())],
                        active=2)
    assert ds.ok and _report(ds).sheet == "Sheet3"


# ----------------------------------------------------------------------------- the header row (issue 12 item 7)

def test_header_below_a_title_block_is_found_and_rows_count_as_excel_shows(tmp_path: Path) -> None:
    ds = _load_workbook(tmp_path, [("HTX 2024", [*TITLE_BLOCK, *yb_sheet()])])
    assert ds.ok
    report = _report(ds)
    assert report.header_rows == (4,)
    assert "dòng tiêu đề: dòng 4 (bỏ qua 3 dòng tiêu đề phía trên)" in report.notices
    assert list(ds.register("htx", 2024).query("_tep == @YB")["_dong"]) == [5, 6, 7, 8, 9, 10]


def test_two_row_header_with_merged_group_cells_is_read_and_converted(tmp_path: Path) -> None:
    revenue, profit = V2_HTX_HEADERS.index("Doanh thu (triệu đồng)"), V2_HTX_HEADERS.index("Lợi nhuận (triệu đồng)")
    upper = [h if j not in (revenue, profit) else None for j, h in enumerate(V2_HTX_HEADERS)]
    upper[revenue] = "Tài chính (tỷ đồng)"
    lower = [None] * len(V2_HTX_HEADERS)
    lower[revenue], lower[profit] = "Doanh thu", "Lợi nhuận"
    rows = [list(r) for r in V2_HTX_2024_YB]
    for r in rows:
        r[revenue], r[profit] = 2.5, -0.25  # tỷ đồng
    single = [j for j in range(len(V2_HTX_HEADERS)) if j not in (revenue, profit)]
    merge = [("HTX 2024", 1, j, 2, j, V2_HTX_HEADERS[j]) for j in single]  # one-column headers span both rows
    merge.append(("HTX 2024", 1, revenue, 1, profit, "Tài chính (tỷ đồng)"))
    ds = _load_workbook(tmp_path, [("HTX 2024", [["DANH SÁCH HTX NĂM 2024"], upper, lower, *rows])], merge=merge)
    assert ds.ok, [p.message() for p in ds.problems]
    report = _report(ds)
    assert report.header_rows == (2, 3)
    assert any("dòng 2 và dòng 3" in n for n in report.notices)
    assert any("tỷ đồng sang triệu đồng" in n for n in report.notices)
    htx = ds.register("htx", 2024).query("_tep == @YB")
    assert list(htx["doanh_thu"]) == [2500.0] * 6 and list(htx["loi_nhuan"]) == [-250.0] * 6
    assert list(htx["_dong"]) == [4, 5, 6, 7, 8, 9]


def test_a_column_number_row_under_the_header_is_skipped(tmp_path: Path) -> None:
    ds = _load_workbook(tmp_path, [("HTX 2024", [list(V2_HTX_HEADERS), *NUMBERING, *V2_HTX_2024_YB])])
    assert ds.ok
    report = _report(ds)
    assert report.rows_read == 6 and "dòng 2 là dòng đánh số cột, không phải dữ liệu" in report.notices
    assert list(ds.register("htx", 2024).query("_tep == @YB")["_dong"]) == [3, 4, 5, 6, 7, 8]


def test_a_formula_with_its_saved_result_is_read(tmp_path: Path) -> None:
    ds = _load_workbook(tmp_path, [("Sheet1", yb_sheet((2, "Số thành viên", Formula("=5+7", 12)),
                                                       (3, "Tên HTX", Formula('="HTX "&"e"', "HTX e"))))])
    assert ds.ok
    htx = _by_code(ds, 2024)
    assert htx["1500000004"]["so_thanh_vien"] == 12 and htx["1500000005"]["ten_htx"] == "HTX e"


def test_every_problem_of_bad_cells_is_reported_together(tmp_path: Path) -> None:
    ds = _load_workbook(tmp_path, [("Sheet1", yb_sheet(
        (2, "Số thành viên", Formula("=1/0", "#DIV/0!")), (4, "Tên HTX", Formula("=A4", "")),
        (6, "Ngày thành lập", dt.date(9999, 12, 31)), (7, "Doanh thu (triệu đồng)", 1e308)))])
    located = [(p.row, p.header, p.code) for p in ds.errors]
    assert located == [(2, "Số thành viên", "o_loi_excel"), (4, "Tên HTX", "cong_thuc_chua_tinh"),
                       (6, "Ngày thành lập", "ngay_ngoai_khoang"), (7, "Doanh thu (triệu đồng)", "vuot_gioi_han")]
    assert [show for show in (ds.errors[2].message(), ds.errors[3].message())] == [
        f"{YB}, trang «Sheet1», dòng 6, cột «Ngày thành lập», giá trị «31/12/9999»: ngày ngoài khoảng hợp lý "
        "(01/01/1900 – 31/12/2025).",
        f"{YB}, trang «Sheet1», dòng 7, cột «Doanh thu (triệu đồng)», giá trị «1e+308»: lớn bất thường: vượt giới "
        "hạn hợp lý 100.000.000 của cột."]
    assert _report(ds).rejected_rows == [2, 4, 6, 7]


def test_every_pinned_outcome_belongs_to_a_defect_of_the_corpus() -> None:
    import json

    from tests.test_load import DEFECTS

    names = {d.name for d in DEFECTS + V2_CORPUS}
    pinned = set(json.loads(PINNED.read_text(encoding="utf-8")))
    assert pinned == names, (pinned - names, names - pinned)


def test_a_commune_code_that_lost_its_zero_is_resolved_and_warned(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    cell(2024, "htx_yen_bai_cu.xlsx", 5, COMMUNE_HEADER, 4750)(root)
    ds = load_dataset(root)
    assert ds.ok and [(p.code, p.row, p.severity) for p in ds.problems] == [("ma_mat_so_0", 5, "canh_bao")]
    assert _by_code(ds, 2024)["1500000007"]["xa"] == "04750"


# ----------------------------------------------------------------------------- targets and published figures (v2 keys)

def test_assumed_targets_and_published_figures_by_area(tmp_path: Path) -> None:
    targets = ("nam,ma_chi_tieu,gia_tri,so_sanh,nguon,gia_dinh\n"
               "2025,htx_thanh_lap_moi,80,>=,GIẢ ĐỊNH: chưa có chỉ tiêu công bố,true\n"
               "2025,tht_thanh_lap_moi,500,>=,Nghị quyết thử,\n")
    published = ("nam,ma_chi_tieu,gia_tri,trang_thai_so_lieu,ngay_cong_bo,nguon,dia_ban\n"
                 "2025,htx_thanh_lap_moi,71,uoc,2025-12-01,Báo Lào Cai,\n"
                 "2025,htx_thanh_lap_moi,14,uoc,2025-12-01,Báo Lào Cai,10\n")
    ds = load_dataset(make_v2_dataset(tmp_path / "ds", only(2025), targets=targets, published=published))
    assert ds.ok
    assert list(ds.targets["gia_dinh"]) == [True, False]
    assert list(ds.published["dia_ban"]) == ["toan_tinh", "10"] and list(ds.published["gia_tri"]) == [71.0, 14.0]


# ----------------------------------------------------------------------------- the parse cache

def _outcome(root: Path, parse_cache: Path | None = None) -> tuple[list[str], list[tuple], dict[int, list]]:
    ds = load_dataset(root, parse_cache=parse_cache)
    frames = {y: ds.register("htx", y).drop(columns=["ngay_so_lieu"]).astype(str).values.tolist() for y in ds.years}
    return [p.message() for p in ds.problems], [(f.file, f.rows_read, f.rows_accepted) for f in ds.files], frames


def test_the_parse_memo_gives_copies_and_sees_changes(tmp_path: Path) -> None:
    root = make_v2_dataset(tmp_path / "ds")
    first = load_dataset(root)
    first.htx.loc[:, "ten_htx"] = "đã sửa"  # a caller's change never reaches the memo
    assert _outcome(root) == _outcome(root)
    assert "đã sửa" not in set(load_dataset(root).htx["ten_htx"])
    # the file changes: parsed again
    cell(2025, "htx.xlsx", 3, "Số thành viên", -1)(root)
    assert [(p.code, p.row) for p in load_dataset(root).errors] == [("so_am", 3)]
    # the units change (another parse setting): the registers are resolved again
    replace_line(root / UNITS, "04606,Xã Trạm Tấu,xa,,,01/07/2025,\n", "")
    replace_line(root / CROSSWALK, "04588,04606,01/07/2025,1,Nhập toàn bộ\n04600,04606,01/07/2025,1,Nhập toàn bộ\n", "")
    codes = {(p.code, p.row) for p in load_dataset(root).errors if p.file == NEW}
    assert ("don_vi_mo_ho", 6) in codes  # "Trạm Tấu" now names only two former communes


def test_the_disk_parse_cache_gives_the_same_outcome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kttt import registers

    root = make_v2_dataset(tmp_path / "ds")
    cell(2025, "htx.xlsx", 3, "Số thành viên", -1)(root)  # a problem, to see problems come back from the cache
    fresh = _outcome(root)
    cache = tmp_path / "cache"
    monkeypatch.setattr(registers, "_PARSED", {})
    assert _outcome(root, cache) == fresh
    pickles = sorted(cache.glob("*.pickle"))
    assert len(pickles) == 5  # one per register file
    monkeypatch.setattr(registers, "_PARSED", {})  # another process: from the disk
    assert _outcome(root, cache) == fresh
    for p in pickles:
        p.write_bytes(b"not a pickle")  # a damaged entry is parsed again
    monkeypatch.setattr(registers, "_PARSED", {})
    assert _outcome(root, cache) == fresh
