"""An external power: patron of its clients, guarantor of the truce, partner in the JIC.

Each day a power decides how hard to press its clients (its *willingness*: its
own commitment to the truce, raised by the value it puts on the joint strikes
the JIC promises, as far as it believes the other power will deliver), whether
it would join the JIC now (the JIC's worth against the risk of cooperating with
an uncommitted partner), and how much its own air force holds back. The power
that receives shared intelligence may misuse it, the less committed it is.

Article: "depended largely on Russia successfully preventing Assad's forces from
indiscriminately bombing"; "Russia proved unwilling to maintain the ceasefire,
instead launching attacks on Aleppo"; "This mutually shared goal was meant to be
the key to ensuring cooperation between the two powers"; "the possibility of
gaining U.S. help in fighting ISIS and Nusra was not enough to secure Moscow's
cooperation"; "aversion to sharing information with a military adversary".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.acts import Attacker
from sim.agents.air import AirForce
from sim.agents.base import CeasefireAgent
from sim.agents.counter_terror import CounterTerror
from sim.agents.beliefs import Observer
from sim.agents.intelligence import Intelligence
from sim.agents.joint_center import JointCenter
from sim.core.events import MISUSE, Acts
from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes
from sim.core.sampling import choose, logistic, per_step
from sim.core.stacking import Compiled

if TYPE_CHECKING:
    from sim.model.theatre import Theatre
    from sim.scenario.schema import Scenario


class PowerBehaviour(Strict):
    """``behaviour.power``: how an external power weighs the deal (shared by all scenarios)."""

    jic_pull: float = param(
        0.6, "share", "How far the JIC's promise, believed, raises a power's willingness to "
        "restrain its clients and itself.", source="assumed", ge=0, le=1)
    jic_risk: float = param(
        1.0, "value", "Cost of cooperating in the JIC with a partner that turns out "
        "uncommitted, in units of the JIC's full value.", source="assumed", ge=0, le=20)
    intel_value: float = param(
        0.5, "share of JIC value", "Extra value of the JIC to the power receiving shared "
        "intelligence.", source="assumed", ge=0, le=5)
    strike_share: float = param(
        0.4, "share of war tempo", "Tempo an uncommitted power's air force keeps up under a "
        "truce, plus the support it flies where its clients fight.", source="assumed",
        ge=0, le=1)
    misuse_per_day: float = param(
        0.3, "events/day", "Rate at which an uncommitted recipient turns shared intelligence "
        "on the provider's clients.", source="assumed", ge=0, le=24)
    noise: float = param(
        0.3, "value", "Spread of its JIC judgement (logit scale).", source="assumed", ge=0.01,
        le=20)


@dataclass(frozen=True)
class PowerArrays(Compiled):
    """What a power reads each day (``ExternalPower.constants``)."""

    leverage: np.ndarray       # over its clients
    commitment: np.ndarray     # its own, less what domestic opposition takes
    jic_value: np.ndarray      # worth of joint strikes (with shared intelligence)
    jic_risk: np.ndarray       # cost of joining with an uncommitted partner
    jic_pull: np.ndarray       # how far the JIC's promise raises its willingness
    noise: np.ndarray          # spread of its JIC judgement
    war_rate: np.ndarray       # its strikes a day at war
    front_weight: np.ndarray   # (G,) share of its strikes on each front
    strike_share: np.ndarray   # tempo an unwilling power keeps up
    misuse: np.ndarray         # misuse of shared intelligence a day, if unwilling


class ExternalPower(CeasefireAgent, Observer, Attacker, AirForce, CounterTerror):
    """A power backing factions: guarantor of the truce, patron of its clients."""

    phases = (("decide", 0, "decide"), ("plan", 1, "plan"), ("act", 1, "act"),
              ("act", 4, "misuse"))
    compiles = (("k", "constants", PowerArrays),)
    encodes = (
        Encodes(
            "Russian strikes on Aleppo",
            "Russia proved unwilling to maintain the ceasefire, instead launching attacks on "
            "Aleppo",
            ("ExternalPower.plan", "ExternalPower.decide"),
            ("actors.<power>.commitment", "actors.<power>.war_rate",
             "behaviour.power.strike_share"),
            "The patron itself can violate: its air force keeps up a share of its war tempo, "
            "and flies support where its clients fight, as far as it is unwilling."),
        Encodes(
            "the JIC's promise",
            "the possibility of gaining U.S. help in fighting ISIS and Nusra was not enough to "
            "secure Moscow’s cooperation",
            ("ExternalPower.decide",),
            ("actors.<power>.jic_value", "behaviour.power.jic_pull"),
            "The value a power puts on joint strikes, as far as it believes its partner will "
            "deliver, raises its willingness to restrain its clients and itself."),
    )


    Behaviour = PowerBehaviour
    behaviour_key = "power"

    def __init__(self, model, name: str, index: int):
        super().__init__(model, name)
        self.index = index

    @staticmethod
    def commitment(sc: Scenario, name: str) -> float:
        """Its commitment to the truce, less what domestic opposition to sharing takes."""
        return Intelligence.commitment(sc, name, sc.actors[name].commitment)

    @staticmethod
    def committed_rate(sc: Scenario, name: str) -> float:
        """Its strikes per day when fully committed: none."""
        return 0.0

    def constants(self, sc: Scenario, theatre: Theatre) -> dict:
        a, b = sc.actors[self.name], self.behaviour(sc)
        shared = Intelligence.shared(sc)
        receives = Intelligence.receives(sc, self.name)
        value = a.jic_value * (1.0 + b.intel_value * shared * receives)
        risk = b.jic_risk * (1.0 + shared * Intelligence.provides(sc, self.name))
        return {
            "leverage": a.leverage, "commitment": self.commitment(sc, self.name),
            "jic_value": value if JointCenter.offered(sc) else 0.0, "jic_risk": risk, "jic_pull": b.jic_pull,
            "noise": b.noise, "war_rate": a.war_rate,
            "front_weight": theatre.front_weight[self.index], "strike_share": b.strike_share,
            "misuse": b.misuse_per_day * shared * receives,
        }

    def reset(self, replications: int) -> None:
        theatre, R = self.model.theatre, replications
        self.willingness = np.broadcast_to(self.k.commitment, (R,)).astype(float)
        self.joins = np.zeros(R, bool)
        self.rate = np.zeros((theatre.n_regions, R))
        self.reset_beliefs(R)
        self.others = [t for t in self.trusted if theatre.kind[t] == "power"]
        self.clients = [self.model.agent_of(c) for c in range(theatre.n_actors)
                        if theatre.patron[c] == self.index]
        provider = Intelligence.provider(self.model.base)
        self.provider = theatre.index(provider) if provider else -1

    def belief_in_partner(self) -> np.ndarray:
        """Its belief that the other guarantor will deliver its side, (R,); 0 with none."""
        if not self.others:
            return np.zeros(self.model.replications)
        return np.mean([self.trust_in(t) for t in self.others], axis=0)

    def decide(self) -> None:
        """Willingness to press its clients and hold its own fire; whether it would join the
        JIC now."""
        k = self.k
        b = self.belief_in_partner()
        promise = np.minimum(1.0, k.jic_value * b)
        self.willingness = k.commitment + (1.0 - k.commitment) * k.jic_pull * promise
        worth = b * k.jic_value - (1.0 - b) * k.jic_risk
        u = self.uniforms("decisions", 1, idle=self.model.collapsed)[0]   # joins: in truce
        self.joins = (u < logistic(worth / k.noise)) & (len(self.others) > 0)

    def plan(self) -> None:
        """Its strikes per day on each front: held back by its willingness, plus support
        where its clients fight."""
        k, model = self.k, self.model
        war = k.war_rate * k.front_weight
        support = np.zeros_like(self.rate)
        for client in self.clients:
            if hasattr(client, "posture"):
                support = np.maximum(support, client.posture)
        rate = (1.0 - self.willingness) * war * (k.strike_share + support)
        rate[:, model.collapsed] = np.broadcast_to(war, rate.shape)[:, model.collapsed]
        self.set_rates(rate)

    def misuse(self, acts: Acts) -> None:
        """Misuse of shared intelligence while the JIC works: strikes on the provider's
        clients, on the fronts where it meets them (its own streams ``<name>.misuse`` and,
        keyed, ``<name>.misuse_details``).

        Article: the plan was criticised "for its requirement that the United States share
        intelligence with Russia"; the Pentagon's "aversion to sharing information with a
        military adversary". The less committed the recipient, the more it misuses.
        """
        if self.provider < 0 or not np.any(self.k.misuse):
            return
        model, theatre = self.model, self.model.theatre
        u = self.uniforms("misuse", model.substeps)
        rate = np.broadcast_to(self.k.misuse * (1.0 - self.willingness) * model.jic.active,
                               (model.replications,))
        hour, rep = np.nonzero(u < per_step(rate, model.dt))
        if not len(rep):
            return
        victims = theatre.counterpart[self.index]
        weights = theatre.front_weight[self.index] * (victims >= 0) * (
            theatre.patron[np.maximum(victims, 0)] == self.provider)
        if not weights.any():
            return
        detail = model.streams.at(f"{self.name}.misuse_details", model.day, hour, rep, 3)
        front = choose(np.broadcast_to(weights, (len(rep), len(weights))), detail[:, 0])
        acts.add(rep, self.index, victims[front], front, 1, MISUSE, detail[:, 1],
                 detail[:, 2], hour)


class PowerParams(Strict):
    """What a scenario says of an external power (``actors.<name>``)."""

    strength: float = param(1.0, "share", "Military weight: the harm its strikes do.",
                            source="fact", ge=0, le=1)
    war_rate: float = param(0.0, "strikes/day", "Its strikes per day on the other camp's "
                            "forces at war (the pre-truce level).", source="fact", ge=0,
                            le=500)
    air_power: float = param(0.0, "share", "Exposure to misidentified strikes: 1 for an air "
                             "force striking daily.", source="fact", ge=0, le=1)
    leverage: float = param(
        0.0, "share", "Ability to restrain its clients. Article: 'depended largely on Russia "
        "successfully preventing Assad's forces from indiscriminately bombing'.",
        source="fact", ge=0, le=1)
    commitment: float = param(
        0.0, "share", "Its own commitment to the truce: willingness to use its leverage and "
        "hold its fire, before the JIC's promise. Article: 'Russia proved unwilling to "
        "maintain the ceasefire'.", source="fact", ge=0, le=1)
    jic_value: float = param(
        0.0, "share", "Value it puts on joint strikes against the excluded factions. Article: "
        "'the possibility of gaining U.S. help in fighting ISIS and Nusra was not enough to "
        "secure Moscow's cooperation'.", source="fact", ge=0, le=1)


ExternalPower.Params = PowerParams
