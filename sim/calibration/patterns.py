"""Historical patterns as summary statistics of a run (pattern-oriented modelling,
Grimm et al. 2005).

A pattern names a truce, a statistic of its replications, the value history
gives and a tolerance: how far a simulated value may lie from the target and
still count as reproducing it (the tolerance also scales the calibration's
distance). The targets, tolerances and sources live in the calibration file
(``calibration/calibration.yaml``); the statistics live here, each a function
of a run's :class:`Results`, so the calibration, its report and the tests
compute them one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.model.results import TRIGGERS, Results


def survival_to(r: Results, day: float) -> float:
    """Share of replications with neither a formal nor a de facto collapse by ``day``."""
    return float(np.mean(r.survived_to(_day(r, day))))


def declared_by(r: Results, day: float) -> float:
    """Share of replications a party declared over by ``day``."""
    return float(np.mean((r.formal_day >= 0) & (r.formal_day <= _day(r, day))))


def median_collapse_day(r: Results) -> float:
    """Median day of the first collapse, formal or de facto; truces that outlast the
    horizon count as collapsing at it (the Kaplan–Meier median, censored there), so a
    truce that holds pulls the median up as history's erosion does. (Summaries report
    the median of the truces that collapsed: ``sim.analysis.uncertainty``.)"""
    return float(np.median(np.nan_to_num(r.collapse_day, nan=r.horizon_days)))


def _day(r: Results, day: float) -> int:
    """A day of the run (1 = the first), checked."""
    if not 1 <= day <= r.horizon_days or day != int(day):
        raise ValueError(f"day {day} is not a whole day from 1 to {r.horizon_days:g}")
    return int(day)


def _standing(r: Results, day: int) -> np.ndarray:
    """Replications whose truce still formally stood during ``day`` (1 = the first)."""
    return (r.formal_day < 0) | (r.formal_day >= day)


def violence(r: Results, first: int, last: int | None = None) -> float:
    """The parties' mean violence over days ``first``..``last`` as a share of the pre-truce
    level, over the truces that still formally stood each day."""
    days = range(_day(r, first), _day(r, last or first) + 1)
    values = [r.violence_day[_standing(r, d), d - 1] for d in days]
    total = sum(len(v) for v in values)
    return float(sum(v.sum() for v in values) / total) if total else float("nan")


def violence_climb(r: Results, first: int, last: int) -> float:
    """How many times the violence of day ``last`` is that of day ``first``, among the
    truces still formally standing (history's climb through the week)."""
    _day(r, last)
    start = violence(r, first)
    return violence(r, last) / start if start > 0 else float("nan")


def blame(r: Results, actor: str) -> float:
    """log10 of the violations the other side booked against ``actor`` over those
    ``actor`` admitted (per replication, on average): 1 means ten times as many."""
    i = r.actors.index(actor)
    reported, admitted = r.reported[:, i].mean(), r.admitted[:, i].mean()
    return float(np.log10(max(reported, 0.1) / max(admitted, 0.1)))


def aid_delivered(r: Results) -> float:
    """Share of convoys that got through (delivered of delivered, blocked and struck)."""
    delivered, blocked, struck = r.convoys.sum(0)
    total = delivered + blocked + struck
    return float(delivered / total) if total else float("nan")


def declared_by_actor(r: Results, actor: str) -> float:
    """Share of declarations made by ``actor``."""
    i = r.actors.index(actor)
    declarer = r.declarer[r.declarer >= 0]
    return float(np.mean(declarer == i)) if len(declarer) else float("nan")


def trigger_share(r: Results, triggers: list[str]) -> float:
    """Share of declarations whose trigger is one of ``triggers``."""
    codes = r.trigger[r.trigger >= 0]
    unknown = set(triggers) - set(TRIGGERS)
    if unknown:
        raise ValueError(f"unknown triggers {sorted(unknown)}: one of {list(TRIGGERS)}")
    wanted = [TRIGGERS.index(t) for t in triggers]
    return float(np.mean(np.isin(codes, wanted))) if len(codes) else float("nan")


def de_facto_share(r: Results) -> float:
    """Share of collapses within the horizon that came on the ground, before any
    declaration (de facto)."""
    kinds = r.kind_of_collapse
    collapsed = kinds != ""
    return float(np.mean(kinds[collapsed] == "de facto")) if collapsed.any() else float("nan")


#: Statistics a pattern may name, with the arguments they take.
STATISTICS: dict[str, Callable[..., float]] = {
    f.__name__: f for f in (survival_to, declared_by, median_collapse_day, violence,
                            violence_climb, blame, aid_delivered, declared_by_actor,
                            trigger_share, de_facto_share)}


@dataclass(frozen=True)
class Pattern:
    """One historical pattern: a statistic of one truce's run, its target and tolerance."""

    name: str
    truce: str
    statistic: str
    args: dict
    target: float
    tolerance: float
    source: str
    says: str

    def of(self, r: Results) -> float:
        return STATISTICS[self.statistic](r, **self.args)

    def fits(self, value: float) -> bool:
        return bool(abs(value - self.target) <= self.tolerance)
