"""``coverage-sim report``: one offline HTML file, checked in headless Chromium.

The browser test opens the report as a user would (file://): every chart must have
drawn elements in the DOM Chromium built, the screenshot must not be blank and must
show the charts' colours, and Chrome's net log must show no request from the page. A
page that does fetch something is detected by the same check (control case).
"""

from __future__ import annotations

import contextlib
import html.parser
import io
import os
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from chromium import find_chromium, load

from coverage_sim.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "cli" / "fixtures"
TRAD, XAAS = FIXTURES / "traditional.yaml", FIXTURES / "xaas.yaml"
FAST = ["--trials", "200", "--months", "24", "--workers", "1"]
ROLES = ("account_executive", "customer_success_manager", "renewal_specialist")
RUN_CHARTS = (
    "fan-arr",
    "fan-customers",
    "fan-revenue",
    "fan-contribution",
    *(f"fan-heads-{r.replace('_', '-')}" for r in ROLES),
    "bridge-traditional",
    "bridge-xaas",
    "npv-difference",
)


def _analysis_outputs(tmp: Path) -> list[Path]:
    """The real --format json outputs of sweep, optimize, sensitivity and explain (tiny runs)."""
    small = ["--trials", "200", "--months", "12", "--workers", "1", "--format", "json"]
    commands = {
        "sweep.json": [
            *("sweep", str(XAAS), "--vary", "post_sale_share=20%:40%:3"),
            *("--baseline", str(TRAD), "--metric", "npv"),
        ],
        "sensitivity.json": ["sensitivity", str(XAAS), "--metric", "npv", "--method", "rank"],
        "explain.json": ["explain", str(XAAS), "--baseline", str(TRAD), "--metric", "npv"],
    }
    paths = []
    for name, args in commands.items():
        path = tmp / name
        assert main([*args, *small, "--output", str(path)]) == 0, name
        paths.append(path)
    # optimize writes its JSON on stdout (its --output is the best plan as a scenario)
    search = ["--maxiter", "2", "--popsize", "3"]
    optimized = io.StringIO()
    with contextlib.redirect_stdout(optimized):
        assert main(["optimize", str(XAAS), *search, *small]) == 0
    path = tmp / "optimize.json"
    path.write_text(optimized.getvalue())
    paths.insert(1, path)
    return paths


def _report(tmp: Path, *extra: str) -> Path:
    out = tmp / "report.html"
    assert main(["report", str(TRAD), str(XAAS), *FAST, "--output", str(out), *extra]) == 0
    return out


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    includes = [arg for path in _analysis_outputs(tmp) for arg in ("--include", str(path))]
    return _report(tmp, *includes)


class _Charts(html.parser.HTMLParser):
    """Drawn SVG elements (path, use, rect, polyline, text) inside each figure[data-chart]."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}
        self._current: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "figure":
            self._current = dict(attrs).get("data-chart")
            if self._current:
                self.counts[self._current] = 0
        elif self._current and tag in ("path", "use", "rect", "polyline"):
            self.counts[self._current] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._current = None


def _needs_chromium() -> None:
    if find_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run installs Debian's chromium package")
        pytest.skip(
            "the report's browser test needs Chromium, which is not installed: "
            "sudo apt-get install chromium (Debian/Ubuntu; .ci/run installs it)"
        )


def test_the_report_renders_every_chart_in_chromium_and_requests_nothing(
    report_file: Path,
) -> None:
    _needs_chromium()
    run = load(report_file)
    charts = _Charts()
    charts.feed(run.dom)
    expected = [
        *RUN_CHARTS,
        "include1-sweep-npv",
        "include2-optimize-frontier",
        "include3-sensitivity-variance",
        "include4-explain-parts",
    ]
    assert sorted(charts.counts) == sorted(expected)
    for key in expected:
        assert charts.counts[key] >= 8, (key, charts.counts[key])
    assert "Verdict" in run.dom and "Traditional" in run.dom
    assert run.page_requests == []

    import matplotlib.image

    pixels = matplotlib.image.imread(io.BytesIO(run.screenshot), format="png")[..., :3]
    non_white = (pixels < 0.95).any(axis=-1).mean()
    assert non_white > 0.03  # text, tables and charts, not a blank page
    blue = (abs(pixels - [0x00 / 255, 0x72 / 255, 0xB2 / 255]) < 0.08).all(axis=-1).sum()
    assert blue > 200  # the first plan's p50 line and band colour are on screen


def test_the_net_log_check_catches_a_page_that_fetches(tmp_path: Path) -> None:
    _needs_chromium()
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/x.png"><p>x</p>')
    assert load(leaky, height=200).page_requests == ["http://127.0.0.1:9/x.png"]


def test_the_html_forbids_requests_and_names_no_external_resource(report_file: Path) -> None:
    text = report_file.read_text()
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert not re.search(r"url\((?!#)", text)  # only in-document references: url(#clip)
    assert not re.search(r"""href="(?!#)""", text)  # xlink:href="#marker" only
    assert "<script" not in text and "@import" not in text
    # the only http URLs are XML namespace names, which are never fetched
    urls = set(re.findall(r"https?://[^\"'\s<>]+", text))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_the_report_holds_verdict_charts_metrics_and_the_include(report_file: Path) -> None:
    text = report_file.read_text()
    for part in ('id="verdict"', 'id="metrics"', "Sweep of XaaS: post_sale_share", "best at "):
        assert part in text
    assert "Sensitivity of NPV: XaaS" in text and "Explain NPV: XaaS against Traditional" in text
    assert "Optimize NPV.p50: XaaS" in text and "Best split (NPV.p50): account_executive" in text
    # labelled axes with units, money ticks in the tables' format, legends
    assert "ARR ($, annualised)" in text and "Month" in text and "Trials" in text
    assert re.search(r">\$\d+(\.\d+)?[kM]<", text)
    assert "(p50; band p10-p90)" in text


