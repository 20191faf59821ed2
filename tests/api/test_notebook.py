"""The example notebook runs headless without error, shows its chart, and the committed
executed copy is the ``.py``'s code."""

from __future__ import annotations

import base64
import struct
from typing import Any

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("pandas")
pytest.importorskip("jupytext")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

import nbformat
from notebooks import EXECUTED, SOURCE, execute

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def shown_images(notebook: Any) -> list[bytes]:
    """Every PNG the notebook's code cells display."""
    return [
        base64.b64decode(output["data"]["image/png"])
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE), "not a PNG"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    return width, height


def code_cells(notebook: Any) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def test_the_notebook_executes_and_shows_its_chart() -> None:
    notebook = execute()  # raises CellExecutionError on any failing cell

    images = shown_images(notebook)
    assert len(images) == 1
    width, height = png_size(images[0])
    assert width > 300 and height > 150
    verdicts = [
        output["data"]["text/html"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]
    assert any("P(better)" in html for html in verdicts)


def test_the_committed_executed_notebook_is_the_source_with_its_outputs() -> None:
    import jupytext

    committed = nbformat.read(EXECUTED, as_version=4)

    assert code_cells(committed) == code_cells(jupytext.read(SOURCE))
    assert all(
        cell.get("outputs") is not None and cell.execution_count
        for cell in committed.cells
        if cell.cell_type == "code"
    )
    assert [png_size(image) for image in shown_images(committed)]
