"""The deal's area: the fronts (regions) the truce covers.

history.md (February 2016): "Week 1: 135 killed in covered areas, 552 in areas outside
the truce." Outside the area the parties keep fighting at war tempo, and nobody books
that violence as a violation of the truce: it enters neither beliefs, nor grievances,
nor the violations recorded, nor the de facto test (the parties' violence against the
pre-truce level of the fronts covered); its fighting still spreads to neighbouring
fronts (``Front.fighting_gain``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field

from sim.agents.base import named_fronts
from sim.core.fields import Strict
from sim.core.mechanism import Encodes, Mechanism
from sim.core.stacking import Compiled


class AreaTerms(Strict):
    """``mechanisms.area``: the fronts the truce covers."""

    regions: list[str] = Field(description="The fronts (regions) the truce covers; fronts "
                               "not named are outside it.")

    def regions_named(self) -> dict[str, list[str]]:
        return {"regions": self.regions}


@dataclass(frozen=True)
class AreaArrays(Compiled):
    covered: np.ndarray   # (G,) 1 inside the deal's area, 0 outside


class DealArea(Mechanism):
    """The deal's area: outside it, war at war tempo, and no violations."""

    key, Terms, optional = "area", AreaTerms, True
    compiles = (("area", "constants", AreaArrays),)
    encodes = (
        Encodes(
            "the deal's area",
            "552 in areas outside the truce",
            ("DealArea.covered", "CeasefireModel.step", "PartyFaction.decide"),
            ("mechanisms.area.regions",),
            "Fronts outside the deal's area are fought at war tempo; their violence is not "
            "a violation (no one books it, nor does it count towards a de facto collapse).",
            source="history"),
    )

    @staticmethod
    def constants(sc, theatre) -> dict:
        terms = sc.mechanisms.area
        return {"covered": np.ones(theatre.n_regions) if terms is None
                else named_fronts(theatre, terms.regions)}

    @classmethod
    def covered(cls, model):
        """1 on the fronts the truce covers, 0 outside. history.md: "552 in areas outside
        the truce"."""
        return model.compiled["area"].covered if cls.written(model) else None

    @staticmethod
    def outside(acts: dict, war: tuple, covered: np.ndarray) -> tuple[dict, tuple]:
        """The day's acts split at the area's edge: those on fronts outside it join the war
        acts (counted, never perceived as violations)."""
        front = acts["front"]
        out = (front >= 0) & (covered[np.maximum(front, 0), acts["rep"] if covered.shape[-1]
                                      > 1 else 0] == 0)
        if not out.any():
            return acts, war
        moved = (acts["rep"][out], acts["actor"][out], front[out], acts["count"][out])
        war = tuple(np.concatenate([w, m]).astype(w.dtype if len(w) else m.dtype)
                    for w, m in zip(war, moved, strict=True))
        return {key: column[~out] for key, column in acts.items()}, war
