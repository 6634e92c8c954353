"""Misidentified strikes (air forces) (``sim.agents.air``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.air import AirForce


class TestAirForce(MechanismContract):
    cls = AirForce
    DIRECTIONS = (
        ('behaviour.air.accident_rate', 0.0, 0.3, -1),   # survival falls
    )
