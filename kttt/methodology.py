"""The methodology page ("Phương pháp và nguồn số liệu"), generated so it cannot drift.

Every table of ``notebooks/06_phuong_phap.ipynb`` comes from the place the rule lives:

- the indicators — definition, population, unit, empty-population rule — from the indicator
  registry (:data:`kttt.indicators.REGISTRY`), their display and rounding from
  :mod:`kttt.fmt` itself (each rule is shown with an example ``fmt`` formats at build time);
- the inputs and the checks on every cell — columns, Vietnamese headers, types, required,
  allowed values — from the data contract (:mod:`kttt.contract`);
- the file- and row-level checks from :data:`CHECKS`, each tied to the problem code the
  loader raises (a test keeps every listed code present in the loader);
- the administrative units, the published figures and the targets — and what is synthetic —
  from the dataset itself.

>>> from kttt.tables import Context
>>> ctx = Context.open("data/yen_bai", 2022)
>>> t = indicator_table()
>>> t.frame.iloc[3]["Mã"], t.frame.iloc[3]["Đơn vị tính"]
('htx_thanh_lap_moi', 'HTX')
>>> "121,2%" in rounding().text
True
>>> "MÔ PHỎNG" in synthetic(ctx).text
True
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kttt import fmt
from kttt.contract import ENUMS, PUBLISHED_STATUSES, REGISTERS, Column
from kttt.indicators import REGISTRY
from kttt.markup import fragment
from kttt.report import Html
from kttt.tables import Context, ReportTable

NOTEBOOK = "06_phuong_phap"

KIND_NAMES = {"count": "đếm", "sum": "tổng", "mean": "bình quân", "ratio": "tỷ lệ, bình quân gia quyền"}
TYPE_NAMES = {"text": "chữ", "enum": "danh mục", "unit": "đơn vị hành chính (mã hoặc tên)",
              "date": "ngày (dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd hoặc ô kiểu Ngày)", "int": "số nguyên",
              "number": "số", "bool": "có/không (có/không, x/để trống, 1/0, true/false, yes/no)"}

# File- and row-level checks of the loader, by the problem code it raises (kttt.load, kttt.values).
# Column-level checks (required, type, allowed values, minimum) come from the data contract.
CHECKS: tuple[tuple[str, str, str], ...] = (
    ("thieu_dataset_yaml", "Lỗi", "Thiếu tệp mô tả bộ dữ liệu dataset.yaml."),
    ("thieu_tep", "Lỗi", "Thiếu tệp đơn vị hành chính don_vi_hanh_chinh.csv."),
    ("thieu_nam", "Lỗi", "Không có thư mục năm (ví dụ 2022/) hoặc thiếu năm được yêu cầu."),
    ("thieu_so", "Cảnh báo", "Một năm thiếu sổ HTX hoặc sổ THT: các chỉ tiêu của sổ đó trong năm để trống, không tính là 0."),
    ("hai_tep_cung_so", "Lỗi", "Một sổ có cả tệp .xlsx và .csv trong cùng năm: chỉ giữ một tệp."),
    ("dinh_dang_tep", "Lỗi", "Định dạng tệp không hỗ trợ (ví dụ .xls cũ): lưu lại thành .xlsx hoặc .csv."),
    ("excel_hong", "Lỗi", "Tệp Excel hỏng, không mở được."),
    ("khong_phai_utf8", "Lỗi", "Tệp CSV không phải UTF-8 (báo dòng có ký tự lỗi)."),
    ("thieu_cot", "Lỗi", "Thiếu cột bắt buộc."),
    ("trung_cot", "Lỗi", "Hai cột cùng là một trường (ví dụ «Mã HTX» và «Mã số thuế»)."),
    ("don_vi_tien_la", "Lỗi", "Đơn vị tiền trong tiêu đề cột không hỗ trợ (dùng triệu đồng, tỷ đồng hoặc đồng; "
     "cột ghi đồng hoặc tỷ đồng được đổi sang triệu đồng và có ghi chú)."),
    ("trung_ma", "Lỗi", "Mã HTX, THT hoặc mã đơn vị trùng trong một tệp."),
    ("ket_thuc_truoc_thanh_lap", "Lỗi", "Ngày giải thể (chấm dứt) trước ngày thành lập."),
    ("tap_huan_vuot_quan_ly", "Lỗi", "Số cán bộ được tập huấn lớn hơn số cán bộ quản lý."),
    ("thanh_lap_sau_nam", "Cảnh báo", "Ngày thành lập sau ngày số liệu của sổ năm đó."),
    ("ngay_khong_ton_tai", "Lỗi", "Ngày không tồn tại (ví dụ 31/02)."),
    ("ngay_khong_doc_duoc", "Lỗi", "Ngày không đọc được: chỉ nhận ngày ghi ngày trước tháng, không đoán."),
    ("khong_phai_so", "Lỗi", "Ô số chứa chữ, hoặc số viết sai định dạng số của bộ dữ liệu (dinh_dang_so)."),
    ("khong_phai_so_nguyen", "Lỗi", "Số lẻ ở cột phải là số nguyên (số thành viên, lao động …)."),
    ("so_am", "Lỗi", "Số âm ở cột không được âm."),
    ("don_vi_la", "Lỗi", "Đơn vị hành chính không có trong don_vi_hanh_chinh.csv."),
    ("ma_chi_tieu_la", "Lỗi", "Mã chỉ tiêu trong chi_tieu.csv không có trong danh mục chỉ tiêu."),
    # data contract v2: units with dates, the crosswalk, parts, sheets and headers, bounds
    ("don_vi_mo_ho", "Lỗi", "Tên đơn vị ứng với hai đơn vị còn hiệu lực tại ngày số liệu (thông báo nêu cả hai): ghi mã."),
    ("don_vi_chua_hieu_luc", "Lỗi", "Đơn vị chưa có hiệu lực tại ngày số liệu của sổ."),
    ("don_vi_het_hieu_luc", "Lỗi", "Đơn vị cũ đã hết hiệu lực và không có trong bảng chuyển đổi chuyen_doi_dvhc.csv."),
    ("don_vi_cu_bi_chia", "Lỗi", "Đơn vị cũ bị chia cho nhiều đơn vị mới: ghi đơn vị mới nơi đặt trụ sở."),
    ("xa_khong_thuoc_huyen", "Lỗi", "Xã ghi trong dòng không thuộc huyện ghi trong cùng dòng."),
    ("ma_cha_la", "Lỗi", "Mã đơn vị cấp trên không có trong don_vi_hanh_chinh.csv."),
    ("ngay_hieu_luc_nguoc", "Lỗi", "Đơn vị hết hiệu lực trước ngày có hiệu lực."),
    ("tong_ty_le_sai", "Lỗi", "Tổng tỷ lệ chuyển đổi của một đơn vị cũ khác 1."),
    ("ten_tep_la", "Lỗi", "Tệp bảng tính trong thư mục năm có tên không ứng với sổ nào (phải bắt đầu bằng htx hoặc tht)."),
    ("so_rong", "Lỗi", "Sổ chỉ có tiêu đề, không có dòng dữ liệu (trừ khi nam.yaml ghi sổ không có)."),
    ("khong_ro_trang", "Lỗi", "Tệp Excel nhiều trang mà không xác định được trang cần đọc."),
    ("o_loi_excel", "Lỗi", "Ô lỗi của Excel (#DIV/0!, #N/A, #REF!, #VALUE! …): không bao giờ đọc thành ô trống."),
    ("cong_thuc_chua_tinh", "Lỗi", "Ô công thức chưa có giá trị đã tính."),
    ("ngay_ngoai_khoang", "Lỗi", "Ngày ngoài khoảng hợp lý (ví dụ 31/12/9999, 01/01/0001)."),
    ("vuot_gioi_han", "Lỗi", "Số vượt giới hạn hợp lý của cột (ví dụ 9e18 thành viên)."),
    ("cot_khong_tieu_de", "Cảnh báo", "Cột có dữ liệu nhưng không có tiêu đề: không được dùng."),
    ("cot_khong_dung", "Cảnh báo", "Cột có tiêu đề gần giống một cột của hợp đồng dữ liệu mà không khớp: không được dùng."),
    ("ma_mat_so_0", "Cảnh báo", "Mã dạng số có thể đã mất số 0 ở đầu."),
)

SYNTHETIC_REAL = "Số liệu của dữ liệu thật: không có phần nào là mô phỏng."

REBASING = (
    "Mỗi năm được tính trên các đơn vị hành chính còn hiệu lực tại ngày số liệu của năm đó, ở mọi cấp mà sổ "
    "đăng ký ghi (trước 01/7/2025: cấp huyện, và cấp xã nếu cột xã được ghi; từ 01/7/2025: chỉ cấp xã; "
    "một tỉnh hợp nhất có thêm các tỉnh cũ cho những năm trước ngày hợp nhất).",
    "Số liệu năm trước luôn được tính lại theo địa giới của năm báo cáo: sổ đăng ký năm trước được chuyển sang "
    "đơn vị mới qua bảng chuyển đổi chuyen_doi_dvhc.csv (một xã mới nhận các dòng của các xã cũ nhập vào nó), "
    "nên mọi so sánh với năm trước là so sánh trên cùng một địa giới.",
    "Một dòng được xếp theo xã của nó; dòng không ghi xã được xếp theo huyện khi mọi xã của huyện đó về cùng một "
    "đơn vị mới. Dòng vẫn không xếp được (huyện hoặc xã bị tách về nhiều đơn vị mới) làm trống giá trị năm trước "
    "của các đơn vị có thể nhận nó, kèm ghi chú số dòng không xếp được; các địa bàn khác giữ giá trị chính xác, "
    "tổng toàn tỉnh luôn chính xác.",
    "Năm đầu tiên của bộ dữ liệu, hoặc năm mà thư mục năm trước không có, không có số liệu năm trước: các cột "
    "so sánh để trống.",
)

SOURCES_TEXT = (
    "Mọi con số trong báo cáo được tính từ sổ đăng ký HTX và sổ theo dõi THT của bộ dữ liệu, theo danh mục chỉ "
    "tiêu dưới đây; không có con số nào được nhập tay.",
    "Số liệu đã công bố (so_lieu_cong_bo.csv) chỉ dùng để đối chiếu: trang «Kiểm tra dữ liệu» so từng số công bố "
    "với số tính từ sổ. Chỉ tiêu kế hoạch (chi_tieu.csv) dùng để tính tỷ lệ đạt kế hoạch. Nguồn của từng số công "
    "bố và từng chỉ tiêu kế hoạch được liệt kê ở các bảng cuối trang.",
)


def data_date(ctx: Context) -> dt.date:
    """The date the year's registers describe (:func:`kttt.explore.data_date`)."""
    from kttt.explore import data_date as of_dataset

    return of_dataset(ctx.dataset, ctx.year)


