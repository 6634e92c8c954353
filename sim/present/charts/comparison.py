"""Charts of scenarios compared (matplotlib): each change to the deal against its base, and
survival side by side; the largest effect on top, so the chart reads in order.

Like ``sim.present.charts.scenario``, each function takes plain comparisons or summaries,
draws into the caller's ``fig`` or a new figure and returns it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.analysis.comparison import ROBUST_SHARE, Comparison, judged
from sim.analysis.summary import Summary
from sim.present.charts.figures import COLOURS, new_figure
from sim.present.charts.labels import scenario_label


def by_effect(comparisons: list[Comparison]) -> list[Comparison]:
    """The comparisons, the largest paired difference in survival (either sign) first; ties
    keep their order."""
    return sorted(comparisons, key=lambda c: -abs(c.survival.difference))


def comparison_forest(comparisons: list[Comparison], s: Summary, fig: Figure | None = None,
                      against: str = "the scenario") -> Figure:
    """Each counterfactual's paired difference from the scenario (``against`` names it in
    the title), in survival at the truce's duration and in the median collapse day: the
    estimate, its sampling interval (dark) and its interval across the posterior (light);
    robust conclusions filled (two panels and a key, in ``fig`` or a new figure); the largest
    effect on survival on top (``by_effect``)."""
    comparisons = by_effect(comparisons)
    posterior = judged(comparisons)
    ys = np.arange(len(comparisons))[::-1]
    fig = new_figure(fig, (11, 2.2 + 0.55 * len(comparisons)))
    grid = fig.add_gridspec(2, 2, width_ratios=[3, 2],
                            height_ratios=[0.6 + 0.55 * len(comparisons), 0.8])
    axes = [fig.add_subplot(grid[0, 0])]
    axes.append(fig.add_subplot(grid[0, 1], sharey=axes[0]))
    axes[1].tick_params(labelleft=False)
    outcomes = ((f"survival at day {s.duration_days:g}\ndifference, percentage points", 100,
                 "survival"),
                ("median collapse day of the truces that collapse\ndifference, days", 1,
                 "median_collapse_day"))
    for ax, (label, scale, outcome) in zip(axes, outcomes, strict=True):
        for y, c in zip(ys, comparisons, strict=True):
            e = getattr(c, outcome)
            if e is None:
                continue
            if e.parameters is not None:
                ax.hlines(y, *(scale * np.array(e.parameters)), lw=9, color=COLOURS[0],
                          alpha=0.25)
            ax.hlines(y, *(scale * np.array(e.sampling)), lw=2.5, color=COLOURS[0])
            marked = e.robust if posterior else e.clear
            ax.plot(scale * e.difference, y, "o", ms=8, color=COLOURS[0],
                    mfc=COLOURS[0] if marked else "white")
        ax.axvline(0, color="k", lw=1)
        ax.set_xlabel(label, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(ys, [scenario_label(c.name, c.file) for c in comparisons], fontsize=8)
    axes[0].set_ylim(-0.7, len(comparisons) - 0.3)
    handles = [Line2D([], [], color=COLOURS[0], lw=2.5, label="95% sampling interval (paired)")]
    if posterior:
        handles.append(Line2D([], [], color=COLOURS[0], lw=9, alpha=0.25,
                              label="95% across the posterior (each draw's chance taken out)"))
    filled = (f"robust: beyond chance, same direction in at least {ROBUST_SHARE:.0%} of draws"
              if posterior
              else "beyond chance (parameter uncertainty not included)")
    handles += [Line2D([], [], marker="o", ls="", color=COLOURS[0], label=filled),
                Line2D([], [], marker="o", ls="", color=COLOURS[0], mfc="white",
                       label="not robust" if posterior else "within chance")]
    key = fig.add_subplot(grid[1, :])
    key.axis("off")
    key.legend(handles=handles, loc="center", ncol=2, fontsize=8, frameon=False)
    fig.suptitle(f"{s.scenario}: which changes to the deal would have helped\n(each against "
                 f"{against}, {s.replications} replications each, paired)", fontsize=10)
    return fig


def survival_by_scenario(summaries: list[Summary], files: list[Path],
                         fig: Figure | None = None) -> Figure:
    """Each scenario's chance of surviving the truce's duration, side by side: the estimate,
    its sampling interval (dark) and its interval across the posterior (light), the first
    (the reference) on top with a dotted line through it, so each bar reads against it, then
    the others, the furthest from it first."""
    first = summaries[0].p_survive
    order = [0, *sorted(range(1, len(summaries)),
                        key=lambda i: -abs(summaries[i].p_survive - first))]
    summaries, files = [summaries[i] for i in order], [files[i] for i in order]
    ys = np.arange(len(summaries))[::-1]
    fig = new_figure(fig, (10, 1.6 + 0.5 * len(summaries)))
    grid = fig.add_gridspec(2, 1, height_ratios=[0.2 + 0.5 * len(summaries), 0.3])
    ax = fig.add_subplot(grid[0])
    posterior = any(s.p_survive_params is not None for s in summaries)
    for y, s in zip(ys, summaries, strict=True):
        colour = COLOURS[1] if y == ys[0] else COLOURS[0]
        if s.p_survive_params is not None:
            ax.hlines(y, *(100 * np.array(s.p_survive_params)), lw=9, color=colour, alpha=0.25)
        ax.hlines(y, *(100 * np.array(s.p_survive_ci)), lw=2.5, color=colour)
        ax.plot(100 * s.p_survive, y, "o", ms=7, color=colour)
        ax.annotate(f"{100 * s.p_survive:.1f}%", (100 * s.p_survive, y), xytext=(0, 7),
                    textcoords="offset points", ha="center", fontsize=7, color=colour,
                    bbox={"fc": "white", "ec": "none", "pad": 0.3, "alpha": 0.8})
    ax.axvline(100 * summaries[0].p_survive, color=COLOURS[1], lw=1, ls=":", zorder=0)
    names = [scenario_label(s.scenario, f"{Path(f).name}{', reference' if i == 0 else ''}")
             for i, (s, f) in enumerate(zip(summaries, files, strict=True))]
    ax.set_yticks(ys, names, fontsize=8)
    ax.set_ylim(-0.7, len(summaries) - 0.3)
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"survives its {summaries[0].duration_days:g} days, % of replications "
                  "(neither declared over nor back to war on the ground)", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    handles = [Line2D([], [], color=COLOURS[0], lw=2.5, label="95% sampling interval")]
    if posterior:
        handles.append(Line2D([], [], color=COLOURS[0], lw=9, alpha=0.25,
                              label="95% across the posterior (each draw's chance taken out)"))
    key = fig.add_subplot(grid[1])
    key.axis("off")
    key.legend(handles=handles, loc="center", ncol=2, fontsize=8, frameon=False)
    fig.suptitle(f"Survival of the truce, {len(summaries)} scenarios side by side "
                 f"({summaries[0].replications} replications each, the same random numbers"
                 f"{' and posterior draws' if posterior else ''})", fontsize=10)
    return fig
