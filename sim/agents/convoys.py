"""Aid convoys to besieged fronts: let through, blocked, or struck.

Article: the deal demanded "unhindered humanitarian access to all regions".
history.md: aid never reached eastern Aleppo; two 20-truck convoys waited at
the border all week over the disputed Castello Road pull-back; on 19 Sept the
UN/SARC convoy at Urum al-Kubra was struck. Each sub-step a convoy may set out for
each besieged front. Where the deal makes access wait on a road both sides must
first pull back from (``pullback``), the convoy waits until the road is cleared: each
side pulls back on a day it holds the front and believes the other will hold it
(``pullback_trust``), and the road stays clear until either fights there. Otherwise
the besieger blocks it as far as the access arrangements
leave room (``obstruction``) and its patron and any penalties do not hold it
back, always once it fights there; a convoy that gets through may be struck,
the more the besieger fights. Blocked and struck convoys are violations the
besieged camp books against the besieger; aid that arrives is part of what the
truce is worth to the besieged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.agents.base import CeasefireAgent
from sim.agents.monitoring import Monitoring
from sim.agents.penalties import Penalties
from sim.core.events import BLOCKED_AID, Acts
from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism
from sim.core.sampling import per_step
from sim.core.stacking import Compiled
from sim.core.stacking import at

if TYPE_CHECKING:
    from sim.model.theatre import Theatre
    from sim.scenario.schema import Scenario


class HumanitarianTerms(Strict):
    """``mechanisms.humanitarian``: the deal's humanitarian access."""

    enabled: bool = param(True, "", "Switch aid convoys on or off.")
    convoys_per_day: float = param(1.0, "convoys/day", "Convoys sent to each besieged region "
                                   "per day.", source="fact", ge=0, le=24)
    trucks_per_convoy: float = param(20.0, "trucks", "Aid carried by one convoy.",
                                     source="fact", ge=0, le=1000)
    obstruction: float = param(
        0.5, "probability", "Chance the besieger blocks a convoy when nothing holds it back: "
        "how contested the access arrangements are (checkpoints, disputed roads).",
        source="fact", ge=0, le=1)
    strike_risk: float = param(
        0.05, "probability", "Chance a convoy is struck when the besieger fights at war tempo "
        "there; scales with its violence.", source="assumed", ge=0, le=1)
    pullback: list[str] = Field(
        default_factory=list, exclude_if=lambda v: not v, description="Besieged regions "
        "whose aid road both sides must first pull back from: convoys wait until each side "
        "holds the front and trusts the other (behaviour.convoys.pullback_trust). "
        "history.md: the disputed Castello Road pull-back.")

    def regions_named(self) -> dict[str, list[str]]:
        return {"pullback": self.pullback}


class ConvoyBehaviour(Strict):
    """``behaviour.convoys``: how blocked aid is read (shared)."""

    grievance: float = param(
        1.0, "incidents", "Weight of a blocked or struck convoy as evidence against the "
        "besieger.", source="assumed", ge=0, le=20)
    blocked_when_fighting: float = param(
        0.95, "probability", "Chance a besieger that fights on the front blocks a convoy.",
        source="assumed", ge=0, le=1)
    pullback_trust: float = param(
        0.5, "probability", "Belief that the other side will hold a front at which a party "
        "pulls back from a road the deal asks both to clear (mechanisms.humanitarian."
        "pullback): more likely than not.", source="assumed", ge=0, le=1, opt_in=True)


@dataclass(frozen=True)
class ConvoyArrays(Compiled):
    """What the convoys read each day."""

    p_convoy: np.ndarray               # chance a convoy sets out in a sub-step, per siege
    trucks: np.ndarray                 # aid one convoy carries
    obstruction: np.ndarray            # chance of being blocked, deterred by penalties
    strike_risk: np.ndarray            # chance of being struck at the besieger's war tempo
    blocked_when_fighting: np.ndarray  # chance of being blocked where the besieger fights
    pullback: np.ndarray               # (B,) 1: its road must first be cleared
    pullback_trust: np.ndarray         # belief in the other at which a side pulls back


