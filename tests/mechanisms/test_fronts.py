"""Fronts (``sim.agents.front``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.front import Front


class TestFront(MechanismContract):
    cls = Front
    DIRECTIONS = (
        ('behaviour.party.contagion', 0.0, 2.0, -1),   # survival falls
        ('behaviour.fronts.fighting_share', 0.3, 0.9, +1),   # survival rises
    )
