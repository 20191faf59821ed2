"""What the API functions take: scenario files or loaded plans, and ``--set`` overrides.

A loaded :class:`Plan` remembers its file and the overrides it was loaded with, so that
``compare(load(a), load(b))`` runs exactly what ``coverage-sim compare a b`` runs. Nothing
here reads argv, the environment or the terminal.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from coverage_sim.errors import CoverageSimWarning, UsageError

if TYPE_CHECKING:
    from coverage_sim.analysis.paired import Question
    from coverage_sim.execution import Executor
    from coverage_sim.scenario import Scenario
    from coverage_sim.scenario.overrides import Override

OverrideValue: TypeAlias = str | int | float
#: ``{"budget.annual": "30M"}`` or ``["budget.annual=30M"]``: what ``--set`` takes.
Overrides: TypeAlias = Mapping[str, OverrideValue] | Sequence[str] | None


@dataclass(frozen=True, eq=False)  # compared and hashed by identity (a Scenario is unhashable)
class Plan:
    """A scenario file, loaded and validated (``extends`` merged, overrides applied).

    Attributes
    ----------
    path : pathlib.Path
        The file, as given.
    overrides : tuple of str
        The ``PATH=VALUE`` overrides it was loaded with, in order.
    scenario : coverage_sim.scenario.Scenario
        The validated scenario (a pydantic model: ``plan.scenario.budget``, ``.roles``...).
    """

    path: Path
    overrides: tuple[str, ...]
    scenario: Scenario

    @property
    def name(self) -> str:
        """The scenario's ``name:``."""
        return self.scenario.name

    def __repr__(self) -> str:
        extra = f", overrides={list(self.overrides)!r}" if self.overrides else ""
        return f"Plan({self.name!r}, path={self.path.as_posix()!r}{extra})"


PlanLike: TypeAlias = str | os.PathLike[str] | Plan


def override_texts(overrides: Overrides) -> tuple[str, ...]:
    """Overrides as the ``PATH=VALUE`` texts ``--set`` takes, in order."""
    if overrides is None:
        return ()
    if isinstance(overrides, str):
        return (overrides,)
    if isinstance(overrides, Mapping):
        return tuple(f"{key}={_value_text(value)}" for key, value in overrides.items())
    return tuple(str(text) for text in overrides)


def _value_text(value: OverrideValue) -> str:
    if isinstance(value, bool):
        raise UsageError(f"--set value {value!r}: give a number or a text such as '30M'")
    return value if isinstance(value, str) else repr(value)


def parsed(texts: Iterable[str]) -> list[Override]:
    from coverage_sim.scenario.overrides import parse_overrides

    return parse_overrides(list(texts))


def load(path: str | os.PathLike[str], *, overrides: Overrides = None) -> Plan:
    """Load and validate one scenario file, as ``coverage-sim validate`` does.

    Parameters
    ----------
    path : str or path-like
        A scenario YAML file.
    overrides : mapping or sequence of str, optional
        Keys to override, as ``--set`` does: ``{"budget.annual": "30M"}``. A loaded plan
        keeps them and every function it is passed to applies them again.

    Returns
    -------
    Plan

    Raises
    ------
    ScenarioError
        The file is missing or invalid; ``.file``, ``.line`` and ``.key`` say where.
    UsageError
        An override is malformed.
    """
    from coverage_sim.scenario import load_scenario

    texts = override_texts(overrides)
    file = Path(path)
    return Plan(file, texts, load_scenario(file, parsed(texts)))


def as_path(item: PlanLike) -> Path:
    return item.path if isinstance(item, Plan) else Path(item)


def as_list(items: PlanLike | Sequence[PlanLike]) -> list[PlanLike]:
    if isinstance(items, (str, os.PathLike, Plan)):
        return [items]
    return list(items)


def resolve(
    items: Sequence[PlanLike | None], overrides: Overrides
) -> tuple[list[Path | None], list[Override]]:
    """The files of ``items`` and the overrides to apply to every one of them.

    A loaded plan's own overrides come first, then the call's ``overrides``. Like ``--set``,
    they apply to every plan of a run, so plans loaded with different overrides (or mixed
    with plain paths) are refused rather than silently given each other's.
    """
    own = {item.overrides for item in items if isinstance(item, Plan)}
    plain = any(item is not None and not isinstance(item, Plan) for item in items)
    if len(own) > 1 or (own and plain and own != {()}):
        raise UsageError(
            "the plans were loaded with different overrides; overrides apply to every plan "
            "of a run (as --set does): load them without, and give overrides= to this call"
        )
    first = next(iter(own), ())
    paths = [None if item is None else as_path(item) for item in items]
    return paths, parsed([*first, *override_texts(overrides)])


def tell(messages: Iterable[str]) -> None:
    """What the CLI prints as warnings, as ``CoverageSimWarning``."""
    for message in messages:
        warnings.warn(message, CoverageSimWarning, stacklevel=3)


def executor_for(workers: int | None, scheduler: str | None) -> AbstractContextManager[Executor]:
    """``runner.open_executor``, its warnings as ``CoverageSimWarning``."""
    from coverage_sim.runner import open_executor

    return open_executor(workers, scheduler, on_warning=lambda message: tell([message]))


@dataclass(frozen=True)
class Settings:
    """``--trials``, ``--seed``, ``--months``, ``--sampling`` (``None``: the file's)."""

    trials: int | None
    seed: int | None
    months: int | None
    sampling: str | None


def paired_question(
    plan: PlanLike,
    baseline: PlanLike | None,
    metric: str,
    settings: Settings,
    overrides: Overrides,
    command: str,
) -> Question:
    """What ``sensitivity`` and ``explain`` analyse: the plan (and baseline), compiled."""
    from coverage_sim.analysis.paired import load_question

    (path, base), sets = resolve([plan, baseline], overrides)
    assert path is not None
    question = load_question(
        path,
        metric=metric,
        baseline=base,
        trials=settings.trials,
        seed=settings.seed,
        months=settings.months,
        sampling=settings.sampling,
        overrides=sets,
        command=command,
    )
    tell(question.warnings)
    return question


def vary_texts(vary: str | Sequence[str] | Mapping[str, str | Sequence[str | float]]) -> list[str]:
    """``--vary`` texts: ``{"post_sale_share": ["10%", "20%"]}`` -> ``post_sale_share=10%,20%``."""
    if isinstance(vary, str):
        return [vary]
    if isinstance(vary, Mapping):
        return [
            f"{key}={values if isinstance(values, str) else ','.join(map(str, values))}"
            for key, values in vary.items()
        ]
    return list(vary)


def bound_texts(bounds: Mapping[str, str | float] | Sequence[str] | None) -> list[str]:
    """``--min`` / ``--max`` texts: ``{"customer_success_manager": "10%"}`` -> ``ROLE=10%``."""
    if bounds is None:
        return []
    if isinstance(bounds, Mapping):
        return [f"{role}={share}" for role, share in bounds.items()]
    return list(bounds)
