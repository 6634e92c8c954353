"""``run.py validate``: the scores on hand-computable cases, the yardstick's leave-one-out,
the command end to end on the made-up fixture corpus (``tests/data/truces``), scores
recomputed from the tables it writes, and bad outcome files refused in one line.

The end-to-end runs use 40 replications of tiny scenarios (a 20-day horizon, 6-hour
steps); their cost is lifelines' fits, a few seconds, so they are marked slow.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis import scoring, yardstick
from sim.analysis.predictive import (CENTURY, HOUR, LAST_DAY, SMOOTHING, Predictive, day_of,
                                     from_atoms, from_sample, from_survival, reference)
from sim.analysis.scoring import Observed
from sim.present.cli import main

FIXTURES = Path(__file__).parent / "data" / "truces"
LOG_RANGE = np.log(CENTURY / HOUR)


def lu(low: float, high: float) -> float:
    """The reference's chance of T in [low, high)."""
    return np.log(min(high, CENTURY) / max(low, HOUR)) / LOG_RANGE


def sample(days, declared, horizon=10.0) -> Predictive:
    return from_sample(np.array(days, float), np.array(declared, bool), horizon)


# -- the predictive and the scores, by hand ---------------------------------------------

def test_the_reference_is_log_uniform_and_sums_to_one():
    ref = reference()
    assert ref.declared.sum() + ref.eroded.sum() == pytest.approx(1.0)
    assert ref.between(6, 6) == pytest.approx(lu(5.5, 6.5))
    assert ref.survival(7) == pytest.approx(lu(7.5, CENTURY))
    # scale-free: every factor of ten in time has the same chance
    assert ref.between(10, 99) == pytest.approx(lu(9.5, 99.5))


def test_an_interval_outcome_scores_log_p_of_its_days():
    pred = sample([2, 3, 3, 5], [True, False, True, False])
    obs = Observed("eroded", False, lo=3, hi=3)
    assert scoring.observed_probability(pred, obs) == pytest.approx(0.5)
    expected = (1 - SMOOTHING) * 0.5 + SMOOTHING * lu(2.5, 3.5)
    assert scoring.log_score(pred.smoothed(), obs) == pytest.approx(np.log(expected))
    wide = Observed("declared", False, lo=2, hi=5)
    assert scoring.observed_probability(pred, wide) == pytest.approx(1.0)


def test_a_right_censored_outcome_scores_log_p_of_still_standing():
    pred = sample([2, 3, 3, 5], [True, False, True, False])
    obs = Observed("holding", True, censored=4)
    assert scoring.observed_probability(pred, obs) == pytest.approx(0.25)
    expected = (1 - SMOOTHING) * 0.25 + SMOOTHING * lu(4.5, CENTURY)
    assert scoring.score(pred, obs, 10)["p_obs"] == pytest.approx(expected)


def test_mass_beyond_the_horizon_is_spread_log_uniformly():
    pred = sample([2, 3, np.nan, np.nan], [True, False, False, False], horizon=10)
    assert pred.declared.sum() + pred.eroded.sum() == pytest.approx(1.0)
    assert pred.survival(10) == pytest.approx(0.5)
    assert pred.survival(20) == pytest.approx(0.5 * lu(20.5, CENTURY) / lu(10.5, CENTURY))
    assert pred.between(11, 20) == pytest.approx(0.5 * lu(10.5, 20.5) / lu(10.5, CENTURY))
    assert pred.between(0, 10) == pytest.approx(0.5)            # nothing before it moved
    dec, ero, held = pred.endings_by(30)
    assert dec - 0.25 == pytest.approx(ero - 0.25)             # the tail's ending halved


