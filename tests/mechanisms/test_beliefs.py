"""Trust as belief (Observer) (``sim.agents.beliefs``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.beliefs import Observer


class TestObserver(MechanismContract):
    cls = Observer
    DIRECTIONS = (
        ('behaviour.beliefs.prior', 0.3, 0.7, +1),   # survival rises
    )
