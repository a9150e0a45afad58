"""The fonts of the published documents, named once: which files, from which package.

- The printed PDF embeds exactly :data:`PDF_FONTS` (``@font-face`` rules written by
  ``document.html.j2`` from this list): DejaVu Sans, regular and bold (Debian
  ``fonts-dejavu-core``), for the text and for the charts, whose SVG text names it. It covers
  Vietnamese fully (Debian's Liberation 1.07 lacks ơ, ư and the letters with a dot below or a
  hook above, so a Liberation text would mix fonts inside words); italic is slanted from the
  regular face. After rendering, :func:`check_embedded` refuses a glyph taken from any other
  file or missing from these: no silent fallback to whatever the machine has.
- The Word report names :data:`DOCX_FONT` (Times New Roman, as Nghị định 30/2020 asks) and
  embeds nothing; LibreOffice renders it with Liberation Serif, metric-compatible
  (:data:`DOCX_PREVIEW_FONTS`, used by the tests: Debian's fonts-liberation2, since Liberation
  1.07 lacks some Vietnamese letters). Its charts are PNG drawn by matplotlib with
  the DejaVu Sans that matplotlib ships (:func:`chart_fonts`).
- :func:`manifest_entries` lists every file a year's formats used (name, SHA-256) for
  ``manifest.json``.

A missing file raises :class:`FontError`, which names the file and the package to install.

>>> [f"{f.family} {f.face}" for f in PDF_FONTS]
['DejaVu Sans Regular', 'DejaVu Sans Bold']
>>> css_family(TEXT_FAMILIES)
'"DejaVu Sans"'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEBIAN_FONTS = Path("/usr/share/fonts/truetype")


class FontError(RuntimeError):
    """A font the documents need is missing, or a document used a font it should not."""


@dataclass(frozen=True)
class FontFile:
    """One font file: the family name documents use, its weight and style, where it is."""

    family: str
    weight: int  # 400 regular, 700 bold
    style: str  # "normal" | "italic"
    path: Path
    package: str  # what installs it (a Debian package, or a Python package for bundled fonts)

    @property
    def face(self) -> str:
        """"Regular", "Bold", "Italic" or "Bold Italic".

        >>> FontFile("X", 700, "italic", Path("x.ttf"), "p").face
        'Bold Italic'
        """
        bold = "Bold" if self.weight >= 700 else ""
        italic = "Italic" if self.style == "italic" else ""
        return " ".join(p for p in (bold, italic) if p) or "Regular"

    @property
    def url(self) -> str:
        return self.path.as_uri()

    @property
    def sha256(self) -> str:
        return _sha256(self.path)


def _faces(family: str, folder: Path, package: str, files: dict[tuple[int, str], str]) -> tuple[FontFile, ...]:
    return tuple(FontFile(family, weight, style, folder / name, package) for (weight, style), name in files.items())


_FOUR = {(400, "normal"): "{0}-Regular.ttf", (700, "normal"): "{0}-Bold.ttf",
         (400, "italic"): "{0}-Italic.ttf", (700, "italic"): "{0}-BoldItalic.ttf"}

PDF_FONTS: tuple[FontFile, ...] = _faces(
    "DejaVu Sans", DEBIAN_FONTS / "dejavu", "fonts-dejavu-core",
    {(400, "normal"): "DejaVuSans.ttf", (700, "normal"): "DejaVuSans-Bold.ttf"})
"""Every font file the printed PDF may embed."""

TEXT_FAMILIES: tuple[str, ...] = ("DejaVu Sans",)
"""The PDF's text font families (each in PDF_FONTS)."""

DOCX_FONT = "Times New Roman"
"""The font the Word report names (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""

DOCX_PREVIEW_FONTS: tuple[FontFile, ...] = _faces(
    "Liberation Serif", DEBIAN_FONTS / "liberation2", "fonts-liberation2",
    {k: v.format("LiberationSerif") for k, v in _FOUR.items()})
"""Metric-compatible with Times New Roman: what LibreOffice draws the Word report with here."""

CHART_FAMILY = "DejaVu Sans"
"""The family of kttt.charts' house style (matplotlib draws the PNG charts of the Word report)."""


