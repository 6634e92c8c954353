"""Which agent class plays which actor of a scenario."""

from __future__ import annotations

from sim.agents.party import PartyFaction
from sim.agents.power import ExternalPower
from sim.agents.spoiler import SpoilerFaction

#: By an actor's role (``World.kind``).
CLASSES = {"party": PartyFaction, "spoiler": SpoilerFaction, "power": ExternalPower}
