"""What a change to the deal does: each counterfactual against its base, paired, with both
uncertainties, and whether the conclusion is robust to the constants nobody observed.

The scenarios of a comparison run side by side (``run_compared``): replication r of
each has the same random numbers and the same posterior draw, so a difference is
taken replication by replication (paired) and its noise is what the change does to
chance, not two runs' chance added up.

- Survival at the truce's duration: the mean paired difference, with the paired-t
  interval of simulation studies under common random numbers (Law and Kelton,
  *Simulation Modeling and Analysis*, on comparing two systems: a normal interval from
  the replications' differences); across the draws, each draw's mean difference with
  its noise taken out (``sim.analysis.uncertainty``).
- Median collapse day (of the truces that collapse): the difference of the medians,
  with a paired percentile bootstrap (the same resampled replications in both); across
  the draws, the same within each draw.

A conclusion is **robust** when its direction holds in at least ``ROBUST_SHARE`` of the
posterior draws (their noise taken out) and the sampling interval excludes no change:
draws that vary no more than their chance all take the overall value, so the second
condition keeps a difference that chance alone could make from passing as robust.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.summary import Z95, Interval, Summary
from sim.analysis.uncertainty import (has_draws, interval, mean_across_draws,
                                      median_collapse_day, resamples, share_in_direction,
                                      statistic_across_draws)
from sim.model.results import Results
from sim.run.pairing import pairing
from sim.scenario.schema import Scenario

#: Share of posterior draws in which a difference must keep its direction to be robust.
ROBUST_SHARE = 0.9
#: Columns of ``comparison.csv`` for each outcome (prefixed with the outcome).
COLUMNS = ("base", "counterfactual", "difference", "sampling_low", "sampling_high",
           "parameters_low", "parameters_high", "draws_in_direction", "robust")


@dataclass(frozen=True)
class Effect:
    """One outcome, base against counterfactual, paired."""

    base: float
    counterfactual: float
    difference: float                  # counterfactual - base
    sampling: Interval
    parameters: Interval | None        # across the posterior draws; None without one
    in_direction: float | None         # share of draws with the difference's sign; None
                                       # without a posterior

    @property
    def direction(self) -> int:
        return int(np.sign(self.difference))

    @property
    def clear(self) -> bool:
        """The sampling interval excludes no change: more than chance."""
        return bool(self.sampling[0] > 0 or self.sampling[1] < 0)

    @property
    def robust(self) -> bool | None:
        """More than chance, in the same direction in most draws; None without a posterior
        (robustness to the constants cannot be judged)."""
        if self.in_direction is None:
            return None
        return self.clear and self.direction != 0 and bool(self.in_direction >= ROBUST_SHARE)


@dataclass(frozen=True)
class Comparison:
    """A counterfactual against its base."""

    name: str
    file: str                          # '' for a scenario built in memory (``sim.api``)
    survival: Effect                   # survival at the truce's duration
    median_collapse_day: Effect | None  # None when either has no collapse
    apart: str = ""                    # how it was paired when it ran in a model of its own
                                       # (``sim.run.pairing``); empty: side by side

    @property
    def label(self) -> str:
        """How a table names it: its file's name, or its name where it has no file."""
        return Path(self.file).name if self.file else self.name

    @property
    def short(self) -> str:
        """How a list names it: its file's stem, or its name where it has no file."""
        return Path(self.file).stem if self.file else self.name


def judged(comparisons: list[Comparison]) -> bool:
    """Whether robustness to the constants could be judged: the run had posterior draws."""
    return any(c.survival.robust is not None for c in comparisons)


def compare(base: Results, others: list[tuple[Results, str, str | Path]]
            ) -> list[Comparison]:
    """Each counterfactual (its results, name and file) against ``base``, run side by side
    with it (the same replications, random numbers and draws)."""
    n = base.replications
    boot = resamples(n)                         # the same resamples for every comparison
    base_boot = median_collapse_day(base.collapse_day[boot])
    out = []
    for other, name, file in others:
        if other.replications != n or (other.draw is None) != (base.draw is None) or (
                base.draw is not None and not np.array_equal(other.draw, base.draw)):
            raise ValueError(f"{file}: not run side by side with the base")
        out.append(Comparison(name=name, file=str(file),
                              survival=_survival(base, other),
                              median_collapse_day=_median(base, other, boot, base_boot)))
    return out


