"""``bao_cao_kttt_<year>.docx``: the official report (Báo cáo) in the layout of Nghị định 30/2020/NĐ-CP.

Built natively with python-docx (not converted from HTML), so the drafter edits a real Word
document with real styles ("Normal", "Heading 1–3", and ``KTTT …`` styles for the header
block, tables, placeholders, the signature block). What it holds:

- the header block: the body above the issuing body and the issuing body (upper case, bold,
  a short rule), the national name and motto with their rule, "Số: …/<ky_hieu>" and
  "<dia_danh>, ngày … tháng … năm …" (italic), from ``dataset.yaml``; blanks are left for the
  number and the date, filled in at signing;
- "BÁO CÁO" and the summary line (:func:`summary_line`: an estimate year reads "ước thực
  hiện năm Y");
- I. the year's results (the generated narrative, the key indicators, the areas), II. the
  overall assessment (what the data support: targets met and missed, changes on the year
  before; marked places for the drafter's own assessment), III. next year's targets and
  tasks, "Nơi nhận" and the signature block (placeholders);
- annexes: every report table (wide ones on landscape pages) and the charts as PNG images.

Layout: A4; margins top/bottom 20 mm, left 30 mm, right 20 mm; Times New Roman 14,
justified, first line indented 1,27 cm, 6 pt after each paragraph; page numbers centred in
the top margin from page 2. The synthetic-data notice stands on the first page and in the
footer of every page. Bytes are reproducible: zip entries and document properties carry the
data date, image and object ids are counters.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kttt import fmt
from kttt.indicators import CATALOGUE, PROVINCE
from kttt.narrative import assumed_targets
from kttt.outputs import fonts

if TYPE_CHECKING:  # pragma: no cover
    from docx.document import Document as DocxDocument
    from docx.section import Section as DocxSection
    from docx.styles.style import ParagraphStyle
    from docx.table import Table

    from kttt.tables import Context, ReportTable

# ----------------------------------------------------------------------------- layout (mm, pt)

PAGE_W, PAGE_H = 210.0, 297.0  # A4
PORTRAIT_MARGINS = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 20.0}
LANDSCAPE_MARGINS = {"top": 30.0, "bottom": 20.0, "left": 20.0, "right": 20.0}  # binding edge on top
HEADER_DISTANCE, FOOTER_DISTANCE = 10.0, 8.0
BODY_PT, TABLE_PT, ANNEX_TABLE_PT = 14, 12, 10
FIRST_LINE_INDENT_CM = 1.27
SPACE_AFTER_PT = 6
LINE_SPACING = 1.15
CHART_DPI = 200
LANDSCAPE_FROM = 1.15  # an annex table wider than this × the portrait text width goes landscape
CHAR_EM = 0.5  # average width of a character of Times New Roman, in em
BOLD_EM = 0.56  # the same, bold (header cells)
TEXT_CAP_EM = 40.0  # a text column wider than this (in em) wraps even when there is room
CELL_PADDING_MM = 3.8 + 1.0  # left + right cell margins of the "Table Grid" style, and 1 mm to spare

TEXT_W_PORTRAIT = PAGE_W - PORTRAIT_MARGINS["left"] - PORTRAIT_MARGINS["right"]
TEXT_W_LANDSCAPE = PAGE_H - LANDSCAPE_MARGINS["left"] - LANDSCAPE_MARGINS["right"]

# ----------------------------------------------------------------------------- words

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BÁO CÁO"
BLANK = "…"  # left for the drafter: the number, the date
DEFAULT_SYMBOL = "BC-UBND"
RECIPIENTS = ["- [Cơ quan, đơn vị nhận báo cáo];", "- [Các cơ quan liên quan];", "- Lưu: VT, [đơn vị soạn thảo]."]
SIGNER = ["[QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ]"]
SIGNATURE_NOTE = "(Chữ ký, dấu)"
SIGNER_NAME = "[Họ và tên]"
DRAFTER = {
    "basis": "[Căn cứ, thực hiện văn bản số …]",
    "assessment": "[Cơ quan soạn thảo bổ sung đánh giá: những kết quả nổi bật, mô hình hiệu quả, "
                  "đóng góp của khu vực kinh tế tập thể vào phát triển kinh tế - xã hội của địa phương.]",
    "shortcomings": "[Cơ quan soạn thảo bổ sung: những tồn tại, hạn chế — số liệu trên chỉ ra các chỉ tiêu "
                    "chưa đạt kế hoạch và các chỉ tiêu giảm so với năm trước.]",
    "causes": "[Cơ quan soạn thảo bổ sung: nguyên nhân khách quan, nguyên nhân chủ quan.]",
    "no_targets": "[Cơ quan soạn thảo bổ sung các chỉ tiêu, mục tiêu chủ yếu của năm sau.]",
    "tasks": "[Cơ quan soạn thảo bổ sung: nhiệm vụ, giải pháp chủ yếu để thực hiện các mục tiêu trên.]",
}

# The charts of the Word report's annex: (kttt.charts function, its arguments after ctx).
ANNEX_CHARTS: tuple[tuple[str, tuple[Any, ...]], ...] = (
    ("new_vs_target", ()),
    ("sector_bars", ("htx",)),
    ("sector_bars", ("tht",)),
    ("ratings", ()),
    ("unit_bars", ("htx_hien_co",)),
    ("unit_bars", ("htx_thanh_lap_moi",)),
    ("unit_bars", ("tht_hien_co",)),
    ("trend_targets", ("htx_thanh_lap_moi",)),
    ("trend_targets", ("tht_thanh_lap_moi",)),
)

# Indicators whose change on the year before the assessment states, in this order.
CHANGE_CODES = ["htx_hien_co", "htx_dang_hoat_dong", "tht_hien_co", "thanh_vien_kttt", "lao_dong_htx",
                "doanh_thu_bq_htx", "loi_nhuan_bq_htx", "thu_nhap_bq_ld_htx_thang", "doanh_thu_bq_tht",
                "ty_le_htx_kha_tot"]

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def year_phrase(year: int, estimate: bool) -> str:
    """How the official report names the year: ``năm Y``, or ``ước thực hiện năm Y``.

    >>> year_phrase(2022, False), year_phrase(2025, True)
    ('năm 2022', 'ước thực hiện năm 2025')
    """
    return f"ước thực hiện năm {year}" if estimate else f"năm {year}"


def summary_line(year: int, estimate: bool) -> str:
    """The report's summary line (trích yếu), from the year's status.

    >>> summary_line(2022, False)
    'Kết quả phát triển kinh tế tập thể năm 2022 và phương hướng, nhiệm vụ năm 2023'
    >>> summary_line(2025, True)
    'Kết quả phát triển kinh tế tập thể ước thực hiện năm 2025 và phương hướng, nhiệm vụ năm 2026'
    """
    return f"Kết quả phát triển kinh tế tập thể {year_phrase(year, estimate)} và phương hướng, nhiệm vụ năm {year + 1}"


def is_estimate(dataset: Any, year: int) -> bool:  # noqa: ANN401 - a kttt.load.Dataset
    """True when the year's data are an estimate (``<year>/nam.yaml``: ``trang_thai: uoc``).

    >>> is_estimate(object(), 2022)
    False
    """
    info = getattr(dataset, "info", None)
    return bool(callable(info) and getattr(info(year), "is_estimate", False))


@dataclass(frozen=True)
class Letterhead:
    """The header block's words (Nghị định 30/2020, Phụ lục I)."""

    issuer: str  # cơ quan ban hành
    parent: str  # cơ quan chủ quản ("" when none)
    place: str  # địa danh
    symbol: str  # ký hiệu: Số: …/<symbol>

    @property
    def number_line(self) -> str:
        return f"Số: {BLANK}/{self.symbol}"

    @property
    def place_date_line(self) -> str:
        return f"{self.place}, ngày {BLANK} tháng {BLANK} năm {BLANK}"


