"""Debian's Chromium for the browser tests (pages, accessibility, JupyterLab): where it is,
how it starts, and a page that may not leave this machine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/lib/chromium/chromium")  # the real binary, not Debian's wrapper script
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # --no-sandbox: the tests run as root


def need_chromium() -> None:
    """Skip without Chromium on a developer's machine; fail on CI, where .ci/run installs it."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing on CI: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed")


def launch(playwright):  # noqa: ANN001, ANN201 - playwright's sync API objects
    """Chromium started headless through Playwright."""
    need_chromium()
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


def offline(page, allowed: tuple[str, ...] = ("file://", "data:")) -> list[str]:  # noqa: ANN001
    """Abort every request of ``page`` outside ``allowed``; the list fills with what was tried."""
    outside: list[str] = []

    def route(r, outside=outside):  # noqa: ANN001
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return outside
