"""``run.py explain``: one-at-a-time probes of a scenario's facts and terms, paired with the
unchanged scenario (``sim.analysis.probe``)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import run_main
from sim import dotted
from sim.analysis import probe
from sim.run import job
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Scenario

REFERENCE = "scenarios/kerry_lavrov.yaml"


def test_a_declaration_is_found_through_named_mappings():
    """Actors, regions and a region's presences are mappings of names: the path's name
    keys are skipped to the declaration of the values, whose range the probe clips to."""
    assert probe.bounds("actors.russia.commitment") == (0.0, 1.0)
    assert probe.bounds("regions.idlib.presence.nusra") == (0.0, 1.0)
    assert dotted.field(Scenario, "regions.idlib.civilians").annotation is float


def test_facts_are_what_applies_to_each_actor_and_exclude_the_frame():
    sc = load_scenario(REFERENCE)
    facts = probe.fact_paths(sc)
    assert "actors.russia.commitment" in facts and "regions.idlib.presence.nusra" in facts
    assert "actors.russia.discipline" not in facts          # a power has no discipline
    assert not any(p.startswith(("time.", "outcomes.", "behaviour.")) for p in facts)
    assert set(facts).isdisjoint(probe.zero_facts(sc))
    assert all(dotted.get(sc, p) == 0 for p in probe.zero_facts(sc))


def test_the_same_scenario_beside_itself_differs_by_exactly_nothing():
    """Pairing: a variant equal to the base runs on the same random numbers and draws, so
    its every replication is the base's (a difference of exactly zero, not noise)."""
    chosen = job.constants(point=False)
    base = chosen.apply([load_scenario(REFERENCE)])[0]
    twin = probe.Plan(base, (("actors.russia.commitment", 0.35, ((0.5, 0),)),), (base,))
    survival, (probed,) = probe.run(twin, 60, 7, chosen)
    assert survival == probed.effects[0].survival.base
    assert probed.effects[0].survival.difference == 0.0
    assert probed.effects[0].survival.sampling == (0.0, 0.0)


def test_russias_commitment_matters_and_the_trucks_of_a_convoy_do_not():
    """At 200 replications (seed 5, posterior median) halving Russia's commitment costs
    about 28 points with a 95% half-width near 6, so its interval lies below zero by a
    wide margin; the trucks of a convoy move no decision (the convoys' success does not
    depend on their size), so every difference of theirs is exactly zero."""
    chosen = job.constants(point=True)
    planned = probe.plan(REFERENCE, ["actors.russia.commitment",
                                     "mechanisms.humanitarian.trucks_per_convoy"], chosen)
    _, ranked = probe.run(planned, 200, 5, chosen)
    assert [p.path for p in ranked][0] == "actors.russia.commitment"
    commitment, trucks = ranked
    halved, raised = commitment.effects[0].survival, commitment.effects[3].survival
    assert halved.sampling[1] < 0 < raised.sampling[0]
    assert commitment.move_50 > 0.10
    assert all(e.survival.difference == 0 for e in trucks.effects if e is not None)


def test_explain_writes_the_table_chart_and_summary(tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, stderr = run_main(["explain", REFERENCE, "-r", "40", "--only",
                                     "actors.russia.comm", "--only", "mechanisms.monitoring",
                                     "-o", out, "-q"], capsys)
    assert code == 0, stderr
    table = pd.read_csv(out / "explain.csv")
    paths = set(table["path"])
    assert "actors.russia.commitment" in paths
    assert all(p.startswith(("actors.russia.comm", "mechanisms.monitoring")) for p in paths)
    assert len(table) == len(probe.FACTORS) * len(paths)
    assert set(table["factor"]) == set(probe.FACTORS)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "explain" and set(manifest["paths"]) == paths
    assert (out / "explain.png").stat().st_size > 10_000
    summary = (out / "summary.md").read_text()
    assert "hangs most on" in summary and "`actors.russia.commitment`" in summary
    assert "hangs most on" in stdout


@pytest.mark.parametrize("argv, field", [
    (["explain", REFERENCE, "--only", "nothing.here"], "--only"),
    (["explain", "scenarios/sweeps/patron_leverage.yaml"], "sweep"),
    (["explain", REFERENCE, "--set", "actors.russia.commitment=3"],
     "actors.russia.commitment"),
    (["explain", REFERENCE, "-r", "1"], "--replications"),
])
def test_bad_requests_are_refused_in_one_line(tmp_path, capsys, argv, field):
    code, _, stderr = run_main([*argv, "-o", tmp_path / "out"], capsys)
    assert code == 2 and stderr.startswith("error: ") and field in stderr
    assert "Traceback" not in stderr and not (tmp_path / "out").exists()
