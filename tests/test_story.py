"""The story of one run: the replication told is the main job's, in time order, in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.summary import typical
from sim.run.posterior import SHIPPED, load_posterior
from sim.model.story import CLOSE
from sim.present.cli import main
from sim.present.wording.story import render
from sim.run.experiment import run_scenario
from sim.run.story import story
from sim.scenario.loading import load_scenario
from tests.conftest import REFERENCE, run

SEED = 11
#: Two blocks (1000 and 50): a replication of the second block is told from its own block.
REPLICATIONS = 1050


@pytest.fixture(scope="module")
def main_job():
    """The main job's replication table under the shipped posterior, as run.py runs it."""
    return run(REFERENCE, REPLICATIONS, SEED, posterior=True)


def told(replication: int):
    return story(load_scenario(REFERENCE), replication, SEED, REPLICATIONS,
                 posterior=load_posterior(SHIPPED))


def first_formal(main_job) -> int:
    """The first replication of the second block that was declared over first (a formal
    collapse), so the story ends with a declaration."""
    table = main_job.replication_table()
    rows = table[(table["replication"] >= 1000) & (table["collapse"] == "formal")]
    return int(rows["replication"].iloc[0])


def test_the_story_is_the_main_jobs_replication(main_job):
    table = main_job.replication_table()
    for r in (first_formal(main_job), typical(main_job)):
        outcome = pd.Series(told(r).outcome)
        row = table.iloc[r]
        assert outcome.index.tolist() == row.index.tolist()
        pd.testing.assert_series_equal(outcome, row, check_names=False, check_dtype=False)


def test_typical_is_closest_to_the_median_collapse_day_lowest_index_first(main_job):
    days = main_job.collapse_day
    distance = np.abs(days - np.nanmedian(days))
    r = typical(main_job)
    assert distance[r] == np.nanmin(distance)
    assert not (distance[:r] == distance[r]).any()      # ties: the lowest index


def test_events_are_in_time_order_and_stop_at_the_collapse(main_job):
    r = first_formal(main_job)
    events = told(r).events
    when = [(e.day, e.hour) for e in events]
    assert when == sorted(when)
    assert all(0 <= e.hour <= CLOSE for e in events)
    assert events[-1].kind == "declared"
    assert events[-1].day == main_job.formal_day[r] + 1     # at the start of the next day
    assert {"attack", "beliefs", "convoy"} <= {e.kind for e in events}


def test_the_story_adds_up_to_the_replications_counts(main_job):
    """Every violation and every incident booked during the truce is in the story: per
    party, its attacks and misuse add up to its violations, and what was booked against it
    (acts and incidents of unclear origin) to the other side's report of it."""
    table = main_job.replication_table()
    formal = table[(table["collapse"] == "formal") & (table["collapse_day"] <= 7)]
    assert len(formal) >= 2
    for r in formal["replication"].iloc[:2]:
        s, row = told(int(r)), table.iloc[int(r)]
        for party in main_job.parties:
            violations = sum(e.count for e in s.events if e.actor == party and (
                e.kind == "intelligence_misuse" or e.kind == "attack"
                and e.detail["cause"] in ("deliberate", "retaliation")))
            booked = sum(e.count for e in s.events
                         if e.kind == "unclear" and e.actor == party
                         or e.detail.get("booked_against") == party)
            assert violations == row[f"violations_{party}"], party
            assert booked == row[f"reported_{party}_by_other_side"], party


def test_the_text_names_the_declarer_and_the_trigger(main_job):
    r = first_formal(main_job)
    s = told(r)
    text = render(s)
    declarer, trigger = s.outcome["declared_by"], s.outcome["trigger"]
    assert f"The {declarer} declares the truce over" in text
    assert f"(trigger: {trigger})" in text
    assert f"The {declarer} declared the truce over at the start of day " \
           f"{main_job.formal_day[r] + 1}" in text
    markdown = render(s, markdown=True)
    assert markdown.startswith(f"# The story of replication {r} of {REPLICATIONS}")
    assert f"**The {declarer} declares the truce over**" in markdown


@pytest.mark.parametrize("value", ["x", "-1", "40", "1.5", "", "Typical"])
def test_bad_story_values_are_one_line_and_exit_2(value, tmp_path, capsys):
    code = main([str(REFERENCE), "-r", "40", "--story", value, "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"error: {REFERENCE}: --story: expected")
    assert not (tmp_path / "o").exists()      # refused before anything was simulated


def test_main_job_writes_the_story_and_links_it(tmp_path, capsys):
    out = tmp_path / "o"
    assert main([str(REFERENCE), "-r", "40", "--no-charts", "-q", "--story", "3",
                 "--out", str(out)]) == 0      # with its counterfactuals, as by default
    printed = capsys.readouterr().out
    assert "The story of replication 3 of 40" in printed
    assert f"the whole story: {out / 'story.md'}" in printed
    assert "[Replication 3](story.md)" in (out / "summary.md").read_text(encoding="utf-8")
    story_md = (out / "story.md").read_text(encoding="utf-8")
    table = pd.read_csv(out / "replications.csv")
    assert story_md.startswith("# The story of replication 3 of 40")
    assert f"posterior draw {table['posterior_draw'][3]}" in story_md
    row = table.iloc[3]
    if pd.notna(row["collapse_day"]):
        assert f"collapse day {row['collapse_day']:.0f}" in story_md
    else:
        assert "The truce held to the end" in story_md


def test_a_sweep_file_has_no_story(tmp_path, capsys):
    sweep = REFERENCE.parent / "sweeps" / "patron_leverage.yaml"
    assert main([str(sweep), "--story", "1", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {sweep}: --story: ")


def test_at_the_posterior_median_the_story_is_that_runs_replication():
    """``--point``: one set of constants, no posterior draws."""
    scenario = load_posterior(SHIPPED).at_median(load_scenario(REFERENCE))
    results = run_scenario(scenario, 60, SEED, record_daily=False)
    s = story(scenario, 59, SEED, 60)
    pd.testing.assert_series_equal(pd.Series(s.outcome), results.replication_table().iloc[59],
                                   check_names=False, check_dtype=False)
    assert "posterior draw" not in render(s)


def test_stories_without_a_declaration_say_how_they_ended(main_job):
    table = main_job.replication_table()
    second = table[table["replication"] >= 1000]
    ground = second[second["formal_collapse_day"].isna() & second["collapse_day"].notna()]
    held = second[second["collapse_day"].isna()]
    for rows, said in ((ground, "before any declaration"), (held, "The truce held to the end")):
        assert len(rows), said         # this seed's run has both kinds (3 and 4 of them)
        text = render(told(int(rows["replication"].iloc[0])))
        assert said in text
        assert "declares the truce over" not in text
