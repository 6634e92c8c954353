"""The app's ensembles kept for before/after: each run of the ensemble button is kept with a
label naming what its settings change from the scenario file, and the last few are drawn
on one survival chart, so moving a term and running again shows its effect beside the
earlier curve. Plain data and a matplotlib figure: no Solara here (``page`` lays it out).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from sim.analysis.summary import kaplan_meier
from sim.present.app.model import FIRST_SEED, TruceModel, ensemble, terms
from sim.present.charts.figures import COLOURS, end_of_truce, new_figure
from sim.scenario.schema import Scenario

#: How many ensembles the chart keeps: enough for a before, an after and two more steps,
#: few enough for each curve and its band to stay readable.
KEPT = 4


@dataclass(frozen=True)
class Kept:
    """One ensemble as the chart draws it: its label, its settings (to recognise a rerun
    of the same settings) and its Kaplan–Meier curve with the 95% band."""

    label: str
    settings: tuple
    days: np.ndarray
    survival: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    survived: float
    replications: int
    duration_days: float
    horizon_days: float


def changes(scenario: Scenario, original: Scenario, seed: int) -> str:
    """What a truce's settings change from the scenario file, in the sliders' words
    (``penalties: strength 3, seed 2``); none: "the file's terms"."""
    was = {t.path: t.value for t in terms(original)}
    moved = [f"{t.label.split(' (')[0]} {t.value:g}" for t in terms(scenario)
             if t.value != was.get(t.path)]
    if seed != FIRST_SEED:
        moved.append(f"seed {seed}")
    return ", ".join(moved) or "the file's terms"


def kept(model: TruceModel, original: Scenario) -> Kept:
    """Run the ensemble of the truce's terms and keep what the chart draws of it."""
    r = ensemble(model)
    km = kaplan_meier(r.collapse_day, r.horizon_days)
    settings = (tuple((t.path, t.value) for t in terms(model.terms_scenario)), model.seed)
    return Kept(changes(model.terms_scenario, original, model.seed), settings, km.days,
                km.survival, km.lower, km.upper, float(r.survived.mean()), r.replications,
                r.duration_days, r.horizon_days)


def keep(history: tuple[Kept, ...], new: Kept, limit: int = KEPT) -> tuple[Kept, ...]:
    """The history with ``new`` last: a rerun of the same settings replaces its earlier
    copy (the same seed gives the same curve), and only the last ``limit`` stay."""
    return (*(k for k in history if k.settings != new.settings), new)[-limit:]


def ensembles_chart(history: tuple[Kept, ...]) -> Figure:
    """The kept ensembles' survival curves on one chart, the newest drawn last and
    thickest, each with its 95% sampling band (Greenwood), its label and its survival to
    the end of the truce phase in the legend, below the axes in a readable size."""
    fig = new_figure(None, (8, 5.5))
    ax = fig.subplots()
    for i, k in enumerate(history):
        colour, newest = COLOURS[i % len(COLOURS)], i == len(history) - 1
        ax.fill_between(k.days, k.lower, k.upper, step="post", alpha=0.12, color=colour, lw=0)
        ax.step(k.days, k.survival, where="post", color=colour, lw=3 if newest else 1.8,
                label=f"{k.label}: {k.survived:.0%} survive the {k.duration_days:g} days"
                      + (" (latest)" if newest else ""))
    last = history[-1]
    end_of_truce(ax, last.duration_days)
    ax.set(xlim=(0, last.horizon_days), ylim=(0, 1.02), xlabel="days since the truce began",
           ylabel="share of replications still holding",
           title=f"Survival of the truce, {last.replications} replications each "
                 "(bands: 95% sampling)")
    ax.title.set_fontsize(13)
    ax.xaxis.label.set_fontsize(12)
    ax.yaxis.label.set_fontsize(12)
    ax.tick_params(labelsize=11)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1, fontsize=11,
              frameon=False)
    return fig
