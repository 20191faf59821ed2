"""Property test (issue 12): a valid scenario, mutated at random, either runs cleanly or
exits 2 with the file and a line -- never a traceback, a hang, another exit code or NaN.

Kept fast: few examples, 8 trials, 6 months, an alarm against hangs.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import signal
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage_sim.cli import main

MODEL_EXAMPLE = Path(__file__).parents[1] / "scenario" / "data" / "model_example.yaml"
BASE: dict[str, Any] = yaml.safe_load(MODEL_EXAMPLE.read_text(encoding="utf-8"))
RUN = ["--trials", "8", "--months", "6", "--seed", "3", "--format", "json"]
ERROR_LINE = re.compile(r"^coverage-sim: error: \S*(fuzz|base)\.yaml:\d+:\d+: ")


def _leaves(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_leaves(value, (*prefix, key)))
    elif prefix:
        found.append(prefix)
    return found


LEAVES = [p for p in _leaves(BASE) if p[0] not in ("name", "description")]

edge_numbers = st.sampled_from(
    [
        0,
        -0.0,
        1,
        -1,
        2**31,
        2**63,
        10**30,
        1e-320,
        1e-300,
        1e15,
        1e16,
        1e308,
        -1e308,
        0.5,
        1.0000001,
        100,
        1200,
        1_000_000_000,
        1_000_000_001,
    ]
)
edge_text = st.sampled_from(
    [
        "1e400",
        "-5%",
        "\u22125%",
        "100.0001%",
        "0%",
        "85%",
        "1_000",
        "80k",
        "1.5B",
        ".inf",
        ".nan",
        "NaN",
        "5 to 1",
        "0.1 to 0.2",
        "1 to 1e20",
        "50k - 120k",
        "\x1b[2J",
        "",
        "yes",
        "0x10",
        "1,000",
        "\u00a0100",
    ]
)
distributions = st.sampled_from(
    [
        {"dist": "uniform", "low": 4, "high": 8, "clip": [10, 12]},
        {"dist": "uniform", "low": 0.1, "high": 0.2},
        {"dist": "normal", "mean": 0.5, "sd": 0.2, "clip": [0, 1]},
        {"dist": "normal", "mean": 1e300, "sd": 1e300},
        {"dist": "lognormal", "median": 3, "sigma": 5},
        {"dist": "beta", "mean": 0.3, "sd": 0.1, "uncovered": 0.2},
        {"dist": "pert", "low": 0, "mode": 1, "high": 2},
        {"uncovered": 0.2, "covered": 0.9},
        {"dist": "triangular", "low": 1, "mode": 0, "high": 2},
    ]
)
values = st.one_of(edge_numbers, edge_text, distributions, st.none(), st.booleans())
mutations = st.lists(st.tuples(st.sampled_from(LEAVES), values), min_size=1, max_size=3)


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node = document
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(node.get(key), dict) else node
        if not isinstance(node, dict):
            return
    node[path[-1]] = value


@contextlib.contextmanager
def _no_hang(seconds: int) -> Iterator[None]:
    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"no outcome within {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with _no_hang(60), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def _check(code: int, out: str, err: str) -> None:
    assert "Traceback" not in err and "Traceback" not in out
    assert code in (0, 2), (code, err)
    if code == 2:
        lines = err.splitlines()
        assert lines, "exit 2 without a message"
        assert all(ERROR_LINE.match(line) for line in lines), err
        return
    assert "NaN" not in out and "Infinity" not in out
    report = json.loads(out)
    for scenario in report["scenarios"]:
        ending = scenario["metrics"]["ending_arr"]
        assert ending["p50"] is not None and math.isfinite(ending["p50"]), ending


@settings(
    max_examples=30,
    deadline=timedelta(seconds=30),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(changes=mutations, through_extends=st.booleans())
def test_a_mutated_valid_scenario_runs_or_exits_2_with_a_location(
    changes: list[tuple[tuple[Any, ...], Any]], through_extends: bool
) -> None:
    document = yaml.safe_load(yaml.safe_dump(BASE))
    for path, value in changes:
        _set(document, path, value)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "fuzz.yaml"
        if through_extends:  # the mutation lives in the parent, merged into the file run
            (Path(folder) / "base.yaml").write_text(
                yaml.safe_dump(document, allow_unicode=True), encoding="utf-8"
            )
            target.write_text("extends: base.yaml\nname: fuzz\n", encoding="utf-8")
        else:
            target.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        _check(*_run(["run", str(target), *RUN]))


def test_the_unmutated_scenario_runs() -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "fuzz.yaml"
        target.write_text(yaml.safe_dump(BASE), encoding="utf-8")
        code, out, err = _run(["run", str(target), *RUN])
    assert code == 0, err
    _check(code, out, err)
