"""Penalties for violations: what a violation pinned on its author costs it.

Article: the deal "contained no explicit penalties". A penalty is a cost per
violation pinned on a party, so it weighs as far as monitoring pins violations on
their authors; it also deters a besieger from blocking convoys (``AidConvoys``).

By default (no ``enforcer``, ``per: front_day``) the penalty is automatic and perfectly
credible, charged for each day a party fights on a front. Written with an ``enforcer``
(a power) or ``per: violation``, it is a penalty someone must impose: history.md notes
"No concrete enforcement mechanism" in September; its expected cost scales with the
enforcer's commitment to the truce (its willingness to impose it; 1 with no enforcer)
and with the share of violations pinned on the violator (attribution, with observers
and patrols where they are), and with ``per: violation`` it is charged per attributed
violation: the rate of the party's own violations on a front when it fights there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field

from sim.agents.monitoring import Monitoring
from sim.agents.power import ExternalPower
from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism
from sim.core.stacking import Compiled


def attributed(model, detection) -> np.ndarray:
    """The chance a violation on each front is pinned on its author today, (G, R) or
    scalar: monitoring's ``detection``, raised where observers or patrols miss less
    (``model.factors["missed"]``)."""
    missed = model.factors["missed"]
    return detection if missed is None else 1.0 - (1.0 - detection) * missed


class PenaltyTerms(Strict):
    """``mechanisms.penalties``: explicit penalties for violations."""

    enabled: bool = param(True, "", "Switch penalties on or off.")
    strength: float = param(
        0.0, "value/day", "Cost to a party of a violation pinned on it, in units of a day's "
        "gain of fighting on a front (with per: violation, per attributed violation). "
        "Article: 'contained no explicit penalties'.",
        source="the deal", ge=0, le=100)
    enforcer: str | None = Field(
        None, exclude_if=lambda v: v is None, description="The power that must impose "
        "the penalty: its expected cost scales with the power's commitment. Absent: "
        "automatic and perfectly credible (the default).")
    per: Literal["front_day", "violation"] = Field(
        "front_day", exclude_if=lambda v: v == "front_day", description="What is charged: "
        "each day a party fights on a front (front_day, the default), or each of its "
        "violations there pinned on it (violation).")

    def actors_named(self) -> dict[str, tuple[list[str], str | None]]:
        """The actors it names, by field, and the kind each must be."""
        return {"enforcer": ([self.enforcer] if self.enforcer else [], "power")}

    @property
    def enforced(self) -> bool:
        """Written in its opt-in form (an enforcer, or charged per violation)."""
        return self.enforcer is not None or self.per == "violation"


@dataclass(frozen=True)
class PenaltyArrays(Compiled):
    """The enforced form's expected cost (zero in the default form)."""

    cost: np.ndarray        # strength x the enforcer's willingness, when enforced
    per_violation: np.ndarray  # 1: charged per attributed violation, 0: per front-day
    detection: np.ndarray   # chance a violation is pinned on its author (monitoring)


class Penalties(Mechanism):
    """Explicit penalties: a cost per violation pinned on its author."""

    key, Terms = "penalties", PenaltyTerms
    compiles = (("penalties", "constants", PenaltyArrays),)
    encodes = (Encodes(
        "no penalties",
        "contained no explicit penalties",
        ("PartyFaction.weigh", "AidConvoys.run"),
        ("mechanisms.penalties.enabled", "mechanisms.penalties.strength",
         "mechanisms.monitoring.verification", "behaviour.monitoring.detection_base",
         "behaviour.party.blame_cost"),
        "Fighting on a front while the truce stands costs a party the penalty (0 in the "
        "reference: none) plus the cost of blame, times the chance its violations are pinned "
        "on it; penalties also deter a besieger from blocking convoys."),
        Encodes(
        "penalties that need an enforcer",
        "No concrete enforcement mechanism",
        ("Penalties.violation_cost", "PartyFaction.weigh"),
        ("mechanisms.penalties.enforcer", "mechanisms.penalties.per",
         "mechanisms.penalties.strength", "actors.<power>.commitment"),
        "Written with an enforcer or per violation, a penalty is only as likely as the "
        "enforcer is willing to impose it (its commitment) and the violation is pinned on "
        "its author; per violation, it is charged on the party's own violations on a front "
        "when it fights there, not per front-day.",
        source="history"),)

    @classmethod
    def pinned_cost(cls, sc) -> float:
        """The penalty of one violation pinned on its author (0 when switched off, or in
        its enforced form, which ``violation_cost`` charges)."""
        pen = sc.mechanisms.penalties
        return pen.strength if pen.enabled and not pen.enforced else 0.0

    @classmethod
    def enforced_cost(cls, sc) -> float:
        """The enforced penalty of one violation pinned on its author: strength x its
        enforcer's commitment (0 in the automatic form, which ``pinned_cost`` gives, or
        switched off). What an enforcer would impose for a blocked convoy, for one."""
        pen = sc.mechanisms.penalties
        if not (pen.enabled and pen.enforced):
            return 0.0
        will = 1.0 if pen.enforcer is None else ExternalPower.commitment(sc, pen.enforcer)
        return pen.strength * will

    @classmethod
    def constants(cls, sc, theatre) -> dict:
        pen = sc.mechanisms.penalties
        cost = cls.enforced_cost(sc)
        return {"cost": cost, "per_violation": float(pen.per == "violation"),
                "detection": Monitoring.detection(sc)}

    @classmethod
    def violation_cost(cls, party):
        """The enforced penalty's expected cost of fighting on each front, (G, R): strength
        x the enforcer's commitment x attribution there, times (per violation) the party's
        own violations a day there at war tempo; 0 in the default form. history.md: "No
        concrete enforcement mechanism"."""
        k = party.model.compiled["penalties"]
        if not np.any(k.cost):
            return 0.0
        rate = party.k.war_rate * party.k.front_weight
        charged = k.per_violation * rate + (1.0 - k.per_violation)
        return k.cost * charged * attributed(party.model, k.detection)
