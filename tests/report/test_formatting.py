from __future__ import annotations

import pytest

from coverage_sim.metrics.summary_types import BridgeYear
from coverage_sim.report import formatting as fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "$0"),
        (420.0, "$420"),
        (85_300.0, "$85.3k"),
        (999_950.0, "$1.00M"),
        (12_345_678.0, "$12.3M"),
        (123_456_789.0, "$123M"),
        (1.5e9, "$1.50B"),
        (-1_200_000.0, "-$1.20M"),
        (None, "n/a"),
        (float("nan"), "n/a"),
    ],
)
def test_money_is_human_readable_with_three_significant_digits(
    value: float | None, text: str
) -> None:
    assert fmt.money(value) == text


def test_signed_money_marks_gains_and_losses() -> None:
    assert fmt.money(6_250_000.0, signed=True) == "+$6.25M"
    assert fmt.money(-6_250_000.0, signed=True) == "-$6.25M"


def test_shares_are_percentages_and_their_differences_percentage_points() -> None:
    assert fmt.metric_value("nrr", 1.0412) == "104.1%"
    assert fmt.metric_delta("grr", -0.013) == "-1.3 pp"


def test_multiples_are_shown_as_multiples_not_percentages() -> None:
    assert fmt.metric_value("expansion_multiple", 8.5) == "8.50x"
    assert fmt.metric_delta("clv_cac", 0.33) == "+0.33x"


def test_months_have_one_decimal_and_counts_thousands_separators() -> None:
    assert fmt.metric_value("cac_payback_months", 18.34) == "18.3"
    assert fmt.metric_value("new_logos", 1234.4) == "1,234"
    assert fmt.metric_value("new_logos", 12.34) == "12.3"


def test_probability_never_rounds_to_certainty() -> None:
    assert fmt.probability(0.004) == "<1%"
    assert fmt.probability(0.996) == ">99%"
    assert fmt.probability(1.0) == "100%"
    assert fmt.probability(0.925) == "92%"


def test_sparkline_spans_the_shared_scale_and_keeps_both_ends() -> None:
    line = fmt.sparkline([float(v) for v in range(60)], low=0.0, high=59.0, width=12)
    assert len(line) == 12
    assert line[0] == "▁"
    assert line[-1] == "█"
    assert fmt.sparkline([5.0, 5.0], low=0.0, high=10.0, width=10) == "▅▅"


def test_a_partial_last_bridge_year_says_how_many_months_it_covers() -> None:
    assert [fmt.bridge_year(y, 18) for y in (1, 2)] == ["1", "2 (6 mo)"]
    assert [fmt.bridge_year(y, 24) for y in (1, 2)] == ["1", "2"]
    assert fmt.bridge_year(1, 6) == "1 (6 mo)"


def test_an_unknown_metric_id_is_labelled_by_itself_and_shown_as_a_count() -> None:
    assert fmt.metric_label("custom_metric") == "custom_metric"
    assert fmt.metric_value("custom_metric", 1234.4) == "1,234"
    assert fmt.metric_delta("custom_metric", 12.34) == "+12.3"
    assert fmt.metric_label("nrr") == "NRR"


def test_bridge_cells_show_what_leaves_arr_as_negative_money() -> None:
    year = BridgeYear(
        year=1, start=10e6, new=2e6, expansion=1e6, contraction=0.5e6, churn=1.5e6, end=11e6
    )
    assert fmt.bridge_cells(year) == ["$10.0M", "$2.00M", "$1.00M", "-$500k", "-$1.50M", "$11.0M"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (fmt.money(3e20), "$3e+20"),
        (fmt.money(-3e20, signed=True), "-$3e+20"),
        (fmt.money(9.99e14), "$999T"),
        (fmt.number(1.76e27), "1.76e+27"),
        (fmt.number(-2e13, signed=True), "-2e+13"),
        (fmt.percent(1e20), "1e+22%"),
        (fmt.number(999_999_999_999.0), "999,999,999,999.0"),
    ],
)
def test_huge_values_print_in_scientific_notation_so_columns_keep_their_width(
    text: str, expected: str
) -> None:
    """A 1e-300 ACV makes a payback of about 1e305 months: it must not push the table."""
    assert text == expected


def test_a_summary_of_values_near_the_float_limit_warns_nothing() -> None:
    import warnings

    import numpy as np

    from coverage_sim.metrics.summary import summarize_values

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        summary = summarize_values(np.array([1e308, 1.5e308, 1.7e308]))
    assert summary.mean is None and summary.p50 == 1.5e308
