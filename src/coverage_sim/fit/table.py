"""Reading a data export (CSV, or Parquet with the ``samples`` extra) into typed columns.

Every value is checked where it is read, and a bad one raises :class:`DataError` naming
the file, the row and the column: for CSV the row is the file's line number (the header
is line 1), for Parquet the 1-based data row. Column names are matched without regard to
case or surrounding spaces. Nothing here guesses: a cell that is not what its column
needs is an error, never a silently skipped row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coverage_sim.errors import DataError, DataIssue
from coverage_sim.safe_read import UnreadableFile, read_regular_file
from coverage_sim.text import visible

MAX_BYTES = 512 * 1024 * 1024  # a CRM export larger than this is not read
_TRUE = frozenset({"1", "yes", "y", "true", "t"})
_FALSE = frozenset({"0", "no", "n", "false", "f"})


def shown(path: Path | str) -> str:
    """A file name as messages show it: control characters made visible."""
    return visible(str(path), keep_layout=False)


@dataclass
class Table:
    """The cells of one export by column (lower-cased name), and each data row's number."""

    file: str
    columns: dict[str, list[str]]
    rows: list[int]

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, name: str) -> bool:
        return name in self.columns

    def issue(self, index: int | None, column: str | None, message: str) -> DataError:
        row = None if index is None else self.rows[index]
        return DataError(DataIssue(self.file, message, row, column))

    def _typed(self, name: str, parse: Callable[[str], Any], expected: str) -> list[Any]:
        out = []
        for i, cell in enumerate(self.columns[name]):
            try:
                out.append(parse(cell))
            except ValueError:
                got = visible(cell, keep_layout=False)
                raise self.issue(i, name, f"expected {expected}, got '{got}'") from None
        return out

    def text(self, name: str, *, required: bool = True) -> list[str]:
        """Non-empty text cells (``required``), or text with empty cells allowed."""
        if required:
            return self._typed(name, _non_empty, "a value")
        return [c.strip() for c in self.columns[name]]

    def numbers(self, name: str, *, minimum: float | None = 0.0, allow_empty: bool = False) -> Any:
        """Finite numbers (``>= minimum``) as a float array; empty cells NaN if allowed."""

        def parse(cell: str) -> float:
            cell = cell.strip().replace("_", "")
            if cell == "" and allow_empty:
                return math.nan
            value = float(cell.lstrip("$"))
            if not math.isfinite(value) or (minimum is not None and value < minimum):
                raise ValueError(cell)
            return value

        if minimum is None:
            expected = "a number"
        elif minimum == 0:
            expected = "a non-negative number"
        else:
            expected = f"a number of at least {minimum:g}"
        return np.asarray(self._typed(name, parse, expected), dtype=float)

    def whole(self, name: str, *, minimum: int = 0) -> Any:
        """Whole numbers ``>= minimum`` as an int64 array."""

        def parse(cell: str) -> int:
            value = float(cell.strip())
            if not value.is_integer() or value < minimum or abs(value) > 1e12:
                raise ValueError(cell)
            return int(value)

        return np.asarray(
            self._typed(name, parse, f"a whole number of at least {minimum}"), dtype=np.int64
        )

    def flags(self, name: str, *, allow_empty: bool) -> Any:
        """yes/no cells as 1.0/0.0 (empty -> NaN when allowed)."""

        def parse(cell: str) -> float:
            word = cell.strip().lower()
            if word in _TRUE:
                return 1.0
            if word in _FALSE:
                return 0.0
            if word == "" and allow_empty:
                return math.nan
            raise ValueError(cell)

        expected = "yes/no (or 1/0, true/false)" + (" or empty" if allow_empty else "")
        return np.asarray(self._typed(name, parse, expected), dtype=float)

    def months(self, name: str, *, allow_empty: bool = False) -> Any:
        """Dates (``YYYY-MM-DD``, ``YYYY-MM``) as months since year 0 (float: a day is
        1/days-in-month), empty -> NaN when allowed."""

        def parse(cell: str) -> float:
            cell = cell.strip()
            if cell == "" and allow_empty:
                return math.nan
            return month_number(cell)

        expected = "a date YYYY-MM-DD" + (" or empty" if allow_empty else "")
        return np.asarray(self._typed(name, parse, expected), dtype=float)


def _non_empty(cell: str) -> str:
    cell = cell.strip()
    if not cell:
        raise ValueError(cell)
    return cell


