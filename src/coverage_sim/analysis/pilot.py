"""Pilot designs: what a pilot of named coverage on ``N`` accounts for ``M`` months (with
``N`` accounts as control) would tell, and whether it is worth its cost (docs/evidence.md).

Every trial ``n`` of a comparison is a possible world: it has its own covered and
uncovered rate of the piloted motion (``theta_c[n]``, ``theta_u[n]``) and its own net
benefit per plan ``NB[n, d]``. The pilot's outcome in world ``n`` is simulated from that
world's rates (the observation model of the rate's kind, below); what the analyst would
then believe is the trials reweighted by the outcome's likelihood,

    w[n, m] ∝ L(y_n | theta_c[m], theta_u[m])          (importance weights over worlds m),

and the plan chosen after the pilot is the best on those weighted means. Then

    EVSI = mean_n max_d sum_m w[n, m] NB[m, d] - max_d mean_m NB[m, d]

(the expected value of sample information; Raiffa and Schlaifer's preposterior
analysis), and P(wrong) after the pilot is the share of worlds in which the plan chosen
after seeing that world's outcome is not that world's best. The effective sample size
of the weights, ``(Σw)² / Σw²``, says how many trials the update rests on.

Observation models, by the kind of rate (``N`` accounts each side, ``M`` months):

- a probability at an event (``adoption.rate``): ``Binomial(N, theta)``;
- a monthly probability (``adoption.decay``, ``adoption.recovery``):
  ``Binomial(N·M, theta)``, account-months, depletion ignored;
- a renewal rate (``renewal.adopted``, ``renewal.at_risk``): ``Binomial(R, theta)`` with
  ``R = round(N·M / contract_months)`` renewals falling due in the pilot;
- a yearly frequency (``expansion.cross_sell_per_year``): ``Poisson(N·M/12·theta)``;
- a monthly growth rate (``expansion.upsell_monthly``): the pilot's mean monthly rate,
  ``Normal(theta, theta² / (N·M))`` (each account-month's rate as dispersed as its mean).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from coverage_sim.compiled import FloatArray
from coverage_sim.errors import UsageError

OUTER = 2_000  # pilot outcomes simulated (worlds sampled for the outer expectation)
CHUNK = 250  # outcomes weighted at once (memory: CHUNK x trials)

OBSERVATION = {
    "adoption.rate": "event",
    "adoption.decay": "monthly",
    "adoption.recovery": "monthly",
    "renewal.adopted": "renewal",
    "renewal.at_risk": "renewal",
    "expansion.cross_sell_per_year": "yearly",
    "expansion.upsell_monthly": "growth",
}


@dataclass(frozen=True)
class Design:
    """One pilot design and what it is worth."""

    accounts: int
    months: int
    evsi: float
    evsi_mc_se: float
    p_wrong_before: float
    p_wrong_after: float
    cost: float
    ess: float  # median effective sample size of the weights over the simulated outcomes


def observation_kind(path: str) -> str:
    """The observation model of a coverage pair ``customers.<motion>.<rate>``."""
    key = path.removeprefix("customers.")
    if key not in OBSERVATION:
        raise UsageError(
            f"--input {path}: a pilot observes a coverage pair of customers; one of: "
            + ", ".join(f"customers.{k}" for k in OBSERVATION)
        )
    return OBSERVATION[key]


def _exposure(kind: str, accounts: int, months: int, contract_months: int) -> float:
    if kind == "event":
        return float(accounts)
    if kind == "renewal":
        return float(round(accounts * months / contract_months))
    if kind == "yearly":
        return accounts * months / 12.0
    return float(accounts * months)  # monthly, growth


def simulate_outcome(
    kind: str, theta: FloatArray, exposure: float, rng: np.random.Generator
) -> FloatArray:
    """One pilot outcome per world from the world's rate ``theta`` (see the module)."""
    if exposure <= 0:
        return np.zeros_like(theta)
    if kind in ("event", "monthly", "renewal"):
        return rng.binomial(int(exposure), np.clip(theta, 0.0, 1.0)).astype(np.float64)
    if kind == "yearly":
        return rng.poisson(exposure * np.maximum(theta, 0.0)).astype(np.float64)
    sd = np.abs(theta) / np.sqrt(exposure)
    return np.asarray(theta + sd * rng.standard_normal(theta.shape))


