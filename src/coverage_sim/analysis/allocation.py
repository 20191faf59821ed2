"""Budget-split paths of ``sweep`` and the split searched by ``optimize``.

- ``allocation.<role>=V`` sets that role's share to V and rescales the other roles in
  proportion to their current shares, so the shares still sum to 1.
- ``post_sale_share=V`` sets the total share of the post-sale roles (roles whose
  ``motions`` have no ``land`` weight) to V, keeping their mix, and gives ``1 - V`` to the
  land roles in their current proportions.

A time-phased allocation (a list of ``{month, shares}`` points, a schedule) is changed
point by point for ``allocation.<role>``: every point gets the same rule, so the role's
share is V at every month and the rest of each point's mix is kept. ``post_sale_share``
moves the schedule's **final** point only and keeps the others (where the plan starts and
how it gets there), so a sweep of it searches the schedule's target; ``ramp_months=M``
(``with_ramp_month``) moves the final point's month. A value equal to the current share
leaves the shares exactly as written (so such a sweep point equals the plan itself).
"""

from __future__ import annotations

from typing import Any

from coverage_sim.errors import UsageError
from coverage_sim.scenario import Scenario

EXACT = 1e-12  # a requested share this close to the current one changes nothing


def allocation_data(scenario: Scenario) -> dict[str, float] | list[dict[str, Any]]:
    """The scenario's allocation as plain data (shares as fractions), ready to override."""
    allocation = scenario.allocation
    if isinstance(allocation, dict):
        return dict(allocation)
    return [{"month": point.month, "shares": dict(point.shares)} for point in allocation]


def post_sale_roles(scenario: Scenario) -> list[str]:
    """Roles with no land weight (their effort is all adopt/expand/renew)."""
    return [name for name, role in scenario.roles.items() if role.motions.land == 0]


def _each_point(
    allocation: dict[str, float] | list[dict[str, Any]], change: Any
) -> dict[str, float] | list[dict[str, Any]]:
    if isinstance(allocation, dict):
        return change(allocation)
    return [{"month": p["month"], "shares": change(p["shares"])} for p in allocation]


def _scaled(
    shares: dict[str, float], names: list[str], total: float, what: str
) -> dict[str, float]:
    """``names``' shares scaled in proportion so that they sum to ``total``."""
    current = sum(shares[name] for name in names)
    if abs(current - total) <= EXACT:
        return {name: shares[name] for name in names}
    if current <= 0:
        if total <= EXACT:
            return {name: 0.0 for name in names}
        raise UsageError(
            f"{what}: the other roles have no share to scale up ({', '.join(names) or 'none'})"
        )
    return {name: shares[name] * total / current for name in names}


def with_role_shares(
    allocation: dict[str, float] | list[dict[str, Any]],
    fixed: dict[str, float],
    what: str,
) -> dict[str, float] | list[dict[str, Any]]:
    """Every role of ``fixed`` at its value; the roles not named rescaled in proportion to
    take ``1 - sum(fixed)`` (every phased point). Two ``--vary allocation.<role>`` of one
    sweep set both roles this way, so each point runs exactly the shares it is labelled."""
    total = sum(fixed.values())
    if total > 1.0 + EXACT:
        named = ", ".join(f"{name} {value:.4g}" for name, value in fixed.items())
        raise UsageError(f"{what}: the named shares add up to more than 100% ({named})")

    def change(shares: dict[str, float]) -> dict[str, float]:
        if all(abs(shares[name] - value) <= EXACT for name, value in fixed.items()):
            return dict(shares)
        others = [name for name in shares if name not in fixed]
        if not others and abs(total - 1.0) > EXACT:
            raise UsageError(
                f"{what}: every role is named and the shares add up to {total:.4g}, not 100%"
            )
        scaled = _scaled(shares, others, 1.0 - total, what)
        return {name: fixed.get(name, scaled.get(name, 0.0)) for name in shares}

    return _each_point(allocation, change)


def with_post_sale_share(
    allocation: dict[str, float] | list[dict[str, Any]],
    post_sale: list[str],
    value: float,
    what: str,
) -> dict[str, float] | list[dict[str, Any]]:
    """Post-sale roles' total at ``value`` (their mix kept), land roles get the rest."""

    def change(shares: dict[str, float]) -> dict[str, float]:
        post = [name for name in shares if name in post_sale]
        land = [name for name in shares if name not in post_sale]
        if not post:
            raise UsageError(f"{what}: the scenario has no post-sale role (one without land)")
        if not land and abs(value - 1.0) > EXACT:
            raise UsageError(f"{what}: the scenario has no land role to take the rest")
        scaled = _scaled(shares, post, value, what) | _scaled(shares, land, 1.0 - value, what)
        return {name: scaled[name] for name in shares}

    if isinstance(allocation, dict):
        return change(allocation)
    *kept, last = allocation
    return [*kept, {"month": last["month"], "shares": change(last["shares"])}]


def with_ramp_month(
    allocation: dict[str, float] | list[dict[str, Any]], month: float, what: str
) -> list[dict[str, Any]]:
    """The schedule with its final point at ``month`` (every earlier point kept)."""
    if isinstance(allocation, dict) or len(allocation) < 2:
        raise UsageError(
            f"{what}: ramp_months moves the final point of a time-phased allocation (a list "
            "of {month, shares} points); this plan's allocation is constant"
        )
    *kept, last = allocation
    if month <= kept[-1]["month"]:
        raise UsageError(
            f"{what}: the final point must come after the one before it (month "
            f"{kept[-1]['month']:g}); got month {month:g}"
        )
    return [*kept, {"month": month, "shares": dict(last["shares"])}]


def check_share(value: float, what: str) -> float:
    """A share must be a fraction from 0 to 1."""
    if not 0.0 <= value <= 1.0:
        raise UsageError(f"{what}: a share must be from 0% to 100%; got {value:.6g}")
    return value
