"""The calibration targets of shared/history.md, checked over many replications.

Both truces run under the shipped posterior (``calibration/posterior.csv``, a draw per
replication: what the main job runs), so these are posterior predictive checks of the
behaviour every truce shares; their files state facts and terms only. Each check runs
with a fixed seed and R = 4000: the standard error of a share of replications is then
at most 0.008. The thresholds were set at least four standard errors from the values
this seed gave under the posterior of stop 23 (accidents trigger 3.3% of 3,239
declarations against 0.5%, nine), so the checks are stable for this seed, and fail if a
pattern goes; under the posterior recalibrated at stop 24 all pass but one, the days 4-8
window, marked as a known miss below.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import CONTRAST, REFERENCE, run
from sim.model.results import TRIGGERS

pytestmark = pytest.mark.slow

R = 4000
SEED = 11


@pytest.fixture(scope="module")
def sept():
    return run(REFERENCE, R, SEED, daily=True, posterior=True)


@pytest.fixture(scope="module")
def feb():
    return run(CONTRAST, R, SEED, daily=True, posterior=True)


def test_reference_collapses_in_most_replications_around_day_seven(sept):
    # history: "Collapse is likely before or around day 7"
    assert np.mean(sept.collapse_day <= 8) > 0.6
    # "a party to the truce declares it over in most replications"
    assert np.mean(sept.formal_day >= 0) > 0.7
    # the modal collapse day is inside "the most common collapse window, days 4-8"
    day = sept.collapse_day[~np.isnan(sept.collapse_day)]
    assert 4 <= np.bincount(day.astype(int)).argmax() <= 8


@pytest.mark.xfail(strict=True, reason=(
    "Known miss since stop 24: with an erosion dated from the first day violence is back "
    "(not two days late, at its window's close), the recalibrated posterior's September "
    "collapses come early: 54% on days 4-8, 61% on days 2-6 (seed 11, R = 4000), though "
    "the calibration's pattern (median collapse day 6 +- 2) fits at 5. Model 2's fronts "
    "return to war within days of the start (issue 15: decisions at 00:00 on day 1); "
    "strict, so the mark must go once the model meets history again"))
def test_reference_collapses_mostly_on_days_four_to_eight(sept):
    # history: "the most common collapse window is days 4-8": more than half the
    # collapses there, and no five-day window holds more
    day = sept.collapse_day[~np.isnan(sept.collapse_day)]
    share = {a: np.mean((day >= a) & (day <= a + 4)) for a in range(0, 12)}
    assert share[4] > 0.55 and share[4] == max(share.values())


def test_reference_survival_is_low_but_not_nil(sept):
    assert 0.15 < sept.survived.mean() < 0.5


def test_violence_drops_at_the_start_then_climbs_through_the_week(sept):
    # violence_day: the parties' violence as a share of its pre-truce level
    per_day = sept.violence_day.mean(0)
    assert per_day[0] < 0.35               # a sharp drop on day 1
    assert per_day[5] > 1.5 * per_day[0]   # climbing through the week


def test_blame_is_asymmetric_and_both_sides_blame_the_other(sept):
    """Each side's public count of the other's violations is far above the other's count of
    its own: both are simulated reports (perceived incidents booked against the other side,
    and own violations admitted once independent monitors verified them)."""
    for name in ("government", "opposition"):
        i = sept.actors.index(name)
        reported = sept.reported[:, i].mean()
        admitted = sept.admitted[:, i].mean()
        assert reported > 4 * admitted, name
        assert reported > 5, name           # both sides say the other failed


def test_aid_to_besieged_areas_mostly_fails(sept):
    delivered, blocked, struck = sept.convoys.sum(0)
    assert delivered / (delivered + blocked + struck) < 0.35


def test_accidents_and_spoilers_are_among_the_triggers(sept):
    triggers = sept.trigger[sept.trigger >= 0]
    share = {t: np.mean(triggers == i) for i, t in enumerate(TRIGGERS)}
    assert share["accident"] > 0.005
    assert share["spoiler"] > 0.005
    assert share["deliberate"] + share["retaliation"] < 0.97


def test_the_government_declares_most_collapses(sept):
    # history: the Syrian army declared the truce over on 19 September
    declarer = sept.declarer[sept.declarer >= 0]
    assert np.mean(declarer == sept.actors.index("government")) > 0.7


def test_contrast_survives_its_first_week_and_erodes_over_weeks(feb):
    assert feb.survived.mean() > 0.85
    day = feb.collapse_day[~np.isnan(feb.collapse_day)]
    assert len(day) / feb.replications > 0.8           # it does erode...
    assert 21 <= np.median(day) <= 63                  # ...over weeks, not days


def test_contrast_frays_without_a_formal_declaration(feb):
    # history: it unravelled in April on the ground; nobody formally declared it over
    collapsed = ~np.isnan(feb.collapse_day)
    assert np.mean(feb.kind_of_collapse[collapsed] == "de facto") > 0.6


def test_contrast_violence_stays_well_below_war_level(feb):
    assert feb.violence_day[:, :7].mean() < 0.3


def test_the_contrast_outlasts_the_reference(sept, feb):
    assert feb.survived.mean() > sept.survived.mean() + 0.4
    assert np.nanmedian(feb.collapse_day) > 3 * np.nanmedian(sept.collapse_day)
