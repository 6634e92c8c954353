"""Trust as belief: what a party believes about another's commitment to the truce.

Kydd (*Trust and Mistrust in International Relations*, 2005): trust is the
estimated probability that the other side prefers to reciprocate cooperation.
Here each party (faction or guarantor power) holds, for every party of another
camp, the log-odds that it is *committed*. Evidence is the incidents it books
against that party (and, for a power, against the clients it should restrain),
read with a likelihood that knows its own monitoring: a committed side still
produces incidents (undisciplined units, ambiguous incidents blamed on it,
spoiler attacks misread) at rate ``lambda_c``; an uncommitted one adds
deliberate violations, ``lambda_u > lambda_c``. Each day

    log-odds += (lambda_u - lambda_c) * 1 day - n * log(lambda_u / lambda_c),

the log of the Poisson likelihood ratio of the day's ``n`` incidents. With poor
verification ``lambda_c`` is large and an incident says little; with good
verification it says much. Beliefs then drift back towards the prior (the other
side's intent may change: a two-state hidden Markov filter), so trust lost can
be regained, slowly.

Initial beliefs come from the scenario's precedent: the prior, updated by a few
days' worth of the preceding truce's record, read the same way; with no
precedent, the prior. Article: "In
February of 2016, similar agreements failed, as Russia continued air strikes
despite ceasefire agreements".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

import numpy as np

from sim.agents import evidence
from sim.agents.monitoring import Monitoring
from sim.core.events import CAUSES, Tally
from sim.core.sampling import logistic
from sim.core.stacking import Compiled, at
from pydantic import Field

from sim.core.fields import Strict, param
from sim.core.mechanism import Encodes, Mechanism

if TYPE_CHECKING:
    from sim.core.events import Perceived
    from sim.model.theatre import Theatre
    from sim.scenario.schema import Scenario


class BeliefBehaviour(Strict):
    """How every party forms and revises its beliefs (shared by all scenarios)."""

    #: Constants that act only under a choice other than the default: (choice, value)
    #: -> the constants it brings into play. A calibration on truces that all keep the
    #: default cannot estimate them (``dormant``).
    OPT_IN: ClassVar[dict[tuple[str, str], tuple[str, ...]]] = {
        ("likelihood", "complete"): ("motivated", "dispersion", "power_sight")}

    prior: float = param(
        0.5, "probability", "Belief that another party is committed before any record of it "
        "(no precedent).", source="assumed: uninformative", ge=0.01, le=0.99)
    drift_per_day: float = param(
        0.2, "1/day", "Daily chance a party allows that the other's intent has changed, "
        "pulling its belief back towards the prior: lost trust is regained slowly.",
        source="assumed (Kydd 2005: trust as belief, revised both ways)", ge=0, le=1)
    precedent_days: float = param(
        1.0, "days", "How many days of the preceding truce's record a party carries into "
        "the next one as evidence about the other side.", source="assumed", ge=0, le=60)
    uncommitted_share: float = param(
        0.45, "share of war tempo", "How much of its war tempo a party expects an uncommitted "
        "other side to keep up under a truce (its alternative hypothesis).",
        source="assumed", ge=0.01, le=1)
    likelihood: Literal["model2", "complete"] = param(
        "model2", "", "How an observer reads its evidence. 'model2': its committed hypothesis "
        "allows for undisciplined units and a (1 - bias) share of the unclear incidents it "
        "books, counts Poisson (Model 2, what the shipped posterior was calibrated under). "
        "'complete': it allows for everything it knows can produce an incident it books "
        "(undisciplined units, a committed side's retaliation, all unclear incidents, spoiler "
        "attacks passing for the other side; less what motivated misperception discounts), "
        "counts negative binomial, and powers read their own evidence "
        "(sim.agents.evidence).", source="issue 15 item 1", opt_in=True)
    motivated: float = param(
        0.0, "share", "Motivated misperception (likelihood 'complete' only): share of the "
        "incidents it books that nobody of the accused side committed (unclear incidents, "
        "misread spoiler attacks) which an observer will not allow for, reading them as "
        "the other side's bad faith; separate from the honest noise of "
        "behaviour.monitoring.bias. 0: it allows for all of them.", source="assumed", ge=0,
        le=1, opt_in=True)
    dispersion: float = param(
        2.0, "incidents (negative binomial r)", "Overdispersion of the daily counts an "
        "observer expects (likelihood 'complete' only): the negative binomial's r; small r, "
        "bursty counts, so one incident and one quiet day are bounded evidence (large r: "
        "Poisson).", source="assumed: incidents come in bursts", gt=0, le=1000, opt_in=True)
    power_sight: float = param(
        0.5, "share", "Share of its camp's incidents an external power observes itself "
        "(likelihood 'complete' only; its own stream <power>.evidence): a power's beliefs "
        "come from its own evidence, not its clients' account.", source="assumed", ge=0.01,
        le=1, opt_in=True)


def dormant(scenarios) -> set[str]:
    """``behaviour.beliefs.*`` constants none of ``scenarios`` can act on: the choices
    every one of them leaves at a value that brings no constant into play, and the
    constants only another value of a choice brings into play."""
    out = set()
    for (choice, value), names in BeliefBehaviour.OPT_IN.items():
        if all(getattr(s.behaviour.beliefs, choice) != value for s in scenarios):
            out |= {f"behaviour.beliefs.{n}" for n in (choice, *names)}
    return out


#: Incidents a day an observer expects even of a committed side with perfect monitoring:
#: a floor that keeps one incident finite evidence (no channel is perfectly silent).
QUIET = 0.01


def logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p) - np.log1p(-p)


@dataclass(frozen=True)
class BeliefArrays(Compiled):
    """What an observer reads when it revises its beliefs, per party it trusts (rows)."""

    log_ratio: np.ndarray   # evidence of one incident: log(lambda_u / lambda_c)
    gap: np.ndarray         # lambda_u - lambda_c: what a quiet day is worth
    initial: np.ndarray     # log-odds before the truce (prior, or the precedent's record)
    prior: np.ndarray       # log-odds of the prior, where beliefs drift back to
    drift: np.ndarray       # daily chance the other's intent is allowed to have changed
    sight: np.ndarray       # share of its camp's incidents it observes itself


class Observer(Mechanism):
    """Mixin for agents that hold beliefs about the parties of other camps."""

    behaviour_key, Behaviour = "beliefs", BeliefBehaviour
    compiles = (("belief_k", "belief_constants", BeliefArrays),)
    records = ("final_trust",)
    encodes = (
        Encodes(
            "gaps of trust",
            "gaps of trust",
            ("Observer.update_beliefs", "Observer.absorb", "ExternalPower.decide"),
            ("behaviour.beliefs.prior", "behaviour.beliefs.drift_per_day",
             "behaviour.beliefs.uncommitted_share", "mechanisms.monitoring.verification",
             "behaviour.beliefs.likelihood", "behaviour.beliefs.motivated",
             "behaviour.beliefs.dispersion", "behaviour.beliefs.power_sight"),
            "Trust is each party's belief that another is committed: a daily Bayesian update "
            "from the incidents booked against it, read with a likelihood that knows the "
            "observer's own monitoring noise, drifting back towards the prior. Opt-in "
            "(likelihood 'complete'): the committed hypothesis allows for all the observer "
            "knows can produce an incident it books (undisciplined units, retaliation, "
            "unclear incidents, misread spoiler attacks) less what motivated misperception "
            "discounts; counts are negative binomial, so a day's evidence is bounded per "
            "incident; a power reads its own thinned share of its camp's incidents."),
        Encodes(
            "precedent of February",
            "In February of 2016, similar agreements failed, as Russia continued air strikes "
            "despite ceasefire agreements",
            ("Observer.belief_constants",),
            ("precedent", "precedent.verification", "precedent.violence_share",
             "behaviour.beliefs.precedent_days", "behaviour.beliefs.prior"),
            "Initial beliefs: the prior, updated by precedent_days of the preceding truce's "
            "record, read with that truce's monitoring."),
    )


    index: int

    def belief_constants(self, sc: Scenario, theatre: Theatre) -> dict:
        """Per trusted party: the log-likelihood ratio of one incident, the rate gap, and
        the initial log-odds from the precedent."""
        b = sc.behaviour.beliefs
        classes = self.model.classes
        trusted = theatre.pairs[theatre.pairs[:, 0] == self.index, 1]
        if b.likelihood == "complete":
            return self._complete_constants(sc, theatre, trusted)
        noise = Monitoring.false_rate(sc, theatre, self.index)
        log_ratio, gap, initial = [], [], []
        for t in trusted:
            lam_c, lam_u = _hypotheses(sc, theatre, t, Monitoring.detection(sc), noise, classes)
            log_ratio.append(np.log(lam_u / lam_c))
            gap.append(lam_u - lam_c)
            initial.append(logit(b.prior) if sc.precedent is None
                           else _read_precedent(sc, theatre, t, noise, classes))
        return {"log_ratio": np.array(log_ratio), "gap": np.array(gap),
                "initial": np.array(initial), "prior": logit(b.prior), "drift": b.drift_per_day,
                "sight": 1.0}

    def _complete_constants(self, sc: Scenario, theatre: Theatre, trusted) -> dict:
        """Under likelihood "complete": the observer's full account of its noise, negative
        binomial counts, and for a power the share of its camp's incidents it sees
        (``sim.agents.evidence``)."""
        b, classes, pre = sc.behaviour.beliefs, self.model.classes, sc.precedent
        sight = self.sight(sc)

        def read(t, detection):
            lam_c, lam_u, noise = evidence.hypotheses(sc, theatre, self.index, t, detection,
                                                      classes)
            seen_c = max(sight * lam_c, QUIET)
            return (*evidence.negative_binomial(seen_c, seen_c + sight * (lam_u - lam_c),
                                                b.dispersion), noise)

        log_ratio, gap, initial = [], [], []
        for t in trusted:
            ratio, quiet, _ = read(t, Monitoring.detection(sc))
            log_ratio.append(ratio)
            gap.append(quiet)
            if pre is None:
                initial.append(logit(b.prior))
                continue
            d = Monitoring.detection(sc, verification=pre.verification)
            r0, q0, noise = read(t, d)
            violence = sum(pre.violence_share.get(theatre.actors[m], 0.0)
                           * sc.actors[theatre.actors[m]].war_rate
                           for m in evidence.members(theatre, t))
            seen = sight * (d * violence + noise)      # its precedent's record, as it saw it
            initial.append(float(logit(b.prior) + b.precedent_days * (q0 - seen * r0)))
        return {"log_ratio": np.array(log_ratio), "gap": np.array(gap),
                "initial": np.array(initial), "prior": logit(b.prior),
                "drift": b.drift_per_day, "sight": sight}

    def sight(self, sc: Scenario) -> float:
        """Share of its camp's incidents it observes itself: all for a faction; for a power,
        ``power_sight`` under likelihood "complete"."""
        b = sc.behaviour.beliefs
        power = self.model.theatre.kind[self.index] == "power"
        return b.power_sight if power and b.likelihood == "complete" else 1.0

    def reset_beliefs(self, replications: int) -> None:
        theatre = self.model.theatre
        self.trusted = theatre.pairs[theatre.pairs[:, 0] == self.index, 1]
        self.slot = np.full(theatre.n_actors + 1, -1)        # last entry: "no actor" (-1)
        self.slot[self.trusted] = np.arange(len(self.trusted))
        R = replications
        self.logodds = np.broadcast_to(self.belief_k.initial, (len(self.trusted), R)).copy()
        self.evidence = Tally(len(self.trusted), R)         # today's, by trusted party
        self.cause_weight = Tally(len(CAUSES), R)           # today's, by cause
        self.last_causes = np.zeros((len(CAUSES), R))       # yesterday's: the last straw

    def absorb(self, acts: dict, seen: Perceived) -> np.ndarray:
        """Book the incidents its camp perceived today against the parties it tracks: the
        accused itself and, for a client's incidents, its patron. Returns which incidents
        its camp perceived."""
        mine = seen.camp == self.model.theatre.camp[self.index]
        if not mine.any():
            return mine
        rep, accused, weight = seen.rep[mine], seen.accused[mine], seen.weight[mine]
        self.cause_weight.add(seen.cause[mine], rep, weight)
        if np.any(self.belief_k.sight < 1.0):     # a power books what it observes itself
            kept = evidence.thinned(self, rep, at(self.belief_k.sight, rep))
            rep, accused, weight = rep[kept], accused[kept], weight[kept]
        patron = self.model.theatre.patron[accused]
        for who in (accused, patron):
            row = self.slot[who]
            ok = row >= 0
            self.evidence.add(row[ok], rep[ok], weight[ok])
        return mine

    def update_beliefs(self) -> None:
        """The day's Bayesian update, then the drift back towards the prior.

        Article: Obama cited "gaps of trust" between the US and Russian governments; the
        powers "harbor deep-seated mistrust for one another". Trust here is the belief
        that the other side is committed, revised from what each side perceives. Once a
        truce is declared over nobody perceives violations of it, and beliefs stay where
        they were (silence then is not evidence of commitment).
        """
        k = self.belief_k
        revised = self.logodds + k.gap - self.evidence.total() * k.log_ratio
        p = (1.0 - k.drift) * logistic(revised) + k.drift * logistic(k.prior)
        self.logodds = np.where(self.model.collapsed, self.logodds, logit(p))
        self.last_causes = self.cause_weight.total()

    def trust_in(self, actor: int | str) -> np.ndarray:
        """Its belief that ``actor`` is committed, (R,)."""
        if isinstance(actor, str):
            actor = self.model.theatre.index(actor)
        row = self.slot[actor]
        if row < 0:
            raise ValueError(f"{self.name} holds no belief about actor {actor}")
        return logistic(self.logodds[row])


def _hypotheses(sc: Scenario, theatre: Theatre, t: int, detection: float, noise: float,
                classes: dict) -> tuple[float, float]:
    """Incidents a day an observer expects to book against ``t`` (with its clients) if it
    is committed (undisciplined units, detected, plus the noise it allows for) and if it is
    not (its uncommitted tempo on top)."""
    members = evidence.members(theatre, t)
    committed = sum(classes[theatre.kind[m]].committed_rate(sc, theatre.actors[m])
                    for m in members)
    war = sum(sc.actors[theatre.actors[m]].war_rate for m in members)
    lam_c = max(detection * committed + noise, QUIET)
    return lam_c, lam_c + detection * sc.behaviour.beliefs.uncommitted_share * war


def _read_precedent(sc: Scenario, theatre: Theatre, t: int, noise: float, classes: dict
                    ) -> float:
    """Initial log-odds: the prior, updated by ``precedent_days`` days of the precedent's
    record of ``t`` (and its clients), read with the monitoring of that time."""
    b, pre = sc.behaviour.beliefs, sc.precedent
    detection = Monitoring.detection(sc, verification=pre.verification)
    lam_c, lam_u = _hypotheses(sc, theatre, t, detection, noise, classes)
    violence = sum(pre.violence_share.get(theatre.actors[m], 0.0)
                   * sc.actors[theatre.actors[m]].war_rate for m in evidence.members(theatre, t))
    seen = detection * violence + noise          # incidents a day in its record, as perceived
    per_day = (lam_u - lam_c) - seen * np.log(lam_u / lam_c)
    return float(logit(b.prior) + b.precedent_days * per_day)


class PrecedentTerms(Strict):
    """``precedent``: the record of the truce before this one, as the parties lived it."""

    name: str = param("", "", "Which truce it was.", source="fact")
    verification: float = param(0.0, "share", "Quality of its monitoring.", source="fact",
                                ge=0, le=1)
    violence_share: dict[str, Annotated[float, Field(ge=0.0, le=2.0, allow_inf_nan=False)]] = param(
        {}, "share of war level", "Each actor's violence under it, as a share of its war "
        "level; actors not named kept the truce (0). Article: 'In February of 2016, similar "
        "agreements failed, as Russia continued air strikes despite ceasefire agreements'.",
        source="history.md")
