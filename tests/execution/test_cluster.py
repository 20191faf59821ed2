"""Dask: the same output as a local run, on a real (small, local) cluster; a lost worker is
retried or the run fails with exit 2, never a wrong result."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

import cloudpickle  # noqa: E402  (installed with distributed)
import dask  # noqa: E402

from coverage_sim.cli import main  # noqa: E402
from coverage_sim.errors import ExecutionError  # noqa: E402
from coverage_sim.execution import make_executor  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "cli" / "fixtures"
ARGS = ["compare", str(FIXTURES), "--trials", "2100", "--months", "4", "--format", "json"]

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests/


@pytest.fixture(scope="module")
def threads_cluster() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",  # a real address, as a remote scheduler has
        host="127.0.0.1",
        dashboard_address=":0",  # any free port: never collides with a dashboard on 8787
    ) as cluster:
        yield cluster.scheduler_address


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_compare_on_a_cluster_is_byte_identical_to_a_local_run(
    threads_cluster: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    local = _run(capsys, *ARGS, "--workers", "1")
    remote = _run(capsys, *ARGS, "--scheduler", threads_cluster)
    assert local[0] == remote[0] == 0, remote[2]
    assert remote[1] == local[1]
    monkeypatch.setenv("COVERAGE_SIM_SCHEDULER", threads_cluster)
    from_env = _run(capsys, *ARGS)
    assert from_env[1] == local[1]
    assert json.loads(from_env[1])["settings"]["trials"] == 2100


def test_an_unreachable_scheduler_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import coverage_sim.execution.cluster as cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)
    code, out, err = _run(capsys, *ARGS, "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2
    assert out == ""
    assert "cannot reach a Dask scheduler" in err
    assert "Traceback" not in err


def test_a_malformed_scheduler_address_exits_2_at_once_and_quietly() -> None:
    """No Client is made for it: a Client that cannot start printed a timeout at exit."""
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "coverage_sim", *ARGS, "--scheduler", "garbage"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")},
    )
    assert result.returncode == 2
    assert "--scheduler garbage: not a Dask scheduler address" in result.stderr
    assert "Exception ignored" not in result.stderr and "Traceback" not in result.stderr


def _die_once(x: int) -> int:
    """Kills its worker process the first time it runs for x == 3 (a marker file says)."""
    marker = Path(os.environ["SCALE_TEST_MARKER"])
    if x == 3 and not marker.exists():
        marker.write_text("died")
        os._exit(1)
    return x * x


def _die_always(x: int) -> int:
    if x == 3:
        os._exit(1)
    return x * x


def test_a_worker_lost_mid_run_is_retried_and_one_that_keeps_dying_fails_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCALE_TEST_MARKER", str(tmp_path / "marker"))
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # any free port: never collides with a dashboard on 8787
        ) as cluster,
    ):
        executor = make_executor(scheduler=cluster.scheduler_address)
        try:
            assert executor.map(_die_once, list(range(5))) == [x * x for x in range(5)]
            assert (tmp_path / "marker").exists()  # a worker really died
            with pytest.raises(ExecutionError, match="failed on every worker"):
                executor.map(_die_always, list(range(5)))
        finally:
            executor.close()


def test_sweep_on_a_cluster_is_byte_identical_to_a_local_run(
    threads_cluster: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sweep = ["sweep", str(FIXTURES / "xaas.yaml"), "--vary", "post_sale_share=20%,40%"]
    sweep += ["--trials", "300", "--months", "6", "--format", "json"]
    local = _run(capsys, *sweep, "--workers", "1")
    remote = _run(capsys, *sweep, "--scheduler", threads_cluster)
    assert local[0] == remote[0] == 0, remote[2]
    assert remote[1] == local[1]
