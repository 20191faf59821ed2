"""The one rich console every table output draws on, and its text."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console


def console_text(draw: Callable[[Console], None], *, width: int, color: bool) -> str:
    """What ``draw`` prints on a console ``width`` columns wide, coloured only if ``color``.

    The console is given an empty environment so that nothing depends on environment
    variables; plain text loses the padding rich adds at line ends (cleaner files, diffs).
    """
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        force_jupyter=False,
        force_interactive=False,
        highlight=False,
        emoji=False,
        legacy_windows=False,
        _environ={},
    )
    draw(console)
    text = buffer.getvalue()
    return text if color else "\n".join(line.rstrip() for line in text.split("\n"))
