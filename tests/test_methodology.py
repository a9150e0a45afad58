"""kttt.methodology: the methodology page is generated from the registry, the contract and the data."""

from __future__ import annotations

import re

import nbformat
import pytest

from kttt import methodology
from kttt.config import NOTEBOOKS_DIR, PACKAGE_DIR, SAMPLE_DATASET
from kttt.contract import REGISTERS
from kttt.indicators import REGISTRY
from kttt.tables import Context


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context.open(SAMPLE_DATASET, 2022)


def test_every_indicator_with_its_definition_population_unit_and_display() -> None:
    frame = methodology.indicator_table().frame
    assert frame["Mã"].tolist() == list(REGISTRY)
    for row in frame.itertuples(index=False):
        meta = REGISTRY[row[1]].meta
        assert (row[0], row[2], row[3], row[4]) == (meta.name_vi, meta.unit, meta.formula, meta.population)
    by_code = frame.set_index("Mã")
    assert by_code.at["ty_le_htx_kha_tot", "Hiển thị (ví dụ)"] == "121,25 → 121,2%"
    assert by_code.at["doanh_thu_bq_htx", "Quần thể rỗng"] == "không có giá trị (–)"
    assert by_code.at["htx_thanh_lap_moi", "Quần thể rỗng"] == "0"


def test_every_population_is_listed_once() -> None:
    frame = methodology.populations().frame
    assert set(frame["Quần thể"]) == {ind.meta.population for ind in REGISTRY.values()}
    assert frame["Số chỉ tiêu"].sum() == len(REGISTRY)


@pytest.mark.parametrize("register", sorted(REGISTERS))
def test_every_contract_column(register: str) -> None:
    frame = methodology.register_columns(register).frame
    reg = REGISTERS[register]
    assert frame["Cột"].tolist() == [c.key for c in reg.columns]
    assert frame["Bắt buộc"].tolist() == ["Có" if c.required else "Không" for c in reg.columns]
    sector = frame.set_index("Cột").at["linh_vuc", "Giá trị cho phép"]
    assert "nong_nghiep (Nông nghiệp" in sector and "cn_ttcn" in sector


def test_every_listed_check_is_one_the_loader_raises() -> None:
    loader = ("load.py", "values.py", "registers.py", "read.py", "keyfiles.py", "geography.py", "columns.py",
              "places.py")
    source = "".join((PACKAGE_DIR / name).read_text(encoding="utf-8") for name in loader)
    raised = set(re.findall(r'"([a-z][a-z0-9_]+)"', source))
    for code, level, _text in methodology.CHECKS:
        assert code in raised, f"{code}: no such problem code in the loader's modules"
        assert level in ("Lỗi", "Cảnh báo")


def test_rounding_examples_are_formatted_by_fmt() -> None:
    text = methodology.rounding().text
    for example in ("121,2%", "209%", "5.894", "63.300", "2,1 tỷ đồng/HTX", "450 triệu đồng/HTX"):
        assert example in text, example


def test_units_valid_at_the_data_date(ctx: Context) -> None:
    frame = methodology.units(ctx).frame
    assert len(frame) == 9 + 168 and set(frame["Cấp"]) == {"Cấp huyện", "Cấp xã"}
    assert "Thành phố Yên Bái" in set(frame["Tên"])


def test_sources_of_published_figures_and_targets(ctx: Context) -> None:
    published = methodology.published_sources(ctx).frame
    assert set(published["Nguồn"]) == set(ctx.dataset.published["nguon"])
    assert published["Số dòng"].sum() == len(ctx.dataset.published)
    targets = methodology.target_sources(ctx).frame
    assert targets["Số dòng"].sum() == len(ctx.dataset.targets)


def test_what_is_synthetic_comes_from_the_dataset(ctx: Context) -> None:
    html = methodology.synthetic(ctx).html
    assert "MÔ PHỎNG" in html and "hạt giống 20230110" in html


def test_the_notebook_is_a_thin_annex() -> None:
    nb = nbformat.read(NOTEBOOKS_DIR / "06_phuong_phap.ipynb", as_version=4)
    assert nb.metadata["kttt"] == {"title": "Phương pháp và nguồn số liệu", "annex": True}
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].metadata["tags"] == ["parameters"]
    for cell in code:
        assert not cell.outputs and cell.execution_count is None
        assert "def " not in cell.source and "for " not in cell.source
    called = {m for c in code[2:] for m in re.findall(r"methodology\.(\w+)\(", c.source)}
    assert called == set(methodology.__all__) - {"CHECKS", "data_date"}  # every section is on the page
