"""``python run.py discover OUTPUT_FOLDER_OF_A_SWEEP``: scenario discovery with PRIM on a
finished sweep: where the truce survives with high probability, as readable conditions.

Reads the sweep's ``manifest.json`` and ``points.csv``, runs ``sim.analysis.discovery``
and writes into the folder ``discovery_peeling.png``, ``discovery_box.png``,
``discovery.csv`` (every box on the peeling trajectory) and a section of ``summary.md``
(replaced if there is one, so a second run with another ``--level`` updates it). A
Latin-hypercube sweep does the same at its end when the EMA Workbench is installed
(``sweep_discovery``). Bad input is one line and exit status 2, like the main job. When
no point reaches ``--level`` (or every point does) there is no box: a sentence says so,
the section is written, and the exit status is 0 (an answer, not an error).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pandas as pd

from sim.analysis.discovery import INSTALL, Discovery, available, discover
from sim.present.charts.backend import files_backend
from sim.present.charts.discovery import box_chart, peeling_chart
from sim.present.charts.figures import DEFAULT_FORMATS, chart_files, save_figure
from sim.present.commands.common import add_format_flag, fail
from sim.present.wording.discovery import HEADING, add_section, console_line, section
from sim.run import job
from sim.run.outdir import FolderLock
from sim.scenario.loading import ScenarioError

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
    add_format_flag(p)
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _main(args)
    except ScenarioError as exc:
        return fail(str(exc))


def _main(args) -> int:
    for flag, value in (("--level", args.level), ("--min-coverage", args.min_coverage)):
        if not 0 < value <= 1:
            raise ScenarioError("command line", flag, f"expected a share in (0, 1], got "
                                f"{value:g}")
    manifest, points = read_sweep(args.folder)
    if not available():
        raise ScenarioError(args.folder, "discover", f"expected the EMA Workbench, an "
                            f"optional extra: {INSTALL}")
    sweep = manifest["sweep"]
    duration = manifest.get("base_scenario", {}).get("time", {}).get("duration_days")
    with FolderLock(args.folder):   # never beside a sweep still writing this folder
        try:
            with job.written_into(args.folder, "discover") as stage:
                if (args.folder / "summary.md").exists():
                    shutil.copy(args.folder / "summary.md", stage / "summary.md")
                lines, written = write_discovery(points, tuple(sweep["parameters"]),
                                                 sweep["name"], duration, stage, args.level,
                                                 args.min_coverage, args.formats)
        except OSError as exc:
            raise ScenarioError(args.folder, "", f"expected a folder that can be written "
                                f"({exc.strerror or exc})") from None
    for line in lines:
        print(line)
    charts = {p.name: p for p in written if p.suffix != ".csv"}
    files = [*chart_files(charts, args.formats), *(p.name for p in written if p.suffix == ".csv"),
             "the section in summary.md"]
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
    planned = manifest.get("points")
    if isinstance(planned, list) and (len(points) != len(planned) or "point" in points and
                                      sorted(points["point"].tolist()) != list(range(len(planned)))):
        raise ScenarioError(folder, "points.csv", f"expected a row for each of the sweep's "
                            f"{len(planned)} points (its manifest), got {len(points)} rows: "
                            "the table is cut short or edited; run the sweep again to rewrite "
                            "it from its stored chunks")
    return manifest, points


def write_discovery(points: pd.DataFrame, parameters: tuple[str, ...], name: str,
                    duration: float | None, folder: Path, level: float = 0.5,
                    min_coverage: float = 0.5, formats: tuple[str, ...] = DEFAULT_FORMATS
                    ) -> tuple[list[str], list[Path]]:
    """Run PRIM, write its charts (in each of ``formats``) and table into ``folder`` and its
    section into ``folder/summary.md``; return the lines to print and the files written
    (the charts by the file a report links)."""
    found = discover(points, parameters, level, min_coverage)
    days = f"its {duration:g} days" if duration else "its duration"
    written = []
    if 0 < found.of_interest < found.points:
        files_backend()
        written = [save_figure(peeling_chart(found, f"{name}: the peeling trajectory"),
                               folder / FILES[0], formats),
                   save_figure(box_chart(found, points, f"{name}: where the truce survives "
                                         f"(≥ {level:.0%} of replications)"),
                               folder / FILES[1], formats)]
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


def sweep_discovery(points: pd.DataFrame, plan, folder: Path,
                    formats: tuple[str, ...] = DEFAULT_FORMATS) -> tuple[list[str], list[Path]]:
    """At the end of a Latin-hypercube sweep: the discovery (or, without the EMA
    Workbench, a note saying how to get it), into ``folder``; the lines to print and the
    files written."""
    if not available():
        note = (f"Scenario discovery (PRIM) needs the EMA Workbench: {INSTALL}, then "
                "python run.py discover THIS_FOLDER")
        add_section(folder / "summary.md", [HEADING, "", note + ".", ""])
        return ["", note], []
    lines, written = write_discovery(points, plan.parameters, plan.name,
                                     plan.base.time.duration_days, folder,
                                     formats=formats)
    return ["", *lines], written