def test_the_smoothing_floor_keeps_every_log_score_finite():
    never = sample([3] * 10, [True] * 10)                      # all on day 3
    obs = Observed("eroded", False, lo=40, hi=40)
    assert scoring.observed_probability(never, obs) == 0.0
    floor = SMOOTHING * lu(39.5, 40.5)
    assert scoring.score(never, obs, 10)["log_score"] == pytest.approx(np.log(floor))
    held_far = Observed("holding", True, censored=30_000)
    assert np.isfinite(scoring.score(never, held_far, 10)["log_score"])


def test_brier_of_first_week_survival():
    pred = sample([2, 9, np.nan, 8], [True, True, False, False])   # 3 of 4 past day 7
    assert pred.survival(7) == pytest.approx(0.75)
    assert scoring.brier_first_week(pred, Observed("eroded", True, lo=9, hi=9)) == \
        pytest.approx(0.0625)
    assert scoring.brier_first_week(pred, Observed("eroded", False, lo=2, hi=2)) == \
        pytest.approx(0.5625)


def test_three_class_brier_at_the_scoring_day():
    pred = sample([2, 3, np.nan, np.nan], [True, False, False, False])
    obs = Observed("declared", False, lo=2, hi=2)
    assert scoring.scoring_day(obs, 10) == (2, "declared")
    assert pred.endings_by(2) == pytest.approx((0.25, 0.0, 0.75))
    assert scoring.brier_ending(pred, obs, 10) == pytest.approx(0.75 ** 2 + 0 + 0.75 ** 2)
    late = Observed("eroded", True, lo=3, hi=3)                # at t* = 3: eroded
    assert scoring.brier_ending(pred, late, 10) == pytest.approx(0.25 ** 2 + 0.75 ** 2 + 0.5 ** 2)


def test_the_scoring_day_is_where_the_observed_class_is_certain():
    assert scoring.scoring_day(Observed("eroded", True, lo=30, hi=40), 365) == (40, "eroded")
    assert scoring.scoring_day(Observed("eroded", True, lo=400, hi=420), 365) == (365, "held")
    assert scoring.scoring_day(Observed("declared", True, lo=300, hi=400), 365) == (299, "held")
    assert scoring.scoring_day(Observed("holding", True, censored=676), 365) == (365, "held")
    assert scoring.scoring_day(Observed("expired", True, censored=183), 365) == (183, "held")


def test_outcome_times_fall_in_whole_days():
    assert [day_of(t) for t in (0, 0.4, 0.5, 1, 1.49, 50)] == [0, 0, 1, 1, 1, 50]


def test_spearman_with_ties_and_infinite_medians():
    assert scoring.spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert scoring.spearman([1, 1, 2, np.inf], [5, 6, 7, 8]) == pytest.approx(
        np.corrcoef([1.5, 1.5, 3, 4], [1, 2, 3, 4])[0, 1])
    assert np.isnan(scoring.spearman([1, 1, 1], [1, 2, 3]))


def test_a_survival_function_becomes_a_whole_distribution():
    edges = np.minimum(np.arange(LAST_DAY + 1) + 0.5, CENTURY)
    pred = from_survival(np.exp(-edges / 20), declared_share=0.25)
    assert pred.declared.sum() + pred.eroded.sum() + pred.beyond == pytest.approx(1.0)
    assert pred.survival(7) == pytest.approx(np.exp(-7.5 / 20))
    dec, ero, _ = pred.endings_by(7)
    assert dec == pytest.approx(ero / 3)


# -- the yardstick --------------------------------------------------------------------------

def frame(outcomes) -> pd.DataFrame:
    ids = [f"t{i}" for i in range(len(outcomes))]
    feats = [{"monitoring": i % 2, "guarantor": int(i < 2)} for i in range(len(outcomes))]
    return yardstick.outcome_frame(ids, list(outcomes), feats)


OUTCOMES = (Observed("declared", False, lo=2, hi=2), Observed("eroded", True, lo=4, hi=4),
            Observed("holding", True, censored=6), Observed("eroded", True, lo=20, hi=30),
            Observed("expired", True, censored=4))


