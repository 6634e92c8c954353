"""Party factions (``sim.agents.party``): the mechanism contract, and the direction in which its
terms move 7-day survival on the reference scenario (``contract.direction``)."""

from __future__ import annotations

from contract import MechanismContract

from sim.agents.party import PartyFaction


class TestPartyFaction(MechanismContract):
    cls = PartyFaction
    DIRECTIONS = (
        ('behaviour.party.truce_value', 3.0, 9.0, +1),   # survival rises
        ('behaviour.party.declaration_cost', 1.0, 6.0, +1),   # survival rises
        ('behaviour.party.retaliation', 0.0, 1.0, -1),   # survival falls
    )
