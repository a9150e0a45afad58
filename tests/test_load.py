"""kttt.load: the data contract, good input and the corpus of bad inputs."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kttt.load import load_dataset
from kttt.problems import Problem
from tests.builders import (
    HTX_HEADERS,
    HTX_ROWS,
    META_YAML,
    THT_HEADERS,
    THT_ROWS,
    make_dataset,
    with_cell,
    write_csv,
)

H = {h: i for i, h in enumerate(HTX_HEADERS)}
T = {h: i for i, h in enumerate(THT_HEADERS)}


# ----------------------------------------------------------------------------- good input

def test_small_dataset_loads_with_row_accounting(tmp_path: Path) -> None:
    ds = load_dataset(make_dataset(tmp_path / "ds"))
    assert ds.ok, [p.message() for p in ds.problems]
    assert ds.meta.mo_phong is True and ds.meta.ten == "Tỉnh Thử nghiệm"
    files = {f.file: f for f in ds.files}
    assert files["2022/htx.xlsx"].rows_read == 4 == files["2022/htx.xlsx"].rows_accepted
    assert files["2022/tht.csv"].rows_read == 3
    assert all(f.balanced for f in ds.files)
    htx = ds.register("htx", 2022)
    assert list(htx["don_vi"]) == ["140", "140", "132", "133"]  # by name, by code, by other name
    assert list(htx["loai_hinh"]) == ["htx", "htx", "qtdnd", "htx"]
    assert list(htx["trang_thai"]) == ["dang_hoat_dong", "dang_hoat_dong", "ngung_hoat_dong", "giai_the"]
    assert htx["ngay_thanh_lap"].iloc[0] == pd.Timestamp(2022, 3, 15)  # Excel date cell
    assert pd.isna(htx["doanh_thu"].iloc[2])  # empty = not reported, not 0
    assert htx["loi_nhuan"].iloc[0] == -50
    assert list(htx["_dong"]) == [2, 3, 4, 5]
    assert "Ghi chú" in htx.columns  # extra columns kept
    tht = ds.register("tht", 2022)
    assert list(tht["ngay_thanh_lap"].dt.date) == [dt.date(2022, 2, 2), dt.date(2017, 1, 1), dt.date(2016, 1, 1)]
    assert list(tht["linh_vuc"]) == ["nong_nghiep", "nong_nghiep", "xay_dung"]
    assert list(tht["trang_thai"]) == ["dang_hoat_dong", "dang_hoat_dong", "cham_dut"]


def test_headers_match_without_diacritics_case_and_units(tmp_path: Path) -> None:
    headers = list(HTX_HEADERS)
    headers[H["Mã HTX"]] = "  MA SO THUE "
    headers[H["Ngày thành lập"]] = "ngay dang ky (dd/mm/yyyy)"
    headers[H["Tổ chức, hoạt động theo Luật HTX"]] = "To chuc hoat dong theo luat HTX"
    ds = load_dataset(make_dataset(tmp_path / "ds", htx_headers=headers))
    assert ds.ok, [p.message() for p in ds.problems]
    assert ds.register("htx", 2022)["ma_htx"].iloc[0] == "5200000001"


@pytest.mark.parametrize(("header", "factor", "label"), [
    ("Doanh thu (đồng)", 1e-6, "đồng"), ("Doanh thu (tỷ đồng)", 1000.0, "tỷ đồng"),
])
def test_money_headers_are_converted_and_reported(tmp_path: Path, header: str, factor: float, label: str) -> None:
    headers = list(HTX_HEADERS)
    headers[H["Doanh thu (triệu đồng)"]] = header
    rows = with_cell(HTX_ROWS, 0, H["Doanh thu (triệu đồng)"], 1000 / factor)
    ds = load_dataset(make_dataset(tmp_path / "ds", htx_headers=headers, htx_rows=rows))
    assert ds.ok
    assert ds.register("htx", 2022)["doanh_thu"].iloc[0] == pytest.approx(1000.0)
    report = next(f for f in ds.files if f.file == "2022/htx.xlsx")
    assert any(label in n and "triệu đồng" in n for n in report.notices)


def test_semicolon_csv_with_bom_and_vietnamese_numbers(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "ds", htx_format="csv")
    rows = with_cell(HTX_ROWS, 0, H["Doanh thu (triệu đồng)"], "2.100,5")
    rows = with_cell(rows, 1, H["Số thành viên"], "1.250")
    write_csv(root / "2022" / "htx.csv", HTX_HEADERS, rows, sep=";", bom=True)
    ds = load_dataset(root)
    assert ds.ok, [p.message() for p in ds.problems]
    htx = ds.register("htx", 2022)
    assert htx["doanh_thu"].iloc[0] == 2100.5 and htx["so_thanh_vien"].iloc[1] == 1250
    assert htx["ngay_thanh_lap"].iloc[0] == pd.Timestamp(2022, 3, 15)  # written dd/mm/yyyy


def test_english_number_format(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "ds", htx_format="csv", meta=META_YAML.replace("dinh_dang_so: vi", "dinh_dang_so: en"))
    write_csv(root / "2022" / "htx.csv", HTX_HEADERS, with_cell(HTX_ROWS, 0, H["Doanh thu (triệu đồng)"], "2,100.5"))
    ds = load_dataset(root)
    assert ds.ok and ds.register("htx", 2022)["doanh_thu"].iloc[0] == 2100.5


def test_x_marks_make_empty_false(tmp_path: Path) -> None:
    col = H["Tổ chức, hoạt động theo Luật HTX"]
    rows = with_cell(with_cell(with_cell(HTX_ROWS, 0, col, "x"), 1, col, None), 2, col, "X")
    ds = load_dataset(make_dataset(tmp_path / "ds", htx_rows=rows))
    assert list(ds.register("htx", 2022)["dung_luat"]) == [True, False, True, False]


def test_loai_hinh_defaults_to_htx(tmp_path: Path) -> None:
    rows = with_cell(HTX_ROWS, 0, H["Loại hình"], None)
    ds = load_dataset(make_dataset(tmp_path / "ds", htx_rows=rows))
    assert ds.ok and ds.register("htx", 2022)["loai_hinh"].iloc[0] == "htx"


def test_year_filter_and_strict(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "ds")
    assert load_dataset(root, years=[2022]).years == [2022]
    bad = load_dataset(root, years=[2031])
    assert not bad.ok and bad.errors[0].code == "thieu_nam"
    from kttt.problems import DataError

    with pytest.raises(DataError, match="2031"):
        load_dataset(root, years=[2031], strict=True)


def test_every_problem_of_a_file_is_reported_together(tmp_path: Path) -> None:
    rows = with_cell(HTX_ROWS, 0, H["Ngày thành lập"], "31/02/2022")
    rows = with_cell(rows, 2, H["Số thành viên"], -3)
    rows = with_cell(rows, 3, H["Lĩnh vực"], "Hàng không vũ trụ")
    ds = load_dataset(make_dataset(tmp_path / "ds", htx_rows=rows))
    located = {(p.row, p.header) for p in ds.errors if p.file == "2022/htx.xlsx"}
    assert located == {(2, "Ngày thành lập"), (4, "Số thành viên"), (5, "Lĩnh vực")}
    report = next(f for f in ds.files if f.file == "2022/htx.xlsx")
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (4, 1, 3)
    assert report.rejected_rows == [2, 4, 5]
    assert len(ds.register("htx", 2022)) == 1  # only the good row is used


def test_the_sample_dataset_is_valid() -> None:
    from kttt.config import SAMPLE_DATASET

    ds = load_dataset(SAMPLE_DATASET)
    assert ds.ok, [p.message() for p in ds.problems[:5]]
    assert ds.meta.mo_phong is True
    assert ds.years == [2020, 2021, 2022, 2023, 2024]
    assert all(f.balanced and f.rows_rejected == 0 for f in ds.files)
    kinds = {f.file.rsplit(".", 1)[1] for f in ds.files if f.year}
    assert kinds == {"xlsx", "csv"}


# ----------------------------------------------------------------------------- the corpus

@dataclass(frozen=True)
class Defect:
    """One bad input and where its problem must be located: file (relative to the dataset),
    sheet (the Excel sheet read; None for CSV and for problems of a whole file), Excel row,
    header as the analyst wrote it, problem code and severity (``loi`` unless a warning or note
    is the point); ``says`` are words the Vietnamese message must contain."""

    name: str
    build: Callable[[Path], None]
    file: str
    row: int | None
    header: str | None
    code: str
    sheet: str | None = None
    severity: str = "loi"
    says: tuple[str, ...] = ()


def assert_located(ds, defect: Defect) -> Problem:  # noqa: ANN001 - a loaded Dataset
    """The problem the defect must produce: its code and severity at its file, sheet, row and
    header, a Vietnamese message naming that location and an English line; the dataset is not
    valid when the defect is an error; every file's rows are accounted for."""
    everything = [p.message() for p in ds.problems]
    same = [p for p in ds.problems if p.code == defect.code and p.severity == defect.severity]
    assert same, everything
    where = (defect.file, defect.sheet, defect.row, defect.header)
    located = [p for p in same if (p.file, p.sheet, p.row, p.header) == where]
    assert located, (where, [p.message() for p in same])
    p = located[0]
    if defect.severity == "loi":
        assert not ds.ok
    message = p.message()
    assert message.startswith(defect.file)
    if defect.sheet is not None:
        assert f"trang «{defect.sheet}»" in message
    if defect.row is not None:
        assert f"dòng {defect.row}" in message
    if defect.header is not None:
        assert f"«{defect.header}»" in message
    for words in defect.says:
        assert words in message, (words, message)
    assert p.message_en().strip().startswith("(en)")
    for f in ds.files:  # nothing lost
        assert f.rows_read == f.rows_accepted + f.rows_rejected, f
    return p


