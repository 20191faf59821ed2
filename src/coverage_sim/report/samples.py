"""``--samples PATH``: every trial's values, one row per plan and trial.

Columns: ``scenario, trial`` (0-based, the same trial index pairs across plans), every
metric id in ``METRICS`` order, then every uncertain input's draw by scenario key path
(``CompiledScenario.draws``; the union over the plans in first-seen order, empty / null
where a plan has no such input). A metric undefined in a trial (NaN) is an empty cell
(CSV) or null (Parquet). Names and key paths have their control characters made visible
(``coverage_sim.text.visible``), and CSV text cells go through ``csv_out``'s formula
neutralising;
Parquet (when the path ends in ``.parquet``) needs pyarrow, the ``samples`` extra.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from coverage_sim.errors import UsageError
from coverage_sim.report.csv_out import csv_number, csv_text
from coverage_sim.report.model import TrialSamples, metric_order
from coverage_sim.text import visible

PARQUET_SUFFIX = ".parquet"
PYARROW_MISSING = (
    "--samples {path}: writing Parquet needs pyarrow; install it with "
    "pip install 'coverage-sim[samples]' (or write a .csv path)"
)


def wants_parquet(path: Path) -> bool:
    return path.suffix.lower() == PARQUET_SUFFIX


def check_parquet_available(path: Path) -> None:
    """Before simulating: a ``.parquet`` path needs pyarrow (exit 2 with how to install)."""
    if not wants_parquet(path):
        return
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise UsageError(PYARROW_MISSING.format(path=path)) from exc


def sample_columns(plans: Sequence[TrialSamples]) -> tuple[list[str], list[str]]:
    """The metric ids and the draw key paths, as columns (see the module docstring)."""
    metrics = metric_order(list(dict.fromkeys(m for p in plans for m in p.metrics)))
    draws = list(dict.fromkeys(d for p in plans for d in p.draws))
    return metrics, draws


def _column(plan: TrialSamples, trials: int, group: dict[str, np.ndarray], key: str) -> np.ndarray:
    values = group.get(key)
    if values is None:
        return np.full(trials, np.nan)
    return np.asarray(values, dtype=np.float64)


def samples_csv(plans: Sequence[TrialSamples]) -> str:
    """Every trial of every plan as CSV text, ``\\n`` line ends, numbers in full."""
    metrics, draws = sample_columns(plans)
    out = io.StringIO()
    columns_text = (csv_text(visible(c, keep_layout=False)) for c in (*metrics, *draws))
    out.write(",".join(["scenario", "trial", *columns_text]) + "\n")
    for plan in plans:
        trials = _trials(plan)
        columns = [_column(plan, trials, plan.metrics, m) for m in metrics]
        columns += [_column(plan, trials, plan.draws, d) for d in draws]
        name = csv_text(visible(plan.name, keep_layout=False))
        for trial in range(trials):
            cells = [csv_number(float(col[trial])) for col in columns]
            out.write(f"{name},{trial}," + ",".join(cells) + "\n")
    return out.getvalue()


def samples_table(
    plans: Sequence[TrialSamples],
) -> tuple[list[str], np.ndarray, dict[str, np.ndarray]]:
    """The samples as columns: each row's plan name, its trial index (int64), and every
    metric and draw column (float64, NaN where undefined), names made visible."""
    metrics, draws = sample_columns(plans)
    names: list[str] = []
    trial_index: list[np.ndarray] = []
    data: dict[str, list[np.ndarray]] = {c: [] for c in (*metrics, *draws)}
    for plan in plans:
        trials = _trials(plan)
        names += [visible(plan.name, keep_layout=False)] * trials
        trial_index.append(np.arange(trials, dtype=np.int64))
        for m in metrics:
            data[m].append(_column(plan, trials, plan.metrics, m))
        for d in draws:
            data[d].append(_column(plan, trials, plan.draws, d))
    index = np.concatenate(trial_index) if trial_index else np.array([], dtype=np.int64)
    columns = {
        visible(column, keep_layout=False): np.concatenate(parts) if parts else np.array([])
        for column, parts in data.items()
    }
    return names, index, columns


def samples_parquet(plans: Sequence[TrialSamples]) -> bytes:
    """The same table as Parquet bytes (scenario: string, trial: int64, the rest float64)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names, index, columns = samples_table(plans)
    arrays = {
        "scenario": pa.array(names, type=pa.string()),
        "trial": pa.array(index, type=pa.int64()),
    }
    for column, values in columns.items():
        arrays[column] = pa.array(values, type=pa.float64(), mask=~np.isfinite(values))
    buffer = io.BytesIO()
    pq.write_table(pa.table(arrays), buffer)
    return buffer.getvalue()


def _trials(plan: TrialSamples) -> int:
    first = next(iter(plan.metrics.values()), None)
    return 0 if first is None else int(np.asarray(first).shape[0])


def render_samples(path: Path, plans: Sequence[TrialSamples]) -> str | bytes:
    """CSV text, or Parquet bytes when ``path`` ends in ``.parquet``."""
    return samples_parquet(plans) if wants_parquet(path) else samples_csv(plans)


__all__ = [
    "check_parquet_available",
    "render_samples",
    "sample_columns",
    "samples_csv",
    "samples_parquet",
    "samples_table",
    "wants_parquet",
]
