"""``python run.py calibrate calibration/calibration.yaml``: estimate the behavioural
constants from the historical truces, and report how well they are pinned down. A file
that names a ``corpus:`` (``calibration/corpus.yaml``) is a calibration across the corpus
(``sim.present.commands.calibrate_corpus``).

Runs (or resumes: the search's generations are kept in a database under
``<out>/.work/``) the ABC-SMC search of ``sim.calibration.abc``, writes the
equally weighted posterior sample with its manifest, runs the posterior (and
prior) predictive checks and writes the report (``report/calibration.md`` and
its charts). Bad input is one line and exit status 2, like the main job.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

from sim.calibration.abc import PatternSimulator, calibrate, prior_sample
from sim.calibration.posterior import write_posterior
from sim.calibration.corpus_spec import is_corpus_file
from sim.calibration.spec import load_calibration
from sim.present.charts.backend import files_backend
from sim.present.commands import calibrate_corpus
from sim.present.commands.common import fail, interrupted_status
from sim.present.wording.calibration import write_report
from sim.run import limits
from sim.run.executors import make_executor
from sim.run.limits import DEFAULT_MAX_HOURS
from sim.run.posterior import load_posterior
from sim.run.provenance import package_versions
from sim.scenario.loading import ScenarioError, read_text


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run.py calibrate",
        description="Estimate the behavioural constants shared by every truce against the "
                    "historical patterns of a calibration file (ABC-SMC), and report.")
    p.add_argument("file", help="calibration file, e.g. calibration/calibration.yaml")
    p.add_argument("-o", "--out", type=Path, default=None,
                   help="where the posterior and report go (default: the file's folder)")
    p.add_argument("-w", "--workers", type=int, default=2,
                   help="processes simulating particles (default 2)")
    p.add_argument("--report-only", action="store_true",
                   help="redo the predictive checks and report from the existing posterior")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    p.add_argument("--max-hours", type=float, default=DEFAULT_MAX_HOURS,
                   help="refuse a search estimated to take longer than this here (default "
                        f"{DEFAULT_MAX_HOURS:g}); the estimate is printed before it starts")
    return p


def work(cal, workers: int) -> limits.Estimate:
    """The whole search's work, at most: every screening draw, every particle of its budget
    and the two predictive checks, each running every truce's replications, particles
    stacked ``batch`` at a time on the replication axis (as ``sim.calibration.abc`` runs
    them). Stored batches of a resumed search are not subtracted, so it is an upper bound."""
    s = cal.search
    particles = s.screening.particles + s.simulations + 2 * s.draws
    batches = math.ceil(particles / s.batch)
    each = [limits.estimate(sc, cal.replications[name] * s.batch, points=batches, daily=False,
                            workers=workers) for name, sc in cal.scenarios.items()]
    return limits.Estimate(steps=max(e.steps for e in each), work=sum(e.work for e in each),
                           seconds=sum(e.seconds for e in each),
                           memory=max(e.memory for e in each), disk=sum(e.disk for e in each))


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _main(args, argv)
    except ScenarioError as exc:
        return fail(str(exc))
    except KeyboardInterrupt as exc:
        print("\ninterrupted: finished batches are kept; run the same command again to "
              "resume", file=sys.stderr)
        return interrupted_status(exc)


def _main(args, argv) -> int:
    if args.workers < 1:
        raise ScenarioError("command line", "--workers", "at least 1")
    if is_corpus_file(args.file):
        if args.report_only:
            raise ScenarioError("command line", "--report-only", "not for a corpus "
                                "calibration: run it again, it reuses every stored task")
        return calibrate_corpus.run(args, argv)
    cal = load_calibration(args.file)
    if not args.report_only:
        try:
            import pyabc  # noqa: F401 - the search's library, an optional extra
        except ImportError:
            raise ScenarioError(args.file, "search", "pyabc, an optional extra: pip "
                                "install 'ceasefire-sim[calibration]'") from None
    if not args.report_only:
        estimate = work(cal, args.workers)
        limits.check(estimate, args.file, parallel=args.workers, max_hours=args.max_hours,
                     sweep=True)
        if not args.quiet:
            print(f"estimated: at most {limits.describe(estimate, args.workers)} on "
                  f"{args.workers} worker(s); a resumed search reuses what it stored",
                  file=sys.stderr)
    out = args.out or cal.path.parent
    try:
        (out / ".work").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScenarioError(out, "--out", f"a folder that can be written ({exc})") from None
    log = (lambda _: None) if args.quiet else (lambda m: print(m, flush=True))

    posterior_file = out / "posterior.csv"
    started = time.perf_counter()
    with make_executor(workers=args.workers) as executor:
        if args.report_only:
            posterior = load_posterior(posterior_file)
            manifest = _manifest(posterior_file.with_suffix(".json"))
            missing = {p.path for p in cal.priors} - set(posterior.paths)
            if missing:
                raise ScenarioError(posterior_file, sorted(missing)[0], "a column for every "
                                    "constant the calibration file estimates")
        else:
            database = out / ".work" / f"abc-{cal.fingerprint}.db"
            posterior, search = calibrate(cal, database, executor, args.workers, log)
            manifest = {
                "kind": "posterior", "calibration_file": str(args.file),
                "fingerprint": cal.fingerprint, "seed": cal.search.seed,
                "replications": cal.replications, "draws": posterior.size,
                "search": search, "seconds": round(time.perf_counter() - started, 1),
                "workers": args.workers,
                "command": "python run.py calibrate " + " ".join(argv),
                "versions": package_versions() | _version("pyabc"),
                "patterns": [p.name for p in cal.patterns],
                "fixed": cal.fixed,
            }
            write_posterior(posterior_file, posterior, manifest)
            log(f"posterior: {posterior.size} draws -> {posterior_file}")
        log("predictive checks: the patterns under the posterior and under the prior")
        simulator = PatternSimulator(cal, executor, args.workers)
        seed = cal.search.seed + 1
        checks = {"posterior": simulator(_search_order(cal, posterior), seed, independent=True),
                  "prior": simulator(prior_sample(cal, posterior.size, seed), seed + 1,
                                     independent=True)}
    files_backend()
    report = write_report(cal, posterior, checks, manifest, out / "report")
    log(f"report: {report}")
    return 0


def _manifest(path: Path) -> dict:
    """The posterior's manifest, or one line saying what is wrong with it."""
    try:
        manifest = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ScenarioError(path, "(top level)", f"the manifest's JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise ScenarioError(path, "(top level)", "a JSON object (the posterior's manifest)")
    return manifest


def _search_order(cal, posterior) -> np.ndarray:
    """The posterior's values in the calibration's order of constants."""
    index = [posterior.paths.index(p.path) for p in cal.priors]
    return posterior.values[:, index]


def _version(package: str) -> dict[str, str]:
    try:
        return {package: metadata.version(package)}
    except metadata.PackageNotFoundError:
        return {package: "unknown"}
