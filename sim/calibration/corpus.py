"""Calibration across the corpus: importance sampling from the priors with the simulated
chance of what happened, truce by truce, learnt across the particles, as the likelihood.

Particles are drawn in rounds (``search.rounds`` of ``search.particles``): from the
priors first, then from mixtures fitted to the weighted particles so far (adaptive
multiple importance sampling, ``sim.calibration.amis``). Each particle runs every truce
of the corpus ``search.replications`` times on random numbers of its own
(``sim.calibration.corpus_runs``), each truce only as long as its outcome takes to be
known, and the reference scenario through its first week (reported, never in the
likelihood). Its own chance of truce k's outcome is the share of its replications that
reproduce it (``sim.calibration.outcome_likelihood``). After every round an emulator of
each truce's chance is fitted across all the particles so far
(``sim.calibration.emulator``), and a particle's weight is the exponential of the
emulated, smoothed log-likelihood summed over truces, times its prior over the mixture
of the rounds' proposals. Weighing each particle by its own estimate instead (exact in
expectation, pseudo-marginal) rewarded luck: one particle of 1,500 took the weight. The
emulated weights target the posterior of the emulated likelihood; the report measures
how well the emulator follows the particles' own chances.

Every task's outcomes are stored as they finish (``<work>/<truce>-<first>.npz``), so an
interrupted search resumes where it stopped and ends with the same bytes; a particle's
outcomes depend only on the seed and its index, so the result is the same whatever the
number of workers or the executor.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.analysis.scoring import observed_of
from sim.calibration import amis
from sim.calibration.corpus_runs import Task, simulate, with_horizon
from sim.calibration.corpus_spec import CorpusCalibration
from sim.calibration.emulator import Emulator, fitted
from sim.calibration.outcome_likelihood import (Event, contributions, event_of,
                                               reference_chances, smoothed_log)
from sim.calibration.steering import nearness
from sim.run.posterior import Posterior

#: The reference's name among the tasks (not a truce of the corpus: reported only).
REFERENCE = "(reference)"
REFERENCE_EVENT = Event("held", censored=7)      # survives its first week


@dataclass(frozen=True)
class Search:
    """The particles and what they did: ``z`` (the priors' logistic scale) and ``values``
    (particles, constants); per truce (corpus order) the collapse days and ending codes
    (particles, replications); the emulated log-likelihood the weights use and each
    particle's own chance (``shares``), both (particles, truces); the log of prior
    over proposal mixture (``log_ratio``); the reference's 7-day survival; the emulator."""

    truces: tuple[str, ...]
    events: tuple[Event, ...]
    z: np.ndarray
    values: np.ndarray
    days: dict[str, np.ndarray]
    endings: dict[str, np.ndarray]
    loglik: np.ndarray
    log_ratio: np.ndarray
    reference_survival: np.ndarray
    shares: np.ndarray                # (particles, truces): each particle's own chance
    emulator: Emulator
    sizes: tuple[int, ...]            # particles per round
    seconds: float
    simulated: int = 0                # tasks simulated by this call (the rest were stored)
    tasks: int = 0                    # tasks in all

    @property
    def simulated_loglik(self) -> np.ndarray:
        """Each particle's own smoothed log-likelihood by truce, from its replications."""
        return smoothed_log(self.shares, reference_chances(self.events))

    def weights(self, without: int | None = None) -> np.ndarray:
        """Normalised importance weights, from every truce or all but truce ``without``."""
        keep = [k for k in range(len(self.truces)) if k != without]
        total = self.loglik[:, keep].sum(axis=1) + self.log_ratio
        w = np.exp(total - total.max())
        return w / w.sum()

    def effective_size(self, without: int | None = None) -> float:
        w = self.weights(without)
        return float(1.0 / np.sum(w ** 2))


def events_of(cal: CorpusCalibration) -> tuple[Event, ...]:
    return tuple(event_of(observed_of(t.outcome)) for t in cal.corpus.truces)


def tasks_of(cal: CorpusCalibration, values: np.ndarray, first: int = 0) -> list[Task]:
    """Every truce (and the reference) for every batch of particles (numbered from
    ``first``), dearest first."""
    s = cal.search
    runs = [(t.id, with_horizon(t.scenario, e.horizon), e.horizon)
            for t, e in zip(cal.corpus.truces, events_of(cal), strict=True)]
    runs.append((REFERENCE, with_horizon(cal.reference, REFERENCE_EVENT.horizon),
                 REFERENCE_EVENT.horizon))
    runs.sort(key=lambda r: -r[2])
    return [Task(name, scenario, cal.paths, values[i:i + s.batch],
                 first + np.arange(i, min(i + s.batch, len(values))), s.replications,
                 s.seed, cal.forms)
            for name, scenario, _ in runs for i in range(0, len(values), s.batch)]


def search(cal: CorpusCalibration, executor, work: Path,
           log: Callable[[str], None] = print) -> Search:
    """Run (or resume) every round's particles on every truce; the weighted sample."""
    started = time.perf_counter()
    s = cal.search
    work.mkdir(parents=True, exist_ok=True)
    events = events_of(cal)
    names = [t.id for t in cal.corpus.truces] + [REFERENCE]
    runs: list[tuple[dict, dict]] = []         # each round's collapse days and endings
    shares: list[np.ndarray] = []              # each round's own chances, by truce
    counts = [0, 0]                            # tasks simulated, tasks in all
    reference = reference_chances(events)
    emulated: list[Emulator] = []

    def loglik_of(z: np.ndarray, first: int) -> np.ndarray:
        d, e = _run(cal, executor, work, cal.values(amis.to_u(z)), first, log,
                    len(runs), counts)
        runs.append((d, e))
        shares.append(np.column_stack([
            contributions(d[n], e[n], ev, s.duration_sd).mean(axis=1)
            for n, ev in zip(names[:-1], events, strict=True)]))
        return smoothed_log(shares[-1], reference).sum(axis=1)

    def reassess(z: np.ndarray) -> np.ndarray:
        emulated.append(fitted(amis.to_u(z), np.concatenate(shares), s.replications,
                               reference))
        return emulated[-1].loglik(amis.to_u(z)).sum(axis=1)

    def steer(z: np.ndarray) -> np.ndarray:
        return nearness({n: np.concatenate([run[0][n] for run in runs]) for n in names[:-1]},
                        dict(zip(names[:-1], events, strict=True)))

    def after_round(r: int, log_weights: np.ndarray) -> None:
        w = np.exp(log_weights - log_weights.max())
        log(f"round {r + 1} of {s.rounds}: {len(w)} particles, effective sample "
            f"{w.sum() ** 2 / np.sum(w ** 2):.1f} ({time.perf_counter() - started:.0f} s)")

    z, _, proposals = amis.run(
        loglik_of, len(cal.priors), s.rounds, s.particles, s.centres, s.defensive,
        lambda r: np.random.default_rng(np.random.SeedSequence([s.seed, 0, r])), after_round,
        reassess, steer if s.steered else None, s.steered)
    days, endings = ({n: np.concatenate([run[i][n] for run in runs]) for n in names}
                     for i in (0, 1))
    sizes = [s.particles] * len(proposals)
    ref = days[REFERENCE]
    return Search(tuple(names[:-1]), events, z, cal.values(amis.to_u(z)),
                  {n: days[n] for n in names[:-1]}, {n: endings[n] for n in names[:-1]},
                  emulated[-1].loglik(amis.to_u(z)),
                  amis.log_weights(z, np.zeros(len(z)), proposals, sizes),
                  (np.isnan(ref) | (ref > REFERENCE_EVENT.censored)).mean(axis=1),
                  np.concatenate(shares), emulated[-1],
                  tuple(sizes), time.perf_counter() - started, *counts)



def _run(cal, executor, work, values, first, log, r, counts):
    """Collapse days and endings of particles ``first`` .. on every truce and the
    reference: stored tasks read back, the others simulated and stored as they finish."""
    names = [t.id for t in cal.corpus.truces] + [REFERENCE]
    R = cal.search.replications
    days = {n: np.full((len(values), R), np.nan) for n in names}
    endings = {n: np.zeros((len(values), R), np.int8) for n in names}
    tasks = tasks_of(cal, values, first)
    todo = []
    for task in tasks:
        stored = _stored(work, task)
        if stored is None:
            todo.append(task)
        else:
            _keep(days, endings, task.truce, task.particles - first, *stored)
    counts[0] += len(todo)
    counts[1] += len(tasks)
    if len(todo) < len(tasks):
        log(f"round {r + 1}: {len(tasks) - len(todo)} of {len(tasks)} tasks stored ({work})")
    started = time.perf_counter()
    sent = {(t.truce, int(t.particles[0])): t for t in todo}
    for done, (truce, particles, d, e) in enumerate(executor.imap_unordered(simulate, todo),
                                                    start=1):
        path = _file(work, truce, int(particles[0]))
        partial = path.with_suffix(".partial.npz")
        task = sent[truce, int(particles[0])]
        np.savez(partial, particles=particles, values=task.values, key=task.key, days=d,
                 endings=e)
        partial.replace(path)
        _keep(days, endings, truce, particles - first, d, e)
        if done % 16 == 0 or done == len(todo):
            log(f"  round {r + 1}: {done} of {len(todo)} tasks "
                f"({time.perf_counter() - started:.0f} s)")
    return days, endings


def _file(work: Path, truce: str, first: int) -> Path:
    safe = "reference" if truce == REFERENCE else truce
    return work / f"{safe}-{first:07d}.npz"


def _stored(work: Path, task: Task):
    path = _file(work, task.truce, int(task.particles[0]))
    if not path.exists():
        return None
    saved = np.load(path)
    if not (str(saved["key"]) == task.key
            and np.array_equal(saved["particles"], task.particles)
            and np.array_equal(saved["values"], task.values)):
        return None
    return saved["days"], saved["endings"]


def _keep(days, endings, truce, particles, d, e) -> None:
    days[truce][particles] = d
    endings[truce][particles] = e


def posterior_of(cal: CorpusCalibration, found: Search, draws: int | None = None
                 ) -> tuple[Posterior, np.ndarray]:
    """An equally weighted sample of the weighted particles (systematic resampling, from
    the search's seed), under the calibration's forms, and which particle each draw is."""
    draws = draws or cal.search.draws
    rng = np.random.default_rng(np.random.SeedSequence([cal.search.seed, 1]))
    cum = np.cumsum(found.weights())
    picks = np.searchsorted(cum, (rng.random() + np.arange(draws)) / draws)
    picks = rng.permutation(np.minimum(picks, len(cum) - 1))
    return Posterior(cal.paths, found.values[picks], forms=cal.forms), picks
