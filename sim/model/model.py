"""The ceasefire model: its agents, the order in which they act, and what it records.

A model simulates R worlds in lockstep (the replication axis). R = 1 is an
ordinary single-world Mesa model; R = 10,000 an ensemble at numpy speed; the
worlds may differ in any numeric parameter (``variants``: parameter sets, by
default each run for the same replications, sharing their random numbers; a
``layout`` gives each world its own parameter set instead, e.g. a posterior
draw per replication).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
from mesa import DataCollector, Model
from mesa.discrete_space import Network

from sim.agents.base import CeasefireAgent
from sim.agents.beliefs import Observer
from sim.agents.convoys import AidConvoys
from sim.agents.front import HOLDING, Front, assess, war_level
from sim.agents.joint_center import JointCenter
from sim.agents.monitoring import Monitoring
from sim.agents.party import PartyFaction
from sim.agents.area import DealArea
from sim.agents.registry import (CLASSES, day_schedule, front_factors,
                                  front_weighing, schedule, weighing)
from sim.agents.separation import Separation
from sim.core.events import DELIBERATE, MISUSE, RETALIATION, Acts
from sim.core.stacking import Compiled
from sim.core.streams import Streams
from sim.model.compiling import compile_all
from sim.model.results import TRIGGERS, Recorder, Results
from sim.model.theatre import Theatre
from sim.scenario import deal
from sim.scenario.schema import Scenario

DISTRUST = TRIGGERS.index("distrust")


def frame(scenario: Scenario, theatre: Theatre | None = None) -> tuple:
    """What the parameter sets of one model share: the world's structure (actors, regions,
    camps), time and the de facto window; scenarios with equal frames can run side by
    side on common random numbers."""
    theatre = Theatre.of(scenario) if theatre is None else theatre
    return (theatre.structure(), scenario.time, scenario.outcomes.de_facto_window_days)


@dataclass(frozen=True)
class ModelArrays(Compiled):
    """What the model itself reads each day."""

    war_level: np.ndarray       # (G,) the parties' violence a day at war, by front
    war_total: np.ndarray       # its sum
    de_facto_share: np.ndarray  # violence back above this share ... (de facto collapse)
    fraying_share: np.ndarray   # a front frays above this share of its war level
    fighting_share: np.ndarray  # a front fights above this share
    harm: np.ndarray            # (A, G) civilian harm of one attack


class CeasefireModel(Model):
    """A truce between the parties of a scenario, with its guarantors and spoilers.

    One step is one day, the decision cycle; acts within it are drawn sub-step by
    sub-step (``time.step_hours``, one hour by default) at the day's rates. In order (the
    phases of ``sim.core.mechanism.PHASES``, with the calls the classes of the registry
    declare for each, in the order they declare):

    {schedule}

    Each agent draws from its own named random streams (``sim.core.streams``).

    ``scenario`` is a loaded ``Scenario`` (the model reads no files: ``sim.api.from_file``
    builds a model from a file's name and overrides, which is what ``mesa.batch_run``
    calls with its keyword values). A model of one world
    (R = 1) carries a Mesa ``DataCollector`` (``datacollector``) with the day's state,
    collected before the first day and after each (``REPORTERS``); an ensemble records its
    outcomes in ``Results`` instead, and has none, so the vectorised path pays nothing.
    """

    __doc__ = __doc__.replace("{schedule}", day_schedule(indent=4))

    #: What the ``DataCollector`` of a one-world model records each day.
    REPORTERS = {
        "day": "day",
        "standing": lambda m: bool(~(m.collapsed | m.de_facto)[0]),   # no collapse yet
        "declared_over": lambda m: bool(m.collapsed[0]),
        "de_facto_collapse": lambda m: bool(m.de_facto[0]),
        "violence": lambda m: float(m.violence_yesterday()[0]),
        "fronts_holding": lambda m: float(m.holding_share()[0]),
        "mean_trust": lambda m: float(np.mean([m.agent_of(o).trust_in(t)[0]
                                               for o, t in m.recorder.key_pairs] or [np.nan])),
        "jic_active": lambda m: bool(m.jic.active[0]),
    }

    def __init__(self, scenario: Scenario, replications: int = 1, rng: int | None = None, *,
                 variants: Sequence[Scenario] | None = None,
                 blocks: Sequence[tuple[int, int]] | None = None, record_daily: bool = True,
                 layout: np.ndarray | None = None):
        if not isinstance(scenario, Scenario):
            raise TypeError(f"CeasefireModel takes a loaded Scenario, got "
                            f"{type(scenario).__name__}; for a file or a shipped scenario's "
                            "name use sim.api.from_file (or sim.api.load_scenario)")
        if blocks is None:
            if replications < 1:
                raise ValueError(f"replications must be at least 1 (got {replications})")
            blocks = [(replications, 0 if rng is None else int(rng))]
        elif rng is not None:
            raise ValueError("give rng or blocks, not both: each block carries its own seed")
        super().__init__(rng=int(blocks[0][1]))
        self.scenarios = list(variants) if variants else [scenario]
        self.base = self.scenarios[0]
        theatres = [Theatre.of(s) for s in self.scenarios]
        self.theatre = theatres[0]
        for s, w in zip(self.scenarios[1:], theatres[1:], strict=True):
            if frame(s, w) != frame(self.base, self.theatre):
                raise ValueError(f"parameter set {s.name!r} differs from {self.base.name!r} "
                                 "in its actors, regions, camps, time or de facto window: "
                                 "run it separately")
        base = sum(int(size) for size, _ in blocks)
        if layout is None:      # each parameter set over all the blocks
            layout = np.repeat(np.arange(len(self.scenarios))[:, None], base, axis=1)
        layout = np.asarray(layout)
        if layout.ndim != 2 or layout.shape[1] != base or layout.min() < 0 \
                or layout.max() >= len(self.scenarios):
            raise ValueError(f"layout must be (sets, {base}) indices of the "
                             f"{len(self.scenarios)} parameter sets, got shape {layout.shape}")
        #: the parameter set of each world: row s of the layout reuses the blocks' random
        #: numbers (common random numbers between rows), its entries pick each world's set
        self.assign = layout.ravel()
        self.streams = Streams(blocks, sets=layout.shape[0])
        self.per_set = self.streams.base
        self.replications = R = self.streams.replications
        t = self.base.time
        self.dt = t.step_hours / 24.0                  # days per sub-step
        self.substeps = round(24.0 / t.step_hours)     # sub-steps of a day
        self.truce_days = round(t.duration_days)
        self.n_days = round(t.horizon_days)

        theatre = self.theatre
        self.is_spoiler = np.array([k == "spoiler" for k in theatre.kind])
        #: the agent class of each role, and the mechanisms adding to each term of a
        #: party's weighing (``sim.agents.registry``)
        self.classes, self.weighing = CLASSES, weighing()
        #: the mechanisms contributing each factor front by front, and today's factors
        self.front_weighing = front_weighing()
        self.factors = dict.fromkeys(self.front_weighing)
        self._actors = [CLASSES[theatre.kind[i]](self, name, i)
                        for i, name in enumerate(theatre.actors)]
        self.monitoring = Monitoring(self, "monitoring")
        self.jic = JointCenter(self, "jic")
        self.convoys = AidConvoys(self, "convoys")
        graph = nx.Graph()
        graph.add_nodes_from(theatre.regions)
        graph.add_edges_from((g, nb) for g in theatre.regions
                             for nb in self.base.regions[g].neighbours)
        self.network = Network(graph, layout=None, random=self.random)
        self.fronts = [Front(self, g, i, self.network[g]) for i, g in enumerate(theatre.regions)]

        behaving = [*self._actors, self.monitoring, self.jic, self.convoys]

        self._behaving, self._theatres = behaving, theatres
        #: the scenarios as loaded: the terms in force on a day are theirs with the changes
        #: of their deal's schedule up to that day (``sim.scenario.deal``)
        self._as_loaded = list(self.scenarios)
        self._change_days = deal.change_days(self.scenarios)
        self._compile()
        #: fronts where the parties fought before the truce, (G, 1) or (G, R)
        self.contested = self.k.war_level > 0
        self._observers = [a for a in self._actors if isinstance(a, Observer)]
        #: the day's calls, phase by phase, from the classes' declared phases
        self._calls = {}
        for phase, _, cls, method in schedule():
            calls = self._calls.setdefault(phase, [])
            if isinstance(cls.__dict__.get(method), classmethod):   # once for the class
                calls.append(getattr(cls, method))
            else:                                                   # each of its agents
                calls.extend(getattr(a, method) for a in behaving if isinstance(a, cls))
        self._intermixed = [self._actors[i] for i in theatre.intermixed if i >= 0]

        # the truce as a whole, one value per world
        self.collapsed = np.zeros(R, bool)
        self.collapse_day = np.full(R, -1)
        self.declarer = np.full(R, -1)
        self.trigger = np.full(R, -1)
        self.de_facto = np.zeros(R, bool)
        self.de_facto_day = np.full(R, -1)
        self.front_status = np.zeros((theatre.n_regions, R), np.int8)
        self.violence_today = np.zeros((theatre.n_regions, R))
        self._recent = np.zeros((self.base.outcomes.window, R))
        self.separation = np.zeros(R)
        #: the deal's own end in each world (``deal.expires_day``, ``superseded_day``)
        ends = [sc.deal.end for sc in self.scenarios]
        self.deal_end = np.array([-1 if e is None else e[0] for e in ends])[self.assign]
        self.ending = np.array(["" if e is None else e[1] for e in ends],
                               dtype=object)[self.assign]
        self.ended = np.zeros(R, bool)
        self.end_day = np.full(R, -1)
        for agent in behaving:
            agent.reset(R)
        self._update_separation()
        self.recorder = Recorder(self, record_daily)
        self.recorder.remember_initial_trust()
        self.day = 0
        self.factors = front_factors(self, self.front_weighing)
        self.running = True
        self.datacollector = DataCollector(self.reporters()) if R == 1 else None
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _compile(self) -> None:
        """Every mechanism's constants, at build and on each day the deal's terms change."""
        compile_all(self, ModelArrays)

    def _terms_of_the_day(self) -> None:
        """The deal's terms change today (its schedule): recompile from the terms in force."""
        self.scenarios = [deal.at_day(s, self.day) for s in self._as_loaded]
        self._compile()

    def _deal_ends(self) -> None:
        """Where the deal ends by itself today (expired, superseded), every truce still
        standing ends with that ending: no collapse can follow it."""
        due = (self.deal_end == self.day) & ~(self.collapsed | self.de_facto | self.ended)
        self.end_day[due] = self.day
        self.ended |= due

    def reporters(self) -> dict:
        """What the ``DataCollector`` of a one-world model records (a subclass adds to it)."""
        return dict(self.REPORTERS)

    @staticmethod
    def _constants(sc: Scenario, theatre: Theatre) -> dict:
        """The model's own constants: war level by front, and the de facto threshold."""
        war = war_level(sc, theatre)
        return {"war_level": war, "war_total": war.sum(),
                "de_facto_share": sc.outcomes.de_facto_share,
                "fraying_share": sc.behaviour.fronts.fraying_share,
                "fighting_share": sc.behaviour.fronts.fighting_share,
                "harm": sc.harm.lethality * np.array(
                    [sc.actors[n].strength for n in theatre.actors])[:, None]
                * theatre.civilians[None, :]}

    # -- agents ---------------------------------------------------------------------

    def agent_of(self, index: int) -> CeasefireAgent:
        """The agent of an actor, by index."""
        return self._actors[index]

    def actor(self, name: str) -> CeasefireAgent:
        """The agent of an actor, by name."""
        return self._actors[self.theatre.index(name)]

    @property
    def parties(self) -> list[PartyFaction]:
        return list(self.agents_by_type.get(PartyFaction, []))

    # -- running --------------------------------------------------------------------

    def run(self) -> Results:
        """Step to the horizon and return the results."""
        while self.running:
            self.step()
        return self.results()

    def step(self) -> None:
        """One day: decisions (steps 1-4 of the class docstring), the day's acts, sub-step
        by sub-step, their perception and the records (steps 5-7), the day's close (8)."""
        if self.day in self._change_days:
            self._terms_of_the_day()
        self._deal_ends()
        self.factors = front_factors(self, self.front_weighing)
        self._decide()
        acts = Acts()
        for call in self._calls.get("act", ()):
            call(acts)
        done, war = acts.arrays(), acts.war()
        if self.factors["covered"] is not None:     # outside the deal's area: war
            done, war = DealArea.outside(done, war, self.factors["covered"])
        # Once a truce is declared over nobody books violations of it: perception runs on
        # the worlds whose truce still formally stands (attackers already set their war
        # acts apart; accidents, misuse and convoys are sifted here).
        standing = ~(self.collapsed | self.ended)[done["rep"]]
        live = done if standing.all() else {key: column[standing]
                                            for key, column in done.items()}
        seen = self.monitoring.perceive(live)
        for agent in self._observers:
            agent.absorb(live, seen)
        self._account(done, seen, war)
        self._close_day()
        self.day += 1
        self.running = self.day < self.n_days
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _decide(self) -> None:
        """Steps 1-4: powers, the joint center, the parties, declarations, the day's rates."""
        for call in self._calls.get("decide", ()):
            call()
        if self.day > 0:
            self._declare()
        for call in self._calls.get("plan", ()):
            call()

    def _close_day(self) -> None:
        """Step 8: the day's front status, de facto collapse, access and beliefs."""
        day = self.day
        self.front_status = assess(self.violence_today, self.k.war_level,
                                   self.k.fraying_share, self.k.fighting_share)
        self._recent = np.roll(self._recent, -1, axis=0)
        covered = self.factors["covered"]
        if covered is None:
            self._recent[-1] = self.violence_today.sum(0) / np.maximum(self.k.war_total, 1e-12)
        else:       # the de facto test reads the fronts the truce covers
            self._recent[-1] = (self.violence_today * covered).sum(0) / np.maximum(
                (self.k.war_level * covered).sum(0), 1e-12)
        if day + 1 >= len(self._recent):
            back = (self._recent >= self.k.de_facto_share).all(0) & ~self.de_facto \
                & ~self.ended
            # known tonight, dated from the window's first day (the full days the truce held
            # before violence came back, as a declaration's day counts them), but never
            # before a declaration whose war the window reads: that truce was declared over
            self.de_facto_day[back] = np.maximum(day + 1 - len(self._recent),
                                                 self.collapse_day[back])
            self.de_facto |= back
        self.recorder.close_day(day)
        self.violence_today[:] = 0.0
        self.convoys.new_day()
        for agent in self._observers:
            agent.update_beliefs()
        self._update_separation()

    def _update_separation(self) -> None:
        """How far marbled fighters are separated: the mean over the intermixed parties."""
        self.separation = Separation.mean(self._intermixed, self.replications)

    def _declare(self) -> None:
        """Step 3: the party that weighs ending the truce most declares it over."""
        parties = [p for p in self.parties if p.declares.any()]
        if not parties:
            return
        urge = np.stack([np.where(p.declares, p.urge, -np.inf) for p in parties])
        who = urge.argmax(0)
        (rows,) = np.nonzero(np.isfinite(urge.max(0)) & ~self.ended)
        for r_who in np.unique(who[rows]):
            party = parties[r_who]
            mine = rows[who[rows] == r_who]
            causes = party.last_causes[:, mine]
            self.trigger[mine] = np.where(causes.max(0) > 0, causes.argmax(0), DISTRUST)
            self.declarer[mine] = party.index
        self.collapsed[rows] = True
        self.collapse_day[rows] = self.day
        self.jic.active[rows] = False

    def holding_share(self) -> np.ndarray:
        """The share of the fronts where parties fought before the truce that hold, (R,)."""
        contested = self.contested if self.factors["covered"] is None \
            else self.contested & (self.factors["covered"] > 0)
        holding = (self.front_status == HOLDING) & contested
        return holding.sum(0) / np.maximum(contested.sum(0), 1)

    def violence_yesterday(self) -> np.ndarray:
        """The parties' violence of the day before, as a share of the pre-truce level, (R,)."""
        return self._recent[-1]

    def _account(self, acts: dict, seen, war: tuple) -> None:
        """Step 7: the parties' violence by front, and the records."""
        fighting = ~self.is_spoiler[acts["actor"]]
        real = fighting & ((acts["cause"] == DELIBERATE) | (acts["cause"] == RETALIATION)) \
            & (acts["front"] >= 0)
        w_rep, w_actor, w_front, w_count = war
        w_real = ~self.is_spoiler[w_actor]
        R = self.replications
        fronts = np.concatenate([acts["front"][real], w_front[w_real]])
        if len(fronts):
            reps = np.concatenate([acts["rep"][real], w_rep[w_real]])
            counts = np.concatenate([acts["count"][real], w_count[w_real]])
            self.violence_today += np.bincount(
                fronts * R + reps, counts,
                minlength=self.violence_today.size).reshape(self.violence_today.shape)
        self.recorder.step(acts, seen, real, acts["cause"] == MISUSE, war)
        for call in self._calls.get("record", ()):
            call(self.recorder, acts, seen)

    @property
    def in_truce(self) -> np.ndarray:
        """Worlds whose truce still formally stands, within its duration, today, (R,)."""
        return ~(self.collapsed | self.ended) & (self.day < self.truce_days)

    # -- output -----------------------------------------------------------------------

    def results(self, seeds: np.ndarray | None = None, first_replication: int = 0,
                block_size: int | None = None) -> Results:
        return self.recorder.results(seeds, first_replication, block_size)
