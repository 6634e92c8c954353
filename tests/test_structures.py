"""Every scenario that validates runs: random structures, refused naming a field or simulated.

A structure is who is who and who meets whom: actors of each kind (party factions,
excluded factions, powers that are guarantors or not), their patrons and intermixing,
regions with neighbours, presences and sieges, the intelligence link, a precedent, key
pairs. Two properties over random structures (``hypothesis``):

- any structure at all is either refused by the loader with a ``ScenarioError`` that
  names a field of the file (``actors.f1.patron``, ``regions.g0.besieged_by``, ...), or
  builds a model that runs to its horizon (two days) and gives results and a summary;
- a structure built to satisfy the rules the checks state (``sim.scenario.checks``:
  party factions of two camps meet on a front, every party faction has a front, a siege
  is laid by a party faction with a foe inside) is never refused, and runs: the checks
  refuse what the model cannot simulate, not more.

The fast suite runs a bounded number of examples; ``-m slow`` runs many more and the
whole main job (tables, summary and charts) on some of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import run_main
from sim.analysis.summary import summarize
from sim.run.experiment import run_scenario
from sim.run.posterior import SHIPPED, load_posterior
from sim.scenario.loading import ScenarioError, load_scenario

POSTERIOR = load_posterior(SHIPPED)
SHARES = st.one_of(st.sampled_from([0.0, 0.3, 1.0]), st.floats(0.0, 1.0))
FAST = settings(max_examples=int(os.environ.get("STRUCTURE_EXAMPLES", 40)), deadline=2000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=400, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --------------------------------------------------------------------------
# Structures
# --------------------------------------------------------------------------

def _frame(actors: dict, regions: dict, draw) -> dict:
    """A scenario around the actors and regions: short time, some terms and precedent."""
    names = sorted(actors)
    data = {"name": "random structure",
            "time": {"step_hours": draw(st.sampled_from([1, 6, 24])), "duration_days": 1,
                     "horizon_days": 2},
            "actors": actors, "regions": regions}
    if len(names) > 1 and draw(st.booleans()):
        pair = draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
        data["mechanisms"] = {"intelligence": {"provider": pair[0], "recipient": pair[1]}}
    if draw(st.booleans()):
        data["precedent"] = {"name": "before", "verification": 0.4, "violence_share": {
            n: draw(st.floats(0, 1)) for n in draw(st.lists(st.sampled_from(names),
                                                            unique=True, max_size=3))}}
    return data


@st.composite
def any_structure(draw) -> dict:
    """Actors of each kind, patrons, regions, presences, sieges: anything the schema's
    names resolve in (unknown names are the schema's business, tested elsewhere)."""
    powers = [f"p{i}" for i in range(draw(st.integers(0, 3)))]
    factions = [f"f{i}" for i in range(draw(st.integers(1, 5)))]
    actors: dict = {p: {"kind": "power", "party": draw(st.booleans())} for p in powers}
    for f in factions:
        actors[f] = {"kind": "faction", "party": draw(st.booleans())}
        if powers and draw(st.booleans()):
            actors[f]["patron"] = draw(st.sampled_from(powers))
    spoilers = [f for f in factions if not actors[f]["party"]]
    for f in factions:
        if actors[f]["party"] and spoilers and draw(st.booleans()):
            actors[f]["intermixed_with"] = draw(st.sampled_from(spoilers))
    names = sorted(actors)
    regions = [f"g{i}" for i in range(draw(st.integers(1, 5)))]
    out: dict = {}
    for g in regions:
        region = {"neighbours": draw(st.lists(st.sampled_from(regions), unique=True,
                                              max_size=3).map(
                      lambda nbs, g=g: [n for n in nbs if n != g])),
                  "civilians": draw(st.sampled_from([0.0, 50.0, 500.0])),
                  "presence": draw(st.dictionaries(st.sampled_from(names), SHARES)),
                  "marbling": draw(SHARES)}
        if draw(st.booleans()):
            region["besieged_by"] = draw(st.sampled_from(names))
        out[g] = region
    return _frame(actors, out, draw)


@st.composite
def viable_structure(draw) -> dict:
    """A structure the checks' rules allow, built so: at least two camps of party factions
    meeting on a front, every party faction on a front, sieges laid by a party faction on a
    region holding one of another camp; other actors (excluded factions, powers without
    clients, non-guarantors) anywhere."""
    powers = [f"p{i}" for i in range(draw(st.integers(0, 3)))]
    actors: dict = {p: {"kind": "power", "party": draw(st.booleans())} for p in powers}
    n_parties = draw(st.integers(2, 4))
    parties = [f"f{i}" for i in range(n_parties)]
    for i, f in enumerate(parties):
        actors[f] = {"kind": "faction", "party": True, "war_rate": draw(st.sampled_from(
            [0.0, 5.0, 20.0]))}
        patron = draw(st.sampled_from([None, *powers]))
        if i == 1 and patron == actors["f0"].get("patron"):     # two camps at least
            patron = None
        if patron is not None:
            actors[f]["patron"] = patron
    spoilers = [f"s{i}" for i in range(draw(st.integers(0, 2)))]
    for s in spoilers:
        actors[s] = {"kind": "faction", "party": False}
    for f in parties:
        if spoilers and draw(st.booleans()):
            actors[f]["intermixed_with"] = draw(st.sampled_from(spoilers))

    def camp(name: str) -> str:
        return actors[name].get("patron") or name

    n_regions = draw(st.integers(1, 4))
    regions = [f"g{i}" for i in range(n_regions)]
    presence: dict[str, dict[str, float]] = {g: {} for g in regions}
    positive = st.floats(0.05, 1.0)
    for f in parties:       # each party faction on a front, facing one of another camp
        foe = draw(st.sampled_from([o for o in parties if camp(o) != camp(f)]))
        g = draw(st.sampled_from(regions))
        presence[g][f] = draw(positive)
        presence[g].setdefault(foe, draw(positive))
        if presence[g][foe] == 0.0:
            presence[g][foe] = 0.5
    others = sorted(set(actors) - set(parties))
    for g in regions:
        for name in draw(st.lists(st.sampled_from(others), unique=True)) if others else []:
            presence[g][name] = draw(SHARES)
    out: dict = {}
    for g in regions:
        out[g] = {"neighbours": [r for r in regions if r != g and draw(st.booleans())],
                  "civilians": draw(st.sampled_from([0.0, 50.0, 500.0])),
                  "presence": presence[g], "marbling": draw(SHARES)}
        here = [f for f in parties if presence[g].get(f, 0) > 0]
        besiegers = [f for f in parties if any(camp(o) != camp(f) for o in here)]
        if besiegers and draw(st.booleans()):
            out[g]["besieged_by"] = draw(st.sampled_from(besiegers))
    data = _frame(actors, out, draw)
    if draw(st.booleans()):
        a, b = draw(st.sampled_from([(a, b) for a in parties for b in parties
                                     if camp(a) != camp(b)]))
        data["key_pairs"] = [[a, b]]
    return data


# --------------------------------------------------------------------------
# Loading and running one
# --------------------------------------------------------------------------

def load(data: dict, folder: Path):
    path = folder / "structure.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_scenario(path), path


def assert_names_a_field(err: ScenarioError, data: dict) -> None:
    """The error names a field of the file: a top-level block, and for an actor or region
    a name the file has."""
    assert err.field, f"no field named: {err}"
    keys = err.field.split(".")
    assert keys[0] in data or keys[0] in ("mechanisms", "precedent", "key_pairs"), err
    if keys[0] in ("actors", "regions") and len(keys) > 1:
        assert keys[1] in data[keys[0]], f"{err.field} is not in the file: {err}"
    assert str(err).startswith(f"{err.file}: {err.field}: "), err


def runs(scenario) -> None:
    """Two replications to the horizon under the posterior's draws, results and summary."""
    results = run_scenario(scenario, 2, 1, posterior=POSTERIOR)
    assert len(results.formal_day) == 2
    summarize(results)


def check_any(data: dict, folder: Path) -> None:
    try:
        scenario, _ = load(data, folder)
    except ScenarioError as err:
        assert_names_a_field(err, data)
        keys = err.field.split(".")
        if keys[0] in ("actors", "regions") and len(keys) > 1:
            keys[1] = "<name>"
        event(f"refused: {'.'.join(keys)}")     # --hypothesis-show-statistics shows the mix
        return
    event("ran")
    runs(scenario)


def check_viable(data: dict, folder: Path) -> None:
    scenario, _ = load(data, folder)      # a ScenarioError here: the checks refuse too much
    runs(scenario)


@FAST
@given(data=any_structure())
def test_every_structure_is_refused_naming_a_field_or_runs(data, tmp_path_factory):
    check_any(data, tmp_path_factory.mktemp("any"))


@FAST
@given(data=viable_structure())
def test_every_structure_the_rules_allow_loads_and_runs(data, tmp_path_factory):
    check_viable(data, tmp_path_factory.mktemp("viable"))


@pytest.mark.slow
@SLOW
@given(data=any_structure())
def test_many_structures_are_refused_naming_a_field_or_run(data, tmp_path_factory):
    check_any(data, tmp_path_factory.mktemp("any"))


@pytest.mark.slow
@SLOW
@given(data=viable_structure())
def test_many_structures_the_rules_allow_load_and_run(data, tmp_path_factory):
    check_viable(data, tmp_path_factory.mktemp("viable"))


@pytest.mark.slow
@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=viable_structure())
def test_the_main_job_runs_on_structures_the_rules_allow(data, tmp_path_factory, capsys):
    """The whole main job, tables, summary and charts, on a few: no traceback anywhere."""
    folder = tmp_path_factory.mktemp("job")
    _, path = load(data, folder)
    code, _, err = run_main([path, "-r", "20", "-o", folder / "out", "-q"], capsys)
    assert code == 0, err
    assert (folder / "out" / "summary.md").is_file()
