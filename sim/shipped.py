"""Where the files shipped with the model are: the scenarios and the calibration's posterior.

In a checkout they sit beside the package (``scenarios/``, ``calibration/``); an
installed wheel carries copies inside it (``sim/_data/``, see ``pyproject.toml``), so
``ceasefire`` finds them wherever it was installed. The installed copy wins when both
exist: it is the one that belongs to the installed code.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
_ROOTS = (PACKAGE / "_data", PACKAGE.parent)


def shipped(relative: str) -> Path:
    """The shipped file or folder ``relative`` (e.g. ``"scenarios"``), installed or in the
    checkout; where neither has it, the checkout's path (which then does not exist)."""
    for root in _ROOTS:
        if (root / relative).exists():
            return root / relative
    return _ROOTS[-1] / relative
