"""Benchmark: the replication axis against one model per replication, side by side.

    uv run python benchmarks/replication_axis.py [--scenario FILE] [--n 200] [--big 10000]

Prints, for the same scenario in one process on one core (BLAS limited to one
thread):
1. runs per second of N replications in one model (R = N) and of N models of
   R = 1, and their ratio (the design's target: at least 100x);
2. model time of ``--big`` replications as the main job runs them (its blocks
   in one model), best and median of ``--repeat`` runs (target: 10,000
   replications in under 2 s), with and without the per-day series, and under
   the shipped posterior (a draw per replication: the main job's default);
3. a sweep's points stacked on the replication axis: ``--points`` parameter
   sets (a penalties x verification grid) x ``--per-point`` replications in one
   model, against the per-truce rate of part 2 (target: at least 70%);
4. the main job end to end on the scenario alone (``run.py -r --big --no-charts
   --no-compare``, a fresh process): wall time and the share of it that is the model;
5. the default main job, the scenario and its counterfactuals side by side
   (``run.py`` with 2000 replications, charts and all): wall and model time.
Model time excludes interpreter start-up and imports. Both sides are measured
in the same run, so the ratio holds on a shared, noisy machine even when the
absolute figures move.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from sim.model.model import CeasefireModel
from sim.run.experiment import run_blocks, run_scenario
from sim.run.posterior import SHIPPED, load_posterior
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def seconds(scenario, replications: int, seed: int, daily: bool = True) -> float:
    """Wall time to build one model of ``replications`` and run it to the horizon."""
    started = time.perf_counter()
    model = CeasefireModel(scenario, replications=replications, rng=seed, record_daily=daily)
    while model.running:
        model.step()
    return time.perf_counter() - started


def main_job_seconds(scenario, replications: int, seed: int, daily: bool = True,
                     posterior=None) -> float:
    """Model time of the main job: its blocks, each with its own seed, in one model (each
    replication under its posterior draw, if given)."""
    started = time.perf_counter()
    run_scenario(scenario, replications, seed, record_daily=daily, posterior=posterior)
    return time.perf_counter() - started


def grid(path: str, points: int) -> list:
    """A penalties x verification grid of ``points`` scenarios (a sweep's plan validates its
    points before any work, so this is not timed)."""
    side = round(points ** 0.5)
    return [load_scenario(path, {"mechanisms.penalties.strength": 5 * i / (side - 1),
                                 "mechanisms.monitoring.verification": j / (side - 1)})
            for i in range(side) for j in range(side)]


def stacked_seconds(variants: list, per_point: int, seed: int) -> float:
    """Model time of the parameter sets x ``per_point`` replications in one model (reading
    each set's constants included)."""
    started = time.perf_counter()
    run_blocks(variants, [(0, per_point, seed)], record_daily=False)
    return time.perf_counter() - started


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", default=str(ROOT / "scenarios" / "kerry_lavrov.yaml"))
    p.add_argument("--n", type=int, default=1000, help="replications compared side by side")
    p.add_argument("--single", type=int, default=100,
                   help="how many of the N single-replication models to time (their rate "
                        "does not depend on N); 0 = all N")
    p.add_argument("--big", type=int, default=10_000, help="replications in the big run")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--points", type=int, default=441, help="stacked parameter sets (a square)")
    p.add_argument("--per-point", type=int, default=40)
    args = p.parse_args()
    scenario = load_scenario(args.scenario)

    print(f"scenario: {scenario.name}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, one core")
    with threadpool_limits(1):
        seconds(scenario, 100, 0)   # warm-up: imports, caches, allocator

        axis = seconds(scenario, args.n, 1)
        timed = args.single or args.n
        single = sum(seconds(scenario, 1, 1 + i) for i in range(timed))
        axis_rate, single_rate = args.n / axis, timed / single
        print(f"\n1. {args.n} replications, side by side")
        print(f"   one model, R = {args.n}:{'':<8}{axis_rate:10.1f} runs/s ({axis:.2f} s)")
        print(f"   models of R = 1:{'':<11}{single_rate:10.1f} runs/s "
              f"({single:.2f} s for {timed} of the {args.n})")
        print(f"   speed-up per replication:   {axis_rate / single_rate:10.0f}x   (target >= 100x)")

        print(f"\n2. {args.big} replications as the main job runs them (model time, "
              f"{args.repeat} runs)")
        best = {}
        posterior = load_posterior(SHIPPED) if SHIPPED.exists() else None
        for daily, label, post in ((True, "with per-day series", None),
                                   (False, "outcomes only", None),
                                   (True, "per-day, posterior (main job)", posterior)):
            if label.endswith("(main job)") and posterior is None:
                continue
            times = [main_job_seconds(scenario, args.big, 100 + k, daily, post)
                     for k in range(args.repeat)]
            best.setdefault(daily, min(times))
            print(f"   {label:<32} best {min(times):5.2f} s, median "
                  f"{statistics.median(times):5.2f} s, {args.big / min(times):8.0f} runs/s"
                  f"   (target < 2 s)")

        variants = grid(args.scenario, args.points)
        n = len(variants)
        print(f"\n3. {n} parameter sets x {args.per_point} replications stacked in one model")
        times = [stacked_seconds(variants, args.per_point, 7 + k) for k in range(args.repeat)]
        rate = n * args.per_point / min(times)
        print(f"   best {min(times):5.2f} s, {rate:8.0f} truces/s = "
              f"{100 * rate / (args.big / best[False]):.0f}% of part 2's outcomes-only rate"
              f"   (target >= 70%)")
        some = variants[::10]      # the same kind of points, one model each, as before
        alone = sum(stacked_seconds([v], args.per_point, 7) for v in some)
        alone_rate = len(some) * args.per_point / alone
        print(f"   the same points one model each ({len(some)} of them): {alone_rate:8.0f} "
              f"truces/s; stacking is {rate / alone_rate:.1f}x faster")

    print(f"\n4. the main job end to end: run.py -r {args.big} --no-charts --no-compare "
          "(a fresh process)")
    wall, model, _ = main_job(args.scenario, "-r", str(args.big), "--no-charts", "--no-compare")
    print(f"   wall {wall:5.2f} s, of which the model {model:5.2f} s ({100 * model / wall:.0f}%)")

    print("\n5. the default main job: run.py (2000 replications, the scenario and its "
          "counterfactuals side by side, charts)")
    wall, model, compared = main_job(args.scenario)
    print(f"   {compared} counterfactuals; wall {wall:5.2f} s, of which the model {model:5.2f} s")


def main_job(scenario: str, *flags: str) -> tuple[float, float, int]:
    """Wall time of ``run.py scenario *flags`` in a fresh process, its model time and the
    number of scenarios it compared."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "run.py"), scenario, *flags, "-q",
                        "--out", str(Path(tmp) / "out")],
                       check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        wall = time.perf_counter() - started
        manifest = json.loads((Path(tmp) / "out" / "manifest.json").read_text())
    return wall, manifest["seconds"], len(manifest["compared"])


if __name__ == "__main__":
    main()