def log_likelihood(
    kind: str, outcome: FloatArray, theta: FloatArray, exposure: float
) -> FloatArray:
    """``(outcomes, worlds)`` log-likelihood of each outcome under each world's rate, up to
    a term that depends on the outcome alone (it cancels in the weights)."""
    y, t = outcome[:, None], theta[None, :]
    if exposure <= 0:
        return np.zeros((outcome.size, theta.size))
    if kind in ("event", "monthly", "renewal"):
        return np.asarray(special.xlogy(y, t) + special.xlog1py(exposure - y, -t))
    if kind == "yearly":
        rate = exposure * t
        return np.asarray(special.xlogy(y, rate) - rate)
    var = np.maximum(t * t / exposure, 1e-300)
    return np.asarray(-0.5 * (y - t) ** 2 / var - 0.5 * np.log(var))


def evaluate_design(
    benefit: FloatArray,
    covered: FloatArray,
    uncovered: FloatArray,
    *,
    kind: str,
    accounts: int,
    months: int,
    contract_months: int,
    cost: float,
    seed: int,
) -> Design:
    """EVSI, P(wrong) before and after, ESS of a pilot of ``accounts`` covered and
    ``accounts`` control accounts for ``months`` (``benefit``: ``(trials, plans)``)."""
    trials = benefit.shape[0]
    exposure = _exposure(kind, accounts, months, contract_months)
    rng = np.random.default_rng([seed, accounts, months])
    outer = np.sort(rng.choice(trials, size=min(OUTER, trials), replace=False))
    y_c = simulate_outcome(kind, covered[outer], exposure, rng)
    y_u = simulate_outcome(kind, uncovered[outer], exposure, rng)
    means_now = benefit.mean(axis=0)
    best_in_world = benefit.max(axis=1)
    chosen_now = int(np.argmax(means_now))
    value_after = np.empty(outer.size)
    wrong_after = np.empty(outer.size)
    ess = np.empty(outer.size)
    for start in range(0, outer.size, CHUNK):
        part = slice(start, start + CHUNK)
        log_w = log_likelihood(kind, y_c[part], covered, exposure) + log_likelihood(
            kind, y_u[part], uncovered, exposure
        )
        log_w -= log_w.max(axis=1, keepdims=True)
        weights = np.exp(log_w)
        weights /= weights.sum(axis=1, keepdims=True)
        posterior = weights @ benefit  # (outcomes, plans)
        chosen = np.argmax(posterior, axis=1)
        value_after[part] = posterior.max(axis=1)
        worlds = outer[part]
        wrong_after[part] = benefit[worlds, chosen] < best_in_world[worlds]
        ess[part] = 1.0 / np.sum(weights * weights, axis=1)
    gains = value_after - means_now.max()
    return Design(
        accounts=accounts,
        months=months,
        evsi=max(float(gains.mean()), 0.0),
        evsi_mc_se=float(gains.std(ddof=1) / np.sqrt(gains.size)) if gains.size > 1 else 0.0,
        p_wrong_before=float(np.mean(benefit[outer, chosen_now] < best_in_world[outer])),
        p_wrong_after=float(wrong_after.mean()),
        cost=cost,
        ess=float(np.median(ess)),
    )


def parse_counts(text: str, flag: str, *, minimum: int) -> list[int]:
    """``--accounts 0,50,200``: whole numbers, at least ``minimum``, in the order given."""
    counts = []
    for part in text.split(","):
        part = part.strip().replace("_", "")
        if not part.isdigit() or int(part) < minimum:
            raise UsageError(
                f"{flag} {text!r}: expected whole numbers of at least {minimum}, comma-separated, "
                f"e.g. {flag} 50,100,200"
            )
        counts.append(int(part))
    return counts


def smallest_meeting(designs: Sequence[Design], target: float) -> Design | None:
    """The cheapest design whose P(wrong) after the pilot is below ``target`` (fewest
    account-months on a tie)."""
    meeting = [d for d in designs if d.p_wrong_after < target]
    return min(meeting, key=lambda d: (d.cost, d.accounts * d.months)) if meeting else None
