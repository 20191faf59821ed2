"""The execution layer: the one place that runs work in parallel.

Blocks of trials (``run``/``compare``) and plan evaluations (sweep, optimize, sensitivity)
go through an ``Executor``: ``map(fn, items)`` returns ``[fn(item) for item in items]`` in
order, whoever computed each item. ``fn`` must be a module-level function and ``items``
picklable, so the same call runs in this process, in local worker processes or on a Dask
cluster. Results never depend on which executor ran them: every task carries its own seed
and stream positions.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
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

    def close(self, *, abandon: bool = False) -> None:
        """Release the workers. ``abandon`` (a run interrupted or failed): do not wait for
        the tasks under way; local worker processes are killed, cluster tasks cancelled."""
        ...


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

    def close(self, *, abandon: bool = False) -> None:
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

    def close(self, *, abandon: bool = False) -> None:
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        if not abandon:
            pool.shutdown(cancel_futures=True)
            return
        # an interrupt must end the command at once, not after the evaluations under way
        # (a 200,000-trial sweep point takes half a minute): the workers are killed
        kill_workers = getattr(pool, "kill_workers", None)  # Python 3.14 and later
        if callable(kill_workers):
            kill_workers()
            pool.shutdown(wait=True, cancel_futures=True)
            return
        # before 3.14: when its workers die, the pool's manager thread marks every pending
        # task broken, and raises InvalidStateError (printed at exit) on a task already
        # cancelled; so the pending tasks are dropped first, then the workers killed
        pending = getattr(pool, "_pending_work_items", None)
        if isinstance(pending, dict):
            pending.clear()
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                process.kill()
        for process in processes:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                process.join(timeout=1.0)
        # the pool's manager thread sees its workers gone and ends; waiting for it here
        # (an instant) keeps it from writing to a closed pipe at interpreter exit
        with contextlib.suppress(Exception):
            pool.shutdown(wait=True, cancel_futures=True)


def _ignore_interrupts() -> None:
    """Worker processes leave Ctrl-C to the parent, which stops the pool and reports it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def available_cores() -> int:
    """Cores this process may run on (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return max(os.cpu_count() or 1, 1)


@dataclass(frozen=True)
class MemoryLimit:
    """The bytes this process may still use, and which limit says so (for messages)."""

    bytes: int
    source: str


def memory_limit() -> MemoryLimit | None:
    """The tightest of: memory the system can give without swapping (Linux
    ``MemAvailable``, else the free physical pages), this process's own address-space and
    data limits (``ulimit -v``/``-d``: the limit less what the process maps already) and its
    control group's memory limit (cgroup v2 ``memory.max``, v1 ``limit_in_bytes``, less
    what the group uses). None where none of them is known."""
    limits = [
        limit
        for limit in (_system_available(), _rlimit_headroom(), _cgroup_headroom())
        if limit is not None
    ]
    return min(limits, key=lambda limit: limit.bytes) if limits else None


def available_memory() -> int | None:
    """Bytes this process may still use (``memory_limit``), or None when unknown."""
    limit = memory_limit()
    return None if limit is None else limit.bytes


def _system_available() -> MemoryLimit | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return MemoryLimit(int(line.split()[1]) * 1024, "available on this machine")
    except (OSError, ValueError):
        pass
    try:
        pages = int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None
    return MemoryLimit(pages, "available on this machine")


def _status_bytes(field: str) -> int | None:
    """A ``kB`` field of /proc/self/status (``VmSize``, ``VmData``), in bytes."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def _rlimit_headroom() -> MemoryLimit | None:
    try:
        import resource
    except ImportError:  # not POSIX
        return None
    found: list[MemoryLimit] = []
    for name, field, shown in (
        ("RLIMIT_AS", "VmSize", "address-space limit (ulimit -v)"),
        ("RLIMIT_DATA", "VmData", "data-size limit (ulimit -d)"),
    ):
        kind = getattr(resource, name, None)
        if kind is None:
            continue
        soft, _ = resource.getrlimit(kind)
        if soft == resource.RLIM_INFINITY or soft < 0:
            continue
        used = _status_bytes(field) or 0
        found.append(MemoryLimit(max(soft - used, 0), f"left under this process's {shown}"))
    return min(found, key=lambda limit: limit.bytes) if found else None


def _read_number(path: str) -> int | None:
    try:
        with open(path, encoding="ascii") as handle:
            text = handle.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None  # "max": no limit


def _cgroup_headroom(
    membership: str = "/proc/self/cgroup", root: str = "/sys/fs/cgroup"
) -> MemoryLimit | None:
    """The memory limit of this process's control group (v2, else v1's memory
    controller; the group's own folder, else the root's), less its usage.
    ``membership`` and ``root`` are where the kernel shows them."""
    v2_group, v1_group = "", ""
    try:
        with open(membership, encoding="utf-8") as cgroup:
            for line in cgroup:
                parts = line.rstrip("\n").split(":", 2)
                if len(parts) != 3:
                    continue
                if parts[0] == "0" and parts[1] == "":
                    v2_group = parts[2]
                elif "memory" in parts[1].split(","):
                    v1_group = parts[2]
    except OSError:
        return None
    v1 = f"{root}/memory"
    candidates = (
        (f"{root}{v2_group}/memory.max", f"{root}{v2_group}/memory.current"),
        (f"{v1}{v1_group}/memory.limit_in_bytes", f"{v1}{v1_group}/memory.usage_in_bytes"),
        (f"{v1}/memory.limit_in_bytes", f"{v1}/memory.usage_in_bytes"),
    )
    for limit_file, usage_file in candidates:
        limit = _read_number(limit_file)
        if limit is None or limit >= 2**60:  # v1 writes "no limit" as a huge number
            continue
        used = _read_number(usage_file) or 0
        return MemoryLimit(max(limit - used, 0), "left under this control group's memory limit")
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
