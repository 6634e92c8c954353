"""The main job: ``python run.py SCENARIO.yaml`` runs its replications and writes a report.

Presentation layer: parses arguments, calls the experiment and analysis
layers, prints the summary and writes tables, charts and ``summary.md``.
Bad input prints one clear line and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

from sim.scenario.loading import ScenarioError, load_scenario, parse_value
from sim.scenario.sweep import is_sweep_file, load_sweep
from sim.scenario.parameters import parameter_table
from sim.run.provenance import package_versions
from sim.run.seeding import BLOCK

DEFAULT_REPLICATIONS = 2000
DEFAULT_SEED = 20160912   # the day the Kerry–Lavrov truce began
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run.py",
        description="Simulate a ceasefire scenario over many replications and report when "
                    "and why the truce survives or collapses.")
    p.add_argument("scenario", nargs="?", help="scenario file (YAML), e.g. "
                   "scenarios/kerry_lavrov.yaml")
    p.add_argument("-r", "--replications", type=int, default=None,
                   help=f"independent replications of a scenario (default "
                        f"{DEFAULT_REPLICATIONS}); a sweep file sets its own per point")
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
    return p


def main(argv: list[str] | None = None) -> int:
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
    try:
        overrides = _parse_overrides(args.overrides)
        if is_sweep_file(args.scenario):
            return _sweep(args, overrides, argv)
        if args.workers or args.scheduler or args.dask_local:
            raise ScenarioError(args.scenario, "--workers/--scheduler/--dask-local",
                                "executors are for sweep files (with a 'sweep:' section)")
        scenario = load_scenario(args.scenario, overrides)
    except ScenarioError as exc:
        return _fail(str(exc))
    args.replications = args.replications or DEFAULT_REPLICATIONS

    resolved = scenario.model_dump(mode="json")
    fingerprint = hashlib.sha256(json.dumps(
        [resolved, args.seed, args.replications], sort_keys=True).encode()).hexdigest()[:8]
    out = args.out or Path("output") / f"{Path(args.scenario).stem}-{fingerprint}"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _fail(f"{out}: cannot create the output folder ({exc.strerror})")

    # The model's stack (Mesa, numpy, pandas) loads only once the input is known good,
    # so bad input is refused at once.
    from sim.analysis.summary import summarize
    from sim.run.experiment import run_scenario

    started = time.perf_counter()
    with _progress(args.replications, args.quiet, 5000) as advance:
        results = run_scenario(scenario, args.replications, args.seed, progress=advance)
    elapsed = time.perf_counter() - started
    summary = summarize(results)

    tables = _write_tables(results, out)
    manifest = {
        "scenario_file": str(args.scenario), "overrides": overrides, "seed": args.seed,
        "replications": args.replications, "block_size": BLOCK, "fingerprint": fingerprint,
        "seconds": round(elapsed, 3), "versions": package_versions(), "scenario": resolved,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    charts = {}
    if not args.no_charts:
        import matplotlib   # matplotlib only when charts are wanted; files, not windows
        matplotlib.use("Agg")
        from sim.present.charts import all_charts
        charts = all_charts(results, summary, out)
    from sim.present.report import summary_lines, write_markdown
    command = "python run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    report = write_markdown(summary, charts, tables, out, command)

    print(f"{summary.scenario} — {args.replications} replications, seed {args.seed}, "
          f"{elapsed:.1f} s")
    for line in summary_lines(summary):
        print(line)
    print(f"Wrote {out}/ ({report.name}, {len(tables)} tables, {len(charts)} charts)")
    return 0


def _sweep(args, overrides: dict, argv) -> int:
    """Run a sweep file: chunks to the store (resuming), then the per-point table and charts."""
    if args.replications is not None:
        raise ScenarioError(args.scenario, "--replications",
                            "a sweep sets its replications per point in its 'sweep:' section")
    plan = load_sweep(args.scenario, args.seed, overrides)
    from sim.analysis.points import point_table
    from sim.run.executors import executor_failures, make_executor
    from sim.run.experiment import run_sweep
    from sim.run.store import ResultStore

    out = args.out or Path("output") / f"{Path(args.scenario).stem}-{plan.fingerprint()[:8]}"
    store = ResultStore(out, plan)
    done = store.open()
    chunks = plan.chunks
    remaining = sum(c.size for c in chunks if c.key not in done)
    executor = make_executor(args.workers, args.scheduler, args.dask_local)
    info = plan.describe()
    print(f"{plan.name}: {info['points']} points x {plan.replications} replications "
          f"({info['chunks']} chunks, {len(done)} already stored) on {executor.name}",
          file=sys.stderr)
    started = time.perf_counter()
    try:
        with _progress(remaining, args.quiet, 0) as advance:
            run_sweep(plan, store, executor, done, progress=advance)
    except KeyboardInterrupt:
        stored = len(list(store.chunk_dir.glob("*.parquet")))
        print(f"\ninterrupted: {stored} of {len(chunks)} chunks are stored in {out}/; run the "
              "same command again to resume", file=sys.stderr)
        return 130
    except OSError as exc:
        raise ScenarioError(args.scenario, "--scheduler", f"cannot run on {executor.name}: "
                                                          f"{exc}") from None
    except executor_failures() as exc:
        stored = len(list(store.chunk_dir.glob("*.parquet")))
        print(f"error: {executor.name} failed ({type(exc).__name__}: {exc}); {stored} of "
              f"{len(chunks)} chunks are stored in {out}/; run the same command again to "
              "resume", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started

    points = point_table(store.points(["replication", "survived", "collapse_day", "trigger",
                                       "jic_activated"]), plan.parameters, plan.values)
    points.to_csv(out / "points.csv", index=False)
    points.to_parquet(out / "points.parquet", index=False)
    from sim.present.report import sweep_findings, write_sweep_markdown
    grid = plan.grid_shape is not None
    findings = sweep_findings(points, plan.parameters, grid)
    charts = {}
    if not args.no_charts:
        import matplotlib
        matplotlib.use("Agg")
        from sim.present.sweep_charts import sweep_charts
        charts = sweep_charts(points, plan.parameters, plan.base_values, grid, plan.name, out)
    command = "python run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    write_sweep_markdown(plan.name, info, findings, charts, out, command)
    print(f"{plan.name} — {info['points']} points x {plan.replications} replications, seed "
          f"{args.seed}, {elapsed:.1f} s on {executor.name}")
    for line in findings:
        print(line)
    print(f"Wrote {out}/ (summary.md, points.csv, points.parquet, chunks/, {len(charts)} charts)")
    return 0


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


def _write_tables(results, out: Path) -> list[Path]:
    written = []
    for name, frame in (("replications", results.replication_table()),
                        ("daily", results.daily_table())):
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
