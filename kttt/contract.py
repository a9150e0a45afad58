"""The data contract (v2) as data: registers, columns, display headers, enum labels, units,
the crosswalk of administrative units, year files and bounds.

Everything the loader accepts is declared here, so the loader, the data dictionary and the
sample generator read the same lists. Keys are Vietnamese without diacritics; each key also
accepts its Vietnamese display headers, matched by :func:`normalize` (case, diacritics,
surrounding spaces, ``-``/``–``/``,``/``.`` between words, and a trailing unit in
parentheses are all ignored).

>>> normalize("  Nông - lâm - ngư nghiệp ")
'nong lam ngu nghiep'
>>> header_key("HTX", "Ngày đăng ký (dd/mm/yyyy)")
'ngay_thanh_lap'
>>> enum_key("linh_vuc", "CN-TTCN")
'cn_ttcn'
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

ColumnType = Literal["text", "enum", "unit", "date", "int", "number", "bool"]

_SEPARATORS = re.compile(r"[\-–—,.;:_]+")
_SPACES = re.compile(r"\s+")
_TRAILING_UNIT = re.compile(r"\s*\(([^()]*)\)\s*$")


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics (đ → d included).

    >>> strip_diacritics("Đã giải thể")
    'Da giai the'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


@lru_cache(maxsize=1 << 16)  # registers repeat a few thousand names and headers
def normalize(text: str) -> str:
    """Fold a label for matching: lower case, no diacritics, separators as single spaces.

    >>> normalize("Thương mại – Dịch vụ")
    'thuong mai dich vu'
    >>> normalize("TP. Yên Bái") == normalize("TP Yên Bái")
    True
    """
    folded = strip_diacritics(unicodedata.normalize("NFC", str(text))).lower()
    folded = _SEPARATORS.sub(" ", folded)
    return _SPACES.sub(" ", folded).strip()


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Fold a name for exact matching: lower case, separators as single spaces, diacritics
    kept (``Sa Pa`` and ``Sa Pả`` are two wards).

    >>> fold("  Phường  SA PẢ "), fold("TP. Yên Bái") == fold("TP Yên Bái")
    ('phường sa pả', True)
    """
    folded = unicodedata.normalize("NFC", str(text)).lower()
    folded = _SEPARATORS.sub(" ", folded)
    return _SPACES.sub(" ", folded).strip()


def split_header(header: str) -> tuple[str, str | None]:
    """Split a display header into its name and trailing unit in parentheses.

    >>> split_header("Doanh thu (tỷ đồng)")
    ('Doanh thu', 'tỷ đồng')
    >>> split_header("Tên HTX")
    ('Tên HTX', None)
    """
    text = str(header).strip()
    match = _TRAILING_UNIT.search(text)
    if not match:
        return text, None
    return text[: match.start()].strip(), match.group(1).strip()


@dataclass(frozen=True)
class Column:
    """One column of a register."""

    key: str
    headers: tuple[str, ...]
    type: ColumnType
    required: bool = False
    enum: str | None = None  # name of the enum (for type "enum")
    minimum: float | None = None
    money: bool = False  # in triệu đồng; headers in (đồng)/(tỷ đồng) are converted
    meaning: str = ""
    level: str | None = None  # for type "unit": the administrative level (huyen, xa)
    maximum: float | None = None  # a sane bound: larger values are errors (typos, overflow)

    @property
    def display(self) -> str:
        """The canonical Vietnamese header (the first one)."""
        return self.headers[0]


