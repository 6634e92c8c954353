"""The Python API, for notebooks: load a scenario, change a term, run it, look, compare.

The command line (``ceasefire``, ``python run.py``) writes folders of tables and
charts; this is the same machinery for interactive work, returning objects instead:

    from sim import api
    sc = api.load_scenario("kerry_lavrov", {"mechanisms.penalties.strength": 2})
    run = api.run(sc, replications=500)
    run.summary()          # the headline figures with both intervals
    run.plot("survival")   # inline in a notebook
    api.compare("kerry_lavrov", sc, replications=500)
    run.story()            # the typical replication, told event by event
    grid = api.sweep("kerry_lavrov", {"mechanisms.penalties.strength": {"values": [0, 2]}},
                     replications=50)
    grid.plot()            # the sweep's chart: a heat map, its indices, ...
    scored = api.validate("truces", replications=400)   # the model against history
    scored.table           # validation.csv; scored.summary(), scored.plot()

A run uses what the main job uses: the shipped posterior of the behavioural
constants, a draw per replication (``posterior=None`` for the hand-set defaults,
``point=True`` for the posterior median), the same seed by default and the same
blocks of replications, so ``run(sc, 2000)`` has exactly the replications of
``ceasefire kerry_lavrov --no-compare`` (tested).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim import dotted
from sim.analysis.comparison import Comparison, comparison_table, with_pairing
from sim.analysis.comparison import compare as paired
from sim.analysis.discovery import Discovery, discover
from sim.analysis.global_sensitivity import indices
from sim.analysis.points import point_table
from sim.analysis import yardstick
from sim.analysis.summary import Summary, draw_table, summarize, typical
from sim.model.model import CeasefireModel
from sim.model.results import Results
from sim.present.charts import scenario as charts
from sim.present.charts.comparison import comparison_forest
from sim.present.charts.discovery import box_chart, peeling_chart
from sim.present.charts.labels import Labels
from sim.present.charts.sweep import sweep_figure
from sim.present.validation import Validation
from sim.present.validation import validate as scored
from sim.present.wording.comparison import comparison_lines
from sim.present.wording.story import render
from sim.present.wording.summary import summary_lines
from sim.present.wording.sweep import sensitivity_findings, sweep_findings
from sim.run import job, limits
from sim.run.chunks import chunks
from sim.run.experiment import batches, run_batch, run_compared
from sim.run.job import DEFAULT_REPLICATIONS, DEFAULT_SEED, SHIPPED_POSTERIOR
from sim.run.pairing import refusal
from sim.run.posterior import Posterior
from sim.run.story import Story
from sim.run.story import story as retell
from sim.scenario.catalogue import find
from sim.scenario.corpus import load_corpus
from sim.scenario.counterfactuals import counterfactuals_of
from sim.scenario.loading import ScenarioError
from sim.scenario.loading import load_scenario as _load
from sim.scenario.schema import Scenario
from sim.scenario.sweep import SweepPlan, load_sweep

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["Compared", "Run", "Sweep", "Told", "compare", "from_file", "load_scenario", "run",
           "sweep", "validate"]

#: The charts of one run, by the name ``Run.plot`` takes; each draws on one axes except
#: the last two, which draw two panels, and trust, one panel per key pair.
CHARTS = ("survival", "violence", "trust", "fronts", "triggers", "aid")


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """A scenario file, validated, with ``overrides`` (dotted paths, as ``--set``) applied.

    ``path`` is a file or a shipped scenario's name (``"kerry_lavrov"``,
    ``"counterfactuals/with_penalties"``: ``ceasefire scenarios list``). Bad input raises
    ``sim.scenario.loading.ScenarioError`` naming the file, the field and what was expected.
    """
    return _load(find(path), overrides)


def from_file(scenario: str | Path, overrides: dict[str, Any] | None = None,
              rng: int | None = None, replications: int = 1) -> CeasefireModel:
    """A model of a scenario file (a path or a shipped scenario's name) with ``overrides``
    (dotted paths, as ``--set``), seeded with ``rng``: what ``mesa.batch_run`` calls with
    its keyword values (``batch_run(api.from_file, {"scenario": "kerry_lavrov",
    "overrides": [{...}, {...}]}, rng=[1, 2], max_steps=14)``). At R = 1 it carries a
    DataCollector of the day's records (``CeasefireModel.REPORTERS``)."""
    return CeasefireModel(load_scenario(scenario, overrides), replications=replications,
                          rng=rng)


def _scenario(scenario: Scenario | str | Path) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


@dataclass(frozen=True)
class Run:
    """One scenario's replications and what they say. ``results`` holds the plain arrays
    (``sim.model.results.Results``); the methods give the tables and charts of the main
    job's output folder."""

    scenario: Scenario
    results: Results
    seed: int
    posterior: Posterior | None = field(default=None, repr=False)

    @cached_property
    def _summary(self) -> Summary:
        return summarize(self.results)

    def summary(self) -> Summary:
        """The headline figures, each with its sampling interval and, under a posterior, its
        interval across the constants (as ``summary.md``; ``str(run)`` prints them)."""
        return self._summary

    def to_frame(self) -> pd.DataFrame:
        """One row per replication (``replications.csv``)."""
        return self.results.replication_table()

    def daily(self) -> pd.DataFrame:
        """Per-day series, mean and 10th/90th percentiles (``daily.csv``); needs a run with
        ``daily=True``."""
        return self.results.daily_table()

    def draws(self) -> pd.DataFrame:
        """One row per posterior draw, its outcomes and constants (``draws.csv``); only for a
        run under a posterior (not ``point=True`` or ``posterior=None``)."""
        if self.results.draw is None:
            raise ValueError("this run used no posterior draws (posterior=None or point=True)")
        return draw_table(self.results, self.posterior)

    def plot(self, chart: str = "survival", ax: Axes | None = None) -> Figure:
        """One of the main job's charts (``CHARTS``), on ``ax`` or a new figure (those of
        several panels, 'trust', 'triggers' and 'aid', take a figure: ``ax.figure`` if
        ``ax`` is given), returned: a notebook shows it inline."""
        r, fig = self.results, (ax.figure if ax is not None else None)
        name = Labels.of(self.scenario)
        draw = {"survival": lambda: charts.survival_curve(r, ax),
                "violence": lambda: charts.violence_by_day(r, ax, labels=name),
                "trust": lambda: charts.trust_trajectories(r, fig, labels=name),
                "fronts": lambda: charts.fronts_by_day(r, ax),
                "triggers": lambda: charts.collapse_triggers(self.summary(), fig, name),
                "aid": lambda: charts.aid_delivered(r, self.summary(), fig)}
        if chart not in draw:
            raise ValueError(f"chart must be one of {', '.join(CHARTS)} (got {chart!r})")
        if chart in ("violence", "trust", "fronts", "aid") and r.acts_day is None:
            raise ValueError(f"the {chart!r} chart needs a run with daily=True")
        return draw[chart]()

    def story(self, replication: int | str = "typical") -> Told:
        """One of this run's replications told event by event (as ``--story``): an index,
        or ``"typical"``, the one whose collapse day is closest to the run's median. It
        reruns only that replication's block, with this run's seed and posterior draws."""
        picked = replication == "typical"
        index = typical(self.results) if picked else int(replication)
        told = retell(self.scenario, index, self.seed, self.results.replications,
                      posterior=self.posterior)
        return Told(told, picked)

    def __str__(self) -> str:
        return "\n".join(summary_lines(self.summary()))

    def _repr_pretty_(self, p, cycle: bool) -> None:   # IPython: the summary, not the arrays
        p.text(str(self))


@dataclass(frozen=True)
class Compared:
    """A scenario and others run side by side (paired), and each one's difference from it."""

    base: Run
    others: tuple[Run, ...]
    comparisons: tuple[Comparison, ...]

    def table(self) -> pd.DataFrame:
        """One row per compared scenario, its paired differences with both intervals
        (``comparison.csv``)."""
        return comparison_table(list(self.comparisons))

    def plot(self, fig: Figure | None = None) -> Figure:
        """The differences with their intervals, robust conclusions filled
        (``comparison.png``), in ``fig`` or a new figure."""
        return comparison_forest(list(self.comparisons), self.base.summary(), fig)

    def __str__(self) -> str:
        return "\n".join(comparison_lines(list(self.comparisons),
                                          self.base.results.duration_days))

    def _repr_pretty_(self, p, cycle: bool) -> None:
        p.text(str(self))


@dataclass(frozen=True)
class Told:
    """The story of one replication: ``story`` holds its events and its outcome (its row of
    the replication table); a notebook shows it as Markdown, ``str`` is plain text."""

    story: Story
    typical: bool = False

    def __str__(self) -> str:
        return render(self.story, typical=self.typical)

    def _repr_markdown_(self) -> str:
        return render(self.story, markdown=True, typical=self.typical)

    def _repr_pretty_(self, p, cycle: bool) -> None:   # plain-text front ends: the text
        p.text(str(self))


@dataclass(frozen=True)
class Sweep:
    """A sweep's points and what they say: ``points`` is ``points.csv`` (one row per point,
    survival with its 95% interval, collapse timing, main trigger); ``plan`` the validated
    sweep (its parameters, design and every point's scenario)."""

    plan: SweepPlan
    points: pd.DataFrame

    def sensitivity(self) -> pd.DataFrame | None:
        """A Sobol' or Morris design's indices (``sensitivity.csv``); None for other designs."""
        if self.plan.global_design is None:
            return None
        return indices(self.points, self.plan.global_design)

    def plot(self) -> Figure:
        """The chart the command line draws for this sweep's shape (``heatmap.png``,
        ``sensitivity.png``, ...), returned."""
        return sweep_figure(self.points, self.plan.parameters, self.plan.base_values,
                            self.plan.grid_shape is not None, self.plan.name,
                            self.sensitivity())[2]

    def discover(self, level: float = 0.5, min_coverage: float = 0.5) -> Discovery:
        """PRIM's boxes where the truce survives in at least ``level`` of the replications
        (as ``run.py discover``); needs the discovery extra (``discovery.available()``)."""
        return discover(self.points, self.plan.parameters, level, min_coverage)

    def plot_discovery(self, found: Discovery, chart: str = "box") -> Figure:
        """``"box"``: the reported box's limits and the points with the box drawn
        (``discovery_box.png``); ``"peeling"``: the peeling trajectory."""
        if chart == "peeling":
            return peeling_chart(found, f"{self.plan.name}: the peeling trajectory")
        if chart != "box":
            raise ValueError(f"chart must be 'box' or 'peeling' (got {chart!r})")
        return box_chart(found, self.points, f"Where the truce survives (≥ {found.level:.0%} "
                         "of replications)")

    def __str__(self) -> str:
        lines = sweep_findings(self.points, self.plan.parameters,
                               self.plan.grid_shape is not None)
        if self.plan.global_design is not None:
            lines += sensitivity_findings(self.sensitivity(), self.points,
                                          self.plan.global_design)
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle: bool) -> None:
        p.text(str(self))


