"""Words for a comparison of counterfactuals: the terminal's compact lines and the section
of ``summary.md`` that says which changes to the deal would have helped."""

from __future__ import annotations

from pathlib import Path

from sim.analysis.comparison import ROBUST_SHARE, Comparison, Effect, judged
from sim.analysis.summary import Interval

TITLE = "Which changes to the deal would have helped"


def _points(x: float) -> str:
    return f"{100 * x:+.1f}"


def _days(x: float) -> str:
    return f"{round(x, 1):+g}"


def _span(interval: Interval, shown) -> str:
    return f"{shown(interval[0])} to {shown(interval[1])}"


def _across(e: Effect, shown, label: str) -> str:
    """'; <label> a to b' for the parameter interval, or nothing without a posterior."""
    if e.parameters is None:
        return ""
    if e.parameters[1] > e.parameters[0]:
        return f"; {label} {_span(e.parameters, shown)}"
    return f"; {label}: no spread beyond chance"


def verdict(e: Effect) -> str:
    """'robust help', 'robust harm', 'no difference', 'within chance', 'uncertain' or, without
    a posterior, 'helps'/'harms' (by chance alone)."""
    if e.direction == 0:
        return "no difference"
    if not e.clear:
        return "within chance"
    way = "help" if e.direction > 0 else "harm"
    if e.robust is None:
        return f"{way}s"
    return f"robust {way}" if e.robust else "uncertain"


def _robustness(e: Effect) -> str:
    """The sentence's end: how far the survival effect holds, in words."""
    way = "helps" if e.direction > 0 else "harms"
    if e.direction == 0:
        return "no difference overall: no conclusion either way."
    if e.robust is None:
        chance = "more than chance" if e.clear else "within chance"
        return (f"{chance}; parameter uncertainty is not included, so whether it holds "
                "across the behavioural constants is not known.")
    share = f"{100 * e.in_direction:.0f}% of posterior draws"
    if not e.clear:
        return (f"it {way} in {share}, but the sampling interval includes no change: not a "
                "robust conclusion (more replications may settle it).")
    if e.robust:
        return f"it {way} in {share}: a robust conclusion."
    return f"it {way} in only {share}: not a robust conclusion."


def comparison_sentence(c: Comparison, duration_days: float) -> str:
    """One counterfactual in words: survival at the truce's duration (with both intervals
    and how robust), and when the truces that collapse do."""
    s = c.survival
    if s.direction == 0:
        change = f"leaves the chance the truce survives its {duration_days:g} days at " \
                 f"{100 * s.base:.1f}%"
    else:
        verb = "raises" if s.direction > 0 else "lowers"
        change = (f"{verb} the chance the truce survives its {duration_days:g} days from "
                  f"{100 * s.base:.1f}% to {100 * s.counterfactual:.1f}% "
                  f"({_points(s.difference)} points; sampling {_span(s.sampling, _points)}"
                  f"{_across(s, _points, 'across the constants’ posterior')})")
    text = f"**{c.name}** (`{Path(c.file).name}`) {change}; {_robustness(s)}"
    m = c.median_collapse_day
    if m is not None:
        unit = "day" if abs(m.difference) == 1 else "days"
        when = f"on the same median day, {m.base:g} (" if m.direction == 0 else \
            (f"at a median of day {m.counterfactual:g} instead of {m.base:g} "
             f"({_days(m.difference)} {unit}; ")
        text += (f" Truces that collapse do so {when}sampling {_span(m.sampling, _days)}"
                 f"{_across(m, _days, 'parameters')}).")
    return text


def in_short(comparisons: list[Comparison], name=lambda c: c.name) -> list[str]:
    """The verdict: which changes help, which harm, which are not settled (largest change
    first, with its size in survival at the truce's end)."""
    def names(*verdicts: str) -> str:
        chosen = sorted((c for c in comparisons if verdict(c.survival) in verdicts),
                        key=lambda c: -abs(c.survival.difference))
        return ", ".join(f"{name(c)} ({_points(c.survival.difference)} points)"
                         for c in chosen) or "none"

    if not judged(comparisons):
        return [f"Helps beyond chance: {names('helps')}.",
                f"Harms beyond chance: {names('harms')}.",
                f"Within chance: {names('within chance', 'no difference')}."]
    return [f"Robust helps, largest first: {names('robust help')}.",
            f"Robust harms: {names('robust harm')}.",
            f"Not robust: {names('uncertain', 'within chance', 'no difference')}."]


def comparison_markdown(comparisons: list[Comparison], duration_days: float) -> list[str]:
    """The section of ``summary.md``: each counterfactual in words, then the verdict."""
    if judged(comparisons):
        how = (f"A conclusion is robust when the change keeps its direction in at least "
               f"{100 * ROBUST_SHARE:.0f}% of the posterior draws (each draw's "
               "difference with its chance taken out, as for the parameter intervals) and "
               "its sampling interval excludes no change.")
    else:
        how = ("This run has no posterior draws, so parameter uncertainty is not included "
               "and no conclusion can be called robust to the behavioural constants.")
    out = [f"## {TITLE}", "",
           "Each counterfactual ran side by side with this scenario: replication r of each "
           "has the same random numbers and the same constants, so differences are paired. "
           f"Differences in survival are in percentage points, intervals 95%. {how}", ""]
    out += [f"- {comparison_sentence(c, duration_days)}" for c in comparisons]
    out += ["", "**In short.** " + " ".join(in_short(comparisons)), "",
            "Table: [comparison.csv](comparison.csv) / "
            "[comparison.parquet](comparison.parquet).", ""]
    return out


def comparison_lines(comparisons: list[Comparison], duration_days: float) -> list[str]:
    """The terminal's compact version."""
    width = max(len(c.label) for c in comparisons)
    which = "95% intervals" if judged(comparisons) else \
        "95% sampling intervals only: parameter uncertainty not included"
    lines = [f"Changes to the deal: survival at day {duration_days:g} against this scenario "
             f"(paired; {which}):"]
    for c in comparisons:
        s = c.survival
        text = (f"  {c.label:<{width}}  {_points(s.difference):>6} points  "
                f"{100 * s.base:.1f}% -> {100 * s.counterfactual:.1f}%  sampling "
                f"{_span(s.sampling, _points)}{_across(s, _points, 'parameters')}")
        if s.in_direction is not None and s.direction:
            text += f"; in {100 * s.in_direction:.0f}% of draws"
        lines.append(f"{text}: {verdict(s)}")
    lines += ["  " + line for line in in_short(comparisons, lambda c: c.short)]
    return lines
