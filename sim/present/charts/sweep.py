"""Charts of a sweep's per-point table: where the truce survives.

1 parameter: survival against it with its 95% band and the 50% line.
2 parameters on a grid: a heat map with the 50% contour and the reference marked.
More on a grid: small multiples of 2-D slices. A Latin hypercube: rank
correlations of each parameter with survival, and the two strongest against each
other. A Sobol' or Morris design: its indices, ranked.

Like ``sim.present.charts.scenario``, each function draws into the caller's ``ax`` (one
panel) or ``fig`` (several), or a new figure, and returns the figure;
``sweep_charts`` saves them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.global_sensitivity import OUTPUTS, noise_share
from sim.analysis.points import rank_correlations
from sim.present.charts.figures import DEFAULT_FORMATS, new_axes, new_figure, save_figure

CMAP = "RdYlGn"


#: What every sweep's chart and summary says of its constants: a sweep runs them at the
#: posterior median, so its intervals are the replications' noise alone (the main job's
#: parameter interval is not in them, and a point's survival differs from the main job's).
AT_MEDIAN = "behaviour at the posterior median: no parameter uncertainty in these intervals"


def axis_label(path: str) -> str:
    return path.split(".", 1)[-1] if path.startswith("mechanisms.") else path


def survival_line(points: pd.DataFrame, param: str, reference: float, title: str,
                  ax: Axes | None = None) -> Figure:
    """A 1-D sweep: survival against the parameter, with its 95% band and the reference."""
    p = points.sort_values(param)
    x = p[param].astype(float)
    fig, ax = new_axes(ax, (8, 4.5))
    ax.fill_between(x, p["p_survive_low"], p["p_survive_high"], alpha=0.3,
                    label="95% interval (Wilson)")
    ax.plot(x, p["p_survive"], marker="o", lw=2, label="truce survives its duration")
    ax.axhline(0.5, color="grey", ls=":", lw=1, label="50%")
    if np.isfinite(reference):
        ax.axvline(reference, color="k", ls="--", lw=1, label=f"reference ({reference:g})")
    ax.set(xlabel=axis_label(param), ylabel="probability the truce survives", ylim=(0, 1.02),
           title=title)
    ax.legend(loc="best", fontsize=8)
    return fig


def _grid(points: pd.DataFrame, xp: str, yp: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    table = points.pivot_table(index=yp, columns=xp, values="p_survive", aggfunc="mean")
    return (table.columns.to_numpy(float), table.index.to_numpy(float), table.to_numpy(float))


def _heat(ax, points: pd.DataFrame, xp: str, yp: str, reference: tuple[float, float]):
    x, y, z = _grid(points, xp, yp)
    mesh = ax.pcolormesh(x, y, z, cmap=CMAP, vmin=0, vmax=1, shading="nearest")
    if z.shape[0] > 1 and z.shape[1] > 1 and np.nanmin(z) < 0.5 < np.nanmax(z):
        contour = ax.contour(x, y, z, levels=[0.5], colors="k", linewidths=1.5)
        ax.clabel(contour, fmt={0.5: "50%"}, fontsize=8)
    rx, ry = reference
    if np.isfinite(rx) and np.isfinite(ry):
        ax.plot(rx, ry, marker="*", ms=14, color="white", mec="k", ls="none",
                label="reference scenario")
        ax.legend(loc="upper left", fontsize=8, framealpha=0.8)
    ax.set(xlabel=axis_label(xp), ylabel=axis_label(yp))
    return mesh


def heat_map(points: pd.DataFrame, params: tuple[str, str], reference: tuple[float, float],
             title: str, ax: Axes | None = None) -> Figure:
    """A 2-D grid: survival as colour, the 50% contour, the reference marked."""
    fig, ax = new_axes(ax, (7.5, 6))
    mesh = _heat(ax, points, params[0], params[1], reference)
    fig.colorbar(mesh, ax=ax, label="probability the truce survives")
    ax.set_title(title)
    return fig


def small_multiples(points: pd.DataFrame, params: tuple[str, ...], reference: tuple[float, ...],
                    title: str, fig: Figure | None = None) -> Figure:
    """2-D slices over the first two parameters, one panel per level of the third; any
    further parameters held at the level nearest the reference (in ``fig`` or a new
    figure, laid out around the shared colour bar)."""
    xp, yp, zp, *rest = params
    held = points
    notes = []
    for name, ref in zip(rest, reference[3:], strict=True):
        levels = np.unique(held[name].astype(float))
        level = levels[np.argmin(np.abs(levels - ref))] if np.isfinite(ref) else levels[0]
        held = held[held[name].astype(float) == level]
        notes.append(f"{axis_label(name)} = {level:g}")
    levels = np.unique(held[zp].astype(float))
    cols = min(4, len(levels))
    rows = -(-len(levels) // cols)
    fig = new_figure(fig, (4 * cols, 3.6 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
    mesh = None
    for ax, level in zip(axes.flat, levels, strict=False):
        mesh = _heat(ax, held[held[zp].astype(float) == level], xp, yp, reference[:2])
        ax.set_title(f"{axis_label(zp)} = {level:g}", fontsize=9)
    for ax in axes.flat[len(levels):]:
        ax.set_visible(False)
    fig.colorbar(mesh, ax=axes, label="probability the truce survives", shrink=0.8)
    fig.suptitle(title + (f" ({', '.join(notes)})" if notes else ""))
    return fig


def sensitivity(points: pd.DataFrame, params: tuple[str, ...], title: str,
                fig: Figure | None = None) -> Figure:
    """Sampled designs: which parameters move survival (rank correlation), and the sampled
    points of the two that move it most, coloured by survival (two panels, in ``fig`` or a
    new figure)."""
    rho = rank_correlations(points, params).fillna(0.0)
    order = rho.abs().sort_values().index
    fig = new_figure(fig, (13, 5))
    ax, ax2 = fig.subplots(1, 2)
    ax.barh([axis_label(p) for p in order], rho[order],
            color=["tab:green" if rho[p] > 0 else "tab:red" for p in order])
    ax.axvline(0, color="k", lw=0.8)
    ax.set(xlim=(-1, 1), xlabel="rank correlation with survival (Spearman)",
           title="Which terms matter")
    if len(params) >= 2:
        a, b = order[-1], order[-2]
        sc = ax2.scatter(points[a].astype(float), points[b].astype(float),
                         c=points["p_survive"], cmap=CMAP, vmin=0, vmax=1, s=22,
                         edgecolors="none")
        ax2.set(xlabel=axis_label(a), ylabel=axis_label(b), title="The two that matter most")
        fig.colorbar(sc, ax=ax2, label="probability the truce survives")
    else:
        ax2.set_visible(False)
    fig.suptitle(title)
    return fig


#: How each index is drawn: its legend, and its colour.
INDEX_BARS = {"S1": ("first order S1 (alone)", "tab:blue"),
              "ST": ("total ST (alone and in interactions)", "tab:orange"),
              "mu_star": ("mu* (mean |elementary effect|, per whole range)", "tab:purple")}


def sensitivity_bars(indices: pd.DataFrame, points: pd.DataFrame, title: str,
                     fig: Figure | None = None) -> Figure:
    """Sobol' S1 and ST, or Morris mu*, as ranked bars with their 95% bootstrap intervals:
    one panel per output, the most influential parameter on top. On the survival panel
    of a Sobol' design, a dotted line marks how much of survival's variance is
    replication noise: total indices up to about there may be noise alone. In ``fig`` or a
    new figure."""
    bars = [i for i in INDEX_BARS if i in set(indices["index"])]
    outputs = [o for o in OUTPUTS if o in set(indices["output"])]
    count = indices["parameter"].nunique()
    fig = new_figure(fig, (6.5 * len(outputs), 1.6 + 0.42 * count))
    axes = fig.subplots(1, len(outputs), squeeze=False)
    height = 0.8 / len(bars)
    foot = 2.3      # empty rows at the foot of each panel, for the legend
    noise = noise_share(points)
    for ax, output in zip(axes[0], outputs, strict=True):
        rows = indices[indices["output"] == output]
        order = list(dict.fromkeys(rows["parameter"]))[::-1]    # ranked: largest on top
        y = np.arange(len(order))
        for k, index in enumerate(bars):
            part = rows[rows["index"] == index].set_index("parameter").loc[order]
            label, colour = INDEX_BARS[index]
            ax.barh(y + (k - (len(bars) - 1) / 2) * height, part["value"], height=height,
                    xerr=part["conf"], capsize=2, color=colour, label=label,
                    error_kw={"lw": 0.8})
        if rows["value"].isna().all():
            ax.text(0.5, 0.5, "the same at every point: no indices", ha="center",
                    transform=ax.transAxes)
        if output == "p_survive" and "ST" in bars and np.isfinite(noise):
            ax.axvline(noise, color="grey", ls=":", lw=1.2,
                       label=f"replication noise ({noise:.2f} of the variance)")
        ax.axvline(0, color="k", lw=0.8)
        ax.set_yticks(y, [axis_label(p) for p in order])
        ax.set(title=OUTPUTS[output], xlabel="share of the output's variance" if "ST" in bars
               else "mu* (in the output's units)", ylim=(-foot, len(order) - 0.5))
    handles, labels = axes[0, 0].get_legend_handles_labels()
    axes[0, 0].legend(handles[::-1], labels[::-1], loc="lower right", fontsize=8)
    fig.suptitle(title)
    return fig


def sweep_figure(points: pd.DataFrame, params: tuple[str, ...], reference: tuple[float, ...],
                 grid: bool, name: str, indices: pd.DataFrame | None = None
                 ) -> tuple[str, str, Figure]:
    """The chart that fits the sweep's shape (and a Sobol' or Morris design's ``indices``):
    its title, its file name in the sweep's folder, and the figure."""
    if indices is not None:
        return ("Global sensitivity", "sensitivity.png",
                sensitivity_bars(indices, points, f"{name}: which parameters matter\n{AT_MEDIAN}"))
    fig_title = f"{name}: where the truce survives\n{AT_MEDIAN}"
    if len(params) == 1:
        return ("Survival against the parameter", "survival.png",
                survival_line(points, params[0], reference[0], fig_title))
    if not grid:
        return "Sensitivity", "sensitivity.png", sensitivity(points, params, fig_title)
    if len(params) == 2:
        return "Heat map", "heatmap.png", heat_map(points, params[:2], reference[:2],
                                                    fig_title)
    return "Slices", "slices.png", small_multiples(points, params, reference, fig_title)


def sweep_charts(points: pd.DataFrame, params: tuple[str, ...], reference: tuple[float, ...],
                 grid: bool, name: str, folder: Path, indices: pd.DataFrame | None = None,
                 formats: tuple[str, ...] = DEFAULT_FORMATS) -> dict[str, Path]:
    """The chart that fits the sweep, saved in ``folder`` in each of ``formats``, by title."""
    title, file, fig = sweep_figure(points, params, reference, grid, name, indices)
    return {title: save_figure(fig, folder / file, formats)}
