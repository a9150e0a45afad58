"""What a build says, through :mod:`logging` (logger ``kttt.build``).

Every message is a log record at INFO (problems and failures at WARNING/ERROR). Where it goes is
the caller's choice:

- the ``kttt`` command on a terminal: a live progress bar (tqdm) on stderr, with failures,
  publications and the summary printed above it;
- the ``kttt`` command otherwise (CI, a pipe, a log file): one line per finished task on stdout;
- :func:`kttt.build` with ``log=callable``: each line to the callable; without it, and without
  any logging configured, one line per task on stdout.

Records of finished tasks carry the counts (``extra={"done": k, "total": N}``) for a bar.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator

LOGGER = logging.getLogger("kttt.build")


class CallbackHandler(logging.Handler):
    """Each message to a callable (``build(..., log=lines.append)``)."""

    def __init__(self, callback: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.callback = callback

    def emit(self, record: logging.LogRecord) -> None:
        self.callback(record.getMessage())


class LineHandler(logging.StreamHandler):
    """One line per message on a stream (stdout by default), flushed at once."""

    def __init__(self, stream=None) -> None:  # noqa: ANN001
        super().__init__(stream or sys.stdout)
        self.setFormatter(logging.Formatter("%(message)s"))


class BarHandler(logging.Handler):
    """A terminal's live bar: finished tasks advance it; other messages print above it."""

    def __init__(self, stream=None) -> None:  # noqa: ANN001
        super().__init__(logging.INFO)
        self.stream = stream or sys.stderr
        self.bar = None

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        total = getattr(record, "total", None)
        if total is not None and self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="việc", desc="Dựng báo cáo", file=self.stream, dynamic_ncols=True)
        if self.bar is None:
            print(message, file=self.stream, flush=True)
            return
        if total is not None:
            self.bar.update(getattr(record, "done", self.bar.n + 1) - self.bar.n)
            self.bar.set_postfix_str(message.split("] ", 1)[-1][:60], refresh=True)
        if total is None or record.levelno >= logging.WARNING or getattr(record, "keep", False):
            self.bar.write(message, file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        super().close()


@contextlib.contextmanager
def reporting(log: Callable[[str], None] | None = None, bar: bool = False) -> Iterator[logging.Logger]:
    """Route the build's messages for the duration of a build (see the module doc)."""
    handlers: list[logging.Handler] = []
    if log is not None:
        handlers.append(CallbackHandler(log))
    elif bar:
        handlers.append(BarHandler())
    elif not LOGGER.handlers and not logging.getLogger().handlers:
        handlers.append(LineHandler())
    previous = LOGGER.level, LOGGER.propagate
    LOGGER.setLevel(logging.INFO)
    if handlers:
        LOGGER.propagate = False
    for h in handlers:
        LOGGER.addHandler(h)
    try:
        yield LOGGER
    finally:
        for h in handlers:
            LOGGER.removeHandler(h)
            h.close()
        LOGGER.setLevel(previous[0])
        LOGGER.propagate = previous[1]


class Counter:
    """``[ k/N]`` in front of each finished task's line."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0

    def task(self, text: str, failed: bool = False, keep: bool = False) -> None:
        """A finished task's line; ``keep``: printed above a bar too (a publication)."""
        self.done += 1
        width = len(str(self.total))
        LOGGER.log(logging.ERROR if failed else logging.INFO, f"[{self.done:>{width}}/{self.total}] {text}",
                   extra={"total": self.total, "done": self.done, "keep": keep})

    def skipped(self) -> None:
        """A task not run because one it needs failed (that one already said why)."""
        self.done += 1
