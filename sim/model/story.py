"""The story of one world: what happened in it, hour by hour, as plain events.

A model simulates many worlds in lockstep; an analyst wants to read one of them
as a sequence of events (who did what where, how the other side read it, what
each came to believe) to see the mechanisms at work in a single truce.
:class:`TellingModel` is the ordinary model, run as the main job runs it (the
same block, seeds and parameter sets, so its world is exactly the replication
of the main job), that after each sub-step of a day reads the column of the
world it tells (:class:`Teller`). The plain model is untouched: a run without a
story never pays for one.

Perceived incidents do not carry the act they came from. Each kind of incident
(real violations, misidentified strikes, convoys, misuse, spoiler attacks) is
booked in the order of the acts of that kind, so the story matches them in
order; where two acts of one day look alike (same author, front, count and
cause) and only one was booked, it calls the earlier one booked. Day totals are
exact either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.agents.front import STATUSES
from sim.core.stacking import at
from sim.core.events import (ACCIDENT, BLOCKED_AID, CAUSES, DELIBERATE, MISATTRIBUTION,
                              MISUSE, RETALIATION, SPOILER)
from sim.model.model import CeasefireModel
from sim.model.results import TRIGGERS

#: The hour of events that belong to the day's close (fronts, beliefs, collapse on the
#: ground): after every act of the day.
CLOSE = 24


@dataclass(frozen=True)
class Event:
    """One thing that happened in the told world. ``day`` counts from 1 (the truce's first
    day); ``hour`` is 0-23, or ``CLOSE`` for the day's close; names are the scenario's."""

    day: int
    hour: int
    kind: str
    actor: str = ""
    front: str = ""
    target: str = ""
    count: int = 0
    detail: dict = field(default_factory=dict)


class Teller:
    """Reads world ``w`` of a model after each sub-step of the day and turns what changed
    into events; stops at the first collapse, formal or on the ground (a later declaration
    is still told: it is part of the outcome)."""

    def __init__(self, model: CeasefireModel, w: int):
        self.model, self.w = model, w
        theatre = model.theatre
        self.events: list[Event] = []
        self.parties = list(model.parties)
        self.posture = {p.name: p.posture[:, w].copy() for p in self.parties}
        self.status = model.front_status[:, w].copy()
        self.pairs = model.recorder.key_pairs
        self.trust = [float(model.agent_of(o).trust_in(t)[w]) for o, t in self.pairs]
        #: each key pair's belief before the truce: (observer, trusted, belief)
        self.initial_trust = [(theatre.actors[o], theatre.actors[t], v)
                              for (o, t), v in zip(self.pairs, self.trust, strict=True)]
        # a camp is named after its party faction on the ground (whose forces meet the
        # incidents), the first one where it has several
        self.camp_name = {int(theatre.camp[i]): theatre.actors[i]
                          for i in reversed(range(theatre.n_actors)) if theatre.ground[i]}
        self.ended = False

    def _add(self, hour: int, kind: str, **what) -> None:
        self.events.append(Event(self.model.day + 1, hour, kind, **what))

    # -- step 1-4: the day's decisions --------------------------------------------------

    def decided(self) -> None:
        """The day's decisions, at 00:00: a declaration (which ends the story), the JIC
        starting, fronts a party abandons or returns to."""
        m, w = self.model, self.w
        names, regions = m.theatre.actors, m.theatre.regions
        if m.collapse_day[w] == m.day:       # declared over today (with its declarer)
            self._add(0, "declared", actor=names[m.declarer[w]],
                      detail={"trigger": TRIGGERS[m.trigger[w]]})
            self.ended = True
            return
        if self.ended:
            return
        if m.jic.start_day[w] == m.day:
            self._add(0, "jic_starts")
        covered = m.factors["covered"]      # outside the deal's area: war, not news
        inside = True if covered is None else covered[:, min(w, covered.shape[1] - 1)] > 0
        for p in self.parties:
            now = p.posture[:, w]
            for g in np.flatnonzero((now != self.posture[p.name]) & p.fronts & inside):
                self._add(0, "abandons" if now[g] > 0 else "returns", actor=p.name,
                          front=regions[g])
            self.posture[p.name] = now.copy()

    # -- steps 5-7: the day's acts and how each side booked them ------------------------

    def acted(self, acts: dict, seen, aid: tuple) -> None:
        """The day's acts, each with how its victim's side booked it; at the close, convoys
        that got through and incidents of unclear origin (booked incidents carry no hour)."""
        if self.ended:
            return
        m, w, theatre = self.model, self.w, self.model.theatre
        names, regions = theatre.actors, theatre.regions
        mine = acts["rep"] == w
        act = {key: column[mine] for key, column in acts.items()}
        booked = seen.rep == w
        inc = {"accused": seen.accused[booked], "front": seen.front[booked],
               "cause": seen.cause[booked], "count": seen.count[booked], "camp":
               seen.camp[booked]}
        _, blocked, struck = (int(x[w]) for x in aid)
        convoy_fate = "struck" if not blocked else "blocked" if not struck \
            else "blocked or struck"
        told = []
        matched = _match(act, inc, theatre.camp[act["target"]])
        for j in range(len(act["rep"])):
            actor, target = int(act["actor"][j]), int(act["target"][j])
            cause, front, hour = int(act["cause"][j]), int(act["front"][j]), int(act["hour"][j])
            against = names[matched[j]] if matched[j] >= 0 else ""
            kind = {ACCIDENT: "misidentified_strike", MISUSE: "intelligence_misuse",
                    BLOCKED_AID: "convoy"}.get(cause, "attack")
            detail = {"cause": CAUSES[cause], "booked_against": against,
                      "booked_by": self.camp_name.get(int(theatre.camp[target]), "")}
            if cause == BLOCKED_AID:    # the day's counts tell blocked from struck
                detail["fate"] = convoy_fate
            told.append((hour, kind, dict(actor=names[actor], target=names[target],
                                          front=regions[front] if front >= 0 else "",
                                          count=int(act["count"][j]), detail=detail)))
        for hour, kind, what in sorted(told, key=lambda x: x[0]):
            self._add(hour, kind, **what)
        convoys = m.convoys
        for b, g in enumerate(theatre.siege_region):
            if convoys.through[b, w] > 0:
                self._add(CLOSE, "convoys_delivered", actor=names[theatre.besieged[b]],
                          front=regions[g], count=int(convoys.through[b, w]),
                          detail={"trucks": float(at(convoys.k.trucks, w))})
            if convoys.waiting[b, w] > 0:
                self._add(CLOSE, "convoys_waiting", actor=names[theatre.besieged[b]],
                          front=regions[g], count=int(convoys.waiting[b, w]))
        unclear = inc["cause"] == MISATTRIBUTION    # the day's, by camp, front and accused
        keys = np.stack([inc[c][unclear] for c in ("camp", "front", "accused")], axis=1)
        groups, which = np.unique(keys, axis=0, return_inverse=True)
        totals = np.bincount(which.ravel(), inc["count"][unclear], minlength=len(groups))
        for (camp, front, accused), count in zip(groups, totals, strict=True):
            self._add(CLOSE, "unclear", actor=names[accused], front=regions[front],
                      count=int(count), detail={"booked_by": self.camp_name.get(int(camp), "")})

    # -- step 8: the day's close ------------------------------------------------------------

    def closing(self) -> None:
        """Before the close: the day's violence on each front (the close resets it)."""
        m, w = self.model, self.w
        self._violence = m.violence_today[:, w] / np.maximum(
            at(m.k.war_level, w, slice(None)), 1e-12)

    def closed(self) -> None:
        """The day's close: fronts whose status changed, the key pairs' beliefs, and a
        collapse on the ground (which ends the story)."""
        if self.ended:
            return
        m, w, theatre = self.model, self.w, self.model.theatre
        status = m.front_status[:, w]
        for g in np.flatnonzero(status != self.status):
            self._add(CLOSE, "front", front=theatre.regions[g],
                      detail={"status": STATUSES[status[g]],
                              "violence": float(self._violence[g])})
        self.status = status.copy()
        trust = [float(m.agent_of(o).trust_in(t)[w]) for o, t in self.pairs]
        self._add(CLOSE, "beliefs", detail={"pairs": [
            (theatre.actors[o], theatre.actors[t], now, now - before)
            for (o, t), now, before in zip(self.pairs, trust, self.trust, strict=True)]})
        self.trust = trust
        window = m.base.outcomes.window
        if m.de_facto[w]:           # known tonight (the story ends at the first collapse)
            self._add(CLOSE, "de_facto", detail={
                "share": float(at(m.k.de_facto_share, w)),
                "days": window, "violence": float(m.violence_yesterday()[w])})
            self.ended = True


