"""Joint patrols: the parties (or their guarantors) patrol named fronts together from a day.

history.md (research findings): "ceasefires with compliance mechanisms do better" (Clayton
and Sticher 2021; Fortna 2003, "Scraps of Paper?", on joint monitoring). A joint patrol
sees violations on its front, so more are pinned on their authors, and its presence
between the forces averts some misidentified strikes and unclear incidents, less than a
withdrawal does (``BufferZones``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field

from sim.agents.base import named_fronts
from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism
from sim.core.stacking import Compiled


class PatrolTerms(Strict):
    """``mechanisms.patrols``: joint patrols on named fronts."""

    fronts: list[str] = Field(default_factory=list, description="The fronts (regions) "
                              "patrolled jointly.")
    from_day: float = param(0.0, "day", "Day of the truce the patrols start.",
                            source="the deal", ge=0, le=3650)

    def regions_named(self) -> dict[str, list[str]]:
        return {"fronts": self.fronts}


class PatrolBehaviour(Strict):
    """``behaviour.patrols``: what a joint patrol does on its front (shared)."""

    detection_gain: float = param(
        0.4, "share", "Share of the violations that would go unpinned on a patrolled front "
        "that the patrol pins on their authors.", source="assumed", ge=0, le=1)
    contact_cut: float = param(
        0.3, "share", "Share of the contact between the forces on a patrolled front "
        "(misidentified strikes, unclear incidents) the patrol averts; less than a buffer "
        "zone's.", source="assumed", ge=0, le=1)


@dataclass(frozen=True)
class PatrolArrays(Compiled):
    """Patrols' effect on each front, and when they start."""

    detection: np.ndarray   # (G,) share of missed violations pinned
    cut: np.ndarray         # (G,) share of contact averted
    start: np.ndarray       # the day they start


class JointPatrols(Mechanism):
    """Joint patrols: more violations pinned, fewer accidents, on their fronts."""

    key, Terms, optional = "patrols", PatrolTerms, True
    behaviour_key, Behaviour = "patrols", PatrolBehaviour
    compiles = (("patrols", "constants", PatrolArrays),)
    encodes = (
        Encodes(
            "joint patrols",
            "ceasefires with compliance mechanisms do better",
            ("JointPatrols.missed", "JointPatrols.contact", "Monitoring.perceive"),
            ("mechanisms.patrols.fronts", "mechanisms.patrols.from_day",
             "behaviour.patrols.detection_gain", "behaviour.patrols.contact_cut"),
            "From their first day, joint patrols on a front pin more of its violations on "
            "their authors and avert some of its misidentified strikes and unclear "
            "incidents (less than a buffer zone).",
            source="history"),
    )

    @staticmethod
    def constants(sc, theatre) -> dict:
        terms, b = sc.mechanisms.patrols, sc.behaviour.patrols
        on = np.zeros(theatre.n_regions) if terms is None else named_fronts(theatre,
                                                                             terms.fronts)
        return {"detection": on * b.detection_gain, "cut": on * b.contact_cut,
                "start": 0.0 if terms is None else terms.from_day}

    @classmethod
    def _today(cls, model, name: str):
        if not cls.written(model):
            return None
        k = model.compiled["patrols"]
        return 1.0 - getattr(k, name) * (model.day >= k.start)

    @classmethod
    def missed(cls, model):
        """Fewer violations go unpinned on patrolled fronts. history.md: "ceasefires with
        compliance mechanisms do better"."""
        return cls._today(model, "detection")

    @classmethod
    def contact(cls, model):
        """Less contact on patrolled fronts."""
        return cls._today(model, "cut")
