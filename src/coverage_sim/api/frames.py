"""pandas DataFrames and compact HTML tables for the API's results.

pandas is the optional ``api`` extra: it is imported only when a DataFrame is asked for,
never by ``import coverage_sim`` or ``coverage_sim.api``.
"""

from __future__ import annotations

import html
import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

PANDAS_MISSING = (
    "{what} returns a pandas DataFrame and pandas is not installed; install it with "
    "pip install 'coverage-sim[api]'"
)


def pandas(what: str) -> Any:
    """The pandas module, or an ImportError that names the ``api`` extra."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(PANDAS_MISSING.format(what=what), name="pandas") from exc
    return pd


def from_csv(text: str, what: str) -> pd.DataFrame:
    """A CSV output as pandas reads it (an empty cell is NaN; a plan named "NA" stays text)."""
    return pandas(what).read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])


def from_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], what: str) -> pd.DataFrame:
    """A DataFrame of ``rows`` with exactly ``columns`` (also when there are no rows)."""
    return pandas(what).DataFrame(list(rows), columns=list(columns))


def html_table(
    headings: Sequence[str], rows: Sequence[Sequence[str]], *, caption: str | None = None
) -> str:
    """A small HTML table; every heading, cell and the caption are escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headings)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    title = f"<p>{html.escape(caption)}</p>" if caption else ""
    return f"<div>{title}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