def _paragraphs(paragraphs: list[str] | tuple[str, ...], css_class: str = "phuong-phap") -> Html:
    return Html(fragment("partials/paragraphs.html.j2", paragraphs=list(paragraphs), css_class=css_class),
                "\n\n".join(paragraphs))


def introduction(ctx: Context) -> Html:
    """Where the figures come from, for this dataset and year."""
    meta = ctx.dataset.meta
    first = (f"Báo cáo năm {ctx.year} của {meta.ten} được dựng tự động từ bộ dữ liệu «{ctx.dataset.name}», "
             f"số liệu tại {fmt.date(data_date(ctx))}.")
    return _paragraphs([first, *SOURCES_TEXT])


def rounding() -> Html:
    """How values are rounded and shown, each rule with an example formatted by :mod:`kttt.fmt` now."""
    rules = [
        "Tính toán giữ nguyên độ chính xác; chỉ làm tròn khi hiển thị, theo quy tắc làm tròn nửa về số chẵn "
        f"trên giá trị đúng, tối đa một chữ số thập phân và bỏ chữ số thập phân 0: 97/80 = 121,25% hiển thị "
        f"{fmt.percent(97 * 100 / 80)}; 627/300 hiển thị {fmt.percent(627 * 100 / 300)}.",
        f"Số đếm và tổng hiển thị số nguyên với dấu chấm ngăn cách hàng nghìn: {fmt.number(5894)}; "
        f"{fmt.number(63300)}.",
        f"Tiền tính bằng triệu đồng; bình quân từ một tỷ đồng trở lên đọc theo tỷ đồng: "
        f"{fmt.value('doanh_thu_bq_htx', 2100)}, dưới một tỷ theo triệu đồng: {fmt.value('loi_nhuan_bq_htx', 450)}; "
        f"thu nhập người lao động theo triệu đồng: {fmt.value('thu_nhap_bq_ld_htx_thang', 5.3)}.",
        f"Không có giá trị (quần thể rỗng, hoặc không đơn vị nào báo cáo) hiển thị «{fmt.DASH}», không bao giờ là 0.",
        "Bảng CSV tải về và bảng chỉ tiêu máy đọc giữ đủ độ chính xác, dấu chấm thập phân (121.25).",
    ]
    return _paragraphs(rules)


