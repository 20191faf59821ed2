"""Execute ``examples/notebook.py`` (jupytext percent format) headless; write the executed
``examples/notebook.ipynb`` beside it when run as a script:

    .venv/bin/python tests/api/notebooks.py

Needs the test extra (jupytext, nbclient, nbformat, ipykernel) and matplotlib.
``tests/api/test_notebook.py`` runs the same ``execute`` and checks that the committed
notebook's code is the ``.py``'s. (This lives outside ``examples/`` because a script run
from there would import ``examples/notebook.py`` in place of the ``notebook`` package
that jupytext probes.)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SOURCE = EXAMPLES / "notebook.py"
EXECUTED = EXAMPLES / "notebook.ipynb"
TIMEOUT_SECONDS = 600  # per cell


def execute(source: Path = SOURCE, workdir: Path = EXAMPLES) -> Any:
    """The notebook of ``source``, every cell run in a fresh kernel started in ``workdir``
    (a failing cell raises ``nbclient.exceptions.CellExecutionError``)."""
    import jupytext
    from nbclient import NotebookClient

    notebook = jupytext.read(source)
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return notebook


def main() -> int:
    import nbformat

    notebook = execute()
    nbformat.write(notebook, EXECUTED)
    print(f"wrote {EXECUTED}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
