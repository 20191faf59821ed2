"""Hardening of what the CLI reads and writes (issue 12): special files, --output
safety, signals, closed and full streams, usage errors, control characters."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import FAST, FIXTURES

import coverage_sim.runner
from coverage_sim.report import atomic

XAAS = FIXTURES / "xaas.yaml"
TRAD = FIXTURES / "traditional.yaml"
SRC = Path(__file__).resolve().parents[2] / "src"


def _tool(*args: str, stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """The real program in a subprocess (for streams, pipes and signals)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "coverage_sim", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        timeout=60,
    )


def _no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated although the command must fail first")

    monkeypatch.setattr(coverage_sim.runner, "execute", must_not_run)


# --- input files: regular files only, never blocking -------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_as_scenario_or_parent_is_refused(cli, plans: Path, device: str) -> None:
    direct = cli("run", device, *FAST)
    assert direct.code == 2
    assert f"{device}: is a device" in direct.stderr
    child = plans / "child.yaml"
    child.write_text(f"extends: {device}\nname: child\n")
    via_parent = cli("validate", child)
    assert via_parent.code == 2
    assert "child.yaml:1:1: extends: cannot use" in via_parent.stderr
    assert "is a device" in via_parent.stderr


def test_a_named_pipe_is_refused_without_blocking(plans: Path) -> None:
    pipe = plans / "pipe.yaml"
    os.mkfifo(pipe)
    child = plans / "child.yaml"
    child.write_text("extends: pipe.yaml\nname: child\n")
    for target in (pipe, child):
        result = _tool("validate", str(target))  # a blocking read would hit the timeout
        assert result.returncode == 2
        assert "is a named pipe; only regular files are read" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_socket_and_a_directory_are_refused(cli, plans: Path) -> None:
    sock_path = plans / "s.yaml"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sock_path))
        result = cli("run", sock_path, *FAST)
        assert result.code == 2
        assert "is a socket" in result.stderr
    finally:
        server.close()
    (plans / "folder.yaml").mkdir()
    child = plans / "child.yaml"
    child.write_text("extends: folder.yaml\nname: child\n")
    result = cli("validate", child)
    assert result.code == 2
    assert "is a directory" in result.stderr


def test_an_oversized_parent_is_refused_by_size(cli, plans: Path) -> None:
    big = plans / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(10 * 1024 * 1024 + 1)  # sparse: cheap to make
    child = plans / "child.yaml"
    child.write_text("extends: big.yaml\n")
    result = cli("validate", child)
    assert result.code == 2
    assert "limited to 10 MB" in result.stderr


# --- --output never destroys an input -----------------------------------------------


def _copy(plans: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in plans.iterdir()}


