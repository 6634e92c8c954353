"""Comparisons of scenarios that differ in the conflict's facts, and refusals that name the
field (``sim.run.pairing``).

A counterfactual that changes the deal's terms shares its base's model (every random
number paired); one that changes a fact (a siege, a presence, an actor) runs in a model
of its own on the same seed, blocks and draws, its streams paired by name; one whose
time or de facto window differs cannot be compared, and the refusal names the field.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import run_main
from sim import api
from sim.analysis import probe
from sim.run import job
from sim.run.experiment import run_compared, run_scenario
from sim.run.pairing import differences, incomparable, pairing, shares_model
from sim.scenario.counterfactuals import counterfactuals_of
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "kerry_lavrov.yaml"
BASE = load_scenario(REFERENCE)
#: the reference with a bystander: a power that is no party and is present nowhere
BYSTANDER = load_scenario(REFERENCE, {"actors.china": {"kind": "power", "party": False}})
SIEGE = load_scenario(REFERENCE, {"regions.idlib.besieged_by": "government"})


def test_the_shipped_counterfactuals_share_the_model_of_their_base():
    for file in counterfactuals_of(REFERENCE):
        assert shares_model(BASE, load_scenario(file)), file
        assert pairing(BASE, load_scenario(file), 1).note() == ""


def test_a_fact_is_named_in_the_difference():
    assert differences(BASE, SIEGE) == ["regions.idlib.besieged_by"]
    moved = load_scenario(REFERENCE, {"regions.raqqa.presence.opposition": 0.2})
    assert differences(BASE, moved) == ["regions.raqqa.presence.opposition"]
    assert not shares_model(BASE, moved)     # the geometry the model reads from its first
    assert differences(BASE, BYSTANDER) == ["actors.china"]


def test_streams_are_paired_by_name_so_a_bystander_changes_nothing():
    """The bystander's own stream is the only one not paired, and every outcome of every
    replication is the base's: the others' streams gave both the same numbers."""
    p = pairing(BASE, BYSTANDER, 5)
    assert not p.together and p.unpaired == ("china.decisions",)
    assert "government.acts" in p.paired and "convoys.convoys" in p.paired
    base, other = run_compared([BASE, BYSTANDER], 120, 5)
    for field in ("formal_day", "declarer", "trigger", "de_facto_day", "harm",
                  "aid_delivered", "convoys"):
        assert np.array_equal(getattr(base, field), getattr(other, field)), field
    assert np.array_equal(base.violations, other.violations[:, :len(BASE.actors)])


def test_a_siege_more_leaves_only_the_convoy_stream_unpaired():
    p = pairing(BASE, SIEGE, 5)
    assert p.differs == ("regions.idlib.besieged_by",) and p.unpaired == ("convoys.convoys",)
    assert "`regions.idlib.besieged_by`" in p.note() and "paired by name" in p.note()


def test_a_scenario_in_a_model_of_its_own_is_its_run_alone():
    base, other = run_compared([BASE, SIEGE], 90, 7)
    alone = run_scenario(SIEGE, 90, 7)
    assert np.array_equal(other.formal_day, alone.formal_day)
    assert np.array_equal(other.violations, alone.violations)
    assert np.array_equal(base.formal_day, run_scenario(BASE, 90, 7).formal_day)


def test_paired_differences_are_tighter_than_independent_ones():
    """Common random numbers by name: the paired difference of lifting a siege varies less
    than the difference to the same change run on another seed."""
    lifted = load_scenario(REFERENCE, {"regions.aleppo_east.besieged_by": None})
    base, paired = run_compared([BASE, lifted], 400, 11, record_daily=False)
    other_seed = run_scenario(lifted, 400, 12, record_daily=False)
    crn = np.var(paired.survived.astype(float) - base.survived)
    independent = np.var(other_seed.survived.astype(float) - base.survived)
    assert crn < 0.8 * independent


def test_time_or_window_differences_are_named():
    longer = load_scenario(REFERENCE, {"time.duration_days": 10})
    window = load_scenario(REFERENCE, {"outcomes.de_facto_window_days": 3})
    assert incomparable(BASE, [SIEGE, longer]) == (1, [("time.duration_days", 10.0, 7.0)])
    assert incomparable(BASE, [window])[1][0][0] == "outcomes.de_facto_window_days"
    assert incomparable(BASE, [SIEGE, BYSTANDER]) is None


def test_the_command_line_names_the_differing_field(tmp_path, capsys):
    longer = tmp_path / "longer.yaml"
    longer.write_text(f"extends: {REFERENCE}\ntime: {{duration_days: 10, horizon_days: 15}}\n")
    code, out, err = run_main([REFERENCE, "-r", "20", "--compare", longer, "-o",
                               tmp_path / "out", "-q"], capsys)
    assert code == 2 and out == ""
    assert err == (f"error: {longer}: time.duration_days: 10 here, 7 in {REFERENCE} (also "
                   "time.horizon_days 15 against 14): cannot be compared with it, for "
                   "outcomes are read over the time and the de facto window, which "
                   "scenarios compared must share\n")
    assert not (tmp_path / "out").exists()


def test_the_main_job_compares_a_lifted_siege_and_says_how_it_is_paired(tmp_path, capsys):
    lifted = tmp_path / "lifted.yaml"
    lifted.write_text(f"extends: {REFERENCE}\nname: Aleppo siege lifted\n"
                      "regions:\n  aleppo_east: {besieged_by: null}\n")
    out = tmp_path / "out"
    code, stdout, err = run_main([REFERENCE, "-r", "40", "--no-compare", "-o", out,
                                  "--no-charts", "-q"], capsys)
    assert code == 0, err
    code, stdout, err = run_main([REFERENCE, "-r", "40", "--compare", lifted, "-o",
                                  tmp_path / "out2", "--no-charts", "-q"], capsys)
    assert code == 0, err
    assert "lifted.yaml" in stdout and "(own model: streams paired by name)" in stdout
    summary = (tmp_path / "out2" / "summary.md").read_text()
    assert "It differs in the conflict's facts (`regions.aleppo_east.besieged_by`)" in summary
    assert "paired by name: 18 of 19 streams" in summary and "`convoys.convoys`" in summary
    compared = json.loads((tmp_path / "out2" / "manifest.json").read_text())["compared"]
    own = {entry["file"]: entry.get("own_model") for entry in compared}
    assert own.pop(str(lifted))["differs"] == ["regions.aleppo_east.besieged_by"]
    assert set(own.values()) == {None}       # the shipped counterfactuals: side by side
    assert summary.count("It differs in the conflict's facts") == 1
    # the scenario's own results are those of the run without the comparison
    assert (out / "replications.csv").read_bytes() == \
        (tmp_path / "out2" / "replications.csv").read_bytes()


def test_the_api_compares_a_fact_and_refuses_a_time_naming_the_field():
    compared = api.compare(BASE, SIEGE, replications=40, posterior=None)
    assert "`regions.idlib.besieged_by`" in compared.comparisons[0].apart
    with pytest.raises(ValueError, match=r"time\.duration_days: 10 here, 7 in"):
        api.compare(BASE, load_scenario(REFERENCE, {"time.duration_days": 10}),
                    replications=40, posterior=None)


def test_explain_runs_a_scaled_presence_in_a_model_of_its_own():
    """A presence scaled keeps the structure but not the geometry the model reads from its
    first scenario (who a spoiler hits, where a stray strike falls), so each variant runs
    apart, marked alone; a term scaled shares the base's model."""
    chosen = job.constants(point=True)
    planned = probe.plan(REFERENCE, ["regions.idlib.presence.opposition",
                                     "mechanisms.humanitarian.obstruction"], chosen)
    probed = {p.path: p for p in probe.run(planned, 20, 3, chosen)[1]}
    assert probed["regions.idlib.presence.opposition"].alone == (0.5, 0.9, 1.1, 1.5)
    term = probed["mechanisms.humanitarian.obstruction"]
    assert term.alone == () and sum(e is not None for e in term.effects) >= 3
