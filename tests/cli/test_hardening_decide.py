"""Hardening of the decision commands (issue 22): mislabelled sweeps, plan injection,
hangs, closed streams, memory, names drawn as math, control characters, messages.

Each test names the finding it covers; all run in-process with few trials unless the
finding is about a real process (signals, closed streams)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cli_helpers import FIXTURES

import coverage_sim.memory
from coverage_sim.analysis.sweep import plan_sweep
from coverage_sim.execution import MemoryLimit
from coverage_sim.report import atomic
from coverage_sim.text import clipped, yaml_comment

XAAS = FIXTURES / "xaas.yaml"
TRAD = FIXTURES / "traditional.yaml"
WHY = Path(__file__).parents[1] / "analysis" / "fixtures"
SRC = Path(__file__).resolve().parents[2] / "src"
TINY = ["--trials", "100", "--months", "12"]
HOSTILE = [
    "inj\nbudget: {annual: 1}\n#",
    "cr\rbudget: 1",
    "nel\x85budget: 1",
    "sep\u2028budget: 1",
    "para\u2029budget: 1",
    "esc\x1b[2Jx",
    "colon: value # not a comment",
]


def _no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every way a command simulates fails the test."""

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated although the command must fail first")

    import coverage_sim.analysis.evaluate
    import coverage_sim.analysis.explain
    import coverage_sim.analysis.paired
    import coverage_sim.runner

    monkeypatch.setattr(coverage_sim.runner, "simulate_in_blocks", must_not_run)
    monkeypatch.setattr(coverage_sim.analysis.evaluate, "simulate_scenario", must_not_run)
    monkeypatch.setattr(coverage_sim.analysis.paired, "simulate", must_not_run)
    monkeypatch.setattr(coverage_sim.analysis.explain, "simulate", must_not_run)


# --- sweeps never report a value they did not run ----------------------------------


def test_a_role_share_and_post_sale_share_in_one_sweep_exit_2(cli) -> None:
    result = cli(
        "sweep",
        XAAS,
        *TINY,
        "--vary",
        "allocation.account_executive=10%,20%",
        "--vary",
        "post_sale_share=30%,40%",
    )
    assert result.code == 2
    assert "both change the budget split" in result.stderr


def test_two_role_shares_run_exactly_the_shares_each_point_is_labelled_with() -> None:
    plan = plan_sweep(
        XAAS,
        [
            "allocation.account_executive=50%,60%",
            "allocation.customer_success_manager=30%,20%",
        ],
        trials=100,
        months=12,
    )
    for point in plan.points:
        assert point.shares is not None
        for path, label in point.values.items():
            role = path.removeprefix("allocation.")
            assert point.shares[role] == pytest.approx(float(label.rstrip("%")) / 100, abs=1e-12)
        assert sum(point.shares.values()) == pytest.approx(1.0, abs=1e-12)


def test_named_role_shares_above_100_percent_exit_2(cli) -> None:
    result = cli(
        "sweep",
        XAAS,
        *TINY,
        "--vary",
        "allocation.account_executive=70%",
        "--vary",
        "allocation.customer_success_manager=40%",
    )
    assert result.code == 2
    assert "add up to more than 100%" in result.stderr


def test_sweep_csv_break_even_is_in_the_unit_of_the_point_labels(cli) -> None:
    result = cli(
        "sweep",
        XAAS,
        "--baseline",
        TRAD,
        "--vary",
        "post_sale_share=0%,20%,40%,60%,80%",
        "--trials",
        "300",
        "--months",
        "36",
        "--format",
        "csv",
    )
    assert result.code == 0, result.stderr
    rows = [line.split(",") for line in result.stdout.splitlines() if line.startswith("break_e")]
    assert rows, "no break_even row"
    for row in rows:
        assert row[2] == "" or row[2].endswith("%"), row


# --- nothing written into YAML can change its meaning ------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_a_yaml_comment_never_ends_early(text: str) -> None:
    document = "key: 1\n" + yaml_comment(text) + "\nother: 2\n"
    assert yaml.safe_load(document) == {"key": 1, "other": 2}


