"""Property test (issue 22): the decision commands driven with generated arguments and
plan names -- sweep, optimize, sensitivity, explain and report --include.

Whatever the arguments, a command exits 0, 1 or 2; never prints a traceback or a raw
control character on stdout or stderr; and changes no file but its own output. Kept
fast: tiny runs (few trials, a short horizon), few examples, an alarm against hangs.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import signal
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from cli_helpers import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage_sim.cli import main

TINY = ["--trials", "64", "--months", "6", "--workers", "1"]
# raw control characters that must never reach a terminal: C0 (but newline and tab), DEL,
# C1, the line/paragraph separators and the bidirectional overrides
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")

names = st.one_of(
    st.sampled_from(
        [
            "Budget $18M vs $24M",
            "$\\alpha{$",
            "_draft",
            "X\x1b]0;title\x07\x1b[2J",
            "a\u202eb",
            "\u2028line",
            "tab\there",
            "new\nline",
            "x" * 300,
            "",
            " ",
            "=cmd|' /C calc'!A0",
        ]
    ),
    st.text(min_size=1, max_size=20),
)
paths = st.sampled_from(
    [
        "post_sale_share",
        "allocation.account_executive",
        "allocation.customer_success_manager",
        "allocation.nobody",
        "budget.annual",
        "customers.land_acv",
        "customers.renewal.adopted.covered",
        "market.demand.growth",
        "horizon_months",
        "simulation.seed",
        "roles.account_executive.loaded_cost",
        "a" * 80,
        "",
        "allocation[0].shares.x",
        "\x1b[31m",
    ]
)
values = st.sampled_from(
    [
        "10%,20%",
        "20%:40%:3",
        "0%,100%",
        "1M,2M",
        "60k to 140k,80k to 120k",
        "-5%,1001%",
        "abc",
        "",
        "1e400",
        "5%:1%:2",
        "10%,10%",
        "\u22125%",
        "1,2,3,4,5,6,7,8,9,10,11,12",
    ]
)
metrics = st.sampled_from(["npv", "nrr", "ending_arr", "post_sale_share", "cac", "nope", ""])


def sweep_args() -> st.SearchStrategy[list[str]]:
    vary = st.builds(lambda p, v: ["--vary", f"{p}={v}"], paths, values)
    extras = st.lists(
        st.one_of(
            vary,
            st.builds(lambda m: ["--metric", m], metrics),
            st.builds(lambda t: ["--tolerance", t], st.sampled_from(["1%", "5M", "0", "x"])),
            st.just(["--baseline", "{trad}"]),
            st.builds(lambda f: ["--format", f], st.sampled_from(["table", "csv", "json"])),
        ),
        min_size=1,
        max_size=4,
    )
    return extras.map(lambda parts: ["sweep", "{plan}", *[a for p in parts for a in p]])


def optimize_args() -> st.SearchStrategy[list[str]]:
    extras = st.lists(
        st.one_of(
            st.builds(
                lambda m, s: ["--objective", f"{m}.{s}"],
                metrics,
                st.sampled_from(["p10", "p50", "mean", "sd", "p99", "x"]),
            ),
            st.builds(
                lambda r: ["--roles", r],
                st.sampled_from(["", "account_executive,customer_success_manager", "x,,y"]),
            ),
            st.builds(
                lambda r: ["--min", r],
                st.sampled_from(["account_executive=50%", "nobody=1%", "account_executive=x"]),
            ),
            st.builds(lambda r: ["--vary-budget", r], st.sampled_from(["1M:3M", "1:1e16", "x"])),
            st.builds(lambda f: ["--format", f], st.sampled_from(["table", "csv", "json"])),
        ),
        max_size=3,
    )
    return extras.map(
        lambda parts: [
            "optimize",
            "{plan}",
            "--maxiter",
            "1",
            "--popsize",
            "2",
            "--output",
            "{out}",
            *[a for p in parts for a in p],
        ]
    )


def why_args() -> st.SearchStrategy[list[str]]:
    sensitivity = st.builds(
        lambda method, metric, top, fmt: [
            "sensitivity",
            "{plan}",
            "--baseline",
            "{trad}",
            "--metric",
            metric,
            "--method",
            method,
            "--top",
            top,
            "--format",
            fmt,
        ],
        st.sampled_from(["rank", "variance", "swing", "sobol", "nope"]),
        metrics,
        st.sampled_from(["1", "3", "0", "-1", "x"]),
        st.sampled_from(["table", "csv", "markdown", "json"]),
    )
    explain = st.builds(
        lambda metric, fmt: [
            "explain",
            "{plan}",
            "--baseline",
            "{trad}",
            "--metric",
            metric,
            "--format",
            fmt,
        ],
        metrics,
        st.sampled_from(["table", "csv", "markdown", "json"]),
    )
    return st.one_of(sensitivity, explain)


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


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _workspace(folder: Path, name: str) -> dict[str, Path]:
    for source in ("base.yaml", "traditional.yaml"):
        (folder / source).write_text((FIXTURES / source).read_text())
    plan = folder / "plan.yaml"
    document: dict[str, Any] = {"extends": "base.yaml", "name": name}
    document["allocation"] = yaml.safe_load((FIXTURES / "xaas.yaml").read_text())["allocation"]
    plan.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return {"plan": plan, "trad": folder / "traditional.yaml", "out": folder / "best.yaml"}


def _drive(args: list[str], name: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        files = _workspace(folder, name)
        argv = [a.format(**{k: str(v) for k, v in files.items()}) for a in args]
        before = _snapshot(folder)
        out, err = io.StringIO(), io.StringIO()
        with _no_hang(90), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*argv, *TINY])
        after = _snapshot(folder)
    stdout, stderr = out.getvalue(), err.getvalue()
    assert code in (0, 1, 2), (argv, code, stderr)
    assert "Traceback" not in stdout and "Traceback" not in stderr, stderr
    assert not RAW.search(stdout), (argv, RAW.findall(stdout))
    assert not RAW.search(stderr), (argv, RAW.findall(stderr))
    if code == 2:
        assert stderr.startswith("coverage-sim: error: "), stderr
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed <= {"best.yaml"}, changed


# The suite runs a fixed set of examples (derandomized: CI is reproducible); set
# COVERAGE_SIM_FUZZ_EXAMPLES=500 to explore new random ones.
EXPLORE = os.environ.get("COVERAGE_SIM_FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(EXPLORE) if EXPLORE else 12,
    derandomize=EXPLORE is None,
    deadline=timedelta(seconds=90),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(args=sweep_args(), name=names)
def test_sweep_with_generated_arguments_never_misbehaves(args: list[str], name: str) -> None:
    _drive(args, name)


@FUZZ
@given(args=optimize_args(), name=names)
def test_optimize_with_generated_arguments_never_misbehaves(args: list[str], name: str) -> None:
    _drive(args, name)


@FUZZ
@given(args=why_args(), name=names)
def test_sensitivity_and_explain_with_generated_arguments_never_misbehave(
    args: list[str], name: str
) -> None:
    _drive(args, name)


def _mutations() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**500), max_value=10**500),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=30),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    )


def _keys(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _keys(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:3]):
            found += _keys(value, (*prefix, index))
    return found


def _include_document() -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(
            [
                "sweep",
                str(FIXTURES / "xaas.yaml"),
                "--vary",
                "post_sale_share=20%,40%",
                "--format",
                "json",
                *TINY,
            ]
        )
    assert code == 0
    return dict(json.loads(out.getvalue()))


def _holds(node: Any, key: Any) -> bool:
    if isinstance(node, dict):
        return key in node
    return isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)


def _set_at(document: Any, path: tuple[Any, ...], value: Any) -> None:
    """``value`` at ``path``, if an earlier change left that path in place."""
    node = document
    for key in path[:-1]:
        if not _holds(node, key):
            return
        node = node[key]
    if _holds(node, path[-1]):
        node[path[-1]] = value


INCLUDE = _include_document()
INCLUDE_KEYS = _keys(INCLUDE)


@FUZZ
@given(
    changes=st.lists(st.tuples(st.sampled_from(INCLUDE_KEYS), _mutations()), max_size=3),
    name=names,
)
def test_report_include_of_a_mutated_document_never_misbehaves(
    changes: list[tuple[tuple[Any, ...], Any]], name: str
) -> None:
    document = json.loads(json.dumps(INCLUDE))
    for path, value in changes:
        _set_at(document, path, value)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        files = _workspace(folder, name)
        include = folder / "include.json"
        include.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        before = _snapshot(folder)
        out, err = io.StringIO(), io.StringIO()
        argv = ["report", str(files["plan"]), "--include", str(include)]
        argv += ["--output", str(folder / "r.html"), *TINY]
        with _no_hang(90), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        after = _snapshot(folder)
    stderr = err.getvalue()
    assert code in (0, 2), stderr
    assert "Traceback" not in stderr and not RAW.search(stderr), stderr
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed <= {"r.html"}, changed
