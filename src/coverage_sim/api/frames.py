"""What every API result shares: the CLI's formats, the CSV as a pandas DataFrame, and
compact HTML tables for Jupyter.

pandas is the optional ``api`` extra: it is imported only when a DataFrame is asked for,
never by ``import coverage_sim`` or ``coverage_sim.api``.
"""

from __future__ import annotations

import html
import io
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from coverage_sim.report.formats import OutputFormat

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


class Rendered(ABC):
    """A result the CLI would print: its four formats, and its CSV as a DataFrame."""

    @abstractmethod
    def _render(self, output_format: OutputFormat, width: int) -> str:
        """The result in ``output_format``, as the CLI renders it (``width``: tables)."""

    def render(self, output_format: str = "table", *, width: int = 100) -> str:
        """The output as ``coverage-sim`` prints it with ``--format output_format``
        (``table``, ``json``, ``csv`` or ``markdown``), without colour; ``width`` is the
        table's (the CLI's when not on a terminal: 100)."""
        return self._render(OutputFormat(output_format), width)

    def to_json(self) -> str:
        """Byte for byte what ``--format json`` writes."""
        return self.render("json")

    def to_csv(self) -> str:
        """Byte for byte what ``--format csv`` writes."""
        return self.render("csv")

    def to_markdown(self) -> str:
        """Byte for byte what ``--format markdown`` writes."""
        return self.render("markdown")

    def summary(self) -> pd.DataFrame:
        """The ``--format csv`` output as pandas reads it (columns: docs/cli.md and
        docs/api.md)."""
        return from_csv(self.to_csv(), f"{type(self).__name__}.summary()")

    def __str__(self) -> str:
        return self.render("table")
