"""The validation's chart: each truce's predicted survival curves (the model, the base
rate, the regression, as scored: smoothed), on a log-day axis, with what happened
marked: the collapse's day range shaded, or an arrow from the day a truce was last known
to stand."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import NullLocator

from sim.analysis.predictive import CENTURY
from sim.present.charts.figures import COLOURS, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.present.validation import Validation

COLUMNS = 5
STYLE = {"model": {"color": COLOURS[0], "lw": 2.0, "label": "model"},
         "base_rate": {"color": "grey", "lw": 1.5, "ls": "--", "label": "base rate (Kaplan–Meier)"},
         "regression": {"color": COLOURS[2], "lw": 1.2, "ls": "-.",
                        "label": "regression (Weibull AFT)"}}
OBSERVED = "#c0392b"
#: Ticks of the log-day axis, in words (a tick's label is plain text, not TeX).
TICKS = ((1, "1"), (7, "7"), (30, "30"), (365, "1 yr"), (3652, "10 yr"), (36525, "100 yr"))


def survival_panels(v: Validation, fig: Figure | None = None) -> Figure:
    """Small multiples: one panel per truce, P(no collapse by day t) against t."""
    rows = v.table
    n = len(rows)
    cols = min(COLUMNS, n)
    nrows = math.ceil(n / cols)
    fig = new_figure(fig, (2.9 * cols + 0.4, 2.3 * nrows + 0.9), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, cols, sharey=True, squeeze=False)).ravel()
    longest = float(np.nanmax(np.r_[rows["observed_duration"], rows["horizon_days"]]))
    right = min(CENTURY, max(3650.0, 3 * longest))
    days = np.unique(np.geomspace(0.5, right, 400).astype(int))
    for ax, (_, r) in zip(axes, rows.iterrows()):
        predictive = v.predictives[r["truce"]]
        for name, style in STYLE.items():
            curve = predictive[name].smoothed().survival_curve(days)
            ax.step(np.maximum(days, 0.5), curve, where="post", **style)
        ax.axvline(r["horizon_days"], color="k", ls=":", lw=0.8)
        if r["observed"] in ("declared", "eroded"):
            ax.axvspan(max(r["day_lo"] - 0.5, 0.5), r["day_hi"] + 0.5, color=OBSERVED,
                       alpha=0.35, lw=0)
            ax.axvline(r["observed_duration"], color=OBSERVED, lw=1)
        else:
            c = max(float(r["censored_day"]), 0.5)
            ax.annotate("", xy=(min(c * 4, right), 0.08), xytext=(c, 0.08),
                        arrowprops={"arrowstyle": "->", "color": OBSERVED, "lw": 1.5})
            ax.plot([c], [0.08], "|", color=OBSERVED, ms=10, mew=2)
        ax.set_xscale("log")
        ax.set_xticks([t for t, _ in TICKS if t <= right], [x for t, x in TICKS if t <= right])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlim(0.5, right)
        ax.set_ylim(0, 1.03)
        ax.set_title(f"{r['truce']} ({r['observed']})", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.25)
    for ax in axes[n:]:
        ax.axis("off")
    for ax in axes[::cols]:
        ax.set_ylabel("P(no collapse yet)", fontsize=8)
    for ax in axes[max(0, n - cols):n]:
        ax.set_xlabel("days since the truce began (log)", fontsize=8)
    handles = [Line2D([], [], **{k: s[k] for k in s}) for s in STYLE.values()] + [
        Patch(color=OBSERVED, alpha=0.35, label="observed collapse (day range)"),
        Line2D([], [], color=OBSERVED, marker="|", lw=1.5, label="still standing from this "
               "day (right-censored)"),
        Line2D([], [], color="k", ls=":", lw=0.8, label="model's horizon")]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle(f"Predicted survival of each truce (as scored: 0.9 × predictor + 0.1 × "
                 f"log-uniform), {v.replications} replications of the model each", fontsize=10)
    return fig