def _empty_rule(zero: bool) -> str:
    return "0" if zero else f"không có giá trị ({fmt.DASH})"


def _example(code: str) -> str:
    """The indicator's display rule, shown by formatting a sample value with :func:`kttt.fmt.value`.

    >>> _example("htx_thanh_lap_moi"), _example("ty_le_htx_kha_tot"), _example("doanh_thu_bq_htx")
    ('5.894 HTX', '121,25 → 121,2%', '2.100 → 2,1 tỷ đồng/HTX')
    """
    meta = REGISTRY[code].meta
    if meta.unit == "%":
        sample = 121.25
    elif meta.money:
        sample = 5.25 if "người" in meta.unit else (2100.0 if "/" in meta.unit else 1_300_000.0)
    elif meta.kind in ("count", "sum"):
        sample = 5894.0
    else:
        sample = 1234.56
    shown = fmt.value(code, sample)
    given = fmt.number(sample, 2)
    return shown if shown.startswith(given + " ") else f"{given} → {shown}"


def indicator_table() -> ReportTable:
    """Every indicator of the registry: definition, population, unit, kind, empty rule, display."""
    rows = []
    for code, ind in REGISTRY.items():
        m = ind.meta
        rows.append({"Chỉ tiêu": m.name_vi, "Mã": code, "Đơn vị tính": m.unit, "Cách tính": m.formula,
                     "Quần thể": m.population, "Loại": KIND_NAMES[m.kind],
                     "Quần thể rỗng": _empty_rule(ind.zero_when_empty), "Hiển thị (ví dụ)": _example(code)})
    frame = pd.DataFrame(rows)
    return ReportTable("phuong_phap_chi_tieu", "Danh mục chỉ tiêu: định nghĩa, quần thể, đơn vị, cách hiển thị",
                       frame, note="Mã chỉ tiêu dùng trong chi_tieu.csv, so_lieu_cong_bo.csv và bảng chỉ tiêu CSV.",
                       notebook=NOTEBOOK)


