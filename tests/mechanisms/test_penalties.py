"""Penalties (``sim.agents.penalties``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.penalties import Penalties


class TestPenalties(MechanismContract):
    cls = Penalties
    DIRECTIONS = (
        ('mechanisms.penalties.strength', 0.0, 2.0, +1),   # survival rises
    )
