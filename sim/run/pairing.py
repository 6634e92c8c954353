"""How two scenarios of a comparison are paired, and which fields decide it.

- **In one model** (side by side): scenarios with the same structure (actors, regions,
  camps, who meets whom, sieges: ``sim.model.model.frame``) and the same geometry the
  model reads from its first scenario (presences, neighbours). Replication r of each
  runs on the same random numbers: every stream is paired.
- **In a model of its own, on the same seed**: a scenario that differs in the
  conflict's facts (a siege, a presence, an actor or region more or less). Its blocks,
  seeds and posterior draws are those of the base, and every random stream is named
  after its agent and process (``sim.core.streams``: ``government.acts``,
  ``convoys.convoys``), so the streams both scenarios draw in the same shape give them
  the same numbers: they are paired by name (a keyed stream, by day, sub-step, world
  and row, e.g. a siege's index). Streams the change reshapes (a siege more draws more
  convoy rows) or adds are not; ``pairing`` says which.
- **Not at all**: scenarios whose outcomes mean different things, because they differ
  in time (steps, the truce's duration, the horizon) or in the de facto window that
  defines a collapse. ``incomparable`` names the fields.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.model import CeasefireModel, frame
from sim.model.theatre import Theatre
from sim.scenario.schema import Scenario

#: Fields whose difference makes two scenarios' outcomes incomparable.
OUTCOME_FIELDS = ("time.step_hours", "time.duration_days", "time.horizon_days",
                  "outcomes.de_facto_window_days")
#: Fields of an actor that decide the structure (its kind, side and intermixing).
ACTOR_FACTS = ("kind", "party", "patron", "intermixed_with")


def _value(sc: Scenario, dotted: str):
    node = sc
    for key in dotted.split("."):
        node = getattr(node, key)
    return node


def incomparable(base: Scenario, others: list[Scenario]
                 ) -> tuple[int, list[tuple[str, float, float]]] | None:
    """The index of the first of ``others`` that cannot be compared with ``base`` and its
    differing fields as (field, its value, the base's); None if all can."""
    for i, other in enumerate(others):
        fields = [(f, _value(other, f), _value(base, f)) for f in OUTCOME_FIELDS
                  if _value(other, f) != _value(base, f)]
        if fields:
            return i, fields
    return None


def refusal(fields: list[tuple[str, float, float]], base: str) -> tuple[str, str]:
    """(field, message) of a refused comparison, for a ScenarioError: the first differing
    field, the others in the message, and why."""
    (field, here, there), *rest = fields
    also = "".join(f", {f} {a:g} against {b:g}" for f, a, b in rest)
    return field, (f"{here:g} here, {there:g} in {base}{' (also' + also[1:] + ')' if rest else ''}"
                   ": cannot be compared with it, for outcomes are read over the time and "
                   "the de facto window, which scenarios compared must share")


def shares_model(base: Scenario, other: Scenario) -> bool:
    """Whether ``other`` can run in ``base``'s model, side by side: the same frame and the
    same geometry the model takes from its first scenario."""
    a, b = Theatre.of(base), Theatre.of(other)
    return (frame(base, a) == frame(other, b) and np.array_equal(a.presence, b.presence)
            and np.array_equal(a.adjacency, b.adjacency))


def differences(base: Scenario, other: Scenario) -> list[str]:
    """The facts of the conflict in which ``other`` differs from ``base``, as dotted fields
    (``regions.idlib.besieged_by``, ``actors.turkey`` for an actor only one has)."""
    a, b = _facts(base), _facts(other)
    found: list[str] = []
    for key in sorted(a.keys() | b.keys(), key=_order(a, b)):
        entry = ".".join(key.split(".")[:2])
        if a.get(key) == b.get(key) or key in ("actors", "regions") or \
                (entry != key and entry in found):      # an entry only one has: once
            continue
        found.append(key)
    for kind in ("actors", "regions"):       # the same names in another order
        if a[kind] != b[kind] and set(a[kind]) == set(b[kind]):
            found.append(f"{kind} (their order)")
    return found


def _order(a: dict, b: dict):
    keys = list(a) + [k for k in b if k not in a]
    return keys.index


def _facts(sc: Scenario) -> dict[str, object]:
    facts: dict[str, object] = {}
    for name, actor in sc.actors.items():
        facts[f"actors.{name}"] = True
        for f in ACTOR_FACTS:
            facts[f"actors.{name}.{f}"] = getattr(actor, f, None)
    for name, region in sc.regions.items():
        facts[f"regions.{name}"] = True
        facts[f"regions.{name}.neighbours"] = tuple(sorted(region.neighbours))
        facts[f"regions.{name}.besieged_by"] = region.besieged_by
        for who, share in region.presence.items():
            if share:
                facts[f"regions.{name}.presence.{who}"] = share
    facts["actors"], facts["regions"] = tuple(sc.actors), tuple(sc.regions)   # their order
    return facts


@dataclass(frozen=True)
class Pairing:
    """How a scenario compared with a base is paired with it."""

    together: bool                  # in the base's model: every random number paired
    differs: tuple[str, ...] = ()   # the facts it differs in (in a model of its own)
    paired: tuple[str, ...] = ()    # streams paired by name (in a model of its own)
    unpaired: tuple[str, ...] = ()  # streams only one draws, or draws in another shape

    def note(self) -> str:
        """In words, for the summary; empty when it ran side by side."""
        if self.together:
            return ""
        shown = ", ".join(f"`{f}`" for f in self.differs[:4])
        more = f" and {len(self.differs) - 4} more" if len(self.differs) > 4 else ""
        total = len(self.paired) + len(self.unpaired)
        text = (f"It differs in the conflict's facts ({shown}{more}), so it ran in a model of "
                "its own on the same seed, blocks and posterior draws; its random streams are "
                f"paired by name: {len(self.paired)} of {total} streams")
        if self.unpaired:
            listed = ", ".join(f"`{s}`" for s in self.unpaired[:6])
            extra = f" and {len(self.unpaired) - 6} more" if len(self.unpaired) > 6 else ""
            text += (f" (not paired, as the change reshapes or adds them: {listed}{extra})")
        return text


def pairing(base: Scenario, other: Scenario, seed: int) -> Pairing:
    """How ``other`` is paired with ``base`` when compared on ``seed``: side by side, or in
    a model of its own with the streams both draw in the same shape paired by name (found
    by running each for one replication to its horizon)."""
    if shares_model(base, other):
        return Pairing(True)
    a, b = _streams(base, seed), _streams(other, seed)
    paired = tuple(sorted(n for n in a.keys() & b.keys() if a[n] == b[n]))
    unpaired = tuple(sorted((a.keys() | b.keys()) - set(paired)))
    return Pairing(False, tuple(differences(base, other)), paired, unpaired)


def _streams(scenario: Scenario, seed: int) -> dict[str, tuple[int, ...]]:
    model = CeasefireModel(scenario, replications=1, rng=seed, record_daily=False)
    while model.running:
        model.step()
    return model.streams.drawn()
