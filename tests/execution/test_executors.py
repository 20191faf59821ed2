"""Every executor returns ``[fn(item) for item in items]`` in input order."""

from __future__ import annotations

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
