"""The seeded generator of the synthetic samples (``data/yen_bai``, ``data/lao_cai``).

Every register in the samples is SYNTHETIC (``mo_phong: true``): invented cooperatives with
invented names and figures, calibrated so that the province-wide totals reproduce the real
published figures. In ``data/yen_bai`` (the former Tỉnh Yên Bái, 2020–2024), 2022 reads 97 new
HTX, 652 HTX, 627 new THT, 5.894 THT, average revenue 2.100 triệu đồng/HTX, profit 450, income
5,3 triệu đồng/người/tháng, THT revenue 350, profit 100, income 48 triệu đồng/người/năm, more
than 63.000 members and close to 10.000 workers. ``data/lao_cai`` is the new Tỉnh Lào Cai
(from 1/7/2025) 2020–2026: before 2025 two register parts per year, the former Lào Cai and the
former Yên Bái — the same cooperatives and figures as ``data/yen_bai`` —; 2025 on the 99 new
communes (71 new HTX: 14 in former Lào Cai, 57 in former Yên Bái; about 1.440 HTX; 3 unions;
over 8.400 THT); 2026 an estimate year at 30/11/2026. The administrative units, their codes
and the crosswalk are real (:mod:`kttt.reference`), and so are the published figures.

Regenerate byte for byte with ``make sample`` (``python -m kttt.sample data/yen_bai`` and
``python -m kttt.sample --lao-cai data/lao_cai``).

>>> p = YEN_BAI
>>> p.htx_existing(2022), p.tht_existing(2022)
(652, 5894)
>>> YEN_BAI_MERGED.htx_existing(2025) + LAO_CAI_CU.htx_existing(2025)
1440
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import xlsxwriter

from kttt import reference
from kttt.geography import _short_name
from kttt.reference import FormerCommune

SEED = 20230110  # the day the 2022 report was presented
LAO_CAI_SEED = 20250701  # the day the new province took effect

# ---------------------------------------------------------------------------- real units

UnitSpec = tuple[str, str, str, tuple[FormerCommune, ...], float]  # code, name, other names, communes, weight

YB_DISTRICTS: tuple[tuple[str, str, str, float], ...] = (
    # code, name as the province writes it, other spellings, weight of cooperatives
    ("132", "Thành phố Yên Bái", "TP Yên Bái|TP. Yên Bái|Tp Yên Bái", 0.10),
    ("133", "Thị xã Nghĩa Lộ", "TX Nghĩa Lộ|TX. Nghĩa Lộ|Nghĩa Lộ", 0.06),
    ("135", "Huyện Lục Yên", "Lục Yên|H. Lục Yên", 0.12),
    ("136", "Huyện Văn Yên", "Văn Yên|H. Văn Yên", 0.14),
    ("137", "Huyện Mù Cang Chải", "Mù Cang Chải|H. Mù Cang Chải|Huyện Mù Căng Chải|Mù Căng Chải", 0.05),
    ("138", "Huyện Trấn Yên", "Trấn Yên|H. Trấn Yên", 0.15),
    ("139", "Huyện Trạm Tấu", "Trạm Tấu|H. Trạm Tấu", 0.04),
    ("140", "Huyện Văn Chấn", "Văn Chấn|H. Văn Chấn", 0.19),
    ("141", "Huyện Yên Bình", "Yên Bình|H. Yên Bình", 0.15),
)
LC_DISTRICTS: tuple[tuple[str, str, str, float], ...] = (
    ("080", "Thành phố Lào Cai", "TP Lào Cai|TP. Lào Cai", 0.14),
    ("082", "Huyện Bát Xát", "Bát Xát|H. Bát Xát", 0.11),
    ("083", "Huyện Mường Khương", "Mường Khương|H. Mường Khương", 0.09),
    ("084", "Huyện Si Ma Cai", "Si Ma Cai|H. Si Ma Cai", 0.06),
    ("085", "Huyện Bắc Hà", "Bắc Hà|H. Bắc Hà", 0.11),
    ("086", "Huyện Bảo Thắng", "Bảo Thắng|H. Bảo Thắng", 0.15),
    ("087", "Huyện Bảo Yên", "Bảo Yên|H. Bảo Yên", 0.12),
    ("088", "Thị xã Sa Pa", "TX Sa Pa|TX. Sa Pa|Sa Pa", 0.10),
    ("089", "Huyện Văn Bàn", "Văn Bàn|H. Văn Bàn", 0.12),
)


def _units(districts: tuple[tuple[str, str, str, float], ...]) -> tuple[UnitSpec, ...]:
    return tuple((code, name, others, reference.communes_of(code), weight) for code, name, others, weight in districts)


UNITS: tuple[UnitSpec, ...] = _units(YB_DISTRICTS)

SECTORS_HTX = {"nong_nghiep": 0.62, "cn_ttcn": 0.19, "thuong_mai_dich_vu": 0.09, "van_tai": 0.05,
               "xay_dung": 0.025, "moi_truong": 0.015, "khac": 0.01}
SECTORS_THT = {"nong_nghiep": 0.76, "cn_ttcn": 0.08, "thuong_mai_dich_vu": 0.06, "van_tai": 0.03,
               "xay_dung": 0.04, "moi_truong": 0.02, "khac": 0.01}
NAME_WORDS = {
    "nong_nghiep": ("Nông nghiệp", "Chè", "Quế", "Chăn nuôi", "Nông lâm nghiệp",
                    "Dịch vụ nông nghiệp", "Trồng trọt", "Sâm", "Măng tre", "Thủy sản",
                    "Cây ăn quả", "Gạo nếp", "Dược liệu", "Nông sản sạch"),
    "cn_ttcn": ("Chế biến chè", "Chế biến gỗ", "Mộc", "Dệt thổ cẩm", "Chế biến quế",
                "Chế biến lâm sản", "Gạch không nung", "Cơ khí"),
    "thuong_mai_dich_vu": ("Thương mại dịch vụ", "Dịch vụ tổng hợp", "Du lịch cộng đồng"),
    "van_tai": ("Vận tải", "Vận tải hành khách"),
    "xay_dung": ("Xây dựng", "Xây dựng và thương mại"),
    "moi_truong": ("Vệ sinh môi trường", "Dịch vụ môi trường"),
    "khac": ("Dịch vụ điện", "Nước sạch"),
    "tin_dung": ("Quỹ tín dụng nhân dân",),
}
THT_WORDS = {
    "nong_nghiep": ("trồng chè", "trồng quế", "chăn nuôi", "trồng rừng", "nuôi cá", "trồng lúa",
                    "trồng măng", "nuôi ong", "trồng rau", "trồng cây ăn quả"),
    "cn_ttcn": ("dệt thổ cẩm", "mộc", "đan lát", "chế biến chè"),
    "thuong_mai_dich_vu": ("dịch vụ", "du lịch homestay", "buôn bán nông sản"),
    "van_tai": ("vận tải",),
    "xay_dung": ("xây dựng", "thợ nề"),
    "moi_truong": ("vệ sinh môi trường",),
    "khac": ("dùng nước",),
}
SUFFIXES = ("", "", "", " Hưng Phát", " Thành Công", " Đoàn Kết", " Tiến Bộ", " Xanh",
            " Bình Minh", " Thịnh Vượng", " An Phát", " Hợp Lực")


@dataclass(frozen=True)
class Profile:
    """Yearly flows and province totals the generated registers reproduce."""

    name: str
    ma_tinh: str
    years: tuple[int, ...]
    htx_existing_before: int  # HTX + QTDND at 31/12 of the year before the first
    qtdnd: int
    qtdnd_dissolved: dict[int, int]
    lhhtx_founded: tuple[int, ...]
    htx_new: dict[int, int]
    htx_dissolved: dict[int, int]
    htx_suspended: dict[int, int]
    tht_existing_before: int
    tht_new: dict[int, int]
    tht_ended: dict[int, int]
    members_htx: dict[int, int]
    members_tht: dict[int, int]
    workers_htx: dict[int, int]
    capital_htx: dict[int, int]
    revenue_htx: dict[int, float]
    profit_htx: dict[int, float]
    income_htx: dict[int, float]  # triệu đồng/người/năm
    revenue_tht: dict[int, float]
    profit_tht: dict[int, float]
    income_tht: dict[int, float]
    good_share: dict[int, float]
    csv_year: int | None = None
    units: tuple[UnitSpec, ...] = UNITS
    extra: dict[str, str] = field(default_factory=dict)
    tax_prefix: str = "52"  # HTX codes are tax codes: 52… in Yên Bái, 53… in Lào Cai
    lhhtx_dissolved: dict[int, int] = field(default_factory=dict)

    def htx_existing(self, year: int) -> int:
        total = self.htx_existing_before
        for y in self.years:
            total += self.htx_new[y] - self.htx_dissolved[y]
            if y == year:
                return total
        raise KeyError(year)

    def tht_existing(self, year: int) -> int:
        total = self.tht_existing_before
        for y in self.years:
            total += self.tht_new[y] - self.tht_ended[y]
            if y == year:
                return total
        raise KeyError(year)


YEN_BAI = Profile(
    name="Tỉnh Yên Bái", ma_tinh="15", years=(2020, 2021, 2022, 2023, 2024),
    htx_existing_before=435, qtdnd=17, qtdnd_dissolved={2023: 1}, lhhtx_founded=(2016, 2019, 2023),
    htx_new={2020: 75, 2021: 90, 2022: 97, 2023: 95, 2024: 112},
    htx_dissolved={2020: 10, 2021: 20, 2022: 15, 2023: 20, 2024: 8},
    htx_suspended={2020: 35, 2021: 41, 2022: 38, 2023: 40, 2024: 36},
    tht_existing_before=5050,
    tht_new={2020: 520, 2021: 550, 2022: 627, 2023: 350, 2024: 574},
    tht_ended={2020: 270, 2021: 283, 2022: 300, 2023: 944, 2024: 20},
    members_htx={2020: 28000, 2021: 29500, 2022: 31200, 2023: 32000, 2024: 33500},
    members_tht={2020: 29000, 2021: 30500, 2022: 32100, 2023: 27000, 2024: 29800},
    workers_htx={2020: 7780, 2021: 8900, 2022: 9960, 2023: 9600, 2024: 10100},
    capital_htx={2020: 900_000, 2021: 1_100_000, 2022: 1_300_000, 2023: 1_481_000, 2024: 2_109_000},
    revenue_htx={2020: 1900, 2021: 2000, 2022: 2100, 2023: 2100, 2024: 2200},
    profit_htx={2020: 400, 2021: 420, 2022: 450, 2023: 450, 2024: 470},
    income_htx={2020: 58.8, 2021: 61.2, 2022: 63.6, 2023: 63.6, 2024: 63.6},
    revenue_tht={2020: 300, 2021: 320, 2022: 350, 2023: 365, 2024: 385},
    profit_tht={2020: 85, 2021: 90, 2022: 100, 2023: 105, 2024: 110},
    income_tht={2020: 44.0, 2021: 46.0, 2022: 48.0, 2023: 50.0, 2024: 51.6},
    good_share={2020: 0.55, 2021: 0.57, 2022: 0.59, 2023: 0.62, 2024: 0.64},
    csv_year=2021,
)


def _more(base: dict, more: dict) -> dict:
    return {**base, **more}


# The former Yên Bái inside the new province: the same history, then 2025 (57 new HTX, as the
# provincial cooperative alliance published) and the estimate year 2026 (to 30/11).
YEN_BAI_MERGED = replace(
    YEN_BAI, years=(*YEN_BAI.years, 2025, 2026),
    htx_new=_more(YEN_BAI.htx_new, {2025: 57, 2026: 52}),
    htx_dissolved=_more(YEN_BAI.htx_dissolved, {2025: 10, 2026: 9}),
    htx_suspended=_more(YEN_BAI.htx_suspended, {2025: 38, 2026: 40}),
    tht_new=_more(YEN_BAI.tht_new, {2025: 360, 2026: 300}),
    tht_ended=_more(YEN_BAI.tht_ended, {2025: 1250, 2026: 90}),
    members_htx=_more(YEN_BAI.members_htx, {2025: 34200, 2026: 34800}),
    members_tht=_more(YEN_BAI.members_tht, {2025: 25300, 2026: 26200}),
    workers_htx=_more(YEN_BAI.workers_htx, {2025: 10300, 2026: 10500}),
    capital_htx=_more(YEN_BAI.capital_htx, {2025: 2_180_000, 2026: 2_250_000}),
    revenue_htx=_more(YEN_BAI.revenue_htx, {2025: 2250, 2026: 2300}),
    profit_htx=_more(YEN_BAI.profit_htx, {2025: 480, 2026: 490}),
    income_htx=_more(YEN_BAI.income_htx, {2025: 64.8, 2026: 66.0}),
    revenue_tht=_more(YEN_BAI.revenue_tht, {2025: 395, 2026: 405}),
    profit_tht=_more(YEN_BAI.profit_tht, {2025: 112, 2026: 115}),
    income_tht=_more(YEN_BAI.income_tht, {2025: 52.8, 2026: 54.0}),
    good_share=_more(YEN_BAI.good_share, {2025: 0.65, 2026: 0.66}),
    lhhtx_dissolved={2025: 1},
)

# The former Lào Cai, calibrated to its published figures where they exist (so_lieu_cong_bo.csv
# of data/lao_cai: 403 HTX and 8.740 THT in 10/2020, 435 HTX in 2021, 505 HTX in 9/2023, 7.735
# THT in 6/2023, revenue 773 / profit 93 triệu đồng in 2021, 14 new HTX in 2025, …). From 2024
# many groups end (re-registration under the 2023 Law on Cooperatives): without it the new
# province could not have "over 8.400 THT" in 2025 with the former Yên Bái's 5.000 — the
# sources disagree, and the sample follows the figure of the new province.
LAO_CAI_CU = Profile(
    name="Tỉnh Lào Cai (cũ)", ma_tinh="10", years=(2020, 2021, 2022, 2023, 2024, 2025, 2026),
    htx_existing_before=385, qtdnd=2, qtdnd_dissolved={}, lhhtx_founded=(2023,),
    htx_new={2020: 35, 2021: 45, 2022: 45, 2023: 50, 2024: 52, 2025: 14, 2026: 30},
    htx_dissolved={2020: 10, 2021: 12, 2022: 14, 2023: 12, 2024: 8, 2025: 8, 2026: 6},
    htx_suspended={2020: 128, 2021: 120, 2022: 115, 2023: 125, 2024: 120, 2025: 110, 2026: 105},
    tht_existing_before=8800,
    tht_new={2020: 500, 2021: 420, 2022: 380, 2023: 350, 2024: 300, 2025: 250, 2026: 220},
    tht_ended={2020: 560, 2021: 700, 2022: 800, 2023: 750, 2024: 4300, 2025: 400, 2026: 80},
    members_htx={2020: 5400, 2021: 6000, 2022: 7045, 2023: 7678, 2024: 7300, 2025: 7400, 2026: 7600},
    members_tht={2020: 86000, 2021: 84000, 2022: 81000, 2023: 77000, 2024: 38000, 2025: 38600, 2026: 39000},
    workers_htx={2020: 7300, 2021: 7800, 2022: 8806, 2023: 9229, 2024: 9500, 2025: 9700, 2026: 9900},
    capital_htx={2020: 280_000, 2021: 310_000, 2022: 340_000, 2023: 375_000, 2024: 410_000, 2025: 430_000,
                 2026: 450_000},
    revenue_htx={2020: 700, 2021: 773, 2022: 765, 2023: 928, 2024: 980, 2025: 1000, 2026: 1050},
    profit_htx={2020: 85, 2021: 93, 2022: 88.2, 2023: 100, 2024: 105, 2025: 110, 2026: 115},
    income_htx={2020: 46.0, 2021: 38.0, 2022: 46.8, 2023: 45.0, 2024: 48.0, 2025: 50.4, 2026: 52.8},
    revenue_tht={2020: 180, 2021: 190, 2022: 200, 2023: 210, 2024: 220, 2025: 230, 2026: 240},
    profit_tht={2020: 50, 2021: 52, 2022: 55, 2023: 58, 2024: 60, 2025: 62, 2026: 64},
    income_tht={2020: 36.0, 2021: 37.2, 2022: 38.4, 2023: 39.6, 2024: 40.8, 2025: 42.0, 2026: 43.2},
    good_share={2020: 0.45, 2021: 0.47, 2022: 0.50, 2023: 0.52, 2024: 0.54, 2025: 0.56, 2026: 0.58},
    units=_units(LC_DISTRICTS), tax_prefix="53",
)

# ---------------------------------------------------------------------------- helpers


def allocate(total: int, weights: np.ndarray, minimum: int = 0) -> np.ndarray:
    """Split an integer ``total`` by ``weights`` (largest remainder), each ≥ ``minimum``.

    >>> allocate(10, np.array([1.0, 1.0, 2.0])).tolist()
    [3, 2, 5]
    >>> int(allocate(1000, np.ones(7), minimum=5).sum())
    1000
    """
    n = len(weights)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    spare = total - minimum * n
    if spare < 0:
        raise ValueError("total below the minimum")
    share = spare * weights / weights.sum()
    base = np.floor(share).astype(np.int64)
    left = int(spare - base.sum())
    order = np.argsort(-(share - base), kind="stable")
    base[order[:left]] += 1
    return base + minimum


def exact_mean(values: np.ndarray, mean: float, decimals: int = 0) -> np.ndarray:
    """Scale values to ``mean``, round, and put the rounding residual on the largest one.

    The result's mean equals ``mean`` exactly when ``mean × n`` is a whole number of units.

    >>> v = exact_mean(np.array([1.0, 2.0, 3.0, 10.0]), 2100)
    >>> float(v.mean()), v.tolist()
    (2100.0, [525.0, 1050.0, 1575.0, 5250.0])
    """
    if len(values) == 0:
        return values
    scaled = values * (mean * len(values) / values.sum())
    rounded = np.round(scaled, decimals)
    target = round(mean * len(values), decimals)
    biggest = int(np.argmax(np.abs(rounded)))
    rounded[biggest] = round(rounded[biggest] + (target - rounded.sum()), decimals)
    return rounded


def weighted_to(values: np.ndarray, weights: np.ndarray, mean: float, decimals: int = 1) -> np.ndarray:
    """Scale values so that Σ(v·w)/Σw = ``mean``, then round.

    >>> float(np.round(weighted_to(np.array([50.0, 70.0]), np.array([1, 3]), 63.6).round(1)[0], 1))
    48.9
    """
    if len(values) == 0 or weights.sum() == 0:
        return values
    current = (values * weights).sum() / weights.sum()
    return np.round(values * (mean / current), decimals)


def _random_date(rng: np.random.Generator, year: int, start: dt.date | None = None,
                 end: dt.date | None = None) -> dt.date:
    first = dt.date(year, 1, 1) if start is None else max(start, dt.date(year, 1, 1))
    last = dt.date(year, 12, 31) if end is None else end
    days = (last - first).days
    return first + dt.timedelta(days=int(rng.integers(0, days + 1)))


# ---------------------------------------------------------------------------- the entities

@dataclass
class _Entity:
    code: str
    kind: str  # htx, qtdnd, lhhtx, tht
    name: str
    unit: int  # index into profile.units
    commune: FormerCommune  # the seat's former commune (the new one follows by the crosswalk)
    sector: str
    founded: dt.date
    ended: dt.date | None = None
    size: float = 1.0
    ocop: int = 0
    ocop_since: int = 0
    managers: int = 3


def _pick(rng: np.random.Generator, probs: dict[str, float]) -> str:
    keys = list(probs)
    p = np.array([probs[k] for k in keys])
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _seat(rng: np.random.Generator, profile: Profile) -> tuple[int, FormerCommune]:
    weights = np.array([u[4] for u in profile.units])
    unit = int(rng.choice(len(profile.units), p=weights / weights.sum()))
    communes = profile.units[unit][3]
    return unit, communes[int(rng.integers(0, len(communes)))]


def _make_htx(rng: np.random.Generator, profile: Profile, seq: int, kind: str, founded: dt.date,
              used: set[str]) -> _Entity:
    unit, commune = _seat(rng, profile)
    place = _short_name(commune.name) or commune.name
    sector = "tin_dung" if kind == "qtdnd" else _pick(rng, SECTORS_HTX)
    if kind == "qtdnd":
        name = f"Quỹ tín dụng nhân dân {place}"
    elif kind == "lhhtx":
        name = f"Liên hiệp HTX {str(rng.choice(NAME_WORDS[sector]))} {profile.units[unit][1].split(' ', 1)[1]}"
    else:
        name = f"HTX {str(rng.choice(NAME_WORDS[sector]))} {place}{str(rng.choice(SUFFIXES))}"
    base, k = name, 2
    while name in used:
        name, k = f"{base} {k}", k + 1
    used.add(name)
    code = f"{profile.tax_prefix}{(7_000_000 + seq * 7919) % 100_000_000:08d}"
    size = float(rng.lognormal(0.0, 0.6)) * (12.0 if kind == "qtdnd" else 1.0)
    ocop = int(rng.integers(1, 4)) if rng.random() < 0.2 and kind == "htx" else 0
    since = max(founded.year + 1, int(rng.integers(2019, 2026)))
    return _Entity(code, kind, name, unit, commune, sector, founded, size=size, ocop=ocop,
                   ocop_since=since, managers=int(rng.integers(3, 8)))


def _make_tht(rng: np.random.Generator, profile: Profile, seq: int, founded: dt.date) -> _Entity:
    unit, commune = _seat(rng, profile)
    sector = _pick(rng, SECTORS_THT)
    village = int(rng.integers(1, 16))
    name = f"THT {str(rng.choice(THT_WORDS[sector]))} thôn {village} {_short_name(commune.name) or commune.name}"
    code = f"THT-{profile.units[unit][0]}-{seq:05d}"
    return _Entity(code, "tht", name, unit, commune, sector, founded,
                   size=float(rng.lognormal(0.0, 0.45)))


def _pre_founding(rng: np.random.Generator, first_year: int) -> dt.date:
    years = np.arange(1997, first_year)
    weights = np.where(years >= 2013, 3.0, 1.0)
    year = int(rng.choice(years, p=weights / weights.sum()))
    return _random_date(rng, year)


@dataclass
class History:
    """Every entity of a province with its whole history, and the suspended HTX per year."""

    htx: list[_Entity]
    tht: list[_Entity]
    suspended: dict[int, set[str]]
    used: set[str] = field(default_factory=set)
    seq: int = 0
    tseq: int = 0


def _htx_year(rng: np.random.Generator, profile: Profile, h: History, year: int, end: dt.date | None = None) -> None:
    """One year of cooperatives: dissolutions (suspended ones first), foundings, suspensions."""
    htx, previous = h.htx, h.suspended.get(year - 1, set())
    alive = [e for e in htx if e.kind != "lhhtx" and e.founded.year < year and e.ended is None]
    n_fund = profile.qtdnd_dissolved.get(year, 0)
    funds = [e for e in alive if e.kind == "qtdnd"]
    for e in [funds[int(i)] for i in rng.choice(len(funds), n_fund, replace=False)]:
        e.ended = _random_date(rng, year, end=end)
    coops = [e for e in alive if e.kind == "htx"]
    prio = np.array([8.0 if e.code in previous else 1.0 for e in coops])
    chosen = rng.choice(len(coops), profile.htx_dissolved[year] - n_fund, replace=False, p=prio / prio.sum())
    for i in sorted(int(i) for i in chosen):
        coops[i].ended = _random_date(rng, year, end=end)
    unions = [e for e in htx if e.kind == "lhhtx" and e.ended is None and e.founded.year < year]
    for e in unions[:profile.lhhtx_dissolved.get(year, 0)]:
        e.ended = _random_date(rng, year, end=end)
    for _ in range(profile.htx_new[year]):
        h.seq += 1
        htx.append(_make_htx(rng, profile, h.seq, "htx", _random_date(rng, year, end=end), h.used))
    candidates = [e for e in htx if e.kind == "htx" and e.ended is None and e.founded.year < year]
    prio = np.array([10.0 if e.code in previous else 1.0 for e in candidates])
    picked = rng.choice(len(candidates), profile.htx_suspended[year], replace=False, p=prio / prio.sum())
    h.suspended[year] = {candidates[int(i)].code for i in picked}


def _tht_year(rng: np.random.Generator, profile: Profile, h: History, year: int, end: dt.date | None = None) -> None:
    """One year of cooperative groups: terminations, then foundings."""
    alive = [e for e in h.tht if e.founded.year < year and e.ended is None]
    for i in sorted(int(i) for i in rng.choice(len(alive), profile.tht_ended[year], replace=False)):
        alive[i].ended = _random_date(rng, year, end=end)
    for _ in range(profile.tht_new[year]):
        h.tseq += 1
        h.tht.append(_make_tht(rng, profile, h.tseq, _random_date(rng, year, end=end)))


def build_entities(profile: Profile, seed: int = SEED, years: tuple[int, ...] | None = None) -> History:
    """Cooperatives (with funds and unions) and groups with their history over ``years``
    (the profile's by default): the HTX of every year first, then the THT — one random stream."""
    years = years or profile.years
    rng = np.random.default_rng(seed)
    first = years[0]
    h = History([], [], {})
    for _ in range(profile.qtdnd):
        h.seq += 1
        h.htx.append(_make_htx(rng, profile, h.seq, "qtdnd", _random_date(rng, int(rng.integers(1995, 2006))), h.used))
    for _ in range(profile.htx_existing_before - profile.qtdnd):
        h.seq += 1
        h.htx.append(_make_htx(rng, profile, h.seq, "htx", _pre_founding(rng, first), h.used))
    for year in profile.lhhtx_founded:
        h.seq += 1
        h.htx.append(_make_htx(rng, profile, h.seq, "lhhtx", _random_date(rng, year), h.used))
    for year in years:
        _htx_year(rng, profile, h, year)
    for _ in range(profile.tht_existing_before):
        h.tseq += 1
        h.tht.append(_make_tht(rng, profile, h.tseq, _random_date(rng, int(rng.integers(2008, first)))))
    for year in years:
        _tht_year(rng, profile, h, year)
    return h


def extend_entities(profile: Profile, h: History, years: tuple[int, ...], seed: int,
                    ends: dict[int, dt.date] | None = None) -> History:
    """Continue a history over more years with a random stream of its own (the earlier years
    stay exactly as they were); ``ends`` caps a year's events at its data date."""
    for year in years:
        rng = np.random.default_rng([seed, year, 25])
        end = (ends or {}).get(year)
        _htx_year(rng, profile, h, year, end)
        _tht_year(rng, profile, h, year, end)
    return h


# ---------------------------------------------------------------------------- yearly rows

def _in_year(e: _Entity, year: int) -> bool:
    return e.founded.year <= year and (e.ended is None or e.ended.year >= year)


def htx_rows(profile: Profile, entities: list[_Entity], suspended: set[str], year: int,
             rng: np.random.Generator) -> list[dict[str, object]]:
    """One year's cooperative register (typed values, keys of the contract)."""
    rows = [e for e in entities if _in_year(e, year)]
    status = []
    for e in rows:
        if e.ended is not None and e.ended.year == year:
            status.append("giai_the")
        elif e.code in suspended:
            status.append("ngung_hoat_dong")
        else:
            status.append("dang_hoat_dong")
    status_a = np.array(status)
    kind = np.array([e.kind for e in rows])
    size = np.array([e.size for e in rows]) * rng.lognormal(0.0, 0.15, len(rows))
    counted = kind != "lhhtx"
    existing = counted & (status_a != "giai_the")
    operating = existing & (status_a == "dang_hoat_dong")
    n = len(rows)

    members = np.zeros(n, dtype=np.int64)
    members[existing] = allocate(profile.members_htx[year], size[existing], minimum=7)
    members[~existing] = np.maximum(7, (size[~existing] * 20).astype(np.int64))
    workers = np.zeros(n, dtype=np.int64)
    workers[operating] = allocate(profile.workers_htx[year], size[operating] ** 0.8, minimum=2)
    workers[existing & ~operating] = (rng.random(int((existing & ~operating).sum())) < 0.5).astype(np.int64)
    workers[kind == "lhhtx"] = rng.integers(5, 20, int((kind == "lhhtx").sum()))
    capital = np.full(n, np.nan)
    capital_reported = existing & (rng.random(n) < 0.97)
    capital[capital_reported] = exact_mean(size[capital_reported] ** 1.1,
                                           profile.capital_htx[year] / capital_reported.sum(), 0)
    capital[kind == "lhhtx"] = rng.integers(2, 20, int((kind == "lhhtx").sum())) * 500.0
    reports = operating & (rng.random(n) < 0.92)
    revenue = np.full(n, np.nan)
    revenue[reports] = exact_mean(size[reports] * rng.lognormal(0.0, 0.35, int(reports.sum())),
                                  profile.revenue_htx[year], 0)
    profit_raw = revenue[reports] * rng.normal(0.21, 0.06, int(reports.sum()))
    losers = rng.random(int(reports.sum())) < 0.05
    profit_raw[losers] = -np.abs(profit_raw[losers]) * 0.3
    profit = np.full(n, np.nan)
    profit[reports] = exact_mean(profit_raw, profile.profit_htx[year], 0 if float(profile.profit_htx[year]).is_integer()
                                 else 1)
    income_reported = reports & (rng.random(n) < 0.95)
    income = np.full(n, np.nan)
    raw_income = np.clip(rng.normal(profile.income_htx[year], 11.0, int(income_reported.sum())), 30.0, None)
    income[income_reported] = weighted_to(raw_income, workers[income_reported], profile.income_htx[year])
    # small figures for the few suspended or dissolved ones that still reported
    late = (existing & ~operating) & (rng.random(n) < 0.3)
    revenue[late] = np.round(size[late] * 120.0)

    new = np.array([e.founded.year == year for e in rows])
    ratings = np.full(n, "", dtype=object)
    rated = operating & ~new & (kind == "htx")
    r = rng.random(n)
    good = profile.good_share[year]
    ratings[rated] = np.where(r[rated] < good * 0.42, "tot", np.where(
        r[rated] < good, "kha", np.where(r[rated] < good + (1 - good) * 0.72, "trung_binh", "yeu")))
    ratings[(operating & new) | (existing & ~operating)] = "khong_xep_loai"
    ratings[kind == "qtdnd"] = np.where(r[kind == "qtdnd"] < 0.8, "tot", "kha")
    ratings[kind == "lhhtx"] = ""
    law = np.where(new, rng.random(n) < 0.97, rng.random(n) < 0.9)
    managers = np.array([e.managers for e in rows])
    trained = np.where(new & (rng.random(n) < 0.9), managers,
                       np.floor(managers * rng.uniform(0.3, 1.0, n)).astype(np.int64))
    out = []
    for i, e in enumerate(rows):
        out.append({
            "ma_htx": e.code, "ten_htx": e.name, "loai_hinh": e.kind, "don_vi": e.unit,
            "xa": e.commune, "linh_vuc": e.sector, "ngay_thanh_lap": e.founded,
            "ngay_giai_the": e.ended if status[i] == "giai_the" else None,
            "trang_thai": status[i], "so_thanh_vien": int(members[i]), "so_lao_dong": int(workers[i]),
            "von_dieu_le": None if np.isnan(capital[i]) else float(capital[i]),
            "doanh_thu": None if np.isnan(revenue[i]) else float(revenue[i]),
            "loi_nhuan": None if np.isnan(profit[i]) else float(profit[i]),
            "thu_nhap_bq": None if np.isnan(income[i]) else float(income[i]),
            "xep_loai": ratings[i] or None,
            "dung_luat": bool(law[i]) if status[i] != "giai_the" else None,
            "so_can_bo_quan_ly": int(managers[i]), "so_can_bo_tap_huan": int(trained[i]),
            "so_san_pham_ocop": e.ocop if year >= e.ocop_since else 0,
        })
    return out


def tht_rows(profile: Profile, entities: list[_Entity], year: int,
             rng: np.random.Generator) -> list[dict[str, object]]:
    """One year's cooperative-group register."""
    rows = [e for e in entities if _in_year(e, year)]
    n = len(rows)
    ended = np.array([e.ended is not None and e.ended.year == year for e in rows])
    existing = ~ended
    size = np.array([e.size for e in rows]) * rng.lognormal(0.0, 0.1, n)
    members = np.zeros(n, dtype=np.int64)
    members[existing] = allocate(profile.members_tht[year], size[existing], minimum=2)
    members[ended] = np.maximum(2, np.round(size[ended] * 5)).astype(np.int64)
    workers = np.where(existing, np.maximum(1, np.round(size * 2.2)).astype(np.int64), 0)
    reports = existing & (rng.random(n) < 0.85)
    revenue = np.full(n, np.nan)
    revenue[reports] = exact_mean(size[reports] * rng.lognormal(0.0, 0.3, int(reports.sum())),
                                  profile.revenue_tht[year], 0)
    profit = np.full(n, np.nan)
    raw = revenue[reports] * np.clip(rng.normal(0.29, 0.05, int(reports.sum())), 0.05, None)
    profit[reports] = exact_mean(raw, profile.profit_tht[year], 0)
    income = np.full(n, np.nan)
    raw_income = np.clip(rng.normal(profile.income_tht[year], 8.0, int(reports.sum())), 20.0, None)
    income[reports] = weighted_to(raw_income, workers[reports], profile.income_tht[year])
    out = []
    for i, e in enumerate(rows):
        out.append({
            "ma_tht": e.code, "ten_tht": e.name, "don_vi": e.unit, "xa": e.commune,
            "linh_vuc": e.sector, "ngay_thanh_lap": e.founded,
            "ngay_cham_dut": e.ended if ended[i] else None,
            "trang_thai": "cham_dut" if ended[i] else "dang_hoat_dong",
            "so_thanh_vien": int(members[i]), "so_lao_dong": int(workers[i]),
            "doanh_thu": None if np.isnan(revenue[i]) else float(revenue[i]),
            "loi_nhuan": None if np.isnan(profit[i]) else float(profit[i]),
            "thu_nhap_bq": None if np.isnan(income[i]) else float(income[i]),
        })
    return out


# ---------------------------------------------------------------------------- writing

LABELS = {
    "htx": "Hợp tác xã", "qtdnd": "Quỹ tín dụng nhân dân", "lhhtx": "Liên hiệp HTX",
    "nong_nghiep": "Nông nghiệp", "cn_ttcn": "Công nghiệp - Tiểu thủ công nghiệp",
    "xay_dung": "Xây dựng", "thuong_mai_dich_vu": "Thương mại - dịch vụ", "van_tai": "Vận tải",
    "tin_dung": "Tín dụng", "moi_truong": "Môi trường", "khac": "Khác",
    "dang_hoat_dong": "Đang hoạt động", "ngung_hoat_dong": "Ngừng hoạt động",
    "giai_the": "Giải thể", "cham_dut": "Chấm dứt", "tot": "Tốt", "kha": "Khá",
    "trung_binh": "Trung bình", "yeu": "Yếu", "khong_xep_loai": "Không xếp loại",
}

# (key, header) per register; the first year names some columns differently, as
# analysts do, to exercise header matching and money conversion.
HTX_HEADERS = (
    ("ma_htx", "Mã HTX"), ("ten_htx", "Tên HTX"), ("loai_hinh", "Loại hình"),
    ("don_vi", "Huyện/Thị xã/Thành phố"), ("xa", "Xã/Phường/Thị trấn"), ("linh_vuc", "Lĩnh vực"),
    ("ngay_thanh_lap", "Ngày thành lập"), ("ngay_giai_the", "Ngày giải thể"),
    ("trang_thai", "Tình trạng"), ("so_thanh_vien", "Số thành viên"),
    ("so_lao_dong", "Số lao động thường xuyên"), ("von_dieu_le", "Vốn điều lệ (triệu đồng)"),
    ("doanh_thu", "Doanh thu (triệu đồng)"), ("loi_nhuan", "Lợi nhuận (triệu đồng)"),
    ("thu_nhap_bq", "Thu nhập bình quân người lao động (triệu đồng/người/năm)"),
    ("xep_loai", "Xếp loại"), ("dung_luat", "Tổ chức, hoạt động theo Luật HTX"),
    ("so_can_bo_quan_ly", "Số cán bộ quản lý"),
    ("so_can_bo_tap_huan", "Số cán bộ quản lý được tập huấn"),
    ("so_san_pham_ocop", "Số sản phẩm OCOP"), ("ghi_chu", "Ghi chú"),
)
HTX_HEADERS_FIRST_YEAR = {"ma_htx": "Mã số thuế", "ngay_thanh_lap": "Ngày đăng ký",
                          "von_dieu_le": "Vốn điều lệ (đồng)", "don_vi": "Địa bàn"}
THT_HEADERS = (
    ("ma_tht", "Mã THT"), ("ten_tht", "Tên THT"), ("don_vi", "Huyện/Thị xã/Thành phố"),
    ("xa", "Xã/Phường/Thị trấn"), ("linh_vuc", "Lĩnh vực"), ("ngay_thanh_lap", "Ngày thành lập"),
    ("ngay_cham_dut", "Ngày chấm dứt"), ("trang_thai", "Tình trạng"),
    ("so_thanh_vien", "Số thành viên"), ("so_lao_dong", "Số lao động"),
    ("doanh_thu", "Doanh thu (triệu đồng)"), ("loi_nhuan", "Lợi nhuận (triệu đồng)"),
    ("thu_nhap_bq", "Thu nhập bình quân người lao động (triệu đồng/người/năm)"),
)
NEW_COMMUNE_HEADER = "Xã/Phường/Đặc khu"  # the registers after 1/7/2025 name the commune only


def _unit_text(profile: Profile, index: int, rng: np.random.Generator) -> str:
    code, name, others, _, _ = profile.units[index]
    r = rng.random()
    if r < 0.75:
        return name
    if r < 0.9:
        return others.split("|")[0]
    return code


def _commune_text(commune: FormerCommune, siblings: tuple[FormerCommune, ...], rng: np.random.Generator) -> str:
    """How a register writes a commune: mostly its official name, sometimes without its kind
    (when that is unambiguous in the district), sometimes its code."""
    r = rng.random()
    short = _short_name(commune.name)
    if r < 0.15 and short and sum(_short_name(c.name) == short for c in siblings) == 1:
        return short
    if r > 0.95:
        return commune.code
    return commune.name


def _vi_number(value: float) -> str:
    """``2100.5`` → ``2.100,5`` (the sample's CSV year writes numbers as Vietnamese text)."""
    negative = value < 0
    whole, _, frac = f"{abs(value):.2f}".partition(".")
    frac = frac.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups) + ("," + frac if frac else "")
    return ("-" if negative else "") + text