def letterhead(meta: Any) -> Letterhead:  # noqa: ANN401 - a kttt.load.DatasetMeta
    """The header block from ``dataset.yaml`` (``co_quan``, ``co_quan_chu_quan``, ``dia_danh``,
    ``ky_hieu``); without them: the province's People's Committee, the province's name, BC-UBND.

    >>> from types import SimpleNamespace as NS
    >>> letterhead(NS(ten="Tỉnh Yên Bái"))
    Letterhead(issuer='Ủy ban nhân dân tỉnh Yên Bái', parent='', place='Yên Bái', symbol='BC-UBND')
    >>> letterhead(NS(ten="Tỉnh Lào Cai", co_quan="Sở Tài chính tỉnh Lào Cai", co_quan_chu_quan="UBND tỉnh Lào Cai",
    ...               dia_danh="Lào Cai", ky_hieu="BC-STC")).place_date_line
    'Lào Cai, ngày … tháng … năm …'
    """
    name = str(getattr(meta, "ten", "") or "").strip()
    place = name
    for prefix in ("Tỉnh ", "tỉnh ", "Thành phố ", "thành phố "):
        if place.startswith(prefix):
            place = place[len(prefix):]
    issuer = str(getattr(meta, "co_quan", "") or "").strip()
    if not issuer:
        issuer = f"Ủy ban nhân dân {name[:1].lower() + name[1:]}" if name else "Ủy ban nhân dân"
    return Letterhead(issuer, str(getattr(meta, "co_quan_chu_quan", "") or "").strip(),
                      str(getattr(meta, "dia_danh", "") or "").strip() or place,
                      str(getattr(meta, "ky_hieu", "") or "").strip() or DEFAULT_SYMBOL)


# ----------------------------------------------------------------------------- facts for the assessment

def _province(table: pd.DataFrame) -> pd.DataFrame:
    rows = table[(table["dia_ban"] == PROVINCE) & (table["linh_vuc"] == "")]
    return rows.drop_duplicates("ma_chi_tieu").set_index("ma_chi_tieu")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def target_results(table: pd.DataFrame, assumed: frozenset[str] | set[str] = frozenset()
                   ) -> tuple[list[str], list[str], list[str]]:
    """Province-wide indicators with a target this year: (met, missed, without data) as phrases.

    >>> t = pd.DataFrame({"ma_chi_tieu": ["htx_thanh_lap_moi", "tht_thanh_lap_moi"], "dia_ban": "toan_tinh",
    ...     "linh_vuc": "", "gia_tri": [97.0, 250.0], "chi_tieu": [80.0, 300.0], "ty_le_dat_chi_tieu": [121.25, 83.33],
    ...     "dat_chi_tieu": [True, False]})
    >>> target_results(t)
    (['số HTX thành lập mới 97 HTX, bằng 121,2% kế hoạch (80 HTX)'], ['số THT thành lập mới 250 THT, bằng 83,3% kế hoạch (300 THT)'], [])
    >>> target_results(t, {"tht_thanh_lap_moi"})[1]
    ['số THT thành lập mới 250 THT, bằng 83,3% kế hoạch giả định (300 THT)']
    """
    met, missed, empty = [], [], []
    rows = _province(table)
    for code, r in rows.iterrows():
        if code not in CATALOGUE or fmt.is_empty(r.get("chi_tieu")):
            continue
        name = _lower_first(CATALOGUE[code].name_vi)
        if fmt.is_empty(r["gia_tri"]):
            empty.append(f"{name} (kế hoạch {fmt.value(code, r['chi_tieu'])})")
            continue
        plan = "kế hoạch giả định" if code in assumed else "kế hoạch"  # never mistaken for a target set
        phrase = (f"{name} {fmt.value(code, r['gia_tri'])}, bằng {fmt.percent(r['ty_le_dat_chi_tieu'])} "
                  f"{plan} ({fmt.value(code, r['chi_tieu'])})")
        (met if bool(r["dat_chi_tieu"]) else missed).append(phrase)
    return met, missed, empty


def change_phrase(code: str, value: float, previous: float) -> str | None:
    """The change of one indicator on the year before, in words (None when not comparable).
    Percentages change by points; other indicators by percent.

    >>> change_phrase("htx_hien_co", 652, 570)
    'số HTX hiện có tăng 14,4% (từ 570 HTX lên 652 HTX)'
    >>> change_phrase("ty_le_htx_kha_tot", 58.0, 60.5)
    'tỷ lệ HTX xếp loại khá, tốt giảm 2,5 điểm phần trăm (từ 60,5% xuống 58%)'
    >>> change_phrase("lao_dong_htx", 9960, 9960)
    'lao động thường xuyên trong HTX không đổi (9.960 người)'
    """
    if fmt.is_empty(value) or fmt.is_empty(previous):
        return None
    meta = CATALOGUE[code]
    name = _lower_first(meta.name_vi)
    now, before = fmt.value(code, value), fmt.value(code, previous)
    if meta.unit == "%":
        diff = value - previous
        size = f"{fmt.number(abs(diff), 1)} điểm phần trăm"
    else:
        if not previous:
            return None
        diff = value - previous
        size = fmt.percent(abs(diff) * 100.0 / previous)
    if fmt.number(abs(diff), 1) == "0":
        return f"{name} không đổi ({now})"
    word, direction = ("tăng", "lên") if diff > 0 else ("giảm", "xuống")
    return f"{name} {word} {size} (từ {before} {direction} {now})"


