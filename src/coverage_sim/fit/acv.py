"""First-year ACV of new logos: candidate distributions by maximum likelihood, chosen by AIC.

Each candidate (lognormal, gamma, Weibull; location fixed at 0) is fitted with
``scipy.stats.<dist>.fit`` (MLE), and scored by AIC = 2k - 2 log L (k = 2 parameters;
Akaike 1974). The plan's ``customers.land_acv`` is drawn once per trial and every new logo
of that trial lands at that ACV, so what the plan needs is the *mean* ACV and our
uncertainty about it, not the spread of single deals: the overlay writes the 90% interval
of the chosen distribution's mean, from a seeded nonparametric bootstrap of the MLE.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

CANDIDATES = ("lognormal", "gamma", "weibull")
BOOTSTRAP = 200


def _family(name: str) -> Any:
    from scipy import stats

    return {"lognormal": stats.lognorm, "gamma": stats.gamma, "weibull": stats.weibull_min}[name]


@dataclass(frozen=True)
class Candidate:
    """One fitted distribution: its shape and scale, log-likelihood, AIC and mean."""

    name: str
    shape: float
    scale: float
    log_likelihood: float
    aic: float
    mean: float


class LandACVFitter:
    """Fit every candidate to positive ACVs; ``best_`` is the lowest AIC."""

    candidates_: list[Candidate]
    best_: Candidate
    mean_interval_: tuple[float, float]

    def __init__(self, level: float = 0.9, seed: int = 2026) -> None:
        self.level = level
        self.seed = seed

    @staticmethod
    def _fit_one(name: str, acv: Any) -> Candidate:
        family = _family(name)
        shape, _, scale = family.fit(acv, floc=0)
        log_l = float(np.sum(family.logpdf(acv, shape, loc=0, scale=scale)))
        mean = float(family.mean(shape, loc=0, scale=scale))
        return Candidate(name, float(shape), float(scale), log_l, 4.0 - 2.0 * log_l, mean)

    def fit(self, acv: Any) -> LandACVFitter:
        acv = np.asarray(acv, dtype=float)
        self.candidates_ = sorted((self._fit_one(n, acv) for n in CANDIDATES), key=lambda c: c.aic)
        self.best_ = self.candidates_[0]
        rng = np.random.default_rng(self.seed)
        means = [
            self._fit_one(self.best_.name, acv[rng.integers(0, len(acv), len(acv))]).mean
            for _ in range(BOOTSTRAP)
        ]
        self.means_ = np.asarray(means)
        tail = (1 - self.level) / 2
        low, high = np.quantile(self.means_, [tail, 1 - tail])
        self.mean_interval_ = (float(low), float(high))
        return self

    def mean_interval(self, level: float) -> tuple[float, float]:
        tail = (1 - level) / 2
        low, high = np.quantile(self.means_, [tail, 1 - tail])
        return float(low), float(high)
