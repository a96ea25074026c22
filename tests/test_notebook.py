"""The notebook docs/notebooks/compare-scenarios.ipynb runs from start to end and shows what it promises.

It is executed with nbclient on the "python3" kernel in a temporary folder (so it relies on no file of the
repository and leaves none behind). The stored notebook carries no outputs, so the repository stays small.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebooks" / "compare-scenarios.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> nbformat.NotebookNode:
    """The notebook after running every cell in a temporary folder."""
    folder = tmp_path_factory.mktemp("notebook")
    shutil.copy(NOTEBOOK, folder / NOTEBOOK.name)
    notebook = nbformat.read(folder / NOTEBOOK.name, as_version=4)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    client.execute()  # raises CellExecutionError if any cell fails
    assert sorted(p.name for p in folder.iterdir()) == [NOTEBOOK.name], "the notebook left files behind"
    return notebook


def _outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]


def _text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for out in _outputs(notebook):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def test_stored_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "clear the notebook's outputs"


def test_runs_without_errors(executed) -> None:
    assert not [out for out in _outputs(executed) if out.get("output_type") == "error"]
    codes = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in codes)


def test_shows_a_figure(executed) -> None:
    images = [out for out in _outputs(executed) if "image/png" in out.get("data", {})]
    assert len(images) == 1


def test_shows_tables(executed) -> None:
    tables = [out["data"]["text/html"] for out in _outputs(executed) if "text/html" in out.get("data", {})]
    assert len(tables) >= 4 and all("<table" in t for t in tables)
    text = _text(executed)
    for expected in ("Coup attempts", "no-external-funding", "difference"):
        assert expected in text


def test_shows_the_story_and_counts(executed) -> None:
    text = _text(executed)
    assert "Batch('baseline', 500 replications)" in text
    assert re.search(r"^coup attempts: \+\d+\.\d\d per run \[\+", text, re.M), "no paired difference with an interval"
    assert re.search(r"^20\d\d-\d\d [A-Z][^:]+: .*coup", text, re.M), "no event-log line about a coup"
    assert "'total': 400" in text and "'done': 400" in text
