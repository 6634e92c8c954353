"""Words for a sweep: where the truce survives, which parameters matter (a Sobol' or Morris
design), and the sweep's ``summary.md``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.analysis.global_sensitivity import OUTPUTS, noise_share, outputs
from sim.analysis.points import rank_correlations
from sim.present.charts.sweep import AT_MEDIAN
from sim.present.wording.summary import write_summary

if TYPE_CHECKING:
    from sim.scenario.global_designs import GlobalDesign


def sweep_findings(points, params: tuple[str, ...], grid: bool) -> list[str]:
    """Where the truce survives, in words (Markdown lines)."""
    above = points["p_survive"] >= 0.5
    lines = [f"- {len(points)} points; the truce survives in at least half the replications "
             f"at {int(above.sum())} of them ({100 * above.mean():.0f}%).",
             f"- Survival ranges from {100 * points['p_survive'].min():.1f}% to "
             f"{100 * points['p_survive'].max():.1f}%."]
    x = params[0]
    if grid and len(params) <= 2:
        if len(params) == 2:
            lines += ["", f"Where survival reaches 50% along `{x}`, for each `{params[1]}`:",
                      "", f"| {params[1]} | {x} where survival >= 50% |", "|---|---|"]
        groups = [(None, points)] if len(params) == 1 else points.groupby(params[1], sort=True)
        for level, group in groups:
            where = _where_survives(group.sort_values(x), x)
            lines.append(f"- Survival reaches 50% {where}." if level is None
                         else f"| {level:g} | {where} |")
    if len(params) > 1:
        rho = rank_correlations(points, params)
        lines += ["", "Rank correlation (Spearman) of each parameter with survival "
                      "(sign: direction; size: strength over the swept ranges):", ""]
        for p in rho.abs().sort_values(ascending=False).index:
            lines.append(f"- `{p}`: {rho[p]:+.2f}")
    return lines


def sensitivity_findings(indices, points, design: GlobalDesign) -> list[str]:
    """Which parameters move each output most over their whole ranges, in words (Markdown
    lines), with what a reader needs in order not to over-read small indices."""
    sobol = design.method == "sobol"
    ordered = points.sort_values("point", ignore_index=True)
    values = ordered[list(design.names)].assign(
        **{k: v.to_numpy() for k, v in outputs(points).items()})
    lines = []
    for output, label in OUTPUTS.items():
        rows = indices[indices["output"] == output]
        if rows["value"].isna().all():
            lines.append(f"- {label[0].upper()}{label[1:]}: the same at every point; no indices.")
            continue
        rho = rank_correlations(values, design.names, output)
        top = list(dict.fromkeys(rows["parameter"]))[:3]
        lines.append(f"- {label[0].upper()}{label[1:]} depends most on "
                     + "; then ".join(_effect(rows, p, sobol, rho[p]) for p in top) + ".")
        if sobol:
            first = rows.loc[rows["index"] == "S1", "value"].clip(lower=0).sum()
            lines.append(f"  The first-order indices add up to {first:.2f}: the rest of the "
                         "variance comes from interactions (and replication noise).")
    replications = int(points["replications"].min())
    if sobol:
        noise = noise_share(points)
        lines += ["", f"Intervals are SALib's bootstrap 95% intervals (value ± half-width) over "
                  f"the design's {design.size} base samples. Each point's outputs come from "
                  f"{replications} replications, and their sampling noise is variance that no "
                  "parameter explains: it raises the indices of weak parameters. For survival "
                  f"it is {noise:.0%} of the variance across the points, so total indices "
                  f"below about {noise:.2f} may be noise alone (somewhat less, since the points "
                  "share their random numbers). Do not read small indices as effects."]
    else:
        lines += ["", "mu* is the mean absolute elementary effect: the change in the output "
                  "per whole range of a parameter, measured over single steps of its grid of "
                  f"{design.levels} levels; a sigma large beside mu* means a non-linear effect "
                  "or interactions. Intervals are SALib's bootstrap 95% intervals over the "
                  f"{design.size} trajectories. Each point's outputs come from {replications} "
                  "replications, so a parameter with no effect still shows a mu* about the "
                  "size of the replication noise between neighbouring points: do not read "
                  "small values as effects."]
    return lines


def _effect(rows, name: str, sobol: bool, rho: float) -> str:
    """One parameter's indices with their intervals, and its direction (rank correlation)."""
    r = rows[rows["parameter"] == name].set_index("index")

    def ci(index: str) -> str:
        value, conf = r.loc[index, "value"], r.loc[index, "conf"]
        return f"{value:.2f} [{value - conf:.2f}, {value + conf:.2f}]"

    text = f"S1 {ci('S1')}, ST {ci('ST')}" if sobol else \
        f"mu* {ci('mu_star')}, sigma {r.loc['sigma', 'value']:.2f}"
    way = "rising with it" if rho > 0.1 else "falling as it rises" if rho < -0.1 \
        else "no single direction"
    return f"`{name}` ({text}; {way})"


def write_sweep_markdown(name: str, plan_info: dict, findings: list[str],
                         charts: dict[str, Path], folder: Path, command: str,
                         sensitivity: list[str] | None = None) -> Path:
    """``summary.md`` of a sweep: what ran, where the truce survives, which parameters
    matter (a Sobol' or Morris design), the charts."""
    out = [f"# Sweep: {name}", "", f"Command: `{command}`", "",
           f"Design: {plan_info['design']} over {', '.join(f'`{p}`' for p in plan_info['parameters'])}; "
           f"{plan_info['points']} points x {plan_info['replications']} replications "
           f"(seed {plan_info['seed']}). All points share their random numbers "
           "(common random numbers), so differences between points are the terms, not noise.",
           "",
           f"Constants: every point runs the {AT_MEDIAN} (the main job draws them from the "
           "posterior, so its survival of the same terms, and its interval, differ).",
           ""]
    if "replications_in_file" in plan_info:
        out += [f"Replications per point set on the command line (`-r "
                f"{plan_info['replications']}`), not the file's "
                f"{plan_info['replications_in_file']}: a quick trial, with wider intervals "
                "than the sweep as written.", ""]
    out += ["## Where the truce survives", "", *findings, ""]
    if sensitivity:
        out += ["## Which parameters matter", "", *sensitivity, ""]
    tables = ["[points.csv](points.csv) / [points.parquet](points.parquet): one row per point",
              "`chunks/`: every replication (Parquet dataset)"]
    if sensitivity:
        tables.append("[sensitivity.csv](sensitivity.csv): the indices with their intervals "
                      "(parameter, output, index, value, conf: the half-width)")
    return write_summary(out, charts, tables, folder)


def _where_survives(group, x: str) -> str:
    """The stretch of ``x`` (sorted levels) where survival is at least 50%, in words."""
    levels = group[x].astype(float).to_numpy()
    ok = (group["p_survive"] >= 0.5).to_numpy()
    if not ok.any():
        return "nowhere in the range"
    if ok.all():
        return "everywhere in the range"
    first, last = np.flatnonzero(ok)[[0, -1]]
    if ok[first:last + 1].all():
        if last == len(ok) - 1:
            return f"from {x} = {levels[first]:g} up"
        if first == 0:
            return f"up to {x} = {levels[last]:g}"
        return f"for {x} from {levels[first]:g} to {levels[last]:g}"
    return "at " + ", ".join(f"{v:g}" for v in levels[ok]) + " (not one stretch)"
