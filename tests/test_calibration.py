"""The posterior on the replication axis, posterior files, calibration files, and the search's
reproducibility."""

from __future__ import annotations

import re

import numpy as np
import pytest
import yaml

from conftest import REFERENCE, ROOT
from sim.run.posterior import (Posterior, behaviour_paths, load_posterior, opt_in_paths,
                                with_behaviour)
from sim.calibration.abc import calibrate
from sim.calibration.spec import load_calibration
from sim.present.cli import main
from sim.present.commands import calibrate as calibrate_command
from sim.run.executors import make_executor
from sim.run.experiment import run_compared, run_scenario
from sim.scenario.loading import ScenarioError, load_scenario

TINY = ROOT / "tests" / "data" / "tiny_calibration.yaml"


def _posterior(draws: int = 3) -> Posterior:
    paths = ("behaviour.party.blame_cost", "behaviour.beliefs.prior")
    values = np.array([[1.0 + d, 0.3 + 0.2 * d] for d in range(draws)])
    return Posterior(paths=paths, values=values)


def test_each_replication_runs_under_its_draw_as_if_alone():
    """Replication r under the posterior equals replication r of the scenario run alone at
    draw r mod D, with the same seed: draws on the replication axis change nothing else."""
    sc = load_scenario(REFERENCE)
    post = _posterior()
    mixed = run_scenario(sc, 60, 5, record_daily=False, posterior=post).replication_table()
    assert post.used(60) == 3
    for d in range(3):
        alone = run_scenario(with_behaviour(sc, post.draw(d)), 60, 5,
                             record_daily=False).replication_table()
        rows = mixed[mixed.posterior_draw == d].drop(columns="posterior_draw")
        expected = alone.iloc[rows.replication].drop(columns="parameter_set")
        assert rows.reset_index(drop=True).equals(expected.reset_index(drop=True)), d


def test_compared_scenarios_are_each_their_own_run_under_the_same_draws():
    """Scenarios side by side (here the reference and a counterfactual) share their draws,
    and each one's rows are exactly those of its own run under the posterior."""
    base = load_scenario(REFERENCE)
    other = load_scenario(REFERENCE, {"mechanisms.penalties.strength": 2.0})
    post = _posterior(2)
    a, b = run_compared([base, other], 40, 3, record_daily=False, posterior=post)
    assert np.array_equal(a.draw, b.draw)
    for scenario, side in ((base, a), (other, b)):
        alone = run_scenario(scenario, 40, 3, record_daily=False, posterior=post)
        assert side.replication_table().equals(alone.replication_table())
    assert not a.replication_table().equals(b.replication_table())


def test_a_constant_the_scenario_sets_itself_keeps_its_value():
    sc = load_scenario(REFERENCE, {"behaviour.party.blame_cost": 7.5})
    for variant in _posterior().scenarios(sc, 3):
        assert variant.behaviour.party.blame_cost == 7.5
    assert _posterior().at_median(sc).behaviour.beliefs.prior == pytest.approx(0.5)


@pytest.mark.parametrize("text, field", [
    ("behaviour.party.nope\n1\n", "behaviour.party.nope"),
    ("behaviour.party.noise\nabc\n", "rows"),
    ("behaviour.party.noise\n-1\n", "behaviour.party.noise"),
    ("behaviour.party.noise,behaviour.party.noise\n1,1\n", "header"),
    ("behaviour.party.noise\n", "rows"),
    ("behaviour.party.noise\nnan\n", "behaviour.party.noise"),
    ("behaviour.party.noise,behaviour.party.gain\n1,1\n1\n", "line 3"),
])
def test_a_bad_posterior_file_names_the_file_and_the_field(tmp_path, text, field):
    path = tmp_path / "posterior.csv"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_posterior(path)
    assert str(path) in str(err.value) and field in str(err.value)


