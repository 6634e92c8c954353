"""The deal over time (``deal:``, ``sim.scenario.deal``): scheduled terms act from their day
only, a deal that expires or is superseded ends every standing truce that day with that
ending, and bad schedules are refused naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import REFERENCE
from sim.run.experiment import run_scenario
from sim.scenario.loading import ScenarioError, load_scenario

#: 400 worlds with common random numbers: identical runs are identical bit for bit,
#: so "the same before the day" needs no tolerance.
R, SEED = 400, 3


def child(tmp_path: Path, deal: dict) -> Path:
    path = tmp_path / "child.yaml"
    path.write_text(yaml.safe_dump({"extends": str(REFERENCE), "deal": deal}))
    return path


def switch_on(day: int) -> dict:
    return {"schedule": [{"day": day, "set": {"mechanisms.monitoring.verification": 0.9},
                          "source": "test: joint monitoring from a stated day"}]}


def known_fallen(r, day: int) -> np.ndarray:
    """Worlds known to have collapsed by the start of ``day``: declared over on an earlier
    day, or known back at war by the close of the day before (a de facto collapse is known
    at the close of its window and dated from the window's first day)."""
    window = round(load_scenario(REFERENCE).outcomes.de_facto_window_days)
    f, d = r.formal_day, r.de_facto_day
    return ((f >= 0) & (f < day)) | ((d >= 0) & (d + window <= day))


@pytest.fixture(scope="module")
def reference():
    return run_scenario(load_scenario(REFERENCE), R, SEED, record_daily=True)


def test_a_scheduled_term_changes_behaviour_only_from_its_day(tmp_path, reference):
    day = 4
    changed = run_scenario(load_scenario(child(tmp_path, switch_on(day))), R, SEED,
                           record_daily=True)
    # before the day: the same worlds, day by day (common random numbers)
    np.testing.assert_array_equal(changed.violence_day[:, :day], reference.violence_day[:, :day])
    np.testing.assert_array_equal(changed.acts_day[:, :day], reference.acts_day[:, :day])
    np.testing.assert_array_equal(known_fallen(changed, day), known_fallen(reference, day))
    # from it: a different run (verification 0.1 -> 0.9 changes what is booked)
    assert not np.array_equal(changed.reported_day[:, day:], reference.reported_day[:, day:])


def test_a_schedule_that_sets_the_value_in_force_changes_nothing(tmp_path, reference):
    same = {"schedule": [{"day": 3, "set": {"mechanisms.monitoring.verification": 0.1}}]}
    r = run_scenario(load_scenario(child(tmp_path, same)), R, SEED, record_daily=True)
    np.testing.assert_array_equal(r.violence_day, reference.violence_day)
    np.testing.assert_array_equal(r.formal_day, reference.formal_day)


@pytest.mark.parametrize("field, ending", [("expires_day", "expired"),
                                           ("superseded_day", "superseded")])
def test_the_deal_ends_every_standing_truce_on_its_day(tmp_path, reference, field, ending):
    day = 5
    r = run_scenario(load_scenario(child(tmp_path, {field: day})), R, SEED, record_daily=True)
    before = lambda res: np.where(np.isnan(res.collapse_day), np.inf, res.collapse_day)  # noqa: E731
    standing = ~known_fallen(reference, day)
    np.testing.assert_array_equal(before(r)[~standing], before(reference)[~standing])
    assert standing.any() and (~standing).any()
    assert (r.ending[standing] == ending).all() and (r.end_day[standing] == day).all()
    assert (r.ending[~standing] == "").all() and (r.end_day[~standing] == -1).all()
    assert np.isnan(r.collapse_day[standing]).all()       # nothing collapses after its end
    table = r.replication_table()
    assert (table["ending"][standing] == ending).all()
    assert set(table["ending"][~standing]) <= {"declared", "eroded"}   # collapsed first


def test_a_deal_without_schedule_or_end_adds_no_column(reference):
    assert reference.end_day is None and "ending" not in reference.replication_table()


@pytest.mark.parametrize("deal, field, expected", [
    ({"schedule": [{"day": 3, "set": {"mechanisms.monitoring.nonsense": 1}}]},
     "deal.schedule.0.set.mechanisms.monitoring.nonsense", "unknown term"),
    ({"schedule": [{"day": 3, "set": {"actors.russia.commitment": 0.5}}]},
     "deal.schedule.0.set.actors.russia.commitment", "not a term of the deal"),
    ({"schedule": [{"day": 3, "set": {"mechanisms.monitoring": 0.5}}]},
     "deal.schedule.0.set.mechanisms.monitoring", "a block of terms"),
    ({"schedule": [{"day": 3, "set": {"mechanisms.monitoring.verification": 7}}]},
     "deal.schedule.0.set.mechanisms.monitoring.verification", "less than or equal to 1"),
    ({"schedule": [{"day": 5, "set": {"mechanisms.monitoring.verification": 0.5}},
                   {"day": 5, "set": {"mechanisms.monitoring.verification": 0.6}}]},
     "deal.schedule.1.day", "days must increase"),
    ({"schedule": [{"day": 400, "set": {"mechanisms.monitoring.verification": 0.5}}]},
     "deal.schedule.0.day", "within the horizon"),
    ({"expires_day": 99}, "deal.expires_day", "within the horizon"),
    ({"expires_day": 5, "superseded_day": 6}, "deal.superseded_day", "not both"),
])
def test_bad_schedules_are_refused_naming_file_and_field(tmp_path, deal, field, expected):
    path = child(tmp_path, deal)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(path) in str(err.value) or path.name in str(err.value)
    assert f"{field}: " in str(err.value) and expected in str(err.value)


def test_the_story_of_a_truce_the_deal_ended_says_so(tmp_path):
    from sim.present.wording.story import render
    from sim.run.story import story
    scenario = load_scenario(child(tmp_path, {"superseded_day": 2}))
    for replication in range(20):       # the first of them still standing on day 2
        told = story(scenario, replication, SEED, 20)
        if told.outcome.get("ending") == "superseded":
            break
    else:
        pytest.fail("no truce of 20 stood to day 2")
    assert "replaced by another deal (superseded) at the start of day 3" in \
        render(told)
