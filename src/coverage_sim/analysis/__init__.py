"""Decisions above the runner: ``sweep`` and ``optimize`` (docs/cli.md, "Finding the split").

They build plans (a scenario plus overrides, ``coverage_sim.scenario.overrides``), evaluate
them through the execution layer (``Executor.map`` of the module-level
``evaluate.evaluate_plan``) under one shared seed so that every plan pairs with every
other trial by trial, and read the per-trial outcomes. Nothing here special-cases the
engine.
"""