def test_optimize_output_named_to_inject_a_key_writes_only_the_plan(cli, tmp_path: Path) -> None:
    target = tmp_path / "inj\nbudget: {annual: 1}\n#.yaml"
    result = cli("optimize", XAAS, *TINY, "--maxiter", "1", "--popsize", "2", "--output", target)
    assert result.code == 0, result.stderr
    written = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert set(written) == {"extends", "name", "description", "allocation"}
    assert "budget" not in written


def test_optimize_output_to_dev_null_is_accepted(cli) -> None:
    result = cli(
        "optimize", XAAS, *TINY, "--maxiter", "1", "--popsize", "2", "--output", os.devnull
    )
    assert result.code == 0, result.stderr
    assert "Best split" in result.stdout or "best" in result.stdout.lower()


def test_vary_budget_out_of_range_exits_2_before_searching(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_simulation(monkeypatch)
    result = cli("optimize", XAAS, *TINY, "--vary-budget", "1:1e16")
    assert result.code == 2
    assert "--vary-budget 1:1e16" in result.stderr
    assert "<searched>" not in result.stderr


def test_an_empty_roles_list_is_refused(cli) -> None:
    result = cli("optimize", XAAS, *TINY, "--roles", "")
    assert result.code == 2
    assert "--roles: an empty role name" in result.stderr


# --- report: charts, folders, includes ----------------------------------------------


def test_png_output_never_overwrites_an_input_named_like_a_chart(
    cli, plans: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "charts"
    folder.mkdir()
    scenario = folder / "01-fan-arr.png"
    text = (plans / "xaas.yaml").read_text().replace("base.yaml", str(plans / "base.yaml"))
    scenario.write_text(text)
    result = cli("report", scenario, *TINY, "--format", "png", "--output", folder)
    assert result.code == 2
    assert "is an input of this run" in result.stderr
    assert scenario.read_text() == text


@pytest.mark.parametrize("where", ["/proc/coverage-sim-charts", "/proc/x/y"])
def test_png_output_in_an_unwritable_place_exits_2_before_simulating(
    cli, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc")
    import coverage_sim.cli.report

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated although the output cannot be written")

    monkeypatch.setattr(coverage_sim.cli.report, "simulate_plan", must_not_run)
    result = cli("report", XAAS, *TINY, "--format", "png", "--output", where)
    assert result.code == 2
    assert "Traceback" not in result.stderr
    assert f"--output {where}" in result.stderr


def test_a_chart_set_that_fails_midway_replaces_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "01-a.png").write_bytes(b"old a")
    (tmp_path / "02-b.png").write_bytes(b"old b")
    fsync = os.fsync
    calls: list[int] = []

    def disk_full_on_the_second(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", disk_full_on_the_second)
    with pytest.raises(Exception, match="cannot write"):
        atomic.write_atomic_set(tmp_path, [("01-a.png", b"new a"), ("02-b.png", b"new b")])
    assert (tmp_path / "01-a.png").read_bytes() == b"old a"
    assert (tmp_path / "02-b.png").read_bytes() == b"old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01-a.png", "02-b.png"]


def test_a_chart_name_taken_by_a_folder_is_refused_before_writing(tmp_path: Path) -> None:
    (tmp_path / "01-a.png").write_bytes(b"old a")
    (tmp_path / "02-b.png").mkdir()
    with pytest.raises(Exception, match=r"02-b\.png there is a folder"):
        atomic.write_atomic_set(tmp_path, [("01-a.png", b"new a"), ("02-b.png", b"new b")])
    assert (tmp_path / "01-a.png").read_bytes() == b"old a"


def test_a_signal_during_the_renames_of_a_chart_set_waits_until_all_are_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replace = os.replace
    calls: list[str] = []

    def interrupted_replace(source: str, target: Path) -> None:
        if not calls:
            os.kill(os.getpid(), signal.SIGINT)
        calls.append(source)
        replace(source, target)

    monkeypatch.setattr(atomic.os, "replace", interrupted_replace)
    files = [(f"0{i}-c.png", f"new {i}".encode()) for i in range(1, 4)]
    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomic_set(tmp_path, files)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name for name, _ in files]
    assert all((tmp_path / n).read_bytes() == data for n, data in files)


def test_a_signal_right_after_the_temporary_file_is_made_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("previous\n")
    mkstemp = atomic.tempfile.mkstemp

    def then_interrupted(*args: object, **kwargs: object) -> tuple[int, str]:
        made = mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        os.kill(os.getpid(), signal.SIGINT)  # held until the name is recorded
        return made  # type: ignore[no-any-return]

    monkeypatch.setattr(atomic.tempfile, "mkstemp", then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomic(target, "new\n")
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def _sensitivity_json(cli, tmp_path: Path) -> str:
    result = cli(
        "sensitivity",
        WHY / "covered.yaml",
        "--metric",
        "npv",
        "--method",
        "rank",
        "--format",
        "json",
    )
    assert result.code == 0, result.stderr
    return str(result.stdout)


@pytest.mark.parametrize(
    "change",
    [
        lambda text: text.replace('"trials": 400', '"trials": ' + "9" * 401, 1),
        lambda text: text.replace('"trials": 400', '"trials": ' + "9" * 5001, 1),
        lambda text: text.replace('"trials": 400', '"trials": Infinity', 1),
        lambda text: text.replace('"trials": 400', '"trials": NaN', 1),
        lambda text: text.replace('"trials": 400', '"trials": 1e400', 1),
    ],
)
def test_an_include_with_an_absurd_number_exits_2_naming_it(cli, tmp_path: Path, change) -> None:
    text = _sensitivity_json(cli, tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(change(text))
    assert bad.read_text() != text
    result = cli("report", XAAS, *TINY, "--include", bad, "--output", tmp_path / "r.html")
    assert result.code == 2
    assert f"--include {bad}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("name", ["Budget $18M vs $24M", "$\\alpha{$", "_draft"])
def test_chart_labels_are_drawn_as_written(name: str) -> None:
    pytest.importorskip("matplotlib")
    import numpy as np

    from coverage_sim.metrics.streaming import Band
    from coverage_sim.report import charts

    band = Band(p10=np.arange(3.0), p50=np.arange(3.0) + 1, p90=np.arange(3.0) + 2)
    svg = charts.to_svg(charts.fan_chart(name, "arr", [(name, band), ("other", band)]))
    shown = name.replace("&", "&amp;").replace("<", "&lt;")
    assert f"{shown} (p50; band p10-p90)" in svg  # the legend shows it, as written
    assert f">{shown}<" in svg  # the title too


# --- hangs and interrupts ------------------------------------------------------------


def test_a_server_that_accepts_and_never_replies_exits_2_within_the_limit(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    import socket

    from coverage_sim.execution import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        result = cli("run", XAAS, *TINY, "--scheduler", f"tcp://127.0.0.1:{port}")
    assert result.code == 2
    assert "cannot reach a Dask scheduler there" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_server_that_answers_junk_exits_2_with_a_message(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    import socket
    import threading

    from coverage_sim.execution import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 2)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(5)

    def answer_junk() -> None:
        try:
            connection, _ = server.accept()
            connection.sendall(b"HTTP/1.1 200 OK\r\n\r\nnot dask" * 50)
            connection.close()
        except OSError:
            pass

    thread = threading.Thread(target=answer_junk, daemon=True)
    thread.start()
    try:
        result = cli(
            "run", XAAS, *TINY, "--scheduler", f"tcp://127.0.0.1:{server.getsockname()[1]}"
        )
    finally:
        server.close()
    assert result.code == 2
    assert "Dask scheduler" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_20000_level_set_path_is_refused_at_once(cli) -> None:
    path = ".".join(["a"] * 20_000)
    result = cli("run", XAAS, *TINY, "--set", f"{path}=1")
    assert result.code == 2
    assert "nested deeper than 64 levels" in result.stderr
    assert len(result.stderr) < 1_000


LONG = [
    ("run", XAAS, "--trials", "2000000"),
    ("compare", XAAS, TRAD, "--trials", "2000000"),
    ("sweep", XAAS, "--vary", "post_sale_share=10%,20%,30%,40%", "--trials", "400000"),
    ("optimize", XAAS, "--trials", "400000"),
    ("sensitivity", XAAS, "--metric", "npv", "--method", "swing", "--trials", "400000"),
    ("explain", XAAS, "--baseline", TRAD, "--metric", "npv", "--trials", "100000"),
    ("report", XAAS, TRAD, "--trials", "2000000", "--output", "{tmp}/r.html"),
]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC)}


@pytest.mark.parametrize("args", LONG, ids=[str(a[0]) for a in LONG])
def test_an_interrupt_ends_each_long_command_within_2_seconds(
    args: tuple[object, ...], tmp_path: Path
) -> None:
    import time

    argv = [str(a).replace("{tmp}", str(tmp_path)) for a in args]
    process = subprocess.Popen(
        [sys.executable, "-m", "coverage_sim", *argv, "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    time.sleep(4)  # imports, planning, workers started: simulating by now
    assert process.poll() is None, "finished before it could be interrupted"
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=10)
    finally:
        process.kill()
    took = time.monotonic() - interrupted
    assert process.returncode == 130, err
    assert b"Traceback" not in err
    assert took < 2.0, f"{argv[0]} took {took:.1f} s to stop"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("run", XAAS),
        ("compare", XAAS, TRAD),
        ("sweep", XAAS, "--vary", "post_sale_share=30%,40%"),
        ("optimize", XAAS, "--maxiter", "1", "--popsize", "2"),
        ("sensitivity", XAAS, "--metric", "npv", "--method", "rank"),
        ("explain", XAAS, "--baseline", TRAD, "--metric", "npv"),
        ("report", XAAS, "--output", "{tmp}/r.html"),
    ],
    ids=["run", "compare", "sweep", "optimize", "sensitivity", "explain", "report"],
)
def test_a_closed_stderr_changes_no_exit_code(args: tuple[object, ...], tmp_path: Path) -> None:
    argv = " ".join(f"'{str(a).replace('{tmp}', str(tmp_path))}'" for a in args)
    result = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m coverage_sim {argv} {' '.join(TINY)} 2>&-"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-500:]


# --- degenerate analyses --------------------------------------------------------------

FIXED = [
    "--set",
    "roles.account_executive.new_logos_per_month=0.5",
    "--set",
    "customers.land_acv=100k",
    "--set",
    "customers.renewal.adopted.covered=90%",
    "--set",
    "customers.renewal.at_risk.covered=70%",
]


@pytest.mark.parametrize("method", ["sobol", "rank", "swing"])
def test_sensitivity_with_no_uncertain_input_exits_2(cli, method: str) -> None:
    result = cli("sensitivity", WHY / "covered.yaml", "--metric", "npv", "--method", method, *FIXED)
    assert result.code == 2
    assert "no uncertain input" in result.stderr and "nothing to rank" in result.stderr


def test_rank_on_a_metric_undefined_in_every_trial_exits_2(cli) -> None:
    result = cli(
        "sensitivity",
        WHY / "covered.yaml",
        "--metric",
        "cac_payback_months",
        "--method",
        "rank",
        "--set",
        "roles.account_executive.new_logos_per_month=0",
    )
    assert result.code == 2
    assert "undefined in every trial" in result.stderr


# --- memory ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (("run", XAAS), "1 scenario(s)"),
        (("compare", XAAS, TRAD, "--samples", "{tmp}/s.csv"), "their --samples"),
        (("sweep", XAAS, "--vary", "post_sale_share=10%,20%"), "a sweep of 2 points"),
        (("optimize", XAAS), "optimize's up to"),
        (("sensitivity", XAAS, "--metric", "npv"), "sensitivity"),
        (("explain", XAAS, "--baseline", TRAD, "--metric", "npv"), "motion paths"),
    ],
    ids=["run", "compare-samples", "sweep", "optimize", "sensitivity", "explain"],
)
def test_a_command_that_would_not_fit_exits_2_before_simulating(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: tuple[object, ...], what: str
) -> None:
    _no_simulation(monkeypatch)
    limit = MemoryLimit(600 * 2**20, "left under this process's address-space limit (ulimit -v)")
    monkeypatch.setattr(coverage_sim.memory, "memory_limit", lambda: limit)
    argv = [str(a).replace("{tmp}", str(tmp_path)) for a in args]
    result = cli(*argv, "--trials", "2000000", "--workers", "1")
    assert result.code == 2, result.stderr
    assert "--trials 2,000,000 needs about" in result.stderr
    assert what in result.stderr
    assert "0.6 GiB is left under this process's address-space limit" in result.stderr


