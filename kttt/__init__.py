"""kttt — reproducible annual reports on Vietnam's collective economy (kinh tế tập thể).

The public API:

- :func:`load_dataset` — read ``data/<dataset>/`` against the data contract;
- :func:`compute_indicators` — the tidy indicator table of a year;
- :func:`build` — execute the report notebooks and publish HTML, PDF, XLSX and CSV;
- :func:`open` — a dataset opened for exploration (:mod:`kttt.explore`): registers with
  Vietnamese labels, one cooperative's history, the indicator table, filters by area and sector.

Imports are lazy: ``kttt build`` on unchanged inputs never loads pandas.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"  # the one place: pyproject.toml reads it (dynamic version)
__all__ = ["Dataset", "load_dataset", "compute_indicators", "build", "open", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("Dataset", "load_dataset"):
        from kttt import load

        return getattr(load, name)
    if name == "compute_indicators":
        from kttt.indicators import compute_indicators

        return compute_indicators
    if name == "build":
        from kttt.pipeline import build

        return build
    if name == "open":
        from kttt.explore import open as open_dataset

        return open_dataset
    raise AttributeError(f"module 'kttt' has no attribute {name!r}")
