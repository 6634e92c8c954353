"""Separation (``sim.agents.separation``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.separation import Separation


class TestSeparation(MechanismContract):
    cls = Separation
    DIRECTIONS = (
        ('mechanisms.separation.initial', 0.0, 1.0, +1),   # survival rises
    )
