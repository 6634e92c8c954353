"""Words for a comparison of counterfactuals: the terminal's compact lines and the section
of ``summary.md`` that says which changes to the deal would have helped."""

from __future__ import annotations

from pathlib import Path

from sim.analysis.comparison import ROBUST_SHARE, Comparison, Effect, judged
from sim.analysis.summary import Interval, Summary
from sim.present.wording.numbers import across, days, intervals, points, span

TITLE = "Which changes to the deal would have helped"


def _point_span(interval: Interval) -> str:
    return span(interval, points)


def _across(e: Effect, shown, label: str) -> str:
    """'; <label> a to b' for the parameter interval, or nothing without a posterior."""
    part = across(e.parameters, lambda i: span(i, shown), label)
    return f"; {part}" if part else ""


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
                  f"({points(s.difference)} points; sampling {span(s.sampling, points)}"
                  f"{_across(s, points, 'across the constants’ posterior')})")
    text = f"**{c.name}** (`{c.label}`) {change}; {_robustness(s)}"
    if c.apart:
        text += f" {c.apart}."
    m = c.median_collapse_day
    if m is not None:
        unit = "day" if abs(m.difference) == 1 else "days"
        when = f"on the same median day, {m.base:g} (" if m.direction == 0 else \
            (f"at a median of day {m.counterfactual:g} instead of {m.base:g} "
             f"({days(m.difference)} {unit}; ")
        text += (f" Truces that collapse do so {when}sampling {span(m.sampling, days)}"
                 f"{_across(m, days, 'parameters')}).")
    return text


def in_short(comparisons: list[Comparison], name=lambda c: c.name) -> list[str]:
    """The verdict: which changes help, which harm, which are not settled (largest change
    first, with its size in survival at the truce's end)."""
    def names(*verdicts: str) -> str:
        chosen = sorted((c for c in comparisons if verdict(c.survival) in verdicts),
                        key=lambda c: -abs(c.survival.difference))
        return ", ".join(f"{name(c)} ({points(c.survival.difference)} points)"
                         for c in chosen) or "none"

    if not judged(comparisons):
        return [f"Helps beyond chance: {names('helps')}.",
                f"Harms beyond chance: {names('harms')}.",
                f"Within chance: {names('within chance', 'no difference')}."]
    return [f"Robust helps, largest first: {names('robust help')}.",
            f"Robust harms: {names('robust harm')}.",
            f"Not robust: {names('uncertain', 'within chance', 'no difference')}."]


def comparison_markdown(comparisons: list[Comparison], duration_days: float,
                        against: str = "this scenario") -> list[str]:
    """The section of ``summary.md``: each counterfactual in words, then the verdict;
    ``against`` names the base in the text (``run.py compare`` compares with its first
    file)."""
    if judged(comparisons):
        how = (f"A conclusion is robust when the change keeps its direction in at least "
               f"{100 * ROBUST_SHARE:.0f}% of the posterior draws (each draw's "
               "difference with its chance taken out, as for the parameter intervals) and "
               "its sampling interval excludes no change.")
    else:
        how = ("This run has no posterior draws, so parameter uncertainty is not included "
               "and no conclusion can be called robust to the behavioural constants.")
    apart = (" Those that differ in the conflict's facts (a siege, a presence, an actor) "
             "cannot share its model: each ran in a model of its own on the same seed, "
             "blocks and posterior draws, and every random stream is named after its agent "
             "and process, so the streams both draw alike are paired by name (each such "
             "sentence says how many)." if any(c.apart for c in comparisons) else "")
    out = [f"## {TITLE}", "",
           f"Each counterfactual ran side by side with {against}: replication r of each "
           "has the same random numbers and the same constants, so differences are paired."
           f"{apart} Differences in survival are in percentage points, intervals 95%. {how}",
           ""]
    out += [f"- {comparison_sentence(c, duration_days)}" for c in comparisons]
    out += ["", "**In short.** " + " ".join(in_short(comparisons)), "",
            "Table: [comparison.csv](comparison.csv) / "
            "[comparison.parquet](comparison.parquet).", ""]
    return out


def comparison_lines(comparisons: list[Comparison], duration_days: float,
                     against: str = "this scenario") -> list[str]:
    """The terminal's compact version."""
    width = max(len(c.label) for c in comparisons)
    which = "95% intervals" if judged(comparisons) else \
        "95% sampling intervals only: parameter uncertainty not included"
    lines = [f"Changes to the deal: survival at day {duration_days:g} against {against} "
             f"(paired; {which}):"]
    for c in comparisons:
        s = c.survival
        text = (f"  {c.label:<{width}}  {points(s.difference):>6} points  "
                f"{100 * s.base:.1f}% -> {100 * s.counterfactual:.1f}%  sampling "
                f"{span(s.sampling, points)}{_across(s, points, 'parameters')}")
        if s.in_direction is not None and s.direction:
            text += f"; in {100 * s.in_direction:.0f}% of draws"
        own = " (own model: streams paired by name)" if c.apart else ""
        lines.append(f"{text}: {verdict(s)}{own}")
    lines += ["  " + line for line in in_short(comparisons, lambda c: c.short)]
    return lines


