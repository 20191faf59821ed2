"""Input limits (issue 12): extends depth, errors in parents name the file run, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from coverage_sim.errors import ScenarioError
from coverage_sim.scenario import load_scenario
from coverage_sim.scenario.extends import MAX_CHAIN


def _chain(tmp_path: Path, model_text: str, files: int) -> Path:
    """``f1.yaml`` extends ``f2.yaml`` ... the last is the model example: ``files`` in all."""
    (tmp_path / f"f{files}.yaml").write_text(model_text, encoding="utf-8")
    for index in range(files - 1, 0, -1):
        (tmp_path / f"f{index}.yaml").write_text(f"extends: f{index + 1}.yaml\n")
    return tmp_path / "f1.yaml"


def test_an_extends_chain_of_the_documented_length_loads(tmp_path: Path, model_text: str) -> None:
    scenario = load_scenario(_chain(tmp_path, model_text, MAX_CHAIN))
    assert MAX_CHAIN == 16
    assert len(scenario.sources) == 16
    assert scenario.sources[0].name == "f1.yaml"


def test_one_file_more_than_the_documented_chain_is_refused(
    tmp_path: Path, model_text: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_chain(tmp_path, model_text, MAX_CHAIN + 1))
    text = str(caught.value)
    assert "extends chain is longer than 16 files" in text
    assert "f1.yaml" in text  # the file the user ran


def test_an_error_deep_in_a_parent_names_the_file_that_was_run(
    tmp_path: Path, model_text: str
) -> None:
    run = _chain(tmp_path, model_text.replace("gross_margin: 75%", "gross_margin: 175%"), 3)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(run)
    (issue,) = caught.value.issues
    assert issue.file.endswith("f3.yaml")
    assert issue.key_path == "company.gross_margin"
    assert f"(in a file that {run} extends)" in issue.message


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_utf16_or_utf32_file_is_told_to_be_saved_as_utf8(
    tmp_path: Path, model_text: str, codec: str
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(model_text.encode(codec))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert f"file is {codec[:6].upper()} text; save it as UTF-8" in message


@pytest.mark.parametrize("number", ["1e400", "-1e400", "9" * 5000])
def test_a_number_beyond_float_range_is_too_large_not_infinity(
    tmp_path: Path, model_text: str, number: str
) -> None:
    path = tmp_path / "plan.yaml"
    assert "starting_arr: 50M" in model_text
    path.write_text(model_text.replace("starting_arr: 50M", f"starting_arr: {number}"))
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    text = str(raised.value)
    assert "company.starting_arr: number is too large" in text
    assert "infinity" not in text


def test_a_written_infinity_is_still_called_one(tmp_path: Path, model_text: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(model_text.replace("starting_arr: 50M", "starting_arr: .inf"))
    with pytest.raises(ScenarioError, match="NaN and infinity are not allowed"):
        load_scenario(path)
