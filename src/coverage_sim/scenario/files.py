"""Finding, loading and validating scenario files: the loader's public entry points."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coverage_sim.errors import ScenarioError, ScenarioIssue
from coverage_sim.scenario.correlations import check_correlations
from coverage_sim.scenario.extends import load_with_extends
from coverage_sim.scenario.issues import did_you_mean, issues_from_validation, locate
from coverage_sim.scenario.models import MISSING_TYPES, Scenario
from coverage_sim.scenario.overrides import Override, apply_overrides
from coverage_sim.scenario.yaml_loader import KeyPath, YamlDocument, dotted, load_yaml


def load_scenario(path: str | Path, overrides: Sequence[Override] = ()) -> Scenario:
    """Load, merge (``extends``), apply ``overrides`` (``--set``) and validate one file.

    Raises ``ScenarioError`` with every issue in the file (and the files it extends) and
    in the overrides. ``name`` defaults to the file stem. A complete ``template: true``
    file loads; an incomplete one is reported with the keys it lacks.
    """
    return scenario_from_document(read_scenario_document(path), overrides)


def read_scenario_document(path: str | Path) -> YamlDocument:
    """The file merged with its ``extends`` chain, not yet validated (for many overrides)."""
    return load_with_extends(Path(path))


def scenario_from_document(doc: YamlDocument, overrides: Sequence[Override] = ()) -> Scenario:
    """Validate a copy of ``doc`` with ``overrides`` applied; ``doc`` itself is unchanged."""
    scenario, _ = _check(_with_overrides(doc, overrides), partial=False)
    if scenario is None:  # pragma: no cover - _check raises when not partial
        raise ScenarioError([ScenarioIssue(str(doc.path), "", "scenario is incomplete")])
    return scenario


def _with_overrides(doc: YamlDocument, overrides: Sequence[Override]) -> YamlDocument:
    if not overrides or doc.issues or not doc.data:
        return doc
    changed = replace(
        doc, data=copy.deepcopy(doc.data), marks=dict(doc.marks), issues=list(doc.issues)
    )
    problems = apply_overrides(changed, overrides)
    if problems:
        raise ScenarioError(problems)
    return changed


def validate_scenario_file(path: str | Path) -> bool:
    """Validate one file; return True when it is a template. Raises ``ScenarioError``.

    A ``template: true`` file is checked as a partial document: every key must be
    known and every value valid, but required keys may be missing.
    """
    _, is_template = _check(load_with_extends(Path(path)), partial=True)
    return is_template


def _check(doc: YamlDocument, *, partial: bool) -> tuple[Scenario | None, bool]:
    try:
        return _check_document(doc, partial=partial)
    except ScenarioError as exc:
        issues = [_reached_from(issue, doc.path) for issue in exc.issues]
        raise ScenarioError(_ordered(issues)) from None


def _reached_from(issue: ScenarioIssue, path: Path) -> ScenarioIssue:
    """An issue found in an ``extends`` parent also names the file that was run; one in a
    command-line override (``--set ...``, located at the flag) names the file it overrides."""
    if issue.file == str(path):
        return issue
    if issue.file.startswith("--"):
        return replace(issue, message=f"{issue.message} (overriding {path})")
    return replace(issue, message=f"{issue.message} (in a file that {path} extends)")


def _check_document(doc: YamlDocument, *, partial: bool) -> tuple[Scenario | None, bool]:
    path = doc.path
    if doc.issues:
        # The document could not be read or merged completely (YAML syntax, tags, aliases,
        # duplicate keys, extends): keys and values are not checked, so the cause is not
        # buried under the "required key missing" errors it leads to.
        raise ScenarioError(doc.issues)
    if not doc.data:
        raise ScenarioError([ScenarioIssue(str(path), "", "file is empty")])
    is_template = doc.data.get("template") is True
    skip = MISSING_TYPES if (partial and is_template) else frozenset()
    issues: list[ScenarioIssue] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(doc.data)
    except ValidationError as exc:
        issues.extend(issues_from_validation(exc, doc, skip_types=skip))
    except (RecursionError, OverflowError, ValueError, TypeError) as exc:
        issues.append(ScenarioIssue(str(path), "", f"cannot validate this document: {exc}"))
    issues.extend(role_consistency(doc))
    if scenario is not None:
        issues.extend(check_correlations(scenario, doc))
    if issues:
        if is_template and not partial:
            issues.insert(
                0,
                ScenarioIssue(
                    str(path),
                    "template",
                    "this file is a template (template: true): extend it from a scenario to run it",
                ),
            )
        raise ScenarioError(issues)
    if scenario is not None:
        if not scenario.name:
            scenario = scenario.model_copy(update={"name": path.stem})
        scenario._source = path
        scenario._sources = tuple(doc.sources)
    return scenario, is_template


def _ordered(issues: list[ScenarioIssue]) -> list[ScenarioIssue]:
    unique = list(dict.fromkeys(issues))
    return sorted(unique, key=lambda i: (i.file, i.line or 0, i.column or 0))


def role_consistency(doc: YamlDocument) -> list[ScenarioIssue]:
    """Every role in ``allocation`` is defined under ``roles``, and every role has a share."""
    roles, allocation = doc.data.get("roles"), doc.data.get("allocation")
    if not isinstance(roles, dict):
        return []
    points: list[tuple[KeyPath, dict[str, Any]]] = []
    if isinstance(allocation, dict):
        points.append((("allocation",), allocation))
    elif isinstance(allocation, list):
        for index, point in enumerate(allocation):
            if isinstance(point, dict) and isinstance(point.get("shares"), dict):
                points.append((("allocation", index, "shares"), point["shares"]))
    issues: list[ScenarioIssue] = []
    for path, shares in points:
        for name in shares:
            if name not in roles:
                where = locate(doc, (*path, name))
                issues.append(
                    ScenarioIssue(
                        where.file,
                        dotted((*path, name)),
                        f"role {name!r} is not defined under roles"
                        + did_you_mean(name, list(roles)),
                        where.line,
                        where.column,
                    )
                )
        for name in roles:
            if name not in shares:
                where = locate(doc, path)
                issues.append(
                    ScenarioIssue(
                        where.file,
                        dotted(path),
                        f"role {name!r} (defined under roles) has no share here; give it one "
                        "(0 is allowed)",
                        where.line,
                        where.column,
                    )
                )
    return issues


def _is_template(path: Path) -> bool:
    doc = load_yaml(path)
    return doc.data.get("template") is True


def scenario_files(paths: Sequence[str | Path], *, include_templates: bool) -> list[Path]:
    """Expand ``paths``: a directory becomes its ``*.yaml`` files, sorted by name.

    With ``include_templates=False`` files whose top level says ``template: true`` are
    skipped when expanding a directory (a file named explicitly is always kept).
    Raises ``ScenarioError`` for a missing path or a directory with no scenario.
    """
    found: list[Path] = []
    issues: list[ScenarioIssue] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                (p for p in path.iterdir() if p.suffix == ".yaml" and p.is_file()),
                key=lambda p: p.name,
            )
            if not files:
                issues.append(ScenarioIssue(str(path), "", "directory has no *.yaml files"))
                continue
            if not include_templates:
                files = [p for p in files if not _is_template(p)]
                if not files:
                    issues.append(
                        ScenarioIssue(
                            str(path), "", "directory has only templates (template: true)"
                        )
                    )
            found.extend(files)
        elif path.exists():
            found.append(path)
        else:
            issues.append(ScenarioIssue(str(path), "", "file not found"))
    if issues:
        raise ScenarioError(issues)
    return found
