"""The shifted-beta-geometric (sBG) model of contractual retention.

Fader, P. S. & Hardie, B. G. S. (2007), "How to Project Customer Retention", Journal of
Interactive Marketing 21(1), 76-90. Each customer churns at the end of a period with a
constant probability theta, and theta varies across customers as Beta(alpha, beta):

    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta),   t = 1, 2, ...
    S(t)     = B(alpha, beta + t) / B(alpha, beta)
    r(t)     = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)

so retention rises with tenure: the customers likely to leave leave first. The
likelihood of right-censored data is sum_t lost_t log P(T = t) + sum_t kept_t log S(t),
where ``kept_t`` customers were last seen alive after t periods. It is maximised with
``scipy.optimize.minimize`` on (log alpha, log beta); intervals are profile-likelihood
intervals (Wilks: 2 (l_max - l_profile) <= chi2_1 quantile), found with ``brentq``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, special, stats

from coverage_sim.fit.result import Estimate

_LOG_BOUND = 12.0  # alpha, beta searched in [e^-12, e^12]


def log_survival(alpha: Any, beta: Any, t: Any) -> Any:
    """log S(t) = log B(alpha, beta + t) - log B(alpha, beta); t may be fractional."""
    return special.betaln(alpha, beta + np.asarray(t, dtype=float)) - special.betaln(alpha, beta)


def survival(alpha: Any, beta: Any, t: Any) -> Any:
    """S(t): the share of a cohort still a customer after t periods."""
    return np.exp(log_survival(alpha, beta, t))


def retention(alpha: float, beta: float, t: Any) -> Any:
    """r(t) = (beta + t - 1) / (alpha + beta + t - 1): retention in period t (t >= 1)."""
    t = np.asarray(t, dtype=float)
    return (beta + t - 1) / (alpha + beta + t - 1)


@dataclass(frozen=True)
class Lifetimes:
    """Right-censored lifetimes, aggregated: ``lost[t]`` customers churned in period t
    (t = 1..T; index 0 unused) and ``kept[t]`` were last seen alive after t periods."""

    lost: Any
    kept: Any

    @classmethod
    def from_survivors(cls, survivors: Any) -> Lifetimes:
        """One cohort's survivors at periods 0..T (e.g. 1000, 631, 468, ...), censored at T."""
        alive = np.asarray(survivors, dtype=float)
        lost = np.zeros(len(alive))
        lost[1:] = alive[:-1] - alive[1:]
        kept = np.zeros(len(alive))
        kept[-1] = alive[-1]
        return cls(lost, kept)

    @property
    def customers(self) -> int:
        return int(self.lost.sum() + self.kept.sum())

    def at_risk(self) -> Any:
        """Customers observed at the start of period t (t = 1..T), index 0 = all."""
        total = self.lost + self.kept
        return np.cumsum(total[::-1])[::-1]

    def observed_survival(self) -> Any:
        """Kaplan-Meier survival after t periods (index t = 0..T)."""
        risk = self.at_risk()
        out = np.ones(len(self.lost))
        for t in range(1, len(self.lost)):
            share = 1.0 - self.lost[t] / risk[t] if risk[t] > 0 else 1.0
            out[t] = out[t - 1] * share
        return out


