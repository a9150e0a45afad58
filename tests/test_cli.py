"""The kttt command line: validate and indicators."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from kttt.cli import main
from kttt.config import SAMPLE_DATASET
from tests.builders import HTX_HEADERS, HTX_ROWS, make_dataset, with_cell


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_validate_sample_prints_row_accounting() -> None:
    code, out, _ = run("validate", str(SAMPLE_DATASET))
    assert code == 0
    assert "2022/htx.xlsx (trang «HTX 2022»): đọc 669 = nhận 669 + loại 0" in out
    assert "2021/htx.csv" in out and "Hợp lệ" in out
    assert "đã quy đổi từ đồng sang triệu đồng" in out


def test_validate_bad_dataset_exits_1_with_located_messages(tmp_path: Path) -> None:
    col = HTX_HEADERS.index("Ngày thành lập")
    root = make_dataset(tmp_path / "ds", htx_rows=with_cell(HTX_ROWS, 1, col, "31/02/2022"))
    code, out, _ = run("validate", str(root))
    assert code == 1
    assert "2022/htx.xlsx (trang «Sheet1»): đọc 4 = nhận 3 + loại 1" in out
    assert ("2022/htx.xlsx, trang «Sheet1», dòng 3, cột «Ngày thành lập», giá trị «31/02/2022»: "
            "ngày không tồn tại") in out
    assert '(en) 2022/htx.xlsx, sheet "Sheet1", row 3' in out


def test_validate_one_year(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(SAMPLE_DATASET), "--year", "2022")
    assert code == 0 and "2022/tht.xlsx" in out and "2023/" not in out


def test_indicators_csv_and_json() -> None:
    code, out, _ = run("indicators", str(SAMPLE_DATASET), "--year", "2022")
    assert code == 0
    header, *lines = out.splitlines()
    assert header.startswith("ma_chi_tieu,dia_ban,linh_vuc,gia_tri")
    province = {ln.split(",")[0]: ln.split(",")[3] for ln in lines if ",toan_tinh,," in ln}
    assert province["htx_thanh_lap_moi"] == "97" and province["htx_hien_co"] == "652"
    assert province["tht_thanh_lap_moi"] == "627" and province["tht_hien_co"] == "5894"
    code, out, _ = run("indicators", str(SAMPLE_DATASET), "--year", "2022", "--format", "json")
    rows = json.loads(out)
    row = next(r for r in rows if r["ma_chi_tieu"] == "doanh_thu_bq_htx" and r["dia_ban"] == "toan_tinh" and r["linh_vuc"] == "")
    assert float(row["gia_tri"]) == 2100


def test_indicators_unknown_year() -> None:
    code, _, err = run("indicators", str(SAMPLE_DATASET), "--year", "1999")
    assert code == 1 and "1999" in err


# ----------------------------------------------------------------------------- data contract v2

def test_validate_marks_a_zero_byte_workbook_as_failed(tmp_path: Path) -> None:
    from tests.builders import make_v2_dataset

    root = make_v2_dataset(tmp_path / "ds")
    (root / "2025" / "htx.xlsx").write_bytes(b"")
    code, out, _ = run("validate", str(root))
    assert code == 1
    line = next(ln for ln in out.splitlines() if "2025/htx.xlsx" in ln and "đọc" in ln)
    assert line.strip().startswith("✗") and "không đọc được tệp" in line
    assert "2025/htx.xlsx: tệp Excel rỗng (0 byte)." in out
    assert "✓ 2025/tht.csv" in out


def test_validate_prints_unused_columns_header_rows_and_the_estimate_year(tmp_path: Path) -> None:
    from tests.builders import V2_HTX_2024_YB, V2_HTX_HEADERS, make_v2_dataset, write_workbook

    root = make_v2_dataset(tmp_path / "ds", nam={2025: 'ngay_so_lieu: "30/11/2025"\ntrang_thai: uoc\n'})
    headers = [h if h != "Doanh thu (triệu đồng)" else "Doanh thu năm (triệu đồng)" for h in V2_HTX_HEADERS]
    rows = [[*r, "x"] for r in V2_HTX_2024_YB]
    write_workbook(root / "2024" / "htx_yen_bai_cu.xlsx",
                   [("HTX 2023", [["cũ"]]), ("HTX 2024", [["DANH SÁCH HTX"], [], [*headers, None], *rows])])
    code, out, _ = run("validate", str(root))
    assert code == 0, out
    assert "✓ 2024/htx_yen_bai_cu.xlsx (trang «HTX 2024»): đọc 6 = nhận 6 + loại 0" in out
    assert "ghi chú: dòng tiêu đề: dòng 3 (bỏ qua 2 dòng tiêu đề phía trên)" in out
    assert ("[Cảnh báo] 2024/htx_yen_bai_cu.xlsx, trang «HTX 2024», dòng 3, cột «cột V»: cột V có dữ liệu ở 6 dòng "
            "nhưng không có tiêu đề") in out
    assert "cột «Doanh thu năm (triệu đồng)» không được dùng: giống «Doanh thu»" in out
    assert "Năm 2025: ước thực hiện năm 2025 (số liệu đến 30/11/2025)" in out
    assert "Hợp lệ (2 cảnh báo)." in out


def test_indicators_of_the_first_year_have_no_year_before(tmp_path: Path) -> None:
    import csv
    import io

    from tests.builders import make_v2_dataset

    root = make_v2_dataset(tmp_path / "ds")
    code, out, err = run("indicators", str(root), "--year", "2024")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["gia_tri_nam_truoc"] == "" and r["thay_doi"] == "" for r in rows)
    assert {r["cap_dia_ban"] for r in rows} == {"tinh", "tinh_cu", "huyen", "xa"}
    code, out, _ = run("indicators", str(SAMPLE_DATASET), "--year", "2020")
    assert code == 0 and "htx_hien_co,toan_tinh,," in out


def test_indicators_csv_carries_cap_dia_ban(tmp_path: Path) -> None:
    import csv
    import io

    from tests.builders import NEW_COMMUNES, make_v2_dataset

    code, out, _ = run("indicators", str(make_v2_dataset(tmp_path / "ds")), "--year", "2025")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert "cap_dia_ban" in rows[0]
    levels = {(r["cap_dia_ban"], r["dia_ban"]) for r in rows}
    assert {lv for lv, _ in levels} == {"tinh", "xa"}  # after 1/7/2025: the province and its communes only
    assert {a for lv, a in levels if lv == "xa"} == set(NEW_COMMUNES)
    assert {a for lv, a in levels if lv == "tinh"} == {"toan_tinh"}
    code, out, _ = run("indicators", str(SAMPLE_DATASET), "--year", "2022", "--format", "json")
    assert {r["cap_dia_ban"] for r in json.loads(out)} == {"tinh", "huyen", "xa"}
