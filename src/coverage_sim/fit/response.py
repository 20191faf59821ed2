"""Covered and uncovered rates by regression and standardisation (g-computation).

For an outcome y and coverage c in [0, 1] (1 = named post-sale coverage), a GLM is fitted
with statsmodels: ``raw`` on c alone, ``adjusted`` on c plus log(1 + ACV), tenure in years
and segment indicators. The covered rate is the model's prediction with every row's c set
to 1, averaged over the rows (weighted by exposure for a rate per ARR); the uncovered rate
the same with c = 0 (Robins 1986; Hernan & Robins, "Causal Inference: What If", ch. 13).
Intervals: the delta method with the GLM's covariance, on the logit (probabilities) or log
(rates) scale. This removes differences in ACV, tenure and segment only; whatever else made
an account covered (being at risk, being strategic) stays in the estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats


@dataclass(frozen=True)
class Contrast:
    """Standardised uncovered and covered rates with intervals, and their difference."""

    model: str  # raw | adjusted
    uncovered: tuple[float, float, float]  # value, low, high
    covered: tuple[float, float, float]
    difference: tuple[float, float, float]
    rows: int
    dispersion: float = 1.0  # Pearson chi2 / residual df of the GLM (about 1: fits as assumed)


def design(coverage: Any, covariates: Any | None) -> Any:
    """Columns: intercept, coverage, then the covariates (if any)."""
    columns = [np.ones(len(coverage)), np.asarray(coverage, dtype=float)]
    if covariates is not None and covariates.shape[1]:
        columns.extend(covariates.T)
    return np.column_stack(columns)


def covariate_matrix(acv: Any, tenure_months: Any, segments: list[str] | None) -> Any:
    """log(1 + ACV), tenure in years and one indicator per segment but the first
    (sorted); columns that do not vary are left out."""
    columns = [np.log1p(np.asarray(acv, dtype=float)), np.asarray(tenure_months) / 12.0]
    if segments is not None:
        levels = sorted(set(segments))
        seg = np.asarray(segments)
        columns += [(seg == level).astype(float) for level in levels[1:]]
    matrix = np.column_stack(columns)
    return matrix[:, matrix.std(axis=0) > 0]


class ResponseFitter:
    """One outcome's covered vs uncovered contrast: ``kind`` is ``probability`` (logit
    link, binomial) or ``rate`` (log link, quasi-Poisson with an exposure offset)."""

    def __init__(self, kind: str, level: float = 0.9) -> None:
        self.kind = kind
        self.level = level

    def fit(
        self,
        y: Any,
        coverage: Any,
        covariates: Any | None,
        *,
        exposure: Any | None = None,
        model: str = "adjusted",
    ) -> Contrast:
        import statsmodels.api as sm

        x = design(coverage, covariates)
        if self.kind == "probability" or exposure is None:
            family = sm.families.Binomial()
            offset = None
            weights = np.ones(len(y))
        else:
            family = sm.families.Poisson()
            offset = np.log(np.asarray(exposure, dtype=float))
            weights = np.asarray(exposure, dtype=float)
        glm = sm.GLM(np.asarray(y, dtype=float), x, family=family, offset=offset)
        result = glm.fit(scale="X2" if self.kind == "rate" else None)
        beta = np.asarray(result.params)
        cov = np.asarray(result.cov_params())
        ends = []
        grads = []
        for level_c in (0.0, 1.0):
            xc = x.copy()
            xc[:, 1] = level_c
            eta = xc @ beta
            if self.kind == "probability":
                mu = special.expit(eta)
                grad_mu = (mu * (1 - mu))[:, None] * xc
            else:
                mu = np.exp(eta)
                grad_mu = mu[:, None] * xc
            value = float(np.average(mu, weights=weights))
            grad = np.average(grad_mu, axis=0, weights=weights)
            ends.append(value)
            grads.append(grad)
        z = stats.norm.ppf(0.5 + self.level / 2)
        bounded = [self._interval(v, g, cov, z) for v, g in zip(ends, grads, strict=True)]
        diff_grad = grads[1] - grads[0]
        diff = ends[1] - ends[0]
        se = float(np.sqrt(max(diff_grad @ cov @ diff_grad, 0.0)))
        dispersion = float(result.pearson_chi2 / max(result.df_resid, 1))
        interval = (diff, diff - z * se, diff + z * se)
        return Contrast(model, bounded[0], bounded[1], interval, len(y), dispersion)

    def _interval(self, value: float, grad: Any, cov: Any, z: float) -> tuple[float, float, float]:
        se = float(np.sqrt(max(grad @ cov @ grad, 0.0)))
        if self.kind == "probability":
            value = min(max(value, 1e-12), 1 - 1e-12)
            centre, scale = special.logit(value), se / (value * (1 - value))
            return (
                value,
                float(special.expit(centre - z * scale)),
                float(special.expit(centre + z * scale)),
            )
        centre, scale = np.log(value), se / value
        return value, float(np.exp(centre - z * scale)), float(np.exp(centre + z * scale))
