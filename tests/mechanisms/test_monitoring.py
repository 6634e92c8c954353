"""Monitoring and attribution (``sim.agents.monitoring``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.monitoring import Monitoring


class TestMonitoring(MechanismContract):
    cls = Monitoring
    DIRECTIONS = (
        ('mechanisms.monitoring.verification', 0.0, 0.6, +1),   # survival rises
        ('behaviour.monitoring.bias', 0.3, 0.8, -1),   # survival falls
    )
