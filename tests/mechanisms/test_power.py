"""External powers (``sim.agents.power``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.power import ExternalPower


class TestExternalPower(MechanismContract):
    cls = ExternalPower
    DIRECTIONS = (
        ('actors.russia.commitment', 0.1, 0.8, +1),   # survival rises
        ('actors.united_states.commitment', 0.2, 1.0, +1),   # survival rises
        ('actors.russia.jic_value', 0.0, 1.0, +1),   # survival rises
    )