def test_samples_count_in_the_estimate() -> None:
    from coverage_sim.run_plan import plan_run
    from coverage_sim.runner import memory_needed

    plan = plan_run([XAAS, TRAD], trials=1000)
    plain, with_samples = memory_needed(plan, 0), memory_needed(plan, 0, samples=True)
    assert with_samples.per_trial > plain.per_trial


def test_a_memory_error_exits_2_naming_trials(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import coverage_sim.runner

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(coverage_sim.runner, "execute", exhausted)
    result = cli("run", XAAS, *TINY)
    assert result.code == 2
    assert "out of memory" in result.stderr and "--trials" in result.stderr


def test_the_address_space_limit_is_read() -> None:
    code = (
        "import resource\n"
        "resource.setrlimit(resource.RLIMIT_AS, (6 * 2**30, resource.RLIM_INFINITY))\n"
        "from coverage_sim.execution import memory_limit\n"
        "limit = memory_limit()\n"
        "print(limit.bytes, limit.source)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), timeout=60
    )
    assert result.returncode == 0, result.stderr
    size, source = result.stdout.split(" ", 1)
    assert int(size) < 6 * 2**30
    assert "address-space limit" in source or "available on this machine" in source


def test_a_control_group_memory_limit_is_read_v2_and_v1(tmp_path: Path) -> None:
    from coverage_sim.execution import _cgroup_headroom

    membership = tmp_path / "cgroup"
    membership.write_text("0::/job/42\n")
    v2 = tmp_path / "fs" / "job" / "42"
    v2.mkdir(parents=True)
    (v2 / "memory.max").write_text(f"{4 * 2**30}\n")
    (v2 / "memory.current").write_text(f"{2**30}\n")
    limit = _cgroup_headroom(str(membership), str(tmp_path / "fs"))
    assert limit is not None and limit.bytes == 3 * 2**30
    assert "control group" in limit.source
    (v2 / "memory.max").write_text("max\n")  # no limit
    assert _cgroup_headroom(str(membership), str(tmp_path / "fs")) is None
    membership.write_text("4:memory:/box\n0::/\n")
    v1 = tmp_path / "fs" / "memory" / "box"
    v1.mkdir(parents=True)
    (v1 / "memory.limit_in_bytes").write_text(f"{2 * 2**30}\n")
    (v1 / "memory.usage_in_bytes").write_text(f"{2**29}\n")
    limit = _cgroup_headroom(str(membership), str(tmp_path / "fs"))
    assert limit is not None and limit.bytes == 2 * 2**30 - 2**29


# --- control characters and colour --------------------------------------------------

RAW = ("\x1b", "\x9b", "\u202e", "\x07")


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "json"])
@pytest.mark.parametrize("command", ["sensitivity", "explain"])
def test_names_with_control_characters_never_reach_the_output_raw(
    cli, tmp_path: Path, fmt: str, command: str
) -> None:
    folder = tmp_path / "d\x1b[31m"
    folder.mkdir()
    for name in ("base.yaml", "covered.yaml", "uncovered.yaml"):
        (folder / name).write_text((WHY / name).read_text())
    plan = folder / "evil.yaml"
    plan.write_text(
        'extends: covered.yaml\nname: "X\\e]0;T\\a\\e[2J\\u009b31m\\u202eZ"\n', encoding="utf-8"
    )
    args = ["--metric", "npv", "--format", fmt, "--baseline", folder / "uncovered.yaml"]
    if command == "sensitivity":
        args += ["--method", "rank"]
    result = cli(command, plan, *args)
    assert result.code == 0, result.stderr
    for raw in RAW:
        assert raw not in result.stdout and raw not in result.stderr


