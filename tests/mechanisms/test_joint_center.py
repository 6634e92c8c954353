"""The Joint Implementation Center (``sim.agents.joint_center``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.joint_center import JointCenter


class TestJointCenter(MechanismContract):
    cls = JointCenter
    DIRECTIONS = (
        ('mechanisms.jic.enabled', False, True, +1),   # survival rises
    )
