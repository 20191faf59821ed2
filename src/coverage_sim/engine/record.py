"""Per-trial results: monthly series, the ARR bridge, totals and metrics (MODEL.md §4).

Definitions (per trial):
- ``grr`` = (ARR at the window start - churn - contraction of that ARR) / ARR at the
  window start; ``nrr`` adds its expansion. The window is the final 12 months (the whole
  horizon if it is shorter); logos landed inside it are excluded.
- ``cac`` = (land-motion spend + marketing) over the horizon / new logos (full S&M CAC);
  ``sales_cac`` = land-motion spend / new logos; ``cac_ratio`` = (land-motion spend +
  marketing) / new-logo first-year ACV; ``cac_payback_months`` = cac / (average new-logo
  ACV / 12 * gross_margin); ``clv_cac`` = clv / cac.
- ``post_sale_share`` = post-sale (adopt + expand + renew) spend / coverage spend.
- contribution_t = gross profit - coverage spend - marketing - other_opex_pct * revenue.
- ``npv`` = sum_t contribution_t (1 + r)^(-t/12) + ``terminal_value``: arr_multiple *
  ending ARR (1 + r)^(-H/12), or the run-off value of the ending book (``runoff.py``).
Undefined values (no new logo, no ARR at the window start, no spend) are NaN.
"""

from __future__ import annotations

import numpy as np

from coverage_sim.compiled import CompiledScenario, FloatArray, IntArray
from coverage_sim.engine.money import MonthSpend, monthly_discount
from coverage_sim.outcome import BRIDGE_FIELDS, METRIC_IDS, SERIES_NAMES, ScenarioOutcome


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


# the per-trial totals a chunk accumulates over its months, in ``record_month``'s order
_TOTALS = (
    "revenue",
    "spend",
    "land_spend",
    "post_sale_spend",
    "marketing",
    "contribution",
    "npv",
    "new_logos",
    "new_acv",
    "churned_logos",
)