def test_term_dumb_means_no_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    from coverage_sim.cli.common import wants_color

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert wants_color(Terminal())
    monkeypatch.setenv("TERM", "dumb")
    assert not wants_color(Terminal())


# --- messages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "fragment"),
    [
        ("customers.adoption.rate.covered=1%", "coverage would harm"),
        ("valuation.runoff_months=12", "runoff_months applies to terminal: runoff only"),
    ],
)
def test_a_set_that_breaks_a_rule_over_a_mapping_is_named(cli, setting: str, fragment: str) -> None:
    result = cli("run", XAAS, *TINY, "--set", setting)
    assert result.code == 2
    assert result.stderr.startswith(f"coverage-sim: error: --set {setting}: "), result.stderr
    assert fragment in result.stderr


def test_a_set_that_breaks_a_correlation_is_named(cli, plans: Path) -> None:
    plan = plans / "corr.yaml"
    plan.write_text(
        "extends: xaas.yaml\nname: corr\ncorrelations:\n"
        "  - between: [customers.land_acv, roles.account_executive.new_logos_per_month]\n"
        "    rank: -0.4\n"
    )
    setting = "correlations[0].between[1]=customers.land_acv"
    result = cli("run", plan, *TINY, "--set", setting)
    assert result.code == 2
    assert result.stderr.startswith(f"coverage-sim: error: --set {setting}: "), result.stderr


