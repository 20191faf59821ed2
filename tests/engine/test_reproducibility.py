"""Seeds, chunking and pairing of the process noise."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scenario_factory import (
    first_trials,
    per_trial,
    quiet_customers,
    response,
    role,
    scenario,
    typical,
    with_ramp,
)

from coverage_sim.engine import simulate
from coverage_sim.outcome import ScenarioOutcome


def _assert_same(a: ScenarioOutcome, b: ScenarioOutcome) -> None:
    for group in ("metrics", "bridge", "series"):
        left, right = getattr(a, group), getattr(b, group)
        assert left.keys() == right.keys()
        for key in left:
            np.testing.assert_array_equal(left[key], right[key], err_msg=f"{group}.{key}")


def test_same_seed_gives_identical_outcomes() -> None:
    sc = typical(200, 18)
    _assert_same(simulate(sc, seed=42), simulate(sc, seed=42))


def test_seed_sequence_and_int_seed_agree() -> None:
    sc = typical(200, 12)
    _assert_same(simulate(sc, seed=42), simulate(sc, seed=np.random.SeedSequence(42)))


def test_different_seeds_give_different_noise() -> None:
    sc = typical(200, 18)
    a, b = simulate(sc, seed=1), simulate(sc, seed=2)
    assert not np.array_equal(a.metrics["new_logos"], b.metrics["new_logos"])


def test_chunk_size_does_not_change_any_result() -> None:
    sc = typical(2500, 14)
    reference = simulate(sc, seed=7, chunk_trials=1000)
    _assert_same(reference, simulate(sc, seed=7, chunk_trials=3000))
    _assert_same(reference, simulate(sc, seed=7, chunk_trials=1))  # rounds up to one block


def _unbounded_ramp(trials: int) -> np.ndarray:
    """Lognormal AE ramps (the bundled "3 to 8" form), the longest in trial 2,000: the chunk
    holding it keeps more tenure bins than the others."""
    ramp = np.random.default_rng(3).lognormal(np.log(4.9), 0.3, trials)
    ramp[2000] = 21.5
    return ramp


def test_chunk_size_does_not_change_any_result_with_an_unbounded_ramp() -> None:
    sc = with_ramp(typical(2500, 20), "account_executive", _unbounded_ramp(2500))
    reference = simulate(sc, seed=7, chunk_trials=1000)
    _assert_same(reference, simulate(sc, seed=7, chunk_trials=3000))
    _assert_same(reference, simulate(sc, seed=7, chunk_trials=2000))


def test_the_first_trials_of_a_run_equal_a_run_of_that_many_trials() -> None:
    # prefix property for any trial count, with an unbounded ramp (one chunk per run)
    large_scenario = with_ramp(typical(2500, 20), "account_executive", _unbounded_ramp(2500))
    large = simulate(large_scenario, seed=7)
    for n in (1000, 1700):
        small = simulate(first_trials(large_scenario, n), seed=7)
        for group in ("metrics", "bridge", "series"):
            for key, values in getattr(small, group).items():
                np.testing.assert_array_equal(
                    values, getattr(large, group)[key][:n], err_msg=f"{n}: {group}.{key}"
                )


def test_progress_is_reported_after_each_chunk() -> None:
    calls: list[tuple[int, int]] = []
    simulate(
        typical(2500, 6), seed=7, chunk_trials=1000, on_progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_scenarios_with_the_same_seed_share_process_noise() -> None:
    # ACV changes ARR but no count: with paired noise every count path is identical
    sc = typical(300, 24)
    richer = replace(sc, customers=replace(sc.customers, land_acv=per_trial(200_000, 300)))
    a, b = simulate(sc, seed=5), simulate(richer, seed=5)
    for metric in ("new_logos", "churned_logos", "ending_customers"):
        np.testing.assert_array_equal(a.metrics[metric], b.metrics[metric])
    assert (b.metrics["ending_arr"] != a.metrics["ending_arr"]).any()


def test_bad_arguments_are_rejected() -> None:
    with pytest.raises(ValueError, match="chunk_trials"):
        simulate(typical(10, 3), seed=1, chunk_trials=0)
    with pytest.raises(ValueError, match="seed"):
        simulate(typical(10, 3), seed=-1)


def test_the_first_blocks_of_a_larger_run_equal_a_smaller_run() -> None:
    # constant inputs, so only the process noise could differ
    def run(trials: int) -> ScenarioOutcome:
        customers = quiet_customers(
            trials,
            renewal_adopted=response(0.9, None, trials),
            adoption_decay=response(0.05, None, trials),
            adoption_recovery=response(0.1, None, trials),
        )
        ae = role(
            "ae",
            {"land": 1.0},
            trials,
            headcount=5,
            new_logos_per_month=0.5,
            attrition=0.3,
            ramp_months=3,
        )
        return simulate(scenario(trials, 15, (ae,), customers=customers), seed=12)

    small, large = run(1000), run(2500)
    for metric in small.metrics:
        np.testing.assert_array_equal(small.metrics[metric], large.metrics[metric][:1000])


def test_a_range_of_trials_simulated_alone_equals_that_range_of_the_whole_run() -> None:
    from coverage_sim.compiled import slice_trials

    sc = typical(2500, 14)
    whole = simulate(sc, seed=9)
    part = simulate(slice_trials(sc, 1000, 2500), seed=9, first_trial=1000)
    for group in ("metrics", "bridge", "series"):
        for key, values in getattr(whole, group).items():
            np.testing.assert_array_equal(values[1000:], getattr(part, group)[key], err_msg=key)


def test_a_range_must_start_on_a_block_boundary() -> None:
    with pytest.raises(ValueError, match="multiple of 1000"):
        simulate(typical(200, 12), seed=1, first_trial=500)
