"""``voi`` and ``pilot`` output: table, markdown, csv and json (docs/evidence.md).

JSON: ``{"command": "voi", "settings", "metric", "baseline", "plans": [{"name", "source",
"mean", "prob_best"}], "chosen_now", "trials_used", "evpi", "evpi_mc_se", "evppi":
[{"input", "value", "share", "mc_se"}], "groups": [{"name", "inputs", "value", "share",
"mc_se"}]}``; values in the metric's unit, shares of EVPI, highest EVPPI first.
"""

from __future__ import annotations

import json
from typing import Any

from coverage_sim.analysis.pilot import smallest_meeting
from coverage_sim.analysis.pilot_run import PilotResult
from coverage_sim.analysis.voi import Worth
from coverage_sim.analysis.voi_run import VoiResult
from coverage_sim.report import formatting as fmt
from coverage_sim.report.csv_out import csv_number, csv_text
from coverage_sim.report.formats import OutputFormat
from coverage_sim.report.json_out import finite_or_none, settings_dict
from coverage_sim.report.markdown import escape
from coverage_sim.text import json_safe, visible

BAR_WIDTH = 24
NAME_WIDTH = 48


def voi_to_dict(result: VoiResult) -> dict[str, Any]:
    found = result.estimate

    def worth(w: Worth, key: str) -> dict[str, Any]:
        entry: dict[str, Any] = {key: w.name}
        if key == "name":
            entry["inputs"] = list(w.inputs)
        entry |= {
            "value": finite_or_none(w.value),
            "share": finite_or_none(w.share),
            "mc_se": finite_or_none(w.mc_se),
        }
        return entry

    return {
        "command": "voi",
        "settings": settings_dict(result.settings),
        "metric": result.metric,
        "baseline": result.plans[0],
        "plans": [
            {"name": name, "source": source, "mean": finite_or_none(mean), "prob_best": best}
            for name, source, mean, best in zip(
                result.plans, result.sources, result.means, found.prob_best, strict=True
            )
        ],
        "chosen_now": result.plans[found.best_now],
        "trials_used": result.trials_used,
        "evpi": finite_or_none(found.evpi.value),
        "evpi_mc_se": finite_or_none(found.evpi.mc_se),
        "evppi": [worth(w, "input") for w in found.evppi],
        "groups": [worth(w, "name") for w in found.groups],
    }


def _bar(share: float | None) -> str:
    cells = 0 if share is None else round(max(min(share, 1.0), 0.0) * BAR_WIDTH)
    return "█" * cells + "·" * (BAR_WIDTH - cells)


def _name(text: str) -> str:
    shown = visible(text, keep_layout=False)
    return shown if len(shown) <= NAME_WIDTH else shown[: NAME_WIDTH - 3] + "..."


def _value(result: VoiResult, w: Worth) -> str:
    return (
        f"{fmt.metric_value(result.metric, w.value)} ± {fmt.metric_value(result.metric, w.mc_se)}"
    )


def _lines(result: VoiResult, top: int) -> list[str]:
    found = result.estimate
    plans = ", ".join(
        f"{visible(name, keep_layout=False)} (P(best) {fmt.probability(best)})"
        for name, best in zip(result.plans, found.prob_best, strict=True)
    )
    s = result.settings
    lines = [
        f"Value of information: {result.metric}, deciding between {plans}",
        f"{result.trials_used:,} trials · seed {s.seed} · {s.months} months · {s.sampling}",
        "",
        f"Deciding now picks {visible(result.plans[found.best_now], keep_layout=False)} "
        f"(highest mean {result.metric}).",
        f"EVPI (expected loss of deciding now): {_value(result, found.evpi)} (± 1 Monte Carlo SE)",
    ]
    if not found.evpi.value > 0:
        lines.append("No trial would change the choice: there is nothing to learn first.")
    lines += ["", f"EVPPI of each input (perfect knowledge of it alone), top {top}:"]
    for w in found.evppi[:top]:
        share = fmt.probability(w.share) if w.share is not None else "-"
        lines.append(
            f"  {_name(w.name):<{NAME_WIDTH}} {_bar(w.share)} {share:>4}  {_value(result, w)}"
        )
    if found.groups:
        lines += ["", "EVPPI of each group:"]
        for w in found.groups:
            share = fmt.probability(w.share) if w.share is not None else "-"
            lines.append(
                f"  {_name(w.name):<{NAME_WIDTH}} {_bar(w.share)} {share:>4}  {_value(result, w)}"
                f"  ({len(w.inputs)} inputs)"
            )
    lines += [
        "",
        "Worth paying up to EVPPI to learn an input before deciding; a pilot or study that "
        "costs more is not worth it (docs/evidence.md).",
    ]
    return lines