@dataclass(frozen=True)
class Register:
    """A register file kind (``htx`` or ``tht``)."""

    name: str
    title: str
    columns: tuple[Column, ...]
    code_column: str
    name_column: str
    end_date_column: str
    statuses: tuple[str, ...]
    extra_rules: tuple[str, ...] = field(default_factory=tuple)

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)


ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "loai_hinh": {
        "htx": ("Hợp tác xã", "HTX"),
        "qtdnd": ("Quỹ tín dụng nhân dân", "QTDND"),
        "lhhtx": ("Liên hiệp hợp tác xã", "Liên hiệp HTX", "LHHTX"),
    },
    "linh_vuc": {
        "nong_nghiep": ("Nông nghiệp", "Nông - lâm - ngư nghiệp", "Nông lâm ngư nghiệp"),
        "cn_ttcn": ("Công nghiệp - Tiểu thủ công nghiệp", "CN-TTCN"),
        "xay_dung": ("Xây dựng",),
        "thuong_mai_dich_vu": ("Thương mại - dịch vụ", "Thương mại dịch vụ", "TM-DV"),
        "van_tai": ("Vận tải", "Giao thông vận tải"),
        "tin_dung": ("Tín dụng",),
        "moi_truong": ("Môi trường", "Dịch vụ môi trường"),
        "khac": ("Khác",),
    },
    "trang_thai_htx": {
        "dang_hoat_dong": ("Đang hoạt động",),
        "ngung_hoat_dong": ("Ngừng hoạt động", "Tạm ngừng hoạt động"),
        "giai_the": ("Giải thể", "Đã giải thể"),
    },
    "trang_thai_tht": {
        "dang_hoat_dong": ("Đang hoạt động",),
        "cham_dut": ("Chấm dứt", "Đã chấm dứt"),
    },
    "xep_loai": {
        "tot": ("Tốt",),
        "kha": ("Khá",),
        "trung_binh": ("Trung bình", "TB"),
        "yeu": ("Yếu", "Kém"),
        "khong_xep_loai": ("Không xếp loại", "Chưa xếp loại", "Không đánh giá"),
    },
}

# What each enum is called in messages.
ENUM_TITLES: dict[str, str] = {
    "loai_hinh": "loại hình",
    "linh_vuc": "lĩnh vực",
    "trang_thai_htx": "tình trạng",
    "trang_thai_tht": "tình trạng",
    "xep_loai": "xếp loại",
}

# Display label of each key (the first label): what reports print.
LABELS: dict[str, dict[str, str]] = {name: {k: v[0] for k, v in values.items()} for name, values in ENUMS.items()}

SECTOR_LABELS: dict[str, str] = {
    "nong_nghiep": "Nông nghiệp",
    "cn_ttcn": "Công nghiệp - Tiểu thủ công nghiệp",
    "xay_dung": "Xây dựng",
    "thuong_mai_dich_vu": "Thương mại - dịch vụ",
    "van_tai": "Vận tải",
    "tin_dung": "Tín dụng",
    "moi_truong": "Môi trường",
    "khac": "Khác",
}

_ENUM_INDEX: dict[str, dict[str, str]] = {}
for _name, _values in ENUMS.items():
    _index: dict[str, str] = {}
    for _key, _labels in _values.items():
        _index[_key] = _key
        _index[normalize(_key)] = _key
        for _label in _labels:
            _index[normalize(_label)] = _key
    _ENUM_INDEX[_name] = _index


def enum_key(enum: str, value: str) -> str | None:
    """The key for a value given by key or by any Vietnamese label, or None.

    >>> enum_key("xep_loai", "trung binh")
    'trung_binh'
    >>> enum_key("trang_thai_htx", "Tạm ngừng hoạt động")
    'ngung_hoat_dong'
    >>> enum_key("xep_loai", "Xuất sắc") is None
    True
    """
    text = str(value).strip()
    index = _ENUM_INDEX[enum]
    return index.get(text.lower()) or index.get(normalize(text))


def _col(key: str, headers: tuple[str, ...], type_: ColumnType, **kw: object) -> Column:
    return Column(key, headers, type_, **kw)  # type: ignore[arg-type]


# Sane bounds (documented in data/README.md): a value above them is a typo or an overflow.
MAX_PEOPLE = 1_000_000  # members or workers of one cooperative
MAX_MONEY = 100_000_000  # triệu đồng (100.000 tỷ đồng) for one cooperative's money figures
MAX_INCOME = 10_000  # triệu đồng/người/năm
MAX_SMALL = 10_000  # managers, OCOP products
EARLIEST_DATE = dt.date(1900, 1, 1)  # dates before this are errors
LATEST_YEAR_AHEAD = 1  # dates more than this many years after the register's year are errors

_MONEY_TAIL = (
    _col("doanh_thu", ("Doanh thu",), "number", minimum=0, maximum=MAX_MONEY, money=True,
         meaning="doanh thu trong năm; để trống = chưa báo cáo (không phải 0)"),
    _col("loi_nhuan", ("Lợi nhuận",), "number", minimum=-MAX_MONEY, maximum=MAX_MONEY, money=True,
         meaning="lợi nhuận trong năm, có thể âm; để trống = chưa báo cáo"),
    _col("thu_nhap_bq", ("Thu nhập bình quân người lao động", "Thu nhập bình quân",
                         "Thu nhập bình quân lao động"), "number", minimum=0, maximum=MAX_INCOME,
         money=True, meaning="thu nhập bình quân một người lao động (triệu đồng/người/năm)"),
)