def populations() -> ReportTable:
    """The populations every indicator counts over, as the indicator registry names them."""
    seen: dict[str, list[str]] = {}
    for ind in REGISTRY.values():
        seen.setdefault(ind.meta.population, []).append(ind.meta.name_vi)
    frame = pd.DataFrame({"Quần thể": list(seen), "Số chỉ tiêu": [len(v) for v in seen.values()],
                          "Chỉ tiêu": ["; ".join(v) for v in seen.values()]})
    return ReportTable("phuong_phap_quan_the", "Các quần thể được đếm (ảnh chụp tại ngày số liệu của năm)", frame,
                       {"Số chỉ tiêu": "int"}, note="Liên hiệp HTX được đếm riêng, không bao giờ tính vào số HTX.",
                       notebook=NOTEBOOK)


def _allowed(col: Column) -> str:
    if col.type == "enum" and col.enum:
        return "; ".join(f"{key} ({', '.join(labels)})" for key, labels in ENUMS[col.enum].items())
    if col.minimum is not None:
        return f"≥ {fmt.number(col.minimum)}"
    return ""


def register_columns(register: str) -> ReportTable:
    """One register's columns as the data contract declares them, and the checks on each cell."""
    reg = REGISTERS[register]
    frame = pd.DataFrame([{
        "Cột": col.key, "Tiêu đề tiếng Việt (các cách ghi được nhận)": "; ".join(col.headers),
        "Kiểu": TYPE_NAMES[col.type] + (" — triệu đồng; tiêu đề ghi (đồng) hoặc (tỷ đồng) được quy đổi" if col.money else ""),
        "Bắt buộc": "Có" if col.required else "Không", "Giá trị cho phép": _allowed(col), "Ý nghĩa": col.meaning,
    } for col in reg.columns])
    return ReportTable(f"phuong_phap_cot_{register}", f"{reg.title} ({register}.xlsx hoặc {register}.csv): các cột",
                       frame, note="Tiêu đề khớp không phân biệt hoa thường, có dấu hay không dấu, bỏ qua đơn vị "
                       "trong ngoặc; cột thêm được giữ nguyên và bỏ qua.", notebook=NOTEBOOK)


