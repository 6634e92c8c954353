"""Calibration by ABC-SMC (pyabc), with particles simulated in batches on the replication
axis.

pyabc proposes one particle at a time (``simulate_one``: draw parameters,
simulate, accept or not). :class:`StackedSampler` runs ``batch`` of those calls
in threads that take turns: each draws its parameters in order and waits at the
model; when the batch is complete the :class:`PatternSimulator` runs all of its
parameter sets stacked on the replication axis, one model per truce and worker
(common random numbers within the batch, a fresh seed per batch: each accepted
particle is a draw from the ABC posterior, but particles of one batch share
their chance, so the sample holds somewhat less independent information than
its size), and the threads then finish in order. The random draws happen in the
same order as on one thread, and every generation reseeds numpy's global
generator (pyabc's) from the calibration seed and the generation; every batch's
statistics are stored as it finishes. So a calibration is reproducible, and one
interrupted within its generation resumes to the same result.

The distance between a simulation and history is the root of the summed squared
misfits of the patterns, each in units of its tolerance. The first generation
accepts prior draws within the ``acceptance`` quantile of the screening
sample's distances: with one generation, that is rejection ABC (equal weights).
Later generations (ABC-SMC) reweight by importance, which in the twenty-odd
dimensions searched here leaves few effective particles (in a trial run: an
effective sample of 5 of 400 after one step), so the shipped file runs one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from sim.calibration.ranks import rank_correlation
from sim.calibration.spec import Calibration
from sim.run.experiment import MAX_WORLDS, run_blocks
from sim.run.posterior import Posterior, with_behaviour
from sim.scenario.loading import ScenarioError

#: A pattern a simulation could not compute (no declaration to count the declarer or
#: trigger of, no collapse to classify, no violence to climb from) counts as this many
#: tolerances away.
MISSING_MISFIT = 5.0


def _key(path: str) -> str:
    """pyabc's name for a constant (plain identifiers)."""
    return path.replace(".", "__")


