"""``--set PATH=VALUE``: override one key path of a scenario for one run (docs/cli.md).

PATH is a key path as error messages print it: dotted keys, list items as ``[N]``
(``budget.annual``, ``roles.account_executive.loaded_cost``,
``allocation[1].shares.account_executive``). VALUE is written in the scenario file's own
grammar and read by the same strict YAML reader as a file: ``36M``, ``85% to 95%``, a
distribution or any mapping in YAML flow style (``{dist: normal, mean: 1M, sd: 100k}``).

An override acts as a one-key file that ``extends`` the scenario: a mapping merges into
the mapping already there (its keys win), anything else (a number, a string, a list, a
distribution) replaces what was there. The merged document is then validated exactly like
a file, and every problem in an overridden key names the ``--set`` argument instead of a
file line. Missing mappings on the way are created (``valuation.arr_multiple=6`` works
when the file has no ``valuation``); a list item must already exist.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coverage_sim.errors import ScenarioError, ScenarioIssue, UsageError
from coverage_sim.scenario.extends import merge
from coverage_sim.scenario.yaml_loader import (
    MAX_DEPTH,
    KeyPath,
    Location,
    YamlDocument,
    dotted,
    load_yaml_value,
)
from coverage_sim.text import clipped

NOT_SETTABLE = ("extends", "template")
_SEGMENT = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_-]*)(?P<indexes>(?:\[[0-9]+\])*)$")
_INDEX = re.compile(r"\[([0-9]+)\]")
OVERRIDE_FORMS = (
    "PATH=VALUE, e.g. budget.annual=36M, "
    'customers.land_acv="80k to 120k" or allocation[0].shares.account_executive=50%'
)


@dataclass(frozen=True)
class Override:
    """One parsed override: ``text`` as typed, the key path and the value read as YAML."""

    text: str
    path: KeyPath
    value: Any
    flag: str = "--set"

    @property
    def source(self) -> str:
        """How messages name it: ``--set budget.annual=36M`` (a long one clipped)."""
        return f"{self.flag} {clipped(self.text)}"

    @property
    def key(self) -> str:
        return dotted(self.path)


def parse_key_path(text: str, *, flag: str = "--set", whole: str | None = None) -> KeyPath:
    """``roles.ae.loaded_cost`` or ``allocation[0].shares.ae`` -> a key path; UsageError if not."""
    shown = clipped(whole if whole is not None else text)
    if text.count(".") + text.count("[") >= MAX_DEPTH:
        raise UsageError(
            f"{flag} {shown!r}: the key path is nested deeper than {MAX_DEPTH} levels "
            "(a scenario file may not be either)"
        )
    path: list[str | int] = []
    for segment in text.strip().split("."):
        match = _SEGMENT.match(segment)
        if match is None:
            raise UsageError(
                f"{flag} {shown!r}: {clipped(text.strip())!r} is not a key path; expected "
                "dotted keys with list items as [N], e.g. roles.account_executive.loaded_cost or "
                "allocation[0].shares.account_executive"
            )
        path.append(match["key"])
        path.extend(int(index) for index in _INDEX.findall(match["indexes"]))
    if path[0] in NOT_SETTABLE:
        raise UsageError(
            f"{flag} {shown!r}: {path[0]} describes a file and cannot be overridden; "
            "write a scenario file for that"
        )
    return tuple(path)


def parse_override(text: str, *, flag: str = "--set") -> Override:
    """Parse ``PATH=VALUE``; a grammar error is a UsageError, a YAML error a ScenarioError."""
    shown = clipped(text)
    if "=" not in text:
        raise UsageError(f"{flag} {shown!r}: expected {OVERRIDE_FORMS}")
    raw_path, raw_value = text.split("=", 1)
    if not raw_path.strip():
        raise UsageError(f"{flag} {shown!r}: the key path before '=' is empty; {OVERRIDE_FORMS}")
    path = parse_key_path(raw_path, flag=flag, whole=text)
    source = f"{flag} {shown}"
    value, issues = load_yaml_value(raw_value, source, path)
    if issues:
        raise ScenarioError(issues)
    return Override(text=text, path=path, value=value, flag=flag)


def parse_overrides(texts: Sequence[str], *, flag: str = "--set") -> list[Override]:
    """Every ``--set``, in order (a later one wins where two set the same key)."""
    return [parse_override(text, flag=flag) for text in texts]


def apply_overrides(doc: YamlDocument, overrides: Sequence[Override]) -> list[ScenarioIssue]:
    """Apply ``overrides`` in order to the merged document ``doc`` (data and marks).

    Returns the overrides that could not be applied (a path through a value that is not a
    mapping or a list, a missing list item); the rest of the validation happens afterwards,
    on the whole document, as for a file.
    """
    issues: list[ScenarioIssue] = []
    for override in overrides:
        problem = _apply(doc, override)
        if problem is not None:
            issues.append(ScenarioIssue(override.source, override.key, problem))
    return issues


def _apply(doc: YamlDocument, override: Override) -> str | None:
    parent: Any = doc.data
    created: list[KeyPath] = []  # mappings the override makes: located at the --set too
    for depth, part in enumerate(override.path[:-1]):
        here = dotted(override.path[: depth + 1])
        following = override.path[depth + 1]
        if isinstance(part, int):
            if not isinstance(parent, list) or part >= len(parent):
                size = len(parent) if isinstance(parent, list) else 0
                return f"{here}: there is no item {part} (the list has {size})"
            nxt = parent[part]
        else:
            if not isinstance(parent, dict):
                return f"{dotted(override.path[:depth])} is not a mapping"
            nxt = parent.get(part)
            if nxt is None:
                nxt = [] if isinstance(following, int) else {}
                parent[part] = nxt
                created.append(override.path[: depth + 1])
        wanted = list if isinstance(following, int) else dict
        if not isinstance(nxt, wanted):
            kind = "a list" if isinstance(nxt, list) else f"{_kind(nxt)}"
            expected = "a list (you used [N])" if wanted is list else "a mapping of keys"
            return f"{here} is {kind}, not {expected}; set {here} itself"
        parent = nxt
    last = override.path[-1]
    if isinstance(last, int):
        if not isinstance(parent, list) or last >= len(parent):
            size = len(parent) if isinstance(parent, list) else 0
            return f"there is no item {last} (the list has {size})"
        old = parent[last]
        parent[last] = _merged(old, override.value)
    else:
        parent[last] = _merged(parent.get(last), override.value)
    _mark(doc, override)
    for path in created:
        doc.marks[path] = Location(override.source, None, None)
    return None


def _merged(old: Any, new: Any) -> Any:
    """``extends`` semantics for one key: mappings merge, anything else replaces."""
    if isinstance(old, dict) and isinstance(new, dict):
        return merge({"v": old}, {"v": new})["v"]
    return new


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"the value {value!r}"


def _mark(doc: YamlDocument, override: Override) -> None:
    """The overridden path and everything under its value are located at the ``--set``."""
    where = Location(override.source, None, None)

    def walk(value: Any, path: KeyPath) -> None:
        doc.marks[path] = where
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(override.value, override.path)
