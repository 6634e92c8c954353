"""Property tests: invariants of the model, its results and summaries over random valid scenarios.

Each example loads ``scenarios/kerry_lavrov.yaml`` with random dotted-path
overrides drawn inside the schema's own ranges. The parameter table is derived
from the schema (``sim.scenario.schema``: every float field with a lower and an
upper bound, in every block, ``behaviour.*`` and each actor's kind-specific
fields included), so the tests follow the schema as agents declare new
parameters. A few replications run over a short horizon, and the invariants are
checked after every step and on the results.
"""

from __future__ import annotations

import os
import typing
from pathlib import Path

import annotated_types
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from sim.analysis.summary import kaplan_meier, summarize, wilson_interval
from sim.model.model import CeasefireModel
from sim.model.results import TRIGGERS, Results
from sim.scenario import schema
from sim.scenario.loading import ScenarioError, load_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "kerry_lavrov.yaml"
REFERENCE = load_scenario(SCENARIO)
HORIZON_DAYS = 8

SIM_SETTINGS = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", 60)), deadline=None,
                        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                               HealthCheck.data_too_large])


# --------------------------------------------------------------------------
# The parameter table, walked from the schema
# --------------------------------------------------------------------------

def bounds(info) -> tuple[float | None, float | None, bool]:
    lo, hi, open_lo = None, None, False
    for m in info.metadata:
        if isinstance(m, annotated_types.Ge):
            lo = m.ge
        elif isinstance(m, annotated_types.Gt):
            lo, open_lo = m.gt, True
        elif isinstance(m, annotated_types.Le):
            hi = m.le
    return lo, hi, open_lo


def block_of(annotation) -> type[BaseModel] | None:
    """The block a field holds: itself, or the block inside ``Block | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if len(args) == 1 and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0]
    return None


def numeric_fields(model: type[BaseModel], prefix: str = ""):
    """(dotted path, low, high, open low) of every bounded float field under ``model``."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        block = block_of(info.annotation)
        if block is not None:
            yield from numeric_fields(block, path + ".")
        elif info.annotation is float:
            lo, hi, open_lo = bounds(info)
            if lo is not None and hi is not None:
                yield path, lo, hi, open_lo


def parameter_table() -> dict[str, tuple[float, float, bool]]:
    """Every bounded numeric parameter of the reference scenario, by dotted path: the
    scenario-wide blocks, each actor's fields for its kind, each region's."""
    table = {}
    for path, lo, hi, open_lo in numeric_fields(schema.Scenario):
        if not path.startswith("time."):        # time is drawn apart: whole days and steps
            table[path] = (lo, hi, open_lo)
    for name, actor in REFERENCE.actors.items():
        for field, lo, hi, open_lo in numeric_fields(schema.KIND_PARAMS[actor.role]):
            table[f"actors.{name}.{field}"] = (lo, hi, open_lo)
    for name in REFERENCE.regions:
        for field, lo, hi, open_lo in numeric_fields(schema.Region):
            table[f"regions.{name}.{field}"] = (lo, hi, open_lo)
    return table


TABLE = parameter_table()
SWITCHES = [f"mechanisms.{name}.enabled" for name, info in schema.Mechanisms.model_fields.items()
            if "enabled" in block_of(info.annotation).model_fields]
STEP_HOURS = [h for h in range(1, 25) if 24 % h == 0]


def test_the_table_covers_every_layer_of_the_schema():
    """The walk reaches behaviour, mechanisms, outcomes, precedent, harm, actors by kind
    and regions (a renamed block would otherwise silently drop out of the tests)."""
    tops = {p.split(".")[0] for p in TABLE}
    assert {"behaviour", "mechanisms", "outcomes", "precedent", "harm", "actors",
            "regions"} <= tops
    assert {p.split(".")[1] for p in TABLE if p.startswith("behaviour.")} == set(
        schema.Behaviour.model_fields)
    assert "actors.russia.leverage" in TABLE and "actors.government.leverage" not in TABLE
    assert "actors.government.discipline" in TABLE and "actors.nusra.discipline" not in TABLE
    assert "behaviour.party.noise" in TABLE and TABLE["behaviour.party.noise"][0] == 0.01
    assert len(TABLE) > 80
    assert SWITCHES and all(p.startswith("mechanisms.") for p in SWITCHES)


def value(lo: float, hi: float, open_lo: bool) -> st.SearchStrategy[float]:
    """Inside the range, the ends included (a lower end only when closed)."""
    ends = [hi] if open_lo else [lo, hi]
    inner = st.floats(lo, hi, exclude_min=open_lo, allow_nan=False, allow_infinity=False)
    return st.one_of(st.sampled_from(ends), inner)


