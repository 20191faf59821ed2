"""``coverage-sim init``: a commented starter scenario, written atomically."""

from __future__ import annotations

import json
from pathlib import Path

from coverage_sim.errors import UsageError

_STARTER = """\
# coverage-sim scenario: one go-to-market plan.
# Every number below is ILLUSTRATIVE, not a benchmark: replace it with your own figures.
# Format reference: docs/scenario-format.md. Editor completion: run
#   coverage-sim schema > scenario.schema.json
# and add a first line:  # yaml-language-server: $schema=scenario.schema.json
# Check this file with:  coverage-sim validate {file_name}
#
# Numbers accept 80k, 50M, 1.5B, 85%, 1_000. Any uncertain input (not the plain
# structural ones: months, counts, shares, weights) may be a distribution:
#   "60k to 140k"                          90% interval, fitted to the field's domain
#   {{dist: lognormal, median: 80k, sigma: 0.4}}   also normal, beta, uniform,
#   {{dist: pert, low: 4, mode: 6, high: 9}}       triangular; any takes clip: [lo, hi]

name: {name}
description: Starter plan written by coverage-sim init   # free text for reports
# extends: base.yaml          # optional: build on another file (maps merge, keys here win)
horizon_months: 60            # months simulated
simulation:
  trials: 10000               # Monte Carlo trials (uncertainty draws)
  seed: 2026                  # same seed, same results
  sampling: monte_carlo       # or lhs (Latin hypercube)

company:
  starting_customers: 400     # customers at month 0 (illustrative)
  starting_arr: 40M           # ARR at month 0 (illustrative)
  starting_adopted_share: 60% # share of those customers already getting value
  gross_margin: 75%           # of revenue
  other_opex_pct: 0           # other operating cost as a share of revenue
  discount_rate: 10%          # annual, for NPV
  contract_months: 12         # each customer renews once per contract term

market:
  addressable_accounts: 15000 # accounts you could ever land (illustrative)
  demand:                     # optional; without it land grows with AE heads, no limit
    new_logos_per_month: "25 to 40"   # most new logos a month the market yields (illustrative)
    growth: 10%               # per year, demand and its cost
    cost_annual: 6M           # marketing (demand generation) per year: in NPV and CAC
    shape: exp                # seller logos D x (1 - e^(-capacity/D)); or linear: min
    sales_cycle_months: 3     # AE capacity of this month lands logos this many months later

budget:
  annual: 15M                 # sales + success budget per year (illustrative)
  growth: 10%                 # budget growth per year
  # or instead of annual/growth:  percent_of_revenue: 30%  (optional floor:, cap: per year)

allocation:                   # each role's share of the budget; shares sum to 100%
  account_executive: 70%
  customer_success_manager: 30%
  # time-phased instead: a list of points, linearly interpolated, e.g.
  # - {{month: 0,  shares: {{account_executive: 90%, customer_success_manager: 10%}}}}
  # - {{month: 24, shares: {{account_executive: 60%, customer_success_manager: 40%}}}}

roles:
  account_executive:
    motions: {{land: 1}}        # share of effort on land / adopt / expand / renew
    loaded_cost: 300k         # per head per year, fully loaded (illustrative)
    ramp_months: "4 to 7"     # months to full productivity (90% interval)
    attrition: 20%            # per year
    new_logos_per_month: "0.3 to 0.6"   # per fully ramped head (illustrative)
    commission: {{new: 10%}}    # of first-year ACV; also expansion:, renewal:
    # headcount: 10           # fixed heads instead of budget-driven hiring
    # max_hires_per_month: 2  # hiring limit; reduce: immediate lets heads go at once
  customer_success_manager:
    motions: {{adopt: 60%, renew: 25%, expand: 15%}}
    loaded_cost: 140k
    ramp_months: 3
    attrition: 15%
    accounts_per_head: 30     # accounts one head can cover (illustrative)

customers:
  land_acv: "50k to 120k"     # first-year ACV of a new logo (illustrative)
  onboarding_months: 3        # mean time to value
  onboarding_fee: 0           # one-time revenue per new logo
  # A rate given as {{uncovered: x, covered: y}} moves with coverage of its motion
  # (linearly; response: {{shape: hill, half_saturation: 0.3}} for diminishing returns).
  # A plain number means coverage does not change it. The coverage effect is an
  # assumption, not a published fact: keep the gaps conservative. Covered is never
  # worse than uncovered unless the pair says may_harm: true.
  adoption:
    rate: {{uncovered: 50%, covered: 80%}}      # onboarding customers who reach value
    decay: {{uncovered: 2.5%, covered: 1%}}     # monthly, adopted -> at risk
    recovery: {{uncovered: 2%, covered: 8%}}    # monthly, at risk -> adopted
  renewal:
    adopted: {{uncovered: 90%, covered: 94%}}   # renewal rate of healthy accounts
    at_risk: {{uncovered: 65%, covered: 78%}}   # and of at-risk / still-onboarding ones
    downsell: 10%             # ARR an at-risk account gives up when it renews
    # by_tenure: [1, 0.8, 0.65]  # optional: churn x 0.8 at the 2nd renewal, x 0.65 from the 3rd
  expansion:
    upsell_monthly: {{uncovered: 0.2%, covered: 0.8%}}   # monthly ARR growth, adopted accounts
    cross_sell_per_year: {{uncovered: 5%, covered: 15%}}  # cross-sell events per account-year
    cross_sell_size: 30%      # ARR one cross-sell adds, as a share of the account's ARR
  advocacy:
    referrals_per_year: 2%    # new logos per adopted customer per year

valuation:
  terminal: arr_multiple      # or runoff: the ending book traced for runoff_months, valued
  arr_multiple: 0             # terminal value = multiple x ending ARR (0 = none)

# correlations:               # optional: rank correlations between uncertain inputs
#   - between: [customers.land_acv, roles.account_executive.new_logos_per_month]
#     rank: -0.4
"""


def starter_text(path: Path) -> str:
    """The starter scenario for ``path`` (its name is the file name in words)."""
    name = path.stem.replace("-", " ").replace("_", " ").strip() or "my plan"
    return _STARTER.format(name=json.dumps(name), file_name=path.name)


def check_starter_target(path: Path, *, force: bool = False) -> None:
    """``init`` may write ``path``: a file name in an existing folder, not yet there unless
    ``force`` (the CLI then writes ``starter_text`` atomically, as every output)."""
    if path.is_dir():
        raise UsageError(f"{path} is a directory; give a file name such as {path / 'plan.yaml'}")
    if path.exists() and not path.is_file():
        raise UsageError(f"{path} is not a regular file (a device or a pipe); give a file name")
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; use --force to overwrite it")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"folder {folder} does not exist")