def run(scenario: Scenario | str | Path, replications: int = DEFAULT_REPLICATIONS,
        seed: int = DEFAULT_SEED, posterior: str | Path | Posterior | None = SHIPPED_POSTERIOR,
        point: bool = False, daily: bool = True, max_hours: float = limits.DEFAULT_MAX_HOURS
        ) -> Run:
    """Run a scenario's replications, as the main job does (``ceasefire SCENARIO
    --no-compare``): same seed, same replications, same results.

    ``posterior``: ``"shipped"`` (the calibration's sample, a draw per replication), a
    file or a ``Posterior``, or None for the constants the scenario has (the hand-set
    defaults); ``point=True`` runs at the posterior median instead (no parameter
    uncertainty). ``daily=False`` skips the per-day series (faster; no daily table or
    per-day charts). A request beyond ``max_hours`` of estimated work, or this machine's
    memory, is refused before anything runs (``ScenarioError``), as on the command line.
    """
    return _run_side_by_side([_scenario(scenario)], replications, seed, posterior, point,
                             daily, max_hours)[0]


def compare(base: Scenario | str | Path, *others: Scenario | str | Path,
            replications: int = DEFAULT_REPLICATIONS, seed: int = DEFAULT_SEED,
            posterior: str | Path | Posterior | None = SHIPPED_POSTERIOR, point: bool = False,
            max_hours: float = limits.DEFAULT_MAX_HOURS) -> Compared:
    """Run ``base`` and ``others`` side by side, paired (the same random numbers and posterior
    draw in replication r of each), and measure each one's difference from ``base``: its
    survival and median collapse day, with both intervals and whether it is robust (as
    ``ceasefire SCENARIO --compare FILE ...``). Given no others, a scenario file's own
    counterfactuals (``counterfactuals/`` beside it). The others must share the base's
    time and de facto window (``ValueError`` otherwise); one that differs in the
    conflict's facts runs in a model of its own on the same seed, its streams paired by
    name, and its comparison says so (``Comparison.apart``)."""
    if not others and not isinstance(base, Scenario):
        others = tuple(counterfactuals_of(find(base)))
    scenarios = [_scenario(s) for s in (base, *others)]
    runs = _run_side_by_side(scenarios, replications, seed, posterior, point, True, max_hours)
    named = [(r.results, r.scenario.name if r.scenario.name != runs[0].scenario.name
              else changes(runs[0].scenario, r.scenario),
              "" if isinstance(given, Scenario) else str(find(given)))
             for r, given in zip(runs[1:], others, strict=True)]
    comparisons, _ = with_pairing(paired(runs[0].results, named), scenarios[0], scenarios[1:],
                                  seed)
    return Compared(runs[0], tuple(runs[1:]), tuple(comparisons))


