"""What a build says: one line per task, or a bar on a terminal with failures and publications
printed above it; the scheduler's order and skips."""

from __future__ import annotations

import io
import logging
from concurrent.futures import ThreadPoolExecutor

from kttt.pipeline.progress import LOGGER, BarHandler, Counter, reporting
from kttt.pipeline.scheduler import Task, run


def test_lines_go_to_the_callback_one_per_task() -> None:
    lines: list[str] = []
    with reporting(log=lines.append):
        counter = Counter(12)
        counter.task("tinh 2022 · 01_tong_quan: chạy xong (1 giây).")
        counter.skipped()
        counter.task("tinh 2022: đã xuất bản", keep=True)
    assert lines == ["[ 1/12] tinh 2022 · 01_tong_quan: chạy xong (1 giây).", "[ 3/12] tinh 2022: đã xuất bản"]
    assert not LOGGER.handlers  # the build's handlers are gone with it


def test_a_bar_keeps_failures_and_publications_above_it() -> None:
    stream = io.StringIO()
    handler = BarHandler(stream)
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    try:
        LOGGER.info("Dựng «tinh»: 1 năm")
        counter = Counter(3)
        counter.task("tinh 2022 · 01_tong_quan: chạy xong (1 giây).")
        counter.task("✗ tinh 2022 · 02_loi: LỖI ở ô thực thi số 3", failed=True)
        counter.task("tinh 2021: đã xuất bản /x (9 tệp).", keep=True)
    finally:
        LOGGER.removeHandler(handler)
        handler.close()
    text = stream.getvalue()
    lines = [line for chunk in text.split("\r") for line in chunk.split("\n")]
    assert "Dựng «tinh»: 1 năm" in lines
    assert "[2/3] ✗ tinh 2022 · 02_loi: LỖI ở ô thực thi số 3" in lines
    assert "[3/3] tinh 2021: đã xuất bản /x (9 tệp)." in lines
    assert "[1/3] tinh 2022 · 01_tong_quan: chạy xong (1 giây)." not in lines  # only in the bar
    assert "3/3" in text and "Dựng báo cáo" in text


class Step(Task):
    def __init__(self, name: str, log: list[str], needs: tuple[Task, ...] = (), priority: int = 1,
                 fail: bool = False, client: bool = False) -> None:
        self.name, self.log, self.needs, self.priority, self.fail, self.client = name, log, needs, priority, fail, client

    def call(self):  # noqa: ANN201
        return None if self.client else ((lambda fail: 1 // (0 if fail else 1)), (self.fail,))

    def finish(self, result: object) -> bool:
        ok = not isinstance(result, BaseException)
        self.log.append(f"{self.name}{'' if ok else '!'}")
        return ok

    def skip(self, need: Task) -> None:
        self.log.append(f"{self.name}-")


def test_ready_tasks_go_by_priority_then_plan_order_and_skips_propagate() -> None:
    log: list[str] = []
    # notebooks (priority 2) a, b, c; a's renders (PDF 0, others 1) and publish (client); d after b
    a, b, c = Step("a", log, priority=2), Step("b", log, fail=True, priority=2), Step("c", log, priority=2)
    pdf = Step("pdf", log, (a,), priority=0)
    html = Step("html", log, (a,), priority=1)
    publish = Step("publish", log, (pdf, html), client=True)
    d = Step("d", log, (b,), priority=2)
    e = Step("e", log, (d,), client=True)
    with ThreadPoolExecutor(1) as pool:
        outcome = run([a, b, c, pdf, html, publish, d, e], pool, slots=1)
    assert log == ["a", "pdf", "html", "publish", "b!", "c", "d-", "e-"]
    assert outcome[publish] and not outcome[b] and not outcome[d] and not outcome[e] and outcome[c]
