"""``python run.py compare A.yaml B.yaml ...``: scenarios side by side, each against the first.

The main job compares a scenario with its own counterfactuals; this command compares
whatever files an analyst chooses (drafts of a deal, another truce's terms on the same
conflict), in one ``run_compared`` call: the same seed, replications and posterior draws
for all, replication r of each on the same random numbers, so each difference to the
first is paired. It writes a table (``comparison.csv`` and ``.parquet``: each scenario's
survival and median collapse day with both intervals, main trigger, and its paired
difference to the first), two charts and a ``summary.md`` that says which single change
helps most and how sure the model is. Bad input is one line and exit status 2, as in the
main job, whose checks, posterior, output folders and tables this reuses.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.analysis.comparison import compare, scenario_table, with_pairing
from sim.analysis.summary import summarize
from sim.present.charts.backend import files_backend
from sim.present.charts.figures import chart_files, save_figure
from sim.present.charts.comparison import comparison_forest, survival_by_scenario
from sim.present.commands.common import (add_output_flags, bad_flags, cannot_write, check_run,
                                         command_line, constants_of, fail, guarded, progress)
from sim.present.wording.comparison import (best_change, best_change_line, comparison_lines,
                                            comparison_markdown, in_short, most_helpful,
                                            scenario_lines, scenarios_markdown)
from sim.present.wording.html import write_html
from sim.present.wording.summary import how_sure, write_summary
from sim.run import job
from sim.run.experiment import run_compared
from sim.run.job import DEFAULT_REPLICATIONS, DEFAULT_SEED, Constants
from sim.run.outdir import Staging
from sim.run.provenance import package_versions
from sim.run.seeding import BLOCK
from sim.scenario.loading import ScenarioError, load_scenario
from sim.scenario.sweep import is_sweep_file


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run.py compare",
        description="Run scenarios side by side (the same seed, replications and posterior "
                    "draws: paired) and say how each differs from the first, and which change "
                    "helps most.",
        epilog="e.g. python run.py compare scenarios/kerry_lavrov.yaml "
               "scenarios/counterfactuals/*.yaml")
    p.add_argument("files", nargs="*", type=Path, metavar="FILE",
                   help="scenario files (YAML): the reference first, then those compared "
                        "with it; all must share their time and de facto window (one "
                        "that differs in the conflict's facts runs in a model of its own, "
                        "its streams paired by name)")
    p.add_argument("-r", "--replications", type=int, default=DEFAULT_REPLICATIONS,
                   help=f"replications of each scenario (default {DEFAULT_REPLICATIONS})")
    p.add_argument("-s", "--seed", type=int, default=DEFAULT_SEED,
                   help=f"root seed; same seed and replications, same results "
                        f"(default {DEFAULT_SEED})")
    p.add_argument("-o", "--out", type=Path, default=None,
                   help="output folder (default: output/compare-<fingerprint>, after the "
                        "scenarios, seed and replications)")
    add_output_flags(p, "replication r of every scenario runs under the same draw")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if len(args.files) < 2:
        return fail("compare: expected at least two scenario files, the reference first "
                    "(e.g. python run.py compare scenarios/kerry_lavrov.yaml "
                    "scenarios/counterfactuals/*.yaml)")
    bad = bad_flags(args)
    if bad:
        return fail(bad)
    return guarded(lambda: _main(args, argv))


def _main(args, argv: list[str]) -> int:
    for file in args.files:
        if is_sweep_file(file):   # also: a missing or unreadable file, in one line
            raise ScenarioError(file, "sweep", "a scenario file; a sweep compares its own "
                                "points (python run.py SWEEP.yaml)")
    chosen = constants_of(args)
    scenarios = chosen.apply([load_scenario(file) for file in args.files])
    identity = [[[str(f), sc.model_dump(mode="json")] for f, sc in zip(args.files, scenarios)],
                args.seed, args.replications, chosen.source]
    fingerprint = job.fingerprint(identity)
    out = args.out or job.default_folder("compare", fingerprint)
    check_run(args.files[0], scenarios[0], list(zip(args.files[1:], scenarios[1:])),
              args.replications * len(scenarios), args.max_hours, out,
              0 if args.no_charts else 2 * len(args.formats))
    with job.folder(out, "compare", fingerprint, args.force) as staging:
        manifest = {"kind": "compare", "files": [str(f) for f in args.files],
                    "seed": args.seed, "replications": args.replications,
                    "block_size": BLOCK, "fingerprint": fingerprint,
                    "versions": package_versions(),
                    "scenarios": [sc.model_dump(mode="json") for sc in scenarios]}
        return _run(args, argv, scenarios, chosen, manifest, out, staging.path, staging)


def _run(args, argv, scenarios, chosen: Constants, manifest: dict, out: Path,
         stage: Path, staging: Staging) -> int:
    """Simulate the scenarios side by side, then write everything into ``stage`` and move it
    to ``out`` at the end."""
    files = args.files
    started = time.perf_counter()
    with progress(args.replications * len(scenarios), args.quiet, 5000) as advance:
        results = run_compared(scenarios, args.replications, args.seed, progress=advance,
                               record_daily=False, posterior=chosen.draws)
    elapsed = time.perf_counter() - started
    summaries = [summarize(r) for r in results]
    comparisons, own = with_pairing(
        compare(results[0], [(r, sc.name, f) for r, sc, f in
                             zip(results[1:], scenarios[1:], files[1:], strict=True)]),
        scenarios[0], scenarios[1:], args.seed)
    best, second = most_helpful(comparisons)
    ranking = None
    if second is not None:   # the best against the next best, paired like the rest
        ranking = compare(results[1 + comparisons.index(second)],
                          [(results[1 + comparisons.index(best)], best.name, best.file)])[0]
    manifest |= {"seconds": round(elapsed, 3), "constants": chosen.manifest(args.replications)}
    if own:     # the files that ran in a model of their own, paired by stream name
        manifest["own_models"] = {str(files[1 + i]): v for i, v in own.items()}
    command = command_line(argv, "compare")
    try:
        tables = job.write_tables({"comparison": scenario_table(summaries, files, comparisons)},
                                  stage)
        charts = {}
        if not args.no_charts:
            files_backend()
            charts["Survival of each scenario"] = save_figure(
                survival_by_scenario(summaries, files), stage / "survival_by_scenario.png",
                args.formats)
            charts["Each against the first, paired"] = save_figure(
                comparison_forest(comparisons, summaries[0], against=Path(files[0]).name),
                stage / "comparison.png", args.formats)
        manifest["charts"] = chart_files(charts, args.formats)
        job.write_manifest(stage, manifest)
        write_html(_write_markdown(summaries, files, comparisons, ranking, charts, tables,
                                   stage, command, chosen.words(args.replications)))
        staging.commit()
    except OSError as exc:
        return cannot_write(out, exc)

    print(f"{len(scenarios)} scenarios side by side — {args.replications} replications each, "
          f"seed {args.seed}, {elapsed:.1f} s")
    for line in scenario_lines(summaries, files):
        print(line)
    print()
    for line in comparison_lines(comparisons, summaries[0].duration_days,
                                 against=Path(files[0]).name):
        print(line)
    print(best_change_line(comparisons, ranking))
    print(f"Wrote {out}/ (summary.md, report.html, comparison.csv and .parquet, "
          f"{len(charts)} charts)")
    return 0


def _write_markdown(summaries, files, comparisons, ranking, charts: dict[str, Path],
                    tables: list[Path], folder: Path, command: str, constants: str) -> Path:
    """``summary.md``: the answer (which change helps most, how sure), the scenarios side by
    side, each change in words with the verdicts, how the intervals are made, charts."""
    s0 = summaries[0]
    reference = f"**{s0.scenario}** (`{Path(files[0]).name}`)"
    out = [f"# {len(summaries)} scenarios side by side, each against {s0.scenario}", "",
           f"Command: `{command}`", "", f"Behavioural constants: {constants}.", "",
           "## In short", "",
           best_change(comparisons, ranking, reference, s0.duration_days), "",
           " ".join(in_short(comparisons)), "",
           "## The scenarios", "", f"{s0.replications} replications each, the same random "
           "numbers and posterior draws, so the differences to the first are paired"
           + (" (by stream name for those that differ in the conflict's facts, below)."
              if any(c.apart for c in comparisons) else "."), ""]
    out += scenarios_markdown(summaries, files, comparisons) + [""]
    out += comparison_markdown(comparisons, s0.duration_days, against=reference)
    out += [how_sure(s0), ""]
    return write_summary(out, charts, tables, folder)
