"""A joint commission that resolves disputed incidents, apart from the JIC's joint strikes.

history.md (research findings): "joint commissions for resolving disputes" lower the
hazard of renewed fighting (Fortna 2003, "Scraps of Paper?"; Fortna 2004, Peace Time).
The commission settles a share of the disputed incidents (of unclear origin, spoiler
attacks that could pass for the other side's, misidentified strikes) before they reach
the parties' beliefs: those are attributed correctly, not booked against the other side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism
from sim.core.stacking import Compiled


class CommissionTerms(Strict):
    """``mechanisms.commission``: a joint commission for disputed incidents."""

    resolution: float = param(
        0.5, "share", "Share of the disputed incidents the commission attributes correctly "
        "before they are booked against the other side.", source="the deal", ge=0, le=1)
    from_day: float = param(0.0, "day", "Day of the truce the commission starts work.",
                            source="the deal", ge=0, le=3650)


@dataclass(frozen=True)
class CommissionArrays(Compiled):
    """The share it resolves, and from when."""

    resolution: np.ndarray
    start: np.ndarray


class JointCommission(Mechanism):
    """A joint commission: a share of disputed incidents attributed correctly."""

    key, Terms, optional = "commission", CommissionTerms, True
    compiles = (("commission", "constants", CommissionArrays),)
    encodes = (
        Encodes(
            "joint commission",
            "joint commissions for resolving disputes",
            ("JointCommission.disputed", "Monitoring.perceive", "Monitoring.ambiguous"),
            ("mechanisms.commission.resolution", "mechanisms.commission.from_day"),
            "From its first day, the commission attributes a share of the disputed "
            "incidents correctly, on every front, so they never reach a party's beliefs or "
            "grievances as the other side's (Fortna 2003); separate from the JIC.",
            source="history"),
    )

    @staticmethod
    def constants(sc, theatre) -> dict:
        terms = sc.mechanisms.commission
        return {"resolution": 0.0 if terms is None else terms.resolution,
                "start": 0.0 if terms is None else terms.from_day}

    @classmethod
    def disputed(cls, model):
        """The share of disputed incidents left unresolved, on every front. history.md:
        "joint commissions for resolving disputes"."""
        if not cls.written(model):
            return None
        k = model.compiled["commission"]
        left = 1.0 - k.resolution * (model.day >= k.start)
        return np.ones((model.theatre.n_regions, 1)) * left
