"""The scaling simulation of the benchmarks (benchmarks/simulate.py): hand-worked graphs."""

from __future__ import annotations

import pytest

from benchmarks.simulate import Job, critical_path, makespan, measured, national_graph, total_work


def test_list_scheduling_by_hand() -> None:
    # two chains a→c and b→d, d twice as long; a third independent task e
    jobs = [Job("a", 2, (), 2), Job("b", 2, (), 2), Job("e", 3, (), 2), Job("c", 1, ("a",), 0),
            Job("d", 4, ("b",), 0), Job("p", 0, ("c", "d"), 1, client=True)]
    assert total_work(jobs) == 12 and critical_path(jobs) == 6
    assert makespan(jobs, 1) == 12
    # 2 workers: a,b at 0–2; then renders first: c 2–3 and d 2–6; e 3–6
    assert makespan(jobs, 2) == 6
    assert makespan(jobs, 8) == 6  # never below the longest chain
    # workers from 1.5 s, each task 0.5 s longer: a,b 1.5–4; c 4–5.5, d 4–8.5; e 5.5–9
    assert makespan(jobs, 2, startup=1.5, overhead=0.5) == pytest.approx(9.0)


def test_a_national_graph_from_a_build_log() -> None:
    log = "\n".join([
        "[ 1/9] tinh_01: kiểm tra dữ liệu: hợp lệ (1,5 giây).",
        "[ 2/9] tinh_01 2024 · 00_kiem_tra_du_lieu: chạy xong (2 giây).",
        "[ 3/9] tinh_01 2024 · 01_tong_quan: chạy xong (3 giây).",
        "[ 4/9] tinh_01 2024 · HTML, XLSX, CSV: xuất xong (1 giây).",
        "[ 5/9] tinh_01 2024 · PDF: xuất xong (6 giây).",
        "[ 5/9] tinh_01 2024 · DOCX: xuất xong (2 giây).",
        "[ 6/9] ca_nuoc 2024 · 01_tong_hop: chạy xong (2,5 giây).",
        "[ 7/9] ca_nuoc 2024 · PDF: xuất xong (1 giây).",
    ])
    times = measured(log)
    assert times["tinh_01"] == {"check": 1.5, "00_kiem_tra_du_lieu": 2.0, "01_tong_quan": 3.0,
                                "render:HTML, XLSX, CSV": 1.0, "render:PDF": 6.0, "render:DOCX": 2.0}
    graph = national_graph(times, years=3, collection="ca_nuoc")  # every render task as measured
    assert len(graph) == 1 + 3 * (2 + 3 + 1) + 3 * (1 + 1 + 1)
    assert total_work(graph) == pytest.approx(1.5 + 3 * 14 + 3 * 3.5)
    assert critical_path(graph) == pytest.approx(1.5 + 3 + 6)
    assert makespan(graph, 64) == pytest.approx(critical_path(graph))
