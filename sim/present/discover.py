"""``python run.py discover OUTPUT_FOLDER_OF_A_SWEEP``: scenario discovery with PRIM on a
finished sweep: where the truce survives with high probability, as readable conditions.

Reads the sweep's ``manifest.json`` and ``points.csv``, runs ``sim.analysis.discovery``
and writes into the folder ``discovery_peeling.png``, ``discovery_box.png``,
``discovery.csv`` (every box on the peeling trajectory) and a section of ``summary.md``
(replaced if there is one, so a second run with another ``--level`` updates it). A
Latin-hypercube sweep does the same at its end when the EMA Workbench is installed
(``sweep_discovery``). Bad input is one line and exit status 2, like the main job.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pandas as pd

from sim.analysis.discovery import INSTALL, QUASI_P, Discovery, available
from sim.run import job
from sim.scenario.loading import ScenarioError

HEADING = "## Where the truce survives with high probability (scenario discovery, PRIM)"
FILES = ("discovery_peeling.png", "discovery_box.png", "discovery.csv")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run.py discover",
        description="Scenario discovery with PRIM on a finished sweep: the box of parameter "
                    "values where the truce survives with high probability, with its "
                    "coverage, density and mass, the peeling trajectory and the box's "
                    "limits (charts and a section of the sweep's summary.md).")
    p.add_argument("folder", type=Path, help="the output folder of a sweep (run.py SWEEP.yaml)")
    p.add_argument("--level", type=float, default=0.5,
                   help="a point counts as surviving when the truce survives its duration in "
                        "at least this share of its replications (default 0.5)")
    p.add_argument("--min-coverage", type=float, default=0.5,
                   help="the box reported is the densest whose coverage (share of the "
                        "surviving points inside it) is at least this (default 0.5)")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    from sim.present.cli import _fail
    try:
        return _main(args)
    except ScenarioError as exc:
        return _fail(str(exc))


def _main(args) -> int:
    for flag, value in (("--level", args.level), ("--min-coverage", args.min_coverage)):
        if not 0 < value <= 1:
            raise ScenarioError("command line", flag, f"expected a share in (0, 1], got "
                                f"{value:g}")
    manifest, points = read_sweep(args.folder)
    if not available():
        raise ScenarioError(args.folder, "discover", f"expected the EMA Workbench, an "
                            f"optional extra: {INSTALL}")
    from sim.run.outdir import FolderLock
    sweep = manifest["sweep"]
    duration = manifest.get("base_scenario", {}).get("time", {}).get("duration_days")
    with FolderLock(args.folder):   # never beside a sweep still writing this folder
        try:
            with job.written_into(args.folder, "discover") as stage:
                if (args.folder / "summary.md").exists():
                    shutil.copy(args.folder / "summary.md", stage / "summary.md")
                lines, written = write_discovery(points, tuple(sweep["parameters"]),
                                                 sweep["name"], duration, stage, args.level,
                                                 args.min_coverage)
        except OSError as exc:
            raise ScenarioError(args.folder, "", f"expected a folder that can be written "
                                f"({exc.strerror or exc})") from None
    for line in lines:
        print(line)
    files = [p.name for p in written] + ["the section in summary.md"]
    print(f"Wrote {args.folder}/ ({', '.join(files)})")
    return 0


def read_sweep(folder: Path) -> tuple[dict, pd.DataFrame]:
    """A sweep's manifest and per-point table; a ScenarioError naming what is wrong."""
    if not folder.is_dir():
        raise ScenarioError(folder, "", "expected the output folder of a sweep (run.py "
                            "SWEEP.yaml), not found or not a folder")
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("kind") != "sweep" or \
            not isinstance(manifest.get("sweep"), dict):
        raise ScenarioError(folder, "manifest.json", "expected the output folder of a sweep "
                            "(run.py SWEEP.yaml), with the manifest the sweep writes")
    parameters = manifest["sweep"].get("parameters") or []
    try:
        points = pd.read_csv(folder / "points.csv")
    except (OSError, ValueError):
        raise ScenarioError(folder, "points.csv", "expected the sweep's per-point table; "
                            "the sweep has not finished: run it again to resume") from None
    needed = [*parameters, "p_survive"]
    missing = [c for c in needed if c not in points]
    if missing or points.empty:
        raise ScenarioError(folder, "points.csv", f"expected a row per point with columns "
                            f"{', '.join(needed)}; missing {', '.join(missing) or 'rows'}")
    try:
        numbers = points[needed].astype(float)
    except ValueError:
        raise ScenarioError(folder, "points.csv", "expected numbers in the parameters' "
                            "columns and p_survive") from None
    if numbers.isna().any().any() or not numbers["p_survive"].between(0, 1).all():
        raise ScenarioError(folder, "points.csv", "expected a value at every point and "
                            "p_survive between 0 and 1")
    return manifest, points


