"""``coverage-sim voi`` end to end: JSON shape, groups, errors, reproducibility, report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coverage_sim.cli import main

pytest.importorskip("statsmodels")

FIXTURES = Path(__file__).parents[1] / "cli" / "fixtures"
XAAS, TRAD = FIXTURES / "xaas.yaml", FIXTURES / "traditional.yaml"
RUN = ["--trials", "600", "--months", "24"]


def _voi(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["voi", *(str(a) for a in args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_voi_json_ranks_every_input_below_evpi(capsys) -> None:
    code, out, err = _voi(
        capsys,
        XAAS,
        "--baseline",
        TRAD,
        *RUN,
        "--format",
        "json",
        "--group",
        "sellers=roles.account_executive.*",
    )
    assert code == 0, err
    document = json.loads(out)
    assert document["command"] == "voi" and document["baseline"] == "Traditional"
    assert document["evpi"] >= 0 and document["evpi_mc_se"] > 0
    values = [w["value"] for w in document["evppi"]]
    assert values == sorted(values, reverse=True)
    assert all(0 <= v <= document["evpi"] for v in values)
    assert sum(p["prob_best"] for p in document["plans"]) == pytest.approx(1.0)
    (group,) = document["groups"]
    assert group["name"] == "sellers"
    assert group["inputs"] == [
        "roles.account_executive.ramp_months",
        "roles.account_executive.new_logos_per_month",
    ]


def test_voi_is_byte_identical_for_any_worker_count(capsys) -> None:
    one = _voi(capsys, XAAS, "--baseline", TRAD, *RUN, "--format", "json", "--workers", "1")
    two = _voi(capsys, XAAS, "--baseline", TRAD, *RUN, "--format", "json", "--workers", "2")
    assert one[0] == two[0] == 0
    assert one[1] == two[1]


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_every_format_names_evpi(capsys, fmt: str) -> None:
    code, out, err = _voi(capsys, XAAS, "--baseline", TRAD, *RUN, "--format", fmt)
    assert code == 0, err
    assert "EVPI" in out or "evpi" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--group", "nothing=zzz.*"], "no uncertain input matches zzz.*"),
        (["--group", "=x"], "expected NAME=PATTERN"),
        (["--metric", "post_sale_share"], "has no better direction"),
        (["--metric", "npx"], "unknown metric"),
        (["--top", "0"], "--top must be at least 1"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(capsys, extra: list[str], message: str) -> None:
    code, _, err = _voi(capsys, XAAS, "--baseline", TRAD, *RUN, *extra)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_too_few_trials_exit_2(capsys) -> None:
    code, _, err = _voi(capsys, XAAS, "--baseline", TRAD, "--trials", "50", "--months", "12")
    assert code == 2
    assert "at least 200 trials" in err


def test_report_draws_a_voi_include(capsys, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    code, out, _ = _voi(capsys, XAAS, "--baseline", TRAD, *RUN, "--format", "json")
    assert code == 0
    include = tmp_path / "voi.json"
    include.write_text(out)
    html = tmp_path / "r.html"
    capsys.readouterr()
    code = main(
        [
            "report",
            str(XAAS),
            "--trials",
            "100",
            "--months",
            "12",
            "--include",
            str(include),
            "--output",
            str(html),
        ]
    )
    assert code == 0
    assert "Value of information" in html.read_text()
