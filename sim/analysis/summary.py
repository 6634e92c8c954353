"""Summaries of results with their uncertainty: intervals, survival curves, shares.

Every headline figure carries a sampling interval and, for a run under the
posterior, a parameter interval (``sim.analysis.uncertainty``). Reads plain
``Results`` arrays; knows nothing of models or charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.analysis.uncertainty import (bootstrap_interval, has_draws, interval, mean_across_draws,
                                      median_collapse_day, statistic_across_draws)
from sim.model.results import ENDINGS, TRIGGERS, Results

if TYPE_CHECKING:
    from sim.run.posterior import Posterior

Z95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score 95% interval for a binomial proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # the interval contains the estimate, even where rounding puts a bound a hair past it
    return (float(max(0.0, min(p, centre - half))), float(min(1.0, max(p, centre + half))))


@dataclass(frozen=True)
class SurvivalCurve:
    """Kaplan–Meier estimate of the share of truces still holding, with a 95% band."""

    days: np.ndarray
    survival: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    def at(self, day: float) -> float:
        """Survival at the end of ``day`` (step function, right-continuous)."""
        return float(self.survival[np.searchsorted(self.days, day, side="right") - 1])

    def median(self) -> float:
        """The first day by which half the truces have collapsed; NaN if more than half
        outlast the curve (a median beyond the horizon is unknown, not the horizon)."""
        reached = np.flatnonzero(self.survival <= 0.5)
        return float(self.days[reached[0]]) if len(reached) else float("nan")


def kaplan_meier(collapse_day: np.ndarray, horizon: float) -> SurvivalCurve:
    """Survival curve of truces; runs that never collapse are censored at the horizon.

    The band is Greenwood's variance on the log-log scale, which stays in [0, 1].
    """
    n = len(collapse_day)
    event_days = np.sort(collapse_day[~np.isnan(collapse_day)])
    times, deaths = np.unique(event_days, return_counts=True)
    at_risk = n - np.concatenate([[0], np.cumsum(deaths)[:-1]])
    surv = np.cumprod(1.0 - deaths / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(deaths / (at_risk * np.maximum(at_risk - deaths, 1e-12)))
        log_s = np.log(surv)
        se = np.sqrt(greenwood) / np.abs(log_s)
        lower = surv ** np.exp(Z95 * se)
        upper = surv ** np.exp(-Z95 * se)
    lower = np.where(surv > 0, np.nan_to_num(lower, nan=surv), 0.0)
    upper = np.where(surv > 0, np.nan_to_num(upper, nan=surv), 0.0)
    upper = np.where(surv >= 1.0, 1.0, upper)
    return SurvivalCurve(days=np.concatenate([[0.0], times, [horizon]]),
                         survival=np.concatenate([[1.0], surv, [surv[-1] if len(surv) else 1.0]]),
                         lower=np.concatenate([[1.0], lower, [lower[-1] if len(surv) else 1.0]]),
                         upper=np.concatenate([[1.0], upper, [upper[-1] if len(surv) else 1.0]]))


def survival_across_draws(r: Results) -> SurvivalCurve | None:
    """Survival at the end of each day (0 to the horizon) over all replications, and its 95%
    interval across the posterior draws, each draw's sampling noise taken out day by day;
    None for a run without posterior draws."""
    if not has_draws(r.draw):
        return None
    days = np.arange(0, int(r.horizon_days) + 1)
    held = np.stack([r.survived_to(d) for d in days], axis=1)
    lower, upper = interval(mean_across_draws(held, r.draw))
    return SurvivalCurve(days=days.astype(float), survival=held.mean(0), lower=lower,
                         upper=upper)


def headline_days(r: Results) -> list[float]:
    """The days survival is reported at: the truce's duration, day 14, the horizon."""
    return sorted({r.duration_days, min(14.0, r.horizon_days), r.horizon_days})


def draw_table(r: Results, posterior: Posterior | None = None) -> pd.DataFrame:
    """One row per posterior draw: its replications, survival at the headline days and the
    median collapse day of its truces that collapsed, as observed (sampling noise and all),
    so that the parameter intervals can be redone; with the ``posterior`` the run used,
    the draw's constants too, so its outcomes can be set against them."""
    draws = np.arange(int(r.draw.max()) + 1)
    own = [r.draw == d for d in draws]
    table = {"draw": draws, "replications": [int(m.sum()) for m in own]}
    for day in headline_days(r):
        held = r.survived_to(day)
        table[f"survival_day_{day:g}"] = [float(held[m].mean()) for m in own]
    table["median_collapse_day"] = [float(median_collapse_day(r.collapse_day[m])) for m in own]
    for j, path in enumerate(posterior.paths if posterior is not None else ()):
        table[path] = posterior.values[draws, j]
    return pd.DataFrame(table)


Interval = tuple[float, float]