def chart_fonts() -> tuple[FontFile, ...]:
    """The DejaVu Sans files matplotlib ships and draws PNG charts with (regular, bold)."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return _faces(CHART_FAMILY, folder, f"matplotlib {matplotlib.__version__}",
                  {(400, "normal"): "DejaVuSans.ttf", (700, "normal"): "DejaVuSans-Bold.ttf"})


def css_family(families: Iterable[str]) -> str:
    """A CSS ``font-family`` value naming only these families (no generic fallback)."""
    return ", ".join(f'"{f}"' for f in families)


@cache
def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def require(fonts: Iterable[FontFile]) -> tuple[FontFile, ...]:
    """The fonts, once every file is there; otherwise a :class:`FontError` naming each missing
    file and the package that installs it.

    >>> require([FontFile("Không Có", 400, "normal", Path("/khong/co.ttf"), "fonts-khong-co")])
    Traceback (most recent call last):
    ...
    kttt.outputs.fonts.FontError: Thiếu phông chữ để dựng báo cáo: Không Có Regular (/khong/co.ttf, cài gói fonts-khong-co).
    (en) Missing font files: /khong/co.ttf.
    """
    fonts = tuple(fonts)
    missing = [f for f in fonts if not f.path.is_file()]
    if missing:
        named = "; ".join(f"{f.family} {f.face} ({f.path}, cài gói {f.package})" for f in missing)
        raise FontError(f"Thiếu phông chữ để dựng báo cáo: {named}.\n"
                        f"(en) Missing font files: {', '.join(str(f.path) for f in missing)}.")
    return fonts


def check_embedded(used: Iterable[tuple[str, str, Iterable[str]]], allowed: Iterable[FontFile]) -> None:
    """Refuse a document that drew text with a font outside ``allowed`` or lacked a glyph.

    ``used`` holds, for each font the renderer embedded: (family, SHA-256 of the whole font
    file, the characters it had no glyph for).

    >>> ok = FontFile("A", 400, "normal", Path(__file__), "p")
    >>> check_embedded([("A", ok.sha256, [])], [ok])
    >>> check_embedded([("Noto Sans CJK", "00ff", ["漢"])], [ok])
    Traceback (most recent call last):
    ...
    kttt.outputs.fonts.FontError: Tài liệu dùng phông chữ ngoài danh sách của kttt: Noto Sans CJK; không phông nào của kttt có ký tự: 漢 (U+6F22).
    (en) The document used fonts kttt does not name, or characters its fonts lack.
    """
    known = {f.sha256 for f in allowed}
    foreign, lacking = [], []
    for family, digest, missing in used:
        if digest not in known:
            foreign.append(family)
        lacking += list(missing)
    if foreign or lacking:
        parts = []
        if foreign:
            parts.append(f"Tài liệu dùng phông chữ ngoài danh sách của kttt: {', '.join(sorted(set(foreign)))}")
        if lacking:
            chars = ", ".join(f"{c} (U+{ord(c):04X})" for c in sorted(set(lacking)))
            parts.append(f"không phông nào của kttt có ký tự: {chars}")
        raise FontError("; ".join(parts) + ".\n(en) The document used fonts kttt does not name, "
                        "or characters its fonts lack.")


def fonts_of(output: str) -> tuple[FontFile, ...]:
    """The font files one output format draws with (none for formats without drawn text).

    >>> [f.path.name for f in fonts_of("pdf")], fonts_of("csv")
    (['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'], ())
    """
    if output == "pdf":
        return PDF_FONTS
    if output == "docx":
        return chart_fonts()
    return ()


def manifest_entries(formats: Iterable[str]) -> list[dict[str, str]]:
    """One record per font file used by these formats: family, face, file, package, SHA-256
    and the format that used it."""
    return [{"ho_phong": f.family, "kieu": f.face, "tep": f.path.name, "goi": f.package, "sha256": f.sha256,
             "dinh_dang": output}
            for output in formats for f in require(fonts_of(output))]
