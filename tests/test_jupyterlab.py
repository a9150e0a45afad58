"""JupyterLab for real: start ``jupyter lab`` on localhost and use it in Chromium as an analyst does.

The analyst's steps (README, "JupyterLab"): open JupyterLab, double-click ``notebooks`` then
``01_tong_quan.ipynb``, change ``year`` in the parameters cell, Run → Run All Cells. The
test does exactly that through Playwright, with every request leaving localhost aborted, and
waits as JupyterLab's own UI tests (Galata's ``NotebookHelper.waitForRun``) do: the kernel
status in the status bar reads "Idle", then every code cell has an execution count.

JupyterLab runs from a temporary copy of the notebooks (a test never writes into the
repository), with its own settings and workspace folders: autosave off, no news or update
check, notebook windowing off (every cell in the page), the extension manager off.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kttt.config import NOTEBOOKS_DIR
from tests.browser import launch, need_chromium

pytestmark = pytest.mark.e2e

JUPYTER = Path(sys.executable).with_name("jupyter")
NOTEBOOK = "01_tong_quan.ipynb"
YEAR = 2022
SERVER_START = 90  # seconds, each wait bounded (CI has 2 cores)
RUN_ALL = 240

SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension/plugin": {"enabled": False},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_settings(folder: Path) -> None:
    """JupyterLab user settings: one ``<plugin>.jupyterlab-settings`` JSON file each."""
    for plugin, values in SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@contextmanager
def jupyter_lab(root: Path, state: Path) -> Iterator[str]:
    """A JupyterLab server on 127.0.0.1 serving ``root``; yields its URL with the token.
    The server (and its kernels) is stopped by its process id at the end."""
    port, token = free_port(), secrets.token_hex(16)
    settings, workspaces, runtime = state / "settings", state / "workspaces", state / "runtime"
    write_settings(settings)
    workspaces.mkdir(parents=True)
    args = [str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
            f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}",
            f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={workspaces}",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--ServerApp.runtime_dir={runtime}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    log = (state / "jupyter.log").open("w", encoding="utf-8")
    server = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=root, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START
        while True:
            if server.poll() is not None:
                raise AssertionError(f"jupyter lab exited ({server.returncode}):\n{(state / 'jupyter.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"jupyter lab did not answer in {SERVER_START} s:\n{(state / 'jupyter.log').read_text()}")
            time.sleep(0.5)
        yield f"{url}/lab?token={token}"
    finally:
        server.terminate()  # the server shuts its kernels down
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


def set_year(page, year: int) -> None:  # noqa: ANN001 - a Playwright page
    """Click the ``year`` line of the parameters cell, select it and type the new line."""
    line = page.locator(".jp-Notebook .jp-Cell .cm-line", has_text="year: int =").first
    line.click()
    page.keyboard.press("End")
    page.keyboard.press("Shift+Home")
    page.keyboard.type(f"year: int = {year}  # năm báo cáo")


ERROR_OUTPUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


def wait_for_run(page, code_cells: int, timeout: float) -> list[str]:  # noqa: ANN001
    """Galata's waitForRun: "Idle" in the status bar, then every code cell has an execution
    count — or, since Run All stops at a failing cell, an error output shows while idle.
    Returns the cells' prompts."""
    deadline = time.monotonic() + timeout
    idle = page.locator("#jp-main-statusbar").get_by_text("Idle")
    prompts_of = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt")
    while time.monotonic() < deadline:
        prompts = prompts_of.all_inner_texts()
        numbered = len(prompts) == code_cells and all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in prompts)
        running = any("*" in p for p in prompts)
        if idle.count() and (numbered or (not running and page.locator(ERROR_OUTPUT).count())):
            return prompts
        page.wait_for_timeout(250)
    raise AssertionError(f"Run All did not finish in {timeout} s: prompts {prompts_of.all_inner_texts()}")


def run_overview(url: str, year: int, shot: Path | None = None) -> dict[str, object]:
    """The analyst's steps in Chromium; returns what the page shows (for the assertions)."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)

            def route(r, outside=outside):  # noqa: ANN001
                host = re.match(r"^[a-z]+://([^/:]+)", r.request.url)
                if r.request.url.startswith(("data:", "blob:")) or (host and host.group(1) in ("127.0.0.1", "localhost")):
                    r.continue_()
                else:
                    outside.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            browser_listing = page.locator(".jp-DirListing-content")
            browser_listing.get_by_text("notebooks", exact=True).dblclick()
            browser_listing.get_by_text(NOTEBOOK, exact=True).dblclick()
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
            page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for(timeout=SERVER_START * 1000)
            set_year(page, year)
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
            code_cells = page.locator(".jp-Notebook .jp-CodeCell").count()
            prompts = wait_for_run(page, code_cells, RUN_ALL)
            notebook = page.locator(".jp-Notebook")
            result = {
                "prompts": prompts,
                "code_cells": code_cells,
                "parameters": page.locator(".jp-Notebook .jp-Cell .cm-line", has_text="year: int =").first.inner_text(),
                "errors": notebook.locator(ERROR_OUTPUT).all_inner_texts(),
                "text": notebook.inner_text(),
                "charts": notebook.locator("figure.bieu-do img").evaluate_all(
                    "imgs => imgs.map(i => [i.alt, i.naturalWidth])"),
                "outside": outside,
                "page_errors": errors,
            }
            if shot is not None:  # the narrative's end and the chart, as the README shows them
                notebook.locator("figure.bieu-do").first.evaluate("f => f.scrollIntoView({block: 'end'})")
                page.screenshot(path=str(shot))
            return result
        finally:
            browser.close()


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    need_chromium()
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(NOTEBOOKS_DIR, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    with jupyter_lab(root, tmp_path_factory.mktemp("lab_state")) as url:
        result = run_overview(url, YEAR, tmp_path_factory.mktemp("anh") / "jupyterlab.png")
    # the repository's notebook is untouched: JupyterLab worked on a copy and did not save
    assert (NOTEBOOKS_DIR / NOTEBOOK).read_bytes() == (root / "notebooks" / NOTEBOOK).read_bytes()
    return result


def test_every_cell_ran(ran: dict[str, object]) -> None:
    prompts = ran["prompts"]
    assert ran["code_cells"] == len(prompts) >= 5
    assert [int(re.search(r"\d+", p).group()) for p in prompts] == list(range(1, len(prompts) + 1))  # type: ignore[union-attr]
    assert "2022" in str(ran["parameters"])


def test_no_error_output(ran: dict[str, object]) -> None:
    assert ran["errors"] == [] and ran["page_errors"] == []


def test_the_narrative_and_a_chart_are_shown(ran: dict[str, object]) -> None:
    text = " ".join(str(ran["text"]).split())
    assert ("Toàn tỉnh thành lập mới 97 HTX, bằng 121,2% so với chỉ tiêu tỉnh giao (80 HTX), "
            "nâng tổng số HTX toàn tỉnh lên 652 HTX.") in text
    assert "DỮ LIỆU MÔ PHỎNG" in text and "Các chỉ tiêu chủ yếu năm 2022" in text
    charts = ran["charts"]
    assert charts and all(width > 100 and alt.startswith("Biểu đồ: ") for alt, width in charts)  # type: ignore[union-attr]


def test_nothing_was_fetched_from_outside_localhost(ran: dict[str, object]) -> None:
    assert ran["outside"] == []