def most_helpful(comparisons: list[Comparison]) -> tuple[Comparison | None, Comparison | None]:
    """The change that raises survival at the truce's end the most and the next one (None
    where there is none): the two whose order ``best_change`` weighs."""
    helps = sorted((c for c in comparisons if c.survival.direction > 0),
                   key=lambda c: -c.survival.difference)
    return (helps[0] if helps else None), (helps[1] if len(helps) > 1 else None)


def best_change(comparisons: list[Comparison], ranking: Comparison | None, reference: str,
                duration_days: float) -> str:
    """In words, the single change that helps most and how sure the model is of it: its
    sentence (both intervals, robust or not) and, given ``ranking`` (the best against the
    next best, paired: ``compare`` with the next best as base), whether it beats the next
    best beyond chance and across the posterior, for a change that helps most by a hair
    is no answer to "which one"."""
    best, second = most_helpful(comparisons)
    if best is None:
        return (f"None of the changes compared with {reference} raises the chance the truce "
                f"survives its {duration_days:g} days.")
    text = (f"Of the {len(comparisons)} changes compared with {reference}, the one that helps "
            f"most: {comparison_sentence(best, duration_days)}")
    if second is None or ranking is None:
        return text
    r = ranking.survival
    ahead = f" and comes out ahead in {100 * r.in_direction:.0f}% of posterior draws" \
        if r.in_direction is not None else ""
    return (f"{text} Against the next best, **{second.name}**, it adds {points(r.difference)} "
            f"points (sampling {span(r.sampling, points)}"
            f"{_across(r, points, 'across the constants’ posterior')}){ahead}: "
            f"{_ranking_verdict(r)}.")


def best_change_line(comparisons: list[Comparison], ranking: Comparison | None) -> str:
    """The terminal's compact version of ``best_change``."""
    best, second = most_helpful(comparisons)
    if best is None:
        return "Helps most: none of the changes raises survival."
    text = (f"Helps most: {best.label} ({points(best.survival.difference)} points: "
            f"{verdict(best.survival)})")
    if second is None or ranking is None:
        return text + "."
    r = ranking.survival
    ahead = f"; in {100 * r.in_direction:.0f}% of draws" if r.in_direction is not None else ""
    return (f"{text}; ahead of the next best, {second.label}, by "
            f"{points(r.difference)} points (sampling {span(r.sampling, points)}"
            f"{_across(r, points, 'parameters')}{ahead}): {_ranking_verdict(r)}.")


def _ranking_verdict(r: Effect) -> str:
    """Whether the change that helps most beats the next best (``r``: their paired
    difference), in words."""
    if r.robust is None:
        return ("more than chance, so it helps most, though whether across the behavioural "
                "constants is not known" if r.clear else
                "within chance, so which of the two helps more is not settled")
    if r.robust:
        return "it helps most, robustly"
    return "which of the two helps more is not settled (not robust)"


def scenario_lines(summaries: list[Summary], files: list[str | Path]) -> list[str]:
    """Each scenario's survival at the truce's end with both intervals, its median collapse
    day and main trigger: the levels the differences are taken between."""
    s0 = summaries[0]
    which = "95% intervals: sampling; parameters" if s0.p_survive_params is not None else \
        "95% sampling intervals only: parameter uncertainty not included"
    labels = [Path(f).name + (" (reference)" if i == 0 else "") for i, f in enumerate(files)]
    width = max(map(len, labels))
    lines = [f"Survival at day {s0.duration_days:g} ({which}), median collapse day, main "
             "trigger of declarations:"]
    for s, label in zip(summaries, labels, strict=True):
        median = f"median day {s.collapse_day_quartiles[1]:g}" if s.collapse_day_quartiles \
            else "no collapse"
        trigger = next(iter(s.triggers), "no declaration")
        lines.append(f"  {label:<{width}}  {100 * s.p_survive:5.1f}% "
                     f"({intervals(s.p_survive_ci, s.p_survive_params)})  {median}  {trigger}")
    return lines


def scenarios_markdown(summaries: list[Summary], files: list[str | Path],
                       comparisons: list[Comparison]) -> list[str]:
    """The scenarios side by side as a Markdown table, with each one's paired difference to
    the first and its verdict."""
    out = [f"| scenario | survives {summaries[0].duration_days:g} days (95% intervals) | "
           "against the first, points (95% intervals) | median collapse day | main trigger "
           "of declarations |", "|---|---|---|---|---|"]
    for s, f, c in zip(summaries, files, [None, *comparisons], strict=True):
        e = c and c.survival
        against = "reference" if e is None else (
            f"{points(e.difference)} ({intervals(e.sampling, e.parameters, _point_span)}): "
            f"{verdict(e)}")
        median = f"{s.collapse_day_quartiles[1]:g}" if s.collapse_day_quartiles else "none"
        trigger = next((f"{t} ({100 * v:.0f}%)" for t, v in s.triggers.items()),
                       "no declaration")
        out.append(f"| {s.scenario} (`{Path(f).name}`) | {100 * s.p_survive:.1f}% "
                   f"({intervals(s.p_survive_ci, s.p_survive_params)}) | {against} | "
                   f"{median} | {trigger} |")
    return out
