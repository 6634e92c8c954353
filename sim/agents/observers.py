"""Observers on the ground: third-party monitors, or the guarantors' own, front by front.

history.md (research findings): "International monitoring, verification and handing
military information to a third party reduce the risk of renewed war" (Mattes and Savun
2010); "peacekeeping or monitoring" lowers the hazard of renewed fighting (Fortna 2003,
"Scraps of Paper?"; Fortna 2004, Peace Time). Where observers are present, a violation is
more often pinned on its author, and fewer incidents stay of unclear origin; a
guarantor's own observers do so less than a third party's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field

from sim.core.fields import Share, Strict, param
from sim.core.mechanism import Encodes, Mechanism
from sim.core.stacking import Compiled


class ObserverTerms(Strict):
    """``mechanisms.observers``: monitors on the ground, by front."""

    presence: dict[str, Share] = Field(
        default_factory=dict, description="Observers' presence on each front (region), 0..1: "
        "1 where they watch the whole front.")
    third_party: bool = param(
        True, "", "Third-party observers (true) or the guarantors' own (false: their effect "
        "shrinks by behaviour.observers.partisan_share).")

    def regions_named(self) -> dict[str, list[str]]:
        return {"presence": list(self.presence)}


class ObserverBehaviour(Strict):
    """``behaviour.observers``: what observers on a front do (shared by all scenarios)."""

    detection_gain: float = param(
        0.7, "share", "Share of the violations that would go unpinned on a front that "
        "observers with full presence there pin on their authors.",
        source="assumed (direction: Mattes and Savun 2010)", ge=0, le=1)
    clarity: float = param(
        0.5, "share", "Share of the incidents of unclear origin on a front that observers "
        "with full presence there settle before they are booked against the other side.",
        source="assumed (direction: Fortna 2003)", ge=0, le=1)
    partisan_share: float = param(
        0.5, "share", "Share of a third party's effect that the guarantors' own observers "
        "have (each side discounts the other's monitors).", source="assumed", ge=0, le=1)


@dataclass(frozen=True)
class ObserverArrays(Compiled):
    """Observers' effect on each front."""

    detection: np.ndarray   # (G,) share of missed violations they pin there
    clarity: np.ndarray     # (G,) share of unclear incidents they settle there


class Observers(Mechanism):
    """Observers on the ground: more violations pinned, fewer unclear incidents, where they
    are."""

    key, Terms, optional = "observers", ObserverTerms, True
    behaviour_key, Behaviour = "observers", ObserverBehaviour
    compiles = (("observers", "constants", ObserverArrays),)
    encodes = (
        Encodes(
            "observers on the ground",
            "International monitoring, verification",
            ("Observers.missed", "Observers.disputed", "Monitoring.perceive"),
            ("mechanisms.observers.presence", "mechanisms.observers.third_party",
             "behaviour.observers.detection_gain", "behaviour.observers.clarity",
             "behaviour.observers.partisan_share"),
            "Where observers are present, a real violation is more often pinned on its "
            "author and incidents of unclear origin are settled rather than booked against "
            "the other side (Mattes and Savun 2010; Fortna 2003); the guarantors' own "
            "observers do less.",
            source="history"),
    )

    @staticmethod
    def constants(sc, theatre) -> dict:
        terms, b = sc.mechanisms.observers, sc.behaviour.observers
        if terms is None:
            presence = np.zeros(theatre.n_regions)
        else:
            presence = np.array([terms.presence.get(g, 0.0) for g in theatre.regions])
            presence = presence * (1.0 if terms.third_party else b.partisan_share)
        return {"detection": presence * b.detection_gain, "clarity": presence * b.clarity}

    @classmethod
    def missed(cls, model):
        """A violation on a front goes unpinned less often where observers are,
        ``(1 - detection_gain * presence)``. history.md: "International monitoring,
        verification" (Mattes and Savun 2010)."""
        return 1.0 - model.compiled["observers"].detection if cls.written(model) else None

    @classmethod
    def disputed(cls, model):
        """Fewer incidents stay of unclear origin where observers are."""
        return 1.0 - model.compiled["observers"].clarity if cls.written(model) else None