@st.composite
def overrides(draw) -> dict:
    """A valid set of overrides: some parameters, some switches, a short horizon."""
    chosen = draw(st.dictionaries(st.sampled_from(sorted(TABLE)), st.none(), max_size=25))
    out = {path: draw(value(*TABLE[path])) for path in chosen}
    for path in draw(st.lists(st.sampled_from(SWITCHES), unique=True, max_size=3)):
        out[path] = False
    out["time.step_hours"] = float(draw(st.sampled_from(STEP_HOURS)))
    out["time.duration_days"] = float(draw(st.integers(1, HORIZON_DAYS)))
    # long enough that a collapse on the truce's last day is known (the schema's rule)
    window = round(out.get("outcomes.de_facto_window_days",
                           REFERENCE.outcomes.de_facto_window_days))
    out["time.horizon_days"] = float(max(HORIZON_DAYS, out["time.duration_days"] + window - 1))
    return out


replications = st.integers(1, 6)
seeds = st.integers(0, 2**32 - 1)


def scenario_of(ov: dict):
    return load_scenario(SCENARIO, ov)


def model_of(sc, reps: int, seed: int, daily: bool = True) -> CeasefireModel:
    return CeasefireModel(sc, replications=reps, rng=seed, record_daily=daily)


@settings(max_examples=40, deadline=None)
@given(ov=overrides())
def test_every_drawn_override_set_is_valid(ov):
    """The strategy draws only what the schema accepts (else the properties test nothing)."""
    scenario_of(ov)


# --------------------------------------------------------------------------
# Every step: beliefs in range, counters growing, collapse absorbing
# --------------------------------------------------------------------------

COUNTERS = ("violations", "reported", "admitted", "accidents", "spoiler_attacks", "harm",
            "aid_delivered", "convoys")
DAILY = ("acts_day", "reported_day", "harm_day", "aid_day")
TRUCE = ("collapsed", "collapse_day", "declarer", "trigger", "de_facto", "de_facto_day")


def snapshot(m: CeasefireModel) -> dict[str, np.ndarray]:
    snap = {k: getattr(m.recorder, k).copy() for k in COUNTERS + DAILY}
    snap.update({k: getattr(m, k).copy() for k in TRUCE})
    snap["jic_start"] = m.jic.start_day.copy()
    return snap


def observers(m: CeasefireModel) -> list:
    return [a for a in m._actors if hasattr(a, "logodds")]


def check_step(m: CeasefireModel, before: dict[str, np.ndarray], step: int) -> None:
    where = f"after step {step}"
    # beliefs: finite log-odds, probabilities in [0, 1]
    for agent in observers(m):
        assert np.all(np.isfinite(agent.logodds)), f"{agent.name}'s beliefs {where}"
        for other in agent.trusted:
            p = agent.trust_in(int(other))
            assert np.all((p >= 0.0) & (p <= 1.0)), f"{agent.name}'s belief {where}"
    assert np.all((m.separation >= 0.0) & (m.separation <= 1.0)), where
    assert np.all(np.isin(m.front_status, (0, 1, 2))), where
    assert np.all(np.isfinite(m.violence_today)) and np.all(m.violence_today >= 0), where

    # counters: non-negative and cumulative
    for k in COUNTERS + DAILY:
        now = getattr(m.recorder, k)
        assert np.all(now >= 0), f"{k} negative {where}"
        assert np.all(now >= before[k]), f"{k} decreased {where}"
    assert np.all(m.recorder.admitted <= m.recorder.violations), f"admitted > violations {where}"

    # a formal collapse stays, with its day, declarer and trigger; so does a de facto one
    was = before["collapsed"]
    assert np.all(m.collapsed[was]), f"a declared truce came back {where}"
    for k in ("collapse_day", "declarer", "trigger"):
        assert np.array_equal(getattr(m, k)[was], before[k][was]), f"{k} changed {where}"
        assert np.all(getattr(m, k)[~m.collapsed] == -1), f"{k} set on a standing truce {where}"
    assert np.all(m.de_facto[before["de_facto"]])
    assert np.array_equal(m.de_facto_day[before["de_facto"]],
                          before["de_facto_day"][before["de_facto"]])
    assert np.array_equal(m.de_facto, m.de_facto_day >= 0)
    declarer = m.declarer[m.collapsed]
    assert all(m.theatre.kind[d] == "party" for d in declarer), f"a non-party declared {where}"
    assert np.all((m.trigger[m.collapsed] >= 0) & (m.trigger[m.collapsed] < len(TRIGGERS)))
    assert np.all((m.collapse_day[m.collapsed] >= 1) & (m.collapse_day[m.collapsed] <= m.day))

    # the joint center works only while the truce stands, and its start is recorded once
    assert not np.any(m.jic.active & (m.collapsed | m.de_facto)), where
    started = before["jic_start"] >= 0
    assert np.array_equal(m.jic.start_day[started], before["jic_start"][started])
    assert np.all(m.jic.start_day[m.jic.active] >= 0)   # working means it started


