"""Global sensitivity of a Sobol' or Morris sweep: which parameters move the truce's fate,
alone and through their interactions, over the whole of their ranges (SALib's estimators).

Two outputs of each point (``sim.analysis.points.point_table``):

- ``p_survive``: the share of replications in which the truce survives its duration
  (seven days in the reference);
- ``median_collapse_day_km``: the Kaplan–Meier median collapse day, the truces that hold
  censored at the horizon. Where more than half hold to the horizon there is no median,
  and the point counts as the horizon (a floor: its median is later). SALib's estimators
  need an output at every point, and dropping the strongest truces would bias them.

Sobol' gives first-order S1 (the share of the output's variance across the design a
parameter explains alone) and total ST (alone and with every interaction); Morris gives
mu* (the mean absolute elementary effect, in the output's units) and sigma (the spread of
the effects: nonlinearity or interactions). Intervals are SALib's bootstrap over the
design's points (95%: value ± conf).

Each point's output is itself an estimate from R replications. Its sampling noise is
variance that no parameter explains, and it raises every total index by up to its share
of the output's variance (``noise_share``; less under common random numbers, which the
points share): small indices can be noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.scenario.global_designs import GlobalDesign

#: The outputs analysed: column of the per-point table -> what it is, in words.
OUTPUTS = {"p_survive": "survival to the end of the truce",
           "median_collapse_day_km": "median collapse day (Kaplan–Meier)"}

#: The index that ranks parameters, by design: total effect (Sobol') or mu* (Morris).
RANKED_BY = {"sobol": "ST", "morris": "mu_star"}


def outputs(points: pd.DataFrame) -> pd.DataFrame:
    """The analysed outputs of each point, in the design's (SALib's) order; a median beyond
    the horizon counted as the horizon."""
    points = points.sort_values("point")
    median = points["median_collapse_day_km"].fillna(points["horizon_days"])
    return pd.DataFrame({"p_survive": points["p_survive"].to_numpy(float),
                         "median_collapse_day_km": median.to_numpy(float)})


def noise_share(points: pd.DataFrame) -> float:
    """Binomial sampling variance of survival at a point, p(1 - p)/R averaged over the
    points, as a share of survival's variance across them (NaN if survival does not
    vary)."""
    p, n = points["p_survive"], points["replications"]
    spread = p.var(ddof=0)
    return float((p * (1 - p) / n).mean() / spread) if spread > 0 else float("nan")


def indices(points: pd.DataFrame, design: GlobalDesign) -> pd.DataFrame:
    """A tidy table (parameter, output, index, value, conf): for each output, the
    parameters ranked by total effect (ST, or mu* for Morris), largest first.

    An output that does not vary across the points has no Sobol' indices (NaN).
    """
    x = points.sort_values("point")[list(design.names)].to_numpy(float)
    rows = []
    for output, y in outputs(points).items():
        estimates = _estimates(design, x, y.to_numpy())
        for index, (value, conf) in estimates.items():
            rows += [{"parameter": name, "output": output, "index": index,
                      "value": float(value[i]), "conf": float(conf[i])}
                     for i, name in enumerate(design.names)]
    table = pd.DataFrame(rows)
    key = table.loc[table["index"] == RANKED_BY[design.method], ["output", "parameter", "value"]]
    table = table.merge(key.rename(columns={"value": "rank"}), on=["output", "parameter"])
    table["order"] = table["output"].map(list(OUTPUTS).index)
    return (table.sort_values(["order", "rank", "parameter", "index"],
                              ascending=[True, False, True, True], na_position="last")
            .drop(columns=["rank", "order"]).reset_index(drop=True))


def _estimates(design: GlobalDesign, x: np.ndarray, y: np.ndarray
               ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Index name -> (values, half-widths of their 95% intervals), one per parameter."""
    d = len(design.names)
    none = np.full(d, np.nan)
    if design.method == "sobol":
        if np.ptp(y) == 0:      # no variance to share out
            return {"S1": (none, none), "ST": (none, none)}
        from SALib.analyze import sobol
        si = sobol.analyze(design.problem(), y, calc_second_order=False, seed=design.seed)
        return {"S1": (si["S1"], si["S1_conf"]), "ST": (si["ST"], si["ST_conf"])}
    from SALib.analyze import morris
    si = morris.analyze(design.problem(), x, y, num_levels=design.levels, seed=design.seed)
    return {"mu_star": (np.asarray(si["mu_star"]), np.asarray(si["mu_star_conf"])),
            "sigma": (np.asarray(si["sigma"]), none)}