# ----------------------------------------------------------------------------- the corpus, pinned

PINNED = Path(__file__).parent / "data" / "corpus_problems.json"


def outcome(ds) -> dict[str, Any]:  # noqa: ANN001 - a loaded Dataset
    """Everything the loader said about a dataset: every problem (location, value, code,
    severity, both messages) in a stable order, and every file's row accounting and notices."""
    problems = [{**p.as_dict(), "thong_diep": p.message(), "message": p.message_en()} for p in ds.problems]
    problems.sort(key=lambda d: json.dumps(d, ensure_ascii=False, sort_keys=True))
    files = [{"tep": f.file, "trang": f.sheet, "dong_tieu_de": list(f.header_rows), "doc": f.rows_read,
              "nhan": f.rows_accepted, "loai": f.rows_rejected, "dong_loai": f.rejected_rows,
              "khong_doc_duoc": f.failed, "ghi_chu": f.notices} for f in ds.files]
    return {"van_de": problems, "tep": files}


def _pinned_text(pinned: dict[str, Any]) -> str:
    """The pinned outcomes as JSON with one problem or file per line (readable diffs)."""
    def one(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    blocks = []
    for name, got in sorted(pinned.items()):
        parts = [f'  "{key}": [\n' + ",\n".join(f"   {one(item)}" for item in got[key]) + "\n  ]"
                 if got[key] else f'  "{key}": []' for key in ("van_de", "tep")]
        blocks.append(f" {one(name)}: {{\n" + ",\n".join(parts) + "\n }")
    return "{\n" + ",\n".join(blocks) + "\n}\n"


def assert_pinned(ds, defect: Defect, update: bool) -> None:  # noqa: ANN001 - a loaded Dataset
    """The defect's whole outcome equals the pinned one in ``tests/data/corpus_problems.json``:
    the same problems, messages and locations, the same row accounting — what a rewrite of the
    loader (vectorising it, say) must keep. ``pytest --update-corpus`` rewrites the entry."""
    got = outcome(ds)
    for text in json.dumps(got, ensure_ascii=False).split('"'):
        assert not text.startswith(("/tmp", str(Path.home()))), f"an absolute path in a message: {text}"
    if update:
        pinned = json.loads(PINNED.read_text(encoding="utf-8")) if PINNED.is_file() else {}
        pinned[defect.name] = got
        PINNED.parent.mkdir(parents=True, exist_ok=True)
        PINNED.write_text(_pinned_text(pinned), encoding="utf-8")
        _pinned.cache_clear()
        return
    assert defect.name in _pinned(), f"{defect.name}: not pinned yet (pytest --update-corpus)"
    assert got == _pinned()[defect.name]


@functools.lru_cache(maxsize=1)
def _pinned() -> dict[str, Any]:
    """The pinned outcomes, read once."""
    return json.loads(PINNED.read_text(encoding="utf-8")) if PINNED.is_file() else {}


def _htx(col: str, row: int, value: object) -> Callable[[Path], None]:
    return lambda root: make_dataset(root, htx_rows=with_cell(HTX_ROWS, row - 2, H[col], value)) and None


def _tht(col: str, row: int, value: object) -> Callable[[Path], None]:
    return lambda root: make_dataset(root, tht_rows=with_cell(THT_ROWS, row - 2, T[col], value)) and None


def _missing_column(root: Path) -> None:
    headers = [h for h in HTX_HEADERS if h != "Tên HTX"]
    rows = [[v for i, v in enumerate(r) if i != H["Tên HTX"]] for r in HTX_ROWS]
    make_dataset(root, htx_headers=headers, htx_rows=rows)


def _duplicate_code(root: Path) -> None:
    make_dataset(root, htx_rows=with_cell(HTX_ROWS, 2, H["Mã HTX"], "5200000001"))


def _trained_over_managers(root: Path) -> None:
    make_dataset(root, htx_rows=with_cell(HTX_ROWS, 1, H["Số cán bộ quản lý được tập huấn"], 9))


def _dissolved_before_founded(root: Path) -> None:
    make_dataset(root, htx_rows=with_cell(HTX_ROWS, 3, H["Ngày giải thể"], dt.date(2010, 1, 1)))


def _wrong_number_format(root: Path) -> None:
    make_dataset(root, htx_format="csv",
                 htx_rows=with_cell(HTX_ROWS, 1, H["Doanh thu (triệu đồng)"], "2,100.5"))


def _both_csv_and_xlsx(root: Path) -> None:
    make_dataset(root)
    write_csv(root / "2022" / "htx.csv", HTX_HEADERS, HTX_ROWS)


def _corrupt_xlsx(root: Path) -> None:
    make_dataset(root)
    (root / "2022" / "htx.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")


def _not_utf8(root: Path) -> None:
    make_dataset(root)
    text = (root / "2022" / "tht.csv").read_text(encoding="utf-8")
    (root / "2022" / "tht.csv").write_bytes(text.encode("cp1258", errors="replace"))


def _missing_yaml(root: Path) -> None:
    make_dataset(root)
    (root / "dataset.yaml").unlink()


def _unknown_indicator(root: Path) -> None:
    make_dataset(root, targets="nam,ma_chi_tieu,gia_tri,so_sanh,nguon\n2022,so_htx_moi,80,>=,KH\n")


def _bad_comparison(root: Path) -> None:
    make_dataset(root, targets="nam,ma_chi_tieu,gia_tri,so_sanh,nguon\n2022,htx_thanh_lap_moi,80,>,KH\n")


def _bad_published_status(root: Path) -> None:
    make_dataset(root)
    (root / "so_lieu_cong_bo.csv").write_text(
        "nam,ma_chi_tieu,gia_tri,trang_thai_so_lieu,ngay_cong_bo,nguon\n2022,htx_hien_co,3,tam_tinh,2023,X\n",
        encoding="utf-8")


def _duplicate_column(root: Path) -> None:
    headers = list(HTX_HEADERS)
    headers[H["Ghi chú"]] = "Mã số thuế"
    make_dataset(root, htx_headers=headers)


def _unknown_money_unit(root: Path) -> None:
    headers = list(HTX_HEADERS)
    headers[H["Doanh thu (triệu đồng)"]] = "Doanh thu (USD)"
    make_dataset(root, htx_headers=headers)


def _bad_number_format_key(root: Path) -> None:
    make_dataset(root, meta=META_YAML.replace("dinh_dang_so: vi", "dinh_dang_so: fr"))


def _missing_units(root: Path) -> None:
    make_dataset(root)
    (root / "don_vi_hanh_chinh.csv").unlink()


def _bad_unit_level(root: Path) -> None:
    make_dataset(root)
    p = root / "don_vi_hanh_chinh.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("133,Thị xã Nghĩa Lộ,huyen", "133,Thị xã Nghĩa Lộ,thon"),
                 encoding="utf-8")