def check_results(r: Results, sc, reps: int) -> None:
    D = sc.time.horizon_days
    duration = sc.time.duration_days
    assert r.replications == reps and r.horizon_days == D and r.duration_days == duration
    formal, de_facto = r.formal_day, r.de_facto_day
    # formal collapse iff a declarer iff a trigger
    assert np.array_equal(formal >= 0, r.declarer >= 0)
    assert np.array_equal(formal >= 0, r.trigger >= 0)
    assert np.all(r.trigger < len(TRIGGERS))
    assert set(np.array(r.actors)[r.declarer[r.declarer >= 0]]) <= set(r.parties)
    # collapse days within the horizon
    assert np.all((formal[formal >= 0] >= 1) & (formal[formal >= 0] < D))
    window = round(sc.outcomes.de_facto_window_days)
    # a de facto collapse is dated from its window's first day (0: war from the first day),
    # or at the declaration its window reads (up to the last day, D - 1)
    dated = de_facto >= 0
    assert np.all((de_facto[dated] <= D - window) | (de_facto[dated] == formal[dated]))
    c = r.collapse_day
    collapsed = ~np.isnan(c)
    assert np.array_equal(collapsed, (formal >= 0) | (de_facto >= 0))
    assert np.all((c[collapsed] >= 0) & (c[collapsed] <= D))
    assert np.all(c[formal >= 0] <= formal[formal >= 0])
    # survival: neither collapse within the duration; shares in [0, 1], never rising
    assert np.array_equal(r.survived, ~collapsed | (c > duration))
    shares = r.survival_by_day(np.arange(0, D + 1))
    assert np.all((shares >= 0) & (shares <= 1)) and np.all(np.diff(shares) <= 0)
    assert shares[0] == pytest.approx(1.0 - np.mean(c == 0))   # back at war from the first day
    kind = r.kind_of_collapse
    assert np.array_equal(kind == "", ~collapsed)
    assert np.array_equal(kind == "formal", (formal >= 0) & (formal == c))
    # the JIC starts only after its quiet days, on a truce still standing
    jic = r.jic_start_day
    on = jic >= 0
    assert np.array_equal(r.jic_activated, on)
    if not sc.mechanisms.jic.enabled:
        assert not on.any()
    assert np.all(jic[on] >= sc.mechanisms.jic.quiet_days)
    assert np.all((formal[on] < 0) | (jic[on] <= formal[on]))
    assert np.all((de_facto[on] < 0) | (jic[on] < de_facto[on]))
    # counts non-negative, beliefs and shares in range
    for k in ("violations", "reported", "admitted", "accidents", "spoiler_attacks",
              "convoys"):
        assert np.all(getattr(r, k) >= 0), k
    assert np.all(r.admitted <= r.violations)
    for k in ("harm", "aid_delivered"):
        assert np.all(np.isfinite(getattr(r, k))) and np.all(getattr(r, k) >= 0), k
    assert np.all((r.final_trust >= 0) & (r.final_trust <= 1))
    assert np.all(np.isfinite(r.violence_day)) and np.all(r.violence_day >= 0)
    assert np.all((r.holding_day >= 0) & (r.holding_day <= 1))
    assert r.violence_day.shape == r.holding_day.shape == (reps, D)
    if r.trust_day is not None:
        assert np.all((r.trust_day >= 0) & (r.trust_day <= 1))
        assert np.all(np.isin(r.status_day, (0, 1, 2)))
    if not sc.mechanisms.spoilers.enabled:
        assert np.all(r.spoiler_attacks == 0)
    if not sc.mechanisms.humanitarian.enabled:
        assert np.all(r.convoys == 0) and np.all(r.aid_delivered == 0)

    # tables and summary say the same
    table = r.replication_table()
    assert len(table) == reps
    assert np.array_equal(table["survived"].to_numpy(), r.survived)
    summary = summarize(r)
    assert summary.p_survive == pytest.approx(r.survived.mean())
    lo, hi = summary.p_survive_ci
    assert 0.0 <= lo <= hi <= 1.0
    assert lo <= summary.p_survive <= hi
    if r.acts_day is not None:
        daily = r.daily_table()
        holding = daily[daily.series == "truce_holding"]
        expected = [r.survived_to(d).mean() for d in holding.day]
        assert np.allclose(holding["mean"].to_numpy(), expected)
        assert np.all((holding["mean"] >= 0) & (holding["mean"] <= 1))


