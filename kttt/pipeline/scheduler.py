"""A small scheduler: run each task once the tasks it needs are done.

A :class:`Task` says what it needs, what runs on a worker (:meth:`Task.call`: a module-level
function and its picklable arguments, or ``None`` for work the client does itself) and what
the client does with the result (:meth:`Task.finish`). :func:`run` submits ready tasks to any
:class:`concurrent.futures.Executor` — the local process pool or Dask's ``ClientExecutor`` —
keeping at most ``slots`` in flight so that the most useful ready task goes next (the
longest-running kinds first), and skips the tasks whose needs failed.

>>> from concurrent.futures import ThreadPoolExecutor
>>> log = []
>>> class Add(Task):
...     def __init__(self, name, needs=(), fail=False):
...         self.name, self.needs, self.fail = name, tuple(needs), fail
...     def call(self):
...         return (divmod, (1, 0) if self.fail else (7, 2))
...     def finish(self, result):
...         ok = not isinstance(result, BaseException)
...         log.append(f"{self.name}:{'ok' if ok else 'lỗi'}")
...         return ok
...     def skip(self, need):
...         log.append(f"{self.name}:bỏ qua vì {need.name}")
>>> a, b = Add("a"), Add("b", fail=True)
>>> with ThreadPoolExecutor(1) as pool:
...     done = run([a, b, Add("c", [a]), Add("d", [b])], pool, slots=1)
>>> log
['a:ok', 'b:lỗi', 'c:ok', 'd:bỏ qua vì b']
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any


class Task:
    """A unit of a build (see the module doc). Subclasses set ``name`` and ``needs``."""

    name: str = ""
    needs: tuple[Task, ...] = ()
    priority: int = 1  # lower goes first among ready tasks

    def call(self) -> tuple[Callable[..., Any], tuple[Any, ...]] | None:
        """The function and arguments to run on a worker; None: :meth:`finish` does the work."""
        return None

    def finish(self, result: Any) -> bool:
        """Take the worker's result (an exception if it raised); True when the task succeeded."""
        return True

    def skip(self, need: Task) -> None:
        """Called instead of running when ``need`` failed."""


def run(tasks: Sequence[Task], executor: Executor, slots: int) -> dict[Task, bool]:
    """Run ``tasks`` (in dependency order) on ``executor``; returns each task's success."""
    order = {task: i for i, task in enumerate(tasks)}
    waiting = {task: len(task.needs) for task in tasks}
    dependents: dict[Task, list[Task]] = {task: [] for task in tasks}
    for task in tasks:
        for need in task.needs:
            dependents[need].append(task)
    outcome: dict[Task, bool] = {}
    ready: list[tuple[int, int, Task]] = []
    running: dict[Future, Task] = {}

    def push(task: Task) -> None:
        heapq.heappush(ready, (task.priority, order[task], task))

    def settle(task: Task, ok: bool) -> None:
        outcome[task] = ok
        for dependent in dependents[task]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                push(dependent)

    for task in tasks:
        if waiting[task] == 0:
            push(task)
    while ready or running:
        while ready and len(running) < slots:
            _, _, task = heapq.heappop(ready)
            failed = next((need for need in task.needs if not outcome[need]), None)
            if failed is not None:
                task.skip(failed)
                settle(task, False)
                continue
            call = task.call()
            if call is None:
                settle(task, task.finish(None))
                continue
            function, arguments = call
            running[executor.submit(function, *arguments)] = task
        if not running:
            continue
        finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
        for future in sorted(finished, key=lambda f: order[running[f]]):
            task = running.pop(future)
            try:
                result = future.result()
            except BaseException as exc:  # noqa: BLE001 - a dead worker, an error on the worker
                if isinstance(exc, KeyboardInterrupt):
                    raise
                result = exc
            settle(task, task.finish(result))
    return outcome
