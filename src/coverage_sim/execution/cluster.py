"""``DaskExecutor``: the same ordered ``map``/``imap`` on an existing Dask distributed cluster.

Needs the ``dask`` extra (``pip install "coverage-sim[dask]"``), imported only when a
scheduler address is given. Every worker must import the same coverage-sim, numpy and
scipy as this process: ``DaskExecutor`` checks the versions on connecting and refuses a
mismatch, since results are byte-identical only under identical versions.

A worker lost mid-run (killed, out of memory, network gone) does not change a result: the
scheduler runs its unfinished tasks again on another worker (each task is a pure function
of its inputs). A task that keeps killing workers (``distributed.scheduler.allowed-failures``),
or a scheduler that goes away, ends the run with ``ExecutionError``: no partial output.
"""

from __future__ import annotations

import contextlib
import platform
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from coverage_sim.errors import ExecutionError
from coverage_sim.execution import ordered_results

Item = TypeVar("Item")
Result = TypeVar("Result")
CONNECT_TIMEOUT_S = 10


def software_versions() -> dict[str, str]:
    """What must match between this process and every worker for identical results."""
    import numpy
    import scipy

    from coverage_sim import __version__

    return {
        "coverage-sim": __version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "python": platform.python_version(),
    }


def _probe_scheduler(address: str) -> None:
    """Ask the scheduler at ``address`` who it is, all within ``CONNECT_TIMEOUT_S``:
    ``ExecutionError`` when nothing answers in time (a server that accepts and never
    replies), or something that is not a Dask scheduler answers (junk bytes). The
    ``Client``'s own timeout covers the connection only, and a silent server held it for
    minutes; this probe runs first, in an event loop of its own, and leaves nothing open."""
    import asyncio

    from distributed.comm import connect

    async def identity() -> Any:
        comm = await connect(address, timeout=CONNECT_TIMEOUT_S)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    try:  # the connection's own timeout first; the deadline a little later covers the rest
        reply = asyncio.run(asyncio.wait_for(identity(), CONNECT_TIMEOUT_S + 0.5))
    except (asyncio.TimeoutError, TimeoutError) as exc:
        raise ExecutionError(
            f"--scheduler {address}: cannot reach a Dask scheduler there: no answer within "
            f"{CONNECT_TIMEOUT_S} s"
        ) from exc
    except Exception as exc:  # refused, or junk bytes: whatever the decoder raises
        raise ExecutionError(
            f"--scheduler {address}: cannot reach a Dask scheduler there "
            f"({type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        raise ExecutionError(f"--scheduler {address}: what answered there is not a Dask scheduler")


class DaskExecutor:
    """Tasks submitted to the scheduler at ``address`` (``tcp://host:8786``), results in
    input order; a few per worker in flight at a time."""

    local_workers = 0  # no process of this machine simulates

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise ExecutionError(
                "--scheduler needs the dask extra: pip install 'coverage-sim[dask]'"
            ) from exc
        self.address = address
        try:
            # a malformed or unknown address fails here, before a Client exists: a Client
            # that cannot start still tries to close at exit and prints a timeout 20 s later
            from distributed.comm.addressing import resolve_address

            resolve_address(address)
        except (OSError, ValueError) as exc:
            raise ExecutionError(
                f"--scheduler {address}: not a Dask scheduler address such as "
                f"tcp://host:8786 ({exc})"
            ) from exc
        _probe_scheduler(address)
        try:
            self._client: Any = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutionError(
                f"--scheduler {address}: cannot reach a Dask scheduler there ({exc})"
            ) from exc
        self._check_versions()

    def _check_versions(self) -> None:
        ours = software_versions()
        theirs: dict[str, dict[str, str]] = self._client.run(software_versions)
        if not theirs:
            self.close()
            raise ExecutionError(f"--scheduler {self.address}: the cluster has no workers")
        for worker, versions in theirs.items():
            if versions != ours:
                self.close()
                differ = ", ".join(
                    f"{k} {versions.get(k)} (here {v})"
                    for k, v in ours.items()
                    if versions.get(k) != v
                )
                raise ExecutionError(
                    f"--scheduler {self.address}: worker {worker} runs {differ}; results "
                    "would not be identical: install the same versions on every worker"
                )

    @property
    def workers(self) -> int:
        return max(len(self._client.scheduler_info().get("workers", {})), 1)

    def map(self, fn: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
        return list(self.imap(fn, items))

    def imap(self, fn: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        from distributed import KilledWorker
        from distributed.comm.core import CommClosedError

        client = self._client

        def submit(item: Item) -> Any:
            return client.submit(fn, item, pure=False)

        try:
            yield from ordered_results(submit, items, 2 * self.workers)
        except KilledWorker as exc:
            raise ExecutionError(
                f"--scheduler {self.address}: a task failed on every worker it was given to "
                f"({exc}); no output was written"
            ) from exc
        except (CommClosedError, OSError, TimeoutError) as exc:
            raise ExecutionError(
                f"--scheduler {self.address}: lost the connection to the cluster ({exc}); "
                "no output was written"
            ) from exc

    def close(self, *, abandon: bool = False) -> None:
        """Close the client; ``abandon``: with a short deadline, whatever it raises (an
        interrupt must end the command within seconds; ``ordered_results`` has already
        cancelled the tasks it submitted)."""
        if abandon:
            with contextlib.suppress(Exception):
                self._client.close(timeout=1)
            return
        self._client.close()
