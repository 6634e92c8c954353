"""Words for a summary: the terminal report and ``summary.md``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.analysis.comparison import Comparison
from sim.analysis.summary import Interval, Summary
from sim.analysis.uncertainty import RESAMPLES
from sim.present.comparison_report import comparison_markdown
from sim.present.wording import day_range, intervals, pct

if TYPE_CHECKING:
    from sim.scenario.global_designs import GlobalDesign


def summary_lines(s: Summary) -> list[str]:
    """The summary as plain text lines (terminal and Markdown share them)."""
    def both(p: float, sampling: Interval, params: Interval | None) -> str:
        return f"{pct(p)} ({intervals(sampling, params)})"

    drawn = f" under {s.draws} posterior draws" if s.draws > 1 else ""
    lines = [
        f"Truce survives its {s.duration_days:g} days: "
        f"{both(s.p_survive, s.p_survive_ci, s.p_survive_params)}, "
        f"{s.replications} replications{drawn}",
        "  (survives: neither declared over nor back to war on the ground, de facto)",
        "  (95% intervals. sampling: chance, from the replications; parameters: across the "
        "posterior of the behavioural constants, each draw's chance taken out)"
        if s.p_survive_params is not None else "  (95% sampling intervals only: parameter uncertainty, that of the behavioural "
             "constants, is not included)",
    ]
    if s.horizon_days > s.duration_days:
        if s.horizon_days > 14:
            lines.append(f"Survives 14 days: "
                         f"{both(s.p_survive_14, s.p_survive_14_ci, s.p_survive_14_params)}")
        lines.append(f"Survives {s.horizon_days:g} days: "
                     f"{both(s.p_survive_horizon, s.p_survive_horizon_ci, s.p_survive_horizon_params)}")
    lines.append(f"Declared over within {s.horizon_days:g} days: {pct(s.p_formal)}; "
                 f"fell apart on the ground before any declaration: "
                 f"{pct(s.p_de_facto_first)}")
    lines.append(f"JIC activated: {both(s.p_jic, s.p_jic_ci, s.p_jic_params)}")
    if s.collapse_day_quartiles:
        q1, med, q3 = s.collapse_day_quartiles
        lines.append(f"Collapse day (first collapse, formal or de facto): median {med:g} ("
                     f"{intervals(s.collapse_day_median_ci, s.collapse_day_median_params, day_range)}"
                     f"), quartiles {q1:g}–{q3:g}")
    if s.declared_by:
        lines.append("Declared over by: " + ", ".join(
            f"{a} {pct(v)}" for a, v in s.declared_by.items()))
    if s.triggers:
        lines.append("Triggers of declarations: " + ", ".join(
            f"{t} {pct(v)}" for t, v in s.triggers.items()))
    holding = s.fronts_holding
    marks = sorted({0, min(len(holding) - 1, round(s.duration_days) - 1), len(holding) - 1})
    lines.append("Fronts holding (mean share): " + ", ".join(
        f"day {d + 1} {pct(holding[d])}" for d in marks))
    lines.append("Violations during the truce (mean per replication):")
    for party, v in s.violations.items():
        lines.append(f"  {party:<16} true {v['true']:6.1f}   reported by the other side "
                     f"{v['reported_by_other_side']:6.1f}   admitted {v['admitted']:6.1f}")
    c = s.convoys
    lines.append(f"Civilian harm (expected casualties, whole run): {s.civilian_harm:.1f}")
    if np.isnan(c["delivered"]):
        lines.append("Aid: no convoys were sent")
    else:
        lines.append(f"Aid delivered to besieged regions: {s.aid_trucks:.0f} trucks per run; "
                     f"convoys delivered {pct(c['delivered'])}, blocked {pct(c['blocked'])}, "
                     f"struck {pct(c['struck'])}")
    return lines


def how_sure(s: Summary) -> str:
    """What the intervals are, in words (``summary.md``)."""
    sampling = (f"*Sampling* intervals (chance) are Wilson score intervals for shares and a "
                f"percentile bootstrap of the replications ({RESAMPLES} resamples, fixed seed) "
                "for the median collapse day, which is that of the truces that collapsed.")
    if s.p_survive_params is None:
        return ("All intervals are 95%. " + sampling + " Parameter uncertainty (that of the "
                "behavioural constants) is not included: this run used one value of each.")
    return ("All intervals are 95%. The estimates pool all replications over the "
            f"{s.draws} posterior draws (the posterior predictive), and the sampling "
            "intervals are theirs. " + sampling + " *Parameter* intervals span the "
            "posterior of the behavioural constants: the 2.5–97.5% quantiles of the "
            "draws' own estimates, each pulled toward the overall one by "
            "sqrt(max(0, B − W) / B), where B is their variance and W the mean sampling "
            "variance of one draw's estimate, so that the draws vary only as much as they "
            "do beyond chance (method of moments; it assumes the draws' true values and "
            "their noise are roughly normal, and leaves out draws in which no truce "
            "collapsed when it takes the median collapse day). With "
            f"{s.draws} draws the parameter intervals are themselves uncertain: the draws' "
            f"variance is known to about ±{100 * np.sqrt(2 / (s.draws - 1)):.0f}%, so a "
            "spread much smaller than a draw's chance is not told apart from it.")


def write_markdown(s: Summary, charts: dict[str, Path], tables: list[Path], folder: Path,
                   command: str, constants: str, comparisons: list[Comparison]) -> Path:
    """``summary.md``: the numbers in words, how sure they are, which changes to the deal
    would have helped, links to the charts and tables."""
    out = [f"# {s.scenario}", "", f"Command: `{command}`", "",
           f"Behavioural constants: {constants}.", "", "## Summary", ""]
    out += [f"- {line.strip()}" if not line.startswith("  ") else f"  - {line.strip()}"
            for line in summary_lines(s)]
    out += ["", how_sure(s), ""]
    if comparisons:
        out += comparison_markdown(comparisons, s.duration_days)
    return write_summary(out, charts, tables, folder)


def write_summary(lines: list[str], charts: dict[str, Path], tables: list[Path | str],
                  folder: Path) -> Path:
    """``summary.md``: ``lines``, then the charts shown and the tables: a file is linked by
    its name, a string is a bullet's own Markdown."""
    out = [*lines, "## Charts", ""]
    for title, path in charts.items():
        out += [f"### {title}", "", f"![{title}]({path.name})", ""]
    out += ["## Tables", ""]
    out += [f"- {p}" if isinstance(p, str) else f"- [{p.name}]({p.name})" for p in tables]
    path = folder / "summary.md"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


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
        from sim.analysis.points import rank_correlations
        rho = rank_correlations(points, params)
        lines += ["", "Rank correlation (Spearman) of each parameter with survival "
                      "(sign: direction; size: strength over the swept ranges):", ""]
        for p in rho.abs().sort_values(ascending=False).index:
            lines.append(f"- `{p}`: {rho[p]:+.2f}")
    return lines


def sensitivity_findings(indices, points, design: GlobalDesign) -> list[str]:
    """Which parameters move each output most over their whole ranges, in words (Markdown
    lines), with what a reader needs in order not to over-read small indices."""
    from sim.analysis.global_sensitivity import OUTPUTS, noise_share, outputs
    from sim.analysis.points import rank_correlations
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