@pytest.mark.parametrize("target", ["xaas.yaml", "base.yaml", "./base.yaml", "link.yaml"])
def test_output_onto_an_input_or_parent_is_refused_before_simulating(
    cli, plans: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    (plans / "link.yaml").symlink_to(plans / "base.yaml")
    before = _copy(plans)
    _no_simulation(monkeypatch)
    monkeypatch.chdir(plans)
    result = cli("run", "xaas.yaml", *FAST, "--format", "csv", "--output", target)
    assert result.code == 2
    assert "is an input of this run" in result.stderr
    assert _copy(plans) == before


def test_compare_output_onto_a_hard_link_of_an_input_is_refused(
    cli, plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.link(plans / "traditional.yaml", plans / "out.csv")
    before = _copy(plans)
    _no_simulation(monkeypatch)
    result = cli(
        "compare",
        plans / "xaas.yaml",
        plans / "traditional.yaml",
        *FAST,
        "--output",
        plans / "out.csv",
    )
    assert result.code == 2
    assert "is an input of this run" in result.stderr
    assert _copy(plans) == before


@pytest.mark.skipif(not Path("/proc/version").exists(), reason="needs /proc")
@pytest.mark.parametrize("target", ["/proc/coverage-sim-out.csv", "/proc/version"])
def test_output_folder_that_refuses_a_temporary_file_fails_at_planning(
    cli, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    _no_simulation(monkeypatch)
    result = cli("run", XAAS, *FAST, "--output", target)
    assert result.code == 2
    assert "cannot create a file in /proc" in result.stderr


def test_sigterm_while_writing_the_output_removes_the_temporary_file(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "result.csv"
    target.write_text("previous run\n")

    def terminated_during_fsync(fd: int) -> None:
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(atomic.os, "fsync", terminated_during_fsync)
    result = cli("run", XAAS, *FAST, "--format", "csv", "--output", target)
    assert result.code == 143
    assert "terminated (SIGTERM)" in result.stderr
    assert target.read_text() == "previous run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["result.csv"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handler restored


# --- stdout: a reader that went away, a full disk -----------------------------------


@pytest.mark.parametrize(
    "args", [("schema",), ("--help",), ("validate", str(FIXTURES)), ("--version",)]
)
def test_closed_stdout_is_not_an_error_and_a_full_one_exits_2(args: tuple[str, ...]) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "coverage_sim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| true`: the reader is gone before anything is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert "Traceback" not in err
    if Path("/dev/full").exists():
        with open("/dev/full", "w") as full:
            result = _tool(*args, stdout=full)
        assert result.returncode == 2
        assert result.stderr.startswith("coverage-sim: error: cannot write to stdout: No space")


# --- usage errors: one path, one format -------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("run", str(XAAS), "--trials", "abc"), "--trials"),
        (("run", str(XAAS), "--bogus"), "No such option: --bogus"),
        (("run",), "Missing argument 'SCENARIO'"),
        (("frobnicate",), "No such command 'frobnicate'"),
        (("run", str(XAAS), "--seed", "2^70"), "--seed"),
    ],
)
def test_framework_usage_errors_use_the_tool_error_format(
    cli, args: tuple[str, ...], says: str
) -> None:
    result = cli(*args)
    assert result.code == 2
    assert result.stderr.startswith("coverage-sim: error: ")
    assert says in result.stderr
    assert "Usage:" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_seed_above_the_limit_names_the_limit(cli) -> None:
    result = cli("run", XAAS, *FAST, "--seed", str(2**70))
    assert result.code == 2
    assert f"--seed must be a whole number from 0 to {2**63 - 1}" in result.stderr


# --- control characters are shown, never written raw -------------------------------

EVIL = "evil\x1b]0;pwned\x07\x1b[2J\x9b\u202e"


def _raw_controls(text: str) -> list[str]:
    return [
        c
        for c in text
        if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c == "\u202e"
    ]


@pytest.mark.parametrize("output_format", ["table", "csv", "markdown", "json"])
def test_escape_sequences_in_a_name_never_reach_the_output(
    cli, plans: Path, output_format: str
) -> None:
    child = plans / "evil.yaml"
    child.write_text(f'extends: xaas.yaml\nname: "{EVIL.encode("unicode_escape").decode()}"\n')
    result = cli("run", child, *FAST, "--format", output_format)
    assert result.code == 0, result.stderr
    assert _raw_controls(result.stdout) == []
    if output_format == "json":
        assert "evil\\u001b]0;pwned\\u0007\\u001b[2J\\u009b\\u202e" in result.stdout
    else:
        assert "x1b" in result.stdout and "pwned" in result.stdout


def test_escape_sequences_in_an_unknown_key_are_shown_in_the_error(cli, plans: Path) -> None:
    child = plans / "evil.yaml"
    child.write_text('extends: xaas.yaml\n"bad\\e[2Jkey": 1\n')
    result = cli("validate", child)
    assert result.code == 2
    assert _raw_controls(result.stderr) == []
    assert "bad\\x1b[2Jkey" in result.stderr


# --- the other commands that read or write files -----------------------------------


def test_init_never_replaces_a_device(cli) -> None:
    result = cli("init", "/dev/null", "--force")
    assert result.code == 2
    assert "is not a regular file" in result.stderr
    assert Path("/dev/null").is_char_device()


def test_report_include_of_a_device_or_pipe_is_refused(cli, plans: Path, tmp_path: Path) -> None:
    pipe = plans / "in.json"
    os.mkfifo(pipe)
    for include, says in ((pipe, "is a named pipe"), (Path("/dev/zero"), "is a device")):
        if not include.exists():
            continue
        result = cli(
            "report",
            plans / "xaas.yaml",
            *FAST,
            "--include",
            include,
            "--output",
            tmp_path / "r.html",
        )
        assert result.code == 2
        assert f"--include {include}: {says}" in result.stderr


def test_sensitivity_output_onto_its_scenario_is_refused(
    cli, plans: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _copy(plans)
    result = cli(
        "sensitivity",
        plans / "xaas.yaml",
        "--metric",
        "ending_arr",
        *FAST,
        "--output",
        plans / "base.yaml",
    )
    assert result.code == 2
    assert "is an input of this run" in result.stderr
    assert _copy(plans) == before


def test_a_closed_stdout_or_stderr_gives_the_right_exit_code_without_a_traceback(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    tool = f"{sys.executable} -m coverage_sim"

    def shell(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, env=env, timeout=120
        )

    closed_out = shell(f"{tool} schema >&-")
    assert closed_out.returncode == 2
    assert "cannot write to stdout: it is closed" in closed_out.stderr
    assert "Traceback" not in closed_out.stderr
    closed_err = shell(f"{tool} run {tmp_path / 'missing.yaml'} 2>&-")
    assert closed_err.returncode == 2
    nothing_to_write = shell(
        f"{tool} run {XAAS} {' '.join(FAST)} --output {tmp_path / 'o.csv'} >&-"
    )
    assert nothing_to_write.returncode == 0, nothing_to_write.stderr
