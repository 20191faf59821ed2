"""What a fit returns: estimates with intervals, detail tables, notes and overlay keys.

The shape follows lifelines and statsmodels: a fitter's ``.fit()`` returns the fitter, and
its ``summary`` holds one row per estimate with ``value``, ``low`` and ``high``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Cell = str | float | int | None


@dataclass(frozen=True)
class Estimate:
    """One fitted quantity and its interval (``low``/``high`` None: not bounded by the data)."""

    name: str
    value: float
    low: float | None
    high: float | None
    unit: str = ""  # "rate", "money", "count", "" (a shape parameter)
    method: str = ""  # how the interval was computed

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "method": self.method}


@dataclass(frozen=True)
class Detail:
    """A table printed under the estimates: fitted vs observed survival, candidates, ..."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    rates: tuple[str, ...] = ()  # columns shown as percentages


@dataclass(frozen=True)
class OverlayKey:
    """One scenario key the overlay writes: its path, its value and the comment above it."""

    path: tuple[str, ...]
    value: Any
    comment: str


@dataclass
class FitSummary:
    """Everything one ``fit`` command found, for the renderers and the overlay writer."""

    kind: str  # retention | land | coverage
    files: list[str]
    rows_used: int
    level: float
    estimates: list[Estimate] = field(default_factory=list)
    details: list[Detail] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    overlay: list[OverlayKey] = field(default_factory=list)

    def estimate(self, name: str) -> Estimate:
        for item in self.estimates:
            if item.name == name:
                return item
        raise KeyError(name)


def interval_text(low: float, high: float, unit: str) -> str:
    """The scenario format's 90% shorthand ``"A to B"`` for a rate, money or a count."""
    return f"{_number(low, unit)} to {_number(high, unit)}"


def _number(value: float, unit: str) -> str:
    if unit == "rate":
        return f"{value * 100:.4g}%"
    if unit == "money":
        return f"{value:.6g}"
    return f"{value:.4g}"