class AidConvoys(CeasefireAgent, Mechanism):
    """Convoys to every besieged front (its own streams: whether one sets out, per sub-step,
    siege and world; keyed, whether it is blocked or struck)."""

    key, Terms = "humanitarian", HumanitarianTerms
    compiles = (("k", "constants", ConvoyArrays),)
    phases = (("act", 5, "run"), ("record", 4, "record"))
    records = ("aid_delivered", "convoys")
    encodes = (
        Encodes(
            "humanitarian access",
            "unhindered humanitarian access to all regions",
            ("AidConvoys.run", "AidConvoys.new_day", "PartyFaction.weigh"),
            ("mechanisms.humanitarian.enabled", "mechanisms.humanitarian.convoys_per_day",
             "mechanisms.humanitarian.trucks_per_convoy", "mechanisms.humanitarian.obstruction",
             "mechanisms.humanitarian.strike_risk", "regions.<region>.besieged_by",
             "behaviour.convoys.grievance", "behaviour.convoys.blocked_when_fighting",
             "behaviour.party.aid_value", "mechanisms.humanitarian.pullback",
             "behaviour.convoys.pullback_trust"),
            "Convoys set out for each besieged front; the besieger blocks them as far as its "
            "patron and penalties leave room (nearly always once it fights there), or strikes "
            "them as its violence rises; where the deal asks both sides to pull back from a "
            "road first, convoys wait until each holds the front and trusts the other; "
            "blocked and struck convoys are violations booked against it; aid that arrives "
            "adds to what the truce is worth to the besieged."),
    )


    Behaviour = ConvoyBehaviour
    behaviour_key = "convoys"

    def constants(self, sc: Scenario, theatre: Theatre) -> dict:
        h, b = sc.mechanisms.humanitarian, self.behaviour(sc)
        pinned = 0.0                 # what the deal adds to a violation pinned on its author
        for mechanism in self.model.weighing["pinned_cost"]:
            pinned = pinned + mechanism.pinned_cost(sc)
        pinned = pinned + Penalties.enforced_cost(sc)   # a blocked convoy is one violation
        deterrence = 1.0 / (1.0 + pinned * Monitoring.detection(sc))
        return {"p_convoy": per_step(h.convoys_per_day, sc.time.step_hours / 24)
                * h.enabled, "trucks": h.trucks_per_convoy,
                "obstruction": h.obstruction * deterrence, "strike_risk": h.strike_risk,
                "blocked_when_fighting": b.blocked_when_fighting,
                "pullback": np.isin(np.asarray(theatre.regions)[theatre.siege_region],
                                    h.pullback).astype(float),
                "pullback_trust": b.pullback_trust}

    def reset(self, replications: int) -> None:
        theatre, R = self.model.theatre, replications
        B = len(theatre.siege_region)
        self.sent = np.zeros((B, R))
        self.through = np.zeros((B, R))
        self.waiting = np.zeros((B, R))     # convoys held at a road not yet cleared
        self.access = np.ones((B, R))       # share of yesterday's convoys that got through
        self.besiegers = [self.model.agent_of(b) for b in theatre.besieger]
        self.besieged = [self.model.agent_of(b) for b in theatre.besieged]
        self._pullback = np.broadcast_to(self.k.pullback, (B, R)) > 0   # a road to clear
        self.cleared = ~self._pullback          # its road open: cleared where it must be
        # each besieger's war tempo on its siege's front, (B, R): the scale of its violence
        self._war = np.array([np.broadcast_to(b.k.war_rate * b.k.front_weight[g], (R,))
                              for b, g in zip(self.besiegers, theatre.siege_region, strict=True)
                              ]).reshape(len(self.besiegers), R)

    def run(self, acts: Acts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The day's convoys: (delivered, blocked, struck) counts per world."""
        model, theatre, k = self.model, self.model.theatre, self.k
        B, R, H = len(theatre.siege_region), model.replications, model.substeps
        if not B:
            zero = np.zeros(R, np.int64)
            self.today = (zero, zero, zero)
            return self.today
        self._clear_roads()
        u = self.uniforms("convoys", H * B).reshape(H, B, R)
        hour, siege, rep = np.nonzero(u < k.p_convoy)
        fate = model.streams.at("convoys.fate", model.day, hour, rep, 2, row=siege)
        region = theatre.siege_region[siege]
        fighting = np.array([b.posture[g] for b, g in zip(self.besiegers, theatre.siege_region,
                                                          strict=True)])  # (B, R)
        pull = np.array([b.pull() for b in self.besiegers])                 # (B, R)
        fights = fighting[siege, rep] > 0
        p_block = np.where(fights | model.collapsed[rep], at(k.blocked_when_fighting, rep),
                           at(k.obstruction, rep) * (1.0 - pull[siege, rep]))
        waiting = ~self.cleared[siege, rep]
        blocked = ~waiting & (fate[:, 0] < p_block)
        rates = np.array([b.rate[g] for b, g in zip(self.besiegers, theatre.siege_region,
                                                    strict=True)])         # (B, R)
        violence = rates[siege, rep] / np.maximum(self._war[siege, rep], 1e-12)
        struck = ~waiting & ~blocked & (fate[:, 1] < np.minimum(
            at(k.strike_risk, rep) * violence, 1.0))
        delivered = ~waiting & ~blocked & ~struck
        self.sent += np.bincount(siege * R + rep, minlength=B * R).reshape(B, R)
        self.through += np.bincount(siege[delivered] * R + rep[delivered],
                                    minlength=B * R).reshape(B, R)
        self.waiting += np.bincount(siege[waiting] * R + rep[waiting],
                                    minlength=B * R).reshape(B, R)
        bad = blocked | struck
        acts.add(rep[bad], theatre.besieger[siege[bad]], theatre.besieged[siege[bad]],
                 region[bad], 1, BLOCKED_AID, 0.0, 1.0, hour[bad])
        self.today = tuple(np.bincount(rep[x], minlength=R)
                           for x in (delivered, blocked, struck))
        return self.today

    def _clear_roads(self) -> None:
        """Each road the deal asks both sides to clear: cleared on a day both hold its front
        and each believes the other will hold it (``pullback_trust``); it stays clear until
        either fights there (or the truce ends). The deal's schedule may add or drop a road:
        one it adds starts uncleared, one it drops is open."""
        pull = np.broadcast_to(self.k.pullback, self.cleared.shape) > 0
        if not (pull.any() or self._pullback.any()):
            return
        self.cleared[pull & ~self._pullback] = False
        self.cleared |= ~pull
        self._pullback = pull
        threshold = self.k.pullback_trust
        for b in np.flatnonzero(pull.any(1)):
            g = self.model.theatre.siege_region[b]
            sides = (self.besiegers[b], self.besieged[b])
            holding = (sides[0].posture[g] == 0) & (sides[1].posture[g] == 0) \
                & ~self.model.collapsed
            trusting = np.logical_and.reduce([s.trust_by_front()[g] >= threshold
                                              for s in sides])
            self.cleared[b] = ~pull[b] | (holding & (self.cleared[b] | trusting))

    def record(self, recorder, acts: dict, seen) -> None:
        """The day's convoys: delivered, blocked and struck, and the trucks of aid
        delivered."""
        delivered, blocked, struck = self.today
        recorder.convoys += np.stack([delivered, blocked, struck])
        recorder.aid_delivered += delivered * self.k.trucks
        if recorder.daily:
            recorder.aid_day[self.model.day] += delivered * self.k.trucks

    def new_day(self) -> None:
        """Yesterday's access, for the besieged party's weighing and the JIC's clock."""
        self.access = np.where(self.sent > 0, self.through / np.maximum(self.sent, 1), 1.0)
        self.sent[:] = 0.0
        self.through[:] = 0.0
        self.waiting[:] = 0.0

    @classmethod
    def aid_received(cls, party) -> np.ndarray:
        """Share of yesterday's convoys to a party's besieged fronts that got through, (R,)."""
        if not len(party.besieged_sieges):
            return np.zeros(party.model.replications)
        return party.model.convoys.access[party.besieged_sieges].mean(0)

    @classmethod
    def truce_value(cls, party) -> np.ndarray:
        """Aid reaching its besieged fronts adds to what the truce is worth to a party.
        Article: "unhindered humanitarian access to all regions"."""
        return party.k.aid_value * cls.aid_received(party)

    def access_ok(self, share: np.ndarray) -> np.ndarray:
        """Whether yesterday every besieged front got its share of convoys through, (R,)."""
        if not len(self.access):
            return np.ones(self.model.replications, bool)
        return (self.access >= share).all(0)