@pytest.mark.parametrize(
    ("rank", "message"),
    [
        ("50%", "not a percentage; got 50%"),
        ("1.0000001", "between -1 and 1; got 1.0000001"),
    ],
)
def test_a_rank_correlation_is_a_plain_number_shown_in_full(
    cli, plans: Path, rank: str, message: str
) -> None:
    plan = plans / "corr.yaml"
    plan.write_text(
        "extends: xaas.yaml\nname: corr\ncorrelations:\n"
        "  - between: [customers.land_acv, roles.account_executive.new_logos_per_month]\n"
        f"    rank: {rank}\n"
    )
    result = cli("validate", plan)
    assert result.code == 2
    assert message in result.stderr


def test_a_growth_over_the_limit_names_the_limit(cli) -> None:
    result = cli("run", XAAS, *TINY, "--set", "market.demand.growth=1001%")
    assert result.code == 2
    assert "the most allowed is 1000%" in result.stderr


def test_a_named_pipe_as_baseline_is_called_one(cli, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = cli("explain", XAAS, "--baseline", fifo, "--metric", "npv", *TINY)
    assert result.code == 2
    assert "is a named pipe" in result.stderr


def test_a_huge_set_value_is_clipped_in_the_message(cli) -> None:
    result = cli("run", XAAS, *TINY, "--set", "budget.annual=" + "x" * 100_000)
    assert result.code == 2
    assert len(result.stderr) < 1_000
    assert "100,014 characters" in result.stderr
    assert clipped("x" * 10) == "x" * 10


def test_null_is_called_null(cli) -> None:
    result = cli("run", XAAS, *TINY, "--set", "customers.renewal.adopted.may_harm=null")
    assert result.code == 2
    assert "got null" in result.stderr and "None" not in result.stderr


def test_a_role_name_with_an_accent_is_told_ascii(cli, plans: Path) -> None:
    plan = plans / "accent.yaml"
    plan.write_text(
        (plans / "xaas.yaml").read_text().replace("renewal_specialist", "especialista_renovación")
    )
    result = cli("validate", plan)
    assert result.code == 2
    assert "ASCII letter" in result.stderr


def test_sensitivity_json_escapes_what_json_dumps_leaves_raw(cli, tmp_path: Path) -> None:
    plan = tmp_path / "sep.yaml"
    for name in ("base.yaml", "covered.yaml"):
        (tmp_path / name).write_text((WHY / name).read_text())
    plan.write_text('extends: covered.yaml\nname: "a\\u2028b\\u202ec"\n')
    result = cli("sensitivity", plan, "--metric", "npv", "--method", "rank", "--format", "json")
    assert result.code == 0, result.stderr
    assert "\u2028" not in result.stdout and "\u202e" not in result.stdout
    assert json.loads(result.stdout)["plan"] == "a\u2028b\u202ec"
