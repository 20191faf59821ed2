"""Seller productivity and the demand ceiling, from monthly new logos against ramped heads.

Model (the plan's land equation, docs/model.md §5): in month t, with ``R_t`` ramped land
heads (``L`` months earlier, the sales cycle), new logos are Poisson with mean

    linear:      mu_t = lambda R_t
    saturation:  mu_t = D (1 - exp(-lambda R_t / D))

``lambda`` is ``new_logos_per_month`` per ramped head and ``D`` is ``market.demand.
new_logos_per_month``, the most logos a month the market yields. Both are fitted by Poisson
maximum likelihood: the linear model by statsmodels' GLM (log link, offset log R; the
interval uses the Pearson scale when the counts are overdispersed), the saturation model
with ``scipy.optimize.minimize``. The interval for D is a profile-likelihood interval;
when the profile never falls far enough as D grows, the data cannot tell a ceiling from
linear growth and D has no upper bound (``high`` None).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import optimize, special, stats

_MAX_RATIO = 1e4  # D searched up to this many times the largest monthly count


def _loglik(y: Any, mu: Any) -> float:
    """Poisson log-likelihood sum(y log mu - mu - log y!)."""
    mu = np.maximum(mu, 1e-300)
    return float(np.sum(y * np.log(mu) - mu - special.gammaln(y + 1)))


def saturation_mean(lam: float, demand: float, ramped: Any) -> Any:
    """D (1 - e^(-lambda R / D)), computed stably for large D."""
    return -demand * np.expm1(-lam * np.asarray(ramped) / demand)


class LinearLogosFitter:
    """``lambda`` = logos per ramped head-month, Poisson GLM with offset log R."""

    def __init__(self, level: float = 0.9) -> None:
        self.level = level

    def fit(self, logos: Any, ramped: Any) -> LinearLogosFitter:
        import statsmodels.api as sm

        y = np.asarray(logos, dtype=float)
        r = np.asarray(ramped, dtype=float)
        model = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Poisson(), offset=np.log(r))
        result = model.fit()
        dispersion = float(result.pearson_chi2 / max(result.df_resid, 1))
        self.dispersion_ = dispersion
        if dispersion > 1:
            result = model.fit(scale=dispersion)
        low, high = result.conf_int(alpha=1 - self.level)[0]
        self.lambda_ = float(np.exp(result.params[0]))
        self.lambda_interval_ = (float(np.exp(low)), float(np.exp(high)))
        self.log_likelihood_ = _loglik(y, self.lambda_ * r)
        return self


class DemandFitter:
    """Saturating land: (lambda, D) by Poisson MLE, profile-likelihood interval for D."""

    lambda_: float
    demand_: float
    demand_interval_: tuple[float | None, float | None]
    lambda_interval_: tuple[float | None, float | None]

    def __init__(self, level: float = 0.9) -> None:
        self.level = level

    def _negative(self, logs: Any) -> float:
        mu = saturation_mean(float(np.exp(logs[0])), float(np.exp(logs[1])), self._r)
        return -_loglik(self._y, mu)

    def fit(self, logos: Any, ramped: Any, linear_lambda: float) -> DemandFitter:
        self._y = np.asarray(logos, dtype=float)
        self._r = np.asarray(ramped, dtype=float)
        self._cap = float(np.log(max(self._y.max(), 1.0) * _MAX_RATIO))
        best = None
        for ratio in (1.0, 2.0, 5.0, 50.0):
            start = np.log([linear_lambda * 1.2, max(self._y.max(), 1.0) * ratio])
            result = optimize.minimize(
                self._negative,
                start,
                method="Nelder-Mead",
                options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000},
            )
            if best is None or result.fun < best.fun:
                best = result
        assert best is not None
        self.lambda_, self.demand_ = (float(v) for v in np.exp(best.x))
        self.log_likelihood_ = -float(best.fun)
        self._lower = float(np.log(max(self._y.mean(), 1e-3) * 0.5))
        self.demand_interval_ = self._interval(1)
        self.lambda_interval_ = self._interval(0)
        return self

    def _profile(self, which: int, log_value: float) -> float:
        def negative(other: float) -> float:
            pair = (log_value, other) if which == 0 else (other, log_value)
            return self._negative(pair)

        bounds = (self._lower, self._cap + 1) if which == 0 else (-12.0, 6.0)
        result = optimize.minimize_scalar(negative, bounds=bounds, method="bounded")
        return -float(result.fun)

    def _interval(self, which: int) -> tuple[float | None, float | None]:
        drop = stats.chi2.ppf(self.level, 1) / 2.0
        centre = float(np.log(self.lambda_ if which == 0 else self.demand_))
        if which == 1:
            centre = min(centre, self._cap)

        def gap(log_value: float) -> float:
            return self.log_likelihood_ - self._profile(which, log_value) - drop

        ends: list[float | None] = []
        for direction in (-1.0, 1.0):
            inner, step, end = centre, 0.05, None
            limit = self._cap if which == 1 else centre + 6
            floor = self._lower if which == 1 else centre - 6
            while True:
                outer = inner + direction * step
                if outer > limit or outer < floor:
                    break
                if gap(outer) > 0:
                    end = float(np.exp(optimize.brentq(gap, inner, outer, xtol=1e-8)))
                    break
                inner, step = outer, step * 2
            ends.append(end)
        return ends[0], ends[1]

    @property
    def identified(self) -> bool:
        """True when the data bound D above (a ceiling, not linear growth)."""
        return self.demand_interval_[1] is not None
