"""How much work a request is, before any of it is done: time, memory and disk.

``estimate`` turns a scenario, its replications and the number of points into
model steps, seconds of serial work, peak memory and bytes written; ``check``
refuses (with a ScenarioError: one line, exit 2) a request beyond what this
machine can do in reasonable time or memory, naming the estimate and how to
proceed.

The constants were measured on the development machine (2 cores, Python 3.12,
numpy 2.5) with the reference scenario (6 actors, 10 regions, 336 one-hour steps):
``run_block`` with R = 1, 10 and 1000 replications, outcomes only, took 0.059,
0.077 and 0.272 s, i.e. about 180 µs a step whatever R plus 0.64 µs per
replication-step; the main job with per-day series, 10,000 replications in
2.74 s, 0.8 µs per replication-step. Peak memory of 50,000 replications with
their tables was 200 MiB above the 180 MiB a process starts with (4 KiB a
replication). Each figure is taken with a margin (a busy machine is 10-20 %
slower).

The constants are a first, cheap check (a billion replications is refused before
anything is simulated); ``refined`` then measures the scenario itself
with a short ``pilot`` (one block of the run's size, a dozen steps), because a
scenario much larger than the reference costs far more per replication than its
size suggests.
"""

from __future__ import annotations

import math
import numbers
import os
import resource
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from threadpoolctl import threadpool_limits

from sim.model.model import CeasefireModel
from sim.run.seeding import BLOCK
from sim.scenario.loading import ScenarioError

#: Seconds per model step, whatever the number of replications (numpy call overhead).
STEP_SECONDS = 180e-6
#: Seconds per replication per step, at the reference scenario's size.
REPLICATION_STEP_SECONDS = 0.8e-6
#: Actors + regions of the reference scenario (the size the constants were measured at).
REFERENCE_SIZE = 16
#: Memory of a process with the model's stack loaded (numpy, pandas, Mesa).
PROCESS_BYTES = 250 << 20
#: Memory held per validated sweep point (its scenario; measured 32 KiB).
POINT_BYTES = 40 << 10
#: Memory per chunk of a sweep's plan (its entry in the chunk list and the manifest).
CHUNK_BYTES = 1 << 10
#: Seconds to draw and save one figure, at most: measured 0.4 to 1 s for the reference's
#: charts and up to 2.4 s for a scenario at the size limits (64 actors, 256 regions, its
#: trust chart capped at 8 pairs), on the loaded development machine.
FIGURE_SECONDS = 2.5
#: Default budget of wall time (estimated); --max-hours raises it.
DEFAULT_MAX_HOURS = 1.0
#: Share of the memory available to this process a run may plan to use.
MEMORY_SHARE = 0.6


@dataclass(frozen=True)
class Estimate:
    steps: int                # model steps per replication
    work: int                 # replication-steps, all points
    seconds: float            # serial wall time
    memory: int               # peak bytes of the coordinator (and workers)
    disk: int                 # bytes written

    def wall(self, parallel: int) -> float:
        return self.seconds / max(1, parallel)


def steps_of(scenario) -> int:
    """Sub-steps of a replication (a model step is a day of them; costs are per sub-step)."""
    return int(round(scenario.time.horizon_days * 24 / scenario.time.step_hours))


def estimate(scenario, replications: int, points: int = 1, daily: bool = True,
             workers: int = 1, costs: tuple[float, float] | None = None,
             figures: int = 0) -> Estimate:
    """The work of ``points`` scenarios like ``scenario``, ``replications`` each, and of
    drawing ``figures`` charts after it.

    ``costs`` is (seconds per step, seconds per replication-step) as measured by
    ``pilot``; without it, the constants above, scaled by the scenario's size (a lower
    bound for scenarios much larger than the reference: state grows with actors x
    (actors + regions), so ``pilot`` measures those).
    """
    steps = steps_of(scenario)
    actors, regions = len(scenario.actors), len(scenario.regions)
    if costs is None:
        costs = (STEP_SECONDS, REPLICATION_STEP_SECONDS * size_factor(scenario))
    blocks = math.ceil(replications / BLOCK)
    per_point = steps * (blocks * costs[0] + replications * costs[1])
    days = math.ceil(scenario.time.horizon_days)
    pairs = actors * actors / 2
    state = min(BLOCK, replications) * actors * (actors + regions) * 16   # a block's model
    if daily:   # the main job keeps every replication (and its per-day series) in memory
        per_rep = 3 * (days * (8 * actors + 16 + 4 * pairs) + 40 * actors + 300)
        memory = PROCESS_BYTES + state + replications * per_rep
        disk = replications * (300 + 60 * actors) + days * 4096 + (2 << 20)  # charts
    else:       # a sweep streams chunks to the store: a block per worker, a scenario per point
        block = min(BLOCK, replications) * (40 * actors + 300) * 4 + state
        chunks = points * blocks * CHUNK_BYTES     # the plan's chunk list and manifest
        memory = PROCESS_BYTES + points * POINT_BYTES + chunks + workers * (PROCESS_BYTES
                                                                            + block)
        disk = points * replications * (40 + 16 * actors) + points * 2048 + (2 << 20)
    return Estimate(steps=steps, work=points * replications * steps,
                    seconds=points * per_point + figures * FIGURE_SECONDS, memory=int(memory),
                    disk=int(disk))


def size_factor(scenario) -> float:
    """How much larger than the reference a scenario's state is (at least 1)."""
    actors, regions = len(scenario.actors), len(scenario.regions)
    return max(1.0, (actors + regions) / REFERENCE_SIZE)