_DISTRICT_HEADERS = ("Huyện/Thị xã/Thành phố", "Địa bàn", "Huyện", "Đơn vị hành chính", "Huyện cũ",
                     "Huyện/Thị xã/Thành phố cũ", "Đơn vị cấp huyện")
_COMMUNE_HEADERS = ("Xã/Phường/Đặc khu", "Xã/Phường/Thị trấn", "Xã", "Xã/Phường", "Xã, phường, thị trấn",
                    "Xã, phường, đặc khu", "Đơn vị cấp xã", "Xã/Phường/Thị trấn/Đặc khu")


def _district() -> Column:
    return _col("don_vi", _DISTRICT_HEADERS, "unit", level="huyen",
                meaning="đơn vị cấp huyện (mã hoặc tên): bắt buộc với số liệu trước 01/07/2025, "
                        "để trống hoặc bỏ cột từ 01/07/2025")


def _commune() -> Column:
    return _col("xa", _COMMUNE_HEADERS, "unit", level="xa",
                meaning="xã/phường/đặc khu nơi đặt trụ sở (mã hoặc tên): bắt buộc với số liệu từ "
                        "01/07/2025, không bắt buộc trước đó")

HTX = Register(
    name="htx",
    title="Sổ đăng ký hợp tác xã",
    code_column="ma_htx",
    name_column="ten_htx",
    end_date_column="ngay_giai_the",
    statuses=("dang_hoat_dong", "ngung_hoat_dong", "giai_the"),
    columns=(
        _col("ma_htx", ("Mã HTX", "Mã số HTX", "Mã số thuế", "MST"), "text", required=True,
             meaning="mã HTX, duy nhất trong tệp"),
        _col("ten_htx", ("Tên HTX", "Tên hợp tác xã"), "text", required=True, meaning="tên HTX"),
        _col("loai_hinh", ("Loại hình", "Loại hình tổ chức"), "enum", enum="loai_hinh",
             meaning="htx, qtdnd hoặc lhhtx; để trống = htx"),
        _district(),
        _commune(),
        _col("linh_vuc", ("Lĩnh vực", "Lĩnh vực hoạt động", "Ngành nghề"), "enum", required=True,
             enum="linh_vuc", meaning="lĩnh vực hoạt động chính"),
        _col("ngay_thanh_lap", ("Ngày thành lập", "Ngày đăng ký", "Ngày đăng ký thành lập"), "date",
             required=True, meaning="ngày thành lập (đăng ký)"),
        _col("ngay_giai_the", ("Ngày giải thể",), "date", meaning="để trống khi HTX còn tồn tại"),
        _col("trang_thai", ("Tình trạng", "Trạng thái", "Tình trạng hoạt động"), "enum",
             required=True, enum="trang_thai_htx", meaning="tình trạng tại 31/12 của năm"),
        _col("so_thanh_vien", ("Số thành viên",), "int", required=True, minimum=0,
             maximum=MAX_PEOPLE, meaning="số thành viên"),
        _col("so_lao_dong", ("Số lao động thường xuyên", "Số lao động"), "int", required=True,
             minimum=0, maximum=MAX_PEOPLE, meaning="số lao động thường xuyên"),
        _col("von_dieu_le", ("Vốn điều lệ",), "number", minimum=0, maximum=MAX_MONEY, money=True,
             meaning="vốn điều lệ (triệu đồng)"),
        *_MONEY_TAIL,
        _col("xep_loai", ("Xếp loại", "Xếp loại HTX", "Phân loại"), "enum", enum="xep_loai",
             meaning="xếp loại trong năm; khong_xep_loai = chưa đủ 12 tháng hoặc ngừng > 3 tháng"),
        _col("dung_luat", ("Tổ chức, hoạt động theo Luật HTX", "Hoạt động theo Luật HTX",
                           "Đúng Luật HTX"), "bool", meaning="tổ chức, hoạt động theo Luật HTX"),
        _col("so_can_bo_quan_ly", ("Số cán bộ quản lý",), "int", minimum=0, maximum=MAX_SMALL,
             meaning="số cán bộ quản lý"),
        _col("so_can_bo_tap_huan", ("Số cán bộ quản lý được tập huấn", "Số cán bộ được tập huấn"),
             "int", minimum=0, maximum=MAX_SMALL,
             meaning="số cán bộ quản lý được tập huấn (≤ số cán bộ quản lý)"),
        _col("so_san_pham_ocop", ("Số sản phẩm OCOP", "Sản phẩm OCOP"), "int", minimum=0,
             maximum=MAX_SMALL, meaning="số sản phẩm OCOP"),
    ),
)