def step_checked(model: CeasefireModel) -> int:
    """Run a model to its horizon, checking the state after every step; the steps taken."""
    steps = 0
    while model.running:
        before = snapshot(model)
        model.step()
        check_step(model, before, steps)
        steps += 1
    return steps


def run_checked(ov: dict, reps: int, seed: int) -> None:
    sc = scenario_of(ov)
    model = model_of(sc, reps, seed)
    assert step_checked(model) == model.n_days == sc.time.horizon_days    # a step is a day
    check_results(model.results(), sc, reps)


# A logit noise just above 0 (valid: gt=0) makes worth / noise overflow to +-inf, which
# correctly reads as a sure choice; the warning is expected there.
overflow_ok = pytest.mark.filterwarnings("ignore:overflow encountered in divide:RuntimeWarning")


@overflow_ok
@pytest.mark.slow
@SIM_SETTINGS
@given(ov=overrides(), reps=replications, seed=seeds)
def test_state_stays_valid_at_every_step_and_results_agree(ov, reps, seed):
    run_checked(ov, reps, seed)


@overflow_ok
@settings(SIM_SETTINGS, max_examples=6)
@given(ov=overrides(), reps=replications, seed=seeds)
def test_state_stays_valid_quick(ov, reps, seed):
    """A few examples of the test above, for the quick (``-m "not slow"``) run."""
    run_checked(ov, reps, seed)


@overflow_ok
@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(ov=overrides(), seed=seeds)
def test_a_single_world_runs(ov, seed):
    """R = 1 is an ordinary single-world Mesa model."""
    sc = scenario_of(ov)
    r = model_of(sc, 1, seed).run()
    check_results(r, sc, 1)


def test_the_reference_satisfies_the_invariants():
    """A fixed, realistic case (the random ones stray to the edges of the ranges)."""
    sc = load_scenario(SCENARIO, {"time.horizon_days": 10})
    model = CeasefireModel(sc, replications=40, rng=3)
    step_checked(model)
    r = model.results()
    check_results(r, sc, 40)
    # not vacuous: both kinds of collapse and survivors occur
    assert (r.formal_day >= 0).any() and (r.de_facto_day >= 0).any() and r.survived.any()


# --------------------------------------------------------------------------
# Kaplan–Meier and Wilson
# --------------------------------------------------------------------------

def check_survival_curve(curve) -> None:
    days, surv, lo, hi = curve.days, curve.survival, curve.lower, curve.upper
    assert len(days) == len(surv) == len(lo) == len(hi)
    assert np.all(np.diff(days) >= 0), "days not sorted"
    for name, x in (("survival", surv), ("lower", lo), ("upper", hi)):
        assert np.all(np.isfinite(x)), name
        assert np.all((x >= 0.0) & (x <= 1.0)), f"{name} outside [0, 1]: {x}"
    assert np.all(np.diff(surv) <= 0), f"survival rises: {surv}"
    assert np.all(lo <= surv), f"lower above survival: {lo - surv}"
    assert np.all(surv <= hi), f"upper below survival: {hi - surv}"
    assert surv[0] == 1.0


HORIZON = 14.0
collapse_days = st.lists(
    st.one_of(st.just(np.nan),
              st.integers(1, int(HORIZON)).map(float),                    # whole days
              st.floats(1e-6, HORIZON, allow_nan=False)),
    min_size=1, max_size=400)


@settings(max_examples=200, deadline=None)
@given(days=collapse_days)
def test_kaplan_meier_curve_is_a_survival_curve(days):
    x = np.array(days, float)
    curve = kaplan_meier(x, HORIZON)
    check_survival_curve(curve)
    assert curve.days[0] == 0.0 and curve.days[-1] == HORIZON
    # every run is censored at the horizon, after all events: KM is the empirical survival
    for t in np.unique(x[~np.isnan(x)]):
        assert curve.at(t) == pytest.approx(np.mean(np.isnan(x) | (x > t)), abs=1e-12)
    assert curve.survival[-1] == pytest.approx(np.mean(np.isnan(x)), abs=1e-12)