def sweep(file: str | Path, parameters: dict[str, dict] | None = None,
          design: str | dict = "grid", replications: int | None = None,
          seed: int = DEFAULT_SEED,
          posterior: str | Path | Posterior | None = SHIPPED_POSTERIOR,
          overrides: dict[str, Any] | None = None) -> Sweep:
    """Run a sweep here, serially, and summarise its points, as ``ceasefire SWEEP`` does
    (same seed, same rows; no store, so keep it small).

    ``file`` is a sweep file (``"sweeps/penalties_vs_verification"``), its ``replications``
    replacing the file's as ``-r`` does; or, with ``parameters`` (the ``sweep:`` section's,
    e.g. ``{"mechanisms.penalties.strength": {"range": [0, 5], "steps": 6}}``), the base
    scenario to sweep, with ``design`` and ``replications`` (required) as in a sweep file.
    Sweeps run at the posterior's median, as on the command line (``posterior=None``: the
    hand-set defaults)."""
    behaviour = job.constants(posterior).median()
    path = find(file)
    if parameters is None:
        plan = load_sweep(path, seed, overrides, behaviour=behaviour,
                          replications=replications)
    else:   # the base scenario, swept by this section
        if replications is None:
            raise ValueError("a sweep given by its parameters needs its replications")
        section = {"parameters": parameters, "design": design, "replications": replications}
        try:
            plan = load_sweep(path, seed, overrides, behaviour=behaviour, section=section)
        except ScenarioError as err:   # name the file as the caller gave it
            raise ScenarioError(path, err.field, err.expected) from None
    rows = dict(pair for task in batches(plan, chunks(plan)) for pair in run_batch(task))
    table = pd.concat([rows[key] for key in sorted(rows)], ignore_index=True)
    points = point_table(((p, g.sort_values("replication", kind="stable", ignore_index=True))
                          for p, g in table.groupby("point")), plan.parameters, plan.values,
                         [sc.time.horizon_days for sc in plan.scenarios])
    return Sweep(plan, points)