def render_voi_markdown(result: VoiResult, top: int) -> str:
    found = result.estimate
    lines = [
        f"### Value of information: {escape(result.metric)}",
        "",
        f"Deciding now picks **{escape(visible(result.plans[found.best_now]))}**. "
        f"EVPI: {escape(_value(result, found.evpi))} (± 1 Monte Carlo SE).",
        "",
        "| input | EVPPI | share of EVPI |",
        "| --- | --- | --- |",
    ]
    rows = [(w, "") for w in found.evppi[:top]] + [(w, " (group)") for w in found.groups]
    for w, kind in rows:
        share = fmt.probability(w.share) if w.share is not None else "-"
        name = visible(w.name, keep_layout=False) + kind
        lines.append(f"| `{escape(name)}` | {escape(_value(result, w))} | {share} |")
    return "\n".join(lines) + "\n"


def render_voi_csv(result: VoiResult) -> str:
    rows = ["kind,name,value,mc_se,share"]
    found = result.estimate
    for kind, items in (("evpi", [found.evpi]), ("input", found.evppi), ("group", found.groups)):
        for w in items:
            rows.append(
                ",".join(
                    [
                        kind,
                        csv_text(visible(w.name, keep_layout=False)),
                        csv_number(w.value),
                        csv_number(w.mc_se),
                        csv_number(w.share),
                    ]
                )
            )
    return "\n".join(rows) + "\n"


def render_voi(result: VoiResult, output_format: OutputFormat, *, top: int = 10) -> str:
    """``voi`` output in ``output_format`` (what the CLI prints)."""
    if output_format is OutputFormat.json:
        text = json.dumps(voi_to_dict(result), indent=2, allow_nan=False, ensure_ascii=False)
        return json_safe(text) + "\n"
    if output_format is OutputFormat.csv:
        return render_voi_csv(result)
    if output_format is OutputFormat.markdown:
        return render_voi_markdown(result, top)
    return "\n".join(_lines(result, top)) + "\n"


def pilot_to_dict(result: PilotResult) -> dict[str, Any]:
    """``pilot`` JSON: the piloted pair, its EVPPI (the most any pilot can be worth), the
    cost of an account-month and every design."""
    best = smallest_meeting(result.designs, result.target) if result.target else None
    return {
        "command": "pilot",
        "settings": settings_dict(result.settings),
        "metric": result.metric,
        "baseline": result.plans[0],
        "plans": result.plans,
        "input": result.pair,
        "observation": result.kind,
        "evppi": finite_or_none(result.evppi),
        "evppi_mc_se": finite_or_none(result.evppi_mc_se),
        "cost_per_account_month": finite_or_none(result.cost_per_account_month),
        "cost_role": result.cost_role,
        "trials_used": result.trials_used,
        "target": result.target,
        "smallest_meeting_target": None if best is None else [best.accounts, best.months],
        "designs": [
            {
                "accounts": d.accounts,
                "months": d.months,
                "evsi": finite_or_none(d.evsi),
                "evsi_mc_se": finite_or_none(d.evsi_mc_se),
                "p_wrong_before": d.p_wrong_before,
                "p_wrong_after": d.p_wrong_after,
                "cost": finite_or_none(d.cost),
                "net_value": finite_or_none(d.evsi - d.cost),
                "ess": finite_or_none(d.ess),
            }
            for d in result.designs
        ],
    }


