"""Scenario discovery in words: PRIM's box where the truce survives, in one line for the
terminal and as a section of the sweep's ``summary.md`` (replacing an earlier one)."""

from __future__ import annotations

from pathlib import Path

from sim.analysis.discovery import QUASI_P, Discovery

HEADING = "## Where the truce survives with high probability (scenario discovery, PRIM)"


def console_line(found: Discovery, days: str) -> str:
    """The box in one line."""
    if found.of_interest in (0, found.points):
        return f"Scenario discovery (PRIM): {degenerate(found, days)}"
    s = found.stats()
    if not found.conditions():
        return (f"Scenario discovery (PRIM): no box with coverage ≥ {found.min_coverage:.0%} "
                f"is denser than the whole space, where the truce survives {days} in at "
                f"least {found.level:.0%} of replications at {s['density']:.0%} of the points")
    return (f"Scenario discovery (PRIM): the truce survives {days} in at least "
            f"{found.level:.0%} of replications where {' and '.join(found.conditions())}: "
            f"density {s['density']:.0%}, coverage {s['coverage']:.0%}, mass "
            f"{s['mass']:.0%} ({rule(found)})")


def rule(found: Discovery) -> str:
    """Which box is reported, and why, in a phrase."""
    chosen = (f"box {found.chosen}, the densest with coverage ≥ "
              f"{found.min_coverage:.0%}")
    if found.reported == found.chosen:
        return chosen + (f"; no restriction has a quasi-p ≤ {QUASI_P:g}: a weak pattern"
                         if found.weak() else "")
    dropped = found.stats(found.chosen)["restricted"] - found.stats()["restricted"]
    return (f"{chosen}, without its {dropped} restriction{'s' * (dropped > 1)} of quasi-p "
            f"> {QUASI_P:g}")


def degenerate(found: Discovery, days: str) -> str:
    if found.of_interest == 0:
        return (f"no box: no point reaches the level (the truce surviving {days} in at least "
                f"{found.level:.0%} of replications); nothing to discover (try a lower "
                "--level)")
    return (f"no box needed: every point reaches the level (the truce surviving {days} in "
            f"at least {found.level:.0%} of replications; try a higher --level)")


def section(found: Discovery, days: str) -> list[str]:
    """The section of ``summary.md``, in Markdown lines."""
    out = [HEADING, ""]
    share = found.of_interest / found.points
    out += [f"A point counts as surviving when the truce survives {days} in at least "
            f"{found.level:.0%} of its replications: {found.of_interest} of {found.points} "
            f"points ({share:.0%})."]
    if found.of_interest in (0, found.points):
        sentence = degenerate(found, days)
        return out + ["", f"{sentence[0].upper()}{sentence[1:]}.", ""]
    s = found.stats()
    steps = len(found.trajectory) - 1
    out += ["", f"PRIM (the EMA Workbench's) peeled the space in {steps} steps, from all "
            "the points to boxes where ever more of them survive. The box reported is "
            f"chosen by a rule: **the densest box whose coverage is at least "
            f"{found.min_coverage:.0%}**, **without its restrictions whose quasi-p is above "
            f"{QUASI_P:g}** (they may be chance) unless none is below; here {rule(found)}. "
            "`python run.py discover FOLDER --level L --min-coverage C` redoes this with "
            "another level or coverage.", ""]
    limits = found.box()
    limits = limits[limits["restricted"]]
    if limits.empty:
        out += [f"No box with coverage of at least {found.min_coverage:.0%} is denser than "
                "the whole space: these parameters, over these ranges, do not mark out where "
                "the truce survives.", ""]
    else:
        out += [f"The truce survives {days} in at least {found.level:.0%} of replications "
                f"**where {' and '.join(found.conditions(markdown=True))}**:", "",
                f"- density {s['density']:.0%}: {s['of_interest']} of the box's "
                f"{s['points']} points survive (against {share:.0%} over the whole space);",
                f"- coverage {s['coverage']:.0%}: the box holds {s['of_interest']} of the "
                f"{found.of_interest} points that survive;",
                f"- mass {s['mass']:.0%}: the box holds {s['points']} of the {found.points} "
                "points.", "",
                "| restriction | quasi-p |", "|---|---|"]
        out += [f"| {c} | {q:.1g} |" for c, q in
                zip(found.conditions(markdown=True), limits["quasi_p"], strict=True)]
        if found.reported != found.chosen:
            c = found.stats(found.chosen)
            out += ["", f"Box {found.chosen} itself, with every restriction: "
                    f"{' and '.join(found.conditions(found.chosen, markdown=True))} (density "
                    f"{c['density']:.0%}, coverage {c['coverage']:.0%}, mass {c['mass']:.0%})."]
        elif found.weak():
            out += ["", f"No restriction of this box has a quasi-p of {QUASI_P:g} or less: "
                    "each may be chance, so read it as a weak pattern."]
        out += ["", "The quasi-p of a restriction (Bryant & Lempert 2010) is a one-sided "
                "binomial test of whether the box without it would be as dense; above 0.05 "
                "the restriction may be chance. The box describes this sweep's points over "
                "its ranges, each point's survival estimated from its replications; "
                "it is not a law beyond them.", ""]
    out += ["![The peeling trajectory: coverage against density](discovery_peeling.png)", "",
            "![The box: its limits, and the points](discovery_box.png)", "",
            "[discovery.csv](discovery.csv): every box on the trajectory, with its coverage, "
            "density, mass, conditions and limits.", ""]
    return out


def add_section(summary: Path, lines: list[str]) -> None:
    """Put the section into ``summary.md``: in place of an earlier one, else before its
    charts (or at the end)."""
    text = summary.read_text(encoding="utf-8") if summary.exists() else ""
    old = text.splitlines()
    if HEADING in old:
        start = old.index(HEADING)
        end = next((i for i in range(start + 1, len(old)) if old[i].startswith("## ")),
                   len(old))
        new = old[:start] + lines + old[end:]
    elif "## Charts" in old:
        at = old.index("## Charts")
        new = old[:at] + lines + old[at:]
    else:
        new = old + ([""] if old else []) + lines
    summary.write_text("\n".join(new).rstrip("\n") + "\n", encoding="utf-8")