def test_the_shipped_posterior_is_valid_and_covers_the_estimated_constants():
    post = load_posterior(ROOT / "calibration" / "posterior.csv")
    cal = load_calibration(ROOT / "calibration" / "calibration.yaml")
    assert set(post.paths) == {p.path for p in cal.priors}
    assert set(post.paths) | set(cal.fixed) | set(cal.inert) == set(behaviour_paths())
    # inert: the optional mechanisms no calibrated truce writes, the opt-in constants (off at
    # their defaults) the file gives no prior, and the beliefs' constants of the opt-in
    # likelihood ("complete") every calibrated truce leaves at "model2"
    dormant = {"behaviour.beliefs.likelihood", "behaviour.beliefs.motivated",
               "behaviour.beliefs.dispersion", "behaviour.beliefs.power_sight"}
    assert all(p.split(".")[1] in ("observers", "buffers", "patrols") or p in opt_in_paths()
               or p in dormant for p in cal.inert)
    assert dormant <= set(cal.inert)
    assert "behaviour.party.regroup_days" in cal.inert
    for p in cal.priors:       # every draw inside its prior's support
        x = post.values[:, post.paths.index(p.path)]
        assert np.all((x >= p.low) & (x <= p.high)), p.path
    assert post.size == cal.search.draws


