"""Monte Carlo simulation of one scenario, in chunks of trials (MODEL.md §3).

Per month ``t = 1..H``, in this order: budget ``B_t``; headcount (age, attrition, hire or
cut to target); coverage from the heads' ramped capacity and the start-of-month book;
renew (due slot); adopt; expand; land (capacity against demand, ``demand.py``); money
(coverage spend, marketing). After month ``H``: the cohort lens and, with
``valuation.terminal: runoff``, the run-off value of the ending book (``runoff.py``).
Process noise is binomial / Poisson counts, each from one uniform by inversion, at stream
positions fixed per block of trials and per month (``streams.py``): outcomes do not depend
on ``chunk_trials`` or on the number of trials, and two scenarios with the same seed share
the noise cell by cell.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from coverage_sim.compiled import (
    CompiledScenario,
    Customers,
    FloatArray,
    IntArray,
)
from coverage_sim.engine.budget import monthly_budget
from coverage_sim.engine.cohort_lens import trace_cohort
from coverage_sim.engine.customers import CustomerBook, onboarding_resolution
from coverage_sim.engine.demand import demand_at, marketing_cost, seller_logos
from coverage_sim.engine.headcount import RoleWorkforce, target_heads
from coverage_sim.engine.month_terms import MonthTerms, total_over_roles
from coverage_sim.engine.paths import MotionPaths, PathSwitch, check_replay, empty_paths
from coverage_sim.engine.record import ChunkRecord, OutcomeArrays
from coverage_sim.engine.response import (
    BOOK_COVERAGE,
    BOOK_RESPONSES,
    BookResponses,
    ChunkResponse,
)
from coverage_sim.engine.runoff import FinalMonth, runoff_value
from coverage_sim.engine.streams import (
    ADOPT,
    BLOCK_TRIALS,
    EXPAND,
    LAND,
    RENEW,
    NoiseStreams,
    attrition_purpose,
    root_sequence,
)
from coverage_sim.outcome import ScenarioOutcome

DEFAULT_CHUNK_TRIALS = 10_000
Implementation = Literal["compiled", "numpy"]
IMPLEMENTATIONS: tuple[Implementation, ...] = ("compiled", "numpy")


@dataclass
class EngineCounters:
    """What a run consumed: ``uniforms`` drawn from the noise streams (whole blocks of
    1,000 trials, empty cells included: the uniform floor of ``benchmarks/engine.py``)."""

    uniforms: int = 0


def simulate(
    scenario: CompiledScenario,
    seed: int | np.random.SeedSequence,
    *,
    first_trial: int = 0,
    chunk_trials: int = DEFAULT_CHUNK_TRIALS,
    on_progress: Callable[[int, int], None] | None = None,
    implementation: Implementation = "compiled",
    counters: EngineCounters | None = None,
    keep_paths: bool = False,
    replay: MotionPaths | None = None,
) -> ScenarioOutcome:
    """Simulate every trial of ``scenario``; the same seed gives identical arrays.

    ``first_trial``: ``scenario`` holds trials ``first_trial ..`` of a larger run (its
    per-trial inputs sliced, ``compiled.slice_trials``); they draw their process noise at
    those trials' stream positions, so simulating a run range by range gives the same
    arrays as simulating it whole. It must start a block of 1,000 trials.
    ``chunk_trials`` bounds memory and sets how often ``on_progress(done, total)`` is
    called; it is rounded up to a whole number of blocks of 1,000 trials and does not
    change any result. ``implementation``: ``"compiled"`` runs the monthly motions as
    numba kernels (``kernel.py``), ``"numpy"`` as whole-array numpy operations,
    the reference the kernels are tested against; both give byte-identical outcomes.
    ``counters``, if given, is added what the run consumed. ``keep_paths`` puts each
    motion's path in ``outcome.paths``; ``replay`` makes the motions it names read those
    paths instead (``engine/paths.py``).
    """
    if first_trial < 0 or first_trial % BLOCK_TRIALS:
        raise ValueError(f"first_trial must be a multiple of {BLOCK_TRIALS}, got {first_trial}")
    if implementation not in IMPLEMENTATIONS:
        raise ValueError(f"implementation must be one of {IMPLEMENTATIONS}, got {implementation!r}")
    if chunk_trials < 1:
        raise ValueError(f"chunk_trials must be >= 1, got {chunk_trials}")
    if scenario.horizon_months < 1:
        raise ValueError(f"horizon_months must be >= 1, got {scenario.horizon_months}")
    root = root_sequence(seed)
    chunk = -(-chunk_trials // BLOCK_TRIALS) * BLOCK_TRIALS
    total = scenario.trials
    if replay is not None:
        check_replay(replay, total, scenario.horizon_months)
    kept = empty_paths(total, scenario.horizon_months) if keep_paths else None
    arrays = OutcomeArrays(scenario)
    for first in range(0, total, chunk):
        trials = slice(first, min(first + chunk, total))
        switch = PathSwitch(kept, replay, trials)
        _simulate_chunk(
            scenario,
            root,
            first_trial,
            trials,
            arrays.chunk(trials, compiled=implementation == "compiled"),
            implementation,
            counters,
            switch,
        )
        if on_progress is not None:
            on_progress(trials.stop, total)
    outcome = arrays.outcome()
    return outcome if kept is None else dataclasses.replace(outcome, paths=kept)


class _HeadTargets:
    """Each role's target heads in a month, for one chunk of trials.

    A fixed ``headcount`` is its own target; otherwise ``target_heads`` of the role's
    allocation share that month (0 for a role the allocation does not name). The
    allocation column and the loaded cost are looked up once per chunk.
    """

    def __init__(self, scenario: CompiledScenario, trials: slice) -> None:
        allocation = scenario.allocation
        self._last_row = allocation.shares.shape[0] - 1
        self._roles: list[tuple[int | None, FloatArray | None, FloatArray]] = []
        for role in scenario.roles:
            column = (
                allocation.shares[:, allocation.role_names.index(role.name)]
                if role.name in allocation.role_names
                else None
            )
            self._roles.append((role.headcount, column, role.loaded_cost[trials]))

    def at(self, budget: FloatArray, month: int) -> list[IntArray]:
        out = []
        row = min(month, self._last_row)
        for headcount, column, loaded_cost in self._roles:
            if headcount is not None:
                out.append(np.full(budget.shape, headcount, dtype=np.int64))
            else:
                share = 0.0 if column is None else float(column[row])
                out.append(target_heads(budget, share, loaded_cost))
        return out


class _ChunkRates:
    """The book's coverage responses (``response.BOOK_RESPONSES``) each month: all seven
    in one kernel pass (compiled) or one ``ChunkResponse`` each (numpy); the same bytes."""

    def __init__(self, customers: Customers, trials: slice, *, compiled: bool) -> None:
        self._packed = BookResponses.of(customers, trials) if compiled else None
        self._each = (
            []
            if compiled
            else [ChunkResponse.of(getattr(customers, n), trials) for n in BOOK_RESPONSES]
        )

    def at(self, adopt: FloatArray, renew: FloatArray, expand: FloatArray) -> dict[str, FloatArray]:
        if self._packed is not None:
            return self._packed.at(adopt, renew, expand)
        coverage = (adopt, renew, expand)
        return {
            name: response.at(coverage[BOOK_COVERAGE[i]])
            for i, (name, response) in enumerate(zip(BOOK_RESPONSES, self._each, strict=True))
        }


def _land_capacity(
    weights: list[float], ramped: list[FloatArray], logos_per_head: list[FloatArray]
) -> list[FloatArray]:
    """Each role's land capacity ``w_land * ramped_heads * new_logos_per_month``."""
    return [w * r * n for w, r, n in zip(weights, ramped, logos_per_head, strict=True)]