def validate(corpus: str | Path = "truces", replications: int = 400, seed: int = DEFAULT_SEED,
             posterior: str | Path | Posterior | None = "shipped", point: bool = False,
             reference: str | Path | None = None,
             max_hours: float = limits.DEFAULT_MAX_HOURS) -> Validation:
    """Score the model on every truce of a corpus against what happened, beside the base
    rate and the survival regression (leave-one-out), as ``ceasefire validate CORPUS``
    does (same seed and replications, same scores). Returns a ``Validation``: ``.table``
    (``validation.csv``), ``.scores`` (``scores.csv``), ``.predictions``, ``.summary()``
    (in words) and ``.plot()`` (``survival.png``). ``reference``: fit the yardstick on
    that corpus instead. Needs lifelines (``pip install 'ceasefire-sim[validation]'``)."""
    if not yardstick.available():
        raise ImportError(f"validate needs lifelines, an optional extra: {yardstick.INSTALL}")
    truces = load_corpus(corpus)
    chosen = job.constants(posterior, point)
    scenarios = chosen.apply([t.scenario for t in truces.truces])
    for truce, scenario in zip(truces.truces, scenarios, strict=True):
        limits.within(scenario, replications, str(truce.scenario_path), daily=False,
                      max_hours=max_hours)
    return scored(truces, replications, seed, chosen.draws,
                  load_corpus(reference) if reference is not None else None, scenarios)


def _run_side_by_side(scenarios: list[Scenario], replications: int, seed: int,
                      posterior: str | Path | Posterior | None, point: bool, daily: bool,
                      max_hours: float) -> list[Run]:
    """Every scenario's replications in the same models (``run_compared``), under the
    posterior's draws or at its median."""
    chosen = job.constants(posterior, point)
    scenarios = chosen.apply(scenarios)
    limits.within(scenarios[0], replications, "the Python API's request",
                  copies=len(scenarios), daily=daily, max_hours=max_hours)
    refused = job.apart(scenarios[0], scenarios[1:])
    if refused is not None:
        first, fields = refused
        field, message = refusal(fields, repr(scenarios[0].name))
        raise ValueError(f"{scenarios[1 + first].name!r}: {field}: {message}")
    results = run_compared(scenarios, replications, seed, record_daily=daily,
                           posterior=chosen.draws)
    return [Run(s, r, seed, chosen.draws) for s, r in zip(scenarios, results, strict=True)]


def changes(base: Scenario, other: Scenario) -> str:
    """What ``other`` sets differently from ``base``, as dotted paths (``a.b=2, c=0.5``): the
    label of a scenario changed in a notebook, which keeps its base's name."""
    a = dotted.leaves(base.model_dump(mode="json"))
    b = dotted.leaves(other.model_dump(mode="json"))
    return ", ".join(f"{k}={b.get(k)}" for k in sorted(a.keys() | b.keys())
                     if a.get(k) != b.get(k)) or "the same scenario"
