"""The indicator catalogue: metadata, formulas and the tidy table.

>>> from kttt.indicators import CATALOGUE, REGISTRY
>>> len(REGISTRY) == len(CATALOGUE)
True
"""

from kttt.indicators.catalogue import CATALOGUE, CODES, Meta
from kttt.indicators.registry import REGISTRY, Indicator
from kttt.indicators.table import (
    ALL_SECTORS,
    PROVINCE,
    compute_groups,
    compute_history,
    compute_indicators,
    compute_many,
    compute_table,
    compute_values,
    machine_number,
    to_machine,
    to_records,
)

__all__ = [
    "CATALOGUE", "CODES", "Meta", "REGISTRY", "Indicator", "ALL_SECTORS", "PROVINCE",
    "compute_groups", "compute_history", "compute_indicators", "compute_many", "compute_table", "compute_values",
    "machine_number", "to_machine", "to_records",
]