def _match(act: dict, inc: dict, victims: np.ndarray) -> np.ndarray:
    """For each act of the told world's day, the actor it was booked against, -1 if not
    booked: incidents of each kind follow the order of its acts (see the module's
    docstring), each booked by its victim's camp (``victims``)."""
    against = np.full(len(act["rep"]), -1)
    for causes in ((DELIBERATE, RETALIATION), (ACCIDENT,), (BLOCKED_AID,), (MISUSE,),
                   (SPOILER,)):
        acts = np.flatnonzero(np.isin(act["cause"], causes))
        incs = np.flatnonzero(np.isin(inc["cause"], causes))
        k = 0
        for j in acts:
            if k == len(incs):
                break
            i = incs[k]
            same = inc["front"][i] == act["front"][j] and inc["count"][i] == act["count"][j] \
                and inc["cause"][i] == act["cause"][j] and inc["camp"][i] == victims[j] \
                and (causes == (SPOILER,) or inc["accused"][i] == act["actor"][j])
            if same:
                against[j] = inc["accused"][i]
                k += 1
    return against


class TellingModel(CeasefireModel):
    """The ceasefire model, telling the story of world ``told`` as it runs (``teller``)."""

    def __init__(self, *args, told: int, **kwargs):
        super().__init__(*args, **kwargs)
        if not 0 <= told < self.replications:
            raise ValueError(f"world {told} is not among the model's {self.replications}")
        self.teller = Teller(self, told)

    def _decide(self) -> None:
        super()._decide()
        self.teller.decided()

    def _account(self, acts: dict, seen, war: tuple) -> None:
        super()._account(acts, seen, war)
        self.teller.acted(acts, seen, self.convoys.today)

    def _close_day(self) -> None:
        self.teller.closing()
        super()._close_day()
        self.teller.closed()
