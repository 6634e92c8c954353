"""Intelligence sharing (``sim.agents.intelligence``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.intelligence import Intelligence


class TestIntelligence(MechanismContract):
    cls = Intelligence
    DIRECTIONS = (
        ('mechanisms.intelligence.domestic_opposition', 0.0, 0.8, -1),   # survival falls
    )
