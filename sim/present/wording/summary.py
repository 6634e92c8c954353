"""Words for a summary: the terminal report and ``summary.md``."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.analysis.comparison import Comparison
from sim.analysis.summary import Interval, Summary
from sim.analysis.uncertainty import RESAMPLES
from sim.present.wording.comparison import comparison_markdown
from sim.present.wording.numbers import day_range, intervals, pct


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
    if set(k for k, v in s.endings.items() if v) - {"held", "declared"}:
        lines.append(f"Endings by day {s.horizon_days:g} (eroded: back to war on the ground, "
                     "never declared over): " + ", ".join(
                         f"{e} {pct(v)}" for e, v in s.endings.items() if v))
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
