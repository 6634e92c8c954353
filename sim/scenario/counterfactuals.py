"""Counterfactuals of a scenario: which files are its, and loading them beside it.

A counterfactual is a scenario file in the ``counterfactuals/`` folder beside the
scenario that ``extends:`` it and changes a few terms of the deal. The main job
compares the scenario with each of its counterfactuals, so the question "would this
change have helped?" is answered whenever the scenario is run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.scenario.loading import load_scenario, read_yaml, sets
from sim.scenario.schema import Scenario

#: The folder, beside a scenario file, that holds its counterfactuals.
FOLDER = "counterfactuals"


def counterfactuals_of(path: str | Path) -> list[Path]:
    """The files in ``counterfactuals/`` beside ``path`` whose ``extends:`` is ``path``
    itself (not a file that extends it in turn), sorted by name; sweep files (with a
    ``sweep:`` section) are not counterfactuals. A file there that cannot be read is a
    ScenarioError naming it."""
    path = Path(path).resolve()
    folder = path.parent / FOLDER
    if not folder.is_dir():
        return []
    found = []
    for file in sorted(folder.iterdir()):
        if file.suffix not in (".yaml", ".yml") or not file.is_file():
            continue
        data = read_yaml(file)
        parent = data.get("extends")
        if "sweep" not in data and isinstance(parent, str) and parent and \
                (file.parent / parent).resolve() == path:
            found.append(file)
    return found


def load_counterfactual(path: str | Path, overrides: dict[str, Any] | None = None
                        ) -> Scenario:
    """A counterfactual as the command line's ``--set`` overrides leave its base: they
    apply to it too, except where the file itself sets the value (its change wins), so it
    differs from the base as run by its own lines only."""
    own = read_yaml(Path(path))
    kept = {k: v for k, v in (overrides or {}).items() if not sets(own, k)}
    return load_scenario(path, kept)

