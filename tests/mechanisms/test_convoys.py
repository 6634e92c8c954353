"""Aid convoys (humanitarian access) (``sim.agents.convoys``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.convoys import AidConvoys


class TestAidConvoys(MechanismContract):
    cls = AidConvoys
    DIRECTIONS = (
        ('mechanisms.humanitarian.obstruction', 0.0, 1.0, -1),   # survival falls
    )
