"""Penalties for violations: what a violation pinned on its author costs it.

Article: the deal "contained no explicit penalties". A penalty is a cost per
violation pinned on a party, so it weighs as far as monitoring pins violations on
their authors; it also deters a besieger from blocking convoys (``AidConvoys``).
"""

from __future__ import annotations

from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism


class PenaltyTerms(Strict):
    """``mechanisms.penalties``: explicit penalties for violations."""

    enabled: bool = param(True, "", "Switch penalties on or off.")
    strength: float = param(
        0.0, "value/day", "Cost to a party of a violation pinned on it, in units of a day's "
        "gain of fighting on a front. Article: 'contained no explicit penalties'.",
        source="the deal", ge=0, le=100)


class Penalties(Mechanism):
    """Explicit penalties: a cost per violation pinned on its author."""

    key, Terms = "penalties", PenaltyTerms
    encodes = (Encodes(
        "no penalties",
        "contained no explicit penalties",
        ("PartyFaction.weigh", "AidConvoys.run"),
        ("mechanisms.penalties.enabled", "mechanisms.penalties.strength",
         "mechanisms.monitoring.verification", "behaviour.monitoring.detection_base",
         "behaviour.party.blame_cost"),
        "Fighting on a front while the truce stands costs a party the penalty (0 in the "
        "reference: none) plus the cost of blame, times the chance its violations are pinned "
        "on it; penalties also deter a besieger from blocking convoys."),)

    @classmethod
    def pinned_cost(cls, sc) -> float:
        """The penalty of one violation pinned on its author (0 when switched off)."""
        pen = sc.mechanisms.penalties
        return pen.strength if pen.enabled else 0.0