@dataclass(frozen=True)
class Summary:
    """What a scenario's replications say, with intervals (plain numbers).

    ``*_ci`` are 95% sampling intervals; ``*_params`` 95% intervals across the posterior
    draws of the behavioural constants, each draw's sampling noise taken out (None for a
    run without a posterior, or at its median)."""

    scenario: str
    replications: int
    draws: int                                 # posterior draws the run used; 0: none
    duration_days: float
    horizon_days: float
    p_survive: float                           # neither collapse within duration_days
    p_survive_ci: Interval
    p_survive_params: Interval | None
    p_survive_14: float
    p_survive_14_ci: Interval
    p_survive_14_params: Interval | None
    p_survive_horizon: float
    p_survive_horizon_ci: Interval
    p_survive_horizon_params: Interval | None
    p_formal: float                            # declared over within the horizon
    p_de_facto_first: float                    # violence back before (or without) a declaration
    p_jic: float
    p_jic_ci: Interval
    p_jic_params: Interval | None
    collapse_day_quartiles: tuple[float, float, float] | None   # of the truces that collapsed
    collapse_day_median_ci: Interval | None    # percentile bootstrap of replications
    collapse_day_median_params: Interval | None
    declared_by: dict[str, float]
    triggers: dict[str, float]
    violations: dict[str, dict[str, float]]    # party -> true, reported_by_other_side, admitted
    civilian_harm: float
    aid_trucks: float
    convoys: dict[str, float]                  # delivered, blocked, struck: shares of sent
    fronts_holding: tuple[float, ...]          # mean share of fronts holding, by day
    #: shares of the replications by ending (``Results.endings``), where the run says them:
    #: the deal ends by itself, or a party weighs ending the label; empty otherwise
    endings: dict[str, float] = field(default_factory=dict)


def summarize(r: Results) -> Summary:
    """Survival with its intervals, collapse timing and kind, who and why, blame, harm, aid.

    Under a posterior the estimates pool every replication (the posterior predictive);
    the sampling intervals are that pooled estimate's."""
    n = r.replications
    posterior = has_draws(r.draw)

    def share(mask: np.ndarray) -> tuple[float, Interval, Interval | None]:
        k = int(mask.sum())
        params = interval(mean_across_draws(mask, r.draw)) if posterior else None
        return k / n, wilson_interval(k, n), params

    day = r.collapse_day
    collapsed = day[~np.isnan(day)]
    quartiles = tuple(float(q) for q in np.quantile(collapsed, [0.25, 0.5, 0.75])) \
        if len(collapsed) else None
    median_ci = median_params = None
    if quartiles:
        def median(idx: np.ndarray) -> np.ndarray:
            return median_collapse_day(day[idx])

        median_ci = bootstrap_interval(median, n)
        if posterior:
            median_params = interval(statistic_across_draws(median, r.draw, quartiles[1]))

    def shares(codes: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
        codes = codes[codes >= 0]
        if not len(codes):
            return {}
        counts = np.bincount(codes, minlength=len(names))
        return {names[i]: float(counts[i] / len(codes)) for i in np.argsort(-counts, kind="stable")
                if counts[i]}

    violations = {
        a: {"true": float(r.violations[:, i].mean()),
            "reported_by_other_side": float(r.reported[:, i].mean()),
            "admitted": float(r.admitted[:, i].mean())}
        for i, a in enumerate(r.actors) if a in r.parties}
    sent = r.convoys.sum()
    convoys = {k: float(r.convoys[:, j].sum() / sent) if sent else float("nan")
               for j, k in enumerate(("delivered", "blocked", "struck"))}
    p7, ci7, pa7 = share(r.survived)
    p14, ci14, pa14 = share(r.survived_to(min(14.0, r.horizon_days)))
    ph, cih, pah = share(r.survived_to(r.horizon_days))
    pj, cij, paj = share(r.jic_activated)
    return Summary(
        scenario=r.scenario_name, replications=n,
        draws=int(r.draw.max()) + 1 if r.draw is not None else 0,
        duration_days=r.duration_days, horizon_days=r.horizon_days,
        p_survive=p7, p_survive_ci=ci7, p_survive_params=pa7,
        p_survive_14=p14, p_survive_14_ci=ci14, p_survive_14_params=pa14,
        p_survive_horizon=ph, p_survive_horizon_ci=cih, p_survive_horizon_params=pah,
        p_formal=float(np.mean(r.formal_day >= 0)),
        p_de_facto_first=float(np.mean(r.kind_of_collapse == "de facto")),
        p_jic=pj, p_jic_ci=cij, p_jic_params=paj, collapse_day_quartiles=quartiles,
        collapse_day_median_ci=median_ci, collapse_day_median_params=median_params,
        declared_by=shares(r.declarer, r.actors), triggers=shares(r.trigger, TRIGGERS),
        violations=violations, civilian_harm=float(r.harm.mean()),
        aid_trucks=float(r.aid_delivered.mean()), convoys=convoys,
        fronts_holding=tuple(float(x) for x in r.holding_day.mean(0)),
        endings={e: float(np.mean(r.endings == e)) for e in ENDINGS}
        if r.shows_endings or r.end_day is not None else {})


def typical(results: Results) -> int:
    """The replication whose collapse day (formal or de facto) is closest to the median
    collapse day of those that collapsed; ties go to the lowest replication index. If none
    collapsed, the first replication (every one held)."""
    days = results.collapse_day
    median = median_collapse_day(days)
    if np.isnan(median):
        return int(results.replication[0])
    distance = np.where(np.isnan(days), np.inf, np.abs(days - median))
    return int(results.replication[np.argmin(distance)])
