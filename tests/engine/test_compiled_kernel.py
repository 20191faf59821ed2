"""The compiled engine (numba kernels) against the numpy engine: byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scenario_factory import response, role, scenario, typical, with_ramp

from coverage_sim.compiled import CompiledScenario, CoverageResponse
from coverage_sim.engine import kernel
from coverage_sim.engine.inverse import (
    binomial_quantile,
    binomial_terms,
    first_term_log,
    poisson_quantile,
)
from coverage_sim.engine.kernel import binomial_rows, poisson_cells
from coverage_sim.engine.response import (
    BOOK_COVERAGE,
    BOOK_RESPONSES,
    BookResponses,
    ChunkResponse,
)
from coverage_sim.engine.simulate import EngineCounters, simulate
from coverage_sim.engine.streams import BLOCK_TRIALS, NoiseStreams, root_sequence
from coverage_sim.outcome import ScenarioOutcome
from coverage_sim.scenario import compile_scenario, load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _assert_bitwise_equal(a: ScenarioOutcome, b: ScenarioOutcome) -> None:
    for group in ("metrics", "bridge", "series"):
        left, right = getattr(a, group), getattr(b, group)
        assert left.keys() == right.keys()
        for key in left:
            assert left[key].shape == right[key].shape, f"{group}.{key}"
            assert left[key].tobytes() == right[key].tobytes(), f"{group}.{key}"


def _both(sc: CompiledScenario, seed: int = 11) -> None:
    reference = simulate(sc, seed, implementation="numpy")
    _assert_bitwise_equal(reference, simulate(sc, seed, implementation="compiled"))


@pytest.mark.parametrize(
    "name", ["xaas", "traditional", "transition", "laer-endgame", "best-in-class"]
)
def test_bundled_scenarios_are_byte_identical(name: str) -> None:
    sc = compile_scenario(
        load_scenario(SCENARIOS / f"{name}.yaml"), trials=1200, seed=3, horizon_months=26
    )
    _both(sc)


def test_a_runoff_terminal_value_is_byte_identical() -> None:
    # the run-off value reads the final book (counts, ARR, customers) after the last month
    sc = compile_scenario(
        load_scenario(SCENARIOS / "xaas.yaml"), trials=1000, seed=4, horizon_months=14
    )
    _both(replace(sc, valuation=replace(sc.valuation, terminal="runoff", runoff_months=24)))


def _hill(r: CoverageResponse, h: float) -> CoverageResponse:
    return replace(r, shape="hill", half_saturation=np.full(r.uncovered.shape, h))


def test_hill_responses_are_byte_identical() -> None:
    sc = typical(1000, 18)
    c = sc.customers
    customers = replace(
        c,
        adoption_rate=_hill(c.adoption_rate, 0.3),
        adoption_decay=_hill(c.adoption_decay, 0.2),
        renewal_adopted=_hill(c.renewal_adopted, 0.5),
        upsell_monthly=_hill(c.upsell_monthly, 0.1),
    )
    _both(replace(sc, customers=customers))


@pytest.mark.parametrize("contract_months", [1, 12])
def test_contract_terms_are_byte_identical(contract_months: int) -> None:
    _both(typical(1000, 15, contract_months=contract_months))


def test_immediate_cuts_capped_hiring_and_long_ramps_are_byte_identical() -> None:
    trials = 1500
    sc = with_ramp(
        typical(trials, 30, growth=-0.5),
        "account_executive",
        np.random.default_rng(4).lognormal(np.log(6.0), 0.5, trials),
    )
    roles = tuple(
        replace(r, reduce="immediate", max_hires_per_month=3 if i == 0 else None)
        for i, r in enumerate(sc.roles)
    )
    _both(replace(sc, roles=roles))


def test_large_cells_take_the_guess_and_correct_path_identically() -> None:
    # a company 40 times larger: ~670 at-risk customers per renewal slot renew with
    # p = 0.6-0.8 (mean of the rarer outcome > 130) and ~12,000 adopted accounts
    # cross-sell at 0.05-0.25 a year (Poisson mean 50-250), both above SEARCH_MEAN
    _both(typical(1000, 14, starting_customers=20_000, starting_arr=2e9, annual_budget=7e8))


def test_a_quiet_one_role_book_is_byte_identical() -> None:
    trials = 1000
    sc = scenario(
        trials,
        9,
        (role("csm", {"adopt": 1.0}, trials, attrition=0.3, accounts_per_head=30),),
        starting_customers=0,
    )
    customers = replace(sc.customers, adoption_rate=response(0.5, 0.9, trials))
    _both(replace(sc, customers=customers))


def test_the_run_counts_the_uniforms_it_draws() -> None:
    # one role without a ramp: per month 3 renewal + 4 x 12 adoption + 1 cross-sell
    # + 1 land + 1 attrition cells, each a whole block of 1,000 uniforms
    trials, months = 1500, 5
    sc = scenario(trials, months, (role("ae", {"land": 1.0}, trials, new_logos_per_month=1),))
    for implementation in ("numpy", "compiled"):
        counters = EngineCounters()
        simulate(sc, 1, implementation=implementation, counters=counters)  # type: ignore[arg-type]
        assert counters.uniforms == (3 + 4 * 12 + 1 + 1 + 1) * months * 2 * BLOCK_TRIALS


def test_an_unknown_implementation_is_refused() -> None:
    with pytest.raises(ValueError, match="implementation"):
        simulate(typical(100, 3), 1, implementation="fortran")  # type: ignore[arg-type]


def test_fill_holds_the_uniforms_of_the_same_draw_per_block() -> None:
    root = root_sequence(5)
    a = NoiseStreams(root, 2000, 2500, (7,))
    b = NoiseStreams(root, 2000, 2500, (7,))
    for month in (1, 2):
        a.begin_month(month)
        b.begin_month(month)
        expected = a.uniforms(7, (4, 2500))
        blocks = b.fill(7, 4)
        got = np.concatenate([blocks[i] for i in range(3)], axis=1)[:, :2500]
        assert got.tobytes() == expected.tobytes()
    assert a.drawn == b.drawn == 2 * 4 * 3 * BLOCK_TRIALS


_U_MAX = np.array([1.0 - 2**-53])  # the largest uniform below 1
_N35 = np.array([35])


def _tail_case(count: Callable[[np.ndarray], np.ndarray]) -> float:
    """A rate whose walk at the largest uniform ends by the tail rule (count 33): float
    rounding leaves its summed CDF below the level. Which rates do depends on the
    platform's exp/log, so the first of a fixed list that does is used."""
    for rate in np.linspace(0.005, 0.5, 100):
        if count(np.array([rate])).tolist() == [33]:
            return float(rate)
    raise AssertionError("no rate in 0.005..0.5 ends its walk by the tail rule here")


