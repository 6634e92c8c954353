"""The Joint Implementation Center: starts when its conditions hold, then acts.

history.md: the JIC "would follow only after 7 continuous days of reduced
violence plus humanitarian access"; the US and Russia could "reset the clock"
after serious violations. Article: "If the truce had held, the United States and
Russia would have then worked together to target Islamic extremist fighters";
"the collaborative nature of the deal, in which Russia and the US would have
established a Joint Implementation Center". Each day the center counts the
days of reduced violence with access; once the deal's count is reached, it
starts when both powers judge the other committed enough to join
(``ExternalPower.joins``). While it works, joint strikes suppress the
spoilers, the joint commission resolves disputes (Fortna 2003), strikes on
the spoilers raise the tempo of misidentified strikes, and shared
intelligence flows. A formal or de facto collapse stops it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.base import CeasefireAgent
from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes
from sim.core.stacking import Compiled

if TYPE_CHECKING:
    from sim.model.theatre import Theatre
    from sim.scenario.schema import Scenario


class JICTerms(Strict):
    """``mechanisms.jic``: the Joint Implementation Center the deal promises."""

    enabled: bool = param(True, "", "Whether the deal has a joint center at all.")
    quiet_days: float = param(
        7.0, "days", "Continuous days of reduced violence with humanitarian access before the "
        "JIC may start; 0: from day one if both powers join. history.md: 'only after 7 "
        "continuous days of reduced violence plus humanitarian access'.",
        source="the deal", ge=0, le=365)
    spoiler_suppression: float = param(
        0.5, "share", "Fraction by which joint strikes cut the excluded factions' attacks.",
        source="assumed", ge=0, le=1)
    dispute_resolution: float = param(
        0.5, "share", "Fraction by which the joint commission cuts misattribution (Fortna "
        "2003: joint commissions lower the hazard).", source="assumed", ge=0, le=1)
    strike_tempo: float = param(
        0.5, "share", "Extra strikes on the excluded factions while the JIC works, as a share "
        "of the usual tempo; raises misidentified strikes where marbling is left.",
        source="assumed", ge=0, le=5)


class JICBehaviour(Strict):
    """``behaviour.jic``: how the powers read the JIC's conditions (shared)."""

    quiet_share: float = param(
        0.35, "share of war level", "Violence below this share of the pre-truce level counts "
        "as 'reduced violence'.", source="assumed", ge=0, le=1)
    access_share: float = param(
        0.5, "share", "Share of the day's convoys that must get through for 'humanitarian "
        "access'.", source="assumed", ge=0, le=1)


@dataclass(frozen=True)
class JICArrays(Compiled):
    """What the joint center reads each day."""

    enabled: np.ndarray        # 1 if the deal has a joint center
    quiet_days: np.ndarray     # days of reduced violence with access it waits for
    quiet_share: np.ndarray    # violence below this share of war level is 'reduced'
    access_share: np.ndarray   # share of convoys through that counts as access


class JointCenter(CeasefireAgent):
    """The US-Russian Joint Implementation Center."""

    key, Terms = "jic", JICTerms
    compiles = (("k", "constants", JICArrays),)
    phases = (("decide", 1, "decide"),)
    records = ("jic_start_day",)
    encodes = (
        Encodes(
            "seven-day truce, then JIC",
            "If the truce had held, the United States and Russia would have then worked "
            "together to target Islamic extremist fighters",
            ("JointCenter.decide", "ExternalPower.decide", "SpoilerFaction.plan",
             "Monitoring.perceive", "AirForce.misidentified_strikes"),
            ("time.duration_days", "mechanisms.jic.enabled", "mechanisms.jic.spoiler_suppression",
             "mechanisms.jic.dispute_resolution", "mechanisms.jic.strike_tempo",
             "actors.<power>.jic_value"),
            "The truce survives if neither a formal nor a de facto collapse happens within "
            "duration_days; the JIC, once started, suppresses spoiler attacks, resolves "
            "disputes over incidents and raises the strike tempo; any collapse stops it."),
        Encodes(
            "the JIC's conditions",
            "only after 7 continuous days of reduced violence plus humanitarian access",
            ("JointCenter.decide", "ExternalPower.decide"),
            ("mechanisms.jic.quiet_days", "behaviour.jic.quiet_share",
             "behaviour.jic.access_share", "behaviour.power.jic_risk", "behaviour.power.noise"),
            "The center counts days of reduced violence with convoys getting through (any other "
            "day resets the clock); at quiet_days it starts if both powers judge the other "
            "committed enough to join.",
            source="history"),
    )


    Behaviour = JICBehaviour
    behaviour_key = "jic"

    @staticmethod
    def offered(sc: Scenario) -> bool:
        """Whether the deal has a joint center at all."""
        return sc.mechanisms.jic.enabled

    @staticmethod
    def term(sc: Scenario, name: str) -> float:
        """A term of the joint center's work (``spoiler_suppression``,
        ``dispute_resolution``, ``strike_tempo``): 0 where the deal has no joint center.
        The other classes read the JIC's terms through this, never the scenario's block."""
        jic = sc.mechanisms.jic
        return getattr(jic, name) if jic.enabled else 0.0

    def constants(self, sc: Scenario, theatre: Theatre) -> dict:
        m, b = sc.mechanisms.jic, self.behaviour(sc)
        return {"enabled": float(m.enabled), "quiet_days": m.quiet_days,
                "quiet_share": b.quiet_share, "access_share": b.access_share}

    def reset(self, replications: int) -> None:
        R = replications
        self.clock = np.zeros(R)            # days of reduced violence with access so far
        self.active = np.zeros(R, bool)
        self.start_day = np.full(R, -1)     # the day it started, -1: not (yet)
        self.powers = [a for a in self.model.agents_by_type.get(self.model.classes["power"], [])
                       if a.others]

    def decide(self) -> None:
        k, model = self.k, self.model
        if model.day > 0:
            quiet = model.violence_yesterday() < k.quiet_share
            access = model.convoys.access_ok(k.access_share)
            self.clock = np.where(quiet & access, self.clock + 1, 0.0)
        ready = (self.clock >= k.quiet_days) & (k.enabled > 0) & ~model.collapsed \
            & ~model.de_facto
        joins = np.ones(model.replications, bool)
        for power in self.powers:
            joins &= power.joins
        start = ready & joins & ~self.active & bool(self.powers)
        self.start_day[start & (self.start_day < 0)] = model.day
        self.active |= start
        self.active &= ~model.collapsed & ~model.de_facto
