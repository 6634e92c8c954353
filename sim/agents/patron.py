"""Patron pressure: a power restraining the factions it backs.

Article: the truce "depended largely on Russia successfully preventing Assad's forces
from indiscriminately bombing". A patron's pull on its client is its leverage times its
willingness (``ExternalPower.decide``): it scales down the client's undisciplined
violations and retaliation (``PartyFaction.plan``), holds back a besieger's blocking of
convoys (``AidConvoys.run``), and defying it costs the client ``patron_cost``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism

if TYPE_CHECKING:
    from sim.agents.party import PartyFaction
    from sim.model.theatre import Theatre
    from sim.scenario.schema import Scenario


class PatronPressureTerms(Strict):
    """``mechanisms.patron_pressure``: patrons restraining their clients."""

    enabled: bool = param(True, "", "Switch patron pressure on or off.")


class PatronPressure(Mechanism):
    """A patron's pull on its client: leverage x willingness."""

    key, Terms = "patron_pressure", PatronPressureTerms
    encodes = (Encodes(
        "Russia restrains Assad",
        "depended largely on Russia successfully preventing Assad’s forces from "
        "indiscriminately bombing",
        ("ExternalPower.decide", "PatronPressure.pull", "PartyFaction.plan",
         "PartyFaction.weigh"),
        ("actors.<power>.leverage", "actors.<power>.commitment",
         "mechanisms.patron_pressure.enabled", "actors.<party>.discipline",
         "behaviour.power.jic_pull", "behaviour.party.rogue_share",
         "behaviour.party.patron_cost"),
        "A patron's pull on its client is its leverage times its willingness (its "
        "commitment, raised by the JIC's promise as far as it trusts its partner): it scales "
        "down the client's undisciplined violations and retaliation, and defying it costs "
        "the client patron_cost."),)

    @staticmethod
    def leverage(sc: Scenario, theatre: Theatre, index: int) -> float:
        """The leverage of the patron of party ``index`` over it (0: none, or switched off)."""
        patron = theatre.patron[index]
        if not (sc.mechanisms.patron_pressure.enabled and patron >= 0):
            return 0.0
        return sc.actors[theatre.actors[patron]].leverage

    @classmethod
    def pull(cls, party: PartyFaction) -> np.ndarray:
        """Its patron's pressure on a party: leverage x the patron's willingness, (R,).

        Article: "depended largely on Russia successfully preventing Assad's forces from
        indiscriminately bombing"."""
        if party.patron_agent is None:
            return np.zeros(party.model.replications)
        return party.k.patron_leverage * party.patron_agent.willingness

    @classmethod
    def violation_cost(cls, party: PartyFaction) -> np.ndarray:
        """Defying its patron's pull costs a party ``patron_cost`` at full pressure."""
        return party.k.patron_cost * cls.pull(party)
