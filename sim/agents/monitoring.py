"""Monitoring and attribution: who is blamed for what, and what each side admits.

Article: "Both sides ardently claim that the other failed to uphold their side
of the bargain." history.md: each side kept its own count (Russia's
reconciliation center counted opposition violations only; SNHR counted 203
government breaches and 6 by the opposition in week 1). Perception errs both
ways: real violations are missed, and incidents nobody committed, or that
spoilers committed, are booked against the other side. Independent
verification (Mattes and Savun 2010) pins violations on their authors and
leaves less room for self-serving readings; a joint commission resolves
disputes (Fortna 2003).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from sim.agents.base import CeasefireAgent, on_fronts
from sim.agents.front import war_level
from sim.agents.joint_center import JointCenter
from sim.core.stacking import at
from sim.core.events import (ACCIDENT, BLOCKED_AID, DELIBERATE, MISATTRIBUTION, MISUSE,
                              RETALIATION, SPOILER, Perceived)
from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes
from sim.core.sampling import choose, per_step, poisson_count
from sim.core.stacking import Compiled

if TYPE_CHECKING:
    from sim.model.theatre import Theatre
    from sim.scenario.schema import Scenario


class MonitoringTerms(Strict):
    """``mechanisms.monitoring``: the deal's verification arrangements."""

    enabled: bool = param(True, "", "Switch independent monitoring on (off: verification 0).")
    verification: float = param(
        0.0, "share", "Quality of independent monitoring: pins violations on their authors, "
        "cuts self-serving readings, and makes denial untenable (Mattes and Savun 2010).",
        source="the deal", ge=0, le=1)


class MonitoringBehaviour(Strict):
    """``behaviour.monitoring``: how parties perceive and report (shared by all scenarios)."""

    detection_base: float = param(
        0.5, "probability", "Chance a party pins a real violation on its author without "
        "independent monitoring; verification raises it towards 1.", source="assumed",
        ge=0, le=1)
    bias: float = param(
        0.6, "share", "Self-serving bias: share of incidents of unclear origin a party books "
        "against the other side. Article: 'Both sides ardently claim that the other failed'.",
        source="assumed", ge=0, le=1)
    ambiguous_per_day: float = param(
        2.0, "incidents/day", "Incidents of unclear origin (shelling, sniping, explosions) a "
        "party's forces meet per day on their fronts (unclear_scale 'fixed').",
        source="assumed", ge=0, le=100)
    unclear_scale: Literal["fixed", "war"] = param(
        "fixed", "", "What sets the incidents of unclear origin a party's forces meet. "
        "'fixed': ambiguous_per_day, whatever the war (Model 2: a quiet war and an intense "
        "one meet the same number, so against the de facto test and the fronts' thresholds, "
        "which are shares of the war's own level, a low-intensity truce is noisier). 'war': "
        "ambiguous_share of the parties' pre-truce war tempo on the fronts where it meets the "
        "other side (the shooting such incidents come from).", source="issue 15 item 1",
        opt_in=True)
    ambiguous_share: float = param(
        0.05, "share of war tempo", "Incidents of unclear origin a party's forces meet a day, "
        "as a share of the parties' war tempo (acts a day at war) on the fronts where it "
        "meets the other side (unclear_scale 'war' only; 0.05 of the reference's 40 acts a "
        "day is ambiguous_per_day's 2).", source="assumed", ge=0, le=5, opt_in=True)
    contact_ambiguity: float = param(
        0.3, "share", "Where a spoiler attacks a front on which a party's counterpart is also "
        "present, the chance the attack could pass for the counterpart's.",
        source="assumed", ge=0, le=1)
    admission: float = param(
        0.8, "probability", "Chance a party owns up to one of its violations that independent "
        "monitors verified (unverified ones it denies).", source="assumed", ge=0, le=1)
    accident_weight: float = param(
        3.0, "incidents", "Weight of one misidentified strike as evidence against its author "
        "(history.md: the Deir ez-Zor strike killed 62-80 soldiers).", source="assumed",
        ge=0, le=20)
    misuse_weight: float = param(
        3.0, "incidents", "Weight of one misuse of shared intelligence as evidence against "
        "the recipient.", source="assumed", ge=0, le=20)


