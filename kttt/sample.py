"""The seeded generator of the synthetic sample dataset (``data/yen_bai``).

Every register in the sample is SYNTHETIC (``mo_phong: true``): invented cooperatives with
invented names and figures, calibrated so that the province-wide totals reproduce the real
published figures of Yên Bái (``so_lieu_cong_bo.csv``): in 2022, 97 new HTX, 652 HTX,
627 new THT, 5.894 THT, average revenue 2.100 triệu đồng/HTX, profit 450, income
5,3 triệu đồng/người/tháng, THT revenue 350, profit 100, income 48 triệu đồng/người/năm,
more than 63.000 members and close to 10.000 workers. The administrative units (the 9
district-level units with their official codes), the targets and the published figures
are real.

Regenerate byte for byte with ``make sample`` (``python -m kttt.sample data/yen_bai``).

>>> p = YEN_BAI
>>> p.htx_existing(2022), p.tht_existing(2022)
(652, 5894)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xlsxwriter

SEED = 20230110  # the day the 2022 report was presented

# ---------------------------------------------------------------------------- real units

UNITS: tuple[tuple[str, str, str, tuple[str, ...], float], ...] = (
    # code, name, other spellings, communes, weight of cooperatives
    ("132", "Thành phố Yên Bái", "TP Yên Bái|TP. Yên Bái|Tp Yên Bái", (
        "Nguyễn Thái Học", "Đồng Tâm", "Yên Ninh", "Minh Tân", "Hồng Hà", "Nam Cường",
        "Tuy Lộc", "Văn Phú", "Giới Phiên", "Âu Lâu", "Văn Tiến", "Phúc Lộc", "Minh Bảo",
        "Hợp Minh", "Tân Thịnh"), 0.10),
    ("133", "Thị xã Nghĩa Lộ", "TX Nghĩa Lộ|TX. Nghĩa Lộ|Nghĩa Lộ", (
        "Pú Trạng", "Tân An", "Trung Tâm", "Cầu Thia", "Nghĩa An", "Nghĩa Lợi", "Nghĩa Phúc",
        "Phúc Sơn", "Thạch Lương", "Hạnh Sơn", "Nghĩa Lộ"), 0.06),
    ("135", "Huyện Lục Yên", "Lục Yên|H. Lục Yên", (
        "Yên Thế", "Mường Lai", "Tân Lĩnh", "Khánh Thiện", "Minh Xuân", "Tân Lập",
        "Lâm Thượng", "Khai Trung", "An Phú", "Vĩnh Lạc", "Liễu Đô", "Minh Chuẩn",
        "Động Quan", "Phúc Lợi"), 0.12),
    ("136", "Huyện Văn Yên", "Văn Yên|H. Văn Yên", (
        "Mậu A", "Đông Cuông", "Đại Sơn", "An Thịnh", "Châu Quế Hạ", "Châu Quế Thượng",
        "Phong Dụ Hạ", "Phong Dụ Thượng", "Xuân Ái", "Yên Hợp", "Viễn Sơn", "Lâm Giang",
        "Đông An", "Yên Phú"), 0.14),
    ("137", "Huyện Mù Cang Chải", "Mù Cang Chải|H. Mù Cang Chải", (
        "Mù Cang Chải", "Chế Cu Nha", "Kim Nọi", "La Pán Tẩn", "Lao Chải", "Nậm Khắt",
        "Púng Luông", "Cao Phạ", "Dế Xu Phình", "Khao Mang"), 0.05),
    ("138", "Huyện Trấn Yên", "Trấn Yên|H. Trấn Yên", (
        "Cổ Phúc", "Việt Thành", "Hưng Khánh", "Hưng Thịnh", "Lương Thịnh", "Minh Quân",
        "Bảo Hưng", "Việt Cường", "Vân Hội", "Y Can", "Kiên Thành", "Hòa Cuông", "Quy Mông",
        "Đào Thịnh"), 0.15),
    ("139", "Huyện Trạm Tấu", "Trạm Tấu|H. Trạm Tấu", (
        "Trạm Tấu", "Bản Công", "Bản Mù", "Hát Lừu", "Xà Hồ", "Túc Đán", "Pá Lau",
        "Phình Hồ"), 0.04),
    ("140", "Huyện Văn Chấn", "Văn Chấn|H. Văn Chấn", (
        "Sơn Thịnh", "Nông trường Liên Sơn", "Nông trường Trần Phú", "Tú Lệ", "Nghĩa Tâm",
        "Chấn Thịnh", "Thượng Bằng La", "Cát Thịnh", "Suối Giàng", "Sơn Lương", "Gia Hội",
        "Đồng Khê", "Minh An", "Phù Nham"), 0.19),
    ("141", "Huyện Yên Bình", "Yên Bình|H. Yên Bình", (
        "Yên Bình", "Thác Bà", "Cảm Nhân", "Phúc An", "Vĩnh Kiên", "Tân Hương", "Đại Đồng",
        "Bạch Hà", "Vũ Linh", "Văn Lãng", "Xuân Lai", "Mỹ Gia", "Hán Đà", "Cảm Ân"), 0.15),
)

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
    units: tuple[tuple[str, str, str, tuple[str, ...], float], ...] = UNITS
    extra: dict[str, str] = field(default_factory=dict)

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


def _random_date(rng: np.random.Generator, year: int, start: dt.date | None = None) -> dt.date:
    first = dt.date(year, 1, 1) if start is None else max(start, dt.date(year, 1, 1))
    days = (dt.date(year, 12, 31) - first).days
    return first + dt.timedelta(days=int(rng.integers(0, days + 1)))


# ---------------------------------------------------------------------------- the entities

@dataclass
class _Entity:
    code: str
    kind: str  # htx, qtdnd, lhhtx, tht
    name: str
    unit: int  # index into profile.units
    commune: str
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


def _make_htx(rng: np.random.Generator, profile: Profile, seq: int, kind: str, founded: dt.date,
              used: set[str]) -> _Entity:
    weights = np.array([u[4] for u in profile.units])
    unit = int(rng.choice(len(profile.units), p=weights / weights.sum()))
    commune = str(rng.choice(profile.units[unit][3]))
    sector = "tin_dung" if kind == "qtdnd" else _pick(rng, SECTORS_HTX)
    if kind == "qtdnd":
        name = f"Quỹ tín dụng nhân dân {commune}"
    elif kind == "lhhtx":
        name = f"Liên hiệp HTX {str(rng.choice(NAME_WORDS[sector]))} {profile.units[unit][1].split(' ', 1)[1]}"
    else:
        name = f"HTX {str(rng.choice(NAME_WORDS[sector]))} {commune}{str(rng.choice(SUFFIXES))}"
    base, k = name, 2
    while name in used:
        name, k = f"{base} {k}", k + 1
    used.add(name)
    code = f"52{(7_000_000 + seq * 7919) % 100_000_000:08d}"
    size = float(rng.lognormal(0.0, 0.6)) * (12.0 if kind == "qtdnd" else 1.0)
    ocop = int(rng.integers(1, 4)) if rng.random() < 0.2 and kind == "htx" else 0
    since = max(founded.year + 1, int(rng.integers(2019, 2026)))
    return _Entity(code, kind, name, unit, commune, sector, founded, size=size, ocop=ocop,
                   ocop_since=since, managers=int(rng.integers(3, 8)))


def _make_tht(rng: np.random.Generator, profile: Profile, seq: int, founded: dt.date) -> _Entity:
    weights = np.array([u[4] for u in profile.units])
    unit = int(rng.choice(len(profile.units), p=weights / weights.sum()))
    commune = str(rng.choice(profile.units[unit][3]))
    sector = _pick(rng, SECTORS_THT)
    village = int(rng.integers(1, 16))
    name = f"THT {str(rng.choice(THT_WORDS[sector]))} thôn {village} {commune}"
    code = f"THT-{profile.units[unit][0]}-{seq:05d}"
    return _Entity(code, "tht", name, unit, commune, sector, founded,
                   size=float(rng.lognormal(0.0, 0.45)))


def _pre_founding(rng: np.random.Generator, first_year: int) -> dt.date:
    years = np.arange(1997, first_year)
    weights = np.where(years >= 2013, 3.0, 1.0)
    year = int(rng.choice(years, p=weights / weights.sum()))
    return _random_date(rng, year)


def build_entities(profile: Profile, seed: int = SEED) -> tuple[list[_Entity], list[_Entity], dict[int, set[str]]]:
    """Cooperatives (with funds and unions) and groups with their whole history."""
    rng = np.random.default_rng(seed)
    first = profile.years[0]
    used: set[str] = set()
    htx: list[_Entity] = []
    seq = 0
    for _ in range(profile.qtdnd):
        seq += 1
        htx.append(_make_htx(rng, profile, seq, "qtdnd", _random_date(rng, int(rng.integers(1995, 2006))), used))
    for _ in range(profile.htx_existing_before - profile.qtdnd):
        seq += 1
        htx.append(_make_htx(rng, profile, seq, "htx", _pre_founding(rng, first), used))
    for year in profile.lhhtx_founded:
        seq += 1
        htx.append(_make_htx(rng, profile, seq, "lhhtx", _random_date(rng, year), used))
    suspended: dict[int, set[str]] = {}
    previous: set[str] = set()
    for year in profile.years:
        alive = [e for e in htx if e.kind != "lhhtx" and e.founded.year < year and e.ended is None]
        # dissolutions: funds as the profile says, then cooperatives, suspended ones first
        n_fund = profile.qtdnd_dissolved.get(year, 0)
        funds = [e for e in alive if e.kind == "qtdnd"]
        for e in [funds[int(i)] for i in rng.choice(len(funds), n_fund, replace=False)]:
            e.ended = _random_date(rng, year)
        coops = [e for e in alive if e.kind == "htx"]
        prio = np.array([8.0 if e.code in previous else 1.0 for e in coops])
        chosen = rng.choice(len(coops), profile.htx_dissolved[year] - n_fund, replace=False, p=prio / prio.sum())
        for i in sorted(int(i) for i in chosen):
            coops[i].ended = _random_date(rng, year)
        for _ in range(profile.htx_new[year]):
            seq += 1
            htx.append(_make_htx(rng, profile, seq, "htx", _random_date(rng, year), used))
        candidates = [e for e in htx if e.kind == "htx" and e.ended is None and e.founded.year < year]
        prio = np.array([10.0 if e.code in previous else 1.0 for e in candidates])
        picked = rng.choice(len(candidates), profile.htx_suspended[year], replace=False, p=prio / prio.sum())
        previous = {candidates[int(i)].code for i in picked}
        suspended[year] = previous
    tht: list[_Entity] = []
    tseq = 0
    for _ in range(profile.tht_existing_before):
        tseq += 1
        tht.append(_make_tht(rng, profile, tseq, _random_date(rng, int(rng.integers(2008, first)))))
    for year in profile.years:
        alive = [e for e in tht if e.founded.year < year and e.ended is None]
        for i in sorted(int(i) for i in rng.choice(len(alive), profile.tht_ended[year], replace=False)):
            alive[i].ended = _random_date(rng, year)
        for _ in range(profile.tht_new[year]):
            tseq += 1
            tht.append(_make_tht(rng, profile, tseq, _random_date(rng, year)))
    return htx, tht, suspended


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
    profit[reports] = exact_mean(profit_raw, profile.profit_htx[year], 0)
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


def _unit_text(profile: Profile, index: int, rng: np.random.Generator) -> str:
    code, name, others, _, _ = profile.units[index]
    r = rng.random()
    if r < 0.75:
        return name
    if r < 0.9:
        return others.split("|")[0]
    return code


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
            elif isinstance(value, int | float) and key not in ("don_vi",):
                out.append(_vi_number(float(value)))
            else:
                out.append(str(value))
        writer.writerow(out)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def write_units(path: Path, profile: Profile) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["ma", "ten", "cap", "ten_khac", "hieu_luc_tu", "hieu_luc_den"])
    for code, name, others, _, _ in profile.units:
        writer.writerow([code, name, "huyen", others, "", "30/06/2025"])
    path.write_text(buffer.getvalue(), encoding="utf-8")


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


def generate(out: Path, profile: Profile = YEN_BAI, seed: int = SEED) -> list[Path]:
    """Write the registers, ``dataset.yaml`` and the units of a synthetic dataset into ``out``.

    Targets (``chi_tieu.csv``) and published figures (``so_lieu_cong_bo.csv``) are real and
    are not touched. Returns the files written.
    """
    out.mkdir(parents=True, exist_ok=True)
    htx, tht, suspended = build_entities(profile, seed)
    written = []
    write_meta(out / "dataset.yaml", profile)
    write_units(out / "don_vi_hanh_chinh.csv", profile)
    written += [out / "dataset.yaml", out / "don_vi_hanh_chinh.csv"]
    for year in profile.years:
        rng = np.random.default_rng([seed, year])
        year_dir = out / str(year)
        year_dir.mkdir(exist_ok=True)
        for old in list(year_dir.glob("htx.*")) + list(year_dir.glob("tht.*")):
            old.unlink()
        first = year == profile.years[0]
        hrows = htx_rows(profile, htx, suspended[year], year, rng)
        trows = tht_rows(profile, tht, year, rng)
        for rows in (hrows, trows):
            for row in rows:
                row["don_vi"] = _unit_text(profile, int(row["don_vi"]), rng)  # type: ignore[arg-type]
        for row in hrows:
            if row["trang_thai"] == "ngung_hoat_dong" and rng.random() < 0.4:
                row["ghi_chu"] = "Tạm ngừng hoạt động, chờ kiện toàn bộ máy"
        bools_as_x = year % 2 == 0
        hheaders = [(k, HTX_HEADERS_FIRST_YEAR.get(k, h) if first else h) for k, h in HTX_HEADERS]
        hrows = [{k: _cell_text(k, v, first, bools_as_x) for k, v in r.items()} for r in hrows]
        trows = [{k: _cell_text(k, v, first, bools_as_x) for k, v in r.items()} for r in trows]
        if year == profile.csv_year:
            write_csv(year_dir / "htx.csv", hheaders, hrows)
            write_csv(year_dir / "tht.csv", list(THT_HEADERS), trows)
            written += [year_dir / "htx.csv", year_dir / "tht.csv"]
        else:
            write_xlsx(year_dir / "htx.xlsx", hheaders, hrows, f"HTX {year}")
            write_xlsx(year_dir / "tht.xlsx", list(THT_HEADERS), trows, f"THT {year}")
            written += [year_dir / "htx.xlsx", year_dir / "tht.xlsx"]
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
         tuple(f"Xã {code}-{k:02d}-{j:02d}" for j in range(1, 9)), float(rng.uniform(0.5, 1.5)))
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
    args = parser.parse_args(argv)
    if args.national:
        generate_national(args.out, args.seed, args.provinces)
        return 0
    for path in generate(args.out, YEN_BAI, args.seed):
        print(f"đã ghi {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
