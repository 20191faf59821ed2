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
    """A scenario file is missing, unreadable or invalid. Carries every issue found.

    ``issues`` lists them all; ``file``, ``line`` and ``key`` are the first one's (``key``
    is the dotted key path, ``""`` for the whole file; ``line`` is ``None`` when unknown).
    """

    def __init__(self, issues: list[ScenarioIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    @property
    def file(self) -> str | None:
        return self.issues[0].file if self.issues else None

    @property
    def line(self) -> int | None:
        return self.issues[0].line if self.issues else None

    @property
    def key(self) -> str | None:
        return self.issues[0].key_path if self.issues else None


class UsageError(CoverageSimError):
    """A bad argument: an unknown metric in --require, a bad flag value, ... (on the command
    line, or the keyword of the same name in ``coverage_sim.api``; messages name the flag)."""


class CoverageSimWarning(UserWarning):
    """What the CLI prints as ``coverage-sim: warning: ...``, from ``coverage_sim.api``."""


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
