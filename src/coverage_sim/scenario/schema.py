"""JSON Schema (draft 2020-12) of the scenario format, generated from the models.

Editors (``# yaml-language-server: $schema=...``) use it for completion and to flag
unknown keys and wrong types. Which keys are *required* depends on ``extends``
(a child inherits them) and ``template``, so the schema leaves required-ness to
``coverage-sim validate``: only a distribution's own parameters are required.
The committed copies (package and repository root) are checked against this
function by the test suite.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coverage_sim.scenario.distributions import (
    Beta,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
)
from coverage_sim.scenario.models import Scenario

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILE = Path(__file__).with_name("scenario.schema.json")
_KEEP_REQUIRED = {cls.__name__ for cls in (Normal, LogNormal, Beta, Uniform, Triangular, Pert)}


def scenario_schema() -> dict[str, Any]:
    """The scenario JSON Schema as a dict, with a ``$schema`` key."""
    generated = Scenario.model_json_schema(mode="validation")
    generated.pop("required", None)
    for name, definition in generated.get("$defs", {}).items():
        if name not in _KEEP_REQUIRED:
            definition.pop("required", None)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "coverage-sim scenario",
        "description": (
            "A go-to-market plan for coverage-sim. Required keys are checked by "
            "`coverage-sim validate` (they may be inherited through `extends`)."
        ),
        **{k: v for k, v in generated.items() if k not in ("title", "description")},
    }


def schema_text() -> str:
    """The schema exactly as ``coverage-sim schema`` prints it and as it is committed."""
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
