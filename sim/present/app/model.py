"""What the browser app drives: one truce of a scenario under terms set by sliders.

Mesa's model controller re-creates the model on Reset by calling its class with the
page's settings as keyword arguments. The sliders here are keyed by the dotted paths of the
scenario (``mechanisms.penalties.strength``, as ``run.py --set`` takes them), so the
page applies a term exactly as the command line does; their labels, ranges and starting
values come from the scenario schema and the scenario file, never from this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from pydantic.fields import FieldInfo

from sim import dotted
from sim.model.results import Results
from sim.model.story import TellingModel
from sim.present.charts.labels import Labels
from sim.run import job
from sim.run.experiment import run_scenario
from sim.scenario.catalogue import DEFAULT, find
from sim.scenario.loading import load_scenario
from sim.scenario.schema import KIND_PARAMS, Scenario

#: The scenario the app opens by default: the shipped reference, in a checkout or installed.
REFERENCE = find(DEFAULT)

#: The environment variable naming the scenario file of the app (``run.py app FILE`` sets
#: it; ``solara run`` takes no arguments of the page's own).
SCENARIO_ENV = "CEASEFIRE_APP_SCENARIO"

#: The deal's main terms the page offers (dotted paths; ``<power>``: one slider per power).
TERMS = ("mechanisms.penalties.strength", "mechanisms.monitoring.verification",
         "mechanisms.intelligence.level", "mechanisms.jic.quiet_days",
         "actors.<power>.leverage", "mechanisms.spoilers.activity")

#: Where a slider stops below the schema's bound, and why: the schema admits penalties up
#: to 100 days' gain of fighting and spoilers at 20 times their activity, but the truce's
#: fate is settled well before (measured with the ensemble button, 300 replications, seed 1:
#: penalties of 5 hold the reference's truce through its week in 99% of replications, five
#: times the spoilers' activity in 3%), and a slider over the whole range would leave the
#: interesting part a few pixels wide. Quiet days stop at the scenario's horizon.
SLIDER_MAX = {"mechanisms.penalties.strength": 10.0, "mechanisms.spoilers.activity": 5.0}

#: The day-by-day series of the parties' violence, as a share of its pre-truce level.
VIOLENCE = "violence"         # the model's own reporter: the parties' violence

#: The seed a page starts with (its slider's first value).
FIRST_SEED = 1

#: Replications of the ensemble button: enough for a survival curve with a readable band,
#: few enough to answer within a second or two.
ENSEMBLE_REPLICATIONS = 300


@dataclass(frozen=True)
class Term:
    """One slider: the term's dotted path, its label, range and the scenario's value."""

    path: str
    label: str
    meaning: str
    value: float
    low: float
    high: float
    step: float

    def within(self, value: float) -> float:
        """A value typed for this term, brought within the slider's range."""
        return min(max(float(value), self.low), self.high)


def _field(path: str, scenario: Scenario) -> FieldInfo:
    """The schema's declaration of a dotted path (an actor's field: its role's block)."""
    keys = dotted.keys(path)
    if keys[0] == "actors":
        return dotted.field(KIND_PARAMS[scenario.actors[keys[1]].role], keys[2])
    return dotted.field(Scenario, path)


def value_at(scenario: Scenario, path: str) -> float:
    """The scenario's value of a dotted path."""
    return float(dotted.get(scenario, path))


def _bound(field: FieldInfo, name: str) -> float | None:
    return next((getattr(m, name) for m in field.metadata
                 if getattr(m, name, None) is not None), None)


#: A slider's step by the unit of its term, from what the unit means: a share moves by five
#: points (a deal's terms are not set finer: the corpus codes monitoring as 0.1, 0.3, ...),
#: days by whole days, a multiplier by a tenth, penalties (in days' gain of fighting, per
#: violation pinned) by a quarter of a day's gain. The number box beside each slider takes
#: the values between.
STEP_BY_UNIT = {"share": 0.05, "days": 1.0, "multiplier": 0.1, "value/day": 0.25}