def _survival(base: Results, other: Results) -> Effect:
    diff = other.survived.astype(float) - base.survived
    mean = float(diff.mean())
    half = Z95 * float(diff.std(ddof=1)) / np.sqrt(len(diff)) if len(diff) > 1 else np.inf
    across = mean_across_draws(diff, base.draw) if has_draws(base.draw) else None
    return _effect(float(base.survived.mean()), float(other.survived.mean()), mean,
                   (mean - half, mean + half), across)


def _median(base: Results, other: Results, boot: np.ndarray, base_boot: np.ndarray
            ) -> Effect | None:
    a, b = base.collapse_day, other.collapse_day
    ma, mb = float(median_collapse_day(a)), float(median_collapse_day(b))
    if np.isnan(ma) or np.isnan(mb):
        return None

    def difference(idx: np.ndarray) -> np.ndarray:
        return median_collapse_day(b[idx]) - median_collapse_day(a[idx])

    across = statistic_across_draws(difference, base.draw, mb - ma) \
        if has_draws(base.draw) else None
    return _effect(ma, mb, mb - ma, interval(median_collapse_day(b[boot]) - base_boot),
                   across)


def _effect(base: float, other: float, difference: float, sampling: Interval,
            across: np.ndarray | None) -> Effect:
    if across is None:
        return Effect(base, other, difference, sampling, None, None)
    return Effect(base, other, difference, sampling, interval(across),
                  share_in_direction(across, difference))


def comparison_table(comparisons: list[Comparison]) -> pd.DataFrame:
    """One row per counterfactual: survival at the truce's duration and median collapse day,
    base and counterfactual, their difference with its sampling and parameter intervals,
    the share of draws in its direction and whether the conclusion is robust."""
    return pd.DataFrame([{"name": c.name, "file": c.file, **_differences(c)}
                         for c in comparisons])


def scenario_table(summaries: list[Summary], files: list[str | Path],
                   comparisons: list[Comparison]) -> pd.DataFrame:
    """One row per scenario of a comparison, the first (the reference) first: its own
    survival at the truce's duration and median collapse day, each with both intervals,
    its main trigger, and, from the second row on, its paired difference to the first in
    the columns of ``comparison_table`` (empty on the reference's row), so a reader
    sees each scenario's level beside what it changes."""
    if len(comparisons) != len(summaries) - 1:
        raise ValueError("a comparison for every scenario but the first")
    rows = []
    for s, file, c in zip(summaries, files, [None, *comparisons], strict=True):
        median = s.collapse_day_quartiles[1] if s.collapse_day_quartiles else None
        trigger = next(iter(s.triggers.items()), ("", None))
        rows.append({"name": s.scenario, "file": str(file), "reference": c is None,
                     "replications": s.replications,
                     **_level("p_survive", s.p_survive, s.p_survive_ci, s.p_survive_params),
                     **_level("collapse_day_median", median, s.collapse_day_median_ci,
                              s.collapse_day_median_params),
                     "main_trigger": trigger[0], "main_trigger_share": trigger[1],
                     **_differences(c)})
    return pd.DataFrame(rows)


def _level(name: str, value: float | None, sampling: Interval | None,
           parameters: Interval | None) -> dict:
    low, high = sampling or (None, None)
    p_low, p_high = parameters or (None, None)
    return {name: value, f"{name}_sampling_low": low, f"{name}_sampling_high": high,
            f"{name}_parameters_low": p_low, f"{name}_parameters_high": p_high}


def _differences(c: Comparison | None) -> dict:
    return {**_columns("survival", c.survival if c else None),
            **_columns("median_collapse_day", c.median_collapse_day if c else None)}


def _columns(prefix: str, e: Effect | None) -> dict:
    if e is None:
        values = [None] * len(COLUMNS)
    else:
        low, high = e.parameters or (None, None)
        values = [e.base, e.counterfactual, e.difference, *e.sampling, low, high,
                  e.in_direction, e.robust]
    return {f"{prefix}_{k}": v for k, v in zip(COLUMNS, values, strict=True)}


def with_pairing(comparisons: list[Comparison], base: Scenario, others: list[Scenario],
                 seed: int) -> tuple[list[Comparison], dict[int, dict]]:
    """The comparisons, each that ran in a model of its own (it differs in the conflict's
    facts) saying so and which streams are paired by name (``sim.run.pairing``); and, by
    index, what a manifest records of those."""
    out, own = [], {}
    for i, (c, other) in enumerate(zip(comparisons, others, strict=True)):
        p = pairing(base, other, seed)
        if not p.together:
            own[i] = {"differs": list(p.differs), "streams_paired": list(p.paired),
                      "streams_not_paired": list(p.unpaired)}
        out.append(replace(c, apart=p.note()))
    return out, own
