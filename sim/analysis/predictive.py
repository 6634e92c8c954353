"""A predictive distribution of how a truce ends: when (the day of its first collapse) and
how (declared over, or eroded on the ground), with the one smoothing rule every
predictor gets before it is scored.

**Days.** The outcome files and the model both count whole days after the truce began
(the model's ``collapse_day``: a declaration at the start of day d + 1, or violence back
from day d + 1, the first day of the de facto window). The collapse time T is continuous; whole day d stands for the
times [d - 1/2, d + 1/2), so a day interval [lo, hi] is T in [lo - 1/2, hi + 1/2), "held
through day c" is T >= c + 1/2, and "survives its first week", P(T > 7), is no collapse
on days 0-7 (the model's ``survived_to(7)``). An outcome file's times may be fractions
(``[0.5, 1]``: within the first day, after noon): time t is in day ``day_of(t)`` =
floor(t + 1/2), so ``[0.5, 1]`` is day 1 and ``[0, 0.5]`` days 0-1. A predictive is the probability of a first
collapse on each day 0 .. ``LAST_DAY`` (a century), split into declared and eroded,
and of none by then (``beyond``).

**Smoothing.** A predictor can give a day no chance at all (the model's replications
that never collapse on day 40, a base rate with no truce ending in the third week), and
the log score of what then happens is log 0. Every predictor, the model and the
yardsticks alike, is therefore scored as

    predictive = 0.9 x predictor + 0.1 x reference,

the reference being log-uniform on T over [1 hour, 100 years] (mass proportional to
log(t_high / t_low) on each day; declared and eroded half each): the scale-free
distribution that prefers no order of magnitude, so it favours neither short truces nor
long ones, nor any predictor. The 10% caps how much a confident predictor can gain or
lose on one truce (its log score is at least log 0.1 plus the reference's log chance,
about -7 for an exact day in the first weeks), and moves a predictor's probabilities by at
most 0.1. The upper end is a century, not a decade, because armistices still holding
after seventy years exist, and a truce holding beyond the reference's end would get
log 0 from every predictor.

**Beyond a predictor's horizon.** The model says nothing after its horizon H (the
scenario's ``horizon_days``): the share of replications still holding there is spread
over days H + 1 .. ``LAST_DAY`` in the reference's shape (log-uniform), its ending split
evenly. The Kaplan–Meier base rate does the same after its last observed time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

HOUR = 1.0 / 24.0
CENTURY = 36525.0                 # days in 100 years
LAST_DAY = int(CENTURY)           # days 0 .. LAST_DAY
SMOOTHING = 0.1                   # weight of the reference in every scored predictive
DAYS = np.arange(LAST_DAY + 1)


def day_of(t: float) -> int:
    """The whole day holding time ``t`` (days after the start): floor(t + 1/2)."""
    return int(np.floor(t + 0.5))


def day_edges() -> tuple[np.ndarray, np.ndarray]:
    """Each day's times [low, high): [d - 1/2, d + 1/2), inside [1 hour, 100 years]."""
    return np.maximum(DAYS - 0.5, HOUR), np.minimum(DAYS + 0.5, CENTURY)


def log_uniform_days() -> np.ndarray:
    """The reference's chance of each day: log-uniform on [1 hour, 100 years]."""
    low, high = day_edges()
    return np.log(high / low) / np.log(CENTURY / HOUR)


_REFERENCE_DAYS = log_uniform_days()


def tail_shape(after: int) -> np.ndarray:
    """The reference's shape over the days after ``after``, normalised (all zeros if none)."""
    shape = np.where(DAYS > after, _REFERENCE_DAYS, 0.0)
    total = shape.sum()
    return shape / total if total > 0 else shape