def changes(table: pd.DataFrame, codes: Iterable[str] = CHANGE_CODES) -> list[str]:
    """The change on the year before of each of ``codes`` that has both values."""
    rows = _province(table)
    out = []
    for code in codes:
        if code in rows.index:
            phrase = change_phrase(code, rows.at[code, "gia_tri"], rows.at[code, "gia_tri_nam_truoc"])
            if phrase:
                out.append(phrase)
    return out


def assessment_paragraphs(table: pd.DataFrame, year: int, estimate: bool,
                          assumed: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """What the data support of the overall assessment: targets met and missed (an assumed
    target named so), changes."""
    met, missed, empty = target_results(table, assumed)
    out = []
    counted = len(met) + len(missed)
    when = year_phrase(year, estimate)
    if counted:
        text = f"Trong {counted} chỉ tiêu kế hoạch {when} có số liệu, {len(met)} chỉ tiêu đạt và vượt kế hoạch"
        text += (": " + "; ".join(met)) if met else ""
        text += "."
        if missed:
            text += f" Chưa đạt kế hoạch {len(missed)} chỉ tiêu: " + "; ".join(missed) + "."
        out.append(text)
    else:
        out.append(f"Không có chỉ tiêu kế hoạch {when} để so sánh với kết quả thực hiện.")
    if empty:
        out.append("Chưa có số liệu để đánh giá: " + "; ".join(empty) + ".")
    moved = changes(table)
    if moved:
        out.append(f"So với năm {year - 1}: " + "; ".join(moved) + ".")
    return out


def unit_leaders(ranking: ReportTable, top: int = 3) -> str:
    """Which areas founded the most cooperatives (from the ranking table), as a sentence."""
    frame = ranking.frame
    if "HTX mới" not in frame.columns or len(frame.columns) < 2 or frame.empty:
        return ""
    area = frame.columns[1]  # the area's column (districts or communes) follows the rank
    best = frame[frame["HTX mới"].fillna(0) > 0].head(top)
    if best.empty:
        return ""
    listed = ", ".join(f"{r[area]} ({fmt.number(r['HTX mới'])} HTX)" for _, r in best.iterrows())
    return f"Các địa bàn thành lập mới nhiều HTX nhất: {listed}."


# ----------------------------------------------------------------------------- python-docx helpers

def _mm(value: float):  # noqa: ANN202
    from docx.shared import Mm

    return Mm(value)


def _set_fonts(element: Any, name: str) -> None:  # noqa: ANN401 - an rPr owner (style or run)
    """Name ``name`` for every script of an rPr and drop theme fonts (which would win)."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts_el = rpr.find(qn("w:rFonts"))
    if fonts_el is None:
        fonts_el = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts_el)
    for attr in list(fonts_el.attrib):
        if attr.lower().endswith("theme"):  # w:asciiTheme … and w:cstheme
            del fonts_el.attrib[attr]
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts_el.set(qn(f"w:{script}"), name)


def _set_language(rpr: Any, lang: str = "vi-VN") -> None:  # noqa: ANN401
    from docx.oxml.ns import qn

    el = rpr.find(qn("w:lang"))
    if el is None:
        el = rpr.makeelement(qn("w:lang"), {})
        rpr.append(el)
    for attr in ("val", "eastAsia", "bidi"):
        el.set(qn(f"w:{attr}"), lang)


def _paragraph_style(doc: DocxDocument, name: str, base: str = "Normal", size: float | None = None,
                     bold: bool | None = None, italic: bool | None = None, align: str | None = None,
                     indent: bool = False, before: float = 0, after: float = 0, keep_next: bool = False,
                     line: float | None = 1.0) -> ParagraphStyle:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if style.name != base:
        style.base_style = styles[base]
    style.quick_style = True
    f = style.font
    f.name = fonts.DOCX_FONT
    _set_fonts(style.element, fonts.DOCX_FONT)
    f.color.rgb = RGBColor(0, 0, 0)
    if size is not None:
        f.size = Pt(size)
    if bold is not None:
        f.bold = bold
    if italic is not None:
        f.italic = italic
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = getattr(WD_ALIGN_PARAGRAPH, align)
    pf.first_line_indent = Cm(FIRST_LINE_INDENT_CM) if indent else Cm(0)
    pf.left_indent = Cm(0)
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    pf.keep_with_next = keep_next
    pf.widow_control = True
    return style


STYLE_BODY = "Normal"
STYLE_HEAD = "KTTT Khối đầu"
STYLE_HEAD_BOLD = "KTTT Khối đầu đậm"
STYLE_PLACE_DATE = "KTTT Địa danh ngày"
STYLE_RULE = "KTTT Đường kẻ"
STYLE_TITLE = "KTTT Tên loại văn bản"
STYLE_SUMMARY = "KTTT Trích yếu"
STYLE_WARNING = "KTTT Cảnh báo"
STYLE_PLACEHOLDER = "KTTT Chỗ cần bổ sung"
STYLE_CAPTION = "KTTT Tên bảng"
STYLE_NOTE = "KTTT Ghi chú bảng"
STYLE_CELL = "KTTT Ô bảng"
STYLE_CELL_NUMBER = "KTTT Ô số"
STYLE_CELL_HEAD = "KTTT Ô tiêu đề"
STYLE_ANNEX_CELL = "KTTT Ô bảng phụ lục"
STYLE_ANNEX_NUMBER = "KTTT Ô số phụ lục"
STYLE_ANNEX_HEAD = "KTTT Ô tiêu đề phụ lục"
STYLE_RECIPIENTS_LABEL = "KTTT Nơi nhận"
STYLE_RECIPIENTS = "KTTT Nơi nhận dòng"
STYLE_SIGNER = "KTTT Chức vụ người ký"
STYLE_SIGNER_NOTE = "KTTT Ghi chú chữ ký"
STYLE_SIGNER_NAME = "KTTT Họ tên người ký"
STYLE_PAGE_NUMBER = "KTTT Số trang"
STYLE_FOOTER = "KTTT Chân trang"
STYLE_ANNEX_TITLE = "KTTT Tên phụ lục"
STYLE_ANNEX_NOTE = "KTTT Ghi chú phụ lục"
STYLE_FIGURE = "KTTT Hình"


def define_styles(doc: DocxDocument) -> None:
    """The document's styles: Normal as Nghị định 30 asks, headings, and the KTTT styles."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    # document defaults: Times New Roman, Vietnamese
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    holder = rpr_default if rpr_default is not None else defaults
    rpr = holder.find(qn("w:rPr"))
    if rpr is not None:
        class _Owner:
            def get_or_add_rPr(self):  # noqa: ANN202, N802 - python-docx's name
                return rpr
        _set_fonts(_Owner(), fonts.DOCX_FONT)
        _set_language(rpr)

    _paragraph_style(doc, STYLE_BODY, size=BODY_PT, align="JUSTIFY", indent=True, after=SPACE_AFTER_PT,
                     line=LINE_SPACING)
    _set_language(doc.styles[STYLE_BODY].element.get_or_add_rPr())
    for level, italic in ((1, False), (2, False), (3, True)):
        _paragraph_style(doc, f"Heading {level}", base=STYLE_BODY, size=BODY_PT, bold=True, italic=italic,
                         align="JUSTIFY", indent=True, before=SPACE_AFTER_PT, after=SPACE_AFTER_PT,
                         keep_next=True, line=LINE_SPACING)
    _paragraph_style(doc, STYLE_HEAD, size=13, align="CENTER", line=1.0)
    _paragraph_style(doc, STYLE_HEAD_BOLD, base=STYLE_HEAD, size=13, bold=True, align="CENTER", line=1.0)
    _paragraph_style(doc, STYLE_PLACE_DATE, base=STYLE_HEAD, size=14, italic=True, align="CENTER", line=1.0)
    _paragraph_style(doc, STYLE_RULE, base=STYLE_HEAD, size=2, align="CENTER", line=1.0)
    _paragraph_style(doc, STYLE_TITLE, size=14, bold=True, align="CENTER", before=18, line=1.0)
    _paragraph_style(doc, STYLE_SUMMARY, size=14, bold=True, align="CENTER", line=1.0)
    _paragraph_style(doc, STYLE_WARNING, size=13, bold=True, align="CENTER", before=6, after=6, line=1.0)
    doc.styles[STYLE_WARNING].font.color.rgb = RGBColor(0x9C, 0x00, 0x06)
    _paragraph_style(doc, STYLE_CAPTION, size=13, bold=True, align="CENTER", before=6, after=3, keep_next=True,
                     line=1.0)
    _paragraph_style(doc, STYLE_NOTE, size=11, italic=True, align="LEFT", before=2, after=6, line=1.0)
    for name, size, align, bold in ((STYLE_CELL, TABLE_PT, "LEFT", False), (STYLE_CELL_NUMBER, TABLE_PT, "RIGHT", False),
                                    (STYLE_CELL_HEAD, TABLE_PT, "CENTER", True),
                                    (STYLE_ANNEX_CELL, ANNEX_TABLE_PT, "LEFT", False),
                                    (STYLE_ANNEX_NUMBER, ANNEX_TABLE_PT, "RIGHT", False),
                                    (STYLE_ANNEX_HEAD, ANNEX_TABLE_PT, "CENTER", True)):
        _paragraph_style(doc, name, size=size, bold=bold, align=align, line=1.0)
    _paragraph_style(doc, STYLE_RECIPIENTS_LABEL, size=12, bold=True, italic=True, align="LEFT", line=1.0)
    _paragraph_style(doc, STYLE_RECIPIENTS, size=11, align="LEFT", line=1.0)
    _paragraph_style(doc, STYLE_SIGNER, size=14, bold=True, align="CENTER", line=1.0)
    _paragraph_style(doc, STYLE_SIGNER_NOTE, size=13, italic=True, align="CENTER", after=60, line=1.0)
    _paragraph_style(doc, STYLE_SIGNER_NAME, size=14, bold=True, align="CENTER", line=1.0)
    _paragraph_style(doc, STYLE_PAGE_NUMBER, base="Header", size=13, align="CENTER", line=1.0)
    _paragraph_style(doc, STYLE_FOOTER, base="Footer", size=9, bold=True, align="CENTER", line=1.0)
    _paragraph_style(doc, STYLE_ANNEX_TITLE, base="Heading 1", size=14, bold=True, align="CENTER", before=0,
                     after=0, keep_next=True, line=1.0)
    _paragraph_style(doc, STYLE_ANNEX_NOTE, size=13, italic=True, align="CENTER", after=12, line=1.0)
    _paragraph_style(doc, STYLE_FIGURE, size=12, align="CENTER", before=6, keep_next=True, line=1.0)
    styles = doc.styles
    if STYLE_PLACEHOLDER not in [s.name for s in styles]:
        char = styles.add_style(STYLE_PLACEHOLDER, WD_STYLE_TYPE.CHARACTER)
        char.font.italic = True
        char.font.highlight_color = 7  # WD_COLOR_INDEX.YELLOW
        char.font.color.rgb = RGBColor(0x1F, 0x3A, 0x93)
        char.quick_style = True
    for name in ("Header", "Footer"):
        _set_fonts(styles[name].element, fonts.DOCX_FONT)
        styles[name].font.size = Pt(13)


def _rule(paragraph: Any, width_mm: float, column_mm: float) -> None:  # noqa: ANN401
    """A short centred line: the paragraph's top border between indents."""
    from docx.oxml.ns import qn

    side = max((column_mm - width_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = _mm(side)
    paragraph.paragraph_format.right_indent = _mm(side)
    ppr = paragraph._p.get_or_add_pPr()
    border = ppr.makeelement(qn("w:pBdr"), {})
    top = border.makeelement(qn("w:top"), {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1",
                                           qn("w:color"): "000000"})
    border.append(top)
    # w:pBdr goes before w:spacing/w:ind in CT_PPr's sequence
    anchor = ppr.find(qn("w:spacing"))
    if anchor is None:
        anchor = ppr.find(qn("w:ind"))
    if anchor is not None:
        anchor.addprevious(border)
    else:
        ppr.append(border)


def _no_borders(table: Table) -> None:
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    borders = tblpr.makeelement(qn("w:tblBorders"), {})
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{side}"), {qn("w:val"): "nil"}))
    tblpr.append(borders)


def _widths(table: Table, widths_mm: list[float]) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid)."""
    from docx.oxml.ns import qn

    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = tblpr.makeelement(qn("w:tblLayout"), {qn("w:type"): "fixed"})
    tblpr.append(layout)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = _mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = _mm(width)


def _add(container: Any, text: str, style: str) -> Any:  # noqa: ANN401
    """A paragraph of ``style`` holding ``text`` (placeholders in [brackets] get their own style)."""
    paragraph = container.add_paragraph(style=style)
    _runs(paragraph, text)
    return paragraph


def _runs(paragraph: Any, text: str) -> None:  # noqa: ANN401
    start = 0
    while True:
        open_at = text.find("[", start)
        close_at = text.find("]", open_at + 1) if open_at >= 0 else -1
        if open_at < 0 or close_at < 0:
            if text[start:]:
                paragraph.add_run(text[start:])
            return
        if open_at > start:
            paragraph.add_run(text[start:open_at])
        paragraph.add_run(text[open_at:close_at + 1], style=STYLE_PLACEHOLDER)
        start = close_at + 1


def _page_number_field(paragraph: Any) -> None:  # noqa: ANN401
    from docx.oxml.ns import qn

    field = paragraph._p.makeelement(qn("w:fldSimple"), {qn("w:instr"): "PAGE"})
    run = field.makeelement(qn("w:r"), {})
    text = run.makeelement(qn("w:t"), {})
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _page_setup(section: DocxSection, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT

    margins = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = _mm(PAGE_H if landscape else PAGE_W)
    section.page_height = _mm(PAGE_W if landscape else PAGE_H)
    section.top_margin = _mm(margins["top"])
    section.bottom_margin = _mm(margins["bottom"])
    section.left_margin = _mm(margins["left"])
    section.right_margin = _mm(margins["right"])
    section.header_distance = _mm(HEADER_DISTANCE)
    section.footer_distance = _mm(FOOTER_DISTANCE)
    section.gutter = _mm(0)
    section.different_first_page_header_footer = False  # only the document's first page has no number


# ----------------------------------------------------------------------------- tables

@dataclass(frozen=True)
class ColumnSize:
    """A column's widths in mm: the narrowest without breaking a word, the one that needs no
    wrapping; numbers never wrap."""

    minimum: float
    natural: float
    number: bool


_NARROW = {" ": 0.25, ",": 0.25, ".": 0.25, ":": 0.28, ";": 0.28, "/": 0.28, "(": 0.33, ")": 0.33, "-": 0.33,
           "%": 0.83, "–": 0.5, "—": 1.0}


def text_em(text: str, bold: bool = False) -> float:
    """Roughly how wide ``text`` is in Times New Roman, in em (from the font's advance widths:
    capitals about 0.7, lower case 0.5, digits 0.5, "%" 0.83, punctuation 0.25–0.33); bold
    is 8% wider. Errs on the wide side: a preview font may be wider than Times New Roman.

    >>> round(text_em("HTX"), 2), round(text_em("121,2%"), 2), round(text_em("hoạch", bold=True), 2)
    (2.16, 3.08, 2.7)
    """
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += _NARROW[char]
        elif char.isupper():
            width += 0.9 if char in "MWÆŒ" else 0.72
        elif char.isdigit():
            width += 0.5
        elif char.isalpha():
            width += 0.78 if char in "mw" else 0.5
        else:
            width += 0.5
    return width * (1.08 if bold else 1.0)


def column_sizes(table: ReportTable, font_pt: float) -> list[ColumnSize]:
    """Each column's sizes for Times New Roman at ``font_pt`` (bold header included)."""
    mm_per_em = font_pt * 25.4 / 72
    shown = table.formatted()
    sizes = []
    for column in table.frame.columns:
        header = str(column)
        values = list(dict.fromkeys(str(v) for v in shown[column]))
        number = table.kind(column) not in ("text", "bool")
        head_word = max((text_em(w, bold=True) for w in header.split()), default=0)
        value_word = max((text_em(w) for v in values for w in v.split()), default=0)
        longest = max((text_em(v) for v in values), default=0)
        minimum = max(head_word, value_word, longest if number else 0) * mm_per_em + CELL_PADDING_MM
        natural = max(minimum, min(longest, TEXT_CAP_EM) * mm_per_em + CELL_PADDING_MM,
                      min(text_em(header, bold=True), TEXT_CAP_EM) * mm_per_em + CELL_PADDING_MM)
        sizes.append(ColumnSize(minimum, minimum if number else natural, number))
    return sizes


def fitted(sizes: list[ColumnSize], available: float) -> list[float]:
    """Widths that fill ``available`` mm, as a browser lays out an automatic table: when the
    natural widths fit, every column widens in proportion; otherwise numbers get their width
    and the text columns share the rest in proportion to their natural widths, none below its
    minimum. Only when even the minimums do not fit is every column scaled down.

    >>> fitted([ColumnSize(10, 10, True), ColumnSize(20, 40, False)], 100)
    [20.0, 80.0]
    >>> fitted([ColumnSize(20, 20, True), ColumnSize(20, 60, False), ColumnSize(10, 30, False)], 80)
    [20.0, 40.0, 20.0]
    >>> fitted([ColumnSize(20, 20, True), ColumnSize(10, 90, False), ColumnSize(25, 30, False)], 80)
    [20.0, 35.0, 25.0]
    """
    natural = sum(s.natural for s in sizes)
    texts = [i for i, s in enumerate(sizes) if not s.number] or list(range(len(sizes)))  # they wrap
    if natural <= available:
        return [s.natural * available / natural for s in sizes]
    minimum = sum(s.minimum for s in sizes)
    if minimum >= available:
        return [s.minimum * available / minimum for s in sizes]
    widths = {i: s.minimum for i, s in enumerate(sizes) if i not in texts}
    free = list(texts)
    while True:  # share the room by natural width; a column below its minimum gets the minimum
        room = available - sum(widths.values())
        total = sum(sizes[i].natural for i in free) or 1.0
        short = [i for i in free if room * sizes[i].natural / total < sizes[i].minimum]
        if not short:
            widths |= {i: room * sizes[i].natural / total for i in free}
            return [float(widths[i]) for i in range(len(sizes))]
        for i in short:
            widths[i] = sizes[i].minimum
            free.remove(i)


def is_wide(table: ReportTable) -> bool:
    """An annex table goes on a landscape page when its natural width clearly exceeds the
    portrait text width."""
    return sum(s.natural for s in column_sizes(table, ANNEX_TABLE_PT)) > TEXT_W_PORTRAIT * LANDSCAPE_FROM


def add_table(doc: DocxDocument, table: ReportTable, available: float, annex: bool) -> Table:
    """A report table as a Word table: header row repeated on every page, rows kept whole,
    numbers right-aligned, values formatted as the report shows them."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml.ns import qn

    size = ANNEX_TABLE_PT if annex else TABLE_PT
    head_style, cell_style, number_style = ((STYLE_ANNEX_HEAD, STYLE_ANNEX_CELL, STYLE_ANNEX_NUMBER) if annex
                                            else (STYLE_CELL_HEAD, STYLE_CELL, STYLE_CELL_NUMBER))
    styles = doc.styles
    # style ids looked up once: python-docx's name lookup scans every style for each cell
    head_id, cell_id, number_id = (styles[n].style_id for n in (head_style, cell_style, number_style))
    columns = [str(c) for c in table.frame.columns]
    shown = table.formatted()
    numeric = [table.kind(c) not in ("text", "bool") for c in table.frame.columns]
    out = doc.add_table(rows=1 + len(shown), cols=len(columns))
    out.style = styles["Table Grid"]
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    trs = out._tbl.tr_lst

    def fill(tc: Any, text: str, style_id: str) -> None:  # noqa: ANN401
        p = tc.p_lst[0]
        p.style = style_id
        p.add_r().text = text

    for tc, name in zip(trs[0].tc_lst, columns, strict=True):
        fill(tc, name, head_id)
    tr_pr = trs[0].get_or_add_trPr()
    tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
    for tr, values in zip(trs[1:], shown.itertuples(index=False), strict=True):
        tr.get_or_add_trPr().append(tr.makeelement(qn("w:cantSplit"), {}))
        for tc, value, is_number in zip(tr.tc_lst, values, numeric, strict=True):
            fill(tc, str(value), number_id if is_number else cell_id)
    _widths(out, fitted(column_sizes(table, size), available))
    return out


def _columns(table: ReportTable, wanted: list[str]) -> ReportTable:
    """The same table with only the ``wanted`` columns it has."""
    keep = [c for c in wanted if c in table.frame.columns]
    return replace(table, frame=table.frame[keep].copy())


# ----------------------------------------------------------------------------- the document

@dataclass
class Counter:
    """Running numbers of the body's tables."""

    tables: int = 0

    def next_table(self) -> int:
        self.tables += 1
        return self.tables


def _caption(doc: DocxDocument, label: str, title: str) -> None:
    _add(doc, f"{label}. {title}", STYLE_CAPTION)


def _body_table(doc: DocxDocument, counter: Counter, table: ReportTable, note: str = "") -> None:
    _caption(doc, f"Bảng {counter.next_table()}", table.title)
    add_table(doc, table, TEXT_W_PORTRAIT, annex=False)
    text = " ".join(t for t in (table.note, note) if t)
    if text:
        _add(doc, text, STYLE_NOTE)
    else:
        doc.add_paragraph(style=STYLE_NOTE)


def header_block(doc: DocxDocument, head: Letterhead) -> None:
    """The header block of Nghị định 30: issuing body left, national name and motto right,
    number and place/date below, each under its column."""
    left_w, right_w = 62.0, TEXT_W_PORTRAIT - 62.0
    table = doc.add_table(rows=2, cols=2)
    _no_borders(table)
    _widths(table, [left_w, right_w])
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    if head.parent:
        first.style = doc.styles[STYLE_HEAD]
        first.add_run(head.parent.upper())
        issuer = left.add_paragraph(style=STYLE_HEAD_BOLD)
    else:
        first.style = doc.styles[STYLE_HEAD_BOLD]
        issuer = first
    issuer.add_run(head.issuer.upper())
    _rule(left.add_paragraph(style=STYLE_RULE), 22.0, left_w - CELL_PADDING_MM)
    nation = right.paragraphs[0]
    nation.style = doc.styles[STYLE_HEAD_BOLD]
    nation.add_run(NATION).font.size = _pt(12)
    motto = right.add_paragraph(style=STYLE_HEAD_BOLD)
    motto.add_run(MOTTO).font.size = _pt(14)
    _rule(right.add_paragraph(style=STYLE_RULE), 68.0, right_w - CELL_PADDING_MM)
    number, place = table.rows[1].cells
    number.paragraphs[0].style = doc.styles[STYLE_HEAD]
    number.paragraphs[0].add_run(head.number_line)
    place.paragraphs[0].style = doc.styles[STYLE_PLACE_DATE]
    place.paragraphs[0].add_run(head.place_date_line)


def _pt(value: float):  # noqa: ANN202
    from docx.shared import Pt

    return Pt(value)


def signature_block(doc: DocxDocument) -> None:
    """"Nơi nhận" left, the signer right (placeholders for the drafter)."""
    from docx.oxml.ns import qn

    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [80.0, TEXT_W_PORTRAIT - 80.0])
    tr = table.rows[0]._tr
    tr.get_or_add_trPr().append(tr.makeelement(qn("w:cantSplit"), {}))  # the block stays on one page
    left, right = table.rows[0].cells
    label = left.paragraphs[0]
    label.style = doc.styles[STYLE_RECIPIENTS_LABEL]
    label.add_run("Nơi nhận:")
    for line in RECIPIENTS:
        _add(left, line, STYLE_RECIPIENTS)
    first = right.paragraphs[0]
    first.style = doc.styles[STYLE_SIGNER]
    _runs(first, SIGNER[0])
    for line in SIGNER[1:]:
        _add(right, line, STYLE_SIGNER)
    _add(right, SIGNATURE_NOTE, STYLE_SIGNER_NOTE)
    _add(right, SIGNER_NAME, STYLE_SIGNER_NAME)


def headers_and_footers(doc: DocxDocument, notice: str) -> None:
    """Page numbers centred in the top margin from page 2; the synthetic-data notice in the
    footer of every page."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.style = doc.styles[STYLE_PAGE_NUMBER]
    _page_number_field(header)
    section.first_page_header.paragraphs[0].style = doc.styles[STYLE_PAGE_NUMBER]
    for footer in (section.footer, section.first_page_footer):
        p = footer.paragraphs[0]
        p.style = doc.styles[STYLE_FOOTER]
        if notice:
            p.add_run("DỮ LIỆU MÔ PHỎNG — không phải số liệu chính thức")


def _heading(doc: DocxDocument, text: str, level: int) -> None:
    doc.add_paragraph(text, style=f"Heading {level}")


def body(doc: DocxDocument, ctx: Context, head: Letterhead, notice: str, build_date: dt.date,
         estimate: bool) -> None:
    """Title, summary line and parts I–III, then the signature block."""
    from kttt import narrative, tables

    year = ctx.year
    when = year_phrase(year, estimate)
    _add(doc, TITLE, STYLE_TITLE)
    summary = _add(doc, summary_line(year, estimate), STYLE_SUMMARY)
    summary.paragraph_format.space_after = _pt(0)
    _rule(doc.add_paragraph(style=STYLE_RULE), 50.0, TEXT_W_PORTRAIT)
    if notice:
        _add(doc, notice, STYLE_WARNING)
    else:
        doc.add_paragraph(style=STYLE_RULE)
    date_words = "đến" if estimate else "tại"
    _add(doc, f"{DRAFTER['basis']}, {head.issuer} báo cáo kết quả phát triển kinh tế tập thể {when} (số liệu "
              f"{date_words} {fmt.date(build_date)}) và phương hướng, nhiệm vụ năm {year + 1} như sau:", STYLE_BODY)

    counter = Counter()
    _heading(doc, f"I. KẾT QUẢ PHÁT TRIỂN KINH TẾ TẬP THỂ {when.upper()}", 1)
    _heading(doc, "1. Hợp tác xã, tổ hợp tác", 2)
    for text in narrative.paragraphs(ctx.table, year, ctx.dataset.targets, ctx.info, bool(ctx.boundary_note),
                                     next_year=False):
        _add(doc, text, STYLE_BODY)
    _heading(doc, "2. Các chỉ tiêu chủ yếu", 2)
    key = tables.key_indicators(ctx)
    _add(doc, f"Các chỉ tiêu chủ yếu {when} so với năm {year - 1} và kế hoạch (Bảng "
              f"{counter.tables + 1}; đầy đủ tại Phụ lục I).", STYLE_BODY)
    columns = list(key.frame.columns)  # Chỉ tiêu, Đơn vị tính, the year before, this year, …
    _body_table(doc, counter, _columns(key, [*columns[:4], "Kế hoạch", "Đạt (% kế hoạch)"]))
    _heading(doc, "3. Kết quả theo địa bàn", 2)
    ranking = tables.units_ranking(ctx)
    leaders = unit_leaders(ranking) if ranking is not None else ""
    units = tables.units_side_by_side(ctx)
    if units is not None:
        shown = units.paged()
        area = shown.frame.columns[0]
        compact = _columns(shown, [area, "HTX hiện có", "HTX mới", "THT hiện có", "THT mới", "Thành viên KTTT"])
        _add(doc, (leaders + " " if leaders else "") + f"Kết quả theo địa bàn tại Bảng {counter.tables + 1}"
                  + ("; đầy đủ tại Phụ lục I." if units.page_rows is not None else "."), STYLE_BODY)
        _body_table(doc, counter, compact)
    former = tables.by_former_province(ctx)
    if former is not None:
        _add(doc, f"Theo tỉnh cũ, để so sánh liên tục với các năm trước (Bảng {counter.tables + 1}).", STYLE_BODY)
        _body_table(doc, counter, former)

    _heading(doc, "II. ĐÁNH GIÁ CHUNG", 1)
    _heading(doc, "1. Kết quả đạt được", 2)
    for text in assessment_paragraphs(ctx.table, year, estimate, assumed_targets(ctx)):
        _add(doc, text, STYLE_BODY)
    _add(doc, DRAFTER["assessment"], STYLE_BODY)
    _heading(doc, "2. Tồn tại, hạn chế", 2)
    _add(doc, DRAFTER["shortcomings"], STYLE_BODY)
    _heading(doc, "3. Nguyên nhân", 2)
    _add(doc, DRAFTER["causes"], STYLE_BODY)

    _heading(doc, f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {year + 1}", 1)
    _heading(doc, "1. Mục tiêu", 2)
    goals = narrative.targets_sentence(ctx.dataset.targets, year + 1)
    targets = tables.next_year_targets(ctx)
    if goals:
        _add(doc, goals, STYLE_BODY)
        sources = sorted(set(str(s) for s in targets.frame.get("Nguồn", []) if str(s).strip()))
        shown = replace(_columns(targets, ["Chỉ tiêu", "Mục tiêu", "Đơn vị tính", "So sánh"]), note="")
        _body_table(doc, counter, shown, note=("Nguồn: " + "; ".join(sources) + ".") if sources else "")
    else:
        _add(doc, f"Chưa có mục tiêu năm {year + 1} trong dữ liệu. {DRAFTER['no_targets']}", STYLE_BODY)
    _heading(doc, "2. Nhiệm vụ, giải pháp chủ yếu", 2)
    _add(doc, DRAFTER["tasks"], STYLE_BODY)
    closing = _add(doc, f"Trên đây là báo cáo kết quả phát triển kinh tế tập thể {when} và phương hướng, nhiệm "
                        f"vụ năm {year + 1} của {head.issuer}./.", STYLE_BODY)
    closing.paragraph_format.keep_with_next = True
    signature_block(doc)


def annexes(doc: DocxDocument, ctx: Context, head: Letterhead, report_tables: list[ReportTable]) -> None:
    """Phụ lục I: every report table (wide ones on landscape pages; at most
    :data:`kttt.tables.ANNEX_LIMIT` rows each, the workbook has all); Phụ lục II: the charts."""
    from docx.enum.section import WD_SECTION

    from kttt.tables import ANNEX_LIMIT

    attached = (f"(Kèm theo Báo cáo số {BLANK}/{head.symbol} ngày {BLANK} tháng {BLANK} năm {BLANK} "
                f"của {head.issuer})")
    landscape: bool | None = None
    for i, table in enumerate(report_tables, 1):
        table = table.first_rows(ANNEX_LIMIT)  # a register-long list stays in the workbook
        wide = is_wide(table)
        if i == 1 or wide != landscape:
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            _page_setup(section, wide)
            landscape = wide
        if i == 1:
            _add(doc, f"Phụ lục {ROMAN[0]}", STYLE_ANNEX_TITLE)
            _add(doc, "CÁC BẢNG SỐ LIỆU", STYLE_ANNEX_TITLE)
            _add(doc, attached, STYLE_ANNEX_NOTE)
        _caption(doc, f"Bảng {ROMAN[0]}.{i}", table.title)
        add_table(doc, table, TEXT_W_LANDSCAPE if wide else TEXT_W_PORTRAIT, annex=True)
        notes = [table.note] if table.note else []
        if table.frame.empty:
            notes.insert(0, "Không có dòng nào.")
        _add(doc, " ".join(notes), STYLE_NOTE)

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page_setup(section, False)
    _add(doc, f"Phụ lục {ROMAN[1]}", STYLE_ANNEX_TITLE)
    _add(doc, "BIỂU ĐỒ", STYLE_ANNEX_TITLE)
    _add(doc, attached, STYLE_ANNEX_NOTE)
    for i, (title, png) in enumerate(chart_images(ctx), 1):
        picture = doc.add_paragraph(style=STYLE_FIGURE)
        picture.add_run().add_picture(io.BytesIO(png), width=_mm(TEXT_W_PORTRAIT))
        _add(doc, f"Biểu đồ {ROMAN[1]}.{i}. {title}", STYLE_CAPTION).paragraph_format.keep_with_next = False


def chart_images(ctx: Context) -> list[tuple[str, bytes]]:
    """(title, PNG bytes) of every chart of :data:`ANNEX_CHARTS`, drawn by matplotlib at a
    fixed resolution with the house style's font (checked: :func:`kttt.outputs.fonts.chart_fonts`)."""
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    from kttt import charts

    expected = {f.path.resolve() for f in fonts.require(fonts.chart_fonts())}
    for weight in ("normal", "bold"):
        found = Path(font_manager.findfont(font_manager.FontProperties(family=fonts.CHART_FAMILY, weight=weight),
                                           fallback_to_default=False)).resolve()
        if found not in expected:
            raise fonts.FontError(f"matplotlib vẽ biểu đồ bằng {found}, không phải phông {fonts.CHART_FAMILY} "
                                  f"của matplotlib.\n(en) matplotlib resolved {fonts.CHART_FAMILY} to {found}.")
    out = []
    for name, args in ANNEX_CHARTS:
        chart = getattr(charts, name)(ctx, *args)
        buffer = io.BytesIO()
        with plt.rc_context(charts.STYLE):
            chart.figure.savefig(buffer, format="png", dpi=CHART_DPI, bbox_inches="tight",
                                 metadata={"Software": None}, facecolor="white")
        plt.close(chart.figure)
        out.append((chart.title, buffer.getvalue()))
    return out


def _drop_thumbnail(doc: DocxDocument) -> None:
    """python-docx's template carries a thumbnail of another document: not ours to show."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)


def properties(doc: DocxDocument, ctx: Context, head: Letterhead, build_date: dt.date, notice: str,
               estimate: bool) -> None:
    """Document properties from the data: no clock, no machine, no user name."""
    stamp = dt.datetime(build_date.year, build_date.month, build_date.day)
    core = doc.core_properties
    core.title = f"Báo cáo {_lower_first(summary_line(ctx.year, estimate))}"
    core.subject = f"Kinh tế tập thể — {ctx.dataset.meta.ten}"
    core.author = head.issuer
    core.last_modified_by = "kttt"
    core.keywords = f"kinh tế tập thể; hợp tác xã; tổ hợp tác; {year_phrase(ctx.year, estimate)}"
    core.comments = notice
    core.category = "Báo cáo"
    core.language = "vi-VN"
    core.created = stamp
    core.modified = stamp
    core.revision = 1
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":  # the template's says "Microsoft Macintosh Word"
            part._blob = APP_XML.encode("utf-8")


APP_XML = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           "<Template>Normal.dotm</Template><Application>kttt</Application><DocSecurity>0</DocSecurity>"
           "</Properties>")


def fixed_zip(data: bytes, day: dt.date) -> bytes:
    """The same package with every entry stamped ``day`` 00:00 and platform-neutral attributes
    (zipfile stamps entries with the clock).

    >>> raw = io.BytesIO()
    >>> with zipfile.ZipFile(raw, "w") as z:
    ...     z.writestr("a.xml", "<a/>")
    >>> [i.date_time for i in zipfile.ZipFile(io.BytesIO(fixed_zip(raw.getvalue(), dt.date(2022, 12, 31)))).infolist()]
    [(2022, 12, 31, 0, 0, 0)]
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            package.writestr(info, source.read(entry.filename))
    return out.getvalue()


def build_document(ctx: Context, report_tables: list[ReportTable], build_date: dt.date, notice: str,
                   estimate: bool) -> DocxDocument:
    """The whole Word document, in memory."""
    import docx

    doc = docx.Document()
    _drop_thumbnail(doc)
    define_styles(doc)
    _page_setup(doc.sections[0], landscape=False)
    head = letterhead(ctx.dataset.meta)
    properties(doc, ctx, head, build_date, notice, estimate)
    headers_and_footers(doc, notice)  # after the page setup: the first page is unnumbered
    # python-docx's template starts with no paragraph; the header block comes first
    header_block(doc, head)
    body(doc, ctx, head, notice, build_date, estimate)
    annexes(doc, ctx, head, report_tables)
    return doc


def write_docx(path: Path, ctx: Context, report_tables: list[ReportTable], build_date: dt.date, notice: str,
               estimate: bool = False) -> None:
    """Write the official report with reproducible bytes."""
    buffer = io.BytesIO()
    build_document(ctx, report_tables, build_date, notice, estimate).save(buffer)
    path.write_bytes(fixed_zip(buffer.getvalue(), build_date))


def ordered_tables(ctx: Context, notebooks: dict[str, Any]) -> list[ReportTable]:
    """Every report table, the report chapters' first and the annex notebooks' (data check,
    methodology) last, as in the printed PDF."""
    from kttt.outputs.pdf import report_order
    from kttt.tables import TABLES

    names = report_order(notebooks) if notebooks else list(TABLES)
    names += [n for n in TABLES if n not in names]
    return [t for name in names for fn in TABLES.get(name, []) if (t := fn(ctx)) is not None]


def render(source, target: Path) -> list[str]:  # noqa: ANN001 - a kttt.outputs.RenderSource
    """``bao_cao_kttt_<year>.docx``: the official report and its annexes."""
    from kttt.outputs import OUTPUTS

    path = target / OUTPUTS["docx"].file_name(source.year)
    ctx = source.ctx
    write_docx(path, ctx, ordered_tables(ctx, source.notebooks), source.build_date, source.notice,
               is_estimate(ctx.dataset, source.year))
    return [path.name]