def _simulate_chunk(
    scenario: CompiledScenario,
    root: np.random.SeedSequence,
    first_trial: int,
    trials: slice,
    record: ChunkRecord,
    implementation: Implementation,
    counters: EngineCounters | None,
    switch: PathSwitch,
) -> None:
    company, customers, roles = scenario.company, scenario.customers, scenario.roles
    size = trials.stop - trials.start
    purposes = (RENEW, ADOPT, EXPAND, LAND, *(attrition_purpose(r.name) for r in roles))
    compiled = implementation == "compiled"
    book_type, workforce_type, terms_type = _state_types(compiled)
    streams = NoiseStreams(root, first_trial + trials.start, size, purposes, compiled=compiled)
    book = book_type(
        company.starting_customers,
        company.starting_arr[trials],
        company.starting_adopted_share[trials],
        company.contract_months,
        customers.renewal_by_tenure,
    )
    last_revenue = company.starting_arr[trials] / 12.0
    budget0 = monthly_budget(scenario.budget, 0, last_revenue, trials)
    head_targets = _HeadTargets(scenario, trials)
    forces = [
        workforce_type(role, trials, target, scenario.horizon_months)
        for role, target in zip(roles, head_targets.at(budget0, 0), strict=True)
    ]
    # per-trial inputs of this chunk, sliced once (the monthly loop only reads them)
    land_weight = [r.motions.get("land", 0.0) for r in roles]
    logos_per_head = [r.new_logos_per_month[trials] for r in roles]
    terms = terms_type(scenario, trials)
    responses = _ChunkRates(customers, trials, compiled=compiled)
    resolve = onboarding_resolution(customers.onboarding_months[trials])
    acv = customers.land_acv[trials]
    downsell = customers.downsell[trials]
    cross_sell_size = customers.cross_sell_size[trials]
    referrals_per_month = customers.referrals_per_year[trials] / 12.0
    onboarding_fee = customers.onboarding_fee[trials]
    addressable = scenario.market.addressable_accounts[trials]
    demand = scenario.market.demand
    lag = 0 if demand is None else demand.sales_cycle_months
    # land capacity by role of the last ``lag + 1`` months, oldest first; before month 1 the
    # starting heads' (the pipeline the team already had)
    land_history = [_land_capacity(land_weight, [f.ramped for f in forces], logos_per_head)]
    land_history *= lag + 1
    window_opens = max(scenario.horizon_months - 12, 0)
    record.start(book.total_arr())
    if window_opens == 0:
        record.open_window(book.open_window())

    for month in range(1, scenario.horizon_months + 1):
        streams.begin_month(month)
        budget = monthly_budget(scenario.budget, month, last_revenue, trials)
        for force, target in zip(forces, head_targets.at(budget, month), strict=True):
            force.step(streams, target)
        ramped = [f.ramped for f in forces]
        land_history = [*land_history[1:], _land_capacity(land_weight, ramped, logos_per_head)]
        land_cap = land_history[0]  # the capacity that built this month's pipeline
        c_adopt, c_renew, c_expand = terms.coverage(ramped, *book.active_and_adopted())
        c_adopt = switch.take("adopt", month, c_adopt)
        c_renew = switch.take("renew", month, c_renew)
        c_expand = switch.take("expand", month, c_expand)

        rates = responses.at(c_adopt, c_renew, c_expand)
        renewal = book.renew(
            streams, month, rates["renewal_adopted"], rates["renewal_at_risk"], downsell
        )
        book.adopt(
            streams,
            resolve,
            rates["adoption_rate"],
            rates["adoption_decay"],
            rates["adoption_recovery"],
        )
        expansion, base_expansion = book.expand(
            streams,
            rates["upsell_monthly"],
            rates["cross_sell_per_year"] / 12.0,
            cross_sell_size,
        )
        saturation = np.maximum(1.0 - book.ever_landed / addressable, 0.0)
        sellers = switch.take("land", month, total_over_roles(land_cap, size))
        if demand is not None:
            sellers = seller_logos(sellers, demand_at(demand, month, trials), demand.shape)
        land_rate = sellers * saturation + referrals_per_month * book.adopted()
        new_logos = book.land(streams, month, land_rate, acv)

        new_acv = new_logos * acv
        spend = switch.spend(
            month,
            terms.spend(
                [f.heads for f in forces], land_cap, new_acv, expansion, renewal["renewed"]
            ),
        )
        active, arr_total = book.active_and_arr()
        revenue = arr_total / 12.0 + onboarding_fee * new_logos
        record.month(
            month,
            arr=arr_total,
            customers=active,
            revenue=revenue,
            spend=spend,
            marketing=marketing_cost(demand, month, trials, size),
            heads=[f.heads for f in forces],
            new_logos=new_logos,
            new_acv=new_acv,
            expansion=expansion,
            base_expansion=base_expansion,
            renewal=renewal,
            coverage=(c_adopt, c_expand, c_renew),
        )
        last_revenue = revenue
        if month == window_opens:
            record.open_window(book.open_window())

    terminal = None
    if scenario.valuation.terminal == "runoff":
        final = FinalMonth(
            counts=book.counts.astype(np.float64),
            arr=book.arr,
            coverage=(c_adopt, c_expand, c_renew),
            post_sale_salary=spend.post_sale_salary,
            expansion_commission=spend.on_expansion,
            expansion_arr=expansion,
            renewal_commission=spend.on_renewal,
            renewed_arr=renewal["renewed"],
        )
        terminal = runoff_value(scenario, trials, final)
    record.finish(
        trace_cohort(customers, company, *record.coverage(), trials=trials, compiled=compiled),
        runoff=terminal,
    )
    if counters is not None:
        counters.uniforms += streams.drawn


def _state_types(
    compiled: bool,
) -> tuple[type[CustomerBook], type[RoleWorkforce], type[MonthTerms]]:
    """The customer book, workforce and month-terms classes of one implementation (the
    compiled ones import numba, so only when asked for)."""
    if not compiled:
        return CustomerBook, RoleWorkforce, MonthTerms
    from coverage_sim.engine.kernel_book import KernelBook, KernelMonthTerms, KernelWorkforce

    return KernelBook, KernelWorkforce, KernelMonthTerms
