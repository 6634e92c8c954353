"""Separation: a party's fighters drawing apart from an excluded faction they are intermixed
with, at a pace set by its patron.

Article: "the US was to persuade the opposition groups it backed to distance themselves
from the Nusra forces". What is not yet separated (``regions.<region>.marbling`` times
what is left) lets spoiler attacks pass for the party's (``Monitoring.perceive``) and
turns strikes on the spoilers into hits on the party (``AirForce.misidentified_strikes``).
The advance itself is the party's (``PartyFaction.separate``), each day.
"""

from __future__ import annotations

from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism


class SeparationTerms(Strict):
    """``mechanisms.separation``: separating party fighters from excluded ones."""

    enabled: bool = param(True, "", "Switch separation efforts on or off.")
    initial: float = param(0.0, "share", "Share of marbling undone at the start.",
                           source="fact", ge=0, le=1)
    rate_per_day: float = param(
        0.05, "share/day", "Progress per day at its patron's full leverage and willingness.",
        source="the deal", ge=0, le=1)


class Separation(Mechanism):
    """Separating party fighters from excluded ones."""

    key, Terms = "separation", SeparationTerms
    encodes = (
        Encodes(
            "US separates opposition from Nusra",
            "the US was to persuade the opposition groups it backed to distance themselves from "
            "the Nusra forces",
            ("PartyFaction.separate", "Monitoring.perceive", "AirForce.misidentified_strikes"),
            ("mechanisms.separation.enabled", "mechanisms.separation.initial",
             "mechanisms.separation.rate_per_day", "actors.<party>.intermixed_with",
             "regions.<region>.marbling", "actors.<power>.leverage", "behaviour.air.collateral"),
            "Separation progresses daily with the patron's leverage and willingness; marbling "
            "not yet undone lets spoiler attacks pass for the party's and raises the rate of "
            "misidentified strikes."),
    )