def _step(low: float, high: float, unit: str, value: float) -> float:
    """The unit's step (``STEP_BY_UNIT``) where its grid holds the scenario's own value (a
    slider snaps its value to its grid: it must not move the file's term unasked); else a
    power of ten giving at least 20 steps over the range."""
    step = STEP_BY_UNIT.get(unit)
    if step is not None and math.isclose((value - low) / step, round((value - low) / step),
                                         abs_tol=1e-9):
        return step
    return 10.0 ** math.floor(math.log10((high - low) / 20))


def terms(scenario: Scenario) -> list[Term]:
    """The sliders of the deal's main terms for this scenario, from the schema: a label
    from the path and unit, the range of the declaration (capped by ``SLIDER_MAX`` and the
    horizon, but never below the scenario's own value), that value to start from."""
    out, names = [], Labels.of(scenario)
    powers = [n for n, a in scenario.actors.items() if a.role == "power"]
    for template in TERMS:
        for path in ([template.replace("<power>", p) for p in powers]
                     if "<power>" in template else [template]):
            field = _field(path, scenario)
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            unit = str(extra.get("unit", ""))
            low = _bound(field, "ge") or 0.0
            value = value_at(scenario, path)
            high = max(value, min(_bound(field, "le"), SLIDER_MAX.get(path, math.inf),
                                  scenario.time.horizon_days if unit == "days" else math.inf))
            *_, block, name = dotted.keys(path)
            block = names(block) if block in scenario.actors else block
            label = f"{block}: {name.replace('_', ' ')}" + (f" ({unit})" if unit else "")
            out.append(Term(path, label, " ".join((field.description or "").split()),
                            value, float(low), float(high),
                            _step(low, high, unit, value)))
    return out


@cache
def shipped(point: bool) -> job.Constants:
    """The shipped posterior, read once per server (every Reset and ensemble uses it), draw
    by draw or at its median; the hand-set constants where there is none, as the main job
    falls back to."""
    return job.constants(job.SHIPPED_POSTERIOR, point)


def behaving(scenario: Scenario) -> Scenario:
    """The scenario with the behavioural constants at the shipped posterior's median (what
    ``run.py --point`` runs): one truce shows the typical behaviour, not one draw's."""
    return shipped(point=True).apply([scenario])[0]


class TruceModel(TellingModel):
    """One truce (R = 1) of a scenario file under the terms the sliders set, at the
    posterior median of the behavioural constants, with a Mesa DataCollector of what the
    page plots day by day (Mesa's plot components read it), telling its story as it runs
    (``teller``: the events the page shows day by day, as ``--story`` tells them)."""

    def __init__(self, scenario_file: str = str(REFERENCE), seed: int = FIRST_SEED,
                 **terms_set):
        # Mesa's Reset passes its own experiment object (mesa.experimental.scenarios) to a
        # constructor taking **kwargs; the truce's scenario is the file and its terms.
        terms_set.pop("scenario", None)
        #: the terms as set, before the posterior is applied: the ensemble runs them
        self.terms_scenario = load_scenario(scenario_file, overrides=terms_set)
        self.seed = int(seed)
        super().__init__(behaving(self.terms_scenario), replications=1, rng=self.seed,
                         told=0)

    def reporters(self) -> dict:
        """The model's own day-by-day records, and each key pair's belief (the page plots
        them)."""
        names = self.theatre.actors
        self.pairs = [(f"{names[o]} trusts {names[t]}", o, t) for o, t in self.recorder.key_pairs]
        return {**super().reporters(),
                **{label: (lambda m, o=o, t=t: float(m.agent_of(o).trust_in(t)[0]))
                   for label, o, t in self.pairs}}


def ensemble(model: TruceModel, replications: int = ENSEMBLE_REPLICATIONS) -> Results:
    """The model's terms over many replications, as the main job runs them (under the
    shipped posterior, a draw per 20 replications, the model's seed): the same results as
    ``run.py FILE --set ... -r 300 -s SEED --no-compare``."""
    return run_scenario(model.terms_scenario, replications, model.seed,
                        posterior=shipped(point=False).draws)
