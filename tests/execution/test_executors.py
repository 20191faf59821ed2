"""Every executor returns ``[fn(item) for item in items]`` in input order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coverage_sim.execution import ProcessExecutor, SerialExecutor, make_executor


def _square(x: int) -> int:
    return x * x


@pytest.mark.parametrize("executor", [SerialExecutor(), ProcessExecutor(2)])
def test_map_keeps_input_order(executor: SerialExecutor | ProcessExecutor) -> None:
    try:
        assert executor.map(_square, list(range(9))) == [x * x for x in range(9)]
    finally:
        executor.close()


def test_one_worker_runs_in_this_process() -> None:
    assert isinstance(make_executor(1), SerialExecutor)
    with pytest.raises(ValueError, match="workers must be >= 1"):
        make_executor(0)


def _consumed(log: list[int], count: int) -> Iterator[int]:
    for x in range(count):
        log.append(x)
        yield x


@pytest.mark.parametrize("workers", [1, 2])
def test_imap_yields_in_order_and_reads_items_only_a_few_ahead(workers: int) -> None:
    executor = make_executor(workers)
    log: list[int] = []
    try:
        results = executor.imap(_square, _consumed(log, 50))
        assert next(results) == 0
        assert len(log) <= 2 * workers + 1  # not all 50 items built up front
        assert [0, *results] == [x * x for x in range(50)]
    finally:
        executor.close()
