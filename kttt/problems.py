"""Problem records: what is wrong with an input, where, in Vietnamese first.

Every problem names the file (relative to the dataset folder), the row as Excel shows it
(the header is row 1), the header as the analyst wrote it, the offending value and the
reason.

>>> p = Problem("2022/htx.xlsx", 15, "Ngày thành lập", "31/02/2022",
...             "ngày không tồn tại", "impossible date", code="ngay_khong_ton_tai")
>>> print(p.message())
2022/htx.xlsx, dòng 15, cột «Ngày thành lập», giá trị «31/02/2022»: ngày không tồn tại.
>>> print(p.message_en())
  (en) 2022/htx.xlsx, row 15, column "Ngày thành lập", value "31/02/2022": impossible date.
>>> from dataclasses import replace
>>> print(replace(p, sheet="HTX 2022").message())
2022/htx.xlsx, trang «HTX 2022», dòng 15, cột «Ngày thành lập», giá trị «31/02/2022»: ngày không tồn tại.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["loi", "canh_bao", "thong_bao"]

SEVERITY_LABELS: dict[str, str] = {"loi": "Lỗi", "canh_bao": "Cảnh báo", "thong_bao": "Thông báo"}


def show_value(value: Any, limit: int = 80) -> str:
    """The value as the analyst typed it, shortened for a message.

    >>> show_value(3.0)
    '3'
    >>> show_value(None)
    '(trống)'

    A date cell reads as Excel shows it, a huge number as typed (not 309 digits):

    >>> show_value(dt.date(9999, 12, 31)), show_value(1e308), show_value(9e18)
    ('31/12/9999', '1e+308', '9000000000000000000')
    """
    if value is None or (isinstance(value, float) and value != value) or (isinstance(value, str) and value == ""):
        return "(trống)"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e19:
        value = int(value)
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One located problem in the inputs."""

    file: str
    row: int | None
    header: str | None
    value: Any
    reason_vi: str
    reason_en: str
    severity: Severity = "loi"
    code: str = ""
    sheet: str | None = None  # the Excel sheet read, named in every message about its cells

    @property
    def is_error(self) -> bool:
        return self.severity == "loi"

    def location(self, lang: str = "vi") -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"trang «{self.sheet}»" if lang == "vi" else f'sheet "{self.sheet}"')
        if self.row is not None:
            parts.append(f"dòng {self.row}" if lang == "vi" else f"row {self.row}")
        if self.header is not None:
            parts.append(f"cột «{self.header}»" if lang == "vi" else f'column "{self.header}"')
        if self.value is not None and self.row is not None:
            shown = show_value(self.value)
            parts.append(f"giá trị «{shown}»" if lang == "vi" else f'value "{shown}"')
        return ", ".join(parts)

    def message(self) -> str:
        """The Vietnamese message: location, then reason."""
        return f"{self.location('vi')}: {self.reason_vi}."

    def message_en(self) -> str:
        """The English line that follows the Vietnamese one."""
        return f"  (en) {self.location('en')}: {self.reason_en}."

    def as_dict(self) -> dict[str, Any]:
        return {
            "tep": self.file,
            "trang": self.sheet,
            "dong": self.row,
            "cot": self.header,
            "gia_tri": show_value(self.value) if self.value is not None else None,
            "muc_do": self.severity,
            "ma_loi": self.code,
            "ly_do": self.reason_vi,
            "reason": self.reason_en,
        }


@dataclass
class FileReport:
    """Row accounting of one file: rows read = rows accepted + rows rejected.

    >>> r = FileReport("2022/htx.xlsx", "htx", 2022, rows_read=3, rows_accepted=2)
    >>> r.reject(4); r.balanced, r.rejected_rows
    (True, [4])
    """

    file: str
    kind: str
    year: int | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rejected_rows: list[int] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    sheet: str | None = None  # the sheet read (xlsx)
    header_rows: tuple[int, ...] = (1,)
    failed: bool = False  # the file could not be read at all (its problem says why)

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_accepted + self.rows_rejected

    @property
    def ok(self) -> bool:
        """Read, and no row rejected."""
        return not self.failed and self.rows_rejected == 0

    def reject(self, row: int) -> None:
        self.rows_rejected += 1
        self.rejected_rows.append(row)

    def unaccept(self, row: int) -> None:
        """A row accepted first, rejected by a later check (a duplicate across the file)."""
        self.rows_accepted -= 1
        self.reject(row)

    def reject_all(self, body: list[tuple[int, list]]) -> None:
        self.rows_rejected = len(body)
        self.rejected_rows = [n for n, _ in body]


class DataError(Exception):
    """Raised when a dataset cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.is_error]
        lines = [p.message() for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"… và {len(self.problems) - 50} lỗi khác.")
        super().__init__("Dữ liệu đầu vào có lỗi:\n" + "\n".join(lines))
