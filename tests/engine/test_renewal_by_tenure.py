"""``customers.renewal.by_tenure``: churn multipliers by renewal number (docs/model.md)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scenario_factory import per_trial, quiet_customers, response, typical

from coverage_sim.compiled import CompiledScenario, Customers
from coverage_sim.engine import simulate
from coverage_sim.engine.cohort_lens import LENS_MONTHS, _revenue, trace_cohort
from coverage_sim.engine.customers import ONBOARDING, CustomerBook
from coverage_sim.engine.streams import ADOPT, EXPAND, LAND, RENEW, NoiseStreams, root_sequence
from coverage_sim.outcome import ScenarioOutcome
from coverage_sim.scenario import compile_scenario, load_scenario
from coverage_sim.scenario.compile import tenure_factors

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
ALPHA, BETA = 0.704, 1.182  # Fader & Hardie's "regular" segment


def _sbg_survival(renewals: int) -> float:
    """S(t) = prod_{i <= t} (beta + i - 1) / (alpha + beta + i - 1)."""
    i = np.arange(1, renewals + 1)
    return float(np.prod((BETA + i - 1) / (ALPHA + BETA + i - 1)))


def _sbg_factors(renewals: int) -> tuple[float, ...]:
    """Churn at renewal k over churn at the first: (alpha + beta) / (alpha + beta + k - 1)."""
    return tuple((ALPHA + BETA) / (ALPHA + BETA + k - 1) for k in range(1, renewals + 1))


FIRST_RENEWAL = BETA / (ALPHA + BETA)


def _bytes(outcome: ScenarioOutcome) -> list[bytes]:
    groups = (outcome.metrics, outcome.bridge, outcome.series)
    return [group[key].tobytes() for group in groups for key in sorted(group)]


def _plan(tmp_path: Path, by_tenure: str | None) -> CompiledScenario:
    text = f"extends: {SCENARIOS / 'xaas.yaml'}\n"
    if by_tenure is not None:
        text += f"customers:\n  renewal:\n    by_tenure: {by_tenure}\n"
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    return compile_scenario(load_scenario(path), trials=1000, seed=5, horizon_months=30)


def test_by_tenure_of_all_ones_is_the_plan_without_the_key_byte_for_byte(tmp_path: Path) -> None:
    without = simulate(_plan(tmp_path, None), 9)
    for ones in ("[1]", "[1, 1, 1]", "[100%, 1.0]"):
        assert _bytes(simulate(_plan(tmp_path, ones), 9)) == _bytes(without)


def test_the_factors_compile_without_repeats_of_the_last() -> None:
    assert tenure_factors(None) == ()
    assert tenure_factors([1.0, 1.0]) == ()
    assert tenure_factors([1.0, 0.8, 0.8, 0.8]) == (1.0, 0.8)
    assert tenure_factors([0.5]) == (0.5,)
    assert tenure_factors([0.5, 1.0]) == (0.5, 1.0)


def test_tenure_factors_change_the_results(tmp_path: Path) -> None:
    plain = simulate(_plan(tmp_path, None), 9)
    falling = simulate(_plan(tmp_path, "[1, 0.6, 0.4]"), 9)
    assert np.mean(falling.metrics["ending_arr"]) > np.mean(plain.metrics["ending_arr"])
    assert np.mean(falling.metrics["clv"]) > np.mean(plain.metrics["clv"])


@pytest.mark.parametrize("factors", [(1.0, 0.7, 0.5, 0.4), (0.6,), (1.3, 0.9), (0.0, 2.0)])
def test_compiled_and_numpy_engines_agree_byte_for_byte_with_tenure(
    factors: tuple[float, ...],
) -> None:
    sc = compile_scenario(
        load_scenario(SCENARIOS / "xaas.yaml"), trials=1200, seed=3, horizon_months=27
    )
    sc = replace(sc, customers=replace(sc.customers, renewal_by_tenure=factors))
    sc = replace(sc, valuation=replace(sc.valuation, terminal="runoff", runoff_months=30))
    reference = simulate(sc, 11, implementation="numpy")
    assert _bytes(simulate(sc, 11, implementation="compiled")) == _bytes(reference)


@pytest.mark.parametrize("contract_months", [1, 3])
def test_short_contracts_with_tenure_agree_byte_for_byte(contract_months: int) -> None:
    sc = typical(1000, 20)
    sc = replace(
        sc,
        company=replace(sc.company, contract_months=contract_months),
        customers=replace(sc.customers, renewal_by_tenure=(1.0, 0.8, 0.5)),
    )
    reference = simulate(sc, 4, implementation="numpy")
    assert _bytes(simulate(sc, 4, implementation="compiled")) == _bytes(reference)


def test_chunk_size_does_not_change_results_with_tenure() -> None:
    sc = typical(2500, 26)
    sc = replace(sc, customers=replace(sc.customers, renewal_by_tenure=(1.0, 0.7, 0.5)))
    reference = simulate(sc, seed=7, chunk_trials=1000)
    assert _bytes(simulate(sc, seed=7, chunk_trials=3000)) == _bytes(reference)


def _cohort_survival(compiled: bool, trials: int = 1000, landed: int = 1000) -> np.ndarray:
    """A cohort of ``landed`` new logos with no coverage, renewing at the sBG first
    renewal rate with by_tenure from sBG: its survivors after renewals 1..5 per trial."""
    factors = _sbg_factors(5)
    if compiled:
        from coverage_sim.engine.kernel_book import KernelBook as Book
    else:
        Book = CustomerBook
    book = Book(0, np.zeros(trials), np.ones(trials), 12, factors)
    book.counts[ONBOARDING, 0] = landed  # tenure bucket 0, renewal slot 0
    book.arr[ONBOARDING, 0] = landed * 1000.0
    streams = NoiseStreams(
        root_sequence(2026), 0, trials, (RENEW, ADOPT, EXPAND, LAND), compiled=compiled
    )
    p = np.full(trials, FIRST_RENEWAL)
    survivors = []
    for month in range(1, 61):
        streams.begin_month(month)
        book.renew(streams, month, p, p, np.zeros(trials))
        if month % 12 == 0:
            survivors.append(book.counts.sum(axis=(0, 1)) / landed)
    return np.array(survivors)


def test_a_cohort_with_sbg_factors_follows_the_sbg_survival_curve() -> None:
    numpy_run = _cohort_survival(compiled=False)
    assert numpy_run.tobytes() == _cohort_survival(compiled=True).tobytes()
    for t, row in enumerate(numpy_run, start=1):
        expected = _sbg_survival(t)
        standard_error = np.sqrt(expected * (1 - expected) / row.size / 1000)  # independent
        # customers within a trial; 4 standard errors of the mean over trials
        assert abs(row.mean() - expected) < 4 * standard_error + 1e-12, t


def _lens_customers(trials: int, factors: tuple[float, ...]) -> Customers:
    return quiet_customers(
        trials,
        renewal_adopted=response(FIRST_RENEWAL, None, trials),
        renewal_at_risk=response(FIRST_RENEWAL, None, trials),
        renewal_by_tenure=factors,
    )


def test_the_expected_value_lens_follows_the_sbg_survival_curve_exactly() -> None:
    trials = 3
    sc = typical(trials, 24)
    customers = _lens_customers(trials, _sbg_factors(5))
    coverage = np.zeros((trials, 24))
    revenue = _revenue(customers, sc.company, (coverage, coverage, coverage), slice(0, trials))
    acv = customers.land_acv[0]
    for tau in range(1, LENS_MONTHS + 1):
        renewals = (tau - 1) // 12
        np.testing.assert_allclose(
            revenue[:, tau - 1] * 12 / acv, _sbg_survival(renewals), rtol=1e-13
        )


def test_the_clv_lens_honours_by_tenure_in_both_implementations() -> None:
    trials = 1000
    sc = typical(trials, 24)
    coverage = np.full((trials, 24), 0.4)
    lens = {}
    for factors in ((), (1.0, 0.5, 0.3)):
        customers = replace(sc.customers, renewal_by_tenure=factors)
        both = [
            trace_cohort(
                customers,
                sc.company,
                coverage,
                coverage,
                coverage,
                slice(0, trials),
                compiled=compiled,
            )
            for compiled in (False, True)
        ]
        for name in both[0]:
            assert both[0][name].tobytes() == both[1][name].tobytes(), name
        lens[factors] = both[0]
    assert np.all(lens[(1.0, 0.5, 0.3)]["clv"] > lens[()]["clv"])
    assert np.all(lens[(1.0, 0.5, 0.3)]["expansion_multiple"] > lens[()]["expansion_multiple"])


def test_the_installed_base_starts_in_the_last_tenure_bucket() -> None:
    book = CustomerBook(120, per_trial(12e6, 4), per_trial(0.5, 4), 12, (1.0, 0.8, 0.6))
    assert book.counts.shape == (3, 36, 4)
    assert book.counts[:, :24].sum() == 0
    assert np.all(book.counts[:, 24:].sum(axis=(0, 1)) == 120)
