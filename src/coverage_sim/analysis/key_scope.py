"""Which plans a varied key changes: world keys every plan, plan keys the plan varied.

A key under ``customers``, ``market``, ``company`` or ``valuation`` describes the world the
plans share (how customers respond to coverage, the market, the company's starting book,
how it is valued): a swept value of it is applied to the baseline too, so a point's Δ and
P(better) are what ``compare --set KEY=VALUE`` gives for the two plans. Every other key
(``budget``, ``allocation``, ``roles``, the budget-split paths ``allocation.<role>`` and
``post_sale_share``, ``name``, ``correlations``) describes the plan and changes the plan
varied only. ``--vary-plan-only`` treats every key as a plan key (docs/cli.md, "Which plans a
key changes").
"""

from __future__ import annotations

from collections.abc import Sequence

from coverage_sim.analysis.grid import Vary

WORLD_SECTIONS: tuple[str, ...] = ("customers", "market", "company", "valuation")
PLAN = "plan"
BASELINE = "baseline"


def is_world_key(vary: Vary) -> bool:
    """A ``--vary`` of a key that describes the world (not the plan)."""
    return vary.kind == "key" and str(vary.key[0]) in WORLD_SECTIONS


def world_varies(varies: Sequence[Vary], *, plan_only: bool) -> list[Vary]:
    """The varies applied to the baseline as well as the plan (none with ``plan_only``)."""
    return [] if plan_only else [v for v in varies if is_world_key(v)]


def changed_plans(varies: Sequence[Vary], *, plan_only: bool) -> tuple[str, ...]:
    """What every point of a sweep changes: ``("plan",)`` or ``("plan", "baseline")``."""
    return (PLAN, BASELINE) if world_varies(varies, plan_only=plan_only) else (PLAN,)
