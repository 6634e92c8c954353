"""The registry: every mechanism and agent kind of the model, in one list.

Adding a mechanism is writing its class (``sim.core.mechanism.Mechanism``: its terms,
constants, the sentence it encodes, its phases, contributions and records), its test,
and one line here. From these declarations come the scenario schema's ``mechanisms``
and ``behaviour`` blocks (``sim.scenario.schema``), the documentation
(``docs/mechanisms.md``, ``docs/parameters.md``), the day's order of sub-steps and the
terms of every party's weighing (``sim.model.model``). Order matters only where it is
the order of a sum: a party's weighing adds the contributions in this order.
"""

from __future__ import annotations

import textwrap

import numpy as np

from sim.agents.air import AirForce
from sim.agents.area import DealArea
from sim.agents.buffers import BufferZones
from sim.agents.commission import JointCommission
from sim.agents.counter_terror import CounterTerror
from sim.agents.beliefs import Observer
from sim.agents.convoys import AidConvoys
from sim.agents.front import Front
from sim.agents.intelligence import Intelligence
from sim.agents.joint_center import JointCenter
from sim.agents.monitoring import Monitoring
from sim.agents.observers import Observers
from sim.agents.party import PartyFaction
from sim.agents.patrols import JointPatrols
from sim.agents.patron import PatronPressure
from sim.agents.penalties import Penalties
from sim.agents.power import ExternalPower
from sim.agents.separation import Separation
from sim.agents.spoiler import SpoilerFaction
from sim.agents.threat import GuarantorThreat
from sim.core.mechanism import CONTRIBUTIONS, FRONT_FACTORS, PHASES, Mechanism

MECHANISMS: tuple[type[Mechanism], ...] = (
    JointCenter,        # the seven-day truce, then the JIC
    AidConvoys,         # humanitarian access
    Penalties,          # no penalties
    PatronPressure,     # Russia restrains Assad
    Separation,         # the US separates the opposition from Nusra
    Intelligence,       # intelligence sharing
    Observer,           # gaps of trust, the precedent
    Monitoring,         # mutual blame
    Observers,          # later truces: observers on the ground, by front
    JointCommission,    # later truces: disputed incidents resolved
    BufferZones,        # later truces: withdrawal from named fronts
    JointPatrols,       # later truces: joint patrols on named fronts
    DealArea,           # later truces: the fronts the deal covers
    GuarantorThreat,    # later truces: a guarantor's threat to retaliate
    CounterTerror,      # strikes on excluded groups on shared fronts
    SpoilerFaction,     # spoilers
    ExternalPower,      # the powers: their strikes, the JIC's promise
    AirForce,           # accidents
    PartyFaction,       # the parties: retaliation, declaration
    Front,              # fronts: fighting spreads
)

#: Which agent class plays which actor of a scenario, by its role.
CLASSES = {"party": PartyFaction, "spoiler": SpoilerFaction, "power": ExternalPower}


def declared(cls: type, name: str):
    """What a class declares in its own body (not what it inherits from another)."""
    return cls.__dict__.get(name, getattr(Mechanism, name, None))


def terms() -> dict[str, type]:
    """``mechanisms.<key>`` -> its terms block, in registry order."""
    return {declared(c, "key"): declared(c, "Terms") for c in MECHANISMS
            if declared(c, "key")}


def behaviours() -> dict[str, type]:
    """``behaviour.<key>`` -> its block of constants, in registry order."""
    return {declared(c, "behaviour_key"): declared(c, "Behaviour") for c in MECHANISMS
            if declared(c, "behaviour_key")}


def optional() -> set[str]:
    """The ``mechanisms.<key>`` blocks that are absent unless a scenario writes them."""
    return {declared(c, "key") for c in MECHANISMS
            if declared(c, "key") and declared(c, "optional")}


def unwritten_behaviours(scenarios) -> set[str]:
    """The ``behaviour.<key>`` blocks of optional mechanisms none of ``scenarios`` writes:
    their constants cannot act on those scenarios (a calibration on them cannot estimate
    them)."""
    return {declared(c, "behaviour_key") for c in MECHANISMS
            if declared(c, "optional") and declared(c, "behaviour_key")
            and all(getattr(s.mechanisms, declared(c, "key")) is None for s in scenarios)}


def optional_behaviours() -> dict[str, str]:
    """``mechanisms.<key>`` -> ``behaviour.<key>`` of the optional mechanisms with both."""
    return {declared(c, "key"): declared(c, "behaviour_key") for c in MECHANISMS
            if declared(c, "optional") and declared(c, "key") and declared(c, "behaviour_key")}


def front_weighing() -> dict[str, list[type[Mechanism]]]:
    """For each factor front by front, the mechanisms that contribute to it, in order."""
    return {name: [c for c in MECHANISMS if name in c.front_contributions()]
            for name in FRONT_FACTORS}


def front_factors(model, contributors: dict[str, list[type[Mechanism]]]) -> dict:
    """Today's factors front by front (``FRONT_FACTORS``): the product over the mechanisms
    that contribute each, ``(G, R)`` or ``(G, 1)``; ``None`` where none does today."""
    factors = {}
    for name, classes in contributors.items():
        factor = None
        for cls in classes:
            mine = getattr(cls, name)(model)
            if mine is not None:
                factor = np.asarray(mine, float) if factor is None else factor * mine
        factors[name] = None if factor is None else \
            (factor if factor.ndim == 2 else factor[:, None])
    return factors


def weighing() -> dict[str, list[type[Mechanism]]]:
    """For each term of a party's weighing, the mechanisms that contribute to it, in order."""
    return {term: [c for c in MECHANISMS if term in c.contributions()]
            for term in CONTRIBUTIONS}


def schedule() -> list[tuple[str, int, type, str]]:
    """Every declared (phase, rank, class, method), in the day's order."""
    order = {name: i for i, (name, _) in enumerate(PHASES)}
    rows = [(phase, rank, c, method) for c in MECHANISMS
            for phase, rank, method in declared(c, "phases") or ()]
    return sorted(rows, key=lambda r: (order[r[0]], r[1]))


def encoded():
    """Every sentence the model encodes (``Encodes``), class by class in registry order."""
    return tuple(e for c in MECHANISMS for e in declared(c, "encodes") or ())


#: The model's own part of a phase no class declares calls for.
MODEL_CALLS = {"declare": "CeasefireModel._declare",
               "perceive": "Monitoring.perceive, Observer.absorb",
               "record": "CeasefireModel._account", "close": "CeasefireModel._close_day"}


def day_schedule(indent: int = 0) -> str:
    """The day's order as a numbered list: each phase, what happens in it, and its calls."""
    calls: dict[str, list[str]] = {}
    for phase, _, cls, method in schedule():
        calls.setdefault(phase, []).append(f"``{cls.__name__}.{method}``")
    items = []
    for number, (phase, text) in enumerate(PHASES, 1):
        who = calls.get(phase) or [f"``{c.strip()}``" for c in MODEL_CALLS[phase].split(",")]
        items.append(f"{number}. {text} Calls: {', '.join(who)}.")
    pad = " " * indent
    return ("\n" + pad).join(textwrap.fill(item, 88 - indent, subsequent_indent="   ")
                             .replace("\n", "\n" + pad) for item in items)
