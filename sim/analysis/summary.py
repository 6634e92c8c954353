"""Summaries of results with their uncertainty: intervals, survival curves, shares.

Reads plain ``Results`` arrays; knows nothing of models or charts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model.compiled import TRIGGERS
from sim.model.results import Results

Z95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score 95% interval for a binomial proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


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


@dataclass(frozen=True)
class Summary:
    """What a scenario's replications say, with intervals (plain numbers)."""

    scenario: str
    replications: int
    duration_days: float
    horizon_days: float
    p_survive: float
    p_survive_ci: tuple[float, float]
    p_jic: float
    p_jic_ci: tuple[float, float]
    p_collapse_by_horizon: float
    collapse_day_quartiles: tuple[float, float, float] | None
    declared_by: dict[str, float]
    triggers: dict[str, float]
    violations: dict[str, dict[str, float]]    # party -> true, reported_by_other, self_reported
    civilian_harm: float
    aid_trucks: float
    convoys: dict[str, float]                  # delivered, blocked, struck: shares of sent


def summarize(r: Results) -> Summary:
    """Survival with its interval, collapse timing, who and why, blame, harm and aid."""
    n = r.replications
    survived = int(r.survived.sum())
    jic = int(r.jic_activated.sum())
    day = r.collapse_day
    collapsed = day[~np.isnan(day)]
    quartiles = tuple(float(q) for q in np.quantile(collapsed, [0.25, 0.5, 0.75])) \
        if len(collapsed) else None

    def shares(codes: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
        codes = codes[codes >= 0]
        if not len(codes):
            return {}
        counts = np.bincount(codes, minlength=len(names))
        return {names[i]: float(counts[i] / len(codes)) for i in np.argsort(-counts)
                if counts[i]}

    violations = {
        a: {"true": float(r.violations[:, i].mean()),
            "reported_by_other_side": float(r.reported[:, i].mean()),
            "self_reported": float(r.self_reported[:, i].mean())}
        for i, a in enumerate(r.actors) if a in r.parties}
    sent = r.convoys.sum()
    convoys = {k: float(r.convoys[:, j].sum() / sent) if sent else float("nan")
               for j, k in enumerate(("delivered", "blocked", "struck"))}
    return Summary(
        scenario=r.scenario_name, replications=n, duration_days=r.duration_days,
        horizon_days=r.horizon_days, p_survive=survived / n,
        p_survive_ci=wilson_interval(survived, n), p_jic=jic / n,
        p_jic_ci=wilson_interval(jic, n), p_collapse_by_horizon=len(collapsed) / n,
        collapse_day_quartiles=quartiles, declared_by=shares(r.declarer, r.actors),
        triggers=shares(r.trigger, TRIGGERS), violations=violations,
        civilian_harm=float(r.harm.mean()), aid_trucks=float(r.aid_delivered.mean()),
        convoys=convoys)


def point_table(points: Iterable[tuple[int, pd.DataFrame]], parameters: tuple[str, ...],
                values: np.ndarray) -> pd.DataFrame:
    """One row per sweep point: its parameter values, survival with a 95% interval, JIC
    activation, median collapse day and the most common trigger.

    ``points`` yields (point, its replication rows), so a sweep of any size is
    summarised one point at a time.
    """
    out = []
    for point, group in points:
        n = len(group)
        survived = int(group["survived"].sum())
        jic = int(group["jic_activated"].sum())
        collapsed = group["collapse_day"].dropna()
        triggers = group.loc[group["trigger"].fillna("") != "", "trigger"]
        lo, hi = wilson_interval(survived, n)
        record = dict(zip(parameters, values[point], strict=True))
        record.update({
            "point": int(point), "replications": n, "p_survive": survived / n,
            "p_survive_low": lo, "p_survive_high": hi, "p_jic": jic / n,
            "p_collapse_by_horizon": len(collapsed) / n,
            "median_collapse_day": float(collapsed.median()) if len(collapsed) else np.nan,
            "main_trigger": triggers.value_counts().sort_index().idxmax()
            if len(triggers) else "",
        })
        out.append(record)
    return pd.DataFrame(out)
