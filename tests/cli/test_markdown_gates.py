"""``--require`` results end the Markdown ("Requirements", ✓/✗) and held gates are
confirmed on stderr by every command that takes them."""

from __future__ import annotations

from cli_helpers import FAST, FIXTURES

TRAD = FIXTURES / "traditional.yaml"
XAAS = FIXTURES / "xaas.yaml"


def _section(markdown: str) -> list[str]:
    lines = markdown.splitlines()
    return lines[lines.index("### Requirements") :]


def test_the_markdown_gate_section_shows_a_cross_for_an_unmet_gate_and_exits_1(cli) -> None:
    result = cli(
        "compare", TRAD, XAAS, *FAST, "--format", "markdown",
        "--require", "nrr.p50 >= 0", "--require", "XaaS:npv.prob_better >= 101%",
    )  # fmt: skip
    assert result.code == 1
    section = _section(result.stdout)
    assert section[-1].startswith("✗ 1 of 3 checks did not hold")
    unmet = next(line for line in section if "prob\\_better" in line or "prob_better" in line)
    assert unmet.endswith("| ✗ |") and "| XaaS |" in unmet
    held = [line for line in section if "nrr.p50" in line]
    assert len(held) == 2 and all(line.endswith("| ✓ |") for line in held)
    assert "not met for 'XaaS'" in result.stderr


def test_held_gates_end_the_markdown_with_ticks_and_are_confirmed_on_stderr(cli) -> None:
    result = cli("run", XAAS, *FAST, "--format", "markdown", "--require", "nrr.p50 >= 0")
    assert result.code == 0, result.stderr
    assert _section(result.stdout)[-1] == "✓ All 1 checks held."
    assert "1 requirement(s) met" in result.stderr
    plain = cli("run", XAAS, *FAST, "--format", "markdown")
    assert "### Requirements" not in plain.stdout


def test_sweep_confirms_held_gates_and_its_markdown_lists_them(cli) -> None:
    result = cli(
        "sweep", XAAS, "--vary", "post_sale_share=20%,40%", "--baseline", TRAD, *FAST,
        "--workers", "1", "--format", "markdown", "--require", "best:npv.p50 > -1B",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert "1 requirement(s) met" in result.stderr
    assert _section(result.stdout)[-1] == "✓ All 1 checks held."
    failed = cli(
        "sweep", XAAS, "--vary", "post_sale_share=20%,40%", "--baseline", TRAD, *FAST,
        "--workers", "1", "--format", "markdown", "--require", "npv.prob_better > 100%",
    )  # fmt: skip
    assert failed.code == 1
    assert "| ✗ |" in failed.stdout and "requirement(s) met" not in failed.stderr
