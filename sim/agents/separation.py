"""Separation: a party's fighters drawing apart from an excluded faction they are intermixed
with, at a pace set by its patron.

Article: "the US was to persuade the opposition groups it backed to distance themselves
from the Nusra forces". What is not yet separated (``regions.<region>.marbling`` times
what is left) lets spoiler attacks pass for the party's (``Monitoring.perceive``) and
turns strikes on the spoilers into hits on the party (``AirForce.misidentified_strikes``).
The advance itself is the party's (``PartyFaction.separate``), each day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism

if TYPE_CHECKING:
    from sim.agents.party import PartyFaction
    from sim.scenario.schema import Scenario


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

    @staticmethod
    def rate(sc: Scenario, actor) -> float:
        """Progress a day of a party intermixed with an excluded faction, at its patron's
        full pull (0 for one that is not, or with separation switched off)."""
        sep = sc.mechanisms.separation
        return sep.rate_per_day if sep.enabled and actor.intermixed_with else 0.0

    @staticmethod
    def initial(sc: Scenario, actor) -> float:
        return sc.mechanisms.separation.initial if actor.intermixed_with else 0.0

    @staticmethod
    def advance(party: PartyFaction) -> None:
        """A day's separation from the excluded faction a party is intermixed with, at a pace
        set by its patron's leverage and willingness. Article: "the US was to persuade the
        opposition groups it backed to distance themselves from the Nusra forces"."""
        patron = party.patron_agent
        if patron is None:
            return
        effort = party.k.separation_rate * patron.k.leverage * patron.willingness
        party.separation = party.separation + effort * (1.0 - party.separation)

    @staticmethod
    def mean(intermixed: list, replications: int) -> np.ndarray:
        """How far marbled fighters are separated in each world, (R,): the mean over the
        parties intermixed with an excluded faction."""
        if not intermixed:
            return np.zeros(replications)
        return np.mean([p.separation for p in intermixed], axis=0)