def quality_checks() -> ReportTable:
    """The file- and row-level checks of the loader (:data:`CHECKS`)."""
    frame = pd.DataFrame([{"Mã kiểm tra": code, "Mức độ": level, "Nội dung": text} for code, level, text in CHECKS])
    return ReportTable("phuong_phap_kiem_tra", "Các kiểm tra khi đọc dữ liệu (ngoài kiểm tra từng ô theo bảng cột)",
                       frame, note="Mỗi vấn đề nêu rõ tệp, dòng (như Excel hiển thị), cột và giá trị. Bộ dữ liệu có lỗi "
                       "không được dựng báo cáo; báo cáo đã xuất bản giữ nguyên. Mỗi tệp: số dòng đọc = nhận + loại.",
                       notebook=NOTEBOOK)


def quality_result(ctx: Context) -> Html:
    """What the checks found in the files this report read."""
    files = ctx.dataset.files
    problems = ctx.dataset.problems
    errors = sum(1 for p in problems if p.is_error)
    read = sum(f.rows_read for f in files)
    rejected = sum(f.rows_rejected for f in files)
    text = (f"Báo cáo năm {ctx.year} đọc {fmt.number(len(files))} tệp, {fmt.number(read)} dòng; loại "
            f"{fmt.number(rejected)} dòng; {fmt.number(errors)} lỗi, {fmt.number(len(problems) - errors)} cảnh báo "
            "hoặc thông báo. Chi tiết ở trang «Kiểm tra dữ liệu».")
    return _paragraphs([text])


def rebasing(ctx: Context) -> Html:
    """How areas are chosen and how the year before is re-based after boundary changes."""
    return _paragraphs(REBASING)


def _level_name(level: str) -> str:
    """"Cấp huyện" for ``huyen`` (the names of :data:`kttt.explore.LEVEL_NAMES`)."""
    from kttt.explore import LEVEL_NAMES

    name = LEVEL_NAMES.get(level, level)
    return name[:1].upper() + name[1:]


