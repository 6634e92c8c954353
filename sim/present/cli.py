"""The main job: ``python run.py SCENARIO.yaml`` runs its replications and writes a report.

Presentation layer: parses arguments, calls the experiment and analysis
layers, prints the summary and writes tables, charts and ``summary.md``.
Bad input prints one clear line and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

from sim.scenario.loading import ScenarioError, load_scenario, parse_value
from sim.scenario.schema import Scenario
from sim.scenario.sweep import is_sweep_file, load_sweep
from sim.scenario.parameters import parameter_table
from sim.run import limits
from sim.run.executors import DEFAULT_CONNECT_TIMEOUT
from sim.run.limits import DEFAULT_MAX_HOURS
from sim.run.outdir import FolderLock, Staging, claim, clean_leftovers, discard, prepare
from sim.run.provenance import package_versions
from sim.run.seeding import BLOCK

DEFAULT_REPLICATIONS = 2000
DEFAULT_SEED = 20160912   # the day the Kerry–Lavrov truce began
EXIT_BAD_INPUT = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130    # Ctrl-C (128 + SIGINT)
EXIT_TERMINATED = 143     # SIGTERM (128 + SIGTERM)
MAX_WORKERS_PER_CORE = 4


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so it stops like Ctrl-C (workers stopped,
    finished chunks kept) but exits 143."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated


def interrupted_status(exc: BaseException) -> int:
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


def program() -> str:
    """How the user called us, for usage lines: ``run.py``, ``ceasefire`` or ``python -m sim``."""
    name = Path(sys.argv[0]).name
    return "python -m sim" if name == "__main__.py" else name or "ceasefire"


def build_parser() -> argparse.ArgumentParser:
    from importlib.metadata import version
    p = argparse.ArgumentParser(
        prog=program(),
        description="Simulate a ceasefire scenario over many replications and report when "
                    "and why the truce survives or collapses.",
        epilog="Shipped scenarios, by the names that run them: 'scenarios list'. Other "
               "commands (each with --help): 'calibrate FILE' estimates the behavioural "
               "constants from the historical truces; 'compare A.yaml B.yaml ...' runs "
               "scenarios side by side against the first; 'discover SWEEP_OUTPUT' finds "
               "where a sweep's truces survive (PRIM); 'validate [TRUCES_DIR]' scores the "
               "model against historical truces; 'app' serves the truce in a browser.")
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
                              "(same replications, seed and posterior draws: paired), and "
                              "--set applies to them too except where a file sets the value "
                              "itself")
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


def add_limits(group) -> None:
    """--force and --max-hours (the main job's and ``run.py compare``'s)."""
    group.add_argument("--force", action="store_true",
                       help="replace another run's results in --out (never a folder that "
                            "holds anything else)")
    group.add_argument("--max-hours", type=float, default=DEFAULT_MAX_HOURS,
                       help="refuse work estimated to take longer than this here (default "
                            f"{DEFAULT_MAX_HOURS:g}); the estimate is printed with the refusal")


def files_backend() -> None:
    """Charts from the command line are files, not windows: matplotlib's file backend,
    chosen here only (the API and notebooks keep theirs), and only when charts are
    wanted (matplotlib loads then)."""
    import matplotlib
    matplotlib.use("Agg")


#: ``run.py WORD ...``: commands of their own, each a module with a ``main(argv)``.
SUBCOMMANDS = {"calibrate": "sim.present.calibrate", "compare": "sim.present.compare",
               "discover": "sim.present.discover", "app": "sim.present.app_command",
               "validate": "sim.present.validate"}


@contextlib.contextmanager
def sigterm_interrupts():
    """SIGTERM raises ``Terminated`` where the program is, so every command stops on it as on
    Ctrl-C (its own clean-up, a resume hint) and exits 143; the handler before is restored."""
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:      # not the main thread (a test calling main in a thread)
        pass
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    if words[:1] and words[0] in SUBCOMMANDS:
        import importlib
        with sigterm_interrupts():
            return importlib.import_module(SUBCOMMANDS[words[0]]).main(words[1:])
    if words[:1] == ["scenarios"]:
        from sim.present.scenarios import main as scenarios
        return scenarios(words[1:], program())
    args = build_parser().parse_args(argv)
    if args.describe:
        print(parameter_table())
        return 0
    if args.scenario is None:
        return _fail("no scenario file given (try: python run.py scenarios/kerry_lavrov.yaml)")
    if args.replications is not None and args.replications < 1:
        return _fail(f"--replications must be at least 1 (got {args.replications})")
    if args.seed < 0:
        return _fail(f"--seed must be a non-negative integer (got {args.seed})")
    for flag in ("workers", "dask_local"):
        if getattr(args, flag) is not None and getattr(args, flag) < 1:
            return _fail(f"--{flag.replace('_', '-')} must be at least 1 "
                         f"(got {getattr(args, flag)})")
    most = MAX_WORKERS_PER_CORE * (os.cpu_count() or 1)
    for flag in ("workers", "dask_local"):
        if (getattr(args, flag) or 0) > most:
            return _fail(f"--{flag.replace('_', '-')} {getattr(args, flag)} is more than the "
                         f"{most} processes this machine can use ({MAX_WORKERS_PER_CORE} per "
                         "core: more only add memory); use --scheduler for a larger cluster")
    if not 0 < args.connect_timeout <= 600:
        return _fail(f"--connect-timeout must be between 0 and 600 seconds "
                     f"(got {args.connect_timeout:g})")
    if not 0 < args.max_hours < 1e6:
        return _fail(f"--max-hours must be positive (got {args.max_hours:g})")
    try:
        with sigterm_interrupts():
            return _main(args, argv)
    except ScenarioError as exc:
        return _fail(str(exc))
    except MemoryError:
        print("error: ran out of memory; use fewer replications (-r) or a sweep on a Dask "
              "cluster", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt as exc:
        print("\ninterrupted before any result was written; run the same command again",
              file=sys.stderr)
        return interrupted_status(exc)


def _main(args, argv) -> int:
    from sim.scenario.catalogue import find
    args.scenario = str(find(args.scenario))   # a shipped scenario's name, or a path
    overrides = _parse_overrides(args.overrides)
    if is_sweep_file(args.scenario):
        if args.story is not None:
            raise ScenarioError(args.scenario, "--story", "stories are of a scenario's "
                                "replications; a sweep has points")
        if args.compare or args.no_compare:
            raise ScenarioError(args.scenario, "--compare/--no-compare", "comparisons are for "
                                "scenario files; a sweep compares its own points")
        return _sweep(args, overrides, argv)
    if args.workers or args.scheduler or args.dask_local:
        raise ScenarioError(args.scenario, "--workers/--scheduler/--dask-local",
                            "executors are for sweep files (with a 'sweep:' section)")
    scenario = load_scenario(args.scenario, overrides)
    compared = _compared(args, overrides)
    args.replications = args.replications or DEFAULT_REPLICATIONS
    if args.story is not None:
        from sim.present.story import choice
        args.story = choice(args.story, args.replications, args.scenario)
    posterior, source = _posterior(args)
    if posterior is not None and args.point:
        scenario = posterior.at_median(scenario)
        compared = [(file, posterior.at_median(sc)) for file, sc in compared]
        posterior = None

    resolved = scenario.model_dump(mode="json")
    identity = [resolved, args.seed, args.replications, source]
    if compared:   # a run without comparisons keeps the folder name it always had
        identity.append([[str(f), sc.model_dump(mode="json")] for f, sc in compared])
    fingerprint = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()
                                 ).hexdigest()[:8]
    out = args.out or Path("output") / f"{Path(args.scenario).stem}-{fingerprint}"
    worlds = args.replications * (1 + len(compared))   # every scenario's replications
    _check_run(args.scenario, scenario, compared, worlds, args.max_hours, out)
    with FolderLock(out):
        claim(out, "scenario", fingerprint, args.force)
        clean_leftovers(out)
        staging = Staging(out)
        with staging as stage:
            return _run_main(args, argv, scenario, resolved, overrides, fingerprint, out,
                             stage, staging, posterior, source, compared)


def _compared(args, overrides: dict) -> list[tuple[Path, Scenario]]:
    """The files compared with the scenario, each once: its counterfactuals (unless
    --no-compare), then those given by --compare; loaded with the command line's overrides
    beneath their own settings."""
    from sim.scenario.counterfactuals import counterfactuals_of, load_counterfactual
    files = ([] if args.no_compare else counterfactuals_of(args.scenario)) + args.compare
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return [(file, load_counterfactual(file, overrides)) for file in unique.values()]


def _check_run(file, scenario: Scenario, compared: list[tuple[Path, Scenario]], worlds: int,
               max_hours: float, out: Path) -> None:
    """Refuse, before any work, a run beyond this machine's budget, scenarios that cannot
    run side by side with ``scenario``, or an output folder that cannot be written (one
    line each); say up front what a long run will take."""
    estimate = limits.estimate(scenario, worlds)
    limits.check(estimate, file, max_hours=max_hours)   # before any import
    _check_comparable(file, scenario, compared)
    estimate = limits.refined(scenario, worlds)
    limits.check(estimate, file, max_hours=max_hours)
    prepare(out)
    limits.check_disk(estimate, out)
    _announce(estimate)


def _check_comparable(base_file, scenario: Scenario, compared: list[tuple[Path, Scenario]]
                      ) -> None:
    """A compared file that cannot run side by side with the scenario is one line naming it."""
    from sim.model.model import frame
    base = frame(scenario)
    for file, other in compared:
        if frame(other) != base:
            raise ScenarioError(file, "", (
                f"cannot be compared with {base_file}: it does not share its actors, "
                "regions, camps, time or de facto window (a counterfactual changes the "
                "terms of the deal, not the conflict)"))


def _posterior(args):
    """The posterior the run uses, and what the manifest says of it: (None, reason) for
    hand-set defaults."""
    from sim.calibration.posterior import SHIPPED, load_posterior
    path = args.posterior or SHIPPED
    if args.posterior is None and not SHIPPED.exists():
        return None, {"behaviour": "hand-set defaults (no calibration/posterior.csv)"}
    posterior = load_posterior(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    mode = "posterior median" if args.point else "a draw per replication"
    return posterior, {"behaviour": mode, "posterior": str(path), "sha256": digest}


def _run_main(args, argv, scenario, resolved, overrides, fingerprint, out: Path,
              stage: Path, staging: Staging, posterior, source: dict, compared: list) -> int:
    """Simulate the scenario and those compared with it side by side, then write
    everything into ``stage`` and move it to ``out`` at the end."""
    # The model's stack (Mesa, numpy, pandas) loads only once the input is known good,
    # so bad input is refused at once.
    from sim.analysis.comparison import compare, comparison_table
    from sim.analysis.summary import draw_table, summarize
    from sim.run.experiment import run_compared

    started = time.perf_counter()
    with _progress(args.replications * (1 + len(compared)), args.quiet, 5000) as advance:
        results, *others = run_compared([scenario, *(sc for _, sc in compared)],
                                        args.replications, args.seed, progress=advance,
                                        posterior=posterior)
    elapsed = time.perf_counter() - started
    summary = summarize(results)
    comparisons = compare(results, [(r, sc.name, file)
                                    for r, (file, sc) in zip(others, compared, strict=True)])

    command = "python run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    try:
        frames = {"replications": results.replication_table(),
                  "daily": results.daily_table()}
        if results.draw is not None:
            frames["draws"] = draw_table(results, posterior)
        if comparisons:
            frames["comparison"] = comparison_table(comparisons)
        tables = _write_tables(frames, stage)
        manifest = {
            "kind": "scenario", "scenario_file": str(args.scenario), "overrides": overrides,
            "seed": args.seed, "replications": args.replications, "block_size": BLOCK,
            "fingerprint": fingerprint, "seconds": round(elapsed, 3),
            "versions": package_versions(), "scenario": resolved,
            "constants": source | ({"draws_used": posterior.used(args.replications)}
                                   if posterior is not None else {}),
            "compared": [{"file": str(file), "name": sc.name} for file, sc in compared],
        }
        (stage / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        charts = {}
        if not args.no_charts:
            files_backend()
            from sim.present.charts import all_charts, comparison_forest, save_figure
            charts = all_charts(results, summary, stage)
            if comparisons:
                charts["Changes to the deal against this scenario"] = save_figure(
                    comparison_forest(comparisons, summary), stage / "comparison.png")
        from sim.present.comparison_report import comparison_lines
        from sim.present.report import summary_lines, write_markdown
        report = write_markdown(summary, charts, tables, stage, command,
                                _constants(source, manifest["constants"]), comparisons)
        if args.story is not None:
            from sim.present.story import tell
            story_file, story = tell(args.story, results, scenario, args.seed,
                                     args.replications, posterior, report)
        staging.commit()
    except OSError as exc:
        print(f"error: {out}: cannot write the results ({exc.strerror or exc}); nothing was "
              "written", file=sys.stderr)
        return EXIT_FAILED

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
    print(f"Wrote {out}/ ({report.name}, {len(names)} tables in {' and '.join(formats)}, "
          f"{len(charts)} charts)")
    return 0


def _constants(source: dict, constants: dict) -> str:
    """Where the behavioural constants came from, in words (``summary.md``)."""
    if "posterior" not in source:
        return source["behaviour"]
    if "draws_used" in constants:
        return (f"a draw per replication of the posterior {source['posterior']} "
                f"({constants['draws_used']} draws used)")
    return f"the median of the posterior {source['posterior']}"


def _sweep(args, overrides: dict, argv) -> int:
    """Run a sweep file: chunks to the store (resuming), then the per-point table and charts."""
    from sim.run.executors import ExecutorUnavailable, make_executor, parse_address
    if args.scheduler:
        try:
            parse_address(args.scheduler)   # malformed: refused before anything else
        except ExecutorUnavailable as exc:
            raise ScenarioError(args.scenario, "--scheduler", str(exc)) from None
    executor = make_executor(args.workers, args.scheduler, args.dask_local,
                             args.connect_timeout)
    cores = os.cpu_count() or 1
    parallel = min(cores, args.workers or args.dask_local or 1)
    estimates = {}

    def before_points(base, points: int, replications: int) -> None:
        workers = args.workers or args.dask_local or 1
        for measure in (limits.estimate, limits.refined):   # the constants, then a pilot
            est = measure(base, replications, points, daily=False, workers=workers)
            limits.check(est, args.scenario, parallel=parallel, cluster=bool(args.scheduler),
                         max_hours=args.max_hours, sweep=True)
        estimates["plan"] = est

    posterior, _ = _posterior(args)
    plan = load_sweep(args.scenario, args.seed, overrides, before_points=before_points,
                      behaviour=posterior.median() if posterior is not None else None,
                      replications=args.replications)
    from sim.run.chunks import fingerprint
    out = args.out or Path("output") / f"{Path(args.scenario).stem}-{fingerprint(plan)[:8]}"
    prepare(out)
    limits.check_disk(estimates["plan"], out)
    _announce(estimates["plan"], parallel, bool(args.scheduler))
    with FolderLock(out):
        if claim(out, "sweep", fingerprint(plan), args.force) == "replace":
            try:
                discard(out)
            except OSError as exc:
                raise ScenarioError(out, "--out", f"cannot replace the other run's results "
                                    f"({exc.strerror or exc})") from None
        # connect (or start the pool) before the store is created, so a scheduler that is
        # unreachable, not Dask or without workers leaves the folder as it was
        flag = "--scheduler" if args.scheduler else "--dask-local" if args.dask_local \
            else "--workers"
        with _entered(executor, args.scenario, flag):
            return _run_sweep(args, argv, plan, executor, out)


@contextlib.contextmanager
def _entered(executor, file, flag: str):
    """The executor, entered; failing to enter it is one line (ScenarioError)."""
    from sim.run.executors import ExecutorUnavailable
    try:
        executor.__enter__()
    except ExecutorUnavailable as exc:
        raise ScenarioError(file, flag, str(exc)) from None
    try:
        yield executor
    except BaseException:
        executor.__exit__(*sys.exc_info())
        raise
    executor.__exit__(None, None, None)


def _run_sweep(args, argv, plan, executor, out: Path) -> int:
    from sim.analysis.points import point_table
    from sim.run.chunks import chunks as chunks_of
    from sim.run.chunks import describe
    from sim.run.executors import executor_failures
    from sim.run.experiment import run_sweep
    from sim.run.store import ResultStore, StoreWriteError

    store = ResultStore(out, plan)
    try:
        done = store.open()
    except OSError as exc:
        raise ScenarioError(out, "--out", f"cannot write the store ({exc.strerror or exc})"
                            ) from None
    for name, why in store.rejected[:5]:
        print(f"warning: {out}/chunks/{name} failed verification ({why}); it will be "
              "recomputed", file=sys.stderr)
    if len(store.rejected) > 5:
        print(f"warning: {len(store.rejected) - 5} more stored chunks failed verification "
              "and will be recomputed", file=sys.stderr)
    chunks = chunks_of(plan)
    remaining = sum(c.size for c in chunks if c.key not in done)
    info = describe(plan)
    print(f"{plan.name}: {info['points']} points x {plan.replications} replications "
          f"({info['chunks']} chunks, {len(done)} already stored) on {executor.name}",
          file=sys.stderr)
    started = time.perf_counter()
    resume = "run the same command again to resume"
    try:
        try:
            with _progress(remaining, args.quiet, 0) as advance:
                run_sweep(plan, store, executor, done, progress=advance)
        except BaseException as exc:   # stop the workers at once, then say what happened
            executor.__exit__(type(exc), exc, exc.__traceback__)
            raise
    except KeyboardInterrupt as exc:
        print(f"\ninterrupted: {store.stored()} of {len(chunks)} chunks are stored in {out}/; "
              f"{resume}", file=sys.stderr)
        return interrupted_status(exc)
    except StoreWriteError as exc:
        print(f"error: {out}: {exc.strerror}; {store.stored()} of {len(chunks)} chunks are "
              f"stored; free some space and {resume}", file=sys.stderr)
        return EXIT_FAILED
    except (OSError, *executor_failures()) as exc:
        print(f"error: {executor.name} failed ({type(exc).__name__}: "
              f"{str(exc).splitlines()[0] if str(exc) else ''}); {store.stored()} of "
              f"{len(chunks)} chunks are stored in {out}/; {resume}", file=sys.stderr)
        return EXIT_FAILED
    elapsed = time.perf_counter() - started

    points = point_table(store.points(["replication", "survived", "collapse_day", "trigger",
                                       "jic_activated"]), plan.parameters, plan.values,
                         [sc.time.horizon_days for sc in plan.scenarios])
    from sim.present.report import sensitivity_findings, sweep_findings, write_sweep_markdown
    grid = plan.grid_shape is not None
    findings = sweep_findings(points, plan.parameters, grid)
    indices, sensitivity = None, None
    if plan.global_design is not None:
        from sim.analysis.global_sensitivity import indices as global_indices
        indices = global_indices(points, plan.global_design)
        sensitivity = sensitivity_findings(indices, points, plan.global_design)
    command = "python run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    stage = out / f".final-{os.getpid()}"
    try:   # the outputs are written aside, then moved in one by one (each atomically)
        stage.mkdir()
        points.to_csv(stage / "points.csv", index=False)
        points.to_parquet(stage / "points.parquet", index=False)
        if indices is not None:
            indices.to_csv(stage / "sensitivity.csv", index=False)
        charts = {}
        if not args.no_charts:
            files_backend()
            from sim.present.sweep_charts import sweep_charts
            charts = sweep_charts(points, plan.parameters, plan.base_values, grid, plan.name,
                                  stage, indices)
        write_sweep_markdown(plan.name, info, findings, charts, stage, command, sensitivity)
        if plan.kind == "latin_hypercube" and not args.no_charts:
            from sim.present.discover import sweep_discovery
            lines, written = sweep_discovery(points, plan, stage)
            findings += lines
            charts |= {p.name: p for p in written if p.suffix == ".png"}
        for f in stage.iterdir():
            os.replace(f, out / f.name)
    except OSError as exc:
        print(f"error: {out}: cannot write the results ({exc.strerror or exc}); the chunks "
              f"are stored; {resume}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    print(f"{plan.name} — {info['points']} points x {plan.replications} replications, seed "
          f"{args.seed}, {elapsed:.1f} s on {executor.name}")
    for line in findings + (sensitivity or []):
        print(line)
    tables = "points.csv, points.parquet" + (", sensitivity.csv" if indices is not None else "")
    print(f"Wrote {out}/ (summary.md, {tables}, chunks/, {len(charts)} charts)")
    return 0


def _announce(estimate, parallel: int = 1, cluster: bool = False) -> None:
    """Say up front what a long run will take, so it is never a silent wait."""
    if cluster or estimate.wall(parallel) < 60:
        return
    print(f"estimated: {limits.describe(estimate, parallel)} (--max-hours "
          f"{DEFAULT_MAX_HOURS:g} is the default budget)", file=sys.stderr)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _parse_overrides(items: list[str]) -> dict:
    overrides = {}
    for item in items:
        path, sep, value = item.partition("=")
        if not sep or not path:
            raise ScenarioError("command line", "--set", f"expected PATH=VALUE, got {item!r}")
        overrides[path.strip()] = parse_value(value)
    return overrides


def _write_tables(frames: dict, out: Path) -> list[Path]:
    """Each table (by name) as CSV and Parquet."""
    written = []
    for name, frame in frames.items():
        for suffix in ("csv", "parquet"):
            path = out / f"{name}.{suffix}"
            if suffix == "csv":
                frame.to_csv(path, index=False)
            else:
                frame.to_parquet(path, index=False)
            written.append(path)
    return written


class _progress:
    """A tqdm bar over replications (rate and time left), for runs above a threshold."""

    def __init__(self, total: int, quiet: bool, threshold: int):
        self.total, self.quiet, self.threshold, self.bar = total, quiet, threshold, None

    def __enter__(self):
        if not self.quiet and self.total > self.threshold:
            from tqdm import tqdm
            self.bar = tqdm(total=self.total, unit="rep", file=sys.stderr, leave=False)
        return self.bar.update if self.bar else None

    def __exit__(self, *exc):
        if self.bar:
            self.bar.close()
        return False


def console() -> None:
    """The ``ceasefire`` command (and ``run.py``, ``python -m sim``): ``main`` with its exit
    status; output piped into a reader that stopped early (``| head``) ends quietly."""
    try:
        sys.exit(main())
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