@dataclass(frozen=True)
class MonitoringArrays(Compiled):
    """What the monitoring agent reads when it books the day's incidents."""

    detection: np.ndarray           # chance a real violation is pinned on its author
    misread: np.ndarray             # chance an unclear incident is booked against the other
    ambiguous_per_step: np.ndarray  # (observers,) unclear incidents booked a sub-step
    contact_ambiguity: np.ndarray   # chance a spoiler attack passes for the counterpart's
    marbling: np.ndarray            # (G,) intermixing by front
    dispute_resolution: np.ndarray  # cut in misreadings while the JIC works
    admit: np.ndarray               # chance a violation is verified and owned up to
    accident_weight: np.ndarray     # weight of a misidentified strike as evidence
    misuse_weight: np.ndarray       # weight of misused intelligence as evidence
    aid_weight: np.ndarray          # weight of a blocked or struck convoy as evidence


class Monitoring(CeasefireAgent):
    """Turns acts into incidents as each camp perceives them, and into public reports."""

    key, Terms = "monitoring", MonitoringTerms
    compiles = (("k", "constants", MonitoringArrays),)
    phases = (("record", 1, "record"),)
    records = ("reported", "admitted")
    encodes = (
        Encodes(
            "mutual blame",
            "Both sides ardently claim that the other failed to uphold their side of the bargain",
            ("Monitoring.perceive", "Monitoring.ambiguous", "Monitoring.admitted"),
            ("mechanisms.monitoring.enabled", "mechanisms.monitoring.verification",
             "behaviour.monitoring.detection_base", "behaviour.monitoring.bias",
             "behaviour.monitoring.ambiguous_per_day", "behaviour.monitoring.admission",
             "mechanisms.jic.dispute_resolution"),
            "Each camp books incidents against the other: real violations as far as they are "
            "detected, incidents of unclear origin and misread spoiler attacks with "
            "self-serving bias; verification pins violations on their authors and cuts the "
            "bias."),
    )


    Behaviour = MonitoringBehaviour
    behaviour_key = "monitoring"

    @staticmethod
    def verification(sc: Scenario) -> float:
        m = sc.mechanisms.monitoring
        return m.verification if m.enabled else 0.0

    @classmethod
    def detection(cls, sc: Scenario, verification: float | None = None) -> float:
        """Chance a real violation is pinned on its author."""
        v = cls.verification(sc) if verification is None else verification
        d0 = sc.behaviour.monitoring.detection_base
        return d0 + (1.0 - d0) * v

    @classmethod
    def misread(cls, sc: Scenario) -> float:
        """Chance an incident of unclear origin is booked against the other side."""
        return sc.behaviour.monitoring.bias * (1.0 - cls.verification(sc))

    @staticmethod
    def observers_of(theatre: Theatre) -> np.ndarray:
        """The actors that book incidents of unclear origin: party factions on the ground
        that meet the other side somewhere."""
        return np.flatnonzero(theatre.ground & (theatre.counterpart >= 0).any(1))

    @staticmethod
    def unclear_per_day(sc: Scenario, theatre: Theatre) -> np.ndarray:
        """(A,) incidents of unclear origin each actor's forces meet a day on the fronts where
        they meet the other side (``unclear_scale``): ``ambiguous_per_day``, or
        ``ambiguous_share`` of the parties' war tempo on those fronts."""
        b = sc.behaviour.monitoring
        if b.unclear_scale == "fixed":
            return np.full(theatre.n_actors, b.ambiguous_per_day)
        level = war_level(sc, theatre)                           # (G,) the model's war level
        return b.ambiguous_share * ((theatre.counterpart >= 0) * level).sum(1)

    @classmethod
    def false_rate(cls, sc: Scenario, theatre: Theatre, observer: int) -> float:
        """Incidents a day an observer's camp books against the other side that nobody of it
        committed, as far as the observer allows for them: the noise of its own monitoring
        that its beliefs expect. It knows that incidents of unclear origin are there, and
        allows for the unbiased share of those it books (``1 - bias``); spoiler attacks
        that pass for the other side's it takes for the other side's (that is how spoiling
        works)."""
        b = sc.behaviour.monitoring
        unclear = cls.unclear_per_day(sc, theatre)
        mine = cls.observers_of(theatre)
        mine = mine[theatre.camp[mine] == theatre.camp[observer]]
        # a power reads what its camp's party factions book (the most any of them books)
        rate = unclear[observer] if theatre.ground[observer] or not len(mine) \
            else unclear[mine].max()
        return float(rate * cls.misread(sc) * (1.0 - b.bias))

    def constants(self, sc: Scenario, theatre: Theatre) -> dict:
        b = self.behaviour(sc)
        return {"detection": self.detection(sc), "misread": self.misread(sc),
                "ambiguous_per_step": self.unclear_per_day(sc, theatre)[
                    self.observers_of(theatre)] * self.misread(sc) * sc.time.step_hours / 24,
                "contact_ambiguity": b.contact_ambiguity, "marbling": theatre.marbling,
                "dispute_resolution": JointCenter.term(sc, "dispute_resolution"),
                "admit": b.admission * self.verification(sc),
                "accident_weight": b.accident_weight, "misuse_weight": b.misuse_weight,
                "aid_weight": sc.behaviour.convoys.grievance}

    def reset(self, replications: int) -> None:
        theatre = self.model.theatre
        self.observers = self.observers_of(theatre)

    # -- each step ------------------------------------------------------------------

    def ambiguous(self) -> tuple:
        """Incidents of unclear origin each party faction meets on its fronts, booked against
        its counterpart there (its own streams: whether, per sub-step, observer and world;
        keyed, on which front)."""
        model, theatre, k = self.model, self.model.theatre, self.k
        H = model.substeps
        u = self.uniforms("ambiguous", H * len(self.observers), idle=model.collapsed).reshape(
            H, len(self.observers), -1)
        resolve = 1.0 - k.dispute_resolution * model.jic.active
        mean = np.broadcast_to(k.ambiguous_per_step * resolve * ~model.collapsed,
                               (len(self.observers), model.replications))
        hour, row, rep = np.nonzero(u < per_step(mean, 1.0))   # mean: already per sub-step
        if not len(rep):
            return ()
        observer = self.observers[row]
        n = poisson_count(u[hour, row, rep], mean[row, rep])
        weights = theatre.front_weight[observer] * (theatre.counterpart[observer] >= 0)
        where = model.streams.at("monitoring.ambiguous_fronts", model.day, hour, rep, 1,
                                 row=row)
        front = choose(weights, where[:, 0])
        kept = on_fronts(model, ("contact", "disputed", "covered"), rep, front)
        if kept is not None:    # fewer where forces meet less or disputes are settled, none
            #                     outside the deal's area
            keep = model.streams.at("monitoring.ambiguous_kept", model.day, hour, rep, 1,
                                    row=row)[:, 0] < kept
            rep, observer, front, n = rep[keep], observer[keep], front[keep], n[keep]
        accused = theatre.counterpart[observer, front]
        return (rep, theatre.camp[observer], accused, front, n.astype(float),
                np.full(len(rep), MISATTRIBUTION), n)

    def perceive(self, acts: dict) -> Perceived:
        """The step's acts as the victims' camps book them, plus the ambiguous incidents."""
        model, theatre, k = self.model, self.model.theatre, self.k
        rep, actor, target, front = acts["rep"], acts["actor"], acts["target"], acts["front"]
        count, cause, fate = acts["count"].astype(float), acts["cause"], acts["fate"]
        jic = model.jic.active[rep]
        resolve = 1.0 - at(k.dispute_resolution, rep) * jic
        parts = []
        spoiler = model.is_spoiler[actor]

        # Real violations by parties: pinned on their author as far as detection goes.
        real = ~spoiler & ((cause == DELIBERATE) | (cause == RETALIATION))
        detection = at(k.detection, rep)
        missed = on_fronts(model, ("missed",), rep, front)
        if missed is not None:      # observers or patrols where it happened
            detection = np.where(missed < 1.0, 1.0 - (1.0 - detection) * missed, detection)
        disputed = on_fronts(model, ("disputed",), rep, front)
        if disputed is not None:    # observers or a joint commission settle disputes
            resolve = resolve * disputed
        seen = real & (fate < detection)
        parts.append(_booked(seen, rep, theatre.camp[target], actor, front, count, cause, count))
        # Misidentified strikes: taken for attacks unless a joint commission settles them.
        acc = (cause == ACCIDENT) & (fate < resolve)
        parts.append(_booked(acc, rep, theatre.camp[target], actor, front,
                             count * at(k.accident_weight, rep), cause, count))
        # Blocked or struck convoys, misused intelligence: plain to the victims.
        aid = cause == BLOCKED_AID
        parts.append(_booked(aid, rep, theatre.camp[target], actor, front,
                             count * at(k.aid_weight, rep), cause, count))
        mis = cause == MISUSE
        parts.append(_booked(mis, rep, theatre.camp[target], actor, front,
                             count * at(k.misuse_weight, rep), cause, count))

        # Spoiler attacks: read as the counterpart's where they could pass for it.
        if spoiler.any():
            s_rep, s_front, s_target = rep[spoiler], front[spoiler], target[spoiler]
            mixed = theatre.intermixed[actor[spoiler]]
            blamed = np.where(mixed >= 0, mixed, theatre.counterpart[s_target, s_front])
            other = (blamed >= 0) & (theatre.camp[np.maximum(blamed, 0)] != theatre.camp[s_target])
            separation = model.separation[s_rep]
            p_marbled = at(k.marbling, s_rep, s_front) * (1.0 - separation)
            p = np.where(mixed >= 0, p_marbled, at(k.contact_ambiguity, s_rep))
            p = p * at(k.misread, s_rep) * resolve[spoiler]
            misread = other & (fate[spoiler] < p)
            parts.append(_booked(misread, s_rep, theatre.camp[s_target], blamed, s_front,
                                 count[spoiler], SPOILER, count[spoiler]))
        ambiguous = self.ambiguous()
        if ambiguous:
            parts.append(ambiguous)
        return Perceived.join([p for p in parts if len(p[0])])

    def record(self, recorder, acts: dict, seen: Perceived) -> None:
        """What each side booked against the other while the truce stands (``reported``),
        all it booked (``booked``), and what the authors owned up to (``admitted``)."""
        t = recorder.today
        owned = self.admitted(acts, recorder.violation)
        t["admitted"].add(acts["actor"][owned], acts["rep"][owned], acts["count"][owned])
        booked = self.model.in_truce[seen.rep]
        t["reported"].add(seen.accused[booked], seen.rep[booked], seen.count[booked])
        t["booked"].add(seen.accused, seen.rep, seen.count)

    def admitted(self, acts: dict, violation: np.ndarray) -> np.ndarray:
        """Which of the step's violations their authors own up to: those independent
        monitors verified, as far as parties admit what cannot be denied."""
        return violation & (acts["admit"] < at(self.k.admit, acts["rep"]))


def _booked(mask, rep, camp, accused, front, weight, cause, count) -> tuple:
    """The masked events as perceived-incident columns (empty tuple columns if none)."""
    if not mask.any():
        return ((),) * 7
    def pick(x):
        return x[mask] if isinstance(x, np.ndarray) and x.shape == mask.shape else x
    return (rep[mask], pick(camp), pick(accused), pick(front), pick(weight), pick(cause),
            pick(count))
