"""Charts of one scenario's results (matplotlib); scenarios compared are in
``sim.present.charts.comparison``.

Each function takes plain results or summaries, draws into the caller's axes
(``ax``, or ``fig`` for a chart of several panels) or a new figure
(``sim.present.charts.figures``), and returns the figure; none touches a model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.agents.front import STATUSES
from sim.analysis.summary import Summary, kaplan_meier, survival_across_draws
from sim.model.results import Results
from sim.present.charts.figures import (COLOURS, DEFAULT_FORMATS, end_of_truce, new_axes,
                                        new_figure, save_figure)
from sim.present.charts.labels import Labels


def survival_curve(r: Results, ax: Axes | None = None) -> Figure:
    """Kaplan–Meier survival of the truce with its 95% sampling band, under a posterior a
    lighter band across its draws (each draw's chance taken out), and the end of the truce
    phase."""
    km = kaplan_meier(r.collapse_day, r.horizon_days)
    formal = kaplan_meier(np.where(r.formal_day >= 0, r.formal_day, np.nan).astype(float),
                          r.horizon_days)
    across = survival_across_draws(r)
    fig, ax = new_axes(ax, (8, 4.5))
    if across is not None:
        ax.fill_between(across.days, across.lower, across.upper, step="post", alpha=0.15,
                        color=COLOURS[0], lw=0, label="95% across the posterior of the "
                        "constants (each draw's chance taken out)")
    ax.fill_between(km.days, km.lower, km.upper, step="post", alpha=0.4, color=COLOURS[0],
                    lw=0, label="95% sampling band (Greenwood)")
    ax.step(km.days, km.survival, where="post", lw=2, color=COLOURS[0],
            label="truce holding (no formal or de facto collapse)")
    ax.step(formal.days, formal.survival, where="post", lw=1.5, ls="--", color="grey",
            label="not yet declared over")
    end_of_truce(ax, r.duration_days)
    ax.axhline(0.5, color="grey", ls=":", lw=1)
    ax.set(xlim=(0, r.horizon_days), ylim=(0, 1.02), xlabel="days since the truce began",
           ylabel="share of replications still holding",
           title=f"{r.scenario_name}: survival of the truce ({r.replications} replications)")
    ax.legend(loc="lower left", fontsize=8)
    return fig


#: Why the reported (dashed) lines fall while true attacks rise, on the violence chart: a
#: camp books violations against the other only while the truce stands
#: (``sim.agents.monitoring``), and the mean is over every replication, collapsed or not.
REPORTED_FALL = ("Why dashed lines fall as attacks rise:\n"
                 "violations are reported only while\n"
                 "the truce stands, and fewer runs\n"
                 "still have one (mean over all runs).")


def violence_by_day(r: Results, ax: Axes | None = None, labels: Labels | None = None
                    ) -> Figure:
    """Attacks per day by actor: what happened (solid) and what the other side reported
    (dashed); day 0 is the level of fighting before the truce."""
    name = labels or Labels()
    days = np.arange(0, r.acts_day.shape[1] + 1)
    fig, ax = new_axes(ax, (10, 5))
    for i, a in enumerate(r.actors):
        true = r.acts_day[:, :, i].mean(0)
        if not true.any() and not r.war_acts_per_day[i]:
            continue
        colour = COLOURS[i % len(COLOURS)]
        ax.plot(days, np.concatenate([[r.war_acts_per_day[i]], true]), color=colour, lw=2,
                marker="o", ms=3, label=f"{name(a)}: true")
        if a in r.parties:
            ax.plot(days[1:], r.reported_day[:, :, i].mean(0), color=colour, ls="--", lw=1.5,
                    label=f"{name(a)}: as reported by the other side")
    end_of_truce(ax, r.duration_days, binned=True)
    ax.axvspan(-0.5, 0.5, color="grey", alpha=0.15, label="before the truce (war level)")
    ax.set(xlabel="day since the truce began (day 1 = its first 24 hours)",
           ylabel="attacks, or violations reported, per day\n(mean over replications)",
           title=f"{r.scenario_name}: violence by actor, true vs reported")
    ax.set_xlim(-0.5, days[-1] + 0.5)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if any(a in r.parties for a in r.actors):
        ax.text(1.02, 0.0, REPORTED_FALL, transform=ax.transAxes, va="bottom", ha="left",
                fontsize=8, color="0.25", gid="reported-note")
    return fig


#: Most pairs the trust chart draws (a panel each): beyond this it shows the pairs whose
#: trust fell most, and says so (a scenario of 24 parties has 552 pairs).
MAX_TRUST_PANELS = 8


def trust_trajectories(r: Results, fig: Figure | None = None, labels: Labels | None = None
                       ) -> Figure:
    """Beliefs between the key pairs by day (each one's belief that the other is committed),
    as small multiples: one panel per pair, on shared axes, its mean with the 10–90% range
    of replications, the other pairs' means faint behind it (in ``fig`` or a new figure)."""
    name = labels or Labels()
    days = np.arange(0, r.trust_day.shape[1] + 1)
    start = np.asarray(r.initial_trust, dtype=float)[None, :]   # day 0: before the truce
    means = np.concatenate([start, r.trust_day.mean(0)])
    shown = list(range(len(r.key_pairs)))
    if len(shown) > MAX_TRUST_PANELS:     # the pairs whose trust fell most, in their order
        fall = means[0] - means[-1]
        shown = sorted(np.argsort(-fall, kind="stable")[:MAX_TRUST_PANELS].tolist())
    n = len(shown)
    cols = min(n, 2)
    rows = -(-n // cols)
    fig = new_figure(fig, (4.2 * cols + 1, 2.6 * rows + 1.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
                         ).ravel()
    for ax, p in zip(axes, shown, strict=False):
        a, b = r.key_pairs[p]
        series = r.trust_day[:, :, p]
        lo = np.concatenate([start[:, p], np.quantile(series, 0.1, axis=0)])
        hi = np.concatenate([start[:, p], np.quantile(series, 0.9, axis=0)])
        others = [q for q in shown if q != p]
        for q in others:
            ax.plot(days, means[:, q], color="0.8", lw=1,
                    label="the other pairs (mean)" if q == others[0] else None)
        ax.fill_between(days, lo, hi, color=COLOURS[0], alpha=0.25,
                        label="10–90% of replications")
        ax.plot(days, means[:, p], color=COLOURS[0], lw=2, label="mean")
        end_of_truce(ax, r.duration_days)
        ax.set_title(name.pair(a, b), fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes[n:]:
        ax.axis("off")
    axes[0].set(xlim=(0, days[-1]), ylim=(0, 1))
    fig.supxlabel("day since the truce began", fontsize=10)
    fig.supylabel("belief that the other is committed", fontsize=10)
    axes[0].legend(loc="upper right", fontsize=8)
    some = "" if n == len(r.key_pairs) else \
        f" (the {n} of {len(r.key_pairs)} pairs whose trust fell most)"
    fig.suptitle(f"{r.scenario_name}: trust between key pairs{some}", fontsize=11)
    return fig


def collapse_triggers(s: Summary, fig: Figure | None = None, labels: Labels | None = None
                      ) -> Figure:
    """Shares of collapses by trigger and by the party that declared (two panels, in ``fig``
    or a new figure)."""
    name = labels or Labels()
    fig = new_figure(fig, (10, 4))
    axes = fig.subplots(1, 2)
    for ax, (title, shares) in zip(axes, (("What triggered the declaration",
                                           name.shares(s.triggers, trigger=True)),
                                          ("Party that declared it over",
                                           name.shares(s.declared_by))),
                                   strict=True):
        names = list(shares)[::-1]
        ax.barh(names, [100 * shares[n] for n in names], color=COLOURS[0])
        ax.set(xlabel="% of declarations", title=title, xlim=(0, 112))
        for y, n in enumerate(names):
            ax.text(100 * shares[n] + 1, y, f"{100 * shares[n]:.0f}%", va="center")
    fig.suptitle(f"{s.scenario}: why and by whom the truce was declared over\n"
                 f"({100 * s.p_formal:.0f}% of {s.replications} replications "
                 f"within {s.horizon_days:g} days)", fontsize=10)
    return fig


def aid_delivered(r: Results, s: Summary, fig: Figure | None = None) -> Figure:
    """Aid trucks delivered to besieged regions per day, and what happened to the convoys
    (two panels, in ``fig`` or a new figure)."""
    days = np.arange(1, r.aid_day.shape[1] + 1)
    fig = new_figure(fig, (10, 4))
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2, 1]})
    ax.bar(days, r.aid_day.mean(0), color=COLOURS[2])
    end_of_truce(ax, r.duration_days, binned=True)
    ax.legend(fontsize=8, loc="upper right")
    ax.set(xlabel="day since the truce began", ylabel="trucks delivered per day (mean)",
           title="Aid reaching besieged regions")
    outcomes = ["delivered", "blocked", "struck"]
    ax2.bar(outcomes, [100 * np.nan_to_num(s.convoys[o]) for o in outcomes],
            color=[COLOURS[2], COLOURS[1], COLOURS[3]])
    ax2.set(ylabel="% of convoys sent", title="Convoy outcomes", ylim=(0, 100))
    fig.suptitle(r.scenario_name, fontsize=10)
    return fig


def fronts_by_day(r: Results, ax: Axes | None = None) -> Figure:
    """Share of fronts holding, fraying and fighting each day (mean over replications)."""
    days = np.arange(1, r.status_day.shape[1] + 1)
    contested = np.array(r.contested)
    status = r.status_day[:, :, contested]
    shares = [(status == k).mean((0, 2)) for k in range(len(STATUSES))]
    fig, ax = new_axes(ax, (8, 4.5))
    ax.stackplot(days, shares, labels=STATUSES, colors=["tab:green", "tab:orange", "tab:red"],
                 alpha=0.8)
    end_of_truce(ax, r.duration_days)
    ax.set(xlim=(1, days[-1]), ylim=(0, 1), xlabel="day since the truce began",
           ylabel="share of fronts", title=f"{r.scenario_name}: the fronts, day by day")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return fig


def all_charts(r: Results, s: Summary, folder: Path, labels: Labels | None = None,
               formats: tuple[str, ...] = DEFAULT_FORMATS) -> dict[str, Path]:
    """Every chart that has something to show for this run, by title, in ``folder`` in each
    of ``formats`` (the file linked by title), its actors named by ``labels``."""
    drawn = [("Survival of the truce", "survival", lambda: survival_curve(r)),
             ("Violence by actor, true vs reported", "violence",
              lambda: violence_by_day(r, labels=labels))]
    if r.status_day is not None and any(r.contested):
        drawn.append(("Fronts holding, fraying, fighting", "fronts", lambda: fronts_by_day(r)))
    if r.key_pairs:
        drawn.append(("Trust between key pairs", "trust",
                      lambda: trust_trajectories(r, labels=labels)))
    if s.triggers:
        drawn.append(("Collapse triggers and declarers", "triggers",
                      lambda: collapse_triggers(s, labels=labels)))
    if r.convoys.any():
        drawn.append(("Aid delivered", "aid", lambda: aid_delivered(r, s)))
    return {title: save_figure(draw(), folder / f"{stem}.png", formats)
            for title, stem, draw in drawn}
