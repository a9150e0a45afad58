"""Administrative units with dates and parents, the old → new crosswalk, and re-basing.

A code means a unit only together with a date: the State reuses codes (04750 was Xã Cảm Ân
until 30/06/2025 and is Xã Bảo Ái from 01/07/2025). :class:`Units` answers "which unit is
meant by this code or name, in this column (level), at this date?" with a name index per
level — no "last writer wins": two candidates left is an ambiguity the caller reports with
both names. :class:`Crosswalk` maps a former unit to the unit(s) it went to, with shares;
:func:`place` re-bases last year's rows onto this year's units.

>>> units = Units.from_records(DEMO_UNITS)
>>> r = units.resolve("Cảm Ân", "xa", dt.date(2024, 12, 31))
>>> r.unit.code, r.unit.name
('04750', 'Xã Cảm Ân')
>>> units.resolve("04750", "xa", dt.date(2025, 12, 31)).unit.name
'Xã Bảo Ái'
>>> cw = Crosswalk.from_records(DEMO_CROSSWALK)
>>> r = units.resolve("Cảm Ân", "xa", dt.date(2025, 12, 31), crosswalk=cw)
>>> r.unit.name, r.former.name
('Xã Bảo Ái', 'Xã Cảm Ân')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kttt.contract import SHARE_TOLERANCE, fold, normalize

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Unit:
    """One administrative unit over one period."""

    code: str
    name: str
    level: str  # tinh (a former province), huyen, xa
    parent: str = ""  # the code of the unit above it in that period ("" = the dataset's province)
    other_names: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None

    def valid_at(self, date: dt.date) -> bool:
        """The unit existed on ``date``."""
        return (self.since is None or self.since <= date) and (self.until is None or date <= self.until)

    def label(self) -> str:
        """How messages name it: ``Xã Cảm Ân (04750, đến 30/06/2025)``."""
        period = []
        if self.since:
            period.append(f"từ {self.since:%d/%m/%Y}")
        if self.until:
            period.append(f"đến {self.until:%d/%m/%Y}")
        return f"{self.name} ({', '.join([self.code, *period])})"


@dataclass(frozen=True)
class Resolved:
    """What a cell naming a unit resolved to."""

    unit: Unit | None = None
    former: Unit | None = None  # the former unit the cell named, converted through the crosswalk
    candidates: tuple[Unit, ...] = ()  # two or more: the cell is ambiguous
    reason_vi: str = ""
    reason_en: str = ""
    code: str = ""  # problem code when unit is None
    padded: bool = False  # a numeric code matched only after restoring its leading zeros


_ZEROS = re.compile(r"^\d+$")


class Units:
    """The dataset's units: every (code, period, level, parent), indexed by level and name."""

    def __init__(self, units: Iterable[Unit]):
        self.all: tuple[Unit, ...] = tuple(units)
        # two indexes per level: names as written (case and separators folded, diacritics kept:
        # "Sa Pa" ≠ "Sa Pả", "Minh Quân" ≠ "Minh Quán"), then without diacritics (typed loosely)
        self._exact: dict[tuple[str, str], list[Unit]] = {}
        self._loose: dict[tuple[str, str], list[Unit]] = {}
        self._codes: dict[str, list[Unit]] = {}
        self._code_lengths: dict[str, set[int]] = {}
        for u in self.all:
            self._codes.setdefault(u.code, []).append(u)
            self._code_lengths.setdefault(u.level, set()).add(len(u.code))
            for text in {u.code, u.name, *u.other_names, _short_name(u.name)}:
                if not text:
                    continue
                for index, key in ((self._exact, fold(text)), (self._loose, normalize(text))):
                    bucket = index.setdefault((u.level, key), [])
                    if u not in bucket:
                        bucket.append(u)

    @classmethod
    def from_records(cls, records: Iterable[dict]) -> Units:
        """From dicts with the keys of ``don_vi_hanh_chinh.csv`` (``ma, ten, cap, ma_cha,
        ten_khac, hieu_luc_tu, hieu_luc_den``; dates as :class:`datetime.date` or None)."""
        out = []
        for r in records:
            others = tuple(n.strip() for n in str(r.get("ten_khac") or "").split("|") if n.strip())
            out.append(Unit(str(r["ma"]), str(r["ten"]), str(r["cap"]), str(r.get("ma_cha") or ""), others,
                            r.get("hieu_luc_tu"), r.get("hieu_luc_den")))
        return cls(out)

    def __len__(self) -> int:
        return len(self.all)

    def at(self, code: str, date: dt.date, level: str | None = None) -> Unit | None:
        """The unit a code means on ``date`` (None when no unit had that code then)."""
        for u in self._codes.get(code, ()):
            if u.valid_at(date) and (level is None or u.level == level):
                return u
        return None

    def valid(self, date: dt.date, level: str | None = None) -> list[Unit]:
        """Every unit valid on ``date`` (at ``level``), in code order."""
        return sorted((u for u in self.all if u.valid_at(date) and (level is None or u.level == level)),
                      key=lambda u: unit_order(u.code))

    def children(self, code: str, date: dt.date, level: str) -> list[Unit]:
        """Units of ``level`` under ``code`` on ``date``."""
        return [u for u in self.valid(date, level) if u.parent == code]

    def levels(self) -> set[str]:
        return {u.level for u in self.all}

    def lookup(self, text: str, level: str) -> tuple[list[Unit], bool]:
        """Every unit of ``level`` (any period) a text may mean, and whether leading zeros had
        to be restored to find it (``4750`` for ``04750``)."""
        found = list(self._exact.get((level, fold(text)), ())) or list(self._loose.get((level, normalize(text)), ()))
        key = normalize(text)
        if found or not _ZEROS.match(key):
            return found, False
        for length in sorted(self._code_lengths.get(level, ())):
            if length > len(key):
                found = list(self._exact.get((level, key.zfill(length)), ()))
                if found:
                    return found, True
        return [], False

    def resolve(self, text: str, level: str, date: dt.date, parent: str | None = None,
                crosswalk: Crosswalk | None = None) -> Resolved:
        """The unit a cell means: by code or any name, at ``level``, on ``date``.

        Two candidates left after the date (and the ``parent``, when the row gives one) → an
        ambiguity naming both. No unit valid on ``date`` but a former one (ended before it) →
        converted through the crosswalk when it went whole to one unit; an error otherwise.
        """
        found, padded = self.lookup(text, level)
        if not found:
            title = "cấp xã" if level == "xa" else ("cấp huyện" if level == "huyen" else "cấp tỉnh")
            return Resolved(reason_vi=f"đơn vị hành chính {title} không có trong don_vi_hanh_chinh.csv",
                            reason_en=f"unknown administrative unit ({level}; not in don_vi_hanh_chinh.csv)",
                            code="don_vi_la")
        now = [u for u in found if u.valid_at(date)]
        if len(now) > 1 and parent:
            now = [u for u in now if u.parent == parent] or now
        if len(now) == 1:
            return Resolved(now[0], padded=padded)
        if len(now) > 1:
            names = " và ".join(u.label() for u in now[:3])
            return Resolved(candidates=tuple(now), code="don_vi_mo_ho",
                            reason_vi=f"tên ứng với nhiều đơn vị: {names}; hãy ghi mã đơn vị",
                            reason_en=f"the name fits several units: {names}; write the unit's code")
        earlier = [u for u in found if u.until is not None and u.until < date]
        if len(earlier) > 1 and parent:
            earlier = [u for u in earlier if u.parent == parent] or earlier
        if not earlier:
            first = min((u.since for u in found if u.since), default=None)
            when = f" (có hiệu lực từ {first:%d/%m/%Y})" if first else ""
            return Resolved(code="don_vi_chua_hieu_luc",
                            reason_vi=f"đơn vị chưa có hiệu lực tại ngày số liệu {date:%d/%m/%Y}{when}",
                            reason_en=f"the unit did not exist yet on the data date {date:%d/%m/%Y}{when}")
        if len(earlier) > 1:
            names = " và ".join(u.label() for u in earlier[:3])
            return Resolved(candidates=tuple(earlier), code="don_vi_mo_ho",
                            reason_vi=f"tên đơn vị cũ ứng với nhiều đơn vị: {names}; hãy ghi mã đơn vị mới",
                            reason_en=f"the former unit's name fits several units: {names}; write the new unit's code")
        old = earlier[0]
        targets = crosswalk.follow(old, date, self) if crosswalk is not None else []
        if len(targets) == 1 and abs(targets[0][1] - 1.0) <= SHARE_TOLERANCE and targets[0][0] is not None:
            return Resolved(targets[0][0], former=old, padded=padded)
        if len(targets) > 1:
            names = ", ".join(t.label() for t, _ in targets if t is not None)
            return Resolved(code="don_vi_cu_bi_chia",
                            reason_vi=f"{old.label()} đã hết hiệu lực và được chia cho nhiều đơn vị ({names}): "
                                      "hãy ghi đơn vị mới nơi đặt trụ sở",
                            reason_en=f"{old.name} ended and was split between several units ({names}): "
                                      "write the new unit of the seat")
        return Resolved(code="don_vi_het_hieu_luc",
                        reason_vi=f"{old.label()} đã hết hiệu lực trước ngày số liệu {date:%d/%m/%Y} và không có "
                                  "trong bảng chuyển đổi chuyen_doi_dvhc.csv: hãy ghi đơn vị hiện hành",
                        reason_en=f"{old.name} ended before the data date {date:%d/%m/%Y} and is not in the "
                                  "crosswalk chuyen_doi_dvhc.csv: write the current unit")


