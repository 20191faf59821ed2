"""``--vary PATH=VALUES``: the values of one swept key (docs/cli.md, "sweep").

VALUES is a comma-separated list in the scenario grammar (``5%,10%,20%``; commas inside
``{...}``, ``[...]`` or quotes do not split) or an inclusive range ``FROM:TO:COUNT`` of
COUNT evenly spaced numbers (``10%:40%:7``). PATH is a key path as ``--set`` takes it, or
one of the budget-split paths ``allocation.<role>`` and ``post_sale_share``
(``analysis.allocation``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from coverage_sim.errors import ScenarioError, UsageError
from coverage_sim.scenario import parse_number
from coverage_sim.scenario.overrides import parse_key_path
from coverage_sim.scenario.yaml_loader import KeyPath, load_yaml_value

MAX_COUNT = 1_000
VARY_FORMS = "PATH=VALUES with VALUES a list (5%,10%,20%) or a range FROM:TO:COUNT (10%:40%:7)"
_RANGE = re.compile(r"^(?P<start>[^:,{}\[\]]+):(?P<stop>[^:,{}\[\]]+):(?P<count>[^:,{}\[\]]+)$")


@dataclass(frozen=True)
class Vary:
    """One ``--vary``: what it changes and its values, labels (as shown) and numbers."""

    text: str
    path: str  # as typed: budget.annual, allocation.account_executive, post_sale_share
    kind: str  # "key", "role", "post_sale" or "ramp" (ramp_months)
    key: KeyPath
    values: tuple[Any, ...]
    labels: tuple[str, ...]
    numbers: tuple[float | None, ...]  # None where a value is not a number
    ends: tuple[str, ...] = ()  # a range's FROM and TO as typed (their unit is checked)

    @property
    def role(self) -> str:
        return str(self.key[1]) if self.kind == "role" else ""

    @property
    def source(self) -> str:
        return f"--vary {self.text}"

    def shown(self, number: float) -> str:
        """A number on this path's axis (a break-even) in the unit of its first value."""
        return _label_like(self.labels[0], number, digits=3)


def split_top_level(text: str) -> list[str]:
    """Split at commas outside brackets, braces and quotes."""
    items, depth, quote, current = [], 0, "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(current)
            current = ""
            continue
        current += char
    items.append(current)
    return [item.strip() for item in items]


def _number(text: str) -> float | None:
    try:
        return parse_number(text.strip().strip("\"'"))
    except ValueError:
        return None


def _label_like(template: str, value: float, digits: int = 10) -> str:
    """``value`` written with ``template``'s suffix: 10% -> 12.5%, 30M -> 32.5M."""
    suffix = template.strip()[-1:] if template.strip()[-1:] in ("%", "k", "K", "M", "B") else ""
    scale = {"%": 100.0, "k": 1e-3, "K": 1e-3, "M": 1e-6, "B": 1e-9}.get(suffix, 1.0)
    if digits < 10:
        return f"{value * scale:.{digits}g}{suffix}"
    return f"{round(value * scale, 10):g}{suffix}"


def _range(text: str, match: re.Match[str]) -> tuple[list[str], list[float]]:
    start, stop = _number(match["start"]), _number(match["stop"])
    count = _number(match["count"])
    if start is None or stop is None:
        raise UsageError(f"--vary {text!r}: FROM and TO of FROM:TO:COUNT must be numbers")
    if count is None or count != int(count) or not 2 <= count <= MAX_COUNT:
        raise UsageError(
            f"--vary {text!r}: COUNT of FROM:TO:COUNT must be a whole number from 2 to "
            f"{MAX_COUNT}; got {match['count']!r}"
        )
    n = int(count)
    numbers = [start + (stop - start) * i / (n - 1) for i in range(n)]
    numbers[-1] = stop
    return [_label_like(match["start"], x) for x in numbers], numbers


