"""Scoring predictive distributions of how truces end against what happened.

Pure functions of :class:`~sim.analysis.predictive.Predictive` objects and
:class:`Observed` outcomes (plain numbers). Every score is of the *smoothed* predictive
(``Predictive.smoothed``: 0.9 x the predictor + 0.1 x log-uniform), the same rule for
every predictor:

- **log score** of the observed outcome: a collapse on a day from lo to hi,
  log P(lo <= day <= hi) (interval-censored); a truce still standing on day c
  (holding, superseded, expired), log P(no collapse by day c) (right-censored). Higher
  is better; natural logarithms.
- **Brier score of first-week survival**: (P(no collapse by day 7) - held)^2, ``held``
  being the outcome file's ``first_week.held``. Lower is better (0 to 1).
- **three-class Brier score of the ending** at day t*: sum over declared / eroded / held
  of (P(class by t*) - observed)^2 (0 to 2). t* is the day by which the observed class
  is certain, within the model's horizon H: a collapse with hi <= H is scored at t* = hi
  as declared or eroded; a collapse with lo > H at t* = H as held; one whose range
  straddles H at t* = lo - 1 as held; a right-censored truce at t* = min(H, c) as held
  (superseded and expired count as held: the truce had not collapsed).
- **rank correlation** (Spearman) across truces of the predicted median day of the first
  collapse and the observed duration: a collapse's interval midpoint, a right-censored
  truce's censoring day (a lower bound, taken as it is).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.predictive import Predictive, day_of

FIRST_WEEK = 7
ENDINGS = ("declared", "eroded", "held")
#: Each score's better direction: +1 higher is better, -1 lower is better.
BETTER = {"log_score": 1, "brier_first_week": -1, "brier_ending": -1, "spearman": 1}
#: Log-score differences smaller than this are ties (rounding, not a difference).
TIE = 1e-9
#: Truces observed to last longer than this many days count as long (``by_length``).
LONG_DAYS = 30
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20160912


@dataclass(frozen=True)
class Observed:
    """What happened, as numbers: the ending, its day range (collapses) or the day it was
    last known to stand (right-censored), and whether it held its first week."""

    kind: str                         # declared, eroded, superseded, expired, holding
    first_week_held: bool
    lo: int | None = None             # collapses: first collapse on a day in [lo, hi]
    hi: int | None = None
    censored: int | None = None       # right-censored: standing on this day

    def __post_init__(self):
        if self.collapsed and (self.lo is None or self.hi is None or self.lo > self.hi):
            raise ValueError(f"a collapse ({self.kind}) needs lo <= hi")
        if not self.collapsed and self.censored is None:
            raise ValueError(f"a right-censored ending ({self.kind}) needs its day")

    @property
    def collapsed(self) -> bool:
        return self.kind in ("declared", "eroded")

    @property
    def duration(self) -> float:
        """Interval midpoint for a collapse; the censoring day otherwise."""
        return (self.lo + self.hi) / 2 if self.collapsed else float(self.censored)


def observed_of(outcome) -> Observed:
    """An outcome file's record (``sim.scenario.outcomes.Outcome``) as plain numbers, its
    times in whole days (``day_of``)."""
    end = outcome.end
    if end.collapsed:
        return Observed(end.kind, outcome.first_week.held, lo=day_of(end.day[0]),
                        hi=day_of(end.day[1]))
    return Observed(end.kind, outcome.first_week.held, censored=day_of(end.censored_day))


def observed_probability(pred: Predictive, obs: Observed) -> float:
    """The predictive's chance of what was observed (interval- or right-censored)."""
    if obs.collapsed:
        return pred.between(obs.lo, obs.hi)
    return pred.survival(obs.censored)


def log_score(pred: Predictive, obs: Observed) -> float:
    return float(np.log(observed_probability(pred, obs)))


def brier_first_week(pred: Predictive, obs: Observed) -> float:
    return (pred.survival(FIRST_WEEK) - float(obs.first_week_held)) ** 2


def scoring_day(obs: Observed, horizon: float) -> tuple[int, str]:
    """t* and the class observed by then (see the module's docstring)."""
    h = int(np.floor(horizon))
    if obs.collapsed:
        if obs.hi <= h:
            return obs.hi, obs.kind
        return (h, "held") if obs.lo > h else (obs.lo - 1, "held")
    return min(h, obs.censored), "held"


def brier_ending(pred: Predictive, obs: Observed, horizon: float) -> float:
    day, seen = scoring_day(obs, horizon)
    p = pred.endings_by(day)
    return float(sum((pk - (name == seen)) ** 2 for pk, name in zip(p, ENDINGS)))


