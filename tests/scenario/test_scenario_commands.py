"""schema and init commands; the committed JSON Schema files match the models."""

from __future__ import annotations

import json
from pathlib import Path

from coverage_sim.scenario.schema import SCHEMA_FILE, scenario_schema, schema_text

REPO_SCHEMA = Path(__file__).resolve().parents[2] / "scenario.schema.json"
DRIFT = "regenerate with: coverage-sim schema > {0}"


def test_committed_schemas_match_the_models() -> None:
    expected = schema_text()
    assert SCHEMA_FILE.read_text(encoding="utf-8") == expected, DRIFT.format(SCHEMA_FILE)
    assert REPO_SCHEMA.read_text(encoding="utf-8") == expected, DRIFT.format(REPO_SCHEMA)


def test_schema_command_prints_draft_2020_12_schema(cli) -> None:
    code, out, err = cli("schema")
    assert (code, err) == (0, "")
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema == scenario_schema()
    assert {"company", "roles", "allocation", "customers", "simulation", "template"} <= set(
        schema["properties"]
    )
    assert schema["additionalProperties"] is False


def test_schema_covers_every_key_of_the_model_example() -> None:
    import yaml

    example = yaml.safe_load((Path(__file__).parent / "data" / "model_example.yaml").read_text())
    defs = scenario_schema()["$defs"]
    for section in ("company", "market", "budget", "customers", "valuation"):
        ref = scenario_schema()["properties"][section]
        name = ref.get("$ref") or next(o["$ref"] for o in ref["anyOf"] if "$ref" in o)
        props = defs[name.rsplit("/", 1)[-1]]["properties"]
        assert set(example[section]) <= set(props), section
    role_props = defs["Role"]["properties"]
    for role in example["roles"].values():
        assert set(role) <= set(role_props)


def test_init_writes_a_commented_starter_that_validates(cli, tmp_path: Path) -> None:
    path = tmp_path / "my-plan.yaml"
    code, out, err = cli("init", path)
    assert (code, err) == (0, "") and str(path) in out
    text = path.read_text(encoding="utf-8")
    assert "ILLUSTRATIVE" in text and text.count("#") > 40
    code, out, err = cli("validate", path)
    assert (code, err) == (0, "") and out.startswith(f"{path}: ok: ")
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_init_refuses_to_overwrite_unless_forced(cli, tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("mine\n", encoding="utf-8")
    code, out, err = cli("init", path)
    assert code == 2 and out == "" and "already exists; use --force" in err
    assert path.read_text(encoding="utf-8") == "mine\n"
    code, _, _ = cli("init", path, "--force")
    assert code == 0 and "company:" in path.read_text(encoding="utf-8")


def test_init_gives_a_new_file_the_usual_mode_and_keeps_an_overwritten_ones(
    cli, tmp_path: Path
) -> None:
    """As every output: 0o666 less the umask for a new file (not mkstemp's 0o600)."""
    import os
    import stat

    umask = os.umask(0)
    os.umask(umask)
    path = tmp_path / "plan.yaml"
    assert cli("init", path)[0] == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    path.chmod(0o640)
    assert cli("init", path, "--force")[0] == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_init_into_a_missing_folder_exits_2(cli, tmp_path: Path) -> None:
    code, _, err = cli("init", tmp_path / "nowhere" / "plan.yaml")
    assert code == 2 and "does not exist" in err and "Traceback" not in err


def test_each_scenario_command_help_shows_an_example(cli) -> None:
    for command in ("validate", "schema", "init"):
        code, out, _ = cli(command, "--help")
        assert code == 0 and f"Example: coverage-sim {command}" in out