def parse_vary(text: str) -> Vary:
    """Parse one ``--vary``: a UsageError (or ScenarioError for a YAML value) when malformed."""
    if "=" not in text:
        raise UsageError(f"--vary {text!r}: expected {VARY_FORMS}")
    raw_path, raw_values = (part.strip() for part in text.split("=", 1))
    if not raw_path:
        raise UsageError(f"--vary {text!r}: the key path before '=' is empty; {VARY_FORMS}")
    if not raw_values:
        raise UsageError(f"--vary {text!r}: no values after '='; {VARY_FORMS}")
    if raw_path == "post_sale_share":
        key: KeyPath = ("post_sale_share",)
        kind = "post_sale"
    elif raw_path == "ramp_months":
        key = ("ramp_months",)
        kind = "ramp"
    else:
        key = parse_key_path(raw_path, flag="--vary", whole=text)
        kind = "role" if len(key) == 2 and key[0] == "allocation" else "key"
    match = _RANGE.match(raw_values)
    ends: tuple[str, ...] = ()
    if match is not None:
        labels, floats = _range(text, match)
        values: list[Any] = list(floats)
        numbers: list[float | None] = list(floats)
        ends = (match["start"].strip(), match["stop"].strip())
    else:
        labels = split_top_level(raw_values)
        if any(not label for label in labels):
            raise UsageError(f"--vary {text!r}: an empty value in the list; {VARY_FORMS}")
        values = []
        for label in labels:
            value, issues = load_yaml_value(label, f"--vary {text}", key)
            if issues:
                raise ScenarioError(issues)
            values.append(value)
        numbers = [_number(label) for label in labels]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise UsageError(f"--vary {text!r}: {', '.join(duplicates)} given more than once")
    if kind == "ramp":
        return _ramp_vary(text, key, labels, numbers, ends)
    if kind != "key":
        missing = [label for label, x in zip(labels, numbers, strict=True) if x is None]
        if missing:
            raise UsageError(
                f"--vary {text!r}: {raw_path} takes shares such as 20% or 0.2; got "
                + ", ".join(repr(m) for m in missing)
            )
        for label, number in zip(labels, numbers, strict=True):
            if number is not None and not 0.0 <= number <= 1.0:
                raise UsageError(f"--vary {text!r}: a share must be from 0% to 100%; got {label}")
        values = list(numbers)
    return Vary(text, raw_path, kind, key, tuple(values), tuple(labels), tuple(numbers), ends)


def _ramp_vary(
    text: str,
    key: KeyPath,
    labels: list[str],
    numbers: list[float | None],
    ends: tuple[str, ...],
) -> Vary:
    """``ramp_months=12,24,36``: whole months of the schedule's final point."""
    for label, number in zip(labels, numbers, strict=True):
        if number is None or number != int(number) or number < 1:
            raise UsageError(
                f"--vary {text!r}: ramp_months takes whole months from 1 (the final point of "
                f"the schedule); got {label}"
            )
    months = tuple(float(int(x or 0)) for x in numbers)
    return Vary(text, "ramp_months", "ramp", key, months, tuple(labels), months, ends)


def touches_allocation(vary: Vary) -> bool:
    """A vary that changes the split's shares (``ramp_months`` moves a month only)."""
    return vary.kind in ("role", "post_sale") or vary.key[:1] == ("allocation",)


def check_split_varies(varies: list[Vary]) -> None:
    """Two ``--vary`` that both move the budget split must not undo each other (a point
    would run shares other than its label's). Two ``allocation.<role>`` are well defined:
    both roles are set and the others rescaled (``with_role_shares``). ``post_sale_share``
    with a role's share, or a written ``allocation...`` key with either, is refused."""
    split = [v for v in varies if touches_allocation(v)]
    if len(split) < 2 or all(v.kind == "role" for v in split):
        return
    raise UsageError(
        f"--vary {split[0].path} and --vary {split[1].path} both change the budget split, and "
        "the second would rescale what the first set, so the points would not run the shares "
        "they are labelled with; vary two roles' shares (allocation.<role>, the other roles "
        "take the rest), or one of these alone"
    )