@dataclass(frozen=True)
class Predictive:
    """Chance of a first collapse on each day (declared over, eroded) and of none by
    ``LAST_DAY`` (``beyond``); the whole sums to 1."""

    declared: np.ndarray          # (LAST_DAY + 1,)
    eroded: np.ndarray            # (LAST_DAY + 1,)
    beyond: float = 0.0

    @cached_property
    def _cumulative(self) -> tuple[np.ndarray, np.ndarray]:
        return np.cumsum(self.declared), np.cumsum(self.eroded)

    def collapsed_by(self, day: float) -> float:
        """P(first collapse on day ``day`` or before)."""
        if day < 0:
            return 0.0
        d = min(int(np.floor(day)), LAST_DAY)
        dec, ero = self._cumulative
        return float(dec[d] + ero[d])

    @cached_property
    def _after(self) -> np.ndarray:
        """P(a first collapse after day d, or none), summed from the end (exact zeros)."""
        mass = self.declared + self.eroded
        return np.concatenate([np.cumsum(mass[::-1])[::-1][1:], [0.0]]) + self.beyond

    def survival(self, day: float) -> float:
        """P(T > day): no collapse on day ``day`` or before."""
        if day < 0:
            return 1.0
        return float(self._after[min(int(np.floor(day)), LAST_DAY)])

    def between(self, lo: int, hi: int) -> float:
        """P(the first collapse on a day from ``lo`` to ``hi``)."""
        return max(0.0, self.collapsed_by(hi) - self.collapsed_by(lo - 1))

    def endings_by(self, day: float) -> tuple[float, float, float]:
        """(declared, eroded, held) by the end of day ``day``."""
        if day < 0:
            return 0.0, 0.0, 1.0
        d = min(int(np.floor(day)), LAST_DAY)
        dec, ero = self._cumulative
        return float(dec[d]), float(ero[d]), max(0.0, float(1.0 - dec[d] - ero[d]))

    def median(self) -> float:
        """The first day by which the chance of a collapse reaches 1/2 (inf if never)."""
        dec, ero = self._cumulative
        reached = np.flatnonzero(dec + ero >= 0.5)
        return float(reached[0]) if len(reached) else float("inf")

    def survival_curve(self, days: np.ndarray) -> np.ndarray:
        """P(T > d) for each of ``days``."""
        dec, ero = self._cumulative
        d = np.clip(np.floor(days).astype(int), 0, LAST_DAY)
        return np.where(days < 0, 1.0, 1.0 - dec[d] - ero[d])

    def smoothed(self, weight: float = SMOOTHING) -> Predictive:
        """(1 - weight) x this + weight x the reference (log-uniform, endings halved)."""
        half = weight * _REFERENCE_DAYS / 2
        keep = 1.0 - weight
        return Predictive(keep * self.declared + half, keep * self.eroded + half,
                          keep * self.beyond)


def reference() -> Predictive:
    """The smoothing's reference: log-uniform over [1 hour, 100 years], endings halved."""
    return Predictive(_REFERENCE_DAYS / 2, _REFERENCE_DAYS / 2)


def from_sample(collapse_day: np.ndarray, declared: np.ndarray, horizon: float,
                weights: np.ndarray | None = None) -> Predictive:
    """The model's predictive from its replications: each replication's share (equal, or
    its ``weights``, normalised) on its collapse day (declared or eroded); those holding
    at the horizon spread over the days after it in the reference's shape, their ending
    halved."""
    collapse_day = np.asarray(collapse_day, dtype=float)
    n = len(collapse_day)
    if n == 0:
        raise ValueError("a predictive needs at least one replication")
    collapsed = ~np.isnan(collapse_day)
    days = collapse_day[collapsed].astype(int)
    if len(days) and (days.min() < 0 or days.max() > horizon):
        raise ValueError("collapse days must lie between 0 and the horizon")
    is_declared = np.asarray(declared, bool)[collapsed]
    w = np.ones(n) if weights is None else np.asarray(weights, float)   # ones: counts
    share, total = w[collapsed], w.sum()
    dec = np.bincount(days[is_declared], share[is_declared], LAST_DAY + 1)[:LAST_DAY + 1]
    ero = np.bincount(days[~is_declared], share[~is_declared], LAST_DAY + 1)[:LAST_DAY + 1]
    return _with_tail(dec / total, ero / total, 1.0 - share.sum() / total,
                      int(np.floor(horizon)))


def from_atoms(days: np.ndarray, declared: np.ndarray, eroded: np.ndarray, tail: float,
               after: float) -> Predictive:
    """A discrete predictive: chance ``declared[i]`` and ``eroded[i]`` at time ``days[i]``
    (in day ``floor(t + 1/2)``, the day holding time t), and ``tail`` spread after day
    ``after`` in the reference's shape (a Kaplan–Meier curve ending above zero)."""
    which = np.clip(np.floor(np.asarray(days, float) + 0.5).astype(int), 0, LAST_DAY)
    dec = np.bincount(which, weights=declared, minlength=LAST_DAY + 1)
    ero = np.bincount(which, weights=eroded, minlength=LAST_DAY + 1)
    last = int(np.floor(after + 0.5))
    return _with_tail(dec, ero, tail, last)


def from_survival(survival: np.ndarray, declared_share: float) -> Predictive:
    """A continuous predictive from its survival function at the days' upper edges
    (``S(d + 1/2)`` for each day d; ``S(100 years)`` for the last): the chance of each
    day, split into declared and eroded by ``declared_share``."""
    s = np.clip(np.asarray(survival, float), 0.0, 1.0)
    s = np.minimum.accumulate(s)
    mass = np.diff(np.concatenate([[1.0], s]))
    mass = -mass
    return Predictive(declared_share * mass, (1 - declared_share) * mass, float(s[-1]))


def _with_tail(dec: np.ndarray, ero: np.ndarray, tail: float, after: int) -> Predictive:
    if tail <= 0:
        return Predictive(dec, ero)
    shape = tail_shape(after)
    if shape.sum() == 0:
        return Predictive(dec, ero, float(tail))
    return Predictive(dec + tail * shape / 2, ero + tail * shape / 2)