_KINDS = ("thành phố", "thị xã", "thị trấn", "huyện", "xã", "phường", "đặc khu", "tỉnh")


def _short_name(name: str) -> str:
    """A unit's name without its kind (``Xã Cảm Ân`` → ``Cảm Ân``), as registers often write it.

    >>> _short_name("Thị trấn Yên Thế"), _short_name("Phường Lào Cai"), _short_name("Đặc khu Vân Đồn")
    ('Yên Thế', 'Lào Cai', 'Vân Đồn')
    """
    text = " ".join(str(name).split())
    low = fold(text)
    for kind in _KINDS:
        if low.startswith(kind + " "):
            return text[len(kind) + 1:]
    return ""


def unit_order(code: str) -> tuple[int, str]:
    """Sort key: numeric codes by value, others after them.

    >>> sorted(["141", "toan_tinh", "04750", "132"], key=unit_order)
    ['132', '141', '04750', 'toan_tinh']
    """
    return (0, f"{int(code):012d}") if str(code).isdigit() else (1, str(code))


# --------------------------------------------------------------------------- the crosswalk

@dataclass(frozen=True)
class Change:
    """One row of ``chuyen_doi_dvhc.csv``: part of an old unit went to a new unit on a date."""

    old: str
    new: str
    date: dt.date
    share: float = 1.0
    note: str = ""


