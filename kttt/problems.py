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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["loi", "canh_bao", "thong_bao"]

SEVERITY_LABELS: dict[str, str] = {"loi": "Lỗi", "canh_bao": "Cảnh báo", "thong_bao": "Thông báo"}


def show_value(value: Any, limit: int = 80) -> str:
    """The value as the analyst typed it, shortened for a message.

    >>> show_value(3.0)
    '3'
    >>> show_value(None)
    '(trống)'
    """
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return "(trống)"
    if isinstance(value, float) and value.is_integer():
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

    @property
    def is_error(self) -> bool:
        return self.severity == "loi"

    def location(self, lang: str = "vi") -> str:
        parts = [self.file]
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
            "dong": self.row,
            "cot": self.header,
            "gia_tri": show_value(self.value) if self.value is not None else None,
            "muc_do": self.severity,
            "ma_loi": self.code,
            "ly_do": self.reason_vi,
            "reason": self.reason_en,
        }


class DataError(Exception):
    """Raised when a dataset cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.is_error]
        lines = [p.message() for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"… và {len(self.problems) - 50} lỗi khác.")
        super().__init__("Dữ liệu đầu vào có lỗi:\n" + "\n".join(lines))
