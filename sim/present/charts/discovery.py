"""Charts of a PRIM scenario discovery (``sim.analysis.discovery``): the peeling trajectory
(what each box trades between coverage and density) and the chosen box's limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from sim.analysis.discovery import Discovery
from sim.present.charts.figures import new_axes, new_figure
from sim.present.charts.sweep import CMAP, axis_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def peeling_chart(found: Discovery, title: str, ax: Axes | None = None) -> Figure:
    """Coverage against density for every box on the trajectory, coloured by how many
    parameters it restricts; the chosen box ringed, the coverage floor of the rule
    dotted, the reported box (the chosen one without its weak restrictions) starred, and
    the share of points of interest overall (density of the whole space). On ``ax`` or a
    new figure, returned."""
    t = found.trajectory[~found.trajectory["simplified"]]
    fig, ax = new_axes(ax, (7.5, 5.5))
    ax.plot(t["coverage"], t["density"], color="grey", lw=0.8, zorder=1)
    most = max(int(t["restricted"].max()), 1)
    sc = ax.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="viridis",
                    vmin=0, vmax=most, s=28, zorder=2)
    bar = fig.colorbar(sc, ax=ax, label="parameters restricted")
    bar.set_ticks(range(most + 1))
    chosen = t.loc[found.chosen]
    ax.scatter([chosen["coverage"]], [chosen["density"]], s=220, facecolors="none",
               edgecolors="red", lw=2, zorder=3,
               label=f"chosen: box {found.chosen} (coverage {chosen['coverage']:.0%}, "
                     f"density {chosen['density']:.0%}, mass {chosen['mass']:.0%})")
    if found.reported != found.chosen:
        r = found.stats()
        ax.scatter([r["coverage"]], [r["density"]], marker="*", s=260, color="red",
                   edgecolors="k", zorder=4,
                   label=f"reported: box {found.reported}, its {r['restricted']} significant "
                         f"restrictions only (coverage {r['coverage']:.0%}, density "
                         f"{r['density']:.0%}, mass {r['mass']:.0%})")
    ax.axvline(found.min_coverage, color="red", ls=":", lw=1,
               label=f"rule: densest box with coverage ≥ {found.min_coverage:.0%}")
    ax.axhline(t.loc[0, "density"], color="k", ls="--", lw=0.8,
               label=f"whole space: {t.loc[0, 'density']:.0%} of points survive "
                     f"≥ {found.level:.0%}")
    ax.set(xlabel="coverage (share of the surviving points inside the box)",
           ylabel="density (share of the box's points that survive)",
           xlim=(-0.02, 1.05), ylim=(np.floor(10 * t["density"].min() - 1) / 10, 1.03),
           title=title)
    ax.legend(loc="lower left", fontsize=8)
    return fig


def box_chart(found: Discovery, points: pd.DataFrame, title: str, fig: Figure | None = None
              ) -> Figure:
    """Left: each restricted parameter's limits within its sampled range (normalised),
    with the limits' values and quasi-p. Right: the points over the two most significant
    restricted parameters, coloured by survival, with the box drawn on them. In ``fig`` or
    a new figure, returned."""
    limits = found.box()
    limits = limits[limits["restricted"]]
    pair = list(limits["parameter"][:2])
    fig = new_figure(fig, (13 if len(pair) == 2 else 7, max(3.5, 1.6 + 0.6 * len(limits))))
    axes = fig.subplots(1, 2 if len(pair) == 2 else 1, squeeze=False)
    ax = axes[0, 0]
    rows = limits.iloc[::-1]   # most significant on top
    y = np.arange(len(rows))
    for k, r in enumerate(rows.itertuples()):
        lo, hi = found.ranges[r.parameter]
        span = (hi - lo) or 1.0
        a, b = (r.low - lo) / span, (r.high - lo) / span
        ax.barh(k, 1, color="lightgrey", height=0.5)
        ax.barh(k, b - a, left=a, color="tab:green", height=0.5)
        for side, value, at in ((r.low > lo, r.low, a), (r.high < hi, r.high, b)):
            if side:   # only the limits the box sets
                ax.text(at, k + 0.33, f"{value:.3g}", ha="center", fontsize=8)
    ax.set_yticks(y, [f"{axis_label(r.parameter)}\n(quasi-p {r.quasi_p:.1g})"
                      for r in rows.itertuples()], fontsize=8)
    ax.set(xlim=(-0.05, 1.05), ylim=(-0.6, len(rows) - 0.2),
           xlabel="share of the sampled range (grey: the range; green: the box)",
           title=f"Box {found.reported}: the limits")
    if not len(rows):
        ax.text(0.5, 0.5, "no restriction: the whole space", ha="center",
                transform=ax.transAxes)
    if len(pair) == 2:
        ax2 = axes[0, 1]
        a, b = pair
        sc = ax2.scatter(points[a].astype(float), points[b].astype(float),
                         c=points["p_survive"], cmap=CMAP, vmin=0, vmax=1, s=18,
                         edgecolors="none")
        box = limits.set_index("parameter")
        ax2.add_patch(Rectangle((box.at[a, "low"], box.at[b, "low"]),
                                    box.at[a, "high"] - box.at[a, "low"],
                                    box.at[b, "high"] - box.at[b, "low"], fill=False,
                                    lw=2, ec="k", label=f"box {found.reported}"))
        others = len(limits) - 2
        ax2.set(xlabel=axis_label(a), ylabel=axis_label(b),
                title="The points, and the box" + (f" (and {others} more limits)"
                                                     if others else ""))
        ax2.legend(loc="upper left", fontsize=8, framealpha=0.8)
        fig.colorbar(sc, ax=ax2, label="probability the truce survives")
    fig.suptitle(title)
    return fig