def test_the_base_rate_is_kaplan_meier_split_by_aalen_johansen():
    train = frame(OUTCOMES[:3])         # events at 2 (declared) and 4 (eroded); held past 6
    pred = yardstick.base_rate(train)
    assert pred.between(2, 2) == pytest.approx(1 / 3)
    assert pred.endings_by(4) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert pred.survival(6) == pytest.approx(1 / 3)             # the tail, after the last
    assert pred.declared.sum() + pred.eroded.sum() == pytest.approx(1.0)


def test_leave_one_out_never_fits_a_truce_on_itself():
    targets = frame(OUTCOMES)
    seen = {}

    def spy(train, row):
        seen[row["truce"]] = set(train["truce"])
        return yardstick.base_rate(train), "spy"

    yardstick.leave_one_out(targets, fits={"base_rate": spy})
    assert seen == {k: set(targets["truce"]) - {k} for k in targets["truce"]}


def test_a_truces_own_outcome_does_not_move_its_yardstick():
    """Changing truce 0's outcome changes nothing of truce 0's base rate or regression."""
    changed = (Observed("holding", True, censored=900), *OUTCOMES[1:])
    a = yardstick.leave_one_out(frame(OUTCOMES), features=("monitoring", "guarantor"))["t0"]
    b = yardstick.leave_one_out(frame(changed), features=("monitoring", "guarantor"))["t0"]
    for name in yardstick.PREDICTORS:
        np.testing.assert_allclose(a[name][0].declared, b[name][0].declared, atol=1e-9)
        np.testing.assert_allclose(a[name][0].eroded, b[name][0].eroded, atol=1e-9)
    assert a["regression"][1].startswith("Weibull AFT on")


def test_a_reference_corpus_fits_the_yardstick_without_the_target():
    reference = frame(OUTCOMES)
    target = reference.iloc[[3]]
    fitted = yardstick.leave_one_out(target, reference, fits={
        "base_rate": lambda train, row: (yardstick.base_rate(train), str(len(train)))})
    assert fitted["t3"]["base_rate"][1] == "4"
    alone = yardstick.base_rate(reference.drop(index=3))
    np.testing.assert_allclose(fitted["t3"]["base_rate"][0].declared, alone.declared)


def test_from_atoms_puts_a_time_in_its_day():
    pred = from_atoms(np.array([2.5, 7.0]), np.array([0.5, 0.0]), np.array([0.0, 0.25]),
                      0.25, 7.0)
    assert pred.between(3, 3) == pytest.approx(0.5)             # 2.5 is in day 3
    assert pred.endings_by(7) == pytest.approx((0.5, 0.25, 0.25))
    assert pred.survival(7) == pytest.approx(0.25)


# -- the command end to end -------------------------------------------------------------

@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("validate") / "out"
    assert main(["validate", str(FIXTURES), "-r", "40", "-o", str(out), "-q"]) == 0
    return out


@pytest.mark.slow
def test_the_command_writes_its_tables_chart_summary_and_manifest(written):
    assert {p.name for p in written.iterdir()} >= {
        "validation.csv", "predictions.csv", "scores.csv", "survival.png", "summary.md",
        "manifest.json"}
    table = pd.read_csv(written / "validation.csv")
    assert table["truce"].tolist() == ["fixture_alpha", "fixture_bravo", "fixture_charlie"]
    assert table["observed"].tolist() == ["declared", "eroded", "holding"]
    assert table[["monitoring", "peacekeeping", "joint_commission"]].values.tolist() == [
        [0, 0, 0], [1, 1, 0], [1, 0, 1]]
    manifest = json.loads((written / "manifest.json").read_text())
    assert manifest["kind"] == "validate" and manifest["replications"] == 40
    assert manifest["seed"] == 20160912 and manifest["smoothing"] == SMOOTHING
    summary = (written / "summary.md").read_text()
    assert "## In short" in summary and "beats the base rate" in summary


