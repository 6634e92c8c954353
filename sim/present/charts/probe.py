"""The tornado chart of one-at-a-time probes (``run.py explain``): for the values an
answer hangs on most, the paired change of survival at x0.5, x0.9, x1.1 and x1.5."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.analysis.probe import FACTORS, Probed
from sim.present.charts.figures import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: How many values the chart shows (the table has them all).
SHOWN = 15
#: Colour of each factor: lowering values blue, raising them red; ±50% darker.
SHADES = {0.5: "#1f4e9c", 0.9: "#8fb3e8", 1.1: "#f0a08c", 1.5: "#b2282e"}


def tornado(probes: list[Probed], duration_days: float, base_survival: float,
            ax: Axes | None = None) -> Figure:
    """A bar per factor and value, the largest movers at the top, with each bar's 95%
    sampling interval of the paired difference."""
    shown = probes[:SHOWN]
    fig, ax = new_axes(ax, (9.0, 1.2 + 0.45 * max(len(shown), 1)))
    y = np.arange(len(shown))[::-1]
    height = 0.8 / len(FACTORS)
    for k, factor in enumerate(FACTORS):
        offset = (k - (len(FACTORS) - 1) / 2) * height
        for yi, p in zip(y, shown, strict=True):
            e = p.effects[k]
            if e is None:
                continue
            d, (lo, hi) = 100 * e.survival.difference, e.survival.sampling
            ax.barh(yi - offset, d, height=height, color=SHADES[factor],
                    label=f"x{factor:g}" if yi == y[0] else None)
            ax.errorbar(d, yi - offset, xerr=[[d - 100 * lo], [100 * hi - d]], fmt="none",
                        ecolor="0.25", elinewidth=0.8, capsize=1.5)
    ax.axvline(0, color="0.2", lw=0.8)
    ax.set_yticks(y, [p.path + (" (alone)" if p.alone else "") for p in shown])
    ax.set_xlabel(f"change of survival to day {duration_days:g}, points "
                  f"(paired; unchanged: {100 * base_survival:.1f}%)")
    ax.set_title("What survival hangs on, one value at a time")
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="lower right", fontsize="small", title="value x")
    ax.grid(axis="x", alpha=0.3)
    return fig
