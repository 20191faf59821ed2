"""``compare --pairwise``: P(row beats column) and Δ p50 (row - column) as text grids.

Table and Markdown print two grids under the verdict, one row and one column per plan in
the run's order (the baseline first); the diagonal is "—". JSON and CSV carry the same
figures unrounded (``json_out``, ``csv_out``).
"""

from __future__ import annotations

from coverage_sim.metrics.best import Pairwise
from coverage_sim.report import formatting as fmt

DIAGONAL = "—"


def pairwise_titles(matrix: Pairwise) -> tuple[str, str]:
    """The two grids' titles."""
    label = fmt.metric_label(matrix.metric)
    return (
        f"Pairwise on {label}: P(row beats column), paired trial by trial (ties count half)",
        f"Pairwise on {label}: Δ p50, the median of (row - column) over the paired trials",
    )


def pairwise_grids(matrix: Pairwise) -> tuple[list[list[str]], list[list[str]]]:
    """The P(beats) and Δ p50 grids as text: one row per plan, its name first."""
    probs, deltas = [], []
    for i, plan in enumerate(matrix.plans):
        p_row, d_row = [plan], [plan]
        for j in range(len(matrix.plans)):
            if i == j:
                p_row.append(DIAGONAL)
                d_row.append(DIAGONAL)
                continue
            p_row.append(fmt.probability(matrix.prob_beats[i][j]))
            d_row.append(fmt.metric_delta(matrix.metric, matrix.delta_p50[i][j]))
        probs.append(p_row)
        deltas.append(d_row)
    return probs, deltas
