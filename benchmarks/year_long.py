"""Benchmark: a year of truce for 10,000 worlds on one core, outcomes only, under the posterior.

    uv run python benchmarks/year_long.py [--worlds 10000] [--days 365] [--repeat 3]
                                          [--against DIR]

Times ``run_scenario`` of the reference scenario with ``time.horizon_days`` set to
``--days``, ``record_daily=False``, under the shipped posterior (a draw per world), BLAS on
one thread, each run in a fresh process (model time: imports and start-up excluded):

- ``full``: every world stepped to the horizon, as the main job runs (its outputs are the
  shipped ones);
- ``until settled``: each model stopped once all its worlds are settled
  (``sim.run.experiment.finish``), as ``run.py validate`` runs; the outcomes are the
  full run's, the counts stop at that day.

``--against DIR``: also time the full path of another checkout (e.g. ``git archive main``
unpacked into DIR) with this interpreter, alternating with this checkout's runs, so the
ratio holds on a shared, noisy machine. The target (issue 15): at most 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

#: One timed run in a fresh process: argv root, worlds, days, until_settled (0/1).
RUN = """
import sys, time, json
root, worlds, days, settle = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
sys.path.insert(0, root)
import sim
assert sim.__file__.startswith(root), sim.__file__
from threadpoolctl import threadpool_limits
from sim.run.experiment import run_scenario
from sim.run.posterior import SHIPPED, load_posterior
from sim.scenario.loading import load_scenario
scenario = load_scenario(root + "/scenarios/kerry_lavrov.yaml", {"time.horizon_days": days})
posterior = load_posterior(SHIPPED)
kw = {"until": "settled"} if settle else {}
with threadpool_limits(1):
    started = time.perf_counter()
    r = run_scenario(scenario, worlds, 20160912, record_daily=False, posterior=posterior, **kw)
    seconds = time.perf_counter() - started
last = int(max(r.formal_day.max(), r.de_facto_day.max()))
print(json.dumps({"seconds": seconds, "survived": float(r.survived.mean()),
                  "settled": float(((r.formal_day >= 0) & (r.de_facto_day >= 0)).mean()),
                  "last": last}))
"""


def timed(root: Path, worlds: int, days: int, settle: bool) -> dict:
    """One run of the workload with the ``sim`` of ``root``, in a fresh process."""
    out = subprocess.run([sys.executable, "-c", RUN, str(root), str(worlds), str(days),
                          "1" if settle else "0"], check=True, capture_output=True,
                         text=True, cwd=root, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worlds", type=int, default=10_000)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--against", type=Path, default=None,
                   help="another checkout whose full path to time alternately")
    args = p.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, one core")
    print(f"{args.worlds} worlds x {args.days} days, outcomes only, shipped posterior, "
          f"{args.repeat} runs each, alternating")
    runs = [("full", ROOT, False), ("until settled", ROOT, True)]
    if args.against is not None:
        runs.insert(0, (f"full, {args.against}", args.against.resolve(), False))
    times: dict[str, list[float]] = {label: [] for label, _, _ in runs}
    facts = {}
    for _ in range(args.repeat):
        for label, root, settle in runs:
            got = timed(root, args.worlds, args.days, settle)
            times[label].append(got["seconds"])
            facts[label] = got
    for label, _, _ in runs:
        t = times[label]
        print(f"   {label:<40} best {min(t):6.2f} s, median {statistics.median(t):6.2f} s, "
              f"{1e6 * min(t) / (args.worlds * args.days):5.2f} us a world-day   "
              f"(target <= 10 s)")
    f = facts["full"]
    print(f"   survival at day 7 {f['survived']:.3f}; settled by the horizon "
          f"{f['settled']:.4f}, the last on day {f['last']}")
    if args.against is not None:
        old = statistics.median(times[runs[0][0]])
        for label in ("full", "until settled"):
            print(f"   {label}: {old / statistics.median(times[label]):.2f}x faster than "
                  f"{args.against} (medians)")


if __name__ == "__main__":
    main()
