"""The charts' backend where they are files: the command line's and the app's page."""

from __future__ import annotations

import matplotlib


def files_backend() -> None:
    """Charts from the command line (and the app's page) are files, not windows:
    matplotlib's file backend, chosen here only (the API and notebooks keep theirs)."""
    matplotlib.use("Agg")