def month_number(text: str) -> float:
    """``2024-03-16`` -> 12·2024 + 2 + 15/31: months, the day a fraction of its month."""
    if len(text) == 7:
        text += "-01"
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]
    if len(text) != 10:
        raise ValueError(text)
    date = dt.date.fromisoformat(text)
    first_next = dt.date(date.year + (date.month == 12), date.month % 12 + 1, 1)
    days = (first_next - date.replace(day=1)).days
    return 12 * date.year + (date.month - 1) + (date.day - 1) / days


def read_table(
    path: Path,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    min_rows: int = 1,
    others: Callable[[str], str | None] | None = None,
) -> Table:
    """The export at ``path`` with its ``required`` columns (and the ``optional`` ones
    present); ``DataError`` when it cannot be read, a column is missing or it has fewer
    than ``min_rows`` data rows. ``others``, if given, is asked about every other column:
    it returns why the column is refused (a ``DataError`` at the header), or None to keep
    it (as an optional column)."""
    name = shown(path)
    if path.suffix.lower() == ".parquet":
        header, cells, rows = _parquet(path, name)
    else:
        header, cells, rows = _csv(path, name)
    index: dict[str, int] = {}
    for i, column in enumerate(header):
        key = column.strip().lower()
        if key in index:
            raise DataError(DataIssue(name, f"column '{visible(key)}' appears twice", 1))
        index[key] = i
    for column in required:
        if column not in index:
            found = ", ".join(visible(h, keep_layout=False) for h in header) or "none"
            raise DataError(
                DataIssue(name, f"missing column '{column}' (columns found: {found})", 1)
            )
    extra: list[str] = []
    if others is not None:
        for key in index:
            if key in required or key in optional:
                continue
            refused = others(key)
            if refused is not None:
                raise DataError(DataIssue(name, refused, 1, visible(key, keep_layout=False)))
            extra.append(key)
    wanted = [c for c in (*required, *optional, *extra) if c in index]
    columns = {c: [row[index[c]] for row in cells] for c in wanted}
    table = Table(name, columns, rows)
    if len(table) < min_rows:
        raise DataError(
            DataIssue(name, f"too few rows to fit: {len(table)}; at least {min_rows} are needed")
        )
    return table


def _csv(path: Path, name: str) -> tuple[list[str], list[list[str]], list[int]]:
    try:
        raw = read_regular_file(path, MAX_BYTES)
        text = raw.decode("utf-8-sig")
    except UnreadableFile as exc:
        raise DataError(DataIssue(name, str(exc))) from None
    except UnicodeDecodeError:
        raise DataError(DataIssue(name, "not UTF-8 text; save the export as UTF-8 CSV")) from None
    if "\x00" in text:
        raise DataError(DataIssue(name, "contains NUL bytes; expected a CSV text file"))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        if not header:
            raise DataError(DataIssue(name, "empty file; expected a header line"))
        cells: list[list[str]] = []
        rows: list[int] = []
        line = reader.line_num
        for record in reader:
            if not any(c.strip() for c in record):
                line = reader.line_num
                continue  # blank line
            if len(record) != len(header):
                raise DataError(
                    DataIssue(
                        name, f"{len(record)} cells but the header has {len(header)}", line + 1
                    )
                )
            cells.append(record)
            rows.append(line + 1)
            line = reader.line_num
    except csv.Error as exc:
        raise DataError(DataIssue(name, f"not valid CSV: {exc}", reader.line_num)) from None
    return header, cells, rows


def _parquet(path: Path, name: str) -> tuple[list[str], list[list[str]], list[int]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(
            DataIssue(name, "reading Parquet needs pyarrow: pip install 'coverage-sim[samples]'")
        ) from None
    try:
        raw = read_regular_file(path, MAX_BYTES)
        table = pq.read_table(io.BytesIO(raw))
    except UnreadableFile as exc:
        raise DataError(DataIssue(name, str(exc))) from None
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise DataError(DataIssue(name, f"not a readable Parquet file: {exc}")) from None
    header = [str(c) for c in table.column_names]
    columns = [[_cell(v) for v in table.column(c).to_pylist()] for c in table.column_names]
    cells = [list(r) for r in zip(*columns, strict=True)] if columns else []
    return header, cells, list(range(1, len(cells) + 1))


def _cell(value: object) -> str:
    """A Parquet value as the text a CSV export would hold (dates ISO, None empty)."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
