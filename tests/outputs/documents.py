"""Open documents as their readers do: LibreOffice (headless) for .docx and .xlsx, poppler
for PDF text and page counts."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def office_to_pdf(document: Path, out_dir: Path) -> Path:
    """Convert with LibreOffice (headless, a profile of its own); fail on any error."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing on CI: .ci/run installs libreoffice-writer/calc-nogui")
        pytest.skip("LibreOffice is not installed")
    profile = out_dir / "lo-profile"
    out_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(out_dir), str(document)],
                          capture_output=True, text=True, timeout=300, check=False)
    pdf = out_dir / (document.stem + ".pdf")
    assert done.returncode == 0 and pdf.is_file(), (done.returncode, done.stdout, done.stderr)
    assert "Error" not in done.stderr, done.stderr
    return pdf


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    args = ["pdftotext"] + (["-layout"] if layout else [])
    args += (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
