"""Index pages: one per year (its pages and downloads) and one per dataset (every year)."""

from __future__ import annotations

import html
import json
from pathlib import Path

from kttt.outputs import MANIFEST, downloads
from kttt.outputs.html import PageInfo, css, page


def year_index(info: PageInfo, files: set[str], formats: tuple[str, ...]) -> str:
    """The year's index page: its pages, its downloads (the outputs registry's labels)."""
    pages = "".join(f'<li><a href="{html.escape(f)}">{html.escape(t)}</a></li>' for f, t in info.pages)
    items = [*downloads(info.year, formats), (MANIFEST, "Nguồn gốc: mã băm đầu vào, phiên bản, tham số")]
    links = "".join(f'<li><a href="{html.escape(name)}">{html.escape(label)}</a> ({html.escape(name)})</li>'
                    for name, label in items if name in files)
    body = (f"<h1>Báo cáo kinh tế tập thể năm {info.year}</h1>"
            f"<p>{html.escape(info.dataset_title)} — số liệu tại 31/12/{info.year}.</p>"
            f'<h2>Các phần của báo cáo</h2><ul class="cac-trang">{pages}</ul>'
            f'<h2>Tải về</h2><ul class="tai-ve">{links}</ul>')
    return page(body, f"Mục lục năm {info.year}", "index.html", info)


def dataset_index(dataset_dir: Path, title: str, notice: str) -> str:
    """The dataset's index: every published year, newest first."""
    years = []
    for child in sorted(dataset_dir.iterdir(), reverse=True):
        manifest = child / "manifest.json"
        if child.is_dir() and child.name.isdigit() and manifest.is_file():
            data = json.loads(manifest.read_text(encoding="utf-8"))
            years.append((child.name, data.get("ngay_so_lieu", "")))
    items = "".join(
        f'<li><a href="{y}/index.html">Năm {y}</a> — <a href="{y}/bao_cao_kttt_{y}.pdf">PDF</a>, '
        f'<a href="{y}/bang_bieu_{y}.xlsx">Excel</a>, <a href="{y}/chi_so_{y}.csv">CSV</a></li>' for y, _ in years)
    warn = f'<p class="mo-phong-trang" role="note">{html.escape(notice)}</p>' if notice else ""
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Báo cáo kinh tế tập thể — {html.escape(title)}</title>\n<style>\n{css('style.css')}</style>\n</head>\n"
        f'<body>\n<header class="dau-trang"><p class="ten-bo">{html.escape(title)}</p>{warn}</header>\n'
        f"<main>\n<h1>Báo cáo kinh tế tập thể — {html.escape(title)}</h1>\n"
        f'<ul class="cac-trang">{items or "<li>Chưa có năm nào được xuất bản.</li>"}</ul>\n</main>\n'
        '<footer class="nguon-goc"><p>Dựng bằng kttt: mỗi năm một thư mục, mỗi tệp có nguồn gốc trong manifest.json.</p>'
        "</footer>\n</body>\n</html>\n")
