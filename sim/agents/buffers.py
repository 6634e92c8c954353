"""Buffer or demilitarised zones: the parties' forces withdrawn from named fronts by a
deadline.

history.md (research findings): "Stronger agreements last longer" (Fortna 2003, "Scraps
of Paper?", whose strength of an agreement includes demilitarised zones and withdrawal;
Fortna 2004, Peace Time). Once the forces are withdrawn, they meet less on those fronts:
fewer misidentified strikes and fewer incidents of unclear origin there. Before the
deadline nothing changes; by it, the stated share has withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field

from sim.agents.base import named_fronts
from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism
from sim.core.stacking import Compiled


class BufferTerms(Strict):
    """``mechanisms.buffers``: buffer zones between the parties on named fronts."""

    fronts: list[str] = Field(default_factory=list, description="The fronts (regions) with "
                              "a buffer or demilitarised zone between the parties.")
    deadline_day: float = param(
        0.0, "day", "Day of the truce by which forces are to be withdrawn (0: from the start).",
        source="the deal", ge=0, le=3650)
    withdrawn: float = param(
        1.0, "share", "Share of the forces withdrawn by the deadline (compliance).",
        source="the deal", ge=0, le=1)

    def regions_named(self) -> dict[str, list[str]]:
        return {"fronts": self.fronts}


class BufferBehaviour(Strict):
    """``behaviour.buffers``: what a withdrawal does to contact (shared by all scenarios)."""

    contact_cut: float = param(
        0.8, "share", "Share of the contact between the parties' forces on a front (its "
        "misidentified strikes and incidents of unclear origin) that a full withdrawal "
        "removes.", source="assumed (direction: Fortna 2003)", ge=0, le=1)


@dataclass(frozen=True)
class BufferArrays(Compiled):
    """Contact left on each front once the withdrawal is done, and when that is."""

    cut: np.ndarray        # (G,) share of contact removed after the deadline
    deadline: np.ndarray   # the deadline's day


class BufferZones(Mechanism):
    """Buffer zones: less contact on their fronts after the withdrawal deadline."""

    key, Terms, optional = "buffers", BufferTerms, True
    behaviour_key, Behaviour = "buffers", BufferBehaviour
    compiles = (("buffers", "constants", BufferArrays),)
    encodes = (
        Encodes(
            "buffer zones",
            "Stronger agreements last longer",
            ("BufferZones.contact", "AirForce.misidentified_strikes", "Monitoring.ambiguous"),
            ("mechanisms.buffers.fronts", "mechanisms.buffers.deadline_day",
             "mechanisms.buffers.withdrawn", "behaviour.buffers.contact_cut"),
            "From the withdrawal deadline, the share of forces withdrawn from a buffer zone "
            "no longer meets the other side there: fewer misidentified strikes and fewer "
            "incidents of unclear origin on those fronts (Fortna 2003).",
            source="history"),
    )

    @staticmethod
    def constants(sc, theatre) -> dict:
        terms = sc.mechanisms.buffers
        if terms is None:
            return {"cut": np.zeros(theatre.n_regions), "deadline": 0.0}
        cut = named_fronts(theatre, terms.fronts) * terms.withdrawn \
            * sc.behaviour.buffers.contact_cut
        return {"cut": cut, "deadline": terms.deadline_day}

    @classmethod
    def contact(cls, model):
        """Contact left on each front today: all of it before the deadline, the share not
        withdrawn after. history.md: "Stronger agreements last longer" (Fortna 2003)."""
        if not cls.written(model):
            return None
        k = model.compiled["buffers"]
        return 1.0 - k.cut * (model.day >= k.deadline)
