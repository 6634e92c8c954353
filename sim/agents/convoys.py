"""Aid convoys to besieged fronts: let through, blocked, or struck.

Article: the deal demanded "unhindered humanitarian access to all regions".
history.md: aid never reached eastern Aleppo; two 20-truck convoys waited at
the border all week over the disputed Castello Road pull-back; on 19 Sept the
UN/SARC convoy at Urum al-Kubra was struck. Each sub-step a convoy may set out for
each besieged front; the besieger blocks it as far as the access arrangements
leave room (``obstruction``) and its patron and any penalties do not hold it
back, always once it fights there; a convoy that gets through may be struck,
the more the besieger fights. Blocked and struck convoys are violations the
besieged camp books against the besieger; aid that arrives is part of what the
truce is worth to the besieged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.base import CeasefireAgent, at
from sim.model.events import BLOCKED_AID, Acts
from sim.model.sampling import per_step
from sim.scenario.fields import Strict, param

if TYPE_CHECKING:
    from sim.model.world import World
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


class ConvoyBehaviour(Strict):
    """``behaviour.convoys``: how blocked aid is read (shared)."""

    grievance: float = param(
        1.0, "incidents", "Weight of a blocked or struck convoy as evidence against the "
        "besieger.", source="assumed", ge=0, le=20)
    blocked_when_fighting: float = param(
        0.95, "probability", "Chance a besieger that fights on the front blocks a convoy.",
        source="assumed", ge=0, le=1)


class AidConvoys(CeasefireAgent):
    """Convoys to every besieged front (its own streams: whether one sets out, per sub-step,
    siege and world; keyed, whether it is blocked or struck)."""

    Behaviour = ConvoyBehaviour
    behaviour_key = "convoys"

    def constants(self, sc: Scenario, world: World) -> dict:
        from sim.agents.monitoring import Monitoring
        h, b = sc.mechanisms.humanitarian, self.behaviour(sc)
        pen = sc.mechanisms.penalties
        deterrence = 1.0 / (1.0 + (pen.strength if pen.enabled else 0.0)
                            * Monitoring.detection(sc))
        return {"p_convoy": per_step(h.convoys_per_day, sc.time.step_hours / 24)
                * h.enabled, "trucks": h.trucks_per_convoy,
                "obstruction": h.obstruction * deterrence, "strike_risk": h.strike_risk,
                "blocked_when_fighting": b.blocked_when_fighting}

    def reset(self, replications: int) -> None:
        world, R = self.model.world, replications
        B = len(world.siege_region)
        self.sent = np.zeros((B, R))
        self.through = np.zeros((B, R))
        self.access = np.ones((B, R))       # share of yesterday's convoys that got through
        self.besiegers = [self.model.agent_of(b) for b in world.besieger]
        # each besieger's war tempo on its siege's front, (B, R): the scale of its violence
        self._war = np.array([np.broadcast_to(b.k.war_rate * b.k.front_weight[g], (R,))
                              for b, g in zip(self.besiegers, world.siege_region, strict=True)
                              ]).reshape(len(self.besiegers), R)

    def run(self, acts: Acts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The day's convoys: (delivered, blocked, struck) counts per world."""
        model, world, k = self.model, self.model.world, self.k
        B, R, H = len(world.siege_region), model.replications, model.substeps
        if not B:
            zero = np.zeros(R, np.int64)
            return zero, zero, zero
        u = self.uniforms("convoys", H * B).reshape(H, B, R)
        hour, siege, rep = np.nonzero(u < k.p_convoy)
        fate = model.streams.at("convoys.fate", model.day, hour, rep, 2, row=siege)
        region = world.siege_region[siege]
        fighting = np.array([b.posture[g] for b, g in zip(self.besiegers, world.siege_region,
                                                          strict=True)])  # (B, R)
        pull = np.array([b.pull() for b in self.besiegers])                 # (B, R)
        fights = fighting[siege, rep] > 0
        p_block = np.where(fights | model.collapsed[rep], at(k.blocked_when_fighting, rep),
                           at(k.obstruction, rep) * (1.0 - pull[siege, rep]))
        blocked = fate[:, 0] < p_block
        rates = np.array([b.rate[g] for b, g in zip(self.besiegers, world.siege_region,
                                                    strict=True)])         # (B, R)
        violence = rates[siege, rep] / np.maximum(self._war[siege, rep], 1e-12)
        struck = ~blocked & (fate[:, 1] < np.minimum(
            at(k.strike_risk, rep) * violence, 1.0))
        delivered = ~blocked & ~struck
        self.sent += np.bincount(siege * R + rep, minlength=B * R).reshape(B, R)
        self.through += np.bincount(siege[delivered] * R + rep[delivered],
                                    minlength=B * R).reshape(B, R)
        bad = blocked | struck
        acts.add(rep[bad], world.besieger[siege[bad]], world.besieged[siege[bad]],
                 region[bad], 1, BLOCKED_AID, 0.0, 1.0, hour[bad])
        return tuple(np.bincount(rep[x], minlength=R) for x in (delivered, blocked, struck))

    def new_day(self) -> None:
        """Yesterday's access, for the besieged party's weighing and the JIC's clock."""
        self.access = np.where(self.sent > 0, self.through / np.maximum(self.sent, 1), 1.0)
        self.sent[:] = 0.0
        self.through[:] = 0.0

    def access_ok(self, share: np.ndarray) -> np.ndarray:
        """Whether yesterday every besieged front got its share of convoys through, (R,)."""
        if not len(self.access):
            return np.ones(self.model.replications, bool)
        return (self.access >= share).all(0)
