from __future__ import annotations

from pathlib import Path

from cli_helpers import FIXTURES

from coverage_sim.runner import execute, plan_run


def test_plan_takes_unset_settings_from_the_baseline_file() -> None:
    plan = plan_run([FIXTURES], baseline="xaas", months=12)
    assert plan.names == ["XaaS", "Traditional"]
    assert (plan.settings.trials, plan.settings.seed, plan.settings.months) == (200, 11, 12)
    assert plan.aliases == {"xaas": "XaaS", "traditional": "Traditional"}
    assert plan.warnings == []


def test_a_file_named_twice_runs_once() -> None:
    plan = plan_run([FIXTURES, FIXTURES / "xaas.yaml", Path(FIXTURES / "xaas.yaml")])
    assert plan.names == ["Traditional", "XaaS"]


def test_execute_reports_progress_for_every_scenario_and_pairs_them() -> None:
    plan = plan_run([FIXTURES], trials=64, months=12)
    seen: dict[int, tuple[str, int, int]] = {}

    def on_progress(index: int, name: str, done: int, total: int) -> None:
        assert 0 <= done <= total == 64
        seen[index] = (name, done, total)

    report = execute(plan, on_progress=on_progress)
    assert seen == {0: ("Traditional", 64, 64), 1: ("XaaS", 64, 64)}
    assert [s.name for s in report.scenarios] == ["Traditional", "XaaS"]
    assert {c.scenario for c in report.comparisons} == {"XaaS"}
    assert all(s.trials == 64 for s in report.scenarios)


def test_progress_comes_after_every_block_of_1000_trials_with_two_workers() -> None:
    from coverage_sim.execution import ProcessExecutor

    plan = plan_run([FIXTURES / "xaas.yaml"], trials=2500, months=3, single=True)
    calls: list[int] = []
    executor = ProcessExecutor(2)
    try:
        execute(plan, on_progress=lambda i, n, done, total: calls.append(done), executor=executor)
    finally:
        executor.close()
    assert calls == [1000, 2000, 2500]
