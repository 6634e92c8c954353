"""The main job: ``python run.py SCENARIO.yaml`` runs its replications, with its
counterfactuals side by side, and writes a report; ``python run.py SWEEP.yaml`` hands a
sweep file to ``sim.present.commands.sweep``.

Parses the flags, calls the run and analysis layers, prints the summary and writes tables,
charts and ``summary.md`` through the job layer's folder (``sim.run.job``). Bad input
prints one clear line and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import time
from importlib.metadata import version
from pathlib import Path

from sim.analysis.comparison import compare, comparison_table, with_pairing
from sim.analysis.summary import draw_table, summarize
from sim.present.charts.backend import files_backend
from sim.present.charts.figures import chart_files, save_figure
from sim.present.charts.comparison import comparison_forest
from sim.present.charts.labels import Labels
from sim.present.charts.scenario import all_charts
from sim.present.commands import sweep
from sim.present.commands.common import (add_format_flag, add_limits,
                                         cannot_write, check_run, command_line, constants_of,
                                         fail, guarded, program, progress, sigterm_interrupts)
from sim.present.wording.comparison import comparison_lines
from sim.present.wording.html import REPORT, write_html
from sim.present.wording.story import choice, tell
from sim.present.wording.summary import summary_lines, write_markdown
from sim.run import job
from sim.run.executors import DEFAULT_CONNECT_TIMEOUT
from sim.run.experiment import run_compared
from sim.run.job import DEFAULT_REPLICATIONS, DEFAULT_SEED, Constants
from sim.run.outdir import Staging
from sim.run.provenance import package_versions
from sim.run.seeding import BLOCK
from sim.scenario.catalogue import find
from sim.scenario.counterfactuals import counterfactuals_of, load_counterfactual
from sim.scenario.loading import ScenarioError, load_scenario, parse_value
from sim.scenario.parameters import parameter_table
from sim.scenario.schema import Scenario
from sim.scenario.sweep import is_sweep_file

#: More processes than this per core only add memory.
MAX_WORKERS_PER_CORE = 4


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=program(),
        description="Simulate a ceasefire scenario over many replications and report when "
                    "and why the truce survives or collapses.",
        epilog="Shipped scenarios, by the names that run them: 'scenarios list'. Other "
               "commands (each with --help): 'calibrate FILE' estimates the behavioural "
               "constants from the historical truces; 'compare A.yaml B.yaml ...' runs "
               "scenarios side by side against the first; 'discover SWEEP_OUTPUT' finds "
               "where a sweep's truces survive (PRIM); 'explain FILE' ranks what a "
               "scenario's survival hangs on, value by value; 'validate [TRUCES_DIR]' scores "
               "the model against historical truces; 'app' serves the truce in a browser.")
    p.add_argument("scenario", nargs="?", help="scenario file (YAML), e.g. "
                   "scenarios/kerry_lavrov.yaml, or a shipped scenario's name, e.g. "
                   "kerry_lavrov (see: scenarios list)")
    p.add_argument("--version", action="version", version=f"%(prog)s {version('ceasefire-sim')}")
    p.add_argument("-r", "--replications", type=int, default=None,
                   help=f"independent replications of a scenario (default "
                        f"{DEFAULT_REPLICATIONS}); for a sweep file, per point instead "
                        "of the file's (a quick trial: another sweep, stored apart)")
    p.add_argument("-s", "--seed", type=int, default=DEFAULT_SEED,
                   help=f"root seed; same seed and replications, same results "
                        f"(default {DEFAULT_SEED})")
    p.add_argument("-o", "--out", type=Path, default=None,
                   help="output folder (default: output/<scenario>-<fingerprint>, named "
                        "after the scenario, its overrides, seed and replications)")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="PATH=VALUE", help="override a parameter by dotted path, e.g. "
                   "--set mechanisms.penalties.strength=2 (repeatable)")
    p.add_argument("--no-charts", action="store_true", help="write tables and summary only")
    add_format_flag(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--posterior", type=Path, default=None, metavar="FILE",
                   help="posterior sample of the behavioural constants (default: the shipped "
                        "calibration/posterior.csv); each replication runs under one draw "
                        "(a sweep's points run at its median)")
    p.add_argument("--point", action="store_true",
                   help="run at the posterior median instead: faster, no parameter "
                        "uncertainty in the answer")
    compare = p.add_mutually_exclusive_group()
    compare.add_argument("--compare", nargs="+", action="extend", default=[], type=Path,
                         metavar="FILE",
                         help="also compare these scenario files with the scenario. By "
                              "default every file in the 'counterfactuals/' folder beside "
                              "the scenario whose 'extends:' is the scenario file is compared "
                              "(for scenarios/kerry_lavrov.yaml, the six in "
                              "scenarios/counterfactuals/); all run side by side with it "
                              "(same replications, seed and posterior draws: paired; one that "
                              "differs in the conflict's facts, such as a siege, in a model "
                              "of its own, its streams paired by name), and --set applies to "
                              "them too except where a file sets the value itself")
    compare.add_argument("--no-compare", action="store_true",
                         help="run the scenario alone, without its counterfactuals")
    p.add_argument("--story", metavar="N|typical", default=None,
                   help="also tell replication N (or the typical one: collapse day closest "
                        "to the median) event by event in story.md, linked from summary.md")
    p.add_argument("--describe", action="store_true",
                   help="list every scenario parameter with its unit, range and default")
    sweep = p.add_argument_group("sweeps (a file with a 'sweep:' section)")
    where = sweep.add_mutually_exclusive_group()
    where.add_argument("-w", "--workers", type=int, default=None,
                       help="run chunks on a local pool of N processes")
    where.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="run chunks on an existing Dask cluster, e.g. tcp://host:8786")
    where.add_argument("--dask-local", metavar="N", type=int, default=None,
                       help="start a local Dask cluster of N workers and run chunks on it")
    sweep.add_argument("--connect-timeout", metavar="SECONDS", type=float,
                       default=DEFAULT_CONNECT_TIMEOUT,
                       help="how long to wait for the --scheduler to answer (default "
                            f"{DEFAULT_CONNECT_TIMEOUT:g} s)")
    add_limits(p.add_argument_group("limits and output folders"))
    return p


def main(argv: list[str] | None = None) -> int:
    """``run.py SCENARIO`` or ``run.py SWEEP``: the flags checked (one line and exit 2 for a
    bad one), then the run; its exit status."""
    args = build_parser().parse_args(argv)
    if args.describe:
        print(parameter_table())
        return 0
    if args.scenario is None:
        return fail("no scenario file given (try: python run.py scenarios/kerry_lavrov.yaml)")
    if args.replications is not None and args.replications < 1:
        return fail(f"--replications must be at least 1 (got {args.replications})")
    if args.seed < 0:
        return fail(f"--seed must be a non-negative integer (got {args.seed})")
    for flag in ("workers", "dask_local"):
        if getattr(args, flag) is not None and getattr(args, flag) < 1:
            return fail(f"--{flag.replace('_', '-')} must be at least 1 "
                        f"(got {getattr(args, flag)})")
    most = MAX_WORKERS_PER_CORE * (os.cpu_count() or 1)
    for flag in ("workers", "dask_local"):
        if (getattr(args, flag) or 0) > most:
            return fail(f"--{flag.replace('_', '-')} {getattr(args, flag)} is more than the "
                        f"{most} processes this machine can use ({MAX_WORKERS_PER_CORE} per "
                        "core: more only add memory); use --scheduler for a larger cluster")
    if not 0 < args.connect_timeout <= 600:
        return fail(f"--connect-timeout must be between 0 and 600 seconds "
                    f"(got {args.connect_timeout:g})")
    if not 0 < args.max_hours < 1e6:
        return fail(f"--max-hours must be positive (got {args.max_hours:g})")
    with sigterm_interrupts():
        return guarded(lambda: _main(args, argv),
                       "use fewer replications (-r) or a sweep on a Dask cluster")


def _main(args, argv) -> int:
    args.scenario = str(find(args.scenario))   # a shipped scenario's name, or a path
    overrides = parse_overrides(args.overrides)
    if is_sweep_file(args.scenario):
        if args.story is not None:
            raise ScenarioError(args.scenario, "--story", "stories are of a scenario's "
                                "replications; a sweep has points")
        if args.compare or args.no_compare:
            raise ScenarioError(args.scenario, "--compare/--no-compare", "comparisons are for "
                                "scenario files; a sweep compares its own points")
        return sweep.run(args, overrides, argv)
    if args.workers or args.scheduler or args.dask_local:
        raise ScenarioError(args.scenario, "--workers/--scheduler/--dask-local",
                            "executors are for sweep files (with a 'sweep:' section)")
    scenario = load_scenario(args.scenario, overrides)
    compared = _compared(args, overrides)
    args.replications = args.replications or DEFAULT_REPLICATIONS
    if args.story is not None:
        args.story = choice(args.story, args.replications, args.scenario)
    chosen = constants_of(args)
    scenario, *others = chosen.apply([scenario, *(sc for _, sc in compared)])
    compared = list(zip((file for file, _ in compared), others, strict=True))

    resolved = scenario.model_dump(mode="json")
    identity = [resolved, args.seed, args.replications, chosen.source]
    if compared:   # a run without comparisons keeps the folder name it always had
        identity.append([[str(f), sc.model_dump(mode="json")] for f, sc in compared])
    fingerprint = job.fingerprint(identity)
    out = args.out or job.default_folder(Path(args.scenario).stem, fingerprint)
    worlds = args.replications * (1 + len(compared))   # every scenario's replications
    # its charts: survival, violence, fronts, trust, triggers, aid, and the comparison's
    figures = 0 if args.no_charts else (6 + bool(compared)) * len(args.formats)
    check_run(args.scenario, scenario, compared, worlds, args.max_hours, out, figures)
    with job.folder(out, "scenario", fingerprint, args.force) as staging:
        return _run_main(args, argv, scenario, resolved, overrides, fingerprint, out,
                         staging.path, staging, chosen, compared)


def _compared(args, overrides: dict) -> list[tuple[Path, Scenario]]:
    """The files compared with the scenario, each once: its counterfactuals (unless
    --no-compare), then those given by --compare; loaded with the command line's overrides
    beneath their own settings."""
    files = ([] if args.no_compare else counterfactuals_of(args.scenario)) + args.compare
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return [(file, load_counterfactual(file, overrides)) for file in unique.values()]


def _run_main(args, argv, scenario, resolved, overrides, fingerprint, out: Path,
              stage: Path, staging: Staging, chosen: Constants, compared: list) -> int:
    """Simulate the scenario and those compared with it side by side, then write
    everything into ``stage`` and move it to ``out`` at the end."""
    started = time.perf_counter()
    with progress(args.replications * (1 + len(compared)), args.quiet, 5000) as advance:
        results, *others = run_compared([scenario, *(sc for _, sc in compared)],
                                        args.replications, args.seed, progress=advance,
                                        posterior=chosen.draws)
    elapsed = time.perf_counter() - started
    summary = summarize(results)
    comparisons, own = with_pairing(
        compare(results, [(r, sc.name, file)
                          for r, (file, sc) in zip(others, compared, strict=True)]),
        scenario, [sc for _, sc in compared], args.seed)

    command = command_line(argv)
    try:
        frames = {"replications": results.replication_table(),
                  "daily": results.daily_table()}
        if results.draw is not None:
            frames["draws"] = draw_table(results, chosen.draws)
        if comparisons:
            frames["comparison"] = comparison_table(comparisons)
        tables = job.write_tables(frames, stage)
        manifest = {
            "kind": "scenario", "scenario_file": str(args.scenario), "overrides": overrides,
            "seed": args.seed, "replications": args.replications, "block_size": BLOCK,
            "fingerprint": fingerprint, "seconds": round(elapsed, 3),
            "versions": package_versions(), "scenario": resolved,
            "constants": chosen.manifest(args.replications),
            "compared": [{"file": str(file), "name": sc.name,
                          **({"own_model": own[i]} if i in own else {})}
                         for i, (file, sc) in enumerate(compared)],
        }
        charts = {}
        if not args.no_charts:
            files_backend()
            charts = all_charts(results, summary, stage, Labels.of(scenario), args.formats)
            if comparisons:
                charts["Changes to the deal against this scenario"] = save_figure(
                    comparison_forest(comparisons, summary), stage / "comparison.png",
                    args.formats)
        manifest["charts"] = chart_files(charts, args.formats)
        job.write_manifest(stage, manifest)
        report = write_markdown(summary, charts, tables, stage, command,
                                chosen.words(args.replications), comparisons)
        write_html(report)
        if args.story is not None:
            story_file, story = tell(args.story, results, scenario, args.seed,
                                     args.replications, chosen.draws, report)
        staging.commit()
    except OSError as exc:
        return cannot_write(out, exc)

    also = f" (and as many of each of {len(compared)} compared)" if compared else ""
    print(f"{summary.scenario} — {args.replications} replications{also}, seed {args.seed}, "
          f"{elapsed:.1f} s")
    for line in summary_lines(summary):
        print(line)
    if comparisons:
        print()
        for line in comparison_lines(comparisons, summary.duration_days):
            print(line)
    if args.story is not None:
        print()
        print("\n".join(story))
        print(f"  ... the whole story: {out / story_file.name}")
    formats = sorted({p.suffix.lstrip(".") for p in tables})
    names = sorted({p.stem for p in tables})
    print(f"Wrote {out}/ ({report.name}, {REPORT}, {len(names)} tables in {' and '.join(formats)}, "
          f"{len(charts)} charts)")
    return 0


def parse_overrides(items: list[str]) -> dict:
    overrides = {}
    for item in items:
        path, sep, value = item.partition("=")
        if not sep or not path:
            raise ScenarioError("command line", "--set", f"expected PATH=VALUE, got {item!r}")
        overrides[path.strip()] = parse_value(value)
    return overrides