THT = Register(
    name="tht",
    title="Sổ theo dõi tổ hợp tác",
    code_column="ma_tht",
    name_column="ten_tht",
    end_date_column="ngay_cham_dut",
    statuses=("dang_hoat_dong", "cham_dut"),
    columns=(
        _col("ma_tht", ("Mã THT", "Mã tổ hợp tác"), "text", required=True,
             meaning="mã THT, duy nhất trong tệp"),
        _col("ten_tht", ("Tên THT", "Tên tổ hợp tác"), "text", required=True, meaning="tên THT"),
        _district(),
        _commune(),
        _col("linh_vuc", ("Lĩnh vực", "Lĩnh vực hoạt động", "Ngành nghề"), "enum", required=True,
             enum="linh_vuc", meaning="lĩnh vực hoạt động chính"),
        _col("ngay_thanh_lap", ("Ngày thành lập", "Ngày đăng ký", "Ngày chứng thực"), "date",
             required=True, meaning="ngày thành lập"),
        _col("ngay_cham_dut", ("Ngày chấm dứt",), "date", meaning="để trống khi THT còn hoạt động"),
        _col("trang_thai", ("Tình trạng", "Trạng thái", "Tình trạng hoạt động"), "enum",
             required=True, enum="trang_thai_tht", meaning="tình trạng tại 31/12 của năm"),
        _col("so_thanh_vien", ("Số thành viên",), "int", required=True, minimum=0,
             maximum=MAX_PEOPLE, meaning="số thành viên"),
        _col("so_lao_dong", ("Số lao động", "Số lao động thường xuyên"), "int", required=True,
             minimum=0, maximum=MAX_PEOPLE, meaning="số lao động"),
        *_MONEY_TAIL,
    ),
)

REGISTERS: dict[str, Register] = {"htx": HTX, "tht": THT}

# ---------------------------------------------------------------------------- files of a dataset

META_FILE = "dataset.yaml"
UNITS_FILE = "don_vi_hanh_chinh.csv"
CROSSWALK_FILE = "chuyen_doi_dvhc.csv"
TARGETS_FILE = "chi_tieu.csv"
PUBLISHED_FILE = "so_lieu_cong_bo.csv"
YEAR_FILE = "nam.yaml"
SHARED_FILES = (META_FILE, UNITS_FILE, CROSSWALK_FILE, TARGETS_FILE, PUBLISHED_FILE)
REGISTER_SUFFIXES = (".xlsx", ".csv")  # what a register may be saved as
SPREADSHEET_SUFFIXES = (".xlsx", ".csv", ".xls", ".xlsm", ".ods")  # what an analyst may drop in
COLLECTION_FILE = "tap_du_lieu.yaml"

# ---------------------------------------------------------------------------- units and years

UNIT_COLUMNS = ("ma", "ten", "cap", "ma_cha", "ten_khac", "hieu_luc_tu", "hieu_luc_den")
UNIT_LEVELS: dict[str, str] = {"tinh": "tỉnh (cũ)", "huyen": "cấp huyện", "xa": "cấp xã"}
# The district level ended and communes became the level below the province on this date
# (Nghị quyết 202/2025/QH15, Luật Tổ chức chính quyền địa phương 2025).
COMMUNES_ONLY_FROM = dt.date(2025, 7, 1)
CROSSWALK_COLUMNS = ("ma_cu", "ma_moi", "ngay_hieu_luc", "ty_le", "ghi_chu")
SHARE_TOLERANCE = 0.001
YEAR_STATUSES: dict[str, str] = {"chinh_thuc": "chính thức", "uoc": "ước thực hiện"}
TARGET_COLUMNS = ("nam", "ma_chi_tieu", "gia_tri", "so_sanh", "nguon")
PUBLISHED_COLUMNS = ("nam", "ma_chi_tieu", "gia_tri", "trang_thai_so_lieu", "ngay_cong_bo", "nguon")
PUBLISHED_STATUSES: dict[str, str] = {
    "chinh_thuc": "chính thức",
    "uoc": "ước",
    "6_thang": "6 tháng",
    "ke_hoach": "kế hoạch",
}
NUMBER_FORMATS = ("vi", "en")

