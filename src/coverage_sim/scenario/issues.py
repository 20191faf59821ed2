"""Turn pydantic validation errors into located ``ScenarioIssue``s.

A pydantic ``loc`` is mapped back onto the document by walking the data alongside
it (union tags such as ``dist:normal`` are skipped), then to the file, line and
column recorded for that key path. Unknown keys and unknown names get a
"did you mean ...?" from ``difflib``.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import Any

from pydantic import ValidationError

from coverage_sim.errors import ScenarioIssue
from coverage_sim.scenario.distributions import DIST_KEYS, DIST_NAMES
from coverage_sim.scenario.fields import NAME_PATTERN
from coverage_sim.scenario.yaml_loader import KeyPath, Location, YamlDocument, dotted

_ABSENT = object()


def did_you_mean(word: str, choices: list[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or the list of choices."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    if choices:
        return "; expected one of: " + ", ".join(sorted(choices))
    return ""


def data_path(data: Any, loc: tuple[Any, ...]) -> KeyPath:
    """The document key path a pydantic ``loc`` points at (union tags dropped)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            path.append(part)
            node = node[part]
        elif isinstance(part, str) and (
            ":" in part or part in ("number", "interval", "pair", "single", "[key]")
        ):
            continue
        else:
            path.append(part)
            node = _ABSENT
    return tuple(path)


def locate(doc: YamlDocument, path: KeyPath) -> Location:
    """The recorded location of ``path`` or of its nearest recorded ancestor."""
    for end in range(len(path), -1, -1):
        location = doc.marks.get(path[:end])
        if location is not None:
            return location
    return Location(str(doc.path), 1, 1)


@cache
def _schema() -> dict[str, Any]:
    from coverage_sim.scenario.schema import scenario_schema

    return scenario_schema()


def _candidates(node: dict[str, Any]) -> list[dict[str, Any]]:
    if "$ref" in node:
        return _candidates(_schema()["$defs"][node["$ref"].rsplit("/", 1)[-1]])
    options = node.get("anyOf", []) + node.get("oneOf", [])
    found = [node]
    for option in options:
        found.extend(_candidates(option))
    return found


def allowed_keys(path: KeyPath) -> list[str]:
    """Keys the schema allows in the mapping at ``path``."""
    nodes = _candidates(_schema())
    for part in path:
        nxt: list[dict[str, Any]] = []
        for node in nodes:
            props = node.get("properties", {})
            if isinstance(part, str) and part in props:
                nxt.extend(_candidates(props[part]))
            elif isinstance(part, str) and isinstance(node.get("additionalProperties"), dict):
                nxt.extend(_candidates(node["additionalProperties"]))
            elif isinstance(part, str) and node.get("patternProperties"):
                for sub in node["patternProperties"].values():
                    nxt.extend(_candidates(sub))
            elif isinstance(part, int) and isinstance(node.get("items"), dict):
                nxt.extend(_candidates(node["items"]))
        nodes = nxt
    keys: set[str] = set()
    for node in nodes:
        keys.update(node.get("properties", {}))
    return sorted(keys)


