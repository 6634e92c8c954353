"""One-at-a-time probes: does an answer hang on one value?

Each probed value (a fact or term of the scenario, or a behavioural constant) is set to
x0.5, x0.9, x1.1 and x1.5 of what it is (clipped to its declared range) while every
other value stays as it is; all the variants run beside the unchanged scenario on the
same replications, seeds and posterior draws, so each difference is paired: it is the
value's, not sampling noise (``sim.analysis.comparison``).

- ``fact_paths(scenario)``: the numeric facts and terms a scenario states (actors,
  regions, mechanisms, the precedent, harm); not ``time`` and ``outcomes``, which frame
  the run and define its outcomes rather than state a fact;
- ``constant_paths()``: every numeric behavioural constant (``behaviour.*``);
- ``plan(file, paths, ...)``: every variant, validated before anything runs;
  ``run(plan, ...)``: the probes, ranked by the largest move.

A variant whose structure or geometry differs from the scenario's (any presence
scaled: the model reads presences and front weights from its first scenario,
``sim.run.pairing.shares_model``) cannot share its model; it runs alone on the same
seeds and draws, its streams paired by name (``sim.core.streams``), and is marked so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim import dotted
from sim.analysis.comparison import Comparison, compare
from sim.run.experiment import run_compared
from sim.run.pairing import shares_model
from sim.run.job import Constants
from sim.scenario.loading import load_scenario
from sim.scenario.schema import KIND_PARAMS, Behaviour, Scenario

FACTORS = (0.5, 0.9, 1.1, 1.5)
#: Blocks of a scenario that are not probed: they frame the run (its days and hours)
#: and define its outcomes, or they are the behaviour (probed as constants).
NOT_FACTS = ("name", "description", "time", "outcomes", "behaviour", "key_pairs", "notes")


@dataclass(frozen=True)
class Probed:
    """One value probed: ``values`` at each factor of ``FACTORS`` (clipped to the declared
    range), ``effects`` the paired comparison of each with the unchanged scenario (None
    where clipping left the value as it is), ``alone`` the factors whose variant ran in a
    model of its own (a different structure)."""

    path: str
    kind: str                  # "fact" or "constant"
    value: float
    values: tuple[float, ...]
    effects: tuple[Comparison | None, ...]
    alone: tuple[float, ...] = ()

    def _move(self, factors: tuple[float, ...]) -> float:
        moves = [abs(e.survival.difference) for f, e in zip(FACTORS, self.effects, strict=True)
                 if f in factors and e is not None]
        return max(moves, default=0.0)

    @property
    def move_10(self) -> float:
        """The largest change of survival (a share) at x0.9 or x1.1."""
        return self._move((0.9, 1.1))

    @property
    def move_50(self) -> float:
        """The largest change of survival (a share) at x0.5 or x1.5."""
        return self._move((0.5, 1.5))


def _numeric(value) -> bool:
    return isinstance(value, float | int) and not isinstance(value, bool)


def fact_paths(scenario: Scenario) -> list[str]:
    """Every non-zero numeric fact or term the scenario states, by dotted path (a zero
    scaled stays zero: it is listed by ``zero_facts``)."""
    return [p for p, v in _facts(scenario).items() if v != 0]


def zero_facts(scenario: Scenario) -> list[str]:
    """The numeric facts and terms at zero, which a factor cannot move."""
    return [p for p, v in _facts(scenario).items() if v == 0]


def _facts(scenario: Scenario) -> dict[str, float]:
    data = scenario.model_dump(mode="python")
    data["actors"] = {name: {k: v for k, v in fields.items()   # what applies to its kind
                             if k in KIND_PARAMS[scenario.actors[name].role].model_fields}
                      for name, fields in data["actors"].items()}
    leaves = dotted.leaves({k: v for k, v in data.items() if k not in NOT_FACTS})
    return {p: float(v) for p, v in leaves.items()
            if _numeric(v) and dotted.field(Scenario, p).annotation is float}


def constant_paths() -> list[str]:
    """Every numeric behavioural constant."""
    return [f"behaviour.{block}.{name}" for block, info in Behaviour.model_fields.items()
            for name, inner in info.annotation.model_fields.items() if inner.annotation is float]


def bounds(path: str) -> tuple[float, float]:
    """The declared range of a value (-inf / inf where it has none)."""
    lo, hi = -np.inf, np.inf
    for meta in dotted.field(Scenario, path).metadata:
        for name in ("ge", "gt"):
            if getattr(meta, name, None) is not None:
                lo = float(getattr(meta, name))
        if getattr(meta, "le", None) is not None:
            hi = float(meta.le)
        if getattr(meta, "lt", None) is not None:
            hi = float(meta.lt)
    return lo, hi


def _scaled(value: float, path: str, factor: float) -> float:
    lo, hi = bounds(path)
    return float(np.clip(value * factor, lo, hi))


@dataclass(frozen=True)
class Plan:
    """The variants of a probe, built and validated before anything runs: ``base`` (the
    scenario as it runs), and for each path its value and the (factor, variant) pairs
    whose value clipping did not leave as it is."""

    base: Scenario
    paths: tuple[tuple[str, float, tuple[tuple[float, int], ...]], ...]
    variants: tuple[Scenario, ...]

    @property
    def worlds(self) -> int:
        """Scenarios run per replication: the base and every variant."""
        return 1 + len(self.variants)


def plan(file: str | Path, paths: list[str], constants: Constants,
         overrides: dict | None = None) -> Plan:
    """Every variant of ``paths`` for the scenario of ``file`` (with ``overrides``), each
    loaded and validated as a file with that override would be (a ``ScenarioError`` names
    the path). A behavioural constant is probed at the posterior median (``constants``
    with ``point``): under draws, a constant the variant sets would not vary with the draw
    while the scenario's does."""
    if constants.draws is not None and any(p.startswith("behaviour.") for p in paths):
        raise ValueError("behavioural constants are probed at the posterior median: "
                         "give constants with point=True")
    overrides = dict(overrides or {})
    base = constants.apply([load_scenario(file, overrides)])[0]
    planned, variants = [], []
    for path in paths:
        value = float(dotted.get(base, path))
        todo = []
        for factor in FACTORS:
            new = _scaled(value, path, factor)
            if new != value:
                todo.append((factor, len(variants)))
                variants.append(constants.apply([load_scenario(file, overrides | {path: new})])[0])
        planned.append((path, value, tuple(todo)))
    return Plan(base, tuple(planned), tuple(variants))


