"""Official administrative units of the new Tỉnh Lào Cai and its two former provinces (real data).

Three public lists of the State, copied unchanged from the team's spec (sources in README.md):

- ``don_vi_truoc_2025-07-01.csv`` — the 319 commune-level units before 1/7/2025 of the former
  Tỉnh Lào Cai (code 10) and Tỉnh Yên Bái (code 15), with their districts;
- ``don_vi_tu_2025-07-01.csv`` — the 99 commune-level units of the new Tỉnh Lào Cai (code 15);
- ``chuyen_doi_2025-07-01.csv`` — old commune → new commune (every old unit whole to one new).

The sample generator builds the samples' units files and crosswalk from them.

>>> len(former_communes()), len(new_communes()), len(crosswalk())
(319, 99, 319)
>>> sorted({c.province for c in former_communes()})
['10', '15']
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
CHANGE_DATE = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class FormerCommune:
    province: str
    province_name: str
    district: str
    district_name: str
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class NewCommune:
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class Merge:
    new: str
    new_name: str
    old: str
    old_name: str
    district: str
    province: str
    how: str


def _rows(name: str) -> list[dict[str, str]]:
    with (FOLDER / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def former_communes() -> tuple[FormerCommune, ...]:
    return tuple(FormerCommune(r["ma_tinh"], r["ten_tinh"], r["ma_huyen"], r["ten_huyen"], r["ma_xa"], r["ten_xa"],
                               r["loai"]) for r in _rows("don_vi_truoc_2025-07-01.csv"))


@lru_cache(maxsize=1)
def new_communes() -> tuple[NewCommune, ...]:
    return tuple(NewCommune(r["ma"], r["ten"], r["loai"]) for r in _rows("don_vi_tu_2025-07-01.csv"))


@lru_cache(maxsize=1)
def crosswalk() -> tuple[Merge, ...]:
    return tuple(Merge(r["ma_xa_moi"], r["ten_xa_moi"], r["ma_xa_cu"], r["ten_xa_cu"], r["ma_huyen_cu"],
                       r["ma_tinh_cu"], r["cach_chuyen"]) for r in _rows("chuyen_doi_2025-07-01.csv"))


def communes_of(district: str) -> tuple[FormerCommune, ...]:
    """The former communes of a former district, in code order.

    >>> [c.name for c in communes_of("139")][:2]
    ['Thị trấn Trạm Tấu', 'Xã Túc Đán']
    """
    return tuple(c for c in former_communes() if c.district == district)


def new_of(old: str) -> str:
    """The new commune (code) a former commune went to.

    >>> new_of("04738"), new_of("04750")
    ('04750', '04750')
    """
    return next(m.new for m in crosswalk() if m.old == old)
