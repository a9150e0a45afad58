"""Parsing one cell: dates, numbers, booleans, as the data contract says.

Each parser returns the typed value or raises :class:`CellError` carrying a Vietnamese
reason, an English one and a short machine code. Blank cells are the caller's business
(:func:`is_blank`).

>>> parse_date("05/01/2022")
datetime.date(2022, 1, 5)
>>> parse_number("2.100,5", "vi")
2100.5
>>> parse_bool("Có")
True
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from kttt.contract import EARLIEST_DATE, ENUM_TITLES, Column, enum_key, normalize


class CellError(ValueError):
    """A cell that breaks the contract."""

    def __init__(self, reason_vi: str, reason_en: str, code: str):
        super().__init__(reason_vi)
        self.reason_vi = reason_vi
        self.reason_en = reason_en
        self.code = code


@dataclass(frozen=True)
class BadCell:
    """A cell Excel could not give a value for: an error (``#DIV/0!``, ``#N/A``, …) or a formula
    whose result was never saved. Never blank, never a value: every parser rejects it.

    >>> str(BadCell("loi", "#DIV/0!"))
    '#DIV/0!'
    """

    kind: str  # "loi" (an Excel error value) or "cong_thuc" (a formula without a saved result)
    text: str

    def __str__(self) -> str:
        return self.text

    def error(self) -> CellError:
        if self.kind == "loi":
            return CellError(f"ô lỗi của Excel ({self.text}): sửa công thức hoặc nhập giá trị",
                             f"an Excel error cell ({self.text}): fix the formula or type the value",
                             "o_loi_excel")
        return CellError("ô có công thức nhưng chưa có giá trị đã tính (mở tệp bằng Excel, tính lại và lưu)",
                         "a formula cell without a saved result (open the file in Excel, recalculate, save)",
                         "cong_thuc_chua_tinh")


INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width characters and the soft hyphen
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARS))


def clean_text(text: str) -> str:
    """Text as one form: Unicode NFC, zero-width characters and soft hyphens removed, no
    surrounding spaces — so a code typed in NFC and in NFD, or with a zero-width space, is the
    same code.

    >>> nfd = unicodedata.normalize("NFD", "HTX Tiến")
    >>> clean_text("HTX\u200b01") == "HTX01", clean_text(nfd) == "HTX Tiến", nfd == "HTX Tiến"
    (True, True, False)
    """
    return unicodedata.normalize("NFC", text).translate(_INVISIBLE).strip()


def is_blank(value: Any) -> bool:
    """True for an empty cell: None, NaN, NaT or only spaces.

    >>> is_blank("  "), is_blank(0), is_blank(float("nan"))
    (True, False, True)
    """
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not clean_text(value):
        return True
    return type(value).__name__ == "NaTType"


def as_text(value: Any) -> str:
    """A code or a name as text; whole numbers typed in Excel lose their ``.0``.

    >>> as_text(132.0), as_text(" HTX A ")
    ('132', 'HTX A')
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return clean_text(str(value))


DATE_PATTERNS = (r"(\d{1,2})/(\d{1,2})/(\d{4})",  # day, month, year
                 r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")  # year, month, day
_DMY, _YMD = (re.compile(f"^{p}$") for p in DATE_PATTERNS)


def parse_date(value: Any) -> dt.date:
    """A date from an Excel date cell, ``dd/mm/yyyy``, ``d/m/yyyy`` or ``yyyy-mm-dd``.

    Day first, always; anything else is an error, never a guess.

    >>> parse_date("2022-12-31")
    datetime.date(2022, 12, 31)
    >>> parse_date("31/02/2022")
    Traceback (most recent call last):
    ...
    kttt.values.CellError: ngày không tồn tại (31/02/2022)
    """
    if isinstance(value, BadCell):
        raise value.error()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        raise CellError(
            "không phải ngày: ghi ngày dạng dd/mm/yyyy hoặc định dạng ô là Ngày",
            "not a date: write dd/mm/yyyy or format the cell as a date",
            "ngay_khong_doc_duoc",
        )
    text = value.strip()
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _YMD.match(text)
        if not match:
            raise CellError(
                "không đọc được ngày: chỉ nhận dd/mm/yyyy, d/m/yyyy hoặc yyyy-mm-dd",
                "unreadable date: only dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd are accepted",
                "ngay_khong_doc_duoc",
            )
        year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(
            f"ngày không tồn tại ({day:02d}/{month:02d}/{year})",
            f"impossible date (day {day}, month {month}, year {year})",
            "ngay_khong_ton_tai",
        ) from None


NUMBER_PATTERNS = {  # a number written as text, by the dataset's dinh_dang_so
    "vi": r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?",
    "en": r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?",
}
_NUMBER = {fmt: re.compile(f"^{p}$") for fmt, p in NUMBER_PATTERNS.items()}
_EXAMPLE = {"vi": "1.234,5", "en": "1,234.5"}


def parse_number(value: Any, number_format: str = "vi") -> float:
    """A number typed in Excel, or text in the dataset's number format.

    ``vi``: ``.`` groups thousands and ``,`` marks decimals (``2.100,5``); ``en`` the other
    way round (``2,100.5``). Text in the other format is an error.

    >>> parse_number("2,100.5", "en"), parse_number(-12)
    (2100.5, -12.0)
    >>> parse_number("2,100.5", "vi")
    Traceback (most recent call last):
    ...
    kttt.values.CellError: sai định dạng số của bộ dữ liệu (dinh_dang_so: vi, ví dụ 1.234,5)
    """
    if isinstance(value, BadCell):
        raise value.error()
    if isinstance(value, bool):
        raise CellError("không phải số", "not a number", "khong_phai_so")
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise CellError("không phải số hữu hạn", "not a finite number", "khong_phai_so")
        return number
    text = str(value).strip().replace("\u00a0", "")
    if _NUMBER[number_format].match(text):
        return float(machine_text(text, number_format))
    other = "en" if number_format == "vi" else "vi"
    if _NUMBER[other].match(text):
        raise CellError(
            f"sai định dạng số của bộ dữ liệu (dinh_dang_so: {number_format}, "
            f"ví dụ {_EXAMPLE[number_format]})",
            f"number not in the dataset's format (dinh_dang_so: {number_format}, "
            f"e.g. {_EXAMPLE[number_format]})",
            "sai_dinh_dang_so",
        )
    raise CellError("không phải số", "not a number", "khong_phai_so")


def machine_text(text: str, number_format: str) -> str:
    """A number written in the dataset's format, written the machine's way (its thousands
    separators dropped, its decimal mark a point). Works on several numbers joined as well.

    >>> machine_text("2.100,5", "vi"), machine_text("2,100.5", "en")
    ('2100.5', '2100.5')
    """
    if number_format == "vi":
        return text.replace(".", "").replace(",", ".")
    return text.replace(",", "")


def parse_int(value: Any, number_format: str = "vi") -> int:
    """A whole number (counts of people, products).

    >>> parse_int("1.250", "vi")
    1250
    >>> parse_int(2.5)
    Traceback (most recent call last):
    ...
    kttt.values.CellError: phải là số nguyên
    """
    number = parse_number(value, number_format)
    if not number.is_integer():
        raise CellError("phải là số nguyên", "must be a whole number", "khong_phai_so_nguyen")
    return int(number)


_TRUE = {"co", "x", "1", "true", "yes", "dung", "c"}
_FALSE = {"khong", "0", "false", "no", "k", "sai"}


def parse_bool(value: Any) -> bool:
    """A yes/no cell: ``có/không``, ``x``, ``1/0``, ``true/false``, ``yes/no``.

    >>> parse_bool("không"), parse_bool("x"), parse_bool(1)
    (False, True, True)
    """
    if isinstance(value, BadCell):
        raise value.error()
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = normalize(as_text(value))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(
        "không phải giá trị có/không (có/không, x/để trống, 1/0, true/false, yes/no)",
        "not a yes/no value (có/không, x/empty, 1/0, true/false, yes/no)",
        "khong_phai_co_khong",
    )


# --------------------------------------------------------------------------- one cell of a register column

def parse_value(col: Column, value: Any, number_format: str, x_marks: bool, factor: float = 1.0) -> Any:
    """One cell of a non-unit column, typed (None for blank; money converted to triệu đồng by
    ``factor``); raises CellError. Numbers are checked against the column's sane bounds.

    >>> from kttt.contract import HTX
    >>> parse_value(HTX.column("doanh_thu"), "2.100,5", "vi", False)
    2100.5
    >>> parse_value(HTX.column("so_thanh_vien"), 9e18, "vi", False)
    Traceback (most recent call last):
    ...
    kttt.values.CellError: lớn bất thường: vượt giới hạn hợp lý 1.000.000 của cột
    """
    if value is None:
        if col.type == "bool" and x_marks:
            return False
        if col.required:
            raise CellError("thiếu giá trị bắt buộc", "required value is empty", "thieu_gia_tri")
        return None
    if col.type == "text":
        if isinstance(value, BadCell):
            raise value.error()
        text = as_text(value)
        if not text and col.required:
            raise CellError("thiếu giá trị bắt buộc", "required value is empty", "thieu_gia_tri")
        return text or None
    if col.type == "enum":
        if isinstance(value, BadCell):
            raise value.error()
        assert col.enum is not None
        key = enum_key(col.enum, as_text(value))
        if key is None:
            raise CellError(f"{ENUM_TITLES[col.enum]} không hợp lệ (không có trong danh mục)",
                            f"unknown {col.key} (not in the list of values)", f"{col.key}_la")
        return key
    if col.type == "date":
        return parse_date(value)
    if col.type == "bool":
        return parse_bool(value)
    number: float = parse_int(value, number_format) if col.type == "int" else parse_number(value, number_format)
    if factor != 1.0:
        number = number * factor
    if col.minimum is not None and number < col.minimum:
        if col.minimum == 0:
            raise CellError("không được là số âm", "must not be negative", "so_am")
        raise CellError(f"nhỏ hơn giới hạn hợp lý ({col.minimum:,.0f})".replace(",", "."),
                        f"below the sane bound ({col.minimum:,.0f})", "vuot_gioi_han")
    if col.maximum is not None and number > col.maximum:
        raise CellError(f"lớn bất thường: vượt giới hạn hợp lý {col.maximum:,.0f} của cột".replace(",", "."),
                        f"implausibly large: above the column's sane bound {col.maximum:,.0f}", "vuot_gioi_han")
    return number


def parse_cell(col: Column, value: Any, number_format: str, x_marks: bool, factor: float, latest: dt.date) -> Any:
    """:func:`parse_value`, and a date must lie between :data:`~kttt.contract.EARLIEST_DATE` and
    ``latest`` (the end of the year after the register's year): the whole rule for one cell of a
    register column, which :mod:`kttt.columns` applies to a column at once.

    >>> from kttt.contract import HTX
    >>> parse_cell(HTX.column("ngay_thanh_lap"), "05/01/2031", "vi", False, 1.0, dt.date(2023, 12, 31))
    Traceback (most recent call last):
    ...
    kttt.values.CellError: ngày ngoài khoảng hợp lý (01/01/1900 – 31/12/2023)
    """
    parsed = parse_value(col, value, number_format, x_marks, factor)
    if col.type == "date" and parsed is not None and not EARLIEST_DATE <= parsed <= latest:
        raise CellError(f"ngày ngoài khoảng hợp lý ({EARLIEST_DATE:%d/%m/%Y} – {latest:%d/%m/%Y})",
                        f"date out of the plausible range ({EARLIEST_DATE:%d/%m/%Y} – {latest:%d/%m/%Y})",
                        "ngay_ngoai_khoang")
    return parsed


def marks_with_x(value: Any) -> bool:
    """Whether a yes/no cell is written ``x`` (a column marked with ``x`` reads blank as "no").

    >>> marks_with_x(" X "), marks_with_x("có")
    (True, False)
    """
    return value is not None and normalize(as_text(value)) == "x"
