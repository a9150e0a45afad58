"""Test options: ``--update-corpus`` rewrites the pinned outcome of the bad-input corpus."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-corpus", action="store_true", default=False,
                     help="rewrite tests/data/corpus_problems.json from the loader's current output "
                          "(review the diff before committing it)")
