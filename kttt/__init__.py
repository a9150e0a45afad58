"""kttt — reproducible annual reports on Vietnam's collective economy (kinh tế tập thể).

The public API:

- :func:`load_dataset` — read ``data/<dataset>/`` against the data contract;
- :func:`compute_indicators` — the tidy indicator table of a year;
- :func:`build` — execute the report notebooks and publish HTML, PDF, XLSX and CSV.
"""

from __future__ import annotations

from typing import Any

from kttt.load import Dataset, load_dataset

__version__ = "0.1.0"
__all__ = ["Dataset", "load_dataset", "compute_indicators", "build", "__version__"]


def compute_indicators(dataset: Dataset, year: int, **kwargs: Any):  # noqa: ANN201
    """The year's indicator table (see :mod:`kttt.indicators`)."""
    from kttt.indicators import compute_indicators as _compute

    return _compute(dataset, year, **kwargs)


def build(data_dir: Any, **kwargs: Any):  # noqa: ANN201
    """Build the report collection (see :mod:`kttt.build`)."""
    from kttt.build import build as _build

    return _build(data_dir, **kwargs)
