"""Motion paths: what each motion got, month by month, recorded and replayed (``explain``).

A run can keep, per trial x month, the land capacity (new logos a month the sellers can
work, before market demand and saturation), the adopt/expand/renew coverage ``c`` and the
coverage spend (total, land, post-sale and the parts the run-off value reads). A later run
of the same trials can read any of these paths from a kept run instead of computing its
own: the monthly loop's only special case is *whose* path a motion reads. Everything else
(the customer book, process noise, market demand, saturation, referrals) is computed as
usual, so replaying a run's own paths reproduces it exactly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from coverage_sim.compiled import FloatArray
from coverage_sim.engine.money import MonthSpend

# the paths, in the order explain attributes them
PATH_NAMES: tuple[str, ...] = ("land", "adopt", "expand", "renew", "spend")
# arrays that make up each path (spend: every field of ``MonthSpend``, its total and parts)
PATH_ARRAYS: dict[str, tuple[str, ...]] = {
    "land": ("land",),
    "adopt": ("adopt",),
    "expand": ("expand",),
    "renew": ("renew",),
    "spend": tuple(f"spend.{f.name}" for f in dataclasses.fields(MonthSpend)),
}

MotionPaths = Mapping[str, FloatArray]  # array name -> (trials, months)


class PathSwitch:
    """For one chunk of trials: keep this run's paths and/or read given ones instead."""

    def __init__(
        self,
        keep: dict[str, FloatArray] | None,
        replay: MotionPaths | None,
        trials: slice,
    ) -> None:
        self._keep = keep
        self._replay = replay or {}
        self._trials = trials

    def take(self, name: str, month: int, own: FloatArray) -> FloatArray:
        """The value ``name`` reads this month (kept if asked): a replayed path's, else ``own``."""
        given = self._replay.get(name)
        value = own if given is None else np.ascontiguousarray(given[self._trials, month - 1])
        if self._keep is not None:
            self._keep[name][self._trials, month - 1] = value
        return value

    def spend(self, month: int, own: MonthSpend) -> MonthSpend:
        """This month's coverage spend: a replayed spend path's, else ``own``."""
        return MonthSpend(
            **{
                f.name: self.take(f"spend.{f.name}", month, getattr(own, f.name))
                for f in dataclasses.fields(MonthSpend)
            }
        )


def empty_paths(trials: int, months: int) -> dict[str, FloatArray]:
    """Zeroed arrays for every path of a run to keep."""
    names = [a for p in PATH_NAMES for a in PATH_ARRAYS[p]]
    return {name: np.zeros((trials, months)) for name in names}


def check_replay(replay: MotionPaths, trials: int, months: int) -> None:
    """Replayed paths must be known names with one value per trial x month."""
    known = {a for p in PATH_NAMES for a in PATH_ARRAYS[p]}
    for name, path in replay.items():
        if name not in known:
            raise ValueError(f"unknown motion path {name!r}; expected one of {sorted(known)}")
        if np.shape(path) != (trials, months):
            raise ValueError(
                f"motion path {name!r} has shape {np.shape(path)}; expected ({trials}, {months})"
            )
