"""The tool's own exceptions. Only ``coverage_sim.cli`` maps them to exit codes."""

from __future__ import annotations

from dataclasses import dataclass


class CoverageSimError(Exception):
    """Base of every error the tool reports to the user without a traceback."""


@dataclass(frozen=True)
class ScenarioIssue:
    """One problem in one scenario file: where it is and what was expected."""

    file: str
    key_path: str  # dotted, e.g. "roles.account_executive.loaded_cost"; "" for the whole file
    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f" {self.key_path}:" if self.key_path else ""
        return f"{where}:{key} {self.message}"


class ScenarioError(CoverageSimError):
    """A scenario file is missing, unreadable or invalid. Carries every issue found."""

    def __init__(self, issues: list[ScenarioIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


class UsageError(CoverageSimError):
    """Bad command-line usage: an unknown metric in --require, a bad flag value, ..."""


class RequirementNotMet(CoverageSimError):
    """One or more --require checks did not hold (exit 1)."""


class OutputError(CoverageSimError):
    """The output (stdout or --output) could not be written: a full disk, a lost device."""


class ExecutionError(CoverageSimError):
    """Parallel execution could not complete: a Dask scheduler unreachable or lost, a task
    failing on every worker, mismatched software on the workers (exit 2, no output)."""


@dataclass(frozen=True)
class DataIssue:
    """One problem in a data export read by ``fit``: file, row (file line for CSV, 1-based
    data row for Parquet), column and what was expected."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        col = f" column '{self.column}':" if self.column is not None else ""
        return f"{where}:{col} {self.message}"


class DataError(CoverageSimError):
    """A data export given to ``fit`` is missing, unreadable or invalid (exit 2)."""

    def __init__(self, issue: DataIssue) -> None:
        self.issue = issue
        super().__init__(str(issue))
