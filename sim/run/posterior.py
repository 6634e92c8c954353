"""The posterior sample of the behavioural constants: reading it, checking it, applying it.

The calibration (``sim.calibration.abc``, written by ``sim.calibration.posterior``) makes
an equally weighted sample of the constants under ``behaviour:`` (one row a draw, one
column a dotted path) with a manifest beside it. Every run uses it by default:
replication ``r`` takes draw ``r mod D`` (``D`` draws, at least ``REPLICATIONS_PER_DRAW``
replications each, so each draw's outcomes can be told apart), so its results carry the
uncertainty of the constants as well as of chance. ``--point`` runs at the posterior
median instead (the choice is ``sim.run.job.constants``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from sim import dotted
from sim.core.fields import is_opt_in
from sim.run.facts import drawn
from sim.scenario.loading import ScenarioError, read_text
from sim.scenario.schema import Behaviour, Scenario
from sim.shipped import shipped

#: The shipped sample, written by ``python run.py calibrate calibration/calibration.yaml``
#: (in a checkout or inside an installed wheel: ``sim.shipped``).
SHIPPED = shipped("calibration/posterior.csv")

#: A run spreads its replications over at most replications / this many draws.
REPLICATIONS_PER_DRAW = 20


@dataclass(frozen=True)
class Posterior:
    """Draws of behavioural constants: ``values[d, j]`` is constant ``paths[j]`` in draw d."""

    paths: tuple[str, ...]       # 'behaviour.party.noise', ...
    values: np.ndarray           # (D, P)
    source: str = ""
    #: The forms of behaviour it was calibrated under (``behaviour.beliefs.likelihood:
    #: complete``, ...): every draw runs under them (from its manifest's ``forms``).
    forms: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.values)

    def draw(self, d: int) -> dict[str, Any]:
        """Draw ``d``'s constants, with the forms it runs under."""
        return self.forms | dict(zip(self.paths, (float(v) for v in self.values[d]),
                                     strict=True))

    def median(self) -> dict[str, Any]:
        """The median of every constant, with the forms."""
        return self.forms | dict(zip(self.paths, (float(v) for v in np.median(self.values, 0)),
                                     strict=True))

    def used(self, replications: int) -> int:
        """How many draws a run of ``replications`` uses (its first ones)."""
        return max(1, min(self.size, replications // REPLICATIONS_PER_DRAW))

    def scenarios(self, scenario: Scenario, draws: int) -> list[Scenario]:
        """``scenario`` under each of the first ``draws`` draws; a constant the scenario sets
        itself (a file or ``--set``: a what-if, never a shipped scenario) keeps its value;
        an uncertain fact takes its value in that draw (``sim.run.facts``)."""
        own = explicit_behaviour(scenario)
        return [drawn(with_behaviour(scenario, {k: v for k, v in self.draw(d).items()
                                                if k not in own}), d)
                for d in range(draws)]

    def at_median(self, scenario: Scenario) -> Scenario:
        """``scenario`` at the posterior median of every constant it does not set itself."""
        own = explicit_behaviour(scenario)
        return with_behaviour(scenario, {k: v for k, v in self.median().items()
                                         if k not in own})


def explicit_behaviour(scenario: Scenario) -> set[str]:
    """The behavioural constants a scenario sets itself (not left to their defaults)."""
    b = scenario.behaviour
    return {f"behaviour.{block}.{name}" for block in b.model_fields_set
            for name in getattr(b, block).model_fields_set}


def with_behaviour(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """``scenario`` with the given behavioural constants (dotted paths), validated."""
    data = {"behaviour": scenario.behaviour.model_dump()}
    for path, value in values.items():
        dotted.assign(data, path, value)
    return scenario.model_copy(update={"behaviour": Behaviour.model_validate(data["behaviour"])})


def behaviour_paths() -> tuple[str, ...]:
    """Every behavioural constant, as a dotted path."""
    return tuple(f"behaviour.{block}.{name}"
                 for block, info in Behaviour.model_fields.items()
                 for name in info.annotation.model_fields)


#: Largest posterior sample read: the shipped one (300 draws) is 230 KiB, so this holds
#: about 100,000 draws, and a device or a stray huge file is refused before it fills memory.
MAX_POSTERIOR_BYTES = 64 << 20


def opt_in_paths() -> tuple[str, ...]:
    """The behavioural constants of new behaviours whose default is the old one
    (``param(..., opt_in=True)``): a calibration leaves them at their defaults unless it
    gives them a prior of their own."""
    return tuple(f"behaviour.{block}.{name}"
                 for block, info in Behaviour.model_fields.items()
                 for name, field in info.annotation.model_fields.items() if is_opt_in(field))


def load_posterior(path: str | Path) -> Posterior:
    """Read a posterior sample (CSV: a header of ``behaviour.*`` paths, a row per draw);
    any problem is a :class:`ScenarioError` naming the file, the column and what was
    expected."""
    path = Path(path)
    text = read_text(path, MAX_POSTERIOR_BYTES, "a posterior sample is a few MiB of CSV")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        raise ScenarioError(path, "rows", "a header of behaviour.* paths and at least one draw")
    paths = tuple(c.strip() for c in lines[0].split(","))
    known = set(behaviour_paths())
    for p in paths:
        if p not in known:
            raise ScenarioError(path, p, "a behavioural constant (behaviour.<block>.<name>); "
                                "see docs/parameters.md")
    if len(set(paths)) != len(paths):
        raise ScenarioError(path, "header", "each constant once")
    for d, ln in enumerate(lines[1:], start=2):
        if ln.count(",") != len(paths) - 1:
            raise ScenarioError(path, f"line {d}", f"{len(paths)} numbers, as in the header")
    try:
        values = np.array([[float(x) for x in ln.split(",")] for ln in lines[1:]])
    except ValueError as exc:
        raise ScenarioError(path, "rows", f"numbers only ({exc})") from None
    for j, p in enumerate(paths):
        if not np.all(np.isfinite(values[:, j])):
            raise ScenarioError(path, p, "finite numbers")
    forms = _forms(path, paths)
    for d in range(len(values)):
        try:
            with_behaviour(Scenario.model_construct(behaviour=Behaviour()),
                           forms | dict(zip(paths, values[d], strict=True)))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ScenarioError(path, "behaviour." + ".".join(map(str, err["loc"])),
                                f"{err['msg']} (draw {d + 1})") from None
    return Posterior(paths=paths, values=values, source=str(path), forms=forms)


def _forms(path: Path, paths: tuple[str, ...]) -> dict[str, Any]:
    """The forms a posterior was calibrated under: its manifest's ``forms`` (beside it, the
    same name with ``.json``), none if it has no manifest or the manifest names none."""
    manifest = path.with_suffix(".json")
    if not manifest.is_file():
        return {}
    try:
        forms = json.loads(read_text(manifest)).get("forms", {})
    except (json.JSONDecodeError, AttributeError) as exc:
        raise ScenarioError(manifest, "forms", f"a JSON object of the posterior's manifest "
                            f"({exc})") from None
    known = set(behaviour_paths())
    if not isinstance(forms, dict) or not set(forms) <= known - set(paths):
        raise ScenarioError(manifest, "forms", "behavioural constants (dotted paths) the "
                            "sample's columns do not hold, with their values")
    return forms