def _pilot_rows(result: PilotResult) -> list[list[str]]:
    money = result.metric
    return [
        [
            f"{d.accounts:,}",
            str(d.months),
            fmt.metric_value(money, d.evsi),
            fmt.probability(d.p_wrong_before),
            fmt.probability(d.p_wrong_after),
            fmt.money(d.cost),
            fmt.metric_delta(money, d.evsi - d.cost),
            f"{d.ess:,.0f}",
        ]
        for d in result.designs
    ]


PILOT_COLUMNS = [
    "accounts",
    "months",
    "EVSI",
    "P(wrong) now",
    "after",
    "cost",
    "EVSI - cost",
    "ESS",
]


def _pilot_verdict(result: PilotResult) -> list[str]:
    lines = [
        f"No pilot of {result.pair} can be worth more than its EVPPI, "
        f"{fmt.metric_value(result.metric, result.evppi)} "
        f"(± {fmt.metric_value(result.metric, result.evppi_mc_se)})."
    ]
    if result.target is not None:
        best = smallest_meeting(result.designs, result.target)
        if best is None:
            lines.append(
                f"No design brings P(choosing the wrong plan) below "
                f"{fmt.probability(result.target)}: try more accounts or months."
            )
        else:
            lines.append(
                f"The cheapest design with P(wrong) below {fmt.probability(result.target)}: "
                f"{best.accounts:,} covered and {best.accounts:,} control accounts for "
                f"{best.months} months ({fmt.money(best.cost)}; P(wrong) "
                f"{fmt.probability(best.p_wrong_before)} -> {fmt.probability(best.p_wrong_after)})."
            )
    return lines


def render_pilot(result: PilotResult, output_format: OutputFormat) -> str:
    """``pilot`` output in ``output_format``."""
    if output_format is OutputFormat.json:
        text = json.dumps(pilot_to_dict(result), indent=2, allow_nan=False, ensure_ascii=False)
        return json_safe(text) + "\n"
    if output_format is OutputFormat.csv:
        head = "accounts,months,evsi,evsi_mc_se,p_wrong_before,p_wrong_after,cost,ess"
        lines = [
            ",".join(
                csv_number(v)
                for v in (
                    d.accounts,
                    d.months,
                    d.evsi,
                    d.evsi_mc_se,
                    d.p_wrong_before,
                    d.p_wrong_after,
                    d.cost,
                    d.ess,
                )
            )
            for d in result.designs
        ]
        return "\n".join([head, *lines]) + "\n"
    rows = _pilot_rows(result)
    role = f" ({result.cost_role})" if result.cost_role else ""
    cost = f"Cost: {fmt.money(result.cost_per_account_month)} per covered account-month{role}."
    plans = " vs ".join(visible(p, keep_layout=False) for p in result.plans)
    if output_format is OutputFormat.markdown:
        lines = [
            f"### Pilot designs for `{escape(result.pair)}` ({escape(plans)}, {result.metric})",
            "",
            "| " + " | ".join(PILOT_COLUMNS) + " |",
            "| " + " | ".join("---" for _ in PILOT_COLUMNS) + " |",
            *("| " + " | ".join(escape(c) for c in row) + " |" for row in rows),
            "",
            escape(cost),
            "",
            *(escape(line) for line in _pilot_verdict(result)),
        ]
        return "\n".join(lines) + "\n"
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(PILOT_COLUMNS)]
    s = result.settings
    lines = [
        f"Pilot of named coverage on {result.pair} ({result.kind} observations), "
        f"{result.metric}: {plans}",
        f"{result.trials_used:,} trials · seed {s.seed} · {s.months} months · {s.sampling}",
        "",
        "  ".join(h.rjust(w) for h, w in zip(PILOT_COLUMNS, widths, strict=True)),
        *("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows),
        "",
        cost,
        *_pilot_verdict(result),
    ]
    return "\n".join(lines) + "\n"