def write_discovery(points: pd.DataFrame, parameters: tuple[str, ...], name: str,
                    duration: float | None, folder: Path, level: float = 0.5,
                    min_coverage: float = 0.5) -> tuple[list[str], list[Path]]:
    """Run PRIM, write its charts and table into ``folder`` and its section into
    ``folder/summary.md``; return the lines to print and the files written."""
    from sim.analysis.discovery import discover
    found = discover(points, parameters, level, min_coverage)
    days = f"its {duration:g} days" if duration else "its duration"
    written = []
    if 0 < found.of_interest < found.points:
        from sim.present.cli import files_backend
        files_backend()
        from sim.present.charts import save_figure
        from sim.present.discovery_charts import box_chart, peeling_chart
        written = [save_figure(peeling_chart(found, f"{name}: the peeling trajectory"),
                               folder / FILES[0]),
                   save_figure(box_chart(found, points, f"{name}: where the truce survives "
                                         f"(≥ {level:.0%} of replications)"),
                               folder / FILES[1])]
        trajectory_table(found).to_csv(folder / FILES[2], index=False)
        written.append(folder / FILES[2])
    add_section(folder / "summary.md", section(found, days))
    return [console_line(found, days)], written


def trajectory_table(found: Discovery) -> pd.DataFrame:
    """``discovery.csv``: every box on the trajectory, its statistics, its conditions in
    words, whether it is the one the rule chose or the one reported, and each
    parameter's limits."""
    table = found.trajectory.copy()
    table["chosen"] = table["box"] == found.chosen
    table["reported"] = table["box"] == found.reported
    table["conditions"] = [" and ".join(found.conditions(b)) for b in table["box"]]
    wide = found.limits.pivot(index="box", columns="parameter", values=["low", "high"])
    for p in found.parameters:
        table[f"{p}.low"] = wide[("low", p)].to_numpy()
        table[f"{p}.high"] = wide[("high", p)].to_numpy()
    return table


def console_line(found: Discovery, days: str) -> str:
    """The box in one line."""
    if found.of_interest in (0, found.points):
        return f"Scenario discovery (PRIM): {_degenerate(found, days)}"
    s = found.stats()
    if not found.conditions():
        return (f"Scenario discovery (PRIM): no box with coverage ≥ {found.min_coverage:.0%} "
                f"is denser than the whole space, where the truce survives {days} in at "
                f"least {found.level:.0%} of replications at {s['density']:.0%} of the points")
    return (f"Scenario discovery (PRIM): the truce survives {days} in at least "
            f"{found.level:.0%} of replications where {' and '.join(found.conditions())}: "
            f"density {s['density']:.0%}, coverage {s['coverage']:.0%}, mass "
            f"{s['mass']:.0%} ({_rule(found)})")


def _rule(found: Discovery) -> str:
    """Which box is reported, and why, in a phrase."""
    chosen = (f"box {found.chosen}, the densest with coverage ≥ "
              f"{found.min_coverage:.0%}")
    if found.reported == found.chosen:
        return chosen + (f"; no restriction has a quasi-p ≤ {QUASI_P:g}: a weak pattern"
                         if found.weak() else "")
    dropped = found.stats(found.chosen)["restricted"] - found.stats()["restricted"]
    return (f"{chosen}, without its {dropped} restriction{'s' * (dropped > 1)} of quasi-p "
            f"> {QUASI_P:g}")


def _degenerate(found: Discovery, days: str) -> str:
    if found.of_interest == 0:
        return (f"at no point does the truce survive {days} in at least {found.level:.0%} "
                "of replications; nothing to discover (try a lower --level)")
    return (f"at every point the truce survives {days} in at least {found.level:.0%} of "
            "replications; no box is needed (try a higher --level)")


def section(found: Discovery, days: str) -> list[str]:
    """The section of ``summary.md``, in Markdown lines."""
    out = [HEADING, ""]
    share = found.of_interest / found.points
    out += [f"A point counts as surviving when the truce survives {days} in at least "
            f"{found.level:.0%} of its replications: {found.of_interest} of {found.points} "
            f"points ({share:.0%})."]
    if found.of_interest in (0, found.points):
        sentence = _degenerate(found, days)
        return out + ["", f"{sentence[0].upper()}{sentence[1:]}.", ""]
    s = found.stats()
    steps = len(found.trajectory) - 1
    out += ["", f"PRIM (the EMA Workbench's) peeled the space in {steps} steps, from all "
            "the points to boxes where ever more of them survive. The box reported is "
            f"chosen by a rule: **the densest box whose coverage is at least "
            f"{found.min_coverage:.0%}**, **without its restrictions whose quasi-p is above "
            f"{QUASI_P:g}** (they may be chance) unless none is below; here {_rule(found)}. "
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


def sweep_discovery(points: pd.DataFrame, plan, folder: Path) -> tuple[list[str], list[Path]]:
    """At the end of a Latin-hypercube sweep: the discovery (or, without the EMA
    Workbench, a note saying how to get it), into ``folder``; the lines to print and the
    files written."""
    if not available():
        note = (f"Scenario discovery (PRIM) needs the EMA Workbench: {INSTALL}, then "
                "python run.py discover THIS_FOLDER")
        add_section(folder / "summary.md", [HEADING, "", note + ".", ""])
        return ["", note], []
    lines, written = write_discovery(points, plan.parameters, plan.name,
                                     plan.base.time.duration_days, folder)
    return ["", *lines], written
