"""Which agent class plays which actor of a scenario."""

from __future__ import annotations

from sim.agents.party import PartyFaction
from sim.agents.power import ExternalPower
from sim.agents.spoiler import SpoilerFaction

CLASSES = {"party": PartyFaction, "spoiler": SpoilerFaction, "power": ExternalPower}


def agent_class(sc, world, index: int) -> type:
    return CLASSES[world.kind[index]]