@pytest.mark.parametrize("n", [1, 2, 5, 1000])
def test_kaplan_meier_all_collapse_or_none(n):
    none = kaplan_meier(np.full(n, np.nan), HORIZON)
    check_survival_curve(none)
    assert np.all(none.survival == 1.0) and np.all(none.lower == 1.0)
    every = kaplan_meier(np.linspace(0.5, 6.0, n), HORIZON)
    check_survival_curve(every)
    assert every.survival[-1] == 0.0 and every.upper[-1] == 0.0


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 100_000), data=st.data())
def test_wilson_interval_is_an_interval_in_the_unit_range(n, data):
    k = data.draw(st.integers(0, n))
    lo, hi = wilson_interval(k, n)
    assert 0.0 <= lo <= hi <= 1.0
    assert lo <= k / n <= hi


@pytest.mark.parametrize("k,n", [(0, 3), (10, 10)])
def test_wilson_interval_contains_the_estimate_exactly_at_the_ends(k, n):
    """Regression (fixed in e8c6c58): centre - half and centre + half did not cancel
    exactly, so wilson_interval(0, 3) had lower 5.6e-17 > 0 and wilson_interval(10, 10)
    upper 0.9999999999999999 < 1: a sweep point that always survived reported
    p_survive_high < p_survive."""
    lo, hi = wilson_interval(k, n)
    assert lo <= k / n <= hi


# --------------------------------------------------------------------------
# Regressions, each with the smallest reproducer
# --------------------------------------------------------------------------

@pytest.mark.parametrize("ov", [
    {"mechanisms.separation.rate_per_day": 0.0},
    {"actors.united_states.leverage": 0.0},
    {},
])
def test_initial_separation_applies_whatever_the_progress(ov):
    """separation.initial is the share undone at the start, even when no progress follows
    (it used to apply only where the separation rate was positive)."""
    sc = load_scenario(SCENARIO, {"mechanisms.separation.initial": 0.8, **ov})
    model = CeasefireModel(sc, replications=3, rng=0)
    opposition = model.actor("opposition")                   # intermixed with nusra
    assert np.all(opposition.separation == pytest.approx(0.8))
    assert np.all(model.actor("government").separation == 0.0)   # intermixed with nobody
    model.step()
    assert np.all(opposition.separation >= 0.8 - 1e-12)
    off = CeasefireModel(load_scenario(SCENARIO, {"mechanisms.separation.initial": 0.8,
                                                  "mechanisms.separation.enabled": False,
                                                  **ov}), replications=3, rng=0)
    for _ in range(3):                                       # three days
        off.step()
    assert np.all(off.actor("opposition").separation == pytest.approx(0.8))


def test_durations_must_be_whole_days_and_survival_matches_the_truce_end():
    """A truce phase that ends mid-day is refused; with whole days, 'survived' is exactly
    'no collapse, formal or de facto, by the end of the duration'."""
    with pytest.raises(ScenarioError, match="whole number"):
        load_scenario(SCENARIO, {"time.duration_days": 6.99, "time.horizon_days": 8})
    sc = load_scenario(SCENARIO, {"time.horizon_days": 8})
    r = CeasefireModel(sc, replications=300, rng=3, record_daily=False).run()
    c = r.collapse_day
    assert np.array_equal(r.survived, np.isnan(c) | (c > 7))
    assert ((c == 7) | (c == 8)).any(), "no collapse near the end: choose another seed"
    assert np.array_equal(r.survived_to(8), np.isnan(c))


@pytest.mark.parametrize("ov", [
    {"actors.government.war_rate": 0, "actors.government.air_power": 0,
     "behaviour.monitoring.ambiguous_per_day": 0},
    {"actors.government.war_rate": 0, "actors.government.air_power": 0,
     "behaviour.monitoring.bias": 1},
    {"behaviour.monitoring.detection_base": 0, "mechanisms.monitoring.verification": 0,
     "behaviour.monitoring.ambiguous_per_day": 0},
], ids=["no-attacks-no-ambiguity", "no-attacks-full-bias", "no-detection-no-ambiguity"])
def test_beliefs_can_be_built_when_an_observer_expects_no_incidents(ov):
    """Regression (fixed in e8c6c58): Observer.belief_constants took log(lam_u / lam_c)
    with lam_c = detection * committed + noise, 0 for these valid scenarios, and the model
    could not be built (ZeroDivisionError)."""
    sc = load_scenario(SCENARIO, {**ov, "time.horizon_days": 8})
    r = CeasefireModel(sc, replications=2, rng=0).run()
    assert np.all(np.isfinite(r.final_trust))
