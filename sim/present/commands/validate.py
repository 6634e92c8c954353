"""``python run.py validate [CORPUS_DIR]``: the model scored against history, beside a
statistical yardstick.

Runs the model on every truce of a corpus (default ``truces/``: one folder each with
``scenario.yaml`` and ``outcomes.yaml``) under the shipped posterior, at stated
replications and seed, and scores its predictive distribution of each truce's end
against what happened, side by side with the corpus's own base rate and a small survival
regression on the deal's features, both fitted leave-one-out (``sim.analysis``). Writes
``validation.csv`` (a row per truce), ``predictions.csv`` (every replication's collapse
day and ending), ``scores.csv`` (the means, the model minus the base rate with bootstrap
intervals), ``survival.png``, ``summary.md`` and ``manifest.json`` into
``output/validate-<fingerprint>/``, through the main job's checks, lock and staging. Bad
input is one line and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.analysis.predictive import SMOOTHING
from sim.analysis import yardstick
from sim.present.charts.backend import files_backend
from sim.present.charts.figures import chart_files, save_figure
from sim.present.commands.common import (add_output_flags, bad_flags, cannot_write,
                                         command_line, constants_of, fail, guarded, progress)
from sim.present.commands.main import parse_overrides
from sim.present.validation import validate
from sim.present.wording.summary import write_summary
from sim.present.wording.validation import in_short, summary_lines
from sim.run import job, limits
from sim.run.job import DEFAULT_SEED, Constants
from sim.run.outdir import Staging, prepare
from sim.run.provenance import package_versions
from sim.run.seeding import BLOCK
from sim.scenario.corpus import load_corpus
from sim.scenario.loading import ScenarioError

DEFAULT_CORPUS = Path("truces")
DEFAULT_REPLICATIONS = 400


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run.py validate",
        description="Run the model on every truce of a corpus and score its predictions "
                    "of how each ended against what happened, beside the corpus's base rate "
                    "and a survival regression on the deals' features (leave-one-out).",
        epilog="e.g. python run.py validate truces/ -r 400")
    p.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS,
                   help="folder of truces, one subfolder each with scenario.yaml and "
                        f"outcomes.yaml (default {DEFAULT_CORPUS}/)")
    p.add_argument("-r", "--replications", type=int, default=DEFAULT_REPLICATIONS,
                   help=f"replications of each truce (default {DEFAULT_REPLICATIONS})")
    p.add_argument("-s", "--seed", type=int, default=DEFAULT_SEED,
                   help=f"root seed, the same for every truce (default {DEFAULT_SEED})")
    p.add_argument("-o", "--out", type=Path, default=None,
                   help="output folder (default: output/validate-<fingerprint>)")
    p.add_argument("--reference", type=Path, default=None, metavar="DIR",
                   help="fit the yardstick on this corpus instead (e.g. truces/ when "
                        "scoring held-out truces); a truce of both is left out of its own fit")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="PATH=VALUE",
                   help="a behavioural constant for every truce, e.g. --set "
                        "behaviour.party.regroup_days=60 (repeatable; it replaces the "
                        "posterior's draws of that constant; facts and terms come from the "
                        "truces' files)")
    add_output_flags(p, "replication r under draw r mod D")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    bad = bad_flags(args)
    if bad:
        return fail(bad)
    return guarded(lambda: _main(args, argv))


def _main(args, argv: list[str]) -> int:
    corpus = load_corpus(args.corpus, parse_overrides(args.overrides))
    reference = load_corpus(args.reference) if args.reference is not None else None
    for folder, why in corpus.skipped:
        print(f"warning: {folder}: {why}; not scored", file=sys.stderr)
    if not yardstick.available():
        raise ScenarioError(args.corpus, "validate", f"expected lifelines, an optional "
                            f"extra: {yardstick.INSTALL}")
    chosen = constants_of(args)
    scenarios = chosen.apply([t.scenario for t in corpus.truces])
    fingerprint = _fingerprint(corpus, reference, scenarios, args, chosen.source)
    out = args.out or job.default_folder("validate", fingerprint)
    _check(corpus, scenarios, args, out)
    with job.folder(out, "validate", fingerprint, args.force) as staging:
        return _run(args, argv, corpus, reference, scenarios, chosen, fingerprint, out,
                    staging.path, staging)


def _fingerprint(corpus, reference, scenarios, args, source: dict) -> str:
    def truces(c):
        return None if c is None else [[t.id, t.outcome.model_dump(mode="json")]
                                       for t in c.truces]
    identity = [[[t.id, sc.model_dump(mode="json")] for t, sc in zip(corpus.truces, scenarios)],
                truces(corpus), truces(reference), args.seed, args.replications, source]
    return job.fingerprint(identity)


def _check(corpus, scenarios, args, out: Path) -> None:
    """Refuse, before any work, a corpus beyond the time budget or an unwritable folder."""
    each = [limits.estimate(sc, args.replications, daily=False) for sc in scenarios]
    total = limits.Estimate(steps=max(e.steps for e in each), work=sum(e.work for e in each),
                            seconds=sum(e.seconds for e in each),
                            memory=max(e.memory for e in each), disk=sum(e.disk for e in each))
    limits.check(total, args.corpus, max_hours=args.max_hours)
    prepare(out)
    limits.check_disk(total, out)
    if total.seconds >= 60:
        print(f"estimated: {limits.describe(total)} for {len(scenarios)} truces",
              file=sys.stderr)


def _run(args, argv, corpus, reference, scenarios, chosen: Constants, fingerprint, out,
         stage: Path, staging: Staging) -> int:
    with progress(args.replications * len(scenarios), args.quiet, 5000) as advance:
        v = validate(corpus, args.replications, args.seed, chosen.draws, reference, scenarios,
                     advance)
    command = command_line(argv, "validate")
    try:
        tables = []
        for name, frame in (("validation", v.table), ("predictions", v.predictions),
                            ("scores", v.scores)):
            path = stage / f"{name}.csv"
            frame.to_csv(path, index=False)
            tables.append(path)
        manifest = {"kind": "validate", "corpus": str(args.corpus),
                    "truces": [{"id": t.id, "scenario_file": str(t.scenario_path)}
                               for t in corpus.truces],
                    "skipped": [{"folder": str(p), "why": why} for p, why in corpus.skipped],
                    "reference": str(args.reference) if args.reference else None,
                    "seed": args.seed, "replications": args.replications,
                    "block_size": BLOCK, "fingerprint": fingerprint,
                    "seconds": round(v.seconds, 3), "smoothing": SMOOTHING,
                    "versions": package_versions(),
                    "constants": chosen.manifest(args.replications),
                    "overrides": parse_overrides(args.overrides),
                    "scenarios": {t.id: sc.model_dump(mode="json")
                                  for t, sc in zip(corpus.truces, scenarios)}}
        charts = {}
        if not args.no_charts:
            files_backend()
            charts["Predicted survival of each truce, observed day marked"] = save_figure(
                v.plot(), stage / "survival.png", args.formats)
        manifest["charts"] = chart_files(charts, args.formats)
        job.write_manifest(stage, manifest)
        write_summary(summary_lines(v, command, chosen.words(args.replications),
                                    str(args.corpus)), charts, tables, stage)
        staging.commit()
    except OSError as exc:
        return cannot_write(out, exc)
    print(f"Validation against {args.corpus} — {v.seconds:.1f} s")
    for line in in_short(v):
        print(line)
    print(f"Wrote {out}/ (summary.md, validation.csv, predictions.csv, scores.csv, "
          f"{len(charts)} chart{'s' if len(charts) != 1 else ''})")
    return 0
