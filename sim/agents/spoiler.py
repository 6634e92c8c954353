"""A faction excluded from the truce: a spoiler that attacks where it gains.

Article: ISIS and the Nusra front are outside the deal; the US and Russia "are
united in their opposition of both ISIS and the Nusra front", and "If the truce
had held, the United States and Russia would have then worked together" to
target them. history.md: day 1, 21 shellings by Nusra/ISIS. A spoiler attacks
the party factions it meets, front by front; its attacks put pressure on the
forces hit, and where they could pass for the other side's (marbled areas,
fronts where both sides touch) the monitoring agent may book them against it.
The JIC's joint strikes suppress it (Stedman 1997: spoilers need custodians).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.agents.acts import Attacker
from sim.agents.base import CeasefireAgent
from sim.agents.joint_center import JointCenter
from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism
from sim.core.sampling import choose
from sim.core.stacking import Compiled

if TYPE_CHECKING:
    from sim.model.theatre import Theatre
    from sim.scenario.schema import Scenario


class SpoilerTerms(Strict):
    """``mechanisms.spoilers``: the excluded factions' activity during the truce."""

    enabled: bool = param(True, "", "Switch spoiler attacks on or off.")
    activity: float = param(
        1.0, "multiplier", "Scales every excluded faction's attacks during the truce.",
        source="fact", ge=0, le=20)
    progress_gain: float = Field(
        0.0, ge=0, le=20, exclude_if=lambda v: v == 0.0, description="Strategic spoiling: "
        "extra attacks, as a share of their truce-time rate, once the truce has made full "
        "progress (it has stood for many times progress_days); spoilers strike when "
        "progress threatens them (Stedman 1997; Kydd and Walter 2002). 0: they do not "
        "time their attacks (the default).",
        json_schema_extra={"unit": "share", "source": "assumed (direction: Kydd and "
                           "Walter 2002)"})
    progress_days: float = Field(
        7.0, gt=0, le=3650, exclude_if=lambda v: v == 7.0, description="Time scale of the "
        "truce's progress as spoilers see it: progress after t days standing is "
        "1 - exp(-t / progress_days).",
        json_schema_extra={"unit": "days", "source": "assumed: the seven-day truce's "
                           "span"})


@dataclass(frozen=True)
class SpoilerArrays(Compiled):
    """What an excluded faction reads each day."""

    war_rate: np.ndarray       # its attacks a day at war
    attacks: np.ndarray        # (G,) its attacks a day under the truce, by front
    war: np.ndarray            # (G,) its attacks a day at war, by front
    suppression: np.ndarray    # cut by the JIC's joint strikes
    progress_gain: np.ndarray  # extra attacks at the truce's full progress (strategic)
    progress_days: np.ndarray  # time scale of that progress


class SpoilerFaction(CeasefireAgent, Attacker, Mechanism):
    """An excluded faction (ISIS, Nusra)."""

    key, Terms = "spoilers", SpoilerTerms
    phases = (("plan", 2, "plan"), ("act", 2, "act"), ("record", 3, "record"))
    compiles = (("k", "constants", SpoilerArrays),)
    records = ("spoiler_attacks",)
    encodes = (
        Encodes(
            "spoilers",
            "united in their opposition of both ISIS and the Nusra front",
            ("SpoilerFaction.plan", "Monitoring.perceive", "PartyFaction.weigh"),
            ("mechanisms.spoilers.enabled", "mechanisms.spoilers.activity",
             "actors.<spoiler>.war_rate", "mechanisms.jic.spoiler_suppression",
             "behaviour.monitoring.contact_ambiguity", "behaviour.party.pressure_gain"),
            "Excluded factions attack the parties they meet throughout (less once the JIC "
            "works); their attacks press the forces hit to fight and may be booked against the "
            "other side."),
        Encodes(
            "strategic spoilers",
            "spoilers outside the process need",
            ("SpoilerFaction.strategic", "SpoilerFaction.plan"),
            ("mechanisms.spoilers.progress_gain", "mechanisms.spoilers.progress_days"),
            "Strategic spoilers (off by default) step up their attacks as the truce "
            "progresses: the longer it stands, the more progress threatens them (Stedman "
            "1997; Kydd and Walter 2002).",
            source="history"),
    )


    def __init__(self, model, name: str, index: int):
        super().__init__(model, name)
        self.index = index

    @staticmethod
    def committed_rate(sc: Scenario, name: str) -> float:
        return 0.0

    def constants(self, sc: Scenario, theatre: Theatre) -> dict:
        a, s = sc.actors[self.name], sc.mechanisms.spoilers
        return {"war_rate": a.war_rate,
                "attacks": a.war_rate * theatre.front_weight[self.index]
                * (s.activity if s.enabled else 0.0),
                "war": a.war_rate * theatre.front_weight[self.index],
                "suppression": JointCenter.term(sc, "spoiler_suppression"),
                "progress_gain": s.progress_gain, "progress_days": s.progress_days}

    def reset(self, replications: int) -> None:
        theatre = self.model.theatre
        self.rate = np.zeros((theatre.n_regions, replications))
        # whom it hits on each front: the party factions there, by presence
        self.targets = theatre.presence * theatre.ground[:, None]          # (A, G)

    def plan(self) -> None:
        k, model = self.k, self.model
        rate = k.attacks * (1.0 - k.suppression * model.jic.active)
        if np.any(k.progress_gain):
            rate = rate * self.strategic(k, model.day)
        rate = np.where(model.collapsed, k.war, rate)
        self.set_rates(rate)

    @staticmethod
    def strategic(k, day) -> np.ndarray:
        """Strategic spoilers strike harder the further the truce has progressed: their
        rate times ``1 + progress_gain * (1 - exp(-day / progress_days))``. history.md:
        "spoilers outside the process need custodians" (Stedman 1997); Kydd and Walter
        2002: extremists time their violence to the progress that threatens them."""
        return 1.0 + k.progress_gain * (1.0 - np.exp(-day / k.progress_days))

    def target_on(self, front: np.ndarray, u: np.ndarray) -> np.ndarray:
        return choose(self.targets[:, front].T, u)

    @classmethod
    def record(cls, recorder, acts: dict, seen) -> None:
        """Attacks by excluded factions while the truce stands (once for all of them)."""
        rep, actor = acts["rep"], acts["actor"]
        spoiler = recorder.model.is_spoiler[actor] & recorder.model.in_truce[rep]
        recorder.today["spoiler_attacks"].add(np.zeros(spoiler.sum(), int), rep[spoiler],
                                              acts["count"][spoiler])

    @classmethod
    def fighting_gain(cls, party) -> np.ndarray:
        """Spoiler attacks on a party's forces press it to fight back on that front (per
        attack, decaying: ``PartyFaction.remember``)."""
        return party.k.pressure_gain * party.pressure


class SpoilerParams(Strict):
    """What a scenario says of an excluded faction (``actors.<name>``)."""

    strength: float = param(0.5, "share", "Military weight: the harm its attacks do.",
                            source="fact", ge=0, le=1)
    war_rate: float = param(0.0, "attacks/day", "Its attacks per day on party factions it "
                            "meets.", source="fact", ge=0, le=500)


SpoilerFaction.Params = SpoilerParams
