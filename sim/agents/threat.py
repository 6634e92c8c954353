"""A guarantor's credible threat: a power threatens to retaliate against the other camp's
party if it violates the truce against the power's client.

history.md (research findings): "explicit third-party guarantees" lower the hazard of
renewed fighting (Fortna 2003, "Scraps of Paper?"; Fortna 2004, Peace Time); a costly,
credible commitment by an outside power makes the guarantee bite (Mattes and Savun 2010;
Walter 1997). The threat adds to a party's cost of violating on each front where it faces
the power's client while the client holds it: the threat's strength, times its
credibility (the power's commitment to the truce and the air power it would retaliate
with: facts), times the chance the violation is pinned on its author (the power must know
whom to punish). Where the client fights, the power does not retaliate on its behalf.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field

from sim.agents.monitoring import Monitoring
from sim.agents.penalties import attributed
from sim.agents.power import ExternalPower
from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism
from sim.core.stacking import Compiled


class ThreatTerms(Strict):
    """``mechanisms.threat``: a power's threat to retaliate on its clients' behalf."""

    by: str | None = Field(None, description="The power that threatens to retaliate "
                           "against the other camp's party if it violates the truce against "
                           "the power's clients (none: no threat).")
    strength: float = param(
        2.0, "value/day", "Cost to a party of the retaliation threatened, on a front where "
        "it violates against the power's client, at full credibility and attribution, in "
        "units of a day's gain of fighting on a front.",
        source="the deal (direction: Fortna 2003)", ge=0, le=100)

    def actors_named(self) -> dict[str, tuple[list[str], str | None]]:
        """The actors it names, by field, and the kind each must be."""
        return {"by": ([self.by] if self.by else [], "power")}


@dataclass(frozen=True)
class ThreatArrays(Compiled):
    """What the threat costs each party on each front where it faces the power's client."""

    cost: np.ndarray       # (A, G) strength x credibility where the counterpart is a client
    detection: np.ndarray  # chance a violation is pinned on its author (monitoring)


class GuarantorThreat(Mechanism):
    """A guarantor's threat: violating against its client costs the other camp's party."""

    key, Terms, optional = "threat", ThreatTerms, True
    compiles = (("threat", "constants", ThreatArrays),)
    encodes = (
        Encodes(
            "a guarantor's credible threat",
            "explicit third-party guarantees",
            ("GuarantorThreat.violation_cost", "PartyFaction.weigh"),
            ("mechanisms.threat.by", "mechanisms.threat.strength",
             "actors.<power>.commitment", "actors.<power>.air_power"),
            "A power's threat to retaliate against the other camp's party adds to that "
            "party's cost of violating on the fronts where it faces the power's client "
            "while the client holds them, scaled by the threat's credibility (the power's "
            "commitment and air power) and by the chance the violation is pinned on its "
            "author (Fortna 2003; Mattes and Savun 2010).",
            source="history"),
    )

    @staticmethod
    def credibility(sc, name: str) -> float:
        """How far a power's threat is believed, 0..1: its commitment to the truce (less
        what domestic opposition takes) times its air power (the means to retaliate)."""
        return ExternalPower.commitment(sc, name) * sc.actors[name].air_power

    @classmethod
    def constants(cls, sc, theatre) -> dict:
        terms = sc.mechanisms.threat
        cost = np.zeros((theatre.n_actors, theatre.n_regions))
        if terms is not None and terms.by is not None:
            power = theatre.index(terms.by)
            cp = theatre.counterpart
            client = (cp >= 0) & (theatre.patron[np.maximum(cp, 0)] == power)
            cost = client * terms.strength * cls.credibility(sc, terms.by)
        return {"cost": cost, "detection": Monitoring.detection(sc)}

    @classmethod
    def violation_cost(cls, party):
        """What the threat adds to the party's cost of violating on each front, (G, R): 0
        where it does not face the power's client, or the client fights there. history.md:
        "explicit third-party guarantees" (Fortna 2003)."""
        model = party.model
        if not cls.written(model):
            return 0.0
        k = model.compiled["threat"]
        cost = k.cost[party.index]
        if not np.any(cost):
            return 0.0
        cp = model.theatre.counterpart[party.index]
        holds = np.ones((len(cp), model.replications))
        for c in np.unique(cp[cp >= 0]):
            client = model.agent_of(int(c))
            if hasattr(client, "posture"):
                rows = cp == c
                holds[rows] = 1.0 - client.posture[rows]
        return cost * holds * attributed(model, k.detection)