def _cell_text(key: str, value: object, year_first: bool, bools_as_x: bool) -> object:
    if value is None:
        return None
    if key in ("loai_hinh", "linh_vuc", "trang_thai", "xep_loai"):
        return LABELS[str(value)]
    if key == "dung_luat":
        if bools_as_x:
            return "x" if value else None
        return "Có" if value else "Không"
    if key == "von_dieu_le" and year_first:
        return float(value) * 1_000_000  # header in (đồng)
    return value


def write_xlsx(path: Path, headers: list[tuple[str, str]], rows: list[dict[str, object]],
               sheet: str) -> None:
    """An analyst-style workbook: bold header, date cells, number formats; reproducible bytes."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    wb.set_properties({"title": sheet, "author": "kttt (dữ liệu mô phỏng)",
                       "created": dt.datetime(2025, 1, 1)})
    ws = wb.add_worksheet(sheet)
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    num_fmt = wb.add_format({"num_format": "#,##0.0"})
    for j, (_, header) in enumerate(headers):
        ws.write_string(0, j, header, bold)
    for i, row in enumerate(rows, start=1):
        for j, (key, _) in enumerate(headers):
            value = row.get(key)
            if value is None:
                continue
            if isinstance(value, dt.date):
                ws.write_datetime(i, j, dt.datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, bool):
                ws.write_string(i, j, "Có" if value else "Không")
            elif isinstance(value, int | float):
                ws.write_number(i, j, value, num_fmt if isinstance(value, float) else None)
            else:
                ws.write_string(i, j, str(value))
    ws.freeze_panes(1, 0)
    wb.close()


def write_csv(path: Path, headers: list[tuple[str, str]], rows: list[dict[str, object]]) -> None:
    """The CSV year: UTF-8 with BOM, ``;`` separated, Vietnamese number text, dd/mm/yyyy."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([h for _, h in headers])
    for row in rows:
        out = []
        for key, _ in headers:
            value = row.get(key)
            if value is None:
                out.append("")
            elif isinstance(value, dt.date):
                out.append(f"{value.day:02d}/{value.month:02d}/{value.year}")
            elif isinstance(value, bool):
                out.append("Có" if value else "Không")
            elif isinstance(value, int | float) and key not in ("don_vi", "xa"):
                out.append(_vi_number(float(value)))
            else:
                out.append(str(value))
        writer.writerow(out)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def _csv_text(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue()


def write_units(path: Path, profile: Profile) -> None:
    """The districts of the profile (until 30/06/2025) and their official former communes."""
    rows: list[list[object]] = [["ma", "ten", "cap", "ma_cha", "ten_khac", "hieu_luc_tu", "hieu_luc_den"]]
    for code, name, others, _, _ in profile.units:
        rows.append([code, name, "huyen", "", others, "", "30/06/2025"])
    for code, _, _, communes, _ in profile.units:
        for c in communes:
            rows.append([c.code, c.name, "xa", code, "", "", "30/06/2025"])
    path.write_text(_csv_text(rows), encoding="utf-8")


def write_meta(path: Path, profile: Profile) -> None:
    text = (
        f'ten: "{profile.name}"\n'
        f'ma_tinh: "{profile.ma_tinh}"\n'
        "mo_phong: true\n"
        'mo_ta: "DỮ LIỆU MÔ PHỎNG. Sổ đăng ký HTX và THT do kttt.sample sinh ra (hạt giống '
        f'{SEED}), hiệu chỉnh theo số liệu đã công bố của tỉnh (so_lieu_cong_bo.csv). Tên và số '
        'liệu từng HTX, THT là giả định; đơn vị hành chính, chỉ tiêu và số liệu công bố là thật."\n'
        "dinh_dang_so: vi\n"
    )
    path.write_text(text, encoding="utf-8")


@dataclass
class YearRows:
    """One province's rows of one year, ready to write."""

    htx: list[dict[str, object]]
    tht: list[dict[str, object]]


def year_rows(profile: Profile, h: History, year: int, seed: int) -> YearRows:
    """The registers of a year (typed values; ``don_vi`` as written, ``xa`` as the entity)."""
    rng = np.random.default_rng([seed, year])
    hrows = htx_rows(profile, h.htx, h.suspended[year], year, rng)
    trows = tht_rows(profile, h.tht, year, rng)
    for rows in (hrows, trows):
        for row in rows:
            row["don_vi"] = _unit_text(profile, int(row["don_vi"]), rng)  # type: ignore[arg-type]
    for row in hrows:
        if row["trang_thai"] == "ngung_hoat_dong" and rng.random() < 0.4:
            row["ghi_chu"] = "Tạm ngừng hoạt động, chờ kiện toàn bộ máy"
    return YearRows(hrows, trows)


def _former_texts(rows: YearRows, profile: Profile, seed: int, year: int) -> None:
    """Write the seat's former commune the way a register before 1/7/2025 does."""
    rng = np.random.default_rng([seed, year, 7])
    siblings = {c.code: u[3] for u in profile.units for c in u[3]}
    for row in [*rows.htx, *rows.tht]:
        commune: FormerCommune = row["xa"]  # type: ignore[assignment]
        row["xa"] = _commune_text(commune, siblings[commune.code], rng)


def write_former_year(folder: Path, profile: Profile, rows: YearRows, year: int, first: bool,
                      stems: tuple[str, str] = ("htx", "tht")) -> list[Path]:
    """A year before 1/7/2025: the HTX and THT registers with district and commune columns."""
    bools_as_x = year % 2 == 0
    hheaders = [(k, HTX_HEADERS_FIRST_YEAR.get(k, h) if first else h) for k, h in HTX_HEADERS]
    hrows = [{k: _cell_text(k, v, first, bools_as_x) for k, v in r.items()} for r in rows.htx]
    trows = [{k: _cell_text(k, v, first, bools_as_x) for k, v in r.items()} for r in rows.tht]
    if year == profile.csv_year:
        paths = [folder / f"{stems[0]}.csv", folder / f"{stems[1]}.csv"]
        write_csv(paths[0], hheaders, hrows)
        write_csv(paths[1], list(THT_HEADERS), trows)
    else:
        paths = [folder / f"{stems[0]}.xlsx", folder / f"{stems[1]}.xlsx"]
        write_xlsx(paths[0], hheaders, hrows, f"HTX {year}")
        write_xlsx(paths[1], list(THT_HEADERS), trows, f"THT {year}")
    return paths


def generate(out: Path, profile: Profile = YEN_BAI, seed: int = SEED) -> list[Path]:
    """Write the registers, ``dataset.yaml`` and the units of a synthetic dataset into ``out``.

    Targets (``chi_tieu.csv``) and published figures (``so_lieu_cong_bo.csv``) are real and
    are not touched. Returns the files written.
    """
    out.mkdir(parents=True, exist_ok=True)
    h = build_entities(profile, seed)
    written = []
    write_meta(out / "dataset.yaml", profile)
    write_units(out / "don_vi_hanh_chinh.csv", profile)
    written += [out / "dataset.yaml", out / "don_vi_hanh_chinh.csv"]
    for year in profile.years:
        year_dir = out / str(year)
        year_dir.mkdir(exist_ok=True)
        for old in list(year_dir.glob("htx*")) + list(year_dir.glob("tht*")):
            old.unlink()
        rows = year_rows(profile, h, year, seed)
        _former_texts(rows, profile, seed, year)
        written += write_former_year(year_dir, profile, rows, year, year == profile.years[0])
    return written


# ---------------------------------------------------------------------------- the new Lào Cai

LAO_CAI_NAME = "Tỉnh Lào Cai"
FORMER = (("10", "Tỉnh Lào Cai", "lao_cai_cu", LC_DISTRICTS), ("15", "Tỉnh Yên Bái", "yen_bai_cu", YB_DISTRICTS))
BASE_YEARS = YEN_BAI.years  # two register parts a year, before the merger
MERGED_YEARS = (2025, 2026)
ESTIMATES = {2026: dt.date(2026, 11, 30)}  # data date of an estimate year ("ước thực hiện")
CONVERTED_SHARE = 0.03  # rows of a merged year that still name their former commune
# No target of the new province was found in public sources: the sample's are assumed.
ASSUMED = ("GIẢ ĐỊNH của bộ dữ liệu mô phỏng — chưa tìm thấy chỉ tiêu công bố của tỉnh Lào Cai (mới) "
           "giai đoạn 2025–2030")
ASSUMED_TARGETS = (
    (2025, "htx_thanh_lap_moi", 80, ">="), (2025, "tht_thanh_lap_moi", 500, ">="),
    (2026, "htx_thanh_lap_moi", 90, ">="), (2026, "tht_thanh_lap_moi", 500, ">="),
    (2026, "ty_le_htx_kha_tot", 60, ">="), (2026, "thu_nhap_bq_ld_htx", 60, ">="),
    (2027, "htx_thanh_lap_moi", 100, ">="), (2027, "tht_thanh_lap_moi", 550, ">="),
    (2027, "ty_le_htx_kha_tot", 62, ">="),
)
LAO_CAI_PARTS: tuple[tuple[str, Profile, int], ...] = (("lao_cai_cu", LAO_CAI_CU, LAO_CAI_SEED),
                                                       ("yen_bai_cu", YEN_BAI_MERGED, SEED))


def lao_cai_histories() -> dict[str, History]:
    """Both former provinces' entities: the former Yên Bái is the very history of
    ``data/yen_bai`` (same seed, same years), then both continue into the new province."""
    out = {}
    for part, profile, seed in LAO_CAI_PARTS:
        h = build_entities(profile, seed, years=BASE_YEARS)
        out[part] = extend_entities(profile, h, MERGED_YEARS, seed, ESTIMATES)
    return out


def write_lao_cai_units(path: Path) -> None:
    """Former provinces, their districts and communes (until 30/06/2025), then the 99 new
    communes (from 01/07/2025) — the real lists, with the spellings registers use."""
    rows: list[list[object]] = [["ma", "ten", "cap", "ma_cha", "ten_khac", "hieu_luc_tu", "hieu_luc_den"]]
    end = "30/06/2025"
    for code, name, _, _ in FORMER:
        rows.append([code, name, "tinh", "", "", "", end])
    official = {c.district: c.district_name for c in reference.former_communes()}
    for province, _, _, districts in FORMER:
        for code, name, others, _ in districts:
            spellings = [s for s in [official[code], *others.split("|")] if s != name]
            rows.append([code, name, "huyen", province, "|".join(dict.fromkeys(spellings)), "", end])
    for c in reference.former_communes():
        rows.append([c.code, c.name, "xa", c.district, "", "", end])
    for c in reference.new_communes():
        rows.append([c.code, c.name, "xa", "", "", "01/07/2025", ""])
    path.write_text(_csv_text(rows), encoding="utf-8")


def write_lao_cai_crosswalk(path: Path) -> None:
    """``chuyen_doi_dvhc.csv`` from the statistics office's table (every share 1)."""
    rows: list[list[object]] = [["ma_cu", "ma_moi", "ngay_hieu_luc", "ty_le", "ghi_chu"]]
    for m in reference.crosswalk():
        rows.append([m.old, m.new, "01/07/2025", 1, f"{m.how}: {m.old_name} → {m.new_name}"])
    path.write_text(_csv_text(rows), encoding="utf-8")


def write_lao_cai_meta(path: Path) -> None:
    path.write_text(
        f'ten: "{LAO_CAI_NAME}"\n'
        'ma_tinh: "15"\n'
        "mo_phong: true\n"
        'mo_ta: "DỮ LIỆU MÔ PHỎNG. Tỉnh Lào Cai từ 01/07/2025 (hợp nhất tỉnh Lào Cai và tỉnh Yên Bái). '
        f"Sổ HTX và THT do kttt.sample sinh ra (hạt giống {LAO_CAI_SEED} cho Lào Cai cũ, {SEED} cho Yên Bái cũ — "
        'trùng với bộ yen_bai), hiệu chỉnh theo số liệu đã công bố (so_lieu_cong_bo.csv). Tên và số liệu từng HTX, '
        'THT là giả định; đơn vị hành chính, mã, bảng chuyển đổi và số liệu công bố là thật; chỉ tiêu là giả định."\n'
        "dinh_dang_so: vi\n"
        'hieu_luc_tu: "01/07/2025"\n'
        "tinh_cu:\n"
        + "".join(f'  - {{ma: "{code}", ten: "{name}"}}\n' for code, name, _, _ in FORMER)
        + 'co_quan: "Ủy ban nhân dân tỉnh Lào Cai"\n'
        'co_quan_chu_quan: ""\n'
        'dia_danh: "Lào Cai"\n'
        'ky_hieu: "BC-UBND"\n', encoding="utf-8")


def write_lao_cai_targets(path: Path) -> None:
    rows: list[list[object]] = [["nam", "ma_chi_tieu", "gia_tri", "so_sanh", "nguon", "gia_dinh"]]
    for year, code, value, comparison in ASSUMED_TARGETS:
        rows.append([year, code, value, comparison, ASSUMED, "true"])
    path.write_text(_csv_text(rows), encoding="utf-8")


_AREAS = {"lao_cai_moi": "toan_tinh", "lao_cai_cu": "10", "yen_bai_cu": "15"}


def write_lao_cai_published(path: Path) -> None:
    """The real published figures (kttt/reference/so_lieu_cong_bo_lao_cai.csv) in the contract's
    columns: the area as ``dia_ban`` (``toan_tinh`` = the new province, ``10``/``15`` = a former
    one); a monthly figure filed under a yearly code moves to the monthly code; tỷ đồng → triệu."""
    with (reference.FOLDER / "so_lieu_cong_bo_lao_cai.csv").open(encoding="utf-8", newline="") as handle:
        source = list(csv.DictReader(handle))
    rows: list[list[object]] = [["nam", "ma_chi_tieu", "gia_tri", "trang_thai_so_lieu", "ngay_cong_bo", "nguon",
                                 "dia_ban", "ky", "don_vi", "trich_dan"]]
    for r in source:
        code, value, unit = r["ma_chi_tieu"], float(r["gia_tri"]), r["don_vi"]
        if unit.endswith("/tháng") and code.startswith("thu_nhap_bq_ld") and not code.endswith("_thang"):
            code += "_thang"
        if unit == "tỷ đồng":
            value, unit = value * 1000, "triệu đồng"
        shown = int(value) if value.is_integer() else value
        rows.append([r["nam"], code, shown, r["trang_thai"], r["ngay_nguon"], r["nguon"], _AREAS[r["dia_ban"]],
                     r["ky"], unit, r["trich_dan"]])
    path.write_text(_csv_text(rows), encoding="utf-8")


def _merged_rows(part_rows: dict[str, YearRows], year: int, seed: int) -> YearRows:
    """One register for the new province: every row on its new commune (the crosswalk of the
    former one), a few still naming the former commune (converted by the loader, with a note)."""
    rng = np.random.default_rng([seed, year, 9])
    new_names = {_short_name(c.name) for c in reference.new_communes()} | {c.name for c in reference.new_communes()}
    # a former name is written only where it names one former commune of the whole province
    counts: dict[str, int] = {}
    for c in reference.former_communes():
        for text in {c.name, _short_name(c.name)}:
            counts[text] = counts.get(text, 0) + 1
    unique = {name for name, n in counts.items() if n == 1}
    by_code = {c.code: c for c in reference.new_communes()}
    out = YearRows([], [])
    for rows in part_rows.values():
        for kind, target in (("htx", out.htx), ("tht", out.tht)):
            for row in getattr(rows, kind):
                former: FormerCommune = row.pop("xa")  # type: ignore[assignment]
                row.pop("don_vi", None)
                new = by_code[reference.new_of(former.code)]
                r = rng.random()
                if r < CONVERTED_SHARE and former.name in unique and former.name not in new_names \
                        and _short_name(former.name) not in new_names:
                    row["xa"] = former.name
                elif r > 0.95:
                    row["xa"] = new.code
                else:
                    row["xa"] = new.name
                row["_moi"] = new.code
                target.append(row)
    key = "ma_htx"
    out.htx.sort(key=lambda r: (str(r["_moi"]), str(r[key])))
    out.tht.sort(key=lambda r: (str(r["_moi"]), str(r["ma_tht"])))
    for row in [*out.htx, *out.tht]:
        row.pop("_moi")
    return out


def generate_lao_cai(out: Path) -> list[Path]:
    """Write ``data/lao_cai``: dataset.yaml, units, crosswalk, assumed targets, published
    figures and the registers 2020–2026 (see the module doc). Returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "dataset.yaml", out / "don_vi_hanh_chinh.csv", out / "chuyen_doi_dvhc.csv",
               out / "chi_tieu.csv", out / "so_lieu_cong_bo.csv"]
    write_lao_cai_meta(written[0])
    write_lao_cai_units(written[1])
    write_lao_cai_crosswalk(written[2])
    write_lao_cai_targets(written[3])
    write_lao_cai_published(written[4])
    histories = lao_cai_histories()
    for year in (*BASE_YEARS, *MERGED_YEARS):
        folder = out / str(year)
        folder.mkdir(exist_ok=True)
        for old in [*folder.glob("htx*"), *folder.glob("tht*"), *folder.glob("nam.yaml")]:
            old.unlink()
        part_rows = {part: year_rows(profile, histories[part], year, seed) for part, profile, seed in LAO_CAI_PARTS}
        if year in BASE_YEARS:
            for part, profile, seed in LAO_CAI_PARTS:
                _former_texts(part_rows[part], profile, seed, year)
                written += write_former_year(folder, profile, part_rows[part], year,
                                             first=profile is YEN_BAI_MERGED and year == BASE_YEARS[0],
                                             stems=(f"htx_{part}", f"tht_{part}"))
            continue
        merged = _merged_rows(part_rows, year, LAO_CAI_SEED)
        bools_as_x = year % 2 == 0
        hheaders = [(k, NEW_COMMUNE_HEADER if k == "xa" else h) for k, h in HTX_HEADERS if k != "don_vi"]
        theaders = [(k, NEW_COMMUNE_HEADER if k == "xa" else h) for k, h in THT_HEADERS if k != "don_vi"]
        hrows = [{k: _cell_text(k, v, False, bools_as_x) for k, v in r.items()} for r in merged.htx]
        trows = [{k: _cell_text(k, v, False, bools_as_x) for k, v in r.items()} for r in merged.tht]
        write_xlsx(folder / "htx.xlsx", hheaders, hrows, f"HTX {year}")
        write_xlsx(folder / "tht.xlsx", theaders, trows, f"THT {year}")
        written += [folder / "htx.xlsx", folder / "tht.xlsx"]
        if year in ESTIMATES:
            (folder / "nam.yaml").write_text(
                "# Năm ước thực hiện: sổ đến ngày số liệu, báo cáo ghi «ước thực hiện năm …»\n"
                f'ngay_so_lieu: "{ESTIMATES[year]:%d/%m/%Y}"\ntrang_thai: uoc\n', encoding="utf-8")
            written.append(folder / "nam.yaml")
    return written


# ---------------------------------------------------------------------------- national scale

PROVINCES_2025 = (
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh",
    "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa",
    "Lâm Đồng", "Đắk Lắk", "TP Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long",
    "Đồng Tháp", "Cà Mau", "An Giang",
)
NATIONAL_HTX_2024 = 33_500
NATIONAL_THT_2024 = 63_600


def _series(start: float, end: float, years: tuple[int, ...]) -> dict[int, float]:
    steps = len(years) - 1
    return {y: start * (end / start) ** (i / steps if steps else 1) for i, y in enumerate(years)}


def province_profile(index: int, htx_2024: int, tht_2024: int, years: tuple[int, ...],
                     rng: np.random.Generator) -> Profile:
    """A synthetic province whose counts grow to the given 2024 figures."""
    htx_before = max(40, round(htx_2024 * 0.55))
    tht_before = max(60, round(tht_2024 * 0.8))
    htx_path = _series(htx_before, htx_2024, (years[0] - 1, *years))
    tht_path = _series(tht_before, tht_2024, (years[0] - 1, *years))
    htx_new, htx_gone, tht_new, tht_gone = {}, {}, {}, {}
    previous_h, previous_t = htx_before, tht_before
    for y in years:
        target_h, target_t = round(htx_path[y]), round(tht_path[y])
        htx_gone[y] = max(1, round(previous_h * 0.025))
        htx_new[y] = target_h - previous_h + htx_gone[y]
        tht_gone[y] = max(1, round(previous_t * 0.05))
        tht_new[y] = target_t - previous_t + tht_gone[y]
        previous_h, previous_t = target_h, target_t
    existing_h = {y: round(htx_path[y]) for y in years}
    existing_t = {y: round(tht_path[y]) for y in years}
    growth = {y: 1.0 + 0.025 * i for i, y in enumerate(years)}
    level = float(rng.uniform(0.7, 1.4))
    code = f"{index + 1:02d}"
    units = tuple(
        (f"{code}{k:02d}", f"Đơn vị {code}-{k:02d}", f"ĐV {code}-{k:02d}",
         tuple(FormerCommune(code, "", f"{code}{k:02d}", f"Đơn vị {code}-{k:02d}", f"{code}{k:02d}{j:02d}",
                             f"Xã {code}-{k:02d}-{j:02d}", "xã") for j in range(1, 9)),
         float(rng.uniform(0.5, 1.5)))
        for k in range(1, int(rng.integers(6, 14)))
    )
    return Profile(
        name=f"Tỉnh {PROVINCES_2025[index]} (mô phỏng)", ma_tinh=code, years=years,
        htx_existing_before=htx_before, qtdnd=max(2, round(htx_before * 0.04)), qtdnd_dissolved={},
        lhhtx_founded=(years[0] + 2,), htx_new=htx_new, htx_dissolved=htx_gone,
        htx_suspended={y: max(1, round(existing_h[y] * 0.06)) for y in years},
        tht_existing_before=tht_before, tht_new=tht_new, tht_ended=tht_gone,
        members_htx={y: round(existing_h[y] * 45 * level) for y in years},
        members_tht={y: round(existing_t[y] * 5.5) for y in years},
        workers_htx={y: round(existing_h[y] * 14 * level) for y in years},
        capital_htx={y: round(existing_h[y] * 2400 * level * growth[y]) for y in years},
        revenue_htx={y: round(1900 * level * growth[y]) for y in years},
        profit_htx={y: round(400 * level * growth[y]) for y in years},
        income_htx={y: round(56 * growth[y], 1) for y in years},
        revenue_tht={y: round(300 * growth[y]) for y in years},
        profit_tht={y: round(85 * growth[y]) for y in years},
        income_tht={y: round(44 * growth[y], 1) for y in years},
        good_share={y: 0.55 + 0.01 * i for i, y in enumerate(years)},
        csv_year=None, units=units,
    )


def national_profiles(seed: int = SEED, years: tuple[int, ...] = tuple(range(2015, 2025))) -> list[Profile]:
    """34 synthetic provinces whose 2024 counts add up to the national totals.

    >>> ps = national_profiles()
    >>> len(ps), sum(p.htx_existing(2024) for p in ps), sum(p.tht_existing(2024) for p in ps)
    (34, 33500, 63600)
    """
    rng = np.random.default_rng([seed, 34])
    weights_h = rng.lognormal(0.0, 0.35, len(PROVINCES_2025))
    weights_t = rng.lognormal(0.0, 0.5, len(PROVINCES_2025))
    htx = allocate(NATIONAL_HTX_2024, weights_h, minimum=100)
    tht = allocate(NATIONAL_THT_2024, weights_t, minimum=150)
    return [province_profile(i, int(htx[i]), int(tht[i]), years, rng) for i in range(len(PROVINCES_2025))]


NATIONAL_COLLECTION = """# Tập dữ liệu: các bộ dữ liệu tỉnh trong thư mục này (kttt build <thư mục> --year 2024)
ten: "Cả nước (mô phỏng)"
mo_ta: "34 tỉnh, thành phố mô phỏng; tổng năm 2024 bằng số cả nước (33.500 HTX, 63.600 THT)"
"""


def national_targets(profile: Profile, seed: int) -> str:
    """``chi_tieu.csv`` of a synthetic province: each year's new HTX and THT targets, 85–120 %
    of what the province then achieved (some met, some not).

    >>> national_targets(national_profiles(years=(2023, 2024))[0], 1).splitlines()[0]
    'nam,ma_chi_tieu,gia_tri,so_sanh,nguon'
    """
    rng = np.random.default_rng([seed, 7])
    lines = ["nam,ma_chi_tieu,gia_tri,so_sanh,nguon"]
    for year in profile.years:
        for code, achieved in (("htx_thanh_lap_moi", profile.htx_new[year]), ("tht_thanh_lap_moi", profile.tht_new[year])):
            target = max(1, round(achieved * float(rng.uniform(0.85, 1.2))))
            lines.append(f"{year},{code},{target},>=,Kế hoạch năm {year} (mô phỏng)")
    return "\n".join(lines) + "\n"


def generate_national(out: Path, seed: int = SEED, provinces: int | None = None,
                      years: tuple[int, ...] = tuple(range(2015, 2025)), log=print) -> list[Path]:  # noqa: ANN001
    """A collection: one synthetic dataset per province under ``out/<tinh_NN>/`` (seeded,
    reproducible) and ``out/tap_du_lieu.yaml``."""
    profiles = national_profiles(seed, years)[:provinces]
    folders = []
    out.mkdir(parents=True, exist_ok=True)
    (out / "tap_du_lieu.yaml").write_text(NATIONAL_COLLECTION, encoding="utf-8")
    for i, profile in enumerate(profiles):
        folder = out / f"tinh_{profile.ma_tinh}"
        generate(folder, profile, seed + i + 1)
        if i % 2 == 0:  # half of the provinces set targets for new HTX and THT
            (folder / "chi_tieu.csv").write_text(national_targets(profile, seed + i + 1), encoding="utf-8")
        folders.append(folder)
        log(f"đã sinh {folder} ({i + 1}/{len(profiles)})")
    return folders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kttt.sample",
                                     description="Sinh bộ dữ liệu mô phỏng (có hạt giống, tái lập từng byte).")
    parser.add_argument("out", type=Path, help="thư mục bộ dữ liệu, ví dụ data/yen_bai")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--national", action="store_true",
                        help="34 tỉnh × 10 năm (2015–2024), tổng năm 2024 bằng số cả nước, vào OUT/tinh_NN/")
    parser.add_argument("--provinces", type=int, default=None, help="chỉ sinh N tỉnh đầu (với --national)")
    parser.add_argument("--lao-cai", action="store_true",
                        help="bộ tỉnh Lào Cai (mới) 2020–2026 từ hai tỉnh cũ, vào OUT (ví dụ data/lao_cai)")
    args = parser.parse_args(argv)
    if args.national:
        generate_national(args.out, args.seed, args.provinces)
        return 0
    paths = generate_lao_cai(args.out) if args.lao_cai else generate(args.out, YEN_BAI, args.seed)
    for path in paths:
        print(f"đã ghi {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
