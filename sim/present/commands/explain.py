"""``python run.py explain SCENARIO``: why does this truce hold, or fail? What the answer
hangs on, value by value.

Each numeric fact and term the scenario states (actors, regions, mechanisms, the
precedent, harm) is set to x0.5, x0.9, x1.1 and x1.5 of its value, one at a time, and
run beside the unchanged scenario on the same replications, seeds and posterior draws
(``sim.analysis.probe``); ``--constants`` probes the behavioural constants too (at the
posterior median). Written: ``explain.csv`` and ``.parquet`` (a row per value and
factor, the paired difference of survival with its 95% interval), ``explain.png`` (the
tornado chart of the largest movers), ``summary.md`` and ``manifest.json``. Bad input is
one line and exit status 2, as in the main job, whose checks and folders this reuses.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.analysis import probe
from sim.present.charts.backend import files_backend
from sim.present.charts.figures import chart_files, save_figure
from sim.present.charts.probe import tornado
from sim.present.commands.common import (add_output_flags, bad_flags, cannot_write, check_run,
                                         command_line, constants_of, fail, guarded, progress)
from sim.present.commands.main import parse_overrides
from sim.present.wording.probe import findings, markdown, probe_table
from sim.present.wording.summary import write_summary
from sim.run import job
from sim.run.job import DEFAULT_SEED
from sim.run.provenance import package_versions
from sim.run.seeding import BLOCK
from sim.scenario.catalogue import find
from sim.scenario.loading import ScenarioError, load_scenario
from sim.scenario.sweep import is_sweep_file

DEFAULT_REPLICATIONS = 500


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run.py explain",
        description="Probe each fact and term of a scenario one at a time (x0.5, x0.9, x1.1, "
                    "x1.5), paired with the unchanged scenario, and rank what its survival "
                    "hangs on.",
        epilog="e.g. python run.py explain scenarios/kerry_lavrov.yaml -r 500")
    p.add_argument("scenario", help="scenario file (YAML) or a shipped scenario's name")
    p.add_argument("-r", "--replications", type=int, default=DEFAULT_REPLICATIONS,
                   help=f"replications of each variant (default {DEFAULT_REPLICATIONS})")
    p.add_argument("-s", "--seed", type=int, default=DEFAULT_SEED,
                   help=f"root seed (default {DEFAULT_SEED})")
    p.add_argument("-o", "--out", type=Path, default=None,
                   help="output folder (default: output/explain-<scenario>-<fingerprint>)")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="PATH=VALUE", help="override a value first, as in the main job")
    p.add_argument("--only", action="append", default=[], metavar="PREFIX",
                   help="probe only the values whose path starts with PREFIX (repeatable), "
                        "e.g. --only actors.russia")
    p.add_argument("--constants", action="store_true",
                   help="probe the behavioural constants too (at the posterior median)")
    add_output_flags(p, "every variant runs under the same draws")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    bad = bad_flags(args, least=2, why=": a paired interval needs two")
    if bad:
        return fail(bad)
    return guarded(lambda: _main(args, argv), "use fewer replications (-r) or --only")


def _main(args, argv: list[str]) -> int:
    args.scenario = str(find(args.scenario))
    if is_sweep_file(args.scenario):
        raise ScenarioError(args.scenario, "sweep", "a scenario file; a sweep varies its own "
                            "values (python run.py SWEEP.yaml)")
    overrides = parse_overrides(args.overrides)
    if args.constants:
        args.point = True                # constants are probed at the posterior median
    chosen = constants_of(args)
    scenario = chosen.apply([load_scenario(args.scenario, overrides)])[0]
    paths = probe.fact_paths(scenario) + (probe.constant_paths() if args.constants else [])
    if args.only:
        paths = [p for p in paths if any(p.startswith(prefix) for prefix in args.only)]
        if not paths:
            raise ScenarioError(args.scenario, "--only", "a prefix of at least one numeric, "
                                f"non-zero value (got {', '.join(args.only)})")
    planned = probe.plan(args.scenario, paths, chosen, overrides)
    identity = [scenario.model_dump(mode="json"), paths, args.seed, args.replications,
                chosen.source]
    fingerprint = job.fingerprint(identity)
    out = args.out or job.default_folder(f"explain-{Path(args.scenario).stem}", fingerprint)
    check_run(args.scenario, scenario, [], args.replications * planned.worlds, args.max_hours,
              out, 0 if args.no_charts else len(args.formats))
    with job.folder(out, "explain", fingerprint, args.force) as staging:
        started = time.perf_counter()
        with progress(args.replications * planned.worlds, args.quiet, 5000) as advance:
            survival, probes = probe.run(planned, args.replications, args.seed, chosen,
                                         advance)
        elapsed = time.perf_counter() - started
        manifest = {"kind": "explain", "scenario_file": args.scenario, "overrides": overrides,
                    "paths": paths, "factors": list(probe.FACTORS), "seed": args.seed,
                    "replications": args.replications, "block_size": BLOCK,
                    "fingerprint": fingerprint, "seconds": round(elapsed, 3),
                    "versions": package_versions(),
                    "constants": chosen.manifest(args.replications),
                    "scenario": scenario.model_dump(mode="json")}
        return _write(args, argv, planned.base, survival, probes, chosen, manifest, out,
                      staging, elapsed)


def _write(args, argv, base, survival: float, probes, chosen, manifest, out: Path, staging,
           elapsed) -> int:
    stage = staging.path
    duration = base.time.duration_days
    try:
        tables = job.write_tables({"explain": probe_table(probes)}, stage)
        charts = {}
        if not args.no_charts and probes:
            files_backend()
            charts["What survival hangs on"] = save_figure(
                tornado(probes, duration, survival), stage / "explain.png", args.formats)
        manifest["charts"] = chart_files(charts, args.formats)
        job.write_manifest(stage, manifest)
        zero = probe.zero_facts(base)
        lines = [f"# What the survival of {base.name} hangs on", "",
                 f"Command: `{command_line(argv, 'explain')}`", "",
                 f"Behavioural constants: {chosen.words(args.replications)}.", "",
                 "## In short", "", *findings(probes, survival, duration), "",
                 "## Every value probed", "",
                 f"Each value alone at x0.5, x0.9, x1.1 and x1.5 (clipped to its declared "
                 f"range: 'at bound'), {args.replications} replications each, paired with "
                 "the unchanged scenario (the same seeds and draws): the change of survival "
                 f"to day {duration:g}, in points. '(alone)': a variant whose structure "
                 "or presences differ ran in a model of its own on the same seeds, its "
                 "random streams paired by name.", "", *markdown(probes), ""]
        if zero:
            lines += [f"Not probed, at zero (a factor cannot move them; a sweep can): "
                      f"{', '.join(f'`{p}`' for p in zero)}.", ""]
        write_summary(lines, charts, tables, stage)
        staging.commit()
    except OSError as exc:
        return cannot_write(out, exc)
    print(f"{base.name}: {len(probes)} values probed one at a time, {args.replications} "
          f"replications each, seed {args.seed}, {elapsed:.1f} s")
    for line in findings(probes, survival, duration):
        print(line)
    print(f"Wrote {out}/ (summary.md, explain.csv and .parquet, {len(charts)} chart"
          f"{'s' if len(charts) != 1 else ''})")
    return 0