class SBGFitter:
    """Maximum-likelihood sBG fit with profile-likelihood intervals.

    >>> fitter = SBGFitter().fit(Lifetimes.from_survivors([1000, 631, 468, 382, 326]))
    >>> [(row.name, round(row.value, 3)) for row in fitter.summary]  # doctest: +SKIP
    """

    alpha_: float
    beta_: float
    log_likelihood_: float
    alpha_interval_: tuple[float | None, float | None]
    beta_interval_: tuple[float | None, float | None]

    def __init__(self, level: float = 0.9) -> None:
        self.level = level
        self._data: Lifetimes | None = None

    def log_likelihood(self, alpha: float, beta: float) -> float:
        """The censored sBG log-likelihood of the fitted data at (alpha, beta)."""
        data = self._require()
        t = np.arange(len(data.lost), dtype=float)
        base = special.betaln(alpha, beta)
        lost = data.lost[1:] @ (special.betaln(alpha + 1, beta + t[1:] - 1) - base)
        kept = data.kept @ (special.betaln(alpha, beta + t) - base)
        return float(lost + kept)

    def _require(self) -> Lifetimes:
        if self._data is None:
            raise RuntimeError("call fit() first")
        return self._data

    def _negative(self, logs: Any) -> float:
        value = -self.log_likelihood(float(np.exp(logs[0])), float(np.exp(logs[1])))
        return value if np.isfinite(value) else 1e300

    def _negative_and_gradient(self, logs: Any) -> tuple[float, Any]:
        """-l and its gradient in (log alpha, log beta), from d/dx log B(x, y) =
        digamma(x) - digamma(x + y)."""
        data = self._require()
        logs = np.clip(logs, -_LOG_BOUND, _LOG_BOUND)
        a, b = float(np.exp(logs[0])), float(np.exp(logs[1]))
        t = np.arange(len(data.lost), dtype=float)
        psi_ab = special.digamma(a + b)
        base_a, base_b = special.digamma(a) - psi_ab, special.digamma(b) - psi_ab
        # churn in period t: log B(a + 1, b + t - 1) - log B(a, b)
        x, y = a + 1, b + t[1:] - 1
        psi_xy = special.digamma(x + y)
        lost = data.lost[1:]
        grad_a = lost @ (special.digamma(x) - psi_xy - base_a)
        grad_b = lost @ (special.digamma(y) - psi_xy - base_b)
        # still alive after t periods: log B(a, b + t) - log B(a, b)
        y2 = b + t
        psi2 = special.digamma(a + y2)
        grad_a += data.kept @ (special.digamma(a) - psi2 - base_a)
        grad_b += data.kept @ (special.digamma(y2) - psi2 - base_b)
        value = -self.log_likelihood(a, b)
        if not np.isfinite(value):
            return 1e300, np.zeros(2)
        return value, -np.array([grad_a * a, grad_b * b])

    def fit(self, data: Lifetimes, *, intervals: bool = True) -> SBGFitter:
        """Fit (alpha, beta) to ``data``; ``intervals=False`` skips the profile intervals."""
        self._data = data
        best = None
        for start in ((0.0, 0.0), (-1.0, 2.0)):
            result = optimize.minimize(
                self._negative_and_gradient,
                np.array(start),
                jac=True,
                method="BFGS",
                options={"gtol": 1e-9},
            )
            if best is None or result.fun < best.fun:
                best = result
            if result.success and np.all(np.abs(result.x) < _LOG_BOUND):
                break  # an interior optimum: the likelihood has one (log-concave in practice)
        assert best is not None
        self.alpha_, self.beta_ = (
            float(v) for v in np.exp(np.clip(best.x, -_LOG_BOUND, _LOG_BOUND))
        )
        self.log_likelihood_ = -float(best.fun)
        if intervals:
            self.alpha_interval_ = self._profile_interval(0)
            self.beta_interval_ = self._profile_interval(1)
        return self

    def _profile(self, which: int, log_value: float) -> float:
        """max over the other parameter of the log-likelihood, with this one fixed."""

        def negative(other: float) -> float:
            pair = (log_value, other) if which == 0 else (other, log_value)
            return self._negative(pair)

        result = optimize.minimize_scalar(
            negative,
            bounds=(-_LOG_BOUND, _LOG_BOUND),
            method="bounded",
            options={"xatol": 1e-5},
        )
        return -float(result.fun)

    def _profile_interval(self, which: int) -> tuple[float | None, float | None]:
        """Where the profile log-likelihood falls chi2_1(level)/2 below its maximum."""
        drop = stats.chi2.ppf(self.level, 1) / 2.0
        centre = float(np.log(self.alpha_ if which == 0 else self.beta_))

        def gap(log_value: float) -> float:
            return self.log_likelihood_ - self._profile(which, log_value) - drop

        ends: list[float | None] = []
        for direction in (-1.0, 1.0):
            step, inner = 0.05, centre
            end: float | None = None
            while abs(inner + direction * step - centre) <= 2 * _LOG_BOUND:
                outer = inner + direction * step
                if abs(outer) > _LOG_BOUND:
                    break
                if gap(outer) > 0:
                    end = float(np.exp(optimize.brentq(gap, inner, outer, xtol=1e-6)))
                    break
                inner, step = outer, step * 2
            ends.append(end)
        return ends[0], ends[1]

    @property
    def summary(self) -> list[Estimate]:
        """One row per parameter: value, low, high (profile likelihood at ``level``)."""
        method = f"profile likelihood, {self.level:.0%}"
        return [
            Estimate("alpha", self.alpha_, *self.alpha_interval_, method=method),
            Estimate("beta", self.beta_, *self.beta_interval_, method=method),
        ]

    def covariance_draws(self, draws: int, seed: int) -> Any:
        """``draws`` (alpha, beta) pairs from the normal approximation of the likelihood on
        the log scale (Hessian by statsmodels' numerical differentiation), for intervals
        of quantities derived from both parameters."""
        from statsmodels.tools.numdiff import approx_hess3

        centre = np.log([self.alpha_, self.beta_])
        hessian = approx_hess3(centre, self._negative)
        try:
            cov = np.linalg.inv(hessian)
            np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            cov = np.diag([1e-12, 1e-12])
        rng = np.random.default_rng(seed)
        return np.exp(rng.multivariate_normal(centre, cov, size=draws, method="cholesky"))