def run(planned: Plan, replications: int, seed: int, constants: Constants,
        progress: Callable[[float], None] | None = None) -> tuple[float, list[Probed]]:
    """Run a plan's variants beside its base: the base's survival to its duration, and the
    probes ranked by the largest move at ±10%, then at ±50%."""
    base, variants = planned.base, planned.variants
    alone = [not shares_model(base, v) for v in variants]
    together = [i for i, a in enumerate(alone) if not a]
    results = run_compared([base, *(variants[i] for i in together)], replications, seed,
                           progress=progress, record_daily=False, posterior=constants.draws)
    ran = dict(zip(together, results[1:], strict=True))
    for i in (i for i, a in enumerate(alone) if a):   # a structure of its own: same seeds
        ran[i] = run_compared([variants[i]], replications, seed, record_daily=False,
                              posterior=constants.draws)[0]
    labels = {i: f"{path} x{factor:g}" for path, _, todo in planned.paths for factor, i in todo}
    effects = compare(results[0], [(ran[i], labels[i], "") for i in range(len(variants))])
    out = []
    for path, value, todo in planned.paths:
        by_factor = {factor: effects[i] for factor, i in todo}
        out.append(Probed(path, "constant" if path.startswith("behaviour.") else "fact",
                          value, tuple(_scaled(value, path, f) for f in FACTORS),
                          tuple(by_factor.get(f) for f in FACTORS),
                          tuple(f for f, i in todo if alone[i])))
    out.sort(key=lambda p: (-p.move_10, -p.move_50, p.path))
    return float(results[0].survived.mean()), out