def test_same_seed_gives_a_byte_identical_report(tmp_path: Path) -> None:
    first = _report(tmp_path / "a" if (tmp_path / "a").mkdir() is None else tmp_path)
    second_dir = tmp_path / "b"
    second_dir.mkdir()
    second = _report(second_dir)
    assert first.read_bytes() == second.read_bytes()


def test_names_are_escaped_in_the_html(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    for source in FIXTURES.iterdir():
        (plans / source.name).write_text(source.read_text())
    (plans / "evil.yaml").write_text(
        "extends: base.yaml\nname: '<script>alert(1)</script>'\n"
        "allocation: {account_executive: 70%, customer_success_manager: 20%, "
        "renewal_specialist: 10%}\n"
    )
    out = tmp_path / "r.html"
    args = [str(plans / "traditional.yaml"), str(plans / "evil.yaml"), "--output", str(out)]
    code = main(["report", *args, *FAST])
    assert code == 0
    assert "<script>" not in out.read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out.read_text()


def test_png_format_writes_every_chart_into_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "charts"
    code = main(["report", str(TRAD), str(XAAS), *FAST, "--format", "png", "--output", str(folder)])
    assert code == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"{i:02d}-{key}.png" for i, key in enumerate(RUN_CHARTS, start=1)]
    assert all(p.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for p in folder.iterdir())


def test_without_matplotlib_report_exits_2_saying_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code = main(["report", str(TRAD), str(XAAS), *FAST, "--output", str(tmp_path / "r.html")])
    assert code == 2
    assert "pip install 'coverage-sim[report]'" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ('{"command": "launch"}', "'command' is 'launch'"),
        ("[1, 2]", "no 'command' key"),
        ('{"command": "optimize", "best": "x"}', "not the JSON that optimize writes"),
        ('{"command": "sweep"}', "this sweep output has nothing to show"),
        ('{"command": "explain", "parts": [1, 2]}', "not the JSON that explain writes"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_a_bad_include_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    args = ["--output", str(tmp_path / "r.html"), "--include", str(bad)]
    code = main(["report", str(TRAD), str(XAAS), *FAST, *args])
    err = capsys.readouterr().err
    assert code == 2 and f"--include {bad}" in err and message in err


def test_one_scenario_makes_a_report_without_comparison(tmp_path: Path) -> None:
    out = tmp_path / "one.html"
    assert main(["report", str(XAAS), *FAST, "--output", str(out)]) == 0
    text = out.read_text()
    charts = _Charts()
    charts.feed(text)
    assert "npv-difference" not in charts.counts and "fan-arr" in charts.counts
    assert "XaaS: NPV p50" in text and "P(better)" not in text.split('id="metrics"')[1]


def test_an_output_not_named_html_warns_and_writes_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.pdf"
    assert main(["report", str(XAAS), *FAST, "--output", str(out)]) == 0
    assert "not .html; writing HTML" in capsys.readouterr().err
    assert out.read_text().lstrip().lower().startswith("<!doctype html")