#: Model steps (days) the pilot times (after one of warm-up), unless PILOT_SECONDS run out.
PILOT_STEPS = 2
PILOT_SECONDS = 2.0
#: A whole run's step costs up to this much more than the pilot's first steps (the war
#: after a collapse is busier than the truce): measured, the mean step of a whole run
#: was 0.6 to 1.6 times the first twelve's, in four scenarios from 6 to 64 actors.
PILOT_MARGIN = 1.5


def pilot(scenario, replications: int, daily: bool = True) -> float:
    """Seconds per replication-step of this scenario on this machine, measured by
    stepping one block of the run's own size (``min(replications, BLOCK)``) briefly.

    The constants cannot know a scenario's cost: state grows with actors x (actors +
    regions) and, past the CPU caches, so does the cost of each replication (measured
    at 1000 replications: 24 actors and 40 regions cost 20 times the reference per
    replication-step, 64 actors and 256 regions 115 times; at 50 replications only 2
    and 12 times). Takes milliseconds for the reference, about two seconds at most.
    """
    size = min(replications, BLOCK)
    with threadpool_limits(1):
        model = CeasefireModel(scenario, replications=size, rng=0, record_daily=daily)
        model.step()
        started, n = time.perf_counter(), 0
        while n < PILOT_STEPS and model.running and \
                time.perf_counter() - started < PILOT_SECONDS:
            model.step()
            n += 1
        elapsed = time.perf_counter() - started
    # a model step is a day of sub-steps; the estimate counts sub-steps
    return PILOT_MARGIN * elapsed / max(1, n * model.substeps) / size


def refined(scenario, replications: int, points: int = 1, daily: bool = True,
            workers: int = 1, figures: int = 0) -> Estimate:
    """The estimate with this scenario's cost measured by ``pilot`` (never below the
    constants' estimate)."""
    est = estimate(scenario, replications, points, daily, workers, figures=figures)
    measured = estimate(scenario, replications, points, daily, workers,
                        costs=(0.0, pilot(scenario, replications, daily)), figures=figures)
    return measured if measured.seconds > est.seconds else est


def available_memory() -> int:
    """Bytes this process may still use: the least of free RAM, its cgroup's room and its
    address-space limit."""
    limits = []
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            info = dict(line.split(":", 1) for line in f)
        limits.append(int(info["MemAvailable"].split()[0]) * 1024)
    except (OSError, KeyError, ValueError):
        limits.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    try:
        high = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if high != "max":
            used = int(Path("/sys/fs/cgroup/memory.current").read_text())
            limits.append(int(high) - used)
    except (OSError, ValueError):
        pass
    for kind in (resource.RLIMIT_AS, resource.RLIMIT_DATA):
        soft, _ = resource.getrlimit(kind)
        if soft != resource.RLIM_INFINITY:
            limits.append(soft)
    return max(0, min(limits))


def check(est: Estimate, what: str, *, parallel: int = 1, cluster: bool = False,
          max_hours: float = DEFAULT_MAX_HOURS, sweep: bool = False, api: bool = False
          ) -> None:
    """Refuse (ScenarioError) work beyond the time, memory or disk this machine has; ``api``:
    say how in the Python API's words rather than the command line's."""
    how = ("run it on a Dask cluster (--scheduler), with --workers N, or with fewer "
           "points or replications" if sweep else "use fewer replications" if api else
           "use fewer replications (-r), or run a sweep file on a Dask cluster")
    budget = "max_hours=" if api else "--max-hours"
    wall = est.wall(parallel)
    if not cluster and wall > max_hours * 3600:
        raise ScenarioError(what, "work", (
            f"{est.work:,} replication-steps ({est.steps:,} steps each) would take about "
            f"{_duration(wall)} here, over the {max_hours:g}-hour budget; {how}, or raise "
            f"the budget with {budget}"))
    room = available_memory()
    if est.memory > MEMORY_SHARE * room:
        raise ScenarioError(what, "memory", (
            f"the run would need about {_bytes(est.memory)} of memory, more than "
            f"{MEMORY_SHARE:.0%} of the {_bytes(room)} available; {how}"))


def within(scenario, replications: int, what: str, *, copies: int = 1, daily: bool = True,
           max_hours: float = DEFAULT_MAX_HOURS) -> Estimate:
    """Refuse (ScenarioError) ``replications`` of ``copies`` scenarios like ``scenario``, run
    side by side, beyond this machine's budget: first by the constants (a billion
    replications never reaches the pilot), then by the scenario's measured cost; the
    estimate. The Python API's entry points call this as the command line checks its runs."""
    if isinstance(replications, bool) or not isinstance(replications, numbers.Integral) \
            or replications < 1:
        raise ScenarioError(what, "replications", f"a whole number of at least 1 "
                                                  f"(got {replications!r})")
    worlds = int(replications) * copies
    check(estimate(scenario, worlds, daily=daily), what, max_hours=max_hours, api=True)
    est = refined(scenario, worlds, daily=daily)
    check(est, what, max_hours=max_hours, api=True)
    return est


def check_disk(est: Estimate, out: Path) -> None:
    """Refuse (ScenarioError) results that would not fit on the disk of ``out``."""
    where = _existing(out)
    try:
        free = shutil.disk_usage(where).free
    except OSError:
        return
    if est.disk > free:
        raise ScenarioError(out, "--out", f"the results need about {_bytes(est.disk)} "
                            f"but {where} has {_bytes(free)} free")


def describe(est: Estimate, parallel: int = 1) -> str:
    return (f"about {_duration(est.wall(parallel))}, {_bytes(est.memory)} of memory, "
            f"{_bytes(est.disk)} on disk")


def _existing(path: Path) -> Path:
    path = Path(os.path.abspath(path))
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:,.0f} hours"


def _bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n} B"
