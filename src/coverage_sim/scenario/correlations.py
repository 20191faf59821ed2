"""Correlated inputs (the ``correlations:`` block): Iman-Conover on the per-trial uniforms.

Each uncertain input is drawn from its own uniforms (``sampling.uniforms``, keyed by seed
and path). The inputs named in ``correlations`` have their uniforms rearranged by the
Iman-Conover method (Iman & Conover 1982) so that their Spearman rank correlations reach
the targets; a rearrangement is a permutation, so every input's marginal (and, with LHS,
its strata) is unchanged:

1. van der Waerden scores ``x_ij = Phi^-1(r_ij / (n + 1))``, ``r_ij`` the rank of trial
   ``i``'s uniform of input ``j`` (so the scores start in the draws' own order);
2. the target rank correlation ``rho`` becomes a Pearson correlation of normal scores,
   ``2 sin(pi rho / 6)`` (the normal-copula relation: Iman-Conover matches Pearson on the
   scores, and this makes the *rank* correlation of the result hit ``rho``);
3. ``S = X (Q^-1)^T P^T`` with ``Q Q^T`` = the scores' sample correlation (Cholesky) and
   ``P P^T`` = the target (symmetric square root: it may be singular, e.g. ``rho = 1``);
4. each input's uniforms are put in the rank order of its column of ``S``.

A target matrix that is not positive semi-definite is repaired to the nearest correlation
matrix (Higham 2002, alternating projections), and ``correlation_warnings`` names the
pairs that moved. Everything is a deterministic function of the uniforms: two scenarios
with the same correlations and seed get the same draws (common random numbers). The
prefix property (the first ``n`` trials equal an ``n``-trial run) does not hold for
correlated inputs: the rearrangement looks at all trials.

A coverage pair's two ends share one uniform (``customers.renewal.adopted`` for both
``.uncovered`` and ``.covered``), so naming either end, or the pair, correlates the pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from coverage_sim.compiled import FloatArray
from coverage_sim.errors import ScenarioIssue
from coverage_sim.scenario.customer_models import PerYearPair, RatePair
from coverage_sim.scenario.distributions import is_uncertain
from coverage_sim.scenario.issues import did_you_mean, locate_rule
from coverage_sim.scenario.models import Scenario
from coverage_sim.scenario.yaml_loader import YamlDocument, dotted

_PSD_TOLERANCE = 1e-10
_REPORT_CHANGE = 0.005  # a repaired pair is named when it moves by more than this


def input_keys(scenario: Scenario) -> tuple[dict[str, str], set[str]]:
    """Every numeric input's key path -> the key of the uniforms behind it, and the set of
    paths that are uncertain (a distribution or an interval, not a fixed number).

    A coverage pair ``p`` maps ``p``, ``p.uncovered`` and ``p.covered`` to ``p``.
    """
    keys: dict[str, str] = {}
    uncertain: set[str] = set()

    def walk(node: Any, path: str) -> None:
        if isinstance(node, (RatePair, PerYearPair)):
            ends = [node.uncovered, node.covered]
            keys[path] = path
            if any(is_uncertain(end) for end in ends):
                uncertain.add(path)
            for name, end in zip(("uncovered", "covered"), ends, strict=True):
                keys[f"{path}.{name}"] = path
                if is_uncertain(end):
                    uncertain.add(f"{path}.{name}")
            if node.response is not None:
                walk(node.response, f"{path}.response")
            return
        if isinstance(node, float) or is_uncertain(node):
            keys[path] = path
            if is_uncertain(node):
                uncertain.add(path)
            return
        if isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name), f"{path}.{name}" if path else name)
        elif isinstance(node, dict):
            for name, value in node.items():
                walk(value, f"{path}.{name}")

    for name in ("company", "market", "budget", "roles", "customers", "valuation"):
        walk(getattr(scenario, name), name)
    return keys, uncertain


def check_correlations(scenario: Scenario, doc: YamlDocument) -> list[ScenarioIssue]:
    """Each ``between`` names two different uncertain inputs; each pair appears once."""
    keys, uncertain = input_keys(scenario)
    issues: list[ScenarioIssue] = []

    def issue(path: tuple[str | int, ...], message: str) -> None:
        where = locate_rule(doc, path)
        issues.append(ScenarioIssue(where.file, dotted(path), message, where.line, where.column))

    seen: dict[frozenset[str], int] = {}
    for index, item in enumerate(scenario.correlations):
        resolved: list[str] = []
        for side, name in enumerate(item.between):
            at = ("correlations", index, "between", side)
            if name not in keys:
                issue(
                    at, f"{name!r} is not an input of this scenario" + did_you_mean(name, [*keys])
                )
            elif not any(p == name or keys[p] == keys[name] for p in uncertain):
                issue(
                    at,
                    f"{name!r} is a fixed number; a correlation needs an uncertain input "
                    '(a distribution or an "A to B" interval)',
                )
            else:
                resolved.append(keys[name])
        if len(resolved) != 2:
            continue
        if resolved[0] == resolved[1]:
            issue(
                ("correlations", index, "between"),
                f"both ends name the same input ({resolved[0]}; a coverage pair's two ends "
                "share one draw)",
            )
            continue
        pair = frozenset(resolved)
        if pair in seen:
            issue(
                ("correlations", index),
                f"{resolved[0]} and {resolved[1]} are already correlated in "
                f"correlations[{seen[pair]}]",
            )
        seen.setdefault(pair, index)
    return issues


@dataclass(frozen=True)
class CorrelationPlan:
    """The uniform keys to correlate and the target rank correlation matrix (repaired)."""

    keys: tuple[str, ...]
    requested: FloatArray  # Spearman, as written (1 on the diagonal, 0 where unnamed)
    target: FloatArray  # Spearman after any repair

    def changed_pairs(self) -> list[tuple[str, str, float, float]]:
        moved = []
        for i in range(len(self.keys)):
            for j in range(i + 1, len(self.keys)):
                before, after = self.requested[i, j], self.target[i, j]
                if abs(after - before) > _REPORT_CHANGE:
                    moved.append((self.keys[i], self.keys[j], float(before), float(after)))
        return moved


def correlation_plan(scenario: Scenario) -> CorrelationPlan | None:
    """The scenario's correlations as a matrix over the inputs they name (None if none)."""
    if not scenario.correlations:
        return None
    keys, _ = input_keys(scenario)
    order: list[str] = []
    for item in scenario.correlations:
        for name in item.between:
            key = keys.get(name, name)
            if key not in order:
                order.append(key)
    requested = np.eye(len(order))
    for item in scenario.correlations:
        i, j = (order.index(keys.get(name, name)) for name in item.between)
        requested[i, j] = requested[j, i] = item.rank
    pearson = nearest_correlation(_spearman_to_pearson(requested))
    target = _pearson_to_spearman(pearson)
    np.fill_diagonal(target, 1.0)
    return CorrelationPlan(tuple(order), requested, target)


