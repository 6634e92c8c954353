"""Patron pressure (``sim.agents.patron``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.patron import PatronPressure


class TestPatronPressure(MechanismContract):
    cls = PatronPressure
    DIRECTIONS = (
        ('mechanisms.patron_pressure.enabled', False, True, +1),   # survival rises
        ('actors.russia.leverage', 0.2, 1.0, +1),   # survival rises
    )
