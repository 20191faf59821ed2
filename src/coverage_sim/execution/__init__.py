"""The execution layer: the one place that runs work in parallel.

Blocks of trials (``run``/``compare``) and plan evaluations (sweep, optimize, sensitivity)
go through an ``Executor``: ``map(fn, items)`` returns ``[fn(item) for item in items]`` in
order, whoever computed each item. ``fn`` must be a module-level function and ``items``
picklable, so the same call runs in this process, in local worker processes or on a Dask
cluster. Results never depend on which executor ran them: every task carries its own seed
and stream positions.
"""

from __future__ import annotations

import itertools
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Done = TypeVar("Done", covariant=True)


class Executor(Protocol):
    """Runs ``fn`` over ``items``, results in input order."""

    @property
    def workers(self) -> int: ...

    def map(self, fn: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]: ...

    def imap(self, fn: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        """``fn`` over ``items``, yielded in input order as they finish; items are taken
        from the iterable only a few per worker ahead, so neither the inputs nor the
        results of a long run are all held at once."""
        ...

    def close(self) -> None: ...


class Pending(Protocol[Done]):
    """A submitted task: ``concurrent.futures.Future`` or a Dask future."""

    def result(self) -> Done: ...

    def cancel(self) -> object: ...


def ordered_results(
    submit: Callable[[Item], Pending[Result]], items: Iterable[Item], ahead: int
) -> Iterator[Result]:
    """Results of ``submit(item)`` in input order, at most ``ahead`` submitted and unread."""
    pending: deque[Pending[Result]] = deque()
    try:
        for item in items:
            pending.append(submit(item))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


class SerialExecutor:
    """Everything in this process, one item after another."""

    workers = 1
    local_workers = 0  # processes started on this machine

    def map(self, fn: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
        return [fn(item) for item in items]

    def imap(self, fn: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        return (fn(item) for item in items)

    def close(self) -> None:
        return None


class ProcessExecutor:
    """Local worker processes (``concurrent.futures``), started on first use."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers}")
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None

    @property
    def workers(self) -> int:
        return self._workers

    @property
    def local_workers(self) -> int:
        return self._workers

    def start(self) -> None:
        """Start the worker processes now: forked while this process is still small, they
        do not inherit (and count in their RSS) the large arrays of a run compiled later."""
        pool = self._started()
        for future in [pool.submit(int) for _ in range(self._workers)]:
            future.result()

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers, initializer=_ignore_interrupts
            )
        return self._pool

    def map(self, fn: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
        if len(items) <= 1:
            return [fn(item) for item in items]
        return list(self._started().map(fn, items))

    def imap(self, fn: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        iterator = iter(items)
        head = list(itertools.islice(iterator, 2))
        if len(head) <= 1:  # one task: no process to start or feed
            return (fn(item) for item in head)
        pool = self._started()
        return ordered_results(
            lambda item: pool.submit(fn, item), itertools.chain(head, iterator), 2 * self._workers
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _ignore_interrupts() -> None:
    """Worker processes leave Ctrl-C to the parent, which stops the pool and reports it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def available_cores() -> int:
    """Cores this process may run on (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return max(os.cpu_count() or 1, 1)


def available_memory() -> int | None:
    """Bytes of memory the system can give without swapping (Linux ``MemAvailable``; else
    the free physical pages); None where neither is known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def make_executor(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """``workers`` processes (default: every available core); 1 means this process only.
    ``scheduler``: the address of a Dask distributed scheduler instead (``cluster.py``)."""
    if scheduler is not None:
        from coverage_sim.execution.cluster import DaskExecutor

        return DaskExecutor(scheduler)
    count = available_cores() if workers is None else workers
    if count < 1:
        raise ValueError(f"workers must be >= 1, got {count}")
    return SerialExecutor() if count == 1 else ProcessExecutor(count)
