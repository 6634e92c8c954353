"""The ceasefire model: R independent worlds of one scenario, stepped in lockstep.

``CeasefireModel(scenario, replications=1, rng=seed)`` with R = 1 is an
ordinary single-world Mesa model (what the interactive app shows); with
R = 10,000 it is an ensemble at numpy speed. There is one code path.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from mesa import Model
from mesa.discrete_space import Network

from sim.model import rules
from sim.model.agents import Actor, ExternalPower, Faction, Region
from sim.model.compiled import (ACCIDENT, BLOCKED_AID, DELIBERATE, INITIAL, MISATTRIBUTION,
                          RETALIATION, SPOILER, TRIGGERS, compile_scenario, per_step,
                          poisson_count, sample_alias)
from sim.model.results import Recorder, Results
from sim.model.rules import State
from sim.scenario.schema import Scenario


class _Events:
    """Perceived violations of one step: who perceived (camp), whom they blame, how much
    (grievance weight), why (cause) and how many violations the other side counts (reports)."""

    def __init__(self):
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, rep, camp, accused, weight, cause, reports) -> None:
        """Record ``len(rep)`` events; any field may be one value for all of them."""
        n = len(rep)
        if n:
            self.parts.append(tuple(
                x if isinstance(x, np.ndarray) else np.full(n, x, dtype=dtype)
                for x, dtype in ((rep, int), (camp, int), (accused, int), (weight, float),
                                 (cause, int), (reports, int))))

    def arrays(self) -> tuple[np.ndarray, ...]:
        if not self.parts:
            empty_i, empty_f = np.zeros(0, int), np.zeros(0)
            return empty_i, empty_i, empty_i, empty_f, empty_i, empty_i
        return tuple(np.concatenate(col) for col in zip(*self.parts, strict=True))


class CeasefireModel(Model):
    """A truce between the parties of a scenario, with its guarantors and spoilers.

    Order of the sub-steps of one step (one hour by default):

    1. Phase: the JIC starts on its day, or once the truce has survived.
    2. Decisions: each actor's hostile acts (violations by parties, attacks by
       spoilers) drawn against ``rules.violation_rates``; each act lands on a
       target and region drawn from where the two meet.
    3. Perception: victims perceive violations; spoiler attacks from marbled
       areas are blamed on, or provoke against, the party intermixed there;
       misidentified strikes; ambiguous incidents blamed on the other side;
       misuse of shared intelligence; blocked or struck aid convoys.
    4. Updates: trust (lost faster than gained), tension (with forgiveness),
       separation of marbled fighters.
    5. Declaration: the party furthest past its tolerance or trust floor
       declares the truce over; the cause weighing most in what its camp
       perceived this step is recorded as the trigger.

    Every step draws one block of uniforms of the same shape whatever the
    mechanisms switched on, then thresholds it (common random numbers).
    """

    def __init__(self, scenario: Scenario, replications: int = 1, rng=None,
                 record_daily: bool = True):
        super().__init__(rng=rng)
        if replications < 1:
            raise ValueError(f"replications must be at least 1 (got {replications})")
        self.scenario_spec = scenario
        self.compiled = c = compile_scenario(scenario)
        self.replications = replications
        self.state = State.initial(c, replications)
        self.recorder = Recorder(c, replications, record_daily)
        self._actors = {}
        for i, name in enumerate(c.actors):
            cls = ExternalPower if scenario.actors[name].kind == "power" else Faction
            self._actors[name] = cls(self, name, i)
        graph = nx.Graph()
        graph.add_nodes_from(c.regions)
        graph.add_edges_from((g, nb) for g in c.regions for nb in scenario.regions[g].neighbours)
        self.network = Network(graph, layout=None, random=self.random)
        self.regions = [Region(self, g, i, self.network[g]) for i, g in enumerate(c.regions)]
        A, B = c.n_actors, len(c.siege_region)
        self._uniforms = np.empty((6 * A + 1 + 3 * B, replications))
        self._accident_bound = rules.accident_bound(c)[:, None]   # constant over a run
        self._p_convoy = float(per_step(scenario.mechanisms.humanitarian.convoys_per_day, c.dt)) \
            if scenario.mechanisms.humanitarian.enabled else 0.0

    # -- agents ---------------------------------------------------------------

    def actor(self, name: str) -> Actor:
        """The Mesa agent of a faction or power, by name."""
        return self._actors[name]

    @property
    def actors(self) -> list[Actor]:
        return list(self._actors.values())

    # -- running ----------------------------------------------------------------

    def run(self) -> Results:
        """Step to the horizon and return the results."""
        while self.running:
            self.step()
        return self.results()

    def step(self) -> None:
        c, s = self.compiled, self.state
        R, A = self.replications, c.n_actors
        u = self.rng.random(out=self._uniforms)
        u_act, u_where, u_perceive, u_acc, u_acc_where, u_amb = u[:6 * A].reshape(6, A, R)
        u_misuse, u_convoy = u[6 * A], u[6 * A + 1:].reshape(3, -1, R)

        self._start_jic()
        trust_other = rules.trust_in_other_side(c, s)
        rates = rules.violation_rates(c, s, trust_other)
        events = _Events()
        misattribution = rules.misattribution_probability(c, s)
        self._acts(u_act, u_where, u_perceive, rates, misattribution, events)
        self._accidents(u_acc, u_acc_where, events)
        self._ambiguous(u_amb, misattribution, events)
        self._misuse(u_misuse, events)
        self._convoys(u_convoy, trust_other, rates, events)

        rep, camp, accused, weight, cause, reports = events.arrays()
        K = c.n_camps
        if s.step < c.truce_steps:
            in_truce = ~s.collapsed[rep]
            self.recorder.reported += self._count(accused[in_truce], rep[in_truce],
                                                  reports[in_truce])
        rules.update_trust(c, s, self._blame(rep, camp, accused, weight))
        rules.update_tension(c, s, np.bincount(camp * R + rep, weight,
                                                minlength=K * R).reshape(K, R))
        rules.update_separation(c, s)
        self._declare(rules.trust_in_other_side(c, s), rep, camp, weight, cause)
        self._record_day(rep, accused, reports)
        s.step += 1
        self.running = s.step < c.horizon_steps

    def _blame(self, rep, camp, accused, weight) -> np.ndarray:
        """Weight of perceived violations on each tracked trust pair, (P, R)."""
        c, R = self.compiled, self.replications
        P = len(c.initial_trust)
        pairs = c.blame_pairs[camp * c.n_actors + accused]          # (n, W), P: no pair
        flat = (pairs * R + rep[:, None]).ravel()
        blamed = np.bincount(flat, np.repeat(weight, pairs.shape[1]), minlength=(P + 1) * R)
        return blamed[:P * R].reshape(P, R)

    def _count(self, actor: np.ndarray, rep: np.ndarray, n: np.ndarray | None = None
               ) -> np.ndarray:
        """Events (or ``n`` each) per (replication, actor), (R, A): the recorded layout."""
        A = self.compiled.n_actors
        counts = np.bincount(rep * A + actor, n, minlength=self.replications * A)
        return counts.reshape(-1, A).astype(np.int64, copy=False)

    # -- sub-steps ----------------------------------------------------------------

    def _start_jic(self) -> None:
        c, s = self.compiled, self.state
        if not self.scenario_spec.mechanisms.jic.enabled:
            return
        start = c.jic_start_step if c.jic_start_step is not None else c.truce_steps
        if s.step == start:
            s.jic = ~s.collapsed
            s.jic_activated |= s.jic

    def _acts(self, u_act, u_where, u_perceive, rates, misattribution, events) -> None:
        c, s, rec = self.compiled, self.state, self.recorder
        p = per_step(rates, c.dt)
        actor, rep = np.nonzero(u_act < p)
        if not len(rep):
            return
        # Draw first, then threshold: the same uniform says whether, how many and why.
        u = u_act[actor, rep]
        n = poisson_count(u, rates[actor, rep] * c.dt)
        deliberate = u < p[actor, rep] * rules.opportunistic_share(c, s, rates, actor, rep)
        cell = sample_alias(c.act_alias, actor, u_where[actor, rep])
        target = c.act_target[cell]
        harm = np.bincount(rep, n * c.act_harm[actor, cell], minlength=self.replications)
        rec.harm += harm
        if rec.daily:
            day = s.step // c.steps_per_day
            rec.acts_day[day] += self._count(actor, rep, n)
            rec.harm_day[day] += harm

        by_party = c.party[actor] > 0
        in_truce = ~s.collapsed[rep] & (s.step < c.truce_steps)
        violation = by_party & in_truce
        rec.violations += self._count(actor[violation], rep[violation], n[violation])
        pr = by_party
        events.add(rep[pr], c.camp[target[pr]], actor[pr], n[pr],
                   np.where(deliberate[pr], DELIBERATE, RETALIATION), n[pr])

        spoiler = c.excluded[actor] > 0
        rec.spoiler_attacks += np.bincount(rep[spoiler & in_truce], n[spoiler & in_truce],
                                           minlength=self.replications).astype(np.int32)
        blamed = c.intermixed_party[actor]
        exposed = spoiler & (blamed >= 0)
        exposed[exposed] &= c.camp[blamed[exposed]] != c.camp[target[exposed]]
        r, a, t, q, k = rep[exposed], actor[exposed], target[exposed], blamed[exposed], n[exposed]
        marbled = c.act_marbling[cell[exposed]] * (1.0 - s.separation[q, r])
        misread = u_perceive[a, r] < marbled * misattribution[r]
        events.add(r[misread], c.camp[t[misread]], q[misread], k[misread], MISATTRIBUTION,
                   k[misread])
        provoke = ~misread & (marbled > 0)
        events.add(r[provoke], c.camp[t[provoke]], q[provoke],
                   self.scenario_spec.mechanisms.spoilers.provocation * marbled[provoke]
                   * k[provoke], SPOILER, 0)

    def _accidents(self, u_acc, u_acc_where, events) -> None:
        c, s, rec = self.compiled, self.state, self.recorder
        # Thinning: only draws under the bound can be under the exact probability.
        actor, rep = np.nonzero(u_acc < self._accident_bound)
        hit = u_acc[actor, rep] < rules.accident_probability(c, s, actor, rep)
        actor, rep = actor[hit], rep[hit]
        if not len(rep):
            return
        cell = sample_alias(c.act_alias, actor, u_acc_where[actor, rep])
        rec.accidents += self._count(actor, rep)
        rec.harm += np.bincount(rep, c.act_harm[actor, cell], minlength=self.replications)
        events.add(rep, c.camp[c.act_target[cell]], actor,
                   self.scenario_spec.mechanisms.accidents.severity, ACCIDENT, 1)

    def _ambiguous(self, u_amb, misattribution, events) -> None:
        c = self.compiled
        observer, rep = np.nonzero(u_amb < c.p_ambiguous[:, None] * misattribution)
        events.add(rep, c.camp[observer], c.main_counterpart[observer], 1.0,
                   MISATTRIBUTION, 1)

    def _misuse(self, u_misuse, events) -> None:
        c, s = self.compiled, self.state
        if c.intel_recipient < 0:
            return
        (rep,) = np.nonzero(u_misuse < rules.misuse_probability(c, s))
        if not len(rep):
            return
        if s.step < c.truce_steps:
            self.recorder.violations[rep[~s.collapsed[rep]], c.intel_recipient] += 1
        events.add(rep, c.camp[c.intel_provider], c.intel_recipient,
                   self.scenario_spec.mechanisms.intelligence.misuse_grievance,
                   DELIBERATE, 1)

    def _convoys(self, u_convoy, trust_other, rates, events) -> None:
        c, s, rec = self.compiled, self.state, self.recorder
        if not len(c.siege_region):
            return
        m = self.scenario_spec.mechanisms.humanitarian
        siege, rep = np.nonzero(u_convoy[0] < self._p_convoy)
        blocked = u_convoy[1, siege, rep] < rules.convoy_block_probability(
            c, s, trust_other, siege, rep)
        struck = ~blocked & (u_convoy[2, siege, rep] < rules.convoy_strike_probability(
            c, rates, siege, rep))
        delivered = ~blocked & ~struck
        R = self.replications
        rec.convoys += np.stack([np.bincount(rep[x], minlength=R)
                                 for x in (delivered, blocked, struck)], axis=1)
        trucks = np.bincount(rep[delivered], minlength=R) * m.trucks_per_convoy
        rec.aid_delivered += trucks
        rec.harm += np.bincount(rep[struck], c.siege_harm[siege[struck]], minlength=R)
        if rec.daily:
            rec.aid_day[s.step // c.steps_per_day] += trucks
        rep, siege = rep[blocked | struck], siege[blocked | struck]
        events.add(rep, c.besieged_camp[siege], c.besieger[siege], m.grievance,
                   BLOCKED_AID, 1)

    def _declare(self, trust_other, rep, camp, weight, cause) -> None:
        c, s = self.compiled, self.state
        who = rules.declarations(c, s, trust_other)
        (rows,) = np.nonzero(who >= 0)
        if len(rows):
            # The trigger: the cause that weighed most in what the declarer's camp
            # perceived this step (at step 0 with nothing perceived: initial distrust).
            position = np.full(self.replications, -1)
            position[rows] = np.arange(len(rows))
            mine = (position[rep] >= 0) & (camp == c.camp[np.maximum(who[rep], 0)])
            C = len(TRIGGERS)
            tally = np.bincount(position[rep[mine]] * C + cause[mine], weight[mine],
                                minlength=len(rows) * C).reshape(len(rows), C)
            s.trigger[rows] = np.where(tally.max(1) > 0, tally.argmax(1), INITIAL)
            s.collapsed[rows] = True
            s.collapse_step[rows] = s.step
            s.declarer[rows] = who[rows]
        s.jic &= ~s.collapsed

    def _record_day(self, rep, accused, reports) -> None:
        c, s, rec = self.compiled, self.state, self.recorder
        if not rec.daily:
            return
        day = s.step // c.steps_per_day
        rec.reported_day[day] += self._count(accused, rep, reports)
        if (s.step + 1) % c.steps_per_day == 0 or s.step + 1 == c.horizon_steps:
            rec.trust_day[day] = s.trust[c.key_pair_index]

    # -- output -------------------------------------------------------------------

    def results(self, seeds: np.ndarray | None = None, first_replication: int = 0,
                block_size: int | None = None) -> Results:
        """The plain-data results of this model (after or during a run)."""
        c, s, rec = self.compiled, self.state, self.recorder
        R = self.replications
        m = self.scenario_spec.mechanisms
        honesty = 1.0 - m.attribution.bias if m.attribution.enabled else 1.0
        pairs = c.key_pairs
        return Results(
            scenario_name=self.scenario_spec.name, actors=c.actors,
            parties=tuple(a for a, p in zip(c.actors, c.party, strict=True) if p),
            key_pairs=tuple((c.actors[a], c.actors[b]) for a, b in pairs),
            steps_per_day=c.steps_per_day, truce_steps=c.truce_steps,
            block_size=block_size or R, duration_days=self.scenario_spec.time.duration_days,
            horizon_days=self.scenario_spec.time.horizon_days,
            initial_trust=tuple(float(t) for t in c.initial_trust[c.key_pair_index]),
            war_acts_per_day=tuple(float(x) for x in c.war_rate * c.can_act),
            seeds=np.zeros(R, np.int64) if seeds is None else seeds,
            replication=np.arange(first_replication, first_replication + R),
            collapse_step=s.collapse_step.copy(), declarer=s.declarer.copy(),
            trigger=s.trigger.copy(), jic_activated=s.jic_activated.copy(),
            violations=rec.violations.copy(), reported=rec.reported.copy(),
            self_reported=rec.violations * honesty, accidents=rec.accidents.copy(),
            spoiler_attacks=rec.spoiler_attacks.copy(), harm=rec.harm.copy(),
            aid_delivered=rec.aid_delivered.copy(), convoys=rec.convoys.copy(),
            final_trust=s.trust[c.key_pair_index].T.copy(),
            **rec.daily_series(),
        )