_HEADER_INDEX: dict[str, dict[str, str]] = {}
for _reg in REGISTERS.values():
    _hidx: dict[str, str] = {}
    for _c in _reg.columns:
        _hidx[normalize(_c.key)] = _c.key
        for _h in _c.headers:
            _hidx[normalize(_h)] = _c.key
    _HEADER_INDEX[_reg.name] = _hidx


def header_key(register: str, header: str) -> str | None:
    """The column key an analyst's header stands for, or None for an extra column.

    >>> header_key("htx", "  mã số thuế ")
    'ma_htx'
    >>> header_key("htx", "Doanh thu (tỷ đồng)")
    'doanh_thu'
    >>> header_key("tht", "Ghi chú") is None
    True
    """
    text = str(header).strip()
    index = _HEADER_INDEX[register.lower()]
    if normalize(text) in index:
        return index[normalize(text)]
    name, _unit = split_header(text)
    return index.get(normalize(name))


def money_factor(unit: str | None) -> tuple[float, str] | None:
    """Factor that converts a money header's unit to triệu đồng (per year), with its label.

    None when the unit is not a money unit the contract knows.

    >>> money_factor("tỷ đồng")
    (1000.0, 'tỷ đồng')
    >>> money_factor("đồng")
    (1e-06, 'đồng')
    >>> money_factor("triệu đồng/người/năm")
    (1.0, 'triệu đồng')
    >>> money_factor("triệu đồng/người/tháng")
    (12.0, 'triệu đồng/tháng')
    """
    if unit is None:
        return None
    norm = normalize(unit).replace(" ", "")
    per_month = norm.endswith("/thang")
    base = norm.split("/")[0]
    factors = {"trieudong": (1.0, "triệu đồng"), "tydong": (1000.0, "tỷ đồng"),
               "dong": (1e-6, "đồng"), "nghindong": (1e-3, "nghìn đồng"),
               "ngandong": (1e-3, "nghìn đồng"), "trd": (1.0, "triệu đồng"),
               "tr": (1.0, "triệu đồng")}
    if base not in factors:
        return None
    factor, label = factors[base]
    if per_month:
        return factor * 12, label + "/tháng"
    return factor, label


# ---------------------------------------------------------------------------- register files and sheets

REGISTER_WORDS: dict[str, tuple[str, ...]] = {
    "htx": ("htx", "hop tac xa", "qtdnd", "hợp tác xã"),
    "tht": ("tht", "to hop tac", "tổ hợp tác"),
}


def register_of_file(file_name: str) -> str | None:
    """The register a file in a year folder is a part of: its name starts with ``htx`` or
    ``tht`` (case, spaces and diacritics ignored), e.g. ``htx.xlsx``, ``htx_lao_cai_cu.xlsx``,
    ``HTX_2024.xlsx``. None for any other name.

    >>> register_of_file("htx_yen_bai_cu.xlsx"), register_of_file("THT 2024.csv"), register_of_file("so_htx.xlsx")
    ('htx', 'tht', None)
    """
    stem = normalize(file_name.rsplit(".", 1)[0]).replace(" ", "")
    for name in REGISTERS:
        if stem.startswith(name):
            return name
    return None


def sheet_names_register(sheet: str, register: str, year: int) -> bool:
    """Whether a sheet's name names the register and the year (``HTX 2024``, ``Sổ THT năm 2024``).

    >>> sheet_names_register("Sổ HTX năm 2024", "htx", 2024), sheet_names_register("HTX 2023", "htx", 2024)
    (True, False)
    >>> sheet_names_register("Tổ hợp tác 2024", "htx", 2024), sheet_names_register("Tổ hợp tác 2024", "tht", 2024)
    (False, True)
    """
    name = normalize(sheet)
    if str(year) not in re.findall(r"\d{4}", name):
        return False
    tokens = f" {name} "

    def names(reg: str) -> bool:
        return any(f" {normalize(w)} " in tokens for w in REGISTER_WORDS[reg])

    return names(register) and not any(names(other) for other in REGISTER_WORDS if other != register)
