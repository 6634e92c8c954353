"""A faction that is party to the truce: holds, retaliates, abandons a front, declares it over.

Each day, front by front, the party's leadership compares what keeping the truce
there is worth with what fighting gains, given its belief that the other side is
committed (``sim.agents.beliefs``):

    keep:  p * T - (1 - p) * E          fight:  G - C

T is what the truce is worth to it (the truce itself, and aid reaching its
besieged fronts); E the cost of being exploited if it holds while the other
fights (larger the weaker it is there); G the gain of fighting there (its
military edge, a siege it can press, growing as the pause lets it regroup;
pressure from spoiler attacks; fighting on neighbouring fronts; how regrouping,
war-weariness and momentum move with the world: ``sim.agents.stakes``); C the cost of violating while the truce stands (patron
pressure, penalties where the deal has them, the cost of being blamed, each as
far as violations are pinned on their author). Choices are noisy (a logit with
inertia: postures are revised at a daily rate), so no single threshold decides.

While it keeps a front its undisciplined units still violate at a share of its
war tempo, held back by its patron, and it retaliates in proportion to the
incidents it perceived there (tit-for-tat with forgiveness: history.md, Green
and Porter 1984). A front it abandons it fights at war tempo, while it may
still say it keeps the truce. It declares the truce over when the same
comparison, over all its fronts, outweighs the public cost of ending it.

Article: "Russia proved unwilling to maintain the ceasefire"; "depended largely
on Russia successfully preventing Assad's forces from indiscriminately bombing";
"contained no explicit penalties". history.md: on 19 Sept the Syrian army
declared the truce over, citing "more than 300" rebel violations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.acts import Attacker
from sim.agents.air import AirForce
from sim.agents import declaration
from sim.agents.base import CeasefireAgent
from sim.agents.counter_terror import CounterTerror
from sim.agents.declaration import DeclarationBehaviour
from sim.agents.beliefs import Observer
from sim.agents.monitoring import Monitoring
from sim.agents.opening import OpeningBehaviour
from sim.agents.party_params import PartyParams
from sim.agents.patron import PatronPressure
from sim.agents.separation import Separation
from sim.agents.stakes import Stakes, StakesBehaviour
from sim.core.events import Tally
from sim.core.fields import param
from sim.core.mechanism import Encodes
from sim.core.sampling import logistic
from sim.core.stacking import Compiled

if TYPE_CHECKING:
    from sim.model.theatre import Theatre
    from sim.scenario.schema import Scenario


class PartyBehaviour(StakesBehaviour, DeclarationBehaviour, OpeningBehaviour):
    """``behaviour.party``: how a party to a truce weighs it (shared by all scenarios).

    Values are in units of the daily gain of fighting on a front at parity."""

    rogue_share: float = param(
        0.3, "share of war tempo", "Tempo its undisciplined units keep up on fronts it holds, "
        "before its patron's restraint.", source="assumed", ge=0, le=1)
    retaliation: float = param(
        0.25, "acts per perceived incident", "Proportional response on a front it holds to "
        "the incidents it perceived there (tit-for-tat).",
        source="history.md: noisy tit-for-tat", ge=0, le=5)
    memory_days: float = param(
        1.0, "days", "Mean life of a grievance: forgiveness (noisy tit-for-tat needs it).",
        source="history.md: forgiveness restores cooperation", gt=0, le=30)
    bounded_retaliation: bool = param(
        False, "", "Model 3, opt-in: a front it holds never sees more fire from it (its "
        "undisciplined units and its retaliation) than at war. Unbounded (Model 2), where "
        "each incident is answered by more than one act the two camps' answers to each other "
        "grow without limit (to thousands of acts an hour against a war tempo of 13 a day).",
        source="issue 15 item 2: no term grows without bound", opt_in=True)
    truce_value: float = param(
        6.0, "value/day", "What a front at peace is worth when the other side honours it "
        "(war-weariness, regrouping, civilians spared).", source="assumed", ge=0, le=50)
    aid_value: float = param(
        1.0, "value/day", "Extra value of the truce to a party whose besieged fronts receive "
        "aid. Article: 'unhindered humanitarian access to all regions'.",
        source="assumed", ge=0, le=50)
    exploitation: float = param(
        1.0, "value/day", "Loss from holding a front at parity while the other side fights "
        "there; doubles for the weaker side.", source="assumed", ge=0, le=50)
    gain: float = param(
        1.0, "value/day", "Gain from fighting on a front at parity (the unit of value).",
        source="unit", ge=0, le=50)
    siege_gain: float = param(
        3.0, "value/day", "Extra gain from pressing a siege it holds.", source="assumed",
        ge=0, le=50)
    regroup_per_day: float = param(
        0.01, "share/day", "Growth per day of truce in what fighting gains: a pause lets "
        "forces rest, rearm and redeploy, so holding costs more the longer it lasts.",
        source="assumed", ge=0, le=1)
    pressure_gain: float = param(
        0.3, "value/day per attack", "Extra gain from fighting on a front where spoilers "
        "attacked its forces (per attack, decaying).", source="assumed", ge=0, le=10)
    contagion: float = param(
        0.5, "value/day per front", "Extra gain from fighting on a front for each "
        "neighbouring front already fighting: fighting spreads along the network.",
        source="assumed", ge=0, le=10)
    blame_cost: float = param(
        2.0, "value/day", "Cost of being blamed for fighting while the truce stands, as far "
        "as its violations are pinned on it.", source="assumed", ge=0, le=50)
    patron_cost: float = param(
        4.0, "value/day", "Cost of defying its patron's full pressure.",
        source="assumed", ge=0, le=50)
    declaration_cost: float = param(
        3.5, "value/day", "Public cost of formally ending a truce (being the one to end it), "
        "as far as its account of the other side's violations is not believed.",
        source="assumed", ge=0, le=50)
    noise: float = param(
        0.3, "value/day", "Spread of its choices (logit scale): how far commanders' reasons "
        "vary beyond what the model weighs.", source="assumed", ge=0.01, le=20)
    revision_rate: float = param(
        0.3, "1/day", "How often a front's posture is revisited.", source="assumed", gt=0,
        le=24)
    declaration_rate: float = param(
        1.0, "1/day", "How often the leadership revisits keeping the truce at all.",
        source="assumed", gt=0, le=24)


@dataclass(frozen=True)
class PartyArrays(Compiled):
    """What a party reads each day (``PartyFaction.constants``), in units of the daily gain
    of fighting on a front at parity where they are values."""

    war_rate: np.ndarray            # its attacks a day at war
    front_weight: np.ndarray        # (G,) share of its fighting on each front
    rogue_share: np.ndarray         # tempo of its undisciplined units
    front_mix: np.ndarray           # (2, G) whose fire it faces: counterpart, its patron
    gain: np.ndarray                # (G,) gain of fighting: its edge, sieges it presses
    exploited: np.ndarray           # (G,) loss from holding while the other side fights
    truce_value: np.ndarray         # what a front at peace is worth
    aid_value: np.ndarray           # extra worth of aid reaching its besieged fronts
    violation_cost: np.ndarray      # cost of fighting while the truce stands, as pinned
    unpinned_cost: np.ndarray       # the part of that cost lost to violations not pinned
    patron_leverage: np.ndarray     # its patron's leverage over it
    patron_cost: np.ndarray         # cost of defying its patron's full pressure
    declaration_cost: np.ndarray    # public cost of ending the truce, as not believed
    weighs_label: np.ndarray        # 1: the declaration weighs ending the label
    label_value: np.ndarray         # what keeping the truce in name is worth
    pressure_gain: np.ndarray       # gain per spoiler attack on its forces
    contagion: np.ndarray           # gain per neighbouring front at war
    regroup: np.ndarray             # growth a day of the gain of fighting
    regroup_rate: np.ndarray        # decay a day of banked regrouping (0: the linear clock)
    regroup_keep: np.ndarray        # what banked regrouping keeps of itself a day
    regroup_bank: np.ndarray        # a quiet day's regrouping, as banked by its end
    weariness: np.ndarray           # worth of peace after a war on all its fronts
    weariness_keep: np.ndarray      # daily survival of war-weariness
    momentum_gain: np.ndarray       # gain of fighting at full momentum
    momentum_exploited: np.ndarray  # loss from being exploited removed at full momentum
    momentum_keep: np.ndarray       # daily survival of momentum
    retaliation: np.ndarray         # acts per perceived incident
    unbounded: np.ndarray           # inf: retaliation unbounded (Model 2); 0: within war
    forgive: np.ndarray             # daily survival of a grievance
    noise: np.ndarray               # spread of its choices
    revision_rate: np.ndarray       # how often a front's posture is revisited
    first_revision: np.ndarray      # the day postures are first revisited
    declaration_rate: np.ndarray    # how often ending the truce is revisited
    separation_rate: np.ndarray     # separation a day at its patron's full pull
    separation_initial: np.ndarray  # separation at the start


class PartyFaction(CeasefireAgent, Observer, Attacker, AirForce, CounterTerror):
    """A faction party to the truce (government, opposition)."""

    phases = (("decide", 2, "decide"), ("plan", 0, "plan"), ("act", 0, "act"))
    compiles = (("k", "constants", PartyArrays),)
    records = ("violations", "formal_day", "declarer", "trigger")
    encodes = (
        Encodes(
            "retaliation with forgiveness",
            "strict tit-for-tat retaliation locks into cycles of punishment",
            ("PartyFaction.plan", "PartyFaction.weigh"),
            ("behaviour.party.retaliation", "behaviour.party.memory_days"),
            "On fronts it holds, a party answers the incidents it perceived there in "
            "proportion; grievances decay (forgiveness), so a cycle can end.",
            source="history"),
        Encodes(
            "formal declaration",
            "citing \"more than 300\" rebel violations",
            ("PartyFaction.decide", "CeasefireModel._declare"),
            ("behaviour.party.declaration_cost", "behaviour.party.declaration_rate",
             "behaviour.party.weighs_label", "behaviour.party.label_value",
             "behaviour.monitoring.bias", "mechanisms.monitoring.verification"),
            "A party fighting on some front weighs ending the truce over all its fronts against "
            "the public cost of doing so, which shrinks as far as self-serving accounts of the "
            "other's violations are believed (bias without verification); of those that would, "
            "the one that weighs it most declares it. With weighs_label it weighs ending the "
            "label against what the label keeps; worth less, fronts erode undeclared.",
            source="history"),
    )

    Behaviour = PartyBehaviour
    behaviour_key = "party"

    def __init__(self, model, name: str, index: int):
        super().__init__(model, name)
        self.index = index

    @staticmethod
    def committed_rate(sc: Scenario, name: str) -> float:
        """Its violations per day while its leadership keeps every front (undisciplined units,
        unrestrained): what the other side expects of it if committed."""
        a = sc.actors[name]
        return sc.behaviour.party.rogue_share * (1.0 - a.discipline) * a.war_rate

    def _front_mix(self, sc: Scenario, theatre: Theatre) -> np.ndarray:
        """Whose fire it faces on each front, (2, G): the shares of the counterpart there and
        of the counterpart's patron, by their war tempo on that front."""
        foe = np.maximum(theatre.counterpart[self.index], 0)
        tracked = set(theatre.pairs[theatre.pairs[:, 0] == self.index, 1].tolist())
        tempo = np.array([[sc.actors[theatre.actors[a]].war_rate * theatre.front_weight[a, g]
                           if a in tracked else 0.0 for g, a in enumerate(who)]
                          for who in (foe, theatre.patron[foe])])
        tempo[0] = np.where(tempo.sum(0) > 0, tempo[0], 1.0)
        return tempo / tempo.sum(0)

    def constants(self, sc: Scenario, theatre: Theatre) -> dict:
        a, b, i = sc.actors[self.name], self.behaviour(sc), self.index
        cp = theatre.counterpart[i]
        strength = np.array([sc.actors[n].strength for n in theatre.actors])
        mine = strength[i]
        theirs = np.where(cp >= 0, strength[np.maximum(cp, 0)], 0.0)
        edge = np.where(cp >= 0, 2.0 * mine / np.maximum(mine + theirs, 1e-9), 0.0)
        besieging = np.isin(np.arange(theatre.n_regions), theatre.siege_region[theatre.besieger == i])
        detection = Monitoring.detection(sc)
        pinned = b.blame_cost          # a violation pinned on it: blame, and what the deal adds
        for mechanism in self.model.weighing["pinned_cost"]:
            pinned = pinned + mechanism.pinned_cost(sc)
        return {
            "war_rate": a.war_rate, "front_weight": theatre.front_weight[i],
            "rogue_share": b.rogue_share * (1.0 - a.discipline),
            "front_mix": self._front_mix(sc, theatre),
            "gain": b.gain * edge + b.siege_gain * besieging,
            "exploited": b.exploitation * (2.0 - edge),
            "truce_value": b.truce_value, "aid_value": b.aid_value,
            "violation_cost": pinned * detection, "unpinned_cost": pinned * (1.0 - detection),
            "patron_leverage": PatronPressure.leverage(sc, theatre, i),
            "patron_cost": b.patron_cost,
            # the blame for ending it sticks as far as its account of the other's violations
            # is not believed: self-serving readings make a declaration cheap
            "declaration_cost": b.declaration_cost * (1.0 - Monitoring.misread(sc)),
            "weighs_label": float(b.weighs_label), "label_value": b.label_value,
            "pressure_gain": b.pressure_gain, "contagion": b.contagion,
            "regroup": b.regroup_per_day, **Stakes.constants(b),
            "retaliation": b.retaliation, "forgive": np.exp(-1.0 / b.memory_days),
            "unbounded": 0.0 if b.bounded_retaliation else np.inf,
            "noise": b.noise, "revision_rate": b.revision_rate,
            "first_revision": b.first_revision_day,
            "declaration_rate": b.declaration_rate,
            "separation_rate": Separation.rate(sc, a),
            "separation_initial": Separation.initial(sc, a),
        }

    def reset(self, replications: int) -> None:
        theatre, G, R = self.model.theatre, self.model.theatre.n_regions, replications
        self.fronts = theatre.counterpart[self.index] >= 0            # (G,) where it faces one
        self.posture = np.zeros((G, R))                             # 1: fighting there
        self.grievance = np.zeros((G, R))                           # decayed perceived incidents
        self.pressure = np.zeros((G, R))                            # decayed spoiler attacks
        self.perceived_today = Tally(G, R)                         # incidents, by front
        self.hit_today = Tally(G, R)                               # spoiler attacks, by front
        self.rate = np.zeros((G, R))
        self.separation = np.broadcast_to(self.k.separation_initial, (R,)).astype(float)
        self.urge = np.zeros(R)                 # national weighing, for the declaration
        self.reset_beliefs(R)
        self.stakes = Stakes(self, R)       # regrouping, war-weariness, momentum
        self.besieged_sieges = np.flatnonzero(theatre.besieged == self.index)
        self.patron_agent = self.model.agent_of(theatre.patron[self.index]) \
            if theatre.patron[self.index] >= 0 else None
        # the belief rows of the counterpart on each front and of its patron, (2, G)
        foe = np.maximum(theatre.counterpart[self.index], 0)
        self._front_rows = np.maximum(self.slot[np.stack([foe, theatre.patron[foe]])], 0)

    # -- what it perceives ---------------------------------------------------------

    def absorb(self, acts: dict, seen) -> None:
        """Book the day's incidents: beliefs, grievances by front, spoiler pressure."""
        mine = super().absorb(acts, seen) & (seen.front >= 0)
        self.perceived_today.add(seen.front[mine], seen.rep[mine], seen.weight[mine])
        hit = (acts["target"] == self.index) & self.model.is_spoiler[acts["actor"]]
        self.hit_today.add(acts["front"][hit], acts["rep"][hit], acts["count"][hit])

    # -- each day -------------------------------------------------------------------

    def pull(self) -> np.ndarray:
        """Its patron's pressure on it, (R,) (``PatronPressure.pull``)."""
        return PatronPressure.pull(self)

    def trust_by_front(self) -> np.ndarray:
        """Its belief that the fire it faces on each front will be held, (G, R): its beliefs
        in the counterpart there and in the counterpart's patron (whose air force strikes
        there too: Article, "launching attacks on Aleppo"), weighted by their war tempo on
        that front."""
        p = logistic(self.logodds)
        mix = self.k.front_mix
        return mix[0] * p[self._front_rows[0]] + mix[1] * p[self._front_rows[1]]

    def remember(self) -> None:
        """Fold yesterday's incidents into its grievances and the spoiler pressure on each
        front, older ones forgiven over ``memory_days``."""
        self.grievance = self.grievance * self.k.forgive + self.perceived_today.total()
        self.pressure = self.pressure * self.k.forgive + self.hit_today.total()

    def weigh(self) -> np.ndarray:
        """How much more fighting than keeping the truce is worth on each front, (G, R):
        its own terms (its edge and sieges, moved by momentum and growing as the pause lets
        it regroup; the cost of violations pinned on it, the more where observers or patrols
        watch the front; the truce's own worth, with war-weariness; the risk of being
        exploited: ``sim.agents.stakes``),
        plus what each mechanism of the registry contributes (``Mechanism.fighting_gain``,
        ``violation_cost``, ``truce_value``), in registry order."""
        k, weighing = self.k, self.model.weighing
        p = self.trust_by_front()
        stakes = self.stakes
        stakes.advance()
        gain = stakes.gain(k)
        for mechanism in weighing["fighting_gain"]:
            gain = gain + mechanism.fighting_gain(self)
        cost = k.violation_cost
        missed = self.model.factors["missed"]
        if missed is not None:      # observers, patrols: its violations there pinned more
            cost = cost + k.unpinned_cost * (1.0 - missed)
        for mechanism in weighing["violation_cost"]:
            cost = cost + mechanism.violation_cost(self)
        self.cost = cost        # the day's cost of violating by front, for the declaration
        value = stakes.truce_value(k)
        for mechanism in weighing["truce_value"]:
            value = value + mechanism.truce_value(self)
        return gain - cost - p * value + (1.0 - p) * stakes.exploited(k)

    def decide(self) -> None:
        """Revise its posture on each front, then weigh declaring the truce over."""
        k, model = self.k, self.model
        self.remember()
        delta = self.weigh()
        u = self.uniforms("decisions", len(self.fronts) + 1, idle=model.collapsed)
        standing = ~model.collapsed
        to_fight = 1.0 - np.exp(-k.revision_rate * logistic(delta / k.noise))
        to_keep = 1.0 - np.exp(-k.revision_rate * logistic(-delta / k.noise))
        switch = (u[:-1] < np.where(self.posture > 0, to_keep, to_fight)) \
            & self.fronts[:, None] & standing & (model.day >= k.first_revision)
        self.posture = np.where(switch, 1.0 - self.posture, self.posture)
        self.posture[:, model.collapsed] = 1.0
        fighting, covered, cost = self.posture, model.factors["covered"], self.cost
        if covered is not None:     # outside the deal's area it fights, and that is no part
            self.posture = np.maximum(self.posture, 1.0 - covered)     # of the truce
            fighting, delta = self.posture * covered, delta * covered
            cost = cost * covered
        # The leadership: is ending the truce worth its public cost (sim.agents.declaration)?
        self.urge = declaration.urge(k, delta, fighting, cost)
        p_declare = 1.0 - np.exp(-k.declaration_rate * logistic(self.urge / k.noise))
        self.declares = standing & (fighting.max(0) > 0) & (u[-1] < p_declare)
        self.separate()

    def separate(self) -> None:
        """Separation from the excluded faction it is intermixed with, at a pace set by its
        patron's leverage and willingness. Article: "the US was to persuade the opposition
        groups it backed to distance themselves from the Nusra forces"."""
        Separation.advance(self)

    def plan(self) -> None:
        """The day's rates of acts on each front: war tempo where it fights; where it holds,
        its undisciplined units (held back by its patron) and a proportional response to
        the incidents it perceived there, forgiven over ``memory_days`` (with
        ``bounded_retaliation``, never more in all than its war tempo there). history.md:
        under noisy monitoring "strict tit-for-tat retaliation locks into cycles of
        punishment"; forgiveness restores cooperation."""
        k, model = self.k, self.model
        war = k.war_rate * k.front_weight
        restraint = 1.0 - self.pull()
        keeping = war * k.rogue_share * restraint
        retaliating = np.minimum(k.retaliation * self.grievance * restraint
                                 * self.fronts[:, None], war - keeping + k.unbounded)
        holding = 1.0 - self.posture
        rate = self.posture * war + holding * (keeping + retaliating)
        rate[:, model.collapsed] = np.broadcast_to(war, rate.shape)[:, model.collapsed]
        self.set_rates(rate * self.fronts[:, None], holding * retaliating)


PartyFaction.Params = PartyParams
