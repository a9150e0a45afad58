"""kttt.outputs.fonts: the font files are named once, present, recorded, and no other is used."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from kttt.outputs import fonts
from kttt.outputs.pdf import write_pdf


def test_the_pdf_and_chart_fonts_are_installed() -> None:
    for font in (*fonts.PDF_FONTS, *fonts.chart_fonts(), *fonts.DOCX_PREVIEW_FONTS):
        assert font.path.is_file(), f"{font.path} (package {font.package})"


def test_a_missing_font_is_a_clear_error() -> None:
    gone = fonts.FontFile("DejaVu Sans", 400, "normal", Path("/khong/co/DejaVuSans.ttf"), "fonts-dejavu-core")
    with pytest.raises(fonts.FontError) as err:
        fonts.require([gone])
    assert "Thiếu phông chữ" in str(err.value) and "fonts-dejavu-core" in str(err.value)
    assert "/khong/co/DejaVuSans.ttf" in str(err.value)


def test_manifest_entries_name_each_file_with_its_digest() -> None:
    entries = fonts.manifest_entries(("html", "pdf", "docx", "xlsx", "csv"))
    assert {(e["dinh_dang"], e["tep"]) for e in entries} == {
        ("pdf", "DejaVuSans.ttf"), ("pdf", "DejaVuSans-Bold.ttf"),
        ("docx", "DejaVuSans.ttf"), ("docx", "DejaVuSans-Bold.ttf")}
    for entry in entries:
        font = next(f for f in fonts.fonts_of(entry["dinh_dang"]) if f.path.name == entry["tep"])
        assert entry["sha256"] == hashlib.sha256(font.path.read_bytes()).hexdigest()
    assert fonts.manifest_entries(("csv",)) == []


def page(text: str, family: str = fonts.css_family(fonts.TEXT_FAMILIES), extra_css: str = "") -> str:
    faces = "".join(f'@font-face {{ font-family: "{f.family}"; src: url("{f.url}"); font-weight: {f.weight}; }}'
                    for f in fonts.PDF_FONTS)
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Thử</title><style>{faces}{extra_css}'
            f"body {{ font-family: {family}; }}</style></head><body><p>{text}</p></body></html>")


def test_a_vietnamese_document_embeds_only_the_named_fonts(tmp_path: Path) -> None:
    target = tmp_path / "thu.pdf"
    text = "Hợp tác xã Đoàn Kết: 121,2% — <b>ước thực hiện</b> năm 2025, Ưu tiên, Ở, Ỹ."
    write_pdf(page(text), target, tmp_path, dt.date(2022, 12, 31))
    assert target.is_file()


def test_a_glyph_no_named_font_has_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "thu.pdf"
    with pytest.raises(fonts.FontError) as err:
        write_pdf(page("Hợp tác xã 漢"), target, tmp_path, dt.date(2022, 12, 31))
    assert "U+6F22" in str(err.value)
    assert not target.exists() and not list(tmp_path.glob("*.tmp"))


def test_a_font_outside_the_list_is_refused(tmp_path: Path) -> None:
    """Text set in a system font the list does not name (here Liberation Serif) is an error."""
    liberation = fonts.DOCX_PREVIEW_FONTS[0]
    html = page("Hop tac xa", '"Khac"', f'@font-face {{ font-family: "Khac"; src: url("{liberation.url}"); }}')
    with pytest.raises(fonts.FontError) as err:
        write_pdf(html, tmp_path / "thu.pdf", tmp_path, dt.date(2022, 12, 31))
    assert "ngoài danh sách" in str(err.value)
