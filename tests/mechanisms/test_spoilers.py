"""Excluded factions (spoilers) (``sim.agents.spoiler``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.spoiler import SpoilerFaction


class TestSpoilerFaction(MechanismContract):
    cls = SpoilerFaction
    DIRECTIONS = (
        ('mechanisms.spoilers.activity', 0.0, 2.0, -1),   # survival falls
    )
