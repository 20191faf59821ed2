"""The ``--format`` choices, in a module of their own: the CLI needs them to parse flags,
and importing them must not load rich, numpy or the renderers (fast ``--version``/``--help``)."""

from __future__ import annotations

from enum import Enum


class OutputFormat(str, Enum):
    """``--format``: ``table`` for people, the others for machines and documents."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
