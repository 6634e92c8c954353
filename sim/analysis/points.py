"""A sweep's per-point table and what moves survival across its points."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from sim.analysis.summary import kaplan_meier, wilson_interval


def point_table(points: Iterable[tuple[int, pd.DataFrame]], parameters: tuple[str, ...],
                values: np.ndarray, horizons: Sequence[float]) -> pd.DataFrame:
    """One row per sweep point: its parameter values, survival with a 95% interval, JIC
    activation, collapse timing and the most common trigger.

    ``points`` yields (point, its replication rows), so a sweep of any size is
    summarised one point at a time; ``horizons`` is each point's horizon in days.
    Two medians of the collapse day: ``median_collapse_day`` among the truces that
    collapsed, and ``median_collapse_day_km``, the Kaplan–Meier median of all of them
    (those that hold censored at the horizon), NaN where more than half hold to it.
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
            "median_collapse_day_km": kaplan_meier(group["collapse_day"].to_numpy(float),
                                                   horizons[point]).median(),
            "horizon_days": float(horizons[point]),
            "main_trigger": triggers.value_counts().sort_index().idxmax()
            if len(triggers) else "",
        })
        out.append(record)
    return pd.DataFrame(out)


def rank_correlations(points: pd.DataFrame, params: tuple[str, ...],
                      output: str = "p_survive") -> pd.Series:
    """Spearman rank correlation of each parameter with an output (survival) across the
    points."""
    ranks = points[list(params) + [output]].astype(float).rank()
    return pd.Series({p: ranks[p].corr(ranks[output]) for p in params})
