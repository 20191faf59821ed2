"""Fixtures of the CLI tests (helpers live in cli_helpers.py)."""

from __future__ import annotations

from cli_helpers import cli, plans

__all__ = ["cli", "plans"]
