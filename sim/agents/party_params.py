"""What a scenario says of a party faction (``actors.<name>``): the facts the party
classes read (``PartyFaction.Params``)."""

from __future__ import annotations

from sim.core.fields import Strict, param


class PartyParams(Strict):
    """What a scenario says of a party faction (``actors.<name>``)."""

    strength: float = param(0.5, "share", "Military weight: its edge on the fronts it shares, "
                            "and the harm its attacks do.", source="fact", ge=0, le=1)
    discipline: float = param(
        0.8, "share", "Share of its units that follow the leadership's posture; the rest keep "
        "fighting at a share of war tempo on fronts it holds.", source="fact", ge=0, le=1)
    war_rate: float = param(0.0, "attacks/day", "Its attacks per day at war (the pre-truce "
                            "level).", source="fact", ge=0, le=500)
    air_power: float = param(0.0, "share", "Exposure to misidentified strikes: 1 for an air "
                             "force striking daily.", source="fact", ge=0, le=1)
    intermixed_with: str | None = param(
        None, "", "An excluded faction whose fighters are intermixed ('marbled') with its "
        "own. Article: 'the US was to persuade the opposition groups it backed to distance "
        "themselves from the Nusra forces'.", source="fact")
