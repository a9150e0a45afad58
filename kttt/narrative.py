"""Vietnamese sentences generated from the indicator table, in the published report's register.

From the sample's 2022 data the first paragraph reads as the published report does:
"Toàn tỉnh thành lập mới 97 HTX, bằng 121,2% so với chỉ tiêu tỉnh giao (80 HTX), nâng tổng
số HTX toàn tỉnh lên 652 HTX. …". Sentences adapt to a missed target, no target, a decrease
and an empty population. Every number goes through :mod:`kttt.fmt`.

>>> facts = {"htx_thanh_lap_moi": Fact(97, 90, 80, ">="), "htx_hien_co": Fact(652, 570)}
>>> print(new_units_sentence(facts, "htx", 2022))
Toàn tỉnh thành lập mới 97 HTX, bằng 121,2% so với chỉ tiêu tỉnh giao (80 HTX), nâng tổng số HTX toàn tỉnh lên 652 HTX.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from kttt import fmt
from kttt.indicators.catalogue import CATALOGUE
from kttt.indicators.table import ALL_SECTORS, PROVINCE


@dataclass(frozen=True)
class Fact:
    """One province-wide indicator: value, the year before, and the target (if any)."""

    value: float | None
    previous: float | None = None
    target: float | None = None
    comparison: str = ">="
    assumed: bool = False  # the target is an assumption, not one the province set

    @property
    def has_value(self) -> bool:
        return not fmt.is_empty(self.value)

    @property
    def achievement(self) -> float | None:
        if not self.has_value or fmt.is_empty(self.target) or not self.target:
            return None
        return self.value * 100.0 / self.target  # type: ignore[operator]

    @property
    def met(self) -> bool | None:
        if self.achievement is None:
            return None
        return self.value >= self.target if self.comparison == ">=" else self.value <= self.target  # type: ignore[operator]

    @property
    def change_pct(self) -> float | None:
        if not self.has_value or fmt.is_empty(self.previous) or not self.previous:
            return None
        return (self.value - self.previous) * 100.0 / self.previous  # type: ignore[operator]


def _clean(x: object) -> float | None:
    return None if fmt.is_empty(x) else float(x)  # type: ignore[arg-type]


def facts_from_table(table: pd.DataFrame, assumed: set[str] | None = None) -> dict[str, Fact]:
    """Province-wide facts (all sectors) from :func:`kttt.indicators.compute_indicators`;
    ``assumed`` names the indicators whose target is an assumption."""
    rows = table[(table["dia_ban"] == PROVINCE) & (table["linh_vuc"] == ALL_SECTORS)]
    return {
        r.ma_chi_tieu: Fact(_clean(r.gia_tri), _clean(r.gia_tri_nam_truoc), _clean(r.chi_tieu),
                            r.so_sanh or ">=", r.ma_chi_tieu in (assumed or set()))
        for r in rows.itertuples(index=False)
    }


def assumed_targets(ctx: object) -> set[str]:
    """Indicators whose target of the context's year is assumed; a collection's roll-up (whose
    dataset has no targets file of its own) has none.

    >>> from types import SimpleNamespace
    >>> assumed_targets(SimpleNamespace(dataset=SimpleNamespace(), year=2024))
    set()
    """
    return assumed_codes(getattr(ctx.dataset, "targets", None), ctx.year)  # type: ignore[attr-defined]


def assumed_codes(targets: pd.DataFrame | None, year: int) -> set[str]:
    """Indicators whose target of ``year`` is marked assumed (``gia_dinh`` in chi_tieu.csv)."""
    if targets is None or not len(targets) or "gia_dinh" not in targets.columns:
        return set()
    rows = targets[(targets["nam"] == year) & targets["gia_dinh"].astype(bool)]
    return set(rows["ma_chi_tieu"])


_KIND = {"htx": ("HTX", "HTX", "htx_thanh_lap_moi", "htx_hien_co", "Toàn tỉnh thành lập mới"),
         "tht": ("Tổ hợp tác", "THT", "tht_thanh_lap_moi", "tht_hien_co", "Thành lập mới")}


def approx(n: float) -> str:
    """A rounded figure the way reports speak: "trên 63.000", "gần 10.000".

    >>> approx(63300), approx(9960), approx(5000), approx(412)
    ('trên 63.000', 'gần 10.000', '5.000', 'trên 400')
    >>> approx(9700), approx(1234)
    ('9.700', 'trên 1.200')
    """
    if n <= 0:
        return fmt.number(n)
    step = 10 ** max(2, int(math.log10(n)) - 1) if n >= 1000 else 100
    up = math.ceil(n / step) * step
    down = math.floor(n / step) * step
    if up == n:
        return fmt.number(n)
    if (up - n) / n <= 0.01:
        return f"gần {fmt.number(up)}"
    return f"trên {fmt.number(down)}"


def new_units_sentence(facts: dict[str, Fact], kind: str, year: int) -> str:
    """New HTX (or THT) against the target, and the total it brings the province to."""
    long, short, new_code, total_code, opener = _KIND[kind]
    new, total = facts.get(new_code, Fact(None)), facts.get(total_code, Fact(None))
    if not new.has_value:
        first = f"Chưa có số liệu về số {short} thành lập mới năm {year}"
    elif new.value == 0:
        first = f"Trong năm {year}, toàn tỉnh không thành lập mới {short} nào"
    else:
        noun = short if kind == "htx" else long
        first = f"{opener} {fmt.number(new.value)} {noun}"
        if new.achievement is not None:
            pct = fmt.percent(new.achievement)
            target = f"{fmt.number(new.target)} {short}"
            goal = "mục tiêu giả định" if new.assumed else "chỉ tiêu tỉnh giao"
            if new.met:
                first += (f", bằng {pct} so với {goal} ({target})" if kind == "htx"
                          else f", đạt {pct} {goal} ({target})")
            else:
                first += f", chỉ đạt {pct} {goal} ({target})"
    if not total.has_value:
        return first + "."
    total_text = f"{fmt.number(total.value)} {short}"
    if total.previous is None or fmt.is_empty(total.previous):
        return f"{first}; tổng số {short} toàn tỉnh là {total_text}."
    if total.value > total.previous:  # type: ignore[operator]
        return f"{first}, nâng tổng số {short} toàn tỉnh lên {total_text}."
    if total.value < total.previous:  # type: ignore[operator]
        drop = fmt.number(total.previous - total.value)  # type: ignore[operator]
        return f"{first}; tổng số {short} toàn tỉnh còn {total_text} (giảm {drop} {short} so với năm {year - 1})."
    return f"{first}; tổng số {short} toàn tỉnh giữ nguyên {total_text}."


def _change(f: Fact, year: int) -> str:
    pct = f.change_pct
    if pct is None:
        return ""
    if fmt.number(pct, 1) == "0":
        return f" (bằng năm {year - 1})"
    word = "tăng" if pct > 0 else "giảm"
    return f" ({word} {fmt.percent(abs(pct))} so với năm {year - 1})"


def _money_phrase(facts: dict[str, Fact], code: str, label: str, verb: str, year: int, per: str) -> str:
    f = facts.get(code, Fact(None))
    if not f.has_value:
        return f"chưa có số liệu {label}"
    return f"{label} {verb}{fmt.money(f.value)}/{per}{_change(f, year)}"


def economics_sentences(facts: dict[str, Fact], year: int) -> str:
    """Average revenue, profit and income of HTX and THT; members and workers."""
    parts = []
    htx = [
        _money_phrase(facts, "doanh_thu_bq_htx", "doanh thu bình quân của HTX", "đạt ", year, "HTX"),
        _money_phrase(facts, "loi_nhuan_bq_htx", "lợi nhuận bình quân", "", year, "HTX"),
    ]
    income = facts.get("thu_nhap_bq_ld_htx_thang", Fact(None))
    htx.append(f"thu nhập bình quân của người lao động {fmt.number(income.value, 1)} triệu đồng/người/tháng"
               f"{_change(income, year)}" if income.has_value
               else "chưa có số liệu thu nhập bình quân của người lao động")
    parts.append(_sentence(", ".join(htx)))
    tht = [
        _money_phrase(facts, "doanh_thu_bq_tht", "doanh thu bình quân", "đạt ", year, "THT"),
        _money_phrase(facts, "loi_nhuan_bq_tht", "lợi nhuận bình quân", "khoảng ", year, "THT"),
    ]
    income = facts.get("thu_nhap_bq_ld_tht", Fact(None))
    tht.append(f"thu nhập bình quân {fmt.number(income.value, 1)} triệu đồng/người/năm{_change(income, year)}"
               if income.has_value else "chưa có số liệu thu nhập bình quân")
    parts.append("Đối với Tổ hợp tác: " + ", ".join(tht) + ".")
    members, workers = facts.get("thanh_vien_kttt", Fact(None)), facts.get("lao_dong_htx", Fact(None))
    if members.has_value and workers.has_value:
        parts.append(f"Hiện, khu vực KTTT có {_about(members.value)} thành viên, tạo việc làm "  # type: ignore[arg-type]
                     f"thường xuyên cho {_about(workers.value)} lao động trong các HTX.")  # type: ignore[arg-type]
    return " ".join(parts)


def _about(n: float) -> str:
    """The rounded figure, with the exact one in brackets when they differ.

    >>> _about(63300), _about(59000)
    ('trên 63.000 (63.300)', '59.000')
    """
    rough = approx(n)
    return rough if rough == fmt.number(n) else f"{rough} ({fmt.number(n)})"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def quality_sentence(facts: dict[str, Fact], year: int) -> str:
    """Ratings, compliance with the law, trained managers, OCOP — against targets where set."""
    bits = []
    specs = [
        ("ty_le_htx_kha_tot", "HTX đang hoạt động được xếp loại khá, tốt"),
        ("ty_le_htx_moi_dung_luat", "HTX thành lập mới tổ chức, hoạt động theo Luật HTX"),
        ("ty_le_can_bo_htx_moi_tap_huan", "cán bộ quản lý của HTX thành lập mới được tập huấn"),
    ]
    for code, label in specs:
        f = facts.get(code, Fact(None))
        if not f.has_value:
            continue
        text = f"{fmt.percent(f.value)} {label}"
        if f.met is not None:
            goal = fmt.percent(f.target)
            text += f" ({'đạt' if f.met else 'chưa đạt'} mục tiêu {goal})"
        bits.append(text)
    ocop = facts.get("san_pham_ocop_htx", Fact(None))
    if ocop.has_value and ocop.value:
        bits.append(f"các HTX có {fmt.number(ocop.value)} sản phẩm OCOP")
    if not bits:
        return ""
    return "Về chất lượng hoạt động: " + "; ".join(bits) + "."


_TARGET_PHRASES: dict[str, str] = {
    "ty_le_htx_moi_dung_luat": "{v}% số HTX thành lập mới tổ chức, hoạt động theo quy định của Luật HTX",
    "ty_le_can_bo_htx_moi_tap_huan": "{v}% thành viên làm công tác quản lý trong các HTX thành lập mới "
                                     "được tập huấn, bồi dưỡng kiến thức về quản lý và nghiệp vụ chuyên môn",
    "ty_le_htx_kha_tot": "{v}% {dir} tổng số HTX đang hoạt động xếp loại khá trở lên",
    "thu_nhap_bq_ld_htx": "thu nhập bình quân của thành viên và người lao động trong HTX đạt {v} "
                          "triệu đồng/người/năm {dir}",
    "thu_nhap_bq_ld_tht": "đối với Tổ hợp tác đạt {v} triệu đồng/người/năm {dir}",
    "lao_dong_htx": "tạo việc làm cho khoảng {v} lao động thường xuyên trong các HTX",
}
_TARGET_ORDER = ["tht_thanh_lap_moi", "htx_thanh_lap_moi", "ty_le_htx_moi_dung_luat",
                 "ty_le_can_bo_htx_moi_tap_huan", "ty_le_htx_kha_tot", "thu_nhap_bq_ld_htx",
                 "thu_nhap_bq_ld_tht", "lao_dong_htx"]


def target_phrase(code: str, value: float, comparison: str = ">=") -> str:
    """One target in words.

    >>> target_phrase("ty_le_htx_kha_tot", 61)
    '61% trở lên tổng số HTX đang hoạt động xếp loại khá trở lên'
    >>> target_phrase("htx_hien_co", 700)
    'số HTX hiện có đạt 700 HTX trở lên'
    """
    direction = "trở lên" if comparison == ">=" else "trở xuống"
    meta = CATALOGUE[code]
    shown = fmt.number(value, 1)
    if code in _TARGET_PHRASES:
        return _TARGET_PHRASES[code].format(v=shown, dir=direction).strip()
    name = meta.name_vi[0].lower() + meta.name_vi[1:]
    return f"{name} đạt {fmt.value(code, value)} {direction}"


def targets_sentence(targets: pd.DataFrame, year: int) -> str:
    """Next year's targets (``year`` is the target year), as the published report lists them.

    >>> t = pd.DataFrame({"nam": [2023, 2023], "ma_chi_tieu": ["htx_thanh_lap_moi", "tht_thanh_lap_moi"],
    ...                   "gia_tri": [80.0, 300.0], "so_sanh": [">=", ">="], "nguon": ["BCĐ", "BCĐ"]})
    >>> targets_sentence(t, 2023)
    'Năm 2023, BCĐ phát triển KTTT tỉnh đặt mục tiêu: thành lập mới 300 THT và 80 HTX.'
    """
    if targets is None or targets.empty:
        return ""
    rows = targets[targets["nam"] == year].drop_duplicates("ma_chi_tieu", keep="last")
    if rows.empty:
        return ""
    goals = {r.ma_chi_tieu: (float(r.gia_tri), r.so_sanh or ">=") for r in rows.itertuples(index=False)}
    phrases = []
    new_bits = [f"{fmt.number(goals[c][0])} {u}" for c, u in (("tht_thanh_lap_moi", "THT"), ("htx_thanh_lap_moi", "HTX"))
                if c in goals]
    if new_bits:
        phrases.append("thành lập mới " + " và ".join(new_bits))
    ordered = [c for c in _TARGET_ORDER if c in goals and not c.endswith("thanh_lap_moi")]
    ordered += sorted(c for c in goals if c not in _TARGET_ORDER)
    phrases += [target_phrase(c, *goals[c]) for c in ordered]
    sources = " ".join(str(s) for s in rows["nguon"])
    if "gia_dinh" in rows.columns and rows["gia_dinh"].astype(bool).all():
        return f"Năm {year}, mục tiêu giả định (chưa có chỉ tiêu được giao): " + "; ".join(phrases) + "."
    subject = "BCĐ phát triển KTTT tỉnh" if "BCĐ" in sources else "tỉnh"
    return f"Năm {year}, {subject} đặt mục tiêu: " + "; ".join(phrases) + "."


def paragraphs(table: pd.DataFrame, year: int, targets: pd.DataFrame | None = None, info=None,  # noqa: ANN001
               new_boundaries: bool = False, next_year: bool = True) -> list[str]:
    """The overview's paragraphs for ``year``; the last one lists year + 1's targets. An
    estimate year (``info``: a :class:`~kttt.load.YearInfo`) opens with "Ước thực hiện năm Y
    (số liệu đến …)"; comparisons across a boundary change say they are on the new boundaries.

    >>> from kttt.config import SAMPLE_DATASET
    >>> from kttt.load import load_dataset
    >>> from kttt.indicators import compute_indicators
    >>> ds = load_dataset(SAMPLE_DATASET, years=[2021, 2022])
    >>> text = " ".join(paragraphs(compute_indicators(ds, 2022), 2022, ds.targets))
    >>> "Toàn tỉnh thành lập mới 97 HTX, bằng 121,2% so với chỉ tiêu tỉnh giao (80 HTX)" in text
    True
    """
    facts = facts_from_table(table, assumed_codes(targets, year))
    first = new_units_sentence(facts, "htx", year) + " " + new_units_sentence(facts, "tht", year)
    if info is not None and info.is_estimate:
        first = f"Ước thực hiện năm {year} (số liệu đến {fmt.date(info.data_date)}): " + first[:1].lower() + first[1:]
    if new_boundaries:
        first += f" Các so sánh với năm {year - 1} tính trên địa giới hành chính mới."
    dissolved = facts.get("htx_giai_the", Fact(None))
    ended = facts.get("tht_cham_dut", Fact(None))
    if dissolved.has_value and ended.has_value and (dissolved.value or ended.value):
        first += (f" Trong năm có {fmt.number(dissolved.value)} HTX giải thể và "
                  f"{fmt.number(ended.value)} THT chấm dứt hoạt động.")
    out = [first, economics_sentences(facts, year)]
    quality = quality_sentence(facts, year)
    if quality:
        out.append(quality)
    goals = targets_sentence(targets, year + 1) if targets is not None and next_year else ""
    if goals:
        out.append(goals)
    return out
