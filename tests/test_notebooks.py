"""The notebooks in ``notebooks/`` cannot rot: they are stored without outputs, and the
slow suite executes each from top to bottom in the project's environment.

Each runs in a fresh temporary working directory (a notebook must not depend on where it
is opened, nor leave files in the checkout), with a kernel that must be this
environment's Python: ``python3`` is ipykernel's own kernel spec, which runs
``sys.executable`` of the process that starts it, i.e. ``.venv``'s under ``uv run``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))

#: Seconds a notebook may take, cell by cell, on this shared 2-core machine; the slowest
#: (03, a Latin hypercube and a Sobol' design) measured about 25 s in all.
TIMEOUT = 180


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01_kerry_lavrov.ipynb", "02_sweep.ipynb",
                                           "03_when_does_it_survive.ipynb", "04_story.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path):
    """Outputs in git are diffs nobody reviews, and stale the moment the model changes."""
    book = nbformat.read(path, as_version=4)
    for i, cell in enumerate(book.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {i} stores outputs"
            assert cell.execution_count is None, f"{path.name}: cell {i} has an execution count"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path):
    from nbclient import NotebookClient
    book = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell("import sys; print(sys.executable)")
    book.cells.append(probe)
    NotebookClient(book, timeout=TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    ran_in = book.cells[-1].outputs[0]["text"].strip()
    assert Path(ran_in).parent == Path(sys.executable).parent, \
        f"{path.name} ran in {ran_in}, not in this environment ({sys.executable})"
    assert list(tmp_path.iterdir()) == [], "a notebook left files behind"


RENDERED = Path(__file__).parent.parent / "docs" / "notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_rendered_copy_holds_its_source_with_outputs(path):
    """``docs/notebooks/`` holds each notebook executed (``tools/render_notebooks.py``), for
    reading on the web: the same cells as its source, in order, and their outputs, figures
    included. A notebook changed without rendering it again fails here."""
    rendered = RENDERED / path.name
    assert rendered.is_file(), f"run: uv run python tools/render_notebooks.py {path.stem}"
    source, copy = (nbformat.read(p, as_version=4) for p in (path, rendered))
    assert [(c.cell_type, c.source) for c in copy.cells] == \
        [(c.cell_type, c.source) for c in source.cells], \
        f"{rendered} is stale: uv run python tools/render_notebooks.py {path.stem}"
    code = [c for c in copy.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "a cell was not executed"
    assert not any(o.get("output_type") == "error" for c in code for o in c.outputs)
    assert any(c.outputs for c in code), "no output in the rendered copy"
    if any(".plot(" in c.source for c in code):     # a notebook that draws shows its figures
        assert any("image/png" in o.get("data", {}) for c in code for o in c.outputs), \
            "no figure in the rendered copy"
