"""Reading exports into lifetimes: periods, censoring, dropped rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coverage_sim.errors import DataError
from coverage_sim.fit.retention import (
    PlanTerms,
    account_lifetimes,
    cohort_lifetimes,
    contract_renewals,
)
from coverage_sim.fit.sbg import survival
from coverage_sim.fit.table import month_number, read_table


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(text)
    return path


def test_account_table_churns_in_the_period_of_its_end_and_censors_the_rest(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        "account,start,end\n"
        "A,2020-01-15,2021-01-15\n"  # 12 months: churned at the first renewal
        "B,2020-01-15,2020-07-01\n"  # cancelled mid-term: still period 1
        "C,2020-06-01,\n"  # active: 2 whole periods by 2022-07-01
        "D,2022-09-01,\n",  # starts after --as-of: dropped and counted
    )
    table = read_table(path, ("account", "start", "end"))
    lifetimes, dropped = account_lifetimes(table, period_months=12, as_of="2022-07-01")
    np.testing.assert_array_equal(lifetimes.lost, [0, 2, 0])
    np.testing.assert_array_equal(lifetimes.kept, [0, 0, 1])
    assert dropped == {"started after --as-of": 1}


def test_cohort_table_counts_churn_per_period_and_censors_each_cohort_at_its_age(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        "cohort,period,alive\nold,0,100\nold,1,80\nold,2,70\nnew,1,45\nnew,0,50\n",
    )
    table = read_table(path, ("cohort", "period"), ("alive",))
    lifetimes = cohort_lifetimes(table)
    np.testing.assert_array_equal(lifetimes.lost, [0, 25, 10])
    np.testing.assert_array_equal(lifetimes.kept, [0, 45, 70])


def test_a_cohort_with_a_missing_period_is_refused_at_the_row_after_the_gap(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, "cohort,period,alive\nA,0,100\nA,2,70\n")
    table = read_table(path, ("cohort", "period"), ("alive",))
    with pytest.raises(DataError, match=r"export.csv:3: column 'period': cohort A has no row"):
        cohort_lifetimes(table)


def test_monthly_periods_convert_to_the_plans_annual_renewal_through_survival() -> None:
    first, _ = contract_renewals(0.7, 20.0, period_months=1, terms=PlanTerms(12, 60))
    assert first == pytest.approx(survival(0.7, 20.0, 12))


def test_dates_are_months_with_the_day_as_a_fraction() -> None:
    assert month_number("2024-03-01") == 12 * 2024 + 2
    assert month_number("2024-03") == 12 * 2024 + 2
    assert month_number("2024-03-16T00:00:00") == pytest.approx(12 * 2024 + 2 + 15 / 31)
    with pytest.raises(ValueError):
        month_number("03/16/2024")