class OutcomeArrays:
    """The full ``(trials, ...)`` arrays of one scenario, filled chunk by chunk."""

    def __init__(self, scenario: CompiledScenario) -> None:
        n, h = scenario.trials, scenario.horizon_months
        years = -(-h // 12)
        self.scenario = scenario
        self.metrics = {m: np.full(n, np.nan) for m in METRIC_IDS}
        self.bridge = {f: np.zeros((n, years)) for f in BRIDGE_FIELDS}
        names = [*SERIES_NAMES, *(f"heads.{r.name}" for r in scenario.roles)]
        self.series = {name: np.zeros((n, h)) for name in names}

    def chunk(self, trials: slice, *, compiled: bool = False) -> ChunkRecord:
        return ChunkRecord(self, trials, compiled=compiled)

    def outcome(self) -> ScenarioOutcome:
        return ScenarioOutcome(
            name=self.scenario.name, metrics=self.metrics, bridge=self.bridge, series=self.series
        )


class ChunkRecord:
    """Accumulates one chunk's months and writes into the full arrays."""

    def __init__(self, arrays: OutcomeArrays, trials: slice, *, compiled: bool = False) -> None:
        """``compiled``: a month's arithmetic by ``kernel_month.record_month`` (the same
        bytes)."""
        s = arrays.scenario
        self.compiled = compiled
        self.arrays, self.trials, self.scenario = arrays, trials, s
        size, h = trials.stop - trials.start, s.horizon_months
        # month-major while the chunk runs (a month is one contiguous row), trials-major
        # in the outcome (written once, at finish)
        self.series = {name: np.empty((h, size)) for name in arrays.series}
        self.bridge = {f: a[trials] for f, a in arrays.bridge.items()}
        self.discount = monthly_discount(s.company.discount_rate[trials], h)
        self._discount_by_month = np.ascontiguousarray(self.discount.T)
        self.gross_margin = s.company.gross_margin[trials]
        self.other_opex_pct = s.company.other_opex_pct[trials]
        self._coverage = np.zeros((3, h, size))  # month-major, like the series
        zeros = np.zeros(size)
        self._totals = np.zeros((len(_TOTALS), size))
        self.totals = dict(zip(_TOTALS, self._totals, strict=True))
        self.window_base = np.full(size, np.nan)
        self._window = np.zeros((3, size))
        self.window = dict(zip(("churn", "contraction", "expansion"), self._window, strict=True))
        self.ending_arr = zeros.copy()
        self.ending_customers = zeros.copy()

    def start(self, starting_arr: FloatArray) -> None:
        self.bridge["start"][:, 0] = starting_arr

    def open_window(self, base_arr: FloatArray) -> None:
        self.window_base = base_arr.copy()

    def month(
        self,
        month: int,
        *,
        arr: FloatArray,
        customers: IntArray,
        revenue: FloatArray,
        spend: MonthSpend,
        marketing: FloatArray,
        heads: list[IntArray],
        new_logos: IntArray,
        new_acv: FloatArray,
        expansion: FloatArray,
        base_expansion: FloatArray,
        renewal: dict[str, FloatArray],
        coverage: tuple[FloatArray, FloatArray, FloatArray],
    ) -> None:
        s, i = self.scenario, month - 1
        series = self.series
        series["arr"][i] = arr
        series["customers"][i] = customers
        series["revenue"][i] = revenue
        series["spend"][i] = spend.total
        series["new_logos"][i] = new_logos
        series["churned_logos"][i] = renewal["churned_logos"]
        for role, count in zip(s.roles, heads, strict=True):
            series[f"heads.{role.name}"][i] = count
        for k, c in enumerate(coverage):
            self._coverage[k, i] = c
        flows = (revenue, spend, marketing, new_logos, new_acv, expansion, base_expansion)
        self._flows(i, *flows, renewal)
        self._close_year(month, arr)
        self.ending_arr, self.ending_customers = arr, customers.astype(np.float64)

    def _flows(
        self,
        i: int,
        revenue: FloatArray,
        spend: MonthSpend,
        marketing: FloatArray,
        new_logos: IntArray,
        new_acv: FloatArray,
        expansion: FloatArray,
        base_expansion: FloatArray,
        renewal: dict[str, FloatArray],
    ) -> None:
        """Month ``i + 1``'s contribution and post-sale share, and its flows added to the
        bridge, the totals and the window (compiled: one pass, ``record_month``)."""
        if self.compiled:
            from coverage_sim.engine.kernel_month import record_month

            flows = np.array(
                [
                    revenue, spend.total, spend.land, spend.post_sale, marketing, new_acv,
                    expansion, base_expansion, renewal["churn"], renewal["contraction"],
                    renewal["base_churn"], renewal["base_contraction"], renewal["churned_logos"],
                ],
                dtype=np.float64,
            )  # fmt: skip
            company = [self.gross_margin, self.other_opex_pct, self._discount_by_month[i]]
            b, series = self.bridge, self.series
            record_month(
                i // 12, flows, np.ascontiguousarray(new_logos, dtype=np.int64),
                np.array(company), series["contribution"][i], series["post_sale_share"][i],
                (b["new"], b["expansion"], b["contraction"], b["churn"]), self._totals,
                self._window,
            )  # fmt: skip
            return
        gross = revenue * self.gross_margin
        contribution = gross - spend.total - marketing - self.other_opex_pct * revenue
        self.series["contribution"][i] = contribution
        post = np.zeros_like(spend.total)
        np.divide(spend.post_sale, spend.total, out=post, where=spend.total > 0)
        self.series["post_sale_share"][i] = post

        year = i // 12
        self.bridge["new"][:, year] += new_acv
        self.bridge["expansion"][:, year] += expansion
        self.bridge["contraction"][:, year] += renewal["contraction"]
        self.bridge["churn"][:, year] += renewal["churn"]

        t = self.totals
        t["revenue"] += revenue
        t["spend"] += spend.total
        t["land_spend"] += spend.land
        t["post_sale_spend"] += spend.post_sale
        t["marketing"] += marketing
        t["contribution"] += contribution
        t["npv"] += contribution * self._discount_by_month[i]
        t["new_logos"] += new_logos
        t["new_acv"] += new_acv
        t["churned_logos"] += renewal["churned_logos"]
        # the base flows are zero until the window opens
        self.window["churn"] += renewal["base_churn"]
        self.window["contraction"] += renewal["base_contraction"]
        self.window["expansion"] += base_expansion

    def _close_year(self, month: int, arr: FloatArray) -> None:
        """At a year's last month (or the horizon's), its ending ARR and the next year's
        starting ARR."""
        year = (month - 1) // 12
        if month % 12 == 0 or month == self.scenario.horizon_months:
            self.bridge["end"][:, year] = arr
            if year + 1 < self.bridge["start"].shape[1]:
                self.bridge["start"][:, year + 1] = arr

    def coverage(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Realized coverage per trial x month: adopt, expand, renew."""
        return self._coverage[0].T, self._coverage[1].T, self._coverage[2].T

    def finish(self, lens: dict[str, FloatArray], runoff: FloatArray | None = None) -> None:
        """Write the chunk's metrics; ``runoff`` is the run-off terminal value (already
        discounted), given when ``valuation.terminal`` is ``runoff``."""
        s, tr, t, w = self.scenario, self.trials, self.totals, self.window
        gm = self.gross_margin
        if runoff is not None:
            terminal = runoff
        else:
            terminal = s.valuation.arr_multiple[tr] * self.ending_arr * self.discount[:, -1]
        retained = self.window_base - w["churn"] - w["contraction"]
        acquisition = t["land_spend"] + t["marketing"]
        cac = _ratio(acquisition, t["new_logos"])
        monthly_gross_acv = _ratio(t["new_acv"], t["new_logos"]) / 12.0 * gm
        values = {
            "ending_arr": self.ending_arr,
            "total_revenue": t["revenue"],
            "total_spend": t["spend"],
            "contribution": t["contribution"],
            "npv": t["npv"] + terminal,
            "new_logos": t["new_logos"],
            "churned_logos": t["churned_logos"],
            "ending_customers": self.ending_customers,
            "grr": _ratio(retained, self.window_base),
            "nrr": _ratio(retained + w["expansion"], self.window_base),
            "cac": cac,
            "cac_payback_months": _ratio(cac, monthly_gross_acv),
            "clv": lens["clv"],
            "clv_cac": _ratio(lens["clv"], cac),
            "expansion_multiple": lens["expansion_multiple"],
            "post_booking_share": lens["post_booking_share"],
            "post_sale_share": _ratio(t["post_sale_spend"], t["spend"]),
            "sales_cac": _ratio(t["land_spend"], t["new_logos"]),
            "cac_ratio": _ratio(acquisition, t["new_acv"]),
            "marketing_spend": t["marketing"],
            "terminal_value": terminal,
        }
        for metric, value in values.items():
            self.arrays.metrics[metric][tr] = value
        for name, by_month in self.series.items():
            self.arrays.series[name][tr] = by_month.T