@pytest.mark.slow
def test_every_score_is_recomputed_from_the_tables(written):
    table = pd.read_csv(written / "validation.csv")
    predictions = pd.read_csv(written / "predictions.csv")
    all_scores = pd.read_csv(written / "scores.csv")
    assert all_scores["against"].tolist() == ["base_rate"] * 4 + ["regression"] * 4
    scores = all_scores[all_scores["against"] == "base_rate"].set_index("score")
    for p in ("model", "base_rate", "regression"):
        np.testing.assert_allclose(table[f"{p}_log_score"], np.log(table[f"{p}_p_obs"]))
        np.testing.assert_allclose(table[f"{p}_brier_first_week"], (
            table[f"{p}_survival_7"] - table["first_week_held"].astype(float)) ** 2)
        classes = {c: (table["scoring_class"] == c).astype(float)
                   for c in ("declared", "eroded", "held")}
        np.testing.assert_allclose(table[f"{p}_brier_ending"], sum(
            (table[f"{p}_p_{c}"] - classes[c]) ** 2 for c in classes))
        for s in ("log_score", "brier_first_week", "brier_ending"):
            assert scores.loc[s, p] == pytest.approx(table[f"{p}_{s}"].mean())
        assert scores.loc["spearman", p] == pytest.approx(scoring.spearman(
            table[f"{p}_median_days"], table["observed_duration"]), nan_ok=True)
    for against in ("base_rate", "regression"):
        again = scoring.compare_scores(table, ("model", "base_rate", "regression"),
                                       baseline=against)
        mine = all_scores[all_scores["against"] == against]
        np.testing.assert_allclose(again[["difference", "low", "high"]],
                                   mine[["difference", "low", "high"]], equal_nan=True)
        np.testing.assert_allclose(mine["difference"], mine["model"] - mine[against])
    # the model's chance of each outcome, from its replications
    from sim.present.validation import model_predictive
    for _, row in table.iterrows():
        pred = model_predictive(predictions, row["truce"])
        obs = (Observed(row["observed"], bool(row["first_week_held"]),
                        lo=int(row["day_lo"]), hi=int(row["day_hi"]))
               if row["observed"] in ("declared", "eroded") else
               Observed(row["observed"], bool(row["first_week_held"]),
                        censored=int(row["censored_day"])))
        again = scoring.score(pred, obs, row["horizon_days"])
        assert again["p_obs_raw"] == pytest.approx(row["model_p_obs_raw"])
        assert again["log_score"] == pytest.approx(row["model_log_score"])
    # and the summary states the means of scores.csv
    summary = (written / "summary.md").read_text()
    assert f"model {scores.loc['log_score', 'model']:.2f}" in summary
    assert f"base rate {scores.loc['log_score', 'base_rate']:.2f}" in summary


@pytest.mark.slow
def test_truces_outside_the_corpus_score_the_same(written, tmp_path):
    """The same truces copied elsewhere, through the API: the same table; one truce alone,
    its yardstick fitted on the corpus: its row unchanged."""
    from sim import api
    elsewhere = tmp_path / "held_out"
    shutil.copytree(FIXTURES, elsewhere)
    table = pd.read_csv(written / "validation.csv")
    v = api.validate(elsewhere, replications=40)
    pd.testing.assert_frame_equal(pd.read_csv(_csv(v.table, tmp_path)), table)
    alone = api.validate(elsewhere / "fixture_charlie", replications=40, reference=FIXTURES)
    pd.testing.assert_frame_equal(pd.read_csv(_csv(alone.table, tmp_path)),
                                  table.iloc[[2]].reset_index(drop=True), check_dtype=False)
    assert "beats the base rate" in v.summary() or "no difference" in v.summary()
    assert len(v.plot().axes) >= 3


def _csv(frame: pd.DataFrame, folder: Path) -> Path:
    path = folder / "again.csv"
    frame.to_csv(path, index=False)
    return path


