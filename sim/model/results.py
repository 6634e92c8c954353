"""What a run records: per-replication outcomes and per-day series, as arrays and tables.

``Recorder`` accumulates inside the model; ``Results`` is the plain data the
analysis and presentation layers read (they never touch a model).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.agents.registry import MECHANISMS
from sim.core.events import CAUSES, Tally
from sim.core.mechanism import Record
from sim.core.stacking import at

if TYPE_CHECKING:
    from sim.model.model import CeasefireModel

TRIGGERS = (*CAUSES, "distrust")
#: How a replication's truce ended by the horizon (``Results.endings``).
ENDINGS = ("held", "declared", "eroded", "expired", "superseded")


class Recorder:
    """What the model records: each step's events are booked sparsely and summed once a
    day (``close_day``); per-day arrays only when asked for."""

    COUNTS = ("violations", "reported", "admitted", "accidents", "acts", "booked")
    #: Built-in results summed once a day from a tally of one row per world.
    WORLD_COUNTS = ("spoiler_attacks",)

    def __init__(self, model: CeasefireModel, daily: bool):
        self.model = m = model
        w = m.theatre
        R, A, D, G = m.replications, w.n_actors, m.n_days, w.n_regions
        # per actor, actor-major while recording: (A, R)
        self.violations = np.zeros((A, R))      # acts breaking the truce
        self.reported = np.zeros((A, R))        # as counted by the other side
        self.admitted = np.zeros((A, R))        # as owned up to
        self.accidents = np.zeros((A, R))
        self.spoiler_attacks = np.zeros(R)
        self.harm = np.zeros(R)
        self.aid_delivered = np.zeros(R)
        self.convoys = np.zeros((3, R))         # delivered, blocked, struck
        #: the day's tallies, by record: what the mechanisms' ``record`` methods add to
        self.today = {name: Tally(A, R) for name in self.COUNTS}
        self.today |= {name: Tally(1, R) for name in self.WORLD_COUNTS}
        self._harm_today = Tally(1, R)
        #: results that mechanisms declare (``Record``), beyond the built-in ones
        self.declared = [r for c in MECHANISMS for r in c.__dict__.get("records", ())
                         if isinstance(r, Record)]
        self.extra = {r.name: np.zeros((A, R) if r.by_actor else (1, R))
                      for r in self.declared}
        self.today |= {r.name: Tally(A if r.by_actor else 1, R) for r in self.declared}
        pairs = [(w.index(a), w.index(b)) for a, b in m.base.key_pairs] or [
            (int(o), int(t)) for o, t in w.pairs
            if (w.kind[o] == "power") == (w.kind[t] == "power")]
        self.key_pairs = pairs
        self.violence_day = np.zeros((D, R), np.float32)  # parties' violence / war level
        self.holding_day = np.zeros((D, R), np.float32)   # share of fronts holding
        self.daily = daily
        if daily:
            self.acts_day = np.zeros((D, A, R), np.int32)
            self.reported_day = np.zeros((D, A, R), np.int32)
            self.harm_day = np.zeros((D, R))
            self.aid_day = np.zeros((D, R))
            self.trust_day = np.zeros((D, len(pairs), R), np.float32)
            self.status_day = np.zeros((D, G, R), np.int8)

    def step(self, acts: dict, seen, real: np.ndarray, misuse: np.ndarray,
             war: tuple) -> None:
        """The model's own records of the day's acts (every act, the violations of the
        truce, civilian harm); each mechanism then adds its own (its ``record`` method,
        which ``CeasefireModel`` calls in phase ``record``)."""
        m, t = self.model, self.today
        w_rep, w_actor, w_front, w_count = war
        t["acts"].add(w_actor, w_rep, w_count)
        self._harm_today.add(0, w_rep,
                             w_count * at(m.k.harm, w_rep, w_actor, w_front))
        rep, actor, count, front = acts["rep"], acts["actor"], acts["count"], acts["front"]
        violation = (real | misuse) & m.in_truce[rep]
        t["violations"].add(actor[violation], rep[violation], count[violation])
        t["acts"].add(actor, rep, count)
        placed = front >= 0
        self._harm_today.add(0, rep[placed], count[placed] * at(
            m.k.harm, rep[placed], actor[placed], front[placed]))
        #: today's violations of the truce, for the mechanisms' records (admissions)
        self.violation = violation

    def close_day(self, day: int) -> None:
        m, t = self.model, self.today
        for name in ("violations", "reported", "admitted", "accidents"):
            getattr(self, name).__iadd__(t[name].total())
        (harm,) = self._harm_today.total()
        self.harm += harm
        (spoilers,) = t["spoiler_attacks"].total()
        self.spoiler_attacks += spoilers
        for name, total in self.extra.items():
            total += t[name].total()
        acts, booked = t["acts"].total(), t["booked"].total()
        self.violence_day[day] = m.violence_yesterday()
        self.holding_day[day] = m.holding_share()
        if self.daily:
            self.acts_day[day] = acts
            self.reported_day[day] = booked
            self.harm_day[day] = harm
            for q, (o, tr) in enumerate(self.key_pairs):
                self.trust_day[day, q] = m.agent_of(o).trust_in(tr)
            self.status_day[day] = m.front_status

    def results(self, seeds: np.ndarray | None, first: int, block_size: int | None
                ) -> Results:
        m = self.model
        w, R = m.theatre, m.replications
        daily = {}
        if self.daily:
            daily = {"acts_day": np.ascontiguousarray(self.acts_day.transpose(2, 0, 1)),
                     "reported_day": np.ascontiguousarray(self.reported_day.transpose(2, 0, 1)),
                     "harm_day": np.ascontiguousarray(self.harm_day.T),
                     "aid_day": np.ascontiguousarray(self.aid_day.T),
                     "trust_day": np.ascontiguousarray(self.trust_day.transpose(2, 0, 1)),
                     "status_day": np.ascontiguousarray(self.status_day.transpose(2, 0, 1))}
        names = w.actors
        war = [m.base.actors[n].war_rate for n in names]
        return Results(
            scenario_name=m.base.name, actors=names, regions=w.regions,
            parties=tuple(n for n, k in zip(names, w.kind, strict=True) if k != "spoiler"
                          and m.base.actors[n].party),
            key_pairs=tuple((names[o], names[t]) for o, t in self.key_pairs),
            duration_days=float(m.truce_days), horizon_days=float(m.n_days),
            initial_trust=tuple(self.initial_trust), war_acts_per_day=tuple(float(x) for x in war),
            contested=tuple(bool(x) for x in np.atleast_2d(m.contested).any(-1)),
            seeds=np.zeros(R, np.int64) if seeds is None else seeds,
            replication=np.tile(np.arange(first, first + m.per_set), m.streams.sets),
            block_size=block_size or R, parameter_set=m.assign.copy(),
            formal_day=m.collapse_day.copy(), declarer=m.declarer.copy(),
            trigger=m.trigger.copy(), de_facto_day=m.de_facto_day.copy(),
            jic_start_day=m.jic.start_day.copy(),
            **({"end_day": m.end_day.copy(), "ending": np.where(m.ended, m.ending, "")
                .astype(str)} if (m.deal_end >= 0).any() else {}),
            shows_endings=any(bool(np.any(p.k.weighs_label)) for p in m.parties),
            violations=_counts(self.violations), reported=_counts(self.reported),
            admitted=_counts(self.admitted), accidents=_counts(self.accidents),
            spoiler_attacks=self.spoiler_attacks.astype(np.int32), harm=self.harm.copy(),
            aid_delivered=self.aid_delivered.copy(), convoys=_counts(self.convoys),
            final_trust=np.stack([m.agent_of(o).trust_in(t) for o, t in self.key_pairs],
                                 axis=1) if self.key_pairs else np.zeros((R, 0)),
            violence_day=np.ascontiguousarray(self.violence_day.T),
            holding_day=np.ascontiguousarray(self.holding_day.T),
            extra={r.name: np.ascontiguousarray(self.extra[r.name].T if r.by_actor
                                                else self.extra[r.name][0])
                   for r in self.declared}, **daily)

    def remember_initial_trust(self) -> None:
        """Beliefs of the key pairs before the truce (the start of the trust chart)."""
        m = self.model
        self.initial_trust = [float(np.mean(m.agent_of(o).trust_in(t)))
                              for o, t in self.key_pairs]


def _counts(by_row: np.ndarray) -> np.ndarray:
    """(rows, R) sums of whole counts as (R, rows) integers."""
    return np.ascontiguousarray(np.rint(by_row.T).astype(np.int32))


@dataclass(frozen=True)
class Results:
    """Outcomes of R replications of one scenario (plain arrays, no model)."""

    scenario_name: str
    actors: tuple[str, ...]
    regions: tuple[str, ...]
    parties: tuple[str, ...]
    key_pairs: tuple[tuple[str, str], ...]
    duration_days: float
    horizon_days: float
    initial_trust: tuple[float, ...]       # belief of each key pair before the truce
    war_acts_per_day: tuple[float, ...]    # each actor's attacks per day at war
    contested: tuple[bool, ...]            # per region: a front where parties fought
    seeds: np.ndarray             # (R,) seed of the block each replication ran in
    replication: np.ndarray       # (R,) index within its parameter set's run
    block_size: int
    parameter_set: np.ndarray     # (R,) which parameter set (variant) it ran
    formal_day: np.ndarray        # (R,) day the truce was declared over, -1
    declarer: np.ndarray          # (R,) actor index, -1
    trigger: np.ndarray           # (R,) TRIGGERS index, -1
    de_facto_day: np.ndarray      # (R,) day violence came back (de facto collapse), -1
    jic_start_day: np.ndarray     # (R,) day the JIC started, -1
    violations: np.ndarray        # (R, A) during the truce
    reported: np.ndarray          # (R, A) booked against it by the other side
    admitted: np.ndarray          # (R, A) owned up to
    accidents: np.ndarray         # (R, A)
    spoiler_attacks: np.ndarray   # (R,)
    harm: np.ndarray              # (R,)
    aid_delivered: np.ndarray     # (R,) trucks
    convoys: np.ndarray           # (R, 3) delivered, blocked, struck
    final_trust: np.ndarray       # (R, Q)
    violence_day: np.ndarray      # (R, D) parties' violence as a share of the war level
    holding_day: np.ndarray       # (R, D) share of fronts holding
    acts_day: np.ndarray | None = None       # (R, D, A)
    reported_day: np.ndarray | None = None   # (R, D, A)
    harm_day: np.ndarray | None = None       # (R, D)
    aid_day: np.ndarray | None = None        # (R, D)
    trust_day: np.ndarray | None = None      # (R, D, Q)
    status_day: np.ndarray | None = None     # (R, D, G) 0 holding, 1 fraying, 2 fighting
    draw: np.ndarray | None = None           # (R,) posterior draw of its constants, -1 none
    #: where the deal ends by itself (``deal.expires_day``, ``superseded_day``): the day it
    #: ended each truce still standing then (-1: none) and how ("expired", "superseded", "")
    end_day: np.ndarray | None = None
    ending: np.ndarray | None = None
    #: the replication table says every replication's ending (``endings``) even where the
    #: deal has no end of its own: a run in which a party weighs ending the label
    shows_endings: bool = False
    #: what mechanisms record beyond these (``Record``): name -> (R,) or (R, A)
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def replications(self) -> int:
        return len(self.formal_day)

    @property
    def jic_activated(self) -> np.ndarray:
        return self.jic_start_day >= 0

    @property
    def collapse_day(self) -> np.ndarray:
        """Day of the first collapse, formal or de facto; NaN if none within the horizon."""
        f = np.where(self.formal_day >= 0, self.formal_day, np.inf)
        d = np.where(self.de_facto_day >= 0, self.de_facto_day, np.inf)
        first = np.minimum(f, d)
        return np.where(np.isfinite(first), first, np.nan)

    def survived_to(self, day: float) -> np.ndarray:
        """Neither a formal nor a de facto collapse within ``day`` days."""
        c = self.collapse_day
        return np.isnan(c) | (c > day)

    @property
    def survived(self) -> np.ndarray:
        """The headline: neither formal nor de facto collapse within the truce's duration."""
        return self.survived_to(self.duration_days)

    @property
    def kind_of_collapse(self) -> np.ndarray:
        """'formal', 'de facto' (violence back, nobody declared) or '' for each replication."""
        c = self.collapse_day
        formal = (self.formal_day >= 0) & (self.formal_day == c)
        return np.where(np.isnan(c), "", np.where(formal, "formal", "de facto"))

    @property
    def endings(self) -> np.ndarray:
        """How each truce ended by the horizon (``ENDINGS``): ``declared`` (a party declared
        it over, whether or not violence was back first), ``eroded`` (violence back on the
        ground, de facto, and nobody ever declared it over), ``expired`` or ``superseded``
        (the deal's own end, ``deal.expires_day``, ``superseded_day``, while it stood), or
        ``held`` (none of these)."""
        own = np.full(self.replications, "", dtype=object) if self.ending is None \
            else self.ending.astype(object)
        return np.where(self.formal_day >= 0, "declared", np.where(
            self.de_facto_day >= 0, "eroded", np.where(own != "", own, "held"))).astype(object)

    def rows(self, which: slice | np.ndarray) -> Results:
        """The results of some replications only."""
        return Results(**{f.name: getattr(self, f.name)[which]
                          if isinstance(getattr(self, f.name), np.ndarray)
                          else {k: v[which] for k, v in self.extra.items()}
                          if f.name == "extra" else getattr(self, f.name)
                          for f in fields(Results)})

    @staticmethod
    def concatenate(parts: list[Results]) -> Results:
        """Join results of replication blocks, in order."""
        first = parts[0]
        joined = {}
        for f in fields(Results):
            values = [getattr(p, f.name) for p in parts]
            joined[f.name] = np.concatenate(values) if isinstance(values[0], np.ndarray) \
                else {k: np.concatenate([v[k] for v in values]) for k in values[0]} \
                if f.name == "extra" else getattr(first, f.name)
        return Results(**joined)

    def replication_table(self) -> pd.DataFrame:
        """One row per replication: what happened and the counts behind it."""
        # what does not apply (no collapse, nobody declared) is missing, as in the CSV
        # read back, so that a groupby has no blank group
        names = np.array(self.actors + (None,), dtype=object)
        triggers = np.array(TRIGGERS + (None,), dtype=object)
        kind = self.kind_of_collapse
        table = {
            "replication": self.replication,
            # under a posterior, a replication's parameter set is its draw
            **({"posterior_draw": self.draw} if self.draw is not None
               else {"parameter_set": self.parameter_set}),
            "block_seed": self.seeds,
            "index_in_block": self.replication % self.block_size,
            "survived": self.survived,
            "survived_to_horizon": self.survived_to(self.horizon_days),
            "collapse_day": self.collapse_day,
            "collapse": np.where(kind == "", None, kind.astype(object)),
            "formal_collapse_day": np.where(self.formal_day >= 0, self.formal_day, np.nan),
            "de_facto_collapse_day": np.where(self.de_facto_day >= 0, self.de_facto_day,
                                              np.nan),
            "declared_by": names[self.declarer],
            "trigger": triggers[self.trigger],
            **({"ending": self.endings} if self.end_day is not None or self.shows_endings
               else {}),
            **({"end_day": np.where(self.end_day >= 0, self.end_day, np.nan)}
               if self.end_day is not None else {}),
            "jic_activated": self.jic_activated,
            "jic_start_day": np.where(self.jic_start_day >= 0, self.jic_start_day, np.nan),
            "civilian_harm": self.harm,
            "aid_trucks_delivered": self.aid_delivered,
            "convoys_delivered": self.convoys[:, 0],
            "convoys_blocked": self.convoys[:, 1],
            "convoys_struck": self.convoys[:, 2],
            "spoiler_attacks": self.spoiler_attacks,
        }
        for i, a in enumerate(self.actors):
            if a in self.parties:
                table[f"violations_{a}"] = self.violations[:, i]
                table[f"reported_{a}_by_other_side"] = self.reported[:, i]
                table[f"admitted_{a}"] = self.admitted[:, i]
            table[f"accidents_{a}"] = self.accidents[:, i]
        for p, (a, b) in enumerate(self.key_pairs):
            table[f"final_trust_{a}_in_{b}"] = self.final_trust[:, p]
        for name, values in self.extra.items():      # what mechanisms declare they record
            if values.ndim == 1:
                table[name] = values
            else:
                table.update({f"{name}_{a}": values[:, i] for i, a in enumerate(self.actors)})
        return pd.DataFrame(table)

    def daily_table(self) -> pd.DataFrame:
        """Per-day series over replications (long format: day, series, actor, mean, p10, p90)."""
        if self.acts_day is None:
            raise ValueError("this run did not record per-day series")
        D = self.acts_day.shape[1]
        days = np.arange(1, D + 1)
        rows = []

        def add(series: str, actor: str, values: np.ndarray) -> None:
            rows.append(pd.DataFrame({"day": days, "series": series, "actor": actor,
                                      "mean": values.mean(0),
                                      "p10": np.quantile(values, 0.1, axis=0),
                                      "p90": np.quantile(values, 0.9, axis=0)}))

        for i, a in enumerate(self.actors):
            add("attacks_true", a, self.acts_day[:, :, i])
            add("attacks_reported_by_other_side", a, self.reported_day[:, :, i])
        add("civilian_harm", "", self.harm_day)
        add("aid_trucks_delivered", "", self.aid_day)
        add("violence_share_of_war_level", "", self.violence_day)
        add("fronts_holding", "", self.holding_day)
        for p, (a, b) in enumerate(self.key_pairs):
            add("trust", f"{a}->{b}", self.trust_day[:, :, p])
        for name, keep in (("truce_holding", self.survived_to),):
            rows.append(pd.DataFrame({"day": days, "series": name, "actor": "",
                                      "mean": [keep(d).mean() for d in days],
                                      "p10": np.nan, "p90": np.nan}))
        return pd.concat(rows, ignore_index=True)

    def survival_by_day(self, days: np.ndarray) -> np.ndarray:
        """Share of replications with neither collapse by the end of each day."""
        return np.array([self.survived_to(d).mean() for d in days])
