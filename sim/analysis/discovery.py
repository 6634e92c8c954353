"""Scenario discovery with PRIM: where in a sweep's space the truce survives with high
probability, as a box of readable conditions on its parameters.

A point of the sweep is *of interest* when the truce survives its duration there at
least ``level`` of the time (``p_survive`` of ``sim.analysis.points.point_table``).
PRIM (Friedman & Fisher 1999, as adapted for scenario discovery by Bryant & Lempert
2010) peels thin slices off a box holding every point, each time the slice that raises
the share of points of interest inside most per point removed, and so traces a
*peeling trajectory* from the whole space (coverage 1) to small, pure boxes. Each box
has:

- **coverage**: the share of all points of interest that lie inside it;
- **density**: the share of the points inside it that are of interest;
- **mass**: the share of all points that lie inside it.

No box is best on all three: the trajectory is the trade-off between saying much of
where the truce survives (coverage) and saying it without exceptions (density). The box
reported is chosen by a stated rule: the densest box whose coverage is at least
``min_coverage`` (ties: the larger coverage). Each restriction of a box comes with its
quasi-p value (Bryant & Lempert 2010): a one-sided binomial test of whether the box
without that restriction would be as dense; above ``QUASI_P`` (0.05) the restriction may
be chance. PRIM, peeling greedily, picks up such restrictions (a sliver off a parameter
that does nothing), so the box *reported* is the chosen one without them (when some are
significant), its statistics computed again: fewer conditions, each one that matters.

The peeling and pasting are the EMA Workbench's (``ema_workbench.analysis.prim``), an
optional extra (``pip install 'ceasefire-sim[discovery]'``), imported only here: it
loads scipy, scikit-learn and statsmodels, seconds no other run should pay. This module
returns plain data (tables and numbers) for the report, the charts and notebooks.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

INSTALL = "pip install 'ceasefire-sim[discovery]'"
QUASI_P = 0.05   # a restriction with a larger quasi-p may be chance, and is dropped


def available() -> bool:
    """Whether the EMA Workbench, which does the peeling, is installed."""
    return importlib.util.find_spec("ema_workbench") is not None


@dataclass(frozen=True)
class Discovery:
    """The peeling trajectory of one PRIM box search, and the box chosen on it.

    ``trajectory``: one row per box (``box`` 0 is the whole space), with ``coverage``,
    ``density``, ``mass``, ``points`` (inside), ``of_interest`` (inside), ``restricted``
    (how many parameters it limits) and ``simplified`` (False on the peeling trajectory;
    True for the chosen box without its weak restrictions, one at a time). ``limits``:
    one row per box and parameter, with ``low``, ``high``, ``restricted`` and ``quasi_p``
    (NaN where not restricted). ``ranges``: each parameter's (low, high) over the points.
    ``chosen`` is the box the rule picks on the trajectory, ``reported`` the box the
    methods describe by default (``chosen`` without its weak restrictions, or ``chosen``).
    """

    parameters: tuple[str, ...]
    level: float
    min_coverage: float
    points: int
    of_interest: int
    trajectory: pd.DataFrame
    limits: pd.DataFrame
    ranges: dict[str, tuple[float, float]]
    chosen: int
    reported: int

    def box(self, box: int | None = None) -> pd.DataFrame:
        """The limits of a box (default: the reported one), its restricted parameters
        first, most significant (smallest quasi-p) first."""
        box = self.reported if box is None else box
        rows = self.limits[self.limits["box"] == box]
        return rows.sort_values(["restricted", "quasi_p"], ascending=[False, True],
                                na_position="last", kind="stable").reset_index(drop=True)

    def stats(self, box: int | None = None) -> dict[str, float | int]:
        """Coverage, density, mass and points of a box (default: the reported one)."""
        row = self.trajectory.loc[self.reported if box is None else box]
        return {k: float(row[k]) for k in ("coverage", "density", "mass")} | \
            {k: int(row[k]) for k in ("points", "of_interest", "restricted")}

    def weak(self, box: int | None = None) -> bool:
        """Whether the box restricts something and every restriction may be chance."""
        limits = self.box(box)
        limits = limits[limits["restricted"]]
        return len(limits) > 0 and bool((limits["quasi_p"] > QUASI_P).all())

    def conditions(self, box: int | None = None, markdown: bool = False) -> list[str]:
        """The box's restrictions in words, e.g. ``mechanisms.penalties.strength ≥ 2.75``
        (``markdown``: the name as code), most significant first."""
        return [_condition(f"`{r.parameter}`" if markdown else r.parameter, r.low, r.high,
                           self.ranges[r.parameter])
                for r in self.box(box).itertuples() if r.restricted]


def _condition(name: str, low: float, high: float, span: tuple[float, float]) -> str:
    lower, upper = low > span[0], high < span[1]
    if lower and upper:
        return f"{low:.3g} ≤ {name} ≤ {high:.3g}"
    return f"{name} ≥ {low:.3g}" if lower else f"{name} ≤ {high:.3g}"


def discover(points: pd.DataFrame, parameters: Sequence[str], level: float = 0.5,
             min_coverage: float = 0.5, peel_alpha: float = 0.05,
             mass_min: float = 0.05) -> Discovery:
    """PRIM on a sweep's per-point table: the boxes where survival (``p_survive``) is at
    least ``level``, and the densest one with coverage at least ``min_coverage``.

    ``peel_alpha`` is the share of the points in the box peeled off at each step (the
    EMA Workbench's default, 0.05); ``mass_min`` the smallest box, as a share of all
    points. Deterministic: the same table gives the same boxes.
    """
    with warnings.catch_warnings():   # its optional parallel back-ends, absent: not ours
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", ImportWarning)
        from ema_workbench.analysis import prim
    names = tuple(parameters)
    x = points[list(names)].astype(float).reset_index(drop=True)
    y = (points["p_survive"].to_numpy(float) >= level).astype(int)
    ranges = {p: (float(x[p].min()), float(x[p].max())) for p in names}
    if y.sum() in (0, len(y)):   # no point, or every point, of interest: no box to peel
        return whole_space(names, level, min_coverage, int(y.sum()), len(y), ranges)
    with warnings.catch_warnings():   # the Workbench's own use of pandas, not ours
        warnings.filterwarnings("ignore", message=r"The inplace keyword in DataFrame\.drop")
        box = prim.Prim(x, y, peel_alpha=peel_alpha, mass_min=mass_min).find_box()
        peeled = len(box.peeling_trajectory)
        chosen = choose(box.peeling_trajectory.assign(box=np.arange(peeled)), min_coverage)
        qp = _quasi_p(box.p_values[chosen])
        weak = [p for p in names if qp.get(p, 0) > QUASI_P]
        if weak and len(weak) < len(qp):   # keep the significant ones, unless none is
            for i, p in enumerate(weak):
                box.drop_restriction(p, chosen if i == 0 else None)

    trajectory = pd.DataFrame({
        "box": np.arange(len(box.peeling_trajectory)),
        "coverage": box.peeling_trajectory["coverage"].to_numpy(float),
        "density": box.peeling_trajectory["density"].to_numpy(float),
        "mass": box.peeling_trajectory["mass"].to_numpy(float),
        "points": box.peeling_trajectory["n"].to_numpy(int),
        "of_interest": box.peeling_trajectory["k"].to_numpy(int),
        "restricted": box.peeling_trajectory["res_dim"].to_numpy(int)})
    trajectory["simplified"] = trajectory["box"] >= peeled
    rows = []
    for i, (lims, values) in enumerate(zip(box.box_lims, box.p_values, strict=True)):
        qp = _quasi_p(values)
        for p in names:
            low, high = float(lims.loc[0, p]), float(lims.loc[1, p])
            restricted = (low, high) != ranges[p]
            rows.append({"box": i, "parameter": p, "low": low, "high": high,
                         "restricted": restricted,
                         "quasi_p": qp.get(p, np.nan) if restricted else np.nan})
    limits = pd.DataFrame(rows)
    return Discovery(parameters=names, level=level, min_coverage=min_coverage,
                     points=len(y), of_interest=int(y.sum()), trajectory=trajectory,
                     limits=limits, ranges=ranges, chosen=chosen,
                     reported=len(trajectory) - 1 if len(trajectory) > peeled else chosen)


def whole_space(names: tuple[str, ...], level: float, min_coverage: float, of_interest: int,
                points: int, ranges: dict[str, tuple[float, float]]) -> Discovery:
    """The discovery when no point (or every point) is of interest: a trajectory of one
    box, the whole space, restricting nothing (PRIM has nothing to peel towards)."""
    trajectory = pd.DataFrame({"box": [0], "coverage": [1.0 if of_interest else 0.0],
                               "density": [of_interest / points if points else 0.0],
                               "mass": [1.0], "points": [points], "of_interest": [of_interest],
                               "restricted": [0], "simplified": [False]})
    limits = pd.DataFrame([{"box": 0, "parameter": p, "low": ranges[p][0],
                            "high": ranges[p][1], "restricted": False, "quasi_p": np.nan}
                           for p in names])
    return Discovery(parameters=names, level=level, min_coverage=min_coverage, points=points,
                     of_interest=of_interest, trajectory=trajectory, limits=limits,
                     ranges=ranges, chosen=0, reported=0)


def _quasi_p(values: dict[str, list[float]]) -> dict[str, float]:
    """Each restricted parameter's quasi-p, the larger of its two limits' (the Workbench
    gives -1 for a limit not set)."""
    return {p: max(v for v in sides if v >= 0) for p, sides in values.items()
            if any(v >= 0 for v in sides)}


def choose(trajectory: pd.DataFrame, min_coverage: float) -> int:
    """The densest box with coverage at least ``min_coverage``; among equally dense ones
    the one covering most (the earliest on the trajectory). Box 0, the whole space,
    qualifies whenever some point is of interest; when none is (coverage undefined), it
    is the answer."""
    eligible = trajectory[trajectory["coverage"] >= min_coverage - 1e-12]
    if eligible.empty:
        return int(trajectory["box"].iloc[0])
    best = eligible.sort_values(["density", "coverage", "box"],
                                ascending=[False, False, True], kind="stable")
    return int(best["box"].iloc[0])