@dataclass
class Crosswalk:
    """Old unit → new unit(s) with shares, by the date the change took effect."""

    changes: tuple[Change, ...] = ()
    _by_old: dict[tuple[str, dt.date], list[Change]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for c in self.changes:
            self._by_old.setdefault((c.old, c.date), []).append(c)

    @classmethod
    def from_records(cls, records: Iterable[dict]) -> Crosswalk:
        """From dicts with keys ``ma_cu, ma_moi, ngay_hieu_luc, ty_le, ghi_chu``."""
        return cls(tuple(Change(str(r["ma_cu"]), str(r["ma_moi"]), r["ngay_hieu_luc"],
                                float(1.0 if r.get("ty_le") is None else r["ty_le"]), str(r.get("ghi_chu") or ""))
                         for r in records))

    def __bool__(self) -> bool:
        return bool(self.changes)

    def dates(self) -> list[dt.date]:
        return sorted({c.date for c in self.changes})

    def sources(self, unit: Unit, units: Units) -> list[Unit]:
        """The former units that went (whole or in part) to ``unit`` when it took effect."""
        if unit.since is None:
            return []
        before = unit.since - ONE_DAY
        found = [units.at(c.old, before) for c in self.changes if c.new == unit.code and c.date == unit.since]
        return [u for u in found if u is not None]

    def follow(self, unit: Unit, date: dt.date, units: Units) -> list[tuple[Unit | None, float]]:
        """Where a unit that ended before ``date`` went, as (unit valid on ``date``, share),
        following every change up to ``date``. Empty when the crosswalk does not know it."""
        current: list[tuple[Unit, float]] = [(unit, 1.0)]
        moved = False
        for when in self.dates():
            if when > date:
                break
            step: list[tuple[Unit, float]] = []
            for u, share in current:
                rows = self._by_old.get((u.code, when), []) if u.until is not None and u.until < when else []
                if not rows:
                    step.append((u, share))
                    continue
                moved = True
                for c in rows:
                    target = units.at(c.new, when, u.level)
                    if target is None:
                        return []
                    step.append((target, share * c.share))
            current = _merge(step)
        if not moved:
            return []
        out: list[tuple[Unit | None, float]] = []
        for u, share in current:
            out.append((u if u.valid_at(date) else None, share))
        return out


def _merge(pairs: Sequence[tuple[Unit, float]]) -> list[tuple[Unit, float]]:
    totals: dict[Unit, float] = {}
    for u, share in pairs:
        totals[u] = totals.get(u, 0.0) + share
    return list(totals.items())


# --------------------------------------------------------------------------- re-basing

@dataclass(frozen=True)
class Placement:
    """Where a row of last year belongs among this year's areas of one level."""

    code: str | None  # the area (None: cannot be placed, or has no unit at that level)
    candidates: frozenset[str] = frozenset()  # areas it could belong to when it cannot be placed


def place_commune(commune: Unit | None, district: Unit | None, date: dt.date, units: Units,
                  crosswalk: Crosswalk) -> Placement:
    """This year's commune (on ``date``) of a row placed last year by its commune, else its
    district (when all of that district's communes go to one unit).

    >>> units, cw = Units.from_records(DEMO_UNITS), Crosswalk.from_records(DEMO_CROSSWALK)
    >>> old = units.at("04738", dt.date(2024, 12, 31))
    >>> place_commune(old, None, dt.date(2025, 12, 31), units, cw)
    Placement(code='04750', candidates=frozenset())
    """
    if commune is not None:
        if commune.valid_at(date):
            return Placement(commune.code)
        targets = crosswalk.follow(commune, date, units)
        codes = frozenset(t.code for t, _ in targets if t is not None)
        if len(targets) == 1 and targets[0][0] is not None and abs(targets[0][1] - 1) <= SHARE_TOLERANCE:
            return Placement(targets[0][0].code)
        return Placement(None, codes)
    if district is None:
        return Placement(None)
    if district.valid_at(date):
        # the district still exists: a row without a commune has no commune on this date either;
        # it counts in its district, like this year's rows without one, and costs no commune its
        # year-before value
        return Placement(None)
    last_day = district.until if district.until is not None and district.until < date else None
    when = last_day or date
    communes = units.children(district.code, when, "xa")
    codes: set[str] = set()
    whole = True
    for c in communes:
        p = place_commune(c, None, date, units, crosswalk)
        if p.code is None:
            whole = False
            codes |= p.candidates
        else:
            codes.add(p.code)
    if whole and len(codes) == 1:
        return Placement(next(iter(codes)))
    return Placement(None, frozenset(codes))


def place_district(district: Unit | None, commune_now: str | None, date: dt.date, units: Units,
                   crosswalk: Crosswalk) -> Placement:
    """This year's district of a row: its own district if still valid, else where the
    crosswalk sends it, else the district of the commune it was placed in."""
    if district is not None and district.valid_at(date):
        return Placement(district.code)
    if district is not None:
        targets = crosswalk.follow(district, date, units)
        if len(targets) == 1 and targets[0][0] is not None and abs(targets[0][1] - 1) <= SHARE_TOLERANCE:
            return Placement(targets[0][0].code)
    if commune_now is not None:
        unit = units.at(commune_now, date, "xa")
        if unit is not None and unit.parent and units.at(unit.parent, date, "huyen") is not None:
            return Placement(unit.parent)
    return Placement(None)


# --------------------------------------------------------------------------- the demo

DEMO_UNITS = [
    {"ma": "141", "ten": "Huyện Yên Bình", "cap": "huyen", "ma_cha": "", "ten_khac": "Yên Bình",
     "hieu_luc_tu": None, "hieu_luc_den": dt.date(2025, 6, 30)},
    {"ma": "04738", "ten": "Xã Bảo Ái", "cap": "xa", "ma_cha": "141", "ten_khac": "",
     "hieu_luc_tu": None, "hieu_luc_den": dt.date(2025, 6, 30)},
    {"ma": "04750", "ten": "Xã Cảm Ân", "cap": "xa", "ma_cha": "141", "ten_khac": "",
     "hieu_luc_tu": None, "hieu_luc_den": dt.date(2025, 6, 30)},
    {"ma": "04750", "ten": "Xã Bảo Ái", "cap": "xa", "ma_cha": "", "ten_khac": "",
     "hieu_luc_tu": dt.date(2025, 7, 1), "hieu_luc_den": None},
]
DEMO_CROSSWALK = [
    {"ma_cu": "04738", "ma_moi": "04750", "ngay_hieu_luc": dt.date(2025, 7, 1), "ty_le": 1.0},
    {"ma_cu": "04750", "ma_moi": "04750", "ngay_hieu_luc": dt.date(2025, 7, 1), "ty_le": 1.0},
]