def _in_blocks(u: np.ndarray) -> np.ndarray:
    """(cells, trials) uniforms laid out as ``NoiseStreams.fill`` leaves them."""
    cells, size = u.shape
    blocks = -(-size // BLOCK_TRIALS)
    out = np.zeros((blocks, cells, BLOCK_TRIALS))
    for b in range(blocks):
        part = u[:, b * BLOCK_TRIALS : (b + 1) * BLOCK_TRIALS]
        out[b, :, : part.shape[1]] = part
    return out


@pytest.mark.parametrize("n_max", [5, 80, 3_000])
def test_compiled_binomial_counts_equal_the_numpy_inversion(n_max: int) -> None:
    rng = np.random.default_rng(n_max)
    cells, size = 3, 4000
    n = rng.integers(0, n_max + 1, (cells, size))
    n[:, ::3] = 0
    p = rng.random(size)
    p[::7], p[::11], p[::5] = 0.0, 1.0, p[::5] * 0.01
    u = rng.random((cells, size))
    u[0, :4] = [0.0, 1e-12, 1.0 - 1e-12, 1.0 - 2**-53]
    # the largest uniform: float rounding keeps the CDF of some Binomial(35, p) below it, so
    # the walk ends by the tail rule at k = 32 (count 33); which p does depends on the
    # platform's exp/log rounding, so the case is searched for, not written in
    n[1, 1], p[1], u[1, 1] = 35, _tail_case(lambda q: binomial_quantile(_U_MAX, _N35, q)), _U_MAX[0]
    flip, s, ratio = binomial_terms(p)
    first = np.exp(n * first_term_log(s))
    bdtr, _, ndtri = kernel.special_functions()
    got = np.empty_like(n)
    binomial_rows(_in_blocks(u), 0, n, flip, s, ratio, first, got, bdtr, ndtri)
    assert got.tobytes() == binomial_quantile(u, n, p).tobytes()


@pytest.mark.parametrize("lam_max", [3.0, 45.0, 4_000.0])
def test_compiled_poisson_counts_equal_the_numpy_inversion(lam_max: float) -> None:
    rng = np.random.default_rng(int(lam_max))
    lam = rng.random(5000) * lam_max
    lam[::9] = 0.0
    u = rng.random(5000)
    u[:3] = [1e-12, 1.0 - 1e-12, 1.0 - 2**-53]
    lam[3], u[3] = _tail_case(lambda q: poisson_quantile(_U_MAX, q)), _U_MAX[0]  # tail rule
    _, pdtr, ndtri = kernel.special_functions()
    got = np.empty(5000, dtype=np.int64)
    poisson_cells(_in_blocks(u[None, :]), lam, np.exp(-lam), got, pdtr, ndtri)
    assert got.tobytes() == poisson_quantile(u, lam).tobytes()


@pytest.mark.parametrize("shape", ["linear", "hill"])
def test_compiled_book_responses_equal_numpy_at_any_coverage(shape: str) -> None:
    """The seven responses in one kernel pass, each at its motion's coverage, equal
    ``ChunkResponse.at`` (hill: no lift where ``c + h == 0``)."""
    rng = np.random.default_rng(5)
    n = 300
    half = rng.uniform(0.0, 0.5, n)
    half[:20] = 0.0  # c + h == 0 where the coverage is 0 too: no lift

    def make_response() -> CoverageResponse:
        return CoverageResponse(
            shape=shape,
            uncovered=rng.uniform(0.0, 0.3, n),
            covered=rng.uniform(0.0, 0.9, n),
            half_saturation=half if shape == "hill" else None,
        )

    sc = scenario(n, 3, (role("csm", {"adopt": 1.0}, n),))
    customers = replace(sc.customers, **{name: make_response() for name in BOOK_RESPONSES})
    coverage = [rng.uniform(0.0, 1.0, n) for _ in range(3)]  # adopt, renew, expand
    for c in coverage:
        c[:40] = 0.0
    trials = slice(0, n)
    got = BookResponses.of(customers, trials).at(*coverage)
    for i, name in enumerate(BOOK_RESPONSES):
        want = ChunkResponse.of(getattr(customers, name), trials).at(coverage[BOOK_COVERAGE[i]])
        assert got[name].tobytes() == want.tobytes(), name


_EDGE_P = np.array(
    [-0.5, -0.0, 0.0, 1e-300, 0.3, 0.5, np.nextafter(0.5, 1.0), 0.99, 1.0, 1.5, np.nan]
)


def test_compiled_walk_terms_equal_numpy_binomial_terms_at_the_edges() -> None:
    """Clipping keeps a NaN and a -0.0 as np.clip does; rows may repeat a probability."""
    p, q = np.tile(_EDGE_P, 3), np.tile(_EDGE_P, 3)[::-1].copy()
    expected = binomial_terms(np.stack([p, q, p]))
    flip, s, ratio = np.empty((3, p.size), bool), np.empty((3, p.size)), np.empty((3, p.size))
    kernel.walk_terms((p, q), np.array([0, 1, 0]), flip, s, ratio)
    for got, want in zip((flip, s, ratio), expected, strict=True):
        assert got.tobytes() == want.tobytes()


def test_the_lens_clips_rates_as_numpy_does() -> None:
    from coverage_sim.engine.kernel_lens import _unit

    got = np.array([_unit(float(x)) for x in _EDGE_P])
    assert got.tobytes() == np.clip(_EDGE_P, 0.0, 1.0).tobytes()