def score(predictor: Predictive, obs: Observed, horizon: float) -> dict[str, float]:
    """Every per-truce figure of one predictor: raw and smoothed chance of the outcome,
    the scores, and the probabilities they are made of."""
    pred = predictor.smoothed()
    day, _ = scoring_day(obs, horizon)
    declared, eroded, held = pred.endings_by(day)
    return {"p_obs_raw": observed_probability(predictor, obs),
            "p_obs": observed_probability(pred, obs),
            "log_score": log_score(pred, obs),
            "survival_7": pred.survival(FIRST_WEEK),
            "brier_first_week": brier_first_week(pred, obs),
            "p_declared": declared, "p_eroded": eroded, "p_held": held,
            "brier_ending": brier_ending(pred, obs, horizon),
            "median_days": pred.median()}


def _ranks(x: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties given their average rank (infinities rank last)."""
    values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    return ((ends - counts + 1 + ends) / 2)[inverse]


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rank correlation (average ranks for ties); NaN if either is constant."""
    rx, ry = _ranks(np.asarray(x, float)), _ranks(np.asarray(y, float))
    if len(rx) < 2 or np.ptp(rx) == 0 or np.ptp(ry) == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


def _columns(table: pd.DataFrame, predictor: str) -> dict[str, np.ndarray]:
    return {s: table[f"{predictor}_{s}"].to_numpy(float)
            for s in ("log_score", "brier_first_week", "brier_ending", "median_days")}


def _scores(cols: dict[str, np.ndarray], duration: np.ndarray, rows) -> dict[str, float]:
    return {"log_score": float(cols["log_score"][rows].mean()),
            "brier_first_week": float(cols["brier_first_week"][rows].mean()),
            "brier_ending": float(cols["brier_ending"][rows].mean()),
            "spearman": spearman(cols["median_days"][rows], duration[rows])}


def scores_of(table: pd.DataFrame, predictor: str, rows: np.ndarray | None = None
              ) -> dict[str, float]:
    """A predictor's scores over truces (rows of the per-truce table, all by default):
    the means of the per-truce scores and the rank correlation."""
    rows = np.arange(len(table)) if rows is None else rows
    return _scores(_columns(table, predictor), table["observed_duration"].to_numpy(float),
                   rows)


def compare_scores(table: pd.DataFrame, predictors: tuple[str, ...],
                   predictor: str = "model", baseline: str = "base_rate",
                   resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED
                   ) -> pd.DataFrame:
    """One row per score: each predictor's value, the difference ``predictor`` minus
    ``baseline`` (``against``), its 95% percentile-bootstrap interval over truces
    (resampled with replacement, fixed seed) and which of the two is better beyond that
    interval."""
    values = {p: scores_of(table, p) for p in predictors}
    rng = np.random.default_rng(seed)
    n = len(table)
    duration = table["observed_duration"].to_numpy(float)
    mine, theirs = _columns(table, predictor), _columns(table, baseline)
    draws = {s: np.empty(resamples) for s in BETTER}
    for i in range(resamples):
        rows = rng.integers(0, n, n)
        a, b = _scores(mine, duration, rows), _scores(theirs, duration, rows)
        for s in BETTER:
            draws[s][i] = a[s] - b[s]
    out = []
    for s, sign in BETTER.items():
        d = draws[s][np.isfinite(draws[s])]
        low, high = (np.percentile(d, [2.5, 97.5]) if len(d) else (np.nan, np.nan))
        diff = values[predictor][s] - values[baseline][s]
        verdict = "not distinguishable"
        if np.isfinite(low) and sign * low > 0 and sign * high > 0:
            verdict = f"{predictor} better"
        elif np.isfinite(low) and sign * low < 0 and sign * high < 0:
            verdict = f"{baseline} better"
        out.append({"score": s, "against": baseline, **{p: values[p][s] for p in predictors},
                    "difference": diff, "low": float(low), "high": float(high),
                    "better": "higher" if sign > 0 else "lower", "verdict": verdict,
                    "truces": n})
    return pd.DataFrame(out)


def by_length(table: pd.DataFrame, predictor: str = "model", baseline: str = "base_rate",
              long_days: float = LONG_DAYS) -> pd.DataFrame:
    """Mean log-score difference (``predictor`` minus ``baseline``) for truces observed
    to last at most ``long_days`` days and for those lasting longer."""
    diff = table[f"{predictor}_log_score"] - table[f"{baseline}_log_score"]
    long = table["observed_duration"] > long_days
    rows = []
    for name, mask in ((f"within {long_days:g} days", ~long), (f"longer than {long_days:g} "
                                                               "days", long)):
        rows.append({"group": name, "truces": int(mask.sum()),
                     "log_score_difference": float(diff[mask].mean()) if mask.any()
                     else float("nan"),
                     "wins": int((diff[mask] > TIE).sum())})
    return pd.DataFrame(rows)
