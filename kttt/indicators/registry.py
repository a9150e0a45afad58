"""One registry: each indicator's metadata joined to its formula.

>>> REGISTRY["htx_hien_co"].meta.name_vi
'Số HTX hiện có'
>>> sorted(REGISTRY) == sorted(CATALOGUE)
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kttt.indicators import functions as f
from kttt.indicators.catalogue import CATALOGUE, Meta

Formula = Callable[[f.Registers], np.ndarray]


@dataclass(frozen=True)
class Indicator:
    """An indicator: what it is (``meta``) and how it is computed (``formula``)."""

    meta: Meta
    formula: Formula
    zero_when_empty: bool  # an empty population reads 0 (counts, required sums), else no value

    @property
    def code(self) -> str:
        return self.meta.code


# Sums of optional fields have no value when nobody reported; counts and sums of required
# fields (members, workers) read 0 over an empty population.
_OPTIONAL_SUMS = {"von_dieu_le_htx", "san_pham_ocop_htx"}

REGISTRY: dict[str, Indicator] = {
    code: Indicator(meta, getattr(f, code), meta.additive and code not in _OPTIONAL_SUMS)
    for code, meta in CATALOGUE.items()
}