@pytest.mark.parametrize("edit, field", [
    (("statistic: declared_by\n", "statistic: declared\n"), "statistic"),
    (("truce: september\n", "truce: sept\n"), "truce"),
    (("    behaviour.beliefs.prior:\n      uniform: [0.2, 0.8]",
      "    behaviour.beliefs.prior:\n      uniform: [0.2, 1.8]"), "uniform"),
    (("tolerance: 0.15\n", "tolerance: -1\n"), "tolerance"),
    (("  fixed:\n", "  fixed:\n    behaviour.party.nothing: no\n"), "behaviour.party.nothing"),
    (("  fixed:\n", "  fixed:\n    behaviour.beliefs.prior: both\n"), "behaviour.beliefs.prior"),
    (("args: {actor: government}", "args: {actor: govt}"), "patterns[4].args"),
    (("args: {day: 14}", "args: {day: 0}"), "patterns[0].args"),
    (("args: {triggers: [accident, spoiler]}", "args: {triggers: [accident, ghost]}"),
     "patterns[8].args"),
])
def test_a_bad_calibration_file_is_one_line_and_exit_2(tmp_path, capsys, edit, field):
    text = TINY.read_text().replace("../../scenarios/", str(ROOT / "scenarios") + "/")
    assert edit[0] in text
    path = tmp_path / "cal.yaml"
    path.write_text(text.replace(edit[0], edit[1], 1))
    assert main(["calibrate", str(path), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and field in err, err
    assert "Traceback" not in err


def test_a_search_beyond_its_budget_is_refused_with_its_estimate_before_it_starts(
        tmp_path, capsys):
    """Ten million particles are refused at once (no database, no screening), the estimate
    named; the tiny file's own search is estimated within the budget."""
    pytest.importorskip("pyabc")
    text = TINY.read_text().replace("../../scenarios/", str(ROOT / "scenarios") + "/")
    huge = tmp_path / "huge.yaml"
    huge.write_text(re.sub(r"simulations: \d+", "simulations: 10000000", text, count=1))
    assert main(["calibrate", str(huge), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err, err
    assert "hour budget" in err and "--max-hours" in err
    assert not (tmp_path / "out").exists()
    plain = tmp_path / "tiny.yaml"
    plain.write_text(text)
    assert calibrate_command.work(load_calibration(plain), 1).seconds < 3600


@pytest.mark.slow
def test_the_search_is_reproducible_and_resumes_to_the_same_posterior(tmp_path):
    """Same file, same posterior, byte for byte; a search interrupted within a generation
    (its database gone, the batches it finished kept) replays those batches and ends
    where an uninterrupted one does. February (70 days a replication) runs the 10
    replications a calibration file allows at least, not the tiny file's 20: what is checked
    is equality of bytes, which needs no precision of the patterns, and the 70-day truce
    cost four fifths of the three searches."""
    text = TINY.read_text().replace("../../scenarios/", str(ROOT / "scenarios") + "/")
    text = text.replace("feb2016_cessation.yaml, replications: 20}",
                        "feb2016_cessation.yaml, replications: 10}")
    assert "replications: 10}" in text
    cal = tmp_path / "cal.yaml"
    cal.write_text(text)
    for out in ("a", "b"):
        assert main(["calibrate", str(cal), "-o", str(tmp_path / out), "-w", "1", "-q"]) == 0
    a = (tmp_path / "a" / "posterior.csv").read_bytes()
    assert a == (tmp_path / "b" / "posterior.csv").read_bytes()
    assert (tmp_path / "a" / "report" / "calibration.md").exists()
    work = tmp_path / "b" / ".work"
    batches = sorted(next(work.glob("*.batches")).iterdir())
    assert len(batches) >= 3
    for db in work.glob("*.db"):
        db.unlink()                       # killed before the search's end was recorded
    for late in batches[len(batches) // 2:]:
        late.unlink()                     # ... halfway through its batches
    (tmp_path / "b" / "posterior.csv").unlink()
    assert main(["calibrate", str(cal), "-o", str(tmp_path / "b"), "-w", "1", "-q"]) == 0
    assert (tmp_path / "b" / "posterior.csv").read_bytes() == a


@pytest.mark.slow
def test_the_procedure_recovers_known_constants_from_synthetic_history(tmp_path):
    """The model run at known constants; its statistics (from many replications) stand in
    for history, with the shipped file's patterns and tolerances. The calibration, run as
    it always is (screening, ABC-SMC, resampling), must put each true constant inside its
    posterior 90% interval (the interval the report states), and narrow the prior where
    the patterns bear on the constant. Two constants are free, the rest held at their
    defaults, so the check runs in a minute or two; with this seed the truths sit inside
    their intervals with room (printed on failure), so it is stable, and it fails if the
    search or the resampling is broken (a posterior that is the prior, or shifted).
    February runs 10 replications a particle (it was 30; its 70 days made it two thirds of
    the search's cost): measured, admission's interval is 0.34-0.93 (0.35-0.95 at 30) and
    blame_cost's 2.20-2.68 (2.26-2.67), the truths 0.6 and 2.5 inside with room, and
    blame_cost's interval 0.18 as wide as its prior's 90% (0.15 at 30), against the bound
    of 0.6 that a posterior equal to the prior (about 1) fails."""
    truth = {"behaviour.monitoring.admission": 0.6, "behaviour.party.blame_cost": 2.5}
    shipped = load_calibration(ROOT / "calibration" / "calibration.yaml")
    history = {}
    for name, scenario in shipped.scenarios.items():
        r = run_scenario(with_behaviour(scenario, truth), 3000, 99, record_daily=False)
        history |= {p.name: p.of(r) for p in shipped.patterns if p.truce == name}
    text = TINY.read_text().replace("../../scenarios/", str(ROOT / "scenarios") + "/")
    data = yaml.safe_load(text)          # the synthetic history replaces the targets
    for pattern in data["patterns"]:
        pattern["target"] = float(history[pattern["name"]])
    data["priors"]["fixed"] = {p: "held at its default in this test"
                               for p in behaviour_paths() if p not in truth}
    data["priors"]["set"] = {"behaviour.monitoring.admission": {"uniform": [0.3, 1.0],
                                                                "why": "test"},
                             "behaviour.party.blame_cost": {"uniform": [1.0, 4.0],
                                                            "why": "test"}}
    data["truces"]["september"]["replications"] = 80
    data["truces"]["february"]["replications"] = 10    # 70 days each: see the docstring
    data["search"] = {"screening": {"particles": 200, "threshold": 0.1}, "acceptance": 0.1,
                      "population": 150, "generations": 1, "simulations": 3000,
                      "min_acceptance": 0.01, "batch": 150, "seed": 7, "draws": 150}
    path = tmp_path / "synthetic.yaml"
    path.write_text(yaml.safe_dump(data))
    # the search ``run.py calibrate`` runs, on its two workers; not the command's predictive
    # checks and report after it (300 more particles, a fifth of the test's time), which
    # this test does not read: the posterior is the one the command writes
    cal = load_calibration(path)
    with make_executor(workers=2) as executor:
        post, _ = calibrate(cal, tmp_path / "abc.db", executor, 2, lambda _: None)
    width = {}
    for p in cal.priors:
        x = post.values[:, post.paths.index(p.path)]
        lo, hi = np.quantile(x, [0.05, 0.95])
        assert lo <= truth[p.path] <= hi, (p.path, truth[p.path], lo, hi)
        width[p.path] = (hi - lo) / (0.9 * (p.high - p.low))
    # blame_cost moves survival and collapse timing, so history pins it down; admission
    # only shifts the blame ratio by half a tolerance across its prior, so the data may
    # say little of it (its interval must still contain the truth)
    assert width["behaviour.party.blame_cost"] < 0.6, width
