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
