"""extends: deep merge relative to the file, inherited locations, cycles; template files."""

from __future__ import annotations

from pathlib import Path

import pytest

from coverage_sim.errors import ScenarioError
from coverage_sim.scenario import load_scenario, scenario_files, validate_scenario_file

CHILD = """\
extends: base.yaml
name: Child plan
company:
  gross_margin: 70%
customers:
  adoption:
    rate: {covered: 90%}
  land_acv: {dist: lognormal, median: 90k, sigma: 0.3}
"""


def _base(model_text: str, template: bool = False) -> str:
    return ("template: true\n" if template else "") + model_text


def test_child_merges_deeply_and_its_keys_win(write, model_text: str) -> None:
    write("base.yaml", _base(model_text))
    child = load_scenario(write("child.yaml", CHILD))
    assert child.name == "Child plan"
    assert child.company.gross_margin == pytest.approx(0.70)
    assert child.company.starting_customers == 500  # inherited
    rate = child.customers.adoption.rate
    assert (rate.uncovered, rate.covered) == (pytest.approx(0.45), pytest.approx(0.90))
    # a distribution replaces the parent's value instead of merging into it
    assert child.customers.land_acv.dist == "lognormal"


def test_extends_is_relative_to_the_file_not_the_working_directory(
    tmp_path: Path, model_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "base.yaml").write_text(model_text, encoding="utf-8")
    (tmp_path / "plans" / "child.yaml").write_text(CHILD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_scenario("plans/child.yaml").company.gross_margin == pytest.approx(0.7)


def test_name_is_not_inherited_and_defaults_to_the_file_stem(write, model_text: str) -> None:
    write("base.yaml", model_text)
    child = load_scenario(write("my-child.yaml", "extends: base.yaml\n"))
    assert child.name == "my-child"


def test_error_in_an_inherited_key_names_the_parent_file(write, model_text: str) -> None:
    base_text = model_text.replace("downsell: 10%", "downsell: 140%")
    write("base.yaml", base_text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write("child.yaml", CHILD))
    (issue,) = caught.value.issues
    assert issue.file.endswith("base.yaml") and issue.key_path == "customers.renewal.downsell"
    assert issue.line == base_text[: base_text.index("downsell")].count("\n") + 1


def test_extends_cycle_is_rejected_with_the_chain(write, cli) -> None:
    write("a.yaml", "extends: b.yaml\n")
    write("b.yaml", "extends: c.yaml\n")
    path = write("c.yaml", "extends: a.yaml\n")
    code, _, err = cli("validate", path.parent / "a.yaml")
    assert code == 2
    assert "c.yaml:1:1: extends: extends cycle: a.yaml -> b.yaml -> c.yaml -> a.yaml" in err


def test_self_extension_and_missing_parent_are_errors(write, cli) -> None:
    path = write("self.yaml", "extends: self.yaml\n")
    assert "extends cycle: self.yaml -> self.yaml" in cli("validate", path)[2]
    code, _, err = cli("validate", write("orphan.yaml", "name: x\nextends: gone.yaml\n"))
    assert code == 2 and "orphan.yaml:2:1: extends: cannot use 'gone.yaml': file not found" in err


def test_template_validates_as_partial_document(write, cli, model_text: str) -> None:
    partial = "template: true\ncompany:\n  gross_margin: 75%\nroles:\n  ae: {loaded_cost: 300k}\n"
    path = write("base.yaml", partial)
    assert cli("validate", path) == (0, f"{path}: ok (template)\n", "")
    assert validate_scenario_file(path) is True
    code, _, err = cli("validate", write("base.yaml", partial + "markt: {}\n"))
    assert code == 2 and "unknown key 'markt'; did you mean 'market'?" in err
    code, _, err = cli("validate", write("base.yaml", partial.replace("75%", "175%")))
    assert code == 2 and "company.gross_margin: got 175%; a rate must be between" in err


def test_incomplete_template_cannot_be_loaded_to_run(write) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write("base.yaml", "template: true\ncompany: {gross_margin: 75%}\n"))
    messages = str(caught.value)
    assert "this file is a template" in messages and "required key 'market' is missing" in messages


def test_child_of_a_template_is_not_a_template(write, cli, model_text: str) -> None:
    write("base.yaml", _base(model_text, template=True))
    path = write("child.yaml", CHILD)
    code, out, err = cli("validate", path)
    assert (code, err) == (0, "") and out.startswith(f"{path}: ok: ")
    assert load_scenario(path).template is False


def test_scenario_files_expands_directories_and_skips_templates(
    tmp_path: Path, model_text: str
) -> None:
    (tmp_path / "base.yaml").write_text(_base(model_text, template=True), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(CHILD, encoding="utf-8")
    (tmp_path / "a.yaml").write_text(CHILD, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a scenario", encoding="utf-8")
    names = [p.name for p in scenario_files([tmp_path], include_templates=False)]
    assert names == ["a.yaml", "b.yaml"]
    names = [p.name for p in scenario_files([tmp_path], include_templates=True)]
    assert names == ["a.yaml", "b.yaml", "base.yaml"]
    explicit = scenario_files([tmp_path / "base.yaml"], include_templates=False)
    assert explicit == [tmp_path / "base.yaml"]


def test_scenario_files_raises_for_missing_path_and_yaml_less_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ScenarioError) as caught:
        scenario_files([tmp_path / "missing.yaml", tmp_path / "empty"], include_templates=False)
    assert [i.message for i in caught.value.issues] == [
        "file not found",
        "directory has no *.yaml files",
    ]