def _old_excel(root: Path) -> None:
    make_dataset(root)
    (root / "2022" / "htx.xlsx").rename(root / "2022" / "htx.xls")


DEFECTS = [
    Defect("thiếu cột bắt buộc", _missing_column, "2022/htx.xlsx", 1, "Tên HTX", "thieu_cot", sheet="Sheet1"),
    Defect("trùng mã", _duplicate_code, "2022/htx.xlsx", 4, "Mã HTX", "trung_ma", sheet="Sheet1"),
    Defect("ngày không tồn tại 31/02", _htx("Ngày thành lập", 3, "31/02/2022"), "2022/htx.xlsx", 3, "Ngày thành lập", "ngay_khong_ton_tai", sheet="Sheet1"),
    Defect("ngày không đọc được", _htx("Ngày thành lập", 2, "15.03.2022"), "2022/htx.xlsx", 2, "Ngày thành lập", "ngay_khong_doc_duoc", sheet="Sheet1"),
    Defect("ngày dạng chữ", _htx("Ngày giải thể", 5, "cuối tháng 6"), "2022/htx.xlsx", 5, "Ngày giải thể", "ngay_khong_doc_duoc", sheet="Sheet1"),
    Defect("đơn vị lạ", _htx("Huyện/Thị xã/Thành phố", 3, "Huyện Không Có"), "2022/htx.xlsx", 3, "Huyện/Thị xã/Thành phố", "don_vi_la", sheet="Sheet1"),
    Defect("lĩnh vực lạ", _htx("Lĩnh vực", 2, "Hàng không"), "2022/htx.xlsx", 2, "Lĩnh vực", "linh_vuc_la", sheet="Sheet1"),
    Defect("xếp loại lạ", _htx("Xếp loại", 3, "Xuất sắc"), "2022/htx.xlsx", 3, "Xếp loại", "xep_loai_la", sheet="Sheet1"),
    Defect("tình trạng lạ", _htx("Tình trạng", 2, "Phá sản"), "2022/htx.xlsx", 2, "Tình trạng", "trang_thai_la", sheet="Sheet1"),
    Defect("loại hình lạ", _htx("Loại hình", 4, "Doanh nghiệp"), "2022/htx.xlsx", 4, "Loại hình", "loai_hinh_la", sheet="Sheet1"),
    Defect("số âm", _htx("Số thành viên", 3, -5), "2022/htx.xlsx", 3, "Số thành viên", "so_am", sheet="Sheet1"),
    Defect("chữ trong ô số", _htx("Số lao động thường xuyên", 2, "mười"), "2022/htx.xlsx", 2, "Số lao động thường xuyên", "khong_phai_so", sheet="Sheet1"),
    Defect("số lẻ ở ô số nguyên", _htx("Số thành viên", 2, 12.5), "2022/htx.xlsx", 2, "Số thành viên", "khong_phai_so_nguyen", sheet="Sheet1"),
    Defect("cán bộ tập huấn > cán bộ quản lý", _trained_over_managers, "2022/htx.xlsx", 3, "Số cán bộ quản lý được tập huấn", "tap_huan_vuot_quan_ly", sheet="Sheet1"),
    Defect("giải thể trước khi thành lập", _dissolved_before_founded, "2022/htx.xlsx", 5, "Ngày giải thể", "ket_thuc_truoc_thanh_lap", sheet="Sheet1"),
    Defect("mã trống", _htx("Mã HTX", 4, None), "2022/htx.xlsx", 4, "Mã HTX", "thieu_gia_tri", sheet="Sheet1"),
    Defect("thiếu tên", _htx("Tên HTX", 2, "   "), "2022/htx.xlsx", 2, "Tên HTX", "thieu_gia_tri", sheet="Sheet1"),
    Defect("sai định dạng số của bộ dữ liệu", _wrong_number_format, "2022/htx.csv", 3, "Doanh thu (triệu đồng)", "sai_dinh_dang_so"),
    Defect("giá trị có/không lạ", _htx("Tổ chức, hoạt động theo Luật HTX", 2, "có lẽ"), "2022/htx.xlsx", 2, "Tổ chức, hoạt động theo Luật HTX", "khong_phai_co_khong", sheet="Sheet1"),
    Defect("cả csv và xlsx", _both_csv_and_xlsx, "2022/htx.*", None, None, "hai_tep_cung_so"),
    Defect("xlsx hỏng", _corrupt_xlsx, "2022/htx.xlsx", None, None, "excel_hong"),
    Defect("csv không phải UTF-8", _not_utf8, "2022/tht.csv", 1, None, "khong_phai_utf8"),
    Defect("thiếu dataset.yaml", _missing_yaml, "dataset.yaml", None, None, "thieu_dataset_yaml"),
    Defect("mã chỉ tiêu lạ", _unknown_indicator, "chi_tieu.csv", 2, "ma_chi_tieu", "ma_chi_tieu_la"),
    Defect("so_sanh lạ", _bad_comparison, "chi_tieu.csv", 2, "so_sanh", "gia_tri_khong_hop_le"),
    Defect("trạng thái số liệu lạ", _bad_published_status, "so_lieu_cong_bo.csv", 2, "trang_thai_so_lieu", "gia_tri_khong_hop_le"),
    Defect("cột trùng", _duplicate_column, "2022/htx.xlsx", 1, "Mã số thuế", "trung_cot", sheet="Sheet1"),
    Defect("đơn vị tiền lạ", _unknown_money_unit, "2022/htx.xlsx", 1, "Doanh thu (USD)", "don_vi_tien_la", sheet="Sheet1"),
    Defect("dinh_dang_so lạ", _bad_number_format_key, "dataset.yaml", None, "dinh_dang_so", "gia_tri_khong_hop_le"),
    Defect("thiếu tệp đơn vị hành chính", _missing_units, "don_vi_hanh_chinh.csv", None, None, "thieu_tep"),
    Defect("cấp đơn vị lạ", _bad_unit_level, "don_vi_hanh_chinh.csv", 3, "cap", "gia_tri_khong_hop_le"),
    Defect("tệp .xls cũ", _old_excel, "2022/htx.xls", None, None, "dinh_dang_tep"),
    Defect("THT chấm dứt trước khi thành lập", _tht("Ngày chấm dứt", 3, "01/01/2000"), "2022/tht.csv", 3, "Ngày chấm dứt", "ket_thuc_truoc_thanh_lap"),
    Defect("THT tình trạng lạ", _tht("Tình trạng", 2, "Giải thể"), "2022/tht.csv", 2, "Tình trạng", "trang_thai_la"),
    Defect("THT ngày 30/02", _tht("Ngày thành lập", 4, "30/02/2021"), "2022/tht.csv", 4, "Ngày thành lập", "ngay_khong_ton_tai"),
]


def test_the_corpus_has_at_least_20_distinct_defects() -> None:
    assert len({d.code for d in DEFECTS}) >= 20
    assert len({d.name for d in DEFECTS}) == len(DEFECTS)


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.name for d in DEFECTS])
def test_bad_input_is_located(tmp_path: Path, defect: Defect, request: pytest.FixtureRequest) -> None:
    root = tmp_path / "ds"
    defect.build(root)
    ds = load_dataset(root)
    assert_located(ds, defect)
    assert_pinned(ds, defect, request.config.getoption("--update-corpus"))


def test_missing_dataset_folder(tmp_path: Path) -> None:
    ds = load_dataset(tmp_path / "khong_co")
    assert [p.code for p in ds.errors] == ["thieu_bo_du_lieu"]


def test_founded_after_the_year_is_a_warning(tmp_path: Path) -> None:
    ds = load_dataset(make_dataset(tmp_path / "ds", htx_rows=with_cell(HTX_ROWS, 0, H["Ngày thành lập"], dt.date(2023, 2, 1))))
    assert ds.ok
    assert [p.code for p in ds.problems] == ["thanh_lap_sau_nam"]