def simulate_truce(task: tuple) -> tuple[int, str, np.ndarray]:
    """Statistics of one truce's patterns for rows of parameter values (module-level:
    it runs in worker processes), at most ``MAX_WORLDS`` worlds a model. With a seed per
    row, each row runs on random numbers of its own; with one seed, the rows share
    them. Returns (first row, truce, (rows, patterns))."""
    first, truce, scenario, paths, values, patterns, replications, seeds = task
    per_model = max(1, MAX_WORLDS // replications)
    stats = []
    for start in range(0, len(values), per_model):
        rows = values[start:start + per_model]
        variants = [with_behaviour(scenario, dict(zip(paths, row, strict=True)))
                    for row in rows]
        if np.ndim(seeds):           # a block of its own for each row
            blocks = [(0, replications, int(sd)) for sd in seeds[start:start + len(rows)]]
            layout = np.repeat(np.arange(len(rows)), replications)[None, :]
        else:                        # one block, shared
            blocks, layout = [(0, replications, int(seeds))], None
        with threadpool_limits(1):
            r = run_blocks(variants, blocks, record_daily=False, layout=layout)
        stats += [[p.of(r.rows(r.parameter_set == b)) for p in patterns]
                  for b in range(len(variants))]
    return first, truce, np.array(stats)


class PatternSimulator:
    """The patterns' statistics for many parameter sets at once, on an executor.

    ``active`` names the constants the search estimates (by default all); the others
    are drawn afresh from their priors for every particle (marginalised: the search
    treats them as part of the simulator's randomness)."""

    def __init__(self, calibration: Calibration, executor, workers: int = 1,
                 active: tuple[str, ...] | None = None):
        self.cal = calibration
        self.paths = tuple(p.path for p in calibration.priors)
        self.active = self.paths if active is None else tuple(active)
        self._where = np.array([self.paths.index(a) for a in self.active], dtype=int)
        self.executor = executor
        self.workers = max(1, workers)
        self.runs = 0

    def constants(self, u: np.ndarray, seed: int) -> np.ndarray:
        """All constants for particles given by the active ones' unbounded coordinates (the
        others drawn from their priors with ``seed``). A uniform prior on [low, high] is a
        standard logistic prior on ``u = logit((x - low) / (high - low))``, so pyabc's
        Gaussian moves never leave the prior's support."""
        u = np.atleast_2d(np.asarray(u, float))
        values = prior_sample(self.cal, len(u), seed)
        low, high = (np.array([getattr(p, end) for p in self.cal.priors])[self._where]
                     for end in ("low", "high"))
        values[:, self._where] = low + (high - low) / (1.0 + np.exp(-u))
        return values

    def __call__(self, values: np.ndarray, seed: int, independent: bool = False
                 ) -> np.ndarray:
        """(rows, patterns) statistics for (rows, constants) values, in pattern order: the
        rows share their random numbers, or, ``independent``, each has its own."""
        cal = self.cal
        seeds = np.random.SeedSequence(seed).generate_state(len(values), np.uint32) \
            if independent else seed
        out = np.full((len(values), len(cal.patterns)), np.nan)
        columns = {t: [i for i, p in enumerate(cal.patterns) if p.truce == t]
                   for t in cal.scenarios}
        per_task = -(-len(values) // self.workers)
        tasks = [(s, t, cal.scenarios[t], self.paths, values[s:s + per_task],
                  [cal.patterns[i] for i in columns[t]], cal.replications[t],
                  seeds[s:s + per_task] if independent else seeds)
                 for t in cal.scenarios if columns[t]
                 for s in range(0, len(values), per_task)]
        for first, truce, stats in self.executor.imap_unordered(simulate_truce, tasks):
            out[first:first + len(stats), columns[truce]] = stats
        self.runs += len(values)
        return out

    def misfit(self, stats: np.ndarray) -> np.ndarray:
        """Each pattern's distance from its target in tolerances (rows, patterns)."""
        target = np.array([p.target for p in self.cal.patterns])
        tol = np.array([p.tolerance for p in self.cal.patterns])
        z = np.abs(stats - target) / tol
        return np.where(np.isnan(z), MISSING_MISFIT, z)


class _Batch:
    """One round of ``size`` pyabc proposals: slots for their parameters and results."""

    def __init__(self, size: int, run: Callable[[list[dict]], list[dict]]):
        self.size = size
        self.pars: list[dict | None] = [None] * size
        self.out: list[dict | None] = [None] * size
        self.turn = [threading.Event() for _ in range(size + 1)]
        self.done = [threading.Event() for _ in range(size)]
        self.barrier = threading.Barrier(size, action=lambda: self._run(run))
        self.local = threading.local()
        self.turn[0].set()

    def _run(self, run) -> None:
        self.out = run(self.pars)

    def model(self, pars) -> dict:
        """pyabc's model, called in thread ``i``: wait for the whole batch, then the run."""
        i = self.local.slot
        self.pars[i] = dict(pars)
        self.turn[i + 1].set()          # the next proposal may draw its parameters
        self.barrier.wait()
        if i:
            self.done[i - 1].wait()     # finish (accept or not) in order
        return self.out[i]


def stacked_sampler(*args, **kwargs):
    """A pyabc sampler whose proposals are simulated ``batch`` at a time (see module);
    built on call, since pyabc is an optional extra."""
    from pyabc.sampler import Sampler

    class StackedSampler(_Stacked, Sampler):
        pass
    return StackedSampler(*args, **kwargs)


class _Stacked:
    """What :func:`stacked_sampler` adds to pyabc's ``Sampler``."""

    def __init__(self, simulator: PatternSimulator, batch: int, seed: int,
                 on_generation: Callable[[int, int], None] | None = None,
                 log: Callable[[str], None] | None = None, store: Path | None = None,
                 budget: float = np.inf):
        super().__init__()
        self.simulator = simulator
        self.batch_size = batch
        self.seed = seed
        self.current: _Batch | None = None
        self.rounds = 0
        self.on_generation = on_generation
        self.log = log
        self.store = store
        self.budget = budget       # simulations left for the whole search
        self._t = 0

    def model(self, pars) -> dict:
        return self.current.model(pars)

    def _simulate(self, rows: list[dict]) -> list[dict]:
        seed = int(np.random.SeedSequence([self.seed, self._t + 1, self.rounds])
                   .generate_state(1)[0])
        values = self.simulator.constants(
            np.array([[r[_key(p)] for p in self.simulator.active] for r in rows]), seed)
        self.rounds += 1
        stats = self._stored(values, seed)
        names = [p.name for p in self.simulator.cal.patterns]
        return [dict(zip(names, row, strict=True)) for row in stats]

    def _stored(self, values: np.ndarray, seed: int) -> np.ndarray:
        """The batch's statistics: from the store if this very batch (same constants, same
        seed) ran before an interruption, else simulated and stored at once; so an
        interrupted generation resumes where it stopped, with the same result."""
        if self.store is None:
            return self.simulator(values, seed)
        path = self.store / f"{seed:020d}.npz"
        if path.exists():
            saved = np.load(path)
            if np.array_equal(saved["values"], values):
                return saved["stats"]
        stats = self.simulator(values, seed)
        partial = path.with_suffix(".partial.npz")
        np.savez(partial, values=values, stats=stats)
        partial.replace(path)
        return stats

    def _round(self, simulate_one) -> list:
        batch = self.current = _Batch(self.batch_size, self._simulate)
        particles: list = [None] * batch.size
        failures: list[BaseException] = []

        def work(i: int) -> None:
            batch.turn[i].wait()
            batch.local.slot = i
            try:
                particles[i] = simulate_one()
                if batch.out[i] is None:            # returned without running the model
                    raise RuntimeError("a proposal returned without simulating")
            except BaseException as exc:    # noqa: BLE001 - re-raised in the caller
                failures.append(exc)
                batch.barrier.abort()
            finally:
                batch.turn[i + 1].set()
                batch.done[i].set()

        threads = [threading.Thread(target=work, args=(i,), daemon=True)
                   for i in range(batch.size)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        if failures:
            real = [f for f in failures if not isinstance(f, threading.BrokenBarrierError)]
            raise (real or failures)[0]
        return particles

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                all_accepted=False, ana_vars=None):
        self._t, self.rounds = t, 0
        np.random.seed(np.random.SeedSequence([self.seed, t + 1]).generate_state(1)[0])
        sample = self._create_empty_sample()
        evaluations = 0
        limit = min(max_eval, self.budget)
        while sample.n_accepted < n and evaluations < limit:
            for particle in self._round(simulate_one):
                sample.append(particle)
                evaluations += 1
                if sample.n_accepted >= n:
                    break
            if self.log and self.rounds % 10 == 0:
                self.log(f"  {sample.n_accepted} of {n} accepted after {evaluations} "
                         "simulations")
        self.nr_evaluations_ = evaluations
        self.budget -= self.rounds * self.batch_size      # simulated, used or not
        if sample.n_accepted < n:
            sample.ok = False
        if self.on_generation:
            self.on_generation(t, evaluations)
        return sample


def screen(cal: Calibration, simulator: PatternSimulator, cache: Path,
           log: Callable[[str], None]) -> tuple[list[dict], np.ndarray]:
    """Which constants the patterns respond to, from a prior predictive sample: each
    constant's largest rank correlation with any pattern's statistic (kept in ``cache``,
    so a resumed calibration does not redo it); and the sample's distances to history."""
    s = cal.search.screening
    if cache.exists():
        saved = np.load(cache)
        values, stats = saved["values"], saved["stats"]
    else:
        seed = int(np.random.SeedSequence([cal.search.seed, 0]).generate_state(1)[0])
        values = prior_sample(cal, s.particles, seed)
        stats = simulator(values, seed)
        partial = cache.with_suffix(".partial.npz")
        np.savez(partial, values=values, stats=stats)
        partial.replace(cache)                      # whole or not at all
    rho = rank_correlation(values, stats)
    rows = []
    for j, p in enumerate(cal.priors):
        k = int(np.nanargmax(np.abs(rho[j])))
        rows.append({"constant": p.path, "rho": float(rho[j, k]),
                     "pattern": cal.patterns[k].name,
                     "active": bool(abs(rho[j, k]) >= s.threshold)})
    log(f"screening: {sum(r['active'] for r in rows)} of {len(rows)} constants move a "
        f"pattern (|rank correlation| >= {s.threshold:g} over {s.particles} prior draws)")
    return rows, np.sqrt(np.sum(simulator.misfit(stats) ** 2, axis=1))


def calibrate(cal: Calibration, database: Path, executor, workers: int,
              log: Callable[[str], None] = print) -> tuple[Posterior, dict]:
    """Screen, then run (or resume) the ABC-SMC search over the constants the patterns
    respond to; return the equally weighted posterior sample (the others drawn from
    their priors) and what the manifest records of the search."""
    import pyabc

    s = cal.search
    screening, distances = screen(cal, PatternSimulator(cal, executor, workers),
                                  database.with_suffix(".screen.npz"), log)
    # the first generation accepts the closest share of prior draws (rejection ABC: equal
    # weights); later ones, if any, tighten to the median distance (ABC-SMC)
    first = float(np.quantile(distances, s.acceptance))
    active = tuple(r["constant"] for r in screening if r["active"])
    simulator = PatternSimulator(cal, executor, workers, active)
    started = time.perf_counter()

    def progress(t: int, evaluations: int) -> None:
        log(f"generation {t}: {evaluations} particles simulated "
            f"({simulator.runs} in all, {time.perf_counter() - started:.0f} s)")

    store = database.with_suffix(".batches")
    store.mkdir(exist_ok=True)
    sampler = stacked_sampler(simulator, s.batch, s.seed, on_generation=progress, log=log,
                              store=store)
    prior = pyabc.Distribution(**{_key(p): pyabc.RV("logistic", 0, 1) for p in active})
    names = [p.name for p in cal.patterns]

    def distance(x: dict, x0: dict) -> float:
        stats = np.array([[x[k] for k in names]])
        return float(np.sqrt(np.sum(simulator.misfit(stats) ** 2)))

    abc = pyabc.ABCSMC(sampler.model, prior, distance, population_size=s.population,
                       sampler=sampler,
                       eps=pyabc.QuantileEpsilon(initial_epsilon=first, alpha=0.5))
    url = f"sqlite:///{database}"
    ended = database.with_suffix(".ended")     # the search stopped by its own rules
    if database.exists():
        history = abc.load(url, 1)
        done = history.max_t + 1
        if done:
            log(f"resuming after generation {history.max_t} ({database})")
    else:
        ended.unlink(missing_ok=True)          # it belonged to a database now gone
        abc.new(url, {p.name: p.target for p in cal.patterns})
        done = 0
    if not ended.exists() and done < s.generations:
        # the budget counts every simulation of the search, all generations together
        sampler.budget = s.simulations - (abc.history.total_nr_simulations if done else 0)
        abc.run(max_nr_populations=s.generations - done,
                max_total_nr_simulations=s.simulations, min_acceptance_rate=s.min_acceptance)
        ended.touch()
    history = abc.history
    if history.max_t < 0:
        raise ScenarioError(cal.path, "search", f"{s.population} particles within "
                            f"{s.simulations} simulations: the first generation did not "
                            "finish; raise 'simulations' or 'acceptance'")
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    u = frame[[_key(p) for p in active]].to_numpy()
    rng = np.random.default_rng(s.seed)
    # systematic resampling: an equally weighted sample of the weighted population; the
    # constants not searched are drawn afresh for each draw
    cum = np.cumsum(weights / weights.sum())
    picks = np.searchsorted(cum, (rng.random() + np.arange(s.draws)) / s.draws)
    picks = rng.permutation(np.minimum(picks, len(u) - 1))
    values = simulator.constants(u[picks], int(rng.integers(2**32)))
    populations = history.get_all_populations()
    generations = [{"generation": int(row.t), "epsilon": float(row.epsilon),
                    "simulations": int(row.samples),
                    "acceptance": float(s.population / row.samples) if row.samples else None}
                   for row in populations.itertuples() if row.t >= 0]
    search = {"screening": screening, "first_epsilon": first, "generations": generations,
              "simulations": int(history.total_nr_simulations) + s.screening.particles,
              "effective_sample_size": float(weights.sum() ** 2 / (weights ** 2).sum()),
              "population": len(u)}
    return Posterior(paths=tuple(p.path for p in cal.priors), values=values), search


def prior_sample(cal: Calibration, n: int, seed: int) -> np.ndarray:
    """``n`` draws from the calibration's priors (screening, the constants not searched,
    the report's prior predictive)."""
    rng = np.random.default_rng(seed)
    low = np.array([p.low for p in cal.priors])
    high = np.array([p.high for p in cal.priors])
    return low + (high - low) * rng.random((n, len(cal.priors)))

