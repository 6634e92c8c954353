"""Facts with their uncertainty (``sim.scenario.facts``, ``sim.run.facts``): a fact given
as ``{low, high, source}`` is drawn per posterior draw from its own stream, so its spread
enters the parameter interval; a range of one value is the point value; ranges are
checked at load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import REFERENCE
from sim.analysis.uncertainty import interval, mean_across_draws
from sim.run.experiment import run_scenario
from sim.run.posterior import SHIPPED, load_posterior
from sim.scenario.loading import ScenarioError, load_scenario

FACT = "actors.russia.commitment"
#: 800 worlds: 40 posterior draws of 20 replications each (REPLICATIONS_PER_DRAW).
R, SEED = 800, 11


def child(tmp_path: Path, value, name: str = "child.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"extends": str(REFERENCE),
                                    "actors": {"russia": {"commitment": value}}}))
    return path


@pytest.fixture(scope="module")
def posterior():
    return load_posterior(SHIPPED)


def test_a_range_of_one_value_is_the_point_value(tmp_path, posterior):
    point = run_scenario(load_scenario(child(tmp_path, 0.5, "a.yaml")), R, SEED,
                         record_daily=False, posterior=posterior)
    ranged = load_scenario(child(tmp_path, {"low": 0.5, "high": 0.5, "source": "t"}, "b.yaml"))
    assert ranged.actors["russia"].commitment == 0.5 and FACT in ranged.uncertain
    same = run_scenario(ranged, R, SEED, record_daily=False, posterior=posterior)
    np.testing.assert_array_equal(same.collapse_day, point.collapse_day)
    np.testing.assert_array_equal(same.violations, point.violations)


def test_a_wide_range_widens_the_parameter_interval(tmp_path, posterior):
    def width(value) -> float:
        r = run_scenario(load_scenario(child(tmp_path, value)), R, SEED, record_daily=False,
                         posterior=posterior)
        low, high = interval(mean_across_draws(r.survived, r.draw))
        return high - low
    point, wide = width(0.5), width({"low": 0.0, "high": 1.0, "source": "t"})
    # measured (seed 11, 40 draws): width 0.69 at the point, 0.98 with the range; the range
    # must add spread, by a margin larger than the draws' noise in the interval's width
    assert wide > point + 0.05, (point, wide)


def test_each_draw_takes_its_own_value_whatever_the_run(tmp_path, posterior):
    sc = load_scenario(child(tmp_path, {"low": 0.1, "high": 0.9}))
    a = [v.actors["russia"].commitment for v in posterior.scenarios(sc, 5)]
    b = [v.actors["russia"].commitment for v in posterior.scenarios(sc, 8)][:5]
    assert a == b and len(set(a)) == 5 and all(0.1 <= x <= 0.9 for x in a)


@pytest.mark.parametrize("value, field, expected", [
    ({"low": 0.6, "high": 0.2}, FACT, "low must not exceed its high"),
    ({"low": 0.2, "high": 1.5}, FACT, "(the range's high)"),
    ({"low": "x", "high": 0.5}, f"{FACT}.low", "valid number"),
])
def test_bad_ranges_are_refused_naming_file_and_field(tmp_path, value, field, expected):
    path = child(tmp_path, value)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert err.value.field == field and expected in err.value.expected
    assert err.value.file == str(path)


def test_a_range_for_a_constant_is_refused(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"extends": str(REFERENCE), "mechanisms": {
        "penalties": {"strength": {"low": 0, "high": 2}}}}))
    with pytest.raises(ScenarioError, match="a range is for facts"):
        load_scenario(path)


@pytest.mark.slow
def test_same_seed_same_results_with_one_and_two_workers(tmp_path):
    """A sweep over a scenario with an uncertain fact (sweeps run at the posterior median,
    the fact at its midpoint) gives the same rows whatever the number of workers."""
    import pandas as pd
    from conftest import cli
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump({
        "extends": str(REFERENCE), "name": "ranged sweep", "time": {"horizon_days": 8},
        "actors": {"russia": {"commitment": {"low": 0.2, "high": 0.6, "source": "t"}}},
        "sweep": {"parameters": {"mechanisms.penalties.strength": {"values": [0, 2]}},
                  "replications": 60}}))
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        done = cli(path, "--out", out, "--seed", 9, "--workers", workers, "--no-charts")
        assert done.returncode == 0, done.stderr
        outs.append(out)
    assert (outs[0] / "points.csv").read_bytes() == (outs[1] / "points.csv").read_bytes()
    rows = [pd.read_parquet(o / "chunks").sort_values(["point", "replication"],
                                                       ignore_index=True) for o in outs]
    pd.testing.assert_frame_equal(*rows)


#: The shipped scenarios (a sweep file's ranges are its axes, not facts).
SHIPPED_SCENARIOS = sorted(p for p in Path(REFERENCE).parent.rglob("*.yaml")
                           if "sweep:" not in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SHIPPED_SCENARIOS, ids=lambda p: p.name)
def test_every_range_a_shipped_scenario_writes_names_its_source(path):
    """A range bounds a fact by what the sources allow: it says which (issue 15 item 6)."""
    scenario = load_scenario(path)
    unsourced = [p for p, r in scenario.uncertain.items() if not r.source.strip()]
    assert unsourced == [], f"{path.name}: ranges without a source: {unsourced}"


def test_the_reviewed_reference_holds_its_ranges():
    reviewed = load_scenario(Path(REFERENCE).parent / "kerry_lavrov_reviewed.yaml")
    assert {"actors.russia.commitment", "precedent.violence_share.government"} <= set(
        reviewed.uncertain)
    assert reviewed.mechanisms.humanitarian.pullback == ["aleppo_east"]