def units(ctx: Context) -> ReportTable:
    """The administrative units valid at the year's data date, by level (from don_vi_hanh_chinh.csv)."""
    at = data_date(ctx)
    u = ctx.dataset.units
    valid = [(since is None or not isinstance(since, dt.date) or since <= at)
             and (until is None or not isinstance(until, dt.date) or until >= at)
             for since, until in zip(u["hieu_luc_tu"], u["hieu_luc_den"], strict=True)]
    rows = u[valid]
    frame = pd.DataFrame({"Mã": rows["ma"].to_numpy(), "Tên": rows["ten"].to_numpy(),
                          "Cấp": [_level_name(c) for c in rows["cap"]],
                          "Hiệu lực từ": list(rows["hieu_luc_tu"]), "Hiệu lực đến": list(rows["hieu_luc_den"])})
    return ReportTable("phuong_phap_don_vi", f"Đơn vị hành chính có hiệu lực tại {fmt.date(at)}", frame,
                       {"Hiệu lực từ": "date", "Hiệu lực đến": "date"},
                       note="Nguồn: don_vi_hanh_chinh.csv của bộ dữ liệu (mã và tên theo danh mục hành chính "
                       "nhà nước); «–» ở cột hiệu lực: không giới hạn.", notebook=NOTEBOOK)


def statuses() -> ReportTable:
    """What the status of a published figure means (data contract)."""
    meaning = {"chinh_thuc": "số chính thức của cả năm", "uoc": "số ước tính trước khi kết thúc năm",
               "6_thang": "số của sáu tháng đầu năm", "ke_hoach": "số kế hoạch, mục tiêu"}
    frame = pd.DataFrame({"Trạng thái": list(PUBLISHED_STATUSES.values()),
                          "Mã": list(PUBLISHED_STATUSES),
                          "Nghĩa": [meaning.get(k, "") for k in PUBLISHED_STATUSES]})
    return ReportTable("phuong_phap_trang_thai", "Trạng thái của số liệu công bố", frame, notebook=NOTEBOOK)


def _sources(frame: pd.DataFrame, status: bool) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=["Nguồn", "Năm", "Số dòng"] + (["Trạng thái"] if status else []))
    rows = []
    for source, part in frame.groupby("nguon", sort=False):
        years = sorted({int(y) for y in part["nam"]})
        row = {"Nguồn": source, "Năm": ", ".join(str(y) for y in years), "Số dòng": len(part)}
        if status:
            row["Trạng thái"] = ", ".join(dict.fromkeys(PUBLISHED_STATUSES.get(s, s)
                                                        for s in part["trang_thai_so_lieu"]))
        rows.append(row)
    return pd.DataFrame(rows)


def published_sources(ctx: Context) -> ReportTable:
    """The publications the published figures (so_lieu_cong_bo.csv) come from."""
    return ReportTable("phuong_phap_nguon_cong_bo", "Nguồn của số liệu đã công bố dùng để đối chiếu",
                       _sources(ctx.dataset.published, True), {"Số dòng": "int"}, notebook=NOTEBOOK)


def target_sources(ctx: Context) -> ReportTable:
    """The plans and resolutions the targets (chi_tieu.csv) come from."""
    return ReportTable("phuong_phap_nguon_ke_hoach", "Nguồn của chỉ tiêu kế hoạch",
                       _sources(ctx.dataset.targets, False), {"Số dòng": "int"}, notebook=NOTEBOOK)


def synthetic(ctx: Context) -> Html:
    """What is synthetic in this dataset (``mo_phong`` and ``mo_ta`` of dataset.yaml)."""
    from kttt.report import synthetic_notice

    meta = ctx.dataset.meta
    if not meta.mo_phong:
        return _paragraphs([SYNTHETIC_REAL] + ([meta.mo_ta] if meta.mo_ta else []))
    return _paragraphs([synthetic_notice(ctx)] + ([meta.mo_ta] if meta.mo_ta else []), css_class="phuong-phap mo-phong-muc")


__all__ = ["CHECKS", "data_date", "indicator_table", "introduction", "populations", "published_sources",
           "quality_checks", "quality_result", "rebasing", "register_columns", "rounding", "statuses", "synthetic",
           "target_sources", "units"]