def correlation_warnings(scenario: Scenario) -> list[str]:
    """One warning when the correlations had to be repaired, naming the pairs that moved."""
    plan = correlation_plan(scenario)
    moved = [] if plan is None else plan.changed_pairs()
    if not moved:
        return []
    where = f"{scenario.source}: " if scenario.source is not None else ""
    pairs = "; ".join(f"{a} ~ {b}: {before:g} -> {after:.3f}" for a, b, before, after in moved)
    return [
        f"{where}correlations are not consistent with each other (the matrix is not positive "
        f"semi-definite); using the nearest valid correlation matrix: {pairs}"
    ]


def _spearman_to_pearson(rho: FloatArray) -> FloatArray:
    return np.asarray(2.0 * np.sin(np.pi * rho / 6.0))


def _pearson_to_spearman(r: FloatArray) -> FloatArray:
    return np.asarray(6.0 / np.pi * np.arcsin(np.clip(r, -1.0, 1.0) / 2.0))


def nearest_correlation(matrix: FloatArray, *, iterations: int = 200) -> FloatArray:
    """The nearest correlation matrix in the Frobenius norm (Higham 2002: alternating
    projections onto the PSD cone and the unit-diagonal set, with Dykstra's correction).
    A matrix that is already positive semi-definite is returned unchanged."""
    a = np.array(matrix, dtype=np.float64)
    if np.linalg.eigvalsh(a).min() >= -_PSD_TOLERANCE:
        return a
    y = a.copy()
    correction = np.zeros_like(a)
    for _ in range(iterations):
        r = y - correction
        values, vectors = np.linalg.eigh(r)
        x = (vectors * np.maximum(values, 0.0)) @ vectors.T
        correction = x - r
        y = x.copy()
        np.fill_diagonal(y, 1.0)
        if np.linalg.eigvalsh(y).min() >= -_PSD_TOLERANCE:
            break
    values, vectors = np.linalg.eigh((y + y.T) / 2.0)
    y = (vectors * np.maximum(values, 0.0)) @ vectors.T
    scale = np.sqrt(np.diag(y))
    y = y / np.outer(scale, scale)
    np.fill_diagonal(y, 1.0)
    return np.asarray(y)


def _square_root(matrix: FloatArray) -> FloatArray:
    """``P`` with ``P P^T = matrix`` (symmetric square root; works when it is singular)."""
    values, vectors = np.linalg.eigh(matrix)
    return np.asarray(vectors * np.sqrt(np.maximum(values, 0.0)))


def iman_conover(u: FloatArray, rank_correlation: FloatArray) -> FloatArray:
    """Rearrange each column of ``u`` (trials x inputs) so that the columns' Spearman rank
    correlations approach ``rank_correlation``; each column keeps its values."""
    from scipy import linalg, special, stats  # here: scipy.stats costs ~1 s to import

    n, k = u.shape
    if n < k + 2:  # too few trials to correlate: nothing to rearrange meaningfully
        return u.copy()
    ranks = stats.rankdata(u, axis=0, method="ordinal")
    scores = special.ndtri(ranks / (n + 1.0))
    sample = np.corrcoef(scores, rowvar=False)
    try:
        q = linalg.cholesky(sample, lower=True)
    except linalg.LinAlgError:
        q = np.eye(k)
    target = nearest_correlation(_spearman_to_pearson(rank_correlation))
    arranged = scores @ linalg.inv(q).T @ _square_root(target).T
    out = np.empty_like(u)
    for j in range(k):
        order = stats.rankdata(arranged[:, j], method="ordinal").astype(np.int64) - 1
        out[:, j] = np.sort(u[:, j])[order]
    return out
