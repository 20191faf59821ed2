# ---
# jupyter:
#   jupytext:
#     formats: py:percent,ipynb
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Should we move sales budget to post-sale coverage?
#
# The CFO's question, answered with `coverage_sim` from a notebook: compare today's
# traditional coverage (about 90% of the budget on account executives) with an XaaS
# split (40% on the roles that drive adoption, expansion and renewal), find how far to
# go, see which assumption the answer hangs on, and chart ARR over time.
#
# Every call runs what the command line of the same name runs, with the same seed, so
# these figures are the CLI's (docs/api.md). Trials are kept small here so the notebook
# runs in seconds; use the files' 10,000 (leave `trials` out) for a decision.
#
# Edit `notebook.py` (jupytext percent format); `notebook.ipynb` is its executed copy:
# `.venv/bin/python tests/api/notebooks.py`.

# %%
import matplotlib.pyplot as plt

import coverage_sim as cs

TRIALS = 1000  # small, so the notebook runs in seconds
SCENARIOS = "../scenarios"

# %% [markdown]
# ## 1. Compare: XaaS coverage against the traditional split
#
# Paired trial by trial: both plans see the same market in every trial, so the
# difference is the plan's. The table is the verdict the CLI opens with.

# %%
plans = cs.compare(
    [f"{SCENARIOS}/traditional.yaml", f"{SCENARIOS}/xaas.yaml"],
    trials=TRIALS,
)
plans

# %% [markdown]
# The metrics as a DataFrame: one row per plan and metric, the columns of
# `--format csv`.

# %%
summary = plans.summary()
summary[summary["metric"].isin(["npv", "ending_arr", "nrr"])][
    ["scenario", "metric", "p10", "p50", "p90", "delta_p50", "prob_better"]
]

# %% [markdown]
# ## 2. Sweep: how much post-sale coverage?
#
# The XaaS plan at every post-sale share from 5% to 45%, each point paired with the
# traditional plan. The best point, and the flat-maximum band of points too close to
# tell apart from it, are marked.

# %%
shares = cs.sweep(
    f"{SCENARIOS}/xaas.yaml",
    "post_sale_share=5%:45%:5",
    baseline=f"{SCENARIOS}/traditional.yaml",
    trials=TRIALS,
)
shares

# %% [markdown]
# ## 3. Sensitivity: which assumption does the answer hang on?
#
# Which uncertain input moves the paired NPV difference (XaaS - traditional) most.
# How strongly customers respond to coverage is an assumption, not a published fact.

# %%
drivers = cs.sensitivity(
    f"{SCENARIOS}/xaas.yaml",
    baseline=f"{SCENARIOS}/traditional.yaml",
    metric="npv",
    top=6,
    trials=TRIALS,
)
drivers

# %% [markdown]
# ## 4. ARR over time, from `.series()`
#
# `.series()` is tidy (plan, series, month, p10, p50, p90): one line per plan with its
# 80% band.

# %%
series = plans.series()
arr = series[series["series"] == "arr"]
fig, ax = plt.subplots(figsize=(8, 4))
for plan, band in arr.groupby("plan", sort=False):
    ax.plot(band["month"], band["p50"] / 1e6, label=f"{plan} (p50)")
    ax.fill_between(band["month"], band["p10"] / 1e6, band["p90"] / 1e6, alpha=0.2)
ax.set_xlabel("Month")
ax.set_ylabel("ARR ($M)")
ax.set_title("ARR with its p10 to p90 band")
ax.legend()
plt.show()