def _shown(value: Any) -> str:
    """A value as the file spells it: ``null``, ``true``; text quoted and cut at 40."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _node(data: Any, path: KeyPath) -> Any:
    """The value at ``path`` in ``data``, or None."""
    node = data
    for part in path:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_list or (isinstance(node, dict) and part in node)):
            return None
        node = node[part]
    return node


_PAIR_KEYS = ("uncovered", "covered", "response")


def _unknown_key(key: str, path: KeyPath, data: Any) -> str:
    """``unknown key`` with a suggestion that fits the mapping the key is in."""
    parent = _node(data, path[:-1])
    dist = parent.get("dist") if isinstance(parent, dict) else None
    if isinstance(dist, str) and dist in DIST_KEYS:
        if key in _PAIR_KEYS:
            return (
                f"{key!r} cannot be part of a distribution (dist: {dist}); a rate that moves "
                "with coverage is a pair instead: uncovered: and covered: keys, each a number, "
                '"A to B" or a distribution of its own'
            )
        own = list(DIST_KEYS[dist])
        return f"unknown key {key!r} for dist: {dist} (it takes {', '.join(own)})" + did_you_mean(
            key, own
        ).replace("; expected one of:", "; expected one of")
    allowed = allowed_keys(path[:-1])
    if key in allowed:  # allowed in another form of this value, not in the one written
        return f"key {key!r} does not fit here: the mapping is read as another form of this value"
    return f"unknown key {key!r}" + did_you_mean(key, allowed)


def _message(error: dict[str, Any], path: KeyPath, data: Any = None) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _unknown_key(str(path[-1]) if path else "", path, data)
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == NAME_PATTERN:
        return (
            f"role name {_shown(error.get('input'))} is not allowed: start with an ASCII letter "
            "(A-Z, a-z) and use only ASCII letters, digits, _ and - (no accents, dots or spaces)"
        )
    if kind == "missing":
        return f"required key {str(path[-1])!r} is missing" if path else "required key missing"
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag", "")).removeprefix("dist:")
        return f"unknown dist {tag!r}" + did_you_mean(tag, list(DIST_NAMES))
    if kind == "union_tag_not_found":
        pair = {"covered", "uncovered"} <= set(allowed_keys(path))
        extra = ", or an {uncovered, covered} pair" if pair else ""
        return (
            'expected a number, an "A to B" interval, a distribution with a dist: key ('
            + ", ".join(DIST_NAMES)
            + ")"
            + extra
        )
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        given = error.get("input")
        hint = did_you_mean(str(given), expected) if isinstance(given, str) else ""
        return f"{error['msg'].replace('Input should be', 'expected')}; got {_shown(given)}" + (
            hint if hint.startswith("; did") else ""
        )
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if message.startswith("Input should be"):
        message = message.replace("Input should be", "expected", 1)
        message = re.sub(r"a valid dictionary( or instance of \w+)?", "a mapping of keys", message)
        for plain, wording in _WORDING:
            message = message.replace(plain, wording)
        given = error.get("input")
        message += f"; got {_kind(given)}"
        if kind == "string_type" and isinstance(given, (int, float)):
            message += " (put text in quotes)"
    return message


_WORDING = (
    ("a valid string", "text"),
    ("a valid list", "a list"),
    ("a valid number", "a number"),
    ("a valid boolean", "true or false"),
    ("greater than or equal to", ">="),
    ("less than or equal to", "<="),
    ("greater than", ">"),
)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return _shown(value)


def issues_from_validation(
    exc: ValidationError, doc: YamlDocument, *, skip_types: frozenset[str] = frozenset()
) -> list[ScenarioIssue]:
    """One issue per pydantic error, located, de-duplicated, YAML-level issues not repeated."""
    already = {issue.key_path for issue in doc.issues}
    issues: list[ScenarioIssue] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors():
        if error["type"] in skip_types:
            continue
        loc = tuple(error["loc"])
        context = (error.get("ctx") or {}) if error["type"] == "semantic" else {}
        at = context.get("at")
        if isinstance(at, str) and at:
            path = data_path(doc.data, loc + _key_parts(at))
        else:
            path = data_path(doc.data, loc)
        message = _message(dict(error), path, doc.data)
        also = context.get("also")
        if isinstance(also, str) and also:
            others = [data_path(doc.data, loc + _key_parts(key)) for key in also.split(",")]
            path = _closest_to_user(doc, [path, *others])
        key = dotted(path)
        if key in already:
            continue
        if (key, message) in seen:
            continue
        seen.add((key, message))
        where = locate_rule(doc, path)
        issues.append(ScenarioIssue(where.file, key, message, where.line, where.column))
    return issues


def locate_rule(doc: YamlDocument, path: KeyPath) -> Location:
    """Where to report a rule broken at ``path``: the last ``--set`` of a key at or inside
    it, else ``path``'s own location. A rule over a whole mapping or list (a pair's covered
    end worse than its uncovered one, ``runoff_months`` without ``terminal: runoff``, a
    correlation's two ends naming one input) that a ``--set`` broke is reported at that
    ``--set``, not at the file line of the mapping."""
    if path:  # a rule over the whole document names its keys (``at``/``also``)
        inside = [
            location
            for key, location in doc.marks.items()
            if key[: len(path)] == path and location.file.startswith("--")
        ]
        if inside:
            return inside[-1]
    return locate(doc, path)


def _key_parts(dotted_key: str) -> tuple[str | int, ...]:
    return tuple(int(part) if part.isdigit() else part for part in dotted_key.split("."))


def _closest_to_user(doc: YamlDocument, paths: list[KeyPath]) -> KeyPath:
    """Of the keys a cross-key rule involves, the one to report: a ``--set`` first, then
    the file that was run, then the files it extends, nearest first (``doc.sources``
    order); between keys from the same place, the first. A key written nowhere (a default)
    is not chosen."""
    files = [str(source) for source in doc.sources]

    def rank(path: KeyPath) -> int:
        location = doc.marks.get(path)
        if location is None:
            return len(files) + 1
        if location.file.startswith("--"):
            return -1
        return files.index(location.file) if location.file in files else len(files)

    return min(paths, key=rank)
