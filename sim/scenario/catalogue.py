"""The shipped scenarios: what there is (``ceasefire scenarios list``) and finding one by name.

A shipped scenario is named by its path under the shipped ``scenarios/`` folder without
``.yaml`` (``kerry_lavrov``, ``counterfactuals/with_penalties``,
``sweeps/patron_leverage``), so an installed ``ceasefire`` runs them without knowing
where the wheel put them; a path to an existing file always means that file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.scenario.counterfactuals import FOLDER
from sim.scenario.loading import read_yaml, resolve_extends
from sim.shipped import shipped

#: The scenario a surface opens when none is named (the app): the shipped reference. The
#: one place the package names a scenario; no code path depends on it.
DEFAULT = "kerry_lavrov"


@dataclass(frozen=True)
class Entry:
    """One shipped file: its short name, path, title (``name:``) and kind."""

    short: str      # 'counterfactuals/with_penalties'
    path: Path
    title: str
    kind: str       # 'scenario', 'counterfactual' or 'sweep'


def folder() -> Path:
    """The shipped scenarios' folder (in a checkout or inside an installed wheel)."""
    return shipped("scenarios")


def entries() -> list[Entry]:
    """Every shipped scenario, counterfactual and sweep, scenarios first, each by name."""
    root = folder()
    found = []
    for path in sorted(root.rglob("*.yaml"), key=lambda p: (len(p.relative_to(root).parts),
                                                             str(p))):
        own = read_yaml(path)
        title = resolve_extends(path)[0].get("name", path.stem)
        kind = "sweep" if "sweep" in own else \
            "counterfactual" if path.parent.name == FOLDER else "scenario"
        found.append(Entry(str(path.relative_to(root).with_suffix("")), path, str(title),
                           kind))
    return found


def find(name: str | Path) -> Path:
    """The file ``name`` means: itself if it exists, else the shipped scenario of that name
    (with or without ``.yaml``, with or without a leading ``scenarios/``); a name that is
    neither comes back as given, so loading it says the file was not found."""
    path = Path(name)
    if path.exists():
        return path
    short = Path(*path.parts[1:]) if path.parts[:1] == ("scenarios",) else path
    for candidate in (short, short.with_suffix(".yaml")):
        if str(candidate) not in ("", ".") and (folder() / candidate).is_file():
            return folder() / candidate
    return path
