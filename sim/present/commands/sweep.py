"""``python run.py SWEEP.yaml``: a sweep file's points, run in chunks on an executor (serial,
local processes or Dask) into a store that resumes, then its per-point table, charts and
``summary.md`` (and, for a Latin hypercube, scenario discovery).

Called by the main job (``sim.present.commands.main``) once the flags are checked; bad
input is one line and exit status 2.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from sim.analysis.global_sensitivity import indices as global_indices
from sim.analysis.points import point_table
from sim.present.charts.backend import files_backend
from sim.present.charts.sweep import sweep_charts
from sim.present.commands.common import (EXIT_FAILED, announce, command_line, constants_of,
                                         interrupted_status, progress)
from sim.present.commands.discover import sweep_discovery
from sim.present.wording.sweep import sensitivity_findings, sweep_findings, write_sweep_markdown
from sim.run import job, limits
from sim.run.chunks import chunks as chunks_of
from sim.run.chunks import describe, fingerprint
from sim.run.executors import (ExecutorUnavailable, executor_failures, make_executor,
                               parse_address)
from sim.run.experiment import run_sweep
from sim.run.outdir import prepare, state
from sim.run.store import ResultStore, StoreWriteError
from sim.run.switch import SwitchError
from sim.scenario.loading import ScenarioError
from sim.scenario.sweep import load_sweep


def run(args, overrides: dict, argv) -> int:
    """Run a sweep file: chunks to the store (resuming), then the per-point table and charts."""
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

    plan = load_sweep(args.scenario, args.seed, overrides, before_points=before_points,
                      behaviour=constants_of(args).median(),
                      replications=args.replications)
    out = prepare(args.out or job.default_folder(Path(args.scenario).stem,
                                                 fingerprint(plan)[:8]))
    limits.check_disk(estimates["plan"], out)
    announce(estimates["plan"], parallel, bool(args.scheduler))
    try:
        with job.locked(out, "sweep", fingerprint(plan), args.force) as out:
            # connect (or start the pool) before the store is created, so a scheduler that
            # is unreachable, not Dask or without workers leaves the folder as it was
            flag = "--scheduler" if args.scheduler else "--dask-local" if args.dask_local \
                else "--workers"
            with _entered(executor, args.scenario, flag):
                return _run_sweep(args, argv, plan, executor, out,
                                  (estimates["plan"], parallel))
    except KeyboardInterrupt as exc:   # a second signal during the clean-up of the first
        print(f"\ninterrupted: {ResultStore(out, plan).stored()} of {len(chunks_of(plan))} "
              f"chunks are stored in {out}/; run the same command again to resume",
              file=sys.stderr)
        return interrupted_status(exc)


@contextlib.contextmanager
def _entered(executor, file, flag: str):
    """The executor, entered; failing to enter it is one line (ScenarioError)."""
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


def _run_sweep(args, argv, plan, executor, out: Path,
               estimated: tuple[limits.Estimate, int]) -> int:
    store = ResultStore(out, plan)
    try:
        done = store.open(claimed=True)
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
    left = ""
    if done and remaining:      # the estimate before counted every chunk: say what is left
        est, parallel = estimated
        share = remaining / max(1, sum(c.size for c in chunks))
        rest = replace(est, seconds=est.seconds * share, disk=int(est.disk * share))
        left = f"; left: {limits.describe(rest, parallel)}"
    info = describe(plan)
    print(f"{plan.name}: {info['points']} points x {plan.replications} replications "
          f"({info['chunks']} chunks, {len(done)} already stored{left}) on {executor.name}",
          file=sys.stderr)
    started = time.perf_counter()
    resume = "run the same command again to resume"
    try:
        try:
            with progress(remaining, args.quiet, 0) as advance:
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
    grid = plan.grid_shape is not None
    findings = sweep_findings(points, plan.parameters, grid)
    indices, sensitivity = None, None
    if plan.global_design is not None:
        indices = global_indices(points, plan.global_design)
        sensitivity = sensitivity_findings(indices, points, plan.global_design)
    command = command_line(argv)
    try:   # the outputs are written aside, then moved in one by one (each atomically)
        with job.written_into(out, "final") as stage:
            job.write_tables({"points": points}, stage)
            if indices is not None:
                indices.to_csv(stage / "sensitivity.csv", index=False)
            charts = {}
            if not args.no_charts:
                files_backend()
                charts = sweep_charts(points, plan.parameters, plan.base_values, grid,
                                      plan.name, stage, indices, args.formats)
            write_sweep_markdown(plan.name, info, findings, charts, stage, command,
                                 sensitivity)
            if plan.kind == "latin_hypercube" and not args.no_charts:
                lines, written = sweep_discovery(points, plan, stage, args.formats)
                findings += lines
                charts |= {p.name: p for p in written if p.suffix != ".csv"}
    except OSError as exc:   # the switch puts the earlier tables back, unless it cannot
        half = f"; {state(out, exc)}" if isinstance(exc, SwitchError) and \
            not exc.restored else ""
        print(f"error: {out}: cannot write the results ({exc.strerror or exc}){half}; the "
              f"chunks are stored; {resume}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{plan.name} — {info['points']} points x {plan.replications} replications, seed "
          f"{args.seed}, {elapsed:.1f} s on {executor.name}")
    for line in findings + (sensitivity or []):
        print(line)
    tables = "points.csv, points.parquet" + (", sensitivity.csv" if indices is not None else "")
    print(f"Wrote {out}/ (summary.md, {tables}, chunks/, {len(charts)} charts)")
    return 0
