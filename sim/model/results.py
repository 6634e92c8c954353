"""What a run records: per-replication outcomes and per-day series, as arrays and tables.

``Recorder`` accumulates inside the model; ``Results`` is the plain data the
analysis and presentation layers read (they never touch a model).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from sim.model.compiled import TRIGGERS, Compiled


class Recorder:
    """Counters the model adds to each step; per-day arrays only when asked for."""

    def __init__(self, c: Compiled, replications: int, daily: bool):
        R, A, D = replications, c.n_actors, c.n_days
        self.violations = np.zeros((R, A), np.int32)      # acts breaking the truce
        self.reported = np.zeros((R, A), np.int32)        # as counted by the other side
        self.accidents = np.zeros((R, A), np.int32)
        self.spoiler_attacks = np.zeros(R, np.int32)
        self.harm = np.zeros(R)
        self.aid_delivered = np.zeros(R)
        self.convoys = np.zeros((R, 3), np.int32)          # delivered, blocked, struck
        self.daily = daily
        if daily:   # day-major while recording, so each step adds to a contiguous slice
            self.acts_day = np.zeros((D, R, A), np.int32)
            self.reported_day = np.zeros((D, R, A), np.int32)
            self.harm_day = np.zeros((D, R))
            self.aid_day = np.zeros((D, R))
            self.trust_day = np.zeros((D, len(c.key_pairs), R), np.float32)

    def daily_series(self) -> dict[str, np.ndarray | None]:
        """The per-day arrays, replication-major as ``Results`` holds them."""
        names = ("acts_day", "reported_day", "harm_day", "aid_day", "trust_day")
        if not self.daily:
            return dict.fromkeys(names)
        return {
            "acts_day": np.ascontiguousarray(self.acts_day.transpose(1, 0, 2)),
            "reported_day": np.ascontiguousarray(self.reported_day.transpose(1, 0, 2)),
            "harm_day": np.ascontiguousarray(self.harm_day.T),
            "aid_day": np.ascontiguousarray(self.aid_day.T),
            "trust_day": np.ascontiguousarray(self.trust_day.transpose(2, 0, 1)),
        }


@dataclass(frozen=True)
class Results:
    """Outcomes of R replications of one scenario (plain arrays, no model)."""

    scenario_name: str
    actors: tuple[str, ...]
    parties: tuple[str, ...]
    key_pairs: tuple[tuple[str, str], ...]
    steps_per_day: int
    truce_steps: int
    block_size: int
    duration_days: float
    horizon_days: float
    initial_trust: tuple[float, ...]       # trust of each key pair before the truce
    war_acts_per_day: tuple[float, ...]    # each actor's attacks per day at war (pre-truce level)
    seeds: np.ndarray             # (R,) seed of the block each replication ran in
    replication: np.ndarray       # (R,) index within the scenario run
    collapse_step: np.ndarray     # (R,) -1: never collapsed within the horizon
    declarer: np.ndarray          # (R,) actor index, -1
    trigger: np.ndarray           # (R,) TRIGGERS index, -1
    jic_activated: np.ndarray     # (R,) bool
    violations: np.ndarray        # (R, A)
    reported: np.ndarray          # (R, A)
    self_reported: np.ndarray     # (R, A) expected own admissions
    accidents: np.ndarray         # (R, A)
    spoiler_attacks: np.ndarray   # (R,)
    harm: np.ndarray              # (R,)
    aid_delivered: np.ndarray     # (R,) trucks
    convoys: np.ndarray           # (R, 3) delivered, blocked, struck
    final_trust: np.ndarray       # (R, P)
    acts_day: np.ndarray | None = None       # (R, D, A)
    reported_day: np.ndarray | None = None   # (R, D, A)
    harm_day: np.ndarray | None = None       # (R, D)
    aid_day: np.ndarray | None = None        # (R, D)
    trust_day: np.ndarray | None = None      # (R, D, P)

    @property
    def replications(self) -> int:
        return len(self.collapse_step)

    @property
    def collapse_day(self) -> np.ndarray:
        """Day (fractional, from the truce's start) of the collapse; NaN if none."""
        return np.where(self.collapse_step >= 0,
                        (self.collapse_step + 1) / self.steps_per_day, np.nan)

    @property
    def survived(self) -> np.ndarray:
        """Whether the truce lasted its whole duration (no declaration before its end)."""
        return (self.collapse_step < 0) | (self.collapse_step >= self.truce_steps)

    @staticmethod
    def concatenate(parts: list[Results]) -> Results:
        """Join results of replication blocks, in order."""
        first = parts[0]
        joined = {}
        for f in fields(Results):
            values = [getattr(p, f.name) for p in parts]
            if isinstance(values[0], np.ndarray):
                joined[f.name] = np.concatenate(values)
            else:
                joined[f.name] = getattr(first, f.name)
        return Results(**joined)

    def replication_table(self) -> pd.DataFrame:
        """One row per replication: what happened and the counts behind it."""
        names = np.array(self.actors + ("",), dtype=object)
        triggers = np.array(TRIGGERS + ("",), dtype=object)
        table = {
            "replication": self.replication,
            "block_seed": self.seeds,       # with the replication's place in its block,
            "index_in_block": self.replication % self.block_size,   # enough to re-run it
            "survived": self.survived,
            "collapse_day": self.collapse_day,
            "declared_by": names[self.declarer],
            "trigger": triggers[self.trigger],
            "jic_activated": self.jic_activated,
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
                table[f"self_reported_{a}"] = self.self_reported[:, i]
            table[f"accidents_{a}"] = self.accidents[:, i]
        for p, (a, b) in enumerate(self.key_pairs):
            table[f"final_trust_{a}_in_{b}"] = self.final_trust[:, p]
        return pd.DataFrame(table)

    def daily_table(self) -> pd.DataFrame:
        """Per-day series averaged over replications (long format: day, series, actor)."""
        if self.acts_day is None:
            raise ValueError("this run did not record per-day series")
        D = self.acts_day.shape[1]
        days = np.arange(1, D + 1)
        alive = self.survival_by_day(days)
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
        for p, (a, b) in enumerate(self.key_pairs):
            add("trust", f"{a}->{b}", self.trust_day[:, :, p])
        rows.append(pd.DataFrame({"day": days, "series": "truce_holding", "actor": "",
                                  "mean": alive, "p10": np.nan, "p90": np.nan}))
        return pd.concat(rows, ignore_index=True)

    def survival_by_day(self, days: np.ndarray) -> np.ndarray:
        """Share of replications whose truce still held at the end of each day."""
        day = self.collapse_day
        return np.array([(np.isnan(day) | (day > d)).mean() for d in days])
