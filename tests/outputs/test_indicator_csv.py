"""CSV formula injection (issue 12 item 6): names that a spreadsheet would run as a formula get
a leading ``'`` in ``kttt indicators --format csv`` and in ``chi_so_<year>.csv``
(kttt.outputs.indicator_csv); numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kttt.indicators import compute_indicators, to_machine
from kttt.load import load_dataset
from kttt.outputs.indicator_csv import write_indicator_csv
from tests.builders import HTX_HEADERS, HTX_ROWS, make_dataset, with_cell
from tests.test_cli import run

NAMES = {  # unit code → a name an attacker (or a careless paste) could put in don_vi_hanh_chinh.csv
    "132": "=1+1",
    "133": '=HYPERLINK("http://x")',
    "140": "@SUM(A1)",
    "135": "+cmd|' /C calc'!A0",
    "136": "-2+3",
}
UNITS = "\n".join([
    "ma,ten,cap,ten_khac,hieu_luc_tu,hieu_luc_den",
    "132,=1+1,huyen,TP Yên Bái|TP. Yên Bái,,30/06/2025",
    '133,"=HYPERLINK(""http://x"")",huyen,Thị xã Nghĩa Lộ|TX Nghĩa Lộ|TX. Nghĩa Lộ,,30/06/2025',
    "140,@SUM(A1),huyen,Huyện Văn Chấn|Văn Chấn,,30/06/2025",
    "135,\"+cmd|' /C calc'!A0\",huyen,,,30/06/2025",
    "136,-2+3,huyen,,,30/06/2025",
]) + "\n"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    name, profit = HTX_HEADERS.index("Tên HTX"), HTX_HEADERS.index("Lợi nhuận (triệu đồng)")
    rows = with_cell(with_cell(HTX_ROWS, 0, name, "=1+1"), 1, name, "@SUM(A1)")
    rows = with_cell(rows, 1, profit, -300)  # operating HTX lose 175 on average: a negative number
    targets = ("nam,ma_chi_tieu,gia_tri,so_sanh,nguon\n"
               "2022,htx_thanh_lap_moi,2,>=,=cmd|' /C calc'!A0\n")
    root = make_dataset(tmp_path_factory.mktemp("inj") / "ds", htx_rows=rows, targets=targets)
    (root / "don_vi_hanh_chinh.csv").write_text(UNITS, encoding="utf-8")
    ds = load_dataset(root)
    assert ds.ok, [p.message() for p in ds.problems]
    assert dict(zip(ds.units["ma"], ds.units["ten"], strict=True)) == NAMES  # read as written
    return root


def _cli_csv(root: Path) -> str:
    code, out, err = run("indicators", str(root), "--year", "2022", "--format", "csv")
    assert code == 0, err
    return out


def _check(text: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    names = {r["dia_ban"]: r["ten_dia_ban"] for r in rows}
    for code, name in NAMES.items():
        assert names[code] == "'" + name, code
    for r in rows:
        for key, value in r.items():
            if value.startswith("-"):
                float(value)  # only numbers may start with a minus
            else:
                assert not value.startswith(FORMULA_START), (key, value)
    province = {r["ma_chi_tieu"]: r for r in rows if r["dia_ban"] == "toan_tinh" and r["linh_vuc"] == ""}
    assert province["loi_nhuan_bq_htx"]["gia_tri"] == "-175"  # a number stays a number
    assert province["htx_thanh_lap_moi"]["nguon_chi_tieu"] == "'=cmd|' /C calc'!A0"
    return rows


def test_kttt_indicators_csv_escapes_formula_like_text(root: Path) -> None:
    rows = _check(_cli_csv(root))
    by_unit = {r["dia_ban"]: r for r in rows if r["ma_chi_tieu"] == "loi_nhuan_bq_htx" and r["linh_vuc"] == ""}
    assert by_unit["140"]["gia_tri"] == "-175" and by_unit["140"]["ten_dia_ban"] == "'@SUM(A1)"
    changes = [r["thay_doi"] for r in rows if r["thay_doi"]]
    assert changes == []  # one year only: no change column to escape


def test_the_indicator_csv_output_is_the_same_bytes(root: Path, tmp_path: Path) -> None:
    table = compute_indicators(load_dataset(root), 2022)
    path = tmp_path / "chi_so_2022.csv"
    write_indicator_csv(path, table)
    text = path.read_text(encoding="utf-8")
    _check(text)
    assert text == _cli_csv(root)


def test_cooperative_names_never_reach_the_indicator_csv(root: Path) -> None:
    out = _cli_csv(root)
    assert "=1+1" not in out.replace("'=1+1", "") and "@SUM(A1)" not in out.replace("'@SUM(A1)", "")


def test_negative_changes_stay_numbers(root: Path, tmp_path: Path) -> None:
    import shutil

    year = tmp_path / "ds"
    shutil.copytree(root, year)
    (year / "2022").rename(year / "2023")
    shutil.copytree(root / "2022", year / "2022")
    (year / "2023" / "tht.csv").write_text(",".join(
        ["Mã THT", "Tên THT", "Huyện/Thị xã/Thành phố", "Lĩnh vực", "Ngày thành lập", "Ngày chấm dứt",
         "Tình trạng", "Số thành viên", "Số lao động"]) + "\nTHT-1,=2+2,132,Khác,01/01/2020,,Đang hoạt động,3,1\n",
        encoding="utf-8")
    code, out, err = run("indicators", str(year), "--year", "2023")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    tht = next(r for r in rows if r["ma_chi_tieu"] == "tht_hien_co" and r["dia_ban"] == "toan_tinh"
               and r["linh_vuc"] == "")
    assert (tht["gia_tri"], tht["gia_tri_nam_truoc"], tht["thay_doi"], tht["thay_doi_pct"]) == ("1", "2", "-1", "-50")


def test_json_keeps_names_as_data(root: Path) -> None:
    # JSON is read by programs, not run by a spreadsheet: names are kept exactly as written
    code, out, _ = run("indicators", str(root), "--year", "2022", "--format", "json")
    assert code == 0
    names = {r["dia_ban"]: r["ten_dia_ban"] for r in json.loads(out)}
    assert all(names[c] == n for c, n in NAMES.items())


def test_to_machine_escapes_tab_and_cr_and_leaves_the_rest_alone(root: Path) -> None:
    # the loader strips a leading tab or CR from names (kttt.values.clean_text); the CSV writer
    # escapes them anyway, should any text reach it another way
    from kttt.fmt import csv_text

    assert [csv_text(v) for v in ("HTX Đoàn Kết", "", "Xã -", -3, 2.5, None)] == ["HTX Đoàn Kết", "", "Xã -", -3,
                                                                                  2.5, None]
    table = compute_indicators(load_dataset(root), 2022)
    table.loc[0, "ten_dia_ban"], table.loc[1, "ten_dia_ban"] = "\tTab", "\rCR"
    machine = to_machine(table)
    assert list(machine["ten_dia_ban"][:2]) == ["'\tTab", "'\rCR"]
    assert machine.loc[2:, "ten_dia_ban"].isin(["Toàn tỉnh", *("'" + n for n in NAMES.values())]).all()
