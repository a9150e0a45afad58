"""Vietnamese formatting: numbers, percentages, money, dates — everything a person reads.

Numbers use Babel's ``vi_VN`` symbols (``.`` groups thousands, ``,`` marks decimals).
Computation keeps full precision; rounding happens here, at display time only: percentages
and averages show at most one decimal, rounded half to even on the exact value, and a zero
decimal is dropped. An empty value (no population) shows as "–".

>>> number(5894)
'5.894'
>>> percent(97 * 100 / 80), percent(627 * 100 / 300)
('121,2%', '209%')
>>> money(2100), money(450)
('2,1 tỷ đồng', '450 triệu đồng')
>>> value("thu_nhap_bq_ld_htx_thang", 5.3000790895)
'5,3 triệu đồng/người/tháng'
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_EVEN, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "vi_VN"
DASH = "–"


def is_empty(x: object) -> bool:
    """True for None, NaN and pandas' NA.

    >>> is_empty(None), is_empty(float("nan")), is_empty(0)
    (True, True, False)
    """
    if x is None:
        return True
    try:
        return bool(x != x) or (isinstance(x, float) and math.isnan(x))  # NaN and pd.NA
    except TypeError:
        return True


def exact(x: float | int | Decimal) -> Decimal:
    """The decimal a float stands for (its shortest repr), so that 121.25 rounds as 121.25.

    >>> exact(0.1) == Decimal("0.1")
    True
    """
    if isinstance(x, Decimal):
        return x
    return Decimal(repr(float(x))) if not isinstance(x, int) else Decimal(x)


def rounded(x: float, decimals: int = 1) -> Decimal:
    """Round half to even at ``decimals`` places.

    >>> str(rounded(121.25)), str(rounded(121.35)), str(rounded(2.05))
    ('121.2', '121.4', '2.0')
    """
    return exact(x).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)


def number(x: float | int | None, decimals: int = 0) -> str:
    """A number with Vietnamese separators, at most ``decimals`` decimals (zeros dropped).

    >>> number(63300), number(2.1, 1), number(2.0, 1), number(-1234.56, 1), number(None)
    ('63.300', '2,1', '2', '-1.234,6', '–')
    """
    if is_empty(x):
        return DASH
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    text = format_decimal(rounded(x, decimals), format=pattern, locale=LOCALE)  # type: ignore[arg-type]
    return "0" if text in ("-0", "−0") else text


def percent(x: float | None, decimals: int = 1) -> str:
    """A percentage given in percent units (121.25 → ``121,2%``).

    >>> percent(121.25), percent(100), percent(None)
    ('121,2%', '100%', '–')
    """
    if is_empty(x):
        return DASH
    return number(x, decimals) + "%"


def money(trieu: float | None, decimals: int = 1) -> str:
    """Money given in triệu đồng: a billion or more reads in tỷ đồng, below in triệu đồng.

    >>> money(2100), money(1481000), money(450), money(-35.25), money(None)
    ('2,1 tỷ đồng', '1.481 tỷ đồng', '450 triệu đồng', '-35,2 triệu đồng', '–')
    """
    if is_empty(trieu):
        return DASH
    if abs(trieu) >= 1000:  # type: ignore[arg-type]
        return f"{number(exact(trieu) / 1000, decimals)} tỷ đồng"
    return f"{number(trieu, decimals)} triệu đồng"


def signed(x: float | None, decimals: int = 1) -> str:
    """A change with its sign (``+82``, ``-3``).

    >>> signed(82.0), signed(-3.25), signed(0)
    ('+82', '-3,2', '0')
    """
    if is_empty(x):
        return DASH
    text = number(x, decimals)
    return text if text.startswith("-") or text == "0" else "+" + text


def date(d: dt.date | None) -> str:
    """``dd/mm/yyyy`` as Vietnamese documents write dates.

    >>> date(dt.date(2023, 1, 10))
    '10/01/2023'
    """
    if d is None or is_empty(d):
        return DASH
    return format_date(d, "dd/MM/yyyy", locale=LOCALE)


def long_date(d: dt.date) -> str:
    """``ngày 10 tháng 01 năm 2023``.

    >>> long_date(dt.date(2023, 1, 10))
    'ngày 10 tháng 01 năm 2023'
    """
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


_UNIT_SUFFIX = {
    "HTX": " HTX", "THT": " THT", "LHHTX": " LHHTX", "quỹ": " quỹ", "người": " người",
    "sản phẩm": " sản phẩm",
}


def value(code: str, x: float | None, with_unit: bool = True) -> str:
    """An indicator value formatted by its unit in the catalogue.

    >>> value("htx_hien_co", 652), value("doanh_thu_bq_htx", 2100), value("ty_le_htx_kha_tot", 58.03)
    ('652 HTX', '2,1 tỷ đồng/HTX', '58%')
    >>> value("von_dieu_le_htx", 1300000), value("thu_nhap_bq_ld_tht", 48.0), value("lao_dong_htx", None)
    ('1.300 tỷ đồng', '48 triệu đồng/người/năm', '–')
    """
    from kttt.indicators.catalogue import CATALOGUE

    meta = CATALOGUE[code]
    if is_empty(x):
        return DASH
    unit = meta.unit
    if unit == "%":
        return percent(x)
    if meta.money:
        per = unit.split("/", 1)[1] if "/" in unit else ""
        if per.startswith("người"):
            text = f"{number(x, 1)} triệu đồng"
        else:
            text = money(x)
        return text + (f"/{per}" if per and with_unit else "")
    text = number(x, 0 if meta.kind in ("count", "sum") else 1)
    return text + (_UNIT_SUFFIX.get(unit, f" {unit}") if with_unit else "")


def short(code: str, x: float | None) -> str:
    """A value without its unit, for table cells whose header carries the unit.

    >>> short("htx_hien_co", 5894), short("doanh_thu_bq_htx", 2100), short("ty_le_htx_kha_tot", 61.25)
    ('5.894', '2.100', '61,2%')
    """
    from kttt.indicators.catalogue import CATALOGUE

    meta = CATALOGUE[code]
    if is_empty(x):
        return DASH
    if meta.unit == "%":
        return percent(x)
    return number(x, 0 if meta.kind in ("count", "sum") else 1)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: object) -> object:
    """A text cell made safe for a spreadsheet (CSV injection, OWASP): text starting with
    ``= + - @``, a tab or a carriage return gets a leading ``'`` so that Excel or LibreOffice
    shows it instead of running it. Anything that is not text (numbers stay numbers) is
    returned as it is.

    >>> csv_text("=HYPERLINK(\\"http://x\\")"), csv_text("@SUM(A1)"), csv_text("HTX Đoàn Kết"), csv_text(-50)
    ('\\'=HYPERLINK("http://x")', "'@SUM(A1)", 'HTX Đoàn Kết', -50)
    """
    if isinstance(text, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text
