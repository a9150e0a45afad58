"""Indicator metadata (catalogue v1): code, names, unit, formula, population.

Light on purpose (no pandas): the loader checks indicator codes in ``chi_tieu.csv`` and
``so_lieu_cong_bo.csv`` against it, and the docs, notebooks and exports read it.

>>> CATALOGUE["htx_thanh_lap_moi"].unit
'HTX'
>>> len(CATALOGUE)
28
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "sum", "mean", "ratio"]


@dataclass(frozen=True)
class Meta:
    """What an indicator is."""

    code: str
    name_vi: str
    name_en: str
    unit: str
    formula: str
    population: str
    kind: Kind
    register: str  # htx, tht or kttt (both)
    money: bool = False

    @property
    def additive(self) -> bool:
        """Counts and sums add up from units to the province; means and ratios do not."""
        return self.kind in ("count", "sum")


_P_EXIST = "HTX hiện có (htx, qtdnd; tình trạng ≠ giải thể)"
_P_OPER = "HTX đang hoạt động"
_P_THT = "THT hiện có (đang hoạt động)"

_ROWS: tuple[Meta, ...] = (
    Meta("htx_hien_co", "Số HTX hiện có", "Existing cooperatives", "HTX",
         "số HTX hiện có", _P_EXIST, "count", "htx"),
    Meta("htx_dang_hoat_dong", "Số HTX đang hoạt động", "Operating cooperatives", "HTX",
         "số HTX đang hoạt động", _P_OPER, "count", "htx"),
    Meta("htx_ngung_hoat_dong", "Số HTX ngừng hoạt động", "Suspended cooperatives", "HTX",
         "HTX hiện có với tình trạng ngừng hoạt động", _P_EXIST, "count", "htx"),
    Meta("htx_thanh_lap_moi", "Số HTX thành lập mới", "New cooperatives", "HTX",
         "loại hình htx, qtdnd; ngày thành lập trong năm", "HTX (htx, qtdnd)", "count", "htx"),
    Meta("htx_giai_the", "Số HTX giải thể", "Dissolved cooperatives", "HTX",
         "loại hình htx, qtdnd; ngày giải thể trong năm", "HTX (htx, qtdnd)", "count", "htx"),
    Meta("qtdnd_hien_co", "Số quỹ tín dụng nhân dân", "People's credit funds", "quỹ",
         "HTX hiện có với loại hình qtdnd", _P_EXIST, "count", "htx"),
    Meta("lhhtx_hien_co", "Số liên hiệp HTX", "Unions of cooperatives", "LHHTX",
         "loại hình lhhtx, tình trạng ≠ giải thể", "LHHTX", "count", "htx"),
    Meta("tht_hien_co", "Số THT hiện có", "Existing cooperative groups", "THT",
         "số THT hiện có", _P_THT, "count", "tht"),
    Meta("tht_thanh_lap_moi", "Số THT thành lập mới", "New cooperative groups", "THT",
         "ngày thành lập trong năm", "THT", "count", "tht"),
    Meta("tht_cham_dut", "Số THT chấm dứt", "Terminated cooperative groups", "THT",
         "ngày chấm dứt trong năm", "THT", "count", "tht"),
    Meta("thanh_vien_htx", "Thành viên HTX", "Cooperative members", "người",
         "Σ số thành viên của HTX hiện có", _P_EXIST, "sum", "htx"),
    Meta("thanh_vien_tht", "Thành viên THT", "Cooperative-group members", "người",
         "Σ số thành viên của THT hiện có", _P_THT, "sum", "tht"),
    Meta("thanh_vien_kttt", "Thành viên khu vực KTTT", "Collective-economy members", "người",
         "thành viên HTX + thành viên THT", "HTX hiện có và THT hiện có", "sum", "kttt"),
    Meta("lao_dong_htx", "Lao động thường xuyên trong HTX", "Regular cooperative workers",
         "người", "Σ số lao động của HTX đang hoạt động", _P_OPER, "sum", "htx"),
    Meta("lao_dong_tht", "Lao động trong THT", "Cooperative-group workers", "người",
         "Σ số lao động của THT hiện có", _P_THT, "sum", "tht"),
    Meta("von_dieu_le_htx", "Tổng vốn điều lệ HTX", "Cooperatives' charter capital",
         "triệu đồng", "Σ vốn điều lệ của HTX hiện có đã báo cáo", _P_EXIST, "sum", "htx",
         money=True),
    Meta("doanh_thu_bq_htx", "Doanh thu bình quân một HTX", "Average revenue per cooperative",
         "triệu đồng/HTX", "trung bình doanh thu của HTX đang hoạt động đã báo cáo",
         _P_OPER + " đã báo cáo doanh thu", "mean", "htx", money=True),
    Meta("loi_nhuan_bq_htx", "Lợi nhuận bình quân một HTX", "Average profit per cooperative",
         "triệu đồng/HTX", "trung bình lợi nhuận của HTX đang hoạt động đã báo cáo",
         _P_OPER + " đã báo cáo lợi nhuận", "mean", "htx", money=True),
    Meta("thu_nhap_bq_ld_htx", "Thu nhập bình quân lao động HTX",
         "Average income per cooperative worker", "triệu đồng/người/năm",
         "Σ(thu nhập bq × số lao động) / Σ số lao động, HTX đang hoạt động báo cáo cả hai",
         _P_OPER + " đã báo cáo thu nhập", "ratio", "htx", money=True),
    Meta("thu_nhap_bq_ld_htx_thang", "Thu nhập bình quân lao động HTX (tháng)",
         "Average monthly income per cooperative worker", "triệu đồng/người/tháng",
         "thu_nhap_bq_ld_htx / 12", _P_OPER + " đã báo cáo thu nhập", "ratio", "htx",
         money=True),
    Meta("doanh_thu_bq_tht", "Doanh thu bình quân một THT", "Average revenue per group",
         "triệu đồng/THT", "trung bình doanh thu của THT hiện có đã báo cáo",
         _P_THT + " đã báo cáo doanh thu", "mean", "tht", money=True),
    Meta("loi_nhuan_bq_tht", "Lợi nhuận bình quân một THT", "Average profit per group",
         "triệu đồng/THT", "trung bình lợi nhuận của THT hiện có đã báo cáo",
         _P_THT + " đã báo cáo lợi nhuận", "mean", "tht", money=True),
    Meta("thu_nhap_bq_ld_tht", "Thu nhập bình quân lao động THT",
         "Average income per group worker", "triệu đồng/người/năm",
         "Σ(thu nhập bq × số lao động) / Σ số lao động, THT hiện có báo cáo cả hai",
         _P_THT + " đã báo cáo thu nhập", "ratio", "tht", money=True),
    Meta("thu_nhap_bq_ld_tht_thang", "Thu nhập bình quân lao động THT (tháng)",
         "Average monthly income per group worker", "triệu đồng/người/tháng",
         "thu_nhap_bq_ld_tht / 12", _P_THT + " đã báo cáo thu nhập", "ratio", "tht",
         money=True),
    Meta("ty_le_htx_kha_tot", "Tỷ lệ HTX xếp loại khá, tốt", "Share of cooperatives rated good",
         "%", "HTX đang hoạt động xếp loại tốt, khá / HTX đang hoạt động được xếp loại "
         "(tốt, khá, trung bình, yếu); HTX không xếp loại không tính vào mẫu số",
         _P_OPER + " được xếp loại", "ratio", "htx"),
    Meta("ty_le_htx_moi_dung_luat", "Tỷ lệ HTX mới tổ chức, hoạt động theo Luật",
         "Share of new cooperatives compliant with the law", "%",
         "HTX mới có dung_luat = có / HTX mới có ghi dung_luat", "HTX thành lập mới",
         "ratio", "htx"),
    Meta("ty_le_can_bo_htx_moi_tap_huan", "Tỷ lệ cán bộ quản lý HTX mới được tập huấn",
         "Share of new cooperatives' managers trained", "%",
         "Σ số cán bộ được tập huấn / Σ số cán bộ quản lý, HTX thành lập mới",
         "HTX thành lập mới", "ratio", "htx"),
    Meta("san_pham_ocop_htx", "Sản phẩm OCOP của HTX", "Cooperatives' OCOP products",
         "sản phẩm", "Σ số sản phẩm OCOP của HTX hiện có", _P_EXIST, "sum", "htx"),
)

CATALOGUE: dict[str, Meta] = {m.code: m for m in _ROWS}
CODES: tuple[str, ...] = tuple(CATALOGUE)
