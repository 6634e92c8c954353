"""Execute the notebooks of ``notebooks/`` and store them, with their outputs, in
``docs/notebooks/``, for reading on the web (GitHub shows an executed notebook's figures).

    uv run python tools/render_notebooks.py            # all four, about a minute
    uv run python tools/render_notebooks.py 02_sweep   # one

The notebooks in ``notebooks/`` stay without outputs (``tests/test_notebooks.py``); the
rendered copies are outputs of the model, so re-render them when it changes:
``tests/test_notebooks.py`` checks that each rendered copy holds exactly its source's
cells, with outputs. Each runs as the tests run it: a fresh temporary working directory,
this environment's kernel, no timing metadata (so an unchanged result is an unchanged
file, except where the model's own output differs).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "notebooks"
RENDERED = ROOT / "docs" / "notebooks"
#: Seconds a cell may take (as in tests/test_notebooks.py).
TIMEOUT = 180


def render(source: Path, target: Path) -> None:
    """Execute ``source`` top to bottom and write it, outputs included, to ``target``."""
    book = nbformat.read(source, as_version=4)
    with tempfile.TemporaryDirectory() as work:
        NotebookClient(book, timeout=TIMEOUT, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": work}}).execute()
    book.metadata.pop("widgets", None)      # widget state: large, and nothing shows it
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(book, target)


def main(names: list[str]) -> int:
    chosen = [SOURCES / f"{n.removesuffix('.ipynb')}.ipynb" for n in names] or \
        sorted(SOURCES.glob("*.ipynb"))
    for source in chosen:
        if not source.is_file():
            print(f"error: {source}: no such notebook", file=sys.stderr)
            return 2
        render(source, RENDERED / source.name)
        print(f"rendered {source.relative_to(ROOT)} -> {(RENDERED / source.name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
