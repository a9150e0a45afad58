"""Simulate a build on W workers from measured task times: makespan, bounds, efficiency.

The model is kttt's own task graph and scheduler (kttt.pipeline.tasks / scheduler): per data
folder a check; per province-year six notebooks after the check, two renders (the PDF alone,
the other formats together) after the notebooks, a publish on the client after the renders;
a collection's roll-up notebooks after every province's check. Ready tasks go to the first
free worker in kttt's priority order (renders, then checks and notebooks in plan order). Each
worker first pays its kernel start. Durations come from a real build's log (one duration per
task kind and province); a year never measured reuses the measured year's durations of the
same province.

>>> graph = [Job("a", 2.0, (), 1), Job("b", 3.0, (), 1), Job("c", 1.0, ("a", "b"), 0)]
>>> makespan(graph, workers=1), makespan(graph, workers=2), critical_path(graph)
(6.0, 4.0, 4.0)
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    """A task of the simulated graph: its name, duration (s), the tasks it needs, priority."""

    name: str
    seconds: float
    needs: tuple[str, ...]
    priority: int
    client: bool = False  # done by the client (publish): no worker, no time


LINE = re.compile(r"\] (?P<label>.+?): (?P<what>chạy xong|xuất xong|kiểm tra dữ liệu: hợp lệ[^(]*)"
                  r" \((?P<seconds>[\d.,]+) giây\)")


def vi_seconds(text: str) -> float:
    """``1.234,5`` → 1234.5.

    >>> vi_seconds("4,3"), vi_seconds("12")
    (4.3, 12.0)
    """
    return float(text.replace(".", "").replace(",", "."))


def measured(log: str) -> dict[str, dict[str, float]]:
    """Task durations from a build's log: {province: {task kind: seconds}}; kinds are the
    notebook names, ``render:<formats>`` (one per render task of the build: ``render:PDF``,
    ``render:DOCX``, ``render:HTML, XLSX, CSV`` …) and ``check``.

    >>> measured("[ 3/9] tinh_01 2024 · 02_hop_tac_xa: chạy xong (4,1 giây).\\n"
    ...          "[ 9/9] tinh_01 2024 · PDF: xuất xong (14,6 giây).\\n"
    ...          "[ 8/9] tinh_01 2024 · DOCX: xuất xong (3,2 giây).\\n"
    ...          "[ 1/9] tinh_01: kiểm tra dữ liệu: hợp lệ (1,2 giây).")
    {'tinh_01': {'02_hop_tac_xa': 4.1, 'render:PDF': 14.6, 'render:DOCX': 3.2, 'check': 1.2}}
    """
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for m in LINE.finditer(log):
        label, what, seconds = m["label"], m["what"], vi_seconds(m["seconds"])
        if what.startswith("kiểm tra"):
            out[label.split(":")[0]]["check"] = seconds
            continue
        head, task = label.split(" · ", 1)
        province = head.rsplit(" ", 1)[0]
        kind = task if what == "chạy xong" else f"render:{task}"
        out[province][kind] = seconds
    return dict(out)


def _renders(year: str, t: dict[str, float], runs: tuple[str, ...]) -> list[Job]:
    """A year's render tasks as measured (the PDF first, as kttt's scheduler orders them), then
    its publication on the client once they are done."""
    kinds = sorted((k for k in t if k.startswith("render:")), key=lambda k: (k != "render:PDF", k))
    renders = [Job(f"{year}:{k}", t[k], runs, 0 if k == "render:PDF" else 1) for k in kinds]
    return [*renders, Job(f"{year}:publish", 0.0, tuple(r.name for r in renders), 1, client=True)]


def national_graph(times: dict[str, dict[str, float]], years: int, collection: str | None = None) -> list[Job]:
    """The graph of a build of every measured province for ``years`` years (and the
    collection's roll-up, if measured under ``collection``)."""
    jobs: list[Job] = []
    provinces = [p for p in times if p != collection]
    for province in provinces:
        t = times[province]
        check = f"{province}:check"
        jobs.append(Job(check, t.get("check", 0.0), (), 2))
        books = sorted(k for k in t if not k.startswith("render:") and k != "check")
        for y in range(years):
            runs = tuple(f"{province}:{y}:{b}" for b in books)
            jobs += [Job(r, t[b], (check,), 2) for r, b in zip(runs, books, strict=True)]
            jobs += _renders(f"{province}:{y}", t, runs)
    if collection and collection in times:
        t = times[collection]
        checks = tuple(f"{p}:check" for p in provinces)
        books = sorted(k for k in t if not k.startswith("render:") and k != "check")
        for y in range(years):
            runs = tuple(f"{collection}:{y}:{b}" for b in books)
            jobs += [Job(r, t[b], checks, 2) for r, b in zip(runs, books, strict=True)]
            jobs += _renders(f"{collection}:{y}", t, runs)
    return jobs


def makespan(jobs: list[Job], workers: int, startup: float = 0.0, overhead: float = 0.0) -> float:
    """Wall time of the graph on ``workers`` workers: a discrete-event run of list scheduling
    in kttt's order (priority, then plan order). Each worker becomes available after
    ``startup`` seconds (its kernel); each task costs ``overhead`` more (dispatch, transfer)."""
    order = {j.name: i for i, j in enumerate(jobs)}
    by_name = {j.name: j for j in jobs}
    waiting = {j.name: len(j.needs) for j in jobs}
    dependents: dict[str, list[str]] = defaultdict(list)
    for j in jobs:
        for n in j.needs:
            dependents[n].append(j.name)
    ready: list[tuple[int, int, str]] = []
    events: list[tuple[float, int, str]] = [(startup, 0, "")] * workers  # (time, 1 = task done, name)
    heapq.heapify(events)
    idle, end = 0, 0.0

    def make_ready(name: str, now: float) -> None:
        if by_name[name].client:  # the client does it at once
            heapq.heappush(events, (now, 1, name))
        else:
            heapq.heappush(ready, (by_name[name].priority, order[name], name))

    for j in jobs:
        if not j.needs:
            make_ready(j.name, 0.0)
    while events:
        now, done, name = heapq.heappop(events)
        if done:
            end = max(end, now)
            if not by_name[name].client:
                idle += 1
            for d in dependents[name]:
                waiting[d] -= 1
                if waiting[d] == 0:
                    make_ready(d, now)
        else:
            idle += 1
        while idle and ready:
            _, _, task = heapq.heappop(ready)
            idle -= 1
            heapq.heappush(events, (now + by_name[task].seconds + overhead, 1, task))
    return end


def critical_path(jobs: list[Job]) -> float:
    """The longest chain of durations through the graph (no worker can beat it)."""
    by_name = {j.name: j for j in jobs}
    memo: dict[str, float] = {}

    def longest(name: str) -> float:
        if name not in memo:
            job = by_name[name]
            memo[name] = job.seconds + max((longest(n) for n in job.needs), default=0.0)
        return memo[name]

    return max((longest(j.name) for j in jobs), default=0.0)


def total_work(jobs: list[Job]) -> float:
    return sum(j.seconds for j in jobs if not j.client)
