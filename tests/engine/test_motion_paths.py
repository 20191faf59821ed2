"""Motion paths: kept from one run, replayed into another (the hook ``explain`` uses)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scenario_factory import typical

from coverage_sim.engine import simulate
from coverage_sim.engine.paths import PATH_ARRAYS, PATH_NAMES


def _allocation(sc, shares: dict[str, float]):  # type: ignore[no-untyped-def]
    names = sc.allocation.role_names
    row = np.array([shares.get(n, 0.0) for n in names])
    return replace(sc.allocation, shares=np.tile(row, (sc.horizon_months + 1, 1)))


def _pair():  # type: ignore[no-untyped-def]
    plan = typical(300, 18)
    land_heavy = {
        "account_executive": 0.9,
        "customer_success_manager": 0.05,
        "renewal_specialist": 0.05,
    }
    baseline = replace(plan, allocation=_allocation(plan, land_heavy), name="baseline")
    return plan, baseline


def test_keeping_paths_changes_no_result() -> None:
    sc = typical(200, 12)
    plain, kept = simulate(sc, 5), simulate(sc, 5, keep_paths=True)
    assert plain.paths == {}
    for metric, values in plain.metrics.items():
        np.testing.assert_array_equal(values, kept.metrics[metric], err_msg=metric)
    assert set(kept.paths) == {a for p in PATH_NAMES for a in PATH_ARRAYS[p]}
    assert kept.paths["land"].shape == (200, 12)
    np.testing.assert_array_equal(kept.paths["spend.total"], kept.series["spend"])


def test_replaying_a_runs_own_paths_reproduces_it_exactly() -> None:
    sc = typical(200, 12)
    kept = simulate(sc, 5, keep_paths=True)
    again = simulate(sc, 5, replay=kept.paths)
    for metric, values in kept.metrics.items():
        np.testing.assert_array_equal(values, again.metrics[metric], err_msg=metric)


def test_replaying_every_baseline_path_turns_the_plan_into_the_baseline() -> None:
    plan, baseline = _pair()
    base = simulate(baseline, 9, keep_paths=True)
    mixed = simulate(plan, 9, replay=base.paths)
    own = simulate(plan, 9)
    assert not np.array_equal(own.metrics["npv"], base.metrics["npv"])
    for metric, values in base.metrics.items():
        np.testing.assert_array_equal(values, mixed.metrics[metric], err_msg=metric)


def test_a_replayed_adoption_path_is_read_and_the_others_stay_the_plans() -> None:
    plan, baseline = _pair()
    base = simulate(baseline, 9, keep_paths=True)
    own = simulate(plan, 9, keep_paths=True)
    mixed = simulate(plan, 9, keep_paths=True, replay={"adopt": base.paths["adopt"]})
    np.testing.assert_array_equal(mixed.paths["adopt"], base.paths["adopt"])
    np.testing.assert_array_equal(mixed.paths["land"], own.paths["land"])
    # less adoption coverage: fewer adopted customers, so less expansion and lower ARR
    assert mixed.metrics["ending_arr"].mean() < own.metrics["ending_arr"].mean()


def test_a_path_of_the_wrong_shape_is_refused() -> None:
    sc = typical(100, 12)
    with pytest.raises(ValueError, match="shape"):
        simulate(sc, 1, replay={"adopt": np.zeros((100, 11))})
    with pytest.raises(ValueError, match="unknown motion path"):
        simulate(sc, 1, replay={"upsell": np.zeros((100, 12))})
