"""``optimize --output best.yaml``: the winning split as a scenario that ``extends`` the input.

The file holds the ``--set`` overrides (as nested keys, which is what ``--set`` means:
a one-key file extending the scenario; an override through a list item ``[N]`` writes
its whole top-level key), the winning ``allocation`` with every share in full
precision (so ``run best.yaml`` at the search seed reproduces the search's figures),
and the searched budget if ``--vary-budget`` was given. Simulation settings are not
written: the file runs with the input's own.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml

from coverage_sim.analysis.optimize import OptimizeResult
from coverage_sim.scenario.extends import merge
from coverage_sim.scenario.overrides import apply_overrides
from coverage_sim.text import yaml_comment


def _nested(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    result: Any = value
    for key in reversed(path):
        result = {str(key): result}
    return dict(result)


def best_plan_yaml(result: OptimizeResult, output: Path) -> str:
    """The YAML text of the best plan, its ``extends`` relative to ``output``'s folder."""
    plan = result.plan
    best = result.best
    parent = os.path.relpath(plan.source.resolve(), output.resolve().parent)
    body: dict[str, Any] = {}
    for override in plan.overrides:
        if any(isinstance(part, int) for part in override.path):
            doc = copy.deepcopy(plan.document)
            apply_overrides(doc, plan.overrides)
            top = str(override.path[0])
            body = merge(body, {top: doc.data[top]})
        else:
            body = merge(body, _nested(override.path, override.value))
    shares = {role: float(share) for role, share in best.shares.items()}
    body["allocation"] = shares
    if plan.path is not None:  # --path: the schedule, its final point as found
        final = plan.path.written if best.month is None else best.month
        body["allocation"] = [*plan.path.kept, {"month": int(final), "shares": shares}]
    if plan.budget is not None and best.budget is not None:
        body = merge(body, {"budget": {plan.budget.key: float(best.budget)}})
    fresh = result.fresh.score
    header = [
        f"Written by coverage-sim optimize: the best split of {plan.scenario_name!r}",
        f"for {plan.objective.text}, found over {len(result.candidates)} evaluations",
        f"({plan.settings.trials} trials, seed {plan.settings.seed}, "
        f"{plan.settings.months} months); {plan.objective.text} = {best.score!r} at the search "
        f"seed, {fresh!r} at the fresh seed {result.fresh.seed}.",
        f"Check it with: coverage-sim validate {output.name}",
    ]
    document = {
        "extends": Path(parent).as_posix(),
        "name": f"{plan.scenario_name} (optimized for {plan.objective.text})",
        "description": f"Best split found by coverage-sim optimize for {plan.objective.text}",
        **body,
    }
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return "".join(yaml_comment(line) + "\n" for line in header) + text
