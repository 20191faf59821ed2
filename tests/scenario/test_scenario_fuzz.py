"""Whatever the document, the loader raises ScenarioError or nothing (never a traceback)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage_sim.errors import ScenarioError
from coverage_sim.scenario import compile_scenario, load_scenario

MODEL_EXAMPLE = Path(__file__).parent / "data" / "model_example.yaml"
BASE: dict[str, Any] = yaml.safe_load(MODEL_EXAMPLE.read_text(encoding="utf-8"))
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

words = st.sampled_from(
    [
        "dist",
        "normal",
        "beta",
        "pert",
        "low",
        "high",
        "mode",
        "mean",
        "sd",
        "clip",
        "covered",
        "uncovered",
        "response",
        "shape",
        "hill",
        "extends",
        "template",
        "month",
        "shares",
        "land",
        "80k",
        "85%",
        "1e6",
        "NO",
        "0 to 1",
        "5% to 1",
        "x",
    ]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    words,
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(words, inner, max_size=4),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    return found


PATHS = _paths(BASE)


def _set(document: dict[str, Any], path: tuple, value: Any) -> None:
    node = document
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value


def _load_quietly(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            assert exc.issues and all(issue.message for issue in exc.issues)
        else:
            compile_scenario(scenario, trials=4, seed=1)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(PATHS), values), min_size=1, max_size=4))
def test_mutated_model_example_never_raises_anything_but_scenario_error(
    changes: list[tuple[tuple, Any]],
) -> None:
    document = yaml.safe_load(yaml.safe_dump(BASE))
    for path, value in changes:
        _set(document, path, value)
    _load_quietly(yaml.safe_dump(document, allow_unicode=True))


@FUZZ
@given(st.dictionaries(words | st.text(max_size=8), values, max_size=6))
def test_random_mappings_never_raise_anything_but_scenario_error(document: dict) -> None:
    _load_quietly(yaml.safe_dump(document, allow_unicode=True))


@FUZZ
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_random_text_never_raises_anything_but_scenario_error(text: str) -> None:
    _load_quietly(text)
