"""Summaries of results with their uncertainty: intervals, survival curves, shares.

Reads plain ``Results`` arrays; knows nothing of models or charts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.results import TRIGGERS, Results

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
    return (max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


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


@dataclass(frozen=True)
class Summary:
    """What a scenario's replications say, with intervals (plain numbers)."""

    scenario: str
    replications: int
    duration_days: float
    horizon_days: float
    p_survive: float                           # neither collapse within duration_days
    p_survive_ci: tuple[float, float]
    p_survive_14: float
    p_survive_14_ci: tuple[float, float]
    p_survive_horizon: float
    p_survive_horizon_ci: tuple[float, float]
    p_formal: float                            # declared over within the horizon
    p_de_facto_first: float                    # violence back before (or without) a declaration
    p_jic: float
    p_jic_ci: tuple[float, float]
    collapse_day_quartiles: tuple[float, float, float] | None
    declared_by: dict[str, float]
    triggers: dict[str, float]
    violations: dict[str, dict[str, float]]    # party -> true, reported_by_other_side, admitted
    civilian_harm: float
    aid_trucks: float
    convoys: dict[str, float]                  # delivered, blocked, struck: shares of sent
    fronts_holding: tuple[float, ...]          # mean share of fronts holding, by day


def summarize(r: Results) -> Summary:
    """Survival with its intervals, collapse timing and kind, who and why, blame, harm, aid."""
    n = r.replications

    def share(mask: np.ndarray) -> tuple[float, tuple[float, float]]:
        k = int(mask.sum())
        return k / n, wilson_interval(k, n)

    day = r.collapse_day
    collapsed = day[~np.isnan(day)]
    quartiles = tuple(float(q) for q in np.quantile(collapsed, [0.25, 0.5, 0.75])) \
        if len(collapsed) else None

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
    p7, ci7 = share(r.survived)
    p14, ci14 = share(r.survived_to(min(14.0, r.horizon_days)))
    ph, cih = share(r.survived_to(r.horizon_days))
    pj, cij = share(r.jic_activated)
    return Summary(
        scenario=r.scenario_name, replications=n, duration_days=r.duration_days,
        horizon_days=r.horizon_days, p_survive=p7, p_survive_ci=ci7, p_survive_14=p14,
        p_survive_14_ci=ci14, p_survive_horizon=ph, p_survive_horizon_ci=cih,
        p_formal=float(np.mean(r.formal_day >= 0)),
        p_de_facto_first=float(np.mean(r.kind_of_collapse == "de facto")),
        p_jic=pj, p_jic_ci=cij, collapse_day_quartiles=quartiles,
        declared_by=shares(r.declarer, r.actors), triggers=shares(r.trigger, TRIGGERS),
        violations=violations, civilian_harm=float(r.harm.mean()),
        aid_trucks=float(r.aid_delivered.mean()), convoys=convoys,
        fronts_holding=tuple(float(x) for x in r.holding_day.mean(0)))