# -- bad input ----------------------------------------------------------------------------

def _corpus_with(tmp_path: Path, edit) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES, corpus)
    edit(corpus / "fixture_bravo")
    return corpus


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


BAD = {
    "unknown kind": ("outcomes.yaml", "kind: eroded", "kind: fizzled", "end.kind"),
    "range reversed": ("outcomes.yaml", "day: [10, 14]", "day: [14, 10]", "end.day"),
    "a flag as text": ("outcomes.yaml", "held: true", "held: 'yes'", "first_week.held"),
    "unknown source": ("outcomes.yaml", "source: [O1, O2]", "source: [O1, O9]", "end.source"),
    "wrong truce id": ("outcomes.yaml", "truce: fixture_bravo", "truce: fixture_b", "truce"),
    "day off its date": ("outcomes.yaml", "date: [2002-06-20,", "date: [2002-07-20,",
                         "end.date"),
    "holding without censoring": ("outcomes.yaml", "kind: eroded", "kind: holding",
                                  "end.censored_at"),
    "unknown field": ("outcomes.yaml", "by: null", "by: null\n  cause: drought", "end.cause"),
    "sets behaviour": ("scenario.yaml", "mechanisms:", "behaviour: {party: {noise: 0.5}}\n"
                       "mechanisms:", "behaviour"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_truce_is_one_line_naming_file_and_field(case, tmp_path, capsys):
    file, old, new, field = BAD[case]
    corpus = _corpus_with(tmp_path, lambda folder: _replace(folder / file, old, new))
    assert main(["validate", str(corpus), "-r", "10", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "Traceback" not in err
    assert f"{corpus / 'fixture_bravo' / file}: {field}" in err.splitlines()[0], err
    assert not (tmp_path / "out").exists()


def test_a_folder_without_truces_is_refused(tmp_path, capsys):
    (tmp_path / "empty" / "half").mkdir(parents=True)
    (tmp_path / "empty" / "half" / "scenario.yaml").write_text("name: x\n")
    assert main(["validate", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert "no truce found" in err and "half: no outcomes.yaml" in err


def test_without_lifelines_it_names_the_extra(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(yardstick, "available", lambda: False)
    assert main(["validate", str(FIXTURES), "-o", str(tmp_path / "out")]) == 2
    assert "ceasefire-sim[validation]" in capsys.readouterr().err


def test_an_incomplete_truce_is_skipped_with_a_warning(tmp_path, capsys):
    from sim.scenario.corpus import load_corpus
    corpus = _corpus_with(tmp_path, lambda folder: (folder / "outcomes.yaml").unlink())
    loaded = load_corpus(corpus)
    assert loaded.ids() == ["fixture_alpha", "fixture_charlie"]
    assert [(p.name, why) for p, why in loaded.skipped] == [("fixture_bravo",
                                                             "no outcomes.yaml")]


def test_a_behavioural_constant_set_for_the_corpus_reaches_every_truce_and_nothing_else():
    """``validate --set behaviour.X=v`` is an experiment on the behaviour: every truce gets
    it as its own constant (so the posterior's draws leave it), and a fact or term is
    refused (a truce's facts are what its files say)."""
    from sim.run.posterior import explicit_behaviour
    from sim.scenario.corpus import load_corpus
    from sim.scenario.loading import ScenarioError

    truces = load_corpus(Path(__file__).parents[1] / "truces",
                         {"behaviour.party.gain": 1.25}).truces
    assert len(truces) >= 15
    for truce in truces:
        assert truce.scenario.behaviour.party.gain == 1.25
        assert explicit_behaviour(truce.scenario) == {"behaviour.party.gain"}
    with pytest.raises(ScenarioError) as raised:
        load_corpus(Path(__file__).parents[1] / "truces", {"actors.russia.commitment": 0.9})
    assert raised.value.field == "actors.russia.commitment"
