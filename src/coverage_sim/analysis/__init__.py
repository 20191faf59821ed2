"""Analysis commands above the runner: they build plans and read outcomes.

``sweep`` and ``optimize`` (docs/cli.md, "Finding the split") build plans (a scenario plus
overrides, ``coverage_sim.scenario.overrides``) and evaluate them through the execution
layer (``Executor.map`` of the module-level ``evaluate.evaluate_plan``) under one shared
seed so that every plan pairs with every other trial by trial. ``sensitivity`` (which
uncertain input drives a metric, or the paired difference between two plans) and
``explain`` (the paired difference attributed to land, adopt, expand, renew and spend)
hold inputs of a compiled plan (``inputs.with_inputs``) and replay motion paths
(docs/sensitivity.md). Nothing here special-cases the engine.
"""
