"""Benchmark: a penalties x verification sweep, serial and on a local process pool.

    uv run python benchmarks/sweep.py [--grid 21] [--replications 500] [--workers 2]

Runs ``run.py scenarios/sweeps/penalties_vs_verification.yaml`` (resized to the
grid asked for) as a user would, once serially and once with ``--workers N``,
side by side in this one run, and prints for each: wall time (process start to
exit), truces per second, and the peak memory of the whole process tree
(sampled every 0.1 s with psutil). A small grid is run first, so the peaks
show whether memory grows with the sweep (it should not: chunks stream to the
store). Also checks that both runs wrote byte-identical per-point tables.
Target (DESIGN.md): 21 x 21 points x 500 replications in under 25 s on 2 cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SWEEP = ROOT / "scenarios" / "sweeps" / "penalties_vs_verification.yaml"


def sweep_file(folder: Path, grid: int, replications: int) -> Path:
    text = SWEEP.read_text(encoding="utf-8")
    text = text.replace("extends: ../kerry_lavrov.yaml",
                        f"extends: {ROOT / 'scenarios' / 'kerry_lavrov.yaml'}")
    text = text.replace("steps: 21", f"steps: {grid}")
    text = text.replace("replications: 500", f"replications: {replications}")
    path = folder / f"sweep_{grid}x{grid}_{replications}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path, out: Path, *extra: str) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of the process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), str(path), "--out", str(out),
                             "-q", "--no-charts", *extra], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"run failed: {proc.stderr.read()}")
    return elapsed, peak / 2**20


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--grid", type=int, default=21)
    p.add_argument("--replications", type=int, default=500)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--small", type=int, default=7, help="grid of the memory comparison run")
    args = p.parse_args()
    print(f"{args.grid} x {args.grid} points x {args.replications} replications "
          f"= {args.grid ** 2 * args.replications:,} truces; {psutil.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        small = sweep_file(tmp, args.small, args.replications)
        s_time, s_peak = run(small, tmp / "small")
        print(f"  {args.small} x {args.small} grid, serial:{'':<10}{s_time:7.1f} s, "
              f"peak memory {s_peak:6.0f} MiB")
        big = sweep_file(tmp, args.grid, args.replications)
        results = {}
        for label, extra in (("serial", ()), (f"--workers {args.workers}",
                                                ("--workers", str(args.workers)))):
            out = tmp / label.replace(" ", "")
            seconds, peak = run(big, out, *extra)
            results[label] = (seconds, out)
            rate = args.grid ** 2 * args.replications / seconds
            print(f"  {args.grid} x {args.grid} grid, {label:<14}{seconds:7.1f} s, "
                  f"{rate:8.0f} truces/s, peak memory {peak:6.0f} MiB   (target < 25 s)")
        (serial_s, serial_out), (pool_s, pool_out) = results.values()
        same = (serial_out / "points.csv").read_bytes() == (pool_out / "points.csv").read_bytes()
        print(f"  speed-up of --workers {args.workers} over serial: {serial_s / pool_s:.2f}x; "
              f"per-point tables identical: {same}")


if __name__ == "__main__":
    main()
